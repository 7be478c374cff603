"""Approval requests, one semantic at a time, with examples a reader can check by hand.

The expectations come from the anchors' documentation:

* Salesforce approval processes: a step's approvers either must all approve
  ("unanimous") or the first response decides; a rejection is final or goes back one
  step, and a rejection at the first step is final; the submitter may recall a
  pending request; delegated approvers act for an approver.
* Odoo approvals: a minimum number of approvals, some approvers required; any
  refusal refuses.
* Salesforce CPQ smart approvals: on resubmission, a step whose rule values have not
  grown is not asked again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sfa_core.approvals.locking import approval_still_valid, fingerprint
from sfa_core.approvals.model import ApprovalPlan, ConditionCheck, PlanStep, RuleMatch
from sfa_core.approvals.reapproval import carry_over_plan, resubmit
from sfa_core.approvals.request import (
    ApprovalTransitionError,
    AuditAction,
    EventKind,
    NotAuthorizedError,
    RequestStatus,
    StepStatus,
    decide,
    delegate,
    escalate,
    expire,
    reassign,
    recall,
    status_from_audit,
    submit,
)
from sfa_core.approvals.semantics import ApprovalOptions, Response
from sfa_core.approvals.timing import EscalationKind, due_escalations
from sfa_core.directory import Delegation, Directory, User
from sfa_core.errors import ValidationError

UTC = dt.timezone.utc
T0 = dt.datetime(2027, 3, 1, 9, tzinfo=UTC)

PEOPLE = Directory(
    users=[User(name) for name in ("rep", "ana", "bo", "cy", "mgr", "vp", "legal", "sub")],
    delegations=[
        # bo is away in the first week of March: sub acts for him.
        Delegation("bo", "sub", T0, T0 + dt.timedelta(days=7)),
    ],
)


def _step(level, chain="discount", approvers=("ana",), **kw):
    return PlanStep(level=level, chain=chain, approvers=approvers, **kw)


def _submit(*steps, options=None, submitter="rep", fingerprint=None):
    request, events = submit(
        ApprovalPlan(steps),
        request_id="R-1",
        quote_id="Q-1",
        quote_revision=1,
        submitter=submitter,
        at=T0,
        options=options,
        fingerprint=fingerprint,
    )
    return request, events


def _decide(request, actor, key, approve=True, at=T0, **kw):
    return decide(request, actor, key, approve, at=at, directory=PEOPLE, **kw)


def _answers(request, key):
    return {a.approver: a.response for a in request.step(key).answers}


# -- unanimous and first response (Salesforce) ----------------------------------------------


def test_unanimous_step_needs_every_approver():
    request, _ = _submit(_step(1, approvers=("ana", "bo")))
    request, events = _decide(request, "ana", "1/discount")
    assert request.status is RequestStatus.PENDING
    assert events == ()
    request, events = _decide(request, "bo", "1/discount")
    assert request.status is RequestStatus.APPROVED
    assert [e.kind for e in events] == [EventKind.STEP_APPROVED, EventKind.REQUEST_APPROVED]


def test_unanimous_step_rejected_by_one_rejection_and_the_others_marked_no_response():
    request, _ = _submit(_step(1, approvers=("ana", "bo", "cy")))
    request, _ = _decide(request, "ana", "1/discount")
    request, events = _decide(request, "bo", "1/discount", approve=False, comment="too deep")
    assert request.status is RequestStatus.REJECTED
    assert _answers(request, "1/discount") == {
        "ana": Response.APPROVED,
        "bo": Response.REJECTED,
        "cy": Response.NO_RESPONSE,
    }
    assert events[-1].kind is EventKind.REQUEST_REJECTED
    assert events[-1].recipients == ("rep",)


@pytest.mark.parametrize(("approve", "status"), [(True, "approved"), (False, "rejected")])
def test_first_response_decides_the_step(approve, status):
    request, _ = _submit(_step(1, approvers=("ana", "bo", "cy"), mode="first_response"))
    request, _ = _decide(request, "cy", "1/discount", approve=approve)
    assert request.status.value == status
    answers = _answers(request, "1/discount")
    assert answers["ana"] is answers["bo"] is Response.NO_RESPONSE


# -- at least N with required approvers (Odoo) ----------------------------------------------


def test_at_least_waits_for_the_required_approver_then_approves():
    step = _step(1, approvers=("ana", "bo", "cy"), mode="at_least", minimum=2, required=("cy",))
    request, _ = _submit(step)
    request, _ = _decide(request, "ana", "1/discount")
    request, _ = _decide(request, "bo", "1/discount")
    assert request.status is RequestStatus.PENDING  # two approvals, but not cy's
    request, _ = _decide(request, "cy", "1/discount")
    assert request.status is RequestStatus.APPROVED


def test_at_least_is_refused_by_any_refusal():
    request, _ = _submit(_step(1, approvers=("ana", "bo", "cy"), mode="at_least", minimum=1))
    request, _ = _decide(request, "bo", "1/discount", approve=False)
    assert request.status is RequestStatus.REJECTED


def test_at_least_minimum_reached_closes_the_step():
    request, _ = _submit(_step(1, approvers=("ana", "bo", "cy"), mode="at_least", minimum=2))
    request, _ = _decide(request, "ana", "1/discount")
    request, _ = _decide(request, "cy", "1/discount")
    assert request.status is RequestStatus.APPROVED
    assert _answers(request, "1/discount")["bo"] is Response.NO_RESPONSE


# -- order: levels in sequence, chains side by side -----------------------------------------


def test_levels_run_in_order_and_parallel_chains_side_by_side():
    request, events = _submit(
        _step(1, "discount", ("ana",)), _step(1, "legal", ("legal",)), _step(2, "discount", ("vp",))
    )
    assert [(e.kind, e.step) for e in events] == [
        (EventKind.STEP_OPENED, "1/discount"),
        (EventKind.STEP_OPENED, "1/legal"),
    ]
    assert request.step("2/discount").status is StepStatus.WAITING
    with pytest.raises(ApprovalTransitionError):
        _decide(request, "vp", "2/discount")  # not open yet
    request, events = _decide(request, "legal", "1/legal")
    assert request.open_steps() == ("1/discount",)
    request, events = _decide(request, "ana", "1/discount")
    assert (events[-1].kind, events[-1].step, events[-1].recipients) == (
        EventKind.STEP_OPENED,
        "2/discount",
        ("vp",),
    )
    request, _ = _decide(request, "vp", "2/discount")
    assert request.status is RequestStatus.APPROVED


# -- rejection behaviour --------------------------------------------------------------------


def test_rejection_back_one_step_reopens_the_previous_level():
    options = ApprovalOptions(rejection="back_one_step")
    request, _ = _submit(_step(1, approvers=("mgr",)), _step(2, approvers=("vp",)), options=options)
    request, _ = _decide(request, "mgr", "1/discount")
    request, events = _decide(request, "vp", "2/discount", approve=False)
    assert request.status is RequestStatus.PENDING
    assert request.step("1/discount").status is StepStatus.PENDING
    assert request.step("1/discount").answers == ()
    assert request.step("2/discount").status is StepStatus.WAITING
    assert EventKind.STEP_RETURNED in [e.kind for e in events]
    # the manager decides again, and the VP again
    request, _ = _decide(request, "mgr", "1/discount")
    request, _ = _decide(request, "vp", "2/discount")
    assert request.status is RequestStatus.APPROVED
    assert status_from_audit(request.audit, request.plan, options) is RequestStatus.APPROVED


def test_first_step_rejection_is_always_final():
    options = ApprovalOptions(rejection="back_one_step")
    request, _ = _submit(_step(1, approvers=("mgr",)), _step(2, approvers=("vp",)), options=options)
    request, _ = _decide(request, "mgr", "1/discount", approve=False)
    assert request.status is RequestStatus.REJECTED
    assert request.step("2/discount").status is StepStatus.WAITING


def test_final_rejection_cancels_the_parallel_chain():
    request, _ = _submit(_step(1, "discount", ("ana",)), _step(1, "legal", ("legal",)))
    request, _ = _decide(request, "ana", "1/discount", approve=False)
    assert request.status is RequestStatus.REJECTED
    assert request.step("1/legal").status is StepStatus.CANCELLED
    with pytest.raises(ApprovalTransitionError):
        _decide(request, "legal", "1/legal")


# -- authorization --------------------------------------------------------------------------


def test_only_an_approver_or_an_active_delegate_acts():
    request, _ = _submit(_step(1, approvers=("bo",)))
    with pytest.raises(NotAuthorizedError) as caught:
        _decide(request, "cy", "1/discount")
    assert caught.value.actor == "cy"
    assert caught.value.code == "approval_not_authorized"
    # sub acts for bo inside the window, not after it
    later = T0 + dt.timedelta(days=8)
    with pytest.raises(NotAuthorizedError):
        _decide(request, "sub", "1/discount", at=later)
    approved, _ = _decide(request, "sub", "1/discount", at=T0 + dt.timedelta(days=1))
    entry = approved.audit[-1]
    assert (entry.who, entry.on_behalf_of, entry.action) == ("sub", "bo", AuditAction.APPROVE)


def test_the_submitter_may_not_approve_their_own_request_unless_allowed():
    request, _ = _submit(_step(1, approvers=("rep",)))
    with pytest.raises(NotAuthorizedError):
        _decide(request, "rep", "1/discount")
    allowed, _ = _submit(
        _step(1, approvers=("rep",)), options=ApprovalOptions(allow_self_approval=True)
    )
    approved, _ = _decide(allowed, "rep", "1/discount")
    assert approved.status is RequestStatus.APPROVED


def test_acting_twice_is_an_error_and_leaves_the_request_unchanged():
    request, _ = _submit(_step(1, approvers=("ana", "bo")))
    request, _ = _decide(request, "ana", "1/discount")
    before = request
    with pytest.raises(ApprovalTransitionError):
        _decide(request, "ana", "1/discount", approve=False)
    assert request == before
    assert request.version == 2


def test_unknown_step_and_bad_arguments_are_validation_errors():
    request, _ = _submit(_step(1))
    with pytest.raises(ValidationError) as caught:
        _decide(request, "ana", "9/nope")
    assert caught.value.path == "step_key"
    with pytest.raises(ValidationError) as caught:
        decide(request, "ana", "1/discount", "yes", at=T0, directory=PEOPLE)
    assert caught.value.path == "approve"
    with pytest.raises(ValidationError) as caught:
        decide(request, "ana", "1/discount", True, at=dt.datetime(2027, 3, 1), directory=PEOPLE)
    assert caught.value.path == "at"


# -- recall, expiry, reassignment, delegation, escalation -----------------------------------


def test_only_the_submitter_recalls_and_a_recalled_request_accepts_no_decision():
    request, _ = _submit(_step(1, approvers=("ana", "bo")))
    with pytest.raises(NotAuthorizedError):
        recall(request, "ana", at=T0)
    recalled, events = recall(request, "rep", at=T0, comment="wrong price book")
    assert recalled.status is RequestStatus.RECALLED
    assert events[0].recipients == ("ana", "bo")
    with pytest.raises(ApprovalTransitionError):
        _decide(recalled, "ana", "1/discount")
    with pytest.raises(ApprovalTransitionError):
        recall(recalled, "rep", at=T0)


def test_expired_request_accepts_no_decision():
    request, _ = _submit(_step(1))
    expired, events = expire(request, at=T0 + dt.timedelta(days=30))
    assert expired.status is RequestStatus.EXPIRED
    assert events[0].kind is EventKind.REQUEST_EXPIRED
    with pytest.raises(ApprovalTransitionError):
        _decide(expired, "ana", "1/discount")


def test_reassign_hands_the_place_over():
    request, _ = _submit(_step(1, approvers=("ana", "bo"), required=("ana",), mode="at_least"))
    request, events = reassign(request, "ana", "1/discount", "cy", at=T0, directory=PEOPLE)
    state = request.step("1/discount")
    assert (state.approvers, state.required) == (("cy", "bo"), ("cy",))
    assert events[0].recipients == ("cy",)
    with pytest.raises(NotAuthorizedError):
        _decide(request, "ana", "1/discount")
    with pytest.raises(ApprovalTransitionError):
        reassign(request, "cy", "1/discount", "bo", at=T0, directory=PEOPLE)


def test_delegate_lets_someone_answer_for_the_approver_on_this_request():
    request, _ = _submit(_step(1, approvers=("ana",)))
    with pytest.raises(NotAuthorizedError):
        _decide(request, "cy", "1/discount")
    request, _ = delegate(request, "ana", "1/discount", "cy", at=T0, directory=PEOPLE)
    request, _ = _decide(request, "cy", "1/discount")
    assert request.status is RequestStatus.APPROVED
    assert request.step("1/discount").answers[0].actor == "cy"


def test_overdue_steps_are_escalated_or_reminded():
    request, _ = _submit(
        _step(1, "discount", ("ana",), sla_hours=24, escalate_to=("vp",)),
        _step(1, "legal", ("legal",), sla_hours=48),
    )
    assert due_escalations([request], T0 + dt.timedelta(hours=23)) == ()
    due = due_escalations([request], T0 + dt.timedelta(hours=48))
    assert [(d.kind, d.step, d.recipients) for d in due] == [
        (EscalationKind.ESCALATE, "1/discount", ("vp",)),
        (EscalationKind.REMIND, "1/legal", ("legal",)),
    ]
    escalated, _ = escalate(request, "1/discount", at=T0 + dt.timedelta(hours=48))
    again = due_escalations([escalated], T0 + dt.timedelta(hours=49))
    assert (again[0].kind, again[0].recipients) == (EscalationKind.REMIND, ("ana", "vp"))
    # the VP may now answer for ana
    approved, _ = _decide(escalated, "vp", "1/discount", at=T0 + dt.timedelta(hours=49))
    assert approved.step("1/discount").status is StepStatus.APPROVED
    assert due_escalations([recall(request, "rep", at=T0)[0]], T0 + dt.timedelta(days=9)) == ()


def test_empty_plan_is_approved_at_once():
    request, events = _submit()
    assert request.status is RequestStatus.APPROVED
    assert [e.kind for e in events] == [EventKind.REQUEST_APPROVED]


# -- the audit trail -------------------------------------------------------------------------


def test_audit_trail_records_who_on_whose_behalf_and_explains_the_status():
    request, _ = _submit(_step(1, approvers=("bo",)), _step(2, approvers=("vp",)))
    request, _ = _decide(request, "sub", "1/discount", comment="for bo")
    request, _ = _decide(request, "vp", "2/discount", approve=False)
    rows = [(e.who, e.on_behalf_of, e.action.value, e.step, e.comment) for e in request.audit]
    assert rows == [
        ("rep", None, "submit", None, ""),
        ("sub", "bo", "approve", "1/discount", "for bo"),
        ("vp", "vp", "reject", "2/discount", ""),
    ]
    assert status_from_audit(request.audit, request.plan) is RequestStatus.REJECTED
    assert status_from_audit(request.audit[:2], request.plan) is RequestStatus.PENDING
    assert status_from_audit((), request.plan) is RequestStatus.DRAFT


# -- smart re-approval (CPQ) -----------------------------------------------------------------


def _discount_plan(discount, margin="30"):
    deep = RuleMatch(
        "deep-discount",
        checks=(ConditionCheck("max_line_discount", ">", 10, discount, True),),
        values={"max_line_discount": discount},
    )
    thin = RuleMatch(
        "thin-margin",
        checks=(ConditionCheck("margin_percent", "<", 35, margin, True),),
        values={"margin_percent": margin},
    )
    terms = RuleMatch(
        "terms",
        checks=(ConditionCheck("payment_terms", "==", "net90", "net90", True),),
        values={"payment_terms": "net90"},
    )
    return ApprovalPlan(
        (
            _step(1, "discount", ("mgr",), rules=("deep-discount",), reasons=(deep,)),
            _step(1, "margin", ("vp",), rules=("thin-margin",), reasons=(thin,)),
            _step(2, "legal", ("legal",), rules=("terms",), reasons=(terms,)),
        )
    )


def _approved_then_recalled(plan):
    request, _ = submit(
        plan, request_id="R-1", quote_id="Q-1", quote_revision=1, submitter="rep", at=T0
    )
    request, _ = _decide(request, "mgr", "1/discount")
    request, _ = _decide(request, "vp", "1/margin")
    request, _ = recall(request, "rep", at=T0)  # legal never answered
    return request


def test_smart_reapproval_carries_over_steps_whose_values_did_not_grow():
    previous = _approved_then_recalled(_discount_plan(Decimal("18")))
    # discount down to 15 (not higher), margin down to 28 (lower: matters for "<")
    new_plan = _discount_plan(Decimal("15"), margin="28")
    plan, carried = carry_over_plan(previous, new_plan)
    assert carried == ("1/discount",)
    assert any(n.startswith("step 1/discount carried over") for n in plan.notes)
    assert any(n.startswith("step 1/margin asked again") and "28" in n for n in plan.notes)
    request, events = resubmit(previous, new_plan, request_id="R-2", quote_revision=2, at=T0)
    assert request.step("1/discount").status is StepStatus.CARRIED_OVER
    assert request.open_steps() == ("1/margin",)
    assert [e.step for e in events] == ["1/margin"]
    assert [e.action for e in request.audit] == [AuditAction.CARRY_OVER, AuditAction.SUBMIT]
    assert status_from_audit(request.audit, request.plan) is RequestStatus.PENDING


def test_smart_reapproval_asks_again_when_the_value_grew_or_an_equality_changed():
    previous = _approved_then_recalled(_discount_plan(Decimal("18")))
    _, carried = carry_over_plan(previous, _discount_plan(Decimal("18.5"), margin="31"))
    assert carried == ("1/margin",)  # margin rose (fine for "<"); discount rose
    # the legal step was never approved: never carried over
    assert "2/legal" not in carried


def test_a_carried_step_keeps_the_values_it_was_approved_on():
    previous = _approved_then_recalled(_discount_plan(Decimal("18")))
    second, _ = resubmit(
        previous, _discount_plan(Decimal("15")), request_id="R-2", quote_revision=2, at=T0
    )
    second, _ = recall(second, "rep", at=T0)
    _, carried = carry_over_plan(second, _discount_plan(Decimal("17")))
    assert "1/discount" in carried  # 17 is not more than the 18 approved


# -- locking ---------------------------------------------------------------------------------


def test_an_edit_that_changes_an_approval_relevant_value_invalidates_the_approval():
    context = {"max_line_discount": Decimal("12.0"), "net_total": Decimal("5000"), "note": "x"}
    fields = ["max_line_discount", "net_total"]
    seen = fingerprint(context, fields=fields)
    request, _ = _submit(fingerprint=seen)  # approved at once (empty plan)
    edited_note = {**context, "note": "y"}
    assert approval_still_valid(request, fingerprint(edited_note, fields=fields))
    edited_discount = {**context, "max_line_discount": Decimal("12.5")}
    assert not approval_still_valid(request, fingerprint(edited_discount, fields=fields))
    pending, _ = _submit(_step(1), fingerprint=seen)
    assert approval_still_valid(pending, seen)
    assert not approval_still_valid(recall(pending, "rep", at=T0)[0], seen)


def test_a_note_in_the_quotes_host_fields_keeps_the_approval_a_read_field_does_not():
    import attrs as _attrs

    from sfa_core.quotes import Quote, QuoteLine

    quote = Quote(
        id="Q-1",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=dt.date(2027, 1, 4),
        lines=[QuoteLine(key="L1", sku="A", quantity=1)],
        fields={"note": "call back", "region": "north"},
    )
    read = ["fields.region"]  # the policy tests the region, not the note

    def seen(q: Quote) -> str:
        return fingerprint({"fields": dict(q.fields)}, fields=read, quote=q)

    before = seen(quote)
    assert seen(_attrs.evolve(quote, fields={"note": "called", "region": "north"})) == before
    assert seen(_attrs.evolve(quote, fields={"note": "called", "region": "south"})) != before
    assert seen(_attrs.evolve(quote, lines=[QuoteLine(key="L1", sku="A", quantity=2)])) != before
