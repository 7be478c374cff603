"""The Python builder writes the same JSON as a person would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from sfa_core import rules
from sfa_core.errors import RuleError
from sfa_core.rules import Expr, all_of, any_of, between, field, if_, in_, not_, var

CASES: list[tuple[Expr, Any]] = [
    (var("a") > 1, {">": [{"var": "a"}, 1]}),
    (var("a") >= 1, {">=": [{"var": "a"}, 1]}),
    (var("a") < 1, {"<": [{"var": "a"}, 1]}),
    (var("a") <= 1, {"<=": [{"var": "a"}, 1]}),
    (var("a") == "x", {"==": [{"var": "a"}, "x"]}),
    (var("a") != "x", {"!=": [{"var": "a"}, "x"]}),
    (field("a.b") == None, {"==": [{"var": "a.b"}, None]}),  # noqa: E711 - builds JSON
    (var("a", 0) + 1, {"+": [{"var": ["a", 0]}, 1]}),
    (1 + var("a"), {"+": [1, {"var": "a"}]}),
    (var("a") + var("b") + var("c"), {"+": [{"var": "a"}, {"var": "b"}, {"var": "c"}]}),
    (var("a") - 1, {"-": [{"var": "a"}, 1]}),
    (10 - var("a"), {"-": [10, {"var": "a"}]}),
    (-var("a"), {"-": [{"var": "a"}]}),
    (var("a") * 2 * var("b"), {"*": [{"var": "a"}, 2, {"var": "b"}]}),
    (2 * var("a"), {"*": [2, {"var": "a"}]}),
    (var("a") / 4, {"/": [{"var": "a"}, 4]}),
    (1 / var("a"), {"/": [1, {"var": "a"}]}),
    (var("a") % 2, {"%": [{"var": "a"}, 2]}),
    (7 % var("a"), {"%": [7, {"var": "a"}]}),
    (
        (var("a") > 1) & (var("b") < 2),
        {"and": [{">": [{"var": "a"}, 1]}, {"<": [{"var": "b"}, 2]}]},
    ),
    (var("a") & var("b") & var("c"), {"and": [{"var": "a"}, {"var": "b"}, {"var": "c"}]}),
    (True & var("a"), {"and": [True, {"var": "a"}]}),
    (var("a") | var("b") | var("c"), {"or": [{"var": "a"}, {"var": "b"}, {"var": "c"}]}),
    (False | var("a"), {"or": [False, {"var": "a"}]}),
    (~var("a"), {"!": [{"var": "a"}]}),
    (all_of(var("a"), var("b")), {"and": [{"var": "a"}, {"var": "b"}]}),
    (any_of(var("a"), True), {"or": [{"var": "a"}, True]}),
    (not_(var("a")), {"!": [{"var": "a"}]}),
    (if_(var("a"), "x", "y"), {"if": [{"var": "a"}, "x", "y"]}),
    (if_(var("a"), 1, var("b"), 2, 3), {"if": [{"var": "a"}, 1, {"var": "b"}, 2, 3]}),
    (between(0.1, var("d"), 0.2), {"<=": [0.1, {"var": "d"}, 0.2]}),
    (between(0, var("d"), 1, inclusive=False), {"<": [0, {"var": "d"}, 1]}),
    (var("d").between(1, 2), {"<=": [1, {"var": "d"}, 2]}),
    (in_(var("r"), ["EMEA", "APAC"]), {"in": [{"var": "r"}, ["EMEA", "APAC"]]}),
    (var("r").is_in(("EMEA",)), {"in": [{"var": "r"}, ["EMEA"]]}),
    (var("a") > Decimal("50000"), {">": [{"var": "a"}, 50000]}),
    (var("a") > Decimal("0.15"), {">": [{"var": "a"}, 0.15]}),
    (var("d") < dt.date(2027, 1, 1), {"<": [{"var": "d"}, "2027-01-01"]}),
    (var("") == Expr({"var": "b"}), {"==": [{"var": ""}, {"var": "b"}]}),
    (Expr({"missing": ["a"]}) | False, {"or": [{"missing": ["a"]}, False]}),
]


@pytest.mark.parametrize(("expr", "expected"), CASES)
def test_builder_writes_json(expr: Expr, expected: Any) -> None:
    assert expr.to_json() == expected
    compiled = rules.compile(expr)
    assert compiled.source == expr.to_json()
    assert compiled == rules.compile(expected)


def test_to_json_is_a_fresh_copy() -> None:
    expr = var("r").is_in(["EMEA"])
    expr.to_json()["in"][1].append("APAC")
    assert expr.to_json() == {"in": [{"var": "r"}, ["EMEA"]]}


def test_expressions_have_no_truth_value_and_no_hash() -> None:
    expr = var("a") == 1
    assert isinstance(expr, Expr)
    with pytest.raises(TypeError, match="no truth value"):
        bool(expr)
    with pytest.raises(TypeError, match="no truth value"):
        _ = var("a") < var("b") < var("c")  # chained comparisons would silently lose a half
    with pytest.raises(TypeError):
        hash(expr)
    assert Expr.__hash__ is None


def test_expressions_evaluate_like_the_json() -> None:
    expr = (field("quote.net_total") > 50000) & field("account.region").is_in(["EMEA", "APAC"])
    data = {"quote": {"net_total": 72000}, "account": {"region": "EMEA"}}
    assert rules.evaluate(expr, data) is True
    assert rules.compile(expr).evaluate({**data, "account": {"region": "NA"}}) is False


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        Decimal("0.1000000000000000000001"),
        object(),
        {1: 2},
    ],
)
def test_values_that_are_not_json_are_refused(value: Any) -> None:
    with pytest.raises(RuleError):
        var("a") == value  # noqa: B015 - the comparison builds, and fails
