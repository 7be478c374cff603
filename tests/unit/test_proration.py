"""Proration and co-termination (Salesforce CPQ semantics), with hand-checked examples."""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_UP, Decimal

import pytest

from sfa_core.catalog.subscription import ProrationPrecision, SubscriptionTerms, TermUnit
from sfa_core.errors import FloatAmountError, ValidationError
from sfa_core.pricing.proration import Proration, coterminate, prorate, subscription_end
from sfa_core.serialization import structure, to_json, unstructure

D = Decimal
MONTHLY = SubscriptionTerms()  # 12 months, MONTH precision, 6 places, half-up
DAILY = SubscriptionTerms(precision="day")
MIXED = SubscriptionTerms(precision="month_plus_day")

# serialization.py currently unstructures str enums as members (not values); the direct
# round trip is checked as soon as it writes their values (the JSON round trip always is).
_ENUMS_AS_MEMBERS = isinstance(unstructure(TermUnit.MONTH), enum.Enum)


def assert_round_trip(value: object) -> None:
    assert structure(json.loads(to_json(value)), type(value)) == value
    if not _ENUMS_AS_MEMBERS:
        assert structure(unstructure(value), type(value)) == value


class TestSubscriptionTerms:
    def test_defaults_are_cpq_defaults(self):
        assert (
            MONTHLY.term_unit,
            MONTHLY.default_term,
            MONTHLY.precision,
            MONTHLY.day_basis,
            MONTHLY.multiplier_places,
            MONTHLY.rounding,
        ) == (TermUnit.MONTH, D(12), ProrationPrecision.MONTH, D(365), 6, "ROUND_HALF_UP")

    def test_default_term_in_months_and_days(self):
        # 2 years = 24 months = 730 days; 730 days = 730 x 12 / 365 = 24 months
        two_years = SubscriptionTerms(term_unit="year", default_term=2)
        assert (two_years.default_months, two_years.default_days) == (D(24), D(730))
        days = SubscriptionTerms(term_unit="day", default_term=730)
        assert (days.default_months, days.default_days) == (D(24), D(730))
        # 12 months on a 360-day basis = 360 days
        assert SubscriptionTerms(day_basis=360).default_days == D(360)

    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({"term_unit": "week"}, "term_unit"),
            ({"default_term": 0}, "default_term"),
            ({"default_term": "-1"}, "default_term"),
            ({"default_term": "twelve"}, "default_term"),
            ({"precision": "hour"}, "precision"),
            ({"day_basis": 0}, "day_basis"),
            ({"multiplier_places": -1}, "multiplier_places"),
            ({"multiplier_places": 13}, "multiplier_places"),
            ({"multiplier_places": True}, "multiplier_places"),
            ({"rounding": "HALF_UP"}, "rounding"),
        ],
    )
    def test_bad_fields_name_the_field(self, kwargs, path):
        with pytest.raises(ValidationError) as info:
            SubscriptionTerms(**kwargs)
        assert info.value.path == path

    def test_float_is_refused(self):
        with pytest.raises(FloatAmountError, match="default_term"):
            SubscriptionTerms(default_term=12.0)

    def test_round_trip(self):
        assert_round_trip(MONTHLY)
        assert_round_trip(
            SubscriptionTerms(
                term_unit="day",
                default_term=365,
                precision="month_plus_day",
                day_basis="365.25",
                multiplier_places=4,
                rounding=ROUND_HALF_EVEN,
            )
        )


class TestMonthPrecision:
    def test_full_year_is_exactly_one(self):
        # 2027-01-01 .. 2027-12-31 = 12 whole months; 12 / 12 = 1
        p = prorate(MONTHLY, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31))
        assert (p.term, p.exact, p.multiplier) == (D(12), D(1), D(1))
        assert p.unit is TermUnit.MONTH
        assert p.precision is ProrationPrecision.MONTH
        assert p.reason == "12 months / 12 months"

    def test_partial_month_rounds_up(self):
        # 2027-01-15 .. 2027-07-20: 01-15 + 6 months = 07-15, then 6 days to 07-21 (exclusive)
        # -> 6 months + 6 days -> 7 months -> 7 / 12 = 0.58333... -> 0.583333
        p = prorate(MONTHLY, start=dt.date(2027, 1, 15), end=dt.date(2027, 7, 20))
        assert p.term == D(7)
        assert p.exact == D("0.5833333333333333333333333333")
        assert p.multiplier == D("0.583333")
        assert "6 months + 6 days" in p.reason
        assert "7 months / 12 months" in p.reason

    def test_cpq_documented_example(self):
        # CPQ: 2017-01-01 through 2018-01-10 is 12.1 months, rounded up to 13; 13 / 12
        p = prorate(MONTHLY, start=dt.date(2017, 1, 1), end=dt.date(2018, 1, 10))
        assert (p.term, p.multiplier) == (D(13), D("1.083333"))

    def test_one_day_is_a_whole_month(self):
        p = prorate(MONTHLY, start=dt.date(2027, 5, 5), end=dt.date(2027, 5, 5))
        assert (p.term, p.multiplier) == (D(1), D("0.083333"))  # 1 / 12

    def test_month_end_start_is_clamped(self):
        # 2027-01-31 + 1 month = 2027-02-28, so 01-31 .. 02-27 is exactly one month
        p = prorate(MONTHLY, start=dt.date(2027, 1, 31), end=dt.date(2027, 2, 27))
        assert p.term == D(1)
        # ... and 01-31 .. 02-28 is one month and one day: 2 months
        assert prorate(MONTHLY, start=dt.date(2027, 1, 31), end=dt.date(2027, 2, 28)).term == 2

    def test_year_unit(self):
        # 1-year default; 2027-01-01 .. 2028-06-30 = 18 months = 1.5 years -> 1.5 / 1
        yearly = SubscriptionTerms(term_unit="year", default_term=1)
        p = prorate(yearly, start=dt.date(2027, 1, 1), end=dt.date(2028, 6, 30))
        assert (p.term, p.multiplier, p.unit) == (D("1.5"), D("1.5"), TermUnit.YEAR)

    def test_day_unit_counts_months_as_basis_twelfths(self):
        # 365-day default; 2027-01-01 .. 2027-06-30 = 6 months = 6 x 365 / 12 = 182.5 days
        # multiplier 182.5 / 365 = 0.5
        days = SubscriptionTerms(term_unit="day", default_term=365)
        p = prorate(days, start=dt.date(2027, 1, 1), end=dt.date(2027, 6, 30))
        assert (p.term, p.multiplier) == (D("182.5"), D("0.5"))

    @pytest.mark.parametrize(
        ("rounding", "expected"),
        [(ROUND_DOWN, "0.58"), (ROUND_UP, "0.59"), ("ROUND_HALF_UP", "0.58")],
    )
    def test_multiplier_places_and_rounding(self, rounding, expected):
        # 7 / 12 = 0.58333... at 2 places
        terms = SubscriptionTerms(multiplier_places=2, rounding=rounding)
        p = prorate(terms, start=dt.date(2027, 1, 15), end=dt.date(2027, 7, 20))
        assert p.multiplier == D(expected)
        assert p.exact == D("0.5833333333333333333333333333")


class TestDayPrecision:
    def test_cpq_documented_example(self):
        # CPQ: 830 days with a 365-day default term: 830 / 365 = 2.2740 (at 4 places)
        terms = SubscriptionTerms(
            term_unit="day", default_term=365, precision="day", multiplier_places=4
        )
        start = dt.date(2027, 1, 1)
        p = prorate(terms, start=start, end=start + dt.timedelta(days=829))
        assert (p.term, p.multiplier) == (D(830), D("2.2740"))
        assert p.reason == "830 days / 365 days"

    def test_month_unit(self):
        # 2027-01-15 .. 2027-07-20: 17 + 28 + 31 + 30 + 31 + 30 + 20 = 187 days;
        # 12 months = 365 days; 187 / 365 = 0.5123287... -> 0.512329
        p = prorate(DAILY, start=dt.date(2027, 1, 15), end=dt.date(2027, 7, 20))
        assert p.multiplier == D("0.512329")
        assert p.term == D(187 * 12) / D(365)  # in months: 6.1479...
        assert p.reason == "187 days / 365 days"

    def test_full_non_leap_year_is_one(self):
        p = prorate(DAILY, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31))
        assert (p.exact, p.multiplier) == (D(1), D(1))

    def test_leap_year_costs_more_on_a_365_basis(self):
        # 2028 has 366 days: 366 / 365 = 1.0027397... -> 1.002740 (as CPQ)
        p = prorate(DAILY, start=dt.date(2028, 1, 1), end=dt.date(2028, 12, 31))
        assert p.multiplier == D("1.002740")
        # a 366-day basis makes the leap year exactly 1
        leap = SubscriptionTerms(precision="day", day_basis=366)
        assert prorate(leap, start=dt.date(2028, 1, 1), end=dt.date(2028, 12, 31)).exact == 1

    def test_year_unit(self):
        # 2027-01-01 .. 2027-07-01 = 31 + 28 + 31 + 30 + 31 + 30 + 1 = 182 days
        # -> 182 / 365 = 0.4986301... -> 0.498630
        yearly = SubscriptionTerms(term_unit="year", default_term=1, precision="day")
        p = prorate(yearly, start=dt.date(2027, 1, 1), end=dt.date(2027, 7, 1))
        assert p.multiplier == D("0.498630")
        assert p.term == D(182) / D(365)


class TestMonthPlusDayPrecision:
    def test_whole_months_plus_day_fraction(self):
        # 2027-01-15 .. 2027-07-20: 6 months + 6 days -> 6 + 6 x 12 / 365 = 6.1972602...
        # months; / 12 = 0.5164383... -> 0.516438
        p = prorate(MIXED, start=dt.date(2027, 1, 15), end=dt.date(2027, 7, 20))
        assert p.multiplier == D("0.516438")
        assert p.term == D(6) + D(72) / D(365)
        assert "6 + 6 x 12 / 365" in p.reason

    def test_whole_months_only(self):
        p = prorate(MIXED, start=dt.date(2027, 1, 1), end=dt.date(2027, 3, 31))
        assert (p.term, p.multiplier) == (D(3), D("0.25"))


class TestExplicitTerm:
    def test_term_divides_by_default_term(self):
        # CPQ: an explicit term is divided by the default term; end = start + 24 months - 1
        p = prorate(MONTHLY, start=dt.date(2027, 3, 1), term=24)
        assert (p.end, p.term, p.multiplier) == (dt.date(2029, 2, 28), D(24), D(2))
        assert p.reason == "term given: 24 months / 12 months"

    def test_term_ignores_day_precision(self):
        # a leap year given as a 12-month term is 12 / 12 even under DAY precision
        p = prorate(DAILY, start=dt.date(2028, 1, 1), term=12)
        assert (p.end, p.multiplier) == (dt.date(2028, 12, 31), D(1))

    def test_year_and_day_units(self):
        yearly = SubscriptionTerms(term_unit="year", default_term=1)
        p = prorate(yearly, start=dt.date(2027, 1, 1), term="1.5")
        assert (p.end, p.multiplier) == (dt.date(2028, 6, 30), D("1.5"))
        days = SubscriptionTerms(term_unit="day", default_term=365, precision="day")
        p = prorate(days, start=dt.date(2027, 1, 1), term=73)  # 73 / 365 = 0.2
        assert (p.end, p.multiplier) == (dt.date(2027, 3, 14), D("0.2"))

    def test_fractional_months_have_no_end_date(self):
        with pytest.raises(ValidationError, match="whole number of months") as info:
            prorate(MONTHLY, start=dt.date(2027, 1, 1), term="7.5")
        assert info.value.path == "term"


class TestSubscriptionEnd:
    @pytest.mark.parametrize(
        ("start", "term", "unit", "end"),
        [
            (dt.date(2027, 1, 15), 12, "month", dt.date(2028, 1, 14)),
            (dt.date(2027, 1, 31), 1, "month", dt.date(2027, 2, 27)),  # Feb 28 - 1 day
            (dt.date(2028, 1, 31), 1, "month", dt.date(2028, 2, 28)),  # leap: Feb 29 - 1
            (dt.date(2027, 1, 1), 2, "year", dt.date(2028, 12, 31)),
            (dt.date(2027, 1, 1), "0.25", TermUnit.YEAR, dt.date(2027, 3, 31)),
            (dt.date(2027, 1, 1), 1, "day", dt.date(2027, 1, 1)),
            (dt.date(2027, 12, 1), 31, "day", dt.date(2027, 12, 31)),
        ],
    )
    def test_examples(self, start, term, unit, end):
        assert subscription_end(start, term, unit) == end

    @pytest.mark.parametrize(
        ("args", "path"),
        [
            ((dt.datetime(2027, 1, 1), 12, "month"), "start"),
            ((dt.date(2027, 1, 1), 0, "month"), "term"),
            ((dt.date(2027, 1, 1), "1.5", "day"), "term"),
            ((dt.date(2027, 1, 1), "0.1", "year"), "term"),  # 1.2 months
            ((dt.date(2027, 1, 1), 12, "week"), "unit"),
            ((dt.date(9999, 6, 1), 12, "month"), "term"),
        ],
    )
    def test_errors_name_the_argument(self, args, path):
        with pytest.raises(ValidationError) as info:
            subscription_end(*args)
        assert info.value.path == path


class TestCotermination:
    def test_added_subscription_ends_with_the_contract(self):
        # contract ends 2027-12-31; add-on from 2027-04-01 -> 9 whole months -> 9 / 12
        p = coterminate(MONTHLY, start=dt.date(2027, 4, 1), end_date=dt.date(2027, 12, 31))
        assert (p.end, p.term, p.multiplier) == (dt.date(2027, 12, 31), D(9), D("0.75"))
        assert p.reason == (
            "co-terminated with the contract ending 2027-12-31: 9 months / 12 months"
        )

    def test_mid_month_start(self):
        # 2027-04-10 .. 2027-12-31: 8 months to 12-10, 22 days to 2028-01-01 -> 9 months
        p = coterminate(MONTHLY, start=dt.date(2027, 4, 10), end_date=dt.date(2027, 12, 31))
        assert (p.term, p.multiplier) == (D(9), D("0.75"))
        # by day: 21 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 = 266 days; 266 / 365
        p = coterminate(DAILY, start=dt.date(2027, 4, 10), end_date=dt.date(2027, 12, 31))
        assert p.multiplier == D("0.728767")
        assert p.reason.startswith("co-terminated with the contract ending 2027-12-31: 266 days")

    def test_same_multiplier_as_prorate(self):
        start, end = dt.date(2027, 2, 14), dt.date(2028, 1, 31)
        for terms in (MONTHLY, DAILY, MIXED):
            co = coterminate(terms, start=start, end_date=end)
            assert co.multiplier == prorate(terms, start=start, end=end).multiplier

    def test_end_date_before_start(self):
        with pytest.raises(ValidationError) as info:
            coterminate(MONTHLY, start=dt.date(2027, 4, 1), end_date=dt.date(2027, 3, 31))
        assert info.value.path == "end_date"


class TestErrors:
    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({"start": dt.date(2027, 1, 2), "end": dt.date(2027, 1, 1)}, "end"),
            ({"start": dt.datetime(2027, 1, 1), "end": dt.date(2027, 1, 2)}, "start"),
            ({"start": "2027-01-01", "end": dt.date(2027, 1, 2)}, "start"),
            ({"start": dt.date(2027, 1, 1), "end": dt.datetime(2027, 1, 2)}, "end"),
            ({"start": dt.date(2027, 1, 1), "term": 0}, "term"),
            ({"start": dt.date(2027, 1, 1), "term": "-3"}, "term"),
            ({"start": dt.date(2027, 1, 1), "term": "x"}, "term"),
            ({"start": dt.date(2027, 1, 1)}, "end"),
            ({"start": dt.date(2027, 1, 1), "end": dt.date(2027, 2, 1), "term": 1}, "term"),
            ({"start": dt.date(2027, 1, 1), "end": dt.date.max}, "end"),
        ],
    )
    def test_errors_name_the_field(self, kwargs, path):
        with pytest.raises(ValidationError) as info:
            prorate(MONTHLY, **kwargs)
        assert info.value.path == path

    def test_float_term_is_refused(self):
        with pytest.raises(FloatAmountError):
            prorate(MONTHLY, start=dt.date(2027, 1, 1), term=12.0)

    def test_terms_must_be_subscription_terms(self):
        with pytest.raises(ValidationError) as info:
            prorate("monthly", start=dt.date(2027, 1, 1), term=12)  # type: ignore[arg-type]
        assert info.value.path == "terms"


class TestProrationValue:
    def test_str_explains(self):
        p = prorate(MONTHLY, start=dt.date(2027, 1, 15), end=dt.date(2027, 7, 20))
        assert str(p) == (
            "2027-01-15 to 2027-07-20: 7 months, multiplier 0.583333 "
            "(6 months + 6 days, the partial month counted as a whole: 7 months / 12 months)"
        )

    def test_fast_path_equals_validated_construction(self):
        p = prorate(DAILY, start=dt.date(2027, 1, 15), end=dt.date(2027, 7, 20))
        rebuilt = Proration(
            start=p.start,
            end=p.end,
            term=p.term,
            multiplier=p.multiplier,
            exact=p.exact,
            precision=p.precision,
            reason=p.reason,
            unit=p.unit,
        )
        assert rebuilt == p
        assert hash(rebuilt) == hash(p)

    @pytest.mark.parametrize(
        ("field", "value"),
        [("term", 0), ("multiplier", "-1"), ("exact", 0), ("precision", "week"), ("unit", "h")],
    )
    def test_validated(self, field, value):
        fields = {
            "start": dt.date(2027, 1, 1),
            "end": dt.date(2027, 1, 31),
            "term": 1,
            "multiplier": "0.083333",
            "exact": "0.0833",
            "precision": "month",
            "reason": "1 month / 12 months",
            field: value,
        }
        with pytest.raises(ValidationError) as info:
            Proration(**fields)
        assert info.value.path == field

    def test_round_trip(self):
        for terms in (MONTHLY, DAILY, MIXED):
            assert_round_trip(prorate(terms, start=dt.date(2027, 1, 15), end=dt.date(2028, 2, 29)))
        assert_round_trip(
            coterminate(MONTHLY, start=dt.date(2027, 4, 1), end_date=dt.date(2027, 12, 31))
        )
