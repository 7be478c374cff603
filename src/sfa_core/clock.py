"""Clocks for the facade: the system clock and a fixed one for tests and replays."""

from __future__ import annotations

import datetime as _dt

import attrs

from sfa_core.errors import ValidationError

__all__ = ["FixedClock", "SystemClock"]


class SystemClock:
    """The real time, in UTC.

    >>> SystemClock().now().tzinfo
    datetime.timezone.utc
    """

    def now(self) -> _dt.datetime:
        """Return the current UTC time."""
        return _dt.datetime.now(_dt.timezone.utc)

    def today(self) -> _dt.date:
        """Return the current UTC date."""
        return self.now().date()


def _check_aware(instance: object, attribute: attrs.Attribute[_dt.datetime], value: object) -> None:
    if not isinstance(value, _dt.datetime) or value.tzinfo is None:
        raise ValidationError("must be a timezone-aware datetime", path=attribute.name, value=value)


@attrs.define
class FixedClock:
    """A clock that says what it is told, for tests and reproducible runs.

    >>> import datetime as dt
    >>> clock = FixedClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone.utc))
    >>> clock.today()
    datetime.date(2027, 3, 1)
    >>> clock.advance(days=1).today()
    datetime.date(2027, 3, 2)
    """

    current: _dt.datetime = attrs.field(validator=_check_aware)

    def now(self) -> _dt.datetime:
        """Return the fixed time."""
        return self.current

    def today(self) -> _dt.date:
        """Return the fixed date."""
        return self.current.date()

    def advance(self, **delta: float) -> FixedClock:
        """Move the clock forward by a ``timedelta(**delta)`` and return it."""
        self.current = self.current + _dt.timedelta(**delta)
        return self
