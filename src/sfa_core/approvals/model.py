"""The values an approval plan is made of: steps, approvers, modes and the reasons.

A plan is what :func:`sfa_core.approvals.plan` decides for a quote: ordered steps,
each with the users who may approve it, how many of them must, and the rules that
put it there with the values they saw. An empty plan means the quote is approved
without anyone's decision. The request that carries a plan through decisions is in
:mod:`sfa_core.approvals.request`.

>>> step = PlanStep(
...     level=1, chain="discount", approvers=("mia",), rules=("deep-discount",),
... )
>>> plan = ApprovalPlan(steps=(step,))
>>> plan.auto_approved, [s.key for s in plan.steps]
(False, ['1/discount'])
>>> ApprovalPlan().auto_approved
True
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from sfa_core._frozen import FrozenMap
from sfa_core._validate import (
    as_member,
    check_bool,
    check_key,
    check_optional_text,
    check_text,
    instance_check,
    items_of,
    require_decimal,
    require_key,
    to_frozen,
    to_items,
)
from sfa_core.errors import ValidationError

__all__ = [
    "ApprovalMode",
    "ApprovalPlan",
    "ConditionCheck",
    "PlanStep",
    "RuleMatch",
]


class ApprovalMode(str, enum.Enum):
    """How the approvers of one step decide it.

    >>> ApprovalMode("first_response").value
    'first_response'
    """

    #: Every approver must approve; one rejection rejects the step.
    UNANIMOUS = "unanimous"
    #: The first answer decides; the other approvers are marked as not responding.
    FIRST_RESPONSE = "first_response"
    #: At least ``minimum`` approvals, every ``required`` approver among them; any
    #: rejection rejects the step (Odoo's minimum and required approvers).
    AT_LEAST = "at_least"


def _mode(value: Any) -> ApprovalMode:
    return as_member(ApprovalMode, value, "mode")


def _check_level(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not int or not 1 <= value <= 1_000:
        raise ValidationError("must be an integer from 1 to 1000", path=attribute.name, value=value)


def _check_minimum(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not int or value < 1:
        raise ValidationError("must be an integer of at least 1", path=attribute.name, value=value)


def _check_sla(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and (value.__class__ is not int or not 1 <= value <= 100_000):
        raise ValidationError(
            "must be None or a number of hours from 1 to 100000", path=attribute.name, value=value
        )


def _check_user(value: Any, path: str) -> None:
    require_key(value, path)


def _check_note(value: Any, path: str) -> None:
    if value.__class__ is not str:
        raise ValidationError("must be text", path=path, value=value)


_JSON_DEPTH = 32
_JSON_NODES = 10_000


def require_json(value: Any, path: str) -> Any:
    """Return ``value`` if it is JSON data; refuse the rest with a ``ValidationError``.

    JSON data is ``None``, a bool, an int or ``Decimal`` in the supported range, text,
    and lists (or tuples) and mappings with text keys of those, at most 32 deep.

    >>> require_json({"discount": [Decimal("22.5"), None]}, "actual")
    {'discount': [Decimal('22.5'), None]}
    >>> require_json({1: "x"}, "actual")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: actual: a mapping key must be text (got 1)
    """
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    nodes = 0
    while stack:
        item, where, depth = stack.pop()
        nodes += 1
        if nodes > _JSON_NODES or depth > _JSON_DEPTH:
            raise ValidationError("is too large or too deep for JSON data", path=path)
        kind = item.__class__
        if item is None or kind is bool or kind is str:
            continue
        if kind is int or kind is Decimal:
            require_decimal(item, where)
            continue
        if kind is list or kind is tuple:
            stack.extend(
                (child, f"{where}[{index}]", depth + 1) for index, child in enumerate(item)
            )
            continue
        if isinstance(item, Mapping):
            for key, child in item.items():
                if key.__class__ is not str:
                    raise ValidationError("a mapping key must be text", path=where, value=key)
                stack.append((child, f"{where}[{key!r}]", depth + 1))
            continue
        raise ValidationError("must be JSON data", path=where, value=item)
    return value


def _check_json(instance: Any, attribute: Any, value: Any) -> None:
    require_json(value, attribute.name)


def _check_values(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError(
            "must be a mapping of field to value", path=attribute.name, value=value
        )
    for key, item in value.items():
        require_key(key, attribute.name)
        require_json(item, f"{attribute.name}[{key!r}]")


@attrs.frozen
class ConditionCheck:
    """One comparison a rule's condition made, with what it saw: the data of a reason.

    Attributes:
        field: The context field compared (``"max_line_discount"``).
        operator: The comparison (``">"``, ``">="``, ``"=="``, ``"in"`` ...).
        expected: The value it was compared with (JSON data).
        actual: The value the context held (JSON data).
        result: Whether the comparison held.

    >>> str(ConditionCheck("max_line_discount", ">", 20, "22.5", True))
    'max_line_discount > 20: 22.5 (true)'
    """

    field: str = attrs.field(validator=check_key)
    operator: str = attrs.field(validator=check_key)
    expected: Any = attrs.field(default=None, validator=_check_json)
    actual: Any = attrs.field(default=None, validator=_check_json)
    result: bool = attrs.field(default=False, validator=check_bool)

    def __str__(self) -> str:
        verdict = "true" if self.result else "false"
        expected, actual = _json_word(self.expected), _json_word(self.actual)
        return f"{self.field} {self.operator} {expected}: {actual} ({verdict})"


def _json_word(value: Any) -> str:
    """A value as JSON spells it in a reason: ``true``, ``false``, ``null``, else as is."""
    if value is True or value is False:
        return "true" if value else "false"
    return "null" if value is None else str(value)


@attrs.frozen
class RuleMatch:
    """A policy rule whose condition held, and why: the reason a step is in a plan.

    Attributes:
        rule: The rule's id.
        description: The rule's description, as the policy gives it.
        checks: The comparisons its condition made, with the values seen.
        values: The context values the condition read (field -> value), the
            snapshot smart re-approval compares a resubmission against.

    >>> match = RuleMatch("deep-discount", "Discounts over 20 %",
    ...                   (ConditionCheck("max_line_discount", ">", 20, "22.5", True),))
    >>> print(match)
    deep-discount (Discounts over 20 %): max_line_discount > 20: 22.5 (true)
    """

    rule: str = attrs.field(validator=check_key)
    description: str = attrs.field(default="", validator=check_text)
    checks: tuple[ConditionCheck, ...] = attrs.field(
        default=(),
        converter=to_items,
        validator=items_of(instance_check(ConditionCheck, "a ConditionCheck"), "checks"),
    )
    values: FrozenMap[str, Any] = attrs.field(
        factory=FrozenMap, converter=to_frozen, validator=_check_values
    )

    def __str__(self) -> str:
        head = f"{self.rule} ({self.description})" if self.description else self.rule
        if not self.checks:
            return head
        return head + ": " + "; ".join(str(check) for check in self.checks)


@attrs.frozen
class PlanStep:
    """One step of an approval plan: who approves, how, and why it is there.

    Steps run in the order of their ``level``; steps of one level but different
    ``chain`` run side by side (parallel chains).

    Attributes:
        level: The step's place in the order (1 first).
        chain: The chain the step belongs to (``"discount"``, ``"legal"``...).
        approvers: The user ids who may decide the step, in order.
        mode: How they decide it (:class:`ApprovalMode`).
        minimum: For :attr:`ApprovalMode.AT_LEAST`, how many approvals it needs.
        required: Approvers whose approval is needed whatever the mode counts.
        rules: The ids of the policy rules that put the step in the plan.
        reasons: The matches of those rules, with the values they saw.
        sla_hours: Hours the step may stay open before it is escalated, if any.
        escalate_to: Who an overdue step is escalated to (user ids), if any.
        description: The step in words (``"Sales manager"``).

    >>> step = PlanStep(level=2, chain="margin", approvers=("vp",), mode="unanimous")
    >>> step.key, step.mode
    ('2/margin', <ApprovalMode.UNANIMOUS: 'unanimous'>)
    """

    level: int = attrs.field(validator=_check_level)
    chain: str = attrs.field(validator=check_key)
    approvers: tuple[str, ...] = attrs.field(
        converter=to_items, validator=items_of(_check_user, "user ids")
    )
    mode: ApprovalMode = attrs.field(default=ApprovalMode.UNANIMOUS, converter=_mode)
    minimum: int = attrs.field(default=1, validator=_check_minimum)
    required: tuple[str, ...] = attrs.field(
        default=(), converter=to_items, validator=items_of(_check_user, "user ids")
    )
    rules: tuple[str, ...] = attrs.field(
        default=(), converter=to_items, validator=items_of(_check_user, "rule ids")
    )
    reasons: tuple[RuleMatch, ...] = attrs.field(
        default=(),
        converter=to_items,
        validator=items_of(instance_check(RuleMatch, "a RuleMatch"), "reasons"),
    )
    sla_hours: int | None = attrs.field(default=None, validator=_check_sla)
    escalate_to: tuple[str, ...] = attrs.field(
        default=(), converter=to_items, validator=items_of(_check_user, "user ids")
    )
    description: str | None = attrs.field(default=None, validator=check_optional_text)

    def __attrs_post_init__(self) -> None:
        if not self.approvers:
            raise ValidationError("a step needs at least one approver", path="approvers", value=())
        if len(set(self.approvers)) != len(self.approvers):
            raise ValidationError("approvers repeat", path="approvers", value=self.approvers)
        missing = [user for user in self.required if user not in self.approvers]
        if missing:
            raise ValidationError(
                "required approvers must be approvers of the step", path="required", value=missing
            )
        if self.minimum > len(self.approvers):
            raise ValidationError(
                f"needs more approvals than the step has approvers ({len(self.approvers)})",
                path="minimum",
                value=self.minimum,
            )

    def __str__(self) -> str:
        """The step in words: its key, who decides and how, and the rules behind it."""
        who = ", ".join(self.approvers)
        how = self.mode.value.replace("_", " ")
        if self.mode is ApprovalMode.AT_LEAST:
            how = f"at least {self.minimum}"
        if self.required:
            how += ", required " + ", ".join(self.required)
        text = f"{self.key}: {who} ({how})"
        if self.sla_hours is not None:
            text += f", within {self.sla_hours} h"
        return text + (" <- " + ", ".join(self.rules) if self.rules else "")

    @property
    def key(self) -> str:
        """The step's key in a plan and a request, ``"<level>/<chain>"``.

        Returns:
            The key.
        """
        return f"{self.level}/{self.chain}"


def _check_steps(instance: Any, attribute: Any, value: tuple[PlanStep, ...]) -> None:
    if value.__class__ is not tuple:
        raise ValidationError("must be a sequence of PlanStep", path="steps", value=value)
    seen: set[str] = set()
    for index, step in enumerate(value):
        if step.__class__ is not PlanStep:
            raise ValidationError("must be a PlanStep", path=f"steps[{index}]", value=step)
        if step.key in seen:
            raise ValidationError(
                "two steps share a level and a chain", path=f"steps[{index}]", value=step.key
            )
        seen.add(step.key)
    order = [(step.level, step.chain) for step in value]
    if order != sorted(order):
        raise ValidationError("steps must be ordered by level, then chain", path="steps")


@attrs.frozen
class ApprovalPlan:
    """The steps a quote needs, in order, with the reasons; empty means auto-approved.

    Attributes:
        steps: The steps, ordered by level then chain.
        matched: Every rule whose condition held (including rules whose step was
            merged into another's, or skipped by the hit policy: see ``notes``).
        notes: What the planner decided beyond the steps, in words (a rule the hit
            policy set aside, an approver replaced by an active delegate, a step
            carried over from an earlier approval...).

    >>> ApprovalPlan().auto_approved
    True
    """

    steps: tuple[PlanStep, ...] = attrs.field(
        default=(), converter=to_items, validator=_check_steps
    )
    matched: tuple[RuleMatch, ...] = attrs.field(
        default=(),
        converter=to_items,
        validator=items_of(instance_check(RuleMatch, "a RuleMatch"), "matched"),
    )
    notes: tuple[str, ...] = attrs.field(
        default=(), converter=to_items, validator=items_of(_check_note, "notes")
    )

    def explain(self) -> str:
        """Render the plan as text: each level on a line, its parallel chains side by side.

        The text is made from the plan's data; every reason is printed under its step.

        Returns:
            The plan in words (``"auto-approved"`` when it has no steps).

        >>> plan = ApprovalPlan((
        ...     PlanStep(level=1, chain="discount", approvers=("max",), rules=("band-10",),
        ...              reasons=(RuleMatch("band-10", "", (
        ...                  ConditionCheck("max_line_discount", ">", 10, "22", True),)),)),
        ...     PlanStep(level=1, chain="legal", approvers=("lea", "leo")),
        ...     PlanStep(level=2, chain="discount", approvers=("vera",), mode="first_response"),
        ... ))
        >>> print(plan.explain())
        level 1, side by side:
          1/discount: max (unanimous) <- band-10
            band-10: max_line_discount > 10: 22 (true)
          1/legal: lea, leo (unanimous)
        then level 2:
          2/discount: vera (first response)
        >>> ApprovalPlan().explain()
        'auto-approved'
        """
        if not self.steps:
            return "auto-approved"
        rows: list[str] = []
        levels = sorted({step.level for step in self.steps})
        for index, level in enumerate(levels):
            steps = [step for step in self.steps if step.level == level]
            head = "level" if index == 0 else "then level"
            rows.append(f"{head} {level}" + (", side by side:" if len(steps) > 1 else ":"))
            for step in steps:
                rows.append(f"  {step}")
                rows.extend(f"    {reason}" for reason in step.reasons)
        rows.extend(f"note: {note}" for note in self.notes)
        return "\n".join(rows)

    def __str__(self) -> str:
        return self.explain()

    @property
    def auto_approved(self) -> bool:
        """Whether no step is needed.

        Returns:
            ``True`` when the plan has no steps.
        """
        return not self.steps

    def step(self, key: str) -> PlanStep:
        """Return the step with ``key`` (``"<level>/<chain>"``).

        Args:
            key: The step's key.

        Returns:
            The step.

        Raises:
            ValidationError: No step has that key.

        >>> ApprovalPlan((PlanStep(level=1, chain="c", approvers=("a",)),)).step("1/c").chain
        'c'
        """
        for step in self.steps:
            if step.key == key:
                return step
        raise ValidationError("no step has this key", path="key", value=key)
