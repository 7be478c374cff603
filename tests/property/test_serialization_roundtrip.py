"""Every public value class round-trips through the converter, pickle and deepcopy.

Classes are discovered, not listed: a new public frozen attrs class in any
public module is picked up, and this test fails until it round-trips (give it a
strategy in STRATEGIES if ``st.from_type`` cannot build valid instances).
Result classes are computed by the package itself from drawn inputs (a priced
quote from :func:`~sfa_core.testing.strategies.pricing_scenarios`, a schedule
discount from ``DiscountSchedule.discount``...), so they are exactly what hosts
receive.
"""

import copy
import importlib
import json
import pickle
import pkgutil
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sfa_core
from sfa_core.quotes import CartItem
from sfa_core.serialization import from_json, structure, to_json, unstructure
from sfa_core.testing import strategies as sfa_st

# Modules that hold no value classes of their own (tools around the values).
NOT_VALUES = {"sfa_core.testing", "sfa_core.cli", "sfa_core.demo", "sfa_core.__main__"}


def _public_modules():
    for info in pkgutil.walk_packages(sfa_core.__path__, "sfa_core."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]):
            continue
        if any(info.name == m or info.name.startswith(m + ".") for m in NOT_VALUES):
            continue
        yield importlib.import_module(info.name)


def _is_frozen(cls):
    return getattr(cls.__setattr__, "__name__", "") == "_frozen_setattrs"


def public_value_classes():
    found = {}
    for module in [sfa_core, *_public_modules()]:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if isinstance(obj, type) and attrs.has(obj) and _is_frozen(obj):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


def _configuration_strategies():
    from sfa_core import configure as cf

    keys = st.sampled_from(["a", "b", "c", "d"])
    options = st.lists(keys, min_size=1, max_size=3, unique=True).map(
        lambda ids: [cf.Option(id=i, sku=i.upper()) for i in ids]
    )
    feature = options.map(lambda opts: cf.Feature(id="f", options=opts, min_options=1))
    bundle = feature.map(lambda f: cf.Bundle(sku="B", features=[f]))
    attribute = st.builds(
        cf.Attribute,
        id=st.just("colour"),
        values=st.just(("black", "red")),
        required=st.booleans(),
    )
    ref = st.builds(cf.ConstraintRef, id=keys, kind=keys, text=keys)
    selections = st.builds(
        cf.Selections,
        options=st.dictionaries(keys, st.booleans(), max_size=2),
        quantities=st.dictionaries(keys, st.integers(1, 9), max_size=2),
        attributes=st.dictionaries(st.just("colour"), st.just("red"), max_size=1),
    )

    def model(b):
        first = b.features[0].options[0].id
        return cf.ConfigurationModel(
            root=b,
            attributes=[cf.Attribute(id="colour", values=["black", "red"])],
            constraints=[
                cf.Requires(id="c1", option=first, needs=[first]),
                cf.Compatibility(id="c2", option=first, attribute="colour", values=["red"]),
            ],
            rules=[cf.ProductRule(id="r1", kind="alert", condition={"var": f"options.{first}"})],
        )

    return {
        "Option": options.map(lambda opts: opts[0]),
        "Feature": feature,
        "Bundle": bundle,
        "Attribute": attribute,
        "Requires": st.builds(cf.Requires, id=keys, option=keys, needs=st.tuples(keys)),
        "Excludes": st.builds(cf.Excludes, id=keys, options=st.just(("a", "b"))),
        "Compatibility": st.builds(
            cf.Compatibility, id=keys, option=keys, attribute=keys, values=st.tuples(keys)
        ),
        "QuantityRelation": st.builds(
            cf.QuantityRelation, id=keys, option=st.just("a"), limit=st.just("b")
        ),
        "SelectionAction": st.builds(
            cf.SelectionAction, kind=st.sampled_from(list(cf.SelectionKind)), option=keys
        ),
        "ProductRule": st.builds(
            cf.ProductRule,
            id=keys,
            kind=st.just(cf.RuleKind.VALIDATION),
            condition=st.just({"var": "options.a"}),
            message=keys,
        ),
        "ConfigurationModel": bundle.map(model),
        "Selections": selections,
        "ConstraintRef": ref,
        "Conflict": st.builds(
            cf.Conflict, choices=st.tuples(keys), constraints=st.tuples(ref), message=keys
        ),
        "Alert": st.builds(cf.Alert, rule=keys, message=keys),
        "Reason": st.builds(
            cf.Reason,
            subject=keys,
            verdict=keys,
            choices=st.tuples(keys),
            constraints=st.tuples(ref),
        ),
        "ConfigurationState": st.tuples(bundle.map(model), selections).map(
            lambda pair: cf.configure(
                pair[0],
                cf.Selections(options={o.id: True for o in pair[0].options()[:1]}),
            )
        ),
    }


def _approval_strategies():
    """Approval plan values; their JSON data is drawn without Decimals, which read back
    as text (a number in a rule's explanation is data shown, not arithmetic)."""
    from sfa_core import approvals as ap

    ids = sfa_st.keys()
    scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8)
    json = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=6,
    )
    check = st.builds(
        ap.ConditionCheck,
        field=ids,
        operator=st.sampled_from([">", "==", "in"]),
        expected=json,
        actual=json,
        result=st.booleans(),
    )
    match = st.builds(
        ap.RuleMatch,
        rule=ids,
        description=sfa_st.texts(10),
        checks=st.lists(check, max_size=2).map(tuple),
        values=st.dictionaries(ids, json, max_size=3),
    )
    step = st.builds(
        ap.PlanStep,
        level=st.integers(1, 5),
        chain=ids,
        approvers=st.lists(ids, min_size=1, max_size=3, unique=True).map(tuple),
        mode=st.sampled_from(list(ap.ApprovalMode)),
        rules=st.lists(ids, max_size=2).map(tuple),
        reasons=st.lists(match, max_size=2).map(tuple),
        sla_hours=st.none() | st.integers(1, 72),
    )
    plan = st.lists(step, max_size=3, unique_by=lambda s: s.key).map(
        lambda steps: ap.ApprovalPlan(tuple(sorted(steps, key=lambda s: (s.level, s.chain))))
    )
    return {"ConditionCheck": check, "RuleMatch": match, "PlanStep": step, "ApprovalPlan": plan}


def _approval_process_strategies():
    """Requests, their steps, answers, audit entries and events, made by the transitions."""
    import datetime as dt

    from sfa_core.approvals import request as rq
    from sfa_core.approvals.semantics import ApprovalOptions, Response
    from sfa_core.approvals.timing import Escalation, EscalationKind
    from sfa_core.directory import Directory
    from sfa_core.errors import SfaError

    start = dt.datetime(2027, 3, 1, 9, tzinfo=dt.timezone.utc)
    options = st.builds(
        ApprovalOptions,
        rejection=st.sampled_from(["final", "back_one_step"]),
        allow_self_approval=st.booleans(),
    )

    def run(plan, option, choices):
        request, events = rq.submit(
            plan,
            request_id="R-1",
            quote_id="Q-1",
            quote_revision=1,
            submitter="rep",
            at=start,
            options=option,
            fingerprint="f" * 64,
        )
        made = list(events)
        for hours, approve in choices:
            keys = request.open_steps()
            if not keys:
                break
            state = request.step(keys[0])
            at = start + dt.timedelta(hours=hours)
            try:
                request, events = rq.decide(
                    request, state.unanswered[0], keys[0], approve, at=at, directory=Directory()
                )
            except SfaError:
                break
            made.extend(events)
        return request, tuple(made)

    runs = st.builds(
        run,
        _approval_strategies()["ApprovalPlan"],
        options,
        st.lists(st.tuples(st.integers(0, 100), st.booleans()), max_size=4),
    )
    with_steps = runs.filter(lambda pair: pair[0].steps)
    return {
        "ApprovalOptions": options,
        "ApprovalRequest": runs.map(lambda pair: pair[0]),
        "StepState": with_steps.map(lambda pair: pair[0].steps[-1]),
        "AuditEntry": runs.map(lambda pair: pair[0].audit[-1]),
        "ApprovalEvent": runs.filter(lambda pair: pair[1]).map(lambda pair: pair[1][-1]),
        "Answer": st.builds(
            rq.Answer,
            approver=sfa_st.keys(),
            response=st.sampled_from(list(Response)),
            actor=st.none() | sfa_st.keys(),
            at=st.just(start),
            comment=sfa_st.texts(10),
        ),
        "Escalation": st.builds(
            Escalation,
            kind=st.sampled_from(list(EscalationKind)),
            request_id=sfa_st.keys(),
            step=sfa_st.keys(),
            recipients=st.lists(sfa_st.keys(), max_size=2).map(tuple),
            due_at=st.just(start),
        ),
    }


def _approval_policy_strategies():
    from sfa_core import approvals as ap

    keys = st.sampled_from(["ana", "bo", "legal", "vp_sales"])
    spec = st.one_of(
        keys.map(ap.ApproverSpec.user),
        st.integers(1, 3).map(ap.ApproverSpec.manager),
        keys.map(lambda k: ap.ApproverSpec.role(k, mode="unanimous")),
        keys.map(lambda k: ap.ApproverSpec.group(k, mode="at_least", minimum=2, required=["ana"])),
        st.just(ap.ApproverSpec.from_field("fields.deal_desk")),
    )
    condition = st.none() | st.builds(
        lambda field, t: {">": [{"var": field}, t]},
        st.sampled_from(["max_line_discount", "net_total", "margin_percent"]),
        st.integers(0, 50),
    )
    rule = st.builds(
        ap.ApprovalRule,
        id=st.sampled_from(["r1", "r2", "r3"]),
        approvers=spec,
        condition=condition,
        level=st.integers(1, 3),
        chain=st.sampled_from(["discount", "legal"]),
        priority=st.integers(-5, 5),
        sla_hours=st.none() | st.integers(1, 72),
        escalate_to=st.lists(keys, max_size=2),
        active=st.booleans(),
    )
    rules = st.lists(rule, max_size=3, unique_by=lambda r: r.id)
    level = st.builds(
        ap.AuthorityLevel,
        role=keys,
        max_discount=st.none() | st.decimals("0", "100", places=1),
        min_margin=st.none() | st.decimals("0", "100", places=1),
        approvers=st.none() | spec,
    )
    matrix = st.lists(st.decimals("0", "100", places=1), min_size=1, max_size=3).map(
        lambda caps: ap.AuthorityMatrix(
            [ap.AuthorityLevel(f"r{i}", cap) for i, cap in enumerate(sorted(caps))]
            + [ap.AuthorityLevel("top")]
        )
    )
    return {
        "ApproverSpec": spec,
        "ApprovalRule": rule,
        "Policy": st.builds(
            ap.Policy,
            id=keys,
            rules=rules,
            hit_policy=st.sampled_from(list(ap.HitPolicy)),
            allow_self_approval=st.booleans(),
            version=st.integers(0, 9),
        ),
        "AuthorityLevel": level,
        "AuthorityMatrix": matrix,
    }


def _headroom_strategies():
    from sfa_core.approvals import Headroom, HeadroomBand, HeadroomStep

    ids = sfa_st.keys()
    percent = st.decimals("0", "100", places=1)
    step = st.builds(
        HeadroomStep,
        level=st.integers(1, 5),
        chain=ids,
        approvers=st.lists(ids, min_size=1, max_size=3).map(tuple),
        mode=st.sampled_from(["unanimous", "first_response", "at_least"]),
        minimum=st.integers(1, 3),
        required=st.lists(ids, max_size=2).map(tuple),
    )
    band = st.tuples(percent, percent, st.lists(step, max_size=2).map(tuple)).map(
        lambda t: HeadroomBand(min(t[0], t[1]), max(t[0], t[1]), t[2])
    )
    room = st.builds(
        Headroom,
        line=st.none() | ids,
        current=percent,
        current_steps=st.lists(step, max_size=2).map(tuple),
        resolution=st.sampled_from([Decimal("0.1"), Decimal(1)]),
        max_discount=percent,
        bands=st.lists(band, max_size=3).map(tuple),
        free_up_to=percent,
        next_level=st.none() | band,
        monotone=st.booleans(),
        evaluations=st.integers(0, 500),
    )
    return {"HeadroomStep": step, "HeadroomBand": band, "Headroom": room}


STRATEGIES = {
    # money
    "Money": sfa_st.money(),
    "ExchangeRates": sfa_st.exchange_rates(),
    "ExchangeRate": sfa_st.exchange_rates().filter(lambda t: t.rates).map(lambda t: t.rates[0]),
    # rules
    "Explanation": sfa_st.explanations(),
    "Schema": sfa_st.schemas(),
    # catalog
    "Product": sfa_st.products(),
    "PriceBook": sfa_st.price_books(),
    "PercentOfTotal": sfa_st.percent_of_totals(),
    "SubscriptionTerms": sfa_st.subscription_terms(),
    "Tier": sfa_st.tiers(),
    "TierTable": sfa_st.tier_tables(),
    "BlockPricing": sfa_st.block_pricings(),
    "PackagePricing": sfa_st.package_pricings(),
    "TierPrice": sfa_st.tier_prices(),
    "TierCharge": sfa_st.tier_charges(),
    "Derivation": sfa_st.derivations(),
    "DerivedPrice": sfa_st.derived_prices(),
    "PriceStep": sfa_st.price_steps(),
    "PriceBookSet": sfa_st.price_book_sets(),
    "ResolvedPrice": sfa_st.resolved_prices(),
    "ResolutionStep": sfa_st.resolution_steps(),
    # pricing inputs
    "DiscountTier": sfa_st.discount_tiers(),
    "DiscountSchedule": sfa_st.discount_schedules(),
    "PriceAction": sfa_st.price_actions(),
    "PriceRule": sfa_st.price_rules(),
    "RuleSet": sfa_st.rule_sets(),
    "ProductRange": sfa_st.product_ranges(),
    "Condition": sfa_st.promotion_conditions(),
    "Benefit": sfa_st.benefits(),
    "Promotion": sfa_st.promotions(),
    "CartLine": sfa_st.cart_lines(),
    "TaxableLine": sfa_st.taxable_lines(),
    "RateTaxPolicy": sfa_st.rate_tax_policies(),
    "RoundingPolicy": sfa_st.rounding_policies(),
    "PricingOptions": sfa_st.pricing_options(allow_negative_prices=None),
    "DiscountLimits": sfa_st.discount_limits(),
    # the stored pricing setup
    "ContractedPrices": sfa_st.contracted_prices(),
    "PricingSettings": sfa_st.pricing_settings(),
    "SetupVersions": sfa_st.setup_versions(),
    "PricingSetup": sfa_st.pricing_setups(),
    # pricing results
    "ScheduleDiscount": sfa_st.schedule_discounts(),
    "AppliedDiscountTier": sfa_st.applied_discount_tiers(),
    "Proration": sfa_st.prorations(),
    "AppliedPromotion": sfa_st.applied_promotions(),
    "SkippedPromotion": sfa_st.skipped_promotions(),
    "PromotionResult": sfa_st.promotion_results(),
    "TaxLine": sfa_st.tax_lines(),
    "TaxResult": sfa_st.tax_results(),
    "Adjustment": sfa_st.adjustments(),
    "LimitFlag": sfa_st.limit_flags(),
    # quotes
    "QuoteGroup": sfa_st.quote_groups(),
    "QuoteLine": sfa_st.quote_lines(),
    "Quote": sfa_st.quotes(),
    "PricedQuote": sfa_st.priced_quotes(),
    "PricedLine": sfa_st.priced_lines(),
    "Totals": sfa_st.totals(),
    "WaterfallStep": sfa_st.waterfall_steps(),
    "CartItem": st.builds(
        CartItem,
        sku=sfa_st.keys(),
        quantity=st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2),
        key=st.none() | sfa_st.keys(),
    ),
    # configuration
    **_configuration_strategies(),
    # approvals
    **_approval_strategies(),
    **_approval_process_strategies(),
    # directory
    "User": sfa_st.users(),
    "GroupMember": sfa_st.group_members(),
    # (two public classes are named Group: the directory's is keyed by its full name)
    "sfa_core.directory.model.Group": sfa_st.groups(),
    "Delegation": sfa_st.delegations(),
    "Directory": sfa_st.directories(),
    # approval policies
    **_approval_policy_strategies(),
    **_headroom_strategies(),
}

#: Classes drawn from whole pricing scenarios: fewer examples keep the file fast (each
#: example builds and prices a quote).
HEAVY = {"PricedQuote": 60, "PricedLine": 40, "Totals": 40, "WaterfallStep": 40}


def _full_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def strategy_for(cls):
    if _full_name(cls) in STRATEGIES:
        return STRATEGIES[_full_name(cls)]
    if cls.__name__ in STRATEGIES:
        return STRATEGIES[cls.__name__]
    return st.from_type(cls)


CLASSES = public_value_classes()


def test_discovery_finds_the_core_values():
    names = {c.__name__ for c in CLASSES}
    assert {"Money", "Product", "PriceBook", "ExchangeRates"} <= names
    assert {"Quote", "PricedQuote", "PricedLine", "RuleSet", "DiscountSchedule"} <= names


def test_every_strategy_names_a_discovered_class():
    # A renamed or removed class must not leave a stale entry behind.
    assert set(STRATEGIES) <= {c.__name__ for c in CLASSES} | {_full_name(c) for c in CLASSES}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_round_trip(cls):
    @given(strategy_for(cls))
    def check(value):
        doc = unstructure(value)
        assert json.loads(json.dumps(doc)) == doc, "documents must be plain JSON"
        assert structure(doc, cls) == value
        assert structure(json.loads(to_json(value)), cls) == value
        assert from_json(to_json(value), cls) == value
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value

    if cls.__name__ in HEAVY:
        check = settings(
            max_examples=HEAVY[cls.__name__], suppress_health_check=[HealthCheck.too_slow]
        )(check)
    check()
