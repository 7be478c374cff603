"""Subscription terms of a product: the unit of its term, its default term and how to prorate.

A subscription product is priced for a *default term* (``12`` months for the list price);
a quote line for a different span of time pays the list price times a *prorate multiplier*
(effective term / default term). :class:`SubscriptionTerms` holds the product's side of that
calculation, the way Salesforce CPQ keeps it on the product and in its package settings
(``Subscription Term``, ``Subscription Term Unit``, ``Subscription Prorate Precision``).
The calculation itself is :func:`sfa_core.pricing.proration.prorate`.

>>> from sfa_core.catalog.subscription import SubscriptionTerms, TermUnit
>>> terms = SubscriptionTerms()
>>> terms.term_unit, terms.default_term, terms.precision.value
(<TermUnit.MONTH: 'month'>, Decimal('12'), 'month')
>>> SubscriptionTerms(default_term=0)
Traceback (most recent call last):
...
sfa_core.errors.ValidationError: default_term: must be greater than zero (got Decimal('0'))
"""

from __future__ import annotations

import decimal
import enum
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from sfa_core._validate import as_member, check_decimal, check_positive, to_decimal
from sfa_core.errors import ValidationError
from sfa_core.money import ROUNDING_MODES

__all__ = ["MAX_MULTIPLIER_PLACES", "ProrationPrecision", "SubscriptionTerms", "TermUnit"]

#: The most decimal places a prorate multiplier may be rounded to.
MAX_MULTIPLIER_PLACES = 12

# Quotients: 28 significant digits, halves to even (as money.py divides).
_DIVISION = decimal.Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
# Products of the few numbers involved: exact.
_EXACT = decimal.Context(
    prec=100,
    rounding=ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
_TWELVE = Decimal(12)
_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(MAX_MULTIPLIER_PLACES + 1))


class TermUnit(str, enum.Enum):
    """The unit a subscription term is counted in.

    >>> TermUnit("year")
    <TermUnit.YEAR: 'year'>
    """

    MONTH = "month"
    YEAR = "year"
    DAY = "day"


class ProrationPrecision(str, enum.Enum):
    """How a span of dates is turned into a term (CPQ's *Subscription Prorate Precision*).

    * ``MONTH``: whole calendar months; a partial month counts as a whole one (rounded up).
    * ``DAY``: days (both ends included) over a day basis (365 days a year by default).
    * ``MONTH_PLUS_DAY``: whole calendar months plus the remaining days as a fraction of
      a month, ``days x 12 / day_basis`` (CPQ's *Monthly + Daily*).

    >>> [member.value for member in ProrationPrecision]
    ['month', 'day', 'month_plus_day']
    """

    MONTH = "month"
    DAY = "day"
    MONTH_PLUS_DAY = "month_plus_day"


def _term_unit(value: TermUnit | str) -> TermUnit:
    return as_member(TermUnit, value, "term_unit")


def _precision(value: ProrationPrecision | str) -> ProrationPrecision:
    return as_member(ProrationPrecision, value, "precision")


def _check_places(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not int or not 0 <= value <= MAX_MULTIPLIER_PLACES:
        raise ValidationError(
            f"must be an int from 0 to {MAX_MULTIPLIER_PLACES}", path=attribute.name, value=value
        )


def _check_rounding(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not str or value not in ROUNDING_MODES:
        raise ValidationError(
            "must be one of the decimal rounding modes " + ", ".join(sorted(ROUNDING_MODES)),
            path=attribute.name,
            value=value,
        )


@attrs.frozen
class SubscriptionTerms:
    """How a subscription product is sold over time and prorated.

    Attributes:
        term_unit: The unit of ``default_term`` and of the terms a quote gives (CPQ's
            *Subscription Term Unit*).
        default_term: The term the list price pays for, in ``term_unit`` (CPQ's
            *Subscription Term* on the product; ``12`` months by default, as CPQ treats a
            blank term).
        precision: How a start and end date become a term (CPQ's *Subscription Prorate
            Precision*).
        day_basis: Days in a year for day counting: a year is ``day_basis`` days and a
            month ``day_basis / 12`` days. ``365`` (CPQ) by default; a leap year then
            counts 366 / 365 of a year.
        multiplier_places: Decimal places the prorate multiplier is rounded to (0 to 12).
        rounding: The :mod:`decimal` rounding mode of the multiplier.

    Raises:
        ValidationError: A field is out of range (the error names it).

    >>> from decimal import ROUND_HALF_EVEN
    >>> terms = SubscriptionTerms(term_unit="day", default_term=365, precision="day",
    ...                           multiplier_places=4, rounding=ROUND_HALF_EVEN)
    >>> terms.term_unit, terms.default_term, terms.day_basis
    (<TermUnit.DAY: 'day'>, Decimal('365'), Decimal('365'))
    >>> SubscriptionTerms(multiplier_places=13)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: multiplier_places: must be an int from 0 to 12 (got 13)
    """

    term_unit: TermUnit = attrs.field(default=TermUnit.MONTH, converter=_term_unit)
    default_term: Decimal = attrs.field(
        default=Decimal(12), converter=to_decimal, validator=[check_decimal, check_positive]
    )
    precision: ProrationPrecision = attrs.field(
        default=ProrationPrecision.MONTH, converter=_precision
    )
    day_basis: Decimal = attrs.field(
        default=Decimal(365), converter=to_decimal, validator=[check_decimal, check_positive]
    )
    multiplier_places: int = attrs.field(default=6, validator=_check_places)
    rounding: str = attrs.field(default=ROUND_HALF_UP, validator=_check_rounding)

    # Caches for the proration hot path (not compared, not serialized). A "tick" is
    # 1 / (12 x day_basis) of a year: a month is day_basis ticks, a day 12 ticks, so every
    # unit and every count of days or months is a whole number of ticks when day_basis is.
    _quantum: Decimal = attrs.field(init=False, eq=False, repr=False)
    _unit_ticks: Decimal = attrs.field(init=False, eq=False, repr=False)
    _default_ticks: Decimal = attrs.field(init=False, eq=False, repr=False)
    _default_months: Decimal = attrs.field(init=False, eq=False, repr=False)
    _default_days: Decimal = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        basis = self.day_basis
        if self.term_unit is TermUnit.MONTH:
            unit_ticks = basis
        elif self.term_unit is TermUnit.YEAR:
            unit_ticks = _EXACT.multiply(basis, _TWELVE)
        else:
            unit_ticks = _TWELVE
        default_ticks = _EXACT.multiply(self.default_term, unit_ticks)
        object.__setattr__(self, "_quantum", _QUANTA[self.multiplier_places])
        object.__setattr__(self, "_unit_ticks", unit_ticks)
        object.__setattr__(self, "_default_ticks", default_ticks)
        object.__setattr__(self, "_default_months", _DIVISION.divide(default_ticks, basis))
        object.__setattr__(self, "_default_days", _DIVISION.divide(default_ticks, _TWELVE))

    @property
    def quantum(self) -> Decimal:
        """The quantum the multiplier is rounded to (``Decimal('0.000001')`` for 6 places).

        >>> SubscriptionTerms(multiplier_places=2).quantum
        Decimal('0.01')
        """
        return self._quantum

    @property
    def default_months(self) -> Decimal:
        """The default term in months (a year is 12 months, a day ``12 / day_basis``).

        28 significant digits when the quotient does not terminate.

        >>> SubscriptionTerms(term_unit="year", default_term=2).default_months
        Decimal('24')
        >>> SubscriptionTerms(term_unit="day", default_term=730).default_months
        Decimal('24')
        """
        return self._default_months

    @property
    def default_days(self) -> Decimal:
        """The default term in days for day proration (a month is ``day_basis / 12`` days).

        28 significant digits when the quotient does not terminate.

        >>> SubscriptionTerms().default_days
        Decimal('365')
        >>> SubscriptionTerms(default_term=1, day_basis=360).default_days
        Decimal('30')
        """
        return self._default_days
