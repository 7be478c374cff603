"""How a host unit-tests its own price rules.

A host keeps its pricing policy as data: a :class:`~sfa_core.pricing.RuleSet` (here
``HOST_RULES``) and price books whose floors hold each product's cost. These tests
check it the way a pricing analyst would: plain pytest tests with prices worked
out by hand, then Hypothesis properties that must hold for *every* quantity,
discount and customer (the rules never sell below cost, never raise a price above
list), drawing prices with :mod:`sfa_core.testing.strategies`.

Run it with ``pytest examples/test_my_pricing_rules.py`` (``make test`` runs it too).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfa_core.catalog import PriceBook, Product
from sfa_core.money import Money
from sfa_core.pricing import PriceAction, PriceRule, RuleSet, Stacking
from sfa_core.quotes import PricedQuote, Quote, QuoteLine, price_quote
from sfa_core.testing import strategies as sfa_st

DAY = dt.date(2027, 3, 1)

# ------------------------------------------------------------------ the host's policy

HOST_RULES = RuleSet(
    [
        # Resellers get 15 % off as a partner discount (applied after the manual one).
        PriceRule(
            id="PARTNERS",
            phase="before",
            condition={"==": [{"var": "customer.channel"}, "partner"]},
            actions=[PriceAction.set_field("partner_discount", 15)],
        ),
        # 10 % off hardware from 10 units on a line.
        PriceRule(
            id="VOLUME",
            families=["hardware"],
            priority=1,
            condition={">=": [{"var": "line.quantity"}, 10]},
            actions=[PriceAction.percent_off(10)],
        ),
        # Schools and universities get 20 % off everything.
        PriceRule(
            id="EDU",
            priority=2,
            condition={"==": [{"var": "customer.segment"}, "education"]},
            actions=[PriceAction.percent_off(20)],
        ),
        # Clearance stock goes for 1.00, below cost: the only rule allowed under the floor.
        PriceRule(
            id="CLEARANCE",
            families=["clearance"],
            actions=[PriceAction.set_price("1.00")],
            allow_below_floor=True,
        ),
    ],
    # A customer who qualifies twice gets the better deal, not both.
    stacking=Stacking.BEST_FOR_CUSTOMER,
)


def eur(amount: object) -> Money:
    return Money(amount, "EUR")


def catalog(list_price: Money, cost: Money, family: str = "hardware") -> tuple[Product, PriceBook]:
    """One product and a price book whose floor is the product's cost."""
    product = Product(sku="P", name="Product", family=family, cost=cost)
    book = PriceBook(id="EU", currency="EUR", entries={"P": list_price}, floors={"P": cost})
    return product, book


LAPTOP, BOOK = catalog(eur("100.00"), eur("60.00"))


def price(
    quantity: int = 1,
    customer: dict[str, str] | None = None,
    *,
    product: Product = LAPTOP,
    book: PriceBook = BOOK,
    **line_fields: object,
) -> PricedQuote:
    quote = Quote(
        id="Q",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=DAY,
        lines=[QuoteLine(key="L1", sku="P", quantity=quantity, **line_fields)],
    )
    return price_quote(quote, [product], [book], HOST_RULES, customer=customer or {})


# ------------------------------------------------------------------ worked examples


def test_a_plain_customer_pays_list() -> None:
    line = price(1).lines[0]
    assert line.net_unit_price == Decimal("100.00")
    assert [step.step for step in line.waterfall] == ["list"]


def test_volume_discount_from_ten_units() -> None:
    # 9 units: no rule; 10 units: 100.00 less 10 % = 90.00, 10 x 90.00 = 900.00
    assert price(9).lines[0].net_unit_price == Decimal("100.00")
    line = price(10).lines[0]
    assert line.net_unit_price == Decimal("90.00")
    assert line.totals.net == eur("900.00")
    assert line.waterfall[-1].source == "VOLUME"


def test_education_gets_the_better_of_two_deals() -> None:
    # EDU 20 % (80.00) beats VOLUME 10 % (90.00); they do not add up to 30 %
    line = price(10, {"segment": "education"}).lines[0]
    assert line.net_unit_price == Decimal("80.00")
    step = line.waterfall[-1]
    assert step.source == "EDU"
    assert "VOLUME 90.00" in step.reason


def test_partner_discount_is_set_by_a_rule() -> None:
    # before rule sets 15 %: 100.00 less 15 % = 85.00
    line = price(1, {"channel": "partner"}).lines[0]
    assert [(s.step, s.after) for s in line.waterfall] == [
        ("list", Decimal("100.00")),
        ("partner_discount", Decimal("85.00")),
    ]
    assert line.partner_unit_price == Decimal("85.00")


def test_education_partner_stacks_rule_then_channel() -> None:
    # 100.00 -> EDU 20 % = 80.00 -> partner 15 % = 68.00
    line = price(1, {"segment": "education", "channel": "partner"}).lines[0]
    assert line.net_unit_price == Decimal("68.00")
    assert line.totals.discounts == {
        "price_rules": eur("20.00"),
        "partner_discount": eur("12.00"),
    }


def test_the_cost_floor_stops_a_generous_seller() -> None:
    # 100.00 -> EDU 80.00 -> manual 30 % 56.00 -> partner 15 % 47.60 -> floor 60.00
    line = price(1, {"segment": "education", "channel": "partner"}, additional_discount=30).lines[0]
    assert line.net_unit_price == Decimal("60.00")
    assert line.waterfall[-1].step == "floor"


def test_only_clearance_goes_below_cost() -> None:
    product, book = catalog(eur("30.00"), eur("20.00"), family="clearance")
    line = price(1, product=product, book=book).lines[0]
    assert line.net_unit_price == Decimal("1.00")


@pytest.mark.parametrize(
    ("customer", "expected"),
    [
        ({}, "100.00"),
        ({"segment": "education"}, "80.00"),
        ({"channel": "partner"}, "85.00"),
        ({"segment": "smb", "channel": "direct"}, "100.00"),
    ],
)
def test_one_unit_by_customer(customer: dict[str, str], expected: str) -> None:
    assert price(1, customer).lines[0].net_unit_price == Decimal(expected)


# ------------------------------------------------------------------ properties

customers = st.fixed_dictionaries(
    {},
    optional={
        "segment": st.sampled_from(["education", "smb", "enterprise"]),
        "channel": st.sampled_from(["partner", "direct"]),
    },
)
list_prices = sfa_st.money("EUR", min_value=Decimal("0.01"), max_value=Decimal(100_000))
cost_shares = st.decimals(min_value=0, max_value=1, places=2)  # cost as a share of list
quantities = st.integers(min_value=1, max_value=500)
manual_discounts = st.none() | st.decimals(min_value=0, max_value=100, places=2)


@settings(deadline=None)
@given(list_prices, cost_shares, quantities, manual_discounts, customers)
def test_the_rules_never_sell_below_cost(
    list_price: Money,
    cost_share: Decimal,
    quantity: int,
    manual: Decimal | None,
    customer: dict[str, str],
) -> None:
    cost = (list_price * cost_share).round()
    product, book = catalog(list_price, cost)
    line = price(quantity, customer, product=product, book=book, additional_discount=manual)
    line = line.lines[0]
    assert line.net_unit_price >= cost.amount
    assert line.totals.margin.amount >= 0


@settings(deadline=None)
@given(list_prices, quantities, customers)
def test_the_rules_never_raise_a_price(
    list_price: Money, quantity: int, customer: dict[str, str]
) -> None:
    product, book = catalog(list_price, eur(0))
    line = price(quantity, customer, product=product, book=book).lines[0]
    assert line.net_unit_price <= line.list_unit_price
    assert line.totals.list - line.totals.discount == line.totals.net
