"""Small attrs validators shared by the value classes; each raises :class:`ValidationError`."""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, NoReturn, TypeVar

import attrs

from sfa_core._frozen import FrozenMap, freeze_map
from sfa_core.errors import FloatAmountError, InvalidAmountError, ValidationError

__all__ = [
    "as_member",
    "check_day",
    "check_index",
    "check_optional_index",
    "check_optional_text",
    "instance_check",
    "instance_of",
    "items_of",
    "mapping_of",
    "optional_instance_of",
    "require_finite",
    "require_index",
    "require_items_of",
    "require_text",
    "to_frozen",
    "to_items",
    "check_optional_key",
    "frozen_mapping",
    "in_range",
    "require_items",
    "check_bool",
    "check_date",
    "check_decimal",
    "check_key",
    "check_non_negative",
    "check_optional_amount",
    "check_optional_decimal",
    "check_optional_percent",
    "check_percent",
    "check_positive",
    "check_text",
    "check_version",
    "decimal_converter",
    "enum_converter",
    "optional_decimal_converter",
    "require_day",
    "require_bool",
    "require_decimal",
    "require_key",
    "to_decimal",
    "to_optional_decimal",
    "tuple_converter",
]

E = TypeVar("E", bound=enum.Enum)

_MAX_KEY_LENGTH = 200
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# Identifiers already found valid: most are checked again and again (every quote
# line names a SKU), and a set lookup costs less than the five checks. Bounded.
_VALID_KEYS: set[str] = set()
_VALID_KEYS_MAX = 4096


def check_optional_key(instance: Any, attribute: Any, value: Any) -> None:
    """Validate ``None`` or an identifier (an attrs validator; see :func:`require_key`)."""
    if value is not None:
        check_key(instance, attribute, value)


def check_key(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an identifier such as a SKU or a price book id (an attrs validator).

    See :func:`require_key` for the rules.
    """
    if value.__class__ is not str or value not in _VALID_KEYS:
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
    if value.__class__ is str and value in _VALID_KEYS:
        return value
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
    if value.__class__ is str:  # not a subclass, whose equality could differ
        if len(_VALID_KEYS) >= _VALID_KEYS_MAX:
            _VALID_KEYS.clear()
        _VALID_KEYS.add(value)
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


def require_bool(value: Any, path: str) -> bool:
    """Return ``value`` if it is a real ``bool``, else raise (see :func:`check_bool`).

    >>> require_bool(1, "forced['a']")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: forced['a']: must be True or False (got 1)
    """
    if not isinstance(value, bool):
        raise ValidationError("must be True or False", path=path, value=value)
    return value


def check_date(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an optional ``datetime.date`` (an attrs validator; see :func:`require_day`)."""
    if value is not None:
        require_day(value, attribute.name)


def frozen_mapping(value: Any, path: str) -> FrozenMap[Any, Any]:
    """Return ``value`` as a :class:`~sfa_core._frozen.FrozenMap`; refuse anything but a mapping.

    The converter of mapping fields (a product's attributes, a price book's
    entries), each through a one-line named function that gives its path.

    >>> frozen_mapping({"x": 1}, "attributes")
    {'x': 1}
    >>> frozen_mapping([("x", 1)], "attributes")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: attributes: must be a mapping (got [('x', 1)])
    """
    if value is None or isinstance(value, Mapping):
        return freeze_map(value)
    raise ValidationError("must be a mapping", path=path, value=value)


def require_items(value: Any, path: str) -> Any:
    """Return ``value`` if it can be iterated as a collection of items; refuse the rest.

    Text and bytes are refused too (a string is not a list of SKUs).

    >>> require_items([1, 2], "rules")
    [1, 2]
    >>> require_items(3, "rules")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: rules: must be a collection of items (got 3)
    """
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ValidationError("must be a collection of items", path=path, value=value)
    return value


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


#: The largest storage version: what a database's 64-bit integer column holds.
MAX_VERSION = 2**63 - 1


def check_version(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a storage version: an ``int`` from 0 (never stored) to :data:`MAX_VERSION`."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_VERSION:
        raise ValidationError(
            "must be an integer from 0 to 2**63 - 1", path=attribute.name, value=value
        )


#: The supported range of every number sfa_core takes in (amounts, quantities,
#: percentages, rates): a number's leading digit (a zero's exponent) lies between
#: 10**-MAX_PLACES and 10**(MAX_INTEGER_DIGITS - 1), so it has at most
#: MAX_INTEGER_DIGITS digits before the point and leads at most MAX_PLACES places
#: after it. Far beyond any price or quantity, and small enough that no rounding,
#: split or formatting of it can take long or build a huge string.
MAX_INTEGER_DIGITS = 30
MAX_PLACES = 30
_HIGHEST = MAX_INTEGER_DIGITS - 1
_LOWEST = -MAX_PLACES


def require_decimal(value: Decimal | int | str, path: str = "amount") -> Decimal:
    """Return ``value`` as a finite ``Decimal`` in the supported range; refuse the rest.

    A ``Decimal``, an ``int`` or a numeric ``str`` is accepted (the converter of
    :attr:`sfa_core.money.Money.amount`, whence the default ``path``); floats,
    bools, non-numbers, infinities, NaNs and numbers outside the range
    (:data:`MAX_INTEGER_DIGITS`, :data:`MAX_PLACES`) are refused.

    >>> require_decimal("2.50", "quantity")
    Decimal('2.50')
    >>> require_decimal(0.5, "quantity")
    Traceback (most recent call last):
    ...
    sfa_core.errors.FloatAmountError: quantity: floats are inexact; ... (got 0.5)
    >>> require_decimal("NaN")
    Traceback (most recent call last):
    ...
    sfa_core.errors.InvalidAmountError: amount: must be a finite number (got 'NaN')
    >>> require_decimal("1E+30")
    Traceback (most recent call last):
    ...
    sfa_core.errors.InvalidAmountError: amount: is out of the supported range: at most 30 \
digits before the point and 30 places after it (got '1E+30')
    """
    cls = value.__class__
    if cls is Decimal:
        number: Decimal = value  # type: ignore[assignment]
        if number.is_finite() and _LOWEST <= number.adjusted() <= _HIGHEST:
            return number
        if number.is_zero():
            return _zero(number)
        return _refuse(number, path)
    if cls is int:
        if -_INT_BOUND < value < _INT_BOUND:
            return Decimal(value)
        return _refuse(value, path)
    if isinstance(value, bool):
        raise InvalidAmountError(
            "must be a Decimal, an int or a numeric string, not a bool", path=path, value=value
        )
    if isinstance(value, float):
        raise FloatAmountError(
            "floats are inexact; pass a Decimal, an int or a numeric string",
            path=path,
            value=value,
        )
    if isinstance(value, (Decimal, int)):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value)
        except decimal.InvalidOperation:
            raise InvalidAmountError("is not a number", path=path, value=value) from None
    else:
        raise InvalidAmountError(
            "must be a Decimal, an int or a numeric string", path=path, value=value
        )
    if result.is_finite() and _LOWEST <= result.adjusted() <= _HIGHEST:
        return result
    if result.is_zero():
        return _zero(result)
    return _refuse(result if isinstance(value, str) and len(value) > 60 else value, path)


_INT_BOUND = 10**MAX_INTEGER_DIGITS


def in_range(value: Decimal) -> bool:
    """Whether a Decimal is finite and within the supported range (the fast paths' test).

    >>> in_range(Decimal("12.50")), in_range(Decimal("1E+30")), in_range(Decimal("NaN"))
    (True, False, False)
    """
    return value.is_finite() and _LOWEST <= value.adjusted() <= _HIGHEST


def _zero(value: Decimal) -> Decimal:
    """A zero is always in range: its exponent is brought into the range, the value kept.

    Exact arithmetic makes zeros such as ``0E-58`` (a price less itself, computed to
    many places); they equal ``0`` and are accepted as ``0E-30``, with their sign.

    >>> _zero(Decimal("0E-58")), _zero(Decimal("-0E+99"))
    (Decimal('0E-30'), Decimal('-0E+29'))
    """
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite zero
    return Decimal((value.is_signed(), (0,), min(max(exponent, _LOWEST), _HIGHEST)))


def _refuse(value: Any, path: str) -> NoReturn:
    """Raise the error for a number that is not finite or is out of the supported range."""
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidAmountError("must be a finite number", path=path, value=value)
    if isinstance(value, str):
        try:
            if not Decimal(value).is_finite():
                raise InvalidAmountError("must be a finite number", path=path, value=value)
        except decimal.InvalidOperation:
            pass
    shown: Any = value
    if isinstance(value, int) and abs(value) >= 10**60:
        shown = f"<int of about {int(abs(value).bit_length() * 0.30103) + 1} digits>"
    elif isinstance(value, Decimal):
        shown = f"{value:.3E}"
    raise InvalidAmountError(
        f"is out of the supported range: at most {MAX_INTEGER_DIGITS} digits before the point "
        f"and {MAX_PLACES} places after it",
        path=path,
        value=shown,
    )


def _decimal(value: Any, self_: Any, field: Any) -> Decimal:
    return require_decimal(value, field.name)


def _optional_decimal(value: Any, self_: Any, field: Any) -> Decimal | None:
    return None if value is None else require_decimal(value, field.name)


#: attrs converter: a ``Decimal`` field that accepts ``Decimal``, ``int`` or a numeric ``str``.
decimal_converter = attrs.Converter(_decimal, takes_self=True, takes_field=True)

#: attrs converter: like :data:`decimal_converter`, ``None`` allowed.
optional_decimal_converter = attrs.Converter(_optional_decimal, takes_self=True, takes_field=True)


def enum_converter(kind: type[E]) -> Any:
    """Return an attrs converter that accepts a member of ``kind`` or its value.

    >>> import enum
    >>> class Mode(enum.Enum):
    ...     UP = "up"
    >>> @attrs.frozen
    ... class Box:
    ...     mode: Mode = attrs.field(converter=enum_converter(Mode))
    >>> Box("up").mode
    <Mode.UP: 'up'>
    >>> Box("sideways")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: mode: must be one of 'up' (got 'sideways')
    """
    choices = ", ".join(repr(member.value) for member in kind)

    def convert(value: Any, self_: Any, field: Any) -> E:
        if isinstance(value, kind):
            return value
        try:
            return kind(value)
        except (ValueError, TypeError):
            raise ValidationError(
                f"must be one of {choices}", path=field.name, value=value
            ) from None

    return attrs.Converter(convert, takes_self=True, takes_field=True)


def tuple_converter(value: Any) -> tuple[Any, ...]:
    """Return ``value`` as a tuple (an attrs converter for sequence fields); refuse str and maps.

    >>> tuple_converter([1, 2])
    (1, 2)
    """
    if isinstance(value, tuple):
        return value
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise ValidationError("must be a sequence", value=value)
    return tuple(value)


def check_non_negative(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an optional number ``>= 0`` (an attrs validator)."""
    if value is not None and value < 0:
        raise ValidationError("must not be negative", path=attribute.name, value=value)


def check_positive(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an optional number ``> 0`` (an attrs validator)."""
    if value is not None and value <= 0:
        raise ValidationError("must be greater than zero", path=attribute.name, value=value)


def check_percent(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an optional percentage between 0 and 100 inclusive (an attrs validator)."""
    if value is not None and not 0 <= value <= 100:
        raise ValidationError("must be between 0 and 100", path=attribute.name, value=value)


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Convert a number to ``Decimal`` where that is exact; leave anything else for the validator.

    A named attrs converter (so type checkers see the accepted types); pair it with
    :func:`check_decimal`, which refuses what was left unconverted with the field's name.

    >>> to_decimal("1.5"), to_decimal(2)
    (Decimal('1.5'), Decimal('2'))
    """
    cls = value.__class__
    if cls is Decimal:
        return value  # type: ignore[return-value]
    if cls is int or cls is str:
        try:
            return Decimal(value)
        except ArithmeticError:
            pass
    return value  # type: ignore[return-value]


def to_optional_decimal(value: Decimal | int | str | None) -> Decimal | None:
    """Like :func:`to_decimal`, with ``None`` kept (pair with :func:`check_optional_decimal`)."""
    return None if value is None else to_decimal(value)


def check_decimal(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a finite ``Decimal`` field (after :func:`to_decimal`), naming the field."""
    if (
        value.__class__ is not Decimal
        or not value.is_finite()
        or not _LOWEST <= value.adjusted() <= _HIGHEST
    ):
        require_decimal(value, attribute.name)


def check_optional_decimal(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an optional finite ``Decimal`` field (after :func:`to_optional_decimal`)."""
    if value is not None:
        check_decimal(instance, attribute, value)


def as_member(kind: type[E], value: Any, path: str) -> E:
    """Return ``value`` as a member of the enum ``kind``, or raise naming ``path``.

    Use it in a named converter per enum field (type checkers need named functions)::

        def _to_phase(value: Phase | str) -> Phase:
            return as_member(Phase, value, "phase")

    >>> import enum
    >>> class Mode(enum.Enum):
    ...     UP = "up"
    >>> as_member(Mode, "up", "mode")
    <Mode.UP: 'up'>
    >>> as_member(Mode, "down", "mode")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: mode: must be one of 'up' (got 'down')
    """
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except (ValueError, TypeError):
        choices = ", ".join(repr(member.value) for member in kind)
        raise ValidationError(f"must be one of {choices}", path=path, value=value) from None


def check_optional_amount(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an optional finite ``Decimal`` >= 0 (after :func:`to_optional_decimal`)."""
    if value is None:
        return
    if value.__class__ is not Decimal or not value.is_finite():
        require_decimal(value, attribute.name)
    if value < 0:
        raise ValidationError("must not be negative", path=attribute.name, value=value)


def check_optional_percent(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an optional finite ``Decimal`` percent from 0 to 100 inclusive."""
    if value is None:
        return
    if value.__class__ is not Decimal or not value.is_finite():
        require_decimal(value, attribute.name)
    if not 0 <= value <= 100:
        raise ValidationError("must be between 0 and 100", path=attribute.name, value=value)


# -- result values: fields checked by their public constructors --------------------------------
#
# What pricing and configuring return is built on the hot path without checks
# (:func:`sfa_core._fast.builder`); a host that builds one by hand (a test, a
# deserializer) goes through the public constructor, which checks every field with
# these. Each converter is lenient (it converts what it can and leaves the rest), and
# the validator paired with it refuses what is left, naming the field.


def to_items(value: Iterable[Any]) -> tuple[Any, ...]:
    """Convert a list (any iterable but text or a mapping) to a tuple; leave the rest.

    A named attrs converter; pair it with :func:`items_of`, which refuses what was
    left unconverted, naming the field.

    >>> to_items([1, 2]), to_items("ab")
    ((1, 2), 'ab')
    """
    given: Any = value  # anything may come in; what is not converted is refused later
    if given.__class__ is tuple:
        return given
    if isinstance(given, (str, bytes, bytearray, Mapping)) or not hasattr(given, "__iter__"):
        return given  # type: ignore[no-any-return]
    try:
        return tuple(given)
    except Exception:  # a broken iterator: the validator refuses the value itself
        return given  # type: ignore[no-any-return]


def to_frozen(value: Mapping[Any, Any]) -> FrozenMap[Any, Any]:
    """Convert a mapping to a :class:`~sfa_core._frozen.FrozenMap`; leave the rest.

    A named attrs converter; pair it with :func:`mapping_of`.

    >>> to_frozen({"a": 1}), to_frozen("a")
    ({'a': 1}, 'a')
    """
    given: Any = value  # anything may come in; what is not converted is refused later
    if isinstance(given, Mapping):
        return freeze_map(given)
    return given  # type: ignore[no-any-return]


# attrs copies a converter's annotation onto the ``__init__`` it makes, where
# ``typing.get_type_hints`` resolves it in the module of the class: give the types
# themselves rather than their text, so that every module's classes resolve them.
to_items.__annotations__ = {"value": Iterable[Any], "return": tuple[Any, ...]}
to_frozen.__annotations__ = {"value": Mapping[Any, Any], "return": FrozenMap[Any, Any]}


def items_of(check: Any, label: str) -> Any:
    """Return an attrs validator of a tuple (after :func:`to_items`) whose items pass ``check``.

    ``check(item, path)`` refuses an item with :class:`ValidationError`; for a class,
    pass :func:`instance_check`. ``label`` names the items in the message of a value
    that is not a sequence at all.

    >>> @attrs.frozen
    ... class Box:
    ...     skus: tuple[str, ...] = attrs.field(
    ...         converter=to_items, validator=items_of(require_key, "identifiers"))
    >>> Box(["A", "B"]).skus
    ('A', 'B')
    >>> Box(["A", 3])
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: skus[1]: must be a string (got 3)
    >>> Box("AB")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: skus: must be a sequence (list or tuple) of identifiers \
(got 'AB')
    """

    def validate(instance: Any, attribute: Any, value: Any) -> None:
        require_items_of(value, check, label, attribute.name)

    return validate


def require_items_of(value: Any, check: Any, label: str, path: str) -> tuple[Any, ...]:
    """Return ``value`` as a tuple whose items pass ``check(item, path)``; refuse the rest.

    The function form of :func:`items_of`, for an argument.

    >>> require_items_of([1], instance_check(int, "an int"), "ints", "tiers")
    (1,)
    >>> require_items_of(None, instance_check(int, "an int"), "ints", "tiers")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: tiers: must be a sequence (list or tuple) of ints (got None)
    """
    items = to_items(value)
    if items.__class__ is not tuple:
        raise ValidationError(
            f"must be a sequence (list or tuple) of {label}", path=path, value=value
        )
    for index, item in enumerate(items):
        check(item, f"{path}[{index}]")
    return items


def mapping_of(check: Any, label: str) -> Any:
    """Return an attrs validator of a map (after :func:`to_frozen`) from identifiers to values.

    Every key must be an identifier (:func:`require_key`); every value must pass
    ``check(value, path)``, the path naming the key (``discounts['promotion']``).

    >>> @attrs.frozen
    ... class Box:
    ...     counts: FrozenMap[str, int] = attrs.field(
    ...         converter=to_frozen, validator=mapping_of(require_index, "counts"))
    >>> Box({"A": 1}).counts
    {'A': 1}
    >>> Box({"A": -1})
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: counts['A']: must be an integer >= 0 (got -1)
    >>> Box({None: 1})
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: counts: must be a string (got None)
    """

    def validate(instance: Any, attribute: Any, value: Any) -> None:
        name = attribute.name
        if not isinstance(value, FrozenMap):
            raise ValidationError(f"must be a mapping of {label}", path=name, value=value)
        for key, item in value.items():
            require_key(key, name)
            check(item, f"{name}[{key!r}]")

    return validate


def instance_check(kind: type, label: str) -> Any:
    """Return ``check(value, path)`` that refuses anything but an instance of ``kind``.

    >>> instance_check(int, "an int")("3", "tier")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: tier: must be an int (got '3')
    """

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, kind):
            raise ValidationError(f"must be {label}", path=path, value=value)
        return value

    return check


def instance_of(kind: type, label: str) -> Any:
    """Return an attrs validator that refuses anything but an instance of ``kind``.

    >>> @attrs.frozen
    ... class Box:
    ...     day: _dt.date = attrs.field(validator=instance_of(_dt.date, "a date"))
    >>> Box(None)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: day: must be a date (got None)
    """
    check = instance_check(kind, label)

    def validate(instance: Any, attribute: Any, value: Any) -> None:
        check(value, attribute.name)

    return validate


def optional_instance_of(kind: type, label: str) -> Any:
    """Like :func:`instance_of`, ``None`` allowed (``label`` should say so)."""
    check = instance_check(kind, label)

    def validate(instance: Any, attribute: Any, value: Any) -> None:
        if value is not None:
            check(value, attribute.name)

    return validate


def require_text(value: Any, path: str) -> str:
    """Return ``value`` if it is free text (see :func:`check_text`), else raise.

    >>> require_text("10 % off", "reason")
    '10 % off'
    >>> require_text(None, "reason")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: reason: must be a string (got None)
    """
    if not isinstance(value, str):
        raise ValidationError("must be a string", path=path, value=value)
    if _CONTROL.search(value):
        raise ValidationError("must not contain control characters", path=path, value=value)
    return value


def check_day(instance: Any, attribute: Any, value: Any) -> None:
    """Validate a ``datetime.date`` (not ``None``; an attrs validator, see :func:`require_day`)."""
    require_day(value, attribute.name)


def check_optional_text(instance: Any, attribute: Any, value: Any) -> None:
    """Validate ``None`` or free text (an attrs validator; see :func:`check_text`)."""
    if value is not None:
        require_text(value, attribute.name)


_INDEX_BOUND = 10**MAX_INTEGER_DIGITS


def require_index(value: Any, path: str) -> int:
    """Return ``value`` if it is an ``int`` >= 0 in the supported range (not a bool).

    An index (a tier's), a count or a storage version.

    >>> require_index(2, "tier")
    2
    >>> require_index(True, "tier")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: tier: must be an integer >= 0 (got True)
    """
    if value.__class__ is not int or value < 0:
        raise ValidationError("must be an integer >= 0", path=path, value=value)
    if value >= _INDEX_BOUND:
        raise ValidationError(
            f"is out of the supported range (at most {MAX_INTEGER_DIGITS} digits)",
            path=path,
            value=value,
        )
    return value


def check_index(instance: Any, attribute: Any, value: Any) -> None:
    """Validate an index or count, an ``int`` >= 0 (attrs validator; see :func:`require_index`)."""
    require_index(value, attribute.name)


def check_optional_index(instance: Any, attribute: Any, value: Any) -> None:
    """Like :func:`check_index`, ``None`` allowed."""
    if value is not None:
        require_index(value, attribute.name)


def require_finite(value: Any, path: str) -> Decimal:
    """Return ``value`` if it is already a ``Decimal`` in the supported range, else raise.

    For the items of a result's collections, which hold ``Decimal`` values only
    (:func:`require_decimal` also converts ints and text).

    >>> require_finite(Decimal("1.50"), "discounts['promotion']")
    Decimal('1.50')
    >>> require_finite("1.50", "discounts['promotion']")
    Traceback (most recent call last):
    ...
    sfa_core.errors.InvalidAmountError: discounts['promotion']: must be a Decimal (got '1.50')
    """
    if value.__class__ is not Decimal:
        raise InvalidAmountError("must be a Decimal", path=path, value=value)
    return require_decimal(value, path)
