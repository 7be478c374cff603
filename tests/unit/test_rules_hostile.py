"""Hostile values given to the rules API: each is refused with an SfaError, quickly.

Numbers too large to write, values nested too deep or containing themselves, ints
too long for decimal text, values whose ``repr`` fails, and arguments of the wrong
type, given to the builder, the compiler, evaluation, explanations and schemas.
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from typing import Any

import pytest

from sfa_core import rules
from sfa_core.errors import RuleError, RuleEvaluationError, ValidationError
from sfa_core.rules import Explanation, Expr, Schema, var

HUGE = 10**5000  # an int too long for decimal text


def _deep_list(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def _cyclic_list() -> Any:
    value: list[Any] = [1]
    value.append(value)
    return value


def _cyclic_dict() -> Any:
    value: dict[str, Any] = {"a": 1}
    value["self"] = value
    return value


def _id(value: Any) -> str:
    """A short test id for a parameter (a huge int has no decimal text)."""
    if type(value) is int and value.bit_length() > 64:
        return f"int{value.bit_length()}bits"
    return type(value).__name__


class BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


# --------------------------------------------------------------------------- builder


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda v: Expr(v), "rule"),
        (lambda v: var(v), "name"),
        (lambda v: var("a", v), "default"),
        (lambda v: rules.between(v, var("a"), 1), "low"),
        (lambda v: rules.between(0, var("a"), v), "high"),
        (lambda v: var("a").between(0, v), "high"),
        (lambda v: var("a").is_in([1, v]), "collection[1]"),
        (lambda v: rules.in_(v, var("a")), "needle"),
        (lambda v: rules.if_(var("a"), 1, v), "rest[0]"),
        (lambda v: rules.not_(v), "condition"),
        (lambda v: rules.all_of(True, v), "conditions[1]"),
        (lambda v: rules.any_of(v), "conditions[0]"),
        (lambda v: var("a") > v, "other"),
        (lambda v: var("a") & {"!": [v]}, "other.![0]"),
    ],
)
def test_builder_refuses_a_number_out_of_range_naming_the_argument(build: Any, path: str) -> None:
    with pytest.raises(RuleError) as caught:
        build(Decimal("1E+1001"))
    assert caught.value.path == path
    assert "Decimal('1E+1001')" in str(caught.value)


@pytest.mark.parametrize("value", [Decimal("1E+999999"), Decimal("-1E+999999999")])
def test_builder_refuses_a_huge_decimal_without_writing_its_digits(value: Decimal) -> None:
    start = time.perf_counter()
    with pytest.raises(RuleError, match="out of the range"):
        rules.var("a").between(value, 1)
    assert time.perf_counter() - start < 0.5


def test_builder_keeps_numbers_within_the_range() -> None:
    assert Expr(Decimal("1E+1000")).to_json() == 10**1000
    assert Expr(Decimal("0E+999999999")).to_json() == 0
    assert Expr(Decimal("-2.5")).to_json() == -2.5


@pytest.mark.parametrize(
    "value",
    [_deep_list(10_000), _cyclic_list(), _cyclic_dict(), {"!": [_deep_list(10_000)]}],
    ids=["deep-list", "cyclic-list", "cyclic-dict", "deep-operand"],
)
def test_builder_refuses_values_nested_too_deep(value: Any) -> None:
    with pytest.raises(RuleError, match="nested deeper than 64"):
        Expr(value)
    with pytest.raises(RuleError, match="nested deeper than 64") as caught:
        rules.in_(var("a"), value)
    assert caught.value.path.startswith("haystack")


def test_builder_nests_as_deep_as_compile_allows() -> None:
    expr = var("x")
    for _ in range(rules.MAX_DEPTH - 1):
        expr = ~expr
    assert rules.compile(expr).evaluate({"x": 1}) is False  # 64 levels compile
    with pytest.raises(RuleError, match="nested deeper than 64") as caught:
        ~expr  # noqa: B018 - building it fails
    assert caught.value.path == "self"
    # a chain of 64 levels extended with & stays 64 levels deep (it is flattened)
    chain = expr.to_json()["!"][0]
    chain = Expr(chain) & var("y")
    longer = (chain & var("z")).to_json()
    assert longer["and"][-1] == {"var": "z"}
    assert rules.compile(longer).evaluate({"x": 1, "y": 1, "z": 1}) == 1


@pytest.mark.parametrize(
    "value", [{1: 2}, {HUGE: 1}, BrokenRepr(), b"bytes", float("nan"), Decimal("sNaN")], ids=_id
)
def test_builder_errors_print_whatever_the_value(value: Any) -> None:
    with pytest.raises(RuleError) as caught:
        var("a") == value  # noqa: B015 - the comparison builds, and fails
    assert caught.value.path == "other"
    assert len(str(caught.value)) < 400


def test_expression_with_a_huge_int_has_a_repr() -> None:
    assert "<int of 5001 digits>" in repr(var("a") > HUGE)


# --------------------------------------------------------------------------- compile, evaluate


@pytest.mark.parametrize(
    "rule", [_deep_list(10_000), _cyclic_list(), {"!": [_cyclic_list()]}], ids=_id
)
def test_evaluate_refuses_a_rule_nested_too_deep_as_compile_does(rule: Any) -> None:
    with pytest.raises(RuleError):
        rules.compile(rule)
    with pytest.raises(RuleError):
        rules.evaluate(rule, {})


@pytest.mark.parametrize(
    "rule",
    [
        {HUGE: []},
        {"a": 1, HUGE: 2},
        {"preserve": {HUGE: 1}},
        [BrokenRepr()],
        {"preserve": {"a": BrokenRepr()}},
        {str(i): i for i in range(1000)},
    ],
    ids=_id,
)
def test_compile_errors_print_whatever_the_rule(rule: Any) -> None:
    with pytest.raises(RuleError) as caught:
        rules.compile(rule)
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize("value", [2**63, HUGE, 100_001], ids=_id)
def test_compile_refuses_a_magnitude_budget_too_large_to_build(value: int) -> None:
    start = time.perf_counter()
    with pytest.raises(ValidationError, match="at most 100000") as caught:
        rules.compile({"var": "a"}, max_exponent=value)
    assert caught.value.path == "max_exponent"
    assert time.perf_counter() - start < 0.5
    assert rules.compile({"var": "a"}, max_exponent=100_000).budgets["max_exponent"] == 100_000


@pytest.mark.parametrize("value", [HUGE, BrokenRepr()], ids=_id)
def test_a_thrown_value_that_cannot_print_still_fails_cleanly(value: Any) -> None:
    rule = rules.compile({"throw": {"var": "x"}})
    with pytest.raises(RuleEvaluationError) as caught:
        rule.evaluate({"x": value})
    assert str(caught.value).startswith("$: thrown: {'type': <")
    assert rule.explain({"x": value}).failed


@pytest.mark.parametrize("number", [HUGE, -HUGE], ids=["huge", "-huge"])
def test_a_huge_int_as_a_path_segment_reads_nothing(number: int) -> None:
    rule = rules.compile({"val": [{"var": "a"}]}, dialect="community")
    assert rule.evaluate({"a": number}) is None
    assert rules.compile({"var": {"var": "a"}}).evaluate({"a": number}) is None


# --------------------------------------------------------------------------- explanations


def test_explanations_are_not_hashable_since_they_hold_json() -> None:
    rule = rules.compile({">": [{"var": "a"}, 1]})
    explanation = rule.explain(None)
    assert Explanation.__hash__ is None
    with pytest.raises(TypeError):
        hash(explanation)
    assert explanation == rule.explain(None)


@pytest.mark.parametrize(
    "data",
    [{"a": HUGE}, {"a": _deep_list(10_000)}, {"a": BrokenRepr()}, {"a": _cyclic_list()}],
    ids=["huge-int", "deep", "broken-repr", "cyclic"],
)
def test_an_explanation_of_hostile_data_prints(data: Any) -> None:
    explanation = rules.compile({"var": "a"}).explain(data)
    assert len(repr(explanation)) < 2000
    assert str(explanation).startswith("✔ a (")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("operator", []),
        ("operator", 1),
        ("path", HUGE),
        ("path", None),
        ("operands", "1E+999999999"),
        ("operands", None),
        ("truthy", 2**63),
        ("truthy", None),
        ("children", None),
        ("children", ["not an explanation"]),
        ("evaluated", [1]),
        ("item", HUGE),
        ("item", -1),
        ("item", True),
        ("item", "0"),
    ],
    ids=lambda value: _id(value) if not isinstance(value, str) else value,
)
def test_explanation_refuses_fields_of_the_wrong_type(field: str, value: Any) -> None:
    fields: dict[str, Any] = {
        "operator": ">",
        "path": "$",
        "source": {">": [1, 0]},
        "operands": (1, 0),
        "result": True,
        "truthy": True,
    }
    fields[field] = value
    with pytest.raises(ValidationError) as caught:
        Explanation(**fields)
    assert caught.value.path.startswith(field)
    assert len(str(caught.value)) < 400


def test_explanation_accepts_lists_for_its_tuples() -> None:
    leaf = Explanation(None, "$['>'][0]", 1, [], 1, True)
    node = Explanation(">", "$", {">": [1, 0]}, [1, 0], True, True, [leaf], item=sys.maxsize)
    assert node.operands == (1, 0)
    assert node.children == (leaf,)
    assert "✔ 1 > …" in str(node) or str(node).startswith("✔")


def test_explanation_repr_is_bounded_for_values_that_cannot_print() -> None:
    explanation = Explanation(None, "$", HUGE, (HUGE,), HUGE, True, error=BrokenRepr())
    text = repr(explanation)
    assert "<int of 5001 digits>" in text
    assert "<BrokenRepr object>" in text


# --------------------------------------------------------------------------- schemas


@pytest.mark.parametrize("name", [None, 1, b"a", ["a"], HUGE], ids=_id)
def test_schema_field_type_refuses_a_name_that_is_not_text(name: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        Schema({"a": "number"}).field_type(name)
    assert caught.value.path == "name"
