"""Hypothesis strategies for money values: currencies, amounts, Money and exchange-rate tables.

These are re-exported from :mod:`sfa_core.testing.strategies`; use them to property-test
code that handles money::

    from hypothesis import given
    from sfa_core.testing.strategies import money

    @given(money(currency="EUR"))
    def test_split_adds_up(amount):
        assert sum(amount.split(3)) == amount
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from hypothesis import strategies as st

from sfa_core.money import (
    ExchangeRate,
    ExchangeRates,
    Money,
    currency_precision,
    validate_currency,
)

__all__ = ["amounts", "currencies", "exchange_rates", "money"]

_DEFAULT_BOUND = Decimal(10) ** 12
_FIRST_DAY = _dt.date(2000, 1, 1)
_LAST_DAY = _dt.date(2099, 12, 31)

_Bound = Decimal | int | str | None


def _all_codes() -> list[str]:
    from babel.numbers import list_currencies

    return sorted(code for code in list_currencies() if _is_code(code))


def _is_code(code: str) -> bool:
    try:
        validate_currency(code)
    except ValueError:
        return False
    return True


def currencies() -> st.SearchStrategy[str]:
    """Return a strategy for the ISO 4217 codes that :class:`~sfa_core.money.Money` accepts.

    Every code babel knows can come out, historic ones included; it shrinks towards
    ``"ADP"``, the first in alphabetical order.

    Returns:
        A strategy of three-letter upper-case codes such as ``"EUR"`` or ``"JPY"``.

    Example:
        ``currencies().example()`` might give ``'KWD'``.
    """
    return st.sampled_from(_all_codes())


def amounts(
    places: int = 2, min_value: _Bound = None, max_value: _Bound = None
) -> st.SearchStrategy[Decimal]:
    """Return a strategy for finite ``Decimal`` amounts with exactly ``places`` decimals.

    Args:
        places: Digits after the decimal point (2 for cents).
        min_value: The smallest amount; ``-10**12`` when ``None``.
        max_value: The largest amount; ``10**12`` when ``None``.

    Returns:
        A strategy of Decimals such as ``Decimal('-12.30')``.

    Example:
        ``amounts(places=3, min_value=0).example()`` might give ``Decimal('71.125')``.
    """
    return st.decimals(
        min_value=-_DEFAULT_BOUND if min_value is None else min_value,
        max_value=_DEFAULT_BOUND if max_value is None else max_value,
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )


def money(
    currency: str | None = None, min_value: _Bound = None, max_value: _Bound = None
) -> st.SearchStrategy[Money]:
    """Return a strategy for :class:`~sfa_core.money.Money` in whole minor units.

    Args:
        currency: The currency of every value; any currency (see :func:`currencies`)
            when ``None``.
        min_value: The smallest amount; ``-10**12`` when ``None``.
        max_value: The largest amount; ``10**12`` when ``None``.

    Returns:
        A strategy of Money whose amounts have the currency's minor units, such as
        ``Money('12.30', 'EUR')`` or ``Money('1200', 'JPY')``.

    Raises:
        UnknownCurrencyError: ``currency`` is not a known ISO 4217 code.

    Example:
        ``money("BHD", min_value=0).example()`` might give
        ``Money(amount=Decimal('5.125'), currency='BHD')``.
    """

    def in_currency(code: str) -> st.SearchStrategy[Money]:
        return amounts(currency_precision(code), min_value, max_value).map(
            lambda amount: Money(amount, code)
        )

    if currency is not None:
        return in_currency(validate_currency(currency))
    return currencies().flatmap(in_currency)


def _rates() -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=6).flatmap(
        lambda places: st.decimals(
            min_value=Decimal(1).scaleb(-places),
            max_value=10_000,
            places=places,
            allow_nan=False,
            allow_infinity=False,
        )
    )


@st.composite
def _exchange_rates(
    draw: st.DrawFn, codes: list[str] | None, base: str | None, max_rates: int
) -> ExchangeRates:
    if codes is None:
        codes = draw(st.lists(currencies(), min_size=2, max_size=5, unique=True))
    pairs = [(source, target) for source in codes for target in codes if source != target]
    entries = draw(
        st.lists(
            st.tuples(
                st.sampled_from(pairs),
                st.dates(min_value=_FIRST_DAY, max_value=_LAST_DAY),
                _rates(),
            ),
            max_size=max_rates,
            unique_by=lambda entry: (entry[0], entry[1]),
        )
    )
    rates = tuple(
        ExchangeRate(source, target, rate, effective=day) for (source, target), day, rate in entries
    )
    if base is None:
        base = draw(st.none() | st.sampled_from(codes))
    return ExchangeRates(rates, base=base)


def exchange_rates(
    codes: list[str] | None = None, base: str | None = None, max_rates: int = 8
) -> st.SearchStrategy[ExchangeRates]:
    """Return a strategy for valid :class:`~sfa_core.money.ExchangeRates` tables.

    Rates are positive Decimals from ``0.000001`` to ``10000`` with up to six decimals,
    effective on days from 2000 to 2099, at most one per (source, target, day).

    Args:
        codes: The currencies the rates link (at least two); two to five drawn
            currencies when ``None``.
        base: The table's base currency; drawn from ``codes`` or ``None`` when omitted.
        max_rates: The largest number of rates in a table.

    Returns:
        A strategy of ExchangeRates.

    Raises:
        ValueError: Fewer than two ``codes`` were given.

    Example:
        ``exchange_rates(["EUR", "USD"], base="EUR").example()`` might give a table
        with ``ExchangeRate('USD', 'EUR', Decimal('0.92'), effective=date(2031, 5, 2))``.
    """
    if codes is not None:
        codes = [validate_currency(code, path="codes") for code in codes]
        if len(set(codes)) < 2:
            raise ValueError("exchange_rates() needs at least two distinct currency codes")
        codes = sorted(set(codes))
    if base is not None:
        base = validate_currency(base, path="base")
    return _exchange_rates(codes, base, max_rates)
