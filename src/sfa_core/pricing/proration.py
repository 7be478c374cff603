"""Proration and co-termination of subscriptions (Salesforce CPQ semantics), as pure functions.

A subscription product's list price pays for its *default term* (12 months, say). A quote
line that runs for another span pays the list price times the *prorate multiplier*::

    multiplier = effective term / default term

When the line gives an explicit term, that term is the effective term (CPQ: "Salesforce CPQ
divides the quote line's effective subscription term by its default subscription term").
When it gives a start and an (inclusive) end date instead, the product's
:class:`~sfa_core.catalog.subscription.ProrationPrecision` turns the dates into a term:

* ``MONTH``: whole calendar months, a partial month counted as a whole one
  (CPQ: 2017-01-01 to 2018-01-10 is 12 months and 10 days, so 13 months);
* ``DAY``: the days from start to end, both included, over the days of the default term,
  a year being ``day_basis`` days and a month ``day_basis / 12`` (CPQ: 830 days / 365);
* ``MONTH_PLUS_DAY``: whole months plus the remaining days converted to months as
  ``days x 12 / day_basis`` (CPQ's *Monthly + Daily*).

Whole months are counted the way :class:`dateutil.relativedelta.relativedelta` counts them:
adding ``n`` months to the start keeps its day of the month, clamped to the month's last day
(January 31 + 1 month = February 28 or 29). So a full default term, from ``start`` to
:func:`subscription_end`, is always exactly 1 under ``MONTH`` precision.

Under ``DAY`` precision a calendar year that contains February 29 has 366 days, and with the
default ``day_basis`` of 365 it prorates to 366 / 365 = 1.002740 (Salesforce CPQ does the
same); set ``day_basis`` to 366 or use ``MONTH`` precision when a leap year must cost the
same as any other.

The multiplier is rounded to the terms' ``multiplier_places`` with their ``rounding`` mode;
``exact`` keeps the unrounded quotient (28 significant digits when it does not terminate).

>>> import datetime as dt
>>> from sfa_core.catalog.subscription import SubscriptionTerms
>>> p = prorate(SubscriptionTerms(), start=dt.date(2027, 1, 15), end=dt.date(2027, 7, 20))
>>> p.multiplier, p.term
(Decimal('0.583333'), Decimal('7'))
>>> print(p)  # doctest: +NORMALIZE_WHITESPACE
2027-01-15 to 2027-07-20: 7 months, multiplier 0.583333
(6 months + 6 days, the partial month counted as a whole: 7 months / 12 months)
"""

from __future__ import annotations

import datetime as _dt
import decimal
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs

from sfa_core._fast import builder
from sfa_core._validate import (
    as_member,
    check_decimal,
    check_non_negative,
    check_positive,
    check_text,
    require_day,
    require_decimal,
    to_decimal,
)
from sfa_core.catalog.subscription import ProrationPrecision, SubscriptionTerms, TermUnit
from sfa_core.errors import ValidationError

__all__ = ["Proration", "coterminate", "prorate", "subscription_end"]

_TRAPS = [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]
# Products of the few numbers involved: exact (100 digits is far beyond any real term).
_EXACT = decimal.Context(prec=100, rounding=ROUND_HALF_EVEN, traps=_TRAPS)
# Quotients: 28 significant digits, halves to even (as sfa_core.money divides).
_DIVISION = decimal.Context(prec=28, rounding=ROUND_HALF_EVEN, traps=_TRAPS)

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ONE_DAY = _dt.timedelta(days=1)
_TWELVE = Decimal(12)
_UNIT_NAMES = {TermUnit.MONTH: "month", TermUnit.YEAR: "year", TermUnit.DAY: "day"}


def _precision(value: ProrationPrecision | str) -> ProrationPrecision:
    return as_member(ProrationPrecision, value, "precision")


def _unit(value: TermUnit | str) -> TermUnit:
    return as_member(TermUnit, value, "unit")


def _check_day(instance: Any, attribute: Any, value: Any) -> None:
    require_day(value, attribute.name)


def _check_end(instance: Proration, attribute: Any, value: Any) -> None:
    require_day(value, attribute.name)
    if value < instance.start:
        raise ValidationError(
            f"must not be before start ({instance.start.isoformat()})", path="end", value=value
        )


@attrs.frozen
class Proration:
    """The prorate multiplier of one subscription span, and how it was found.

    Attributes:
        start: First day of the subscription.
        end: Last day of the subscription (inclusive).
        term: The effective term in ``unit`` (exact, 28 significant digits at most).
        multiplier: The prorate multiplier, rounded to the terms' ``multiplier_places``
            with their ``rounding`` mode: multiply the list price by it.
        exact: The multiplier before rounding (28 significant digits when it does not
            terminate).
        precision: The precision of the terms (it counts only when dates gave the term).
        reason: How the term was counted, in words.
        unit: The unit of ``term``.

    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> p = Proration(start=dt.date(2027, 1, 1), end=dt.date(2027, 6, 30), term=6,
    ...               multiplier="0.5", exact="0.5", precision="month", reason="6 months")
    >>> p.multiplier, p.unit
    (Decimal('0.5'), <TermUnit.MONTH: 'month'>)
    >>> Proration(start=dt.date(2027, 1, 2), end=dt.date(2027, 1, 1), term=1,
    ...           multiplier=1, exact=1, precision="day", reason="")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: end: must not be before start (2027-01-02) (got ...)
    """

    start: _dt.date = attrs.field(validator=_check_day)
    end: _dt.date = attrs.field(validator=_check_end)
    term: Decimal = attrs.field(converter=to_decimal, validator=[check_decimal, check_positive])
    multiplier: Decimal = attrs.field(
        converter=to_decimal, validator=[check_decimal, check_non_negative]
    )
    exact: Decimal = attrs.field(converter=to_decimal, validator=[check_decimal, check_positive])
    precision: ProrationPrecision = attrs.field(converter=_precision)
    reason: str = attrs.field(validator=check_text)
    unit: TermUnit = attrs.field(default=TermUnit.MONTH, converter=_unit)

    def __str__(self) -> str:
        return (
            f"{self.start.isoformat()} to {self.end.isoformat()}: "
            f"{_quantity(self.term, self.unit)}, multiplier {self.multiplier} ({self.reason})"
        )


def _quantity(value: Decimal, unit: TermUnit) -> str:
    name = _UNIT_NAMES[unit]
    text = _number(value)
    return f"{text} {name}" if value == 1 else f"{text} {name}s"


def _number(value: Decimal) -> str:
    """Write a Decimal without exponent and without trailing zeros (``12``, ``0.5``)."""
    integral = value.to_integral_value()
    if value == integral:
        return str(int(integral))
    return f"{value.normalize(_EXACT):f}"


# -- calendar arithmetic -------------------------------------------------------------------


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _add_months(day: _dt.date, months: int) -> _dt.date:
    """Add whole months, keeping the day of the month clamped to the month's length."""
    total = day.month - 1 + months
    year = day.year + total // 12
    month = total % 12 + 1
    last = 29 if month == 2 and _is_leap(year) else _DAYS_IN_MONTH[month - 1]
    dom = day.day
    return _dt.date(year, month, dom if dom <= last else last)


def _months_and_days(start: _dt.date, stop: _dt.date) -> tuple[int, int]:
    """Whole months from ``start`` to ``stop`` (exclusive) and the days left over."""
    months = (stop.year - start.year) * 12 + stop.month - start.month
    anchor = _add_months(start, months)
    if anchor > stop:
        months -= 1
        anchor = _add_months(start, months)
    return months, (stop - anchor).days


def subscription_end(start: _dt.date, term: Decimal | int | str, unit: TermUnit | str) -> _dt.date:
    """Return the last day (inclusive) of a subscription of ``term`` units from ``start``.

    Months keep the start's day of the month, clamped to the month's length: 12 months
    from 2027-01-15 end on 2028-01-14, one month from 2027-01-31 ends on 2027-02-27.

    Args:
        start: The first day.
        term: The length: a whole number of months or days, or of years whose months are
            whole (``1.5`` years is 18 months).
        unit: The unit of ``term``.

    Returns:
        The last day of the subscription.

    Raises:
        ValidationError: ``start`` is not a date (path ``start``), ``term`` is not a
            positive whole number of months or days (path ``term``), ``unit`` is not a
            :class:`~sfa_core.catalog.subscription.TermUnit` (path ``unit``), or the end
            falls outside the calendar.

    >>> import datetime as dt
    >>> subscription_end(dt.date(2027, 1, 15), 12, "month")
    datetime.date(2028, 1, 14)
    >>> subscription_end(dt.date(2027, 1, 1), "1.5", "year"), subscription_end(
    ...     dt.date(2027, 1, 1), 30, "day")
    (datetime.date(2028, 6, 30), datetime.date(2027, 1, 30))
    >>> subscription_end(dt.date(2027, 1, 1), "2.5", "month")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: term: must be a whole number of months ... (got Decimal('2.5'))
    """
    require_day(start, "start")
    value = require_decimal(term, "term")
    if value <= 0:
        raise ValidationError("must be greater than zero", path="term", value=value)
    kind = _unit(unit)
    return _end_of(start, value, kind)


def _end_of(start: _dt.date, term: Decimal, unit: TermUnit) -> _dt.date:
    if unit is TermUnit.DAY:
        count = _whole(term, "days")
        return _calendar(lambda: start + _dt.timedelta(days=count - 1))
    months = _whole(term if unit is TermUnit.MONTH else _EXACT.multiply(term, _TWELVE), "months")
    return _calendar(lambda: _add_months(start, months) - _ONE_DAY)


def _whole(value: Decimal, what: str) -> int:
    if value != value.to_integral_value():
        raise ValidationError(
            f"must be a whole number of {what} to give an end date", path="term", value=value
        )
    return int(value)


def _calendar(compute: Any) -> _dt.date:
    try:
        result: _dt.date = compute()
    except (ValueError, OverflowError):
        raise ValidationError("the end date falls outside the calendar", path="term") from None
    return result


# -- proration -----------------------------------------------------------------------------


def prorate(
    terms: SubscriptionTerms,
    *,
    start: _dt.date,
    end: _dt.date | None = None,
    term: Decimal | int | str | None = None,
) -> Proration:
    """Return the prorate multiplier of a subscription from ``start``, to ``end`` or for ``term``.

    Give exactly one of ``end`` (the last day, inclusive) or ``term`` (in the terms'
    ``term_unit``). With ``term`` the multiplier is ``term / default_term`` and the end is
    :func:`subscription_end`; with ``end`` the terms' precision counts the term from the
    dates (see the module documentation).

    Args:
        terms: The product's subscription terms.
        start: The first day of the subscription.
        end: The last day of the subscription (inclusive).
        term: The length of the subscription in ``terms.term_unit``.

    Returns:
        The :class:`Proration`: multiplier, exact quotient, term and reason.

    Raises:
        ValidationError: ``start`` or ``end`` is not a date (a ``datetime`` is refused),
            ``end`` is before ``start``, ``term`` is not positive (or, to compute the end,
            not whole), both or neither of ``end`` and ``term`` are given, or ``terms``
            is not a :class:`~sfa_core.catalog.subscription.SubscriptionTerms`. The
            error's ``path`` names the argument.

    >>> import datetime as dt
    >>> from sfa_core.catalog.subscription import SubscriptionTerms
    >>> yearly = SubscriptionTerms()
    >>> prorate(yearly, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31)).multiplier
    Decimal('1.000000')
    >>> p = prorate(yearly, start=dt.date(2027, 3, 1), term=24)
    >>> p.end, p.multiplier
    (datetime.date(2029, 2, 28), Decimal('2.000000'))
    >>> daily = SubscriptionTerms(precision="day")
    >>> prorate(daily, start=dt.date(2028, 1, 1), end=dt.date(2028, 12, 31)).multiplier
    Decimal('1.002740')
    >>> prorate(yearly, start=dt.date(2027, 1, 2), end=dt.date(2027, 1, 1))
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: end: must not be before start (2027-01-02) (got ...)
    """
    return _prorate(terms, start, end, term, "end", "")


def coterminate(terms: SubscriptionTerms, *, start: _dt.date, end_date: _dt.date) -> Proration:
    """Prorate a subscription added mid-contract so that it ends with the contract.

    Co-termination (CPQ amendments): whatever its own default term, a subscription added
    to a running contract ends on the contract's ``end_date``. The multiplier is the one of
    :func:`prorate` from ``start`` to ``end_date``; the reason says it was co-terminated.

    Args:
        terms: The product's subscription terms.
        start: The first day of the added subscription (the amendment's start).
        end_date: The contract's last day (inclusive).

    Returns:
        The :class:`Proration` from ``start`` to ``end_date``.

    Raises:
        ValidationError: A date is invalid, or ``end_date`` is before ``start``
            (path ``end_date``).

    >>> import datetime as dt
    >>> from sfa_core.catalog.subscription import SubscriptionTerms
    >>> p = coterminate(SubscriptionTerms(), start=dt.date(2027, 4, 1),
    ...                 end_date=dt.date(2027, 12, 31))
    >>> p.multiplier, p.reason
    (Decimal('0.750000'), 'co-terminated with the contract ending 2027-12-31: 9 months / 12 months')
    """
    return _prorate(terms, start, end_date, None, "end_date", "co-terminated with the contract")


def _prorate(
    terms: SubscriptionTerms,
    start: _dt.date,
    end: _dt.date | None,
    term: Decimal | int | str | None,
    end_path: str,
    cotermination: str,
) -> Proration:
    if terms.__class__ is not SubscriptionTerms and not isinstance(terms, SubscriptionTerms):
        raise ValidationError("must be a SubscriptionTerms", path="terms", value=terms)
    if start.__class__ is not _dt.date:
        require_day(start, "start")
    unit = terms.term_unit
    default = terms.default_term
    basis = terms.day_basis
    if term is not None:
        if end is not None:
            raise ValidationError("give either end or term, not both", path="term", value=term)
        given = require_decimal(term, "term")
        if given <= 0:
            raise ValidationError("must be greater than zero", path="term", value=given)
        last = _end_of(start, given, unit)
        exact = _DIVISION.divide(given, default)
        reason = f"term given: {_quantity(given, unit)} / {_quantity(default, unit)}"
        return _make(terms, start, last, given, exact, reason)
    if end is None:
        raise ValidationError(f"give either {end_path} or term", path=end_path, value=None)
    if end.__class__ is not _dt.date:
        require_day(end, end_path)
    if end < start:
        raise ValidationError(
            f"must not be before start ({start.isoformat()})", path=end_path, value=end
        )
    # A "tick" is 1 / (12 x day_basis) of a year: a month is day_basis ticks, a day 12.
    unit_ticks = terms._unit_ticks
    default_ticks = terms._default_ticks
    precision = terms.precision
    if precision is ProrationPrecision.DAY:
        days = end.toordinal() - start.toordinal() + 1
        ticks = Decimal(12 * days)
        reason = f"{_plural(days, 'day')} / {_quantity(terms.default_days, TermUnit.DAY)}"
    else:
        try:
            stop = end + _ONE_DAY
        except OverflowError:
            raise ValidationError(
                "must be before the last day of the calendar", path=end_path, value=end
            ) from None
        months, days = _months_and_days(start, stop)
        over = f" / {_quantity(terms.default_months, TermUnit.MONTH)}"
        if precision is ProrationPrecision.MONTH:
            counted = months + 1 if days else months
            ticks = _EXACT.multiply(Decimal(counted), basis)
            if days:
                reason = (
                    f"{_plural(months, 'month')} + {_plural(days, 'day')}, the partial month "
                    f"counted as a whole: {_plural(counted, 'month')}{over}"
                )
            else:
                reason = f"{_plural(months, 'month')}{over}"
        else:
            ticks = _EXACT.add(_EXACT.multiply(Decimal(months), basis), Decimal(12 * days))
            if days:
                fraction = _DIVISION.divide(ticks, basis)
                reason = (
                    f"{_plural(months, 'month')} + {_plural(days, 'day')} = {months} + "
                    f"{days} x 12 / {_number(basis)} = {_quantity(fraction, TermUnit.MONTH)}"
                    f"{over}"
                )
            else:
                reason = f"{_plural(months, 'month')}{over}"
    if cotermination:
        reason = f"{cotermination} ending {end.isoformat()}: {reason}"
    effective = _DIVISION.divide(ticks, unit_ticks)
    exact = _DIVISION.divide(ticks, default_ticks)
    return _make(terms, start, end, effective, exact, reason)


def _plural(count: int, name: str) -> str:
    return f"{count} {name}" if count == 1 else f"{count} {name}s"


def _make(
    terms: SubscriptionTerms,
    start: _dt.date,
    end: _dt.date,
    term: Decimal,
    exact: Decimal,
    reason: str,
) -> Proration:
    """Build a Proration from values that are already valid (the hot path skips checks)."""
    return _new_proration(
        start,
        end,
        term,
        exact.quantize(terms._quantum, terms.rounding, _EXACT),
        exact,
        terms.precision,
        reason,
        terms.term_unit,
    )


_new_proration: Callable[..., Proration] = builder(Proration)
