import datetime as dt
from decimal import Decimal

import attrs
import pytest

from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import (
    CurrencyMismatchError,
    NotFoundError,
    UnknownCurrencyError,
    ValidationError,
)
from sfa_core.money import Money


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


class TestProduct:
    def test_defaults(self):
        p = Product(sku="A-1", name="Widget")
        assert (p.family, p.unit_of_measure, p.cost, p.active, dict(p.attributes), p.version) == (
            "",
            "each",
            None,
            True,
            {},
            0,
        )

    def test_is_frozen_and_hashable(self):
        p = Product(sku="A-1", name="Widget", attributes={"ram_gb": 16})
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            p.name = "x"  # type: ignore[misc]
        assert hash(p) == hash(Product(sku="A-1", name="Widget", attributes={"ram_gb": 16}))
        assert {p: 1}[attrs.evolve(p)] == 1

    def test_attributes_are_read_only(self):
        source = {"colour": "grey"}
        p = Product(sku="A-1", name="Widget", attributes=source)
        source["colour"] = "red"
        assert p.attributes["colour"] == "grey"
        with pytest.raises(TypeError):
            p.attributes["colour"] = "red"  # type: ignore[index]

    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({"sku": ""}, "sku"),
            ({"sku": " A"}, "sku"),
            ({"sku": "A\x00"}, "sku"),
            ({"sku": 12}, "sku"),
            ({"sku": "X" * 201}, "sku"),
            ({"name": None}, "name"),
            ({"unit_of_measure": ""}, "unit_of_measure"),
            ({"active": 1}, "active"),
            ({"cost": Decimal("1")}, "cost"),
            ({"cost": Money("-1", "EUR")}, "cost"),
            ({"attributes": {"w": 1.5}}, "attributes['w']"),
            ({"attributes": {"": 1}}, "attributes"),
            ({"attributes": {"d": Decimal("1.5")}}, "attributes['d']"),
        ],
    )
    def test_bad_fields_name_the_field(self, kwargs, path):
        fields = {"sku": "A-1", "name": "Widget", **kwargs}
        with pytest.raises(ValidationError) as info:
            Product(**fields)
        assert info.value.path == path
        assert path in str(info.value)

    def test_version_must_be_non_negative_int(self):
        with pytest.raises(ValidationError, match="version"):
            Product(sku="A", name="a", version=-1)


class TestPriceBook:
    def test_price_for_and_validity_bounds_are_inclusive(self):
        book = PriceBook(
            id="EU-2027",
            currency="EUR",
            entries={"A": eur("10.00")},
            valid_from=dt.date(2027, 1, 1),
            valid_until=dt.date(2027, 12, 31),
        )
        assert book.price_for("A", on=dt.date(2027, 1, 1)) == eur("10.00")
        assert book.price_for("A", on=dt.date(2027, 12, 31)) == eur("10.00")
        with pytest.raises(ValidationError) as before:
            book.price_for("A", on=dt.date(2026, 12, 31))
        assert before.value.path == "valid_from"
        with pytest.raises(ValidationError) as after:
            book.price_for("A", on=dt.date(2028, 1, 1))
        assert after.value.path == "valid_until"

    def test_missing_entry_is_not_found(self):
        book = PriceBook(id="EU", currency="EUR")
        with pytest.raises(NotFoundError) as info:
            book.price_for("NOPE")
        assert info.value.key == "NOPE"

    def test_inactive_book_cannot_price(self):
        book = PriceBook(id="EU", currency="EUR", entries={"A": eur("1")}, active=False)
        assert not book.is_valid_on(dt.date(2027, 1, 1))
        with pytest.raises(ValidationError, match="inactive"):
            book.price_for("A")

    def test_entries_must_be_in_the_book_currency(self):
        with pytest.raises(CurrencyMismatchError) as info:
            PriceBook(id="EU", currency="EUR", entries={"A": Money("1", "USD")})
        assert info.value.path == "entries['A']"
        assert (info.value.left, info.value.right) == ("EUR", "USD")

    def test_negative_entry_refused(self):
        with pytest.raises(ValidationError, match=r"entries\['A'\]"):
            PriceBook(id="EU", currency="EUR", entries={"A": eur("-0.01")})

    def test_bad_entry_key_refused(self):
        with pytest.raises(ValidationError):
            PriceBook(id="EU", currency="EUR", entries={" A": eur("1")})

    def test_unknown_currency(self):
        with pytest.raises(UnknownCurrencyError):
            PriceBook(id="EU", currency="EURO")

    def test_validity_must_be_ordered(self):
        with pytest.raises(ValidationError) as info:
            PriceBook(
                id="EU",
                currency="EUR",
                valid_from=dt.date(2027, 2, 1),
                valid_until=dt.date(2027, 1, 31),
            )
        assert info.value.path == "valid_until"

    def test_datetime_is_not_a_day(self):
        with pytest.raises(ValidationError, match="valid_from"):
            PriceBook(id="EU", currency="EUR", valid_from=dt.datetime(2027, 1, 1))

    def test_with_price_returns_a_new_book(self):
        book = PriceBook(id="EU", currency="EUR", entries={"A": eur("1")})
        changed = book.with_price("B", eur("2"))
        assert dict(changed.entries) == {"A": eur("1"), "B": eur("2")}
        assert dict(book.entries) == {"A": eur("1")}
        with pytest.raises(CurrencyMismatchError):
            book.with_price("C", Money("1", "USD"))
