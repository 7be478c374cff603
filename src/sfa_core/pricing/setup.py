"""What quotes are priced with besides the catalog: the stored pricing setup.

An admin edits price rule sets, discount schedules, promotions, contracted
prices and the pricing settings (tax policy, exchange rates, options); each is
a versioned value that a repository stores. :class:`PricingSetup` gathers the
values one pricing run uses, and :attr:`PricingSetup.versions` names them, so
that a priced quote records exactly which setup priced it
(:class:`SetupVersions`) and can be priced again with the same one.

>>> from decimal import Decimal
>>> from sfa_core import Money
>>> from sfa_core.pricing import DiscountSchedule, RateTaxPolicy
>>> setup = PricingSetup(
...     schedules=[DiscountSchedule("VOLUME", [(9, 0), (None, 5)], version=3)],
...     contracted=ContractedPrices("ACME", {"DOCK": Money("79.00", "EUR")}, version=2),
...     settings=PricingSettings(tax=RateTaxPolicy({"standard": Decimal(20)}), version=1))
>>> setup.versions
SetupVersions(rule_sets={}, schedules={'VOLUME': 3}, promotions={}, contracted_prices=2, \
settings=1)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from sfa_core._frozen import FrozenMap, freeze_map
from sfa_core._validate import (
    check_key,
    check_optional_index,
    check_version,
    mapping_of,
    require_index,
    require_key,
    to_frozen,
    tuple_converter,
)
from sfa_core.errors import ValidationError
from sfa_core.money import ExchangeRates, Money
from sfa_core.pricing.model import PricingOptions
from sfa_core.pricing.price_rules import RuleSet
from sfa_core.pricing.promotions import Promotion
from sfa_core.pricing.schedules import DiscountSchedule
from sfa_core.pricing.tax import RateTaxPolicy

__all__ = [
    "DEFAULT_SETTINGS",
    "ContractedPrices",
    "PricingSettings",
    "PricingSetup",
    "SetupVersions",
]


def _prices(value: Any) -> FrozenMap[str, Money]:
    if not isinstance(value, Mapping):
        raise ValidationError("must be a mapping of SKU to Money", path="prices", value=value)
    for sku, price in value.items():
        require_key(sku, f"prices[{sku!r}]")
        if not isinstance(price, Money):
            raise ValidationError("must be a Money", path=f"prices[{sku!r}]", value=price)
    return freeze_map(value)


@attrs.frozen
class ContractedPrices:
    """The unit prices agreed with one account, per SKU (Salesforce CPQ's contracted prices).

    A contracted price replaces the list price of the line's product when the
    quote's account has one (the ``contracted`` step of the waterfall).

    Attributes:
        account: The account; the key it is stored under.
        prices: Per SKU, the contracted unit price.
        version: Storage version (0 = never stored).

    Raises:
        ValidationError: A bad account, SKU or price (the path names it, for
            example ``prices['DOCK']``).

    >>> from sfa_core import Money
    >>> ContractedPrices("ACME", {"DOCK": Money("79.00", "EUR")}).prices["DOCK"]
    Money(amount=Decimal('79.00'), currency='EUR')
    >>> ContractedPrices("ACME", {"DOCK": "79.00"})
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: prices['DOCK']: must be a Money (got '79.00')
    """

    account: str = attrs.field(validator=check_key)
    prices: Mapping[str, Money] = attrs.field(factory=FrozenMap, converter=_prices)
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)


def _optional(kind: type) -> Any:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value is not None and not isinstance(value, kind):
            raise ValidationError(
                f"must be a {kind.__name__} or None", path=attribute.name, value=value
            )

    return check


def _options(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, PricingOptions):
        raise ValidationError("must be a PricingOptions", path=attribute.name, value=value)


@attrs.frozen
class PricingSettings:
    """The pricing settings that hold for every quote: tax policy, exchange rates, options.

    Attributes:
        id: The key it is stored under; the engine prices with ``"default"``.
        tax: The tax policy; ``None`` for no tax (gross equals net).
        rates: Exchange rates, for prices, costs or contracted prices in another
            currency than the quote's.
        options: Order switches and the rounding policy.
        version: Storage version (0 = never stored).

    Raises:
        ValidationError: A field of the wrong type (the path names it).

    >>> from decimal import Decimal
    >>> from sfa_core.pricing import RateTaxPolicy
    >>> PricingSettings(tax=RateTaxPolicy({"standard": Decimal(20)})).id
    'default'
    >>> PricingSettings(tax={"standard": 20})
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: tax: must be a RateTaxPolicy or None (got {'standard': 20})
    """

    id: str = attrs.field(default="default", validator=check_key)
    tax: RateTaxPolicy | None = attrs.field(default=None, validator=_optional(RateTaxPolicy))
    rates: ExchangeRates | None = attrs.field(default=None, validator=_optional(ExchangeRates))
    options: PricingOptions = attrs.field(factory=PricingOptions, validator=_options)
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)


#: The settings used while none are stored (no tax, no rates, default options).
DEFAULT_SETTINGS = PricingSettings()


_versions = mapping_of(require_index, "versions (integers >= 0)")


@attrs.frozen
class SetupVersions:
    """Which stored versions of the pricing setup priced a quote.

    Attributes:
        rule_sets: Per rule set id, its version.
        schedules: Per discount schedule id, its version.
        promotions: Per promotion id, its version.
        contracted_prices: The version of the account's contracted prices, or
            ``None`` when the account had none.
        settings: The version of the pricing settings, or ``None`` when none
            were stored (the defaults applied).

    >>> SetupVersions(rule_sets={"R": 2}).rule_sets["R"]
    2
    """

    rule_sets: Mapping[str, int] = attrs.field(
        factory=FrozenMap, converter=to_frozen, validator=_versions
    )
    schedules: Mapping[str, int] = attrs.field(
        factory=FrozenMap, converter=to_frozen, validator=_versions
    )
    promotions: Mapping[str, int] = attrs.field(
        factory=FrozenMap, converter=to_frozen, validator=_versions
    )
    contracted_prices: int | None = attrs.field(default=None, validator=check_optional_index)
    settings: int | None = attrs.field(default=None, validator=check_optional_index)


def _items(value: Any, kind: type, name: str) -> tuple[Any, ...]:
    items = tuple_converter(value)
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            raise ValidationError(f"must be a {kind.__name__}", path=f"{name}[{index}]", value=item)
    return items


def _rule_sets(value: Any) -> tuple[RuleSet, ...]:
    return _items(value, RuleSet, "rule_sets")


def _schedules(value: Any) -> tuple[DiscountSchedule, ...]:
    return _items(value, DiscountSchedule, "schedules")


def _promotions(value: Any) -> tuple[Promotion, ...]:
    return _items(value, Promotion, "promotions")


def _unique(instance: Any, attribute: Any, value: tuple[Any, ...]) -> None:
    seen: set[str] = set()
    for index, item in enumerate(value):
        if item.id in seen:
            raise ValidationError(
                "two values have this id", path=f"{attribute.name}[{index}].id", value=item.id
            )
        seen.add(item.id)


@attrs.frozen
class PricingSetup:
    """The stored setup one pricing run uses (all of it, or one account's share of it).

    Attributes:
        rule_sets: The price rule sets, in the order they run (by id when loaded).
        schedules: The discount schedules products may name.
        promotions: The cart promotions.
        contracted: The quote's account's contracted prices, if any.
        settings: The pricing settings; ``None`` means the defaults.

    Raises:
        ValidationError: An item of the wrong type, or two items of a kind with
            one id.

    >>> PricingSetup().versions == SetupVersions()
    True
    """

    rule_sets: tuple[RuleSet, ...] = attrs.field(
        default=(), converter=_rule_sets, validator=_unique
    )
    schedules: tuple[DiscountSchedule, ...] = attrs.field(
        default=(), converter=_schedules, validator=_unique
    )
    promotions: tuple[Promotion, ...] = attrs.field(
        default=(), converter=_promotions, validator=_unique
    )
    contracted: ContractedPrices | None = attrs.field(
        default=None, validator=_optional(ContractedPrices)
    )
    settings: PricingSettings | None = attrs.field(
        default=None, validator=_optional(PricingSettings)
    )

    @property
    def versions(self) -> SetupVersions:
        """The stored version of every value of this setup.

        Returns:
            The :class:`SetupVersions` a priced quote records.

        >>> from sfa_core.pricing import RuleSet
        >>> PricingSetup(rule_sets=[RuleSet((), id="R", version=4)]).versions.rule_sets
        {'R': 4}
        """
        return SetupVersions(
            rule_sets={r.id: r.version for r in self.rule_sets},
            schedules={s.id: s.version for s in self.schedules},
            promotions={p.id: p.version for p in self.promotions},
            contracted_prices=None if self.contracted is None else self.contracted.version,
            settings=None if self.settings is None else self.settings.version,
        )

    @property
    def effective_settings(self) -> PricingSettings:
        """The settings a pricing run applies, the stored ones or the defaults.

        Returns:
            :attr:`settings`, or :data:`DEFAULT_SETTINGS` when it is ``None``.

        >>> PricingSetup().effective_settings.tax is None
        True
        """
        return DEFAULT_SETTINGS if self.settings is None else self.settings
