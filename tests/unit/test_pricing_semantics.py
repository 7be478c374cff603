"""Pricing semantics: exact slab totals, the unprorated list price, bound conventions,
rounding the price or the discount, and the tax taken out of tax-inclusive prices."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sfa_core.catalog import PriceBook, Product, SubscriptionTerms, TierTable
from sfa_core.catalog.tiers import TierBounds
from sfa_core.errors import ValidationError
from sfa_core.money import Money
from sfa_core.pricing import (
    Benefit,
    Condition,
    DiscountSchedule,
    PricingOptions,
    ProductRange,
    Promotion,
    RateTaxPolicy,
    RoundingPolicy,
)
from sfa_core.quotes import Quote, QuoteLine, price_quote
from sfa_core.serialization import structure, unstructure


def eur(amount):
    return Money(amount, "EUR")


def quote(*lines, **fields):
    return Quote(
        id="Q-1",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=dt.date(2027, 1, 15),
        lines=lines,
        **fields,
    )


def book(**entries):
    return PriceBook(id="EU", currency="EUR", entries={k: eur(v) for k, v in entries.items()})


SLAB = DiscountSchedule("SLAB", [(10, 0), (20, 5), (None, 10)], mode="slab")
SCHEDULED = Product(sku="W", name="Widget", discount_schedule="SLAB")


# ----------------------------------------------------------------- 1. exact slab totals


def test_a_slab_line_total_is_the_exact_slab_sum_rounded_once():
    # 15 units at 9.99: 10 at 0 % and 5 at 5 % -> 10 x 9.99 + 5 x 9.99 x 0.95
    exact = 10 * D("9.99") + 5 * D("9.99") * D("0.95")
    assert exact == D("147.3525")
    line = price_quote(
        quote(QuoteLine(key="L1", sku="W", quantity=15)),
        [SCHEDULED],
        [book(W="9.99")],
        schedules=[SLAB],
    ).lines[0]
    # the blended unit price 9.8235 rounds to 9.82, and 15 x 9.82 = 147.30 would drift
    assert line.net_total == D("147.35")
    assert line.net_unit_price == D("9.82")
    assert line.discounts["volume_schedule"] == D("2.50")
    assert line.list_total - sum(line.discounts.values()) == line.net_total


@pytest.mark.parametrize("mode", ["ROUND_HALF_UP", "ROUND_05UP", "ROUND_UP"])
@pytest.mark.parametrize("unit_rounding", ["net_only", "each_step"])
def test_a_discount_after_a_slab_never_raises_the_line_total(mode, unit_rounding):
    # Steps after a slab take their change off the slab's exact amount: recomputing
    # from the rounded unit price instead raised 2 x 0.01 from 0.01 to 0.02 when a
    # 0.01 % partner discount was added (found by the pricing properties).
    tiny = DiscountSchedule("TINY", [(None, D("0.01"))], mode="slab")
    product = Product(sku="W", name="Widget", discount_schedule="TINY")
    options = PricingOptions(rounding=RoundingPolicy(unit_rounding=unit_rounding, mode=mode))
    totals = []
    for partner in (None, D("0.01"), D("1"), D("50")):
        line = price_quote(
            quote(QuoteLine(key="L1", sku="W", quantity=2), partner_discount=partner),
            [product],
            [book(W="0.01")],
            schedules=[tiny],
            options=options,
        ).lines[0]
        totals.append(line.net_total)
    assert totals == sorted(totals, reverse=True)


def test_a_slab_line_is_exact_under_net_only_rounding_too():
    net_only = PricingOptions(rounding=RoundingPolicy(unit_rounding="net_only"))
    line = price_quote(
        quote(QuoteLine(key="L1", sku="W", quantity=15)),
        [SCHEDULED],
        [book(W="9.99")],
        schedules=[SLAB],
        options=net_only,
    ).lines[0]
    assert line.net_total == D("147.35")
    assert line.net_unit_price == D("9.82")
    assert line.list_total - sum(line.discounts.values()) == line.net_total


def test_a_slab_over_25_units_books_each_tier_exactly():
    # 10 x 0 % + 10 x 5 % + 5 x 10 % of 3.33: 3.33 x (0.5 + 0.5) = 3.33 off 83.25
    # (the blended unit price 3.1968 rounds to 3.20, and 25 x 3.20 = 80.00 would drift)
    line = price_quote(
        quote(QuoteLine(key="L1", sku="W", quantity=25)),
        [SCHEDULED],
        [book(W="3.33")],
        schedules=[SLAB],
    ).lines[0]
    assert line.net_total == D("79.92")
    assert line.discounts["volume_schedule"] == D("3.33")


def test_a_returned_slab_line_is_the_negative_of_the_sale():
    sale, credit = price_quote(
        quote(
            QuoteLine(key="L1", sku="W", quantity=15),
            QuoteLine(key="L2", sku="W", quantity=-15, is_return=True),
        ),
        [SCHEDULED],
        [book(W="9.99")],
        schedules=[SLAB],
    ).lines
    assert sale.net_total == D("147.35") == -credit.net_total


def test_schedule_total_amount_off_is_exact_where_the_blend_is_not():
    result = SLAB.discount(D(15), unit_price=D("9.99"), currency="EUR")
    assert not result.exact
    assert result.total_amount_off == D("2.4975")
    ranged = DiscountSchedule("R", [(10, 0), (None, 10)])
    assert ranged.discount(D(15), unit_price=D("9.99"), currency="EUR").total_amount_off == D(
        "14.9850"
    )


# --------------------------------------------------------- 2. the list price is not prorated


def test_the_list_unit_price_of_a_subscription_is_not_prorated():
    licence = Product(sku="LIC", name="Licence", subscription=SubscriptionTerms())
    line = price_quote(
        quote(QuoteLine(key="L1", sku="LIC", quantity=3, end_date=dt.date(2027, 7, 20))),
        [licence],
        [book(LIC="120.00")],
    ).lines[0]
    assert line.proration == D("0.583333")
    assert line.list_unit_price == D("120.00")
    assert line.prorated_list_unit_price == D("70.00")
    assert line.money("prorated_list_unit_price") == eur("70.00")
    # the totals are the prorated ones, as before
    assert line.list_total == D("210.00") == line.net_total


def test_a_line_that_is_not_a_subscription_has_equal_list_prices():
    line = price_quote(
        quote(QuoteLine(key="L1", sku="A", quantity=2)),
        [Product(sku="A", name="A")],
        [book(A="9.90")],
    ).lines[0]
    assert line.list_unit_price == line.prorated_list_unit_price == D("9.90")


# -------------------------------------------------------------- 3b. the bound conventions


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [("upper_inclusive", D("25.000")), ("lower_inclusive", D("20.000"))],
)
def test_a_fractional_quantity_at_a_tier_bound_follows_the_convention(bounds, expected):
    table = TierTable.volume([("2.5", "10.00"), (None, "8.00")], bounds=bounds)
    assert table.amount(D("2.5")) == expected
    assert table.price(D("2.5")).amount == expected
    # away from the bound both agree
    assert table.amount(D("2.4")) == D("24.000")


def test_graduated_amounts_do_not_depend_on_the_convention():
    tiers = [("2.5", "10.00", "1.00"), (None, "8.00", "3.00")]
    upper = TierTable.graduated(tiers)
    lower = TierTable.graduated(tiers, bounds="lower_inclusive")
    for quantity in (D("2.5"), D("2.4"), D("2.6"), D(7)):
        assert upper.amount(quantity) == lower.amount(quantity) == upper.price(quantity).amount
        assert lower.price(quantity).amount == lower.amount(quantity)
    assert [c.tier for c in lower.price(D("2.5")).charges] == [0]


@pytest.mark.parametrize(
    ("bounds", "percent", "tier"),
    [("upper_inclusive", D(0), 0), ("lower_inclusive", D(10), 1)],
)
def test_a_fractional_count_at_a_schedule_bound_follows_the_convention(bounds, percent, tier):
    schedule = DiscountSchedule("S", [("7.5", 0), (None, 10)], bounds=bounds)
    result = schedule.discount(D("7.5"), unit_price=D(100), currency="EUR")
    assert result.percent == percent
    assert result.tiers[0].tier == tier


def test_a_slab_blend_is_the_same_under_both_conventions():
    tiers = [("7.5", 0), (None, 10)]
    for count in (D("7.5"), D(10)):
        upper = DiscountSchedule("S", tiers, mode="slab").discount(
            count, unit_price=D(100), currency="EUR"
        )
        lower = DiscountSchedule("S", tiers, mode="slab", bounds="lower_inclusive").discount(
            count, unit_price=D(100), currency="EUR"
        )
        assert upper.amount_off == lower.amount_off
        assert upper.total_amount_off == lower.total_amount_off
        assert all(t.units for t in lower.tiers)


def test_a_quote_prices_a_fractional_quantity_at_a_bound_as_the_source_system():
    hours = Product(sku="H", name="Hours", discount_schedule="S", fractional_quantity=True)
    results = {}
    for bounds in ("upper_inclusive", "lower_inclusive"):
        schedule = DiscountSchedule("S", [("7.5", 0), (None, 10)], bounds=bounds)
        line = price_quote(
            quote(QuoteLine(key="L1", sku="H", quantity="7.5")),
            [hours],
            [book(H="100.00")],
            schedules=[schedule],
        ).lines[0]
        results[bounds] = line.net_total
    assert results == {"upper_inclusive": D("750.00"), "lower_inclusive": D("675.00")}


def test_the_convention_is_stored_with_the_value():
    schedule = DiscountSchedule("S", [(10, 0), (None, 5)], bounds="lower_inclusive")
    table = TierTable.volume([(10, "1.00"), (None, "0.50")], bounds=TierBounds.LOWER_INCLUSIVE)
    assert unstructure(schedule)["bounds"] == "lower_inclusive"
    assert unstructure(table)["bounds"] == "lower_inclusive"
    assert structure(unstructure(schedule), DiscountSchedule) == schedule
    assert structure(unstructure(table), TierTable) == table
    old = unstructure(table)
    del old["bounds"]  # a document written before the field existed
    assert structure(old, TierTable).bounds is TierBounds.UPPER_INCLUSIVE


def test_an_unknown_convention_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as caught:
        DiscountSchedule("S", [(None, 5)], bounds="both")
    assert caught.value.path == "bounds"
    assert caught.value.value == "both"
    with pytest.raises(ValidationError) as caught:
        TierTable.volume([(None, "1")], bounds="exclusive")
    assert caught.value.path == "bounds"


# ------------------------------------------------- 3a. rounding the price or the discount


def test_round_down_rounds_a_manual_price_but_a_promotion_discount():
    down = PricingOptions(rounding=RoundingPolicy(mode="ROUND_DOWN"))
    widget = Product(sku="W", name="Widget")
    manual = price_quote(
        quote(QuoteLine(key="L1", sku="W", quantity=1, additional_discount=50)),
        [widget],
        [book(W="1.01")],
        options=down,
    )
    half = Promotion(
        id="HALF",
        name="Half price",
        condition=Condition(kind="count", value=1, range=ProductRange(all_products=True)),
        benefit=Benefit(kind="percent", value=50),
    )
    promoted = price_quote(
        quote(QuoteLine(key="L1", sku="W", quantity=1)),
        [widget],
        [book(W="1.01")],
        promotions=[half],
        options=down,
    )
    assert manual.totals.net.amount == D("0.50")
    assert promoted.totals.net.amount == D("0.51")


# ------------------------------------------------------------ 4. tax-inclusive explanations


def _inclusive_quote():
    ten = Promotion(
        id="TEN",
        name="10 % off",
        condition=Condition(kind="count", value=1, range=ProductRange(all_products=True)),
        benefit=Benefit(kind="percent", value=10),
    )
    return price_quote(
        quote(QuoteLine(key="L1", sku="S", quantity=1)),
        [Product(sku="S", name="Shirt")],
        [book(S="30.00")],
        promotions=[ten],
        tax=RateTaxPolicy({"standard": 20}, prices_include_tax=True),
    )


def test_a_tax_inclusive_line_records_the_tax_taken_out_as_a_step():
    priced = _inclusive_quote()
    line = priced.lines[0]
    step = line.included_tax
    assert step is not None
    assert (step.kind, step.source, step.amount) == ("included_tax", "standard", D("4.50"))
    # the steps add up to the net: list - promotion - included tax
    steps = [line.list_total, *(-a.amount for a in line.adjustments), -step.amount]
    assert steps == [D("30.00"), D("-3.00"), D("-4.50")]
    assert sum(steps) == line.net_total == D("22.50")
    assert line.gross_total == D("27.00")
    # it is not a discount
    assert "included_tax" not in line.discounts
    assert line.totals.prices_include_tax
    assert line.totals.list - line.totals.discount == line.totals.gross


def test_a_tax_inclusive_explanation_shows_the_extraction_and_adds_up():
    priced = _inclusive_quote()
    text = priced.explain()
    assert "included_tax                   -4.50 [standard]" in text
    tail = text.splitlines()[-5:]
    assert tail == [
        "  list total                     30.00",
        "    promotion                    -3.00",
        "  gross total                    27.00",
        "  included tax                   -4.50",
        "  net total                      22.50",
    ]
    totals = priced.totals
    assert totals.prices_include_tax
    assert totals.gross - totals.tax == totals.net


def test_tax_exclusive_lines_have_no_extraction_step():
    line = price_quote(
        quote(QuoteLine(key="L1", sku="S", quantity=1)),
        [Product(sku="S", name="Shirt")],
        [book(S="30.00")],
        tax=RateTaxPolicy({"standard": 20}),
    ).lines[0]
    assert line.included_tax is None
    assert not line.totals.prices_include_tax
    assert line.list_total - sum(line.discounts.values()) == line.net_total
