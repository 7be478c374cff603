"""The community JSON Logic compatibility suite, case by case (278 cases)."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from sfa_core import rules
from sfa_core.errors import RuleEvaluationError

SUITE = pathlib.Path(__file__).resolve().parent.parent / "data" / "jsonlogic" / "compatible.json"


def _cases() -> list[Any]:
    entries = json.loads(SUITE.read_text(encoding="utf-8"))
    cases = []
    section = ""
    for entry in entries:
        if isinstance(entry, str):
            section = entry.lstrip("# ").strip()
            continue
        label = f"{section}: {entry.get('description') or json.dumps(entry['rule'])}"
        cases.append(pytest.param(entry, id=label[:120]))
    return cases


CASES = _cases()


def json_equal(got: Any, expected: Any) -> bool:
    """JSON equality: one number type (1 == 1.0), but booleans are not numbers."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(expected, (int, float)):
        return isinstance(got, (int, float)) and got == expected
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(json_equal(g, e) for g, e in zip(got, expected, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and got.keys() == expected.keys()
            and all(json_equal(got[key], expected[key]) for key in expected)
        )
    return type(got) is type(expected) and got == expected


def test_the_suite_is_complete() -> None:
    assert len(CASES) == 278


def test_json_equal_tells_numbers_from_booleans() -> None:
    assert json_equal(1, 1.0)
    assert not json_equal(1, True)
    assert not json_equal([0], [False])
    assert not json_equal({"a": 1}, {"a": 2})


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    rule = rules.compile(case["rule"])
    data = case.get("data")
    if "error" in case:
        with pytest.raises(RuleEvaluationError):
            rule.evaluate(data)
        return
    result = rule.evaluate(data)
    assert json_equal(result, case["result"]), (result, case["result"])
    explanation = rule.explain(data)
    assert json_equal(explanation.result, result)
