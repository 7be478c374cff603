"""Catalog values: :class:`Product` and :class:`PriceBook`.

Both are frozen attrs classes validated at construction, so an invalid product
or price book cannot exist. ``version`` is the storage version: ``0`` for a
value that was never stored; repositories set it on every successful write and
refuse a write whose version is not the stored one (optimistic concurrency).
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Union

import attrs

from sfa_core._frozen import FrozenMap
from sfa_core._validate import (
    as_member,
    check_bool,
    check_date,
    check_decimal,
    check_key,
    check_non_negative,
    check_optional_amount,
    check_text,
    check_version,
    frozen_mapping,
    require_day,
    require_key,
    to_decimal,
    to_optional_decimal,
    tuple_converter,
)
from sfa_core.catalog.derivation import Derivation
from sfa_core.catalog.subscription import SubscriptionTerms
from sfa_core.catalog.tiers import BlockPricing, PackagePricing, TierPricing, TierTable
from sfa_core.errors import CurrencyMismatchError, NotFoundError, ValidationError, _shown
from sfa_core.money import Money, validate_currency

__all__ = [
    "AttributeValue",
    "PercentBase",
    "PercentOfTotal",
    "PriceBook",
    "PricingMethod",
    "Product",
]


class PricingMethod(str, enum.Enum):
    """How a product's list price is found (Salesforce CPQ's pricing methods, plus tiers).

    * ``LIST``: the price book's unit price, times the quantity.
    * ``TIERED``: the price book's tier table for the SKU (volume, graduated or
      package); the table prices the whole line.
    * ``BLOCK``: the price book's block prices for the SKU: a flat price per
      quantity block, with an overage rate above the last block.
    * ``COST_PLUS``: the product's cost times ``1 + markup / 100``.
    * ``PERCENT_OF_TOTAL``: a percentage of the other lines' total (see
      :class:`PercentOfTotal`).
    """

    LIST = "list"
    TIERED = "tiered"
    BLOCK = "block"
    COST_PLUS = "cost_plus"
    PERCENT_OF_TOTAL = "percent_of_total"


class PercentBase(str, enum.Enum):
    """Which price of the other lines a percent-of-total product is a percentage of."""

    LIST = "list"
    REGULAR = "regular"
    CUSTOMER = "customer"
    NET = "net"


def _to_method(value: PricingMethod | str) -> PricingMethod:
    return as_member(PricingMethod, value, "pricing_method")


def _to_base(value: PercentBase | str) -> PercentBase:
    return as_member(PercentBase, value, "base")


def _check_optional_key(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        require_key(value, attribute.name)


def _check_keys(instance: Any, attribute: Any, value: tuple[Any, ...]) -> None:
    for index, item in enumerate(value):
        require_key(item, f"{attribute.name}[{index}]")


@attrs.frozen
class PercentOfTotal:
    """A product priced as a percentage of other lines (support at 18 % of hardware).

    The unit list price is ``percent / 100 x`` the sum of the other lines'
    extended amounts at ``base`` (list, regular, customer or net), restricted to
    ``families`` and ``skus`` when given (either matching is enough). Lines that
    are themselves percent-of-total never count, as in Salesforce CPQ, and
    neither do return lines (a refund does not lower the share of what is sold).

    Attributes:
        percent: The percentage (>= 0).
        base: Which price of the other lines.
        families: Families whose lines count (empty and no ``skus``: all lines).
        skus: SKUs whose lines count.

    >>> PercentOfTotal(percent=18, families=("hardware",)).base
    <PercentBase.NET: 'net'>
    """

    percent: Decimal = attrs.field(
        converter=to_decimal, validator=[check_decimal, check_non_negative]
    )
    base: PercentBase = attrs.field(default=PercentBase.NET, converter=_to_base)
    families: tuple[str, ...] = attrs.field(
        default=(), converter=tuple_converter, validator=_check_keys
    )
    skus: tuple[str, ...] = attrs.field(
        default=(), converter=tuple_converter, validator=_check_keys
    )

    def covers(self, sku: str, family: str) -> bool:
        """Return whether a line of ``sku`` in ``family`` counts toward the total.

        Args:
            sku: The other line's SKU.
            family: Its product's family.

        Returns:
            ``True`` when it counts.

        >>> PercentOfTotal(percent=10, skus=("A",)).covers("B", "x")
        False
        """
        if not self.families and not self.skus:
            return True
        return sku in self.skus or family in self.families


#: The values a product attribute may hold. Numbers are integers; a measure with a
#: fraction is better stored in a smaller unit (grams, not kilograms) or as text.
AttributeValue = Union[str, int, bool]  # noqa: UP007 (a runtime alias on Python 3.10)

_ATTRIBUTE_TYPES = (str, int, bool)


def _check_attributes(instance: Any, attribute: Any, value: Mapping[str, Any]) -> None:
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise ValidationError(
                "attribute names must be non-empty strings", path=attribute.name, value=key
            )
        if not isinstance(item, _ATTRIBUTE_TYPES):
            raise ValidationError(
                "must be a str, int or bool",
                path=f"{attribute.name}[{key!r}]",
                value=item,
            )


def _check_cost(instance: Any, attribute: Any, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Money):
        raise ValidationError("must be a Money or None", path=attribute.name, value=value)
    if value.amount < 0:
        raise ValidationError("must not be negative", path=attribute.name, value=value)


def _to_attributes(value: Any) -> FrozenMap[str, Any]:
    return frozen_mapping(value, "attributes")


def _to_entries(value: Any) -> FrozenMap[str, Any]:
    return frozen_mapping(value, "entries")


def _to_tiers(value: Any) -> FrozenMap[str, Any]:
    return frozen_mapping(value, "tiers")


def _to_floors(value: Any) -> FrozenMap[str, Any]:
    return frozen_mapping(value, "floors")


@attrs.frozen
class Product:
    """A sellable item of the catalog.

    Attributes:
        sku: Unique stock-keeping unit, the product's key.
        name: Display name.
        family: Product family used by rules and reports (``"hardware"``).
        unit_of_measure: Unit the quantity counts (``"each"``, ``"hour"``, ``"seat"``).
        cost: What one unit costs the seller, if known (for margins).
        active: Inactive products stay stored but cannot be sold.
        attributes: Free attributes (``{"colour": "grey", "ram_gb": 16}``).
        pricing_method: How the list price is found (:class:`PricingMethod`).
        markup: Cost-plus markup in percent (``None``: 0).
        percent_of_total: The percent-of-total definition, for such products.
        subscription: Subscription terms (term unit, default term, proration);
            ``None`` for a one-off product.
        discount_schedule: Id of the volume discount schedule, if any.
        term_discount_schedule: Id of the term discount schedule, if any.
        fractional_quantity: Whether a quantity may have a fraction (hours, kg).
        tax_category: The tax category a tax policy looks up.
        version: Storage version (0 = never stored).

    >>> from sfa_core.money import Money
    >>> p = Product(sku="LAPTOP-15", name="Laptop 15", family="hardware",
    ...             cost=Money("700.00", "EUR"), attributes={"ram_gb": 16})
    >>> p.attributes["ram_gb"], p.active, p.version
    (16, True, 0)
    >>> Product(sku="", name="nameless")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: sku: must not be empty (got '')
    """

    sku: str = attrs.field(validator=check_key)
    name: str = attrs.field(validator=check_text)
    family: str = attrs.field(default="", validator=check_text)
    unit_of_measure: str = attrs.field(default="each", validator=check_key)
    cost: Money | None = attrs.field(default=None, validator=_check_cost)
    active: bool = attrs.field(default=True, validator=check_bool)
    attributes: Mapping[str, AttributeValue] = attrs.field(
        factory=FrozenMap, converter=_to_attributes, validator=_check_attributes
    )
    pricing_method: PricingMethod = attrs.field(
        default=PricingMethod.LIST, converter=_to_method, kw_only=True
    )
    markup: Decimal | None = attrs.field(
        default=None,
        converter=to_optional_decimal,
        validator=check_optional_amount,
        kw_only=True,
    )
    percent_of_total: PercentOfTotal | None = attrs.field(default=None, kw_only=True)
    subscription: SubscriptionTerms | None = attrs.field(default=None, kw_only=True)
    discount_schedule: str | None = attrs.field(
        default=None, validator=_check_optional_key, kw_only=True
    )
    term_discount_schedule: str | None = attrs.field(
        default=None, validator=_check_optional_key, kw_only=True
    )
    fractional_quantity: bool = attrs.field(default=False, validator=check_bool, kw_only=True)
    tax_category: str = attrs.field(default="standard", validator=check_key, kw_only=True)
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)

    def __attrs_post_init__(self) -> None:
        method = self.pricing_method
        if method is PricingMethod.COST_PLUS and self.cost is None:
            raise ValidationError("a cost-plus product needs a cost", path="cost", value=None)
        if method is PricingMethod.PERCENT_OF_TOTAL:
            if not isinstance(self.percent_of_total, PercentOfTotal):
                raise ValidationError(
                    "a percent-of-total product needs a PercentOfTotal",
                    path="percent_of_total",
                    value=self.percent_of_total,
                )
        elif self.percent_of_total is not None:
            raise ValidationError(
                f"only a percent_of_total product takes one (pricing_method is {method.value})",
                path="percent_of_total",
                value=self.percent_of_total,
            )
        if self.markup is not None and method is not PricingMethod.COST_PLUS:
            raise ValidationError(
                f"only a cost_plus product takes a markup (pricing_method is {method.value})",
                path="markup",
                value=self.markup,
            )
        if self.subscription is not None and not isinstance(self.subscription, SubscriptionTerms):
            raise ValidationError(
                "must be a SubscriptionTerms or None", path="subscription", value=self.subscription
            )


def _key_path(name: str, key: Any) -> str:
    """``name[key]`` for an error's path; a key that is not text is shown bounded."""
    return f"{name}[{key!r}]" if key.__class__ is str else f"{name}[{_shown(key)}]"


def _check_entries(instance: PriceBook, attribute: Any, value: Mapping[str, Any]) -> None:
    for sku, price in value.items():
        path = _key_path(attribute.name, sku)
        require_key(sku, path)
        if not isinstance(price, Money):
            raise ValidationError("must be a Money", path=path, value=price)
        if price.currency != instance.currency:
            raise CurrencyMismatchError(
                instance.currency, price.currency, operation="list a price in", path=path
            )
        if price.amount < 0:
            raise ValidationError("must not be negative", path=path, value=price)


def _check_tiers(instance: PriceBook, attribute: Any, value: Mapping[str, Any]) -> None:
    for sku, table in value.items():
        path = _key_path("tiers", sku)
        require_key(sku, path)
        if not isinstance(table, (TierTable, BlockPricing, PackagePricing)):
            raise ValidationError(
                "must be a TierTable, BlockPricing or PackagePricing", path=path, value=table
            )


def _check_derivation(instance: PriceBook, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Derivation):
        raise ValidationError("must be a Derivation or None", path="derived_from", value=value)
    if value is not None and value.base_price_book == instance.id:
        raise ValidationError(
            "a price book cannot derive from itself",
            path="derived_from.base_price_book",
            value=instance.id,
        )


def _check_validity(instance: PriceBook, attribute: Any, value: _dt.date | None) -> None:
    check_date(instance, attribute, value)
    start = instance.valid_from
    if value is not None and start is not None and value < start:
        raise ValidationError(
            f"must not be before valid_from ({start.isoformat()})", path="valid_until", value=value
        )


@attrs.frozen
class PriceBook:
    """Unit list prices for products in one currency, valid over a date range.

    Attributes:
        id: Unique key of the price book (``"EU-2027"``).
        currency: ISO 4217 code; every entry is in this currency.
        name: Display name.
        entries: Unit list price per SKU.
        active: An inactive price book cannot price anything.
        valid_from: First day it applies (inclusive), or ``None`` for always.
        valid_until: Last day it applies (inclusive), or ``None`` for open-ended.
        tiers: Tier tables or block prices per SKU, amounts in this currency
            (for ``TIERED`` and ``BLOCK`` products).
        floors: The lowest unit price per SKU a discount may reach.
        derived_from: How prices missing from ``entries`` derive from another
            price book or from cost (:class:`~sfa_core.catalog.derivation.Derivation`).
        version: Storage version (0 = never stored).

    >>> import datetime as dt
    >>> from sfa_core.money import Money
    >>> book = PriceBook(id="EU-2027", currency="EUR", name="Europe 2027",
    ...                  entries={"LAPTOP-15": Money("1199.00", "EUR")},
    ...                  valid_from=dt.date(2027, 1, 1), valid_until=dt.date(2027, 12, 31))
    >>> book.price_for("LAPTOP-15", on=dt.date(2027, 3, 1))
    Money(amount=Decimal('1199.00'), currency='EUR')
    >>> from sfa_core.errors import ValidationError
    >>> try:
    ...     book.price_for("LAPTOP-15", on=dt.date(2028, 1, 1))
    ... except ValidationError as err:
    ...     print(err.reason, "|", err.path)
    price book 'EU-2027' is not valid on 2028-01-01 | valid_until
    """

    id: str = attrs.field(validator=check_key)
    currency: str = attrs.field(converter=validate_currency)
    name: str = attrs.field(default="", validator=check_text)
    entries: Mapping[str, Money] = attrs.field(
        factory=FrozenMap, converter=_to_entries, validator=_check_entries
    )
    active: bool = attrs.field(default=True, validator=check_bool)
    valid_from: _dt.date | None = attrs.field(default=None, validator=check_date)
    valid_until: _dt.date | None = attrs.field(default=None, validator=_check_validity)
    tiers: Mapping[str, TierPricing] = attrs.field(
        factory=FrozenMap, converter=_to_tiers, validator=_check_tiers, kw_only=True
    )
    floors: Mapping[str, Money] = attrs.field(
        factory=FrozenMap, converter=_to_floors, validator=_check_entries, kw_only=True
    )
    derived_from: Derivation | None = attrs.field(
        default=None, validator=_check_derivation, kw_only=True
    )
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)

    def tiers_for(self, sku: str) -> TierPricing:
        """Return the tier table or block prices of ``sku``.

        Args:
            sku: The product's SKU.

        Returns:
            The :class:`~sfa_core.catalog.tiers.TierTable`,
            :class:`~sfa_core.catalog.tiers.BlockPricing` or
            :class:`~sfa_core.catalog.tiers.PackagePricing`.

        Raises:
            NotFoundError: The price book has no tiers for ``sku``.
            ValidationError: ``sku`` is not a valid key.
        """
        if sku.__class__ is not str:
            require_key(sku, "sku")
        try:
            return self.tiers[sku]
        except KeyError:
            raise NotFoundError(f"price book {self.id!r} tiers for", sku) from None

    def is_valid_on(self, day: _dt.date) -> bool:
        """Return whether the price book is active and ``day`` lies in its validity range.

        Args:
            day: The day to check.

        Returns:
            ``True`` when the price book can price on that day.

        >>> import datetime as dt
        >>> PriceBook(id="X", currency="EUR", valid_from=dt.date(2027, 1, 1)).is_valid_on(
        ...     dt.date(2026, 12, 31))
        False
        """
        require_day(day, "day")
        if not self.active:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_until is not None and day > self.valid_until)

    def price_for(self, sku: str, *, on: _dt.date | None = None) -> Money:
        """Return the unit list price of ``sku``.

        Args:
            sku: The product's SKU.
            on: The pricing date; when given, the price book must be valid that day.

        Returns:
            The entry's unit price.

        Raises:
            ValidationError: The price book is inactive, or not valid on ``on``
                (path ``valid_from`` or ``valid_until``), or ``on`` is not a date.
            NotFoundError: The price book has no entry for ``sku``.

        >>> from sfa_core.money import Money
        >>> book = PriceBook(id="EU", currency="EUR", entries={"A-1": Money("9.90", "EUR")})
        >>> book.price_for("A-1")
        Money(amount=Decimal('9.90'), currency='EUR')
        >>> book.price_for("B-2")
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: price book 'EU' entry 'B-2' not found
        """
        if not self.active:
            raise ValidationError(f"price book {self.id!r} is inactive", path="active", value=False)
        if on is not None and not self.is_valid_on(require_day(on, "on")):
            bound = (
                "valid_from"
                if self.valid_from is not None and on < self.valid_from
                else ("valid_until")
            )
            raise ValidationError(
                f"price book {self.id!r} is not valid on {on.isoformat()}",
                path=bound,
                value=getattr(self, bound),
            )
        try:
            return self.entries[require_key(sku, "sku")]
        except KeyError:
            raise NotFoundError(f"price book {self.id!r} entry", sku) from None

    def with_price(self, sku: str, price: Money) -> PriceBook:
        """Return a copy with ``sku`` priced at ``price`` (added or replaced).

        Args:
            sku: The product's SKU.
            price: The unit price, in the price book's currency.

        Returns:
            The new price book (the version is kept; store it with ``update``).

        Raises:
            CurrencyMismatchError: ``price`` is in another currency.
            ValidationError: ``price`` is negative or ``sku`` is not a valid key.

        >>> from sfa_core.money import Money
        >>> PriceBook(id="X", currency="EUR").with_price("A", Money("5", "EUR")).entries["A"]
        Money(amount=Decimal('5'), currency='EUR')
        """
        require_key(sku, "sku")
        entries = dict(self.entries)
        entries[sku] = price
        return attrs.evolve(self, entries=entries)
