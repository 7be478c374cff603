"""Complete a configuration: fill every open choice, by the defaults or at the lowest price.

:func:`complete` keeps every choice the user made and decides the rest:

* ``"defaults"``: each open option takes its default (``Option.selected``); a
  feature that needs more options than its defaults select takes its first
  options in display order; each open attribute takes its first possible value
  (an optional attribute stays unset when it can). Each preference is kept when
  some valid configuration agrees with it and the choices before it, so the
  result is always valid.
* ``"cheapest"``: the valid completion whose selected options cost least
  (unit price x quantity, prices by sku, given by the caller, for example from
  the pricing module); found by branch and bound over the priced options, with
  the solver proving each bound. Options without a price then follow the
  defaults.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

from sfa_core._validate import as_member, require_decimal
from sfa_core.configure._checks import require_mapping
from sfa_core.configure.configurator import (
    ConfigurationState,
    Selections,
    _Compiled,
    _compiled,
    _invalid,
    _literals,
    _selections,
    configure,
    serialized,
)
from sfa_core.configure.model import ConfigurationModel
from sfa_core.errors import SfaError, ValidationError, _text
from sfa_core.money import Money

__all__ = ["ConflictingSelectionsError", "Preference", "complete"]


class Preference(str, enum.Enum):
    """How :func:`complete` fills open choices."""

    DEFAULTS = "defaults"
    CHEAPEST = "cheapest"


class ConflictingSelectionsError(SfaError, ValueError):
    """The choices conflict, so no completion exists.

    Attributes:
        state: The invalid state, whose ``conflicts`` say why.
    """

    code: ClassVar[str] = "conflicting_selections"

    def __init__(self, state: ConfigurationState) -> None:
        self.state = state
        conflicts = getattr(state, "conflicts", None)
        message = "the choices conflict"
        if isinstance(conflicts, tuple) and conflicts:
            message = _text(getattr(conflicts[0], "message", message))
        super().__init__(message)


class _Budget(Exception):
    """The branch and bound ran out of steps."""


@serialized
def complete(
    model: ConfigurationModel,
    selections: Selections | None = None,
    *,
    preference: Preference | str = Preference.DEFAULTS,
    prices: Mapping[str, Decimal | Money] | None = None,
    max_steps: int | None = None,
    effort: int | None = None,
) -> ConfigurationState:
    """Decide every open choice and return the complete configuration's state.

    Args:
        model: The configuration model.
        selections: The user's choices, kept as they are.
        preference: ``"defaults"`` or ``"cheapest"``.
        prices: Unit price per sku (``Decimal``, ``int`` or ``Money``), for
            ``"cheapest"``; skus without a price cost nothing. ``Money`` prices must
            all be in one currency; every price must lie in the package's number
            range (see :doc:`/money`). Costs are summed
            exactly.
        max_steps: Branch-and-bound nodes before ``"cheapest"`` settles for the
            cheapest completion found so far; ``None`` (the default) searches to the
            end, so the result is exactly the cheapest (or the effort budget is spent).
        effort: The solver's budget, in conflicts (default
            :data:`~sfa_core.configure.configurator.DEFAULT_EFFORT`). Without
            ``max_steps``, each branch-and-bound node counts as one conflict more per
            100 priced options, so that an unbounded search cannot run for long.

    Returns:
        The state of the completed selections, with every option chosen or
        rejected and every attribute decided; its status is complete.

    Raises:
        ConflictingSelectionsError: The choices, or the quantities given, conflict
            (``state.conflicts`` says why).
        ValidationError: A choice is unknown, a price is negative, not a number or
            out of range, prices are in different currencies, ``prices`` is missing
            for ``"cheapest"``, or ``max_steps`` is below 1.
        EffortExceededError: The solver spent its budget before it could answer.

    >>> from sfa_core.configure import Bundle, Feature, Option
    >>> model = ConfigurationModel(root=Bundle(sku="PC", features=[
    ...     Feature(id="disk", min_options=1, max_options=1, options=[
    ...         Option(id="ssd", sku="SSD"), Option(id="hdd", sku="HDD")])]))
    >>> complete(model).selected
    ('ssd',)
    >>> complete(model, preference="cheapest",
    ...          prices={"SSD": Decimal("90"), "HDD": Decimal("40")}).selected
    ('hdd',)
    """
    kind = as_member(Preference, preference, "preference")
    if max_steps is not None and (max_steps.__class__ is not int or max_steps < 1):
        raise ValidationError("must be an int of at least 1", path="max_steps", value=max_steps)
    compiled = _compiled(model)
    selections = _selections(selections)
    chosen = _literals(compiled, selections)
    fixed = [literal for literal, _ in chosen]
    solver = compiled.solver
    if not solver.solve(fixed):
        raise ConflictingSelectionsError(_invalid(compiled, selections, chosen))
    if kind is Preference.CHEAPEST:
        if prices is None:
            raise ValidationError("are needed for the cheapest completion", path="prices")
        costs = _costs(model, compiled, selections, prices)
        fixed = _cheapest(compiled, fixed, costs, max_steps)
    fixed = _defaults(model, compiled, fixed)
    options, values = _decided(model, compiled, fixed)
    state = configure(
        model,
        Selections(options=options, quantities=selections.quantities, attributes=values),
    )
    if not state.valid:  # the quantities given conflict
        raise ConflictingSelectionsError(state)
    return state


def _costs(
    model: ConfigurationModel,
    compiled: _Compiled,
    selections: Selections,
    prices: Mapping[str, Decimal | Money],
) -> dict[int, Fraction]:
    """Each priced option's cost (unit price x quantity), exact, by variable."""
    prices = require_mapping(prices, "prices")
    costs: dict[int, Fraction] = {}
    currency: tuple[str, str] | None = None  # (currency, the first sku priced in it)
    for option in model.options():
        price: Any = prices.get(option.sku)
        if price is None:
            continue
        path = f"prices[{option.sku!r}]"
        amount: Any = price
        if isinstance(price, Money):
            if currency is None:
                currency = (price.currency, option.sku)
            elif price.currency != currency[0]:
                raise ValidationError(
                    f"is in {price.currency}, but the price of {currency[1]!r} is in "
                    f"{currency[0]}: prices must share one currency",
                    path=path,
                    value=price,
                )
            amount = price.amount
        if not isinstance(amount, (Decimal, int)) or isinstance(amount, bool):
            raise ValidationError(
                "must be a Decimal, an int or Money of at least 0", path=path, value=price
            )
        number = require_decimal(amount, path)
        if number < 0:
            raise ValidationError("must not be negative", path=path, value=price)
        quantity = selections.quantities.get(option.id, option.default_quantity)
        if number:
            costs[compiled.encoding.options[option.id]] = Fraction(number) * quantity
    return costs


def _cheapest(
    compiled: _Compiled, fixed: list[int], costs: dict[int, Fraction], max_steps: int | None
) -> list[int]:
    """The choices plus the priced options of a cheapest completion (branch and bound)."""
    solver = compiled.solver
    if not costs:
        return fixed
    solver.set_phases([-var for var in costs])  # search towards leaving priced options out
    order = sorted(costs, key=lambda var: (-costs[var], var))
    best: list[bool] | None = None
    best_cost: Fraction | None = None
    steps = 0
    weight = 1 + len(costs) // 100  # a node's work grows with the priced options

    def search(assumed: list[int]) -> None:
        nonlocal best, best_cost, steps
        steps += 1
        if max_steps is not None and steps > max_steps:
            raise _Budget
        if max_steps is None:
            solver.spend(weight)  # an unbounded search counts against the effort budget
        implied = solver.propagate(assumed)
        if implied is None:
            return
        bound = sum((costs[lit] for lit in implied if lit > 0 and lit in costs), Fraction(0))
        if best_cost is not None and bound >= best_cost:
            return
        if not solver.solve(assumed):
            return
        model = solver.model()
        cost = sum((c for var, c in costs.items() if model[var]), Fraction(0))
        if best_cost is None or cost < best_cost:
            best, best_cost = model, cost
        if cost == bound:
            return  # nothing below the bound under these assumptions
        decided = {abs(lit) for lit in implied}
        pick = next(var for var in order if var not in decided and model[var])
        search([*assumed, -pick])
        search([*assumed, pick])

    with contextlib.suppress(_Budget):
        search(list(fixed))
    assert best is not None  # the choices are satisfiable
    return [*fixed, *(var if best[var] else -var for var in costs)]


def _defaults(model: ConfigurationModel, compiled: _Compiled, fixed: list[int]) -> list[int]:
    """Decide every open option and attribute by the defaults, keeping satisfiability."""
    solver = compiled.solver
    encoding = compiled.encoding
    fixed = list(fixed)
    decided = {abs(lit) for lit in fixed}

    def prefer(literal: int) -> bool:
        if abs(literal) in decided:
            return False
        decided.add(abs(literal))
        if solver.solve([*fixed, literal]):
            fixed.append(literal)
            return True
        fixed.append(-literal)
        return False

    for _, feature in model.features():
        needed = feature.min_options - sum(option.selected for option in feature.options)
        for option in feature.options:
            var = encoding.options[option.id]
            if option.selected:
                prefer(var)
            elif needed > 0:
                if prefer(var):
                    needed -= 1
            else:
                prefer(-var)
    for attribute in model.attributes:
        lits = [encoding.values[(attribute.id, value)] for value in attribute.values]
        if any(lit in fixed for lit in lits):
            for lit in lits:
                prefer(-lit)
            continue
        if not attribute.required and all(prefer(-lit) for lit in lits):
            continue
        for lit in lits:
            if prefer(lit):
                break
        for lit in lits:
            prefer(-lit)
    return fixed


def _decided(
    model: ConfigurationModel, compiled: _Compiled, fixed: list[int]
) -> tuple[dict[str, bool], dict[str, str]]:
    on = set(fixed)
    options = {option.id: compiled.encoding.options[option.id] in on for option in model.options()}
    values = {
        attribute.id: value
        for attribute in model.attributes
        for value in attribute.values
        if compiled.encoding.values[(attribute.id, value)] in on
    }
    return options, values
