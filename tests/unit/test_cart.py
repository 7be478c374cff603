"""price_cart: a checkout's cart priced without a quote id, an account or a date to invent."""

import datetime as dt
from decimal import Decimal

import pytest

from sfa_core.catalog import PriceBook, PriceBookSet, Product
from sfa_core.clock import FixedClock
from sfa_core.errors import FloatAmountError, UnknownCurrencyError, ValidationError
from sfa_core.money import Money
from sfa_core.pricing import (
    Benefit,
    BenefitKind,
    Condition,
    ConditionKind,
    PriceAction,
    PriceRule,
    ProductRange,
    Promotion,
    RateTaxPolicy,
    UnknownProductError,
)
from sfa_core.quotes import CartItem, PricedQuote, Quote, QuoteLine, price_cart, price_quote
from sfa_core.quotes.cart import ANONYMOUS_ACCOUNT, CART_QUOTE_ID

DAY = dt.date(2027, 3, 1)


def eur(amount):
    return Money(amount, "EUR")


PRODUCTS = [
    Product(sku="MUG", name="Coffee mug", family="kitchen"),
    Product(sku="TEE", name="T-shirt", family="apparel"),
    Product(sku="BOOK", name="Cookbook", family="books", tax_category="reduced"),
]
SHOP = PriceBook(
    id="SHOP-DE",
    currency="EUR",
    entries={"MUG": eur("12.00"), "TEE": eur("25.00"), "BOOK": eur("30.00")},
)
US = PriceBook(id="SHOP-US", currency="USD", entries={"MUG": Money("14.00", "USD")})
VAT = RateTaxPolicy({"standard": 19, "reduced": 7}, prices_include_tax=True)
THREE_FOR_TWO = Promotion(
    id="3FOR2",
    name="3 for 2 on apparel",
    condition=Condition(ConditionKind.COUNT, 3, ProductRange(families=("apparel",))),
    benefit=Benefit(BenefitKind.MULTIBUY),
)
TEN_OFF = Promotion(
    id="TEN-OFF-150",
    name="10.00 off from 150.00",
    condition=Condition(ConditionKind.VALUE, 150, ProductRange(all_products=True)),
    benefit=Benefit(BenefitKind.ABSOLUTE, 10),
)


def test_pairs_mappings_and_cart_items_give_the_same_result():
    as_pairs = price_cart([("MUG", 2), ("TEE", 3)], PRODUCTS, SHOP, on=DAY)
    as_maps = price_cart(
        [{"sku": "MUG", "quantity": 2}, {"sku": "TEE", "quantity": "3"}], PRODUCTS, SHOP, on=DAY
    )
    as_items = price_cart([CartItem("MUG", 2), CartItem("TEE", Decimal(3))], PRODUCTS, SHOP, on=DAY)
    assert as_pairs == as_maps == as_items
    assert isinstance(as_pairs, PricedQuote)
    assert [(line.key, line.sku, line.net_total) for line in as_pairs.lines] == [
        ("L1", "MUG", Decimal("24.00")),
        ("L2", "TEE", Decimal("75.00")),
    ]
    assert as_pairs.net_total == eur("99.00")


def test_the_result_is_price_quote_of_the_cart_as_a_draft_quote():
    priced = price_cart(
        [("MUG", 2), ("TEE", 3), ("BOOK", 1)],
        PRODUCTS,
        [SHOP],
        on=DAY,
        promotions=[THREE_FOR_TWO, TEN_OFF],
        tax=VAT,
    )
    quote = Quote(
        id=CART_QUOTE_ID,
        account=ANONYMOUS_ACCOUNT,
        currency="EUR",
        price_book="SHOP-DE",
        quote_date=DAY,
        lines=[
            QuoteLine(key="L1", sku="MUG", quantity=2),
            QuoteLine(key="L2", sku="TEE", quantity=3),
            QuoteLine(key="L3", sku="BOOK", quantity=1),
        ],
    )
    expected = price_quote(quote, PRODUCTS, [SHOP], promotions=[THREE_FOR_TWO, TEN_OFF], tax=VAT)
    assert priced == expected
    assert (priced.quote_id, priced.priced_on, priced.currency) == ("cart", DAY, "EUR")


def test_a_checkout_reads_promotions_and_tax_from_the_result():
    priced = price_cart(
        [("MUG", 2), ("TEE", 3), ("BOOK", 1)],
        PRODUCTS,
        [SHOP],
        on=DAY,
        promotions=[THREE_FOR_TWO, TEN_OFF],
        tax=VAT,
    )
    # 24.00 + 75.00 + 30.00 = 129.00, less one free T-shirt (25.00): 104.00, tax included
    assert priced.gross_total == eur("104.00")
    assert [a.promotion_id for a in priced.promotions.applied] == ["3FOR2"]
    skipped = priced.promotions.skipped[0]
    assert (skipped.promotion_id, skipped.reason.value) == ("TEN-OFF-150", "condition_not_met")
    assert "129.00" in skipped.detail
    # 24.00 x 19 / 119 = 3.83; 50.00 x 19 / 119 = 7.98; 30.00 x 7 / 107 = 1.96
    assert [line.tax for line in priced.tax.lines] == [
        Decimal("3.83"),
        Decimal("7.98"),
        Decimal("1.96"),
    ]
    assert priced.totals.tax == eur("13.77")
    assert priced.totals.net == eur("90.23")


def test_item_keys_name_the_lines():
    priced = price_cart(
        [CartItem("MUG", 1, key="row-7"), {"sku": "TEE", "quantity": 1, "key": "row-9"}],
        PRODUCTS,
        SHOP,
        on=DAY,
    )
    assert [line.key for line in priced.lines] == ["row-7", "row-9"]
    assert priced.line("row-9").net_total == Decimal("25.00")


def test_an_empty_cart_costs_nothing():
    priced = price_cart([], PRODUCTS, SHOP, on=DAY)
    assert priced.lines == ()
    assert priced.gross_total == eur("0.00")


def test_the_day_comes_from_on_a_clock_or_today():
    clock = FixedClock(dt.datetime(2027, 6, 30, 23, 0, tzinfo=dt.timezone.utc))
    assert price_cart([("MUG", 1)], PRODUCTS, SHOP, clock=clock).priced_on == dt.date(2027, 6, 30)
    before = dt.datetime.now(dt.timezone.utc).date()
    priced_on = price_cart([("MUG", 1)], PRODUCTS, SHOP).priced_on
    after = dt.datetime.now(dt.timezone.utc).date()
    assert priced_on in {before, after}


def test_the_day_decides_which_book_is_valid():
    old = PriceBook(
        id="OLD", currency="EUR", entries={"MUG": eur("10.00")}, valid_until=dt.date(2026, 12, 31)
    )
    new = PriceBook(
        id="NEW", currency="EUR", entries={"MUG": eur("11.00")}, valid_from=dt.date(2027, 1, 1)
    )
    assert price_cart([("MUG", 1)], PRODUCTS, [old, new], on=DAY).net_total == eur("11.00")
    earlier = price_cart([("MUG", 1)], PRODUCTS, [old, new], on=dt.date(2026, 6, 1))
    assert earlier.net_total == eur("10.00")


def test_the_currency_chooses_among_books_and_defaults_to_the_books():
    both = PriceBookSet([SHOP, US])
    assert price_cart([("MUG", 1)], PRODUCTS, both, currency="USD", on=DAY).net_total == Money(
        "14.00", "USD"
    )
    named = price_cart([("MUG", 1)], PRODUCTS, {"a": SHOP, "b": US}, price_book="SHOP-US", on=DAY)
    assert named.currency == "USD"


def test_a_rule_sees_the_account_given():
    members = PriceRule(
        id="MEMBERS",
        condition={"==": [{"var": "quote.account"}, "member-42"]},
        actions=[PriceAction.percent_off(10)],
    )
    anonymous = price_cart([("MUG", 1)], PRODUCTS, SHOP, on=DAY, rules=[members])
    member = price_cart([("MUG", 1)], PRODUCTS, SHOP, on=DAY, rules=[members], account="member-42")
    assert (anonymous.net_total, member.net_total) == (eur("12.00"), eur("10.80"))


def _error(exc_type, items, **kwargs):
    with pytest.raises(exc_type) as info:
        price_cart(items, PRODUCTS, [SHOP, *kwargs.pop("books", ())], **{"on": DAY, **kwargs})
    return info.value


@pytest.mark.parametrize(
    ("items", "path", "value", "words"),
    [
        ([("MUG", 1), ("TEE", 1), ("BOOK", 0)], "items[2].quantity", Decimal(0), "greater than"),
        ([("MUG", -1)], "items[0].quantity", Decimal(-1), "greater than"),
        ([("MUG", "two")], "items[0].quantity", "two", "number"),
        ([("", 1)], "items[0].sku", "", "empty"),
        ([("MUG", 1), "MUG"], "items[1]", "MUG", "pair"),
        ([("MUG", 1, 2)], "items[0]", ("MUG", 1, 2), "pair"),
        ([{"sku": "MUG"}], "items[0].quantity", None, "required"),
        ([{"sku": "MUG", "quantity": 1, "qty": 2}], "items[0]", ["qty"], "unknown keys"),
        ([("MUG", 1), ("TEE", "1.5")], "items[1].quantity", Decimal("1.5"), "whole units"),
        ([CartItem("MUG", 1, key="A"), CartItem("TEE", 1, key="A")], "items[1].key", "A", ""),
        ("MUG", "items", "MUG", "collection"),
        ({"MUG": 2}, "items", {"MUG": 2}, "not a mapping"),
    ],
)
def test_bad_items_name_the_item_and_the_field(items, path, value, words):
    err = _error(ValidationError, items)
    assert err.path == path
    assert err.value == value
    assert str(err).startswith(f"{path}: ")
    assert words in str(err)


def test_a_float_quantity_is_refused():
    err = _error(FloatAmountError, [("MUG", 1), ("TEE", 2.0)])
    assert err.path == "items[1].quantity"


def test_an_unknown_product_keeps_its_error_class_and_data():
    err = _error(UnknownProductError, [("MUG", 1), ("NOPE", 1)])
    assert (err.path, err.value, err.sku, err.line, err.index) == (
        "items[1].sku",
        "NOPE",
        "NOPE",
        "L2",
        1,
    )
    assert str(err) == "items[1].sku: line 'L2': no product has this SKU (got 'NOPE')"


@pytest.mark.parametrize(
    ("kwargs", "path", "words"),
    [
        ({"books": [US]}, "price_book", "several price books"),
        ({"price_book": "NOPE"}, "price_book", "no price book"),
        ({"currency": "JPY"}, "price_books", "no active price book in JPY"),
        ({"on": dt.datetime(2027, 3, 1, 9, 0)}, "on", "not a datetime"),
        (
            {"clock": FixedClock(dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc))},
            "clock",
            "not both",
        ),
        ({"on": None, "clock": object()}, "clock", "today()"),
        ({"account": ""}, "account", "empty"),
        ({"promotions": ["3FOR2"]}, "promotions[0]", "Promotion"),
        ({"tax": {"standard": 19}}, "tax", "TaxPolicy"),
    ],
)
def test_bad_arguments_are_named(kwargs, path, words):
    err = _error(ValidationError, [("MUG", 1)], **kwargs)
    assert err.path == path
    assert words in str(err)


def test_an_unknown_currency_is_refused():
    err = _error(UnknownCurrencyError, [("MUG", 1)], currency="eur")
    assert err.path == "currency"


def test_a_book_not_valid_on_the_day_names_on():
    later = PriceBook(id="LATER", currency="EUR", entries={}, valid_from=dt.date(2028, 1, 1))
    err = _error(ValidationError, [("MUG", 1)], books=[later], price_book="LATER")
    assert err.path == "on"
    assert "not valid on the quote date 2027-03-01" in str(err)
