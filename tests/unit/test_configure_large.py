"""One large feature or attribute: work linear in its size, and the same answers.

A pick-one feature of 2,000 options (a part catalogue) or an attribute of 2,000
values used to cost time cubic in its size on the first click: each value's cone
propagated the whole feature, and the feature's "at least one" clause was scanned
whole each time one of its options turned off. The solver's own counter of
propagations shows the work without timing anything.
"""

from __future__ import annotations

import itertools

import pytest

from sfa_core.configure import (
    Attribute,
    Bundle,
    Compatibility,
    ConfigurationModel,
    Feature,
    Option,
    Requires,
    Selections,
    configure,
)
from sfa_core.configure import configurator as configurator_module
from sfa_core.configure.encode import encode
from sfa_core.configure.solver import Solver

SIZE = 1000


def catalogue(size: int, *, min_options: int = 1, max_options: int | None = 1) -> Bundle:
    options = [Option(id=f"p{i}", sku=f"P{i}") for i in range(size)]
    return Bundle(
        sku="CAT",
        features=[
            Feature(id="parts", options=options, min_options=min_options, max_options=max_options)
        ],
    )


def colours(size: int) -> ConfigurationModel:
    return ConfigurationModel(
        root=Bundle(sku="PAINT", features=[Feature(id="f", options=[Option(id="a", sku="A")])]),
        attributes=[Attribute(id="colour", values=[f"c{i}" for i in range(size)])],
    )


def propagations(model: ConfigurationModel) -> int:
    return int(configurator_module._compiled(model).solver.stats["propagations"])


def test_a_pick_one_feature_of_a_thousand_options_costs_work_linear_in_its_size() -> None:
    model = ConfigurationModel(root=catalogue(SIZE))
    start = configure(model)
    assert len(start.selectable) == SIZE
    assert not start.forced
    # about 130 propagations per option (each cone is cut short); the whole feature
    # per option (over a million here) before
    assert propagations(model) < 200 * SIZE
    picked = configure(model, Selections(options={"p7": True}))
    assert picked.selected == ("p7",)
    assert len(picked.forced) == SIZE - 1
    assert set(picked.forced.values()) == {False}
    assert picked.status.value == "complete"
    rejected = configure(model, Selections(options={"p7": False, "p8": False}))
    assert len(rejected.selectable) == SIZE - 2
    assert not rejected.forced
    assert propagations(model) < 250 * SIZE


def test_an_attribute_of_a_thousand_values_costs_work_linear_in_its_size() -> None:
    model = colours(SIZE)
    start = configure(model)
    assert len(start.available_values["colour"]) == SIZE
    assert propagations(model) < 200 * SIZE
    chosen = configure(model, Selections(attributes={"colour": "c999"}))
    assert chosen.values == {"colour": "c999"}
    assert chosen.available_values["colour"] == ("c999",)


def test_no_clause_reaches_the_solver_longer_than_eight_literals() -> None:
    # a long clause is chained: one literal turning false costs a look at one link
    model = ConfigurationModel(
        root=catalogue(50),
        attributes=[Attribute(id="colour", values=[f"c{i}" for i in range(30)])],
        constraints=[
            Requires(id="kit", option="p0", needs=[f"p{i}" for i in range(1, 40)]),
            Compatibility(
                id="p1-colour", option="p1", attribute="colour", values=[f"c{i}" for i in range(25)]
            ),
        ],
    )
    encoding = encode(model)
    assert max(len(c) for group in encoding.groups for c in group.clauses) <= 8
    # the local repair still walks on the constraints as written
    assert max(len(literals) for literals, _, _ in encoding.native) == 50


def _solutions_agree(model: ConfigurationModel, meaning: object) -> None:
    """Every assignment of the options: the solver accepts it exactly when it is valid."""
    encoding = encode(model)
    solver = Solver.from_clauses(
        encoding.count, (c for group in encoding.groups for c in group.clauses)
    )
    ids = list(encoding.options)
    for bits in itertools.product((False, True), repeat=len(ids)):
        on = {key for key, bit in zip(ids, bits, strict=True) if bit}
        literals = [
            encoding.options[key] if bit else -encoding.options[key]
            for key, bit in zip(ids, bits, strict=True)
        ]
        assert solver.solve(literals) is meaning(on), sorted(on)  # type: ignore[operator]


def test_a_chained_clause_means_what_the_long_clause_means() -> None:
    # at least one of twelve, and p0 needs one of the other eleven: two chains
    model = ConfigurationModel(
        root=catalogue(12, max_options=None),
        constraints=[Requires(id="kit", option="p0", needs=[f"p{i}" for i in range(1, 12)])],
    )
    _solutions_agree(model, lambda on: bool(on) and ("p0" not in on or len(on) > 1))


def test_a_guarded_chain_holds_only_while_its_option_is_selected() -> None:
    # the dock's feature needs one of ten options, only while the dock is selected
    dock = Bundle(
        sku="DOCK",
        features=[
            Feature(
                id="ports",
                min_options=1,
                options=[Option(id=f"d{i}", sku=f"D{i}") for i in range(10)],
            )
        ],
    )
    root = Bundle(
        sku="DESK",
        features=[Feature(id="extras", options=[Option(id="dock", sku="DOCK", bundle="DOCK")])],
    )
    model = ConfigurationModel(root=root, bundles=[dock])
    _solutions_agree(
        model,
        lambda on: ("dock" in on) == bool(on - {"dock"}) if on else True,
    )


@pytest.mark.parametrize("size", [9, 40])
def test_large_features_answer_as_brute_force_does(size: int) -> None:
    # pick exactly one, with a requirement and an attribute of many values around it
    model = ConfigurationModel(
        root=catalogue(size),
        attributes=[Attribute(id="colour", values=[f"c{i}" for i in range(size)])],
        constraints=[
            Compatibility(id="p0-colour", option="p0", attribute="colour", values=["c0", "c1"]),
            Compatibility(
                id="p1-colour",
                option="p1",
                attribute="colour",
                values=[f"c{i}" for i in range(2, size)],
            ),
        ],
    )
    state = configure(model, Selections(attributes={"colour": "c1"}, options={"p2": False}))
    assert state.forced == {"p1": False}
    assert set(state.selectable) == {f"p{i}" for i in range(size)} - {"p1", "p2"}
    assert set(state.deselectable) == {f"p{i}" for i in range(size)} - {"p2"}
    state = configure(model, Selections(options={"p0": True}))
    assert state.available_values["colour"] == ("c0", "c1")
    assert set(state.forced) == {f"p{i}" for i in range(1, size)}
