"""Properties of cart promotions and tax.

The strategies of their values come from :mod:`sfa_core.testing.strategies`.
"""

import math
from decimal import Decimal
from fractions import Fraction

import attrs
from hypothesis import given, settings
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


# ---------------------------------------------------------------- a per-item reference
# A straightforward oracle: every line is expanded into its items, every application is
# computed item by item in exact fractions. The engine counts whole runs of identical
# applications at once; both must agree exactly on small carts.


def _floor_minor(amount: Fraction, places: int) -> int:
    return math.floor(amount * 10**places)


def _spread(total: int, weights: list[Fraction], lines: list[int]) -> list[int]:
    """Largest remainders; the lower line (key order) first on a tie."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    shares = [math.floor(value) for value in exact]
    left = total - sum(shares)
    ranked = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), lines[i]))
    for position in ranked[:left]:
        shares[position] += 1
    return shares


def reference(lines, offers, currency, usage):
    """Apply ``offers`` item by item (see the module documentation of promotions)."""
    places = currency_precision(currency)
    lines = sorted(lines, key=lambda line: line.key)
    price = [Fraction(line.unit_price) for line in lines]
    room = [_floor_minor(p * line.quantity, places) for p, line in zip(price, lines, strict=True)]
    given = [0] * len(lines)
    # holders[i][n]: the promotions that consumed item n of line i.
    holders = [[set() for _ in range(line.quantity)] for line in lines]
    exclusive, order, applied, skipped = {}, [], [], []

    def items_for(pid, free):
        found = []
        for i, line_holders in enumerate(holders):
            others = {o for held in line_holders for o in held if o != pid}
            # Exclusive and combinable promotions never share a line; two exclusive
            # ones share it item by item.
            if not free and any(exclusive[o] != exclusive[pid] for o in others):
                continue
            for n, held in enumerate(line_holders):
                if pid in held or (not free and exclusive[pid] and held - {pid}):
                    continue
                found.append((i, n))
        return found

    def measure(offer, items):
        inside = [(i, n) for i, n in items if offer.condition.range.contains(*sku_family[i])]
        kind = offer.condition.kind.value
        if kind == "count":
            return Fraction(len(inside))
        if kind == "value":
            return sum((price[i] for i, _ in inside), Fraction(0))
        return Fraction(len({lines[i].sku for i, _ in inside}))

    sku_family = [(line.sku, line.family) for line in lines]

    def once(offer, items, budget):
        condition, benefit = offer.condition, offer.benefit
        in_cond = condition.range.contains
        goal = Fraction(condition.value)
        if measure(offer, items) < goal:
            return "condition"
        cheapest = sorted(items, key=lambda item: (price[item[0]], item))
        if benefit.kind.value == "fixed_price":
            candidates = [item for item in cheapest if in_cond(*sku_family[item[0]])]
            if condition.kind.value == "count":
                picked = candidates[: int(goal)]
            else:
                picked, seen = [], set()
                for item in candidates:
                    if lines[item[0]].sku not in seen and len(seen) < goal:
                        seen.add(lines[item[0]].sku)
                        picked.append(item)
        else:
            where = offer._benefit_range.contains
            candidates = [i for i in cheapest if where(*sku_family[i[0]]) and price[i[0]]]
            if benefit.kind.value == "multibuy":
                picked = candidates[:1]
            else:
                picked = candidates[: benefit.max_affected_items or len(candidates)]
        count = {}
        for i, _ in picked:
            count[i] = count.get(i, 0) + 1
        rate = Fraction(benefit.value) / 100 if benefit.kind.value == "percent" else 1
        scale = 10**places
        weights = [
            min(price[i] * n * rate * scale, Fraction(room[i] - given[i])) for i, n in count.items()
        ]
        discount = math.floor(sum(weights, Fraction(0)))
        if benefit.kind.value == "absolute":
            discount = min(discount, _floor_minor(Fraction(benefit.value), places))
        elif benefit.kind.value == "fixed_price":
            worth = sum((price[i] for i, _ in picked), Fraction(0))
            discount = min(discount, _floor_minor(worth - Fraction(benefit.value), places))
        if budget is not None:
            discount = min(discount, budget)
        if discount <= 0:
            return "benefit"
        used = list(picked)
        rest = sorted(
            (item for item in items if item not in used), key=lambda item: (-price[item[0]], item)
        )
        inside = [item for item in used if in_cond(*sku_family[item[0]])]
        kind = condition.kind.value
        if kind == "count":
            needed = goal - len(inside)
            for item in rest:
                if needed <= 0:
                    break
                if in_cond(*sku_family[item[0]]):
                    used.append(item)
                    needed -= 1
        elif kind == "value":
            needed = goal - sum((price[i] for i, _ in inside), Fraction(0))
            for item in rest:
                if needed <= 0:
                    break
                if in_cond(*sku_family[item[0]]) and price[item[0]]:
                    used.append(item)
                    needed -= price[item[0]]
        else:
            seen = {lines[i].sku for i, _ in inside}
            for item in rest:
                if len(seen) >= goal:
                    break
                if in_cond(*sku_family[item[0]]) and lines[item[0]].sku not in seen:
                    seen.add(lines[item[0]].sku)
                    used.append(item)
        return count, _spread(discount, weights, list(count)), used

    for offer in sorted(offers, key=lambda o: (-o.priority, o.id)):
        pid, limit = offer.id, offer.max_applications
        if offer.usage_limit is not None:
            left = offer.usage_limit - usage.get(pid, 0)
            if left <= 0:
                skipped.append((pid, "usage_limit_reached", (), None))
                continue
            limit = left if limit is None else min(limit, left)
        exclusive[pid] = offer.exclusive
        order.append(pid)
        budget = (
            None
            if offer.max_discount is None
            else _floor_minor(Fraction(offer.max_discount), places)
        )
        applications, total, parts, affected, consumed, failure = 0, 0, {}, {}, {}, ""
        while limit is None or applications < limit:
            if budget is not None and total >= budget:
                break
            outcome = once(offer, items_for(pid, False), None if budget is None else budget - total)
            if isinstance(outcome, str):
                failure = outcome
                break
            applications += 1
            count, shares, used = outcome
            for (i, n), share in zip(count.items(), shares, strict=True):
                given[i] += share
                total += share
                parts[i] = parts.get(i, 0) + share
                affected[i] = affected.get(i, 0) + n
            for i, n in used:
                holders[i][n].add(pid)
                consumed[i] = consumed.get(i, 0) + 1
        if applications:
            key = lambda i: lines[i].key  # noqa: E731
            applied.append(
                (
                    pid,
                    applications,
                    total,
                    {key(i): v for i, v in parts.items() if v},
                    {key(i): n for i, n in affected.items()},
                    {key(i): n for i, n in consumed.items()},
                    budget is not None and total >= budget,
                )
            )
            continue
        members = [
            offer.condition.range.contains(*sf) or offer._benefit_range.contains(*sf)
            for sf in sku_family
        ]
        held = {
            o
            for i, line_holders in enumerate(holders)
            if members[i]
            for held in line_holders
            for o in held
            if o != pid and (offer.exclusive or exclusive[o])
        }
        if held:
            trial = once(offer, items_for(pid, True), None)
            if not isinstance(trial, str):
                skipped.append((pid, "blocked", tuple(o for o in order if o in held), None))
                continue
            failure = trial
        if failure == "condition":
            missing = Fraction(offer.condition.value) - measure(offer, items_for(pid, True))
            if offer.condition.kind.value == "value":
                missing = Fraction(math.ceil(missing * 10**places), 10**places)
            skipped.append((pid, "condition_not_met", (), missing))
        else:
            skipped.append((pid, "no_discount", (), None))
    discounts = {line.key: Fraction(g, 10**places) for line, g in zip(lines, given, strict=True)}
    return discounts, applied, skipped


def _as_reference(result, places):
    def minor(amount):
        return int(amount.scaleb(places))

    applied = [
        (
            a.promotion_id,
            a.applications,
            minor(a.discount),
            {k: minor(v) for k, v in a.line_discounts.items()},
            dict(a.affected_items),
            dict(a.consumed_items),
            a.capped,
        )
        for a in result.applied
    ]
    skipped = [
        (
            s.promotion_id,
            s.reason.value,
            s.blocked_by,
            None if s.shortfall is None else Fraction(s.shortfall),
        )
        for s in result.skipped
    ]
    return {k: Fraction(v) for k, v in result.discounts.items()}, applied, skipped


@st.composite
def bigger_carts(draw):
    """carts() with up to 12 items a line, so that promotions apply many times."""
    lines = draw(carts())
    return [
        attrs.evolve(line, quantity=draw(st.integers(1, 12), label="quantity")) for line in lines
    ]


@st.composite
def repeating_promotions(draw):
    """promotion_lists(), some allowed as many applications as the cart has."""
    offers = draw(promotion_lists())
    return [
        attrs.evolve(offer, max_applications=None) if draw(st.booleans()) else offer
        for offer in offers
    ]


@settings(max_examples=300, deadline=None)
@given(bigger_carts(), repeating_promotions(), usages(), st.sampled_from(CURRENCIES))
def test_the_engine_matches_a_per_item_reference(lines, offers, usage, currency):
    result = apply_promotions(lines, offers, currency=currency, usage=usage)
    expected = reference(lines, offers, currency, usage)
    assert _as_reference(result, currency_precision(currency)) == expected


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
