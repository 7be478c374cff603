"""Approval policies: rules, approver specifications, hit policies, the context, the matrix.

Each example can be checked by hand against the documentation of the anchors:
DMN decision tables (hit policies), Salesforce CPQ Advanced Approvals (rules with
conditions over quote fields, approval chains), Odoo approvals (minimum and
required approvers).
"""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal

import pytest

from sfa_core.approvals import (
    CONTEXT_FIELDS,
    ApprovalMode,
    ApprovalRule,
    ApproverKind,
    ApproverSpec,
    AuthorityLevel,
    AuthorityMatrix,
    HitPolicy,
    Policy,
    UnknownContextFieldError,
    approval_context,
)
from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import RuleError, RuleEvaluationError, ValidationError
from sfa_core.money import Money
from sfa_core.pricing import DiscountLimits
from sfa_core.quotes import Quote, QuoteLine, price_quote


def band(rule_id: str, field: str, op: str, threshold: object, **kwargs: object) -> ApprovalRule:
    kwargs.setdefault("approvers", ApproverSpec.manager())
    return ApprovalRule(id=rule_id, condition={op: [{"var": field}, threshold]}, **kwargs)  # type: ignore[arg-type]


# -- approver specifications --------------------------------------------------------------------


def test_each_kind_of_approver_has_a_constructor_and_words() -> None:
    assert ApproverSpec.user("mia").kind is ApproverKind.USER
    assert ApproverSpec.manager(3).describe() == "the manager 3 levels above the owner"
    assert ApproverSpec.role("cfo", mode="unanimous").describe() == "role cfo (unanimous)"
    odoo = ApproverSpec.group("board", mode="at_least", minimum=2, required=["ana"])
    assert (odoo.mode, odoo.minimum, odoo.required) == (ApprovalMode.AT_LEAST, 2, ("ana",))
    assert ApproverSpec.from_field("fields.deal_desk").target == "fields.deal_desk"


@pytest.mark.parametrize(
    ("make", "path"),
    [
        (lambda: ApproverSpec(ApproverKind.MANAGER, "ana"), "target"),
        (lambda: ApproverSpec(ApproverKind.USER), "target"),
        (lambda: ApproverSpec(ApproverKind.USER, "ana", levels=2), "levels"),
        (lambda: ApproverSpec.manager(0), "levels"),
        (lambda: ApproverSpec.group("g", minimum=2), "minimum"),
        (
            lambda: ApproverSpec.group("g", mode="at_least", minimum=1, required=["a", "b"]),
            "minimum",
        ),
        (lambda: ApproverSpec.group("g", required=["a", "a"]), "required"),
        (lambda: ApproverSpec(ApproverKind.USER, "ana", required=["bo"]), "required"),
        (lambda: ApproverSpec.group("g", mode="most"), "mode"),
    ],
)
def test_a_spec_that_does_not_fit_its_kind_is_refused(make: object, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.path == path


def test_a_field_approver_must_name_a_context_field() -> None:
    with pytest.raises(UnknownContextFieldError) as caught:
        ApproverSpec.from_field("deal_desk")
    assert (caught.value.field, caught.value.code) == ("deal_desk", "unknown_context_field")
    assert ApproverSpec.from_field("account_fields.owner").target == "account_fields.owner"


# -- rules --------------------------------------------------------------------------------------


def test_an_unknown_context_field_is_caught_when_the_rule_is_built() -> None:
    with pytest.raises(UnknownContextFieldError) as caught:
        ApprovalRule(
            id="typo",
            approvers=ApproverSpec.manager(),
            condition={"and": [{"==": [{"var": "currency"}, "EUR"]}, {">": [{"var": "net"}, 1]}]},
        )
    err = caught.value
    assert (err.field, err.rule_id, err.path) == ("net", "typo", "condition['and'][1]['>'][0]")
    assert isinstance(err, RuleError)


def test_host_fields_account_fields_and_line_items_are_allowed() -> None:
    rule = ApprovalRule(
        id="ok",
        approvers=ApproverSpec.manager(),
        condition={
            "or": [
                {"==": [{"var": "fields.region"}, "EMEA"]},
                {"==": [{"var": "account_fields.tier"}, "gold"]},
                {"some": [{"var": "lines"}, {">": [{"var": "discount_percent"}, 30]}]},
            ]
        },
    )
    assert rule.reads == ("fields.region", "account_fields.tier", "lines")


def test_a_comparison_of_mismatched_types_is_a_rule_error_located_in_the_condition() -> None:
    with pytest.raises(RuleError) as caught:
        band("bad", "currency", ">", 5)
    assert caught.value.path.startswith("condition")


def test_a_rule_matches_only_when_active_and_its_condition_holds() -> None:
    rule = band("big", "net_total", ">=", 50000)
    assert rule.matches({"net_total": Decimal("50000")})
    assert not rule.matches({"net_total": Decimal("49999.99")})
    import attrs

    assert not attrs.evolve(rule, active=False).matches({"net_total": Decimal("60000")})
    always = ApprovalRule(id="always", approvers=ApproverSpec.manager())
    assert always.matches({})
    assert always.compiled is None


def test_a_failing_condition_raises_a_located_evaluation_error() -> None:
    rule = ApprovalRule(
        id="div",
        approvers=ApproverSpec.manager(),
        condition={">": [{"/": [{"var": "margin"}, {"var": "net_total"}]}, 0]},
    )
    with pytest.raises(RuleEvaluationError) as caught:
        rule.matches({"margin": 1, "net_total": 0})
    assert caught.value.path.startswith("condition")


def test_the_output_of_a_rule_is_what_the_any_hit_policy_compares() -> None:
    a = band("a", "net_total", ">", 1, approvers=ApproverSpec.user("mia"), level=2)
    b = band("b", "margin_percent", "<", 20, approvers=ApproverSpec.user("mia"), level=2)
    assert a.output() == b.output()


# -- policies -----------------------------------------------------------------------------------


def test_a_policy_refuses_repeated_rule_ids_and_non_rules() -> None:
    rule = band("a", "net_total", ">", 1)
    with pytest.raises(ValidationError) as caught:
        Policy(id="p", rules=[rule, rule])
    assert caught.value.path == "rules[1].id"
    with pytest.raises(ValidationError):
        Policy(id="p", rules=["a"])
    with pytest.raises(ValidationError):
        Policy(id="p", hit_policy="most")


def test_hit_policies_have_the_dmn_names() -> None:
    assert [h.value for h in HitPolicy] == [
        "unique",
        "any",
        "first",
        "priority",
        "rule_order",
        "collect",
    ]
    assert Policy(id="p").hit_policy is HitPolicy.COLLECT
    assert Policy(id="p").allow_self_approval is False


def test_indexed_bands_match_exactly_the_rules_a_full_scan_matches() -> None:
    # Ten discount bands 0, 5, ..., 45 and ten margin floors: the index bisects them.
    rules = [band(f"d{t}", "max_line_discount", ">", t) for t in range(0, 50, 5)]
    rules += [band(f"m{t}", "margin_percent", "<=", t) for t in range(0, 50, 5)]
    rules += [
        ApprovalRule(
            id="and",
            approvers=ApproverSpec.manager(),
            condition={
                "and": [{">": [{"var": "max_line_discount"}, 12.5]}, {"var": "over_authority"}]
            },
        )
    ]
    policy = Policy(id="bands", rules=rules)
    for discount in ["-1", "0", "0.01", "5", "12.5", "12.51", "22.5", "45", "99"]:
        for margin in ["-5", "0", "20", "20.01", "45", "80"]:
            for flagged in (True, False):
                context = {
                    "max_line_discount": Decimal(discount),
                    "margin_percent": Decimal(margin),
                    "over_authority": flagged,
                }
                brute = [rule.id for rule in rules if rule.matches(context)]
                assert [rule.id for rule in policy.matching(context)] == brute
    assert [r.id for r in policy.matching({"max_line_discount": Decimal("12.5")})][:3] == [
        "d0",
        "d5",
        "d10",
    ]


def test_a_policy_pickles_and_compares_by_its_rules() -> None:
    policy = Policy(id="p", rules=[band("a", "net_total", ">", 1)], version=3)
    again = pickle.loads(pickle.dumps(policy))
    assert again == policy
    assert again.version == 3
    assert again.matching({"net_total": 2})[0].id == "a"
    assert policy.rule("a").id == "a"
    with pytest.raises(ValidationError):
        policy.rule("b")
    with pytest.raises(ValidationError):
        policy.matching(["not", "a", "mapping"])  # type: ignore[arg-type]


# -- the context --------------------------------------------------------------------------------


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


PRODUCTS = [
    Product(sku="DESK", name="Desk", family="furniture", cost=eur("600")),
    Product(sku="LAMP", name="Lamp", family="lighting", cost=eur("40")),
]
BOOK = PriceBook(id="EU", currency="EUR", entries={"DESK": eur("1000"), "LAMP": eur("100")})


def desk_and_lamps(desk_discount: int = 20, fields: dict[str, object] | None = None) -> Quote:
    return Quote(
        id="Q-1",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=dt.date(2027, 3, 1),
        lines=[
            QuoteLine(key="L1", sku="DESK", quantity=1, additional_discount=desk_discount),
            QuoteLine(key="L2", sku="LAMP", quantity=10, additional_discount=10),
        ],
        fields=fields or {},
    )


def test_the_context_holds_totals_margins_discounts_products_and_terms() -> None:
    quote = desk_and_lamps(fields={"payment_terms": "net 30", "region": "EMEA"})
    priced = price_quote(quote, PRODUCTS, [BOOK])
    context = approval_context(
        priced,
        quote,
        owner="ana",
        products=PRODUCTS,
        fields={"region": "APAC"},
        account_fields={"tier": "gold"},
    )
    # list 1000 + 10 x 100 = 2000; net 800 + 900 = 1700; cost 600 + 400 = 1000
    assert context["list_total"] == Decimal("2000.00")
    assert context["net_total"] == Decimal("1700.00")
    assert context["discount_total"] == Decimal("300.00")
    assert context["discount_percent"] == Decimal("15.00")
    assert context["margin"] == Decimal("700.00")
    assert context["margin_percent"] == Decimal("41.18")  # 700 / 1700
    assert context["max_line_discount"] == Decimal("20.00")
    assert context["skus"] == ["DESK", "LAMP"]
    assert context["families"] == ["furniture", "lighting"]
    assert context["lines"][1]["margin_percent"] == Decimal("55.56")  # 500 / 900
    assert context["payment_terms"] == "net 30"
    assert context["non_standard_terms"] is False
    assert context["fields"] == {"payment_terms": "net 30", "region": "APAC"}
    assert context["account_fields"] == {"tier": "gold"}
    assert (context["account"], context["owner"], context["line_count"]) == ("ACME", "ana", 2)
    assert set(context) == set(CONTEXT_FIELDS)


def test_terms_outside_the_standard_ones_are_non_standard() -> None:
    quote = desk_and_lamps(fields={"payment_terms": "net 90"})
    priced = price_quote(quote, PRODUCTS, [BOOK])
    assert approval_context(priced, quote, standard_terms=["net 30"])["non_standard_terms"]
    assert not approval_context(priced, quote)["non_standard_terms"]
    flagged = desk_and_lamps(fields={"non_standard_terms": True})
    priced = price_quote(flagged, PRODUCTS, [BOOK])
    assert approval_context(priced, flagged)["non_standard_terms"]


def test_the_discount_authority_flags_of_pricing_reach_the_context() -> None:
    quote = desk_and_lamps(desk_discount=25)
    priced = price_quote(
        quote, PRODUCTS, [BOOK], limits=DiscountLimits("rep", max_manual_percent=15)
    )
    context = approval_context(priced, quote)
    assert context["over_authority"] is True
    assert context["over_authority_roles"] == ["rep"]
    flag = context["limit_flags"][0]
    assert (flag["line"], flag["limit"], flag["allowed"], flag["actual"]) == (
        "L1",
        "max_manual_percent",
        Decimal("15"),
        Decimal("25"),
    )


def test_the_context_refuses_a_quote_that_was_not_the_one_priced() -> None:
    quote = desk_and_lamps()
    priced = price_quote(quote, PRODUCTS, [BOOK])
    import attrs

    with pytest.raises(ValidationError) as caught:
        approval_context(priced, attrs.evolve(quote, id="Q-2"))
    assert caught.value.path == "quote"
    with pytest.raises(ValidationError):
        approval_context(priced, quote, fields=["x"])  # type: ignore[arg-type]


# -- the discount-authority matrix --------------------------------------------------------------


def test_a_matrix_makes_one_step_per_level_above_the_submitters() -> None:
    matrix = AuthorityMatrix.from_mapping(
        {"rep": (10, 30), "manager": (20, 25), "director": (30, 20), "vp": (None, None)}
    )
    policy = matrix.policy()
    by_id = {rule.id: rule for rule in policy.rules}
    assert by_id["discount-over-rep"].condition == {">": [{"var": "max_line_discount"}, 10]}
    assert by_id["discount-over-rep"].level == 1
    assert by_id["discount-over-rep"].approvers == ApproverSpec.role("manager")
    assert by_id["margin-under-director"].condition == {"<": [{"var": "margin_percent"}, 20]}
    assert by_id["margin-under-director"].level == 3
    assert by_id["margin-under-director"].approvers == ApproverSpec.role("vp")
    assert {rule.chain for rule in policy.rules} == {"discount"}
    # 22.5 % goes beyond the rep's 10 % and the manager's 20 %: manager, then director.
    matched = [
        rule.id
        for rule in policy.matching({"max_line_discount": Decimal("22.5"), "margin_percent": 40})
    ]
    assert matched == ["discount-over-rep", "discount-over-manager"]


def test_a_matrix_level_may_name_its_own_approvers_and_a_decimal_limit() -> None:
    matrix = AuthorityMatrix(
        [
            AuthorityLevel("rep", max_discount="14.9"),
            AuthorityLevel("manager", approvers=ApproverSpec.manager()),
        ],
        discount_field="discount_percent",
    )
    rule = matrix.policy().rules[0]
    assert rule.condition == {">": [{"var": "discount_percent"}, 14.9]}
    assert rule.approvers == ApproverSpec.manager()
    assert rule.matches({"discount_percent": Decimal("14.91")})
    assert not rule.matches({"discount_percent": Decimal("14.9")})


@pytest.mark.parametrize(
    ("limits", "path"),
    [
        ({"rep": (10, None)}, "levels"),
        ({"rep": (10, None), "manager": (5, None), "vp": (None, None)}, "levels[1].max_discount"),
        ({"rep": (10, 20), "manager": (20, 30), "vp": (None, None)}, "levels[1].min_margin"),
        ({"rep": (10, 20), "vp": (50, None)}, "levels[1]"),
        ({"rep": (110, None), "vp": (None, None)}, "max_discount"),
    ],
)
def test_an_invalid_ladder_is_refused(limits: dict[str, tuple[object, object]], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        AuthorityMatrix.from_mapping(limits)
    assert caught.value.path == path


def test_a_matrix_refuses_a_repeated_role() -> None:
    with pytest.raises(ValidationError) as caught:
        AuthorityMatrix([AuthorityLevel("rep", 10), AuthorityLevel("rep")])
    assert caught.value.path == "levels[1].role"


def test_a_matrix_field_must_be_a_context_field() -> None:
    with pytest.raises(UnknownContextFieldError):
        AuthorityMatrix.from_mapping({"rep": (10, None), "vp": (None, None)}, discount_field="disc")
