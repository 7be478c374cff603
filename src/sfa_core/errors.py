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
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

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


class SfaError(Exception):
    """Root of every error raised by sfa_core.

    Catch this to handle anything the package raises on purpose.

    Example:
        >>> from sfa_core import Money, SfaError
        >>> try:
        ...     Money("1", "EUR") + Money("1", "USD")
        ... except SfaError as err:
        ...     print(type(err).__name__)
        CurrencyMismatchError
    """


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

    def __init__(self, reason: str, *, path: str = "", value: Any = _MISSING) -> None:
        self.reason = reason
        self.path = path
        self.value = None if value is _MISSING else value
        text = f"{path}: {reason}" if path else reason
        if value is not _MISSING:
            text += f" (got {value!r})"
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


class UnknownCurrencyError(ValidationError):
    """A currency code is not an ISO 4217 code known to babel.

    Attributes:
        code: The code that was given.

    Example:
        >>> from sfa_core.money import Money
        >>> Money("1", "XYZ")
        Traceback (most recent call last):
        ...
        sfa_core.errors.UnknownCurrencyError: currency: unknown ISO 4217 currency code (got 'XYZ')
        >>> UnknownCurrencyError("XYZ", path="lines[0].currency").code
        'XYZ'
    """

    def __init__(self, code: object, *, path: str = "currency") -> None:
        self.code = code
        super().__init__("unknown ISO 4217 currency code", path=path, value=code)


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

    def __init__(
        self, left: str, right: str, *, operation: str = "combine", path: str = ""
    ) -> None:
        self.left = left
        self.right = right
        self.operation = operation
        self.path = path
        text = f"cannot {operation} {left} with {right}: currencies differ"
        super().__init__(f"{path}: {text}" if path else text)


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

    def __init__(self, source: str, target: str, on: _dt.date) -> None:
        self.source = source
        self.target = target
        self.on = on
        super().__init__(f"no exchange rate from {source} to {target} on {on.isoformat()}")


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

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")


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

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} already exists")


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

    def __init__(
        self, kind: str, key: object, expected_version: int, actual_version: int | None
    ) -> None:
        self.kind = kind
        self.key = key
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(
            f"{kind} {key!r}: expected version {expected_version}, "
            f"but the stored version is {actual_version}"
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

    def __init__(self, reason: str, *, path: str = "$", rule: Any = None) -> None:
        self.reason = reason
        self.path = path
        self.rule = rule
        super().__init__(f"{path}: {reason}")


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

    def __init__(self, error: Any, *, path: str = "$", reason: str = "") -> None:
        self.error = error
        self.path = path
        self.reason = reason or f"evaluation failed: {error!r}"
        super().__init__(f"{path}: {self.reason}")


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

    def __init__(self, repository: str, protocol: str) -> None:
        super().__init__(
            f"this engine's store has no {repository!r} repository (a {protocol}); "
            f"pass {repository}=... or use a store that has one"
        )
        self.repository = repository
