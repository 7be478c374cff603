"""The json-logic organisation's newer shared test suites, run under the community dialect.

Every case must pass except those in :data:`SKIPS` (each with its reason). The
same cases are also run under the classic dialect, to keep the count of their
known disagreements from growing unnoticed.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from sfa_core import rules
from sfa_core.errors import RuleError, RuleEvaluationError

DATA = pathlib.Path(__file__).resolve().parent.parent / "data" / "jsonlogic"
SUITES = DATA / "community"

#: Cases left out, by ``"<suite file>: <description>"``, each with the reason.
#: Empty: every case of the vendored suites passes.
SKIPS: dict[str, str] = {}

#: How many cases of the newer suites the classic dialect passes (it disagrees, on
#: purpose, about truthiness of ``{}``, comparisons without numbers, static operands
#: of ``and``/``or``/``if``, single-operand ``/``, empty ``*`` and null arrays).
CLASSIC_PASSES = 1053


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


def _suite_files() -> list[str]:
    names: list[str] = json.loads((SUITES / "index.json").read_text(encoding="utf-8"))
    return names


def _path(name: str) -> pathlib.Path:
    # the classic suite is vendored once, next to this directory
    return DATA / name if name == "compatible.json" else SUITES / name


def _cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for name in _suite_files():
        for entry in json.loads(_path(name).read_text(encoding="utf-8")):
            if isinstance(entry, str):
                continue
            label = f"{name}: {entry.get('description') or json.dumps(entry['rule'])}"
            cases.append((label, entry))
    return cases


CASES = _cases()


def outcome(case: dict[str, Any], dialect: str) -> str | None:
    """Run one case; return ``None`` when it passes, else what went wrong."""
    data = case.get("data")
    expected_error = case.get("error")
    try:
        rule = rules.compile(case["rule"], dialect=dialect)
    except RuleError as exc:
        if expected_error == {"type": "Invalid Arguments"}:
            return None  # a malformed rule, refused when compiling
        return f"refused when compiling: {exc}"
    try:
        result = rule.evaluate(data)
    except RuleEvaluationError as exc:
        if expected_error is None:
            return f"failed: {exc}"
        return None if exc.error == expected_error else f"failed with {exc.error!r}"
    if expected_error is not None:
        return f"returned {result!r}, expected the error {expected_error!r}"
    if not json_equal(result, case["result"]):
        return f"returned {result!r}, expected {case['result']!r}"
    explained = rule.explain(data)
    if not json_equal(explained.result, result):
        return f"explain() returned {explained.result!r}"
    return None


def test_the_suites_are_complete() -> None:
    assert len(_suite_files()) == 48
    assert len(CASES) == 1138


def test_every_skip_names_a_case() -> None:
    labels = {label for label, _ in CASES}
    assert set(SKIPS) <= labels
    assert all(reason.strip() for reason in SKIPS.values())


@pytest.mark.parametrize("case", [pytest.param(c, id=label[:120]) for label, c in CASES])
def test_case(case: dict[str, Any]) -> None:
    label = next(label for label, c in CASES if c is case)
    if label in SKIPS:
        pytest.skip(SKIPS[label])
    problem = outcome(case, "community")
    assert problem is None, problem


def test_pass_rates(capsys: pytest.CaptureFixture[str]) -> None:
    community = sum(outcome(case, "community") is None for _, case in CASES)
    classic = sum(outcome(case, "classic") is None for _, case in CASES)
    with capsys.disabled():
        print(
            f"\nnewer JSON Logic suites: community {community}/{len(CASES)}"
            f" ({community / len(CASES):.1%}), classic {classic}/{len(CASES)}"
            f" ({classic / len(CASES):.1%})"
        )
    assert community == len(CASES) - len(SKIPS)
    assert classic >= CLASSIC_PASSES
