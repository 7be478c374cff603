"""Compiling: validation with JSON paths, depth, safety, source, equality, pickling."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from sfa_core import rules
from sfa_core.errors import RuleError

BAD_RULES = [
    ({"nope": [1]}, "$", "unknown operator 'nope'"),
    ({"and": [True, {"nope": 1}]}, "$.and[1]", "unknown operator"),
    ({"and": [True, {">": [{"bad": 1}, 2]}]}, "$.and[1]['>'][0]", "unknown operator 'bad'"),
    ({"if": [{"var": "x"}, {"===": [1]}]}, "$.if[1]", "'===' takes at least 2 operands, got 1"),
    ({"!": [1, 2]}, "$", "'!' takes exactly 1 operand, got 2"),
    ({"in": ["a"]}, "$", "'in' takes exactly 2 operands, got 1"),
    ({"substr": ["a", 1, 2, 3]}, "$", "'substr' takes 2 to 3 operands, got 4"),
    ({"map": [[1]]}, "$", "'map' takes exactly 2 operands"),
    ({"a": 1, "b": 2}, "$", "exactly one key"),
    ({">": [{"var": "x"}, float("nan")]}, "$['>'][1]", "not a JSON value"),
    ({">": [{"var": "x"}, float("inf")]}, "$['>'][1]", "not a JSON value"),
    ({"==": [{"var": "x"}, object()]}, "$['=='][1]", "not a JSON value"),
    ({"cat": [{"var": "x"}, b"bytes"]}, "$.cat[1]", "not a JSON value"),
    ([1, [2, {"+": [1, set()]}]], "$[1][1]['+'][1]", "not a JSON value"),
    ({"var": {"nope": 1}}, "$.var", "unknown operator 'nope'"),
    ({1: 2}, "$", "operators are text"),
]


@pytest.mark.parametrize(("rule", "path", "message"), BAD_RULES)
def test_bad_rules_report_the_path(rule: Any, path: str, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        rules.compile(rule)
    assert caught.value.path == path
    assert message in caught.value.reason
    assert str(caught.value).startswith(f"{path}: ")


def test_the_error_keeps_the_offending_rule() -> None:
    with pytest.raises(RuleError) as caught:
        rules.compile({"and": [True, {"nope": [1, 2]}]})
    assert caught.value.rule == {"nope": [1, 2]}


def test_paths_quote_operators_that_are_not_identifiers() -> None:
    with pytest.raises(RuleError) as caught:
        rules.compile({"missing_some": [1, ["a", {"x'y": 1}]]})
    assert caught.value.path == "$.missing_some[1][1]"
    with pytest.raises(RuleError) as caught:
        rules.compile({"<=": [{"?:": [1, {"bad": 2}, 3]}, 1]})
    assert caught.value.path == "$['<='][0]['?:'][1]"


def nested(depth: int) -> Any:
    rule: Any = {"var": "x"}
    for _ in range(depth - 1):
        rule = {"!": [rule]}
    return rule


def test_depth_limit() -> None:
    assert rules.MAX_DEPTH == 64
    assert rules.compile(nested(rules.MAX_DEPTH)).evaluate({"x": 1}) is False
    with pytest.raises(RuleError) as caught:
        rules.compile(nested(rules.MAX_DEPTH + 1))
    assert "deeper than 64" in caught.value.reason
    assert caught.value.path == "$" + "['!'][0]" * rules.MAX_DEPTH


def test_literal_arrays_count_as_levels() -> None:
    deep: Any = 1
    for _ in range(rules.MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(RuleError):
        rules.compile(deep)


def test_empty_object_is_a_value() -> None:
    assert rules.evaluate({}) == {}
    assert rules.evaluate([{}, {"var": "a"}], {"a": 1}) == [{}, 1]


def test_tuples_are_arrays_and_source_is_plain_json() -> None:
    rule = rules.compile({"in": ("a", ("a", "b"))})
    assert rule.evaluate() is True
    assert rule.source == {"in": ["a", ["a", "b"]]}


def test_source_is_a_copy() -> None:
    original = {"in": [{"var": "r"}, ["EMEA"]]}
    rule = rules.compile(original)
    source = rule.source
    source["in"][1].append("APAC")
    original["in"][1].append("APAC")
    assert rule.source == {"in": [{"var": "r"}, ["EMEA"]]}
    assert rule.evaluate({"r": "APAC"}) is False


def test_equality_and_hash_by_canonical_json() -> None:
    a = rules.compile({"and": [{"var": "x"}, True]})
    b = rules.compile({"and": [{"var": "x"}, True]})
    c = rules.compile({"and": [{"var": "x"}, False]})
    assert a == b
    assert hash(a) == hash(b)
    assert a != c
    assert len({a, b, c}) == 2
    assert a != {"and": [{"var": "x"}, True]}
    assert "CompiledRule(" in repr(a)


def test_pickling_compiles_again() -> None:
    schema = rules.Schema({"total": "number"})
    rule = rules.compile({">": [{"var": "total"}, 10]}, schema=schema)
    copy = pickle.loads(pickle.dumps(rule))
    assert copy == rule
    assert copy.schema == schema
    assert copy.evaluate({"total": 11}) is True
    assert copy.evaluate({"total": 9}) is False


def test_matches_is_truthiness() -> None:
    rule = rules.compile({"missing": ["a"]})
    assert rule.matches({}) is True
    assert rule.matches({"a": 1}) is False


def test_evaluate_accepts_json_compiled_rules_and_expressions() -> None:
    rule = {"+": [{"var": "a"}, 1]}
    assert rules.evaluate(rule, {"a": 1}) == 2
    assert rules.evaluate(rules.compile(rule), {"a": 2}) == 3
    assert rules.evaluate(rules.var("a") + 1, {"a": 3}) == 4
    with pytest.raises(RuleError):
        rules.evaluate({"+": [object()]})
    with pytest.raises(RuleError) as caught:
        rules.evaluate({"+": [float("nan")]})
    assert caught.value.path == "$['+'][0]"


ARITY = {
    "==": (2, None), "===": (2, None), "!=": (2, None), "!==": (2, None),
    "<": (2, None), "<=": (2, None), ">": (2, None), ">=": (2, None),
    "!": (1, 1), "!!": (1, 1), "and": (0, None), "or": (0, None),
    "if": (0, None), "?:": (0, None), "??": (0, None), "try": (1, None), "throw": (1, 1),
    "log": (1, 1), "max": (1, None), "min": (1, None), "+": (0, None), "-": (1, None),
    "*": (1, None), "/": (2, None), "%": (2, None), "cat": (0, None), "substr": (2, 3),
    "in": (2, 2), "merge": (0, None), "var": (0, 2), "val": (0, None), "exists": (1, None),
    "missing": (0, None), "missing_some": (2, 2), "map": (2, 2), "filter": (2, 2),
    "all": (2, 2), "some": (2, 2), "none": (2, 2), "reduce": (2, 3),
}  # fmt: skip


@pytest.mark.parametrize(("op", "low", "high"), [(op, *bounds) for op, bounds in ARITY.items()])
def test_operand_counts(op: str, low: int, high: int | None) -> None:
    assert op in rules.OPERATORS
    rules.compile({op: [1] * low})
    if low:
        with pytest.raises(RuleError, match="takes"):
            rules.compile({op: [1] * (low - 1)})
    if high is not None:
        rules.compile({op: [1] * high})
        with pytest.raises(RuleError, match="takes"):
            rules.compile({op: [1] * (high + 1)})


def test_operators_is_the_arity_table() -> None:
    # ``preserve`` takes any one value (an array too), so it has no operand count
    assert set(ARITY) | {"preserve"} == rules.OPERATORS


def test_evaluation_does_no_dispatch_on_operator_names() -> None:
    # The compiled closures hold no reference to the operator table.
    rule = rules.compile({"and": [{">": [{"var": "a"}, 1]}, {"==": [{"var": "b"}, "x"]}]})
    fn = rule._fn  # white-box: inspect the closure tree
    seen: list[Any] = []

    def walk(obj: Any) -> None:
        for cell in getattr(obj, "__closure__", None) or ():
            value = cell.cell_contents
            seen.append(value)
            if callable(value):
                walk(value)

    walk(fn)
    assert not any(isinstance(value, dict) and "and" in value for value in seen)
