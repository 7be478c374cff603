"""A discount-authority matrix: how much each role may give, as a ready-made policy.

The most common approval policy is a ladder of roles, each allowed a larger
discount and a thinner margin than the one below: a rep gives up to 10 % and keeps
30 % margin, a manager approves up to 20 % and 25 %, a director up to 30 % and
20 %, the VP anything. :class:`AuthorityMatrix` holds that ladder and
:meth:`AuthorityMatrix.policy` turns it into a :class:`~sfa_core.approvals.Policy`:
a discount beyond one level's authority needs the next level's approval, at the
next step of one chain, so a 25 % discount goes to the manager, then the director
(Salesforce CPQ's approval chains).

>>> matrix = AuthorityMatrix.from_mapping(
...     {"rep": (10, 30), "manager": (20, 25), "director": (30, 20), "vp": (None, None)}
... )
>>> [rule.id for rule in matrix.policy().rules][:4]
['discount-over-rep', 'margin-under-rep', 'discount-over-manager', 'margin-under-manager']
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from sfa_core._validate import (
    check_key,
    check_optional_percent,
    items_of,
    require_key,
    to_items,
    to_optional_decimal,
)
from sfa_core.approvals.context import CONTEXT_SCHEMA
from sfa_core.approvals.policy import (
    ApprovalRule,
    ApproverSpec,
    HitPolicy,
    Policy,
    UnknownContextFieldError,
)
from sfa_core.errors import ValidationError

__all__ = ["AuthorityLevel", "AuthorityMatrix"]


def _optional_spec(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, ApproverSpec):
        raise ValidationError("must be an ApproverSpec or None", path=attribute.name, value=value)


@attrs.frozen
class AuthorityLevel:
    """One role of a discount-authority matrix and the authority it holds.

    Attributes:
        role: The role (``"sales_manager"``).
        max_discount: The largest discount, in percent, the role may give or
            approve; ``None`` for any.
        min_margin: The thinnest margin, in percent, the role may accept; ``None``
            for any.
        approvers: Who approves for this level; by default the active holders of
            ``role``, the first to answer deciding.

    >>> AuthorityLevel("manager", max_discount=20, min_margin="25").min_margin
    Decimal('25')
    """

    role: str = attrs.field(validator=check_key)
    max_discount: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_percent
    )
    min_margin: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_percent
    )
    approvers: ApproverSpec | None = attrs.field(default=None, validator=_optional_spec)

    def approver_spec(self) -> ApproverSpec:
        """Return who approves for this level.

        Returns:
            ``approvers``, or the holders of ``role`` (first response).
        """
        return self.approvers if self.approvers is not None else ApproverSpec.role(self.role)


def _level(value: Any, path: str) -> None:
    if not isinstance(value, AuthorityLevel):
        raise ValidationError("must be an AuthorityLevel", path=path, value=value)


def _field(instance: Any, attribute: Any, value: Any) -> None:
    require_key(value, attribute.name)
    if CONTEXT_SCHEMA.field_type(value) is None:
        raise UnknownContextFieldError(value, path=attribute.name)


def _literal(value: Decimal) -> int | float:
    """A percent as a JSON Logic literal (a float spells the decimal exactly)."""
    if value == value.to_integral_value():
        return int(value)
    return float(str(value))


_UNLIMITED = Decimal("Infinity")


@attrs.frozen
class AuthorityMatrix:
    """A ladder of roles, each with more discount authority than the one below.

    The first level is the submitter's own authority: within it, no approval is
    needed. Beyond a level's ``max_discount`` (or under its ``min_margin``) the next
    level approves, at the next step. The last level approves anything, so it has
    no limits.

    Attributes:
        levels: The :class:`AuthorityLevel` values, lowest authority first.
        discount_field: The context field compared with ``max_discount``
            (``"max_line_discount"``: the largest line discount; or
            ``"discount_percent"``: the whole quote's).
        margin_field: The context field compared with ``min_margin``.
        chain: The chain of the steps.
        sla_hours: The SLA of every step, if any.

    Raises:
        ValidationError: Fewer than two levels, a role repeated, a level with less
            authority than the one below, or limits on the last level.
        UnknownContextFieldError: A field is not a context field.

    >>> AuthorityMatrix.from_mapping({"rep": (10, None), "manager": (5, None)})
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: levels[1].max_discount: must not be below the level \
before (got Decimal('5'))
    """

    levels: tuple[AuthorityLevel, ...] = attrs.field(
        converter=to_items, validator=items_of(_level, "AuthorityLevel values")
    )
    discount_field: str = attrs.field(default="max_line_discount", validator=_field)
    margin_field: str = attrs.field(default="margin_percent", validator=_field)
    chain: str = attrs.field(default="discount", validator=check_key)
    sla_hours: int | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        levels = self.levels
        if len(levels) < 2:
            raise ValidationError(
                "needs at least two levels (the submitter's, and an approver's)",
                path="levels",
                value=len(levels),
            )
        seen: set[str] = set()
        for index, level in enumerate(levels):
            if level.role in seen:
                raise ValidationError(
                    "repeats a role", path=f"levels[{index}].role", value=level.role
                )
            seen.add(level.role)
            if index == 0:
                continue
            below = levels[index - 1]
            discount = level.max_discount if level.max_discount is not None else _UNLIMITED
            below_discount = below.max_discount if below.max_discount is not None else _UNLIMITED
            if discount < below_discount:
                raise ValidationError(
                    "must not be below the level before",
                    path=f"levels[{index}].max_discount",
                    value=level.max_discount,
                )
            margin = level.min_margin if level.min_margin is not None else -_UNLIMITED
            below_margin = below.min_margin if below.min_margin is not None else -_UNLIMITED
            if margin > below_margin:
                raise ValidationError(
                    "must not be above the level before",
                    path=f"levels[{index}].min_margin",
                    value=level.min_margin,
                )
        top = levels[-1]
        if top.max_discount is not None or top.min_margin is not None:
            raise ValidationError(
                "the last level approves anything: give it no limits",
                path=f"levels[{len(levels) - 1}]",
                value=top,
            )
        # the SLA is checked by the rules it makes
        self.policy()

    @classmethod
    def from_mapping(
        cls,
        limits: Mapping[str, tuple[Any, Any]],
        **options: Any,
    ) -> AuthorityMatrix:
        """Build a matrix from ``{role: (max_discount, min_margin)}``, lowest authority first.

        Args:
            limits: Each role's largest discount and thinnest margin, in percent
                (``None`` for no limit), in order of increasing authority.
            **options: The matrix's other fields (``discount_field``, ``chain``...).

        Returns:
            The matrix.

        Raises:
            ValidationError: ``limits`` is not a mapping of pairs, or the ladder is
                invalid (see the class).

        >>> AuthorityMatrix.from_mapping({"rep": (15, None), "vp": (None, None)}).levels[0]
        AuthorityLevel(role='rep', max_discount=Decimal('15'), min_margin=None, approvers=None)
        """
        if not isinstance(limits, Mapping):
            raise ValidationError(
                "must be a mapping of role to (max_discount, min_margin)",
                path="limits",
                value=limits,
            )
        levels = []
        for role, pair in limits.items():
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise ValidationError(
                    "must be a pair (max_discount, min_margin)",
                    path=f"limits[{role!r}]",
                    value=pair,
                )
            levels.append(AuthorityLevel(role, pair[0], pair[1]))
        return cls(levels, **options)

    def policy(
        self, id: str = "discount-authority", *, name: str = "", allow_self_approval: bool = False
    ) -> Policy:
        """Return the matrix as a policy: one step per level above the first.

        For each level but the last, a discount above its ``max_discount`` adds a
        rule ``discount-over-<role>``, and a margin under its ``min_margin`` a rule
        ``margin-under-<role>``; both are approved by the next level, at step
        ``<its position>`` of the chain (the two merge when both match). The hit
        policy is ``collect``: a deep discount climbs every step up to the level
        that may give it.

        Args:
            id: The policy's id.
            name: Its display name.
            allow_self_approval: Whether an owner may approve their own quote.

        Returns:
            The :class:`~sfa_core.approvals.Policy`.

        >>> matrix = AuthorityMatrix.from_mapping({"rep": (10, 30), "vp": (None, None)})
        >>> print(matrix.policy().rules[0].condition)
        {'>': [{'var': 'max_line_discount'}, 10]}
        """
        rules: list[ApprovalRule] = []
        for index, (below, level) in enumerate(
            zip(self.levels[:-1], self.levels[1:], strict=True), start=1
        ):
            approvers = level.approver_spec()
            if below.max_discount is not None:
                rules.append(
                    ApprovalRule(
                        id=f"discount-over-{below.role}",
                        condition={
                            ">": [{"var": self.discount_field}, _literal(below.max_discount)]
                        },
                        approvers=approvers,
                        level=index,
                        chain=self.chain,
                        description=f"discount over {below.max_discount} % "
                        f"({below.role}'s authority): {level.role} approves",
                        sla_hours=self.sla_hours,
                    )
                )
            if below.min_margin is not None:
                rules.append(
                    ApprovalRule(
                        id=f"margin-under-{below.role}",
                        condition={"<": [{"var": self.margin_field}, _literal(below.min_margin)]},
                        approvers=approvers,
                        level=index,
                        chain=self.chain,
                        description=f"margin under {below.min_margin} % "
                        f"({below.role}'s floor): {level.role} approves",
                        sla_hours=self.sla_hours,
                    )
                )
        return Policy(
            id=id,
            rules=rules,
            hit_policy=HitPolicy.COLLECT,
            allow_self_approval=allow_self_approval,
            name=name,
        )
