"""Result values built by hand refuse hostile fields with a ValidationError naming the field.

Pricing and configuring build these values from checked parts without running the
checks again; a host that builds one itself (a test, a deserializer) goes through the
public constructor, which checks every field. Each case passes one bad field to an
otherwise valid constructor call.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from sfa_core.catalog import TierCharge, TierPrice, TierTable
from sfa_core.configure import (
    Alert,
    Attribute,
    Bundle,
    ConfigurationModel,
    ConfigurationState,
    ConfigurationStatus,
    Conflict,
    ConstraintRef,
    Feature,
    Option,
    Reason,
    Repairs,
    Selections,
)
from sfa_core.errors import SfaError, ValidationError
from sfa_core.money import Money
from sfa_core.pricing import (
    Adjustment,
    AppliedDiscountTier,
    DiscountSchedule,
    LimitFlag,
    Phase,
    PricedLine,
    PriceRule,
    RuleSet,
    ScheduleDiscount,
    SetupVersions,
    TaxResult,
    Totals,
    WaterfallStep,
)
from sfa_core.pricing.price_rules import PriceAction
from sfa_core.quotes import PricedQuote

HUGE = 10**5000
D = Decimal


def _eur(amount: str) -> Money:
    return Money(amount, "EUR")


def _step() -> WaterfallStep:
    return WaterfallStep("list", "EU", D("10.00"), D("10.00"), "list price")


def _totals() -> Totals:
    m = _eur("10.00")
    return Totals(m, {}, m, _eur("0.00"), m, _eur("0.00"), m)


def _line_kwargs() -> dict[str, Any]:
    ten = D("10.00")
    return {
        "key": "L1",
        "sku": "A",
        "quantity": D(1),
        "currency": "EUR",
        "list_unit_price": ten,
        "regular_unit_price": ten,
        "customer_unit_price": ten,
        "partner_unit_price": ten,
        "net_unit_price": ten,
        "pricing_units": D(1),
        "proration": D(1),
        "list_total": ten,
        "discounts": {},
        "net_total": ten,
        "tax": D("0.00"),
        "gross_total": ten,
        "cost_total": D("0.00"),
        "waterfall": [_step()],
    }


def _model() -> ConfigurationModel:
    option = Option(id="a", sku="A")
    return ConfigurationModel(
        root=Bundle(sku="B", features=[Feature(id="f", options=[option], min_options=1)]),
        attributes=[Attribute(id="colour", values=["black", "red"])],
    )


def _state_kwargs() -> dict[str, Any]:
    return {
        "model": _model(),
        "selections": Selections(),
        "status": ConfigurationStatus.VALID,
        "selected": ("a",),
        "quantities": {"a": 1},
        "values": {},
        "forced": {"a": True},
        "selectable": (),
        "deselectable": (),
        "available_values": {"colour": ("black", "red")},
    }


def _schedule_kwargs() -> dict[str, Any]:
    tier = AppliedDiscountTier(0, None, D(5), D(10), None)
    return {
        "schedule_id": "VOL",
        "basis": "quantity",
        "mode": "range",
        "unit": "percent",
        "count": D(5),
        "unit_price": D(100),
        "currency": "EUR",
        "percent": D(10),
        "amount_off": D(10),
        "unclamped_amount_off": D(10),
        "unit_price_after": D(90),
        "tiers": (tier,),
    }


def _quote_kwargs() -> dict[str, Any]:
    return {
        "quote_id": "Q-1",
        "revision": 1,
        "currency": "EUR",
        "priced_on": dt.date(2027, 1, 1),
        "lines": [PricedLine(**_line_kwargs())],
        "groups": {},
        "totals": _totals(),
    }


# (constructor, valid keyword arguments, field to spoil, hostile value)
CASES: list[tuple[Any, Any, str, Any]] = [
    (LimitFlag, lambda: {"limit": "max", "role": "rep", "allowed": 1, "actual": 2}, "role", []),
    (
        LimitFlag,
        lambda: {"limit": "max", "role": "rep", "allowed": 1, "actual": 2},
        "allowed",
        HUGE,
    ),
    (
        LimitFlag,
        lambda: {"limit": "max", "role": "rep", "allowed": 1, "actual": 2},
        "actual",
        "NaN",
    ),
    (
        WaterfallStep,
        lambda: {"step": "list", "source": None, "before": 1, "after": 1, "reason": ""},
        "before",
        D("1E+999999999"),
    ),
    (
        WaterfallStep,
        lambda: {"step": "list", "source": None, "before": 1, "after": 1, "reason": ""},
        "source",
        [None],
    ),
    (
        WaterfallStep,
        lambda: {"step": "list", "source": None, "before": 1, "after": 1, "reason": ""},
        "step",
        HUGE,
    ),
    (
        Adjustment,
        lambda: {"kind": "promotion", "source": None, "amount": 1, "reason": ""},
        "amount",
        [],
    ),
    (
        Adjustment,
        lambda: {"kind": "promotion", "source": None, "amount": 1, "reason": ""},
        "reason",
        None,
    ),
    (Totals, lambda: dict(zip(("list", "discounts"), _totals_args(), strict=True)), "list", HUGE),
    (
        Totals,
        lambda: dict(zip(("list", "discounts"), _totals_args(), strict=True)),
        "discounts",
        {"a": []},
    ),
    (
        Totals,
        lambda: dict(zip(("list", "discounts"), _totals_args(), strict=True)),
        "discounts",
        [1],
    ),
    (
        Totals,
        lambda: dict(zip(("list", "discounts"), _totals_args(), strict=True)),
        "prices_include_tax",
        1,
    ),
    (PricedLine, _line_kwargs, "key", []),
    (PricedLine, _line_kwargs, "quantity", HUGE),
    (PricedLine, _line_kwargs, "currency", None),
    (PricedLine, _line_kwargs, "list_unit_price", "1E+999999999"),
    (PricedLine, _line_kwargs, "proration", D("1E+999999999")),
    (PricedLine, _line_kwargs, "discounts", {"promotion": [1]}),
    (PricedLine, _line_kwargs, "discounts", {None: D(1)}),
    (PricedLine, _line_kwargs, "waterfall", [None]),
    (PricedLine, _line_kwargs, "waterfall", None),
    (PricedLine, _line_kwargs, "flags", [[]]),
    (PricedLine, _line_kwargs, "group", []),
    (PricedLine, _line_kwargs, "included_tax", "tax"),
    (
        TierCharge,
        lambda: {
            "tier": 0,
            "up_to": None,
            "units": 1,
            "unit_amount": 1,
            "flat_amount": 0,
            "amount": 1,
        },
        "tier",
        HUGE,
    ),
    (
        TierCharge,
        lambda: {
            "tier": 0,
            "up_to": None,
            "units": 1,
            "unit_amount": 1,
            "flat_amount": 0,
            "amount": 1,
        },
        "up_to",
        [],
    ),
    (
        TierPrice,
        lambda: {"method": "volume", "quantity": 1, "amount": 1, "charges": []},
        "method",
        None,
    ),
    (
        TierPrice,
        lambda: {"method": "volume", "quantity": 1, "amount": 1, "charges": []},
        "charges",
        [[]],
    ),
    (
        AppliedDiscountTier,
        lambda: {"tier": 0, "up_to": None, "units": 1, "percent": 10, "amount": None},
        "units",
        HUGE,
    ),
    (
        AppliedDiscountTier,
        lambda: {"tier": 0, "up_to": None, "units": 1, "percent": 10, "amount": None},
        "percent",
        None,
    ),
    (ScheduleDiscount, _schedule_kwargs, "schedule_id", None),
    (ScheduleDiscount, _schedule_kwargs, "basis", []),
    (ScheduleDiscount, _schedule_kwargs, "count", HUGE),
    (ScheduleDiscount, _schedule_kwargs, "tiers", []),
    (ScheduleDiscount, _schedule_kwargs, "tiers", [None]),
    (ScheduleDiscount, _schedule_kwargs, "clamped", None),
    (SetupVersions, dict, "rule_sets", {"R": HUGE}),
    (SetupVersions, dict, "rule_sets", [1]),
    (SetupVersions, dict, "schedules", {None: 1}),
    (SetupVersions, dict, "contracted_prices", "1"),
    (PricedQuote, _quote_kwargs, "quote_id", None),
    (PricedQuote, _quote_kwargs, "revision", HUGE),
    (PricedQuote, _quote_kwargs, "priced_on", dt.datetime(2027, 1, 1)),
    (PricedQuote, _quote_kwargs, "lines", [None]),
    (PricedQuote, _quote_kwargs, "groups", {"g": None}),
    (PricedQuote, _quote_kwargs, "totals", None),
    (PricedQuote, _quote_kwargs, "tax", []),
    (ConstraintRef, lambda: {"id": "c1", "kind": "requires", "text": ""}, "id", HUGE),
    (ConstraintRef, lambda: {"id": "c1", "kind": "requires", "text": ""}, "text", []),
    (Conflict, lambda: {"choices": (), "constraints": (), "message": ""}, "choices", [[]]),
    (Conflict, lambda: {"choices": (), "constraints": (), "message": ""}, "constraints", None),
    (Alert, lambda: {"rule": "r", "message": ""}, "rule", HUGE),
    (Alert, lambda: {"rule": "r", "message": ""}, "error", []),
    (
        Reason,
        lambda: {"subject": "option a", "verdict": "free", "choices": (), "constraints": ()},
        "choices",
        [[1]],
    ),
    (
        Reason,
        lambda: {"subject": "option a", "verdict": "free", "choices": (), "constraints": ()},
        "constraints",
        [None],
    ),
    (ConfigurationState, _state_kwargs, "model", None),
    (ConfigurationState, _state_kwargs, "status", "sideways"),
    (ConfigurationState, _state_kwargs, "selected", [[]]),
    (ConfigurationState, _state_kwargs, "quantities", {"a": HUGE}),
    (ConfigurationState, _state_kwargs, "forced", {"a": 1}),
    (ConfigurationState, _state_kwargs, "available_values", {"colour": ["black"]}),
    (ConfigurationState, _state_kwargs, "conflicts", [None]),
    (Repairs, lambda: {"proposals": [("a chosen",)]}, "proposals", None),
    (Repairs, lambda: {"proposals": [("a chosen",)]}, "proposals", [[[]]]),
    (Repairs, lambda: {"proposals": [("a chosen",)]}, "proven_minimal", []),
]


def _totals_args() -> tuple[Any, ...]:
    m = _eur("10.00")
    return (m, {})


def _full(cls: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    if cls is Totals:
        m, z = _eur("10.00"), _eur("0.00")
        kwargs = {"net": m, "tax": z, "gross": m, "cost": z, "margin": m, **kwargs}
    return kwargs


@pytest.mark.parametrize(
    ("cls", "valid", "field", "value"),
    CASES,
    ids=[f"{cls.__name__}.{field}-{i}" for i, (cls, _, field, _) in enumerate(CASES)],
)
def test_a_hostile_field_is_refused_naming_it(cls: Any, valid: Any, field: str, value: Any) -> None:
    kwargs = _full(cls, valid())
    cls(**kwargs)  # the valid call works
    kwargs[field] = value
    with pytest.raises(ValidationError) as caught:
        cls(**kwargs)
    assert caught.value.path.split("[")[0] == field
    str(caught.value)  # prints, whatever the value


def test_a_hand_built_line_with_a_prorated_list_price_works() -> None:
    kwargs = _line_kwargs()
    kwargs["proration"] = D("0.5")
    line = PricedLine(**kwargs)
    assert line.prorated_list_unit_price == D("5.00")
    assert line.totals.net == _eur("10.00")
    assert "L1" in line.explain()


@pytest.mark.parametrize("name", [[1, [1]], {}, None, 3])
def test_priced_line_money_refuses_a_name_that_is_not_a_field(name: Any) -> None:
    line = PricedLine(**_line_kwargs())
    with pytest.raises(ValidationError, match="name"):
        line.money(name)


@pytest.mark.parametrize(
    ("price", "per", "path"),
    [("NaN", D(1), "price"), (D(10), dt.date(2027, 1, 1), "per"), (HUGE, D(1), "price")],
    ids=["nan-price", "date-per", "huge-price"],
)
def test_price_rule_apply_refuses_a_bad_price_or_per(price: Any, per: Any, path: str) -> None:
    rule = PriceRule(id="R", actions=(PriceAction.percent_off(10),))
    with pytest.raises(SfaError) as caught:
        rule.apply(price, per)
    assert isinstance(caught.value, ValidationError)
    assert caught.value.path == path


@pytest.mark.parametrize(
    ("phase", "sku", "family", "path"),
    [
        (Phase.ON, [[]], "ACME", "sku"),
        (Phase.ON, "A", {1: 2}, "family"),
        ([], "A", "ACME", "phase"),
    ],
)
def test_rule_set_candidates_refuses_unhashable_arguments(
    phase: Any, sku: Any, family: Any, path: str
) -> None:
    rules = RuleSet((PriceRule(id="R", actions=(PriceAction.percent_off(10),)),), id="S")
    with pytest.raises(ValidationError) as caught:
        rules.candidates(phase, sku, family)
    assert caught.value.path == path


@pytest.mark.parametrize("lines", [None, 3, "lines", [None]])
def test_tax_result_from_lines_refuses_what_is_not_tax_lines(lines: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        TaxResult.from_lines(lines, prices_include_tax=False)
    assert caught.value.path.startswith("lines")


def test_results_built_by_pricing_are_unchanged() -> None:
    table = TierTable.graduated([(10, "5.00"), (None, "4.00")])
    price = table.price(D(15))
    assert price == TierPrice("graduated", D(15), price.amount, price.charges)
    schedule = DiscountSchedule("VOL", [(10, 0), (None, 10)])
    found = schedule.discount(D(15), unit_price=D(100), currency="EUR")
    assert found == ScheduleDiscount(*(getattr(found, f) for f in _schedule_kwargs()))
    assert Repairs([["a chosen"]]) == (("a chosen",),)
