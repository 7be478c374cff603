"""Properties of tier pricing and discount schedules.

The strategies of their values come from :mod:`sfa_core.testing.strategies`. The
properties include the issue's "a graduated total never exceeds quantity x first-tier
price when tier prices decrease" (``test_decreasing_prices_volume_le_graduated_le_first_price``).
"""

import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sfa_core.catalog.tiers import (
    BlockPricing,
    PackagePricing,
    PackageRounding,
    Tier,
    TierCharge,
    TierMode,
    TierPrice,
    TierPricing,
    TierTable,
)
from sfa_core.pricing.schedules import (
    AppliedDiscountTier,
    DiscountSchedule,
    DiscountTier,
    ScheduleDiscount,
)
from sfa_core.serialization import converter, structure, to_json, unstructure
from sfa_core.testing.strategies import (
    applied_discount_tiers,
    block_pricings,
    discount_schedules,
    discount_tiers,
    package_pricings,
    schedule_discounts,
    tier_charges,
    tier_prices,
    tier_pricings,
    tier_tables,
    tiers,
)

D = Decimal

# ---------------------------------------------------------------- strategies
# The value strategies live in sfa_core.testing.strategies; these are test inputs.

amounts = st.decimals(min_value=0, max_value=1000, places=2)
quantities = st.decimals(min_value="0.01", max_value=5000, places=2)


def bounds(min_size=0, max_size=5):
    """Strictly increasing positive ``up_to`` values."""
    return st.lists(
        st.decimals(min_value="0.01", max_value=2000, places=2),
        min_size=min_size,
        max_size=max_size,
        unique=True,
    ).map(sorted)


@st.composite
def priced(draw):
    """A pricing and a quantity it can price (within the blocks when there is no overage)."""
    pricing = draw(tier_pricings())
    if isinstance(pricing, BlockPricing) and pricing.overage is None:
        last = pricing.blocks[-1].up_to
        quantity = draw(st.decimals(min_value="0.01", max_value=last, places=2))
    else:
        quantity = draw(quantities)
    return pricing, quantity


STRATEGIES = {
    "Tier": tiers(),
    "TierTable": tier_tables(),
    "BlockPricing": block_pricings(),
    "PackagePricing": package_pricings(),
    "TierPrice": tier_prices(),
    "TierCharge": tier_charges(),
    "DiscountTier": discount_tiers(),
    "DiscountSchedule": discount_schedules(),
    "ScheduleDiscount": schedule_discounts(),
    "AppliedDiscountTier": applied_discount_tiers(),
}

# ---------------------------------------------------------------- tier properties


@st.composite
def decreasing_tables(draw):
    """Bounds and unit amounts that never increase from tier to tier, no flat fees."""
    ups = [*draw(bounds()), None]
    units = sorted(draw(st.lists(amounts, min_size=len(ups), max_size=len(ups))), reverse=True)
    return [(u, a) for u, a in zip(ups, units, strict=True)]


@given(decreasing_tables(), quantities)
def test_decreasing_prices_volume_le_graduated_le_first_price(rows, q):
    graduated = TierTable.graduated(rows).amount(q)
    volume = TierTable.volume(rows).amount(q)
    assert graduated <= q * rows[0][1]
    assert volume <= graduated


@given(tier_tables(mode=TierMode.GRADUATED), quantities, quantities)
def test_graduated_is_monotone(table, a, b):
    low, high = min(a, b), max(a, b)
    assert table.amount(low) <= table.amount(high)


@given(priced())
def test_price_matches_amount_and_charges(pq):
    pricing, q = pq
    price = pricing.price(q)
    assert price.amount == pricing.amount(q)
    assert str(price.amount) == str(pricing.amount(q))
    assert price.quantity == q
    assert sum(c.amount for c in price.charges) == price.amount
    for charge in price.charges:
        assert charge.amount == charge.units * charge.unit_amount + charge.flat_amount
    if isinstance(pricing, TierTable) and pricing.mode is TierMode.GRADUATED:
        assert sum(c.units for c in price.charges) == q
        assert all(c.units > 0 for c in price.charges)
        assert [c.tier for c in price.charges] == list(range(len(price.charges)))


@given(package_pricings(), quantities)
def test_packages_cover_the_quantity(pricing, q):
    packages = pricing.packages(q)
    assert packages == packages.to_integral_value()
    if pricing.rounding is PackageRounding.UP:
        assert (packages - 1) * pricing.package_size < q <= packages * pricing.package_size
    else:
        assert packages * pricing.package_size <= q < (packages + 1) * pricing.package_size


@given(tier_tables(mode=TierMode.VOLUME), quantities)
def test_volume_uses_the_tier_reached(table, q):
    (charge,) = table.price(q).charges
    tier = table.tiers[charge.tier]
    lower = table.tiers[charge.tier - 1].up_to if charge.tier else D(0)
    assert lower < q
    assert tier.up_to is None or q <= tier.up_to


# ---------------------------------------------------------------- schedule properties


@given(schedule_discounts())
def test_discount_is_bounded_by_the_price(result):
    assert 0 <= result.amount_off <= result.unit_price
    assert result.unit_price_after + result.amount_off == result.unit_price
    assert result.unit_price_after >= 0
    assert result.clamped == (result.unclamped_amount_off > result.unit_price)
    assert sum(t.units for t in result.tiers) == result.count
    if result.percent is not None:
        used = [t.percent for t in result.tiers]
        assert min(used) <= result.percent <= max(used)
        if result.exact:
            weighted = sum(t.units * t.percent for t in result.tiers)
            assert result.percent * result.count == weighted


# ---------------------------------------------------------------- serialization

ALL = [
    (Tier, tiers()),
    (TierTable, tier_tables()),
    (BlockPricing, block_pricings()),
    (PackagePricing, package_pricings()),
    (TierPrice, tier_prices()),
    (TierCharge, tier_charges()),
    (DiscountTier, discount_tiers()),
    (DiscountSchedule, discount_schedules()),
    (ScheduleDiscount, schedule_discounts()),
    (AppliedDiscountTier, applied_discount_tiers()),
]


@given(st.sampled_from(ALL).flatmap(lambda pair: st.tuples(st.just(pair[0]), pair[1])))
def test_every_class_round_trips(pair):
    cls, value = pair
    doc = json.loads(to_json(value))
    assert doc == {"format": 1, "value": unstructure(value)}
    assert structure(doc, cls) == value


@given(tier_pricings())
def test_tier_pricing_union_round_trips(value):
    doc = json.loads(json.dumps(converter.unstructure(value, unstructure_as=TierPricing)))
    assert doc["type"] == type(value).__name__
    assert structure(doc, TierPricing) == value


def test_every_strategy_is_listed():
    assert set(STRATEGIES) == {cls.__name__ for cls, _ in ALL}
