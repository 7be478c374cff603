"""Which open steps are overdue, and who to remind or escalate to: for a host's scheduler.

A step with an SLA (:attr:`~sfa_core.approvals.PlanStep.sla_hours`) is due when it
has been open that long. :func:`due_escalations` is pure: a host's scheduler calls
it with the pending requests and the time, escalates what it says to escalate
(:func:`~sfa_core.approvals.request.escalate`) and sends the reminders. A step that
has an ``escalate_to`` is escalated once; a step without one (or already
escalated) is reminded: its unanswered approvers, and the users it was escalated
to. A reminder is returned at each call while the step stays overdue; ``due_at``
lets the host send each one once.

>>> import datetime as dt
>>> from sfa_core.approvals import ApprovalPlan, PlanStep
>>> from sfa_core.approvals.request import submit
>>> at = dt.datetime(2027, 3, 1, 9, tzinfo=dt.timezone.utc)
>>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",), sla_hours=24,
...                               escalate_to=("vp",)),))
>>> request, _ = submit(plan, request_id="R", quote_id="Q", quote_revision=1,
...                     submitter="rep", at=at)
>>> due_escalations([request], at + dt.timedelta(hours=23))
()
>>> [(e.kind.value, e.step, e.recipients) for e in due_escalations([request],
...                                                                  at + dt.timedelta(hours=24))]
[('escalate', '1/a', ('vp',))]
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable
from typing import Any

import attrs

from sfa_core._validate import as_member, check_key, instance_check, require_items_of, to_items
from sfa_core.approvals.request import (
    ApprovalRequest,
    RequestStatus,
    StepStatus,
    _check_instant,
    _users,
    require_instant,
)

__all__ = ["Escalation", "EscalationKind", "due_escalations"]


class EscalationKind(str, enum.Enum):
    """What an overdue step calls for.

    >>> EscalationKind("remind").value
    'remind'
    """

    #: Remind the recipients (the approvers who have not answered).
    REMIND = "remind"
    #: Escalate the step to the recipients (the plan step's ``escalate_to``).
    ESCALATE = "escalate"


def _kind(value: Any) -> EscalationKind:
    return as_member(EscalationKind, value, "kind")


@attrs.frozen
class Escalation:
    """One overdue step, and what to do about it.

    Attributes:
        kind: :class:`EscalationKind`.
        request_id: The request.
        step: The step's key.
        recipients: Who to remind, or who to escalate to.
        due_at: When the step became overdue (opened + SLA).

    >>> import datetime as dt
    >>> due = dt.datetime(2027, 3, 2, tzinfo=dt.timezone.utc)
    >>> Escalation("remind", "R", "1/a", ("mia",), due).kind
    <EscalationKind.REMIND: 'remind'>
    """

    kind: EscalationKind = attrs.field(converter=_kind)
    request_id: str = attrs.field(validator=check_key)
    step: str = attrs.field(validator=check_key)
    recipients: tuple[str, ...] = attrs.field(converter=to_items, validator=_users)
    due_at: _dt.datetime = attrs.field(validator=_check_instant)


def due_escalations(
    requests: Iterable[ApprovalRequest], now: _dt.datetime
) -> tuple[Escalation, ...]:
    """Return what to remind or escalate among ``requests`` at ``now``.

    Only pending requests and open steps with an SLA count. A step is due when it
    has been open for ``sla_hours`` (``now >= opened_at + sla_hours``).

    Args:
        requests: The requests to look at (finished ones are skipped).
        now: The time (timezone-aware).

    Returns:
        One :class:`Escalation` per overdue step, in the order of the requests and
        their steps.

    Raises:
        ValidationError: ``requests`` is not a sequence of requests, or ``now`` is
            not a timezone-aware datetime.

    >>> import datetime as dt
    >>> from sfa_core.approvals import ApprovalPlan, PlanStep
    >>> from sfa_core.approvals.request import submit
    >>> at = dt.datetime(2027, 3, 1, 9, tzinfo=dt.timezone.utc)
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia", "bo"),
    ...                               sla_hours=8),))
    >>> request, _ = submit(plan, request_id="R", quote_id="Q", quote_revision=1,
    ...                     submitter="rep", at=at)
    >>> [(e.kind.value, e.recipients, e.due_at.hour) for e in due_escalations([request],
    ...                                                 at + dt.timedelta(hours=9))]
    [('remind', ('mia', 'bo'), 17)]
    """
    items = require_items_of(
        requests, instance_check(ApprovalRequest, "an ApprovalRequest"), "requests", "requests"
    )
    require_instant(now, "now")
    found: list[Escalation] = []
    for request in items:
        if request.status is not RequestStatus.PENDING:
            continue
        for step, state in zip(request.plan.steps, request.steps, strict=True):
            if state.status is not StepStatus.PENDING or step.sla_hours is None:
                continue
            if state.opened_at is None:
                continue
            due = state.opened_at + _dt.timedelta(hours=step.sla_hours)
            if now < due:
                continue
            if step.escalate_to and state.escalated_at is None:
                found.append(
                    Escalation(
                        EscalationKind.ESCALATE, request.id, state.key, step.escalate_to, due
                    )
                )
                continue
            recipients = tuple(dict.fromkeys(state.unanswered + state.escalated_to))
            found.append(Escalation(EscalationKind.REMIND, request.id, state.key, recipients, due))
    return tuple(found)
