"""The configurator against brute force on random small models.

The oracle enumerates every assignment of options and attribute values and
checks each constraint by its meaning (not through the clauses the configurator
builds), then compares: an option is selectable exactly when some valid
configuration keeping the choices selects it, forced when all of them do (or
none), and a repair's proposal leaves choices that some valid configuration keeps.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_core.configure.completion import ConflictingSelectionsError, complete
from sfa_core.configure.configurator import (
    ConfigurationStatus,
    Selections,
    UnsatisfiableModelError,
    configure,
    explain,
    repair,
)
from sfa_core.configure.model import (
    Attribute,
    Bundle,
    Compatibility,
    ConfigurationModel,
    Excludes,
    Feature,
    Option,
    ProductRule,
    Requires,
    SelectionAction,
)
from sfa_core.rules import compile as compile_rule

VALUES = ("a", "b", "c")


@st.composite
def models(draw: st.DrawFn) -> ConfigurationModel:
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    features, ids = [], []
    for f_index, size in enumerate(sizes):
        options = [Option(id=f"o{len(ids) + i}", sku=f"S{len(ids) + i}") for i in range(size)]
        ids += [o.id for o in options]
        low = draw(st.integers(0, size))
        high = draw(st.one_of(st.none(), st.integers(low, size)))
        features.append(
            Feature(id=f"f{f_index}", options=options, min_options=low, max_options=high)
        )
    attributes = []
    if draw(st.booleans()):
        attributes.append(
            Attribute(
                id="colour", values=VALUES[: draw(st.integers(2, 3))], required=draw(st.booleans())
            )
        )
    pick = st.sampled_from(ids)
    constraints: list[Any] = []
    for index in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["requires", "excludes", "compat"]))
        if kind == "requires":
            constraints.append(
                Requires(
                    id=f"c{index}",
                    option=draw(pick),
                    needs=draw(st.lists(pick, min_size=1, max_size=2, unique=True)),
                )
            )
        elif kind == "excludes" and len(ids) >= 2:
            constraints.append(
                Excludes(
                    id=f"c{index}",
                    options=draw(st.lists(pick, min_size=2, max_size=3, unique=True)),
                )
            )
        elif attributes:
            domain = attributes[0].values
            constraints.append(
                Compatibility(
                    id=f"c{index}",
                    option=draw(pick),
                    attribute="colour",
                    values=draw(st.lists(st.sampled_from(domain), min_size=1, unique=True)),
                )
            )
    rules = []
    if draw(st.booleans()):
        action = draw(st.sampled_from(["add", "remove", "enable", "disable"]))
        rules.append(
            ProductRule(
                id="r0",
                kind="selection",
                condition={"var": f"options.{draw(pick)}"},
                actions=[SelectionAction(action, draw(pick))],
            )
        )
    if draw(st.booleans()):
        rules.append(
            ProductRule(
                id="r1",
                kind="validation",
                condition={
                    "and": [{"var": f"options.{draw(pick)}"}, {"var": f"options.{draw(pick)}"}]
                },
            )
        )
    return ConfigurationModel(
        root=Bundle(sku="B", features=features),
        attributes=attributes,
        constraints=constraints,
        rules=rules,
    )


def valid(model: ConfigurationModel, on: set[str], colour: str | None) -> bool:
    """Every constraint checked by its meaning."""
    for _, feature in model.features():
        count = sum(option.id in on for option in feature.options)
        if count < feature.min_options:
            return False
        if feature.max_options is not None and count > feature.max_options:
            return False
    for attribute in model.attributes:
        if attribute.required and colour is None:
            return False
    for c in model.constraints:
        if isinstance(c, Requires) and c.option in on and not on.intersection(c.needs):
            return False
        if isinstance(c, Excludes) and len(on.intersection(c.options)) > 1:
            return False
        if isinstance(c, Compatibility) and c.option in on and colour not in c.values:
            return False
    data = {
        "options": {o.id: int(o.id in on) for o in model.options()},
        "attributes": {"colour": colour},
    }
    enabled: dict[str, bool] = {}
    for rule in model.rules:
        holds = bool(compile_rule(rule.condition).evaluate(data))
        if rule.kind.value == "validation" and holds:
            return False
        for action in rule.actions:
            kind = action.kind.value
            if kind == "enable":
                enabled[action.option] = enabled.get(action.option, False) or holds
            elif (holds and kind == "add" and action.option not in on) or (
                holds and kind in ("remove", "disable") and action.option in on
            ):
                return False
    return all(ok or option not in on for option, ok in enabled.items())


def solutions(model: ConfigurationModel) -> list[tuple[set[str], str | None]]:
    ids = [o.id for o in model.options()]
    colours: list[str | None] = [None]
    if model.attributes:
        colours += list(model.attributes[0].values)
    found = []
    for bits in itertools.product((False, True), repeat=len(ids)):
        on = {i for i, bit in zip(ids, bits, strict=True) if bit}
        for colour in colours:
            if valid(model, on, colour):
                found.append((on, colour))
    return found


@st.composite
def cases(draw: st.DrawFn) -> tuple[ConfigurationModel, Selections]:
    model = draw(models())
    ids = [o.id for o in model.options()]
    chosen = draw(st.dictionaries(st.sampled_from(ids), st.booleans(), max_size=3))
    attributes = {}
    if model.attributes and draw(st.booleans()):
        attributes["colour"] = draw(st.sampled_from(model.attributes[0].values))
    return model, Selections(options=chosen, attributes=attributes)


def keeps(selections: Selections, on: set[str], colour: str | None) -> bool:
    if any((option in on) != chosen for option, chosen in selections.options.items()):
        return False
    return selections.attributes.get("colour", colour) == colour


@given(cases())
def test_the_state_matches_brute_force(case: tuple[ConfigurationModel, Selections]) -> None:
    model, selections = case
    every = solutions(model)
    if not every:
        with pytest.raises(UnsatisfiableModelError) as caught:
            configure(model, selections)
        assert caught.value.constraints  # a conflict is named
        return
    state = configure(model, selections)
    kept = [(on, colour) for on, colour in every if keeps(selections, on, colour)]
    if not kept:
        assert state.status is ConfigurationStatus.INVALID
        assert state.conflicts
        assert state.conflicts[0].choices
        for proposal in repair(model, selections):
            labels = set(proposal)
            rest = Selections(
                options={
                    k: v
                    for k, v in selections.options.items()
                    if f"{k} {'chosen' if v else 'rejected'}" not in labels
                },
                attributes={
                    k: v for k, v in selections.attributes.items() if f"{k} = {v}" not in labels
                },
            )
            assert any(keeps(rest, on, colour) for on, colour in every)
        return
    assert state.status is not ConfigurationStatus.INVALID
    for option in model.options():
        if option.id in selections.options:
            continue
        some_on = any(option.id in on for on, _ in kept)
        some_off = any(option.id not in on for on, _ in kept)
        assert (option.id in state.selectable) == (some_on and some_off), option.id
        if some_on and not some_off:
            assert state.forced.get(option.id) is True
            reason = explain(state, option.id)
            assert reason.verdict == "forced on"
            assert reason.constraints
        elif some_off and not some_on:
            assert state.forced.get(option.id) is False
            assert explain(state, option.id).verdict == "forced off"
        else:
            assert option.id not in state.forced
    if model.attributes:
        possible = {colour for _, colour in kept if colour is not None}
        assert set(state.available_values["colour"]) == possible
    complete = any(
        on == set(state.selected) and colour == state.values.get("colour") for on, colour in kept
    )
    assert (state.status is ConfigurationStatus.COMPLETE) == complete


@given(cases(), st.lists(st.integers(0, 50), min_size=12, max_size=12))
def test_complete_finds_a_valid_and_the_cheapest_completion(
    case: tuple[ConfigurationModel, Selections], costs: list[int]
) -> None:
    model, selections = case
    every = solutions(model)
    if not every:
        return
    kept = [(on, colour) for on, colour in every if keeps(selections, on, colour)]
    if not kept:
        with pytest.raises(ConflictingSelectionsError):
            complete(model, selections)
        return
    for preference in ("defaults", "cheapest"):
        prices = {o.sku: Decimal(costs[i]) for i, o in enumerate(model.options())}
        state = complete(model, selections, preference=preference, prices=prices)
        assert state.status is ConfigurationStatus.COMPLETE
        on, colour = set(state.selected), state.values.get("colour")
        assert (on, colour) in kept
        if preference == "cheapest":
            price = {o.id: prices[o.sku] for o in model.options()}
            assert sum(price[i] for i in on) == min(sum(price[i] for i in s) for s, _ in kept)
