"""Invariants of the rule engine, checked on random rules and data."""

from __future__ import annotations

import pickle
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_core import rules
from sfa_core.errors import RuleError, RuleEvaluationError
from sfa_core.rules import Expr, all_of, any_of, between, if_, not_, var
from sfa_core.testing._rule_strategies import json_values, rule_data
from sfa_core.testing._rule_strategies import rules as random_rules

FIELDS = ("amount", "region", "tier", "lines")


def outcome(rule: rules.CompiledRule, data: Any) -> tuple[str, Any]:
    try:
        return "ok", rule.evaluate(data)
    except RuleEvaluationError as exc:
        return "error", exc.error


@given(random_rules(FIELDS), rule_data(FIELDS))
def test_explain_comes_from_the_same_evaluation(rule: Any, data: Any) -> None:
    compiled = rules.compile(rule)
    kind, value = outcome(compiled, data)
    explanation = compiled.explain(data)
    if kind == "ok":
        assert not explanation.failed
        assert explanation.result == value
        assert explanation.truthy is rules.truthy(value)
        assert compiled.matches(data) is rules.truthy(value)
    else:
        assert explanation.error == value
        assert explanation.result is None
    assert explanation.source == compiled.source
    # Every evaluated operator node's operands are the results of its evaluated children.
    for node in explanation.walk():
        if node.evaluated and not node.failed and node.operator is not None:
            children = [
                c.result for c in node.children if c.evaluated and not c.failed and c.item is None
            ]
            assert list(node.operands) == children


@given(random_rules(FIELDS), rule_data(FIELDS))
def test_pickling_round_trip(rule: Any, data: Any) -> None:
    compiled = rules.compile(rule)
    copy = pickle.loads(pickle.dumps(compiled))
    assert copy == compiled
    assert hash(copy) == hash(compiled)
    assert copy.source == rule
    assert outcome(copy, data) == outcome(compiled, data)


@given(random_rules(FIELDS))
def test_source_round_trips_through_the_builder(rule: Any) -> None:
    assert rules.compile(Expr(rule)).source == rule
    assert rules.compile(rule) == rules.compile(rules.compile(rule).source)


# --------------------------------------------------------------------------- builder vs JSON

_leaf = st.one_of(
    st.sampled_from(FIELDS).map(lambda name: (var(name), {"var": name})),
    st.integers(-100, 100).map(lambda n: (n, n)),
    st.sampled_from(["EMEA", "gold", ""]).map(lambda s: (s, s)),
)


def _combine(children: st.SearchStrategy[tuple[Any, Any]]) -> st.SearchStrategy[tuple[Any, Any]]:
    def expr(item: Any) -> Expr:
        return item if isinstance(item, Expr) else Expr(item)

    def binary(op: str) -> st.SearchStrategy[tuple[Any, Any]]:
        builders = {
            "==": lambda a, b: expr(a) == b,
            "!=": lambda a, b: expr(a) != b,
            "<": lambda a, b: expr(a) < b,
            "<=": lambda a, b: expr(a) <= b,
            ">": lambda a, b: expr(a) > b,
            ">=": lambda a, b: expr(a) >= b,
            "-": lambda a, b: expr(a) - b,
            "/": lambda a, b: expr(a) / b,
            "%": lambda a, b: expr(a) % b,
        }
        return st.tuples(children, children).map(
            lambda t: (builders[op](t[0][0], t[1][0]), {op: [t[0][1], t[1][1]]})
        )

    return st.one_of(
        *(binary(op) for op in ("==", "!=", "<", "<=", ">", ">=", "-", "/", "%")),
        st.lists(children, min_size=1, max_size=3).map(
            lambda items: (all_of(*(i[0] for i in items)), {"and": [i[1] for i in items]})
        ),
        st.lists(children, min_size=1, max_size=3).map(
            lambda items: (any_of(*(i[0] for i in items)), {"or": [i[1] for i in items]})
        ),
        children.map(lambda c: (not_(c[0]), {"!": [c[1]]})),
        children.map(lambda c: (~expr(c[0]), {"!": [c[1]]})),
        st.tuples(children, children, children).map(
            lambda t: (if_(t[0][0], t[1][0], t[2][0]), {"if": [t[0][1], t[1][1], t[2][1]]})
        ),
        st.tuples(children, children, children).map(
            lambda t: (between(t[0][0], t[1][0], t[2][0]), {"<=": [t[0][1], t[1][1], t[2][1]]})
        ),
    )


_pairs = st.recursive(_leaf, _combine, max_leaves=10)


@given(_pairs, rule_data(FIELDS))
def test_builder_json_equals_hand_written_json(pair: tuple[Any, Any], data: Any) -> None:
    built, written = pair
    built_json = built.to_json() if isinstance(built, Expr) else built
    assert built_json == written
    assert outcome(rules.compile(Expr(built)), data) == outcome(rules.compile(written), data)


# --------------------------------------------------------------------------- error paths


def _key_path(path: str, key: str) -> str:
    if key.isidentifier():
        return f"{path}.{key}"
    return f"{path}['{key}']"


def positions(rule: Any, path: str = "$") -> list[tuple[str, tuple[Any, ...]]]:
    """Every place a sub-rule sits: (JSON path, the keys/indexes to reach it)."""
    found: list[tuple[str, tuple[Any, ...]]] = [(path, ())]
    if isinstance(rule, list):
        for i, item in enumerate(rule):
            found += [(p, (i, *keys)) for p, keys in positions(item, f"{path}[{i}]")]
    elif isinstance(rule, dict) and len(rule) == 1:
        ((op, args),) = rule.items()
        base = _key_path(path, op)
        if isinstance(args, list):
            for i, item in enumerate(args):
                found += [(p, (op, i, *keys)) for p, keys in positions(item, f"{base}[{i}]")]
        else:
            found += [(p, (op, *keys)) for p, keys in positions(args, base)]
    return found


def replace(rule: Any, keys: tuple[Any, ...], new: Any) -> Any:
    if not keys:
        return new
    head, rest = keys[0], keys[1:]
    if isinstance(rule, list):
        return [replace(item, rest, new) if i == head else item for i, item in enumerate(rule)]
    ((op, args),) = rule.items()
    if isinstance(args, list):
        return {op: replace(args, rest, new)}
    return {op: replace(args, rest, new)}


@given(random_rules(FIELDS), st.data(), st.integers(0, 5))
def test_error_path_points_at_the_bad_operator(rule: Any, data: st.DataObject, wraps: int) -> None:
    for _ in range(wraps):
        rule = {"and": [True, rule]}
    places = positions(rule)
    path, keys = data.draw(st.sampled_from(places))
    bad = {"no_such_operator": [1]}
    with pytest.raises(RuleError) as caught:
        rules.compile(replace(rule, keys, bad))
    assert caught.value.path == path
    assert caught.value.rule == bad


# --------------------------------------------------------------------------- numbers

_decimals = st.decimals(
    min_value=Decimal("-1000000"),
    max_value=Decimal("1000000"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(_decimals, _decimals)
def test_decimal_sums_are_exact(a: Decimal, b: Decimal) -> None:
    rule = rules.compile({"==": [{"+": [{"var": "a"}, {"var": "b"}]}, {"var": "c"}]})
    assert rule.evaluate({"a": a, "b": b, "c": a + b}) is True
    total = rules.evaluate({"+": [{"var": "a"}, {"var": "b"}]}, {"a": a, "b": b})
    assert type(total) is Decimal
    assert total == a + b
    # A float literal means the decimal it spells.
    literal = float(str(a + b))
    assert rules.evaluate({"==": [{"+": [{"var": "a"}, {"var": "b"}]}, literal]}, {"a": a, "b": b})


@given(_decimals, st.sampled_from(["-0.01", "0", "0.01", "0.005", "-0.005"]))
def test_decimal_orderings_against_float_literals(amount: Decimal, offset: str) -> None:
    spelled = amount + Decimal(offset)
    limit = float(str(spelled))  # the float literal a rule author writes for ``spelled``
    assert Decimal(repr(limit)) == spelled
    data = {"x": amount}
    for op, expected in (
        ("<", amount < spelled),
        ("<=", amount <= spelled),
        (">", amount > spelled),
        (">=", amount >= spelled),
        ("==", amount == spelled),
    ):
        assert rules.evaluate({op: [{"var": "x"}, limit]}, data) is expected
        assert rules.evaluate({op: [{"var": "x"}, {"var": "limit"}]}, {**data, "limit": limit}) is (
            expected
        )


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", "0", "1", "1.0", " 2 ", "a", "0x1", "true"]),
    st.lists(st.integers(0, 2), max_size=2),
)


@given(_scalars, _scalars)
def test_loose_equality_is_symmetric_and_implied_by_strict(a: Any, b: Any) -> None:
    data = {"a": a, "b": b}
    loose = rules.evaluate({"==": [{"var": "a"}, {"var": "b"}]}, data)
    assert loose is rules.evaluate({"==": [{"var": "b"}, {"var": "a"}]}, data)
    assert loose is not rules.evaluate({"!=": [{"var": "a"}, {"var": "b"}]}, data)
    if rules.evaluate({"===": [{"var": "a"}, {"var": "b"}]}, data):
        assert loose


@given(
    st.one_of(st.integers(-100, 100), st.floats(allow_nan=False, allow_infinity=False)),
    st.one_of(st.integers(-100, 100), st.floats(allow_nan=False, allow_infinity=False)),
)
def test_numbers_order_as_python_numbers(a: float, b: float) -> None:
    data = {"a": a, "b": b}
    for op, expected in (("<", a < b), ("<=", a <= b), (">", a > b), (">=", a >= b)):
        assert rules.evaluate({op: [{"var": "a"}, {"var": "b"}]}, data) is expected
        assert rules.evaluate({op: [{"var": "a"}, b]}, data) is expected


@given(json_values())
def test_not_is_the_negated_truthiness(value: Any) -> None:
    rule = rules.compile({"!": [{"var": "v"}]})
    assert rule.evaluate({"v": value}) is (not rules.truthy(value))
    assert rules.compile({"!!": [{"var": "v"}]}).evaluate({"v": value}) is rules.truthy(value)


@given(
    st.dictionaries(st.sampled_from(["a", "b", "c"]), st.one_of(st.none(), json_values())),
    st.sampled_from(["a", "b", "c"]),
    st.one_of(st.none(), st.integers(), st.text(max_size=3)),
)
def test_var_reads_what_is_there(data: dict[str, Any], name: str, default: Any) -> None:
    expected = data.get(name, default)
    assert rules.evaluate({"var": [name, default]}, data) == expected
    assert rules.compile({"var": [name, default]}).explain(data).result == expected
    nested = {"outer": data}
    assert rules.evaluate({"var": [f"outer.{name}", default]}, nested) == expected
    assert rules.evaluate({"val": ["outer", name]}, nested) == data.get(name)
    assert rules.evaluate({"exists": ["outer", name]}, nested) is (name in data)
