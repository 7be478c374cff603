"""Approvals: who must approve a quote, in what order, why, and whether they did.

The package is pure: it decides, and the host stores and notifies. A policy's rules
are JSON Logic over an approval context built from a priced quote; :func:`plan`
turns them into an :class:`ApprovalPlan`, and an :class:`ApprovalRequest` carries
the plan through decisions, with an append-only audit trail.
"""

from sfa_core.approvals.model import (
    ApprovalMode,
    ApprovalPlan,
    ConditionCheck,
    PlanStep,
    RuleMatch,
)

__all__ = [
    "ApprovalMode",
    "ApprovalPlan",
    "ConditionCheck",
    "PlanStep",
    "RuleMatch",
]
