"""Clocks for the facade: the system clock and a fixed one for tests and replays."""

from __future__ import annotations

import datetime as _dt
from typing import Protocol, runtime_checkable

import attrs

from sfa_core.errors import ValidationError

__all__ = ["Clock", "FixedClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Where the facade reads the time; the pure core takes time as a parameter instead.

    Example:
        >>> import datetime as dt
        >>> isinstance(SystemClock(), Clock)
        True
        >>> clock = FixedClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone.utc))
        >>> clock.now().isoformat(), clock.today().isoformat()
        ('2027-03-01T09:00:00+00:00', '2027-03-01')
    """

    def now(self) -> _dt.datetime:
        """Return the current time.

        Returns:
            A timezone-aware datetime.
        """
        ...

    def today(self) -> _dt.date:
        """Return the current date.

        Returns:
            The date of :meth:`now` in that datetime's own timezone.
        """
        ...


class SystemClock:
    """The real time, in UTC.

    Example:
        >>> SystemClock().now().tzinfo
        datetime.timezone.utc
    """

    def now(self) -> _dt.datetime:
        """Return the current UTC time.

        Returns:
            A timezone-aware datetime in UTC.

        Example:
            >>> now = SystemClock().now()
            >>> now.tzinfo, now.year >= 2024
            (datetime.timezone.utc, True)
        """
        return _dt.datetime.now(_dt.timezone.utc)

    def today(self) -> _dt.date:
        """Return the current UTC date.

        Returns:
            The date of :meth:`now` (in UTC, which may differ from the local date).

        Example:
            >>> import datetime as dt
            >>> type(SystemClock().today()) is dt.date
            True
        """
        return self.now().date()


def _check_aware(instance: object, attribute: attrs.Attribute[_dt.datetime], value: object) -> None:
    if not isinstance(value, _dt.datetime) or value.tzinfo is None:
        raise ValidationError("must be a timezone-aware datetime", path=attribute.name, value=value)


@attrs.define
class FixedClock:
    """A clock that says what it is told, for tests and reproducible runs.

    Args:
        current: The time it tells; must be timezone-aware.

    Raises:
        ValidationError: ``current`` is not a timezone-aware datetime (path ``"current"``).

    Example:
        >>> import datetime as dt
        >>> clock = FixedClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone.utc))
        >>> clock.today()
        datetime.date(2027, 3, 1)
        >>> clock.advance(days=1).today()
        datetime.date(2027, 3, 2)
        >>> FixedClock(dt.datetime(2027, 3, 1, 9, 0))
        Traceback (most recent call last):
        ...
        sfa_core.errors.ValidationError: current: must be a timezone-aware datetime (got ...)
    """

    current: _dt.datetime = attrs.field(validator=_check_aware)

    def now(self) -> _dt.datetime:
        """Return the fixed time.

        Returns:
            ``current``, unchanged until :meth:`advance` moves it.

        Example:
            >>> import datetime as dt
            >>> noon = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
            >>> FixedClock(noon).now() == noon
            True
        """
        return self.current

    def today(self) -> _dt.date:
        """Return the fixed date.

        Returns:
            The date of ``current`` in its own timezone.

        Example:
            >>> import datetime as dt
            >>> tokyo = dt.timezone(dt.timedelta(hours=9))
            >>> FixedClock(dt.datetime(2027, 3, 1, 1, 0, tzinfo=tokyo)).today()
            datetime.date(2027, 3, 1)
        """
        return self.current.date()

    def advance(self, **delta: float) -> FixedClock:
        """Move the clock forward by a ``timedelta(**delta)`` and return it.

        The clock itself changes (it is not a copy), so code holding it sees the new time.

        Args:
            **delta: Keyword arguments of :class:`datetime.timedelta` (``days``,
                ``hours``, ``minutes``...); negative values move it back.

        Returns:
            This clock, so calls can be chained.

        Raises:
            TypeError: A keyword is not one that ``timedelta`` takes.

        Example:
            >>> import datetime as dt
            >>> clock = FixedClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone.utc))
            >>> clock.advance(hours=1, minutes=30).now().time()
            datetime.time(10, 30)
            >>> clock.now().time()
            datetime.time(10, 30)
        """
        self.current = self.current + _dt.timedelta(**delta)
        return self
