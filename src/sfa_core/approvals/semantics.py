"""The rules an approval request follows, where the systems we learn from differ.

Steps run in the order of their level; the steps of one level (parallel chains) run
side by side, and the next level opens when every step of this one is approved. How
one step is decided is its :class:`~sfa_core.approvals.ApprovalMode`, read by
:func:`step_outcome`:

* ``unanimous`` (Salesforce "all approvers must approve"): every approver approves;
  one rejection rejects the step.
* ``first_response`` (Salesforce "first response"): the first answer decides; the
  approvers who had not answered are marked :attr:`Response.NO_RESPONSE`.
* ``at_least`` (Odoo minimum and required approvers): any rejection rejects; the step
  is approved when ``minimum`` approvers have approved and every required one has.

A ``required`` approver is needed whatever the mode counts. What a rejection does is
an option of the request (:class:`ApprovalOptions`): it is final, or it sends the
request back one level; a rejection at the first level is always final.

>>> answers = {"ana": Response.APPROVED}
>>> step_outcome("unanimous", ("ana", "bo"), (), 1, answers) is None
True
>>> step_outcome("first_response", ("ana", "bo"), (), 1, answers)
<Response.APPROVED: 'approved'>
>>> step_outcome("at_least", ("ana", "bo", "cy"), ("cy",), 1, answers) is None
True
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from sfa_core._validate import as_member, check_bool, require_items_of, require_key
from sfa_core.approvals.model import ApprovalMode
from sfa_core.errors import ValidationError

__all__ = ["ApprovalOptions", "RejectionBehaviour", "Response", "step_outcome"]


class Response(str, enum.Enum):
    """An approver's answer on a step.

    >>> Response("no_response")
    <Response.NO_RESPONSE: 'no_response'>
    """

    APPROVED = "approved"
    REJECTED = "rejected"
    #: The step was decided (or closed) before this approver answered.
    NO_RESPONSE = "no_response"


class RejectionBehaviour(str, enum.Enum):
    """What a rejected step does to the request.

    >>> RejectionBehaviour("back_one_step").value
    'back_one_step'
    """

    #: The request is rejected (Salesforce's "final rejection").
    FINAL = "final"
    #: The request goes back to the previous level, whose approvers decide again
    #: (Salesforce's "go back one step"): the steps of the nearest earlier level
    #: approved in this request reopen, and the rejecting level waits again. With no
    #: such level (the first level, or earlier steps only carried over) it is final.
    BACK_ONE_STEP = "back_one_step"


def _rejection(value: Any) -> RejectionBehaviour:
    return as_member(RejectionBehaviour, value, "rejection")


@attrs.frozen
class ApprovalOptions:
    """The options of a request where the anchors differ.

    Attributes:
        rejection: What a rejection does (:class:`RejectionBehaviour`).
        allow_self_approval: Whether the submitter may approve a step of their own
            request (Salesforce leaves it to the process; by default they may not).

    >>> ApprovalOptions(rejection="back_one_step").rejection
    <RejectionBehaviour.BACK_ONE_STEP: 'back_one_step'>
    >>> ApprovalOptions(allow_self_approval=1)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: allow_self_approval: must be True or False (got 1)
    """

    rejection: RejectionBehaviour = attrs.field(
        default=RejectionBehaviour.FINAL, converter=_rejection
    )
    allow_self_approval: bool = attrs.field(default=False, validator=check_bool)


def _need(mode: ApprovalMode, approvers: tuple[str, ...], minimum: int) -> int:
    if mode is ApprovalMode.UNANIMOUS:
        return len(approvers)
    if mode is ApprovalMode.FIRST_RESPONSE:
        return 1
    return minimum


def step_outcome(
    mode: ApprovalMode | str,
    approvers: tuple[str, ...],
    required: tuple[str, ...],
    minimum: int,
    answers: Mapping[str, Response],
) -> Response | None:
    """Decide one step from its approvers' answers: the completion rule of each mode.

    Any rejection rejects the step. Otherwise the step is approved when enough
    approvers have approved (all of them for ``unanimous``, one for
    ``first_response``, ``minimum`` for ``at_least``) and every ``required`` one
    has. Answers of users who are not approvers are not counted.

    Args:
        mode: The step's :class:`~sfa_core.approvals.ApprovalMode` (or its value).
        approvers: The step's approvers.
        required: The approvers whose approval is needed in any mode.
        minimum: For ``at_least``, how many approvals are needed.
        answers: Approver -> :class:`Response` given so far.

    Returns:
        ``Response.APPROVED`` or ``Response.REJECTED`` once decided, else
        ``None`` (still open).

    Raises:
        ValidationError: An argument is not of its documented type.

    >>> step_outcome("at_least", ("ana", "bo", "cy"), ("cy",), 2,
    ...              {"ana": Response.APPROVED, "cy": Response.APPROVED})
    <Response.APPROVED: 'approved'>
    >>> step_outcome("at_least", ("ana", "bo", "cy"), (), 1,
    ...              {"ana": Response.APPROVED, "bo": Response.REJECTED})
    <Response.REJECTED: 'rejected'>
    """
    kind = as_member(ApprovalMode, mode, "mode")
    users = require_items_of(approvers, require_key, "user ids", "approvers")
    needed = require_items_of(required, require_key, "user ids", "required")
    if minimum.__class__ is not int or minimum < 1:
        raise ValidationError("must be an integer of at least 1", path="minimum", value=minimum)
    if not isinstance(answers, Mapping):
        raise ValidationError(
            "must be a mapping of user to Response", path="answers", value=answers
        )
    given = {user: answers.get(user) for user in users}
    for user, answer in given.items():
        if answer is not None and not isinstance(answer, Response):
            raise ValidationError("must be a Response", path=f"answers[{user!r}]", value=answer)
    if any(answer is Response.REJECTED for answer in given.values()):
        return Response.REJECTED
    approved = {user for user, answer in given.items() if answer is Response.APPROVED}
    if len(approved) >= _need(kind, users, minimum) and all(user in approved for user in needed):
        return Response.APPROVED
    return None
