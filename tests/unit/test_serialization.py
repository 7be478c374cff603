import datetime as dt
import enum
import json
from decimal import Decimal

import attrs
import pytest

from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import SerializationError
from sfa_core.money import Money
from sfa_core.serialization import (
    FORMAT_VERSION,
    TAG,
    from_json,
    structure,
    to_json,
    unstructure,
)


def test_product_document_shape():
    p = Product(
        sku="A-1", name="Widget", cost=Money("2.50", "EUR"), attributes={"ram": 16}, version=3
    )
    assert unstructure(p) == {
        "sku": "A-1",
        "name": "Widget",
        "family": "",
        "unit_of_measure": "each",
        "cost": {"amount": "2.50", "currency": "EUR"},
        "active": True,
        "attributes": {"ram": 16},
        "pricing_method": "list",
        "markup": None,
        "percent_of_total": None,
        "subscription": None,
        "discount_schedule": None,
        "term_discount_schedule": None,
        "fractional_quantity": False,
        "tax_category": "standard",
        "version": 3,
    }


def test_price_book_round_trip_through_json_keeps_exact_amounts():
    book = PriceBook(
        id="EU",
        currency="EUR",
        entries={"A": Money("0.1000", "EUR"), "B": Money("1199.00", "EUR")},
        valid_from=dt.date(2027, 1, 1),
    )
    text = to_json(book)
    assert '"0.1000"' in text
    assert '"valid_from": "2027-01-01"' in text
    back = from_json(text, PriceBook)
    assert back == book
    assert str(back.entries["A"].amount) == "0.1000"


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"sku": "A", "name": "x", "cost": {"amount": 1.5, "currency": "EUR"}}, "cost.amount"),
        ({"sku": "A", "name": "x", "cost": {"amount": "1", "currency": "EURO"}}, "cost.currency"),
        ({"sku": "A", "name": "x", "active": "yes"}, "active"),
        ({"sku": "A", "name": 5}, "name"),
        ({"sku": "", "name": "x"}, "sku"),
        ({"sku": "A", "name": "x", "attributes": {"w": 1.5}}, "attributes['w']"),
        ({"sku": "A", "name": "x", "version": "1"}, "version"),
        ({"name": "x"}, "sku"),
    ],
)
def test_bad_documents_name_the_field(doc, path):
    with pytest.raises(SerializationError) as info:
        structure(doc, Product)
    assert info.value.path == path, str(info.value)


def test_bad_nested_entry_names_the_key():
    doc = unstructure(PriceBook(id="EU", currency="EUR", entries={"A": Money("1", "EUR")}))
    doc["entries"]["A"]["amount"] = "one"
    with pytest.raises(SerializationError) as info:
        structure(doc, PriceBook)
    assert info.value.path == "entries['A'].amount"
    assert info.value.value == "one"


def test_validation_inside_the_value_keeps_its_path():
    doc = unstructure(PriceBook(id="EU", currency="EUR"))
    doc["entries"] = {"A": {"amount": "1", "currency": "USD"}}
    with pytest.raises(SerializationError) as info:
        structure(doc, PriceBook)
    assert "entries['A']" in info.value.path
    assert "USD" in str(info.value)


def test_unknown_keys_are_refused():
    doc = {**unstructure(Product(sku="A", name="x")), "colour": "red"}
    with pytest.raises(SerializationError, match="colour"):
        structure(doc, Product)


def test_not_json():
    with pytest.raises(SerializationError, match="not valid JSON"):
        from_json("{", Product)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@attrs.frozen
class Circle:
    radius: Decimal


@attrs.frozen
class Square:
    side: Decimal


@attrs.frozen
class Drawing:
    colour: Colour
    shape: Circle | Square
    at: dt.datetime
    maybe: Circle | Square | None = None


def test_enums_by_value_and_unions_tagged():
    drawing = Drawing(
        Colour.BLUE, Square(Decimal("2.5")), dt.datetime(2027, 1, 2, 3, 4, tzinfo=dt.timezone.utc)
    )
    doc = unstructure(drawing)
    assert doc == {
        "colour": "blue",
        "shape": {TAG: "Square", "side": "2.5"},
        "at": "2027-01-02T03:04:00+00:00",
        "maybe": None,
    }
    assert structure(json.loads(json.dumps(doc)), Drawing) == drawing
    with_circle = attrs.evolve(drawing, maybe=Circle(Decimal("1")))
    assert structure(unstructure(with_circle), Drawing) == with_circle


def test_unknown_union_tag_names_the_tag():
    doc = {"colour": "red", "shape": {TAG: "Hexagon"}, "at": "2027-01-01T00:00:00"}
    with pytest.raises(SerializationError) as info:
        structure(doc, Drawing)
    assert info.value.path == "shape.type"
    assert info.value.value == "Hexagon"


def test_bad_enum_value_names_the_field():
    doc = {"colour": "green", "shape": {TAG: "Circle", "radius": "1"}, "at": "2027-01-01"}
    with pytest.raises(SerializationError) as info:
        structure(doc, Drawing)
    assert info.value.path == "colour"


# The issue: a document written by a newer release would be misread by this one.
# JSON documents now carry their format version; a newer format is refused, naming it.


def test_to_json_names_its_format_version():
    doc = json.loads(to_json(Money("12.30", "EUR")))
    assert doc == {"format": FORMAT_VERSION, "value": {"amount": "12.30", "currency": "EUR"}}
    assert FORMAT_VERSION == 1


def test_a_document_of_a_newer_format_is_refused_naming_the_version():
    text = json.dumps({"format": 2, "value": {"amount": "12.30", "currency": "EUR"}})
    with pytest.raises(SerializationError) as info:
        from_json(text, Money)
    assert (info.value.path, info.value.value) == ("format", 2)
    assert str(info.value).startswith("format: written in a newer format")
    assert "(got 2)" in str(info.value)
    with pytest.raises(SerializationError, match="newer format"):
        structure(json.loads(text), Money)


def test_a_document_of_a_newer_format_is_refused_whatever_its_shape():
    # a later format may change everything but the "format" key
    with pytest.raises(SerializationError) as info:
        from_json('{"format": 7, "data": [1, 2]}', Money)
    assert (info.value.path, info.value.value) == ("format", 7)


def test_a_document_without_a_format_reads_as_format_one():
    book = PriceBook(id="EU", currency="EUR", entries={"A": Money("1.10", "EUR")})
    legacy = json.dumps(unstructure(book))  # as to_json wrote it before
    assert from_json(legacy, PriceBook) == book
    assert from_json('{"amount": "12.30", "currency": "EUR"}', Money) == Money("12.30", "EUR")
    assert from_json("[]", list[Product]) == []


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        (Money("0.10", "EUR"), Money),
        (PriceBook(id="EU", currency="EUR", entries={"A": Money("1", "EUR")}), PriceBook),
        ([Product(sku="A", name="x"), Product(sku="B", name="y")], list[Product]),
        ({"format": 3, "value": 4}, dict[str, int]),
        (Decimal("1.50"), Decimal),
    ],
)
def test_every_value_round_trips_through_the_envelope(value, cls):
    text = to_json(value)
    assert json.loads(text)["format"] == FORMAT_VERSION
    assert from_json(text, cls) == value
    assert structure(json.loads(text), cls) == value


@pytest.mark.parametrize(
    ("doc", "path", "value"),
    [
        ({"format": "1", "value": {}}, "format", "1"),
        ({"format": 0, "value": {}}, "format", 0),
        ({"format": True, "value": {}}, "format", True),
        ({"format": 1.0, "value": {}}, "format", 1.0),
        ({"format": 1}, "value", None),
        ({"format": 1, "value": {}, "extra": 1}, "", ["extra"]),
    ],
)
def test_a_bad_envelope_is_refused_naming_the_field(doc, path, value):
    with pytest.raises(SerializationError) as info:
        from_json(json.dumps(doc), Money)
    assert (info.value.path, info.value.value) == (path, value)


def test_paths_inside_an_envelope_name_the_field_of_the_value():
    text = json.dumps({"format": 1, "value": {"amount": "x", "currency": "EUR"}})
    with pytest.raises(SerializationError) as info:
        from_json(text, Money)
    assert (info.value.path, info.value.value) == ("amount", "x")


def test_stored_rows_are_plain_data_without_an_envelope():
    # the SQLite adapter stores unstructure()'s data under its own schema version
    assert "format" not in unstructure(Money("1", "EUR"))
