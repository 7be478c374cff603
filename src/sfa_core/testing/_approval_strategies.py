"""Hypothesis strategies for approvals: policies, and requests made by running the transitions."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from hypothesis import strategies as st

from sfa_core.approvals import (
    ApprovalMode,
    ApprovalOptions,
    ApprovalPlan,
    ApprovalRequest,
    ApprovalRule,
    ApproverSpec,
    ConditionCheck,
    HitPolicy,
    PlanStep,
    Policy,
    RejectionBehaviour,
    RuleMatch,
    decide,
    escalate,
    expire,
    recall,
    submit,
)
from sfa_core.directory import Directory, User
from sfa_core.errors import SfaError

__all__ = ["approval_policies", "approval_requests", "approval_rules"]

_IDS = st.text(alphabet="abcdefghkmnprstvwxyz-0123456789", min_size=1, max_size=8)
_CHAINS = st.sampled_from(["discount", "margin", "deal-size", "legal"])
_NUMBER_FIELDS = st.sampled_from(
    ["discount_percent", "max_line_discount", "net_total", "margin_percent", "line_count"]
)
_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs")), max_size=16)
#: Who may approve in a drawn request; ``rep`` submits.
_APPROVERS = ("ana", "bo", "cy", "dee", "vp")
_PEOPLE = Directory(users=[User(user) for user in (*_APPROVERS, "rep")])
_OFFSETS = st.sampled_from([0, 60, -300, 330, 345]).map(
    lambda minutes: _dt.timezone(_dt.timedelta(minutes=minutes))
)


def _condition() -> st.SearchStrategy[Any]:
    compare = st.builds(
        lambda op, field, bound: {op: [{"var": field}, bound]},
        st.sampled_from([">", ">=", "<", "<="]),
        _NUMBER_FIELDS,
        st.integers(-5, 100_000),
    )
    terms = st.builds(
        lambda terms: {"==": [{"var": "payment_terms"}, terms]},
        st.sampled_from(["net 30", "net 90"]),
    )
    flag = st.just({"var": "non_standard_terms"})
    both = st.builds(lambda a, b: {"and": [a, b]}, compare, flag)
    return st.none() | compare | terms | flag | both


def _spec() -> st.SearchStrategy[ApproverSpec]:
    mode = st.sampled_from(list(ApprovalMode))
    return st.one_of(
        st.builds(ApproverSpec.user, st.sampled_from(_APPROVERS)),
        st.builds(ApproverSpec.manager, st.integers(1, 3)),
        st.builds(lambda role, m: ApproverSpec.role(role, mode=m), _IDS, mode),
        st.builds(lambda group, m: ApproverSpec.group(group, mode=m), _IDS, mode),
        st.just(ApproverSpec.from_field("fields.approver")),
    )


def approval_rules() -> st.SearchStrategy[ApprovalRule]:
    """Approval rules: a condition over the approval context, an approver, a step.

    Conditions compare numeric context fields with integers, payment terms with
    text, or read the non-standard-terms flag; some rules always apply.

    Returns:
        A strategy of :class:`~sfa_core.approvals.ApprovalRule`.

    Example:
        >>> from hypothesis import find
        >>> from sfa_core.approvals import CONTEXT_FIELDS
        >>> rule = find(approval_rules(), lambda r: r.condition is not None)
        >>> len(rule.reads), set(rule.reads) <= set(CONTEXT_FIELDS)
        (1, True)
    """
    return st.builds(
        ApprovalRule,
        id=_IDS,
        approvers=_spec(),
        condition=_condition(),
        level=st.integers(1, 4),
        chain=_CHAINS,
        priority=st.integers(-10, 10),
        description=_TEXT,
        sla_hours=st.none() | st.integers(1, 96),
        escalate_to=st.lists(st.sampled_from(_APPROVERS), max_size=2, unique=True).map(tuple),
        active=st.booleans(),
    )


def approval_policies(*, max_rules: int = 6) -> st.SearchStrategy[Policy]:
    """Approval policies: rules with distinct ids, any hit policy, any stored version.

    Args:
        max_rules: The most rules a policy has.

    Returns:
        A strategy of :class:`~sfa_core.approvals.Policy`.

    Example:
        >>> from hypothesis import find
        >>> policy = find(approval_policies(), lambda p: len(p.rules) > 1)
        >>> len({rule.id for rule in policy.rules})
        2
    """
    return st.builds(
        Policy,
        id=_IDS,
        rules=st.lists(approval_rules(), max_size=max_rules, unique_by=lambda r: r.id).map(tuple),
        hit_policy=st.sampled_from(list(HitPolicy)),
        allow_self_approval=st.booleans(),
        name=_TEXT,
        version=st.integers(0, 10**6),
    )


@st.composite
def _step(draw: st.DrawFn, level: int, chain: str) -> PlanStep:
    approvers = draw(st.lists(st.sampled_from(_APPROVERS), min_size=1, max_size=3, unique=True))
    mode = draw(st.sampled_from(list(ApprovalMode)))
    minimum = draw(st.integers(1, len(approvers))) if mode is ApprovalMode.AT_LEAST else 1
    required = draw(st.lists(st.sampled_from(approvers), max_size=1, unique=True))
    bound = draw(st.integers(0, 50))
    seen = draw(st.integers(bound + 1, 100))
    check = ConditionCheck("discount_percent", ">", bound, seen, True)
    reason = RuleMatch(f"r{level}-{chain}", draw(_TEXT), (check,), {"discount_percent": seen})
    return PlanStep(
        level=level,
        chain=chain,
        approvers=tuple(approvers),
        mode=mode,
        minimum=minimum,
        required=tuple(required),
        rules=(reason.rule,),
        reasons=(reason,),
        sla_hours=draw(st.none() | st.integers(1, 72)),
        escalate_to=tuple(draw(st.lists(st.just("vp"), max_size=1))),
    )


def _act(request: ApprovalRequest, action: str, draw: st.DrawFn, at: _dt.datetime) -> Any:
    open_steps = request.open_steps()
    if action == "recall":
        return recall(request, "rep", at=at, comment=draw(_TEXT))
    if action == "expire":
        return expire(request, at=at)
    if not open_steps:
        return None
    key = draw(st.sampled_from(open_steps))
    if action == "escalate":
        return escalate(request, key, at=at, to=("vp",))
    actor = draw(st.sampled_from(request.step(key).approvers))
    return decide(request, actor, key, action == "approve", at=at, directory=_PEOPLE)


def approval_requests(*, max_actions: int = 6) -> st.SearchStrategy[ApprovalRequest]:
    """Approval requests in every status, made by really running the transitions.

    A plan of one to three steps (levels and parallel chains, every mode, SLAs,
    reasons with the values seen) is submitted by ``rep`` and driven through a few
    actions (approvals and rejections by the steps' approvers, escalations, a
    recall, an expiry); an action the request refuses is skipped. The numbers in
    the reasons are integers, so a request round-trips exactly through the
    serialization converter.

    Args:
        max_actions: The most actions tried after the submission.

    Returns:
        A strategy of :class:`~sfa_core.approvals.ApprovalRequest`, its version
        the number of its audit entries.

    Example:
        >>> from hypothesis import find
        >>> from sfa_core.approvals import status_from_audit
        >>> done = find(approval_requests(), lambda r: r.status.value == "approved")
        >>> status_from_audit(done.audit, done.plan, done.options) is done.status
        True
    """

    @st.composite
    def build(draw: st.DrawFn) -> ApprovalRequest:
        keys = draw(
            st.lists(st.tuples(st.integers(1, 3), _CHAINS), max_size=3, unique=True).map(sorted)
        )
        steps = [draw(_step(level, chain)) for level, chain in keys]
        at = draw(
            st.datetimes(
                min_value=_dt.datetime(2020, 1, 1),
                max_value=_dt.datetime(2090, 1, 1),
                timezones=_OFFSETS,
            )
        )
        request, _ = submit(
            ApprovalPlan(tuple(steps)),
            request_id=draw(_IDS),
            quote_id=draw(st.sampled_from(["Q-1", "Q-2", "Q-3"])),
            quote_revision=draw(st.integers(1, 5)),
            submitter="rep",
            at=at,
            options=ApprovalOptions(rejection=draw(st.sampled_from(list(RejectionBehaviour)))),
            fingerprint=draw(st.none() | st.text("0123456789abcdef", min_size=64, max_size=64)),
            comment=draw(_TEXT),
        )
        actions = st.sampled_from(["approve", "approve", "reject", "escalate", "recall", "expire"])
        for _ in range(draw(st.integers(0, max_actions))):
            at += _dt.timedelta(minutes=draw(st.integers(1, 3000)))
            try:
                done = _act(request, draw(actions), draw, at)
            except SfaError:
                continue
            if done is not None:
                request = done[0]
        return request

    result: st.SearchStrategy[ApprovalRequest] = build()
    return result
