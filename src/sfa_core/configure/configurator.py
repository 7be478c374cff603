"""Configure a product: what stays possible after the user's choices, what is forced, and why.

:func:`configure` answers with *global* consistency: an option reported
selectable appears in some complete valid configuration that keeps every
choice made so far, so the user never walks into a dead end. It computes the
backbone of the model under the choices with a CDCL search under assumptions
(:class:`~sfa_core.configure.solver.Solver`): each configuration found is a
witness for every value it sets, and only values no witness has shown yet cost
a search. The compiled model and its solver, with what the solver learnt, are
kept per model object, so the next click starts from there; the functions stay
pure.

:func:`explain` says why an option or value is forced or unavailable, as data:
the user choices and the constraints involved (a minimal set of each).
:func:`repair` proposes the smallest sets of choices to drop when choices
conflict, within the effort budget, and says whether it proved them the smallest.
"""

from __future__ import annotations

import enum
import functools
import itertools
import math
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any, ClassVar, ParamSpec, TypeVar

import attrs

from sfa_core._fast import builder
from sfa_core._frozen import FrozenMap
from sfa_core._memo import IdentityMemo
from sfa_core._validate import (
    as_member,
    check_key,
    check_optional_text,
    check_text,
    instance_check,
    instance_of,
    items_of,
    mapping_of,
    require_bool,
    require_items_of,
    require_key,
    require_text,
    to_frozen,
    to_items,
)
from sfa_core.configure._checks import (
    check_mapping,
    require_count,
    require_instance,
    to_map,
)
from sfa_core.configure.backbone import Backbone, Cone, LocalRepair
from sfa_core.configure.encode import Encoding, Group, encode, option_tests
from sfa_core.configure.model import (
    ConfigurationModel,
    QuantityRelation,
    RuleKind,
    selection_data,
)
from sfa_core.configure.solver import Solver
from sfa_core.errors import SfaError, ValidationError, _joined, _text
from sfa_core.rules import compile as compile_rule

__all__ = [
    "Alert",
    "Conflict",
    "ConfigurationState",
    "ConfigurationStatus",
    "ConstraintRef",
    "DEFAULT_EFFORT",
    "EffortExceededError",
    "Reason",
    "Repairs",
    "Selections",
    "UnsatisfiableModelError",
    "check_model",
    "configure",
    "explain",
    "repair",
]


class UnsatisfiableModelError(ValidationError):
    """The model admits no valid configuration at all.

    Attributes:
        constraints: A minimal set of constraints that conflict (removing any one
            of them leaves a model with a valid configuration).
    """

    code: ClassVar[str] = "unsatisfiable_model"

    def __init__(self, sku: str, constraints: tuple[ConstraintRef, ...]) -> None:
        self.constraints = constraints
        refs = constraints if isinstance(constraints, tuple) else ()
        names = _joined(
            [f"{_text(getattr(c, 'id', c))} ({_text(getattr(c, 'text', ''))})" for c in refs[:20]],
            "; ",
        )
        super().__init__(
            f"the model of {_text(sku)} has no valid configuration; these conflict: {names}",
            path="constraints",
            value=tuple(getattr(c, "id", c) for c in refs),
        )


#: The solver's default effort budget, in conflicts (dead ends of its search) allowed in
#: one call of :func:`check_model`, :func:`configure`, :func:`explain`, :func:`repair`
#: or :func:`~sfa_core.configure.complete` (the first call on a model also compiles
#: it; without ``max_steps``, the cheapest completion's branch-and-bound nodes count too,
#: and so does each set of choices :func:`repair` tries).
#: Real models need few: the benchmark models of 2,000 options about ten per click.
#: Spending it takes about a second, then :class:`EffortExceededError` is raised
#: (:func:`repair` returns the smallest proposals found by then, if it found any).
DEFAULT_EFFORT = 5_000

#: Literals a value's cone propagates at most when the model is compiled: a cone is
#: a heuristic (a part of what the value implies does as well), and a pick-one
#: feature of 2,000 options would otherwise cost 2,000 propagations per option.
_CONE_REACH = 128


class EffortExceededError(SfaError, RuntimeError):
    """The solver spent its effort budget before it could answer.

    The model (with these choices) is too hard for the budget: a hostile or
    unlucky model cannot hold a worker for long. Pass a larger ``effort`` to try
    harder, or simplify the model.

    Attributes:
        sku: The model's sku.
        effort: The budget that was spent (conflicts).
    """

    code: ClassVar[str] = "effort_exceeded"

    def __init__(self, sku: str, effort: int) -> None:
        self.sku = sku
        self.effort = effort
        super().__init__(
            f"the configurator gave up on the model of {_text(sku)} after {_text(effort)} "
            "conflicts (its effort budget; pass a larger effort to try harder)"
        )


class _BudgetedSolver(Solver):
    """A solver whose :meth:`solve` calls share a budget of conflicts (``left``).

    ``left`` is ``None`` for no budget; once it is spent, a call that meets a
    conflict raises :class:`EffortExceededError` (the solver stays usable).
    """

    __slots__ = ("effort", "left", "sku")

    def __init__(self) -> None:
        super().__init__()
        self.sku = ""
        self.effort = DEFAULT_EFFORT
        self.left: int | None = None

    def solve(
        self, assumptions: Sequence[int] = (), *, max_conflicts: int | None = None
    ) -> bool | None:
        left = self.left
        if left is None or max_conflicts is not None:
            return super().solve(assumptions, max_conflicts=max_conflicts)
        before = self._conflicts
        found = super().solve(assumptions, max_conflicts=max(left, 0))
        self.left = left - (self._conflicts - before)
        if found is None:
            raise EffortExceededError(self.sku, self.effort)
        return found

    def spend(self, amount: int) -> None:
        """Charge ``amount`` units of other work (a search node) to the budget."""
        if self.left is not None:
            self.left -= amount
            if self.left < 0:
                raise EffortExceededError(self.sku, self.effort)

    def budget(self, sku: str, effort: int) -> None:
        """Start a fresh budget of ``effort`` conflicts."""
        self.sku, self.effort, self.left = sku, effort, effort


def _effort(value: Any) -> int:
    if value is None:
        return DEFAULT_EFFORT
    if value.__class__ is not int or value < 1:
        raise ValidationError(
            "must be an int of at least 1 (conflicts)", path="effort", value=value
        )
    return int(value)


@attrs.frozen
class ConstraintRef:
    """A constraint or structural rule named in an explanation.

    Attributes:
        id: The constraint's or rule's id, or a structural name
            (``"feature:ram.min"``).
        kind: Its kind (``"requires"``, ``"feature"``...).
        text: It in words.
    """

    id: str = attrs.field(validator=check_key)
    kind: str = attrs.field(validator=check_key)
    text: str = attrs.field(validator=check_text)


#: Validators of the fields of the results below, which hosts may build by hand
#: (``configure`` and ``explain`` build them from checked parts, with ``builder``).
_labels = items_of(require_text, "choice labels (str)")
_refs = items_of(instance_check(ConstraintRef, "a ConstraintRef"), "ConstraintRef values")
_ids = items_of(require_key, "option ids")


def _check_choices(instance: Any, attribute: Any, value: Mapping[str, Any]) -> None:
    for key, item in value.items():
        if not isinstance(key, str):
            raise ValidationError("keys must be ids", path=attribute.name, value=key)
        if attribute.name == "options" and not isinstance(item, bool):
            raise ValidationError(
                "must be True (chosen) or False (rejected)",
                path=f"options[{key!r}]",
                value=item,
            )
        if attribute.name == "quantities":
            if item.__class__ is not int or item < 1:
                raise ValidationError(
                    "must be an int of at least 1", path=f"quantities[{key!r}]", value=item
                )
            require_count(item, f"quantities[{key!r}]")
        if attribute.name == "attributes" and not isinstance(item, str):
            raise ValidationError("must be a value (str)", path=f"attributes[{key!r}]", value=item)


@attrs.frozen
class Selections:
    """The user's choices so far.

    Attributes:
        options: Option id -> ``True`` (chosen) or ``False`` (rejected).
        quantities: Option id -> quantity (the option is chosen).
        attributes: Attribute id -> chosen value.

    >>> Selections(options={"r32": True}, attributes={"colour": "black"}).options["r32"]
    True
    """

    options: Mapping[str, bool] = attrs.field(
        factory=FrozenMap, converter=to_map, validator=[check_mapping, _check_choices]
    )
    quantities: Mapping[str, int] = attrs.field(
        factory=FrozenMap, converter=to_map, validator=[check_mapping, _check_choices]
    )
    attributes: Mapping[str, str] = attrs.field(
        factory=FrozenMap, converter=to_map, validator=[check_mapping, _check_choices]
    )


class ConfigurationStatus(str, enum.Enum):
    """Where a configuration stands."""

    INVALID = "invalid"  #: the choices conflict; no valid configuration keeps them all
    VALID = "valid"  #: valid so far; more must be chosen (or accepted) to complete it
    COMPLETE = "complete"  #: the selected options and values form a valid configuration


@attrs.frozen
class Conflict:
    """Choices that cannot all hold, and the constraints that forbid them.

    Attributes:
        choices: The user's choices involved (``"r32 chosen"``, ``"colour = red"``).
        constraints: The constraints involved.
        message: In words.
    """

    choices: tuple[str, ...] = attrs.field(converter=to_items, validator=_labels)
    constraints: tuple[ConstraintRef, ...] = attrs.field(converter=to_items, validator=_refs)
    message: str = attrs.field(validator=check_text)


@attrs.frozen
class Alert:
    """An alert rule whose condition holds for the current configuration.

    An alert rule's condition is any JSON Logic, so it may fail on some
    configurations (a division by a quantity that is zero): the click still
    answers, and reports the rule with ``error`` set to why it failed (its
    ``message`` is then the rule's message too), so that one broken rule
    cannot break every click.

    Attributes:
        rule: The rule's id.
        message: Its message.
        error: ``None`` when the condition holds; why it could not be evaluated otherwise.
    """

    rule: str = attrs.field(validator=check_key)
    message: str = attrs.field(validator=check_text)
    error: str | None = attrs.field(default=None, validator=check_optional_text)


def _to_status(value: ConfigurationStatus | str) -> ConfigurationStatus:
    return as_member(ConfigurationStatus, value, "status")


def _require_values(value: Any, path: str) -> tuple[str, ...]:
    if value.__class__ is not tuple:
        raise ValidationError("must be a tuple of values", path=path, value=value)
    return require_items_of(value, require_key, "values", path)


@attrs.frozen
class ConfigurationState:
    """The answer to one click.

    Attributes:
        model: The configured product's model.
        selections: The choices it answers.
        status: Invalid, valid so far, or complete.
        selected: Options selected now: chosen, or forced by the choices.
        quantities: The selected options' quantities (chosen or default).
        values: Attribute id -> the value chosen or forced (absent when open).
        forced: Option id -> ``True`` (forced on) or ``False`` (forced off), for options
            the user did not choose; :func:`explain` gives the reason.
        selectable: Options not selected that can still be selected.
        deselectable: Options not chosen that some valid completion leaves out: the
            free ones (also in ``selectable``) and those forced off, whose rejection
            keeps the state valid (forced-on options are never in it).
        available_values: Attribute id -> values that can still be chosen.
        conflicts: Why the state is invalid (empty otherwise).
        alerts: Alert rules that hold.
    """

    model: ConfigurationModel = attrs.field(
        validator=instance_of(ConfigurationModel, "a ConfigurationModel")
    )
    selections: Selections = attrs.field(validator=instance_of(Selections, "a Selections"))
    status: ConfigurationStatus = attrs.field(converter=_to_status)
    selected: tuple[str, ...] = attrs.field(converter=to_items, validator=_ids)
    quantities: Mapping[str, int] = attrs.field(
        converter=to_frozen, validator=mapping_of(require_count, "quantities (int)")
    )
    values: Mapping[str, str] = attrs.field(
        converter=to_frozen, validator=mapping_of(require_key, "values (str)")
    )
    forced: Mapping[str, bool] = attrs.field(
        converter=to_frozen, validator=mapping_of(require_bool, "True or False")
    )
    selectable: tuple[str, ...] = attrs.field(converter=to_items, validator=_ids)
    deselectable: tuple[str, ...] = attrs.field(converter=to_items, validator=_ids)
    available_values: Mapping[str, tuple[str, ...]] = attrs.field(
        converter=to_frozen, validator=mapping_of(_require_values, "tuples of values")
    )
    conflicts: tuple[Conflict, ...] = attrs.field(
        default=(),
        converter=to_items,
        validator=items_of(instance_check(Conflict, "a Conflict"), "Conflict values"),
    )
    alerts: tuple[Alert, ...] = attrs.field(
        default=(),
        converter=to_items,
        validator=items_of(instance_check(Alert, "an Alert"), "Alert values"),
    )

    @property
    def sku(self) -> str:
        """The configured product's sku.

        Returns:
            ``model.sku``.
        """
        return self.model.sku

    @property
    def valid(self) -> bool:
        """Whether some complete valid configuration keeps every choice.

        Returns:
            ``True`` unless the status is invalid.
        """
        return self.status is not ConfigurationStatus.INVALID


@attrs.frozen
class Reason:
    """Why an option or attribute value is forced, unavailable, or free.

    Attributes:
        subject: ``"option r32"`` or ``"colour = red"``.
        verdict: ``"chosen"``, ``"rejected"``, ``"forced on"``, ``"forced off"``,
            ``"free"`` or ``"invalid"``.
        choices: The user's choices involved (a minimal set).
        constraints: The constraints involved (a minimal set).
    """

    subject: str = attrs.field(validator=check_text)
    verdict: str = attrs.field(validator=check_key)
    choices: tuple[str, ...] = attrs.field(converter=to_items, validator=_labels)
    constraints: tuple[ConstraintRef, ...] = attrs.field(converter=to_items, validator=_refs)

    def text(self) -> str:
        """Return the explanation in words.

        Returns:
            One sentence, then one line per constraint.
        """
        if self.verdict in ("free", "chosen", "rejected", "invalid"):
            return {
                "free": f"{self.subject} can be chosen or left out",
                "chosen": f"{self.subject} was chosen",
                "rejected": f"{self.subject} was rejected",
                "invalid": "the choices conflict; see the state's conflicts",
            }[self.verdict]
        because = ", ".join(self.choices) if self.choices else "the model itself"
        lines = [f"{self.subject} is {self.verdict} because of {because}:"]
        lines += [f"  - {c.text} [{c.id}]" for c in self.constraints]
        return "\n".join(lines)


# The results configure, explain and repair return, built from checked parts without
# checking them again (see :mod:`sfa_core._fast`).
_make_ref: Callable[..., ConstraintRef] = builder(ConstraintRef)
_make_conflict: Callable[..., Conflict] = builder(Conflict)
_make_alert: Callable[..., Alert] = builder(Alert)
_make_state: Callable[..., ConfigurationState] = builder(ConfigurationState)
_make_reason: Callable[..., Reason] = builder(Reason)


class _Compiled:
    """A model's clauses loaded in a solver, with witnesses kept across clicks."""

    def __init__(self, model: ConfigurationModel, effort: int = DEFAULT_EFFORT) -> None:
        self.model = model
        self.encoding: Encoding = encode(model)
        self.solver = _solver(self.encoding.count, self.encoding.groups)
        self.solver.budget(model.sku, effort)
        self._guarded: tuple[_BudgetedSolver, list[int]] | None = None
        self.lock = threading.RLock()  # one click at a time on the shared solver
        self.depth = 0  # calls under way on this thread (the outermost one sets the budget)
        self.decisions = sorted(self.encoding.names)
        self.relations = tuple(c for c in model.constraints if isinstance(c, QuantityRelation))
        if not self.solver.solve():
            refs = self.minimal_groups([])
            raise UnsatisfiableModelError(model.sku, refs)
        # what each value implies by propagation alone (its cone): values that move many
        # others are tried first, as their repairs show the values they reach on the way
        # (only variables the constraints read: a counter's helpers play no part in repairs)
        read = {abs(lit) for literals, _, _ in self.encoding.native for lit in literals}
        self.cones = {
            v: Cone(
                [
                    lit
                    for lit in self.solver.probe([], v, reach=_CONE_REACH) or ()
                    if abs(lit) in read
                ]
            )
            for v in self.decisions
        }
        self.decisions.sort(key=lambda v: -len(self.cones[v]))
        self.local = LocalRepair(self.encoding.count, self.encoding.native, self.solver.model())
        self.local.use_cones({v: cone for v, cone in self.cones.items() if len(cone) > 1})

    def budget(self, effort: int) -> None:
        """Give both solvers a fresh budget of ``effort`` conflicts."""
        self.solver.budget(self.model.sku, effort)
        if self._guarded is not None:
            self._guarded[0].budget(self.model.sku, effort)

    def guarded(self) -> tuple[_BudgetedSolver, list[int]]:
        """A second solver where group i holds only while its selector is assumed."""
        if self._guarded is None:
            solver = _BudgetedSolver()
            solver.budget(self.model.sku, self.solver.effort)
            solver.left = self.solver.left
            for _ in range(self.encoding.count):
                solver.new_var()
            selectors = []
            for group in self.encoding.groups:
                selector = solver.new_var()
                selectors.append(selector)
                for clause in group.clauses:
                    solver.add_clause([*clause, -selector])
            self._guarded = (solver, selectors)
        return self._guarded

    def minimal_groups(self, literals: list[int]) -> tuple[ConstraintRef, ...]:
        """A minimal set of groups that, with ``literals``, admit no solution."""
        solver, selectors = self.guarded()
        owner = {selector: index for index, selector in enumerate(selectors)}
        kept = _shrink(solver, selectors, literals)
        groups = self.encoding.groups
        return tuple(_ref(groups[owner[lit]]) for lit in sorted(kept, key=owner.__getitem__))


def _solver(count: int, groups: Sequence[Group]) -> _BudgetedSolver:
    solver = _BudgetedSolver()
    for _ in range(count):
        solver.new_var()
    for group in groups:
        for clause in group.clauses:
            solver.add_clause(clause)
    return solver


def _ref(group: Group) -> ConstraintRef:
    return _make_ref(group.id, group.kind, group.text)


_COMPILED: IdentityMemo[ConfigurationModel, _Compiled] = IdentityMemo()


def _compiled(model: ConfigurationModel, effort: int = DEFAULT_EFFORT) -> _Compiled:
    if not isinstance(model, ConfigurationModel):
        raise ValidationError("must be a ConfigurationModel", path="model", value=model)
    return _COMPILED.get(model, lambda m: _Compiled(m, effort))


def _selections(selections: Any) -> Selections:
    """``selections`` checked (``None``: no choices yet)."""
    if selections is None:
        return Selections()
    require_instance(selections, Selections, "Selections", "selections")
    return selections  # type: ignore[no-any-return]


P = ParamSpec("P")
R = TypeVar("R")


def serialized(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` holding the lock of its model's compiled solver, within an effort budget.

    The first argument of ``fn`` is the model, or a state holding it; threads take
    turns on the shared solver. The outermost call gives the solver a fresh budget
    of ``effort`` conflicts (the keyword argument, else :data:`DEFAULT_EFFORT`); the
    calls it makes share it.
    """

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        first = args[0] if args else kwargs.get("model", kwargs.get("state"))
        model = first.model if isinstance(first, ConfigurationState) else first
        if not isinstance(model, ConfigurationModel):
            return fn(*args, **kwargs)  # fn reports the bad argument
        effort = _effort(kwargs.get("effort"))
        compiled = _compiled(model, effort)
        with compiled.lock:
            if compiled.depth:
                return fn(*args, **kwargs)
            compiled.budget(effort)
            compiled.depth = 1
            try:
                return fn(*args, **kwargs)
            finally:
                compiled.depth = 0

    return run


@serialized
def check_model(model: ConfigurationModel, *, effort: int | None = None) -> None:
    """Check that ``model`` admits a valid configuration (and compile it for later clicks).

    Args:
        model: The model.
        effort: The solver's budget, in conflicts (default :data:`DEFAULT_EFFORT`).

    Raises:
        UnsatisfiableModelError: No configuration is valid; names a minimal set of
            conflicting constraints.
        ValidationError: A rule condition cannot be used (see the model docs).
        EffortExceededError: The solver spent its budget before it could decide.
    """
    _compiled(model, _effort(effort))


# -- choices as literals --------------------------------------------------------------------


def _literals(compiled: _Compiled, selections: Selections) -> list[tuple[int, str]]:
    """The user's choices as (literal, label), checked against the model."""
    encoding, model = compiled.encoding, compiled.model
    found: list[tuple[int, str]] = []
    for option_id, chosen in selections.options.items():
        var = encoding.options.get(option_id)
        if var is None:
            raise ValidationError(
                "no option has this id", path=f"options[{option_id!r}]", value=option_id
            )
        found.append((var if chosen else -var, f"{option_id} {'chosen' if chosen else 'rejected'}"))
    for option_id, quantity in selections.quantities.items():
        var = encoding.options.get(option_id)
        if var is None:
            raise ValidationError(
                "no option has this id", path=f"quantities[{option_id!r}]", value=option_id
            )
        option = model.option(option_id)
        if selections.options.get(option_id) is False:
            raise ValidationError(
                "a rejected option takes no quantity",
                path=f"quantities[{option_id!r}]",
                value=quantity,
            )
        if not option.allows(quantity):
            raise ValidationError(
                f"must lie in {option.min_quantity}..{option.max_quantity}",
                path=f"quantities[{option_id!r}]",
                value=quantity,
            )
        if not option.quantity_editable and quantity != option.default_quantity:
            raise ValidationError(
                f"the quantity of {option_id} is fixed at {option.default_quantity}",
                path=f"quantities[{option_id!r}]",
                value=quantity,
            )
        if option_id not in selections.options:
            found.append((var, f"{option_id} chosen"))
    for attribute_id, value in selections.attributes.items():
        try:
            attribute = model.attribute(attribute_id)
        except ValidationError:
            raise ValidationError(
                "no attribute has this id", path=f"attributes[{attribute_id!r}]", value=value
            ) from None
        var = encoding.values.get((attribute.id, value))
        if var is None:
            raise ValidationError(
                f"attribute {attribute_id!r} has no such value",
                path=f"attributes[{attribute_id!r}]",
                value=value,
            )
        found.append((var, f"{attribute_id} = {value}"))
    return found


def _label(compiled: _Compiled, literal: int) -> str:
    name = compiled.encoding.names[abs(literal)]
    if name[0] == "option":
        return f"option {name[1]}"
    return f"{name[1]} = {name[2]}"


# -- the backbone ---------------------------------------------------------------------------


def _backbone(compiled: _Compiled, assumptions: list[int]) -> tuple[set[int], set[int]] | None:
    """Decision variables true in some solution, and false in some, under ``assumptions``."""
    backbone = Backbone(compiled.solver, compiled.local, compiled.decisions, compiled.cones)
    if not backbone.compute(assumptions):
        return None
    return backbone.on, backbone.off


@serialized
def configure(
    model: ConfigurationModel,
    selections: Selections | None = None,
    *,
    effort: int | None = None,
) -> ConfigurationState:
    """Answer one click: status, what is forced, what stays selectable.

    Args:
        model: The configuration model.
        selections: The user's choices (none: the start).
        effort: The solver's budget, in conflicts (default :data:`DEFAULT_EFFORT`).

    Returns:
        The :class:`ConfigurationState`.

    Raises:
        ValidationError: A choice names an unknown option, attribute or value, or a
            quantity is out of bounds or not editable (the path names it:
            ``"quantities['seats']"``).
        UnsatisfiableModelError: The model has no valid configuration at all.
        EffortExceededError: The solver spent its budget before it could answer.
    """
    compiled = _compiled(model)
    selections = _selections(selections)
    chosen = _literals(compiled, selections)
    assumptions = [literal for literal, _ in chosen]
    encoding = compiled.encoding
    found = _backbone(compiled, assumptions)
    if found is None:
        return _invalid(compiled, selections, chosen)
    can_true, can_false = found
    chosen_vars = {abs(literal) for literal in assumptions}
    selected, forced, selectable, deselectable = [], {}, [], []
    quantities: dict[str, int] = {}
    for option in model.options():
        var = encoding.options[option.id]
        on, off = var in can_true, var in can_false
        if on and not off:
            selected.append(option.id)
            quantities[option.id] = option.default_quantity
        if var in chosen_vars:
            continue
        if not off:
            forced[option.id] = True
        elif not on:
            forced[option.id] = False
        if on and off:
            selectable.append(option.id)
        if off:  # free, or forced off: some valid completion leaves it out
            deselectable.append(option.id)
    values: dict[str, str] = {}
    available: dict[str, tuple[str, ...]] = {}
    for attribute in model.attributes:
        possible = tuple(
            v for v in attribute.values if encoding.values[(attribute.id, v)] in can_true
        )
        available[attribute.id] = possible
        certain = [v for v in possible if encoding.values[(attribute.id, v)] not in can_false]
        if certain:
            values[attribute.id] = certain[0]
    quantities = _quantities(model, compiled.relations, quantities, selections.quantities)
    conflicts = _quantity_conflicts(compiled.relations, quantities)
    complete = not conflicts and _complete(compiled, selected, values)
    status = (
        ConfigurationStatus.INVALID
        if conflicts
        else ConfigurationStatus.COMPLETE
        if complete
        else ConfigurationStatus.VALID
    )
    return _make_state(
        model,
        selections,
        status,
        tuple(selected),
        FrozenMap.wrap(quantities),
        FrozenMap.wrap(values),
        FrozenMap.wrap(forced),
        tuple(selectable),
        tuple(deselectable),
        FrozenMap.wrap(available),
        conflicts,
        _alerts(model, quantities, values),
    )


def _complete(compiled: _Compiled, selected: list[str], values: dict[str, str]) -> bool:
    """Whether exactly the selected options and the set values satisfy every constraint."""
    model, encoding = compiled.model, compiled.encoding
    on = set(selected)
    literals = [var if key in on else -var for key, var in encoding.options.items()]
    for attribute in model.attributes:
        chosen = values.get(attribute.id)
        if chosen is None and attribute.required:
            return False
        literals += [
            var if value == chosen else -var
            for value in attribute.values
            for var in (encoding.values[(attribute.id, value)],)
        ]
    return compiled.solver.solve(literals) is True


def _quantities(
    model: ConfigurationModel,
    relations: Sequence[QuantityRelation],
    defaults: dict[str, int],
    given: Mapping[str, int],
) -> dict[str, int]:
    """The selected options' quantities: the user's, else the default.

    A default is lowered where a quantity relation caps it and its quantity is
    editable, so a default never causes a conflict it can avoid.
    """
    quantities = {key: given.get(key, value) for key, value in defaults.items()}
    for _ in range(len(relations) + 1):
        changed = False
        for relation in relations:
            key, limit = relation.option, relation.limit
            if key not in quantities or limit not in quantities or key in given:
                continue
            option = model.option(key)
            numerator, denominator = relation.ratio.as_integer_ratio()
            cap = numerator * quantities[limit] // denominator  # exact, however large
            if option.quantity_editable and option.min_quantity <= cap < quantities[key]:
                quantities[key] = cap
                changed = True
        if not changed:
            break
    return quantities


def _quantity_conflicts(
    relations: Sequence[QuantityRelation], quantities: dict[str, int]
) -> tuple[Conflict, ...]:
    found = []
    for constraint in relations:
        have, limit = quantities.get(constraint.option), quantities.get(constraint.limit)
        if have is None or limit is None:
            continue
        numerator, denominator = constraint.ratio.as_integer_ratio()
        if have * denominator > numerator * limit:  # exact, however large
            ref = _make_ref(constraint.id, "quantity", constraint.describe())
            with localcontext() as exact:
                exact.prec = 200  # ratio and quantities stay within the supported range
                bound = constraint.ratio * Decimal(limit)
            found.append(
                _make_conflict(
                    (f"{constraint.option} x {have}", f"{constraint.limit} x {limit}"),
                    (ref,),
                    f"{constraint.describe()}: {have} > {bound}",
                )
            )
    return tuple(found)


def _alerts(
    model: ConfigurationModel, quantities: dict[str, int], values: dict[str, str]
) -> tuple[Alert, ...]:
    rules = [rule for rule in model.rules if rule.kind is RuleKind.ALERT]
    if not rules:
        return ()
    data = selection_data(model, quantities, values)
    ids = {option.id for option in model.options()}
    found = []
    for rule in rules:
        try:
            # an option compared with a boolean means "selected", as in the other rules
            holds = compile_rule(option_tests(rule.condition, ids)).evaluate(data)
        except SfaError as exc:  # reported as data: one broken rule must not break clicks
            found.append(_make_alert(rule.id, rule.describe(), str(exc)))
            continue
        if holds:
            found.append(_make_alert(rule.id, rule.describe(), None))
    return tuple(found)


def _shrink(solver: Solver, candidates: list[int], extra: list[int]) -> list[int]:
    """A minimal subset of ``candidates`` that with ``extra`` admits no solution.

    The solver's core gives a first subset; each member is then dropped in turn
    and left out when the rest still admits no solution. Empty when ``candidates``
    and ``extra`` together admit one.
    """
    if solver.solve([*extra, *candidates]):
        return []
    core = set(solver.core())
    kept = [lit for lit in candidates if lit in core]
    for lit in list(kept):
        trial = [other for other in kept if other != lit]
        if solver.solve([*extra, *trial]) is False:
            kept = trial
    return kept


def _minimal_choices(compiled: _Compiled, literals: list[int], extra: list[int]) -> list[int]:
    """A minimal subset of ``literals`` that with ``extra`` admits no solution."""
    return _shrink(compiled.solver, literals, extra)


def _invalid(
    compiled: _Compiled, selections: Selections, chosen: list[tuple[int, str]]
) -> ConfigurationState:
    labels = dict(chosen)
    culprits = _minimal_choices(compiled, [lit for lit, _ in chosen], [])
    conflict = _make_conflict(
        tuple(labels[lit] for lit in culprits),
        refs := compiled.minimal_groups(culprits),
        "these choices cannot all hold: " + "; ".join(ref.text for ref in refs),
    )
    return _make_state(
        compiled.model,
        selections,
        ConfigurationStatus.INVALID,
        (),
        FrozenMap(),
        FrozenMap(),
        FrozenMap(),
        (),
        (),
        FrozenMap(),
        (conflict,),
        (),
    )


@serialized
def explain(
    state: ConfigurationState, subject: str | tuple[str, str], *, effort: int | None = None
) -> Reason:
    """Say why an option (or an attribute value) is forced, unavailable or free.

    Args:
        state: A state :func:`configure` returned.
        subject: An option id, or ``(attribute id, value)``.
        effort: The solver's budget, in conflicts (default :data:`DEFAULT_EFFORT`).

    Returns:
        The :class:`Reason`: a minimal set of the user's choices and of the
        constraints that together force the verdict.

    Raises:
        ValidationError: The subject is unknown, or ``state`` is not a state.
        EffortExceededError: The solver spent its budget before it could answer.
    """
    if not isinstance(state, ConfigurationState):
        raise ValidationError("must be a ConfigurationState", path="state", value=state)
    compiled = _compiled(state.model)
    encoding = compiled.encoding
    if isinstance(subject, tuple):
        well_formed = len(subject) == 2 and all(isinstance(part, str) for part in subject)
        var = encoding.values.get(subject) if well_formed else None
        if var is None:
            raise ValidationError("no attribute has this value", path="subject", value=subject)
    else:
        found = encoding.options.get(subject) if isinstance(subject, str) else None
        if found is None:
            raise ValidationError("no option has this id", path="subject", value=subject)
        var = found
    label = _label(compiled, var)
    chosen = _literals(compiled, state.selections)
    labels = dict(chosen)
    literals = [lit for lit, _ in chosen]
    if compiled.solver.solve(literals) is False:
        return _make_reason(label, "invalid", (), ())
    if var in literals or -var in literals:
        return _make_reason(label, "chosen" if var in literals else "rejected", (), ())
    solver = compiled.solver
    for literal, verdict in ((var, "forced off"), (-var, "forced on")):
        if solver.solve([*literals, literal]) is False:
            culprits = _minimal_choices(compiled, literals, [literal])
            return _make_reason(
                label,
                verdict,
                tuple(labels[lit] for lit in culprits),
                compiled.minimal_groups([*culprits, literal]),
            )
    return _make_reason(label, "free", (), ())


class Repairs(tuple[tuple[str, ...], ...]):
    """The proposals of :func:`repair`: a tuple of proposals, and whether they are the smallest.

    It is a plain tuple of proposals (each a tuple of choice labels) to iterate,
    index and compare, with one more attribute, :attr:`proven_minimal`: ``True``
    when no smaller set of choices to drop exists (every smaller size was ruled
    out), ``False`` when the effort budget ran out before that could be proved (the
    proposals are then the smallest found). Either way each proposal is needed
    whole: keeping back any one of its choices leaves a conflict.

    >>> found = Repairs([("r32 chosen",)], proven_minimal=True)
    >>> found, found.proven_minimal, found == (("r32 chosen",),)
    ((('r32 chosen',),), True, True)
    """

    _proven: bool

    def __new__(
        cls, proposals: Sequence[tuple[str, ...]] = (), *, proven_minimal: bool = True
    ) -> Repairs:
        """Create the proposals, ``proven_minimal`` or not (see the class)."""
        items = to_items(proposals)
        if items.__class__ is not tuple:
            raise ValidationError(
                "must be a sequence of proposals (each a sequence of choice labels)",
                path="proposals",
                value=proposals,
            )
        checked = (_require_proposal(item, f"proposals[{i}]") for i, item in enumerate(items))
        made = super().__new__(cls, checked)
        made._proven = require_bool(proven_minimal, "proven_minimal")
        return made

    @property
    def proven_minimal(self) -> bool:
        """Whether no smaller proposal exists (see the class).

        Returns:
            ``True`` when proved, ``False`` when the effort budget ran out first.
        """
        return self._proven


def _require_proposal(value: Any, path: str) -> tuple[str, ...]:
    return require_items_of(value, require_text, "choice labels (str)", path)


#: Orders of the choices a repair tries in its greedy search, at most (each costs
#: one solve per choice).
_GREEDY_ORDERS = 8


@serialized
def repair(
    model: ConfigurationModel,
    selections: Selections,
    *,
    limit: int = 5,
    effort: int | None = None,
) -> Repairs:
    """Propose the smallest sets of choices to drop so that the rest can hold.

    The search is bounded by the effort budget: besides the solver's conflicts,
    every set of choices it tries (or rules out by counting) costs one unit. It
    first finds conflicts among the choices that share no choice (each needs one
    of its choices dropped: a lower bound) and greedy repairs (an upper bound),
    then tries every smaller size in turn while the budget lasts. When the budget
    cannot prove the proposals the smallest, it returns the smallest found, with
    ``proven_minimal`` false, rather than search on.

    Args:
        model: The model.
        selections: Conflicting choices.
        limit: At most this many proposals.
        effort: The budget, in conflicts and sets of choices tried (default
            :data:`DEFAULT_EFFORT`).

    Returns:
        The :class:`Repairs`: proposals, each a tuple of choice labels (``"r32
        chosen"``, or ``"seats x 12"`` for a quantity to drop back to its default),
        all of one size; empty when nothing conflicts (or no single quantity is to
        blame). ``proven_minimal`` says whether no smaller proposal exists.

    Raises:
        ValidationError: A choice is unknown, ``selections`` is not
            :class:`Selections`, or ``limit`` is below 1.
        EffortExceededError: The solver spent its budget before it found any proposal.

    >>> from sfa_core.configure import Bundle, Feature, Option
    >>> pick = Feature(id="f", min_options=1, max_options=1,
    ...                options=[Option(id="a", sku="A"), Option(id="b", sku="B")])
    >>> model = ConfigurationModel(root=Bundle(sku="K", features=[pick]))
    >>> found = repair(model, Selections(options={"a": True, "b": True}))
    >>> found, found.proven_minimal
    ((('a chosen',), ('b chosen',)), True)
    """
    if limit.__class__ is not int or limit < 1:
        raise ValidationError("must be an int of at least 1", path="limit", value=limit)
    compiled = _compiled(model)
    require_instance(selections, Selections, "Selections", "selections")
    chosen = _literals(compiled, selections)
    literals = [lit for lit, _ in chosen]
    solver = compiled.solver
    if solver.solve(literals):
        return Repairs(_quantity_repairs(model, selections, limit))
    search = _RepairSearch(solver, literals, limit)
    try:
        search.run()
    except EffortExceededError:
        if not search.found:
            raise
        search.proven = False
    return Repairs(
        [tuple(chosen[index][1] for index in dropped) for dropped in search.found],
        proven_minimal=search.proven,
    )


class _RepairSearch:
    """The smallest sets of choices (by index) whose dropping leaves the rest satisfiable."""

    def __init__(self, solver: _BudgetedSolver, literals: list[int], limit: int) -> None:
        self.solver = solver
        self.literals = literals
        self.limit = limit
        self.cores: list[frozenset[int]] = []  # conflicts sharing no choice
        self.found: list[tuple[int, ...]] = []  # proposals of the smallest size found
        self.proven = False

    def _afford(self, cost: int) -> bool:
        """Charge ``cost`` sets of choices to the budget, if it has that much left."""
        solver = self.solver
        if solver.left is None:
            return True
        if solver.left < cost:
            return False
        solver.left -= cost
        return True

    def _holds(self, kept: list[int]) -> bool:
        """Whether the choices of indexes ``kept`` can all hold (one set tried)."""
        if not self._afford(1):
            raise EffortExceededError(self.solver.sku, self.solver.effort)
        return self.solver.solve([self.literals[index] for index in kept]) is True

    def run(self) -> None:
        count = len(self.literals)
        # a lower bound: conflicts sharing no choice each need one of theirs dropped
        rest = list(range(count))
        while not self._holds(rest):
            where = {self.literals[index]: index for index in rest}
            core = [where[lit] for lit in self.solver.core() if lit in where]
            for index in list(core):  # shrink it: each member then needed
                trial = [other for other in core if other != index]
                if not self._holds(trial):
                    core = trial
            self.cores.append(frozenset(core))
            rest = [index for index in rest if index not in self.cores[-1]]
        lower = len(self.cores)
        # an upper bound: keep every choice that still fits, in a few orders
        in_cores = [sum(index in core for core in self.cores) for index in range(count)]
        orders = [sorted(range(count), key=lambda index: (in_cores[index], index))]
        orders += [list(range(count)), list(reversed(range(count)))]
        rng = random.Random(0)
        while len(orders) < _GREEDY_ORDERS:
            order = list(range(count))
            rng.shuffle(order)
            orders.append(order)
        greedy: set[tuple[int, ...]] = set()
        for order in orders:
            kept: list[int] = []
            try:
                for index in order:
                    if self._holds([*kept, index]):
                        kept.append(index)
            except EffortExceededError:
                if greedy:
                    break
                raise
            greedy.add(tuple(sorted(set(range(count)).difference(kept))))
        upper = min(len(dropped) for dropped in greedy)
        self.found = sorted(dropped for dropped in greedy if len(dropped) == upper)[: self.limit]
        # every size from the lower bound up, while the budget can try each of its sets
        for size in range(lower, upper + 1):
            if not self._afford(math.comb(count, size)):
                self.proven = size == upper  # ruled out every smaller size
                return
            proposals = []
            for dropped in itertools.combinations(range(count), size):
                gone = set(dropped)
                if any(gone.isdisjoint(core) for core in self.cores):
                    continue  # a conflict keeps all its choices: no need to ask
                kept = [index for index in range(count) if index not in gone]
                if self.solver.solve([self.literals[index] for index in kept]):
                    proposals.append(dropped)
                    if len(proposals) == self.limit:
                        break
            if proposals:
                self.found, self.proven = proposals, True
                return
        self.proven = True  # (not reached: the greedy proposals are of size ``upper``)


def _quantity_repairs(
    model: ConfigurationModel, selections: Selections, limit: int
) -> list[tuple[str, ...]]:
    """Quantities the user gave whose dropping (back to the default) ends every conflict."""
    state = configure(model, selections)
    if state.valid:
        return []
    proposals: list[tuple[str, ...]] = []
    for key, quantity in selections.quantities.items():
        rest = {k: v for k, v in selections.quantities.items() if k != key}
        options = dict(selections.options)
        options.setdefault(key, True)  # the option stays chosen, at its default
        trial = Selections(options=options, quantities=rest, attributes=selections.attributes)
        if configure(model, trial).valid:
            proposals.append((f"{key} x {quantity}",))
            if len(proposals) == limit:
                break
    return proposals
