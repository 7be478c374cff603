"""The configurator on hand-checkable examples: a laptop bundle and a software edition."""

from __future__ import annotations

import pytest

from sfa_core.configure import (
    Attribute,
    Bundle,
    Compatibility,
    ConfigurationModel,
    ConfigurationStatus,
    ConflictingSelectionsError,
    Feature,
    Option,
    ProductRule,
    QuantityRelation,
    Requires,
    SelectionAction,
    Selections,
    UnsatisfiableModelError,
    complete,
    configure,
    explain,
    repair,
)
from sfa_core.errors import ValidationError


def laptop(*extra: object) -> ConfigurationModel:
    return ConfigurationModel(
        root=Bundle(
            sku="LAPTOP",
            features=[
                Feature(id="ram", min_options=1, max_options=1, options=[
                    Option(id="r16", sku="RAM16"), Option(id="r32", sku="RAM32")]),
                Feature(id="gpu", max_options=1, options=[
                    Option(id="igpu", sku="IGPU"), Option(id="dgpu", sku="DGPU")]),
                Feature(id="psu", min_options=1, max_options=1, options=[
                    Option(id="p65", sku="P65"), Option(id="p130", sku="P130")]),
            ],
        ),
        attributes=[Attribute(id="colour", values=["black", "silver"])],
        constraints=[
            Requires(id="dgpu-ram", option="dgpu", needs=["r32"]),
            Requires(id="dgpu-psu", option="dgpu", needs=["p130"]),
            Compatibility(id="dgpu-black", option="dgpu", attribute="colour", values=["black"]),
            *extra,
        ],
    )  # fmt: skip


def test_at_the_start_everything_is_open() -> None:
    state = configure(laptop())
    assert state.status is ConfigurationStatus.VALID
    assert set(state.selectable) == {"r16", "r32", "igpu", "dgpu", "p65", "p130"}
    assert dict(state.forced) == {}
    assert state.available_values["colour"] == ("black", "silver")


def test_choosing_the_gpu_forces_ram_power_and_colour() -> None:
    state = configure(laptop(), Selections(options={"dgpu": True}))
    # dgpu needs r32 (so not r16: one RAM), p130 (so not p65), black, and leaves no igpu
    assert dict(state.forced) == {
        "r16": False, "r32": True, "igpu": False, "p65": False, "p130": True,
    }  # fmt: skip
    assert state.selected == ("r32", "dgpu", "p130")
    assert dict(state.values) == {"colour": "black"}
    assert state.status is ConfigurationStatus.COMPLETE


def test_an_explanation_names_the_choice_and_the_constraints() -> None:
    model = laptop()
    state = configure(model, Selections(options={"dgpu": True}))
    reason = explain(state, "r16")
    assert reason.verdict == "forced off"
    assert reason.choices == ("dgpu chosen",)
    assert {c.id for c in reason.constraints} == {"dgpu-ram", "feature:ram.max"}
    assert "dgpu requires r32" in reason.text()
    silver = explain(state, ("colour", "silver"))
    assert {c.id for c in silver.constraints} == {"dgpu-black", "attribute:colour"}
    assert explain(state, "dgpu").verdict == "chosen"
    assert explain(configure(model), "igpu").verdict == "free"


def test_conflicting_choices_are_invalid_with_a_minimal_conflict_and_repairs() -> None:
    model = laptop()
    choices = Selections(options={"dgpu": True, "r16": True}, attributes={"colour": "black"})
    state = configure(model, choices)
    assert state.status is ConfigurationStatus.INVALID
    (conflict,) = state.conflicts
    assert conflict.choices == ("dgpu chosen", "r16 chosen")  # not the colour
    assert repair(model, choices) == (("dgpu chosen",), ("r16 chosen",))


def test_a_selection_rule_adds_and_a_validation_rule_forbids() -> None:
    model = ConfigurationModel(
        root=laptop().root,
        attributes=laptop().attributes,
        constraints=laptop().constraints,
        rules=[
            ProductRule(id="silver-65", kind="selection",
                        condition={"==": [{"var": "attributes.colour"}, "silver"]},
                        actions=[SelectionAction("add", "p65")]),
            ProductRule(id="no-igpu-32", kind="validation", message="no integrated GPU with 32 GB",
                        condition={"and": [{"var": "options.igpu"}, {"var": "options.r32"}]}),
        ],
    )  # fmt: skip
    silver = configure(model, Selections(attributes={"colour": "silver"}))
    assert silver.forced["p65"] is True
    assert silver.forced["dgpu"] is False
    state = configure(model, Selections(options={"igpu": True}))
    assert state.forced["r32"] is False
    assert state.forced["r16"] is True
    reason = explain(state, "r32")
    assert [c.text for c in reason.constraints] == ["no integrated GPU with 32 GB"]


def test_a_model_without_any_valid_configuration_names_a_minimal_conflict() -> None:
    model = laptop(
        Requires(id="r16-65", option="r16", needs=["p65"]),
        Requires(id="r32-65", option="r32", needs=["p65"]),
    )
    impossible = ConfigurationModel(
        root=model.root,
        attributes=model.attributes,
        constraints=model.constraints,
        rules=[ProductRule(id="no-65", kind="validation", condition={"var": "options.p65"})],
    )
    with pytest.raises(UnsatisfiableModelError) as caught:
        configure(impossible)
    ids = {c.id for c in caught.value.constraints}
    assert ids == {"feature:ram.min", "r16-65", "r32-65", "no-65"}


def test_quantities_are_checked_and_relations_reported() -> None:
    model = ConfigurationModel(
        root=Bundle(sku="SUITE", features=[
            Feature(id="base", min_options=1, options=[
                Option(id="seats", sku="SEAT", quantity_editable=True, max_quantity=500)]),
            Feature(id="addons", options=[
                Option(id="ai", sku="AI", quantity_editable=True)]),
        ]),
        constraints=[QuantityRelation(id="ai-seats", option="ai", limit="seats")],
    )  # fmt: skip
    state = configure(model, Selections(quantities={"seats": 10, "ai": 12}))
    assert state.status is ConfigurationStatus.INVALID
    assert state.conflicts[0].constraints[0].id == "ai-seats"
    assert configure(model, Selections(quantities={"seats": 10, "ai": 10})).status is (
        ConfigurationStatus.COMPLETE
    )
    with pytest.raises(ValidationError) as caught:
        configure(model, Selections(quantities={"seats": 501}))
    assert caught.value.path == "quantities['seats']"


@pytest.mark.parametrize(
    ("selections", "path"),
    [
        (Selections(options={"nope": True}), "options['nope']"),
        (Selections(attributes={"size": "xl"}), "attributes['size']"),
        (Selections(attributes={"colour": "pink"}), "attributes['colour']"),
        (Selections(quantities={"r16": 2}), "quantities['r16']"),
    ],
)
def test_unknown_choices_are_named(selections: Selections, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        configure(laptop(), selections)
    assert caught.value.path == path


def test_model_references_are_checked_at_construction() -> None:
    with pytest.raises(ValidationError) as caught:
        laptop(Requires(id="x", option="r16", needs=["r64"]))
    assert caught.value.path == "constraints[3].needs[0]"
    with pytest.raises(ValidationError) as caught:
        ConfigurationModel(root=Bundle(sku="A", features=[Feature(id="f", options=[
            Option(id="o", sku="O", bundle="B")])]),
            bundles=[Bundle(sku="B", features=[Feature(id="g", options=[
                Option(id="p", sku="P", bundle="B")])])])  # fmt: skip
    assert caught.value.path.endswith(".bundle")


def test_a_nested_bundle_counts_only_when_its_option_is_selected() -> None:
    model = ConfigurationModel(
        root=Bundle(sku="DESK", features=[
            Feature(id="extras", options=[Option(id="dock", sku="DOCK", bundle="DOCK")])]),
        bundles=[Bundle(sku="DOCK", features=[
            Feature(id="cables", min_options=1, max_options=1, options=[
                Option(id="usb", sku="USB"), Option(id="tb", sku="TB")])])],
    )  # fmt: skip
    start = configure(model)
    assert start.status is ConfigurationStatus.COMPLETE  # no dock, no cable needed
    with_dock = configure(model, Selections(options={"dock": True}))
    assert with_dock.status is ConfigurationStatus.VALID
    assert set(with_dock.selectable) == {"usb", "tb"}
    assert configure(model, Selections(options={"usb": True})).forced["dock"] is True


SUITE = ConfigurationModel(
    root=Bundle(sku="SUITE", features=[
        Feature(id="base", min_options=1, max_options=1, options=[
            Option(id="std", sku="STD", default_quantity=10, quantity_editable=True,
                   max_quantity=100),
            Option(id="kiosk", sku="KIOSK", default_quantity=2)]),
        Feature(id="addons", options=[
            Option(id="ai", sku="AI", default_quantity=25, quantity_editable=True),
            Option(id="sso", sku="SSO", default_quantity=5)]),
    ]),
    constraints=[
        QuantityRelation(id="ai-std", option="ai", limit="std"),
        QuantityRelation(id="sso-kiosk", option="sso", limit="kiosk"),
    ],
)  # fmt: skip


def test_a_fixed_quantity_counts_in_what_goes_together() -> None:
    # sso is fixed at 5 and kiosk at 2: they can never meet "sso <= kiosk"
    state = configure(SUITE, Selections(options={"kiosk": True}))
    assert state.forced["sso"] is False
    assert {c.id for c in explain(state, "sso").constraints} == {"sso-kiosk"}


def test_an_editable_default_is_lowered_rather_than_conflicting() -> None:
    state = configure(SUITE, Selections(options={"std": True, "ai": True}))
    assert state.valid
    assert dict(state.quantities) == {"std": 10, "ai": 10}  # 25 capped by std's 10


def test_quantities_the_user_gave_conflict_and_repair_names_them() -> None:
    choices = Selections(options={"std": True}, quantities={"std": 10, "ai": 40})
    state = configure(SUITE, choices)
    assert not state.valid
    assert state.conflicts[0].constraints[0].id == "ai-std"
    assert repair(SUITE, choices) == (("ai x 40",),)
    with pytest.raises(ConflictingSelectionsError):
        complete(SUITE, choices)


@pytest.mark.parametrize("subject", ["nope", ("colour", "pink"), ("colour",), ("colour", ["x"]), 7])
def test_explain_names_an_unknown_subject(subject: object) -> None:
    with pytest.raises(ValidationError) as caught:
        explain(configure(laptop()), subject)  # type: ignore[arg-type]
    assert caught.value.path == "subject"


def test_deselectable_holds_every_option_some_completion_leaves_out() -> None:
    # the definition: not chosen, and left out by some valid completion, forced-off
    # options included (a UI may offer to reject them); forced-on ones are not
    state = configure(laptop(), Selections(options={"dgpu": True}))
    forced = {"r16": False, "r32": True, "igpu": False, "p65": False, "p130": True}
    assert dict(state.forced) == forced
    assert set(state.deselectable) == {"r16", "igpu", "p65"}
    assert state.selectable == ()
    assert "dgpu" not in state.deselectable  # chosen
    start = configure(laptop())
    assert start.deselectable == start.selectable  # nothing forced: every option is free


@pytest.mark.parametrize(
    ("op", "value", "when_selected"),
    [("===", True, True), ("==", True, True), ("!==", False, True), ("!=", False, True),
     ("===", False, False), ("!==", True, False), ("==", False, False)],
)  # fmt: skip
def test_strict_and_loose_equality_with_booleans_mean_the_same_in_every_rule(
    op: str, value: bool, when_selected: bool
) -> None:
    # options.<id> reads a quantity: 3 === true is false in plain JSON Logic, but a
    # comparison of an option with a boolean tests its selection in every kind of rule
    test = {op: [{"var": "options.care"}, value]}
    care = Feature(
        id="care",
        options=[Option(id="care", sku="CARE", quantity_editable=True, max_quantity=5)],
    )
    root = Bundle(sku="L", features=[*laptop().root.features, care])

    def model(kind: str) -> ConfigurationModel:
        return ConfigurationModel(
            root=root, rules=[ProductRule(id="rule", kind=kind, message="care", condition=test)]
        )

    warned = model("alert")
    for selections, selected in (
        (Selections(quantities={"care": 3}), True),
        (Selections(quantities={"care": 1}), True),
        (Selections(options={"care": False}), False),
    ):
        fired = [a.rule for a in configure(warned, selections).alerts]
        assert fired == (["rule"] if selected == when_selected else [])
    # the validation rule forbids exactly what the alert warns of
    forbidden = model("validation")
    assert configure(forbidden).forced == {"care": not when_selected}
    assert configure(forbidden, Selections(quantities={"care": 3})).valid is not when_selected


def test_option_tests_leave_element_scoped_bodies_alone() -> None:
    from sfa_core.configure.encode import option_tests

    inside = {"some": [[1], {"===": [{"var": "options.care"}, True]}]}
    assert option_tests(inside, {"care"}) is inside  # its var reads each element
    unknown = {"===": [{"var": "options.nope"}, True]}
    assert option_tests(unknown, {"care"}) is unknown
    assert option_tests({"!": {"==": [True, {"var": ["options.care"]}]}}, {"care"}) == {
        "!": {"!!": [{"var": ["options.care"]}]}
    }
