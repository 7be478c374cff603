"""Unit prices outside a quote agree with the same lines priced in a one-line quote."""

import datetime as dt
from decimal import Decimal

import pytest

from sfa_core import Money
from sfa_core.catalog import PriceBook, Product, TierTable
from sfa_core.errors import ValidationError
from sfa_core.pricing import DiscountSchedule, PriceAction, PriceRule, RuleSet
from sfa_core.quotes import Quote, QuoteLine, price_quote
from sfa_core.quotes.pricer import unit_prices

DAY = dt.date(2027, 3, 1)
PRODUCTS = [
    Product(sku="SSD", name="SSD", family="storage", discount_schedule="VOL"),
    Product(sku="RAM", name="RAM", family="memory", pricing_method="tiered"),
    Product(sku="GPU", name="GPU", family="graphics"),
]
BOOK = PriceBook(
    id="EU",
    currency="EUR",
    entries={"SSD": Money("90.00", "EUR"), "GPU": Money("499.99", "EUR")},
    tiers={"RAM": TierTable.graduated([(2, "40"), (None, "30")])},
)
RULES = RuleSet(
    [
        PriceRule(
            id="gfx",
            condition={">=": [{"var": "line.quantity"}, 2]},
            actions=(PriceAction.percent_off(Decimal("7.5")),),
            families=("graphics",),
        )
    ]
)
SCHEDULES = [DiscountSchedule("VOL", [(1, 0), (None, 5)])]


@pytest.mark.parametrize("quantity", [1, 2, 3, 7])
def test_each_sku_costs_what_it_costs_on_a_quote_of_its_own(quantity):
    found = unit_prices(
        {p.sku: quantity for p in PRODUCTS},
        account="ACME",
        price_book="EU",
        on=DAY,
        catalog=PRODUCTS,
        price_books=BOOK,
        rules=RULES,
        schedules=SCHEDULES,
        contracted_prices={"GPU": Money("450.00", "EUR")},
    )
    for product in PRODUCTS:
        quote = Quote(
            id="Q",
            account="ACME",
            currency="EUR",
            price_book="EU",
            quote_date=DAY,
            lines=[QuoteLine(key="L1", sku=product.sku, quantity=quantity)],
        )
        line = price_quote(
            quote,
            PRODUCTS,
            BOOK,
            RULES,
            schedules=SCHEDULES,
            contracted_prices={"GPU": Money("450.00", "EUR")},
        ).lines[0]
        assert found[product.sku] == line.net_total / quantity, product.sku


def test_bad_quantities_and_books_are_named():
    with pytest.raises(ValidationError) as info:
        unit_prices(
            {"SSD": -1},
            account="ACME",
            price_book="EU",
            on=DAY,
            catalog=PRODUCTS,
            price_books=BOOK,
        )
    assert info.value.path == "quantity"
    with pytest.raises(ValidationError) as info:
        unit_prices(
            {"SSD": 1},
            account="ACME",
            price_book="US",
            on=DAY,
            catalog=PRODUCTS,
            price_books=BOOK,
        )
    assert info.value.path == "price_book"
    with pytest.raises(ValidationError) as info:
        unit_prices(
            ["SSD"], account="ACME", price_book="EU", on=DAY, catalog=PRODUCTS, price_books=BOOK
        )
    assert info.value.path == "quantities"
    assert (
        unit_prices({}, account="ACME", price_book="EU", on=DAY, catalog=[], price_books=BOOK) == {}
    )
