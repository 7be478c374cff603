"""What each operator evaluates to: hand-checkable examples, one table per family."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest

from sfa_core import rules
from sfa_core.errors import RuleEvaluationError
from sfa_core.money import Money


def same(got: Any, expected: Any) -> bool:
    """Equal, with booleans kept apart from numbers (``True`` is not ``1``)."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(same(g, e) for g, e in zip(got, expected, strict=True))
        )
    return bool(got == expected)


def check(rule: Any, data: Any, expected: Any) -> None:
    compiled = rules.compile(rule)
    result = compiled.evaluate(data)
    assert same(result, expected), (rule, data, result, expected)
    assert same(compiled.explain(data).result, result)


def check_error(rule: Any, data: Any, error: Any) -> RuleEvaluationError:
    compiled = rules.compile(rule)
    with pytest.raises(RuleEvaluationError) as caught:
        compiled.evaluate(data)
    assert caught.value.error == error
    assert compiled.explain(data).error == error
    return caught.value


TRUTHINESS = [
    (None, False),
    (False, False),
    (True, True),
    (0, False),
    (-0.0, False),
    (1, True),
    (-1, True),
    (0.5, True),
    ("", False),
    ("0", True),
    ("false", True),
    ([], False),
    ([0], True),
    ({}, False),
    ({"a": 0}, True),
    (Decimal("0.00"), False),
    (Decimal("0.01"), True),
    ((), False),
    ((0,), True),
    (dt.date(2027, 1, 1), True),
]


@pytest.mark.parametrize(("value", "expected"), TRUTHINESS)
def test_truthiness(value: Any, expected: bool) -> None:
    assert rules.truthy(value) is expected
    assert rules.evaluate({"!!": [{"var": "v"}]}, {"v": value}) is expected
    assert rules.evaluate({"!": [{"var": "v"}]}, {"v": value}) is (not expected)


def test_truthiness_of_money_is_its_amount() -> None:
    assert rules.truthy(Money("0.00", "EUR")) is False
    assert rules.truthy(Money("0.01", "EUR")) is True


LOOSE_EQUALITY = [
    (1, 1, True),
    (1, 1.0, True),
    (1, "1", True),
    ("1", 1, True),
    (1, "1.0", True),
    (0, "", True),
    (1, "a", False),
    (0, False, True),
    (1, True, True),
    ("1", True, True),
    ("", False, True),
    (None, None, True),
    (None, 0, False),
    (None, False, False),
    (None, "", False),
    ([1], 1, True),
    ([], "", True),
    ([1, 2], "1,2", True),
    ([1], [1], False),
    ({}, "[object Object]", True),
    ("abc", "abc", True),
    ("abc", "ABC", False),
    (Decimal("0.10"), 0.1, True),
    (Decimal("1"), "1", True),
    (Decimal("2.50"), Decimal("2.5"), True),
]


@pytest.mark.parametrize(("a", "b", "expected"), LOOSE_EQUALITY)
def test_loose_equality_follows_javascript(a: Any, b: Any, expected: bool) -> None:
    data = {"a": a, "b": b}
    assert rules.evaluate({"==": [{"var": "a"}, {"var": "b"}]}, data) is expected
    assert rules.evaluate({"!=": [{"var": "a"}, {"var": "b"}]}, data) is (not expected)


STRICT_EQUALITY = [
    (1, 1.0, True),
    (1, "1", False),
    (0, False, False),
    (None, None, True),
    ("a", "a", True),
    (Decimal("1.0"), 1, True),
    ([1], [1], False),
]


@pytest.mark.parametrize(("a", "b", "expected"), STRICT_EQUALITY)
def test_strict_equality(a: Any, b: Any, expected: bool) -> None:
    data = {"a": a, "b": b}
    assert rules.evaluate({"===": [{"var": "a"}, {"var": "b"}]}, data) is expected
    assert rules.evaluate({"!==": [{"var": "a"}, {"var": "b"}]}, data) is (not expected)


def test_an_array_equals_itself_only() -> None:
    same_list = [1]
    assert rules.evaluate({"==": [{"var": "a"}, {"var": "a"}]}, {"a": same_list}) is True


ORDERING = [
    ({"<": [1, 2]}, True),
    ({"<": ["1", 2]}, True),
    ({"<": ["10", "9"]}, True),  # two strings compare as text
    ({"<": ["10", 9]}, False),  # a number makes it numeric
    ({"<": [None, 1]}, True),  # null is 0
    ({"<": [None, "A"]}, False),  # "A" is NaN: every ordering is false
    ({">=": [None, "A"]}, False),
    ({"<": [1, "A"]}, False),
    ({"<": [False, True]}, True),
    ({"<": ["2024-01-01", "2024-01-02"]}, True),
    ({"<": [1, 2, 3]}, True),
    ({"<": [1, 3, 3]}, False),
    ({"<=": [1, 3, 3]}, True),
    ({">": [3, 2, 1]}, True),
    ({">=": [3, 3, 4]}, False),
    ({"<": [[], [1]]}, True),  # "" < "1", as JavaScript compares arrays
]


@pytest.mark.parametrize(("rule", "expected"), ORDERING)
def test_ordering(rule: Any, expected: bool) -> None:
    check(rule, None, expected)


def test_chained_comparisons_are_lazy() -> None:
    assert rules.evaluate({"<": [3, 2, {"throw": "not lazy"}]}) is False
    assert rules.evaluate({"==": [3, 2, {"throw": "not lazy"}]}) is False
    assert rules.evaluate({"==": [3, 3, 3]}) is True


LOGIC = [
    ({"and": [1, 3]}, 3),
    ({"and": [1, 0, 3]}, 0),
    ({"and": [True, "", {"throw": "never"}]}, ""),
    ({"and": []}, False),  # as the newer shared suites say (it used to be null)
    ({"or": []}, False),
    ({"or": [0, "", "x"]}, "x"),
    ({"or": [0, False]}, False),
    ({"or": [[], 0, 1]}, 1),
    ({"if": [True, "a", "b"]}, "a"),
    ({"if": [[], "a", "b"]}, "b"),
    ({"if": ["0", "a", "b"]}, "a"),
    ({"if": [False, "a", False, "b", "c"]}, "c"),
    ({"if": [False, "a", False, "b"]}, None),
    ({"?:": [1, "yes", "no"]}, "yes"),
    ({"??": [None, None, 0, 1]}, 0),
    ({"??": [None]}, None),
    ({"!": [[]]}, True),
    ({"!!": ["0"]}, True),
]


@pytest.mark.parametrize(("rule", "expected"), LOGIC)
def test_logic(rule: Any, expected: Any) -> None:
    check(rule, None, expected)


def test_or_short_circuits() -> None:
    assert rules.evaluate({"or": [1, {"throw": "never"}]}) == 1


ARITHMETIC = [
    ({"+": [1, 2, 3]}, 6),
    ({"+": [1, "2", "", None, True]}, 4),
    ({"+": "3.5"}, 3.5),
    ({"+": "1e2"}, 100),
    ({"+": "0x10"}, 16),
    ({"+": []}, 0),
    ({"-": [10, 4, 3]}, 3),
    ({"-": "2"}, -2),
    ({"*": [2, "3", 4]}, 24),
    ({"/": [7, 2]}, 3.5),
    ({"/": [8, 2, 2]}, 2),
    ({"%": [7, 3]}, 1),
    ({"%": [-7, 3]}, -1),  # the sign of the dividend, as JavaScript
    ({"%": [7, -3]}, 1),
    ({"%": [5.5, 2]}, 1.5),
    ({"max": [1, 9, "12"]}, 12),
    ({"min": [4, -2, 0.5]}, -2),
]


@pytest.mark.parametrize(("rule", "expected"), ARITHMETIC)
def test_arithmetic(rule: Any, expected: Any) -> None:
    check(rule, None, expected)


def test_integer_division_stays_integral_when_exact() -> None:
    assert type(rules.evaluate({"/": [4, 2]})) is int
    assert type(rules.evaluate({"/": [5, 2]})) is float


NAN_RULES = [
    {"/": [1, 0]},
    {"/": [0, 0]},
    {"%": [1, 0]},
    {"+": ["apple", 1]},
    {"+": [[1], 1]},
    {"*": [{"var": "obj"}, 2]},
    {"-": ["x"]},
    {"+": "Infinity and beyond"},
    {"max": [1, "many"]},
    {"+": [{"var": "inf"}, {"var": "minus_inf"}]},
]


@pytest.mark.parametrize("rule", NAN_RULES)
def test_arithmetic_without_a_number_fails_with_nan(rule: Any) -> None:
    data = {"obj": {"a": 1}, "inf": float("inf"), "minus_inf": float("-inf")}
    check_error(rule, data, {"type": "NaN"})


def test_the_error_names_the_failing_operation() -> None:
    error = check_error({"and": [True, {"+": [1, {"/": [1, 0]}]}]}, None, {"type": "NaN"})
    assert error.path == "$.and[1]['+'][1]"
    assert "$.and[1]['+'][1]" in str(error)


DECIMALS = [
    ({"+": [{"var": "a"}, {"var": "b"}]}, Decimal("0.3")),
    ({"*": [{"var": "a"}, 3]}, Decimal("0.3")),
    ({"*": [{"var": "a"}, 0.5]}, Decimal("0.05")),
    ({"-": [{"var": "b"}, 0.05]}, Decimal("0.15")),
    ({"/": [{"var": "b"}, 4]}, Decimal("0.05")),
    ({"==": [{"+": [{"var": "a"}, {"var": "b"}]}, 0.3]}, True),
    ({"==": [{"+": [{"var": "a"}, {"var": "b"}]}, "0.3"]}, True),
    ({">": [{"var": "a"}, 0.1]}, False),
    ({">=": [{"var": "a"}, 0.1]}, True),
    ({"<=": [0.1, {"var": "a"}, 0.2]}, True),
    ({"max": [{"var": "a"}, 0.15]}, 0.15),
    ({"in": [{"var": "a"}, [0.1, 0.2]]}, True),
]


@pytest.mark.parametrize(("rule", "expected"), DECIMALS)
def test_decimals_stay_exact(rule: Any, expected: Any) -> None:
    data = {"a": Decimal("0.1"), "b": Decimal("0.2")}
    result = rules.evaluate(rule, data)
    assert result == expected
    if isinstance(expected, Decimal):
        assert type(result) is Decimal


def test_floats_are_not_exact_but_decimals_are() -> None:
    rule = {"==": [{"+": [{"var": "a"}, {"var": "b"}]}, {"var": "c"}]}
    assert rules.evaluate(rule, {"a": 0.1, "b": 0.2, "c": 0.3}) is False
    exact = {"a": Decimal("0.1"), "b": Decimal("0.2"), "c": Decimal("0.3")}
    assert rules.evaluate(rule, exact) is True


def test_money_means_its_amount() -> None:
    data = {"total": Money("72000.00", "EUR"), "cost": Money("61200.00", "EUR")}
    assert rules.evaluate({">": [{"var": "total"}, 50000]}, data) is True
    margin = {"-": [1, {"/": [{"var": "cost"}, {"var": "total"}]}]}
    assert rules.evaluate(margin, data) == Decimal("0.15")
    assert rules.evaluate({"==": [{"var": "total"}, "72000"]}, data) is True
    assert rules.evaluate({"cat": [{"var": "total"}]}, data) == "72000.00"


def test_money_in_different_currencies_does_not_mix() -> None:
    data = {"a": Money("1", "EUR"), "b": Money("1", "USD")}
    check_error(
        {"<": [{"var": "a"}, {"var": "b"}]},
        data,
        {"type": "Currency Mismatch", "left": "EUR", "right": "USD"},
    )
    check_error(
        {"+": [{"var": "a"}, {"var": "b"}]},
        data,
        {"type": "Currency Mismatch", "left": "EUR", "right": "USD"},
    )
    assert rules.evaluate({"==": [{"var": "a"}, {"var": "b"}]}, data) is False


def test_dates_compare_with_each_other_and_with_iso_text() -> None:
    data = {"close": dt.date(2027, 3, 31), "start": dt.date(2027, 1, 1)}
    assert rules.evaluate({"<": [{"var": "start"}, {"var": "close"}]}, data) is True
    assert rules.evaluate({">": [{"var": "close"}, "2027-03-01"]}, data) is True
    assert rules.evaluate({"==": [{"var": "close"}, "2027-03-31"]}, data) is True


TEXT = [
    ({"cat": ["a", 1, 2.5, None, True]}, "a12.5true"),
    ({"cat": [1.0, [1, [2, None]]]}, "11,2,"),
    ({"cat": []}, ""),
    ({"substr": ["jsonlogic", 4]}, "logic"),
    ({"substr": ["jsonlogic", -5]}, "logic"),
    ({"substr": ["jsonlogic", 1, 3]}, "son"),
    ({"substr": ["jsonlogic", 1, -5]}, "son"),
    ({"substr": ["jsonlogic", 20]}, ""),
    ({"substr": ["jsonlogic", -20, 4]}, "json"),
    ({"substr": [12345, 1, 2]}, "23"),
    ({"in": ["Spring", "Springfield"]}, True),
    ({"in": [1, "a1"]}, True),
    ({"in": ["b", ["a", "b"]]}, True),
    ({"in": [1, ["1"]]}, False),  # arrays use strict equality
    ({"in": [1, [1.0]]}, True),
    ({"in": ["a", None]}, False),
]


@pytest.mark.parametrize(("rule", "expected"), TEXT)
def test_text_and_membership(rule: Any, expected: Any) -> None:
    check(rule, None, expected)


def test_merge_flattens_one_level() -> None:
    check({"merge": [[1, 2], 3, [[4]]]}, None, [1, 2, 3, [4]])
    check({"merge": [{"var": "t"}, {"var": "n"}]}, {"t": (1, 2), "n": None}, [1, 2, None])


@attrs.frozen
class Account:
    name: str
    tier: str
    _secret: str = "s3cret"


@attrs.frozen
class Quote:
    account: Account
    lines: tuple[dict[str, Any], ...]


VAR = [
    ({"var": "a"}, {"a": 1}, 1),
    ({"var": "a.b"}, {"a": {"b": 2}}, 2),
    ({"var": "a.b"}, {"a": None}, None),
    ({"var": ["a.b", "d"]}, {"a": None}, "d"),
    ({"var": ["a", "d"]}, {"a": None}, None),  # a present null is not replaced
    ({"var": ["a", "d"]}, None, "d"),
    ({"var": "1"}, ["x", "y"], "y"),
    ({"var": 1}, ["x", "y"], "y"),
    ({"var": "a.1.b"}, {"a": [{}, {"b": 3}]}, 3),
    ({"var": "a.01"}, {"a": [1, 2]}, None),
    ({"var": "a.-1"}, {"a": [1, 2]}, None),
    ({"var": ""}, 7, 7),
    ({"var": []}, [1], [1]),
    ({"var": [{"cat": ["a", ".b"]}]}, {"a": {"b": 4}}, 4),
    ({"var": "s.0"}, {"s": "text"}, None),  # text has no items
]


@pytest.mark.parametrize(("rule", "data", "expected"), VAR)
def test_var(rule: Any, data: Any, expected: Any) -> None:
    check(rule, data, expected)


def test_var_reads_attrs_fields_and_mappings_only() -> None:
    quote = Quote(account=Account("ACME", "gold"), lines=({"sku": "A"},))
    assert rules.evaluate({"var": "account.tier"}, quote) == "gold"
    assert rules.evaluate({"var": "lines.0.sku"}, quote) == "A"
    # Private (``_x``) attrs fields never resolve: only public declared fields are data.
    assert rules.evaluate({"var": "account._secret"}, quote) is None
    for name in ("__class__", "account.__dict__", "account.__class__.__init__", "lines.count"):
        assert rules.evaluate({"var": name}, quote) is None


def test_var_does_not_read_attributes_of_plain_objects() -> None:
    class Plain:
        tier = "gold"

        def __getitem__(self, key: str) -> str:  # not a Mapping: never called
            raise AssertionError("must not be read")

    assert rules.evaluate({"var": "tier"}, Plain()) is None
    assert rules.evaluate({"var": "x.real"}, {"x": 3}) is None


VAL = [
    ({"val": "a.b"}, {"a.b": 1, "a": {"b": 2}}, 1),  # no dot splitting
    ({"val": ["a", "b"]}, {"a": {"b": 2}}, 2),
    ({"val": ["a", 1]}, {"a": [5, 6]}, 6),
    ({"val": []}, {"x": 1}, {"x": 1}),
    ({"val": ["a", "b"]}, {"a": None}, None),
    ({"map": [[1, 2], {"+": [{"val": []}, {"val": [[-2], "k"]}]}]}, {"k": 10}, [11, 12]),
    ({"map": [[7, 7, 7], {"val": [[-1], "index"]}]}, None, [0, 1, 2]),
    (
        {"map": [["x"], {"map": [[1, 2], {"+": [{"val": []}, {"val": [[-4], "k"]}]}]}]},
        {"k": 10},
        [[11, 12]],
    ),
    ({"exists": "a"}, {"a": None}, True),
    ({"exists": ["a", "b"]}, {"a": {}}, False),
    ({"exists": ["a", 0]}, {"a": [None]}, True),
]


@pytest.mark.parametrize(("rule", "data", "expected"), VAL)
def test_val_and_exists(rule: Any, data: Any, expected: Any) -> None:
    check(rule, data, expected)


MISSING = [
    ({"missing": ["a", "b"]}, {"a": 1}, ["b"]),
    ({"missing": ["a", "b"]}, {"a": "", "b": None}, ["a", "b"]),
    ({"missing": ["a.b"]}, {"a": {"b": 0}}, []),
    (
        {"missing": {"merge": ["vin", {"if": [{"var": "fin"}, ["apr"], []]}]}},
        {"fin": 1},
        ["vin", "apr"],
    ),
    ({"missing": [{"cat": ["a", "b"]}]}, {"ab": 1}, []),
    ({"missing_some": [1, ["a", "b"]]}, {"b": 1}, []),
    ({"missing_some": [2, ["a", "b", "c"]]}, {"b": 1}, ["a", "c"]),
    ({"missing_some": [{"var": "need"}, ["a", "b"]]}, {"need": 1, "a": 1}, []),
]


@pytest.mark.parametrize(("rule", "data", "expected"), MISSING)
def test_missing(rule: Any, data: Any, expected: Any) -> None:
    check(rule, data, expected)


LINES = {"lines": [{"qty": 2, "price": 10}, {"qty": 0, "price": 99}, {"qty": 5, "price": 1}]}

ITERATORS = [
    ({"map": [{"var": "lines"}, {"var": "qty"}]}, LINES, [2, 0, 5]),
    ({"filter": [{"var": "lines"}, {"var": "qty"}]}, LINES, [LINES["lines"][0], LINES["lines"][2]]),
    ({"all": [{"var": "lines"}, {">=": [{"var": "qty"}, 0]}]}, LINES, True),
    ({"all": [{"var": "lines"}, {">": [{"var": "qty"}, 0]}]}, LINES, False),
    ({"all": [[], True]}, None, False),
    ({"some": [{"var": "lines"}, {">": [{"var": "price"}, 50]}]}, LINES, True),
    ({"some": [[], True]}, None, False),
    ({"none": [{"var": "lines"}, {">": [{"var": "price"}, 100]}]}, LINES, True),
    ({"none": [[], True]}, None, True),
    (
        {
            "reduce": [
                {"var": "lines"},
                {
                    "+": [
                        {"var": "accumulator"},
                        {"*": [{"var": "current.qty"}, {"var": "current.price"}]},
                    ]
                },
                0,
            ]
        },
        LINES,
        25,
    ),
    ({"reduce": [{"var": "missing"}, {"var": "current"}, 7]}, None, 7),
    ({"map": [{"var": "not_an_array"}, 1]}, {"not_an_array": "abc"}, []),
    ({"map": [{"var": "t"}, {"*": [{"var": ""}, 2]}]}, {"t": (1, 2)}, [2, 4]),
]


@pytest.mark.parametrize(("rule", "data", "expected"), ITERATORS)
def test_iterators(rule: Any, data: Any, expected: Any) -> None:
    check(rule, data, expected)


def test_iterators_stop_early() -> None:
    assert rules.evaluate(
        {"some": [[1, 2], {"if": [{"==": [{"var": ""}, 1]}, True, {"throw": "x"}]}]}
    )
    assert not rules.evaluate({"all": [[0, 2], {"if": [{"var": ""}, {"throw": "x"}, False]}]})


def test_throw_and_try() -> None:
    check_error({"throw": "Not an admin"}, None, {"type": "Not an admin"})
    check_error(
        {"throw": {"var": "e"}}, {"e": {"type": "Custom", "code": 7}}, {"type": "Custom", "code": 7}
    )
    check({"try": [{"throw": "A"}, 1]}, None, 1)
    check({"try": [{"/": [0, 0]}, {"val": "type"}]}, None, "NaN")
    check({"try": [{"throw": "A"}, {"throw": "B"}, {"val": "type"}]}, None, "B")
    check({"try": [{"if": [True, {"map": [[1], {"/": [1, 0]}]}, 0]}, 10]}, None, 10)
    check_error({"try": [{"throw": "A"}, {"throw": "B"}]}, None, {"type": "B"})
    check_error({"map": [[1], {"try": [{"/": [1, 0]}]}]}, None, {"type": "NaN"})


def test_log_returns_its_value_and_writes_only_to_the_sink(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert rules.compile({"log": [{"var": "x"}]}).evaluate({"x": [1]}) == [1]
    assert capsys.readouterr().out == ""
    seen: list[Any] = []
    rule = rules.compile({"+": [{"log": {"var": "x"}}, 1]}, log=seen.append)
    assert rule.evaluate({"x": 2}) == 3
    assert seen == [2]


def test_results_do_not_share_the_rule_literals() -> None:
    rule = rules.compile({"if": [True, ["a", "b"], []]})
    first = rule.evaluate()
    first.append("mutated")
    assert rule.evaluate() == ["a", "b"]
