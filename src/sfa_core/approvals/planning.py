"""Planning: which rules of a policy match a quote, and the approval steps they make.

:func:`plan` evaluates every rule's condition against an approval context, applies
the policy's hit policy, finds the approvers in the directory, merges the rules
that land on the same step, and returns an :class:`~sfa_core.approvals.ApprovalPlan`
whose steps say who approves, how, and why: each matching rule's comparisons with
the values it saw. An empty plan means the quote is approved without anyone.

A plan is never one that can get stuck: a step nobody could complete is an error
when the plan is made (an unknown approver, an empty group, at least 3 approvals
of a group of 2, an owner without the manager a rule asks for).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from sfa_core._fast import builder
from sfa_core._frozen import FrozenMap
from sfa_core._validate import require_decimal, require_key
from sfa_core.approvals.model import (
    ApprovalMode,
    ApprovalPlan,
    ConditionCheck,
    PlanStep,
    RuleMatch,
)
from sfa_core.approvals.policy import (
    _MIRROR,
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
    _getter,
    _Node,
    _var_name,
)
from sfa_core.directory import Directory, UnknownGroupError, UnknownUserError
from sfa_core.errors import ValidationError, _shown
from sfa_core.money import Money
from sfa_core.rules import Explanation, truthy

__all__ = ["explain_rule", "plan"]

_T = TypeVar("_T")

_COMPARISONS = frozenset({"==", "===", "!=", "!==", "<", "<=", ">", ">=", "in"})
_ITERATORS = frozenset({"map", "filter", "all", "some", "none", "reduce"})
_LOGICAL = frozenset({"and", "or", "!", "!!", "if", "?:"})
_MAX_DEPTH = 30


# -- reasons: a rule's comparisons with the values seen -----------------------------------------


def _number(value: Decimal | int) -> Any:
    """A number as JSON data: kept when in the supported range, else its text."""
    if value.__class__ is int and value.bit_length() > 200:
        return "<a very large number>"
    try:
        checked = require_decimal(value)
    except ValidationError:
        return str(value)
    return value if value.__class__ is int else checked


def _json(value: Any, budget: list[int] | None = None, depth: int = 0) -> Any:
    """``value`` as JSON data for a reason.

    Numbers stay ``int`` or ``Decimal``, dates become ISO 8601 text, containers
    lists and dicts (bounded: 30 deep, 5,000 items in all).
    """
    cls = value.__class__
    if value is None or cls is bool or cls is str:
        return value
    if cls is int or cls is Decimal:
        return _number(value)
    if cls is float:
        return _number(Decimal(repr(value))) if math.isfinite(value) else str(value)
    if isinstance(value, bool):  # subclasses: their plain value
        return bool(value)
    if isinstance(value, int):
        return _number(int.__index__(value))
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, Money):
        return _number(value.amount)
    if isinstance(value, Decimal):
        return _number(Decimal(value))
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if budget is None:
        budget = [5_000]
    if depth >= _MAX_DEPTH or budget[0] <= 0:
        return "..."
    if isinstance(value, Mapping):
        found: dict[str, Any] = {}
        for key, item in value.items():
            budget[0] -= 1
            if budget[0] <= 0:
                break
            found[key if key.__class__ is str else _shown(key)] = _json(item, budget, depth + 1)
        return found
    if isinstance(value, (list, tuple)):
        items: list[Any] = []
        for item in value:
            budget[0] -= 1
            if budget[0] <= 0:
                break
            items.append(_json(item, budget, depth + 1))
        return items
    return _shown(value)


def _key(name: str) -> str:
    """A field name as a check's key: names a key cannot hold are shown bounded."""
    try:
        return require_key(name, "field")
    except ValidationError:
        text = _shown(name)[:200].strip()
        return text or "?"


def _maker(cls: type[_T]) -> Callable[..., _T]:
    """A constructor of ``cls`` from keyword values this module has checked.

    The values of a reason are made valid here (keys by :func:`_key`, data by
    :func:`_json`), so they are set without running the class's checks again;
    fields not given take their defaults. A class with a post-init step, or a
    field filled in later, is built by its own constructor.
    """
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__attrs_post_init__") or any(not f.init for f in fields):
        return cls
    make = builder(cls)
    defaults: list[tuple[str, Any]] = []
    for f in fields:
        default = f.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if default.takes_self:
                return cls
            defaults.append((f.name, default.factory))
        else:
            defaults.append((f.name, lambda default=default: default))

    def build(**given: Any) -> _T:
        return make(*[given[name] if name in given else fill() for name, fill in defaults])

    return build


_make_check = _maker(ConditionCheck)
_make_match = _maker(RuleMatch)
_make_step = builder(PlanStep)
_make_plan = builder(ApprovalPlan)


def _check(field: str, operator: str, expected: Any, actual: Any, result: bool) -> ConditionCheck:
    return _make_check(
        field=_key(field),
        operator=operator,
        expected=_json(expected),
        actual=actual,
        result=bool(result),
    )


_make_check_fast = builder(ConditionCheck)
_make_match_fast = builder(RuleMatch)

# The parts of a comparison node that do not depend on the context (the field's key,
# the expected value as JSON data), made once per node. Nodes live as long as their
# rule; the entry holds the node itself, so an id is never taken for another node's.
_STATIC: dict[int, tuple[_Node, str, Any]] = {}
_MISSING = object()


def _static(node: _Node, field: str, expected: Any) -> tuple[str, Any]:
    found = _STATIC.get(id(node))
    if found is None or found[0] is not node:
        if len(_STATIC) >= 20_000:
            _STATIC.clear()
        found = _STATIC[id(node)] = (node, _key(field), _json(expected))
    return found[1], found[2]


def _run(
    node: _Node,
    context: Any,
    checks: list[ConditionCheck],
    values: dict[str, Any],
    seen: dict[Any, Any] | None = None,
) -> bool:
    """Walk a condition's check tree, as ``and``/``or`` short-circuit, recording each test.

    ``seen`` keeps the fields already read from this context (as JSON data) and the
    results of the comparisons already made (by their shared test), so the rules of
    one plan read each field and make each comparison once.
    """
    kind = node[0]
    if kind == "cmp":
        _, field, shown, expected, test, getter = node
        key, wanted = _static(node, field, expected)
        result = None if seen is None else seen.get(id(test))
        if result is None:
            result = bool(test(context))
            if seen is not None:
                seen[id(test)] = result
        actual = _MISSING if seen is None else seen.get(field, _MISSING)
        if actual is _MISSING:
            actual = _json(getter.evaluate(context))
            if seen is not None:
                seen[field] = actual
        values[key] = actual
        checks.append(_make_check_fast(key, shown, wanted, actual, result))
        return result
    if kind == "truthy":
        _, field, getter = node
        got = getter.evaluate(context)
        actual = _json(got)
        values[_key(field)] = actual
        result = truthy(got)
        checks.append(_check(field, "truthy", True, actual, result))
        return result
    if kind == "and":
        return all(_run(child, context, checks, values, seen) for child in node[1])
    if kind == "or":
        return any(_run(child, context, checks, values, seen) for child in node[1])
    if kind == "!":
        return not _run(node[1], context, checks, values, seen)
    if kind == "!!":
        return _run(node[1], context, checks, values, seen)
    return bool(node[1])  # "const"


def _name_of(node: Explanation) -> str | None:
    return _var_name(node.source) if node.operator == "var" else None


def _from_explanation(
    node: Explanation,
    checks: list[ConditionCheck],
    values: dict[str, Any],
    prefix: str,
    logical: bool,
) -> None:
    """Read the checks and the values seen from an explanation tree (see :func:`explain_rule`)."""
    if not node.evaluated:
        return
    op = node.operator
    if op == "var":
        name = _name_of(node)
        if name is not None and not node.failed:
            actual = _json(node.result)
            values[_key(prefix + name)] = actual
            if logical:
                checks.append(_check(prefix + name, "truthy", True, actual, node.truthy))
        return
    children = node.children
    if op in _COMPARISONS and not node.failed and len(node.operands) == len(children):
        _comparison(node, checks, prefix)
    if op in _ITERATORS and children:
        array = _name_of(children[0])
        for child in children:
            inner = prefix
            if child.item is not None and array is not None and op != "reduce":
                inner = f"{prefix}{array}.{child.item}."
            _from_explanation(child, checks, values, inner, child.item is not None and op != "map")
        return
    for child in children:
        _from_explanation(child, checks, values, prefix, op in _LOGICAL)


def _comparison(node: Explanation, checks: list[ConditionCheck], prefix: str) -> None:
    op = str(node.operator)
    children, operands = node.children, node.operands
    names = [_name_of(child) for child in children]
    if len(children) == 3 and names[1] is not None:
        shown = "between" if op == "<" else "between_inclusive"
        expected = [_json(operands[0]), _json(operands[2])]
        checks.append(_check(prefix + names[1], shown, expected, _json(operands[1]), node.truthy))
        return
    if len(children) != 2:
        return
    if names[0] is not None:
        field, shown, expected, actual = names[0], op, operands[1], operands[0]
    elif names[1] is not None:
        shown = "contains" if op == "in" else _MIRROR.get(op, op)
        field, expected, actual = names[1], operands[0], operands[1]
    else:
        try:
            field = json.dumps(children[0].source, separators=(",", ":"), default=str)
        except (TypeError, ValueError):
            field = children[0].path
        if len(field) > 200:
            field = children[0].path
        shown, expected, actual = op, operands[1], operands[0]
        prefix = ""
    checks.append(_check(prefix + field, shown, expected, _json(actual), node.truthy))


def explain_rule(rule: ApprovalRule, context: Mapping[str, Any]) -> RuleMatch:
    """Evaluate a rule's condition and return its comparisons with the values seen.

    The checks are read from the rule engine's record of the evaluation
    (:meth:`~sfa_core.rules.CompiledRule.explain`). A condition made only of
    ``and``, ``or``, ``!`` and ``!!`` over comparisons of a field with a value is
    read faster, from the results of its compiled comparisons, with the same
    short-circuits. Comparisons that short-circuiting skipped are left out;
    ``20 < x`` reads as ``x > 20``, ``"A" in skus`` as ``skus contains "A"``, and a
    field tested on its own as ``field truthy``. Values are JSON data: numbers
    as ``int`` or ``Decimal`` (a float literal as the ``Decimal`` it spells), dates as
    ISO 8601 text.

    Args:
        rule: The rule.
        context: An approval context.

    Returns:
        The :class:`~sfa_core.approvals.RuleMatch`, whether the condition held or not;
        ``values`` holds every field the evaluation read.

    Raises:
        RuleEvaluationError: The condition failed to evaluate.

    >>> from sfa_core.approvals import ApprovalRule, ApproverSpec
    >>> rule = ApprovalRule(id="deep", approvers=ApproverSpec.manager(),
    ...                     condition={"and": [{">": [{"var": "max_line_discount"}, 20]},
    ...                                        {"in": ["LAMP", {"var": "skus"}]}]})
    >>> match = explain_rule(rule, {"max_line_discount": Decimal("22.5"), "skus": ["LAMP"]})
    >>> print(match)
    deep: max_line_discount > 20: 22.5 (true); skus contains LAMP: ['LAMP'] (true)
    >>> match.values["max_line_discount"]
    Decimal('22.5')
    """
    if not isinstance(rule, ApprovalRule):
        raise ValidationError("must be an ApprovalRule", path="rule", value=rule)
    if not isinstance(context, Mapping):
        raise ValidationError(
            "must be a mapping (an approval context)", path="context", value=context
        )
    if rule.compiled is not None:
        rule.matches(context)  # raises, located, if the condition fails to evaluate
    return _explain(rule, context)


def _explain(
    rule: ApprovalRule, context: Mapping[str, Any], seen: dict[Any, Any] | None = None
) -> RuleMatch:
    compiled = rule.compiled
    if compiled is None:
        return RuleMatch(rule.id, rule.description)
    checks: list[ConditionCheck] = []
    values: dict[str, Any] = {}
    tree = rule._tree
    if tree is not None:
        _run(tree, context, checks, values, seen)
    else:
        _from_explanation(compiled.explain(context), checks, values, "", True)
    return _make_match_fast(rule.id, rule.description, tuple(checks), FrozenMap.wrap(values))


# -- approvers -----------------------------------------------------------------------------------


class _Part:
    """What one selected rule asks of a step, with its approvers found."""

    __slots__ = (
        "approvers",
        "chain",
        "description",
        "escalate_to",
        "level",
        "match",
        "minimum",
        "mode",
        "required",
        "rule",
        "sla_hours",
    )

    def __init__(
        self,
        rule: ApprovalRule,
        match: RuleMatch,
        approvers: list[str],
        mode: ApprovalMode,
        minimum: int,
        required: list[str],
    ) -> None:
        self.rule = rule.id
        self.level = rule.level
        self.chain = rule.chain
        self.description = rule.description
        self.sla_hours = rule.sla_hours
        self.escalate_to = rule.escalate_to
        self.match = match
        self.approvers = approvers
        self.mode = mode
        self.minimum = minimum
        self.required = required


class _Resolver:
    """Finds the approvers of rules in a directory, once per plan."""

    def __init__(
        self,
        directory: Directory,
        context: Mapping[str, Any],
        owner: str | None,
        when: _dt.datetime | None,
        notes: list[str],
    ) -> None:
        self.directory = directory
        self.context = context
        self.owner = owner
        self.when = when
        self.notes = notes
        self.done: dict[ApproverSpec, tuple[list[str], ApprovalMode, int, list[str]]] = {}

    def active(self, user_id: str, rule: str | None) -> str:
        """``user_id``, or their first active delegate when they are inactive."""
        user = self.directory.user(user_id)
        if user.active:
            return user.id
        if self.when is not None:
            delegates = self.directory.delegates_of(user.id, self.when)
            if delegates:
                self.notes.append(
                    f"rule {rule}: {user.id} is inactive; their delegate {delegates[0]} "
                    "approves instead"
                )
                return delegates[0]
        raise InactiveApproverError(user.id, rule=rule)

    def manager(self, levels: int, rule: str | None) -> str:
        owner = self.owner
        if owner is None:
            raise NoManagerError(None, levels=levels, rule=rule)
        try:
            found = self.directory.manager_of(owner, levels)
        except UnknownUserError:
            raise UnknownApproverError(
                owner, kind="owner", rule=rule, path="owner", reason="the owner is not a user"
            ) from None
        if found is None:
            raise NoManagerError(owner, levels=levels, rule=rule)
        return self.active(found.id, rule)

    def resolve(
        self, spec: ApproverSpec, rule: str
    ) -> tuple[list[str], ApprovalMode, int, list[str]]:
        """The approvers of ``spec``; found once per plan (unless a delegate stood in)."""
        done = self.done.get(spec)
        if done is not None:
            return done
        noted = len(self.notes)
        found = self._resolve(spec, rule)
        if len(self.notes) == noted:
            self.done[spec] = found
        return found

    def _resolve(
        self, spec: ApproverSpec, rule: str
    ) -> tuple[list[str], ApprovalMode, int, list[str]]:
        kind = spec.kind
        target = str(spec.target)
        if kind is ApproverKind.MANAGER:
            return [self.manager(spec.levels, rule)], spec.mode, 1, []
        if kind is ApproverKind.USER:
            try:
                return [self.active(target, rule)], spec.mode, 1, []
            except UnknownUserError:
                raise UnknownApproverError(target, kind="user", rule=rule) from None
        if kind is ApproverKind.FIELD:
            held = _getter(target).evaluate(self.context)
            if held.__class__ is not str or not held:
                raise UnknownApproverError(
                    held,
                    kind="field",
                    rule=rule,
                    reason=f"the context field {target!r} holds no user id",
                )
            try:
                return [self.active(held, rule)], spec.mode, 1, []
            except UnknownUserError:
                raise UnknownApproverError(
                    held,
                    kind="field",
                    rule=rule,
                    reason=f"the context field {target!r} names no user of the directory",
                ) from None
        if kind is ApproverKind.GROUP:
            try:
                members = [member.user for member in self.directory.members_of(target)]
            except UnknownGroupError:
                raise UnknownApproverError(target, kind="group", rule=rule) from None
            what = f"group {target}"
        else:
            members = [user.id for user in self.directory.with_role(target)]
            what = f"role {target}"
        if not members:
            raise EmptyApproverGroupError(target, kind=kind.value, rule=rule)
        for user in spec.required:
            if user not in members:
                raise UnknownApproverError(
                    user,
                    kind="required",
                    rule=rule,
                    path="approvers.required",
                    reason=f"a required approver is not an active member of {what}",
                )
        if spec.mode is ApprovalMode.AT_LEAST and spec.minimum > len(members):
            raise NotEnoughApproversError(spec.minimum, available=len(members), rule=rule)
        return members, spec.mode, spec.minimum, list(spec.required)


# -- steps ---------------------------------------------------------------------------------------


def _union(lists: Any) -> list[str]:
    return list(dict.fromkeys(item for items in lists for item in items))


def _merge(parts: list[_Part], notes: list[str]) -> tuple[list[str], ApprovalMode, int, list[str]]:
    """The approvers, mode, minimum and required approvers of rules sharing a step."""
    first = parts[0]
    if len(parts) == 1:
        return first.approvers, first.mode, first.minimum, first.required
    approvers = _union(part.approvers for part in parts)
    required = _union(part.required for part in parts)
    modes = {part.mode for part in parts}
    if len(modes) == 1:
        mode = first.mode
        minimum = max(part.minimum for part in parts) if mode is ApprovalMode.AT_LEAST else 1
        return approvers, mode, minimum, required
    required = _union(
        [required] + [part.approvers for part in parts if part.mode is ApprovalMode.UNANIMOUS]
    )
    minimum = max([len(required)] + [part.minimum for part in parts])
    notes.append(
        f"step {first.level}/{first.chain}: rules {', '.join(part.rule for part in parts)} "
        f"decide in different modes; merged as at least {minimum} approvals"
        + (f" including {', '.join(required)}" if required else "")
    )
    return approvers, ApprovalMode.AT_LEAST, minimum, required


def _decide(
    parts: list[_Part],
    policy: Policy,
    resolver: _Resolver,
    notes: list[str],
) -> tuple[list[str], ApprovalMode, int, list[str]]:
    """Who decides a step and how: its rules merged, the owner taken off unless allowed."""
    first = parts[0]
    key = f"{first.level}/{first.chain}"
    approvers, mode, minimum, required = _merge(parts, notes)
    owner = resolver.owner
    if owner is not None and not policy.allow_self_approval and owner in approvers:
        approvers = [user for user in approvers if user != owner]
        required = [user for user in required if user != owner]
        notes.append(f"step {key}: the owner {owner} may not approve their own quote")
        if not approvers:
            try:
                found = resolver.directory.manager_of(owner)
            except UnknownUserError:
                found = None
            if found is None:
                raise NoEligibleApproverError(owner, step=key)
            approvers = [resolver.active(found.id, None)]
            mode, minimum, required = ApprovalMode.UNANIMOUS, 1, []
            notes.append(f"step {key}: handed to the owner's manager {approvers[0]}")
        elif minimum > len(approvers):
            raise NotEnoughApproversError(minimum, available=len(approvers), rule=key)
    return approvers, mode, minimum if mode is ApprovalMode.AT_LEAST else 1, required


def _step(
    parts: list[_Part],
    policy: Policy,
    resolver: _Resolver,
    notes: list[str],
) -> PlanStep:
    first = parts[0]
    approvers, mode, minimum, required = _decide(parts, policy, resolver, notes)
    if len(parts) == 1:
        sla_hours = first.sla_hours
        escalate_to = first.escalate_to
        if len(set(escalate_to)) != len(escalate_to):
            escalate_to = tuple(dict.fromkeys(escalate_to))
        description = first.description or None
    else:
        slas = [part.sla_hours for part in parts if part.sla_hours is not None]
        sla_hours = min(slas) if slas else None
        escalate_to = tuple(_union(part.escalate_to for part in parts))
        descriptions = dict.fromkeys(part.description for part in parts if part.description)
        description = "; ".join(descriptions) or None
    # every value below was checked when its rule, spec or directory was built, and
    # _decide keeps a step's invariants (approvers unique and present, required among
    # them, minimum within them), so the step is built without its checks
    return _make_step(
        first.level,
        first.chain,
        tuple(approvers),
        mode,
        minimum,
        tuple(required),
        tuple(part.rule for part in parts),
        tuple(part.match for part in parts),
        sla_hours,
        escalate_to,
        description,
    )


def _select(policy: Policy, matched: list[int], notes: list[str]) -> list[int]:
    """Apply the hit policy to the indexes of the matching rules."""
    rules = policy.rules
    hit = policy.hit_policy
    if len(matched) <= 1 or hit in (HitPolicy.COLLECT, HitPolicy.RULE_ORDER):
        return matched
    ids = [rules[i].id for i in matched]
    if hit is HitPolicy.UNIQUE:
        raise HitPolicyError(policy.id, hit, ids)
    if hit is HitPolicy.ANY:
        outputs = {rules[i].output() for i in matched}
        if len(outputs) > 1:
            raise HitPolicyError(policy.id, hit, ids)
        return matched
    if hit is HitPolicy.FIRST:
        chosen = matched[0]
    else:
        chosen = min(matched, key=lambda i: (-rules[i].priority, i))
    others = [rules[i].id for i in matched if i != chosen]
    notes.append(
        f"hit policy {hit.value}: rule {rules[chosen].id} applies; set aside {', '.join(others)}"
    )
    return [chosen]


def plan(
    policy: Policy,
    context: Mapping[str, Any],
    directory: Directory,
    *,
    owner: str | None = None,
    when: _dt.datetime | None = None,
) -> ApprovalPlan:
    """Decide who must approve a quote, in what order, and why.

    Every active rule whose condition holds is a match; the policy's hit policy
    chooses which of them apply. Each applying rule's approvers are found in the
    directory: a named user, the members of a group or the holders of a role (the
    active ones), the owner's manager ``levels`` up, or the user a context field
    names. An inactive user is replaced by their first active delegate at ``when``
    (with a note). Rules that land on the same step (``level`` and ``chain``) merge
    into one step: their approvers in order of appearance, the shortest SLA, and
    one mode: theirs when they share it (the larger minimum for ``at_least``),
    else ``at_least`` with every approver of a unanimous rule required and at least
    as many approvals as any of them asks. Unless the policy allows self-approval,
    the owner is taken off every step, and a step they were alone on goes to their
    manager. Steps are ordered by level, then chain.

    Args:
        policy: The policy.
        context: The approval context (:func:`~sfa_core.approvals.approval_context`).
        directory: Where the approvers are found.
        owner: The quote's owner (the submitter); by default the context's ``owner``.
        when: The planning time (timezone-aware), to find the delegates of inactive
            approvers; without it an inactive approver is an error.

    Returns:
        The :class:`~sfa_core.approvals.ApprovalPlan`; empty when nothing needs approval.

    Raises:
        ValidationError: An argument has the wrong type.
        RuleEvaluationError: A condition failed to evaluate.
        HitPolicyError: Several rules matched under ``unique``, or gave different
            approvals under ``any``.
        UnknownApproverError: A user, group, owner or context-field user is not in the
            directory, or a required approver is not an active member.
        EmptyApproverGroupError: A group or role has no active member.
        NotEnoughApproversError: A step needs more approvals than it has approvers.
        NoManagerError: The owner has no manager as many levels up as a rule asks.
        InactiveApproverError: An approver is inactive with no active delegate.
        NoEligibleApproverError: A step's only approver is the owner, who may not
            approve, and has no manager.

    >>> from sfa_core.approvals import ApprovalRule, ApproverSpec, Policy
    >>> from sfa_core.directory import Directory, User
    >>> directory = Directory(users=[User("vp", roles=["vp_sales"]),
    ...                              User("max", manager="vp"), User("ana", manager="max")])
    >>> policy = Policy(id="discounts", rules=[
    ...     ApprovalRule(id="over-10", condition={">": [{"var": "max_line_discount"}, 10]},
    ...                  approvers=ApproverSpec.manager(), chain="discount"),
    ...     ApprovalRule(id="over-20", condition={">": [{"var": "max_line_discount"}, 20]},
    ...                  approvers=ApproverSpec.role("vp_sales"), level=2, chain="discount")])
    >>> result = plan(policy, {"max_line_discount": Decimal("22.5")}, directory, owner="ana")
    >>> [(step.key, step.approvers) for step in result.steps]
    [('1/discount', ('max',)), ('2/discount', ('vp',))]
    >>> print(result.steps[1].reasons[0])
    over-20: max_line_discount > 20: 22.5 (true)
    >>> plan(policy, {"max_line_discount": Decimal("5")}, directory, owner="ana").auto_approved
    True
    """
    if not isinstance(policy, Policy):
        raise ValidationError("must be a Policy", path="policy", value=policy)
    if not isinstance(directory, Directory):
        raise ValidationError("must be a Directory", path="directory", value=directory)
    if not isinstance(context, Mapping):
        raise ValidationError(
            "must be a mapping (an approval context)", path="context", value=context
        )
    if owner is None:
        held = context.get("owner")
        owner = held if held.__class__ is str and held else None
    else:
        require_key(owner, "owner")
    if when is not None and (not isinstance(when, _dt.datetime) or when.utcoffset() is None):
        raise ValidationError("must be a timezone-aware datetime or None", path="when", value=when)
    seen: dict[Any, Any] = {}
    matched = policy._matching(context, seen)
    if not matched:
        return _EMPTY
    rules = policy.rules
    matches = {i: _explain(rules[i], context, seen) for i in matched}
    notes: list[str] = []
    steps = _parts(policy, context, directory, owner, when, matched, matches, notes)
    resolver = steps.pop(None)
    built = [_step(steps[key], policy, resolver, notes) for key in sorted(steps)]
    return _make_plan(tuple(built), tuple(matches[i] for i in matched), tuple(notes))


_EMPTY = ApprovalPlan()

#: A step as headroom compares plans: level, chain, approvers, mode, minimum, required.
_Outline = tuple[int, str, tuple[str, ...], ApprovalMode, int, tuple[str, ...]]


def _parts(
    policy: Policy,
    context: Mapping[str, Any],
    directory: Directory,
    owner: str | None,
    when: _dt.datetime | None,
    matched: list[int],
    matches: Mapping[int, RuleMatch] | None,
    notes: list[str],
) -> dict[Any, Any]:
    """The selected rules' parts, by step, with the resolver under the key ``None``."""
    rules = policy.rules
    selected = _select(policy, matched, notes)
    resolver = _Resolver(directory, context, owner, when, notes)
    steps: dict[Any, Any] = {}
    for i in selected:
        rule = rules[i]
        approvers, mode, minimum, required = resolver.resolve(rule.approvers, rule.id)
        match = matches[i] if matches is not None else _NO_MATCH
        part = _Part(rule, match, approvers, mode, minimum, required)
        key = (rule.level, rule.chain)
        found = steps.get(key)
        if found is None:
            steps[key] = [part]
        else:
            found.append(part)
    steps[None] = resolver
    return steps


_NO_MATCH = RuleMatch("-")


def _outline(
    policy: Policy,
    context: Mapping[str, Any],
    directory: Directory,
    owner: str | None,
    when: _dt.datetime | None,
) -> tuple[_Outline, ...]:
    """The steps :func:`plan` makes, without their reasons: what headroom compares.

    The arguments are those of :func:`plan`, already checked; the same code decides
    the steps, so the outline of a context is the plan's, step for step.
    """
    matched = policy._matching(context)
    if not matched:
        return ()
    notes: list[str] = []
    steps = _parts(policy, context, directory, owner, when, matched, None, notes)
    resolver = steps.pop(None)
    found = []
    for key in sorted(steps):
        approvers, mode, minimum, required = _decide(steps[key], policy, resolver, notes)
        found.append((key[0], key[1], tuple(approvers), mode, minimum, tuple(required)))
    return tuple(found)
