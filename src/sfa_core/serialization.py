"""One preconfigured cattrs converter for every value of the package.

Documents are plain JSON-compatible data:

* ``Decimal`` as a string (``"12.30"``), never a float;
* :class:`~sfa_core.money.Money` as ``{"amount": "12.30", "currency": "EUR"}``;
* dates and datetimes in ISO 8601;
* enums by value;
* a field typed as a union of attrs classes is tagged with ``"type"`` (the class name);
* scalars are strict: ``"12"`` is not an ``int``, ``1`` is not a ``bool``, unknown keys are refused.

Structuring a bad document raises :class:`~sfa_core.errors.SerializationError` (or the
value's own :class:`~sfa_core.errors.SfaError`, re-raised as a ``SerializationError``)
whose ``path`` names the bad field.

>>> from sfa_core.catalog import Product
>>> from sfa_core.money import Money
>>> doc = unstructure(Product(sku="A-1", name="Widget", cost=Money("2.50", "EUR")))
>>> doc["cost"]
{'amount': '2.50', 'currency': 'EUR'}
>>> structure(doc, Product) == Product(sku="A-1", name="Widget", cost=Money("2.50", "EUR"))
True
>>> structure({**doc, "cost": {"amount": "2,50", "currency": "EUR"}}, Product)
Traceback (most recent call last):
...
sfa_core.errors.SerializationError: cost.amount: not a decimal number (got '2,50')
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from sfa_core.errors import SerializationError, SfaError, ValidationError
from sfa_core.money import Money

__all__ = ["TAG", "converter", "from_json", "structure", "to_json", "unstructure"]

T = TypeVar("T")

#: Key that tags a member of a union of attrs classes with its class name.
TAG = "type"

_NONE_TYPE = type(None)


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise SerializationError("expected a decimal number as a string", value=value)
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise SerializationError("not a decimal number", value=value) from None
    if not result.is_finite():
        raise SerializationError("not a finite decimal number", value=value)
    return result


def _structure_money(value: Any, _: type) -> Money:
    if not isinstance(value, Mapping):
        raise SerializationError('expected {"amount": ..., "currency": ...}', value=value)
    extra = set(value) - {"amount", "currency"}
    if extra:
        raise SerializationError(f"unknown keys {sorted(extra)}", value=value)
    for key in ("amount", "currency"):
        if key not in value:
            raise SerializationError(f"missing key {key!r}", value=value)
    amount = _prefixed(lambda: _structure_decimal(value["amount"], Decimal), "amount")
    currency = value["currency"]
    if not isinstance(currency, str):
        raise SerializationError("expected a currency code", path="currency", value=currency)
    return Money(amount, currency)


def _prefixed(fn: typing.Callable[[], T], prefix: str) -> T:
    try:
        return fn()
    except ValidationError as exc:
        raise SerializationError(
            exc.reason, path=_join(prefix, exc.path), value=exc.value
        ) from None


def _iso(kind: type[_dt.date]) -> typing.Callable[[Any, type], Any]:
    """Structure hook for ``date`` or ``datetime`` from an ISO 8601 string."""
    name = kind.__name__

    def structure_iso(value: Any, _: type) -> Any:
        if not isinstance(value, str):
            raise SerializationError(f"expected an ISO 8601 {name} string", value=value)
        try:
            return kind.fromisoformat(value)
        except ValueError:
            raise SerializationError(f"not an ISO 8601 {name}", value=value) from None

    return structure_iso


def _strict(kind: type) -> typing.Callable[[Any, type], Any]:
    def structure_scalar(value: Any, tp: type) -> Any:
        if tp is not kind and _is_enum(tp):  # a (str, Enum) dispatches here as a str
            return _structure_enum(value, tp)
        if type(value) is not kind and not (kind is int and _is_int(value)):
            raise SerializationError(f"expected {_JSON_NAMES[kind]}", value=value)
        return value

    return structure_scalar


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_JSON_NAMES = {str: "a string", int: "an integer", bool: "true or false", float: "a number"}


def _union_members(tp: Any) -> tuple[Any, ...]:
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return get_args(tp)
    return ()


def _is_attrs_union(tp: Any) -> bool:
    members = [m for m in _union_members(tp) if m is not _NONE_TYPE]
    return len(members) >= 2 and all(isinstance(m, type) and attrs.has(m) for m in members)


def _is_scalar_union(tp: Any) -> bool:
    members = _union_members(tp)
    return bool(members) and all(m in (str, int, bool, _NONE_TYPE) for m in members)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _unstructure_str(value: str) -> str:
    if value.__class__ is str:
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _enum_value(member: enum.Enum) -> Any:
    return member.value


def _structure_enum(value: Any, kind: type[enum.Enum]) -> enum.Enum:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            return kind(value)
        except ValueError:
            pass
    choices = ", ".join(repr(member.value) for member in kind)
    raise SerializationError(f"expected one of {choices}", value=value)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(
        Money, lambda m: {"amount": str(m.amount), "currency": m.currency}
    )
    conv.register_structure_hook(Money, _structure_money)
    conv.register_unstructure_hook(_dt.datetime, _dt.datetime.isoformat)
    conv.register_structure_hook(_dt.datetime, _iso(_dt.datetime))
    conv.register_unstructure_hook(_dt.date, _dt.date.isoformat)
    conv.register_structure_hook(_dt.date, _iso(_dt.date))
    for kind in (str, int, bool):
        conv.register_structure_hook(kind, _strict(kind))
    conv.register_unstructure_hook_func(_is_enum, _enum_value)
    # a (str, Enum) member dispatches as a str: write its value, not the member
    conv.register_unstructure_hook(str, _unstructure_str)
    conv.register_structure_hook_func(_is_enum, _structure_enum)

    def scalar_union(tp: Any) -> typing.Callable[[Any, Any], Any]:
        allowed = tuple(m for m in get_args(tp))

        def structure(value: Any, _: Any) -> Any:
            kind = type(value)
            if kind in allowed:
                return value
            raise SerializationError(
                "expected one of " + ", ".join(_JSON_NAMES.get(m, "null") for m in allowed),
                value=value,
            )

        return structure

    conv.register_structure_hook_factory(_is_scalar_union, scalar_union)

    def attrs_union_structure(tp: Any) -> typing.Callable[[Any, Any], Any]:
        members = [m for m in get_args(tp) if m is not _NONE_TYPE]
        optional = len(members) != len(get_args(tp))
        by_tag = {m.__name__: m for m in members}

        def structure(value: Any, _: Any) -> Any:
            if value is None and optional:
                return None
            if not isinstance(value, Mapping) or TAG not in value:
                raise SerializationError(f"expected an object with a {TAG!r} tag", value=value)
            member = by_tag.get(value[TAG])
            if member is None:
                raise SerializationError(
                    f"unknown {TAG!r}; expected one of {sorted(by_tag)}", path=TAG, value=value[TAG]
                )
            body = {k: v for k, v in value.items() if k != TAG}
            return conv.structure(body, member)

        return structure

    def attrs_union_unstructure(tp: Any) -> typing.Callable[[Any], Any]:
        def unstructure_tagged(value: Any) -> Any:
            if value is None:
                return None
            doc = conv.unstructure(value, unstructure_as=type(value))
            return {TAG: type(value).__name__, **doc}

        return unstructure_tagged

    conv.register_structure_hook_factory(_is_attrs_union, attrs_union_structure)
    conv.register_unstructure_hook_factory(_is_attrs_union, attrs_union_unstructure)
    return conv


#: The package's converter. Hosts may register hooks for their own types on a copy
#: (``converter.copy()``); registering on this instance changes the package's documents.
converter: cattrs.Converter = _make_converter()


def unstructure(value: Any) -> Any:
    """Turn a value into JSON-compatible data (dicts, lists, strings, numbers, booleans).

    Args:
        value: Any value of the package (or a list or dict of them).

    Returns:
        Plain data that :func:`structure` turns back into an equal value.

    >>> from sfa_core.money import Money
    >>> unstructure(Money("12.30", "EUR"))
    {'amount': '12.30', 'currency': 'EUR'}
    """
    return converter.unstructure(value)


def structure(data: Any, cls: type[T]) -> T:
    """Turn plain data back into a value of ``cls``.

    Args:
        data: What :func:`unstructure` produced (or ``json.loads`` read).
        cls: The class (or type such as ``list[Product]``) to build.

    Returns:
        The value.

    Raises:
        SerializationError: The data does not describe a valid ``cls``; ``path``
            names the bad field.

    >>> from sfa_core.money import Money
    >>> structure({"amount": "1.50", "currency": "XYZ"}, Money)
    Traceback (most recent call last):
    ...
    sfa_core.errors.SerializationError: currency: unknown ISO 4217 currency code (got 'XYZ')
    """
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        raise _first_error(exc, "") from None
    except ForbiddenExtraKeysError as exc:
        raise SerializationError(
            f"unknown keys {sorted(exc.extra_fields)}", value=sorted(exc.extra_fields)
        ) from None
    except SerializationError:
        raise
    except ValidationError as exc:
        raise SerializationError(exc.reason, path=exc.path, value=exc.value) from None
    except SfaError as exc:
        raise SerializationError(str(exc), path=getattr(exc, "path", "")) from None
    except (TypeError, ValueError, KeyError) as exc:
        raise SerializationError(f"cannot build {_type_name(cls)}: {exc}", value=data) from None


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", repr(tp))


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def _first_error(exc: BaseException, path: str) -> SerializationError:
    """Find the first leaf error in a cattrs error tree and give it its full path."""
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            return _first_error(sub, _join(path, note.name))
        for sub in without:
            return _first_error(sub, path)
    if isinstance(exc, IterableValidationError):
        with_notes_i, without_i = exc.group_exceptions()
        for sub, inote in with_notes_i:
            return _first_error(sub, f"{path}[{inote.index!r}]")
        for sub in without_i:
            return _first_error(sub, path)
    if isinstance(exc, ValidationError):
        return SerializationError(exc.reason, path=_join(path, exc.path), value=exc.value)
    if isinstance(exc, SfaError):
        return SerializationError(str(exc), path=_join(path, getattr(exc, "path", "")))
    if isinstance(exc, KeyError):
        return SerializationError("required field is missing", path=path)
    if isinstance(exc, ForbiddenExtraKeysError):
        return SerializationError(
            f"unknown keys {sorted(exc.extra_fields)}", path=path, value=sorted(exc.extra_fields)
        )
    return SerializationError(f"{type(exc).__name__}: {exc}", path=path)


def to_json(value: Any, *, indent: int | None = None) -> str:
    """Serialise a value to a JSON string (keys in field order, no floats).

    Args:
        value: Any value of the package.
        indent: Passed to :func:`json.dumps` for pretty output.

    Returns:
        The JSON text.

    >>> from sfa_core.money import Money
    >>> to_json(Money("12.30", "EUR"))
    '{"amount": "12.30", "currency": "EUR"}'
    """
    return json.dumps(unstructure(value), indent=indent, ensure_ascii=False)


def from_json(text: str | bytes, cls: type[T]) -> T:
    """Read a value of ``cls`` from JSON text.

    Args:
        text: The JSON document.
        cls: The class to build.

    Returns:
        The value.

    Raises:
        SerializationError: The text is not JSON, or not a valid ``cls``.

    >>> from sfa_core.money import Money
    >>> from_json('{"amount": "12.30", "currency": "EUR"}', Money)
    Money(amount=Decimal('12.30'), currency='EUR')
    >>> from_json('{"amount": 12.3, "currency": "EUR"}', Money)
    Traceback (most recent call last):
    ...
    sfa_core.errors.SerializationError: amount: expected a decimal number as a string (got 12.3)
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SerializationError(f"not valid JSON: {exc}") from None
    return structure(data, cls)
