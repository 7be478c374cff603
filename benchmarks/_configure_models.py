"""Seeded random configuration models with a planted valid configuration.

:func:`generate` makes a model of ``options`` options in one root bundle: features
of about five options with min/max counts, about two requires/excludes constraints
per option, a few attributes of three to five values with compatibility
constraints. A configuration is planted first, and every feature bound and
constraint is drawn so that it holds, so the model always has a valid
configuration and any choice the planted configuration makes stays satisfiable.

:func:`clicks` makes user clicks on such a model: each fixes five options (some
planted on, chosen; some planted off, rejected) and two attributes to their
planted values. :func:`violations` checks a configuration against a model.

:func:`generate_one_feature` makes a model whose main feature is one pick-exactly-one
feature of many options (a part catalogue), with a few small features, two attributes
and a few constraints around it; :func:`catalogue_clicks` makes clicks on it that
leave the catalogue open.

Everything depends on the seed only, and is fast (about 0.1 s for 2,000 options).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Set
from dataclasses import dataclass

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
)

__all__ = [
    "Planted",
    "attribute_count",
    "catalogue_clicks",
    "clicks",
    "generate",
    "generate_one_feature",
    "violations",
]

# (min_options, max_options) of the features, drawn in turn; None: no maximum.
FEATURE_KINDS: tuple[tuple[int, int | None], ...] = (
    (1, 1),
    (0, 2),
    (1, 3),
    (0, 1),
    (1, 2),
    (0, None),
)
COMPATIBILITY_SHARE = 0.25  # the share of options allowed only for some attribute values
TWO_NEEDS_SHARE = 0.25  # the share of requires constraints with two alternatives


@dataclass(frozen=True)
class Planted:
    """The planted valid configuration: the options on and each attribute's value."""

    options: frozenset[str]
    attributes: Mapping[str, str]


def attribute_count(options: int) -> int:
    """About three attributes at 200 options, six at 2,000 (3 x log10(options / 20))."""
    return max(1, round(3 * math.log10(max(options, 20) / 20)))


def _feature_sizes(options: int, rng: random.Random) -> list[int]:
    sizes: list[int] = []
    left = options
    while left > 0:
        size = rng.randint(4, 6)
        if left - size < 4:  # no feature of fewer than four options at the end
            size = left if left <= 6 else left - 4
        sizes.append(size)
        left -= size
    return sizes


def generate(options: int, seed: int) -> tuple[ConfigurationModel, Planted]:
    """A model of ``options`` options, and the valid configuration planted in it.

    Features of four to six options, min/max counts drawn from :data:`FEATURE_KINDS`;
    about ``options`` requires (a quarter of them "one of two") and ``options``
    excludes constraints between random options; :func:`attribute_count` attributes
    of three to five values; a compatibility constraint on a quarter of the options.
    """
    if options < 4:
        raise ValueError("a model needs at least 4 options")
    rng = random.Random(seed)
    width = len(str(options - 1))
    ids = [f"o{i:0{width}d}" for i in range(options)]
    on: set[str] = set()
    features = []
    start = 0
    for index, size in enumerate(_feature_sizes(options, rng)):
        low, high = FEATURE_KINDS[index % len(FEATURE_KINDS)]
        members = ids[start : start + size]
        start += size
        count = rng.randint(low, size if high is None else min(high, size))
        on.update(rng.sample(members, count))
        features.append(
            Feature(
                id=f"f{index:0{width}d}",
                options=[Option(id=i, sku=i.upper()) for i in members],
                min_options=low,
                max_options=high,
            )
        )
    attributes = []
    values: dict[str, str] = {}
    for index in range(attribute_count(options)):
        domain = [f"v{k}" for k in range(rng.randint(3, 5))]
        attribute = Attribute(id=f"a{index}", values=domain)
        attributes.append(attribute)
        values[attribute.id] = rng.choice(domain)
    constraints: list[Requires | Excludes | Compatibility] = []
    made = 0
    while made < options:  # requires: A -> one of needs, kept when the planted one meets it
        option, *needs = rng.sample(ids, 3 if rng.random() < TWO_NEEDS_SHARE else 2)
        if option in on and not on.intersection(needs):
            continue
        constraints.append(Requires(id=f"r{made:0{width}d}", option=option, needs=needs))
        made += 1
    made = 0
    while made < options:  # excludes: not both, kept when the planted one has not both
        pair = rng.sample(ids, 2)
        if pair[0] in on and pair[1] in on:
            continue
        constraints.append(Excludes(id=f"x{made:0{width}d}", options=pair))
        made += 1
    for index, option in enumerate(rng.sample(ids, round(options * COMPATIBILITY_SHARE))):
        attribute = rng.choice(attributes)
        allowed = set(rng.sample(attribute.values, rng.randint(1, len(attribute.values) - 1)))
        if option in on:
            allowed.add(values[attribute.id])
        constraints.append(
            Compatibility(
                id=f"c{index:0{width}d}",
                option=option,
                attribute=attribute.id,
                values=[v for v in attribute.values if v in allowed],
            )
        )
    model = ConfigurationModel(
        root=Bundle(sku=f"GEN-{options}-{seed}", features=features),
        attributes=attributes,
        constraints=constraints,
    )
    return model, Planted(frozenset(on), values)


def clicks(model: ConfigurationModel, planted: Planted, count: int, seed: int) -> list[Selections]:
    """``count`` distinct clicks, each satisfiable: five options and two attributes fixed.

    Each click chooses one to three options of the planted configuration and rejects
    options it leaves out (five options in all), and sets two attributes (one when
    the model has only one) to their planted values.
    """
    rng = random.Random(seed)
    on = sorted(planted.options)
    off = sorted(option.id for option in model.options() if option.id not in planted.options)
    names = sorted(planted.attributes)
    made: list[Selections] = []
    seen: set[tuple[tuple[str, bool], ...]] = set()
    while len(made) < count:
        chosen = rng.randint(1, min(3, len(on)))
        picked = dict.fromkeys(rng.sample(on, chosen), True)
        picked.update(dict.fromkeys(rng.sample(off, min(5 - chosen, len(off))), False))
        key = tuple(sorted(picked.items()))
        if key in seen:
            continue
        seen.add(key)
        fixed = rng.sample(names, min(2, len(names)))
        made.append(
            Selections(options=picked, attributes={a: planted.attributes[a] for a in fixed})
        )
    return made


def generate_one_feature(options: int, seed: int) -> tuple[ConfigurationModel, Planted]:
    """A model around one pick-exactly-one feature of ``options`` options, and its planted one.

    Around the catalogue (feature ``catalogue``, options ``p0000``...): six small
    features of three to five options (``s0``... with min/max counts drawn from
    :data:`FEATURE_KINDS`), two attributes (``region`` of four values, ``finish``
    of three), 40 requires and 40 excludes constraints between random options (a
    catalogue option or a small one), and a compatibility constraint on a tenth of
    the catalogue options and on a third of the small ones.
    """
    if options < 4:
        raise ValueError("a model needs at least 4 options")
    rng = random.Random(seed)
    width = len(str(options - 1))
    catalogue = [f"p{i:0{width}d}" for i in range(options)]
    on = {rng.choice(catalogue)}
    features = [
        Feature(
            id="catalogue",
            options=[Option(id=i, sku=i.upper()) for i in catalogue],
            min_options=1,
            max_options=1,
        )
    ]
    small: list[str] = []
    for index in range(6):
        members = [f"s{index}{k}" for k in range(rng.randint(3, 5))]
        small += members
        low, high = FEATURE_KINDS[index % len(FEATURE_KINDS)]
        count = rng.randint(low, len(members) if high is None else min(high, len(members)))
        on.update(rng.sample(members, count))
        features.append(
            Feature(
                id=f"s{index}",
                options=[Option(id=i, sku=i.upper()) for i in members],
                min_options=low,
                max_options=high,
            )
        )
    attributes = [
        Attribute(id="region", values=["eu", "us", "apac", "latam"]),
        Attribute(id="finish", values=["matte", "gloss", "satin"]),
    ]
    values = {attribute.id: rng.choice(attribute.values) for attribute in attributes}
    everything = catalogue + small
    constraints: list[Requires | Excludes | Compatibility] = []
    while len(constraints) < 40:  # requires, kept when the planted configuration meets it
        option, need = rng.choice(everything), rng.choice(small)
        if option != need and (option not in on or need in on):
            constraints.append(Requires(id=f"r{len(constraints)}", option=option, needs=[need]))
    while len(constraints) < 80:  # excludes, kept when the planted one has not both
        pair = [rng.choice(everything), rng.choice(small)]
        if pair[0] != pair[1] and not (pair[0] in on and pair[1] in on):
            constraints.append(Excludes(id=f"x{len(constraints) - 40}", options=pair))
    restricted = rng.sample(catalogue, options // 10) + rng.sample(small, len(small) // 3)
    for index, option in enumerate(restricted):
        attribute = rng.choice(attributes)
        allowed = set(rng.sample(attribute.values, rng.randint(1, len(attribute.values) - 1)))
        if option in on:
            allowed.add(values[attribute.id])
        constraints.append(
            Compatibility(
                id=f"c{index}",
                option=option,
                attribute=attribute.id,
                values=[v for v in attribute.values if v in allowed],
            )
        )
    model = ConfigurationModel(
        root=Bundle(sku=f"ONE-{options}-{seed}", features=features),
        attributes=attributes,
        constraints=constraints,
    )
    return model, Planted(frozenset(on), values)


def catalogue_clicks(
    model: ConfigurationModel, planted: Planted, count: int, seed: int
) -> list[Selections]:
    """``count`` distinct satisfiable clicks on a :func:`generate_one_feature` model.

    Each click chooses one or two small options of the planted configuration,
    rejects three catalogue options it leaves out, and sets one attribute to its
    planted value: the catalogue stays open, so every one of its options must be
    shown possible or proved impossible.
    """
    rng = random.Random(seed)
    on = sorted(option for option in planted.options if option.startswith("s"))
    (catalogue,) = (feature for _, feature in model.features() if feature.id == "catalogue")
    off = [option.id for option in catalogue.options if option.id not in planted.options]
    names = sorted(planted.attributes)
    made: list[Selections] = []
    seen: set[tuple[tuple[str, bool], ...]] = set()
    while len(made) < count:
        picked = dict.fromkeys(rng.sample(on, rng.randint(1, min(2, len(on)))), True)
        picked.update(dict.fromkeys(rng.sample(off, 3), False))
        key = tuple(sorted(picked.items()))
        if key in seen:
            continue
        seen.add(key)
        name = rng.choice(names)
        made.append(Selections(options=picked, attributes={name: planted.attributes[name]}))
    return made


def violations(
    model: ConfigurationModel, selected: Set[str], values: Mapping[str, str]
) -> list[str]:
    """The ids of the feature bounds and constraints a configuration breaks (``[]``: valid)."""
    broken = []
    for _, feature in model.features():
        count = sum(option.id in selected for option in feature.options)
        if count < feature.min_options or (
            feature.max_options is not None and count > feature.max_options
        ):
            broken.append(f"feature:{feature.id}")
    for attribute in model.attributes:
        if values.get(attribute.id) not in attribute.values:
            broken.append(f"attribute:{attribute.id}")
    for constraint in model.constraints:
        if isinstance(constraint, Requires):
            ok = constraint.option not in selected or any(n in selected for n in constraint.needs)
        elif isinstance(constraint, Excludes):
            ok = sum(option in selected for option in constraint.options) <= 1
        elif isinstance(constraint, Compatibility):
            ok = constraint.option not in selected or values.get(constraint.attribute) in (
                constraint.values
            )
        else:
            ok = True
        if not ok:
            broken.append(constraint.id)
    return broken
