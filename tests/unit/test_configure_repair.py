"""Repairs within a bounded effort: the smallest found, and whether it is proved smallest.

Trying every set of one choice, then of two, and so on, needs about two billion
solves before it reaches the 20 of 40 choices that must go; ``repair`` bounds its
search by the effort budget instead, and says when it could not prove its
proposals the smallest.
"""

from __future__ import annotations

import pickle

import pytest

from sfa_core.configure import (
    Bundle,
    ConfigurationModel,
    EffortExceededError,
    Feature,
    Option,
    Repairs,
    Selections,
    configure,
    repair,
)


def pairs(count: int) -> ConfigurationModel:
    """``count`` features, each picking exactly one of two options."""
    features = [
        Feature(
            id=f"f{i}",
            min_options=1,
            max_options=1,
            options=[Option(id=f"a{i}", sku=f"A{i}"), Option(id=f"b{i}", sku=f"B{i}")],
        )
        for i in range(count)
    ]
    return ConfigurationModel(root=Bundle(sku="PAIRS", features=features))


def at_most(count: int, high: int) -> ConfigurationModel:
    """One feature of ``count`` options allowing at most ``high``."""
    options = [Option(id=f"o{i}", sku=f"O{i}") for i in range(count)]
    feature = Feature(id="f", max_options=high, options=options)
    return ConfigurationModel(root=Bundle(sku="MANY", features=[feature]))


def everything(model: ConfigurationModel) -> Selections:
    return Selections(options={option.id: True for option in model.options()})


def assert_valid(model: ConfigurationModel, selections: Selections, found: Repairs) -> None:
    assert found
    for proposal in found:
        dropped = {label.removesuffix(" chosen") for label in proposal}
        kept = {key: on for key, on in selections.options.items() if key not in dropped}
        assert configure(model, Selections(options=kept)).valid
        for label in proposal:  # each dropped choice is needed: keeping it back conflicts
            back = {**kept, label.removesuffix(" chosen"): True}
            assert not configure(model, Selections(options=back)).valid


def test_forty_choices_of_which_twenty_must_go_are_repaired_and_proved_smallest() -> None:
    model = pairs(20)
    selections = everything(model)
    found = repair(model, selections)
    assert isinstance(found, Repairs)
    assert len(found) == 5
    assert {len(proposal) for proposal in found} == {20}
    assert_valid(model, selections, found)
    # twenty conflicts that share no choice: no repair of fewer than twenty exists
    assert found.proven_minimal is True


def test_a_repair_not_proved_smallest_says_so() -> None:
    # every 21 of the 40 conflict, so the conflicts found share choices: the budget
    # cannot try every set of 19 or fewer, and the smallest found is returned
    model = at_most(40, 20)
    selections = everything(model)
    found = repair(model, selections, limit=3)
    assert len(found) == 3
    assert {len(proposal) for proposal in found} == {20}
    assert_valid(model, selections, found)
    assert found.proven_minimal is False
    # a small model is searched size by size, as far as the smallest
    small = at_most(8, 4)
    exact = repair(small, everything(small), limit=2)
    assert exact == (
        ("o0 chosen", "o1 chosen", "o2 chosen", "o3 chosen"),
        ("o0 chosen", "o1 chosen", "o2 chosen", "o4 chosen"),
    )
    assert exact.proven_minimal is True


def test_small_repairs_are_exhaustive_and_proved() -> None:
    model = pairs(3)
    selections = Selections(options={"a0": True, "b0": True, "a1": True})
    found = repair(model, selections)
    assert found == (("a0 chosen",), ("b0 chosen",))
    assert found.proven_minimal is True
    nothing = repair(model, Selections(options={"a0": True}))
    assert nothing == ()
    assert nothing.proven_minimal is True


def test_a_budget_too_small_for_any_proposal_raises() -> None:
    model = pairs(20)
    with pytest.raises(EffortExceededError) as caught:
        repair(model, everything(model), effort=3)
    assert caught.value.effort == 3


def test_repairs_are_a_tuple_that_keeps_its_flag() -> None:
    found = Repairs([("a chosen",), ("b chosen",)], proven_minimal=False)
    assert found == (("a chosen",), ("b chosen",))
    assert found[1] == ("b chosen",)
    copied = pickle.loads(pickle.dumps(found))
    assert copied == found
    assert copied.proven_minimal is False
    assert Repairs().proven_minimal is True
