"""Invariants of proration and derived price books, checked with Hypothesis.

The strategies of the values of ``sfa_core.catalog.subscription``,
``sfa_core.pricing.proration`` and ``sfa_core.catalog.derivation`` come from
:mod:`sfa_core.testing.strategies`. ``test_full_default_term_is_exactly_one`` is the
issue's "proration of a full default term is 1".
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from sfa_core.catalog.derivation import Derivation, PriceBase
from sfa_core.catalog.model import Product
from sfa_core.catalog.subscription import ProrationPrecision, SubscriptionTerms, TermUnit
from sfa_core.money import Money
from sfa_core.pricing.proration import (
    _months_and_days,
    coterminate,
    prorate,
    subscription_end,
)
from sfa_core.serialization import structure, to_json, unstructure
from sfa_core.testing.strategies import (
    derivations,
    derived_prices,
    price_book_sets,
    price_steps,
    prorations,
    resolution_steps,
    resolved_prices,
    subscription_terms,
)

DAY = dt.date(2027, 3, 1)
_dates = st.dates(dt.date(1900, 1, 1), dt.date(2500, 12, 31))

# -- test inputs (the value strategies come from sfa_core.testing.strategies) ----------------

_amounts = st.decimals(
    min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False
)

_products = st.builds(
    Product,
    sku=st.sampled_from(["W-1", "G-1"]),
    name=st.just("product"),
    family=st.sampled_from(["", "hardware", "software"]),
    cost=st.none() | _amounts.map(lambda a: Money(a, "EUR")),
)


# -- proration properties --------------------------------------------------------------------


@given(_dates, st.integers(1, 60), st.sampled_from([TermUnit.MONTH, TermUnit.YEAR]))
def test_full_default_term_is_exactly_one(start, default, unit):
    terms = SubscriptionTerms(term_unit=unit, default_term=default, precision="month")
    end = subscription_end(start, default, unit)
    p = prorate(terms, start=start, end=end)
    assert p.exact == 1
    assert p.multiplier == 1
    assert p.term == default


@given(subscription_terms(), _dates, st.integers(0, 2000), st.integers(0, 400))
def test_multiplier_is_monotone_in_the_end_date(terms, start, length, more):
    # MONTH_PLUS_DAY is monotone when a month's leftover days (at most 30) never exceed a
    # month: 30 x 12 / day_basis <= 1, true for every day_basis >= 360 drawn here
    end = start + dt.timedelta(days=length)
    later = end + dt.timedelta(days=more)
    first = prorate(terms, start=start, end=end)
    second = prorate(terms, start=start, end=later)
    assert first.exact <= second.exact
    assert first.multiplier <= second.multiplier
    assert first.term <= second.term


@given(_dates, _dates)
def test_whole_months_agree_with_relativedelta(first, second):
    start, end = min(first, second), max(first, second)
    stop = end + dt.timedelta(days=1)
    months, days = _months_and_days(start, stop)
    delta = relativedelta(stop, start)
    assert months == delta.years * 12 + delta.months
    assert days == delta.days


@given(subscription_terms(precision=ProrationPrecision.MONTH), _dates, st.integers(1, 48))
def test_explicit_term_agrees_with_its_end_date(terms, start, months):
    if terms.term_unit is TermUnit.DAY:
        return
    if terms.term_unit is TermUnit.YEAR and months % 3:
        return  # only quarters are whole months as a finite decimal number of years
    term = Decimal(months) if terms.term_unit is TermUnit.MONTH else Decimal(months) / 12
    by_term = prorate(terms, start=start, term=term)
    by_date = prorate(terms, start=start, end=by_term.end)
    assert by_term.multiplier == by_date.multiplier


@given(subscription_terms(), _dates, st.integers(0, 2000))
def test_coterminate_is_prorate_to_the_contract_end(terms, start, length):
    end = start + dt.timedelta(days=length)
    co = coterminate(terms, start=start, end_date=end)
    plain = prorate(terms, start=start, end=end)
    assert (co.multiplier, co.exact, co.term) == (plain.multiplier, plain.exact, plain.term)
    assert co.reason.startswith("co-terminated")
    assert co.reason.endswith(plain.reason)


@given(subscription_terms(), _dates, st.integers(0, 2000))
def test_multiplier_is_the_rounded_exact_quotient(terms, start, length):
    p = prorate(terms, start=start, end=start + dt.timedelta(days=length))
    assert p.multiplier == p.exact.quantize(terms.quantum, terms.rounding)
    assert abs(p.multiplier - p.exact) < terms.quantum


# -- derived price properties ----------------------------------------------------------------


@given(_amounts, st.decimals(0, 100, places=4))
def test_discount_only_never_raises_the_price(base, discount):
    result = Derivation(base_price_book="LIST", discount=discount).apply(base)
    assert result.price <= base
    assert result.price >= 0


@given(derivations(), _amounts)
def test_margins_bound_the_price(derivation, base):
    price = derivation.apply(base).price
    if derivation.max_margin is not None:
        assert price <= base + derivation.max_margin
    if derivation.min_margin is not None and (
        derivation.max_margin is None or derivation.max_margin >= derivation.min_margin
    ):
        assert price >= base + derivation.min_margin


@given(price_book_sets(), _products)
def test_a_listed_entry_always_wins(books, product):
    for book in books.books:
        entry = book.entries.get(product.sku)
        if entry is not None:
            assert books.unit_price(book.id, product, on=DAY).price == entry


@given(price_book_sets(), _products)
def test_a_book_prices_the_same_alone_or_as_a_base(books, product):
    for book in books.books:
        derivation = book.derived_from
        if derivation is None or derivation.base is PriceBase.COST or product.sku in book.entries:
            continue
        if not derivation.applies_to(product):
            continue
        try:
            base = books.unit_price(str(derivation.base_price_book), product, on=DAY)
            price = books.unit_price(book.id, product, on=DAY)
        except (LookupError, ValueError):
            continue
        expected = derivation.apply(base.price.amount).price
        assert price.price == Money(expected, "EUR").round(books.rounding)


# -- serialization ---------------------------------------------------------------------------

_ENUMS_AS_MEMBERS = isinstance(unstructure(TermUnit.MONTH), enum.Enum)


def _round_trips(value: object) -> None:
    assert structure(json.loads(to_json(value)), type(value)) == value
    if not _ENUMS_AS_MEMBERS:
        assert structure(unstructure(value), type(value)) == value


@given(
    st.one_of(
        subscription_terms(),
        prorations(),
        derivations(),
        derived_prices(),
        price_steps(),
        price_book_sets(),
        resolved_prices(),
        resolution_steps(),
    )
)
def test_every_public_value_round_trips(value):
    _round_trips(value)


def test_defaults_round_trip():
    _round_trips(SubscriptionTerms(rounding=ROUND_HALF_UP))
