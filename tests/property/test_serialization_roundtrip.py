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

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sfa_core
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
}

#: Classes drawn from whole pricing scenarios: fewer examples keep the file fast (each
#: example builds and prices a quote).
HEAVY = {"PricedQuote": 60, "PricedLine": 40, "Totals": 40, "WaterfallStep": 40}


def strategy_for(cls):
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
    assert set(STRATEGIES) <= {c.__name__ for c in CLASSES}


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
