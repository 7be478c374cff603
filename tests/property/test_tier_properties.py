"""Properties of tier pricing and discount schedules, and strategies for their values.

The strategies below (one per public class, collected in STRATEGIES) are meant to move to
``sfa_core.testing.strategies``.
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
    Aggregation,
    AppliedDiscountTier,
    DiscountSchedule,
    DiscountTier,
    DiscountUnit,
    ScheduleBasis,
    ScheduleDiscount,
    ScheduleMode,
)
from sfa_core.serialization import converter, structure, to_json, unstructure

D = Decimal

# ---------------------------------------------------------------- strategies

amounts = st.decimals(min_value=0, max_value=1000, places=2)
quantities = st.decimals(min_value="0.01", max_value=5000, places=2)
currencies = st.sampled_from(["EUR", "USD", "JPY", "GBP"])
up_tos = st.none() | st.decimals(min_value="0.01", max_value=2000, places=2)
tier_modes = st.sampled_from(TierMode)
discount_units = st.sampled_from(DiscountUnit)


def bounds(min_size=0, max_size=5):
    """Strictly increasing positive ``up_to`` values."""
    return st.lists(
        st.decimals(min_value="0.01", max_value=2000, places=2),
        min_size=min_size,
        max_size=max_size,
        unique=True,
    ).map(sorted)


@st.composite
def tiers(draw, up_to=up_tos):
    return Tier(draw(up_to), draw(amounts), draw(amounts))


@st.composite
def tier_tables(draw, mode=tier_modes):
    ups = [*draw(bounds()), None]
    return TierTable(draw(mode), [draw(tiers(st.just(u))) for u in ups])


@st.composite
def block_pricings(draw):
    ups = draw(bounds(min_size=1))
    return BlockPricing([(u, draw(amounts)) for u in ups], overage=draw(st.none() | amounts))


@st.composite
def package_pricings(draw):
    size = draw(st.decimals(min_value="0.25", max_value=100, places=2))
    return PackagePricing(size, draw(amounts), draw(st.sampled_from(PackageRounding)))


def tier_pricings():
    return st.one_of(tier_tables(), block_pricings(), package_pricings())


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


def tier_prices():
    return priced().map(lambda pq: pq[0].price(pq[1]))


def tier_charges():
    return tier_prices().flatmap(lambda price: st.sampled_from(price.charges))


@st.composite
def discount_tiers(draw, up_to=up_tos):
    if draw(st.booleans()):
        return DiscountTier(draw(up_to), percent=draw(st.decimals(0, 100, places=2)))
    codes = draw(st.lists(currencies, min_size=1, max_size=3, unique=True))
    return DiscountTier(draw(up_to), amounts={c: draw(amounts) for c in codes})


@st.composite
def discount_schedules(draw, unit=discount_units):
    ups = [*draw(bounds()), None]
    kind = draw(unit)
    if kind is DiscountUnit.PERCENT:
        rows = [(u, draw(st.decimals(0, 100, places=2))) for u in ups]
    else:
        codes = draw(st.lists(currencies, min_size=1, max_size=3, unique=True))
        rows = [(u, {c: draw(amounts) for c in codes}) for u in ups]
    basis = draw(st.sampled_from(ScheduleBasis))
    aggregation = (
        Aggregation.LINE if basis is ScheduleBasis.TERM else draw(st.sampled_from(Aggregation))
    )
    return DiscountSchedule(
        draw(st.text("ABCDEF-0123456789", min_size=1, max_size=12)),
        rows,
        basis=basis,
        mode=draw(st.sampled_from(ScheduleMode)),
        unit=kind,
        aggregation=aggregation,
        name=draw(st.text("abc XYZ", max_size=10)),
    )


@st.composite
def schedule_discounts(draw):
    schedule = draw(discount_schedules())
    currency = (
        "EUR"
        if schedule.unit is DiscountUnit.PERCENT
        else draw(st.sampled_from(sorted(schedule.tiers[0].amounts)))
    )
    return schedule.discount(draw(quantities), unit_price=draw(amounts), currency=currency)


def applied_discount_tiers():
    return schedule_discounts().flatmap(lambda d: st.sampled_from(d.tiers))


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


@given(tier_tables(st.just(TierMode.GRADUATED)), quantities, quantities)
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


@given(tier_tables(st.just(TierMode.VOLUME)), quantities)
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
    assert doc == unstructure(value)
    assert structure(doc, cls) == value


@given(tier_pricings())
def test_tier_pricing_union_round_trips(value):
    doc = json.loads(json.dumps(converter.unstructure(value, unstructure_as=TierPricing)))
    assert doc["type"] == type(value).__name__
    assert structure(doc, TierPricing) == value


def test_every_strategy_is_listed():
    assert set(STRATEGIES) == {cls.__name__ for cls, _ in ALL}
