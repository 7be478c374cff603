"""An approval request: a plan carried through decisions, as pure transitions.

Each transition takes a request, an action and the time, and returns the new
request and the :class:`ApprovalEvent` s for the host to deliver (notify the
approvers of a step that opened, tell the submitter the request was approved...).
Nothing is stored or sent here. Every transition appends one :class:`AuditEntry`
and adds one to ``version`` (for the host's optimistic concurrency); a refused
action raises and leaves the request as it was.

Who may act on a step for an approver: the approver, their active delegates in
the directory at the time of the action, a user the approver delegated the step to
(:func:`delegate`), and the users the step was escalated to (:func:`escalate`).
The submitter may not approve their own request unless the options allow it.

>>> import datetime as dt
>>> from sfa_core.approvals import ApprovalPlan, PlanStep
>>> from sfa_core.directory import Directory, User
>>> at = dt.datetime(2027, 3, 1, 9, tzinfo=dt.timezone.utc)
>>> people = Directory(users=[User("rep"), User("mia"), User("vp")])
>>> plan = ApprovalPlan((PlanStep(level=1, chain="discount", approvers=("mia",)),
...                      PlanStep(level=2, chain="discount", approvers=("vp",))))
>>> request, events = submit(plan, request_id="R-1", quote_id="Q-1", quote_revision=1,
...                          submitter="rep", at=at)
>>> request.status, [(e.kind.value, e.step, e.recipients) for e in events]
(<RequestStatus.PENDING: 'pending'>, [('step_opened', '1/discount', ('mia',))])
>>> request, events = decide(request, "mia", "1/discount", True, at=at, directory=people)
>>> [(e.kind.value, e.step) for e in events]
[('step_approved', '1/discount'), ('step_opened', '2/discount')]
>>> request, events = decide(request, "vp", "2/discount", True, at=at, directory=people)
>>> request.status, request.version, [e.action.value for e in request.audit]
(<RequestStatus.APPROVED: 'approved'>, 3, ['submit', 'approve', 'approve'])
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from sfa_core._validate import (
    as_member,
    check_key,
    check_optional_key,
    check_text,
    check_version,
    instance_check,
    instance_of,
    items_of,
    require_bool,
    require_items_of,
    require_key,
    to_items,
)
from sfa_core.approvals.model import ApprovalPlan, PlanStep, RuleMatch
from sfa_core.approvals.semantics import (
    ApprovalOptions,
    RejectionBehaviour,
    Response,
    step_outcome,
)
from sfa_core.directory import Directory, UnknownUserError
from sfa_core.errors import SfaError, ValidationError

__all__ = [
    "Answer",
    "ApprovalEvent",
    "ApprovalRequest",
    "ApprovalTransitionError",
    "AuditAction",
    "AuditEntry",
    "EventKind",
    "NotAuthorizedError",
    "RequestStatus",
    "StepState",
    "StepStatus",
    "decide",
    "delegate",
    "escalate",
    "expire",
    "reassign",
    "recall",
    "status_from_audit",
    "submit",
]

#: Who acts when the host's scheduler does (an escalation, an expiry).
SYSTEM = "system"


# -- statuses and actions ----------------------------------------------------------------------


class RequestStatus(str, enum.Enum):
    """Where a request is in its life.

    >>> RequestStatus("pending").finished
    False
    """

    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RECALLED = "recalled"
    EXPIRED = "expired"

    @property
    def finished(self) -> bool:
        """Whether no action can change the request any more.

        Returns:
            ``True`` for approved, rejected, recalled and expired.
        """
        return self not in (RequestStatus.DRAFT, RequestStatus.PENDING)


class StepStatus(str, enum.Enum):
    """Where one step of a request is.

    >>> StepStatus("carried_over").value
    'carried_over'
    """

    #: A later level, not open yet.
    WAITING = "waiting"
    #: Open; its approvers are asked.
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: Approved earlier and carried over on resubmission (smart re-approval).
    CARRIED_OVER = "carried_over"
    #: Open when the request ended otherwise (recalled, expired, rejected elsewhere).
    CANCELLED = "cancelled"

    @property
    def done(self) -> bool:
        """Whether the step counts as approved.

        Returns:
            ``True`` for approved and carried over.
        """
        return self in (StepStatus.APPROVED, StepStatus.CARRIED_OVER)


class AuditAction(str, enum.Enum):
    """What an audit entry records.

    >>> AuditAction("carry_over").value
    'carry_over'
    """

    SUBMIT = "submit"
    CARRY_OVER = "carry_over"
    APPROVE = "approve"
    REJECT = "reject"
    REASSIGN = "reassign"
    DELEGATE = "delegate"
    RECALL = "recall"
    ESCALATE = "escalate"
    EXPIRE = "expire"


class EventKind(str, enum.Enum):
    """What the host is asked to deliver.

    >>> EventKind("step_opened").value
    'step_opened'
    """

    #: A step opened; notify its approvers (the recipients).
    STEP_OPENED = "step_opened"
    STEP_APPROVED = "step_approved"
    STEP_REJECTED = "step_rejected"
    #: A rejection sent the request back one level.
    STEP_RETURNED = "step_returned"
    STEP_ESCALATED = "step_escalated"
    STEP_REASSIGNED = "step_reassigned"
    STEP_DELEGATED = "step_delegated"
    REQUEST_APPROVED = "request_approved"
    REQUEST_REJECTED = "request_rejected"
    REQUEST_RECALLED = "request_recalled"
    REQUEST_EXPIRED = "request_expired"


# -- errors ----------------------------------------------------------------------------------


class NotAuthorizedError(SfaError, PermissionError):
    """Someone acted on a request who may not.

    Not an approver of the step nor acting for one, the submitter approving their
    own request, or a recall by someone other than the submitter.

    Attributes:
        actor: Who tried to act (also in ``value``).
        action: What they tried (``"approve"``, ``"recall"``...).
        step: The step's key, if the action was on a step.
        path: ``"actor"``.
        value: The actor.
        reason: Why they may not, in words.

    Example:
        >>> err = NotAuthorizedError("bo", "approve", "1/discount", "is not an approver")
        >>> str(err)
        "actor: 'bo' may not approve step 1/discount: is not an approver"
        >>> err.code, err.actor
        ('approval_not_authorized', 'bo')
    """

    code: ClassVar[str] = "approval_not_authorized"

    def __init__(self, actor: Any, action: Any, step: Any, reason: Any) -> None:
        self.actor = actor
        self.action = action
        self.step = step
        self.reason = reason
        self.path = "actor"
        self.value = actor
        where = f" step {_plain(step)}" if step is not None else " this request"
        super().__init__(
            f"actor: {_plain(actor, True)} may not {_plain(action)}{where}: {_plain(reason)}"
        )


class ApprovalTransitionError(ValidationError):
    """An action the request's state does not allow.

    Acting on a finished request, on a step that is not open, or twice for the same
    approver.

    Attributes:
        status: The request's status when it was refused.
        action: The action refused.
        step: The step's key, if any.

    Example:
        >>> err = ApprovalTransitionError(RequestStatus.RECALLED, "approve", "1/a",
        ...                               "the request is finished")
        >>> str(err)
        "status: cannot approve: the request is finished (got 'recalled')"
        >>> err.code, err.step
        ('approval_invalid_transition', '1/a')
    """

    code: ClassVar[str] = "approval_invalid_transition"

    def __init__(self, status: Any, action: Any, step: Any, reason: Any) -> None:
        self.status = status
        self.action = action
        self.step = step
        shown = status.value if isinstance(status, enum.Enum) else status
        super().__init__(f"cannot {_plain(action)}: {_plain(reason)}", path="status", value=shown)


def _plain(value: Any, quoted: bool = False) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str) and len(value) <= 200 and value.isprintable():
        return repr(value) if quoted else value
    try:
        text = repr(value)
    except Exception:  # a message must never fail to build
        return f"<{type(value).__name__} object>"
    return text if len(text) <= 200 else text[:197] + "..."


# -- validation helpers ------------------------------------------------------------------------


def require_instant(value: Any, path: str) -> _dt.datetime:
    """Return ``value`` if it is a timezone-aware datetime, else raise ValidationError.

    >>> require_instant(_dt.datetime(2027, 1, 1), "at")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: at: must be timezone-aware \
(got datetime.datetime(2027, 1, 1, 0, 0))
    """
    if not isinstance(value, _dt.datetime):
        raise ValidationError("must be a timezone-aware datetime", path=path, value=value)
    try:
        offset = value.utcoffset()
    except Exception:  # a tzinfo whose utcoffset fails
        offset = None
    if offset is None:
        raise ValidationError("must be timezone-aware", path=path, value=value)
    return value


def _check_instant(instance: Any, attribute: Any, value: Any) -> None:
    require_instant(value, attribute.name)


def _check_optional_instant(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        require_instant(value, attribute.name)


def _check_revision(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not int or not 1 <= value <= 1_000_000_000:
        raise ValidationError(
            "must be an integer from 1 to 1000000000", path=attribute.name, value=value
        )


def _status(value: Any) -> RequestStatus:
    return as_member(RequestStatus, value, "status")


def _step_status(value: Any) -> StepStatus:
    return as_member(StepStatus, value, "status")


def _response(value: Any) -> Response:
    return as_member(Response, value, "response")


def _action(value: Any) -> AuditAction:
    return as_member(AuditAction, value, "action")


def _kind(value: Any) -> EventKind:
    return as_member(EventKind, value, "kind")


def _users(instance: Any, attribute: Any, value: Any) -> None:
    require_items_of(value, require_key, "user ids", attribute.name)


def _pair(value: Any, path: str) -> None:
    if value.__class__ is not tuple or len(value) != 2:
        raise ValidationError("must be a pair (approver, delegate)", path=path, value=value)
    require_key(value[0], f"{path}[0]")
    require_key(value[1], f"{path}[1]")


def _pairs(value: Any) -> Any:
    items = to_items(value)
    if items.__class__ is tuple:
        return tuple(to_items(item) for item in items)
    return items


_pairs.__annotations__ = {"value": Iterable[Any], "return": tuple[tuple[str, str], ...]}


# -- values ------------------------------------------------------------------------------------


@attrs.frozen
class Answer:
    """One approver's answer on a step.

    Attributes:
        approver: The approver answered for (the slot in the step).
        response: The :class:`~sfa_core.approvals.semantics.Response`.
        actor: Who answered (the approver, or someone acting for them); ``None``
            for a :attr:`~Response.NO_RESPONSE` mark.
        at: When.
        comment: The approver's comment.

    >>> import datetime as dt
    >>> Answer("mia", "approved", "mia", dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)).response
    <Response.APPROVED: 'approved'>
    """

    approver: str = attrs.field(validator=check_key)
    response: Response = attrs.field(converter=_response)
    actor: str | None = attrs.field(validator=check_optional_key)
    at: _dt.datetime = attrs.field(validator=_check_instant)
    comment: str = attrs.field(default="", validator=check_text)


@attrs.frozen
class StepState:
    """The state of one step of a request.

    Attributes:
        key: The plan step's key (``"<level>/<chain>"``).
        status: The :class:`StepStatus`.
        approvers: Who decides the step now (the plan's approvers, after reassignments).
        required: Approvers whose approval is needed (after reassignments).
        answers: The answers given since the step last opened, in order.
        delegates: ``(approver, delegate)`` pairs: who the approver handed the step to.
        escalated_to: Users the step was escalated to; each may act for any approver.
        opened_at: When the step last opened (its SLA counts from here).
        escalated_at: When it was escalated, if it was.
        snapshot: The reasons (rules, checks and values seen) when it was approved:
            what smart re-approval compares a resubmission against.

    >>> StepState(key="1/a", approvers=("mia",)).status
    <StepStatus.WAITING: 'waiting'>
    """

    key: str = attrs.field(validator=check_key)
    approvers: tuple[str, ...] = attrs.field(converter=to_items, validator=_users)
    status: StepStatus = attrs.field(default=StepStatus.WAITING, converter=_step_status)
    required: tuple[str, ...] = attrs.field(default=(), converter=to_items, validator=_users)
    answers: tuple[Answer, ...] = attrs.field(
        default=(),
        converter=to_items,
        validator=items_of(instance_check(Answer, "an Answer"), "answers"),
    )
    delegates: tuple[tuple[str, str], ...] = attrs.field(
        default=(), converter=_pairs, validator=items_of(_pair, "pairs")
    )
    escalated_to: tuple[str, ...] = attrs.field(default=(), converter=to_items, validator=_users)
    opened_at: _dt.datetime | None = attrs.field(default=None, validator=_check_optional_instant)
    escalated_at: _dt.datetime | None = attrs.field(default=None, validator=_check_optional_instant)
    snapshot: tuple[RuleMatch, ...] = attrs.field(
        default=(),
        converter=to_items,
        validator=items_of(instance_check(RuleMatch, "a RuleMatch"), "snapshot"),
    )

    def __attrs_post_init__(self) -> None:
        if not self.approvers:
            raise ValidationError("a step needs at least one approver", path="approvers", value=())
        if len(set(self.approvers)) != len(self.approvers):
            raise ValidationError("approvers repeat", path="approvers", value=self.approvers)
        if any(user not in self.approvers for user in self.required):
            raise ValidationError(
                "required approvers must be approvers of the step",
                path="required",
                value=self.required,
            )

    @property
    def responses(self) -> dict[str, Response]:
        """Approver -> response, for the approvers who have answered (a new dict).

        >>> StepState(key="1/a", approvers=("mia",)).responses
        {}
        """
        return {answer.approver: answer.response for answer in self.answers}

    @property
    def unanswered(self) -> tuple[str, ...]:
        """The approvers who have not answered, in order.

        >>> StepState(key="1/a", approvers=("mia", "bo")).unanswered
        ('mia', 'bo')
        """
        answered = self.responses
        return tuple(user for user in self.approvers if user not in answered)


@attrs.frozen
class AuditEntry:
    """One line of a request's audit trail.

    Attributes:
        who: Who acted (a user id, or ``"system"`` for the host's scheduler).
        on_behalf_of: The approver acted for (a decision, a reassignment, a
            delegation), if any.
        at: When.
        action: The :class:`AuditAction`.
        comment: The actor's comment.
        step: The step's key, if the action was on a step.
        targets: The users the action named: the new approver of a reassignment,
            the delegate of a delegation, the users of an escalation.

    >>> import datetime as dt
    >>> AuditEntry("rep", None, dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc), "submit").action
    <AuditAction.SUBMIT: 'submit'>
    """

    who: str = attrs.field(validator=check_key)
    on_behalf_of: str | None = attrs.field(validator=check_optional_key)
    at: _dt.datetime = attrs.field(validator=_check_instant)
    action: AuditAction = attrs.field(converter=_action)
    comment: str = attrs.field(default="", validator=check_text)
    step: str | None = attrs.field(default=None, validator=check_optional_key)
    targets: tuple[str, ...] = attrs.field(default=(), converter=to_items, validator=_users)


@attrs.frozen
class ApprovalEvent:
    """Something the host should deliver (a notification, a status change).

    Attributes:
        kind: The :class:`EventKind`.
        request_id: The request's id.
        at: When it happened.
        step: The step's key, if it is about a step.
        recipients: Who to tell (the approvers of an opened step, the submitter of a
            decided request...).
        actor: Who caused it, if a person did.

    >>> import datetime as dt
    >>> ApprovalEvent("request_approved", "R-1", dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc),
    ...               recipients=("rep",)).kind
    <EventKind.REQUEST_APPROVED: 'request_approved'>
    """

    kind: EventKind = attrs.field(converter=_kind)
    request_id: str = attrs.field(validator=check_key)
    at: _dt.datetime = attrs.field(validator=_check_instant)
    step: str | None = attrs.field(default=None, validator=check_optional_key)
    recipients: tuple[str, ...] = attrs.field(default=(), converter=to_items, validator=_users)
    actor: str | None = attrs.field(default=None, validator=check_optional_key)


def _initial_steps(request: ApprovalRequest) -> tuple[StepState, ...]:
    plan: Any = request.plan
    if not isinstance(plan, ApprovalPlan):
        return ()
    return tuple(
        StepState(key=step.key, approvers=step.approvers, required=step.required)
        for step in plan.steps
    )


@attrs.frozen
class ApprovalRequest:
    """A quote's request for approval: the plan, each step's state, and the audit trail.

    Build one with :func:`submit`; change it only through the transitions. A request
    built by hand starts as a draft, its steps waiting.

    Attributes:
        id: The request's id.
        quote_id: The quote asked about.
        quote_revision: The quote's revision when it was submitted.
        submitter: Who submitted it (the only one who may recall it).
        owner: Whose quote it is (the submitter by default).
        plan: The :class:`~sfa_core.approvals.ApprovalPlan` followed.
        options: The :class:`~sfa_core.approvals.semantics.ApprovalOptions`.
        steps: One :class:`StepState` per plan step, in the plan's order.
        status: The :class:`RequestStatus`.
        audit: The audit trail, append-only, oldest first.
        fingerprint: The approval-relevant values when submitted
            (:func:`sfa_core.approvals.locking.fingerprint`), if recorded.
        submitted_at: When it was submitted.
        version: Counts the changes, for the host's optimistic concurrency.

    >>> from sfa_core.approvals import ApprovalPlan, PlanStep
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),))
    >>> draft = ApprovalRequest(id="R-1", quote_id="Q-1", quote_revision=1, submitter="rep",
    ...                         plan=plan)
    >>> draft.status, draft.owner, [s.key for s in draft.steps]
    (<RequestStatus.DRAFT: 'draft'>, 'rep', ['1/a'])
    """

    id: str = attrs.field(validator=check_key)
    quote_id: str = attrs.field(validator=check_key)
    quote_revision: int = attrs.field(validator=_check_revision)
    submitter: str = attrs.field(validator=check_key)
    plan: ApprovalPlan = attrs.field(validator=instance_of(ApprovalPlan, "an ApprovalPlan"))
    owner: str = attrs.field(
        default=attrs.Factory(lambda self: self.submitter, takes_self=True),
        validator=check_key,
    )
    options: ApprovalOptions = attrs.field(
        factory=ApprovalOptions,
        validator=instance_of(ApprovalOptions, "an ApprovalOptions"),
    )
    steps: tuple[StepState, ...] = attrs.field(
        default=attrs.Factory(_initial_steps, takes_self=True),
        converter=to_items,
        validator=items_of(instance_check(StepState, "a StepState"), "steps"),
    )
    status: RequestStatus = attrs.field(default=RequestStatus.DRAFT, converter=_status)
    audit: tuple[AuditEntry, ...] = attrs.field(
        default=(),
        converter=to_items,
        validator=items_of(instance_check(AuditEntry, "an AuditEntry"), "audit"),
    )
    fingerprint: str | None = attrs.field(default=None, validator=check_optional_key)
    submitted_at: _dt.datetime | None = attrs.field(default=None, validator=_check_optional_instant)
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)

    def __attrs_post_init__(self) -> None:
        keys = [step.key for step in self.plan.steps]
        if [state.key for state in self.steps] != keys:
            raise ValidationError(
                "must hold one state per plan step, in the plan's order",
                path="steps",
                value=tuple(state.key for state in self.steps),
            )

    def step(self, key: str) -> StepState:
        """Return the state of the step with ``key``.

        Args:
            key: The step's key (``"<level>/<chain>"``).

        Returns:
            The :class:`StepState`.

        Raises:
            ValidationError: The request has no step with that key (path ``step_key``).

        >>> from sfa_core.approvals import ApprovalPlan, PlanStep
        >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),))
        >>> ApprovalRequest("R", "Q", 1, "rep", plan).step("1/a").approvers
        ('mia',)
        """
        for state in self.steps:
            if state.key == key:
                return state
        raise ValidationError("the request has no step with this key", path="step_key", value=key)

    def open_steps(self) -> tuple[str, ...]:
        """Return the keys of the steps whose approvers are asked now.

        Returns:
            Keys, in the plan's order.
        """
        return tuple(state.key for state in self.steps if state.status is StepStatus.PENDING)


# -- the reducer: one audit entry applied to a request ----------------------------------------


def _plan_step(request: ApprovalRequest, key: str) -> PlanStep:
    return request.plan.step(key)


def _index(request: ApprovalRequest, key: str) -> int:
    for index, state in enumerate(request.steps):
        if state.key == key:
            return index
    raise ValidationError("the request has no step with this key", path="step_key", value=key)


def _event(
    request: ApprovalRequest,
    kind: EventKind,
    at: _dt.datetime,
    step: str | None = None,
    recipients: Iterable[str] = (),
    actor: str | None = None,
) -> ApprovalEvent:
    return ApprovalEvent(kind, request.id, at, step, tuple(dict.fromkeys(recipients)), actor)


def _close(state: StepState, status: StepStatus, at: _dt.datetime) -> StepState:
    """The step with ``status``; the approvers who had not answered marked no-response."""
    marks = tuple(Answer(user, Response.NO_RESPONSE, None, at) for user in state.unanswered)
    return attrs.evolve(state, status=status, answers=state.answers + marks)


def _reopen(state: StepState, status: StepStatus, at: _dt.datetime | None) -> StepState:
    return attrs.evolve(
        state,
        status=status,
        answers=(),
        escalated_to=(),
        escalated_at=None,
        opened_at=at,
        snapshot=(),
    )


def _advance(
    request: ApprovalRequest, steps: list[StepState], at: _dt.datetime, actor: str | None
) -> tuple[ApprovalRequest, list[ApprovalEvent]]:
    """Open the next level when the open one is done; approve the request at the end."""
    events: list[ApprovalEvent] = []
    if any(state.status is StepStatus.PENDING for state in steps):
        return attrs.evolve(request, steps=tuple(steps)), events
    levels = [step.level for step in request.plan.steps]
    waiting = [levels[i] for i, state in enumerate(steps) if state.status is StepStatus.WAITING]
    if not waiting:
        done = attrs.evolve(request, steps=tuple(steps), status=RequestStatus.APPROVED)
        events.append(
            _event(
                request,
                EventKind.REQUEST_APPROVED,
                at,
                recipients=(request.owner, request.submitter),
                actor=actor,
            )
        )
        return done, events
    level = min(waiting)
    for index, state in enumerate(steps):
        if levels[index] == level and state.status is StepStatus.WAITING:
            steps[index] = _reopen(state, StepStatus.PENDING, at)
            events.append(
                _event(request, EventKind.STEP_OPENED, at, state.key, state.approvers, actor)
            )
    return attrs.evolve(request, steps=tuple(steps)), events


def _refuse(request: ApprovalRequest, entry: AuditEntry, reason: str) -> ApprovalTransitionError:
    return ApprovalTransitionError(request.status, entry.action, entry.step, reason)


def _open_step(request: ApprovalRequest, entry: AuditEntry) -> tuple[int, StepState]:
    if request.status is not RequestStatus.PENDING:
        raise _refuse(request, entry, f"the request is {request.status.value}")
    key = entry.step
    if key is None:
        raise ValidationError("the action needs a step", path="step_key", value=None)
    index = _index(request, key)
    state = request.steps[index]
    if state.status is not StepStatus.PENDING:
        raise _refuse(request, entry, f"step {key} is {state.status.value}, not open")
    return index, state


def _slot(request: ApprovalRequest, entry: AuditEntry, state: StepState) -> str:
    slot = entry.on_behalf_of
    if slot is None or slot not in state.approvers:
        raise ValidationError(
            f"must be an approver of step {state.key}", path="on_behalf_of", value=slot
        )
    if slot in state.responses:
        raise _refuse(request, entry, f"{slot} has already answered on step {state.key}")
    return slot


def _apply_decision(
    request: ApprovalRequest, entry: AuditEntry
) -> tuple[ApprovalRequest, list[ApprovalEvent]]:
    index, state = _open_step(request, entry)
    slot = _slot(request, entry, state)
    response = Response.APPROVED if entry.action is AuditAction.APPROVE else Response.REJECTED
    answer = Answer(slot, response, entry.who, entry.at, entry.comment)
    state = attrs.evolve(state, answers=(*state.answers, answer))
    plan_step = _plan_step(request, state.key)
    outcome = step_outcome(
        plan_step.mode, state.approvers, state.required, plan_step.minimum, state.responses
    )
    steps = list(request.steps)
    at, who = entry.at, entry.who
    if outcome is None:
        steps[index] = state
        return attrs.evolve(request, steps=tuple(steps)), []
    if outcome is Response.APPROVED:
        steps[index] = attrs.evolve(
            _close(state, StepStatus.APPROVED, at), snapshot=plan_step.reasons
        )
        events = [_event(request, EventKind.STEP_APPROVED, at, state.key, (request.owner,), who)]
        request, more = _advance(request, steps, at, who)
        return request, events + more
    return _apply_rejection(request, steps, index, state, entry)


def _apply_rejection(
    request: ApprovalRequest,
    steps: list[StepState],
    index: int,
    state: StepState,
    entry: AuditEntry,
) -> tuple[ApprovalRequest, list[ApprovalEvent]]:
    at, who = entry.at, entry.who
    levels = [step.level for step in request.plan.steps]
    level = levels[index]
    events = [_event(request, EventKind.STEP_REJECTED, at, state.key, (request.owner,), who)]
    earlier = sorted(
        {
            levels[i]
            for i, other in enumerate(steps)
            if levels[i] < level and other.status is StepStatus.APPROVED
        }
    )
    if request.options.rejection is RejectionBehaviour.BACK_ONE_STEP and earlier:
        back = earlier[-1]
        for i, other in enumerate(steps):
            if levels[i] == level:
                steps[i] = _reopen(other if i != index else state, StepStatus.WAITING, None)
            elif levels[i] == back and other.status is StepStatus.APPROVED:
                steps[i] = _reopen(other, StepStatus.PENDING, at)
                events.append(
                    _event(request, EventKind.STEP_RETURNED, at, other.key, other.approvers, who)
                )
                events.append(
                    _event(request, EventKind.STEP_OPENED, at, other.key, other.approvers, who)
                )
        return attrs.evolve(request, steps=tuple(steps)), events
    steps[index] = _close(state, StepStatus.REJECTED, at)
    steps = [
        _close(other, StepStatus.CANCELLED, at) if other.status is StepStatus.PENDING else other
        for other in steps
    ]
    events.append(
        _event(
            request,
            EventKind.REQUEST_REJECTED,
            at,
            state.key,
            (request.owner, request.submitter),
            who,
        )
    )
    return attrs.evolve(request, steps=tuple(steps), status=RequestStatus.REJECTED), events


def _apply_reassign(
    request: ApprovalRequest, entry: AuditEntry
) -> tuple[ApprovalRequest, list[ApprovalEvent]]:
    index, state = _open_step(request, entry)
    slot = _slot(request, entry, state)
    if len(entry.targets) != 1:
        raise ValidationError("a reassignment names one user", path="to_user", value=entry.targets)
    target = entry.targets[0]
    if target in state.approvers:
        raise _refuse(request, entry, f"{target} is already an approver of step {state.key}")
    approvers = tuple(target if user == slot else user for user in state.approvers)
    required = tuple(target if user == slot else user for user in state.required)
    delegates = tuple(pair for pair in state.delegates if pair[0] != slot)
    steps = list(request.steps)
    steps[index] = attrs.evolve(state, approvers=approvers, required=required, delegates=delegates)
    event = _event(request, EventKind.STEP_REASSIGNED, entry.at, state.key, (target,), entry.who)
    return attrs.evolve(request, steps=tuple(steps)), [event]


def _apply_delegate(
    request: ApprovalRequest, entry: AuditEntry
) -> tuple[ApprovalRequest, list[ApprovalEvent]]:
    index, state = _open_step(request, entry)
    slot = _slot(request, entry, state)
    if len(entry.targets) != 1:
        raise ValidationError("a delegation names one user", path="to_user", value=entry.targets)
    target = entry.targets[0]
    if target == slot or (slot, target) in state.delegates:
        raise _refuse(request, entry, f"{target} may already act for {slot}")
    steps = list(request.steps)
    steps[index] = attrs.evolve(state, delegates=(*state.delegates, (slot, target)))
    event = _event(request, EventKind.STEP_DELEGATED, entry.at, state.key, (target,), entry.who)
    return attrs.evolve(request, steps=tuple(steps)), [event]


def _apply_escalate(
    request: ApprovalRequest, entry: AuditEntry
) -> tuple[ApprovalRequest, list[ApprovalEvent]]:
    index, state = _open_step(request, entry)
    if not entry.targets:
        raise ValidationError("an escalation names at least one user", path="to", value=())
    added = tuple(user for user in entry.targets if user not in state.escalated_to)
    steps = list(request.steps)
    steps[index] = attrs.evolve(
        state, escalated_to=state.escalated_to + added, escalated_at=entry.at
    )
    event = _event(
        request,
        EventKind.STEP_ESCALATED,
        entry.at,
        state.key,
        entry.targets,
        None if entry.who == SYSTEM else entry.who,
    )
    return attrs.evolve(request, steps=tuple(steps)), [event]


def _apply_end(
    request: ApprovalRequest, entry: AuditEntry
) -> tuple[ApprovalRequest, list[ApprovalEvent]]:
    if request.status is not RequestStatus.PENDING:
        raise _refuse(request, entry, f"the request is {request.status.value}")
    at = entry.at
    steps = tuple(
        _close(state, StepStatus.CANCELLED, at) if state.status is StepStatus.PENDING else state
        for state in request.steps
    )
    if entry.action is AuditAction.RECALL:
        status, kind = RequestStatus.RECALLED, EventKind.REQUEST_RECALLED
        recipients: set[str] = set()
        for state in request.steps:
            if state.status is StepStatus.PENDING:
                recipients.update(state.approvers)
        notify = tuple(sorted(recipients))
    else:
        status, kind = RequestStatus.EXPIRED, EventKind.REQUEST_EXPIRED
        notify = (request.owner, request.submitter)
    actor = None if entry.who == SYSTEM else entry.who
    event = _event(request, kind, at, None, notify, actor)
    return attrs.evolve(request, steps=steps, status=status), [event]


def _apply_carry(
    request: ApprovalRequest, entry: AuditEntry
) -> tuple[ApprovalRequest, list[ApprovalEvent]]:
    if request.status is not RequestStatus.DRAFT:
        raise _refuse(request, entry, "only a draft's steps are carried over")
    key = entry.step
    if key is None:
        raise ValidationError("the action needs a step", path="step_key", value=None)
    index = _index(request, key)
    steps = list(request.steps)
    steps[index] = attrs.evolve(steps[index], status=StepStatus.CARRIED_OVER)
    return attrs.evolve(request, steps=tuple(steps)), []


def _apply_submit(
    request: ApprovalRequest, entry: AuditEntry
) -> tuple[ApprovalRequest, list[ApprovalEvent]]:
    if request.status is not RequestStatus.DRAFT:
        raise _refuse(request, entry, f"the request is {request.status.value}, not a draft")
    request = attrs.evolve(request, status=RequestStatus.PENDING, submitted_at=entry.at)
    return _advance(request, list(request.steps), entry.at, entry.who)


_REDUCERS = {
    AuditAction.SUBMIT: _apply_submit,
    AuditAction.CARRY_OVER: _apply_carry,
    AuditAction.APPROVE: _apply_decision,
    AuditAction.REJECT: _apply_decision,
    AuditAction.REASSIGN: _apply_reassign,
    AuditAction.DELEGATE: _apply_delegate,
    AuditAction.RECALL: _apply_end,
    AuditAction.ESCALATE: _apply_escalate,
    AuditAction.EXPIRE: _apply_end,
}


def _apply(
    request: ApprovalRequest, entry: AuditEntry
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    """Apply one audit entry: the one place where a request changes."""
    changed, events = _REDUCERS[entry.action](request, entry)
    changed = attrs.evolve(changed, audit=(*request.audit, entry), version=request.version + 1)
    return changed, tuple(events)


# -- authorization -----------------------------------------------------------------------------


def _may_act(
    directory: Directory, state: StepState, actor: str, slot: str, at: _dt.datetime
) -> bool:
    if actor == slot or actor in state.escalated_to or (slot, actor) in state.delegates:
        return True
    try:
        return directory.may_act_for(actor, slot, at)
    except UnknownUserError:
        return False


def _authorize(
    request: ApprovalRequest,
    action: AuditAction,
    actor: str,
    step_key: str,
    on_behalf_of: str | None,
    at: _dt.datetime,
    directory: Directory,
) -> str:
    """Check the request and step accept the action and ``actor`` may take it; return the slot."""
    probe = AuditEntry(actor, on_behalf_of, at, action, step=step_key)
    _, state = _open_step(request, probe)
    answered = state.responses
    if on_behalf_of is None:
        if actor in state.approvers:
            on_behalf_of = actor
        else:
            eligible = [u for u in state.approvers if _may_act(directory, state, actor, u, at)]
            open_slots = [u for u in eligible if u not in answered]
            if not eligible:
                raise NotAuthorizedError(
                    actor, action, step_key, "is neither an approver of the step nor acting for one"
                )
            if not open_slots:
                raise _refuse(request, probe, f"{actor} has already answered for {eligible[0]}")
            on_behalf_of = open_slots[0]
    else:
        if on_behalf_of not in state.approvers:
            raise NotAuthorizedError(
                actor, action, step_key, f"{on_behalf_of!r} is not an approver of the step"
            )
        if not _may_act(directory, state, actor, on_behalf_of, at):
            raise NotAuthorizedError(
                actor, action, step_key, f"may not act for {on_behalf_of!r} at {at.isoformat()}"
            )
    if on_behalf_of in answered:
        raise _refuse(request, probe, f"{on_behalf_of} has already answered on step {step_key}")
    if (
        action is AuditAction.APPROVE
        and actor == request.submitter
        and not request.options.allow_self_approval
    ):
        raise NotAuthorizedError(
            actor, action, step_key, "the submitter may not approve their own request"
        )
    return on_behalf_of


# -- argument checks ---------------------------------------------------------------------------


def _check_request(request: Any) -> ApprovalRequest:
    if not isinstance(request, ApprovalRequest):
        raise ValidationError("must be an ApprovalRequest", path="request", value=request)
    return request


def _check_directory(directory: Any) -> Directory:
    if not isinstance(directory, Directory):
        raise ValidationError("must be a Directory", path="directory", value=directory)
    return directory


def _entry(
    who: str,
    on_behalf_of: str | None,
    at: _dt.datetime,
    action: AuditAction,
    comment: Any,
    step: str | None = None,
    targets: tuple[str, ...] = (),
) -> AuditEntry:
    if not isinstance(comment, str):
        raise ValidationError("must be text", path="comment", value=comment)
    try:
        return AuditEntry(who, on_behalf_of, at, action, comment, step, targets)
    except ValidationError as err:
        raise ValidationError(err.reason, path=err.path, value=err.value) from None


# -- transitions -------------------------------------------------------------------------------


def _step_action(
    request: Any,
    action: AuditAction,
    actor: Any,
    step_key: Any,
    targets: tuple[str, ...],
    at: Any,
    directory: Any,
    on_behalf_of: Any,
    comment: Any,
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    """Check, authorize and apply an approver's action on a step (decide, reassign, delegate)."""
    request = _check_request(request)
    directory = _check_directory(directory)
    require_key(actor, "actor")
    require_key(step_key, "step_key")
    require_instant(at, "at")
    if on_behalf_of is not None:
        require_key(on_behalf_of, "on_behalf_of")
    slot = _authorize(request, action, actor, step_key, on_behalf_of, at, directory)
    return _apply(request, _entry(actor, slot, at, action, comment, step_key, targets))


def submit(
    plan: ApprovalPlan,
    *,
    request_id: str,
    quote_id: str,
    quote_revision: int,
    submitter: str,
    at: _dt.datetime,
    owner: str | None = None,
    options: ApprovalOptions | None = None,
    fingerprint: str | None = None,
    comment: str = "",
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    """Submit a quote for approval along ``plan``: open the first level's steps.

    An empty plan approves the request at once (nobody needs to decide).

    Args:
        plan: The :class:`~sfa_core.approvals.ApprovalPlan` to follow.
        request_id: The new request's id.
        quote_id: The quote's id.
        quote_revision: The quote's revision.
        submitter: Who submits.
        at: When (timezone-aware).
        owner: Whose quote it is (the submitter if ``None``).
        options: The :class:`~sfa_core.approvals.semantics.ApprovalOptions`.
        fingerprint: The approval-relevant values
            (:func:`sfa_core.approvals.locking.fingerprint`), to detect later edits.
        comment: The submitter's comment.

    Returns:
        A pair, the pending (or approved) request and the events (the approvers of
        each opened step to notify, or the request approved).

    Raises:
        ValidationError: An argument is malformed (its path names it).

    >>> import datetime as dt
    >>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
    >>> request, events = submit(ApprovalPlan(), request_id="R", quote_id="Q", quote_revision=1,
    ...                          submitter="rep", at=at)
    >>> request.status, [e.kind.value for e in events]
    (<RequestStatus.APPROVED: 'approved'>, ['request_approved'])
    """
    return _submit(
        plan,
        request_id=request_id,
        quote_id=quote_id,
        quote_revision=quote_revision,
        submitter=submitter,
        at=at,
        owner=owner,
        options=options,
        fingerprint=fingerprint,
        comment=comment,
    )


def _submit(
    plan: ApprovalPlan,
    *,
    request_id: str,
    quote_id: str,
    quote_revision: int,
    submitter: str,
    at: _dt.datetime,
    owner: str | None,
    options: ApprovalOptions | None,
    fingerprint: str | None,
    comment: str,
    carried: Mapping[str, tuple[RuleMatch, ...]] | None = None,
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    if not isinstance(plan, ApprovalPlan):
        raise ValidationError("must be an ApprovalPlan", path="plan", value=plan)
    require_instant(at, "at")
    if options is None:
        options = ApprovalOptions()
    request = ApprovalRequest(
        id=request_id,
        quote_id=quote_id,
        quote_revision=quote_revision,
        submitter=submitter,
        plan=plan,
        owner=submitter if owner is None else owner,
        options=options,
        fingerprint=fingerprint,
    )
    for key, snapshot in (carried or {}).items():
        request, _ = _apply(request, _entry(SYSTEM, None, at, AuditAction.CARRY_OVER, "", key))
        index = _index(request, key)
        steps = list(request.steps)
        steps[index] = attrs.evolve(steps[index], snapshot=snapshot)
        request = attrs.evolve(request, steps=tuple(steps))
    return _apply(request, _entry(submitter, None, at, AuditAction.SUBMIT, comment))


def decide(
    request: ApprovalRequest,
    actor: str,
    step_key: str,
    approve: bool,
    *,
    at: _dt.datetime,
    directory: Directory,
    comment: str = "",
    on_behalf_of: str | None = None,
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    """Approve or reject an open step, as an approver or for one.

    ``actor`` answers for ``on_behalf_of``; when it is ``None``, for themselves if
    they are an approver of the step, else for the first approver (in the step's
    order) who has not answered and for whom they may act.

    Args:
        request: The request.
        actor: Who decides.
        step_key: The step (``"<level>/<chain>"``).
        approve: ``True`` to approve, ``False`` to reject.
        at: When (timezone-aware); delegations are read at this instant.
        directory: Where delegations are found.
        comment: The approver's comment.
        on_behalf_of: The approver answered for.

    Returns:
        The changed request and the events (step approved or rejected, next level
        opened, request approved or rejected...).

    Raises:
        NotAuthorizedError: ``actor`` may not answer on this step (or is the
            submitter approving their own request).
        ApprovalTransitionError: The request is not pending, the step is not open,
            or this approver has already answered.
        ValidationError: An argument is malformed, or no step has ``step_key``.

    >>> import datetime as dt
    >>> from sfa_core.approvals import ApprovalPlan, PlanStep
    >>> from sfa_core.directory import Directory, User
    >>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia", "bo"),
    ...                               mode="first_response"),))
    >>> request, _ = submit(plan, request_id="R", quote_id="Q", quote_revision=1,
    ...                     submitter="rep", at=at)
    >>> people = Directory(users=[User("rep"), User("mia"), User("bo")])
    >>> request, _ = decide(request, "bo", "1/a", True, at=at, directory=people)
    >>> [(a.approver, a.response.value) for a in request.step("1/a").answers]
    [('bo', 'approved'), ('mia', 'no_response')]
    >>> decide(request, "mia", "1/a", True, at=at, directory=people)
    Traceback (most recent call last):
    ...
    sfa_core.approvals.request.ApprovalTransitionError: status: cannot approve: the request \
is approved (got 'approved')
    """
    require_bool(approve, "approve")
    action = AuditAction.APPROVE if approve else AuditAction.REJECT
    return _step_action(request, action, actor, step_key, (), at, directory, on_behalf_of, comment)


def reassign(
    request: ApprovalRequest,
    actor: str,
    step_key: str,
    to_user: str,
    *,
    at: _dt.datetime,
    directory: Directory,
    on_behalf_of: str | None = None,
    comment: str = "",
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    """Hand an approver's place on an open step to another user.

    The new approver takes the place (and the required flag) of the old one; the
    old one no longer decides the step. Who may reassign a place: whoever may
    answer for it (see :func:`decide`).

    Args:
        request: The request.
        actor: Who reassigns.
        step_key: The step.
        to_user: The new approver.
        at: When (timezone-aware).
        directory: Where delegations are found.
        on_behalf_of: The approver whose place is reassigned (as in :func:`decide`).
        comment: A comment.

    Returns:
        The changed request and a ``step_reassigned`` event for the new approver.

    Raises:
        NotAuthorizedError: ``actor`` may not act for that approver.
        ApprovalTransitionError: The step is not open, the place was answered
            already, or ``to_user`` already approves the step.
        ValidationError: An argument is malformed.

    >>> import datetime as dt
    >>> from sfa_core.approvals import ApprovalPlan, PlanStep
    >>> from sfa_core.directory import Directory, User
    >>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),))
    >>> request, _ = submit(plan, request_id="R", quote_id="Q", quote_revision=1,
    ...                     submitter="rep", at=at)
    >>> people = Directory(users=[User("rep"), User("mia"), User("bo")])
    >>> request, _ = reassign(request, "mia", "1/a", "bo", at=at, directory=people)
    >>> request.step("1/a").approvers
    ('bo',)
    """
    require_key(to_user, "to_user")
    return _step_action(
        request,
        AuditAction.REASSIGN,
        actor,
        step_key,
        (to_user,),
        at,
        directory,
        on_behalf_of,
        comment,
    )


def delegate(
    request: ApprovalRequest,
    actor: str,
    step_key: str,
    to_user: str,
    *,
    at: _dt.datetime,
    directory: Directory,
    on_behalf_of: str | None = None,
    comment: str = "",
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    """Let another user answer for an approver on one open step of this request.

    Unlike :func:`reassign`, the approver keeps their place and may still answer;
    whoever answers first for the place answers for it. (Delegations for a period
    of time live in the directory.)

    Args:
        request: The request.
        actor: Who delegates (the approver, or someone acting for them).
        step_key: The step.
        to_user: Who may now answer for the approver.
        at: When (timezone-aware).
        directory: Where delegations are found.
        on_behalf_of: The approver whose place is delegated (as in :func:`decide`).
        comment: A comment.

    Returns:
        The changed request and a ``step_delegated`` event for the delegate.

    Raises:
        NotAuthorizedError: ``actor`` may not act for that approver.
        ApprovalTransitionError: The step is not open, the place was answered
            already, or ``to_user`` may already answer for it.
        ValidationError: An argument is malformed.

    >>> import datetime as dt
    >>> from sfa_core.approvals import ApprovalPlan, PlanStep
    >>> from sfa_core.directory import Directory, User
    >>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),))
    >>> request, _ = submit(plan, request_id="R", quote_id="Q", quote_revision=1,
    ...                     submitter="rep", at=at)
    >>> people = Directory(users=[User("rep"), User("mia"), User("bo")])
    >>> request, _ = delegate(request, "mia", "1/a", "bo", at=at, directory=people)
    >>> request, _ = decide(request, "bo", "1/a", True, at=at, directory=people)
    >>> request.status, request.step("1/a").answers[0].actor
    (<RequestStatus.APPROVED: 'approved'>, 'bo')
    """
    require_key(to_user, "to_user")
    return _step_action(
        request,
        AuditAction.DELEGATE,
        actor,
        step_key,
        (to_user,),
        at,
        directory,
        on_behalf_of,
        comment,
    )


def recall(
    request: ApprovalRequest, actor: str, *, at: _dt.datetime, comment: str = ""
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    """Withdraw a pending request (Salesforce's recall): only its submitter may.

    Open steps are cancelled; the request accepts no decision afterwards.

    Args:
        request: The request.
        actor: Who recalls (must be the submitter).
        at: When (timezone-aware).
        comment: Why.

    Returns:
        The recalled request and a ``request_recalled`` event for the approvers
        of the open steps.

    Raises:
        NotAuthorizedError: ``actor`` is not the submitter.
        ApprovalTransitionError: The request is not pending.
        ValidationError: An argument is malformed.

    >>> import datetime as dt
    >>> from sfa_core.approvals import ApprovalPlan, PlanStep
    >>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),))
    >>> request, _ = submit(plan, request_id="R", quote_id="Q", quote_revision=1,
    ...                     submitter="rep", at=at)
    >>> request, events = recall(request, "rep", at=at)
    >>> request.status, events[0].recipients
    (<RequestStatus.RECALLED: 'recalled'>, ('mia',))
    """
    request = _check_request(request)
    require_key(actor, "actor")
    require_instant(at, "at")
    if actor != request.submitter:
        raise NotAuthorizedError(actor, "recall", None, "only the submitter may recall a request")
    return _apply(request, _entry(actor, None, at, AuditAction.RECALL, comment))


def escalate(
    request: ApprovalRequest,
    step_key: str,
    *,
    at: _dt.datetime,
    to: Iterable[str] | None = None,
    by: str = SYSTEM,
    comment: str = "",
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    """Escalate an open step: the users escalated to may answer for any of its approvers.

    A host's scheduler calls this for what
    :func:`sfa_core.approvals.timing.due_escalations` returns.

    Args:
        request: The request.
        step_key: The step.
        at: When (timezone-aware).
        to: Who to escalate to (the plan step's ``escalate_to`` if ``None``).
        by: Who escalates (``"system"`` for the scheduler).
        comment: Why.

    Returns:
        The changed request and a ``step_escalated`` event for those users.

    Raises:
        ApprovalTransitionError: The request is not pending or the step not open.
        ValidationError: An argument is malformed, or nobody is named to escalate to.

    >>> import datetime as dt
    >>> from sfa_core.approvals import ApprovalPlan, PlanStep
    >>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",), sla_hours=24,
    ...                               escalate_to=("vp",)),))
    >>> request, _ = submit(plan, request_id="R", quote_id="Q", quote_revision=1,
    ...                     submitter="rep", at=at)
    >>> request, events = escalate(request, "1/a", at=at + dt.timedelta(hours=25))
    >>> request.step("1/a").escalated_to, events[0].recipients
    (('vp',), ('vp',))
    """
    request = _check_request(request)
    require_key(step_key, "step_key")
    require_key(by, "by")
    require_instant(at, "at")
    if to is None:
        targets = _plan_step(request, step_key).escalate_to if _has(request, step_key) else ()
    else:
        targets = require_items_of(to, require_key, "user ids", "to")
    return _apply(request, _entry(by, None, at, AuditAction.ESCALATE, comment, step_key, targets))


def _has(request: ApprovalRequest, key: str) -> bool:
    return any(state.key == key for state in request.steps)


def expire(
    request: ApprovalRequest, *, at: _dt.datetime, by: str = SYSTEM, comment: str = ""
) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
    """End a pending request that waited too long (the quote expired, a deadline passed).

    Args:
        request: The request.
        at: When (timezone-aware).
        by: Who ends it (``"system"`` for the scheduler).
        comment: Why.

    Returns:
        The expired request and a ``request_expired`` event for its owner and
        submitter.

    Raises:
        ApprovalTransitionError: The request is not pending.
        ValidationError: An argument is malformed.

    >>> import datetime as dt
    >>> from sfa_core.approvals import ApprovalPlan, PlanStep
    >>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),))
    >>> request, _ = submit(plan, request_id="R", quote_id="Q", quote_revision=1,
    ...                     submitter="rep", at=at)
    >>> expire(request, at=at)[0].step("1/a").status
    <StepStatus.CANCELLED: 'cancelled'>
    """
    request = _check_request(request)
    require_key(by, "by")
    require_instant(at, "at")
    return _apply(request, _entry(by, None, at, AuditAction.EXPIRE, comment))


def status_from_audit(
    audit: Iterable[AuditEntry],
    plan: ApprovalPlan,
    options: ApprovalOptions | None = None,
) -> RequestStatus:
    """Recompute a request's status from its audit trail alone.

    The entries are replayed, in order, on a draft of ``plan``: the audit trail is
    the whole story of a request, so its status can always be told from it.

    Args:
        audit: The audit trail (:attr:`ApprovalRequest.audit`).
        plan: The request's plan.
        options: The request's options (the rejection behaviour matters).

    Returns:
        The status the trail leads to (``draft`` for an empty trail).

    Raises:
        ValidationError: An argument is malformed.
        ApprovalTransitionError: The trail holds an action its state did not allow
            (it was not written by these transitions).

    >>> import datetime as dt
    >>> from sfa_core.approvals import ApprovalPlan, PlanStep
    >>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
    >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),))
    >>> trail = [AuditEntry("rep", None, at, "submit"),
    ...          AuditEntry("mia", "mia", at, "reject", step="1/a")]
    >>> status_from_audit(trail, plan)
    <RequestStatus.REJECTED: 'rejected'>
    """
    if not isinstance(plan, ApprovalPlan):
        raise ValidationError("must be an ApprovalPlan", path="plan", value=plan)
    if options is None:
        options = ApprovalOptions()
    if not isinstance(options, ApprovalOptions):
        raise ValidationError("must be an ApprovalOptions", path="options", value=options)
    entries = require_items_of(
        audit, instance_check(AuditEntry, "an AuditEntry"), "audit entries", "audit"
    )
    submitter = next((entry.who for entry in entries if entry.action is AuditAction.SUBMIT), SYSTEM)
    request = ApprovalRequest("replay", "replay", 1, submitter, plan, options=options)
    for entry in entries:
        request, _ = _apply(request, entry)
    return request.status
