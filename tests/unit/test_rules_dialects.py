"""Computed operand lists, ``preserve``, empty ``and``/``or`` and the community dialect."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from sfa_core import rules
from sfa_core.errors import RuleError, RuleEvaluationError, ValidationError

BOTH = ["classic", "community"]

# --------------------------------------------------------------------------- computed operands


@pytest.mark.parametrize("dialect", BOTH)
@pytest.mark.parametrize(
    ("rule", "data", "expected"),
    [
        ({"max": {"var": "xs"}}, {"xs": [1, 3, 2]}, 3),
        ({"min": {"var": "xs"}}, {"xs": [4, 3, 5]}, 3),
        ({"+": {"merge": [{"var": "x"}, {"var": "y"}]}}, {"x": [1, 2], "y": 3}, 6),
        ({"-": {"var": "xs"}}, {"xs": [7, 8]}, -1),
        ({"-": {"var": "xs"}}, {"xs": [7]}, -7),
        ({"*": {"var": "xs"}}, {"xs": (2, 3, 4)}, 24),
        ({"/": {"var": "xs"}}, {"xs": [8, 2]}, 4),
        ({"%": {"var": "xs"}}, {"xs": [7, 4]}, 3),
        ({"+": {"var": "x"}}, {"x": "3"}, 3),  # not an array: the one operand
        ({"+": {"var": "xs"}}, {"xs": []}, 0),
        ({"in": {"var": "pair"}}, {"pair": ["b", ["a", "b"]]}, True),
        ({"substr": {"var": "args"}}, {"args": ["jsonlogic", 4]}, "logic"),
        ({"missing_some": {"var": "args"}}, {"args": [1, ["a", "b"]]}, ["a", "b"]),
        ({"max": {"preserve": [1, 5, 2]}}, None, 5),
    ],
)
def test_a_computed_operand_list_is_spread(
    dialect: str, rule: Any, data: Any, expected: Any
) -> None:
    compiled = rules.compile(rule, dialect=dialect)
    assert compiled.evaluate(data) == expected
    assert compiled.explain(data).result == expected


def test_classic_keeps_one_operand_where_an_array_already_meant_something() -> None:
    rule = {"cat": {"var": "parts"}}
    data = {"parts": ["a", "b"]}
    assert rules.compile(rule).evaluate(data) == "a,b"
    assert rules.compile(rule, dialect="community").evaluate(data) == "ab"
    assert rules.evaluate({"!": {"var": "x"}}, {"x": [0]}) is False
    assert rules.evaluate({"!": {"var": "x"}}, {"x": [0]}, dialect="community") is True


def test_a_literal_single_operand_is_still_counted_when_compiling() -> None:
    with pytest.raises(RuleError, match="'/' takes at least 2 operands, got 1"):
        rules.compile({"/": 5})
    with pytest.raises(RuleError, match="'in' takes exactly 2 operands, got 1"):
        rules.compile({"in": "abc"})


def test_a_computed_operand_count_is_checked_when_evaluating() -> None:
    rule = rules.compile({"/": {"var": "xs"}})  # compiles: the count is not known yet
    assert rule.evaluate({"xs": [9, 3]}) == 3
    with pytest.raises(RuleEvaluationError) as caught:
        rule.evaluate({"xs": [9]})
    assert caught.value.error == {"type": "Invalid Arguments"}
    assert caught.value.path == "$"
    assert "'/' takes at least 2 operands, got 1" in str(caught.value)
    explanation = rule.explain({"xs": [9]})
    assert explanation.failed
    assert explanation.error == {"type": "Invalid Arguments"}


def test_explain_shows_the_computed_operands() -> None:
    rule = rules.compile({"max": {"var": "xs"}})
    explanation = rule.explain({"xs": [1, 3]})
    assert explanation.operands == (1, 3)
    assert [child.operator for child in explanation.children] == ["var"]
    assert str(explanation) == "✔ max → 3\n  ✔ xs ([1,3])"


def test_budgets_apply_to_computed_operand_lists() -> None:
    with pytest.raises(RuleEvaluationError, match="operand list of items longer than 10"):
        rules.compile({"+": {"var": "xs"}}, max_size=10).evaluate({"xs": list(range(11))})
    with pytest.raises(RuleEvaluationError) as caught:
        rules.compile({"*": {"var": "xs"}}).evaluate({"xs": [10**600, 10**600]})
    assert caught.value.error["budget"] == "magnitude"
    rows = [list(range(1000))] * 10
    rule = rules.compile({"map": [{"var": "rows"}, {"max": {"var": ""}}]}, max_steps=60)
    with pytest.raises(RuleEvaluationError) as caught:
        rule.evaluate({"rows": rows})
    assert caught.value.error["budget"] == "steps"
    assert rules.compile(rule.source).evaluate({"rows": rows}) == [999] * 10


def test_a_schema_accepts_a_computed_operand_list() -> None:
    rule = rules.compile({"+": {"var": "xs"}}, schema={"xs": "array"})
    assert rule.evaluate({"xs": [1, 2]}) == 3


# --------------------------------------------------------------------------- preserve


@pytest.mark.parametrize("dialect", BOTH)
def test_preserve_returns_its_operand_uninterpreted(dialect: str) -> None:
    def run(rule: Any, data: Any = None) -> Any:
        return rules.compile(rule, dialect=dialect).evaluate(data)

    assert run({"preserve": {"a": 1}}) == {"a": 1}
    assert run({"preserve": [1, 2]}) == [1, 2]
    assert run({"preserve": {"var": "x"}}, {"x": 5}) == {"var": "x"}
    assert run({"preserve": "text"}) == "text"
    assert run({"preserve": []}) == []
    assert run({"if": [True, {"preserve": {"ok": [1]}}, None]}) == {"ok": [1]}


def test_preserve_gives_a_fresh_copy_and_keeps_its_source() -> None:
    rule = rules.compile({"preserve": {"a": [1]}})
    first = rule.evaluate()
    first["a"].append(2)
    assert rule.evaluate() == {"a": [1]}
    assert rule.source == {"preserve": {"a": [1]}}
    assert pickle.loads(pickle.dumps(rule)) == rule
    assert str(rule.explain()) == '✔ preserve → {"a":[1]}'


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"preserve": {"a": float("nan")}}, r"\$\.preserve\.a: not a JSON value: nan"),
        ({"preserve": {1: "x"}}, r"\$\.preserve: not a JSON object key: 1"),
        ({"preserve": [object()]}, r"\$\.preserve\[0\]: not a JSON value: builtins.object"),
    ],
)
def test_preserve_refuses_what_is_not_json(rule: Any, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        rules.compile(rule)


def test_preserve_is_bounded_in_depth() -> None:
    deep: Any = 1
    for _ in range(rules.MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(RuleError, match="nested deeper"):
        rules.compile({"preserve": deep})


# --------------------------------------------------------------------------- empty and / or


@pytest.mark.parametrize("dialect", BOTH)
def test_empty_and_or_are_false(dialect: str) -> None:
    assert rules.compile({"and": []}, dialect=dialect).evaluate() is False
    assert rules.compile({"or": []}, dialect=dialect).evaluate() is False
    assert rules.compile({"and": []}, dialect=dialect).explain().result is False


# --------------------------------------------------------------------------- dialects


def test_the_dialect_is_named_and_checked() -> None:
    assert rules.compile({"var": "x"}).dialect is rules.Dialect.CLASSIC
    assert rules.compile(1, dialect=rules.Dialect.COMMUNITY).dialect.value == "community"
    with pytest.raises(ValidationError, match="unknown dialect") as caught:
        rules.compile({"var": "x"}, dialect="modern")
    assert caught.value.path == "dialect"
    with pytest.raises(ValidationError):
        rules.evaluate({"var": "x"}, dialect="modern")


def test_rules_of_different_dialects_differ() -> None:
    classic = rules.compile({"!!": [{"var": "x"}]})
    community = rules.compile({"!!": [{"var": "x"}]}, dialect="community")
    assert classic != community
    assert classic == rules.compile({"!!": [{"var": "x"}]}, dialect="classic")
    restored = pickle.loads(pickle.dumps(community))
    assert restored == community
    assert restored.dialect is rules.Dialect.COMMUNITY
    assert repr(community) == """CompiledRule({"!!":[{"var":"x"}]}, dialect='community')"""


@pytest.mark.parametrize(
    ("rule", "data", "classic", "community"),
    [
        ({"!!": [{"var": "x"}]}, {"x": {}}, False, True),
        ({"if": [{"var": "x"}, "yes", "no"]}, {"x": {}}, "no", "yes"),
        ({"filter": [{"var": "xs"}, {"var": ""}]}, {"xs": [{}, 0]}, [], [{}]),
        ({"==": [None, 0]}, None, False, True),
        ({"!=": [None, 0]}, None, True, False),
        ({"*": []}, None, RuleError, 1),
        ({"/": [4]}, None, RuleError, 0.25),
        ({"!": []}, None, RuleError, True),
        ({"and": True}, None, True, RuleError),
        ({"if": "x"}, None, "x", RuleError),
        ({"map": [None, {"var": ""}]}, None, [], RuleError),
        ({"all": [{"var": "xs"}, True]}, None, False, RuleEvaluationError),
        ({"<": [1, "A"]}, None, False, RuleEvaluationError),
        ({">": [[1], 0]}, None, True, RuleEvaluationError),
        ({"==": [{"var": "x"}, 1]}, {"x": {}}, False, RuleEvaluationError),
        ({"<": ["2023", "2024-01-01"]}, None, True, True),
        ({"==": ["3", 3]}, None, True, True),
    ],
)
def test_where_the_dialects_disagree(rule: Any, data: Any, classic: Any, community: Any) -> None:
    for dialect, expected in (("classic", classic), ("community", community)):
        if expected is RuleError:
            with pytest.raises(RuleError):
                rules.compile(rule, dialect=dialect)
        elif expected is RuleEvaluationError:
            with pytest.raises(RuleEvaluationError) as caught:
                rules.compile(rule, dialect=dialect).evaluate(data)
            assert caught.value.error["type"] in ("NaN", "Invalid Arguments")
        else:
            assert rules.compile(rule, dialect=dialect).evaluate(data) == expected, dialect


def test_community_truthiness_reaches_matches_and_explain() -> None:
    rule = rules.compile({"var": "x"}, dialect="community")
    assert rule.matches({"x": {}}) is True
    assert rule.explain({"x": {}}).truthy is True
    assert rules.compile({"var": "x"}).matches({"x": {}}) is False


def test_community_comparison_errors_name_the_value() -> None:
    rule = rules.compile({"<": [{"var": "x"}, 1]}, dialect="community")
    with pytest.raises(RuleEvaluationError, match="cannot compare an array as a number") as caught:
        rule.evaluate({"x": [1]})
    assert caught.value.error == {"type": "NaN"}
    assert caught.value.path == "$"


@pytest.mark.parametrize("dialect", BOTH)
def test_try_handlers_can_climb_to_the_data(dialect: str) -> None:
    rule = {"try": [{"throw": "oops"}, {"cat": [{"val": "type"}, {"val": [[2], "suffix"]}]}]}
    assert rules.compile(rule, dialect=dialect).evaluate({"suffix": "!"}) == "oops!"
