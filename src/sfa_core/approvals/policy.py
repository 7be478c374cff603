"""Approval policies: rules, who approves, and how the matches of several rules combine.

A :class:`Policy` is a set of :class:`ApprovalRule` values, each a JSON Logic
condition over the approval context (:data:`~sfa_core.approvals.CONTEXT_FIELDS`),
an :class:`ApproverSpec` saying who approves, and the step the approval lands
on (a ``level`` and a ``chain``). The policy's :class:`HitPolicy` says, with the
meanings of DMN decision tables, how the rules that match combine.

Conditions are compiled once, when a rule is built, against the documented
context fields: a field the context does not have is an
:class:`UnknownContextFieldError` then, not a rule that never matches. What needs
the directory (an unknown user, an empty group, at least 3 approvers of a group of
2) is checked when a plan is made (:func:`~sfa_core.approvals.plan`).

>>> rule = ApprovalRule(
...     id="deep-discount",
...     condition={">": [{"var": "max_line_discount"}, 20]},
...     approvers=ApproverSpec.manager(),
...     description="Discounts over 20 %",
... )
>>> policy = Policy(id="discounts", rules=[rule])
>>> policy.hit_policy, policy.rule("deep-discount").approvers.describe()
(<HitPolicy.COLLECT: 'collect'>, "the owner's manager")
>>> ApprovalRule(id="typo", condition={">": [{"var": "max_discount"}, 20]},
...              approvers=ApproverSpec.user("mia"))
Traceback (most recent call last):
...
sfa_core.approvals.policy.UnknownContextFieldError: condition['>'][0]: unknown context \
field 'max_discount' in rule 'typo'
"""

from __future__ import annotations

import enum
import functools
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from sfa_core._validate import (
    as_member,
    check_bool,
    check_key,
    check_text,
    check_version,
    items_of,
    require_key,
    to_items,
)
from sfa_core.approvals.context import CONTEXT_SCHEMA
from sfa_core.approvals.model import ApprovalMode
from sfa_core.errors import (
    RuleError,
    RuleEvaluationError,
    SfaError,
    ValidationError,
    _joined,
    _shown,
    _text,
)
from sfa_core.rules import CompiledRule, truthy
from sfa_core.rules import compile as compile_rule

__all__ = [
    "ApprovalRule",
    "ApproverKind",
    "ApproverSpec",
    "EmptyApproverGroupError",
    "HitPolicy",
    "HitPolicyError",
    "InactiveApproverError",
    "NoEligibleApproverError",
    "NoManagerError",
    "NotEnoughApproversError",
    "Policy",
    "UnknownApproverError",
    "UnknownContextFieldError",
]


# -- errors --------------------------------------------------------------------------------------


class UnknownContextFieldError(RuleError):
    """A rule's condition (or an approver field) reads a field the approval context lacks.

    Raised when the rule is built, so that a misspelt field cannot make a rule that
    never matches. Names under ``fields.`` and ``account_fields.`` are the host's and
    always allowed.

    Attributes:
        field: The unknown field (``"max_discount"``).
        rule_id: The id of the rule that reads it.
        path: Where it is read: ``"condition['>'][0]"``, or ``"approvers.target"``.

    >>> UnknownContextFieldError("max_discount", rule_id="r1").code
    'unknown_context_field'
    """

    code: ClassVar[str] = "unknown_context_field"

    def __init__(self, field: Any, *, rule_id: Any = None, path: str = "condition") -> None:
        self.field = field
        self.rule_id = rule_id
        where = "" if rule_id is None else f" in rule {_shown(rule_id)}"
        super().__init__(f"unknown context field {_shown(field)}{where}", path=path, rule=field)


class HitPolicyError(SfaError, ValueError):
    """The rules that matched break the policy's hit policy (DMN ``unique`` or ``any``).

    Attributes:
        policy: The policy's id.
        hit_policy: The :class:`HitPolicy` broken.
        rules: The ids of the rules that matched.

    >>> err = HitPolicyError("p", HitPolicy.UNIQUE, ["a", "b"])
    >>> err.code, err.rules
    ('hit_policy_violation', ('a', 'b'))
    >>> str(err)
    "policy 'p': hit policy unique allows one matching rule, but 2 matched: a, b"
    """

    code: ClassVar[str] = "hit_policy_violation"

    def __init__(self, policy: Any, hit_policy: HitPolicy, rules: Any) -> None:
        self.policy = policy
        self.hit_policy = hit_policy
        self.rules = tuple(rules) if isinstance(rules, (list, tuple)) else rules
        if hit_policy is HitPolicy.UNIQUE:
            count = len(self.rules) if isinstance(self.rules, tuple) else "several"
            reason = f"allows one matching rule, but {count} matched"
        else:
            reason = "needs every matching rule to give the same approval, but they differ"
        name = hit_policy.value if isinstance(hit_policy, HitPolicy) else hit_policy
        super().__init__(
            f"policy {_shown(policy)}: hit policy {_text(name)} {reason}: {_joined(rules, ', ')}"
        )


class _PlanningError(ValidationError):
    """Base of the errors that need the directory: they name the rule that failed."""

    def __init__(self, reason: str, *, rule: Any, path: str, value: Any) -> None:
        self.rule = rule
        where = f"rule {_shown(rule)}: " if rule is not None else ""
        super().__init__(where + _text(reason), path=_text(path), value=value)


class UnknownApproverError(_PlanningError):
    """A rule names an approver the directory does not hold.

    The approver is a user, a group, the owner, a user id read from a context field,
    or a required approver who is not an active member of the group or role.

    Attributes:
        rule: The id of the rule.
        kind: What was looked up: ``"user"``, ``"group"``, ``"owner"``, ``"field"``
            or ``"required"``.
        approver: The id that was not found (also in ``value``).

    >>> err = UnknownApproverError("zoe", kind="user", rule="r1")
    >>> err.code, err.approver, err.path
    ('unknown_approver', 'zoe', 'approvers.target')
    >>> str(err)
    "approvers.target: rule 'r1': no user has this id (got 'zoe')"
    """

    code: ClassVar[str] = "unknown_approver"

    def __init__(
        self,
        approver: Any,
        *,
        kind: str,
        rule: Any = None,
        path: str = "approvers.target",
        reason: str = "",
    ) -> None:
        self.kind = kind
        self.approver = approver
        super().__init__(
            reason or f"no {_text(kind)} has this id", rule=rule, path=path, value=approver
        )


class EmptyApproverGroupError(_PlanningError):
    """A rule's group or role has no active member, so nobody could approve its step.

    Attributes:
        rule: The id of the rule.
        kind: ``"group"`` or ``"role"``.
        group: The group's id or the role (also in ``value``).

    >>> str(EmptyApproverGroupError("legal", kind="group", rule="terms"))
    "approvers.target: rule 'terms': group has no active member (got 'legal')"
    """

    code: ClassVar[str] = "empty_approver_group"

    def __init__(self, group: Any, *, kind: str, rule: Any = None) -> None:
        self.kind = kind
        self.group = group
        reason = (
            f"{_text(kind)} has no active member"
            if kind == "group"
            else "nobody active has this role"
        )
        super().__init__(reason, rule=rule, path="approvers.target", value=group)


class NotEnoughApproversError(_PlanningError):
    """A step needs more approvals than it has eligible approvers (at least N of fewer).

    Attributes:
        rule: The id of the rule (or the step's key, for merged rules).
        minimum: The approvals needed (also in ``value``).
        available: The eligible approvers there are.

    >>> err = NotEnoughApproversError(3, available=2, rule="board")
    >>> err.code, str(err)
    ('not_enough_approvers', "approvers.minimum: rule 'board': needs more approvals than \
there are eligible approvers (2) (got 3)")
    """

    code: ClassVar[str] = "not_enough_approvers"

    def __init__(self, minimum: Any, *, available: int, rule: Any = None) -> None:
        self.minimum = minimum
        self.available = available
        super().__init__(
            f"needs more approvals than there are eligible approvers ({_text(available)})",
            rule=rule,
            path="approvers.minimum",
            value=minimum,
        )


class NoManagerError(_PlanningError):
    """A rule asks for the owner's manager (N levels up), and there is none.

    Attributes:
        rule: The id of the rule.
        owner: The quote's owner (``None`` when the plan was asked without one).
        levels: How many levels up the rule looks (also in ``value``).

    >>> str(NoManagerError("ceo", levels=1, rule="big-deal"))
    "approvers.levels: rule 'big-deal': the owner 'ceo' has no manager 1 level(s) up (got 1)"
    """

    code: ClassVar[str] = "no_manager"

    def __init__(self, owner: Any, *, levels: int, rule: Any = None) -> None:
        self.owner = owner
        self.levels = levels
        if owner is None:
            reason = "a manager approves, but no owner was given"
        else:
            reason = f"the owner {_shown(owner)} has no manager {_text(levels)} level(s) up"
        super().__init__(reason, rule=rule, path="approvers.levels", value=levels)


class InactiveApproverError(_PlanningError):
    """A rule's approver is inactive and has no active delegate at the planning time.

    Attributes:
        rule: The id of the rule.
        user: The inactive user's id (also in ``value``).

    >>> InactiveApproverError("mia", rule="r1").code
    'inactive_approver'
    """

    code: ClassVar[str] = "inactive_approver"

    def __init__(self, user: Any, *, rule: Any = None) -> None:
        self.user = user
        super().__init__(
            "the approver is inactive and has no active delegate",
            rule=rule,
            path="approvers.target",
            value=user,
        )


class NoEligibleApproverError(_PlanningError):
    """A step's only approver is the owner, who may not approve their own quote.

    The planner first hands such a step to the owner's manager; this error means
    the owner has none.

    Attributes:
        step: The step's key (``"1/discount"``).
        owner: The owner (also in ``value``).

    >>> NoEligibleApproverError("ceo", step="1/discount").code
    'no_eligible_approver'
    """

    code: ClassVar[str] = "no_eligible_approver"

    def __init__(self, owner: Any, *, step: str) -> None:
        self.step = step
        self.owner = owner
        super().__init__(
            f"step {_text(step)}: the owner may not approve their own quote, and has no manager",
            rule=None,
            path="owner",
            value=owner,
        )


# -- approvers -----------------------------------------------------------------------------------


class ApproverKind(str, enum.Enum):
    """Who an :class:`ApproverSpec` designates.

    >>> ApproverKind("manager")
    <ApproverKind.MANAGER: 'manager'>
    """

    #: A named user (``target`` is the user id).
    USER = "user"
    #: The members of a group (``target`` is the group id), with a mode.
    GROUP = "group"
    #: The owner's manager, or the manager ``levels`` levels up.
    MANAGER = "manager"
    #: The active users holding a role (``target`` is the role), with a mode.
    ROLE = "role"
    #: The user whose id a context field holds (``target`` is the field).
    FIELD = "field"


_SINGLE = frozenset({ApproverKind.USER, ApproverKind.MANAGER, ApproverKind.FIELD})


def _kind(value: Any) -> ApproverKind:
    return as_member(ApproverKind, value, "kind")


def _mode(value: Any) -> ApprovalMode:
    return as_member(ApprovalMode, value, "mode")


def _check_small_int(low: int, high: int) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value.__class__ is not int or not low <= value <= high:
            raise ValidationError(
                f"must be an integer from {low} to {high}", path=attribute.name, value=value
            )

    return check


def _check_user_id(value: Any, path: str) -> None:
    require_key(value, path)


def _check_optional_target(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        require_key(value, attribute.name)


@attrs.frozen
class ApproverSpec:
    """Who approves a rule's step, and how they decide it.

    Build one with the class methods: :meth:`user`, :meth:`group`, :meth:`manager`,
    :meth:`role`, :meth:`from_field`. A group or a role decides in a ``mode``:
    unanimous (everyone approves), first response (the first answer decides), or
    at least ``minimum`` approvals with every ``required`` approver among them
    (Odoo's minimum and required approvers).

    Attributes:
        kind: The :class:`ApproverKind`.
        target: The user id, group id, role or context field (``None`` for a manager).
        levels: For a manager, how many levels above the owner (1: the direct manager).
        mode: How a group or role decides (:class:`~sfa_core.approvals.ApprovalMode`).
        minimum: For ``at_least``, how many approvals are needed.
        required: Users whose approval a group or role step always needs.

    Raises:
        ValidationError: A field does not fit the kind (a manager with a target, a
            minimum above 1 outside ``at_least``, fewer approvals than required
            approvers...).
        UnknownContextFieldError: A field approver names a field the context lacks.

    >>> ApproverSpec.group("legal", mode="at_least", minimum=2, required=["ana"]).describe()
    'group legal (at least 2, including ana)'
    >>> ApproverSpec.manager(levels=2).describe()
    'the manager 2 levels above the owner'
    >>> ApproverSpec.group("legal", minimum=2)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: minimum: must be 1 unless the mode is at_least (got 2)
    """

    kind: ApproverKind = attrs.field(converter=_kind)
    target: str | None = attrs.field(default=None, validator=_check_optional_target)
    levels: int = attrs.field(default=1, validator=_check_small_int(1, 100))
    mode: ApprovalMode = attrs.field(default=ApprovalMode.UNANIMOUS, converter=_mode)
    minimum: int = attrs.field(default=1, validator=_check_small_int(1, 10_000))
    required: tuple[str, ...] = attrs.field(
        default=(), converter=to_items, validator=items_of(_check_user_id, "user ids")
    )

    def __attrs_post_init__(self) -> None:
        kind = self.kind
        if kind is ApproverKind.MANAGER:
            if self.target is not None:
                raise ValidationError(
                    "a manager approver names no target", path="target", value=self.target
                )
        elif self.target is None:
            raise ValidationError(f"a {kind.value} approver needs a target", path="target")
        if kind is not ApproverKind.MANAGER and self.levels != 1:
            raise ValidationError(
                "must be 1 unless the approver is a manager", path="levels", value=self.levels
            )
        if self.mode is not ApprovalMode.AT_LEAST and self.minimum != 1:
            raise ValidationError(
                "must be 1 unless the mode is at_least", path="minimum", value=self.minimum
            )
        if self.required:
            if kind in _SINGLE:
                raise ValidationError(
                    "only a group or a role has required approvers",
                    path="required",
                    value=self.required,
                )
            if len(set(self.required)) != len(self.required):
                raise ValidationError(
                    "required approvers repeat", path="required", value=self.required
                )
            if self.mode is ApprovalMode.AT_LEAST and self.minimum < len(self.required):
                raise ValidationError(
                    f"must be at least the number of required approvers ({len(self.required)})",
                    path="minimum",
                    value=self.minimum,
                )
        if kind is ApproverKind.FIELD and CONTEXT_SCHEMA.field_type(str(self.target)) is None:
            raise UnknownContextFieldError(self.target, path="target")

    @classmethod
    def user(cls, user_id: str) -> ApproverSpec:
        """A named user approves.

        Args:
            user_id: The user's id in the directory.

        Returns:
            The spec.

        >>> ApproverSpec.user("mia").describe()
        'user mia'
        """
        return cls(ApproverKind.USER, user_id)

    @classmethod
    def group(
        cls,
        group_id: str,
        *,
        mode: ApprovalMode | str = ApprovalMode.UNANIMOUS,
        minimum: int = 1,
        required: tuple[str, ...] | list[str] = (),
    ) -> ApproverSpec:
        """The active members of a group approve, in a mode.

        Args:
            group_id: The group's id in the directory.
            mode: ``"unanimous"``, ``"first_response"`` or ``"at_least"``.
            minimum: For ``"at_least"``, how many approvals are needed.
            required: Members whose approval is always needed.

        Returns:
            The spec.

        >>> ApproverSpec.group("finance", mode="first_response").describe()
        'group finance (first response)'
        """
        return cls(ApproverKind.GROUP, group_id, mode=mode, minimum=minimum, required=required)

    @classmethod
    def manager(cls, levels: int = 1) -> ApproverSpec:
        """The owner's manager approves, or the manager ``levels`` levels up.

        Args:
            levels: 1 for the direct manager, 2 for their manager...

        Returns:
            The spec.

        >>> ApproverSpec.manager().describe()
        "the owner's manager"
        """
        return cls(ApproverKind.MANAGER, levels=levels)

    @classmethod
    def role(
        cls,
        role: str,
        *,
        mode: ApprovalMode | str = ApprovalMode.FIRST_RESPONSE,
        minimum: int = 1,
        required: tuple[str, ...] | list[str] = (),
    ) -> ApproverSpec:
        """The active users holding a role approve (by default, the first to answer).

        Args:
            role: The role.
            mode: ``"first_response"`` (the default), ``"unanimous"`` or ``"at_least"``.
            minimum: For ``"at_least"``, how many approvals are needed.
            required: Holders whose approval is always needed.

        Returns:
            The spec.

        >>> ApproverSpec.role("vp_sales").describe()
        'role vp_sales (first response)'
        """
        return cls(ApproverKind.ROLE, role, mode=mode, minimum=minimum, required=required)

    @classmethod
    def from_field(cls, field: str) -> ApproverSpec:
        """The user whose id a context field holds approves (``account_fields.owner``).

        Args:
            field: A context field (a name of :data:`~sfa_core.approvals.CONTEXT_FIELDS`,
                or one under ``fields.`` or ``account_fields.``).

        Returns:
            The spec.

        >>> ApproverSpec.from_field("account_fields.key_account_manager").describe()
        'the user in account_fields.key_account_manager'
        """
        return cls(ApproverKind.FIELD, field)

    def describe(self) -> str:
        """Say who approves, in words.

        Returns:
            The description.
        """
        kind = self.kind
        if kind is ApproverKind.USER:
            return f"user {self.target}"
        if kind is ApproverKind.FIELD:
            return f"the user in {self.target}"
        if kind is ApproverKind.MANAGER:
            if self.levels == 1:
                return "the owner's manager"
            return f"the manager {self.levels} levels above the owner"
        if self.mode is ApprovalMode.AT_LEAST:
            how = f"at least {self.minimum}"
        else:
            how = self.mode.value.replace("_", " ")
        if self.required:
            how += ", including " + ", ".join(self.required)
        return f"{kind.value} {self.target} ({how})"


# -- rules ---------------------------------------------------------------------------------------


class HitPolicy(str, enum.Enum):
    """How the rules that match combine, with the meanings of DMN decision tables.

    >>> [policy.value for policy in HitPolicy]
    ['unique', 'any', 'first', 'priority', 'rule_order', 'collect']
    """

    #: At most one rule may match; more is a :class:`HitPolicyError`.
    UNIQUE = "unique"
    #: Several may match if they all give the same approval (approvers, step, SLA);
    #: that one approval applies. Different approvals are a :class:`HitPolicyError`.
    ANY = "any"
    #: The first matching rule, in the policy's order, applies.
    FIRST = "first"
    #: The matching rule with the highest ``priority`` applies (ties: the first).
    PRIORITY = "priority"
    #: Every matching rule applies, in the policy's order.
    RULE_ORDER = "rule_order"
    #: Every matching rule applies (DMN gives no order; the plan keeps the policy's).
    COLLECT = "collect"


def _hit_policy(value: Any) -> HitPolicy:
    return as_member(HitPolicy, value, "hit_policy")


def _check_optional_sla(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and (value.__class__ is not int or not 1 <= value <= 100_000):
        raise ValidationError(
            "must be None or a number of hours from 1 to 100000", path=attribute.name, value=value
        )


#: Comparisons a condition's checks are read from, and their mirror images (``20 < x``
#: reads as ``x > 20``).
_MIRROR = {
    "==": "==",
    "===": "===",
    "!=": "!=",
    "!==": "!==",
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
}
_ORDERING = frozenset({"<", "<=", ">", ">="})
_ITERATORS = frozenset({"map", "filter", "all", "some", "none", "reduce"})
_LOGICAL = frozenset({"and", "or"})
_SCALARS = (str, int, float, bool, type(None))


@functools.lru_cache(maxsize=4096)
def _getter(name: str) -> CompiledRule:
    """The compiled ``{"var": name}``: reads a field with the rule engine's own semantics."""
    return compile_rule({"var": name})


def _var_name(node: Any) -> str | None:
    """The literal field name of a ``{"var": "name"}`` node, else ``None``."""
    if isinstance(node, Mapping) and len(node) == 1:
        ((op, arg),) = node.items()
        if op == "var":
            if isinstance(arg, list) and len(arg) == 1:
                arg = arg[0]
            if isinstance(arg, str) and arg:
                return arg
    return None


def _is_literal(node: Any) -> bool:
    if isinstance(node, _SCALARS):
        return not isinstance(node, float) or node == node
    if isinstance(node, list):
        return all(isinstance(item, _SCALARS) for item in node)
    return False


def _operands(args: Any) -> list[Any]:
    return list(args) if isinstance(args, (list, tuple)) else [args]


def _check_fields(node: Any, path: str, rule_id: str) -> None:
    """Raise :class:`UnknownContextFieldError` for a literal field the context lacks.

    Names inside the body of an iterator (``some``, ``all``...) are relative to the
    item and are not checked.
    """
    if isinstance(node, list):
        for index, item in enumerate(node):
            _check_fields(item, f"{path}[{index}]", rule_id)
        return
    if not isinstance(node, Mapping) or len(node) != 1:
        return
    ((op, args),) = node.items()
    if not isinstance(op, str):
        return
    here = f"{path}[{op!r}]"
    if op == "var":
        name = _var_name(node)
        if name is None and isinstance(args, list) and args and isinstance(args[0], str):
            name = args[0] or None
        if name is not None and CONTEXT_SCHEMA.field_type(name) is None:
            raise UnknownContextFieldError(name, rule_id=rule_id, path=path)
        return
    operands = _operands(args)
    listed = isinstance(args, (list, tuple))
    for index, item in enumerate(operands):
        if op in _ITERATORS and index not in (0, 2):
            continue
        _check_fields(item, f"{here}[{index}]" if listed else here, rule_id)


# A node of a condition whose checks can be read without tracing it: a tree of
# ``and``/``or``/``!``/``!!`` over comparisons of one field with a literal, and bare
# fields tested for truth. The checks are the results of the same compiled sub-rules.
_Node = tuple[Any, ...]


def _check_tree(node: Any) -> _Node | None:
    """Build the check tree of a condition, or ``None`` when it has another shape."""
    if isinstance(node, bool):
        return ("const", node)
    name = _var_name(node)
    if name is not None:
        return ("truthy", name, _getter(name))
    if not isinstance(node, Mapping) or len(node) != 1:
        return None
    ((op, args),) = node.items()
    if op in _LOGICAL:
        if not isinstance(args, list) or not args:
            return None
        children = [_check_tree(arg) for arg in args]
        if any(child is None for child in children):
            return None
        return (op, tuple(children))
    if op in ("!", "!!"):
        operands = _operands(args)
        if len(operands) != 1:
            return None
        child = _check_tree(operands[0])
        return None if child is None else (op, child)
    if op in _MIRROR or op == "in":
        if not isinstance(args, list) or len(args) != 2:
            return None
        left, right = args
        field, shown, expected = _var_name(left), op, right
        if field is None or not _is_literal(right):
            field, expected = _var_name(right), left
            shown = "contains" if op == "in" else _MIRROR[op]
            if field is None or not _is_literal(left):
                return None
        elif op != "in" and isinstance(right, list):
            return None
        return ("cmp", field, shown, expected, _comparison_test(op, left, right), _getter(field))
    return None


# Compiled comparisons, shared by every rule that makes the same one (twelve rules
# testing ``"hardware" in families`` hold one test), so that a plan runs each
# comparison once per context (see :func:`_holds`).
_TESTS: dict[str, Callable[[Any], bool]] = {}


def _comparison_test(op: str, left: Any, right: Any) -> Callable[[Any], bool]:
    """The compiled test of ``{op: [left, right]}``, one per distinct comparison."""
    try:
        key = json.dumps([op, left, right], sort_keys=True)
    except (TypeError, ValueError):
        return compile_rule({op: [left, right]})._predicate()
    test = _TESTS.get(key)
    if test is None:
        if len(_TESTS) >= 20_000:
            _TESTS.clear()
        test = _TESTS[key] = compile_rule({op: [left, right]})._predicate()
    return test


def _holds(node: _Node, context: Any, memo: dict[int, bool]) -> bool:
    """Whether a check tree holds for ``context``, as the rule's compiled condition says.

    ``and``/``or``/``!``/``!!`` take JSON Logic truthiness, as the compiled rule
    does; the result of each comparison is kept in ``memo`` (by its shared test),
    so the rules of one policy that make the same comparison run it once.
    """
    kind = node[0]
    if kind == "cmp":
        test = node[4]
        found = memo.get(id(test))
        if found is None:
            found = memo[id(test)] = bool(test(context))
        return found
    if kind == "truthy":
        return truthy(node[2].evaluate(context))
    if kind == "and":
        return all(_holds(child, context, memo) for child in node[1])
    if kind == "or":
        return any(_holds(child, context, memo) for child in node[1])
    if kind == "!":
        return not _holds(node[1], context, memo)
    if kind == "!!":
        return _holds(node[1], context, memo)
    return bool(node[1])  # "const"


def _threshold(value: Any) -> Decimal | None:
    if value.__class__ is int:
        return Decimal(value)
    if value.__class__ is float and value == value and value not in (float("inf"), float("-inf")):
        return Decimal(repr(value))
    return None


def _guard(tree: _Node | None) -> tuple[str, str, Decimal, Callable[[Any], bool]] | None:
    """The comparison of a field with a number that decides the rule alone when it fails.

    It is the whole condition, or the first operand of its top ``and`` (which
    short-circuits: when it fails, nothing after it runs).
    """
    if tree is None:
        return None
    if tree[0] == "and":
        tree = tree[1][0]
    if tree[0] != "cmp" or tree[2] not in _ORDERING:
        return None
    threshold = _threshold(tree[3])
    if threshold is None:
        return None
    return tree[1], tree[2], threshold, tree[4]


def _approver_spec(value: Any) -> ApproverSpec:
    if isinstance(value, ApproverSpec):
        return value
    raise ValidationError("must be an ApproverSpec", path="approvers", value=value)


@attrs.frozen
class ApprovalRule:
    """One rule of a policy: when its condition holds, its approvers approve a step.

    Attributes:
        id: Unique key within the policy, named in plans.
        approvers: Who approves (an :class:`ApproverSpec`).
        condition: JSON Logic over the approval context (``None``: always). Compiled
            once, here, against :data:`~sfa_core.approvals.CONTEXT_FIELDS`.
        level: The step's place in the order (1 first); steps of one level run side
            by side when their chains differ.
        chain: The chain the step belongs to (``"discount"``, ``"legal"``...).
        priority: For the ``priority`` hit policy: larger wins.
        description: The rule in words, shown with the reasons of a plan.
        sla_hours: Hours the step may stay open before it is escalated.
        escalate_to: Who an overdue step is escalated to (user ids).
        active: Inactive rules never match.

    Raises:
        RuleError: The condition is not valid JSON Logic, or compares a field with a
            value of another type (``path`` says where).
        UnknownContextFieldError: The condition reads a field the context lacks.
        ValidationError: Another field is malformed.

    >>> rule = ApprovalRule(id="big", condition={">=": [{"var": "net_total"}, 50000]},
    ...                     approvers=ApproverSpec.role("vp_sales"), level=2)
    >>> rule.matches({"net_total": 72000}), rule.reads
    (True, ('net_total',))
    """

    id: str = attrs.field(validator=check_key)
    approvers: ApproverSpec = attrs.field(converter=_approver_spec)
    condition: Any = attrs.field(default=None, hash=False)  # JSON: compared, not hashed
    level: int = attrs.field(default=1, validator=_check_small_int(1, 1_000))
    chain: str = attrs.field(default="default", validator=check_key)
    priority: int = attrs.field(default=0, validator=_check_small_int(-1_000_000, 1_000_000))
    description: str = attrs.field(default="", validator=check_text)
    sla_hours: int | None = attrs.field(default=None, validator=_check_optional_sla)
    escalate_to: tuple[str, ...] = attrs.field(
        default=(), converter=to_items, validator=items_of(_check_user_id, "user ids")
    )
    active: bool = attrs.field(default=True, validator=check_bool)
    _compiled: CompiledRule | None = attrs.field(init=False, eq=False, repr=False, hash=False)
    _test: Callable[[Any], bool] | None = attrs.field(init=False, eq=False, repr=False, hash=False)
    _tree: _Node | None = attrs.field(init=False, eq=False, repr=False, hash=False)
    _reads: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        condition = self.condition
        compiled: CompiledRule | None = None
        tree: _Node | None = None
        reads: list[str] = []
        if condition is not None:
            _check_fields(condition, "condition", self.id)
            try:
                compiled = compile_rule(condition, schema=CONTEXT_SCHEMA)
            except RuleError as err:
                raise RuleError(
                    err.reason, path="condition" + err.path[1:], rule=err.rule
                ) from None
            tree = _check_tree(compiled.source)
            _collect_reads(compiled.source, reads)
        object.__setattr__(self, "_compiled", compiled)
        object.__setattr__(self, "_test", None if compiled is None else compiled._predicate())
        object.__setattr__(self, "_tree", tree)
        object.__setattr__(self, "_reads", tuple(dict.fromkeys(reads)))

    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in attrs.fields(ApprovalRule) if f.init}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__attrs_post_init__()

    @property
    def reads(self) -> tuple[str, ...]:
        """The context fields the condition names (outside iterator bodies), in order.

        Returns:
            The field names.
        """
        return self._reads

    @property
    def compiled(self) -> CompiledRule | None:
        """The compiled condition (``None`` when the rule always applies).

        Returns:
            The :class:`~sfa_core.rules.CompiledRule`.
        """
        return self._compiled

    def matches(self, context: Mapping[str, Any]) -> bool:
        """Return whether the rule applies to ``context`` (an active rule whose condition holds).

        Args:
            context: An approval context (:func:`~sfa_core.approvals.approval_context`).

        Returns:
            ``True`` when the rule is active and its condition is truthy.

        Raises:
            RuleEvaluationError: The condition failed to evaluate (``path`` starts with
                ``condition``).
        """
        if not self.active:
            return False
        test = self._test
        if test is None:
            return True
        try:
            return test(context)
        except RuleEvaluationError as err:
            raise _located(err) from None

    def output(self) -> tuple[Any, ...]:
        """What the rule decides when it matches: approvers, step, SLA and escalation.

        Two rules with equal outputs agree under the ``any`` hit policy.

        Returns:
            A tuple that compares by value.
        """
        return (self.approvers, self.level, self.chain, self.sla_hours, self.escalate_to)


def _located(err: RuleEvaluationError) -> RuleEvaluationError:
    path = err.path
    return RuleEvaluationError(
        err.error,
        path="condition" + (path[1:] if path.startswith("$") else path),
        reason=err.reason,
    )


def _collect_reads(node: Any, found: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect_reads(item, found)
        return
    if not isinstance(node, Mapping) or len(node) != 1:
        return
    ((op, args),) = node.items()
    name = _var_name(node)
    if name is not None:
        found.append(name)
        return
    for index, item in enumerate(_operands(args)):
        if op in _ITERATORS and index not in (0, 2):
            continue
        _collect_reads(item, found)


# -- policies ------------------------------------------------------------------------------------


def _check_rules(instance: Any, attribute: Any, value: tuple[Any, ...]) -> None:
    seen: dict[str, int] = {}
    for index, rule in enumerate(value):
        if not isinstance(rule, ApprovalRule):
            raise ValidationError("must be an ApprovalRule", path=f"rules[{index}]", value=rule)
        if rule.id in seen:
            raise ValidationError(
                f"repeats a rule id (also rules[{seen[rule.id]}])",
                path=f"rules[{index}].id",
                value=rule.id,
            )
        seen[rule.id] = index


@attrs.frozen
class _Group:
    """Rules guarded by one field and comparison, sorted by threshold."""

    field: str
    op: str
    thresholds: tuple[Decimal, ...]
    indexes: tuple[int, ...]
    tests: tuple[Callable[[Any], bool], ...]


@attrs.frozen
class _Index:
    """A policy compiled for planning: the rules to test always, and guarded groups."""

    always: tuple[int, ...]
    groups: tuple[_Group, ...]
    by_id: Mapping[str, int]
    order: tuple[int, ...]
    #: Rules whose condition is their guard alone: a guard that holds is a match.
    exact: frozenset[int]


def _build_index(rules: tuple[ApprovalRule, ...], hit_policy: HitPolicy) -> _Index:
    always: list[int] = []
    exact: set[int] = set()
    grouped: dict[tuple[str, str], list[tuple[Decimal, int, Callable[[Any], bool]]]] = {}
    for index, rule in enumerate(rules):
        if not rule.active:
            continue
        guard = _guard(rule._tree)
        if guard is None:
            always.append(index)
            continue
        field, op, threshold, test = guard
        grouped.setdefault((field, op), []).append((threshold, index, test))
    groups = []
    for (field, op), items in grouped.items():
        if len(items) < 4:
            always.extend(index for _, index, _ in items)
            continue
        items.sort(key=lambda item: (item[0], item[1]))
        exact.update(i for _, i, _ in items if rules[i]._tree[0] == "cmp")  # type: ignore[index]
        groups.append(
            _Group(
                field,
                op,
                tuple(item[0] for item in items),
                tuple(item[1] for item in items),
                tuple(item[2] for item in items),
            )
        )
    if hit_policy is HitPolicy.PRIORITY:
        order = sorted(range(len(rules)), key=lambda i: (-rules[i].priority, i))
    else:
        order = list(range(len(rules)))
    return _Index(
        tuple(sorted(always)),
        tuple(groups),
        {rule.id: index for index, rule in enumerate(rules)},
        tuple(order),
        frozenset(exact),
    )


def _passing(group: _Group, context: Any) -> tuple[int, ...]:
    """The rules of a group whose guard holds, found by bisection.

    For a fixed value, ``value > t`` (or ``>=``) holds for every threshold below
    some point and for none above it, so the guards that hold are a prefix of the
    sorted group (a suffix for ``<`` and ``<=``); the bisection runs the guards'
    own compiled tests.
    """
    tests = group.tests
    size = len(tests)
    if group.op in (">", ">="):
        low, high = 0, size  # tests[:low] hold, tests[high:] fail
        while low < high:
            middle = (low + high) // 2
            if tests[middle](context):
                low = middle + 1
            else:
                high = middle
        return group.indexes[:low]
    low, high = 0, size  # tests[:low] fail, tests[high:] hold
    while low < high:
        middle = (low + high) // 2
        if tests[middle](context):
            high = middle
        else:
            low = middle + 1
    return group.indexes[low:]


@attrs.frozen
class Policy:
    """An approval policy: rules, how their matches combine, and who may approve.

    Attributes:
        id: The policy's id.
        rules: The :class:`ApprovalRule` values, in order (the order ``first`` and
            ``rule_order`` follow), ids unique.
        hit_policy: How matching rules combine (:class:`HitPolicy`; ``collect`` by
            default: every matching rule adds its step).
        allow_self_approval: Whether the quote's owner may approve their own quote;
            when not (the default), the planner takes the owner off every step.
        name: Display name.
        version: Storage version (0 = never stored).

    Raises:
        ValidationError: A rule is not an :class:`ApprovalRule`, or two share an id.

    >>> policy = Policy(id="p", rules=[
    ...     ApprovalRule(id="a", condition={">": [{"var": "discount_percent"}, 10]},
    ...                  approvers=ApproverSpec.manager()),
    ...     ApprovalRule(id="b", condition={">": [{"var": "discount_percent"}, 20]},
    ...                  approvers=ApproverSpec.role("vp"), level=2)])
    >>> [rule.id for rule in policy.matching({"discount_percent": 15})]
    ['a']
    """

    id: str = attrs.field(validator=check_key)
    rules: tuple[ApprovalRule, ...] = attrs.field(
        default=(), converter=to_items, validator=_check_rules
    )
    hit_policy: HitPolicy = attrs.field(default=HitPolicy.COLLECT, converter=_hit_policy)
    allow_self_approval: bool = attrs.field(default=False, validator=check_bool)
    name: str = attrs.field(default="", validator=check_text)
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)
    _index: _Index = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _build_index(self.rules, self.hit_policy))

    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in attrs.fields(Policy) if f.init}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__attrs_post_init__()

    def rule(self, rule_id: str) -> ApprovalRule:
        """Return the rule ``rule_id``.

        Args:
            rule_id: A rule id.

        Returns:
            The rule.

        Raises:
            ValidationError: No rule has this id.
        """
        index = self._index.by_id.get(rule_id) if rule_id.__class__ is str else None
        if index is None:
            raise ValidationError("no rule has this id", path="rule_id", value=rule_id)
        return self.rules[index]

    def matching(self, context: Mapping[str, Any]) -> tuple[ApprovalRule, ...]:
        """Return every active rule whose condition holds for ``context``, in policy order.

        The hit policy is not applied (see :func:`~sfa_core.approvals.plan`). Rules
        guarded by a comparison of one field with a number are looked up by
        bisection over their thresholds, so a policy of hundreds of bands costs a
        few tests per field.

        Args:
            context: An approval context.

        Returns:
            The matching rules.

        Raises:
            ValidationError: ``context`` is not a mapping.
            RuleEvaluationError: A condition failed to evaluate.
        """
        return tuple(self.rules[i] for i in self._matching(context))

    def _matching(self, context: Any, memo: dict[int, bool] | None = None) -> list[int]:
        if not isinstance(context, Mapping):
            raise ValidationError(
                "must be a mapping (an approval context)", path="context", value=context
            )
        index = self._index
        rules = self.rules
        candidates: list[int] = list(index.always)
        try:
            for group in index.groups:
                candidates.extend(_passing(group, context))
        except RuleEvaluationError as err:
            raise _located(err) from None
        candidates.sort()
        exact = index.exact
        if memo is None:
            memo = {}
        found = []
        for i in candidates:
            if i in exact:
                found.append(i)
                continue
            rule = rules[i]
            tree = rule._tree
            if tree is None or not rule.active:
                if rule.matches(context):
                    found.append(i)
                continue
            try:
                holds = _holds(tree, context, memo)
            except RuleEvaluationError:
                rule.matches(context)  # raises, located in the rule's condition
                raise
            if holds:
                found.append(i)
        return found
