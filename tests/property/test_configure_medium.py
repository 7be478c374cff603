"""The configurator on medium models (60-150 options) against one search per value.

Brute force cannot enumerate models this size, so the reference asks the SAT
solver, for every option and value, whether a configuration keeping the choices
sets it on and whether one sets it off: slow, plain, and independent of the
witnesses, local repairs and probes that :func:`configure` uses to be fast.
"""

from __future__ import annotations

import random

import pytest

from sfa_core.configure import (
    Attribute,
    Bundle,
    Compatibility,
    ConfigurationModel,
    Excludes,
    Feature,
    Option,
    Requires,
    Selections,
    configure,
)
from sfa_core.configure.encode import encode
from sfa_core.configure.solver import Solver

KINDS = ((1, 1), (0, 2), (1, 3), (0, 1), (1, 2), (0, None))


def generate(size: int, seed: int) -> tuple[ConfigurationModel, set[str], dict[str, str]]:
    """A model with a planted configuration every constraint keeps."""
    rng = random.Random(seed)
    features, ids, planted = [], [], set()
    while len(ids) < size:
        count = rng.randint(4, 6)
        low, high = KINDS[len(features) % len(KINDS)]
        top = count if high is None else high
        on = rng.sample(range(count), rng.randint(max(low, 0), min(top, count)))
        options = []
        for i in range(count):
            option_id = f"o{len(ids)}"
            ids.append(option_id)
            options.append(Option(id=option_id, sku=option_id.upper()))
            if i in on:
                planted.add(option_id)
        features.append(
            Feature(id=f"f{len(features)}", options=options, min_options=low, max_options=high)
        )
    values = {f"a{i}": f"v{rng.randint(0, 2)}" for i in range(3)}
    attributes = [Attribute(id=a, values=["v0", "v1", "v2"]) for a in values]
    constraints: list[object] = []
    for index in range(2 * len(ids)):
        a, b = rng.sample(ids, 2)
        if rng.random() < 0.5:
            if a not in planted or b in planted:
                constraints.append(Requires(id=f"c{index}", option=a, needs=[b]))
        elif not (a in planted and b in planted):
            constraints.append(Excludes(id=f"c{index}", options=[a, b]))
    for index, option_id in enumerate(rng.sample(ids, len(ids) // 4)):
        attribute = rng.choice(list(values))
        allowed = {values[attribute]} if option_id in planted else set()
        allowed.add(f"v{rng.randint(0, 2)}")
        constraints.append(
            Compatibility(id=f"k{index}", option=option_id, attribute=attribute,
                          values=sorted(allowed))
        )  # fmt: skip
    model = ConfigurationModel(
        root=Bundle(sku="B", features=features), attributes=attributes, constraints=constraints
    )
    return model, planted, values


def reference(model: ConfigurationModel, selections: Selections) -> tuple[set[str], set[str]]:
    """Options possible on, and possible off, by one search each."""
    encoding = encode(model)
    solver = Solver.from_clauses(
        encoding.count, [clause for group in encoding.groups for clause in group.clauses]
    )
    assumed = [encoding.options[k] if v else -encoding.options[k]
               for k, v in selections.options.items()]  # fmt: skip
    assumed += [encoding.values[(k, v)] for k, v in selections.attributes.items()]
    on = {k for k, var in encoding.options.items() if solver.solve([*assumed, var])}
    off = {k for k, var in encoding.options.items() if solver.solve([*assumed, -var])}
    return on, off


@pytest.mark.parametrize("seed", range(6))
def test_clicks_agree_with_one_search_per_value(seed: int) -> None:
    model, planted, values = generate(60 + 20 * seed, seed)
    rng = random.Random(seed)
    ids = [option.id for option in model.options()]
    for _ in range(4):  # several clicks on one model: the kept witness moves between them
        chosen = rng.sample(ids, 5)
        selections = Selections(
            options={k: k in planted for k in chosen},
            attributes=dict(rng.sample(sorted(values.items()), 2)),
        )
        state = configure(model, selections)
        on, off = reference(model, selections)
        assert state.valid
        for option_id in ids:
            if option_id in selections.options:
                continue
            assert (option_id in state.selectable) == (option_id in on and option_id in off)
            assert state.forced.get(option_id) == (
                True if option_id not in off else False if option_id not in on else None
            )
