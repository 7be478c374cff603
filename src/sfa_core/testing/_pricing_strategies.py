"""Hypothesis strategies for catalog and pricing values: tiers, schedules, terms, rules, tax.

These are re-exported from :mod:`sfa_core.testing.strategies`. Every strategy draws
*valid* values (they pass their class's validation); result classes (``TierPrice``,
``ScheduleDiscount``, ``Proration``...) are computed by the package's own functions from
drawn inputs, so they are exactly what hosts receive.

>>> from hypothesis import given, settings
>>> from sfa_core.testing.strategies import tier_tables
>>> @settings(max_examples=10, deadline=None)
... @given(tier_tables())
... def test_last_tier_is_open(table):
...     assert table.tiers[-1].up_to is None
>>> test_last_tier_is_open()
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import strategies as st

from sfa_core.catalog.book_set import PriceBookSet, ResolutionStep, ResolvedPrice
from sfa_core.catalog.derivation import Derivation, DerivedPrice, PriceBase, PriceStep
from sfa_core.catalog.model import PercentBase, PercentOfTotal, PriceBook, Product
from sfa_core.catalog.subscription import ProrationPrecision, SubscriptionTerms, TermUnit
from sfa_core.catalog.tiers import (
    BlockPricing,
    PackagePricing,
    PackageRounding,
    Tier,
    TierCharge,
    TierMode,
    TierPrice,
    TierTable,
)
from sfa_core.money import ROUNDING_MODES, Money
from sfa_core.pricing.model import (
    Adjustment,
    DiscountLimits,
    LimitFlag,
    PricingOptions,
    RoundingPolicy,
    UnitRounding,
)
from sfa_core.pricing.price_rules import (
    WATERFALL_FIELDS,
    ActionKind,
    Phase,
    PriceAction,
    PriceRule,
    RuleSet,
    Stacking,
)
from sfa_core.pricing.promotions import (
    AppliedPromotion,
    Benefit,
    BenefitKind,
    CartLine,
    Condition,
    ConditionKind,
    ProductRange,
    Promotion,
    PromotionResult,
    SkippedPromotion,
    SkipReason,
    apply_promotions,
)
from sfa_core.pricing.proration import Proration, coterminate, prorate
from sfa_core.pricing.schedules import (
    Aggregation,
    AppliedDiscountTier,
    DiscountSchedule,
    DiscountTier,
    DiscountUnit,
    ScheduleBasis,
    ScheduleDiscount,
    ScheduleMode,
)
from sfa_core.pricing.tax import RateTaxPolicy, TaxableLine, TaxLine, TaxResult
from sfa_core.testing._rule_strategies import rules as _random_rules

__all__ = [
    "adjustments",
    "applied_discount_tiers",
    "applied_promotions",
    "benefits",
    "block_pricings",
    "cart_lines",
    "carts",
    "derivations",
    "derived_prices",
    "discount_limits",
    "discount_schedules",
    "discount_tiers",
    "limit_flags",
    "package_pricings",
    "percent_of_totals",
    "price_actions",
    "price_book_sets",
    "price_conditions",
    "price_rules",
    "price_steps",
    "pricing_options",
    "product_ranges",
    "promotion_conditions",
    "promotion_results",
    "promotions",
    "prorations",
    "rate_tax_policies",
    "resolution_steps",
    "resolved_prices",
    "rounding_policies",
    "rule_sets",
    "schedule_discounts",
    "skipped_promotions",
    "subscription_terms",
    "tax_lines",
    "tax_results",
    "taxable_lines",
    "tier_charges",
    "tier_prices",
    "tier_pricings",
    "tier_tables",
    "tiers",
]

#: The families the strategies draw when none are given.
FAMILIES = ("hardware", "software", "services")
#: The tax categories of :func:`rate_tax_policies` (``standard`` is the default category).
TAX_CATEGORIES = ("standard", "reduced", "zero")
_CODES = ("EUR", "USD", "JPY", "GBP", "BHD")
_MODES = sorted(ROUNDING_MODES)
_KEY_ALPHABET = "ABCDEFGHJK-0123456789"
_DAY = _dt.date(2027, 3, 1)
_DAY_BASES = (Decimal(360), Decimal(365), Decimal(366), Decimal("365.25"))


_T = TypeVar("_T")


@functools.cache
def _sampled_cached(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


def _sampled(values: Iterable[Any]) -> st.SearchStrategy[Any]:
    """``st.sampled_from(values)``, built once per distinct ``values`` (drawing is then fast)."""
    return _sampled_cached(tuple(values))


@functools.cache
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@functools.cache
def _maybe(strategy: st.SearchStrategy[_T]) -> st.SearchStrategy[_T | None]:
    return st.none() | strategy


_BOOLS = st.booleans()


@functools.cache
def _decimals(
    low: Decimal | int | str, high: Decimal | int | str, places: int = 2
) -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=Decimal(low),
        max_value=Decimal(high),
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )


@functools.cache
def _keys(max_size: int = 8) -> st.SearchStrategy[str]:
    return st.text(_KEY_ALPHABET, min_size=1, max_size=max_size)


def _bounds(
    min_size: int = 0, max_size: int = 4, places: int = 2
) -> st.SearchStrategy[list[Decimal]]:
    """Strictly increasing positive bounds."""
    return st.lists(
        _decimals(Decimal(1).scaleb(-places), 2000, places),
        min_size=min_size,
        max_size=max_size,
        unique=True,
    ).map(sorted)


# -- tiers -------------------------------------------------------------------------------------


@st.composite
def tiers(
    draw: st.DrawFn, *, up_to: st.SearchStrategy[Decimal | None] | None = None, places: int = 2
) -> Tier:
    """Valid :class:`~sfa_core.catalog.Tier` rows (``up_to`` drawn unless given).

    Args:
        draw: Supplied by Hypothesis.
        up_to: The bounds to draw (positive or ``None``); any when omitted.
        places: Decimals of the amounts.

    Returns:
        A tier with non-negative unit and flat amounts.

    Example:
        >>> from hypothesis import find
        >>> tier = find(tiers(places=0), lambda t: t.up_to is None)
        >>> tier.unit_amount == tier.unit_amount.to_integral_value() and tier.unit_amount >= 0
        True
    """
    return _tiers(draw, up_to=up_to, places=places)


def _tiers(
    draw: st.DrawFn, *, up_to: st.SearchStrategy[Decimal | None] | None = None, places: int = 2
) -> Tier:
    bound = draw(up_to if up_to is not None else _maybe(_decimals("0.01", 2000)))
    return Tier(bound, draw(_decimals(0, 1000, places)), draw(_decimals(0, 100, places)))


@st.composite
def tier_tables(
    draw: st.DrawFn, *, mode: TierMode | None = None, max_tiers: int = 5, places: int = 2
) -> TierTable:
    """Valid tier tables: increasing bounds, the last tier open.

    Args:
        draw: Supplied by Hypothesis.
        mode: Volume or graduated (either when ``None``).
        max_tiers: The most tiers a table has.
        places: Decimals of the amounts.

    Returns:
        A :class:`~sfa_core.catalog.TierTable`.

    Example:
        >>> from decimal import Decimal
        >>> from hypothesis import find
        >>> table = find(tier_tables(mode=TierMode.GRADUATED), lambda t: len(t.tiers) == 3)
        >>> table.mode.value, table.tiers[-1].up_to, table.amount(Decimal(5)) >= 0
        ('graduated', None, True)
    """
    return _tier_tables(draw, mode=mode, max_tiers=max_tiers, places=places)


def _tier_tables(
    draw: st.DrawFn, *, mode: TierMode | None = None, max_tiers: int = 5, places: int = 2
) -> TierTable:
    kind = mode if mode is not None else draw(_sampled(TierMode))
    ups: list[Decimal | None] = [*draw(_bounds(max_size=max_tiers - 1)), None]
    return TierTable(kind, [_tiers(draw, up_to=st.just(u), places=places) for u in ups])


@st.composite
def block_pricings(
    draw: st.DrawFn, *, overage: bool | None = None, max_blocks: int = 4, places: int = 2
) -> BlockPricing:
    """Valid block prices: increasing bounds, all finite, with or without an overage rate.

    Args:
        draw: Supplied by Hypothesis.
        overage: ``True`` always draws an overage rate (any quantity can be priced),
            ``False`` never, ``None`` sometimes.
        max_blocks: The most blocks.
        places: Decimals of the amounts.

    Returns:
        A :class:`~sfa_core.catalog.BlockPricing`.

    Example:
        >>> from decimal import Decimal
        >>> from hypothesis import find
        >>> blocks = find(block_pricings(overage=True), lambda b: True)
        >>> blocks.overage is not None and blocks.amount(Decimal(10**6)) >= 0
        True
    """
    return _block_pricings(draw, overage=overage, max_blocks=max_blocks, places=places)


def _block_pricings(
    draw: st.DrawFn, *, overage: bool | None = None, max_blocks: int = 4, places: int = 2
) -> BlockPricing:
    ups = draw(_bounds(min_size=1, max_size=max_blocks))
    rows = [(u, draw(_decimals(0, 5000, places))) for u in ups]
    if overage is None:
        rate = draw(_maybe(_decimals(0, 100, places)))
    else:
        rate = draw(_decimals(0, 100, places)) if overage else None
    return BlockPricing(rows, overage=rate)


@st.composite
def package_pricings(draw: st.DrawFn, *, places: int = 2) -> PackagePricing:
    """Valid package prices (a price per package of units, rounded up or down).

    Args:
        draw: Supplied by Hypothesis.
        places: Decimals of the package price.

    Returns:
        A :class:`~sfa_core.catalog.PackagePricing`.

    Example:
        >>> from decimal import Decimal
        >>> from hypothesis import find
        >>> package = find(package_pricings(), lambda p: p.rounding is PackageRounding.UP)
        >>> package.packages(package.package_size * 2 + Decimal("0.01"))  # a started package
        Decimal('3')
    """
    return _package_pricings(draw, places=places)


def _package_pricings(draw: st.DrawFn, *, places: int = 2) -> PackagePricing:
    size = draw(_ints(1, 20).map(Decimal) | _decimals("0.25", 100))
    return PackagePricing(size, draw(_decimals(0, 1000, places)), draw(_sampled(PackageRounding)))


def tier_pricings(*, places: int = 2, overage: bool | None = None) -> st.SearchStrategy[Any]:
    """Any quantity pricing of a SKU: tier table, block price or package price.

    Args:
        places: Decimals of the amounts.
        overage: Passed to :func:`block_pricings`.

    Returns:
        A strategy of :data:`~sfa_core.catalog.TierPricing` values.

    Example:
        >>> from hypothesis import find
        >>> from sfa_core.catalog import BlockPricing
        >>> isinstance(find(tier_pricings(), lambda p: isinstance(p, BlockPricing)), BlockPricing)
        True
    """
    return st.one_of(
        tier_tables(places=places),
        block_pricings(places=places, overage=overage),
        package_pricings(places=places),
    )


@st.composite
def _priced(draw: st.DrawFn) -> tuple[Any, Decimal]:
    pricing = draw(tier_pricings())
    if isinstance(pricing, BlockPricing) and pricing.overage is None:
        last = pricing.blocks[-1].up_to
        quantity = draw(_decimals("0.01", last or 1))
    else:
        quantity = draw(_decimals("0.01", 5000))
    return pricing, quantity


def tier_prices() -> st.SearchStrategy[TierPrice]:
    """Results of ``price(quantity)`` on drawn tier, block and package prices.

    Returns:
        A strategy of :class:`~sfa_core.catalog.TierPrice`.

    Example:
        >>> from hypothesis import find
        >>> price = find(tier_prices(), lambda p: len(p.charges) > 1)
        >>> sum(c.amount for c in price.charges) == price.amount
        True
    """
    return _priced().map(lambda pair: pair[0].price(pair[1]))


def tier_charges() -> st.SearchStrategy[TierCharge]:
    """Charges of drawn :func:`tier_prices`.

    Returns:
        A strategy of :class:`~sfa_core.catalog.TierCharge`.

    Example:
        >>> from hypothesis import find
        >>> c = find(tier_charges(), lambda c: True)
        >>> c.amount == c.units * c.unit_amount + c.flat_amount
        True
    """
    return tier_prices().flatmap(lambda price: _sampled(price.charges))


# -- discount schedules ------------------------------------------------------------------------


@st.composite
def discount_tiers(draw: st.DrawFn) -> DiscountTier:
    """Valid discount tiers: a percent, or amounts per currency.

    Args:
        draw: Supplied by Hypothesis.

    Returns:
        A :class:`~sfa_core.pricing.DiscountTier`.

    Example:
        >>> from hypothesis import find
        >>> tier = find(discount_tiers(), lambda t: t.percent is None)
        >>> len(tier.amounts) >= 1
        True
    """
    up_to = draw(_maybe(_decimals("0.01", 2000)))
    if draw(_BOOLS):
        return DiscountTier(up_to, percent=draw(_decimals(0, 100)))
    codes = draw(st.lists(_sampled(_CODES), min_size=1, max_size=3, unique=True))
    return DiscountTier(up_to, amounts={c: draw(_decimals(0, 1000)) for c in codes})


@st.composite
def discount_schedules(
    draw: st.DrawFn,
    *,
    id: str | None = None,
    basis: ScheduleBasis | None = None,
    unit: DiscountUnit | None = None,
    currency: str | None = None,
    max_tiers: int = 5,
) -> DiscountSchedule:
    """Valid discount schedules (volume or term, range or slab, percent or amount).

    Args:
        draw: Supplied by Hypothesis.
        id: The schedule's id (drawn when ``None``).
        basis: Quantity or term (drawn when ``None``); a term schedule aggregates by line.
        unit: Percent or amount (drawn when ``None``).
        currency: A currency an amount schedule must list (so it can price in it).
        max_tiers: The most tiers.

    Returns:
        A :class:`~sfa_core.pricing.DiscountSchedule`.

    Example:
        >>> from decimal import Decimal
        >>> from hypothesis import find
        >>> s = find(discount_schedules(unit=DiscountUnit.AMOUNT, currency="JPY"), lambda s: True)
        >>> s.discount(Decimal(3), unit_price=Decimal(100), currency="JPY").unit_price_after >= 0
        True
    """
    return _discount_schedules(
        draw, id=id, basis=basis, unit=unit, currency=currency, max_tiers=max_tiers
    )


def _discount_schedules(
    draw: st.DrawFn,
    *,
    id: str | None = None,
    basis: ScheduleBasis | None = None,
    unit: DiscountUnit | None = None,
    currency: str | None = None,
    max_tiers: int = 5,
) -> DiscountSchedule:
    ups: list[Decimal | None] = [*draw(_bounds(max_size=max_tiers - 1)), None]
    kind = unit if unit is not None else draw(_sampled(DiscountUnit))
    rows: list[tuple[Decimal | None, Any]]
    if kind is DiscountUnit.PERCENT:
        rows = [(u, draw(_decimals(0, 100))) for u in ups]
    else:
        codes = set(draw(st.lists(_sampled(_CODES), min_size=1, max_size=3, unique=True)))
        if currency is not None:
            codes.add(currency)
        rows = [(u, {c: draw(_decimals(0, 200)) for c in sorted(codes)}) for u in ups]
    counted = basis if basis is not None else draw(_sampled(ScheduleBasis))
    aggregation = Aggregation.LINE if counted is ScheduleBasis.TERM else draw(_sampled(Aggregation))
    return DiscountSchedule(
        id if id is not None else draw(_keys(12)),
        rows,
        basis=counted,
        mode=draw(_sampled(ScheduleMode)),
        unit=kind,
        aggregation=aggregation,
        name=draw(st.text("abc XYZ", max_size=10)),
    )


@st.composite
def schedule_discounts(draw: st.DrawFn) -> ScheduleDiscount:
    """Results of :meth:`DiscountSchedule.discount` on drawn schedules, counts and prices.

    Args:
        draw: Supplied by Hypothesis.

    Returns:
        A :class:`~sfa_core.pricing.ScheduleDiscount`.

    Example:
        >>> from hypothesis import find
        >>> d = find(schedule_discounts(), lambda d: d.clamped)
        >>> d.amount_off == d.unit_price
        True
    """
    schedule = _discount_schedules(draw)
    currency = (
        "EUR"
        if schedule.unit is DiscountUnit.PERCENT
        else draw(_sampled(sorted(schedule.tiers[0].amounts)))
    )
    return schedule.discount(
        draw(_decimals("0.01", 5000)), unit_price=draw(_decimals(0, 1000)), currency=currency
    )


def applied_discount_tiers() -> st.SearchStrategy[AppliedDiscountTier]:
    """Tiers used by drawn :func:`schedule_discounts`.

    Returns:
        A strategy of :class:`~sfa_core.pricing.AppliedDiscountTier`.

    Example:
        >>> from hypothesis import find
        >>> find(applied_discount_tiers(), lambda t: True).units > 0
        True
    """
    return schedule_discounts().flatmap(lambda d: _sampled(d.tiers))


# -- subscriptions -----------------------------------------------------------------------------


@st.composite
def subscription_terms(
    draw: st.DrawFn,
    *,
    unit: TermUnit | None = None,
    precision: ProrationPrecision | None = None,
) -> SubscriptionTerms:
    """Valid subscription terms: any unit, precision, day basis, places and rounding mode.

    Default terms are whole days, whole months, or whole or half years.

    Args:
        draw: Supplied by Hypothesis.
        unit: The term unit (drawn when ``None``).
        precision: The proration precision (drawn when ``None``).

    Returns:
        A :class:`~sfa_core.catalog.SubscriptionTerms`.

    Example:
        >>> from hypothesis import find
        >>> terms = find(subscription_terms(unit=TermUnit.YEAR), lambda t: True)
        >>> terms.term_unit.value, terms.default_term > 0
        ('year', True)
    """
    return _subscription_terms(draw, unit=unit, precision=precision)


def _subscription_terms(
    draw: st.DrawFn,
    *,
    unit: TermUnit | None = None,
    precision: ProrationPrecision | None = None,
) -> SubscriptionTerms:
    kind = unit if unit is not None else draw(_sampled(TermUnit))
    if kind is TermUnit.DAY:
        default = Decimal(draw(_ints(1, 1100)))
    elif kind is TermUnit.YEAR:
        default = Decimal(draw(_ints(1, 10))) / 2
    else:
        default = Decimal(draw(_ints(1, 60)))
    return SubscriptionTerms(
        term_unit=kind,
        default_term=default,
        precision=precision if precision is not None else draw(_sampled(ProrationPrecision)),
        day_basis=draw(_sampled(_DAY_BASES)),
        multiplier_places=draw(_ints(0, 12)),
        rounding=draw(_sampled(_MODES)),
    )


@st.composite
def prorations(draw: st.DrawFn) -> Proration:
    """Results of :func:`~sfa_core.pricing.prorate` or ``coterminate`` on drawn spans.

    Args:
        draw: Supplied by Hypothesis.

    Returns:
        A :class:`~sfa_core.pricing.Proration`.

    Example:
        >>> from hypothesis import find
        >>> p = find(prorations(), lambda p: p.reason.startswith("co-terminated"))
        >>> p.start <= p.end
        True
    """
    terms = _subscription_terms(draw)
    start = draw(st.dates(_dt.date(1900, 1, 1), _dt.date(2500, 12, 31)))
    end = start + _dt.timedelta(days=draw(_ints(0, 3000)))
    if draw(_BOOLS):
        return coterminate(terms, start=start, end_date=end)
    return prorate(terms, start=start, end=end)


# -- derived price books -----------------------------------------------------------------------


@st.composite
def derivations(
    draw: st.DrawFn,
    *,
    base: PriceBase | None = None,
    base_price_book: str | None = None,
    non_negative: bool = False,
    everything: bool = False,
) -> Derivation:
    """Valid derivations, on another price book or on cost.

    Args:
        draw: Supplied by Hypothesis.
        base: Derive from a book or from cost (drawn when ``None``; a book when
            ``base_price_book`` is given).
        base_price_book: Derive from this book (a drawn id when ``None``).
        non_negative: Draw only formulas that never give a negative price from a
            non-negative base (no discount above 100 %, no negative surcharge or margin).
        everything: Cover every product (no ``skus`` or ``families``).

    Returns:
        A :class:`~sfa_core.catalog.Derivation`.

    Example:
        >>> from decimal import Decimal
        >>> from hypothesis import find
        >>> d = find(derivations(non_negative=True), lambda d: d.base is PriceBase.COST)
        >>> d.apply(Decimal("10.00")).price >= 0
        True
    """
    return _derivations(
        draw,
        base=base,
        base_price_book=base_price_book,
        non_negative=non_negative,
        everything=everything,
    )


def _derivations(
    draw: st.DrawFn,
    *,
    base: PriceBase | None = None,
    base_price_book: str | None = None,
    non_negative: bool = False,
    everything: bool = False,
) -> Derivation:
    on_cost = base_price_book is None and draw(_BOOLS) if base is None else base is PriceBase.COST
    if non_negative:
        low = draw(_maybe(_decimals(0, 50)))
        discount = draw(_decimals(0, 100))
        surcharge = draw(_decimals(0, 5))
    else:
        low = draw(_maybe(_decimals(-50, 50)))
        discount = draw(_decimals(-100, 100))
        surcharge = draw(_decimals(-1, 5))
    high = None if draw(_BOOLS) else (low or Decimal(0)) + draw(_decimals(0, 100))
    return Derivation(
        base=PriceBase.COST if on_cost else PriceBase.PRICE_BOOK,
        base_price_book=None if on_cost else (base_price_book or draw(_keys())),
        discount=discount,
        markup=draw(_decimals(0, 100)),
        round_to=draw(
            _maybe(_sampled([Decimal("0.01"), Decimal("0.05"), Decimal(1), Decimal(10)]))
        ),
        rounding=draw(_sampled(_MODES)),
        surcharge=surcharge,
        min_margin=low,
        max_margin=high,
        skus=() if everything else draw(st.lists(_keys(), max_size=3)),
        families=() if everything else draw(st.lists(_sampled(FAMILIES), max_size=2)),
    )


def derived_prices() -> st.SearchStrategy[DerivedPrice]:
    """Results of :meth:`Derivation.apply` on drawn derivations and base prices.

    Returns:
        A strategy of :class:`~sfa_core.catalog.DerivedPrice`.

    Example:
        >>> from hypothesis import find
        >>> find(derived_prices(), lambda r: len(r.steps) > 1).base >= 0
        True
    """
    return st.builds(lambda d, base: d.apply(base), derivations(), _decimals(0, 10**6))


def price_steps() -> st.SearchStrategy[PriceStep]:
    """Steps of drawn :func:`derived_prices`.

    Returns:
        A strategy of :class:`~sfa_core.catalog.PriceStep`.

    Example:
        >>> from hypothesis import find
        >>> find(price_steps(), lambda s: s.name == "markup").after >= 0
        True
    """
    return st.builds(
        lambda r, i: r.steps[i % len(r.steps)],
        derived_prices().filter(lambda r: len(r.steps) > 0),
        _ints(0, 10),
    )


@st.composite
def price_book_sets(draw: st.DrawFn) -> PriceBookSet:
    """Sets of EUR books ``B0``, ``B1``...: each lists prices or derives from an earlier one.

    The books price SKUs ``W-1`` and ``G-1``; a book derives from an earlier book or from
    cost, so there is never a cycle.

    Args:
        draw: Supplied by Hypothesis.

    Returns:
        A :class:`~sfa_core.catalog.PriceBookSet`.

    Example:
        >>> from hypothesis import find
        >>> books = find(price_book_sets(), lambda s: len(s.books) > 1)
        >>> sorted(book.id for book in books.books)[:2]
        ['B0', 'B1']
    """
    books: list[PriceBook] = []
    for index in range(draw(_ints(1, 5))):
        entries = draw(_BOOK_ENTRIES)
        derivation = None
        if draw(_BOOLS):
            base = f"B{draw(_ints(0, index - 1))}" if index and draw(_BOOLS) else None
            derivation = (
                _derivations(
                    draw, base=None, base_price_book=base, non_negative=False, everything=False
                )
                if base
                else Derivation(base=PriceBase.COST, markup=draw(_decimals(0, 100)))
            )
        books.append(
            PriceBook(id=f"B{index}", currency="EUR", entries=entries, derived_from=derivation)
        )
    order = draw(st.permutations(range(len(books))))
    return PriceBookSet([books[i] for i in order], rounding=draw(_sampled(_MODES)))


_BOOK_ENTRIES = st.dictionaries(
    _sampled(["W-1", "G-1"]), _decimals(0, 10**6).map(lambda a: Money(a, "EUR")), max_size=2
)


_PRODUCTS = st.builds(
    Product,
    sku=_sampled(["W-1", "G-1"]),
    name=st.just("product"),
    family=_sampled(["", *FAMILIES]),
    cost=_maybe(_decimals(0, 10**6).map(lambda a: Money(a, "EUR"))),
)


@st.composite
def resolved_prices(draw: st.DrawFn) -> ResolvedPrice:
    """Prices resolved by drawn :func:`price_book_sets` (listed, derived or from cost).

    Args:
        draw: Supplied by Hypothesis.

    Returns:
        A :class:`~sfa_core.catalog.ResolvedPrice`.

    Example:
        >>> from hypothesis import find
        >>> r = find(resolved_prices(), lambda r: r.source == "cost")
        >>> r.steps[0].kind.value
        'cost'
    """
    for _ in range(20):
        books = draw(price_book_sets())
        product = draw(_PRODUCTS)
        book = draw(_sampled(books.books))
        try:
            return books.unit_price(book.id, product, on=_DAY)
        except (LookupError, ValueError):
            continue
    entry = Money("10.00", "EUR")
    only = PriceBookSet([PriceBook(id="B0", currency="EUR", entries={"W-1": entry})])
    return only.unit_price("B0", Product(sku="W-1", name="w"), on=_DAY)


def resolution_steps() -> st.SearchStrategy[ResolutionStep]:
    """Steps of drawn :func:`resolved_prices`.

    Returns:
        A strategy of :class:`~sfa_core.catalog.ResolutionStep`.

    Example:
        >>> from hypothesis import find
        >>> find(resolution_steps(), lambda s: s.before is None).kind.value in ("entry", "cost")
        True
    """
    return st.builds(lambda r, i: r.steps[i % len(r.steps)], resolved_prices(), _ints(0, 10))


@st.composite
def percent_of_totals(
    draw: st.DrawFn,
    *,
    skus: Sequence[str] = ("A-1", "B-2", "C-3"),
    families: Sequence[str] = FAMILIES,
) -> PercentOfTotal:
    """Valid percent-of-total definitions over some of ``skus`` and ``families``.

    Args:
        draw: Supplied by Hypothesis.
        skus: The SKUs it may cover.
        families: The families it may cover.

    Returns:
        A :class:`~sfa_core.catalog.PercentOfTotal` (0 to 30 %).

    Example:
        >>> from hypothesis import find
        >>> spec = find(percent_of_totals(), lambda p: not p.skus and not p.families)
        >>> spec.covers("ANY", "thing")
        True
    """
    return _percent_of_totals(draw, skus=skus, families=families)


def _percent_of_totals(
    draw: st.DrawFn,
    *,
    skus: Sequence[str] = ("A-1", "B-2", "C-3"),
    families: Sequence[str] = FAMILIES,
) -> PercentOfTotal:
    return PercentOfTotal(
        percent=draw(_decimals(0, 30)),
        base=draw(_sampled(PercentBase)),
        families=draw(st.lists(_sampled(list(families)), unique=True, max_size=2))
        if families
        else (),
        skus=draw(st.lists(_sampled(list(skus)), unique=True, max_size=2)) if skus else (),
    )


# -- price rules -------------------------------------------------------------------------------

#: What :func:`price_conditions` compares (all read-only for rules: no rule writes them).
CONDITION_FIELDS = ("line.quantity", "line.price", "product.family", "quote.total_quantity")


def price_conditions(
    *, families: Sequence[str] = FAMILIES, random: bool = True
) -> st.SearchStrategy[Any]:
    """JSON Logic conditions for price rules that never fail to evaluate on pricing data.

    Simple comparisons of ``line.quantity``, ``line.price``, ``quote.total_quantity``
    and ``product.family``, ``None`` (always), and (when ``random``) any rule of
    :func:`~sfa_core.testing.strategies.rules` over those fields wrapped in
    ``{"try": [rule, false]}`` so that a failing evaluation reads as "no match".

    Args:
        families: The families compared.
        random: Also draw wrapped random rules.

    Returns:
        A strategy of conditions (JSON) or ``None``.

    Example:
        >>> from hypothesis import find
        >>> from sfa_core import rules
        >>> condition = find(price_conditions(), lambda c: c is not None and "try" in c)
        >>> rules.compile(condition).matches({"line": {}, "product": {}, "quote": {}}) in (
        ...     True, False)
        True
    """
    return _conditions(tuple(families), random)


@functools.cache
def _conditions(families: tuple[str, ...], random: bool) -> st.SearchStrategy[Any]:
    ops = _sampled(["<", "<=", ">", ">=", "==", "!="])
    simple = st.one_of(
        st.tuples(ops, _ints(0, 50)).map(lambda t: {t[0]: [{"var": "line.quantity"}, t[1]]}),
        st.tuples(ops, _ints(0, 500)).map(lambda t: {t[0]: [{"var": "line.price"}, t[1]]}),
        st.tuples(ops, _ints(0, 100)).map(
            lambda t: {t[0]: [{"var": "quote.total_quantity"}, t[1]]}
        ),
        _sampled(list(families) or ["x"]).map(lambda f: {"==": [{"var": "product.family"}, f]}),
    )
    choices: list[st.SearchStrategy[Any]] = [simple, st.none()]
    if random:
        wrapped = _random_rules(CONDITION_FIELDS, max_leaves=6).map(lambda r: {"try": [r, False]})
        choices.append(wrapped)
    return st.one_of(*choices)


@st.composite
def price_actions(
    draw: st.DrawFn, *, kinds: Sequence[ActionKind] | None = None, places: int = 2
) -> PriceAction:
    """Valid price actions of the given kinds (every kind when ``None``).

    Set-field actions write a waterfall field (a percent, or an amount per unit) or a
    custom field (``fields.note``, text or a number).

    Args:
        draw: Supplied by Hypothesis.
        kinds: The kinds to draw.
        places: Decimals of prices and amounts.

    Returns:
        A :class:`~sfa_core.pricing.PriceAction`.

    Example:
        >>> from hypothesis import find
        >>> action = find(price_actions(kinds=[ActionKind.PERCENT_OFF]), lambda a: True)
        >>> action.describe().endswith(" % off")
        True
    """
    return _price_actions(draw, kinds=kinds, places=places)


def _price_actions(
    draw: st.DrawFn, *, kinds: Sequence[ActionKind] | None = None, places: int = 2
) -> PriceAction:
    kind = draw(_sampled(list(kinds) if kinds is not None else list(ActionKind)))
    if kind is ActionKind.SET_PRICE:
        return PriceAction(kind, draw(_decimals(0, 500, places)))
    if kind is ActionKind.PERCENT_OFF:
        return PriceAction(kind, draw(_ints(0, 100).map(Decimal) | _decimals(0, 100)))
    if kind is ActionKind.AMOUNT_OFF:
        return PriceAction(kind, draw(_decimals(0, 50, places)))
    if kind is ActionKind.MARKUP:
        return PriceAction(kind, draw(_decimals(0, 50)))
    field = draw(_sampled([*sorted(WATERFALL_FIELDS), "fields.note"]))
    if field == "fields.note":
        if draw(_BOOLS):
            return PriceAction.set_field(field, text=draw(_sampled(["gold", "vip", ""])))
        return PriceAction.set_field(field, draw(_decimals(-100, 100)))
    if field == "additional_discount_amount":
        return PriceAction.set_field(field, draw(_decimals(0, 20, places)))
    return PriceAction.set_field(field, draw(_decimals(0, 100)))


@st.composite
def price_rules(
    draw: st.DrawFn,
    *,
    id: str | None = None,
    priority: int | None = None,
    skus: Sequence[str] = (),
    families: Sequence[str] = FAMILIES,
    currencies: Sequence[str] = (),
    places: int = 2,
) -> PriceRule:
    """Valid price rules: a condition, one to three actions, a phase, scope and priority.

    Args:
        draw: Supplied by Hypothesis.
        id: The rule's id (drawn when ``None``).
        priority: Its priority (drawn from -5..5 when ``None``).
        skus: SKUs the rule may be scoped to.
        families: Families it may be scoped to (and its condition compares).
        currencies: Currencies it may be limited to (never limited when empty).
        places: Decimals of the prices and amounts of its actions.

    Returns:
        A :class:`~sfa_core.pricing.PriceRule`.

    Example:
        >>> from hypothesis import find
        >>> rule = find(price_rules(skus=["A-1"]), lambda r: r.skus == ("A-1",))
        >>> rule.skus, 1 <= len(rule.actions) <= 3
        (('A-1',), True)
    """
    return _price_rules(
        draw,
        id=id,
        priority=priority,
        skus=skus,
        families=families,
        currencies=currencies,
        places=places,
    )


def _price_rules(
    draw: st.DrawFn,
    *,
    id: str | None = None,
    priority: int | None = None,
    skus: Sequence[str] = (),
    families: Sequence[str] = FAMILIES,
    currencies: Sequence[str] = (),
    places: int = 2,
) -> PriceRule:
    no_names: list[str] = []
    scope_skus = draw(
        st.lists(_sampled(list(skus)), unique=True, max_size=2) if skus else st.just(no_names)
    )
    scope_families = draw(
        st.lists(_sampled(list(families)), unique=True, max_size=1)
        if families
        else st.just(no_names)
    )
    return PriceRule(
        id=id if id is not None else draw(_keys()),
        actions=[_price_actions(draw, kinds=None, places=places) for _ in range(draw(_ints(1, 3)))],
        condition=draw(_conditions(tuple(families), True)),
        phase=draw(_sampled(Phase)),
        priority=priority if priority is not None else draw(_ints(-5, 5)),
        skus=scope_skus,
        families=scope_families,
        currency=draw(_maybe(_sampled(list(currencies)))) if currencies else None,
        allow_below_floor=draw(_BOOLS),
        active=draw(st.booleans() | st.just(True)),
        name=draw(_sampled(["", "promo", "volume deal"])),
    )


@st.composite
def rule_sets(
    draw: st.DrawFn,
    *,
    stacking: Stacking | None = None,
    max_rules: int = 4,
    skus: Sequence[str] = (),
    families: Sequence[str] = FAMILIES,
    currencies: Sequence[str] = (),
    exclusive_ties: bool = False,
    id: str = "rules",
    places: int = 2,
) -> RuleSet:
    """Valid rule sets: unique rule ids under one stacking policy.

    Under ``EXCLUSIVE`` stacking every rule gets its own priority, so pricing never meets
    a :class:`~sfa_core.pricing.PriceRuleConflictError`, unless ``exclusive_ties`` asks
    for shared priorities (to test the conflict). Conditions never read a field a rule
    writes, so there is never a :class:`~sfa_core.pricing.PriceRuleCycleError`.

    Args:
        draw: Supplied by Hypothesis.
        stacking: The stacking policy (drawn when ``None``).
        max_rules: The most rules.
        skus: SKUs rules may be scoped to.
        families: Families rules may be scoped to.
        currencies: Currencies rules may be limited to.
        exclusive_ties: Let exclusive rules share a priority.
        id: The set's id; rule ids are ``<id>-0``, ``<id>-1``...
        places: Decimals of prices and amounts.

    Returns:
        A :class:`~sfa_core.pricing.RuleSet`.

    Example:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=20, deadline=None)
        ... @given(rule_sets(stacking=Stacking.EXCLUSIVE))
        ... def test_no_priority_ties(rule_set):
        ...     priorities = [rule.priority for rule in rule_set.rules]
        ...     assert len(set(priorities)) == len(priorities)
        >>> test_no_priority_ties()
    """
    return _rule_sets(
        draw,
        stacking=stacking,
        max_rules=max_rules,
        skus=skus,
        families=families,
        currencies=currencies,
        exclusive_ties=exclusive_ties,
        id=id,
        places=places,
    )


def _rule_sets(
    draw: st.DrawFn,
    *,
    stacking: Stacking | None = None,
    max_rules: int = 4,
    skus: Sequence[str] = (),
    families: Sequence[str] = FAMILIES,
    currencies: Sequence[str] = (),
    exclusive_ties: bool = False,
    id: str = "rules",
    places: int = 2,
) -> RuleSet:
    policy = stacking if stacking is not None else draw(_sampled(Stacking))
    count = draw(st.integers(1, max_rules))
    distinct = policy is Stacking.EXCLUSIVE and not exclusive_ties
    priorities: list[int | None]
    if distinct:
        unique = st.lists(_ints(-5, 5), min_size=count, max_size=count, unique=True)
        priorities = list(draw(unique))
    else:
        priorities = [None] * count
    rules = [
        _price_rules(
            draw,
            id=f"{id}-{index}",
            priority=priorities[index],
            skus=skus,
            families=families,
            currencies=currencies,
            places=places,
        )
        for index in range(count)
    ]
    return RuleSet(rules, stacking=policy, id=id)


# -- promotions --------------------------------------------------------------------------------

_PROMO_SKUS = ("A", "B", "C", "D")
_PROMO_FAMILIES = ("shirts", "hats")


def product_ranges(
    skus: Sequence[str] = _PROMO_SKUS, families: Sequence[str] = _PROMO_FAMILIES
) -> st.SearchStrategy[ProductRange]:
    """Non-empty product ranges over some of ``skus`` and ``families``.

    Args:
        skus: The SKUs a range may list or exclude.
        families: The families a range may list.

    Returns:
        A strategy of :class:`~sfa_core.pricing.ProductRange`.

    Example:
        >>> from hypothesis import find
        >>> str(find(product_ranges(), lambda r: r.all_products))
        'all products'
    """
    return _product_ranges(tuple(skus), tuple(families))


@functools.cache
def _product_ranges(
    skus: tuple[str, ...], families: tuple[str, ...]
) -> st.SearchStrategy[ProductRange]:
    names = st.lists(_sampled(skus), unique=True, max_size=3).map(tuple)
    kinds = st.lists(_sampled(families), unique=True, max_size=2).map(tuple)
    excluded = st.lists(_sampled(skus), unique=True, max_size=1).map(tuple)
    return (
        st.tuples(names, kinds, _BOOLS, excluded)
        .filter(lambda parts: bool(parts[0] or parts[1] or parts[2]))
        .map(lambda parts: ProductRange(*parts))
    )


def promotion_conditions(
    kinds: Sequence[ConditionKind] = tuple(ConditionKind),
    *,
    skus: Sequence[str] = _PROMO_SKUS,
    families: Sequence[str] = _PROMO_FAMILIES,
) -> st.SearchStrategy[Condition]:
    """Promotion conditions of the given kinds: 1-4 items or products, or a 0.01-60.00 value.

    Args:
        kinds: The condition kinds to draw.
        skus: The SKUs their ranges cover.
        families: The families their ranges cover.

    Returns:
        A strategy of :class:`~sfa_core.pricing.Condition`.

    Example:
        >>> from hypothesis import find
        >>> condition = find(promotion_conditions([ConditionKind.COUNT]), lambda c: True)
        >>> condition.value in range(1, 5)
        True
    """
    return _promotion_conditions(tuple(kinds), tuple(skus), tuple(families))


@functools.cache
def _promotion_conditions(
    kinds: tuple[ConditionKind, ...], skus: tuple[str, ...], families: tuple[str, ...]
) -> st.SearchStrategy[Condition]:
    counts = _ints(1, 4).map(Decimal)
    return st.one_of(
        *(
            st.builds(
                Condition,
                st.just(kind),
                _decimals("0.01", 60) if kind is ConditionKind.VALUE else counts,
                _product_ranges(skus, families),
            )
            for kind in kinds
        )
    )


def benefits(
    kinds: Sequence[BenefitKind] = tuple(BenefitKind),
    *,
    skus: Sequence[str] = _PROMO_SKUS,
    families: Sequence[str] = _PROMO_FAMILIES,
) -> st.SearchStrategy[Benefit]:
    """Valid promotion benefits of the given kinds.

    Args:
        kinds: The benefit kinds to draw.
        skus: The SKUs their ranges cover.
        families: The families their ranges cover.

    Returns:
        A strategy of :class:`~sfa_core.pricing.Benefit`.

    Example:
        >>> from hypothesis import find
        >>> find(benefits([BenefitKind.MULTIBUY]), lambda b: True).value
        Decimal('0')
    """
    return _benefits(tuple(kinds), tuple(skus), tuple(families))


@functools.cache
def _benefits(
    kinds: tuple[BenefitKind, ...], skus: tuple[str, ...], families: tuple[str, ...]
) -> st.SearchStrategy[Benefit]:
    ranges = _maybe(_product_ranges(skus, families))
    items = _maybe(_ints(1, 3))

    def build(kind: BenefitKind) -> st.SearchStrategy[Benefit]:
        if kind is BenefitKind.PERCENT:
            return st.builds(Benefit, st.just(kind), _decimals("0.5", 100, 1), ranges, items)
        if kind is BenefitKind.ABSOLUTE:
            return st.builds(Benefit, st.just(kind), _decimals("0.01", 50), ranges, items)
        if kind is BenefitKind.FIXED_PRICE:
            return st.builds(Benefit, st.just(kind), _decimals(0, 40))
        return st.builds(Benefit, st.just(kind), st.just(Decimal(0)), ranges)

    return st.one_of(*(build(kind) for kind in kinds))


def promotions(
    ids: st.SearchStrategy[str] | None = None,
    *,
    skus: Sequence[str] = _PROMO_SKUS,
    families: Sequence[str] = _PROMO_FAMILIES,
    condition_kinds: Sequence[ConditionKind] = tuple(ConditionKind),
) -> st.SearchStrategy[Promotion]:
    """Valid promotions (a fixed-price benefit gets a count or coverage condition).

    Args:
        ids: The ids to draw (``P1`` to ``P4`` when ``None``).
        skus: The SKUs their ranges cover.
        families: The families their ranges cover.
        condition_kinds: The condition kinds to draw (a fixed-price benefit needs
            ``COUNT`` or ``COVERAGE`` among them, else it is not drawn).

    Returns:
        A strategy of :class:`~sfa_core.pricing.Promotion`.

    Example:
        >>> from hypothesis import find
        >>> find(promotions(), lambda p: p.exclusive).description.startswith("Buy ")
        True
    """
    return _promotions(
        _sampled(("P1", "P2", "P3", "P4")) if ids is None else ids,
        tuple(skus),
        tuple(families),
        tuple(condition_kinds),
    )


@st.composite
def _promotions(
    draw: st.DrawFn,
    ids: st.SearchStrategy[str],
    skus: tuple[str, ...],
    families: tuple[str, ...],
    condition_kinds: tuple[ConditionKind, ...],
) -> Promotion:
    benefit_kinds = tuple(BenefitKind)
    if set(condition_kinds) <= {ConditionKind.VALUE}:
        benefit_kinds = tuple(k for k in BenefitKind if k is not BenefitKind.FIXED_PRICE)
    benefit = draw(_benefits(benefit_kinds, skus, families))
    kinds = condition_kinds
    if benefit.kind is BenefitKind.FIXED_PRICE:
        kinds = tuple(kind for kind in kinds if kind is not ConditionKind.VALUE)
    return Promotion(
        id=draw(ids),
        name="promotion",
        condition=draw(_promotion_conditions(kinds, skus, families)),
        benefit=benefit,
        priority=draw(_ints(0, 2)),
        exclusive=draw(_BOOLS),
        max_discount=draw(_maybe(_decimals("0.01", 30))),
        max_applications=draw(_maybe(_ints(1, 3))),
        usage_limit=draw(_maybe(_ints(1, 3))),
    )


def cart_lines(
    key: st.SearchStrategy[str] | None = None, places: int = 2
) -> st.SearchStrategy[CartLine]:
    """Cart lines with unit prices of up to ``places + 1`` decimals (sub-unit prices too).

    Args:
        key: The keys to draw (``l1`` to ``l3`` when ``None``).
        places: The currency's decimals.

    Returns:
        A strategy of :class:`~sfa_core.pricing.CartLine`.

    Example:
        >>> from hypothesis import find
        >>> find(cart_lines(), lambda c: c.quantity > 1).quantity in range(2, 6)
        True
    """
    return st.builds(
        CartLine,
        key=key if key is not None else _sampled(("l1", "l2", "l3")),
        sku=_sampled(_PROMO_SKUS),
        family=_sampled((*_PROMO_FAMILIES, "")),
        quantity=_ints(1, 5),
        unit_price=_decimals(0, 40, places + 1),
    )


def carts(places: int = 2) -> st.SearchStrategy[list[CartLine]]:
    """Zero to five cart lines with unique keys.

    Args:
        places: The currency's decimals.

    Returns:
        A strategy of lists of :class:`~sfa_core.pricing.CartLine`.

    Example:
        >>> from hypothesis import find
        >>> len({line.key for line in find(carts(), lambda c: len(c) == 3)})
        3
    """
    return st.lists(_ints(0, 99), unique=True, max_size=5).flatmap(
        lambda numbers: st.tuples(*(_cart_line(f"k{n:02d}", places) for n in numbers)).map(list)
    )


def _promotion_lists() -> st.SearchStrategy[list[Promotion]]:
    return st.lists(_ints(0, 20), unique=True, max_size=4).flatmap(
        lambda numbers: st.tuples(*(_promotion(f"P{n}") for n in numbers)).map(list)
    )


@functools.cache
def _promotion(id: str) -> st.SearchStrategy[Promotion]:
    return promotions(st.just(id))


@functools.cache
def _cart_line(key: str, places: int) -> st.SearchStrategy[CartLine]:
    return cart_lines(st.just(key), places)


def promotion_results() -> st.SearchStrategy[PromotionResult]:
    """Results of :func:`~sfa_core.pricing.apply_promotions` on drawn carts (EUR).

    Returns:
        A strategy of :class:`~sfa_core.pricing.PromotionResult`.

    Example:
        >>> from hypothesis import find
        >>> r = find(promotion_results(), lambda r: len(r.applied) > 0)
        >>> sum(r.discounts.values()) == r.total_discount
        True
    """
    usages = st.dictionaries(_sampled([f"P{n}" for n in range(21)]), _ints(0, 4))
    return st.builds(
        lambda lines, offers, usage: apply_promotions(lines, offers, currency="EUR", usage=usage),
        carts(),
        _promotion_lists(),
        usages,
    )


def applied_promotions() -> st.SearchStrategy[AppliedPromotion]:
    """Applied promotions whose discount is the sum of their line discounts.

    Returns:
        A strategy of :class:`~sfa_core.pricing.AppliedPromotion`.

    Example:
        >>> from hypothesis import find
        >>> a = find(applied_promotions(), lambda a: len(a.line_discounts) == 2)
        >>> sum(a.line_discounts.values()) == a.discount
        True
    """
    keys = st.lists(_sampled(("l1", "l2", "l3")), unique=True, min_size=1, max_size=3)

    def build(names: list[str]) -> st.SearchStrategy[AppliedPromotion]:
        size = len(names)
        cents = st.lists(_ints(1, 9999), min_size=size, max_size=size)
        counts = st.lists(_ints(1, 5), min_size=size, max_size=size)
        return st.builds(
            lambda amounts, items, applications, capped: AppliedPromotion(
                "P1",
                "promotion",
                applications,
                Decimal(sum(amounts)).scaleb(-2),
                {k: Decimal(a).scaleb(-2) for k, a in zip(names, amounts, strict=True)},
                dict(zip(names, items, strict=True)),
                {k: n + 1 for k, n in zip(names, items, strict=True)},
                "Buy something, get something",
                capped,
            ),
            cents,
            counts,
            _ints(1, 3),
            st.booleans(),
        )

    return keys.flatmap(build)


def skipped_promotions() -> st.SearchStrategy[SkippedPromotion]:
    """Skipped promotions of every reason.

    Returns:
        A strategy of :class:`~sfa_core.pricing.SkippedPromotion`.

    Example:
        >>> from hypothesis import find
        >>> skipped = find(skipped_promotions(), lambda s: s.reason is SkipReason.BLOCKED)
        >>> skipped.promotion_id in ("P1", "P2")
        True
    """
    missing = st.none() | st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2)
    return st.builds(
        SkippedPromotion,
        _sampled(("P1", "P2")),
        _sampled(SkipReason),
        _sampled(("", "condition not met: needs more")),
        st.lists(_sampled(("P3", "P4")), unique=True, max_size=2).map(tuple),
    ) | st.builds(
        SkippedPromotion,
        _sampled(("P1", "P2")),
        st.just(SkipReason.CONDITION_NOT_MET),
        _sampled(("", "condition not met: needs more")),
        st.just(()),
        missing,
    )


# -- tax ---------------------------------------------------------------------------------------


def taxable_lines(places: int = 2) -> st.SearchStrategy[TaxableLine]:
    """Taxable lines with amounts of at most ``places`` decimals, in known categories or not.

    Args:
        places: The currency's decimals.

    Returns:
        A strategy of :class:`~sfa_core.pricing.TaxableLine`.

    Example:
        >>> from hypothesis import find
        >>> amount = find(taxable_lines(places=0), lambda t: t.amount > 0).amount
        >>> amount == amount.to_integral_value()
        True
    """
    return st.builds(
        TaxableLine,
        key=_sampled(("l1", "l2", "l3")),
        category=_sampled((*TAX_CATEGORIES, "unknown")),
        amount=_decimals(0, 10_000, places),
    )


def rate_tax_policies(
    *, prices_include_tax: bool | None = None
) -> st.SearchStrategy[RateTaxPolicy]:
    """Tax policies over the categories standard, reduced and zero (default: standard).

    Args:
        prices_include_tax: Whether prices include tax (drawn when ``None``).

    Returns:
        A strategy of :class:`~sfa_core.pricing.RateTaxPolicy`.

    Example:
        >>> from hypothesis import find
        >>> policy = find(rate_tax_policies(prices_include_tax=True), lambda p: True)
        >>> policy.prices_include_tax, policy.default_category
        (True, 'standard')
    """
    rates = st.tuples(_decimals(0, 100), _decimals(0, 30, 1)).map(
        lambda pair: {"standard": pair[0], "reduced": pair[1], "zero": Decimal(0)}
    )
    return st.builds(
        RateTaxPolicy,
        rates=rates,
        prices_include_tax=st.booleans()
        if prices_include_tax is None
        else st.just(prices_include_tax),
        default_category=st.just("standard"),
        rounding=_sampled(("ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN", "ROUND_UP")),
    )


def _rate_tax_policy(draw: st.DrawFn) -> RateTaxPolicy:
    return draw(_RATE_TAX_POLICIES)


_RATE_TAX_POLICIES = rate_tax_policies()


def tax_results() -> st.SearchStrategy[TaxResult]:
    """Results of :meth:`RateTaxPolicy.tax` on drawn lines (EUR).

    Returns:
        A strategy of :class:`~sfa_core.pricing.TaxResult`.

    Example:
        >>> from hypothesis import find
        >>> r = find(tax_results(), lambda r: len(r.lines) == 2)
        >>> r.net + r.tax == r.gross
        True
    """

    def taxed(policy: RateTaxPolicy, lines: list[TaxableLine]) -> TaxResult:
        unique = list({line.key: line for line in lines}.values())
        return policy.tax(unique, currency="EUR")

    return st.builds(taxed, rate_tax_policies(), st.lists(taxable_lines(), max_size=3))


def tax_lines() -> st.SearchStrategy[TaxLine]:
    """Tax lines with ``gross == net + tax``.

    Returns:
        A strategy of :class:`~sfa_core.pricing.TaxLine`.

    Example:
        >>> from hypothesis import find
        >>> line = find(tax_lines(), lambda t: t.tax > 0)
        >>> line.net + line.tax == line.gross
        True
    """
    amounts = _decimals(0, 10_000)
    return st.builds(
        lambda key, category, rate, net, tax: TaxLine(key, category, rate, net, tax, net + tax),
        _sampled(("l1", "l2")),
        _sampled(TAX_CATEGORIES),
        _decimals(0, 100),
        amounts,
        amounts,
    )


# -- pricing settings and small results --------------------------------------------------------


@st.composite
def rounding_policies(draw: st.DrawFn, *, max_total_places: int | None = None) -> RoundingPolicy:
    """Valid rounding policies.

    Args:
        draw: Supplied by Hypothesis.
        max_total_places: The most decimals of extended amounts; ``None`` draws the
            currency's minor units (``total_places=None``) or 0 to 4 places.

    Returns:
        A :class:`~sfa_core.pricing.RoundingPolicy`.

    Example:
        >>> from hypothesis import find
        >>> find(rounding_policies(max_total_places=0), lambda p: True).total_places in (None, 0)
        True
    """
    return _rounding_policies(draw, max_total_places=max_total_places)


def _rounding_policies(draw: st.DrawFn, *, max_total_places: int | None = None) -> RoundingPolicy:
    top = 4 if max_total_places is None else max_total_places
    return RoundingPolicy(
        unit_places=draw(_maybe(_ints(0, 6))),
        total_places=draw(_maybe(_ints(0, top))),
        unit_rounding=draw(_sampled(UnitRounding)),
        mode=draw(_sampled(_MODES)),
    )


@st.composite
def pricing_options(
    draw: st.DrawFn,
    *,
    allow_negative_prices: bool | None = False,
    max_total_places: int | None = None,
) -> PricingOptions:
    """Valid pricing options: every order switch, and a drawn rounding policy.

    Args:
        draw: Supplied by Hypothesis.
        allow_negative_prices: The switch's value (drawn when ``None``).
        max_total_places: Passed to :func:`rounding_policies`.

    Returns:
        A :class:`~sfa_core.pricing.PricingOptions`.

    Example:
        >>> from hypothesis import find
        >>> find(pricing_options(), lambda o: o.additional_discount_last).allow_negative_prices
        False
    """
    return _pricing_options(
        draw, allow_negative_prices=allow_negative_prices, max_total_places=max_total_places
    )


def _pricing_options(
    draw: st.DrawFn,
    *,
    allow_negative_prices: bool | None = False,
    max_total_places: int | None = None,
) -> PricingOptions:
    negative = draw(_BOOLS) if allow_negative_prices is None else allow_negative_prices
    return PricingOptions(
        additional_discount_last=draw(_BOOLS),
        partner_discount_first=draw(_BOOLS),
        channel_discounts_off_list=draw(_BOOLS),
        allow_negative_prices=negative,
        rounding=_rounding_policies(draw, max_total_places=max_total_places),
    )


def discount_limits() -> st.SearchStrategy[DiscountLimits]:
    """Valid discount limits of a role.

    Returns:
        A strategy of :class:`~sfa_core.pricing.DiscountLimits`.

    Example:
        >>> from hypothesis import find
        >>> limits = find(discount_limits(), lambda d: d.max_manual_percent is not None)
        >>> limits.role in ("sales_rep", "manager"), 0 <= limits.max_manual_percent <= 100
        (True, True)
    """
    percents = _maybe(_decimals(0, 100))
    return st.builds(
        DiscountLimits,
        role=_sampled(["sales_rep", "manager"]),
        max_manual_percent=percents,
        max_total_percent=percents,
    )


def limit_flags() -> st.SearchStrategy[LimitFlag]:
    """Limit flags as pricing raises them (a discount above the role's limit).

    Returns:
        A strategy of :class:`~sfa_core.pricing.LimitFlag`.

    Example:
        >>> from hypothesis import find
        >>> flag = find(limit_flags(), lambda f: True)
        >>> flag.actual > flag.allowed
        True
    """
    return st.builds(
        lambda limit, role, allowed, more: LimitFlag(limit, role, allowed, allowed + more),
        _sampled(["max_manual_percent", "max_total_percent"]),
        _sampled(["sales_rep", "manager"]),
        _decimals(0, 99),
        _decimals("0.01", 50),
    )


def adjustments() -> st.SearchStrategy[Adjustment]:
    """Line adjustments after the waterfall: a share of a quote discount or a promotion.

    Returns:
        A strategy of :class:`~sfa_core.pricing.Adjustment`.

    Example:
        >>> from hypothesis import find
        >>> find(adjustments(), lambda a: a.kind == "promotion").source in ("P1", "P2")
        True
    """
    quote_discount = st.builds(
        lambda amount: Adjustment(
            "quote_discount", None, amount, "share of the quote discount, in proportion"
        ),
        _decimals(0, 1000),
    )
    promotion = st.builds(
        lambda source, amount: Adjustment("promotion", source, amount, "Buy 3, get 1 free"),
        _sampled(["P1", "P2"]),
        _decimals(0, 1000),
    )
    return quote_discount | promotion
