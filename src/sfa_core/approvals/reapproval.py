"""Smart re-approval: on resubmission, steps whose reasons have not grown are carried over.

Salesforce CPQ's smart approvals: when a quote that was rejected or recalled is
resubmitted, an approver who had already approved is not asked again if the values
their rules tested have not moved in the direction that matters. When a step is
approved the request snapshots its reasons (the rules, their comparisons and the
values seen: :attr:`~sfa_core.approvals.request.StepState.snapshot`). On
resubmission with a new plan, a step of the same key that was approved before is
carried over when:

* every rule that puts it in the new plan was among the rules approved, and
* no value those rules compared has moved the way that matters: for ``>`` and
  ``>=`` a higher value, for ``<`` and ``<=`` a lower value, for ``==``, ``in`` and
  any other comparison any change. (A field the rule read without a comparison
  recorded counts as ``==``.)

The new plan's notes say which steps were carried over and why, and which were not.

>>> import datetime as dt
>>> from sfa_core.approvals import ApprovalPlan, ConditionCheck, PlanStep, RuleMatch
>>> from sfa_core.approvals.request import decide, recall, submit
>>> from sfa_core.directory import Directory, User
>>> def plan_for(discount):
...     check = ConditionCheck("max_line_discount", ">", 10, discount, True)
...     reason = RuleMatch("deep", checks=(check,), values={"max_line_discount": discount})
...     return ApprovalPlan((PlanStep(level=1, chain="discount", approvers=("mia",),
...                                   rules=("deep",), reasons=(reason,)),
...                          PlanStep(level=2, chain="legal", approvers=("lea",))))
>>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
>>> people = Directory(users=[User("rep"), User("mia"), User("lea")])
>>> first, _ = submit(plan_for(18), request_id="R-1", quote_id="Q-1", quote_revision=1,
...                   submitter="rep", at=at)
>>> first, _ = decide(first, "mia", "1/discount", True, at=at, directory=people)
>>> first, _ = recall(first, "rep", at=at)   # the rep lowers the discount to 15 %
>>> plan, carried = carry_over_plan(first, plan_for(15))
>>> carried
('1/discount',)
>>> print(plan.notes[0])
step 1/discount carried over: approved before, and max_line_discount > 10 saw 15, not more than 18
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from sfa_core.approvals.model import ApprovalPlan, ConditionCheck, PlanStep, RuleMatch
from sfa_core.approvals.request import (
    ApprovalEvent,
    ApprovalRequest,
    StepState,
    StepStatus,
    _check_request,
    _submit,
    require_instant,
)
from sfa_core.approvals.semantics import ApprovalOptions
from sfa_core.errors import ValidationError

__all__ = ["carry_over_plan", "resubmit"]

_RISING = frozenset({">", ">="})
_FALLING = frozenset({"<", "<="})


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            return None
        return number if number.is_finite() else None
    return None


def _moved(operator: str, before: Any, after: Any) -> bool:
    """Whether ``after`` moved from ``before`` in the direction that matters for ``operator``."""
    if operator in _RISING or operator in _FALLING:
        old, new = _number(before), _number(after)
        if old is None or new is None:
            return bool(before != after)
        return new > old if operator in _RISING else new < old
    old_number, new_number = _number(before), _number(after)
    if old_number is not None and new_number is not None:
        return old_number != new_number
    return bool(before != after)


def _checks(reasons: tuple[RuleMatch, ...]) -> dict[tuple[str, str, str], ConditionCheck]:
    return {
        (reason.rule, check.field, check.operator): check
        for reason in reasons
        for check in reason.checks
    }


def _why_not(step: PlanStep, state: StepState | None) -> str | None:
    """Why ``step`` is not carried over from ``state`` (``None``: it is carried over)."""
    if state is None or state.status not in (StepStatus.APPROVED, StepStatus.CARRIED_OVER):
        return "not approved before"
    before_rules = {reason.rule for reason in state.snapshot}
    new_rules = sorted({*step.rules, *(reason.rule for reason in step.reasons)} - before_rules)
    if new_rules:
        return "new rules apply: " + ", ".join(new_rules)
    before = _checks(state.snapshot)
    before_values = {reason.rule: reason.values for reason in state.snapshot}
    for reason in step.reasons:
        for check in reason.checks:
            old = before.get((reason.rule, check.field, check.operator))
            if old is None:
                return f"{reason.rule} compares {check.field} {check.operator} afresh"
            if _moved(check.operator, old.actual, check.actual):
                return (
                    f"{check.field} {check.operator} {check.expected} "
                    f"saw {check.actual}, was {old.actual}"
                )
        compared = {check.field for check in reason.checks}
        old_values: Mapping[str, Any] = before_values.get(reason.rule, {})
        for field, value in reason.values.items():
            if field in compared:
                continue
            if field not in old_values or _moved("==", old_values[field], value):
                return f"{field} is {value!r}, was {old_values.get(field)!r}"
    return None


def _why(step: PlanStep, state: StepState) -> str:
    said: list[str] = []
    before = _checks(state.snapshot)
    for reason in step.reasons:
        for check in reason.checks:
            old = before[(reason.rule, check.field, check.operator)]
            if check.operator in _RISING:
                said.append(
                    f"{check.field} {check.operator} {check.expected} saw {check.actual}, "
                    f"not more than {old.actual}"
                )
            elif check.operator in _FALLING:
                said.append(
                    f"{check.field} {check.operator} {check.expected} saw {check.actual}, "
                    f"not less than {old.actual}"
                )
            else:
                said.append(f"{check.field} {check.operator} {check.expected} unchanged")
    return "approved before" + (", and " + "; ".join(said) if said else ", reasons unchanged")


def carry_over_plan(
    previous: ApprovalRequest, plan: ApprovalPlan
) -> tuple[ApprovalPlan, tuple[str, ...]]:
    """Decide which steps of ``plan`` are carried over from ``previous``.

    Args:
        previous: The earlier request of the quote (rejected, recalled, expired,
            or approved and invalidated by an edit).
        plan: The plan of the resubmission.

    Returns:
        ``plan`` with a note per step that was approved before (carried over or not,
        and why), and the keys of the steps carried over.

    Raises:
        ValidationError: An argument is not of its documented type.

    >>> import datetime as dt
    >>> from sfa_core.approvals import PlanStep
    >>> from sfa_core.approvals.request import StepState
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),
    ...                      PlanStep(level=2, chain="a", approvers=("vp",))))
    >>> earlier = ApprovalRequest("R-1", "Q-1", 1, "rep", plan, status="rejected", steps=(
    ...     StepState(key="1/a", approvers=("mia",), status="approved"),
    ...     StepState(key="2/a", approvers=("vp",), status="rejected")))
    >>> carry_over_plan(earlier, plan)[1]
    ('1/a',)
    """
    previous = _check_request(previous)
    if not isinstance(plan, ApprovalPlan):
        raise ValidationError("must be an ApprovalPlan", path="plan", value=plan)
    states = {state.key: state for state in previous.steps}
    notes = list(plan.notes)
    carried: list[str] = []
    for step in plan.steps:
        state = states.get(step.key)
        reason = _why_not(step, state)
        if reason is None and state is not None:
            carried.append(step.key)
            notes.append(f"step {step.key} carried over: {_why(step, state)}")
        elif state is not None and state.status.done:
            notes.append(f"step {step.key} asked again: {reason}")
    return attrs.evolve(plan, notes=tuple(notes)), tuple(carried)


def resubmit(
    previous: ApprovalRequest,
    plan: ApprovalPlan,
    *,
    request_id: str,
    quote_revision: int,
    at: _dt.datetime,
    options: ApprovalOptions | None = None,
    fingerprint: str | None = None,
    comment: str = "",
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    """Submit a quote again, carrying over the steps approved before that still hold.

    The new request has the submitter and owner of ``previous``; each carried-over
    step keeps the snapshot of its original approval (so a later resubmission is
    compared with what an approver actually saw) and is recorded in the audit trail
    as ``carry_over``.

    Args:
        previous: The earlier request.
        plan: The new plan (:func:`sfa_core.approvals.plan` of the edited quote).
        request_id: The new request's id.
        quote_revision: The quote's revision now.
        at: When (timezone-aware).
        options: The options (those of ``previous`` if ``None``).
        fingerprint: The approval-relevant values now.
        comment: The submitter's comment.

    Returns:
        The new request (approved at once when every step was carried over) and
        its events.

    Raises:
        ValidationError: An argument is malformed.

    >>> import datetime as dt
    >>> from sfa_core.approvals import PlanStep
    >>> from sfa_core.approvals.request import StepState
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),
    ...                      PlanStep(level=2, chain="a", approvers=("vp",))))
    >>> earlier = ApprovalRequest("R-1", "Q-1", 1, "rep", plan, status="rejected", steps=(
    ...     StepState(key="1/a", approvers=("mia",), status="approved"),
    ...     StepState(key="2/a", approvers=("vp",), status="rejected")))
    >>> again, events = resubmit(earlier, plan, request_id="R-2", quote_revision=2,
    ...                          at=dt.datetime(2027, 1, 2, tzinfo=dt.timezone.utc))
    >>> [(s.key, s.status.value) for s in again.steps], [(e.kind.value, e.step) for e in events]
    ([('1/a', 'carried_over'), ('2/a', 'pending')], [('step_opened', '2/a')])
    """
    previous = _check_request(previous)
    require_instant(at, "at")
    new_plan, carried = carry_over_plan(previous, plan)
    states = {state.key: state for state in previous.steps}
    return _submit(
        new_plan,
        request_id=request_id,
        quote_id=previous.quote_id,
        quote_revision=quote_revision,
        submitter=previous.submitter,
        at=at,
        owner=previous.owner,
        options=previous.options if options is None else options,
        fingerprint=fingerprint,
        comment=comment,
        carried={key: states[key].snapshot for key in carried},
    )
