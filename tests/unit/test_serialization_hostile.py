"""Hostile documents and values: only a ``SerializationError`` ever escapes.

Issue 12, "Hostile input": ``structure("x", Product)`` raised ``AttributeError``,
a JSON document nested 10,000 deep raised ``RecursionError``, and ``to_json`` of
a value holding a lone surrogate produced text that cannot be encoded as UTF-8.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from sfa_core.catalog import Product
from sfa_core.errors import SerializationError
from sfa_core.money import Money
from sfa_core.quotes import Quote
from sfa_core.serialization import from_json, structure, to_json, unstructure

HUGE_INT = 10**5000
DEEP_ARRAY = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000


def _nested_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _nested_dict(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


PRODUCT = unstructure(Product(sku="A-1", name="Widget", cost=Money("2.50", "EUR")))
QUOTE = unstructure(
    Quote(id="Q-1", account="ACME", currency="EUR", price_book="EU", quote_date=dt.date(2027, 1, 1))
)
MONEY = {"amount": "1.50", "currency": "EUR"}

HOSTILE: dict[str, Any] = {
    "None": None,
    "text": "x",
    "empty list": [],
    "list": [1, "a"],
    "list of an object": [{"a": 1}],
    "set": {1, 2},
    "NaN text": "NaN",
    "sNaN text": "sNaN",
    "Infinity text": "Infinity",
    "-Infinity text": "-Infinity",
    "NaN decimal": Decimal("NaN"),
    "sNaN decimal": Decimal("sNaN"),
    "NaN float": float("nan"),
    "huge int": HUGE_INT,
    "lone surrogate": "\ud800",
    "huge string": "x" * 1_000_000,
    "10000-deep list": _nested_list(10_000),
    "10000-deep dict": _nested_dict(10_000),
    "object with a huge-int key": {HUGE_INT: 1},
    "bytes": b"\xff",
    "object()": object(),
}
CLASSES = {"Product": (Product, PRODUCT), "Quote": (Quote, QUOTE), "Money": (Money, MONEY)}


def _only_serialization_errors(fn: Any) -> None:
    """Run ``fn``: it may succeed, or raise a SerializationError with a readable message."""
    message = ""
    try:
        fn()
    except SerializationError as err:
        message = str(err)
    assert len(message) < 5_000


@pytest.mark.parametrize("cls_name", list(CLASSES))
@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_document_at_the_top_is_refused(cls_name, value):
    cls, _ = CLASSES[cls_name]
    with pytest.raises(SerializationError):
        structure(value, cls)


@pytest.mark.parametrize("cls_name", list(CLASSES))
@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_value_in_any_field_raises_only_serialization_errors(cls_name, value):
    cls, doc = CLASSES[cls_name]
    for key in doc:
        _only_serialization_errors(lambda key=key: to_json(structure({**doc, key: value}, cls)))
    with pytest.raises(SerializationError):
        structure({**doc, "unknown": value}, cls)


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_value_inside_a_nested_value(value):
    _only_serialization_errors(lambda: structure({**QUOTE, "lines": [value]}, Quote))
    _only_serialization_errors(lambda: structure({**PRODUCT, "attributes": {"k": value}}, Product))
    _only_serialization_errors(
        lambda: structure({**PRODUCT, "cost": {"amount": value, "currency": "EUR"}}, Product)
    )
    _only_serialization_errors(lambda: to_json({"k": value}))
    _only_serialization_errors(lambda: unstructure(value))


@pytest.mark.parametrize("cls", [Product, Quote])
def test_a_non_mapping_for_a_class_names_the_problem(cls):
    with pytest.raises(SerializationError, match=rf"expected an object .* for {cls.__name__}"):
        structure("x", cls)


def test_a_non_mapping_inside_names_the_path():
    with pytest.raises(SerializationError) as caught:
        structure({**QUOTE, "lines": ["x"]}, Quote)
    assert caught.value.path == "lines[0]"
    assert "QuoteLine" in caught.value.reason


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_OBJECT])
@pytest.mark.parametrize("cls", [Product, Quote, Money])
def test_deep_json_is_refused(text, cls):
    with pytest.raises(SerializationError, match="nested too deeply"):
        from_json(text, cls)


def test_deep_json_inside_a_field_is_refused():
    text = '{"sku": "A", "name": "x", "attributes": {"k": ' + DEEP_ARRAY + "}}"
    with pytest.raises(SerializationError, match="nested too deeply"):
        from_json(text, Product)


def test_deep_data_is_refused():
    for deep in (_nested_list(10_000), _nested_dict(10_000)):
        with pytest.raises(SerializationError):
            structure(deep, Product)
        with pytest.raises(SerializationError, match="nested too deeply"):
            unstructure(deep)
        with pytest.raises(SerializationError, match="nested too deeply"):
            to_json(deep)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        b"\x80",
        b"\xff\xfe\xfd",
        b'{"amount": "1", "currency": "\xe9UR"}',
        "NaN",
        '{"amount": NaN, "currency": "EUR"}',
        '{"amount": Infinity, "currency": "EUR"}',
        '{"amount": "1", "currency": "EUR", "x": -Infinity}',
        "1" * 5000,
        '{"amount": ' + "1" * 5000 + ', "currency": "EUR"}',
    ],
)
def test_text_that_is_not_json_or_not_utf8_is_refused(text):
    with pytest.raises(SerializationError, match="not valid JSON"):
        from_json(text, Money)


@pytest.mark.parametrize("text", [None, 1, ["{}"], {"amount": "1"}])
def test_from_json_of_something_that_is_not_text(text):
    with pytest.raises(SerializationError, match="expected JSON text"):
        from_json(text, Money)


def test_from_json_refuses_a_lone_surrogate():
    with pytest.raises(SerializationError, match="not valid JSON: lone surrogate"):
        from_json('{"sku": "A", "name": "\ud800"}', Product)
    with pytest.raises(SerializationError, match="lone surrogate") as caught:
        from_json('{"sku": "A", "name": "bad \\ud800"}', Product)
    assert caught.value.path == "name"
    with pytest.raises(SerializationError, match="lone surrogate") as caught:
        from_json(b'{"sku": "A", "name": "x", "attributes": {"\\udc00": 1}}', Product)
    assert caught.value.path == "attributes"


def test_bytes_are_decoded_strictly():
    # UTF-8 has no encoding of a lone surrogate; json.loads alone would let this one through
    with pytest.raises(SerializationError, match="not UTF-8"):
        from_json(b'{"sku": "A", "name": "\xed\xa0\x80"}', Product)
    assert from_json('{"sku": "A", "name": "\u00e9"}'.encode(), Product).name == "\u00e9"
    assert from_json('{"sku": "A", "name": "x"}'.encode("utf-16"), Product).name == "x"
    assert from_json(bytearray(b'{"sku": "A", "name": "x"}'), Product).name == "x"


def test_a_surrogate_pair_is_one_character_and_is_kept():
    product = from_json('{"sku": "A", "name": "smile \\ud83d\\ude00"}', Product)
    assert product.name == "smile \U0001f600"
    text = to_json(product)
    text.encode("utf-8")
    assert from_json(text, Product) == product
    assert from_json(text.encode("utf-8"), Product) == product


def test_to_json_refuses_a_lone_surrogate_naming_the_path():
    with pytest.raises(SerializationError, match="lone surrogate") as caught:
        to_json(Product(sku="A", name="bad \ud800"))
    assert caught.value.path == "name"
    assert caught.value.value == "bad \ud800"
    with pytest.raises(SerializationError, match="lone surrogate") as caught:
        to_json(Product(sku="A", name="x", attributes={"k": "\udfff"}))
    assert caught.value.path == "attributes.k"
    with pytest.raises(SerializationError, match="lone surrogate"):
        to_json({"\ud800": 1})


def test_to_json_refuses_what_json_cannot_hold():
    with pytest.raises(SerializationError, match="integer too long") as caught:
        to_json(Product(sku="A", name="x", attributes={"k": HUGE_INT}))
    assert caught.value.path == "attributes.k"
    with pytest.raises(SerializationError, match="not a finite number"):
        to_json({"k": [1, float("nan")]})
    with pytest.raises(SerializationError, match="not a JSON type"):
        to_json({"k": {1, 2}})
    with pytest.raises(SerializationError):
        to_json({(1, 2): 3})


def test_money_amount_hostile_strings_name_the_field():
    for amount in ("NaN", "sNaN", "Infinity", "-Infinity", "1e999999999"):
        with pytest.raises(SerializationError) as caught:
            structure({**PRODUCT, "cost": {"amount": amount, "currency": "EUR"}}, Product)
        assert caught.value.path == "cost.amount"


@pytest.mark.parametrize("value", ["", "ab", {}, {"sku": "A"}, 5])
def test_text_or_an_object_where_an_array_belongs_is_refused(value):
    # cattrs alone iterates a string (or an object's keys): "" was read as no lines at all
    with pytest.raises(SerializationError, match="expected an array") as caught:
        structure({**QUOTE, "lines": value}, Quote)
    assert caught.value.path == "lines"


@pytest.mark.parametrize("value", ["", [], ["a"], 5])
def test_something_else_where_an_object_belongs_is_refused(value):
    with pytest.raises(SerializationError, match="expected an object") as caught:
        structure({**QUOTE, "fields": value}, Quote)
    assert caught.value.path == "fields"


def test_a_top_level_collection_type_is_checked_too():
    with pytest.raises(SerializationError, match="expected an array"):
        structure("abc", list[Product])
    assert structure([PRODUCT], list[Product]) == [
        Product(**{**PRODUCT, "cost": Money("2.50", "EUR")})
    ]
