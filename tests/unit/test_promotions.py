"""Cart promotions, checked against django-oscar's offer semantics by hand."""

from decimal import Decimal

import attrs
import pytest

from sfa_core.errors import FloatAmountError, UnknownCurrencyError, ValidationError
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
from sfa_core.serialization import structure, unstructure

D = Decimal
ALL = ProductRange(all_products=True)
SHIRTS = ProductRange(families=("shirts",))
COUNT, VALUE, COVERAGE = ConditionKind.COUNT, ConditionKind.VALUE, ConditionKind.COVERAGE
PERCENT, ABSOLUTE = BenefitKind.PERCENT, BenefitKind.ABSOLUTE
FIXED_PRICE, MULTIBUY = BenefitKind.FIXED_PRICE, BenefitKind.MULTIBUY


def line(key: str, price: str, quantity: int = 1, sku: str = "", family: str = "") -> CartLine:
    return CartLine(key, sku or f"SKU-{key}", family, quantity, D(price))


def promo(
    pid: str,
    condition: Condition,
    benefit: Benefit,
    **kwargs: object,
) -> Promotion:
    return Promotion(id=pid, name=f"promo {pid}", condition=condition, benefit=benefit, **kwargs)


def cond(kind: ConditionKind, value: str, where: ProductRange = ALL) -> Condition:
    return Condition(kind, D(value), where)


def ten_percent(pid: str = "TEN", **kwargs: object) -> Promotion:
    return promo(pid, cond(COUNT, "1"), Benefit(PERCENT, D(10)), **kwargs)


def discounts(result: PromotionResult) -> dict[str, str]:
    return {key: str(amount) for key, amount in result.discounts.items()}


# -- conditions -------------------------------------------------------------------------


class TestConditions:
    def test_count_needs_that_many_items(self):
        offer = promo("C3", cond(COUNT, "3"), Benefit(ABSOLUTE, D(5)))
        # 2 items: not enough.
        short = apply_promotions([line("a", "10", 2)], [offer], currency="EUR")
        assert short.total_discount == 0
        assert short.skipped[0].reason is SkipReason.CONDITION_NOT_MET
        assert "the cart has 2" in short.skipped[0].detail
        # 2 + 1 = 3 items: met, 5.00 off spread over 20.00 and 10.00 -> 3.33 and 1.67.
        met = apply_promotions([line("a", "10", 2), line("b", "10")], [offer], currency="EUR")
        assert discounts(met) == {"a": "3.33", "b": "1.67"}

    def test_value_needs_that_much_in_range(self):
        offer = promo("V50", cond(VALUE, "50", SHIRTS), Benefit(ABSOLUTE, D(5)))
        # Shirts 2 x 20.00 = 40.00 < 50.00 (the hat does not count).
        short = apply_promotions(
            [line("a", "20", 2, family="shirts"), line("h", "30", family="hats")],
            [offer],
            currency="EUR",
        )
        assert short.skipped[0].reason is SkipReason.CONDITION_NOT_MET
        assert "the cart has 40.00" in short.skipped[0].detail
        # 2 x 25.00 = 50.00 >= 50.00: met ("at least").
        met = apply_promotions([line("a", "25", 2, family="shirts")], [offer], currency="EUR")
        assert met.total_discount == D("5.00")

    def test_coverage_counts_distinct_skus(self):
        offer = promo("C2", cond(COVERAGE, "2"), Benefit(ABSOLUTE, D(3)))
        # Five of one product, in two lines: one distinct SKU.
        one = apply_promotions(
            [line("a", "10", 3, sku="A"), line("b", "10", 2, sku="A")], [offer], currency="EUR"
        )
        assert one.skipped[0].reason is SkipReason.CONDITION_NOT_MET
        assert "the cart has 1" in one.skipped[0].detail
        two = apply_promotions(
            [line("a", "10", sku="A"), line("b", "20", sku="B")], [offer], currency="EUR"
        )
        # 3.00 over 10.00 and 20.00: 1.00 and 2.00.
        assert discounts(two) == {"a": "1.00", "b": "2.00"}

    def test_range_excludes_and_families(self):
        where = ProductRange(skus=("A",), families=("shirts",), excluded_skus=("X",))
        assert where.contains("A", "")
        assert where.contains("B", "shirts")
        assert not where.contains("X", "shirts")
        assert not where.contains("C", "hats")
        offer = promo("P", cond(COUNT, "1", where), Benefit(PERCENT, D(50)))
        result = apply_promotions(
            [line("x", "10", sku="X", family="shirts"), line("s", "8", sku="S", family="shirts")],
            [offer],
            currency="EUR",
        )
        # Only S is in range: 50 % of 8.00 = 4.00.
        assert discounts(result) == {"x": "0.00", "s": "4.00"}


class TestShortfall:
    def test_count_says_how_many_more_items(self):
        offer = promo("C3", cond(COUNT, "3"), Benefit(PERCENT, D(10)))
        skipped = apply_promotions([line("a", "10", 2)], [offer], currency="EUR").skipped[0]
        assert skipped.reason is SkipReason.CONDITION_NOT_MET
        assert skipped.shortfall == D(1)

    def test_value_is_an_amount_rounded_up_to_the_minor_unit(self):
        offer = promo("V", cond(VALUE, "50.001"), Benefit(ABSOLUTE, D(5)))
        skipped = apply_promotions([line("a", "20", 2)], [offer], currency="EUR").skipped[0]
        # 50.001 - 40.00 = 10.001 -> 10.01: one cent less would not be enough.
        assert skipped.shortfall == D("10.01")
        assert str(skipped.shortfall) == "10.01"
        # Sub-cent prices: 3 x 0.125 = 0.375, so 0.625 more -> 0.63.
        offer = promo("V1", cond(VALUE, "1"), Benefit(ABSOLUTE, D(5)))
        skipped = apply_promotions([line("a", "0.125", 3)], [offer], currency="EUR").skipped[0]
        assert skipped.shortfall == D("0.63")
        yen = apply_promotions([line("a", "999")], [offer_of(VALUE, "1500")], currency="JPY")
        assert str(yen.skipped[0].shortfall) == "501"

    def test_coverage_counts_distinct_products(self):
        skipped = apply_promotions(
            [line("a", "5", 4, sku="A")], [offer_of(COVERAGE, "3")], currency="EUR"
        ).skipped[0]
        assert skipped.shortfall == D(2)

    def test_only_items_the_promotion_may_use_count(self):
        staff = ten_percent("STAFF", exclusive=True, priority=1)
        offer = promo("C3", cond(COUNT, "3", ProductRange(skus=("SKU-b",))), Benefit(PERCENT, D(5)))
        result = apply_promotions(
            [line("a", "10", 5), line("b", "10")], [staff, offer], currency="EUR"
        )
        # The exclusive promotion holds only line a; line b has 1 of the 3 items needed.
        assert result.skipped[0].reason is SkipReason.CONDITION_NOT_MET
        assert result.skipped[0].shortfall == D(2)

    def test_other_reasons_have_none(self):
        met = apply_promotions(
            [line("a", "10")], [ten_percent(usage_limit=1)], currency="EUR", usage={"TEN": 1}
        )
        assert met.skipped[0].shortfall is None
        free = promo("FREE", cond(COUNT, "1"), Benefit(FIXED_PRICE, D(50)))
        nothing = apply_promotions([line("a", "10")], [free], currency="EUR").skipped[0]
        assert (nothing.reason, nothing.shortfall) == (SkipReason.NO_DISCOUNT, None)

    def test_positional_order_is_kept_and_the_field_checked(self):
        skipped = SkippedPromotion("P", SkipReason.BLOCKED, "held", ("Q",))
        assert (skipped.blocked_by, skipped.shortfall) == (("Q",), None)
        short = SkippedPromotion("P", SkipReason.CONDITION_NOT_MET, "", (), "1.50")
        assert short.shortfall == D("1.50")
        assert structure(unstructure(short), SkippedPromotion) == short
        for reason, value in ((SkipReason.CONDITION_NOT_MET, D(0)), (SkipReason.BLOCKED, D(1))):
            with pytest.raises(ValidationError) as err:
                SkippedPromotion("P", reason, "", (), value)
            assert err.value.path == "shortfall"
        with pytest.raises(FloatAmountError):
            SkippedPromotion("P", SkipReason.CONDITION_NOT_MET, "", (), 1.5)  # type: ignore[arg-type]


def offer_of(kind: ConditionKind, value: str) -> Promotion:
    return promo("O", cond(kind, value), Benefit(ABSOLUTE, D(5)))


# -- benefits ---------------------------------------------------------------------------


class TestBenefits:
    def test_percent_rounds_the_total_down_and_spreads_it(self):
        cart = [line("a", "19.99"), line("b", "5.00", 2)]
        result = apply_promotions([*cart], [ten_percent()], currency="EUR")
        # 10 % of 19.99 = 1.999 and of 10.00 = 1.000: 2.999 -> 2.99 (rounded down).
        # Shares: 2.99 * 19.99 / 29.99 = 1.993 -> 1.99; 2.99 * 10.00 / 29.99 = 0.997 -> 0.99;
        # the cent left goes to the larger remainder (b: .7 against a: .3).
        assert discounts(result) == {"a": "1.99", "b": "1.00"}
        assert result.total_discount == D("2.99")

    def test_absolute_spreads_with_the_remainder_to_the_lowest_key(self):
        offer = promo("OFF10", cond(VALUE, "50"), Benefit(ABSOLUTE, D(10)))
        cart = [line("c", "20"), line("a", "20"), line("b", "20")]
        result = apply_promotions(cart, [offer], currency="EUR")
        # 10.00 / 3 = 3.333...: 3.33 each and one cent left; the remainders tie, so the
        # lowest key (a) gets it, whatever the order of the lines.
        assert discounts(result) == {"c": "3.33", "a": "3.34", "b": "3.33"}
        assert list(result.discounts) == ["c", "a", "b"]  # the input order

    def test_absolute_never_exceeds_the_items_in_range(self):
        offer = promo("OFF50", cond(COUNT, "1", SHIRTS), Benefit(ABSOLUTE, D(50)))
        cart = [line("s", "12.50", 2, family="shirts"), line("h", "40", family="hats")]
        result = apply_promotions(cart, [offer], currency="EUR")
        # The shirts are worth 25.00, so 25.00 off, not 50.00; the hat is out of range.
        assert discounts(result) == {"s": "25.00", "h": "0.00"}

    def test_fixed_price_bundles_the_cheapest_items_of_a_count(self):
        offer = promo("3FOR50", cond(COUNT, "3", SHIRTS), Benefit(FIXED_PRICE, D(50)))
        cart = [line(k, p, family="shirts") for k, p in (("d", "30"), ("a", "15"), ("b", "20"))]
        cart.append(line("c", "25", family="shirts"))
        result = apply_promotions(cart, [offer], currency="EUR")
        # The 3 cheapest: 15 + 20 + 25 = 60.00 for 50.00 -> 10.00 off, spread by price:
        # 10 * 15/60 = 2.50, 10 * 20/60 = 3.333 -> 3.33, 10 * 25/60 = 4.1666 -> 4.16 + the
        # left cent (largest remainder) = 4.17.
        assert discounts(result) == {"d": "0.00", "a": "2.50", "b": "3.33", "c": "4.17"}
        applied = result.applied[0]
        assert dict(applied.affected_items) == {"a": 1, "b": 1, "c": 1}

    def test_fixed_price_with_coverage_takes_one_item_per_product(self):
        offer = promo("DUO", cond(COVERAGE, "2"), Benefit(FIXED_PRICE, D(30)))
        cart = [line("a", "10", 2, sku="A"), line("b", "25", sku="B")]
        result = apply_promotions(cart, [offer], currency="EUR")
        # One A and one B: 35.00 for 30.00 -> 5.00 off: 5 * 10/35 = 1.428 -> 1.42 and
        # 5 * 25/35 = 3.571 -> 3.57; the left cent goes to a (remainder .86 > .14).
        assert discounts(result) == {"a": "1.43", "b": "3.57"}
        assert dict(result.applied[0].affected_items) == {"a": 1, "b": 1}

    def test_fixed_price_above_the_items_gives_nothing(self):
        offer = promo("3FOR70", cond(COUNT, "3"), Benefit(FIXED_PRICE, D(70)))
        result = apply_promotions([line("a", "20", 3)], [offer], currency="EUR")
        # 3 x 20.00 = 60.00 already costs less than 70.00.
        assert result.total_discount == 0
        assert result.skipped[0].reason is SkipReason.NO_DISCOUNT

    def test_multibuy_gives_the_cheapest_item(self):
        offer = promo("3FOR2", cond(COUNT, "3", SHIRTS), Benefit(MULTIBUY))
        cart = [line("l1", "15", 2, family="shirts"), line("l2", "25", family="shirts")]
        result = apply_promotions(cart, [offer], currency="EUR")
        assert discounts(result) == {"l1": "15.00", "l2": "0.00"}
        applied = result.applied[0]
        # One l1 item is free; the condition consumed the 25.00 item and the other l1.
        assert dict(applied.affected_items) == {"l1": 1}
        assert dict(applied.consumed_items) == {"l1": 2, "l2": 1}

    def test_multibuy_repeats_on_fresh_items(self):
        offer = promo("3FOR2", cond(COUNT, "3"), Benefit(MULTIBUY), max_applications=None)
        cart = [line("a", "10", 2), line("b", "20", 2), line("c", "30", 2)]
        result = apply_promotions(cart, [offer], currency="EUR")
        # 1st: a 10.00 free, the condition consumes the two dearest (c, c);
        # 2nd: a 10.00 free again, consuming b, b; nothing is left for a 3rd.
        assert discounts(result) == {"a": "20.00", "b": "0.00", "c": "0.00"}
        assert result.applied[0].applications == 2

    def test_zero_priced_items_get_no_benefit(self):
        offer = promo("FREE", cond(COUNT, "1"), Benefit(MULTIBUY))
        result = apply_promotions([line("g", "0"), line("a", "4")], [offer], currency="EUR")
        # The gift is cheaper but free already; the cheapest priced item is the 4.00.
        assert discounts(result) == {"g": "0.00", "a": "4.00"}

    def test_other_currencies_use_their_minor_units(self):
        yen = apply_promotions([line("a", "999")], [ten_percent()], currency="JPY")
        # 10 % of 999 JPY = 99.9 -> 99 (whole yen, rounded down).
        assert discounts(yen) == {"a": "99"}
        dinar = apply_promotions([line("a", "9.999")], [ten_percent()], currency="BHD")
        # 10 % of 9.999 BHD = 0.9999 -> 0.999.
        assert discounts(dinar) == {"a": "0.999"}

    def test_sub_cent_prices_never_get_more_than_their_total(self):
        offer = promo("ALL", cond(COUNT, "1"), Benefit(PERCENT, D(100)))
        result = apply_promotions([line("a", "0.125", 3)], [offer], currency="EUR")
        # 3 x 0.125 = 0.375; a discount is whole cents, so 0.37 (never 0.38).
        assert discounts(result) == {"a": "0.37"}


# -- limits -----------------------------------------------------------------------------


class TestLimits:
    def test_max_discount_caps_the_promotion(self):
        offer = ten_percent(max_discount=D(20))
        result = apply_promotions([line("a", "300"), line("b", "200")], [offer], currency="EUR")
        # 10 % would be 30.00 + 20.00 = 50.00; capped at 20.00 and spread 3:2.
        assert discounts(result) == {"a": "12.00", "b": "8.00"}
        assert result.applied[0].capped
        assert "capped" in str(result.applied[0])

    def test_max_discount_caps_across_applications(self):
        offer = promo(
            "B2G1",
            cond(COUNT, "2"),
            Benefit(MULTIBUY),
            max_applications=None,
            max_discount=D(15),
        )
        result = apply_promotions([line("a", "10", 6)], [offer], currency="EUR")
        # Every 2 items one is free: 10.00, then 10.00 more would pass 15.00 -> 5.00.
        assert result.total_discount == D("15.00")
        assert result.applied[0].applications == 2
        assert result.applied[0].capped

    def test_max_affected_items_limits_each_application(self):
        offer = promo("HALF", cond(COUNT, "1"), Benefit(PERCENT, D(50), max_affected_items=1))
        result = apply_promotions([line("a", "10", 3), line("b", "4")], [offer], currency="EUR")
        # Only the cheapest item: 50 % of 4.00.
        assert discounts(result) == {"a": "0.00", "b": "2.00"}
        assert dict(result.applied[0].affected_items) == {"b": 1}

    @pytest.mark.parametrize(("limit", "expected"), [(1, "10.00"), (2, "20.00"), (None, "20.00")])
    def test_max_applications(self, limit, expected):
        offer = promo("B2G1", cond(COUNT, "2"), Benefit(MULTIBUY), max_applications=limit)
        # 4 items, buy 2 get the cheapest free: at most 2 applications fit.
        result = apply_promotions([line("a", "10", 4)], [offer], currency="EUR")
        assert str(result.total_discount) == expected

    def test_usage_limit_reached_skips(self):
        offer = ten_percent(usage_limit=5)
        result = apply_promotions([line("a", "10")], [offer], currency="EUR", usage={"TEN": 5})
        assert result.total_discount == 0
        skipped = result.skipped[0]
        assert skipped.reason is SkipReason.USAGE_LIMIT_REACHED
        assert skipped.detail == "usage limit reached (5 of 5 used)"

    def test_usage_left_caps_the_applications(self):
        offer = promo(
            "B2G1", cond(COUNT, "2"), Benefit(MULTIBUY), max_applications=None, usage_limit=5
        )
        # Room for 2 applications in the cart, but only 1 use left.
        result = apply_promotions([line("a", "10", 4)], [offer], currency="EUR", usage={"B2G1": 4})
        assert result.applied[0].applications == 1
        assert result.total_discount == D("10.00")


# -- exclusivity and order --------------------------------------------------------------


class TestCombination:
    def test_combinable_promotions_stack_on_the_same_items(self):
        result = apply_promotions(
            [line("a", "100")], [ten_percent("A"), ten_percent("B")], currency="EUR"
        )
        # Both compute on the unit price: 10.00 + 10.00.
        assert discounts(result) == {"a": "20.00"}
        assert [a.promotion_id for a in result.applied] == ["A", "B"]

    def test_stacked_discounts_never_make_a_line_negative(self):
        sixty = Benefit(PERCENT, D(60))
        offers = [promo("A", cond(COUNT, "1"), sixty), promo("B", cond(COUNT, "1"), sixty)]
        result = apply_promotions([line("a", "10")], offers, currency="EUR")
        # 6.00, then only the 4.00 left.
        assert [str(a.discount) for a in result.applied] == ["6.00", "4.00"]
        assert discounts(result) == {"a": "10.00"}

    def test_an_exclusive_promotion_blocks_later_ones_on_its_items(self):
        first = ten_percent("P1", exclusive=True, priority=5)
        second = ten_percent("P2")
        result = apply_promotions([line("a", "100")], [second, first], currency="EUR")
        assert discounts(result) == {"a": "10.00"}
        assert result.skipped == (
            SkippedPromotion(
                "P2", SkipReason.BLOCKED, "blocked by exclusive promotion P1", ("P1",)
            ),
        )

    def test_an_exclusive_promotion_cannot_use_items_of_others(self):
        first = ten_percent("P1", priority=5)
        second = ten_percent("P2", exclusive=True)
        result = apply_promotions([line("a", "100")], [first, second], currency="EUR")
        skipped = result.skipped[0]
        assert skipped.reason is SkipReason.BLOCKED
        assert skipped.detail == "exclusive, and its items are used by promotion P1"

    def test_exclusive_promotions_on_different_items_both_apply(self):
        shirts = promo("S", cond(COUNT, "1", SHIRTS), Benefit(PERCENT, D(10)), exclusive=True)
        hats = promo(
            "H",
            cond(COUNT, "1", ProductRange(families=("hats",))),
            Benefit(PERCENT, D(20)),
            exclusive=True,
        )
        cart = [line("s", "50", family="shirts"), line("h", "20", family="hats")]
        result = apply_promotions(cart, [shirts, hats], currency="EUR")
        assert discounts(result) == {"s": "5.00", "h": "4.00"}

    def test_exclusive_promotions_share_a_line_item_by_item(self):
        half = Benefit(PERCENT, D(50), max_affected_items=1)
        first = promo("A", cond(COUNT, "1"), half, exclusive=True)
        second = promo("B", cond(COUNT, "1"), half, exclusive=True)
        result = apply_promotions([line("a", "10", 2)], [first, second], currency="EUR")
        # A takes one item of the line, B the other: 5.00 each.
        assert [str(a.discount) for a in result.applied] == ["5.00", "5.00"]
        # A third one finds no item left.
        third = promo("C", cond(COUNT, "1"), half, exclusive=True)
        again = apply_promotions([line("a", "10", 2)], [first, second, third], currency="EUR")
        assert again.skipped[0].blocked_by == ("A", "B")

    def test_priority_then_id_decides_the_order(self):
        low = promo("A-LOW", cond(COUNT, "1"), Benefit(PERCENT, D(50)), exclusive=True)
        high = promo("Z-HIGH", cond(COUNT, "1"), Benefit(PERCENT, D(5)), exclusive=True, priority=1)
        result = apply_promotions([line("a", "100")], [low, high], currency="EUR")
        # The higher priority wins, even with the smaller discount.
        assert [a.promotion_id for a in result.applied] == ["Z-HIGH"]
        tie = [
            promo("B", cond(COUNT, "1"), Benefit(PERCENT, D(50)), exclusive=True),
            promo("A", cond(COUNT, "1"), Benefit(PERCENT, D(5)), exclusive=True),
        ]
        result = apply_promotions([line("a", "100")], tie, currency="EUR")
        assert [a.promotion_id for a in result.applied] == ["A"]

    def test_items_consumed_by_a_condition_are_not_reused(self):
        # Buy 2 shirts, get 50 % off one hat; a single hat and 4 shirts allow 1 application
        # (the hat is consumed), 2 hats allow 2.
        offer = promo(
            "HAT",
            cond(COUNT, "2", SHIRTS),
            Benefit(PERCENT, D(50), ProductRange(families=("hats",)), max_affected_items=1),
            max_applications=None,
        )
        one = apply_promotions(
            [line("s", "10", 4, family="shirts"), line("h", "20", family="hats")],
            [offer],
            currency="EUR",
        )
        assert one.applied[0].applications == 1
        two = apply_promotions(
            [line("s", "10", 4, family="shirts"), line("h", "20", 2, family="hats")],
            [offer],
            currency="EUR",
        )
        assert two.applied[0].applications == 2
        assert dict(two.applied[0].consumed_items) == {"h": 2, "s": 4}


# -- results ----------------------------------------------------------------------------


class TestResults:
    def test_explain(self):
        offers = [ten_percent("P1", exclusive=True, priority=1), ten_percent("P2")]
        result = apply_promotions([line("a", "19.99")], offers, currency="EUR")
        assert result.explain() == (
            "Promotions: 1.99 EUR off\n"
            "  P1 (promo P1): 1 x, 1.99 off (a 1.99)\n"
            "  skipped P2: blocked by exclusive promotion P1"
        )
        assert str(result) == result.explain()
        assert result.applied[0].description == (
            "Buy at least 1 item from all products, get 10% off all products"
        )

    def test_no_lines_no_promotions(self):
        result = apply_promotions([], [], currency="EUR")
        assert result == PromotionResult("EUR", D("0.00"))

    def test_results_are_checked_when_built_by_hand(self):
        with pytest.raises(ValidationError) as err:
            PromotionResult("EUR", D("1.00"), {"a": D("0.50")})
        assert err.value.path == "total_discount"
        with pytest.raises(ValidationError) as err:
            AppliedPromotion("P", "p", 1, D("1.00"), {"a": D("2.00")})
        assert err.value.path == "discount"

    def test_round_trip_of_every_value(self):
        where = ProductRange(skus=("A",), families=("f",), excluded_skus=("X",))
        offer = promo(
            "P",
            cond(COVERAGE, "2", where),
            Benefit(PERCENT, D("12.5"), ALL, max_affected_items=3),
            priority=2,
            exclusive=True,
            max_discount=D("9.99"),
            max_applications=None,
            usage_limit=7,
        )
        cart = [line("a", "10", 2, sku="A"), line("b", "5", family="f")]
        blocked = ten_percent("Q")
        result = apply_promotions(cart, [offer, blocked], currency="EUR", usage={"P": 1})
        values = [
            where,
            offer.condition,
            offer.benefit,
            Benefit(MULTIBUY),
            offer,
            cart[0],
            result.applied[0],
            result.skipped[0],
            result,
        ]
        for value in values:
            assert structure(unstructure(value), type(value)) == value
        assert unstructure(result.applied[0])["line_discounts"] == {"b": "0.62", "a": "2.50"}
        # 12.5 % of 5.00 = 0.625 and of 20.00 = 2.50: 3.125 -> 3.12, 0.62 to b, 2.50 to a.


# -- validation -------------------------------------------------------------------------


class TestValidation:
    @pytest.mark.parametrize(
        ("build", "path"),
        [
            (lambda: CartLine("a", "A", "", 0, D(1)), "quantity"),
            (lambda: CartLine("a", "A", "", True, D(1)), "quantity"),
            (lambda: CartLine("a", "A", "", 1, D(-1)), "unit_price"),
            (lambda: CartLine("", "A", "", 1, D(1)), "key"),
            (lambda: ProductRange(), "skus"),
            (lambda: ProductRange(skus=("A", " B")), "skus[1]"),
            (lambda: Condition(COUNT, D(0), ALL), "value"),
            (lambda: Condition(COUNT, D(-2), ALL), "value"),
            (lambda: Condition(COVERAGE, D("1.5"), ALL), "value"),
            (lambda: Condition("weight", D(1), ALL), "kind"),
            (lambda: Benefit(PERCENT, D(101)), "value"),
            (lambda: Benefit(PERCENT, D(0)), "value"),
            (lambda: Benefit(ABSOLUTE, D("-1")), "value"),
            (lambda: Benefit(FIXED_PRICE, D(-1)), "value"),
            (lambda: Benefit(MULTIBUY, D(1)), "value"),
            (lambda: Benefit(FIXED_PRICE, D(5), ALL), "range"),
            (lambda: Benefit(MULTIBUY, max_affected_items=2), "max_affected_items"),
            (lambda: Benefit(PERCENT, D(5), max_affected_items=0), "max_affected_items"),
            (lambda: ten_percent(max_discount=D(0)), "max_discount"),
            (lambda: ten_percent(max_discount=D(-5)), "max_discount"),
            (lambda: ten_percent(max_applications=0), "max_applications"),
            (lambda: ten_percent(usage_limit=0), "usage_limit"),
            (lambda: ten_percent(priority="1"), "priority"),
            (lambda: ten_percent(exclusive=1), "exclusive"),
            (lambda: promo("F", cond(VALUE, "10"), Benefit(FIXED_PRICE, D(5))), "benefit.kind"),
        ],
    )
    def test_values_are_checked_at_construction(self, build, path):
        with pytest.raises(ValidationError) as err:
            build()
        assert err.value.path == path

    def test_floats_are_refused(self):
        with pytest.raises(FloatAmountError):
            CartLine("a", "A", "", 1, 1.5)  # type: ignore[arg-type]
        with pytest.raises(FloatAmountError):
            Benefit(PERCENT, 10.0)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("lines", "promotions", "usage", "path"),
        [
            ([line("a", "1"), line("a", "2")], [], {}, "lines[1].key"),
            (["a"], [], {}, "lines[0]"),
            ([], [ten_percent("P"), ten_percent("P")], {}, "promotions[1].id"),
            ([], [None], {}, "promotions[0]"),
            ([], [], {"P": -1}, "usage['P']"),
            ([], [], {"P": 1.0}, "usage['P']"),
        ],
    )
    def test_arguments_are_checked(self, lines, promotions, usage, path):
        with pytest.raises(ValidationError) as err:
            apply_promotions(lines, promotions, currency="EUR", usage=usage)
        assert err.value.path == path

    def test_unknown_currency(self):
        with pytest.raises(UnknownCurrencyError):
            apply_promotions([], [], currency="EURO")

    def test_values_are_frozen(self):
        offer = ten_percent()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            offer.priority = 3  # type: ignore[misc]
        assert hash(offer) == hash(ten_percent())


class TestHostileArguments:
    """What the fuzz suite found: wrong types end as a ValidationError naming the field."""

    def test_lines_and_promotions_that_are_not_collections_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="lines"):
            apply_promotions(float("inf"), [], currency="EUR")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="promotions"):
            apply_promotions([], 5, currency="EUR")  # type: ignore[arg-type]

    def test_a_range_refuses_a_sku_or_family_that_is_not_text(self) -> None:
        shirts = ProductRange(families=("shirts",))
        with pytest.raises(ValidationError, match="sku"):
            shirts.contains({}, "shirts")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="family"):
            shirts.contains("TEE", {1: 2})  # type: ignore[arg-type]
        assert shirts.contains("TEE", "shirts")

    def test_describe_refuses_what_is_not_a_condition(self) -> None:
        with pytest.raises(ValidationError, match="condition"):
            Benefit(BenefitKind.MULTIBUY).describe(set())  # type: ignore[arg-type]

    @pytest.mark.parametrize("field", ["line_discounts", "affected_items", "consumed_items"])
    def test_an_applied_promotion_refuses_a_map_that_is_not_one(self, field: str) -> None:
        with pytest.raises(ValidationError, match=field):
            AppliedPromotion("P", "Promo", 1, Decimal("0"), **{field: 1.5})  # type: ignore[arg-type]
