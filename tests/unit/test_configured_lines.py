"""A complete configuration as quote lines, and the three bundle pricing options."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sfa_core.catalog import PriceBook, Product
from sfa_core.configure import (
    Bundle,
    ConfigurationModel,
    Feature,
    Option,
    Selections,
    complete,
    configure,
)
from sfa_core.errors import CurrencyMismatchError, ValidationError
from sfa_core.money import Money
from sfa_core.quotes import Quote, price_quote, to_quote_lines

DESK = ConfigurationModel(
    root=Bundle(sku="DESK", features=[
        Feature(id="top", min_options=1, max_options=1, options=[
            Option(id="oak", sku="OAK"), Option(id="ash", sku="ASH")]),
        Feature(id="extras", options=[
            Option(id="dock", sku="DOCK", bundle="DOCK-KIT"),
            Option(id="lamp", sku="LAMP", default_quantity=3, quantity_editable=True)]),
    ]),
    bundles=[Bundle(sku="DOCK-KIT", features=[
        Feature(id="cable", min_options=1, max_options=1, options=[
            Option(id="usb", sku="USB"), Option(id="tb", sku="TB")])])],
)  # fmt: skip
CHOICES = Selections(options={"ash": True, "dock": True, "tb": True, "lamp": True})


def test_lines_follow_the_model_and_link_to_their_bundle() -> None:
    lines = to_quote_lines(complete(DESK, CHOICES))
    assert [(ln.key, ln.sku, ln.quantity, ln.parent) for ln in lines] == [
        ("DESK", "DESK", 1, None),
        ("DESK/ash", "ASH", 1, "DESK"),
        ("DESK/dock", "DOCK", 1, "DESK"),
        ("DESK/lamp", "LAMP", 3, "DESK"),
        ("DESK/tb", "TB", 1, "DESK/dock"),  # the dock's cable hangs off the dock
    ]
    assert all(ln.special_price is None for ln in lines)


def test_included_components_are_zero_and_keys_and_groups_can_be_chosen() -> None:
    lines = to_quote_lines(complete(DESK, CHOICES), pricing="included", key="B1", group="g")
    assert lines[0].special_price is None
    assert [ln.special_price for ln in lines[1:]] == [Decimal(0)] * 4
    assert lines[1].key == "B1/ash"
    assert {ln.group for ln in lines} == {"g"}


def test_an_allocated_price_is_exact_and_the_cents_units_cannot_carry_stay_on_the_bundle() -> None:
    state = complete(DESK, Selections(options={"ash": True, "lamp": True}))
    lines = to_quote_lines(
        state, pricing="allocated", bundle_price=Money("100.00", "EUR"),
        list_prices={"ASH": Money("0", "EUR"), "LAMP": Money("10", "EUR")},
    )  # fmt: skip
    root, ash, lamp = lines
    # the lamp weighs 3 x 10, the ash top 0: 100.00 over 3 lamps is 33.33 each,
    # and the cent left stays on the bundle line
    assert (ash.special_price, lamp.special_price, root.special_price) == (
        Decimal("0.00"), Decimal("33.33"), Decimal("0.01"),
    )  # fmt: skip
    total = root.special_price + sum(ln.special_price * ln.quantity for ln in lines[1:])
    assert total == Decimal("100.00")


def test_priced_lines_add_up_to_the_bundle_price() -> None:
    state = complete(DESK, CHOICES)
    prices = {
        s: Money(p, "EUR")
        for s, p in [
            ("DESK", "0"),
            ("ASH", "250"),
            ("DOCK", "120"),
            ("LAMP", "19.99"),
            ("TB", "35"),
        ]
    }
    lines = to_quote_lines(state, pricing="allocated", bundle_price=Money("399.00", "EUR"),
                           list_prices=prices)  # fmt: skip
    quote = Quote(id="Q", account="A", currency="EUR", price_book="EU",
                  quote_date=dt.date(2027, 1, 4), lines=lines)  # fmt: skip
    book = PriceBook(id="EU", currency="EUR", entries=prices)
    catalog = [Product(sku=s, name=s) for s in prices]
    priced = price_quote(quote, catalog, [book])
    assert priced.totals.net.amount == Decimal("399.00")


def test_bad_requests_are_named() -> None:
    open_state = configure(DESK)
    with pytest.raises(ValidationError) as caught:
        to_quote_lines(open_state)
    assert caught.value.path == "state"
    done = complete(DESK)
    with pytest.raises(ValidationError) as caught:
        to_quote_lines(done, pricing="allocated")
    assert caught.value.path == "bundle_price"
    with pytest.raises(CurrencyMismatchError):
        to_quote_lines(done, pricing="allocated", bundle_price=Money("10", "EUR"),
                       list_prices={"OAK": Money("5", "USD")})  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        to_quote_lines(done, pricing="bundled")
    assert caught.value.path == "pricing"
    with pytest.raises(ValidationError) as caught:
        to_quote_lines(done, key=" x")
    assert caught.value.path == "key"
