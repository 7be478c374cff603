"""Small attrs validators shared by the value classes; each raises :class:`ValidationError`."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from sfa_core.errors import ValidationError

__all__ = [
    "check_bool",
    "check_date",
    "check_key",
    "check_text",
    "check_version",
    "require_day",
    "require_key",
]

_MAX_KEY_LENGTH = 200
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_key(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an identifier such as a SKU or a price book id (an attrs validator).

    See :func:`require_key` for the rules.
    """
    require_key(value, attribute.name)


def require_key(value: Any, path: str) -> str:
    """Return ``value`` if it is a valid identifier, else raise :class:`ValidationError`.

    An identifier is a non-empty ``str`` of at most 200 characters, without
    leading or trailing whitespace and without control characters.

    >>> require_key("LAPTOP-15", "sku")
    'LAPTOP-15'
    >>> require_key(" LAPTOP", "sku")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: sku: must not start or end with whitespace (got ' LAPTOP')
    """
    if not isinstance(value, str):
        raise ValidationError("must be a string", path=path, value=value)
    if not value:
        raise ValidationError("must not be empty", path=path, value=value)
    if len(value) > _MAX_KEY_LENGTH:
        raise ValidationError(
            f"must be at most {_MAX_KEY_LENGTH} characters", path=path, value=value
        )
    if value != value.strip():
        raise ValidationError("must not start or end with whitespace", path=path, value=value)
    if not value.isprintable():
        raise ValidationError("must not contain control characters", path=path, value=value)
    return value


def check_text(instance: Any, attribute: Any, value: Any) -> None:
    """Validate free text: any ``str`` (possibly empty) without control characters.

    Newlines and tabs are allowed; other C0 and C1 control characters are not.
    """
    if not isinstance(value, str):
        raise ValidationError("must be a string", path=attribute.name, value=value)
    if _CONTROL.search(value):
        raise ValidationError(
            "must not contain control characters", path=attribute.name, value=value
        )


def check_bool(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a real ``bool`` (``0`` and ``"yes"`` are refused)."""
    if not isinstance(value, bool):
        raise ValidationError("must be True or False", path=attribute.name, value=value)


def check_date(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an optional ``datetime.date`` (an attrs validator; see :func:`require_day`)."""
    if value is not None:
        require_day(value, attribute.name)


def require_day(value: Any, path: str) -> _dt.date:
    """Return ``value`` if it is a ``datetime.date``, else raise :class:`ValidationError`.

    A ``datetime`` is refused: it is not a day, and comparing one with a date fails.

    >>> import datetime as dt
    >>> require_day(dt.date(2027, 1, 1), "on")
    datetime.date(2027, 1, 1)
    >>> require_day(dt.datetime(2027, 1, 1), "on")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: on: must be a datetime.date (not a datetime) (got ...)
    """
    if value.__class__ is _dt.date or (
        isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)
    ):
        return value
    raise ValidationError("must be a datetime.date (not a datetime)", path=path, value=value)


def check_version(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a storage version: an ``int`` >= 0 (0 means never stored)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationError("must be an integer >= 0", path=attribute.name, value=value)
