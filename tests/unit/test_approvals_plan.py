"""Planning: the steps a quote needs, their approvers and modes, and the reasons.

Hand-checkable examples from the anchors' documentation:

* Salesforce CPQ Advanced Approvals: rules with conditions over the quote, each
  with an approver and a step of an approval chain; a 22.5 % discount that passes
  the 10 % and the 20 % thresholds goes to the manager, then to the director.
* DMN decision tables: hit policies unique (one match or an error), any (matches
  must agree), first, priority, rule order and collect.
* Odoo approvals: a minimum number of approvals with required approvers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sfa_core.approvals import (
    ApprovalMode,
    ApprovalPlan,
    ApprovalRule,
    ApproverSpec,
    AuthorityMatrix,
    ConditionCheck,
    EmptyApproverGroupError,
    HitPolicy,
    HitPolicyError,
    InactiveApproverError,
    NoEligibleApproverError,
    NoManagerError,
    NotEnoughApproversError,
    Policy,
    UnknownApproverError,
    explain_rule,
    plan,
)
from sfa_core.directory import Delegation, Directory, Group, User
from sfa_core.errors import SfaError, ValidationError

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 3, 1, 9, tzinfo=UTC)

#   ceo
#    └ vp (vp_sales)
#       ├ dir (director)
#       │  └ max (manager)
#       │     └ ana (rep)      owner of the quotes below
#       ├ lee, kim, tom (legal group)
#       └ old (inactive, delegates to vp in March)
DIRECTORY = Directory(
    users=[
        User("ceo", roles=["cfo"]),
        User("vp", manager="ceo", roles=["vp_sales"]),
        User("dir", manager="vp", roles=["director"]),
        User("max", manager="dir", roles=["manager"]),
        User("ana", manager="max", roles=["rep"]),
        User("lee", manager="vp", roles=["legal"]),
        User("kim", manager="vp", roles=["legal"]),
        User("tom", manager="vp", roles=["legal"]),
        User("old", manager="vp", active=False, roles=["legal"]),
        User("gone", active=False),
    ],
    groups=[
        Group("legal", members=["lee", "kim", "tom", "old"]),
        Group("ghosts", members=["gone"]),
    ],
    delegations=[Delegation("old", "vp", dt.datetime(2027, 3, 1, tzinfo=UTC))],
)

CONTEXT = {
    "max_line_discount": Decimal("22.5"),
    "discount_percent": Decimal("18.00"),
    "margin_percent": Decimal("31.20"),
    "net_total": Decimal("41000.00"),
    "currency": "EUR",
    "non_standard_terms": True,
    "skus": ["DESK", "LAMP"],
    "lines": [
        {"key": "L1", "sku": "DESK", "discount_percent": Decimal("22.5")},
        {"key": "L2", "sku": "LAMP", "discount_percent": Decimal("10")},
    ],
    "fields": {"deal_desk": "dir"},
    "owner": "ana",
}


def rule(
    rule_id: str, condition: object, approvers: ApproverSpec, **kwargs: object
) -> ApprovalRule:
    return ApprovalRule(id=rule_id, condition=condition, approvers=approvers, **kwargs)  # type: ignore[arg-type]


def over(field: str, threshold: object) -> dict[str, object]:
    return {">": [{"var": field}, threshold]}


def steps(result: ApprovalPlan) -> list[tuple[str, tuple[str, ...]]]:
    return [(step.key, step.approvers) for step in result.steps]


# -- Salesforce CPQ: chains of steps --------------------------------------------------------------


def test_a_deep_discount_climbs_the_chain_step_by_step() -> None:
    policy = Policy(
        id="cpq",
        rules=[
            rule(
                "over-10", over("max_line_discount", 10), ApproverSpec.manager(), chain="discount"
            ),
            rule(
                "over-20",
                over("max_line_discount", 20),
                ApproverSpec.manager(2),
                level=2,
                chain="discount",
            ),
            rule("over-30", over("max_line_discount", 30), ApproverSpec.role("vp_sales"), level=3),
        ],
    )
    result = plan(policy, CONTEXT, DIRECTORY)
    assert steps(result) == [("1/discount", ("max",)), ("2/discount", ("dir",))]
    assert [match.rule for match in result.matched] == ["over-10", "over-20"]
    check = result.steps[1].reasons[0].checks[0]
    assert check == ConditionCheck("max_line_discount", ">", 20, Decimal("22.5"), True)
    assert result.steps[1].reasons[0].values == {"max_line_discount": Decimal("22.5")}


def test_a_quote_within_every_threshold_is_auto_approved() -> None:
    policy = Policy(
        id="p", rules=[rule("over-30", over("max_line_discount", 30), ApproverSpec.manager())]
    )
    result = plan(policy, CONTEXT, DIRECTORY)
    assert result == ApprovalPlan()
    assert result.auto_approved


def test_parallel_chains_of_one_level_are_separate_steps_ordered_by_chain() -> None:
    policy = Policy(
        id="p",
        rules=[
            rule(
                "terms",
                {"var": "non_standard_terms"},
                ApproverSpec.group("legal", mode="first_response"),
                chain="legal",
            ),
            rule(
                "discount", over("max_line_discount", 10), ApproverSpec.manager(), chain="discount"
            ),
        ],
    )
    result = plan(policy, CONTEXT, DIRECTORY)
    assert steps(result) == [("1/discount", ("max",)), ("1/legal", ("lee", "kim", "tom"))]
    legal = result.step("1/legal")
    assert legal.mode is ApprovalMode.FIRST_RESPONSE
    assert legal.reasons[0].checks == (
        ConditionCheck("non_standard_terms", "truthy", True, True, True),
    )


def test_the_authority_matrix_plans_the_manager_then_the_director() -> None:
    matrix = AuthorityMatrix.from_mapping(
        {"rep": (10, 30), "manager": (20, 25), "director": (30, 20), "vp": (None, None)}
    )
    result = plan(matrix.policy(), CONTEXT, DIRECTORY)
    assert steps(result) == [("1/discount", ("max",)), ("2/discount", ("dir",))]
    assert result.steps[0].mode is ApprovalMode.FIRST_RESPONSE
    thin = dict(CONTEXT, max_line_discount=Decimal("5"), margin_percent=Decimal("22"))
    # margin 22 % is under the rep's 30 % and the manager's 25 %, not the director's 20 %
    assert steps(plan(matrix.policy(), thin, DIRECTORY)) == [
        ("1/discount", ("max",)),
        ("2/discount", ("dir",)),
    ]


# -- DMN hit policies ---------------------------------------------------------------------------


BANDS = [
    rule("over-10", over("max_line_discount", 10), ApproverSpec.manager(), priority=1),
    rule(
        "over-20", over("max_line_discount", 20), ApproverSpec.role("vp_sales"), level=2, priority=5
    ),
    rule(
        "big", {">=": [{"var": "net_total"}, 40000]}, ApproverSpec.user("ceo"), level=3, priority=5
    ),
]


def test_unique_refuses_two_matches_and_accepts_one() -> None:
    policy = Policy(id="p", rules=BANDS, hit_policy="unique")
    with pytest.raises(HitPolicyError) as caught:
        plan(policy, CONTEXT, DIRECTORY)
    err = caught.value
    assert (err.code, err.policy, err.rules) == (
        "hit_policy_violation",
        "p",
        ("over-10", "over-20", "big"),
    )
    one = dict(CONTEXT, max_line_discount=Decimal("15"), net_total=Decimal("100"))
    assert steps(plan(policy, one, DIRECTORY)) == [("1/default", ("max",))]


def test_any_accepts_matches_that_agree_and_refuses_those_that_differ() -> None:
    agree = Policy(
        id="p",
        hit_policy=HitPolicy.ANY,
        rules=[
            rule("discount", over("max_line_discount", 20), ApproverSpec.manager()),
            rule("margin", {"<": [{"var": "margin_percent"}, 35]}, ApproverSpec.manager()),
        ],
    )
    result = plan(agree, CONTEXT, DIRECTORY)
    assert steps(result) == [("1/default", ("max",))]
    assert result.steps[0].rules == ("discount", "margin")
    differ = Policy(id="p", rules=BANDS, hit_policy="any")
    with pytest.raises(HitPolicyError):
        plan(differ, CONTEXT, DIRECTORY)


def test_first_applies_the_first_match_in_policy_order() -> None:
    result = plan(Policy(id="p", rules=BANDS, hit_policy="first"), CONTEXT, DIRECTORY)
    assert steps(result) == [("1/default", ("max",))]
    assert [m.rule for m in result.matched] == ["over-10", "over-20", "big"]
    assert result.notes == ("hit policy first: rule over-10 applies; set aside over-20, big",)


def test_priority_applies_the_highest_priority_and_the_first_of_a_tie() -> None:
    result = plan(Policy(id="p", rules=BANDS, hit_policy="priority"), CONTEXT, DIRECTORY)
    assert steps(result) == [("2/default", ("vp",))]


@pytest.mark.parametrize("hit", ["rule_order", "collect"])
def test_rule_order_and_collect_apply_every_match(hit: str) -> None:
    result = plan(Policy(id="p", rules=BANDS, hit_policy=hit), CONTEXT, DIRECTORY)
    assert steps(result) == [
        ("1/default", ("max",)),
        ("2/default", ("vp",)),
        ("3/default", ("ceo",)),
    ]


# -- Odoo: minimum and required approvers -------------------------------------------------------


def test_at_least_two_of_legal_with_lee_required() -> None:
    spec = ApproverSpec.group("legal", mode="at_least", minimum=2, required=["lee"])
    result = plan(
        Policy(id="p", rules=[rule("terms", None, spec, chain="legal")]), CONTEXT, DIRECTORY
    )
    step = result.step("1/legal")
    # old is inactive: the active members are lee, kim and tom
    assert (step.approvers, step.mode, step.minimum, step.required) == (
        ("lee", "kim", "tom"),
        ApprovalMode.AT_LEAST,
        2,
        ("lee",),
    )


def test_at_least_more_than_the_group_has_is_an_error_at_planning() -> None:
    spec = ApproverSpec.group("legal", mode="at_least", minimum=4)
    with pytest.raises(NotEnoughApproversError) as caught:
        plan(Policy(id="p", rules=[rule("terms", None, spec)]), CONTEXT, DIRECTORY)
    err = caught.value
    assert (err.code, err.minimum, err.available, err.rule) == (
        "not_enough_approvers",
        4,
        3,
        "terms",
    )


def test_a_required_approver_outside_the_group_is_an_error() -> None:
    spec = ApproverSpec.group("legal", mode="at_least", minimum=1, required=["old"])
    with pytest.raises(UnknownApproverError) as caught:
        plan(Policy(id="p", rules=[rule("terms", None, spec)]), CONTEXT, DIRECTORY)
    assert (caught.value.kind, caught.value.approver) == ("required", "old")


# -- approvers from the directory ---------------------------------------------------------------


def test_a_user_taken_from_a_context_field_approves() -> None:
    spec = ApproverSpec.from_field("fields.deal_desk")
    result = plan(Policy(id="p", rules=[rule("desk", None, spec)]), CONTEXT, DIRECTORY)
    assert steps(result) == [("1/default", ("dir",))]
    with pytest.raises(UnknownApproverError) as caught:
        plan(Policy(id="p", rules=[rule("desk", None, spec)]), dict(CONTEXT, fields={}), DIRECTORY)
    assert caught.value.kind == "field"
    with pytest.raises(UnknownApproverError):
        plan(
            Policy(id="p", rules=[rule("desk", None, spec)]),
            dict(CONTEXT, fields={"deal_desk": "nobody"}),
            DIRECTORY,
        )


@pytest.mark.parametrize(
    ("spec", "error", "code"),
    [
        (ApproverSpec.user("nobody"), UnknownApproverError, "unknown_approver"),
        (ApproverSpec.group("nobody"), UnknownApproverError, "unknown_approver"),
        (ApproverSpec.group("ghosts"), EmptyApproverGroupError, "empty_approver_group"),
        (ApproverSpec.role("astronaut"), EmptyApproverGroupError, "empty_approver_group"),
        (ApproverSpec.manager(5), NoManagerError, "no_manager"),
        (ApproverSpec.user("gone"), InactiveApproverError, "inactive_approver"),
    ],
)
def test_an_approver_nobody_could_be_is_an_error_not_a_stuck_plan(
    spec: ApproverSpec, error: type[SfaError], code: str
) -> None:
    with pytest.raises(error) as caught:
        plan(Policy(id="p", rules=[rule("r", None, spec)]), CONTEXT, DIRECTORY)
    assert caught.value.code == code
    assert caught.value.rule == "r"  # type: ignore[attr-defined]


def test_a_manager_needs_an_owner() -> None:
    context = dict(CONTEXT, owner=None)
    with pytest.raises(NoManagerError) as caught:
        plan(Policy(id="p", rules=[rule("r", None, ApproverSpec.manager())]), context, DIRECTORY)
    assert caught.value.owner is None
    result = plan(
        Policy(id="p", rules=[rule("r", None, ApproverSpec.manager())]),
        context,
        DIRECTORY,
        owner="max",
    )
    assert steps(result) == [("1/default", ("dir",))]


def test_an_inactive_approver_is_replaced_by_their_active_delegate() -> None:
    policy = Policy(id="p", rules=[rule("r", None, ApproverSpec.user("old"))])
    result = plan(policy, CONTEXT, DIRECTORY, when=NOW)
    assert steps(result) == [("1/default", ("vp",))]
    assert result.notes == ("rule r: old is inactive; their delegate vp approves instead",)
    with pytest.raises(InactiveApproverError):
        plan(policy, CONTEXT, DIRECTORY)  # without a time, no delegation applies
    with pytest.raises(InactiveApproverError):
        plan(policy, CONTEXT, DIRECTORY, when=NOW - dt.timedelta(days=1))


# -- self-approval and merged steps -------------------------------------------------------------


def test_the_owner_is_taken_off_a_step_and_a_step_of_their_own_goes_to_their_manager() -> None:
    policy = Policy(
        id="p",
        rules=[
            rule("rep", None, ApproverSpec.role("rep", mode="unanimous")),
            rule("team", None, ApproverSpec.role("legal"), chain="legal"),
        ],
    )
    result = plan(policy, CONTEXT, DIRECTORY, owner="ana")
    assert steps(result) == [("1/default", ("max",)), ("1/legal", ("kim", "lee", "tom"))]
    assert "step 1/default: handed to the owner's manager max" in result.notes
    allowed = Policy(id="p", rules=policy.rules, allow_self_approval=True)
    assert steps(plan(allowed, CONTEXT, DIRECTORY, owner="ana"))[0] == ("1/default", ("ana",))


def test_an_owner_alone_on_a_step_without_a_manager_is_an_error() -> None:
    policy = Policy(id="p", rules=[rule("cfo", None, ApproverSpec.role("cfo"))])
    with pytest.raises(NoEligibleApproverError) as caught:
        plan(policy, CONTEXT, DIRECTORY, owner="ceo")
    assert (caught.value.code, caught.value.step, caught.value.owner) == (
        "no_eligible_approver",
        "1/default",
        "ceo",
    )


def test_rules_on_one_step_merge_into_one_step() -> None:
    policy = Policy(
        id="p",
        rules=[
            rule("discount", over("max_line_discount", 20), ApproverSpec.manager(), sla_hours=48),
            rule(
                "margin",
                {"<": [{"var": "margin_percent"}, 35]},
                ApproverSpec.user("dir"),
                sla_hours=24,
            ),
            rule("size", {">": [{"var": "net_total"}, 1]}, ApproverSpec.manager()),
        ],
    )
    result = plan(policy, CONTEXT, DIRECTORY)
    (step,) = result.steps
    assert (step.approvers, step.mode, step.rules, step.sla_hours) == (
        ("max", "dir"),
        ApprovalMode.UNANIMOUS,
        ("discount", "margin", "size"),
        24,
    )


def test_rules_of_different_modes_merge_into_at_least_with_the_unanimous_ones_required() -> None:
    policy = Policy(
        id="p",
        rules=[
            rule("discount", None, ApproverSpec.manager()),
            rule("legal", None, ApproverSpec.group("legal", mode="first_response")),
        ],
    )
    result = plan(policy, CONTEXT, DIRECTORY)
    (step,) = result.steps
    assert (step.approvers, step.mode, step.minimum, step.required) == (
        ("max", "lee", "kim", "tom"),
        ApprovalMode.AT_LEAST,
        1,
        ("max",),
    )
    assert "decide in different modes" in result.notes[0]


# -- reasons ------------------------------------------------------------------------------------


def test_the_checks_say_what_each_comparison_saw_mirrored_and_short_circuited() -> None:
    condition = {
        "or": [
            {"<": [20, {"var": "max_line_discount"}]},
            {"in": ["DESK", {"var": "skus"}]},
        ]
    }
    match = explain_rule(rule("r", condition, ApproverSpec.manager()), CONTEXT)
    # 20 < 22.5 reads as max_line_discount > 20; the "or" stopped there
    assert match.checks == (ConditionCheck("max_line_discount", ">", 20, Decimal("22.5"), True),)
    assert str(match) == "r: max_line_discount > 20: 22.5 (true)"


def test_conditions_over_line_items_are_explained_per_item() -> None:
    condition = {"some": [{"var": "lines"}, {">": [{"var": "discount_percent"}, 20]}]}
    match = explain_rule(rule("r", condition, ApproverSpec.manager()), CONTEXT)
    assert (
        ConditionCheck("lines.0.discount_percent", ">", 20, Decimal("22.5"), True) in match.checks
    )
    assert match.values["lines.0.discount_percent"] == Decimal("22.5")


def test_plan_refuses_arguments_of_the_wrong_type() -> None:
    policy = Policy(id="p")
    with pytest.raises(ValidationError):
        plan("p", CONTEXT, DIRECTORY)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        plan(policy, CONTEXT, "d")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        plan(policy, CONTEXT, DIRECTORY, when=dt.datetime(2027, 3, 1))
