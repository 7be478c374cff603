"""Invariants of Money, allocation and exchange rates, checked with Hypothesis."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sfa_core.errors import MissingRateError
from sfa_core.money import (
    ROUNDING_MODES,
    ExchangeRate,
    ExchangeRates,
    Money,
    currency_precision,
)
from sfa_core.testing._money_strategies import amounts, currencies, exchange_rates, money

ratios = st.lists(
    st.integers(min_value=0, max_value=1000)
    | st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
).filter(any)
modes = st.sampled_from(sorted(ROUNDING_MODES))
days = st.dates(min_value=dt.date(1999, 1, 1), max_value=dt.date(2100, 12, 31))


def unit(money: Money) -> Decimal:
    return Decimal(1).scaleb(-currency_precision(money.currency))


# -- allocation ---------------------------------------------------------------------------


@given(money(), ratios)
def test_allocation_adds_up_exactly(whole: Money, weights: list[Decimal | int]) -> None:
    parts = whole.allocate(weights)
    assert len(parts) == len(weights)
    assert sum(parts) == whole
    assert all(part.currency == whole.currency for part in parts)


@given(money(), ratios)
def test_each_part_is_within_one_unit_of_its_exact_share(
    whole: Money, weights: list[Decimal | int]
) -> None:
    parts = whole.allocate(weights)
    total = sum(Fraction(weight) for weight in weights)
    step = Fraction(unit(whole))
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(whole.amount) * Fraction(weight) / total
        assert abs(Fraction(part.amount) - exact) < step
        if weight == 0:
            assert part.is_zero()


@given(money(), ratios)
def test_parts_are_whole_minor_units(whole: Money, weights: list[Decimal | int]) -> None:
    places = currency_precision(whole.currency)
    for part in whole.allocate(weights):
        assert part.amount.as_tuple().exponent == -places


@given(money(), ratios)
def test_allocation_is_deterministic_and_sign_symmetric(
    whole: Money, weights: list[Decimal | int]
) -> None:
    parts = whole.allocate(weights)
    assert whole.allocate(list(weights)) == parts
    assert (-whole).allocate(weights) == tuple(-part for part in parts)


@given(money(), ratios, st.integers(min_value=2, max_value=5))
def test_scaling_the_ratios_changes_nothing(
    whole: Money, weights: list[Decimal | int], factor: int
) -> None:
    assert whole.allocate([weight * factor for weight in weights]) == whole.allocate(weights)


@given(money(), st.integers(min_value=1, max_value=50))
def test_split_adds_up_and_is_fair(whole: Money, count: int) -> None:
    parts = whole.split(count)
    assert len(parts) == count
    assert sum(parts) == whole
    sizes = [abs(part.amount) for part in parts]
    assert max(sizes) - min(sizes) <= unit(whole)
    assert sizes == sorted(sizes, reverse=True)
    assert parts == whole.allocate([1] * count)


# -- arithmetic ---------------------------------------------------------------------------


@st.composite
def same_currency(draw: st.DrawFn, count: int) -> list[Money]:
    code = draw(currencies())
    return [draw(money(code)) for _ in range(count)]


@given(same_currency(2))
def test_add_and_subtract_are_inverse(pair: list[Money]) -> None:
    a, b = pair
    assert (a + b) - b == a
    assert a - b == -(b - a)
    assert a + b == b + a


@given(same_currency(3))
def test_addition_is_exact_and_associative(values: list[Money]) -> None:
    a, b, c = values
    assert (a + b) + c == a + (b + c)
    assert sum(values).amount == sum((v.amount for v in values), Decimal(0))


@given(same_currency(2), st.integers(min_value=-1000, max_value=1000) | amounts(places=4))
def test_multiplication_distributes(pair: list[Money], factor: Decimal | int) -> None:
    a, b = pair
    assert (a + b) * factor == a * factor + b * factor
    assert Fraction((a * factor).amount) == Fraction(a.amount) * Fraction(factor)


@given(money(), st.integers(min_value=1, max_value=10**6))
def test_division_undoes_multiplication(value: Money, factor: int) -> None:
    assert (value * factor) / factor == value


@given(same_currency(2))
def test_order_follows_the_amounts(pair: list[Money]) -> None:
    a, b = pair
    assert (a < b) == (a.amount < b.amount)
    assert (a <= b) == (a.amount <= b.amount)
    assert (a == b) == (a.amount == b.amount)
    if a == b:
        assert hash(a) == hash(b)


@given(money())
def test_text_round_trip(value: Money) -> None:
    assert Money(str(value.amount), value.currency) == value
    assert Money(value.amount.normalize(), value.currency) == value
    assert hash(Money(value.amount.normalize(), value.currency)) == hash(value)


@given(money())
def test_negation_and_abs(value: Money) -> None:
    negated = -value
    assert -negated == value
    assert abs(value) == abs(-value)
    assert abs(value).amount >= 0
    assert value + (-value) == Money.zero(value.currency)


# -- rounding -----------------------------------------------------------------------------


@given(currencies(), amounts(places=6), modes)
def test_rounding_is_idempotent_and_close(code: str, amount: Decimal, mode: str) -> None:
    value = Money(amount, code)
    rounded = value.round(mode)
    assert rounded.round(mode) == rounded
    assert rounded.amount.as_tuple().exponent == -currency_precision(code)
    assert abs(rounded.amount - value.amount) < unit(value)
    if "HALF" in mode:
        assert abs(rounded.amount - value.amount) * 2 <= unit(value)


@given(money(), modes)
def test_rounding_whole_units_changes_nothing(value: Money, mode: str) -> None:
    assert value.round(mode) == value


@given(currencies(), amounts(places=6), modes)
def test_rounding_is_sign_symmetric_for_symmetric_modes(
    code: str, amount: Decimal, mode: str
) -> None:
    assume(mode not in ("ROUND_CEILING", "ROUND_FLOOR"))
    value = Money(amount, code)
    assert (-value).round(mode) == -(value.round(mode))


# -- exchange rates -----------------------------------------------------------------------


def _round28(value: Fraction) -> Decimal:
    context = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)
    return context.divide(Decimal(value.numerator), Decimal(value.denominator))


def _reference_leg(rates: ExchangeRates, source: str, target: str, on: dt.date) -> Fraction | None:
    """The applicable rate by a linear scan: latest day wins, explicit beats inverse."""
    best: tuple[dt.date, int, Fraction] | None = None
    for rate in rates.rates:
        if rate.effective > on:
            continue
        if (rate.source, rate.target) == (source, target):
            candidate = (rate.effective, 1, Fraction(rate.rate))
        elif (rate.source, rate.target) == (target, source):
            candidate = (rate.effective, 0, 1 / Fraction(rate.rate))
        else:
            continue
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return None if best is None else best[2]


def _reference_rate(rates: ExchangeRates, source: str, target: str, on: dt.date) -> Decimal | None:
    if source == target:
        return Decimal(1)
    direct = _reference_leg(rates, source, target, on)
    if direct is not None:
        return _round28(direct)
    base = rates.base
    if base is None or base in (source, target):
        return None
    first = _reference_leg(rates, source, base, on)
    second = _reference_leg(rates, base, target, on)
    if first is None or second is None:
        return None
    return _round28(first * second)


@st.composite
def table_and_question(draw: st.DrawFn) -> tuple[ExchangeRates, str, str, dt.date]:
    rates = draw(exchange_rates())
    codes = sorted({r.source for r in rates.rates} | {r.target for r in rates.rates} | {"EUR"})
    source = draw(st.sampled_from(codes))
    target = draw(st.sampled_from(codes))
    day = draw(st.sampled_from([r.effective for r in rates.rates]) | days if rates.rates else days)
    return rates, source, target, day


@given(table_and_question())
def test_rate_matches_a_linear_scan(question: tuple[ExchangeRates, str, str, dt.date]) -> None:
    rates, source, target, day = question
    expected = _reference_rate(rates, source, target, day)
    if expected is None:
        with pytest.raises(MissingRateError) as error:
            rates.rate(source, target, day)
        assert (error.value.source, error.value.target, error.value.on) == (source, target, day)
    else:
        assert rates.rate(source, target, day) == expected
        assert rates.rate(source, target, day) > 0


@given(exchange_rates())
def test_tables_from_equal_rates_are_equal(rates: ExchangeRates) -> None:
    copy = ExchangeRates(list(rates.rates), base=rates.base)
    assert copy == rates
    assert hash(copy) == hash(rates)


@given(
    st.sampled_from(["EUR", "USD", "JPY", "BHD", "GBP", "KRW"]),
    st.sampled_from(["EUR", "USD", "JPY", "BHD", "GBP", "KRW"]),
    st.decimals(min_value=Decimal("0.0001"), max_value=10_000, places=4),
    st.integers(min_value=0, max_value=10**12),
    days,
)
def test_round_trip_through_the_inverse_stays_close(
    source: str, target: str, rate: Decimal, units: int, day: dt.date
) -> None:
    assume(source != target)
    rates = ExchangeRates((ExchangeRate(source, target, rate, effective=dt.date(1999, 1, 1)),))
    original = Money(Decimal(units).scaleb(-currency_precision(source)), source)
    there = rates.convert(original, target, day)
    back = rates.convert(there, source, day)
    # Rounding in the target loses at most half a target unit (worth 1/rate as much in the
    # source); rounding back adds at most half a source unit.
    source_unit = unit(original)
    target_unit = unit(there)
    bound = target_unit / 2 / rate + source_unit / 2 + Decimal("1e-12")
    assert abs(back.amount - original.amount) <= bound
    if target_unit / rate <= source_unit:
        assert abs(back.amount - original.amount) <= source_unit


# -- the strategies themselves ------------------------------------------------------------


@given(money("BHD", min_value=0, max_value=10), amounts(places=3, min_value=-1, max_value=1))
def test_strategies_respect_their_bounds(value: Money, amount: Decimal) -> None:
    assert value.currency == "BHD"
    assert Decimal(0) <= value.amount <= Decimal(10)
    assert value.amount.as_tuple().exponent == -3
    assert Decimal(-1) <= amount <= Decimal(1)
    assert amount.as_tuple().exponent == -3


@given(exchange_rates(["EUR", "USD", "JPY"], base="EUR"))
def test_exchange_rates_strategy_uses_the_given_codes(rates: ExchangeRates) -> None:
    assert rates.base == "EUR"
    for rate in rates.rates:
        assert {rate.source, rate.target} <= {"EUR", "USD", "JPY"}
        assert rate.rate > 0
