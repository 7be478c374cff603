"""Properties of cart promotions and tax.

The strategies of their values come from :mod:`sfa_core.testing.strategies`.
"""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sfa_core.money import currency_precision
from sfa_core.pricing.promotions import (
    AppliedPromotion,
    Benefit,
    CartLine,
    Condition,
    ProductRange,
    Promotion,
    PromotionResult,
    SkippedPromotion,
    apply_promotions,
)
from sfa_core.pricing.tax import RateTaxPolicy, TaxableLine, TaxLine, TaxResult
from sfa_core.serialization import structure, unstructure
from sfa_core.testing.strategies import (
    applied_promotions,
    benefits,
    cart_lines,
    carts,
    product_ranges,
    promotion_conditions,
    promotion_results,
    promotions,
    rate_tax_policies,
    skipped_promotions,
    tax_lines,
    tax_results,
    taxable_lines,
)

D = Decimal

# ---------------------------------------------------------------- strategies
# The value strategies come from sfa_core.testing.strategies; these combine them.

CURRENCIES = ("EUR", "JPY", "BHD")


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


STRATEGIES = {
    ProductRange: product_ranges(),
    Condition: promotion_conditions(),
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
