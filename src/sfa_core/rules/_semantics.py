"""Value semantics of JSON Logic: truthiness, JavaScript-style coercion and comparison.

Everything here works on the values a rule sees at run time: JSON values from
the rule, and whatever the host's data holds (``dict``/``Mapping``, ``list``/
``tuple``, ``Decimal``, :class:`~sfa_core.money.Money`, dates, attrs values).

The hot paths (``int``/``float``/``str``/``bool`` operands) are handled inline
by the compiled closures; the functions here are the general cases.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import importlib
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, DecimalException
from typing import Any

import attrs

# Kinds of values, in the sense of JavaScript's types (plus money and dates).
NULL, BOOL, NUM, STR, ARR, OBJ, DATE, MONEY = range(8)

#: Returned by lookups that found nothing (distinct from a stored ``None``).
MISSING: Any = object()


class Fail(Exception):
    """Evaluation failed with a JSON Logic error value (converted by the caller).

    ``reason`` is the message of the :class:`~sfa_core.errors.RuleEvaluationError`
    it becomes (empty for the default one).
    """

    def __init__(self, error: Any, reason: str = "") -> None:
        super().__init__(error)
        self.error = error
        self.reason = reason


class BudgetSpent(dict):  # type: ignore[type-arg]
    """The error value of an evaluation that spent one of its budgets.

    A plain ``dict`` (``{"type": "Budget", "budget": "steps", "limit": 100000}``)
    whose class tells it apart from thrown values: ``try`` does not catch it.
    """


def budget_failure(budget: str, limit: int, reason: str) -> Fail:
    """Return the failure of an evaluation that spent its ``budget``."""
    error = BudgetSpent(type="Budget", budget=budget, limit=limit)
    return Fail(error, f"evaluation budget spent: {reason}")


#: The deepest nesting of arrays in the data that text conversion follows.
MAX_DATA_DEPTH = 200

#: Numbers whose adjusted exponent is beyond this are written in scientific notation.
TEXT_EXPONENT = 1000

_TEXT_CONTEXT = decimal.Context(prec=28)


def nan_error() -> Fail:
    """Return the failure of an arithmetic operation that has no numeric result."""
    return Fail({"type": "NaN"})


_KINDS: dict[type, int] = {
    type(None): NULL,
    bool: BOOL,
    int: NUM,
    float: NUM,
    Decimal: NUM,
    str: STR,
    list: ARR,
    tuple: ARR,
    dict: OBJ,
    _dt.date: DATE,
    _dt.datetime: DATE,
    _dt.time: DATE,
}

_MONEY_TYPE: list[Any] = []


def _money_type() -> Any:
    """Return ``sfa_core.money.Money`` (imported on first need), or ``None``."""
    if not _MONEY_TYPE:
        try:
            module = importlib.import_module("sfa_core.money")
        except ImportError:  # pragma: no cover - the money module ships with the package
            _MONEY_TYPE.append(None)
        else:
            _MONEY_TYPE.append(getattr(module, "Money", None))
    return _MONEY_TYPE[0]


def _classify(cls: type) -> int:
    if issubclass(cls, bool):
        return BOOL
    if issubclass(cls, (int, float, Decimal)):
        return NUM
    if issubclass(cls, str):
        return STR
    if issubclass(cls, (_dt.date, _dt.time)):
        return DATE
    if issubclass(cls, Mapping):
        return OBJ
    if issubclass(cls, (bytes, bytearray, memoryview)):
        return OBJ
    if issubclass(cls, Sequence):
        return ARR
    if attrs.has(cls):
        money = _money_type()
        if money is not None and issubclass(cls, money):
            return MONEY
    return OBJ


def kind(value: Any) -> int:
    """Return the kind of ``value`` (``NULL``, ``BOOL``, ``NUM``, ...)."""
    cls = type(value)
    found = _KINDS.get(cls)
    if found is None:
        found = _KINDS[cls] = _classify(cls)
    return found


def plain_number(value: Any) -> int | float | Decimal:
    """Return a number-kind value as a plain ``int``, ``float`` or ``Decimal``."""
    cls = type(value)
    if cls is int or cls is float or cls is Decimal:
        return value  # type: ignore[no-any-return]
    if isinstance(value, Decimal):
        return Decimal(value)
    if isinstance(value, int):
        return int(value)
    return float(value)


def decimal_of_float(value: float) -> Decimal:
    """Return the ``Decimal`` a float literal spells (``0.1`` -> ``Decimal("0.1")``)."""
    return Decimal(repr(value))


# --------------------------------------------------------------------------- truthiness


def truthy(value: Any) -> bool:
    """Return whether ``value`` is truthy in JSON Logic.

    Falsy: ``None``, ``False``, ``0`` (and ``-0``, ``NaN``, ``Decimal`` zero, a
    zero amount), ``""``, an empty array and an empty object. Everything else
    (including the string ``"0"``) is truthy.

    Args:
        value: Any value a rule may see.

    Returns:
        Its truthiness.

    Example:
        >>> from sfa_core.rules import truthy
        >>> [truthy(v) for v in (0, "0", [], [0], {}, None)]
        [False, True, False, True, False, False]
    """
    cls = type(value)
    if cls is bool:
        return value  # type: ignore[no-any-return]
    if cls is int or cls is str or cls is list or cls is dict:
        return bool(value)
    if value is None:
        return False
    if cls is float:
        return bool(value == value and value != 0.0)
    return _truthy_slow(value)


def _truthy_slow(value: Any) -> bool:
    k = kind(value)
    if k == NUM:
        number = plain_number(value)
        if isinstance(number, Decimal):
            return not number.is_nan() and number != 0
        return number == number and number != 0
    if k == MONEY:
        return bool(value.amount != 0)
    if k == BOOL:
        return bool(value)
    if k in (STR, ARR):
        return len(value) > 0
    if k == OBJ and isinstance(value, Mapping):
        return len(value) > 0
    return True


# --------------------------------------------------------------------------- numbers

_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_RADIX_RE = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)\Z")
_INFINITIES = {"Infinity": math.inf, "+Infinity": math.inf, "-Infinity": -math.inf}


def parse_number(text: str) -> int | float | None:
    """Convert text to a number as JavaScript's ``Number()`` does, or ``None`` for NaN.

    Surrounding whitespace is ignored and the empty string is ``0``; decimal
    literals with an optional exponent, ``Infinity`` and ``0x``/``0o``/``0b``
    integers are accepted. Integer text gives an ``int``, other text a ``float``.
    """
    text = text.strip()
    if not text:
        return 0
    try:
        if _INT_RE.match(text):
            return int(text)
        if _FLOAT_RE.match(text):
            return float(text)
        if _RADIX_RE.match(text):
            return int(text, 0)
    except ValueError:  # pragma: no cover - more digits than int() accepts
        return float(text)
    return _INFINITIES.get(text)


def arith_number(value: Any) -> int | float | Decimal | None:
    """Return ``value`` as a number for arithmetic, or ``None`` when it is NaN.

    ``None`` is 0, booleans are 0 and 1, numeric text is parsed, a ``Money``
    means its amount. Arrays, objects and dates are NaN.
    """
    cls = type(value)
    if cls is int:
        return value  # type: ignore[no-any-return]
    if cls is float:
        return value if value == value else None
    if cls is bool:
        return int(value)
    if value is None:
        return 0
    if cls is str:
        return parse_number(value)
    k = kind(value)
    if k == NUM:
        number = plain_number(value)
        if isinstance(number, Decimal):
            return None if number.is_nan() else number
        return number if number == number else None
    if k == MONEY:
        amount: Decimal = value.amount
        return amount
    if k == BOOL:
        return int(value)
    if k == STR:
        return parse_number(str(value))
    return None


def coerce_pair(
    x: int | float | Decimal, y: int | float | Decimal
) -> tuple[int | float | Decimal, int | float | Decimal]:
    """Make two numbers combinable: a float meeting a ``Decimal`` becomes a ``Decimal``."""
    tx = type(x)
    ty = type(y)
    if tx is Decimal:
        if ty is float:
            return x, decimal_of_float(y)  # type: ignore[arg-type]
    elif ty is Decimal and tx is float:
        return decimal_of_float(x), y  # type: ignore[arg-type]
    return x, y


def check_money_pair(a: Any, b: Any) -> None:
    """Fail when two amounts in different currencies meet in an ordering or arithmetic."""
    if a.currency != b.currency:
        raise Fail({"type": "Currency Mismatch", "left": a.currency, "right": b.currency})


def _arith_pair(a: Any, b: Any) -> tuple[Any, Any]:
    if kind(a) == MONEY and kind(b) == MONEY:
        check_money_pair(a, b)
    x = arith_number(a)
    y = arith_number(b)
    if x is None or y is None:
        raise nan_error()
    return coerce_pair(x, y)


def _checked(result: Any) -> Any:
    if result != result:
        raise nan_error()
    return result


def add(a: Any, b: Any) -> Any:
    """Return ``a + b`` after numeric coercion."""
    x, y = _arith_pair(a, b)
    try:
        return _checked(x + y)
    except DecimalException:
        raise nan_error() from None


def sub(a: Any, b: Any) -> Any:
    """Return ``a - b`` after numeric coercion."""
    x, y = _arith_pair(a, b)
    try:
        return _checked(x - y)
    except DecimalException:
        raise nan_error() from None


def mul(a: Any, b: Any) -> Any:
    """Return ``a * b`` after numeric coercion."""
    x, y = _arith_pair(a, b)
    try:
        return _checked(x * y)
    except DecimalException:
        raise nan_error() from None


def div(a: Any, b: Any) -> Any:
    """Return ``a / b`` after numeric coercion; dividing by zero fails with NaN.

    Two integers that divide exactly give an ``int``.
    """
    x, y = _arith_pair(a, b)
    if not y:
        raise nan_error()
    if type(x) is int and type(y) is int:
        if x % y == 0:
            return x // y
        return _checked(x / y)  # OverflowError: the caller reports the magnitude budget
    try:
        return _checked(x / y)
    except DecimalException:
        raise nan_error() from None


def mod(a: Any, b: Any) -> Any:
    """Return the remainder of ``a / b`` with the sign of ``a`` (as JavaScript's ``%``)."""
    x, y = _arith_pair(a, b)
    if not y:
        raise nan_error()
    try:
        if type(x) is Decimal or type(y) is Decimal:
            return _checked(Decimal(x) % Decimal(y))
        if type(x) is int and type(y) is int:
            rest = abs(x) % abs(y)
            return -rest if x < 0 else rest
        return _checked(math.fmod(x, y))
    except (DecimalException, ValueError):
        raise nan_error() from None


def neg(a: Any) -> Any:
    """Return ``-a`` after numeric coercion."""
    x = arith_number(a)
    if x is None:
        raise nan_error()
    return -x


def to_arith(a: Any) -> Any:
    """Return ``a`` cast to a number (unary ``+``), failing with NaN."""
    x = arith_number(a)
    if x is None:
        raise nan_error()
    return x


def extreme(values: list[Any], *, largest: bool) -> Any:
    """Return the largest (or smallest) of ``values`` after numeric coercion."""
    best: Any = None
    for value in values:
        number = arith_number(value)
        if number is None:
            raise nan_error()
        if best is None:
            best = number
            continue
        x, y = coerce_pair(number, best)
        if (x > y) if largest else (x < y):
            best = number
    return best


# --------------------------------------------------------------------------- text


def js_number_text(value: float) -> str:
    """Return a float spelled as JavaScript's ``String(number)`` spells it."""
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        power = int(exponent)
        if 1e-7 <= abs(value) < 1e21:
            return format(Decimal(text), "f")
        return f"{mantissa}e{'+' if power > 0 else '-'}{abs(power)}"
    return text


def to_text(value: Any) -> str:
    """Return ``value`` as text, as JavaScript's ``String()`` does.

    ``None`` is ``"null"``, booleans are ``"true"``/``"false"``, arrays are their
    items joined with commas, objects are ``"[object Object]"``; a ``Decimal``
    keeps its digits (``"72000.00"``), a ``Money`` is its amount's digits and a
    date is its ISO 8601 text.
    """
    cls = type(value)
    if cls is str:
        return value  # type: ignore[no-any-return]
    if cls is bool:
        return "true" if value else "false"
    if cls is int:
        return _int_text(value)
    if cls is float:
        return js_number_text(value)
    if value is None:
        return "null"
    k = kind(value)
    if k == NUM:
        number = plain_number(value)
        if isinstance(number, Decimal):
            return decimal_text(number)
        return to_text(number)
    if k == MONEY:
        return decimal_text(value.amount)
    if k == STR:
        return str(value)
    if k == BOOL:
        return "true" if value else "false"
    if k == DATE:
        return str(value.isoformat())
    if k == ARR:
        return _join(value, set(), 1)
    return "[object Object]"


def _int_text(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # more digits than int() writes: scientific, as JavaScript does
        return str(_TEXT_CONTEXT.create_decimal(value))


def decimal_text(number: Decimal) -> str:
    """Return a ``Decimal`` as text: its digits, or scientific notation beyond 1E±1000.

    ``Decimal("72000.00")`` is ``"72000.00"``; ``Decimal("1E+2000")`` stays
    ``"1E+2000"`` rather than two thousand digits.
    """
    if number.is_finite() and -TEXT_EXPONENT <= number.adjusted() <= TEXT_EXPONENT:
        return format(number, "f")
    return str(number)


def _join(items: Any, active: set[int], depth: int) -> str:
    """Join an array's items as text, as JavaScript's ``Array.prototype.join`` does.

    An array met again inside itself adds nothing (as in JavaScript); arrays nested
    deeper than :data:`MAX_DATA_DEPTH` fail with a budget error.
    """
    if depth > MAX_DATA_DEPTH:
        raise budget_failure(
            "depth", MAX_DATA_DEPTH, f"an array nested deeper than {MAX_DATA_DEPTH} levels"
        )
    ident = id(items)
    if ident in active:
        return ""
    active.add(ident)
    parts = []
    for item in items:
        if item is None:
            parts.append("")
        elif type(item) is list or type(item) is tuple or kind(item) == ARR:
            parts.append(_join(item, active, depth + 1))
        else:
            parts.append(to_text(item))
    active.discard(ident)
    return ",".join(parts)


def cat_text(value: Any) -> str:
    """Return ``value`` as text for ``cat``: ``None`` contributes nothing."""
    if type(value) is str:
        return value
    return "" if value is None else to_text(value)


# --------------------------------------------------------------------------- comparison


def to_primitive(value: Any) -> Any:
    """Return ``value`` as a JavaScript primitive: arrays and objects become text."""
    cls = type(value)
    if cls is str or cls is int or cls is float or cls is bool or value is None:
        return value
    k = kind(value)
    if k == NUM:
        return plain_number(value)
    if k == MONEY:
        return value.amount
    if k == STR:
        return str(value)
    if k == BOOL:
        return bool(value)
    if k == DATE:
        return value.isoformat()
    if k == ARR:
        return to_text(value)
    return "[object Object]"


def _primitive_number(value: Any) -> int | float | Decimal | None:
    if value is None:
        return 0
    cls = type(value)
    if cls is bool:
        return int(value)
    if cls is str:
        return parse_number(value)
    if cls is Decimal:
        return None if value.is_nan() else value
    return value if value == value else None


def _native_dates(a: Any, b: Any) -> bool:
    """Whether two date-kind values can be ordered natively (same class, same awareness)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (_dt.datetime, _dt.time)):
        return (a.tzinfo is None) == (b.tzinfo is None)
    return True


def ordering_pair(a: Any, b: Any) -> tuple[Any, Any] | None:
    """Return two values that order as ``a`` and ``b`` do in JavaScript, or ``None``.

    ``None`` means the comparison involves NaN, so every ordering is false.
    Two strings compare as text; otherwise both sides become numbers.
    """
    ka = kind(a)
    kb = kind(b)
    if ka == MONEY and kb == MONEY:
        check_money_pair(a, b)
    elif ka == DATE and kb == DATE and _native_dates(a, b):
        return a, b
    pa = to_primitive(a)
    pb = to_primitive(b)
    if type(pa) is str and type(pb) is str:
        return pa, pb
    x = _primitive_number(pa)
    y = _primitive_number(pb)
    if x is None or y is None:
        return None
    return coerce_pair(x, y)


def less(a: Any, b: Any) -> bool:
    """Return ``a < b`` with JavaScript's coercions."""
    pair = ordering_pair(a, b)
    return pair is not None and pair[0] < pair[1]


def less_equal(a: Any, b: Any) -> bool:
    """Return ``a <= b`` with JavaScript's coercions."""
    pair = ordering_pair(a, b)
    return pair is not None and pair[0] <= pair[1]


def greater(a: Any, b: Any) -> bool:
    """Return ``a > b`` with JavaScript's coercions."""
    pair = ordering_pair(a, b)
    return pair is not None and pair[0] > pair[1]


def greater_equal(a: Any, b: Any) -> bool:
    """Return ``a >= b`` with JavaScript's coercions."""
    pair = ordering_pair(a, b)
    return pair is not None and pair[0] >= pair[1]


def _is_nan(x: Any) -> bool:
    return x.is_nan() if type(x) is Decimal else bool(x != x)


def _number_equal(x: Any, y: Any) -> bool:
    x = plain_number(x)
    y = plain_number(y)
    if _is_nan(x) or _is_nan(y):
        return False
    x, y = coerce_pair(x, y)
    return bool(x == y)


def _normalise(value: Any, k: int) -> tuple[Any, int]:
    """Turn an amount into its number and a date into its ISO text, for equality."""
    if k == MONEY:
        return value.amount, NUM
    if k == DATE:
        return value.isoformat(), STR
    return value, k


def loose_equal(a: Any, b: Any) -> bool:
    """Return ``a == b`` with JavaScript's loose equality rules.

    Numbers and numeric text are equal when their numbers are (``1 == "1"``),
    booleans compare as 0 and 1, ``null`` equals only ``null``, arrays and
    objects equal only themselves (or, against text or a number, their text).
    """
    ta = type(a)
    if ta is type(b) and (ta is str or ta is int or ta is float or ta is bool):
        return bool(a == b)
    ka = kind(a)
    kb = kind(b)
    if ka == MONEY and kb == MONEY:
        return a.currency == b.currency and bool(a.amount == b.amount)
    if ka == DATE and kb == DATE:
        return bool(a == b)
    a, ka = _normalise(a, ka)
    b, kb = _normalise(b, kb)
    if ka == kb:
        if ka == NUM:
            return _number_equal(a, b)
        if ka in (ARR, OBJ):
            return a is b
        if ka == NULL:
            return True
        return bool(a == b)
    if ka == NULL or kb == NULL:
        return False
    if ka == BOOL:
        return loose_equal(int(a), b)
    if kb == BOOL:
        return loose_equal(a, int(b))
    if ka == NUM and kb == STR:
        number = parse_number(str(b))
        return number is not None and _number_equal(a, number)
    if ka == STR and kb == NUM:
        number = parse_number(str(a))
        return number is not None and _number_equal(number, b)
    if ka in (NUM, STR) and kb in (ARR, OBJ):
        return loose_equal(a, to_primitive(b))
    if kb in (NUM, STR) and ka in (ARR, OBJ):
        return loose_equal(to_primitive(a), b)
    return False


def strict_equal(a: Any, b: Any) -> bool:
    """Return ``a === b``: same kind and same value (arrays and objects by identity).

    ``1 === 1.0`` and ``Decimal("1") === 1`` are true: JSON has one number type.
    """
    ta = type(a)
    if ta is type(b) and (ta is str or ta is int or ta is float or ta is bool):
        return bool(a == b)
    ka = kind(a)
    kb = kind(b)
    if ka == MONEY and kb == MONEY:
        return a.currency == b.currency and bool(a.amount == b.amount)
    if ka == DATE and kb == DATE:
        return bool(a == b)
    a, ka = _normalise(a, ka)
    b, kb = _normalise(b, kb)
    if ka != kb:
        return False
    if ka == NUM:
        return _number_equal(a, b)
    if ka in (ARR, OBJ):
        return a is b
    if ka == NULL:
        return True
    return bool(a == b)


def includes(haystack: Any, needle: Any) -> bool:
    """Return the result of ``in``: array membership (strict equality) or substring."""
    cls = type(haystack)
    if cls is list or cls is tuple:
        return any(strict_equal(needle, item) for item in haystack)
    if cls is str:
        return to_text(needle) in haystack
    k = kind(haystack)
    if k == ARR:
        return any(strict_equal(needle, item) for item in haystack)
    if k == STR:
        return to_text(needle) in str(haystack)
    return False


# --------------------------------------------------------------------------- data access

_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _attrs_field_names(cls: type) -> frozenset[str]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        # private (``_x``) and dunder names never resolve: only public fields are data
        names = frozenset(
            field.name for field in attrs.fields(cls) if not field.name.startswith("_")
        )
        _FIELD_NAMES[cls] = names
    return names


def index_of(key: str) -> int | None:
    """Return the array index a path segment names (``"0"``, ``"12"``), or ``None``."""
    if key.isdigit() and key.isascii() and (key == "0" or key[0] != "0"):
        return int(key)
    return None


def step(container: Any, key: str, index: int | None) -> Any:
    """Return ``container[key]`` for one path segment, or :data:`MISSING`.

    Mappings are read by key, sequences by integer index, attrs values by field
    name (only names declared with attrs; nothing else of a Python object is
    reachable). Everything else has no members.
    """
    cls = type(container)
    if cls is dict:
        return container.get(key, MISSING)
    if cls is list or cls is tuple:
        if index is not None and index < len(container):
            return container[index]
        return MISSING
    return _step_slow(container, key, index)


def _step_slow(container: Any, key: str, index: int | None) -> Any:
    if container is None or isinstance(container, (str, bytes, bytearray)):
        return MISSING
    if isinstance(container, Mapping):
        try:
            return container[key]
        except (KeyError, TypeError):
            return MISSING
    if isinstance(container, Sequence):
        if index is not None and index < len(container):
            return container[index]
        return MISSING
    cls = type(container)
    if attrs.has(cls) and key in _attrs_field_names(cls):
        return getattr(container, key)
    return MISSING


def clamp_int(number: int | float | Decimal) -> int:
    """Return a number as an ``int`` for an index or a count, clamped to ±2**62.

    Infinities and huge numbers (``Decimal("1E+999999999")``) are clamped
    without building their digits.
    """
    if type(number) is int:
        return number if -_CLAMP < number < _CLAMP else (_CLAMP if number > 0 else -_CLAMP)
    if number != number:  # pragma: no cover - callers pass numbers, not NaN
        return 0
    if number > _CLAMP:
        return _CLAMP
    if number < -_CLAMP:
        return -_CLAMP
    return int(number)


_CLAMP = 1 << 62


def segment(value: Any) -> tuple[str, int | None]:
    """Return a path segment (a key or an index) as its text and its array index."""
    if type(value) is int or (type(value) is float and value.is_integer()):
        number = int(value)
        return _int_text(number), (number if number >= 0 else None)
    text = to_text(value)
    return text, index_of(text)


def as_sequence(value: Any) -> Sequence[Any] | None:
    """Return ``value`` if it is an array (``list``, ``tuple``, other sequences), else ``None``."""
    cls = type(value)
    if cls is list or cls is tuple:
        return value  # type: ignore[no-any-return]
    if kind(value) == ARR:
        return value  # type: ignore[no-any-return]
    return None


# --------------------------------------------------------------------------- community dialect


def truthy_community(value: Any) -> bool:
    """Return whether ``value`` is truthy in the community dialect.

    As :func:`truthy`, except that every object is truthy, even an empty one.

    Args:
        value: Any value a rule may see.

    Returns:
        Its truthiness.

    Example:
        >>> from sfa_core.rules._semantics import truthy_community
        >>> [truthy_community(v) for v in (0, "0", [], {}, None)]
        [False, True, False, True, False]
    """
    cls = type(value)
    if cls is bool:
        return value  # type: ignore[no-any-return]
    if cls is dict:
        return True
    if cls is int or cls is str or cls is list:
        return bool(value)
    if value is None:
        return False
    if cls is float:
        return bool(value == value and value != 0.0)
    if kind(value) == OBJ:
        return True
    return _truthy_slow(value)


def _strict_number(value: Any, k: int) -> int | float | Decimal:
    """``value`` as a number for a community comparison; NaN (and non-numbers) fail."""
    if k == NULL:
        return 0
    if k == BOOL:
        return int(value)
    number: int | float | Decimal | None
    if k == NUM:
        number = plain_number(value)
        if _is_nan(number):
            number = None
    elif k == STR:
        number = parse_number(str(value))
    else:
        number = None
    if number is None:
        raise Fail({"type": "NaN"}, f"cannot compare {to_text_safe(value)} as a number")
    return number


def to_text_safe(value: Any) -> str:
    """Return a short description of ``value`` for an error message."""
    k = kind(value)
    if k == ARR:
        return "an array"
    if k == OBJ:
        return "an object"
    return repr(to_text(value))


def community_pair(a: Any, b: Any) -> tuple[Any, Any]:
    """Return two values that compare as ``a`` and ``b`` do in the community dialect.

    Two texts compare as text, two amounts (same currency) or two dates as
    themselves; anything else is converted to numbers (``null`` is 0, booleans
    0 and 1, numeric text its number), and what has no number (arrays, objects,
    other text) fails with ``{"type": "NaN"}``.
    """
    ka = kind(a)
    kb = kind(b)
    if ka == MONEY and kb == MONEY:
        check_money_pair(a, b)
        return a.amount, b.amount
    if ka == DATE and kb == DATE and _native_dates(a, b):
        return a, b
    a, ka = _normalise(a, ka)
    b, kb = _normalise(b, kb)
    if ka == STR and kb == STR:
        return str(a), str(b)
    return coerce_pair(_strict_number(a, ka), _strict_number(b, kb))


def community_equal(a: Any, b: Any) -> bool:
    """Return ``a == b`` in the community dialect (see :func:`community_pair`)."""
    ta = type(a)
    if ta is type(b) and (ta is str or ta is int or ta is float or ta is bool):
        return bool(a == b)
    x, y = community_pair(a, b)
    return bool(x == y)


def community_less(a: Any, b: Any) -> bool:
    """Return ``a < b`` in the community dialect."""
    x, y = community_pair(a, b)
    return bool(x < y)


def community_less_equal(a: Any, b: Any) -> bool:
    """Return ``a <= b`` in the community dialect."""
    x, y = community_pair(a, b)
    return bool(x <= y)


def community_greater(a: Any, b: Any) -> bool:
    """Return ``a > b`` in the community dialect."""
    x, y = community_pair(a, b)
    return bool(x > y)


def community_greater_equal(a: Any, b: Any) -> bool:
    """Return ``a >= b`` in the community dialect."""
    x, y = community_pair(a, b)
    return bool(x >= y)
