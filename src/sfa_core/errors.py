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
    """


class ValidationError(SfaError, ValueError):
    """A value is malformed or out of range.

    Attributes:
        path: Where the bad value sits, for example ``"lines[3].quantity"``
            (empty when the value itself is the subject).
        value: The offending value, when there is one.
        reason: The message without the path and value.
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
    """An amount is not an exact finite number (NaN, infinity, garbage text)."""


class FloatAmountError(InvalidAmountError, TypeError):
    """A ``float`` was given where an exact amount is required.

    Floats cannot hold most decimal fractions exactly (``0.1 + 0.2 != 0.3``), so
    money refuses them; pass a ``Decimal``, an ``int`` or a numeric string.
    This is also a :class:`TypeError`.
    """


class UnknownCurrencyError(ValidationError):
    """A currency code is not an ISO 4217 code known to babel.

    Attributes:
        code: The code that was given.
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
    """

    def __init__(self, error: Any, *, path: str = "$", reason: str = "") -> None:
        self.error = error
        self.path = path
        self.reason = reason or f"evaluation failed: {error!r}"
        super().__init__(f"{path}: {self.reason}")


class SerializationError(ValidationError):
    """A document could not be turned into a value (or back).

    ``path`` names the bad field, for example ``"entries.LAPTOP.amount"``.
    """


class StorageError(SfaError):
    """The storage layer cannot do what was asked (for example a schema newer than the code)."""
