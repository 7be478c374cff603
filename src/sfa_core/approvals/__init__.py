"""Approvals: who must approve a quote, in what order, why, and whether they did.

The package is pure: it decides, and the host stores and notifies. A policy's rules
are JSON Logic over an approval context built from a priced quote; :func:`plan`
turns them into an :class:`ApprovalPlan`, and an :class:`ApprovalRequest` carries
the plan through decisions, with an append-only audit trail.
"""

from sfa_core.approvals.authority import AuthorityLevel, AuthorityMatrix
from sfa_core.approvals.context import CONTEXT_FIELDS, approval_context
from sfa_core.approvals.discount_room import (
    Headroom,
    HeadroomBand,
    HeadroomRangeError,
    HeadroomStep,
    headroom,
)
from sfa_core.approvals.locking import PRICE_FIELDS, approval_still_valid, fingerprint
from sfa_core.approvals.model import (
    ApprovalMode,
    ApprovalPlan,
    ConditionCheck,
    PlanStep,
    RuleMatch,
)
from sfa_core.approvals.planning import explain_rule, plan
from sfa_core.approvals.policy import (
    ApprovalRule,
    ApproverKind,
    ApproverSpec,
    EmptyApproverGroupError,
    HitPolicy,
    HitPolicyError,
    InactiveApproverError,
    NoEligibleApproverError,
    NoManagerError,
    NotEnoughApproversError,
    Policy,
    UnknownApproverError,
    UnknownContextFieldError,
)
from sfa_core.approvals.reapproval import carry_over_plan, resubmit
from sfa_core.approvals.request import (
    Answer,
    ApprovalEvent,
    ApprovalRequest,
    ApprovalTransitionError,
    AuditAction,
    AuditEntry,
    EventKind,
    NotAuthorizedError,
    RequestStatus,
    StepState,
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
from sfa_core.approvals.semantics import ApprovalOptions, RejectionBehaviour, Response, step_outcome
from sfa_core.approvals.timing import Escalation, EscalationKind, due_escalations

__all__ = [
    "CONTEXT_FIELDS",
    "PRICE_FIELDS",
    "Answer",
    "ApprovalEvent",
    "ApprovalMode",
    "ApprovalOptions",
    "ApprovalPlan",
    "ApprovalRequest",
    "ApprovalRule",
    "ApprovalTransitionError",
    "ApproverKind",
    "ApproverSpec",
    "AuditAction",
    "AuditEntry",
    "AuthorityLevel",
    "AuthorityMatrix",
    "ConditionCheck",
    "EmptyApproverGroupError",
    "Escalation",
    "EscalationKind",
    "EventKind",
    "Headroom",
    "HeadroomBand",
    "HeadroomRangeError",
    "HeadroomStep",
    "HitPolicy",
    "HitPolicyError",
    "InactiveApproverError",
    "NoEligibleApproverError",
    "NoManagerError",
    "NotAuthorizedError",
    "NotEnoughApproversError",
    "PlanStep",
    "Policy",
    "RejectionBehaviour",
    "RequestStatus",
    "Response",
    "RuleMatch",
    "StepState",
    "StepStatus",
    "UnknownApproverError",
    "UnknownContextFieldError",
    "approval_context",
    "approval_still_valid",
    "carry_over_plan",
    "decide",
    "delegate",
    "due_escalations",
    "escalate",
    "expire",
    "explain_rule",
    "fingerprint",
    "headroom",
    "plan",
    "reassign",
    "recall",
    "resubmit",
    "status_from_audit",
    "step_outcome",
    "submit",
]
