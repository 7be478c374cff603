"""fast_init: the same values and the same errors as attrs' own __init__, defaults checked once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_core._fast import fast_init
from sfa_core.quotes import Quote, QuoteLine

# valid and invalid values for every QuoteLine field
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 200),
    st.decimals(allow_nan=True, allow_infinity=True, places=2),
    st.sampled_from(["", "L1", "A", "x y", "2027-01-01"]),
    st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31)),
    st.dictionaries(st.sampled_from(["tier", "", "a.b"]), st.sampled_from(["gold", 1, None])),
)
_LINE_FIELDS = [f.alias for f in attrs.fields(QuoteLine)]


def _outcome(make: Any, kwargs: dict[str, Any]) -> Any:
    try:
        return ("value", make(kwargs))
    except Exception as exc:  # the exact error is what is compared
        return ("error", type(exc), str(exc))


def _attrs_made(cls: Any) -> Any:
    def make(kwargs: dict[str, Any]) -> Any:
        instance = object.__new__(cls)
        cls._attrs_init(instance, **kwargs)
        return instance

    return make


@given(
    st.fixed_dictionaries(
        {"key": _VALUES, "sku": _VALUES, "quantity": _VALUES},
        optional=dict.fromkeys(_LINE_FIELDS[3:], _VALUES),
    )
)
def test_quote_line_matches_attrs(kwargs: dict[str, Any]) -> None:
    fast = _outcome(lambda kw: QuoteLine(**kw), kwargs)
    slow = _outcome(_attrs_made(QuoteLine), kwargs)
    assert fast == slow


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "valid_until": _VALUES,
            "lines": st.sampled_from([(), [QuoteLine(key="L1", sku="A", quantity=1)], "L1"]),
            "discount_amount": _VALUES,
            "status": st.sampled_from(["draft", "sent", "nope", None]),
            "revision": _VALUES,
            "fields": _VALUES,
            "version": _VALUES,
        },
    )
)
def test_quote_matches_attrs(extra: dict[str, Any]) -> None:
    kwargs = {
        "id": "Q",
        "account": "ACME",
        "currency": "EUR",
        "price_book": "EU",
        "quote_date": dt.date(2027, 1, 1),
        **extra,
    }
    fast = _outcome(lambda kw: Quote(**kw), kwargs)
    slow = _outcome(_attrs_made(Quote), kwargs)
    assert fast == slow


def test_defaults_are_converted_once_and_shared() -> None:
    calls: list[Any] = []

    def count(value: Any) -> Decimal:
        calls.append(value)
        return Decimal(value)

    @fast_init
    @attrs.frozen
    class Item:
        sku: str
        price: Decimal = attrs.field(default=0, converter=count)

    assert calls == [0]  # the default, converted when the class was decorated
    first, second = Item("A"), Item("B")
    assert first.price == Decimal(0)
    assert first.price is second.price
    assert calls == [0]
    assert Item("C", "1.5").price == Decimal("1.5")
    assert calls == [0, "1.5"]


def test_validators_run_after_every_conversion_and_see_all_fields() -> None:
    seen: list[tuple[str, Any]] = []

    def check(instance: Any, attribute: Any, value: Any) -> None:
        seen.append((attribute.name, instance.b))

    @fast_init
    @attrs.frozen
    class Pair:
        a: int = attrs.field(converter=int, validator=check)
        b: int = attrs.field(default=0, converter=int, validator=check)

    Pair("1", "2")
    assert seen == [("a", 2), ("b", 2)]
    seen.clear()
    Pair("1")  # b left at its default: not validated again
    assert seen == [("a", 0)]


def test_keyword_only_and_post_init_are_kept() -> None:
    @fast_init
    @attrs.frozen
    class Versioned:
        name: str
        version: int = attrs.field(default=0, kw_only=True)

        def __attrs_post_init__(self) -> None:
            if self.version < 0:
                raise ValueError("version")

    assert Versioned("a", version=2).version == 2
    with pytest.raises(TypeError):
        Versioned("a", 2)  # type: ignore[misc]
    with pytest.raises(ValueError, match="version"):
        Versioned("a", version=-1)


def test_unsupported_classes_are_refused() -> None:
    @attrs.frozen
    class Hidden:
        a: int
        b: int = attrs.field(init=False, default=0)

    with pytest.raises(TypeError, match=r"Hidden\.b is not an __init__ argument"):
        fast_init(Hidden)

    @attrs.frozen
    class Mutable:
        items: list[int] = attrs.field(factory=list)

    with pytest.raises(TypeError, match=r"Mutable\.items: a mutable default"):
        fast_init(Mutable)

    @attrs.frozen
    class SelfDefault:
        a: int
        b: int = attrs.field(default=attrs.Factory(lambda self: self.a, takes_self=True))

    with pytest.raises(TypeError, match=r"SelfDefault\.b: a default takes self"):
        fast_init(SelfDefault)
