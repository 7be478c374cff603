"""Price rules: conditions, actions, phases, priorities, stacking and the index."""

import datetime as dt
import pickle
from decimal import Decimal as D

import pytest

from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import RuleError, ValidationError
from sfa_core.money import Money
from sfa_core.pricing import (
    Phase,
    PriceAction,
    PriceRule,
    PriceRuleConflictError,
    PriceRuleCycleError,
    RuleSet,
    Stacking,
)
from sfa_core.quotes import Quote, QuoteLine, price_quote
from sfa_core.serialization import structure, unstructure

DAY = dt.date(2027, 3, 1)
PRODUCTS = [
    Product(sku="A", name="A", family="hardware", attributes={"tier": "gold"}),
    Product(sku="B", name="B", family="software"),
]
BOOKS = [
    PriceBook(
        id="EU",
        currency="EUR",
        entries={"A": Money("100.00", "EUR"), "B": Money("50.00", "EUR")},
    )
]


def eur(amount):
    return Money(amount, "EUR")


def priced(rules, *lines, customer=None, **quote_fields):
    lines = lines or (QuoteLine(key="L1", sku="A", quantity=1),)
    q = Quote(
        id="Q",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=DAY,
        lines=lines,
        **quote_fields,
    )
    return price_quote(q, PRODUCTS, BOOKS, rules, customer=customer)


def rule(rule_id, *actions, **kw):
    return PriceRule(id=rule_id, actions=actions, **kw)


TEN = rule("TEN", PriceAction.percent_off(10), priority=2)
FIVE = rule("FIVE", PriceAction.percent_off(5), priority=1)
MINUS_12 = rule("M12", PriceAction.amount_off(12), priority=0)


@pytest.mark.parametrize(
    ("stacking", "net"),
    [
        # only the highest priority: 10 % off 100
        ("first_match", "90.00"),
        # every rule from 100: 90, 95, 88 -> 88 is best for the customer
        ("best_for_customer", "88.00"),
        # 10 % + 5 % = 15 % off, then 12 off: 100 - 15 - 12 = 73
        ("additive", "73.00"),
        # 100 x 0.9 = 90, x 0.95 = 85.50, - 12 = 73.50
        ("compounding", "73.50"),
        # the top priority alone: 90
        ("exclusive", "90.00"),
    ],
)
def test_stacking_policies(stacking, net):
    p = priced(RuleSet([FIVE, TEN, MINUS_12], stacking=stacking))
    assert p.lines[0].net_unit_price == D(net)


def test_compounding_records_one_step_per_rule_in_priority_order():
    p = priced(RuleSet([FIVE, TEN, MINUS_12], stacking="compounding"))
    assert [s.source for s in p.lines[0].waterfall[1:]] == ["TEN", "FIVE", "M12"]


def test_best_for_customer_explains_the_alternatives():
    p = priced(RuleSet([FIVE, TEN, MINUS_12], stacking="best_for_customer"))
    step = p.lines[0].waterfall[-1]
    assert step.source == "M12"
    assert "TEN 90.00" in step.reason
    assert "FIVE 95.00" in step.reason


def test_exclusive_stacking_with_a_tie_raises_the_conflict():
    tie = rule("TIE", PriceAction.percent_off(3), priority=2)
    with pytest.raises(PriceRuleConflictError) as info:
        priced(RuleSet([TEN, tie], stacking="exclusive"))
    assert info.value.rule_ids == ("TEN", "TIE")
    assert info.value.priority == 2
    assert info.value.path == "lines[0]"


def test_equal_priorities_are_ordered_by_id():
    a = rule("A-RULE", PriceAction.set_price(70))
    b = rule("B-RULE", PriceAction.set_price(60))
    assert priced(RuleSet([b, a], stacking="first_match")).lines[0].net_unit_price == D("70.00")


def test_conditions_see_quote_line_customer_and_product():
    r = rule(
        "GOLD",
        PriceAction.percent_off(20),
        condition={
            "and": [
                {"==": [{"var": "customer.segment"}, "enterprise"]},
                {"==": [{"var": "product.attributes.tier"}, "gold"]},
                {">=": [{"var": "line.quantity"}, 5]},
                {"==": [{"var": "quote.account"}, "ACME"]},
            ]
        },
    )
    five = QuoteLine(key="L1", sku="A", quantity=5)
    assert priced([r], five, customer={"segment": "enterprise"}).net_total == eur("400.00")
    assert priced([r], five, customer={"segment": "smb"}).net_total == eur("500.00")


def test_rules_scoped_by_sku_and_family_only_touch_their_lines():
    by_family = rule("HW", PriceAction.percent_off(10), families=("hardware",))
    by_sku = rule("B-ONLY", PriceAction.amount_off(5), skus=("B",))
    p = priced(
        RuleSet([by_family, by_sku]),
        QuoteLine(key="L1", sku="A", quantity=1),
        QuoteLine(key="L2", sku="B", quantity=1),
    )
    assert p.line("L1").net_unit_price == D("90.00")
    assert p.line("L2").net_unit_price == D("45.00")


def test_the_index_skips_rules_that_cannot_apply():
    rules = RuleSet(
        [rule(f"R{i}", PriceAction.percent_off(1), skus=(f"S{i}",)) for i in range(500)]
    )
    assert [r.id for r in rules.candidates(Phase.ON, "S7", "x")] == ["R7"]
    assert rules.candidates(Phase.ON, "OTHER", "x") == ()


def test_rules_in_another_currency_are_ignored():
    usd = rule("USD", PriceAction.amount_off(10), currency="USD")
    assert priced([usd]).net_total == eur("100.00")


def test_inactive_rules_are_ignored():
    off = rule("OFF", PriceAction.percent_off(50), active=False)
    assert priced([off]).net_total == eur("100.00")


def test_markup_and_set_price():
    up = rule("UP", PriceAction.set_price(80), PriceAction.markup(20))
    # set 80, then 20 % markup = 96
    p = priced([up])
    assert p.lines[0].net_unit_price == D("96.00")
    assert "price set to 80, 20 % markup" in p.lines[0].waterfall[-1].reason


def test_phases_place_rules_in_the_waterfall():
    before = rule("SET-DISC", PriceAction.set_field("additional_discount", 15), phase="before")
    after = rule("AFTER", PriceAction.amount_off(1), phase="after")
    p = priced([before, after], QuoteLine(key="L1", sku="A", quantity=1, additional_discount=5))
    # the before rule overrides the manual 5 % with 15 %: 85; then 1 off after: 84
    assert [(s.step, s.after) for s in p.lines[0].waterfall] == [
        ("list", D("100.00")),
        ("additional_discount", D("85.00")),
        ("after_rules", D("84.00")),
    ]


def test_a_field_set_by_one_rule_is_read_by_another_in_the_same_phase():
    reader = rule(
        "READER",
        PriceAction.percent_off(50),
        condition={"==": [{"var": "line.fields.vip"}, "yes"]},
        priority=9,  # higher priority, but it reads what WRITER sets, so it runs after it
    )
    writer = rule("WRITER", PriceAction.set_field("fields.vip", text="yes"))
    assert priced(RuleSet([reader, writer])).net_total == eur("50.00")


def test_rules_that_read_each_other_in_a_cycle_are_refused():
    a = rule(
        "A",
        PriceAction.set_field("fields.x", text="1"),
        condition={"==": [{"var": "line.fields.y"}, "1"]},
    )
    b = rule(
        "B",
        PriceAction.set_field("fields.y", text="1"),
        condition={"==": [{"var": "line.fields.x"}, "1"]},
    )
    with pytest.raises(PriceRuleCycleError) as info:
        RuleSet([a, b])
    assert info.value.cycle == ("A", "B", "A")


def test_allow_below_floor():
    book = PriceBook(
        id="EU",
        currency="EUR",
        entries={"A": eur("100.00")},
        floors={"A": eur("90.00")},
    )
    q = Quote(
        id="Q",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=DAY,
        lines=[QuoteLine(key="L1", sku="A", quantity=1)],
    )
    clamp = rule("CLAMP", PriceAction.percent_off(20))
    free = rule("FREE", PriceAction.percent_off(20), allow_below_floor=True)
    assert price_quote(q, PRODUCTS, [book], [clamp]).net_total == eur("90.00")
    assert price_quote(q, PRODUCTS, [book], [free]).net_total == eur("80.00")


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("make", "path"),
    [
        (lambda: PriceAction(kind="percent_off", value=101), "value"),
        (lambda: PriceAction(kind="amount_off", value=-1), "value"),
        (lambda: PriceAction(kind="amount_off"), "value"),
        (lambda: PriceAction(kind="discount", value=1), "kind"),
        (lambda: PriceAction(kind="set_field", field="price", value=1), "field"),
        (lambda: PriceAction(kind="set_field", field="partner_discount", value=120), "value"),
        (lambda: PriceAction(kind="set_field", field="fields.x"), "value"),
        (lambda: PriceAction(kind="set_field", field="partner_discount", text="x"), "text"),
        (lambda: rule("R"), "actions"),
        (lambda: rule("R", PriceAction.markup(1), phase="during"), "phase"),
        (lambda: rule("R", PriceAction.markup(1), priority="1"), "priority"),
        (lambda: rule("R", PriceAction.markup(1), skus=("",)), "skus[0]"),
        (lambda: RuleSet([rule("R", PriceAction.markup(1))] * 2), "rules[1].id"),
        (lambda: RuleSet([], stacking="random"), "stacking"),
    ],
)
def test_bad_rules_name_the_field(make, path):
    with pytest.raises(ValidationError) as info:
        make()
    assert info.value.path == path


def test_a_malformed_condition_is_refused_at_construction():
    with pytest.raises(RuleError):
        rule("R", PriceAction.markup(1), condition={"frobnicate": [1]})


def test_rule_sets_round_trip_pickle_and_serialization():
    rules = RuleSet(
        [
            TEN,
            FIVE,
            rule("C", PriceAction.markup(2), condition={">": [{"var": "line.quantity"}, 1]}),
        ],
        stacking=Stacking.ADDITIVE,
    )
    assert structure(unstructure(rules), RuleSet) == rules
    again = pickle.loads(pickle.dumps(rules))
    assert again == rules
    assert [r.id for r in again.candidates(Phase.ON, "A", "x")] == ["TEN", "FIVE", "C"]
