"""Promotions cost what their lines and applications cost, not what their quantities are.

Each case applies a promotion many times over lines of a billion items: the engine
must count whole runs of identical applications at once. Were it to apply them one by
one, these tests would not finish. The exact figures are worked out by hand.
"""

import datetime as dt
from decimal import Decimal

from sfa_core.catalog import PriceBook, Product
from sfa_core.money import Money
from sfa_core.pricing.promotions import (
    Benefit,
    BenefitKind,
    CartLine,
    Condition,
    ConditionKind,
    ProductRange,
    Promotion,
    SkipReason,
    apply_promotions,
)
from sfa_core.quotes import Quote, QuoteLine, price_quote

D = Decimal
BILLION = 10**9
ALL = ProductRange(all_products=True)
COUNT, VALUE, COVERAGE = ConditionKind.COUNT, ConditionKind.VALUE, ConditionKind.COVERAGE


def promo(pid: str, condition: Condition, benefit: Benefit, **kwargs: object) -> Promotion:
    kwargs.setdefault("max_applications", None)
    return Promotion(id=pid, name=f"promo {pid}", condition=condition, benefit=benefit, **kwargs)


def buy_3_pay_2(**kwargs: object) -> Promotion:
    return promo("B3P2", Condition(COUNT, D(3), ALL), Benefit(BenefitKind.MULTIBUY), **kwargs)


def test_buy_3_pay_2_on_a_billion_items():
    result = apply_promotions(
        [CartLine("a", "A", "", BILLION, D("3.99"))], [buy_3_pay_2()], currency="EUR"
    )
    applied = result.applied[0]
    # 333,333,333 whole applications fit; the last item is left over.
    assert applied.applications == 333_333_333
    assert applied.discount == D("3.99") * 333_333_333 == D("1329999998.67")
    assert dict(applied.affected_items) == {"a": 333_333_333}
    assert dict(applied.consumed_items) == {"a": 999_999_999}


def test_buy_2_get_1_at_half_price_on_a_billion_items():
    offer = promo(
        "BXGY",
        Condition(COUNT, D(2), ProductRange(skus=("A",))),
        Benefit(BenefitKind.PERCENT, D(50), ProductRange(skus=("B",)), max_affected_items=1),
    )
    lines = [CartLine("a", "A", "", BILLION, D("3.99")), CartLine("b", "B", "", BILLION, D("2.50"))]
    applied = apply_promotions(lines, [offer], currency="EUR").applied[0]
    # Each application takes 2 A and gives 1.25 off one B: the A run out first.
    assert applied.applications == BILLION // 2
    assert applied.discount == D("625000000.00")
    assert dict(applied.consumed_items) == {"b": BILLION // 2, "a": BILLION}


def test_the_cheapest_items_are_freed_first():
    lines = [
        CartLine("dear", "D", "", BILLION, D("2.00")),
        CartLine("cheap", "C", "", BILLION, D(1)),
    ]
    applied = apply_promotions(lines, [buy_3_pay_2()], currency="EUR").applied[0]
    # One cheap item free and two dear ones consumed, 500,000,000 times; then the
    # 500,000,000 cheap items left make 166,666,666 more applications of 3.
    assert applied.applications == 666_666_666
    assert applied.discount == D("666666666.00")
    assert dict(applied.affected_items) == {"cheap": 666_666_666}
    assert dict(applied.consumed_items) == {"cheap": 999_999_998, "dear": BILLION}


def test_fixed_price_value_and_coverage_conditions():
    line = CartLine("a", "A", "", BILLION, D("3.99"))
    bundle = promo("BUNDLE", Condition(COUNT, D(3), ALL), Benefit(BenefitKind.FIXED_PRICE, D(10)))
    applied = apply_promotions([line], [bundle], currency="EUR").applied[0]
    # 3 x 3.99 = 11.97 for 10.00: 1.97 off each of 333,333,333 bundles.
    assert (applied.applications, applied.discount) == (333_333_333, D("656666666.01"))
    spend = promo(
        "SPEND50",
        Condition(VALUE, D(50), ALL),
        Benefit(BenefitKind.ABSOLUTE, D(5), max_affected_items=1),
    )
    applied = apply_promotions([line], [spend], currency="EUR").applied[0]
    # The 3.99 item off, then 12 more items reach 50.00: 13 items an application.
    assert (applied.applications, applied.discount) == (76_923_076, D("306923073.24"))
    pair = promo("PAIR", Condition(COVERAGE, D(2), ALL), Benefit(BenefitKind.MULTIBUY))
    lines = [line, CartLine("b", "B", "", BILLION, D("5.00"))]
    applied = apply_promotions(lines, [pair], currency="EUR").applied[0]
    # One A free with one B each time.
    assert (applied.applications, applied.discount) == (BILLION, D("3990000000.00"))


def test_limits_still_stop_a_billion_items():
    line = CartLine("a", "A", "", BILLION, D("3.99"))
    capped = apply_promotions([line], [buy_3_pay_2(max_discount=D(1000))], currency="EUR")
    # 250 x 3.99 = 997.50, and the 251st gives the 2.50 left.
    assert (capped.applied[0].applications, capped.total_discount) == (251, D("1000.00"))
    assert capped.applied[0].capped
    limited = apply_promotions([line], [buy_3_pay_2(max_applications=10**6)], currency="EUR")
    assert limited.applied[0].applications == 10**6
    used = apply_promotions(
        [line], [buy_3_pay_2(usage_limit=10)], currency="EUR", usage={"B3P2": 3}
    )
    assert used.applied[0].applications == 7


def test_exclusivity_on_a_billion_items():
    staff = promo(
        "STAFF",
        Condition(COUNT, D(4), ALL),
        Benefit(BenefitKind.MULTIBUY),
        exclusive=True,
        priority=1,
    )
    lines = [CartLine("a", "A", "", BILLION, D("3.99"))]
    result = apply_promotions(lines, [buy_3_pay_2(), staff], currency="EUR")
    assert result.applied[0].applications == BILLION // 4
    assert result.skipped[0].reason is SkipReason.BLOCKED
    assert result.skipped[0].blocked_by == ("STAFF",)


def test_price_quote_with_a_billion_items():
    product = Product(sku="A", name="A", family="")
    book = PriceBook(id="B", currency="EUR", entries={"A": Money("3.99", "EUR")})
    quote = Quote(
        id="Q",
        account="ACME",
        currency="EUR",
        price_book="B",
        quote_date=dt.date(2027, 3, 1),
        lines=[QuoteLine(key="L1", sku="A", quantity=BILLION)],
    )
    priced = price_quote(quote, [product], [book], promotions=[buy_3_pay_2()])
    assert priced.promotions is not None
    assert priced.promotions.total_discount == D("1329999998.67")
