import json
from decimal import Decimal
from fractions import Fraction

import pytest

from sfa_core.errors import (
    FloatAmountError,
    InvalidAmountError,
    UnknownCurrencyError,
    ValidationError,
)
from sfa_core.pricing.schedules import (
    Aggregation,
    AppliedDiscountTier,
    DiscountSchedule,
    DiscountTier,
    DiscountUnit,
    MissingScheduleAmountError,
    ScheduleBasis,
    ScheduleDiscount,
    ScheduleMode,
)
from sfa_core.serialization import structure, to_json, unstructure

D = Decimal

# CPQ tiers 1-10: 0 %, 11-20: 5 %, 21+: 10 % (up_to 10, 20, None).
PERCENT_TIERS = [(10, 0), (20, 5), (None, 10)]
AMOUNT_TIERS = [
    (10, {"EUR": "1.00", "USD": "1.10"}),
    (None, {"EUR": "2.00", "USD": "2.20"}),
]

RANGE = DiscountSchedule("VOL-1", PERCENT_TIERS)
SLAB = DiscountSchedule("VOL-S", PERCENT_TIERS, mode="slab")
AMOUNT = DiscountSchedule("AM-1", AMOUNT_TIERS, unit="amount")
AMOUNT_SLAB = DiscountSchedule("AM-S", AMOUNT_TIERS, unit="amount", mode="slab")
TERM = DiscountSchedule("T-1", [(12, 0), (24, 5), (None, 10)], basis="term")


def round_trip(value, cls):
    doc = json.loads(to_json(value))
    assert doc == {"format": 1, "value": unstructure(value)}
    return structure(doc, cls)


class TestDiscountTier:
    def test_percent_tier(self):
        tier = DiscountTier(10, percent="5.5")
        assert (tier.up_to, tier.percent, dict(tier.amounts)) == (D(10), D("5.5"), {})

    def test_amount_tier_is_frozen(self):
        source = {"EUR": "2.00"}
        tier = DiscountTier(None, amounts=source)
        source["EUR"] = "9"
        assert tier.amounts == {"EUR": D("2.00")}
        with pytest.raises(TypeError):
            tier.amounts["EUR"] = D(1)  # type: ignore[index]
        assert hash(tier) == hash(DiscountTier(None, amounts={"EUR": D("2.00")}))

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"up_to": 0, "percent": 1}, ValidationError, "up_to: must be greater than zero"),
            ({"up_to": 10, "percent": -1}, ValidationError, "percent: must be between 0 and 100"),
            (
                {"up_to": 10, "percent": "100.01"},
                ValidationError,
                "percent: must be between 0 and 100 (got Decimal('100.01'))",
            ),
            ({"up_to": 10, "percent": 5.0}, FloatAmountError, "percent: floats are inexact"),
            (
                {"up_to": 10, "amounts": {"eur": 1}},
                UnknownCurrencyError,
                "amounts['eur']: unknown ISO 4217 currency code (got 'eur')",
            ),
            (
                {"up_to": 10, "amounts": {"EUR": "-1"}},
                ValidationError,
                "amounts['EUR']: must not be negative (got Decimal('-1'))",
            ),
            (
                {"up_to": 10, "amounts": {"EUR": "x"}},
                InvalidAmountError,
                "amounts['EUR']: is not a number (got 'x')",
            ),
            ({"up_to": 10, "amounts": [1]}, ValidationError, "amounts: must be a mapping"),
        ],
    )
    def test_invalid(self, kwargs, error, message):
        with pytest.raises(error) as info:
            DiscountTier(**kwargs)
        assert str(info.value).startswith(message)


class TestRangePercent:
    @pytest.mark.parametrize(
        ("count", "tier", "percent", "off", "after"),
        [
            ("1", 0, "0", "0", "100.00"),
            ("10", 0, "0", "0", "100.00"),  # exactly at up_to 10: still tier 0
            ("10.5", 1, "5", "5.00", "95.00"),  # fractional count: tier 1
            ("20", 1, "5", "5.00", "95.00"),
            ("21", 2, "10", "10.00", "90.00"),  # 100.00 x 10 / 100
            ("1000", 2, "10", "10.00", "90.00"),
        ],
    )
    def test_discount(self, count, tier, percent, off, after):
        result = RANGE.discount(D(count), unit_price=D("100.00"), currency="EUR")
        assert result.percent == D(percent)
        assert result.amount_off == D(off)
        assert result.unit_price_after == D(after)
        assert result.tiers == (
            AppliedDiscountTier(tier, result.tiers[0].up_to, D(count), D(percent), None),
        )
        assert (result.mode, result.unit, result.basis) == (
            ScheduleMode.RANGE,
            DiscountUnit.PERCENT,
            ScheduleBasis.QUANTITY,
        )
        assert not result.clamped
        assert result.exact

    def test_text(self):
        result = RANGE.discount(D(25), unit_price=D("100.00"), currency="EUR")
        assert (
            str(result)
            == "volume schedule VOL-1: 25 units -> tier 3 (10 %): 10.0000 off 100.00 = 90.0000"
        )

    def test_unrounded(self):
        # 19.99 x 5 % = 0.9995, not rounded to the cent here
        result = RANGE.discount(D(15), unit_price=D("19.99"), currency="EUR")
        assert result.amount_off == D("0.9995")
        assert result.unit_price_after == D("18.9905")

    def test_percent_schedule_ignores_currency(self):
        eur = RANGE.discount(D(15), unit_price=D(10), currency="EUR")
        jpy = RANGE.discount(D(15), unit_price=D(10), currency="JPY")
        assert eur.amount_off == jpy.amount_off == D("0.5")
        assert jpy.currency == "JPY"


class TestSlabPercent:
    def test_blended(self):
        # (10 x 0 % + 10 x 5 % + 5 x 10 %) / 25 = 100 / 25 = 4 %
        result = SLAB.discount(D(25), unit_price=D("100.00"), currency="EUR")
        assert result.percent == D(4)
        assert result.amount_off == D("4.00")
        assert result.unit_price_after == D("96.00")
        assert result.exact
        assert [(t.tier, t.up_to, t.units, t.percent) for t in result.tiers] == [
            (0, D(10), D(10), D(0)),
            (1, D(20), D(10), D(5)),
            (2, None, D(5), D(10)),
        ]
        assert str(result) == (
            "volume schedule VOL-S (slab): 25 units -> tier 1: 10 at 0 %, tier 2: 10 at 5 %, "
            "tier 3: 5 at 10 % = 4 % blended: 4.00 off 100.00 = 96.00"
        )

    @pytest.mark.parametrize(
        ("count", "percent", "tiers"),
        [
            ("10", "0", [0]),  # at the bound: only the first tier
            ("20", "2.5", [0, 1]),  # (10 x 0 + 10 x 5) / 20
            ("12.5", "1", [0, 1]),  # (10 x 0 + 2.5 x 5) / 12.5
            ("40", "6.25", [0, 1, 2]),  # (0 + 10 x 5 + 20 x 10) / 40 = 250 / 40
        ],
    )
    def test_counts(self, count, percent, tiers):
        result = SLAB.discount(D(count), unit_price=D(100), currency="EUR")
        weighted = sum(t.units * t.percent for t in result.tiers)
        assert weighted / D(count) == result.percent
        assert [t.tier for t in result.tiers] == tiers
        assert sum(t.units for t in result.tiers) == D(count)
        assert result.percent == D(percent)

    def test_non_terminating_blend_is_rounded_to_28_digits(self):
        # (10 x 0 + 5 x 5) / 15 = 5/3 %
        result = SLAB.discount(D(15), unit_price=D(100), currency="EUR")
        assert not result.exact
        assert result.percent == D("1.666666666666666666666666667")
        assert result.amount_off == D("1.666666666666666666666666667")  # 100 x 25 / 1500
        assert result.unit_price_after == D("98.333333333333333333333333333")  # exact 100 - off
        assert str(result).endswith("(blend rounded to 28 digits)")

    def test_terminating_blend_longer_than_28_digits_is_exact(self):
        schedule = DiscountSchedule("LONG", [(1, 0), (None, 100)], mode="slab")
        count = D(2**40)
        # ((count - 1) x 100) / count = 100 - 100 / 2**40, which ends after 42 digits
        result = schedule.discount(count, unit_price=D(1), currency="EUR")
        assert result.exact
        assert Fraction(result.percent) == 100 - Fraction(100, 2**40)
        assert len(result.percent.as_tuple().digits) > 28
        assert Fraction(result.amount_off) == (100 - Fraction(100, 2**40)) / 100


class TestAmount:
    @pytest.mark.parametrize(
        ("count", "currency", "off", "after"),
        [
            ("5", "USD", "1.10", "8.90"),
            ("10", "EUR", "1.00", "9.00"),  # exactly at up_to
            ("11", "EUR", "2.00", "8.00"),
            ("11", "USD", "2.20", "7.80"),
        ],
    )
    def test_range(self, count, currency, off, after):
        result = AMOUNT.discount(D(count), unit_price=D("10.00"), currency=currency)
        assert result.percent is None
        assert result.amount_off == D(off)
        assert result.unit_price_after == D(after)
        assert result.tiers[0].amount == D(off)
        assert result.tiers[0].percent is None

    def test_range_text(self):
        result = AMOUNT.discount(D(11), unit_price=D("10.00"), currency="USD")
        assert str(result) == (
            "volume schedule AM-1: 11 units -> tier 2 (2.20 USD off per unit): "
            "2.20 off 10.00 = 7.80"
        )

    def test_missing_currency(self):
        with pytest.raises(MissingScheduleAmountError) as info:
            AMOUNT.discount(D(5), unit_price=D(10), currency="GBP")
        err = info.value
        assert isinstance(err, ValidationError)
        assert (err.schedule_id, err.currency, err.path, err.value) == (
            "AM-1",
            "GBP",
            "currency",
            "GBP",
        )
        assert str(err) == (
            "currency: discount schedule 'AM-1' has no amounts in GBP (it lists EUR, USD) "
            "(got 'GBP')"
        )

    def test_slab(self):
        # (10 x 1.00 + 10 x 2.00) / 20 = 1.50 per unit
        result = AMOUNT_SLAB.discount(D(20), unit_price=D("10.00"), currency="EUR")
        assert result.amount_off == D("1.50")
        assert result.unit_price_after == D("8.50")
        assert result.exact
        assert [(t.units, t.amount) for t in result.tiers] == [
            (D(10), D("1.00")),
            (D(10), D("2.00")),
        ]
        assert str(result) == (
            "volume schedule AM-S (slab): 20 units -> tier 1: 10 at 1.00 off, "
            "tier 2: 10 at 2.00 off = 1.50 EUR off per unit blended: 1.50 off 10.00 = 8.50"
        )

    def test_slab_non_terminating(self):
        # (10 x 1.10 + 5 x 2.20) / 15 = 22 / 15 = 1.4666...
        result = AMOUNT_SLAB.discount(D(15), unit_price=D(10), currency="USD")
        assert not result.exact
        assert result.amount_off == D("1.466666666666666666666666667")


class TestClamp:
    def test_range_amount_above_price(self):
        result = AMOUNT.discount(D(11), unit_price=D("1.20"), currency="EUR")
        assert result.clamped
        assert result.amount_off == D("1.20")
        assert result.unclamped_amount_off == D("2.00")
        assert result.unit_price_after == D("0.00")
        assert str(result).endswith("1.20 off 1.20 = 0.00 (clamped at the unit price)")

    def test_slab_amount_above_price(self):
        result = AMOUNT_SLAB.discount(D(20), unit_price=D(1), currency="EUR")
        assert (result.clamped, result.amount_off, result.unclamped_amount_off) == (
            True,
            D(1),
            D("1.50"),
        )
        assert "= 1.50 EUR off per unit blended: 1 off 1 = 0" in str(result)

    def test_equal_is_not_clamped(self):
        result = AMOUNT.discount(D(11), unit_price=D("2.00"), currency="EUR")
        assert not result.clamped
        assert result.unit_price_after == 0

    def test_zero_price(self):
        assert RANGE.discount(D(25), unit_price=D(0), currency="EUR").amount_off == 0
        assert AMOUNT.discount(D(25), unit_price=D(0), currency="EUR").clamped


class TestTerm:
    def test_term(self):
        result = TERM.discount(D(24), unit_price=D(50), currency="EUR")
        assert (result.percent, result.amount_off, result.unit_price_after) == (
            D(5),
            D("2.50"),
            D("47.50"),
        )
        assert str(result) == "term schedule T-1: term 24 -> tier 2 (5 %): 2.50 off 50 = 47.50"
        assert TERM.discount(D(36), unit_price=D(50), currency="EUR").percent == D(10)

    def test_term_aggregation_is_line(self):
        assert TERM.aggregation is Aggregation.LINE


class TestAggregation:
    def test_aggregated_slab_is_the_same_for_every_line(self):
        schedule = DiscountSchedule("P", PERCENT_TIERS, mode="slab", aggregation="product")
        lines = [D(15), D(10)]  # two lines of the same SKU: count 25 for each
        count = sum(lines)
        first = [schedule.discount(count, unit_price=D(100), currency="EUR") for _ in lines]
        second = [
            schedule.discount(count, unit_price=D(100), currency="EUR") for _ in reversed(lines)
        ]
        assert first == second
        assert {d.percent for d in first} == {D(4)}
        # total discount = 25 units x 4.00 = 100 = 10 x 0 + 10 x 5 + 5 x 10 (per unit of 100)
        assert sum(q * d.amount_off for q, d in zip(lines, first, strict=True)) == D(100)


class TestValidation:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"tiers": []}, "tiers: must have at least one tier (got ())"),
            (
                {"tiers": [(10, 1), (20, 2)]},
                "tiers[1].up_to: the last tier must be open (up_to=None)",
            ),
            (
                {"tiers": [(10, 1), (5, 2), (None, 3)]},
                "tiers[1].up_to: must be greater than tiers[0].up_to (10): tiers are out of order",
            ),
            (
                {"tiers": [(None, 1), (None, 2)]},
                "tiers[0].up_to: only the last tier may be open (up_to=None) (got None)",
            ),
            ({"tiers": [(10, 1), (None, 101)]}, "tiers[1].percent: must be between 0 and 100"),
            ({"tiers": [(0, 1), (None, 1)]}, "tiers[0].up_to: must be greater than zero"),
            ({"tiers": [(10, 1, 2)]}, "tiers[0]: must be a tuple (up_to, percent)"),
            ({"tiers": [7]}, "tiers[0]: must be a DiscountTier or a tuple"),
            (
                {"tiers": [DiscountTier(10, percent=1), DiscountTier(None)]},
                "tiers[1].percent: a percent schedule needs a percent on every tier (got None)",
            ),
            (
                {"tiers": [(10, 1), (None, {"EUR": 1})]},
                "tiers[1].percent: a percent schedule needs a percent on every tier",
            ),
            (
                {"tiers": [DiscountTier(None, percent=1, amounts={"EUR": 1})]},
                "tiers[0].amounts: a percent schedule takes no amounts (use unit='amount')",
            ),
            (
                {"tiers": [(10, {"EUR": 1}), (None, 5)], "unit": "amount"},
                "tiers[1].percent: an amount schedule takes amounts, not a percent",
            ),
            (
                {"tiers": [(10, {"EUR": 1}), DiscountTier(None)], "unit": "amount"},
                "tiers[1].amounts: an amount schedule needs an amount per currency on every tier",
            ),
            (
                {"tiers": [(10, {"EUR": 1, "USD": 1}), (None, {"EUR": 2})], "unit": "amount"},
                "tiers[1].amounts: must list the same currencies as tiers[0] (EUR, USD) "
                "(got ['EUR'])",
            ),
            (
                {"tiers": [(10, {"EUR": -1}), (None, {"EUR": 2})], "unit": "amount"},
                "tiers[0].amounts['EUR']: must not be negative",
            ),
            (
                {"tiers": PERCENT_TIERS, "basis": "term", "aggregation": "family"},
                "aggregation: does not apply to a term schedule",
            ),
            ({"tiers": PERCENT_TIERS, "mode": "tiered"}, "mode: must be one of 'range', 'slab'"),
            ({"tiers": PERCENT_TIERS, "unit": "pct"}, "unit: must be one of 'percent', 'amount'"),
            ({"tiers": PERCENT_TIERS, "basis": "x"}, "basis: must be one of 'quantity', 'term'"),
            ({"tiers": PERCENT_TIERS, "aggregation": "quote"}, "aggregation: must be one of"),
            ({"tiers": PERCENT_TIERS, "name": "a\x00b"}, "name: must not contain control"),
        ],
    )
    def test_invalid_schedule(self, kwargs, message):
        with pytest.raises(ValidationError) as info:
            DiscountSchedule("S", **kwargs)
        assert str(info.value).startswith(message)

    def test_invalid_id(self):
        with pytest.raises(ValidationError, match=r"^id: must not be empty"):
            DiscountSchedule("", PERCENT_TIERS)

    @pytest.mark.parametrize(
        ("count", "price", "error", "message"),
        [
            (D(0), D(1), ValidationError, "count: must be greater than zero (got Decimal('0'))"),
            (D(-3), D(1), ValidationError, "count: must be greater than zero"),
            (2.5, D(1), FloatAmountError, "count: floats are inexact"),
            (D("NaN"), D(1), InvalidAmountError, "count: must be a finite number"),
            (D(1), D("-0.01"), ValidationError, "unit_price: must not be negative"),
            (D(1), 9.99, FloatAmountError, "unit_price: floats are inexact"),
            (D(1), D("Infinity"), InvalidAmountError, "unit_price: must be a finite number"),
        ],
    )
    def test_invalid_discount_inputs(self, count, price, error, message):
        with pytest.raises(error) as info:
            RANGE.discount(count, unit_price=price, currency="EUR")
        assert str(info.value).startswith(message)

    def test_defaults(self):
        assert (RANGE.basis, RANGE.mode, RANGE.unit, RANGE.aggregation, RANGE.name) == (
            ScheduleBasis.QUANTITY,
            ScheduleMode.RANGE,
            DiscountUnit.PERCENT,
            Aggregation.LINE,
            "",
        )

    def test_equality_ignores_caches(self):
        again = DiscountSchedule("VOL-1", [DiscountTier(t, percent=p) for t, p in PERCENT_TIERS])
        assert again == RANGE
        assert hash(again) == hash(RANGE)


class TestSerialization:
    @pytest.mark.parametrize(
        "value",
        [RANGE, SLAB, AMOUNT, AMOUNT_SLAB, TERM, DiscountSchedule("N", [(None, 1)], name="Named")],
        ids=lambda v: v.id,
    )
    def test_schedule(self, value):
        back = round_trip(value, DiscountSchedule)
        assert back == value
        assert back.discount(D(15), unit_price=D(10), currency="EUR") == value.discount(
            D(15), unit_price=D(10), currency="EUR"
        )

    def test_tier(self):
        for tier in (DiscountTier(10, percent=5), DiscountTier(None, amounts={"EUR": "1.00"})):
            assert round_trip(tier, DiscountTier) == tier

    def test_results(self):
        for result in (
            RANGE.discount(D(25), unit_price=D(100), currency="EUR"),
            SLAB.discount(D(15), unit_price=D(100), currency="EUR"),
            AMOUNT.discount(D(11), unit_price=D("1.20"), currency="EUR"),
        ):
            assert round_trip(result, ScheduleDiscount) == result
            assert round_trip(result.tiers[0], AppliedDiscountTier) == result.tiers[0]
