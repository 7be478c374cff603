"""Wrong types and out-of-range values given to the catalog, pricing and quotes are
refused with a ValidationError naming the argument (nothing else escapes)."""

import datetime as dt

import pytest

from sfa_core import Money
from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import SfaError, ValidationError
from sfa_core.pricing import RateTaxPolicy
from sfa_core.quotes import Quote, QuoteLine, new_draft, price_quote
from sfa_core.quotes.pricer import unit_prices

DAY = dt.date(2027, 1, 1)
QUOTE = Quote(
    id="Q",
    account="A",
    currency="EUR",
    price_book="EU",
    quote_date=DAY,
    lines=[QuoteLine(key="L1", sku="A", quantity=1)],
)
PRODUCTS = [Product(sku="A", name="a")]
BOOK = PriceBook(id="EU", currency="EUR", entries={"A": Money("5.00", "EUR")})
HOSTILE = [3, 1.5, True, object(), dt.date.max, b"x"]


@pytest.mark.parametrize(
    "argument",
    [
        "rules",
        "schedules",
        "rates",
        "contracted_prices",
        "customer",
        "promotions",
        "promotion_usage",
        "tax",
        "limits",
        "options",
    ],
)
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__)
def test_price_quote_names_a_bad_argument(argument, value):
    with pytest.raises(ValidationError) as info:
        price_quote(QUOTE, PRODUCTS, BOOK, **{argument: value})
    assert info.value.path.split("[")[0] == argument


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__)
def test_price_quote_names_a_bad_catalog_or_book_collection(value):
    with pytest.raises(ValidationError) as info:
        price_quote(QUOTE, value, BOOK)
    assert info.value.path == "catalog"
    with pytest.raises(ValidationError) as info:
        price_quote(QUOTE, PRODUCTS, value)
    assert info.value.path == "price_books"


def test_items_of_the_wrong_kind_are_named():
    with pytest.raises(ValidationError) as info:
        price_quote(QUOTE, PRODUCTS, BOOK, contracted_prices={"A": "5.00"})
    assert info.value.path == "contracted_prices['A']"
    with pytest.raises(ValidationError) as info:
        price_quote(QUOTE, PRODUCTS, BOOK, schedules={"V": "not a schedule"})
    assert info.value.path == "schedules['V']"
    with pytest.raises(ValidationError) as info:
        price_quote(QUOTE, PRODUCTS, BOOK, promotions=["SUMMER"])
    assert info.value.path == "promotions[0]"
    with pytest.raises(ValidationError) as info:
        unit_prices({"A": 1}, account="A", price_book="EU", on=DAY, catalog=PRODUCTS,
                    price_books=BOOK, options="fast")  # fmt: skip
    assert info.value.path == "options"


@pytest.mark.parametrize(
    ("make", "path"),
    [
        (lambda: Product(sku="A", name="a", attributes=b"x"), "attributes"),
        (lambda: Product(sku="A", name="a", attributes=[("x", 1)]), "attributes"),
        (lambda: PriceBook(id="EU", currency="EUR", entries=b"x"), "entries"),
        (lambda: PriceBook(id="EU", currency="EUR", floors="x"), "floors"),
        (lambda: PriceBook(id="EU", currency="EUR", tiers=3), "tiers"),
        (lambda: QuoteLine(key="L", sku="A", quantity=1, fields="x"), "fields"),
        (lambda: RateTaxPolicy({"standard": 20}, default_category=[]), "default_category"),
        (lambda: QUOTE.with_line(None), "line"),
        (lambda: BOOK.price_for(["A"]), "sku"),
        (
            lambda: new_draft(quote_id="Q", account="A", price_book=BOOK, quote_date=dt.date.max),
            "valid_for_days",
        ),
        (
            lambda: new_draft(
                quote_id="Q", account="A", price_book=BOOK, quote_date=DAY, valid_for_days=10**40
            ),
            "valid_for_days",
        ),
        (lambda: QuoteLine(key="L", sku="A", quantity="1E+50"), "quantity"),
    ],
)
def test_constructors_and_methods_name_a_bad_value(make, path):
    with pytest.raises(ValidationError) as info:
        make()
    assert info.value.path == path
    assert isinstance(info.value, SfaError)


def test_pricing_options_refuse_a_rounding_that_is_not_a_policy():
    from sfa_core.pricing import PricingOptions

    with pytest.raises(ValidationError) as info:
        PricingOptions(rounding="")
    assert info.value.path == "rounding"


def test_a_rule_holding_a_huge_integer_can_be_hashed_and_compared():
    from sfa_core import rules

    first = rules.compile({"==": [{"var": "x"}, 10**5000]})
    second = rules.compile({"==": [{"var": "x"}, 10**5000]})
    assert hash(first) == hash(second)
    assert first == second
    assert first != rules.compile({"==": [{"var": "x"}, 10**5000 + 1]})
