"""Evaluation budgets and hostile data: every failure is a RuleEvaluationError, and fast.

The rules of issue 12 that used to exhaust memory or never finish run in a
subprocess with a time limit, so that a regression fails instead of hanging.
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
import textwrap
from decimal import Decimal
from typing import Any

import attrs
import pytest

from sfa_core import rules
from sfa_core.errors import RuleEvaluationError, SfaError, ValidationError


def budget_error(
    rule: Any,
    data: Any = None,
    *,
    max_steps: int = rules.MAX_STEPS,
    max_size: int = rules.MAX_SIZE,
    max_exponent: int = rules.MAX_EXPONENT,
) -> RuleEvaluationError:
    compiled = rules.compile(
        rule, max_steps=max_steps, max_size=max_size, max_exponent=max_exponent
    )
    with pytest.raises(RuleEvaluationError) as caught:
        compiled.evaluate(data)
    assert caught.value.error["type"] == "Budget"
    assert caught.value.reason.startswith("evaluation budget spent: ")
    return caught.value


def in_subprocess(code: str, timeout: float = 20.0) -> str:
    """Run ``code`` in a fresh interpreter (memory capped at 1 GiB); return its output."""
    script = textwrap.dedent(
        """
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from decimal import Decimal
        from sfa_core import rules
        from sfa_core.errors import RuleEvaluationError
        """
    ) + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


# --------------------------------------------------------------------------- issue 12 rules

HOSTILE = {
    "cat doubling": (
        '{"reduce": [[0] * 40, {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "x"]}',
        "None",
        "size",
    ),
    "times squaring": (
        '{"reduce": [[0] * 40, {"*": [{"var": "accumulator"}, {"var": "accumulator"}]}, 2]}',
        "None",
        "magnitude",
    ),
    "map three deep": (
        '{"map": [{"var": "a"}, {"map": [{"var": ""}, {"map": [{"var": ""}, 1]}]}]}',
        '{"a": [[[0] * 3000] * 3000] * 3000}',
        "steps",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_rules_spend_a_budget_quickly(name: str) -> None:
    rule, data, budget = HOSTILE[name]
    out = in_subprocess(
        f"""
        try:
            rules.compile({rule}).evaluate({data})
        except RuleEvaluationError as exc:
            print(exc.error["budget"], exc.reason)
        """
    )
    assert out.startswith(budget + " evaluation budget spent: "), out


def test_the_found_rules_name_the_budget_in_their_messages() -> None:
    spent = budget_error(
        {"map": [{"var": "a"}, {"map": [{"var": ""}, {"map": [{"var": ""}, 1]}]}]},
        {"a": [[[0] * 3000] * 3000] * 3000},
    )
    assert spent.error == {"type": "Budget", "budget": "steps", "limit": rules.MAX_STEPS}
    assert str(spent).endswith("evaluation budget spent: more than 100000 steps")
    doubling = {"reduce": [[0] * 40, {"cat": [{"var": "accumulator"}] * 2}, "x"]}
    assert "longer than 100000" in budget_error(doubling).reason
    squaring = {"reduce": [[0] * 40, {"*": [{"var": "accumulator"}] * 2}, 2]}
    assert "1E+1000" in budget_error(squaring).reason


def test_text_of_a_huge_decimal_is_short() -> None:
    out = in_subprocess(
        """
        huge = {"x": Decimal("1E+999999999")}
        print(rules.evaluate({"cat": [{"var": "x"}]}, huge))
        print(rules.evaluate({"substr": [{"var": "x"}, 0, 3]}, huge))
        print(rules.evaluate({"substr": ["abc", {"var": "x"}]}, huge) == "")
        print(rules.evaluate({"cat": [{"var": "x"}]}, {"x": Decimal("1E-999999999")}))
        """
    )
    assert out.split() == ["1E+999999999", "1E+", "True", "1E-999999999"]


# --------------------------------------------------------------------------- the budgets


def test_budgets_are_settable_per_compile() -> None:
    rule = rules.compile({"map": [{"var": "xs"}, {"+": [{"var": ""}, 1]}]}, max_steps=30)
    assert rule.budgets == {"max_steps": 30, "max_size": 100_000, "max_exponent": 1000}
    assert rule.evaluate({"xs": list(range(10))}) == list(range(1, 11))  # 10 x 3 steps
    spent = budget_error(rule.source, {"xs": list(range(11))}, max_steps=30)
    assert spent.path == "$"
    assert spent.error["limit"] == 30
    assert str(spent) == "$: evaluation budget spent: more than 30 steps"


def test_steps_are_shared_by_every_iterator_of_an_evaluation() -> None:
    # each item costs 1 + 1 (the body's var), charged when the iterator starts
    one = {"some": [{"var": "xs"}, {"var": ""}]}
    rule = rules.compile({"and": [one, one, one]}, max_steps=60)
    assert rule.evaluate({"xs": [1] * 10}) is True  # 3 x 10 x 2 = 60 steps
    budget_error({"and": [one, one, one]}, {"xs": [1] * 10}, max_steps=59)
    # every evaluation starts afresh
    assert rule.evaluate({"xs": [1] * 10}) is True
    # nested: the inner iterator is charged each time it runs
    nested = {"map": [{"var": "xs"}, {"map": [{"var": ""}, 1]}]}
    grid = {"xs": [[0] * 10] * 10}
    assert rules.compile(nested, max_steps=130).evaluate(grid) == [[1] * 10] * 10
    budget_error(nested, grid, max_steps=129)  # 10 x 3 + 10 x (10 x 1) = 130


def test_size_budget_bounds_cat_substr_and_merge() -> None:
    data = {"s": "x" * 50, "xs": list(range(50))}
    assert rules.compile({"cat": [{"var": "s"}] * 2}, max_size=100).evaluate(data) == "x" * 100
    budget_error({"cat": [{"var": "s"}] * 3}, data, max_size=100)
    budget_error({"substr": [{"var": "s"}, 0]}, data, max_size=10)
    assert len(rules.compile({"merge": [{"var": "xs"}] * 2}, max_size=100).evaluate(data)) == 100
    spent = budget_error({"merge": [{"var": "xs"}] * 3}, data, max_size=100)
    assert spent.error["budget"] == "size"


def test_magnitude_budget_bounds_computed_numbers() -> None:
    assert rules.evaluate({"*": [10**500, 10**500]}) == 10**1000
    budget_error({"*": [10**500, 10**501]})
    budget_error({"*": [10, 10, 10]}, max_exponent=2)
    budget_error({"+": [{"var": "x"}, 1]}, {"x": Decimal("9E+21")}, max_exponent=20)
    budget_error({"/": [1, {"var": "x"}]}, {"x": Decimal("1E+30")}, max_exponent=20)
    assert rules.compile({"*": [10, 10]}, max_exponent=2).evaluate() == 100


def test_try_does_not_catch_a_spent_budget() -> None:
    doubling = {"reduce": [[0] * 40, {"cat": [{"var": "accumulator"}] * 2}, "x"]}
    budget_error({"try": [doubling, "fallback"]})
    assert rules.evaluate({"try": [{"/": [1, 0]}, "fallback"]}) == "fallback"


def test_explain_records_a_spent_budget() -> None:
    rule = rules.compile({"map": [{"var": "xs"}, {"var": ""}]}, max_steps=5)
    explanation = rule.explain({"xs": [1, 2, 3]})
    assert explanation.result is None
    assert explanation.error["budget"] == "steps"


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "10", None])
def test_budgets_must_be_positive_ints(value: Any) -> None:
    with pytest.raises(ValidationError, match="max_size"):
        rules.compile(True, max_size=value)


def test_budgets_survive_pickling() -> None:
    rule = rules.compile({"var": "x"}, max_steps=7, max_size=8, max_exponent=9)
    assert pickle.loads(pickle.dumps(rule)).budgets == rule.budgets


# --------------------------------------------------------------------------- escaping exceptions


@pytest.mark.parametrize(
    "rule",
    [
        {"/": [{"var": "x"}, 3]},
        {"+": [{"var": "x"}, 1.5]},
        {"-": [{"var": "x"}, 0.5]},
        {"*": [{"var": "x"}, 0.5]},
        {"+": [{"var": "x"}, 0.5, 1]},
        {"/": [{"var": "x"}, 3, 1]},
    ],
)
def test_overflowing_a_float_is_a_rule_evaluation_error(rule: Any) -> None:
    with pytest.raises(RuleEvaluationError):
        rules.evaluate(rule, {"x": 10**400})


@pytest.mark.parametrize(
    "rule",
    [
        {"==": [{"var": "x"}, 1]},
        {"===": [{"var": "x"}, 1]},
        {"==": [{"var": "x"}, {"var": "x"}]},
        {"<": [{"var": "x"}, 1]},
        {"<": [{"var": "x"}, {"var": "y"}]},
        {"<=": [0, {"var": "x"}, 2]},
        {"!!": {"var": "x"}},
        {"in": [{"var": "x"}, [1, 2]]},
        {"max": [{"var": "x"}, 1]},
        {"+": [{"var": "x"}, 1]},
        {"%": [{"var": "x"}, 2]},
        {"cat": [{"var": "x"}]},
        {"if": [{"var": "x"}, 1, 2]},
    ],
)
def test_a_signalling_nan_in_the_data_never_escapes(rule: Any) -> None:
    data = {"x": Decimal("sNaN"), "y": Decimal("sNaN")}
    with contextlib.suppress(RuleEvaluationError):
        rules.evaluate(rule, data)
    rules.compile(rule).explain(data)


def deep_list(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


def cyclic_list() -> list[Any]:
    value: list[Any] = [1]
    value.append(value)
    return value


def cyclic_dict() -> dict[str, Any]:
    value: dict[str, Any] = {"a": 1}
    value["self"] = value
    return value


@pytest.mark.parametrize(
    "rule",
    [
        {"cat": [{"var": "x"}]},
        {"substr": [{"var": "x"}, 1]},
        {"==": [{"var": "x"}, "a"]},
        {"!=": [{"var": "x"}, 1]},
        {"<": [{"var": "x"}, "a"]},
        {"in": ["a", {"var": "x"}]},
        {"in": [{"var": "x"}, ["a"]]},
        {"var": {"var": "x"}},
        {"missing": [{"var": "x"}]},
        {"+": [{"var": "x"}, 1]},
        {"var": "x"},
    ],
)
@pytest.mark.parametrize("make", [lambda: deep_list(10_000), cyclic_list, cyclic_dict])
def test_deep_or_cyclic_data_never_escapes(rule: Any, make: Any) -> None:
    data = {"x": make()}
    with contextlib.suppress(RuleEvaluationError):
        rules.evaluate(rule, data)
    str(rules.compile(rule).explain(data))  # rendering is bounded too


def test_cyclic_arrays_join_as_in_javascript() -> None:
    assert rules.evaluate({"cat": [{"var": "x"}]}, {"x": cyclic_list()}) == "1,"


def test_deep_data_fails_with_a_depth_budget() -> None:
    with pytest.raises(RuleEvaluationError, match="nested deeper than") as caught:
        rules.evaluate({"cat": [{"var": "x"}]}, {"x": deep_list(10_000)})
    assert caught.value.error["budget"] == "depth"


def test_huge_numbers_as_indexes_and_text_are_cheap() -> None:
    out = in_subprocess(
        """
        huge = {"x": Decimal("1E+999999999"), "n": 10**5000}
        print(rules.evaluate({"substr": ["abcdef", {"var": "x"}]}, huge) == "")
        print(rules.evaluate({"substr": ["abcdef", 1, {"var": "x"}]}, huge))
        print(rules.evaluate({"val": [[{"var": "x"}], "a"]}, huge))
        print(rules.evaluate({"cat": [{"var": "n"}]}, huge)[:5])
        """
    )
    assert out.split() == ["True", "bcdef", "None", "1.000"]


def test_a_schema_type_that_is_not_text_is_a_validation_error() -> None:
    bad: Any
    for bad in ([], {}, 1, None):
        with pytest.raises(ValidationError):
            rules.Schema({"a": bad})


@attrs.frozen
class Record:
    public: int = 1
    _test: str = "private"


def test_private_and_dunder_names_of_host_objects_never_resolve() -> None:
    data = {"r": Record()}
    assert rules.evaluate({"var": "r.public"}, data) == 1
    for name in ("r._test", "r.__class__", "r.__dict__", "r.__init__", "r.__attrs_attrs__"):
        assert rules.evaluate({"var": name}, data) is None
        assert rules.evaluate({"val": ["r", name.split(".")[1]]}, data) is None
        assert rules.evaluate({"exists": ["r", name.split(".")[1]]}, data) is False
    assert rules.evaluate({"missing": ["r._test", "r.public"]}, data) == ["r._test"]
    assert "private" not in str(rules.compile({"var": "r"}).explain(data))


def test_nothing_outside_sfa_error_escapes_a_hostile_mix() -> None:
    data = {"x": [Decimal("sNaN"), 10**400, deep_list(3000), cyclic_list()]}
    for rule in (
        {"map": [{"var": "x"}, {"cat": [{"var": ""}]}]},
        {"map": [{"var": "x"}, {"+": [{"var": ""}, 0.5]}]},
        {"filter": [{"var": "x"}, {"==": [{"var": ""}, "1"]}]},
        {"reduce": [{"var": "x"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]},
    ):
        with contextlib.suppress(SfaError):
            rules.evaluate(rule, data)
