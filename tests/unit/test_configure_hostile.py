"""Hostile and malformed input to the configurator: refused as SfaError, never a leak or a hang."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sfa_core.configure import (
    DEFAULT_EFFORT,
    Attribute,
    Bundle,
    Compatibility,
    ConfigurationModel,
    ConfigurationStatus,
    EffortExceededError,
    Excludes,
    Feature,
    Option,
    ProductRule,
    QuantityRelation,
    Requires,
    SelectionAction,
    Selections,
    check_model,
    complete,
    configure,
    explain,
    repair,
)
from sfa_core.errors import SfaError, ValidationError
from sfa_core.money import Money


def laptop(*extra: Any, rules: tuple[ProductRule, ...] = ()) -> ConfigurationModel:
    return ConfigurationModel(
        root=Bundle(sku="LAPTOP", features=[
            Feature(id="ram", min_options=1, max_options=1, options=[
                Option(id="r16", sku="RAM16"), Option(id="r32", sku="RAM32")]),
            Feature(id="seats", options=[
                Option(id="base", sku="BASE", quantity_editable=True),
                Option(id="addon", sku="ADDON", quantity_editable=True)]),
        ]),
        attributes=[Attribute(id="colour", values=["black", "silver"])],
        constraints=list(extra),
        rules=list(rules),
    )  # fmt: skip


# -- item 1: wrong types are refused, naming the field ------------------------------------


def _model() -> ConfigurationModel:
    return laptop()


CASES: list[tuple[str, Callable[[], object], str]] = [
    ("feature_of", lambda: _model().feature_of("NOPE"), "option"),
    ("feature_of unhashable", lambda: _model().feature_of([]), "option"),
    ("parent unhashable", lambda: _model().parent({}), "option"),
    ("Selections options str", lambda: Selections(options="r16"), "options"),
    ("Selections quantities None", lambda: Selections(quantities=None), "quantities"),
    (
        "Selections huge quantity",
        lambda: Selections(quantities={"base": 10**40}),
        "quantities['base']",
    ),
    ("Option attributes str", lambda: Option(id="o", sku="O", attributes="colour"), "attributes"),
    (
        "Option quantity float",
        lambda: Option(id="o", sku="O", default_quantity=1.0),
        "default_quantity",
    ),
    ("Option quantity huge", lambda: Option(id="o", sku="O", max_quantity=10**40), "max_quantity"),
    ("Option.allows str", lambda: Option(id="o", sku="O").allows("3"), "quantity"),
    ("repair None", lambda: repair(_model(), None), "selections"),
    (
        "QuantityRelation float",
        lambda: QuantityRelation(id="q", option="a", limit="b", ratio=0.5),
        "ratio",
    ),
    (
        "QuantityRelation bool",
        lambda: QuantityRelation(id="q", option="a", limit="b", ratio=True),
        "ratio",
    ),
    (
        "QuantityRelation huge",
        lambda: QuantityRelation(id="q", option="a", limit="b", ratio=Decimal("1E+40")),
        "ratio",
    ),
    ("ConfigurationModel root None", lambda: ConfigurationModel(root=None), "root"),
    ("Feature options None", lambda: Feature(id="f", options=None), "options"),
    ("Bundle features str", lambda: Bundle(sku="B", features="ram"), "features"),
    ("Attribute values None", lambda: Attribute(id="a", values=None), "values"),
    ("Requires needs str", lambda: Requires(id="r", option="a", needs="b"), "needs"),
    ("Excludes options map", lambda: Excludes(id="x", options={"a": 1}), "options"),
    (
        "ProductRule keep str",
        lambda: ProductRule(id="p", kind="filter", feature="f", keep="ab"),
        "keep",
    ),
    (
        "ProductRule actions None",
        lambda: ProductRule(id="p", kind="selection", actions=None),
        "actions",
    ),
    (
        "model constraints None",
        lambda: ConfigurationModel(root=_model().root, constraints=None),
        "constraints",
    ),
    ("configure effort float", lambda: configure(_model(), effort=1.5), "effort"),
]


@pytest.mark.parametrize(("call", "path"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_wrong_types_raise_a_validation_error_naming_the_field(
    call: Callable[[], object], path: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.path == path


BAD_VALUES: list[Any] = [None, "x", 0.5, True, {"a": 1}, [object()], [None], 10**40, object()]

CONSTRUCTORS: dict[type, dict[str, Any]] = {
    Option: {"id": "o", "sku": "O"},
    Feature: {"id": "f", "options": [Option(id="o", sku="O")]},
    Bundle: {"sku": "B", "features": []},
    Attribute: {"id": "a", "values": ["x"]},
    Requires: {"id": "r", "option": "a", "needs": ["b"]},
    Excludes: {"id": "x", "options": ["a", "b"]},
    Compatibility: {"id": "c", "option": "a", "attribute": "b", "values": ["x"]},
    QuantityRelation: {"id": "q", "option": "a", "limit": "b"},
    SelectionAction: {"kind": "add", "option": "a"},
    ProductRule: {"id": "p", "kind": "validation"},
    Selections: {},
}


def test_no_constructor_leaks_a_non_sfa_error() -> None:
    leaks = []
    for cls, given in CONSTRUCTORS.items():
        fields = [field.name for field in cls.__attrs_attrs__ if field.init]
        for name in fields:
            for bad in BAD_VALUES:
                try:
                    cls(**{**given, name.lstrip("_"): bad})
                except SfaError:
                    pass
                except Exception as exc:  # pragma: no cover - what this test looks for
                    leaks.append(f"{cls.__name__}.{name}={bad!r}: {type(exc).__name__}")
    assert leaks == []


def test_no_public_function_leaks_a_non_sfa_error() -> None:
    model = _model()
    state = configure(model)
    calls: list[Callable[[Any], object]] = [
        check_model,
        configure,
        lambda bad: configure(model, bad),
        lambda bad: explain(state, bad),
        lambda bad: explain(bad, "r16"),
        lambda bad: repair(model, bad),
        lambda bad: repair(model, Selections(), limit=bad),
        complete,
        lambda bad: complete(model, bad),
        lambda bad: complete(model, preference=bad),
        lambda bad: complete(model, preference="cheapest", prices=bad),
        lambda bad: complete(model, preference="cheapest", prices={"RAM16": bad}),
        lambda bad: complete(model, preference="cheapest", prices={}, max_steps=bad),
        model.option,
        model.attribute,
        model.feature_of,
        model.parent,
    ]
    leaks = []
    for index, call in enumerate(calls):
        for bad in [*BAD_VALUES, "NOPE", ("colour", 1), Decimal("NaN")]:
            try:
                call(bad)
            except SfaError:
                pass
            except Exception as exc:  # pragma: no cover - what this test looks for
                leaks.append(f"call {index} with {bad!r}: {type(exc).__name__}")
    assert leaks == []


# -- item 2: the configurator's own bad input ---------------------------------------------


def test_a_rule_nested_500_deep_is_refused_clearly() -> None:
    condition: Any = {"var": "options.r16"}
    for _ in range(500):
        condition = {"!": [condition]}
    with pytest.raises(ValidationError) as caught:
        ProductRule(id="deep", kind="validation", condition=condition)
    assert caught.value.path == "condition"


def test_nested_ifs_encode_in_linear_time() -> None:
    condition: Any = {"var": "options.r16"}
    for _ in range(30):  # each "if" reads its test twice: a tree encoding doubles per level
        condition = {"if": [condition, True, False]}
    model = laptop(rules=(ProductRule(id="ifs", kind="validation", condition=condition),))
    started = time.perf_counter()
    assert configure(model).forced["r16"] is False
    assert time.perf_counter() - started < 2


def test_out_of_range_prices_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        complete(
            laptop(),
            preference="cheapest",
            prices={"RAM16": Decimal("1E+999999"), "RAM32": Decimal(1)},
        )
    assert caught.value.path == "prices['RAM16']"


def test_large_prices_within_range_are_compared_exactly() -> None:
    big = Decimal("9" * 30)
    less = Decimal("9" * 29 + "8")
    state = complete(laptop(), preference="cheapest", prices={"RAM16": big, "RAM32": less})
    assert "r32" in state.selected
    tiny = Decimal("1E-30")
    state = complete(laptop(), preference="cheapest", prices={"RAM16": 2 * tiny, "RAM32": tiny})
    assert "r32" in state.selected


def test_prices_in_different_currencies_are_refused_naming_the_sku() -> None:
    prices = {"RAM16": Money("10", "EUR"), "RAM32": Money("5", "USD")}
    with pytest.raises(ValidationError, match="EUR") as caught:
        complete(laptop(), preference="cheapest", prices=prices)
    assert caught.value.path == "prices['RAM32']"
    assert "RAM16" in str(caught.value)


def test_an_alert_rule_that_fails_is_reported_as_data() -> None:
    broken = ProductRule(
        id="per-seat",
        kind="alert",
        condition={">": [{"/": [100, {"var": "options.addon"}]}, 1]},
        message="check the seat price",
    )
    model = laptop(rules=(broken,))
    check_model(model)
    state = configure(model)
    assert state.valid
    (alert,) = state.alerts
    assert alert.rule == "per-seat"
    assert alert.error


def test_equal_huge_quantities_are_no_conflict() -> None:
    model = laptop(QuantityRelation(id="seats", option="addon", limit="base"))
    many = 10**29 + 1
    state = configure(model, Selections(quantities={"base": many, "addon": many}))
    assert state.status is not ConfigurationStatus.INVALID
    state = configure(model, Selections(quantities={"base": many - 1, "addon": many}))
    assert state.status is ConfigurationStatus.INVALID


def test_a_default_capped_by_a_huge_quantity_stays_exact() -> None:
    model = laptop(QuantityRelation(id="seats", option="addon", limit="base", ratio=Decimal("0.5")))
    state = configure(model, Selections(quantities={"base": 10**29 + 2}, options={"addon": True}))
    assert state.valid


# -- item 3: the effort budget ------------------------------------------------------------


def pigeons(pigeon_count: int, holes: int) -> ConfigurationModel:
    features = [
        Feature(id=f"p{p}", min_options=1, max_options=1, options=[
            Option(id=f"p{p}h{h}", sku=f"P{p}H{h}") for h in range(holes)])
        for p in range(pigeon_count)
    ]  # fmt: skip
    exclusions = [
        Excludes(id=f"h{h}-{a}-{b}", options=[f"p{a}h{h}", f"p{b}h{h}"])
        for a in range(pigeon_count)
        for b in range(a + 1, pigeon_count)
        for h in range(holes)
    ]
    return ConfigurationModel(root=Bundle(sku="COOP", features=features), constraints=exclusions)


def test_eight_pigeons_in_seven_holes_spend_the_budget_quickly() -> None:
    model = pigeons(8, 7)
    started = time.perf_counter()
    with pytest.raises(EffortExceededError) as caught:
        check_model(model)
    assert time.perf_counter() - started < 5
    assert caught.value.effort == DEFAULT_EFFORT
    assert caught.value.sku == "COOP"


def test_a_small_budget_stops_a_click_and_a_larger_one_answers() -> None:
    model = pigeons(5, 4)
    with pytest.raises(EffortExceededError):
        configure(model, effort=5)
    with pytest.raises(SfaError):  # unsatisfiable, or the budget spent: never a hang
        check_model(model, effort=DEFAULT_EFFORT)


def test_the_effort_must_be_a_positive_int() -> None:
    with pytest.raises(ValidationError) as caught:
        check_model(laptop(), effort=0)
    assert caught.value.path == "effort"


def test_the_benchmark_models_stay_within_the_default_budget() -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    try:
        from _configure_models import clicks, generate
    finally:
        sys.path.pop(0)
    model, planted = generate(200, 7)
    for click in clicks(model, planted, 5, 7):
        assert configure(model, click).valid
    assert complete(model).status is ConfigurationStatus.COMPLETE


def test_an_unbounded_cheapest_search_spends_the_budget_and_max_steps_settles() -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    try:
        from _configure_models import generate
    finally:
        sys.path.pop(0)
    model, _ = generate(200, 3)
    prices = {option.sku: Decimal(1 + index % 97) for index, option in enumerate(model.options())}
    started = time.perf_counter()
    with pytest.raises(EffortExceededError):
        complete(model, preference="cheapest", prices=prices)
    assert time.perf_counter() - started < 5
    settled = complete(model, preference="cheapest", prices=prices, max_steps=20)
    assert settled.status is ConfigurationStatus.COMPLETE
