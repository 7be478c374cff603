"""Error messages are bounded and never fail to build, whatever value they show.

Issue 12, "Hostile input": an integer over 4,300 digits (Python's int-to-str
limit) or a value nested 10,000 deep made the error's own message raise
``ValueError`` or ``RecursionError``. Every error now shows a bounded ``repr``
of the offending value, and keeps the value itself as an attribute; ordinary
values print exactly as before.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfa_core import SalesEngine
from sfa_core.errors import (
    AlreadyExistsError,
    ConcurrencyError,
    CurrencyMismatchError,
    FloatAmountError,
    InvalidAmountError,
    MissingRateError,
    MissingRepositoryError,
    NotFoundError,
    RuleError,
    RuleEvaluationError,
    SerializationError,
    SfaError,
    UnknownCurrencyError,
    ValidationError,
)

#: Longest message a hostile value may produce: a value shows in at most 200 characters,
#: text the caller wrote (a path, a reason) in at most 2,000.
BOUND = 5_000


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


class _BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


class _EndlessRepr:
    def __repr__(self) -> str:
        return repr(self)


def _self_containing() -> list[Any]:
    value: list[Any] = [1]
    value.append(value)
    return value


HUGE_INT = 10**5000
HOSTILE = {
    "huge int": HUGE_INT,
    "huge negative int": -HUGE_INT,
    "10000-deep list": _nested_list(10_000),
    "10000-deep dict": _nested_dict(10_000),
    "broken repr": _BrokenRepr(),
    "endless repr": _EndlessRepr(),
    "huge string": "x" * 1_000_000,
    "lone surrogate": "\ud800",
    "list of huge ints": [HUGE_INT, HUGE_INT],
    "dict keyed by a huge int": {HUGE_INT: 1},
    "long list": list(range(100_000)),
    "self-containing list": _self_containing(),
}


def _every_error(value: Any) -> list[SfaError]:
    """One instance of each error class of the package, each given ``value`` everywhere."""
    return [
        ValidationError("bad", path="x", value=value),
        InvalidAmountError("must be a finite number", path="amount", value=value),
        FloatAmountError("no floats", path="amount", value=value),
        UnknownCurrencyError(value),
        SerializationError("bad", path="x", value=value),
        CurrencyMismatchError(value, value, operation=value, path=value),
        MissingRateError(value, value, value),
        NotFoundError(value, value),
        AlreadyExistsError(value, value),
        ConcurrencyError(value, value, expected_version=value, actual_version=value),
        RuleError("bad", path=value, rule=value),
        RuleEvaluationError(value, path=value),
        MissingRepositoryError(value, value),
    ]


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_every_error_builds_a_bounded_message(value):
    for err in _every_error(value):
        text = str(err)
        assert isinstance(text, str)
        assert len(text) < BOUND, (type(err).__name__, len(text))
        repr(err)


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_the_error_keeps_the_original_value(value):
    err = ValidationError("bad", path="x", value=value)
    assert err.value is value
    assert UnknownCurrencyError(value).currency is value
    assert NotFoundError("product", value).key is value
    assert RuleEvaluationError(value).error is value


def test_a_huge_int_shows_its_digit_count():
    assert str(ValidationError("bad", path="x", value=HUGE_INT)) == (
        "x: bad (got <int of 5001 digits>)"
    )
    assert str(NotFoundError("product", -HUGE_INT)) == (
        "product <negative int of 5001 digits> not found"
    )


def test_a_deep_value_is_cut_with_an_ellipsis():
    text = str(ValidationError("bad", path="x", value=_nested_list(10_000)))
    assert text.startswith("x: bad (got [[[")
    assert "..." in text


def test_a_broken_repr_shows_the_type():
    assert str(ValidationError("bad", value=_BrokenRepr())) == "bad (got <_BrokenRepr object>)"
    assert "_EndlessRepr" in str(ValidationError("bad", value=_EndlessRepr()))


def test_the_value_shows_in_at_most_200_characters():
    for value in HOSTILE.values():
        text = str(ValidationError("bad", path="x", value=value))
        assert len(text) <= len("x: bad (got )") + 200


def test_a_huge_string_is_shortened():
    err = NotFoundError("product", "x" * 1_000_000)
    assert len(str(err)) < 300
    assert str(err).startswith("product 'xxx")


def test_the_engine_refuses_a_huge_key_with_a_readable_error():
    engine = SalesEngine.in_memory()
    with pytest.raises(SfaError) as caught:
        engine.catalog.get_product(HUGE_INT)
    assert "<int of 5001 digits>" in str(caught.value)


@pytest.mark.parametrize(
    ("err", "message"),
    [
        (ValidationError("must be >= 0", path="lines[3].quantity", value=-2), None),
        (ValidationError("bad", path="p", value={"b": 1, "a": [1, (2,)]}), None),
        (ValidationError("bad", path="p", value={3, 1, 2}), None),
        (ValidationError("bad", path="p", value=Decimal("1.50")), None),
        (ValidationError("bad", path="p", value=dt.date(2027, 1, 1)), None),
        (ValidationError("bad", path="p", value=10**150), None),
        (ValidationError("bad", path="p", value="text with 'quotes'"), None),
        (UnknownCurrencyError("XYZ"), "currency: unknown ISO 4217 currency code (got 'XYZ')"),
        (NotFoundError("product", "A-1"), "product 'A-1' not found"),
        (AlreadyExistsError("product", 7), "product 7 already exists"),
        (
            ConcurrencyError("product", "A-1", 1, None),
            "product 'A-1': expected version 1, but the stored version is None",
        ),
        (
            CurrencyMismatchError("EUR", "USD", operation="add", path="entries['A']"),
            "entries['A']: cannot add EUR with USD: currencies differ",
        ),
        (
            MissingRateError("EUR", "USD", dt.date(2027, 1, 1)),
            "no exchange rate from EUR to USD on 2027-01-01",
        ),
        (
            RuleEvaluationError({"type": "NaN"}, path="$.and[1]"),
            "$.and[1]: evaluation failed: {'type': 'NaN'}",
        ),
        (RuleError("bad", path="$.and[0]", rule={"x": 1}), "$.and[0]: bad"),
    ],
)
def test_ordinary_values_print_exactly_as_before(err, message):
    if message is None:  # a ValidationError: the old message used repr() in full
        message = f"{err.path}: {err.reason} (got {err.value!r})"
    assert str(err) == message


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**4000, max_value=10**6000)
    | st.floats()
    | st.decimals()
    | st.text(st.characters(), max_size=40)
    | st.text(max_size=2000)
    | st.binary(max_size=20)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=30)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=5)
        | st.frozensets(st.integers() | st.text(max_size=5), max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=60, deadline=None)
@given(value=_VALUES, depth=st.sampled_from([0, 1, 50, 3000]))
def test_any_value_makes_a_bounded_message(value, depth):
    for _ in range(depth):
        value = [value]
    err = ValidationError("bad", path="x", value=value)
    text = str(err)
    assert len(text) < BOUND
    assert err.value is value
    try:
        plain = repr(value)
    except (ValueError, RecursionError):
        return
    if len(plain) <= 200:  # a small printable value shows exactly as repr() shows it
        assert text == f"x: bad (got {plain})"


def _every_error_class():
    import importlib
    import inspect
    import pkgutil

    import sfa_core
    from sfa_core.errors import SfaError

    found = set()
    for info in pkgutil.walk_packages(sfa_core.__path__, "sfa_core."):
        if info.name.startswith(("sfa_core.testing", "sfa_core.__main__")):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, SfaError):
                found.add(value)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


class _Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    __str__ = __repr__


def _hostile_values():
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    return [deep, 10**5000, _Unprintable(), None, "a\x00b", (10**5000,), [_Unprintable()]]


@pytest.mark.parametrize("cls", _every_error_class(), ids=lambda cls: cls.__qualname__)
def test_every_error_builds_its_message_whatever_it_is_given(cls):
    # Each positional argument in turn gets a hostile value; building the error and
    # printing it must never raise (a huge int, deep or unprintable data included).
    import inspect

    signature = list(inspect.signature(cls.__init__).parameters.values())[1:]
    positional = [p for p in signature if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    # required keyword-only parameters get a plain value, then a hostile one in turn
    keywords = [p.name for p in signature if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    slots = len(positional) + len(keywords) or 1
    for index in range(slots):
        for hostile in _hostile_values():
            values = ["a"] * slots
            values[index] = hostile
            args = (
                values[: len(positional)] if positional else ([values[0]] if not keywords else [])
            )
            kwargs = dict(zip(keywords, values[len(positional) :], strict=False))
            try:
                error = cls(*args, **kwargs)
            except SfaError:
                continue  # refusing the arguments with a clear error is fine too
            assert len(str(error)) < 2_000
            repr(error)
