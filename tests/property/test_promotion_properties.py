"""Properties of cart promotions and tax, and strategies for their values.

The strategies below (one per public class, collected in STRATEGIES) are meant to move to
``sfa_core.testing.strategies``.
"""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sfa_core.money import currency_precision
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
from sfa_core.pricing.tax import RateTaxPolicy, TaxableLine, TaxLine, TaxResult
from sfa_core.serialization import structure, unstructure

D = Decimal

# ---------------------------------------------------------------- strategies

SKUS = ("A", "B", "C", "D")
FAMILIES = ("shirts", "hats", "")
CURRENCIES = ("EUR", "JPY", "BHD")
CATEGORIES = ("standard", "reduced", "zero")


def product_ranges() -> st.SearchStrategy[ProductRange]:
    """Ranges over a small catalog (SKUs A-D, families shirts and hats)."""
    names = st.lists(st.sampled_from(SKUS), unique=True, max_size=3).map(tuple)
    families = st.lists(st.sampled_from(FAMILIES[:2]), unique=True, max_size=2).map(tuple)
    excluded = st.lists(st.sampled_from(SKUS), unique=True, max_size=1).map(tuple)
    return (
        st.tuples(names, families, st.booleans(), excluded)
        .filter(lambda parts: bool(parts[0] or parts[1] or parts[2]))
        .map(lambda parts: ProductRange(*parts))
    )


def conditions(
    kinds: tuple[ConditionKind, ...] = tuple(ConditionKind),
) -> st.SearchStrategy[Condition]:
    """Conditions of the given kinds: 1-4 items or distinct products, or 0.01-60.00."""

    def build(kind: ConditionKind) -> st.SearchStrategy[Condition]:
        if kind is ConditionKind.VALUE:
            value = st.decimals(min_value=D("0.01"), max_value=60, places=2)
        else:
            value = st.integers(min_value=1, max_value=4).map(D)
        return st.builds(Condition, st.just(kind), value, product_ranges())

    return st.sampled_from(kinds).flatmap(build)


def benefits(kinds: tuple[BenefitKind, ...] = tuple(BenefitKind)) -> st.SearchStrategy[Benefit]:
    """Valid benefits of the given kinds."""
    ranges = st.none() | product_ranges()
    items = st.none() | st.integers(min_value=1, max_value=3)

    def build(kind: BenefitKind) -> st.SearchStrategy[Benefit]:
        if kind is BenefitKind.PERCENT:
            value = st.decimals(min_value=D("0.5"), max_value=100, places=1)
            return st.builds(Benefit, st.just(kind), value, ranges, items)
        if kind is BenefitKind.ABSOLUTE:
            value = st.decimals(min_value=D("0.01"), max_value=50, places=2)
            return st.builds(Benefit, st.just(kind), value, ranges, items)
        if kind is BenefitKind.FIXED_PRICE:
            value = st.decimals(min_value=0, max_value=40, places=2)
            return st.builds(Benefit, st.just(kind), value)
        return st.builds(Benefit, st.just(kind), st.just(D(0)), ranges)

    return st.sampled_from(kinds).flatmap(build)


def promotions(ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Promotion]:
    """Valid promotions (a fixed-price benefit gets a count or coverage condition)."""

    def build(benefit: Benefit) -> st.SearchStrategy[Promotion]:
        kinds = (
            (ConditionKind.COUNT, ConditionKind.COVERAGE)
            if benefit.kind is BenefitKind.FIXED_PRICE
            else tuple(ConditionKind)
        )
        return st.builds(
            Promotion,
            id=ids if ids is not None else st.sampled_from(("P1", "P2", "P3", "P4")),
            name=st.just("promotion"),
            condition=conditions(kinds),
            benefit=st.just(benefit),
            priority=st.integers(min_value=0, max_value=2),
            exclusive=st.booleans(),
            max_discount=st.none() | st.decimals(min_value=D("0.01"), max_value=30, places=2),
            max_applications=st.none() | st.integers(min_value=1, max_value=3),
            usage_limit=st.none() | st.integers(min_value=1, max_value=3),
        )

    return benefits().flatmap(build)


def cart_lines(
    key: st.SearchStrategy[str] | None = None, places: int = 2
) -> st.SearchStrategy[CartLine]:
    """Cart lines with prices of up to ``places + 1`` decimals (sub-unit prices too).

    The prices are often equal, so that ties (and how they are broken) are common.
    """
    return st.builds(
        CartLine,
        key=key if key is not None else st.sampled_from(("l1", "l2", "l3")),
        sku=st.sampled_from(SKUS),
        family=st.sampled_from(FAMILIES),
        quantity=st.integers(min_value=1, max_value=5),
        # Few distinct prices, so that ties (and their tie-breaking) are common.
        unit_price=st.sampled_from([D(0), D(1), D("2.5"), D(10), D("19.99"), D("0.125")])
        | st.decimals(min_value=0, max_value=40, places=places + 1),
    )


def carts(places: int = 2) -> st.SearchStrategy[list[CartLine]]:
    """0-5 lines with unique keys."""
    return st.lists(st.integers(min_value=0, max_value=99), unique=True, max_size=5).flatmap(
        lambda numbers: st.tuples(*(cart_lines(st.just(f"k{n:02d}"), places) for n in numbers)).map(
            list
        )
    )


def promotion_lists() -> st.SearchStrategy[list[Promotion]]:
    """0-4 promotions with unique ids."""
    return st.lists(st.integers(min_value=0, max_value=20), unique=True, max_size=4).flatmap(
        lambda numbers: st.tuples(*(promotions(st.just(f"P{n}")) for n in numbers)).map(list)
    )


def usages() -> st.SearchStrategy[dict[str, int]]:
    """Usage counts for some of the ids promotion_lists() makes."""
    return st.dictionaries(
        st.sampled_from([f"P{n}" for n in range(21)]), st.integers(0, 4), max_size=3
    )


def promotion_results() -> st.SearchStrategy[PromotionResult]:
    """Results of apply_promotions on generated carts (EUR)."""
    return st.builds(
        lambda lines, offers, usage: apply_promotions(lines, offers, currency="EUR", usage=usage),
        carts(),
        promotion_lists(),
        usages(),
    )


def applied_promotions() -> st.SearchStrategy[AppliedPromotion]:
    """AppliedPromotion values whose discount is the sum of their line discounts."""
    keys = st.lists(st.sampled_from(("l1", "l2", "l3")), unique=True, min_size=1, max_size=3)

    def build(names: list[str]) -> st.SearchStrategy[AppliedPromotion]:
        cents = st.lists(st.integers(1, 9999), min_size=len(names), max_size=len(names))
        counts = st.lists(st.integers(1, 5), min_size=len(names), max_size=len(names))
        return st.builds(
            lambda amounts, items, applications, capped: AppliedPromotion(
                "P1",
                "promotion",
                applications,
                D(sum(amounts)).scaleb(-2),
                {k: D(a).scaleb(-2) for k, a in zip(names, amounts, strict=True)},
                dict(zip(names, items, strict=True)),
                {k: n + 1 for k, n in zip(names, items, strict=True)},
                "Buy something, get something",
                capped,
            ),
            cents,
            counts,
            st.integers(1, 3),
            st.booleans(),
        )

    return keys.flatmap(build)


def skipped_promotions() -> st.SearchStrategy[SkippedPromotion]:
    """SkippedPromotion values of every reason."""
    return st.builds(
        SkippedPromotion,
        st.sampled_from(("P1", "P2")),
        st.sampled_from(SkipReason),
        st.sampled_from(("", "condition not met: needs more")),
        st.lists(st.sampled_from(("P3", "P4")), unique=True, max_size=2).map(tuple),
    )


def taxable_lines(places: int = 2) -> st.SearchStrategy[TaxableLine]:
    """Taxable lines with amounts of at most ``places`` decimals."""
    return st.builds(
        TaxableLine,
        key=st.sampled_from(("l1", "l2", "l3")),
        category=st.sampled_from((*CATEGORIES, "unknown")),
        amount=st.decimals(min_value=0, max_value=10_000, places=places),
    )


def rate_tax_policies() -> st.SearchStrategy[RateTaxPolicy]:
    """Policies over the categories standard, reduced and zero (default: standard)."""
    rates = st.tuples(
        st.decimals(min_value=0, max_value=100, places=2),
        st.decimals(min_value=0, max_value=30, places=1),
    ).map(lambda pair: {"standard": pair[0], "reduced": pair[1], "zero": D(0)})
    return st.builds(
        RateTaxPolicy,
        rates=rates,
        prices_include_tax=st.booleans(),
        default_category=st.just("standard"),
        rounding=st.sampled_from(("ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN", "ROUND_UP")),
    )


def tax_results() -> st.SearchStrategy[TaxResult]:
    """Results of RateTaxPolicy.tax on generated lines (EUR)."""

    def taxed(policy: RateTaxPolicy, lines: list[TaxableLine]) -> TaxResult:
        unique = list({line.key: line for line in lines}.values())
        return policy.tax(unique, currency="EUR")

    return st.builds(taxed, rate_tax_policies(), st.lists(taxable_lines(), max_size=3))


def tax_lines() -> st.SearchStrategy[TaxLine]:
    """TaxLine values with gross = net + tax."""
    amounts = st.decimals(min_value=0, max_value=10_000, places=2)
    return st.builds(
        lambda key, category, rate, net, tax: TaxLine(key, category, rate, net, tax, net + tax),
        st.sampled_from(("l1", "l2")),
        st.sampled_from(CATEGORIES),
        st.decimals(min_value=0, max_value=100, places=2),
        amounts,
        amounts,
    )


STRATEGIES = {
    ProductRange: product_ranges(),
    Condition: conditions(),
    Benefit: benefits(),
    Promotion: promotions(),
    CartLine: cart_lines(),
    AppliedPromotion: applied_promotions(),
    SkippedPromotion: skipped_promotions(),
    PromotionResult: promotion_results(),
    TaxableLine: taxable_lines(),
    TaxLine: tax_lines(),
    TaxResult: tax_results(),
    RateTaxPolicy: rate_tax_policies(),
}

# ---------------------------------------------------------------- promotions


def line_total(line: CartLine) -> Decimal:
    return line.unit_price * line.quantity


@given(carts(), promotion_lists(), usages(), st.sampled_from(CURRENCIES))
def test_discounts_add_up_exactly(lines, offers, usage, currency):
    result = apply_promotions(lines, offers, currency=currency, usage=usage)
    assert sum(result.discounts.values(), D(0)) == result.total_discount
    assert sum((a.discount for a in result.applied), D(0)) == result.total_discount
    for applied in result.applied:
        assert sum(applied.line_discounts.values(), D(0)) == applied.discount
    # Every line appears once, and every amount is in the currency's minor units.
    assert list(result.discounts) == [line.key for line in lines]
    places = currency_precision(currency)
    for amount in result.discounts.values():
        assert amount.as_tuple().exponent == -places


@given(carts(), promotion_lists(), usages())
def test_no_line_gets_more_than_its_total(lines, offers, usage):
    result = apply_promotions(lines, offers, currency="EUR", usage=usage)
    for line in lines:
        assert D(0) <= result.discounts[line.key] <= line_total(line)
    assert result.total_discount <= sum((line_total(line) for line in lines), D(0))


@given(carts(), promotion_lists(), usages())
def test_limits_are_honoured(lines, offers, usage):
    result = apply_promotions(lines, offers, currency="EUR", usage=usage)
    by_id = {offer.id: offer for offer in offers}
    for applied in result.applied:
        offer = by_id[applied.promotion_id]
        assert applied.discount > 0
        if offer.max_discount is not None:
            assert applied.discount <= offer.max_discount
        if offer.max_applications is not None:
            assert applied.applications <= offer.max_applications
        if offer.usage_limit is not None:
            assert usage.get(offer.id, 0) + applied.applications <= offer.usage_limit
        if offer.benefit.max_affected_items is not None:
            assert sum(applied.affected_items.values()) <= (
                offer.benefit.max_affected_items * applied.applications
            )
    # Every promotion is either applied or skipped, once.
    ids = [a.promotion_id for a in result.applied] + [s.promotion_id for s in result.skipped]
    assert sorted(ids) == sorted(by_id)


@given(carts(), promotion_lists(), usages(), st.randoms(use_true_random=False))
def test_the_order_of_lines_and_promotions_does_not_matter(lines, offers, usage, rnd):
    result = apply_promotions(lines, offers, currency="EUR", usage=usage)
    shuffled_lines, shuffled_offers = list(lines), list(offers)
    rnd.shuffle(shuffled_lines)
    rnd.shuffle(shuffled_offers)
    again = apply_promotions(shuffled_lines, shuffled_offers, currency="EUR", usage=usage)
    assert again == result
    assert again.explain() == result.explain()


@given(carts(), promotion_lists())
def test_exclusive_promotions_share_no_item(lines, offers):
    result = apply_promotions(lines, offers, currency="EUR")
    exclusive = {offer.id for offer in offers if offer.exclusive}
    quantities = {line.key: line.quantity for line in lines}
    for key, quantity in quantities.items():
        users = [a for a in result.applied if key in a.consumed_items]
        held = [a for a in users if a.promotion_id in exclusive]
        if held and len(users) > 1:
            # Exclusive promotions may split a line's items, but never share one, and
            # a combinable promotion never uses a line an exclusive one holds items of.
            assert len(held) == len(users)
            assert sum(a.consumed_items[key] for a in held) <= quantity


# ---------------------------------------------------------------- tax


@given(rate_tax_policies(), st.lists(taxable_lines(), max_size=6), st.sampled_from(CURRENCIES))
def test_tax_adds_up(policy, lines, currency):
    places = currency_precision(currency)
    unique = list({line.key: line for line in lines}.values())
    unique = [
        TaxableLine(line.key, line.category, line.amount.quantize(D(1).scaleb(-places)))
        for line in unique
    ]
    result = policy.tax(unique, currency=currency)
    for line, source in zip(result.lines, unique, strict=True):
        assert line.net + line.tax == line.gross
        assert line.tax >= 0
        assert line.tax.as_tuple().exponent == -places
        assert (line.gross if policy.prices_include_tax else line.net) == source.amount
    assert result.net + result.tax == result.gross
    assert result.tax == sum((line.tax for line in result.lines), D(0))


# ---------------------------------------------------------------- serialization


@given(st.data())
def test_every_value_round_trips(data):
    for kind, strategy in STRATEGIES.items():
        value = data.draw(strategy, label=kind.__name__)
        assert structure(unstructure(value), kind) == value
