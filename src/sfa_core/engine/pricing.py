"""The pricing service: the stored pricing setup, edited by admins and read by every price.

Rule sets, discount schedules, promotions, contracted prices and the pricing
settings are versioned values in repositories, so an engine reopened on the
same database, or a second process on it, prices every quote identically.

>>> import datetime as dt
>>> from decimal import Decimal
>>> from sfa_core import SalesEngine
>>> from sfa_core.pricing import DiscountSchedule, PricingSettings, RateTaxPolicy
>>> engine = SalesEngine.in_memory()
>>> engine.pricing.schedules.add(DiscountSchedule("VOLUME", [(9, 0), (None, 5)])).version
1
>>> settings = engine.pricing.update_settings(
...     PricingSettings(tax=RateTaxPolicy({"standard": Decimal(20)})))
>>> engine.pricing.setup("ACME").versions.settings
1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from sfa_core._validate import require_key
from sfa_core.engine._support import Transactions, require
from sfa_core.errors import MissingRepositoryError, NotFoundError, ValidationError
from sfa_core.money import ExchangeRates, Money
from sfa_core.ports import (
    ContractedPricesRepository,
    DiscountScheduleRepository,
    PricingSettingsRepository,
    PromotionRepository,
    RuleSetRepository,
    SetupRepository,
)
from sfa_core.pricing import (
    ContractedPrices,
    DiscountSchedule,
    PriceRule,
    PricingOptions,
    PricingSettings,
    PricingSetup,
    Promotion,
    RateTaxPolicy,
    RuleSet,
    SetupVersions,
)
from sfa_core.pricing.price_rules import as_rule_sets

__all__ = ["PricingService", "SetupEditor"]

V = TypeVar("V")

#: The key the engine's pricing settings are stored under.
SETTINGS_ID = "default"


class SetupEditor(Generic[V]):
    """Edits one kind of stored setup value: ``engine.pricing.rule_sets``, ``.schedules``...

    Each write checks the value's type and goes through the repository's
    optimistic concurrency: an update carries the version it was read at.

    Args:
        repository: Where the values are stored.
        kind: The value class.
        name: The argument name used in errors (``"rule_set"``).

    >>> from sfa_core import SalesEngine
    >>> from sfa_core.pricing import RuleSet
    >>> rule_sets = SalesEngine.in_memory().pricing.rule_sets
    >>> stored = rule_sets.add(RuleSet((), id="PARTNER"))
    >>> rule_sets.update(stored).version, [r.id for r in rule_sets.list()]
    (2, ['PARTNER'])
    >>> rule_sets.add({"id": "X"})
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: rule_set: must be a RuleSet (got {'id': 'X'})
    """

    def __init__(self, repository: SetupRepository[Any], kind: type[V], name: str) -> None:
        self._repository = repository
        self._kind = kind
        self._name = name

    def add(self, value: V) -> V:
        """Store a new value.

        Args:
            value: The value.

        Returns:
            The stored value (``version == 1``).

        Raises:
            ValidationError: ``value`` is of the wrong type.
            AlreadyExistsError: Its key is taken.
            MissingRepositoryError: The store keeps no such values.
        """
        stored: V = self._repository.add(require(value, self._kind, self._name))
        return stored

    def update(self, value: V) -> V:
        """Replace a stored value; ``value.version`` must be the stored version.

        Args:
            value: The changed value, carrying the version it was read at.

        Returns:
            The stored value at the next version (the previous one stays
            readable with :meth:`revision`).

        Raises:
            ValidationError: ``value`` is of the wrong type.
            NotFoundError: Nothing is stored under its key.
            ConcurrencyError: Someone changed it since it was read; nothing changes.
        """
        stored: V = self._repository.update(require(value, self._kind, self._name))
        return stored

    def get(self, key: str) -> V:
        """Return the stored value ``key``.

        Args:
            key: Its key.

        Returns:
            The value.

        Raises:
            NotFoundError: Nothing is stored under ``key``.
        """
        found: V = self._repository.get(require_key(key, "key"))
        return found

    def list(self) -> list[V]:
        """Return every stored value, sorted by key.

        Returns:
            The values.
        """
        found: list[V] = self._repository.list()
        return found

    def delete(self, key: str, *, expected_version: int) -> None:
        """Delete the value ``key`` if it is stored at ``expected_version``.

        Its revisions stay readable, so quotes it priced can be priced again.

        Args:
            key: Its key.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: Nothing is stored under ``key``.
            ConcurrencyError: The stored version differs; nothing is deleted.
        """
        self._repository.delete(require_key(key, "key"), expected_version=expected_version)

    def revision(self, key: str, version: int) -> V:
        """Return the value ``key`` as it was stored at ``version``.

        Args:
            key: Its key.
            version: A version it was stored at.

        Returns:
            The value at that version.

        Raises:
            NotFoundError: It was never stored at that version.
        """
        found: V = self._repository.revision(require_key(key, "key"), version)
        return found


class _Loaded:
    """The values of one kind last read, by key, reused while their version is unchanged."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def current(self, repository: SetupRepository[Any]) -> tuple[Any, ...]:
        try:
            versions = repository.versions()
        except MissingRepositoryError:
            return ()
        values = {}
        for key, version in versions.items():
            kept = self.values.get(key)
            if kept is None or kept.version != version:
                try:
                    kept = repository.get(key)
                except NotFoundError:  # deleted since versions() answered
                    continue
            values[key] = kept
        self.values = values
        return tuple(values[key] for key in sorted(values))


class PricingService:
    """The stored pricing setup: ``engine.pricing``.

    Each kind of setup value has its editor (:class:`SetupEditor`):
    :attr:`rule_sets`, :attr:`schedules`, :attr:`promotions`,
    :attr:`contracted_prices` and :attr:`settings`. :meth:`setup` loads what
    a quote of an account is priced with; :meth:`setup_at` loads the versions
    a priced quote recorded.

    Args:
        rule_sets: Where price rule sets are stored.
        discount_schedules: Where discount schedules are stored.
        promotions: Where promotions are stored.
        contracted_prices: Where contracted prices are stored, by account.
        settings: Where the pricing settings are stored.
        transactions: The store's transactions.

    A store without some of these repositories prices with none of their
    values; editing them raises :class:`~sfa_core.errors.MissingRepositoryError`.
    """

    def __init__(
        self,
        rule_sets: RuleSetRepository,
        discount_schedules: DiscountScheduleRepository,
        promotions: PromotionRepository,
        contracted_prices: ContractedPricesRepository,
        settings: PricingSettingsRepository,
        transactions: Transactions,
    ) -> None:
        self._rule_sets = rule_sets
        self._schedules = discount_schedules
        self._promotions = promotions
        self._contracted = contracted_prices
        self._settings = settings
        self._transactions = transactions
        #: Edits the stored price rule sets.
        self.rule_sets: SetupEditor[RuleSet] = SetupEditor(rule_sets, RuleSet, "rule_set")
        #: Edits the stored discount schedules.
        self.schedules: SetupEditor[DiscountSchedule] = SetupEditor(
            discount_schedules, DiscountSchedule, "schedule"
        )
        #: Edits the stored promotions.
        self.promotions: SetupEditor[Promotion] = SetupEditor(promotions, Promotion, "promotion")
        #: Edits the stored contracted prices, one value per account.
        self.contracted_prices: SetupEditor[ContractedPrices] = SetupEditor(
            contracted_prices, ContractedPrices, "contracted_prices"
        )
        #: Edits the stored pricing settings (tax policy, rates, options).
        self.settings: SetupEditor[PricingSettings] = SetupEditor(
            settings, PricingSettings, "settings"
        )
        self._loaded = {name: _Loaded() for name in ("rule_sets", "schedules", "promotions")}
        self._loaded_settings = _Loaded()

    def current_settings(self) -> PricingSettings:
        """Return the stored pricing settings, or the defaults while none are stored.

        Returns:
            The settings (``version == 0`` for the defaults).

        >>> from sfa_core import SalesEngine
        >>> SalesEngine.in_memory().pricing.current_settings().version
        0
        """
        try:
            return self._settings.get(SETTINGS_ID)
        except (NotFoundError, MissingRepositoryError):
            return PricingSettings(id=SETTINGS_ID)

    def update_settings(self, settings: PricingSettings) -> PricingSettings:
        """Store the engine's pricing settings (tax policy, rates, options).

        A ``settings`` read from :meth:`current_settings` carries its version:
        the write is refused if someone changed them since (the defaults,
        ``version == 0``, are added).

        Args:
            settings: The settings; stored under the id ``"default"`` whatever
                its ``id``.

        Returns:
            The stored settings.

        Raises:
            ValidationError: Not a :class:`~sfa_core.pricing.PricingSettings`.
            ConcurrencyError: The stored settings changed since they were read.
            AlreadyExistsError: Settings were stored since ``version == 0`` was read.

        >>> from sfa_core import SalesEngine
        >>> from sfa_core.pricing import PricingOptions
        >>> pricing = SalesEngine.in_memory().pricing
        >>> first = pricing.update_settings(pricing.current_settings())
        >>> pricing.update_settings(attrs.evolve(
        ...     first, options=PricingOptions(additional_discount_last=True))).version
        2
        """
        value = attrs.evolve(require(settings, PricingSettings, "settings"), id=SETTINGS_ID)
        if value.version == 0:
            return self._settings.add(value)
        return self._settings.update(value)

    def configure(
        self,
        *,
        rules: RuleSet | Iterable[RuleSet | PriceRule] = (),
        schedules: Iterable[DiscountSchedule] = (),
        promotions: Iterable[Promotion] = (),
        tax: RateTaxPolicy | None = None,
        rates: ExchangeRates | None = None,
        options: PricingOptions | None = None,
        contracted_prices: Mapping[str, Mapping[str, Money]] | None = None,
    ) -> None:
        """Store a whole setup at once, atomically: the way a setup script or an import writes.

        Each value given replaces the stored value of its key (whatever its
        version: this is a bulk import, not an edit; use the editors'
        ``update`` for edits checked against concurrent changes). Values not
        named are kept. Loose price rules are stored as the rule set ``"rules"``;
        ``tax``, ``rates`` and ``options``, when any is given, replace those
        three settings.

        Args:
            rules: Price rule sets, or loose rules.
            schedules: Discount schedules.
            promotions: Promotions.
            tax: The tax policy.
            rates: Exchange rates.
            options: Order switches and rounding.
            contracted_prices: Per account, per SKU, a contracted unit price.

        Raises:
            ValidationError: An argument has the wrong type (the path names it, for
                example ``contracted_prices['ACME']['DOCK']``); nothing is stored.
            MissingRepositoryError: The store keeps no such values; nothing is stored.

        >>> from decimal import Decimal
        >>> from sfa_core import SalesEngine
        >>> from sfa_core.pricing import RateTaxPolicy
        >>> engine = SalesEngine.in_memory()
        >>> engine.pricing.configure(tax=RateTaxPolicy({"standard": Decimal(20)}))
        >>> engine.pricing.current_settings().tax.rates["standard"]
        Decimal('20')
        """
        rule_sets = as_rule_sets(rules)
        found_schedules = _items(schedules, DiscountSchedule, "schedules")
        found_promotions = _items(promotions, Promotion, "promotions")
        for name, value, kind in (
            ("tax", tax, RateTaxPolicy),
            ("rates", rates, ExchangeRates),
            ("options", options, PricingOptions),
        ):
            if value is not None and not isinstance(value, kind):
                raise ValidationError(f"must be a {kind.__name__} or None", path=name, value=value)
        contracted = _contracted(contracted_prices)
        with self._transactions.transaction():
            for rule_set in rule_sets:
                _put(self._rule_sets, rule_set, rule_set.id)
            for schedule in found_schedules:
                _put(self._schedules, schedule, schedule.id)
            for promotion in found_promotions:
                _put(self._promotions, promotion, promotion.id)
            for prices in contracted:
                _put(self._contracted, prices, prices.account)
            if tax is not None or rates is not None or options is not None:
                current = self.current_settings()
                changed = attrs.evolve(
                    current,
                    tax=tax if tax is not None else current.tax,
                    rates=rates if rates is not None else current.rates,
                    options=options if options is not None else current.options,
                )
                _put(self._settings, changed, SETTINGS_ID)

    def setup(self, account: str) -> PricingSetup:
        """Load the current setup a quote of ``account`` is priced with.

        Values are reread only when their stored version changed since the last
        call, so pricing on a database pays for one version query per kind.

        Args:
            account: The quote's account (its contracted prices).

        Returns:
            The :class:`~sfa_core.pricing.PricingSetup`; rule sets run in id order.

        >>> from sfa_core import SalesEngine
        >>> SalesEngine.in_memory().pricing.setup("ACME") == PricingSetup()
        True
        """
        require_key(account, "account")
        try:
            contracted: ContractedPrices | None = self._contracted.get(account)
        except (NotFoundError, MissingRepositoryError):
            contracted = None
        settings = self._loaded_settings.current(self._settings)
        return PricingSetup(
            rule_sets=self._loaded["rule_sets"].current(self._rule_sets),
            schedules=self._loaded["schedules"].current(self._schedules),
            promotions=self._loaded["promotions"].current(self._promotions),
            contracted=contracted,
            settings=next((s for s in settings if s.id == SETTINGS_ID), None),
        )

    def setup_at(self, versions: SetupVersions, account: str) -> PricingSetup:
        """Load the setup exactly as a priced quote recorded it, from the stored revisions.

        Args:
            versions: What :attr:`PricedQuote.setup <sfa_core.quotes.PricedQuote.setup>`
                recorded.
            account: The quote's account.

        Returns:
            The setup those versions name.

        Raises:
            ValidationError: ``versions`` is not a
                :class:`~sfa_core.pricing.SetupVersions`.
            NotFoundError: A revision is no longer stored.

        >>> from sfa_core import SalesEngine
        >>> from sfa_core.pricing import RuleSet, SetupVersions
        >>> pricing = SalesEngine.in_memory().pricing
        >>> first = pricing.rule_sets.add(RuleSet((), id="R"))
        >>> _ = pricing.rule_sets.update(first)
        >>> pricing.setup_at(SetupVersions(rule_sets={"R": 1}), "ACME").rule_sets[0].version
        1
        """
        require(versions, SetupVersions, "versions")
        require_key(account, "account")
        return PricingSetup(
            rule_sets=[
                self._rule_sets.revision(k, v) for k, v in sorted(versions.rule_sets.items())
            ],
            schedules=[
                self._schedules.revision(k, v) for k, v in sorted(versions.schedules.items())
            ],
            promotions=[
                self._promotions.revision(k, v) for k, v in sorted(versions.promotions.items())
            ],
            contracted=None
            if versions.contracted_prices is None
            else self._contracted.revision(account, versions.contracted_prices),
            settings=None
            if versions.settings is None
            else self._settings.revision(SETTINGS_ID, versions.settings),
        )


def _items(value: Any, kind: type[V], name: str) -> list[V]:
    """Return ``value``'s items, each checked to be a ``kind`` (the path names a bad one)."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError(f"must be a sequence of {kind.__name__}", path=name, value=value)
    return [require(item, kind, f"{name}[{index}]") for index, item in enumerate(value)]


def _contracted(
    contracted_prices: Mapping[str, Mapping[str, Money]] | None,
) -> list[ContractedPrices]:
    found = []
    if contracted_prices is not None and not isinstance(contracted_prices, Mapping):
        raise ValidationError(
            "must be a mapping of account to prices",
            path="contracted_prices",
            value=contracted_prices,
        )
    for account, prices in (contracted_prices or {}).items():
        path = f"contracted_prices[{account!r}]"
        require_key(account, path)
        if not isinstance(prices, Mapping):
            raise ValidationError("must be a mapping of SKU to Money", path=path, value=prices)
        for sku, price in prices.items():
            require_key(sku, f"{path}[{sku!r}]")
            if not isinstance(price, Money):
                raise ValidationError("must be a Money", path=f"{path}[{sku!r}]", value=price)
        found.append(ContractedPrices(account, prices))
    return found


def _put(repository: SetupRepository[Any], value: Any, key: str) -> None:
    """Store ``value`` under ``key``: add it, or replace the stored one at its version."""
    try:
        current = repository.get(key)
    except NotFoundError:
        repository.add(value)
        return
    repository.update(attrs.evolve(value, version=current.version))
