"""Converters and validators shared by the configure package's value classes and functions.

Each refuses a wrong type with a :class:`~sfa_core.errors.ValidationError` naming the
field (or argument) and the value, so that no ``TypeError``, ``AttributeError`` or
``KeyError`` leaks out of a constructor or a public function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sfa_core._frozen import FrozenMap, freeze_map
from sfa_core._validate import MAX_INTEGER_DIGITS, require_decimal, require_index
from sfa_core.errors import ValidationError

__all__ = [
    "MAX_QUANTITY",
    "check_count",
    "check_mapping",
    "check_optional_count",
    "check_ratio",
    "check_sequence",
    "require_count",
    "require_instance",
    "require_mapping",
    "require_sequence",
    "to_map",
    "to_tuple",
]

#: The largest count or quantity the package supports (30 digits, the number range
#: of :mod:`sfa_core._validate`).
MAX_QUANTITY = 10**MAX_INTEGER_DIGITS - 1


def require_sequence(value: Any, path: str) -> tuple[Any, ...]:
    """Return ``value`` as a tuple; refuse ``None``, a str, a mapping or a non-iterable.

    >>> require_sequence(["a"], "keep")
    ('a',)
    >>> require_sequence("ab", "keep")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: keep: must be a sequence (list or tuple) (got 'ab')
    """
    if value.__class__ is tuple:
        return value
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        raise ValidationError("must be a sequence (list or tuple)", path=path, value=value)
    return tuple(value)


def require_mapping(value: Any, path: str) -> FrozenMap[Any, Any]:
    """Return ``value`` as a :class:`~sfa_core._frozen.FrozenMap`; refuse a non-mapping.

    >>> require_mapping({"colour": "black"}, "attributes")
    {'colour': 'black'}
    >>> require_mapping("colour", "attributes")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: attributes: must be a mapping (dict) (got 'colour')
    """
    if not isinstance(value, Mapping):
        raise ValidationError("must be a mapping (dict)", path=path, value=value)
    return freeze_map(value)


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Convert a list (or any iterable but a str or mapping) to a tuple; leave the rest.

    A named attrs converter (type checkers need one); pair it with
    :func:`check_sequence`, which refuses what was left unconverted, naming the field.

    >>> to_tuple(["a", "b"]), to_tuple("ab")
    (('a', 'b'), 'ab')
    """
    if value.__class__ is tuple:
        return value
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        return value  # type: ignore[return-value]
    return tuple(value)


def check_sequence(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a sequence field (after :func:`to_tuple`), naming the field."""
    if value.__class__ is not tuple:
        require_sequence(value, attribute.name)


def to_map(value: Mapping[Any, Any]) -> FrozenMap[Any, Any]:
    """Convert a mapping to a :class:`~sfa_core._frozen.FrozenMap`; leave the rest.

    Pair it with :func:`check_mapping`.

    >>> to_map({"a": 1}), to_map("a")
    ({'a': 1}, 'a')
    """
    return freeze_map(value) if isinstance(value, Mapping) else value


def check_mapping(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a mapping field (after :func:`to_map`), naming the field."""
    if not isinstance(value, FrozenMap):
        require_mapping(value, attribute.name)


def require_count(value: Any, path: str) -> int:
    """Return ``value`` when it is an int in ``0..MAX_QUANTITY`` (not a bool); refuse the rest.

    >>> require_count(3, "min_options")
    3
    >>> require_count(True, "min_options")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: min_options: must be an integer >= 0 (got True)
    """
    return require_index(value, path)  # the package's one count check (0..MAX_QUANTITY)


def check_count(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a count or quantity field (an attrs validator); see :func:`require_count`."""
    require_count(value, attribute.name)


def check_optional_count(instance: Any, attribute: Any, value: Any) -> None:
    """Like :func:`check_count`, ``None`` allowed."""
    if value is not None:
        require_count(value, attribute.name)


def require_instance(value: Any, kind: type, label: str, path: str) -> None:
    """Refuse ``value`` unless it is an instance of ``kind`` (``label`` names it: "a Bundle").

    >>> require_instance(None, int, "an int", "root")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: root: must be an int (got None)
    """
    if not isinstance(value, kind):
        raise ValidationError(f"must be {label}", path=path, value=value)


def check_ratio(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a ratio field (after :func:`~sfa_core._validate.to_decimal`): a number > 0.

    Floats, bools, non-numbers and numbers outside the supported range are refused.
    """
    number = require_decimal(value, attribute.name)
    if number <= 0:
        raise ValidationError("must be greater than zero", path=attribute.name, value=value)
