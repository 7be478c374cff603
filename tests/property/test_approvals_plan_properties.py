"""Invariants of planning: deterministic, approvers real and active, collect is the union,
the index finds what a full scan finds, and fast checks equal the traced explanation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sfa_core.approvals import ApprovalRule, ApproverSpec, Policy, plan
from sfa_core.approvals.planning import _from_explanation
from sfa_core.directory import Directory, Group, User
from sfa_core.errors import SfaError

DIRECTORY = Directory(
    users=[
        User("ceo", roles=["vp_sales"]),
        User("vp", manager="ceo", roles=["vp_sales"]),
        User("max", manager="vp", roles=["manager"]),
        User("ana", manager="max"),
        User("lee", manager="vp"),
        User("kim", manager="vp"),
        User("old", manager="vp", active=False, roles=["manager"]),
    ],
    groups=[Group("legal", members=["lee", "kim", "old"])],
)

FIELDS = ["max_line_discount", "discount_percent", "margin_percent", "net_total"]
SPECS = [
    ApproverSpec.manager(),
    ApproverSpec.manager(2),
    ApproverSpec.user("ceo"),
    ApproverSpec.role("vp_sales"),
    ApproverSpec.role("manager", mode="unanimous"),
    ApproverSpec.group("legal", mode="first_response"),
    ApproverSpec.group("legal", mode="at_least", minimum=2, required=["lee"]),
]

numbers = st.integers(-5, 60).map(Decimal) | st.decimals("-5", "60", places=2)
thresholds = st.integers(0, 50) | st.sampled_from([12.5, 14.9, 20.01, 0.5])
comparison = st.builds(
    lambda field, op, t, flip: {op: [t, {"var": field}]} if flip else {op: [{"var": field}, t]},
    st.sampled_from(FIELDS),
    st.sampled_from([">", ">=", "<", "<=", "==", "!="]),
    thresholds,
    st.booleans(),
)
conditions = st.recursive(
    comparison | st.just({"var": "over_authority"}) | st.just({"in": ["DESK", {"var": "skus"}]}),
    lambda inner: (
        st.builds(
            lambda op, items: {op: items},
            st.sampled_from(["and", "or"]),
            st.lists(inner, min_size=1, max_size=3),
        )
        | inner.map(lambda c: {"!": [c]})
    ),
    max_leaves=5,
)


@st.composite
def policies(draw: Any, hit: str = "collect") -> Policy:
    count = draw(st.integers(0, 12))
    rules = [
        ApprovalRule(
            id=f"r{i}",
            condition=draw(conditions),
            approvers=draw(st.sampled_from(SPECS)),
            level=draw(st.integers(1, 3)),
            chain=draw(st.sampled_from(["discount", "legal"])),
            active=draw(st.booleans() | st.just(True)),
        )
        for i in range(count)
    ]
    return Policy(id="p", rules=rules, hit_policy=hit)


contexts = st.fixed_dictionaries(
    dict.fromkeys(FIELDS, numbers)
    | {
        "over_authority": st.booleans(),
        "skus": st.lists(st.sampled_from(["DESK", "LAMP"]), unique=True),
    }
)


def _plan(policy: Policy, context: dict[str, Any]) -> Any:
    try:
        return plan(policy, context, DIRECTORY, owner="ana")
    except SfaError as err:
        return type(err), str(err)


@given(policies(), contexts)
def test_a_plan_is_deterministic(policy: Policy, context: dict[str, Any]) -> None:
    assert _plan(policy, context) == _plan(policy, dict(context))


@given(policies(), contexts)
def test_every_approver_is_an_active_user_of_the_directory_and_never_the_owner(
    policy: Policy, context: dict[str, Any]
) -> None:
    result = _plan(policy, context)
    if isinstance(result, tuple):
        return
    for step in result.steps:
        assert step.approvers
        for user in step.approvers:
            assert DIRECTORY.user(user).active
            assert user != "ana"
        assert step.minimum <= len(step.approvers)
        assert set(step.required) <= set(step.approvers)
    keys = [(step.level, step.chain) for step in result.steps]
    assert keys == sorted(keys)


@given(policies(), contexts)
def test_collect_applies_the_union_of_every_matching_rule(
    policy: Policy, context: dict[str, Any]
) -> None:
    result = _plan(policy, context)
    if isinstance(result, tuple):
        return
    matching = [rule.id for rule in policy.rules if rule.matches(context)]
    assert [match.rule for match in result.matched] == matching
    in_steps = [rule_id for step in result.steps for rule_id in step.rules]
    assert sorted(in_steps) == sorted(matching)
    for step in result.steps:
        for rule_id in step.rules:
            r = policy.rule(rule_id)
            assert (r.level, r.chain) == (step.level, step.chain)


@given(
    st.lists(
        st.tuples(st.sampled_from(FIELDS[:2]), st.sampled_from([">", ">=", "<", "<="]), thresholds),
        min_size=4,
        max_size=40,
    ),
    contexts,
)
def test_the_index_matches_what_a_full_scan_matches(
    bands: list[tuple[str, str, Any]], context: dict[str, Any]
) -> None:
    rules = [
        ApprovalRule(id=f"r{i}", condition={op: [{"var": field}, t]}, approvers=SPECS[0])
        for i, (field, op, t) in enumerate(bands)
    ]
    policy = Policy(id="p", rules=rules)
    assert [r.id for r in policy.matching(context)] == [r.id for r in rules if r.matches(context)]


@given(conditions, contexts)
def test_fast_checks_equal_the_checks_read_from_the_traced_explanation(
    condition: Any, context: dict[str, Any]
) -> None:
    rule = ApprovalRule(id="r", condition=condition, approvers=SPECS[0])
    from sfa_core.approvals import explain_rule

    fast = explain_rule(rule, context)
    checks: list[Any] = []
    values: dict[str, Any] = {}
    assert rule.compiled is not None
    _from_explanation(rule.compiled.explain(context), checks, values, "", True)
    assert list(fast.checks) == checks
    assert dict(fast.values) == values
