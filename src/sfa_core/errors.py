"""One exception hierarchy for the whole package, rooted at :class:`SfaError`.

Every error says in words what was wrong and where, and keeps the offending
values as attributes so that a host can react to them without parsing text.

>>> from sfa_core.errors import ValidationError, SfaError
>>> err = ValidationError("must not be negative", path="lines[3].quantity", value=-2)
>>> str(err)
'lines[3].quantity: must not be negative (got -2)'
>>> isinstance(err, SfaError), isinstance(err, ValueError)
(True, True)
>>> err.path, err.value
('lines[3].quantity', -2)

A message shows the offending value through a bounded ``repr`` that never fails: small
values print exactly as ``repr`` prints them, anything longer than 200 characters, deeper
than a few levels, too long an ``int`` to print, or with a broken ``__repr__`` is
abbreviated. The attribute keeps the value itself:

>>> err = ValidationError("too large", path="quantity", value=10**5000)
>>> str(err)
'quantity: too large (got <int of 5001 digits>)'
>>> err.value == 10**5000
True

Every error class also has a stable, machine-readable :attr:`~SfaError.code`, so that a
host's API can map errors to its own responses without parsing English. The codes are
listed in the documentation page "Errors and their codes"; a class without a code of
its own shares its parent's.

>>> ValidationError.code, err.code
('validation_error', 'validation_error')
>>> CurrencyMismatchError("EUR", "USD").code
'currency_mismatch'
"""

from __future__ import annotations

import datetime as _dt
import reprlib
from itertools import islice
from typing import Any, ClassVar

__all__ = [
    "AlreadyExistsError",
    "ConcurrencyError",
    "CurrencyMismatchError",
    "FloatAmountError",
    "InvalidAmountError",
    "MissingRateError",
    "MissingRepositoryError",
    "NotFoundError",
    "RuleError",
    "RuleEvaluationError",
    "SerializationError",
    "SfaError",
    "StorageError",
    "UnknownCurrencyError",
    "ValidationError",
]

_MISSING: Any = object()

#: Longest text an error message shows for one offending value.
_LIMIT = 200
#: Longest text a message shows for a path or a reason (text the caller wrote).
_TEXT_LIMIT = 2000
#: A value is printed with the builtin ``repr`` only if it has at most this many nodes...
_PLAIN_NODES = 200
#: ...nested at most this deep, made of builtin containers and short scalars.
_PLAIN_DEPTH = 100
_LOG10_2 = 0.30102999566398120
_FILL = "..."


def _digits(number: int) -> tuple[int, bool]:
    """Count the decimal digits of ``number`` without converting it to text.

    Returns the count and whether it is exact (beyond a million bits it is an estimate).
    """
    number = abs(number)
    bits = number.bit_length()
    if bits <= 1:
        return 1, True
    count = int((bits - 1) * _LOG10_2) + 1
    if bits > 1_000_000:
        return count, False
    if number >= 10**count:
        count += 1
    return count, True


def _int_text(number: int, limit: int) -> str | None:
    """``repr(number)``, or ``None`` when it has more than ``limit`` digits."""
    if number.bit_length() <= 3 * limit:  # at most ~0.9 * limit digits: cheap and safe
        return repr(number)
    return None if _digits(number)[0] > limit else repr(number)


def _int_placeholder(number: int) -> str:
    count, exact = _digits(number)
    sign = "negative " if number < 0 else ""
    return f"<{sign}int of {'' if exact else 'about '}{count} digits>"


class _BoundedRepr(reprlib.Repr):
    """A :class:`reprlib.Repr` that keeps insertion order and never prints a huge int."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.maxlevel = 6
        self.maxtuple = self.maxlist = self.maxset = self.maxfrozenset = self.maxdeque = 20
        self.maxarray = 20
        self.maxdict = 20
        self.maxstring = limit
        self.maxlong = limit
        self.maxother = limit

    def repr_int(self, x: int, level: int) -> str:
        text = _int_text(x, self.maxlong)
        return _int_placeholder(x) if text is None else text

    def repr_instance(self, x: Any, level: int) -> str:
        try:
            text = repr(x)
        except Exception:  # a broken or too deep __repr__: name the type, not an address
            return f"<{type(x).__name__} object>"
        if len(text) > self.maxother:
            text = text[: self.maxother - 3] + _FILL
        return text

    def repr_dict(self, x: dict[Any, Any], level: int) -> str:
        if not x:
            return "{}"
        if level <= 0:
            return "{" + _FILL + "}"
        pieces = [
            f"{self.repr1(key, level - 1)}: {self.repr1(item, level - 1)}"
            for key, item in islice(x.items(), self.maxdict)
        ]
        if len(x) > self.maxdict:
            pieces.append(_FILL)
        return "{" + ", ".join(pieces) + "}"

    def repr_set(self, x: set[Any], level: int) -> str:
        return self._items(x, level, "{", "}") if x else "set()"

    def repr_frozenset(self, x: frozenset[Any], level: int) -> str:
        return self._items(x, level, "frozenset({", "})") if x else "frozenset()"

    def _items(self, x: set[Any] | frozenset[Any], level: int, left: str, right: str) -> str:
        """Members in iteration order (as ``repr`` shows them), not sorted as reprlib does."""
        if level <= 0:
            return left + _FILL + right
        pieces = [self.repr1(item, level - 1) for item in islice(x, self.maxset)]
        if len(x) > self.maxset:
            pieces.append(_FILL)
        return left + ", ".join(pieces) + right


_PLAIN_SCALARS = (type(None), bool, float, complex, bytes, _dt.date, _dt.time, _dt.timedelta)
_PLAIN_CONTAINERS = (list, tuple, set, frozenset)
#: Modules whose types print a short, safe ``repr`` (``Decimal('1.5')``...).
_PLAIN_MODULES = ("decimal", "datetime", "fractions", "uuid")


def _is_plain(value: Any, limit: int) -> bool:
    """Whether ``repr(value)`` is cheap and cannot fail: small, shallow, builtin values only."""
    budget = _PLAIN_NODES
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        budget -= 1
        if budget < 0 or depth > _PLAIN_DEPTH:
            return False
        kind = type(item)
        if kind is str or kind is bytes:
            if len(item) > limit:
                return False
        elif kind is int:
            if item.bit_length() > 3 * limit:
                return False
        elif kind in _PLAIN_CONTAINERS:
            if len(item) > _PLAIN_NODES:
                return False
            stack.extend((sub, depth + 1) for sub in item)
        elif kind is dict:
            if len(item) > _PLAIN_NODES:
                return False
            for key, sub in item.items():
                stack.append((key, depth + 1))
                stack.append((sub, depth + 1))
        elif kind not in _PLAIN_SCALARS and kind.__module__ not in _PLAIN_MODULES:
            return False
    return True


def _shown(value: Any, limit: int = _LIMIT) -> str:
    """A bounded ``repr`` of ``value`` for an error message; it never raises.

    Small values print exactly as ``repr`` prints them. Larger or deeper ones are
    abbreviated with ``...``; an int too long to print shows its digit count; a
    value whose ``repr`` fails shows its type.

    Example:
        >>> _shown({"a": [1, 2]})
        "{'a': [1, 2]}"
        >>> _shown(10**5000)
        '<int of 5001 digits>'
        >>> deep: list[object] = []
        >>> for _ in range(10_000):
        ...     deep = [deep]
        >>> _shown(deep)
        '[[[[[[[...]]]]]]]'
        >>> len(_shown("x" * 10_000)) <= 200
        True
    """
    try:
        text: str | None = None
        if _is_plain(value, limit):
            try:
                text = repr(value)
            except Exception:  # any failure: fall back to the bounded repr
                text = None
            if text is not None and len(text) > limit:
                text = None
        if text is None:
            text = _BoundedRepr(limit).repr(value)
        if len(text) > limit:
            text = text[: limit - 3] + "..."
        return text
    except Exception:  # an error message must never fail to build
        try:
            return f"<{type(value).__name__} object>"
        except Exception:
            return "<unprintable value>"


def _joined(items: Any, separator: str, *, quoted: bool = False, most: int = 20) -> str:
    """The items of ``items`` for a message, joined: bounded, never raising.

    Each item shows as :func:`_text` (or :func:`_shown` when ``quoted``); at most
    ``most`` items are shown. What cannot be iterated shows as :func:`_shown`.

    >>> _joined(["A", "B"], " -> "), _joined(["A"], ", ", quoted=True), _joined(3, ", ")
    ('A -> B', "'A'", '3')
    """
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        return _shown(items)
    try:
        shown = []
        for index, item in enumerate(items):
            if index == most:
                shown.append("...")
                break
            shown.append(_shown(item) if quoted else _text(item))
    except Exception:  # an error message must never fail to build
        return _shown(items)
    return separator.join(shown)


def _text(value: Any, limit: int = _LIMIT) -> str:
    """``str(value)`` for a message (a string as it is): bounded, never raising."""
    if type(value) is str:
        text: str = value
    elif not _is_plain(value, limit):
        return _shown(value, limit)
    else:
        try:
            text = str(value)
        except Exception:  # a message must never fail to build
            return _shown(value, limit)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class SfaError(Exception):
    """Root of every error raised by sfa_core.

    Catch this to handle anything the package raises on purpose.

    Attributes:
        code: A stable, machine-readable name of the kind of error, in snake_case
            (``"not_found"``, ``"currency_mismatch"``...). It is a class attribute:
            every class documents its own, and a subclass without one shares its
            parent's. Codes do not change between releases, messages may.

    Example:
        >>> from sfa_core import Money, SfaError
        >>> try:
        ...     Money("1", "EUR") + Money("1", "USD")
        ... except SfaError as err:
        ...     print(type(err).__name__, err.code)
        CurrencyMismatchError currency_mismatch
    """

    code: ClassVar[str] = "sfa_error"

    def __str__(self) -> str:
        # The package passes one finished message; a host may pass anything (an int
        # too long to print, an object whose __str__ fails): render it bounded.
        args = self.args
        if len(args) == 1:
            message = args[0]
            if type(message) is str:
                return message
            if isinstance(message, str):  # a subclass: its text, not its own __str__
                return str.__str__(message)
            return _text(message, _TEXT_LIMIT)
        return _shown(args, _TEXT_LIMIT) if args else ""

    def __repr__(self) -> str:
        args = self.args
        if len(args) == 1 and type(args[0]) is str and len(args[0]) <= _TEXT_LIMIT:
            return f"{type(self).__name__}({args[0]!r})"
        shown = ", ".join(_shown(arg, _TEXT_LIMIT) for arg in args[:20])
        return f"{type(self).__name__}({shown}{', ...' if len(args) > 20 else ''})"


class ValidationError(SfaError, ValueError):
    """A value is malformed or out of range.

    Attributes:
        path: Where the bad value sits, for example ``"lines[3].quantity"``
            (empty when the value itself is the subject).
        value: The offending value, when there is one.
        reason: The message without the path and value.

    Example:
        >>> from sfa_core.catalog import Product
        >>> try:
        ...     Product(sku="", name="Widget")
        ... except ValueError as err:
        ...     print(type(err).__name__, err.path, repr(err.value), err.reason, sep=" | ")
        ValidationError | sku | '' | must not be empty
    """

    code: ClassVar[str] = "validation_error"

    def __init__(self, reason: str, *, path: str = "", value: Any = _MISSING) -> None:
        self.reason = reason
        self.path = path
        self.value = None if value is _MISSING else value
        text = (
            f"{_text(path, _TEXT_LIMIT)}: {_text(reason, _TEXT_LIMIT)}"
            if path
            else _text(reason, _TEXT_LIMIT)
        )
        if value is not _MISSING:
            text += f" (got {_shown(value)})"
        super().__init__(text)


class InvalidAmountError(ValidationError):
    """An amount is not an exact finite number (NaN, infinity, garbage text).

    Example:
        >>> from sfa_core.money import Money
        >>> Money("NaN", "EUR")
        Traceback (most recent call last):
        ...
        sfa_core.errors.InvalidAmountError: amount: must be a finite number (got 'NaN')
    """

    code: ClassVar[str] = "invalid_amount"


class FloatAmountError(InvalidAmountError, TypeError):
    """A ``float`` was given where an exact amount is required.

    Floats cannot hold most decimal fractions exactly (``0.1 + 0.2 != 0.3``), so
    money refuses them; pass a ``Decimal``, an ``int`` or a numeric string.
    This is also a :class:`TypeError`.

    Example:
        >>> from sfa_core.money import Money
        >>> try:
        ...     Money(0.1, "EUR")
        ... except TypeError as err:
        ...     print(type(err).__name__, err.path, err.value)
        FloatAmountError amount 0.1
        >>> Money("0.1", "EUR").amount
        Decimal('0.1')
    """

    code: ClassVar[str] = "float_amount"


class UnknownCurrencyError(ValidationError):
    """A currency code is not an ISO 4217 code known to babel.

    Attributes:
        currency: The currency code that was given (also in ``value``).

    Example:
        >>> from sfa_core.money import Money
        >>> Money("1", "XYZ")
        Traceback (most recent call last):
        ...
        sfa_core.errors.UnknownCurrencyError: currency: unknown ISO 4217 currency code (got 'XYZ')
        >>> err = UnknownCurrencyError("XYZ", path="lines[0].currency")
        >>> err.currency, err.code
        ('XYZ', 'unknown_currency')
    """

    code: ClassVar[str] = "unknown_currency"

    def __init__(self, currency: object, *, path: str = "currency") -> None:
        self.currency = currency
        super().__init__("unknown ISO 4217 currency code", path=path, value=currency)


class CurrencyMismatchError(SfaError, ValueError):
    """Two amounts in different currencies were combined or compared.

    Attributes:
        left: Currency code of the left operand.
        right: Currency code of the right operand.
        operation: What was attempted (``"add"``, ``"compare"``...).
        path: Where the amount sits, when it is inside a value (``"entries['SKU']"``).

    Example:
        >>> from sfa_core import CurrencyMismatchError, Money
        >>> try:
        ...     Money("1", "EUR") + Money("1", "USD")
        ... except CurrencyMismatchError as err:
        ...     print(err.left, err.right, err.operation)
        ...     print(err)
        EUR USD add
        cannot add EUR with USD: currencies differ
    """

    code: ClassVar[str] = "currency_mismatch"

    def __init__(
        self, left: str, right: str, *, operation: str = "combine", path: str = ""
    ) -> None:
        self.left = left
        self.right = right
        self.operation = operation
        self.path = path
        text = f"cannot {_text(operation)} {_text(left)} with {_text(right)}: currencies differ"
        super().__init__(f"{_text(path, _TEXT_LIMIT)}: {text}" if path else text)


class MissingRateError(SfaError, LookupError):
    """No exchange rate converts one currency into another on a date.

    Attributes:
        source: Currency converted from.
        target: Currency converted to.
        on: The date of the conversion.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.money import ExchangeRates
        >>> try:
        ...     ExchangeRates().rate("EUR", "USD", dt.date(2027, 1, 1))
        ... except LookupError as err:
        ...     print(type(err).__name__, err.source, err.target, err.on)
        MissingRateError EUR USD 2027-01-01
    """

    code: ClassVar[str] = "missing_rate"

    def __init__(self, source: str, target: str, on: _dt.date) -> None:
        self.source = source
        self.target = target
        self.on = on
        day = on.isoformat() if isinstance(on, _dt.date) else _shown(on)
        super().__init__(f"no exchange rate from {_text(source)} to {_text(target)} on {day}")


class NotFoundError(SfaError, LookupError):
    """A stored item does not exist.

    Attributes:
        kind: What was looked for, for example ``"product"``.
        key: The key that was looked up.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> try:
        ...     MemoryStore().products.get("A-1")
        ... except LookupError as err:
        ...     print(type(err).__name__, err.kind, err.key)
        NotFoundError product A-1

        A host's own repository raises it the same way:

        >>> str(NotFoundError("product", "A-1"))
        "product 'A-1' not found"
    """

    code: ClassVar[str] = "not_found"

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{_text(kind)} {_shown(key)} not found")


class AlreadyExistsError(SfaError):
    """An item was added with a key that is already stored.

    Attributes:
        kind: What was added, for example ``"product"``.
        key: The key that is taken.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.catalog import Product
        >>> products = MemoryStore().products
        >>> _ = products.add(Product(sku="A-1", name="Widget"))
        >>> products.add(Product(sku="A-1", name="Gadget"))
        Traceback (most recent call last):
        ...
        sfa_core.errors.AlreadyExistsError: product 'A-1' already exists
        >>> products.get("A-1").name
        'Widget'

        A host's own repository raises it the same way:

        >>> err = AlreadyExistsError("product", "A-1")
        >>> err.kind, err.key
        ('product', 'A-1')
    """

    code: ClassVar[str] = "already_exists"

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{_text(kind)} {_shown(key)} already exists")


class ConcurrencyError(SfaError):
    """A write was based on a version that is no longer the stored one.

    The write is refused and nothing is changed: reload, reapply, and retry.

    Attributes:
        kind: What was written, for example ``"product"``.
        key: The key of the item.
        expected_version: The version the writer based its change on.
        actual_version: The version that is stored now (``None`` if deleted).

    Example:
        >>> import attrs
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.catalog import Product
        >>> products = MemoryStore().products
        >>> read = products.add(Product(sku="A-1", name="Widget"))  # version 1
        >>> _ = products.update(attrs.evolve(read, name="First"))  # now version 2
        >>> products.update(attrs.evolve(read, name="Second"))  # based on version 1
        Traceback (most recent call last):
        ...
        sfa_core.errors.ConcurrencyError: product 'A-1': expected version 1, but ... is 2
        >>> products.get("A-1").name
        'First'

        A host's own repository raises it the same way:

        >>> err = ConcurrencyError("product", "A-1", expected_version=1, actual_version=2)
        >>> err.expected_version, err.actual_version
        (1, 2)
    """

    code: ClassVar[str] = "concurrency_conflict"

    def __init__(
        self, kind: str, key: object, expected_version: int, actual_version: int | None
    ) -> None:
        self.kind = kind
        self.key = key
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(
            f"{_text(kind)} {_shown(key)}: expected version {_shown(expected_version)}, "
            f"but the stored version is {_shown(actual_version)}"
        )


class RuleError(SfaError, ValueError):
    """A rule is malformed: unknown operator, wrong arity, bad field, too deep.

    Attributes:
        path: JSON path of the problem inside the rule, for example ``"$.and[1]['>'][0]"``.
        rule: The offending (sub-)rule.
        reason: The message without the path.

    Example:
        >>> from sfa_core import rules
        >>> try:
        ...     rules.compile({"and": [True, {">": [1]}]})
        ... except ValueError as err:
        ...     print(type(err).__name__, err.path, err.rule, err.reason, sep=" | ")
        RuleError | $.and[1] | {'>': [1]} | '>' takes at least 2 operands, got 1
    """

    code: ClassVar[str] = "rule_error"

    def __init__(self, reason: str, *, path: str = "$", rule: Any = None) -> None:
        self.reason = reason
        self.path = path
        self.rule = rule
        super().__init__(f"{_text(path, _TEXT_LIMIT)}: {_text(reason, _TEXT_LIMIT)}")


class RuleEvaluationError(SfaError):
    """Evaluating a rule failed where JSON Logic says it fails.

    Examples are division by zero or a non-numeric operand of arithmetic (both
    ``{"type": "NaN"}``), or a ``throw`` (``{"throw": "x"}`` fails with
    ``{"type": "x"}``; a thrown object is the error as it is). Inside a rule, a
    ``try`` catches the error and evaluates its next operand with ``error`` as
    the data, so ``{"val": "type"}`` there reads ``"NaN"``.

    Attributes:
        error: The error value (a JSON value: ``{"type": "NaN"}`` or what was thrown).
        path: JSON path of the operation that failed, for example ``"$.and[1]['/']"``.

    Example:
        >>> from sfa_core import rules
        >>> rules.compile({"and": [True, {"/": [1, 0]}]}).evaluate()
        Traceback (most recent call last):
        ...
        sfa_core.errors.RuleEvaluationError: $.and[1]: evaluation failed: {'type': 'NaN'}
        >>> err = RuleEvaluationError({"type": "NaN"}, path="$.and[1]")
        >>> err.error, err.path
        ({'type': 'NaN'}, '$.and[1]')
    """

    code: ClassVar[str] = "rule_evaluation_error"

    def __init__(self, error: Any, *, path: str = "$", reason: str = "") -> None:
        self.error = error
        self.path = path
        self.reason = reason or f"evaluation failed: {_shown(error)}"
        super().__init__(f"{_text(path, _TEXT_LIMIT)}: {_text(self.reason, _TEXT_LIMIT)}")


class SerializationError(ValidationError):
    """A document could not be turned into a value (or back).

    ``path`` names the bad field, for example ``"entries.LAPTOP.amount"``.

    Example:
        >>> from sfa_core import Money
        >>> from sfa_core.serialization import from_json
        >>> try:
        ...     from_json('{"amount": 12.3, "currency": "EUR"}', Money)
        ... except ValueError as err:
        ...     print(type(err).__name__, err.path, err.value, err.reason, sep=" | ")
        SerializationError | amount | 12.3 | expected a decimal number as a string
    """

    code: ClassVar[str] = "serialization_error"


class StorageError(SfaError):
    """The storage layer cannot do what was asked (for example a schema newer than the code).

    Example:
        >>> import contextlib, os, sqlite3, tempfile
        >>> from sfa_core.adapters.sqlite import SqliteStore
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "crm.db")
        ...     SqliteStore(path).close()
        ...     with contextlib.closing(sqlite3.connect(path)) as db, db:
        ...         _ = db.execute("UPDATE schema_version SET version = 99")
        ...     SqliteStore(path)
        Traceback (most recent call last):
        ...
        sfa_core.errors.StorageError: database schema version 99 is newer than ... upgrade sfa_core
    """

    code: ClassVar[str] = "storage_error"


class MissingRepositoryError(StorageError):
    """The engine was asked for something its store has no repository for.

    A host implements only the repositories of the services it uses; using a
    service whose repository is missing raises this error, naming it.

    Attributes:
        repository: The name of the missing repository (``"configurations"``).

    Example:
        >>> from sfa_core import SalesEngine
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> store = MemoryStore()
        >>> engine = SalesEngine(products=store.products, price_books=store.price_books)
        >>> engine.configurations.get_model("PC")
        Traceback (most recent call last):
        ...
        sfa_core.errors.MissingRepositoryError: this engine's store has no 'configurations' \
repository (a ConfigurationModelRepository); pass configurations=... or use a store that has one
    """

    code: ClassVar[str] = "missing_repository"

    def __init__(self, repository: str, protocol: str) -> None:
        super().__init__(
            f"this engine's store has no {_shown(repository)} repository (a {_text(protocol)}); "
            f"pass {_text(repository)}=... or use a store that has one"
        )
        self.repository = repository
