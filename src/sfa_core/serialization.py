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
whose ``path`` names the bad field. Hostile input (a document nested thousands deep,
an integer too long to print, text that is not JSON or not UTF-8) raises a
``SerializationError`` too, never a ``RecursionError`` or a bare ``ValueError``.

JSON text is valid UTF-8 and standard JSON: :func:`to_json` refuses a value holding a
lone surrogate (a code point U+D800 to U+DFFF not in a pair, which no UTF-8 file or
database can store), a float NaN or infinity, or anything else JSON cannot hold;
:func:`from_json` refuses the same (and the non-standard ``NaN`` / ``Infinity`` tokens).

JSON text carries the version of its format, so that a document written by a newer
release is refused rather than misread: :func:`to_json` writes
``{"format": 1, "value": ...}``, and :func:`from_json` refuses a ``format`` it does not
know. A document without a ``format`` (written before documents carried one) is read as
format 1. The plain data of :func:`unstructure` has no envelope (what the SQLite
adapter stores); :func:`structure` reads either.

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
import math
import re
import types
import typing
from collections import abc as cabc
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    StructureHandlerNotFoundError,
)

from sfa_core._validate import require_decimal
from sfa_core.errors import SerializationError, SfaError, ValidationError, _shown
from sfa_core.money import Money

__all__ = [
    "FORMAT_VERSION",
    "TAG",
    "converter",
    "from_json",
    "structure",
    "to_json",
    "unstructure",
]

T = TypeVar("T")

#: Key that tags a member of a union of attrs classes with its class name.
TAG = "type"

#: Version of the JSON document format :func:`to_json` writes and the newest
#: :func:`from_json` reads. It changes only when a document of this release would be
#: misread by an older one.
FORMAT_VERSION = 1

#: Keys of the envelope of a JSON document: its format version and the value itself.
_FORMAT = "format"
_VALUE = "value"

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
    try:
        return require_decimal(result, "")
    except ValidationError as exc:  # out of the supported range
        raise SerializationError(exc.reason, value=value) from None


def _structure_money(value: Any, _: type) -> Money:
    if not isinstance(value, Mapping):
        raise SerializationError('expected {"amount": ..., "currency": ...}', value=value)
    extra = set(value) - {"amount", "currency"}
    if extra:
        raise SerializationError(f"unknown keys {_shown(_sorted_keys(extra))}", value=value)
    for key in ("amount", "currency"):
        if key not in value:
            raise SerializationError(f"missing key {key!r}", value=value)
    amount = _prefixed(lambda: _structure_decimal(value["amount"], Decimal), "amount")
    currency = value["currency"]
    if not isinstance(currency, str):
        raise SerializationError("expected a currency code", path="currency", value=currency)
    return Money(amount, currency)


def _sorted_keys(keys: typing.Iterable[Any]) -> list[Any]:
    """The keys sorted (by their ``repr`` when they cannot be compared)."""
    keys = list(keys)
    try:
        return sorted(keys)
    except TypeError:
        return sorted(keys, key=_shown)


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
        if kind is int and not _int_fits(value):
            raise SerializationError(_INT_TOO_LONG, value=value)
        return value

    return structure_scalar


#: An int of at most this many bits is at most 602 digits: shorter than any limit
#: Python can set on printing an int (``sys.set_int_max_str_digits``, at least 640).
_SHORT_INT_BITS = 2000
_INT_TOO_LONG = "integer too long to write"


def _int_fits(value: int) -> bool:
    """Whether ``value`` can be written as text (JSON, a message): checked cheaply first."""
    if value.bit_length() <= _SHORT_INT_BITS:
        return True
    try:
        str(value)
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        return False
    return True


class _IntTooLong(SerializationError):
    """Raised by the int unstructure hook; :func:`unstructure` finds where it was."""


def _unstructure_int(value: int) -> int:
    if value.bit_length() <= _SHORT_INT_BITS or _int_fits(value):
        return value
    raise _IntTooLong(_INT_TOO_LONG, value=value)


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


def _identity(value: Any) -> Any:
    return value


def _enum_value(member: enum.Enum) -> Any:
    return member.value


_ARRAYS = (
    list,
    tuple,
    set,
    frozenset,
    cabc.Sequence,
    cabc.MutableSequence,
    cabc.Set,
    cabc.MutableSet,
    cabc.Collection,
    cabc.Iterable,
)
_OBJECTS = (dict, cabc.Mapping, cabc.MutableMapping)


def _shape(tp: Any) -> tuple[str, bool] | None:
    """``("array" or "object", optional)`` for a collection-typed field, else ``None``."""
    members = _union_members(tp) or (tp,)
    optional = _NONE_TYPE in members
    kinds = set()
    for member in members:
        if member is _NONE_TYPE:
            continue
        origin = get_origin(member) or member
        if origin in _ARRAYS:
            kinds.add("array")
        elif origin in _OBJECTS:
            kinds.add("object")
        else:
            return None
    return (kinds.pop(), optional) if len(kinds) == 1 else None


def _check_shape(value: Any, shape: tuple[str, bool], path: str) -> None:
    """Refuse text or an object where an array belongs (cattrs would iterate it), and so on.

    Without this, ``"lines": "abc"`` would be read as three lines, and a
    million-character string as a million errors.
    """
    kind, optional = shape
    if value is None and optional:
        return
    if kind == "object":
        if not isinstance(value, Mapping):
            raise SerializationError("expected an object", path=path, value=value)
    elif isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(
        value, cabc.Iterable
    ):
        raise SerializationError("expected an array", path=path, value=value)


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
    # an int too long to print is refused (JSON text, a message, a repr cannot hold it)
    conv.register_unstructure_hook(int, _unstructure_int)
    conv.register_unstructure_hook(bool, _identity)
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
            tag = value[TAG]
            member = by_tag.get(tag) if isinstance(tag, str) else None
            if member is None:
                raise SerializationError(
                    f"unknown {TAG!r}; expected one of {sorted(by_tag)}", path=TAG, value=tag
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

    def attrs_structure(cl: Any) -> typing.Callable[[Any, Any], Any]:
        build = conv.gen_structure_attrs_fromdict(cl)
        name = _type_name(cl)
        try:
            fields = attrs.fields(attrs.resolve_types(cl))
        except (NameError, TypeError):  # annotations that do not resolve: no shape checks
            fields = attrs.fields(cl)
        shapes = {field.name: shape for field in fields if (shape := _shape(field.type))}

        def structure_attrs(value: Any, tp: Any) -> Any:
            if not isinstance(value, Mapping):
                raise SerializationError(
                    f"expected an object (a mapping of field names) for {name}", value=value
                )
            for key, shape in shapes.items():
                if key in value:
                    _check_shape(value[key], shape, key)
            return build(value, tp)

        return structure_attrs

    # registered after cattrs' own attrs hook, so it is asked first; exact-class hooks
    # (Money) still win, and generic aliases (not classes) keep cattrs' own hook
    conv.register_structure_hook_factory(
        lambda tp: isinstance(tp, type) and attrs.has(tp), attrs_structure
    )
    conv.register_structure_hook_factory(_is_attrs_union, attrs_union_structure)
    conv.register_unstructure_hook_factory(_is_attrs_union, attrs_union_unstructure)
    return conv


#: The package's converter. Hosts may register hooks for their own types on a copy
#: (``converter.copy()``); registering on this instance changes the package's documents.
converter: cattrs.Converter = _make_converter()

#: The same converter, passing every int through: only to find where an int too
#: long to write sits in a value, after the package's converter refused it.
_RAW: cattrs.Converter = converter.copy()
_RAW.register_unstructure_hook(int, _identity)


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
    try:
        return converter.unstructure(value)
    except _IntTooLong as exc:
        raise _where_int_too_long(value, exc) from None
    except RecursionError:
        raise SerializationError(_TOO_DEEP, value=value) from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise SerializationError(f"cannot unstructure: {_exc_text(exc)}", value=value) from None


def _where_int_too_long(value: Any, exc: _IntTooLong) -> SerializationError:
    """The error for an int too long to write, with the path of the first such int."""
    try:
        doc = _RAW.unstructure(value)
        path, bad, why = _find_bad(doc)
    except Exception:  # the error must be raised even if the search fails
        path, bad, why = "", exc.value, exc.reason
    if why != _INT_TOO_LONG:
        path, bad, why = "", exc.value, exc.reason
    return SerializationError(why, path=path, value=bad)


def structure(data: Any, cls: type[T]) -> T:
    """Turn plain data back into a value of ``cls``.

    Args:
        data: What :func:`unstructure` produced, or what ``json.loads`` read of
            :func:`to_json`'s text: a top-level object with a ``"format"`` key is the
            envelope ``{"format": 1, "value": ...}``, whose format is checked.
        cls: The class (or type such as ``list[Product]``) to build.

    Returns:
        The value.

    Raises:
        SerializationError: The data does not describe a valid ``cls``; ``path``
            names the bad field. Or it is an envelope whose format is newer than
            :data:`FORMAT_VERSION` (path ``"format"``).

    >>> from sfa_core.money import Money
    >>> structure({"amount": "1.50", "currency": "XYZ"}, Money)
    Traceback (most recent call last):
    ...
    sfa_core.errors.SerializationError: currency: unknown ISO 4217 currency code (got 'XYZ')
    """
    target: object = cls  # callers may pass anything
    if not isinstance(target, type) and get_origin(target) is None:
        raise SerializationError("cls must be a class or a type such as list[Product]", value=cls)
    try:
        data = _unwrap(data)
        shape = _shape(cls)
        if shape:
            _check_shape(data, shape, "")
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        raise _first_error(exc, "") from None
    except ForbiddenExtraKeysError as exc:
        extra = _sorted_keys(exc.extra_fields)
        raise SerializationError(f"unknown keys {_shown(extra)}", value=extra) from None
    except SerializationError:
        raise
    except ValidationError as exc:
        raise SerializationError(exc.reason, path=exc.path, value=exc.value) from None
    except SfaError as exc:
        raise SerializationError(str(exc), path=getattr(exc, "path", "")) from None
    except StructureHandlerNotFoundError:
        raise SerializationError(
            f"cannot build {_type_name(cls)}: no document form is known for this type",
            value=cls,
        ) from None
    except RecursionError:
        raise SerializationError(_TOO_DEEP, value=data) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise SerializationError(
            f"cannot build {_type_name(cls)}: {_exc_text(exc)}", value=data
        ) from None


#: The reason given for a document nested too deeply to handle.
_TOO_DEEP = "nested too deeply"


def _exc_text(exc: BaseException) -> str:
    """``str(exc)``, bounded and never raising (an exception's own message may fail)."""
    try:
        text = str(exc)
    except Exception:  # a message must never fail to build
        return type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _type_name(tp: Any) -> str:
    """The name of a type for a message (bounded: ``tp`` may be anything)."""
    name = getattr(tp, "__name__", None) if isinstance(tp, type) else None
    return name if type(name) is str and len(name) <= 200 else _shown(tp)


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
            return _first_error(sub, f"{path}[{_shown(inote.index)}]")
        for sub in without_i:
            return _first_error(sub, path)
    if isinstance(exc, ValidationError):
        return SerializationError(exc.reason, path=_join(path, exc.path), value=exc.value)
    if isinstance(exc, SfaError):
        return SerializationError(str(exc), path=_join(path, getattr(exc, "path", "")))
    if isinstance(exc, KeyError):
        return SerializationError("required field is missing", path=path)
    if isinstance(exc, ForbiddenExtraKeysError):
        extra = _sorted_keys(exc.extra_fields)
        return SerializationError(f"unknown keys {_shown(extra)}", path=path, value=extra)
    if isinstance(exc, RecursionError):
        return SerializationError(_TOO_DEEP, path=path)
    return SerializationError(f"{type(exc).__name__}: {_exc_text(exc)}", path=path)


#: A lone (unpaired) surrogate: a ``str`` can hold it, UTF-8 cannot.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: A ``\\uD800``-``\\uDFFF`` escape in JSON text (which may decode to a lone surrogate).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


_LONE_SURROGATE = "text holds a lone surrogate, which is not valid UTF-8"


def _has_surrogate(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def _not_json(item: Any) -> str:
    """Why ``item`` (a leaf of a document) cannot be written as JSON, or ``""``."""
    if item is None or isinstance(item, bool):
        return ""
    if isinstance(item, str):
        return _LONE_SURROGATE if _has_surrogate(item) else ""
    if isinstance(item, int):
        try:
            str(item)
        except ValueError:
            return "integer too long to write"
        return ""
    if isinstance(item, float):
        return "" if math.isfinite(item) else "not a finite number"
    return f"{type(item).__name__} is not a JSON type"


def _find_bad(doc: Any) -> tuple[str, Any, str]:
    """The path, value and reason of the first part of ``doc`` that JSON cannot hold."""
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, Mapping):
            children: list[tuple[str, Any]] = []
            for key, sub in item.items():
                if not isinstance(key, str) or _has_surrogate(key):
                    why = _not_json(key) or f"keys must be text (got a {type(key).__name__})"
                    return path, key, f"key: {why}"
                children.append((_join(path, key), sub))
            stack.extend(reversed(children))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed([(f"{path}[{i}]", sub) for i, sub in enumerate(item)]))
        else:
            why = _not_json(item)
            if why:
                return path, item, why
    return "", doc, "cannot be written as JSON"


#: The widest indent :func:`to_json` writes (each level of a deep document adds one).
_MAX_INDENT = 100


def to_json(value: Any, *, indent: int | None = None) -> str:
    r"""Serialise a value to a JSON string (keys in field order, no floats).

    The document is an envelope naming its format version (:data:`FORMAT_VERSION`)
    around the value's plain data: ``{"format": 1, "value": ...}``.

    The text is standard JSON that encodes as UTF-8: a value holding a lone
    surrogate (``"\ud800"``), a float NaN or infinity, an integer too long to
    write, or an object JSON has no form for, is refused rather than written.

    Args:
        value: Any value of the package.
        indent: Spaces per level for pretty output (an int from 0 to 100), or
            ``None`` for one line.

    Returns:
        The JSON text.

    Raises:
        SerializationError: The value cannot be written as JSON; ``path`` names
            the part that cannot. Or ``indent`` is out of range (path ``indent``).

    >>> from sfa_core.money import Money
    >>> to_json(Money("12.30", "EUR"))
    '{"format": 1, "value": {"amount": "12.30", "currency": "EUR"}}'
    >>> from sfa_core.catalog import Product
    >>> to_json(Product(sku="A-1", name="Bad \ud800 name"))
    Traceback (most recent call last):
    ...
    sfa_core.errors.SerializationError: name: text holds a lone surrogate, ...
    """
    if indent is not None and (indent.__class__ is not int or not 0 <= indent <= _MAX_INDENT):
        raise SerializationError(
            f"must be None or an int from 0 to {_MAX_INDENT}", path="indent", value=indent
        )
    doc = unstructure(value)
    envelope = {_FORMAT: FORMAT_VERSION, _VALUE: doc}
    try:
        text = json.dumps(envelope, indent=indent, ensure_ascii=False, allow_nan=False)
    except RecursionError:
        raise SerializationError(_TOO_DEEP, value=value) from None
    except (TypeError, ValueError):
        path, bad, why = _find_bad(doc)
        raise SerializationError(why, path=path, value=bad) from None
    if not text.isascii() and _SURROGATE.search(text):
        path, bad, why = _find_bad(doc)
        raise SerializationError(why, path=path, value=bad)
    return text


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def from_json(text: str | bytes, cls: type[T]) -> T:
    """Read a value of ``cls`` from JSON text.

    Reads what :func:`to_json` writes, ``{"format": 1, "value": ...}``, and also a
    document without a ``format`` (the value's plain data, as written before
    documents carried their format), read as format 1. So a top-level object with a
    ``"format"`` key is always taken as an envelope.

    Args:
        text: The JSON document.
        cls: The class to build.

    Returns:
        The value.

    Raises:
        SerializationError: The text is not JSON (not text at all, not UTF-8, a lone
            surrogate, ``NaN`` or ``Infinity``, nested too deeply), its ``format`` is
            newer than :data:`FORMAT_VERSION` or not a format at all (path
            ``"format"``), or it is not a valid ``cls`` (``path`` names the field in
            the value).

    >>> from sfa_core.money import Money
    >>> from_json('{"format": 1, "value": {"amount": "12.30", "currency": "EUR"}}', Money)
    Money(amount=Decimal('12.30'), currency='EUR')
    >>> from_json('{"amount": "12.30", "currency": "EUR"}', Money)
    Money(amount=Decimal('12.30'), currency='EUR')
    >>> from_json('{"format": 2, "value": {"amount": "12.30", "currency": "EUR"}}', Money)
    Traceback (most recent call last):
    ...
    sfa_core.errors.SerializationError: format: written in a newer format than ... (got 2)
    >>> from_json('{"amount": 12.3, "currency": "EUR"}', Money)
    Traceback (most recent call last):
    ...
    sfa_core.errors.SerializationError: amount: expected a decimal number as a string (got 12.3)
    """
    if isinstance(text, (bytes, bytearray)):
        # decoded strictly: json.loads would let an encoded surrogate (b"\xed\xa0\x80") through
        try:
            text = bytes(text).decode(json.detect_encoding(text))
        except UnicodeDecodeError as exc:
            raise SerializationError(f"not valid JSON: not UTF-8 text: {_exc_text(exc)}") from None
    if not isinstance(text, str):
        raise SerializationError("expected JSON text (str or bytes)", value=text)
    if not text.isascii():
        found = _SURROGATE.search(text)
        if found:
            raise SerializationError(
                f"not valid JSON: lone surrogate at position {found.start()}, not valid UTF-8"
            )
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise SerializationError(f"not valid JSON: {_TOO_DEEP}") from None
    except ValueError as exc:
        raise SerializationError(f"not valid JSON: {_exc_text(exc)}") from None
    # "\\ud83d\\ude00" is a pair (one character) and welcome; "\\ud800" alone is not
    if _SURROGATE_ESCAPE.search(text):
        path, bad, why = _find_bad(data)
        if _LONE_SURROGATE in why:
            raise SerializationError(why, path=path, value=bad)
    return structure(data, cls)


def _unwrap(data: Any) -> Any:
    """The value's plain data inside a document, after checking the document's format.

    A document without a ``"format"`` key is the plain data itself (format 1).
    """
    if not isinstance(data, Mapping) or _FORMAT not in data:
        return data
    version = data[_FORMAT]
    if not _is_int(version) or version < 1:
        raise SerializationError(
            "expected the document's format version, a positive integer",
            path=_FORMAT,
            value=version,
        )
    if version > FORMAT_VERSION:
        raise SerializationError(
            f"written in a newer format than this release of sfa_core reads "
            f"(format {FORMAT_VERSION} at most); upgrade sfa_core to read it",
            path=_FORMAT,
            value=version,
        )
    extra = set(data) - {_FORMAT, _VALUE}
    if extra:
        keys = _sorted_keys(extra)
        raise SerializationError(f"unknown keys next to {_FORMAT!r}", value=keys)
    if _VALUE not in data:
        raise SerializationError(
            f"a document with a {_FORMAT!r} holds its data under {_VALUE!r}; it is missing",
            path=_VALUE,
        )
    return data[_VALUE]
