"""A small Python builder that writes JSON Logic: ``var("quote.net_total") > 50000``.

Expressions only produce JSON (:meth:`Expr.to_json`); :func:`~sfa_core.rules.compile`
accepts them directly, and ``compile(expr).source == expr.to_json()``.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NoReturn

from sfa_core.errors import RuleError, _shown
from sfa_core.rules._operators import MAX_DEPTH, MAX_EXPONENT

__all__ = ["Expr", "all_of", "any_of", "between", "field", "if_", "in_", "not_", "var"]

_NO_DEFAULT: Any = object()


def _refuse(reason: str, path: str, value: Any) -> NoReturn:
    raise RuleError(f"{reason} (got {_shown(value)})", path=path, rule=value)


def _too_deep(path: str, value: Any) -> NoReturn:
    raise RuleError(
        f"the rule would be nested deeper than {MAX_DEPTH} levels", path=path, rule=value
    )


def _to_json(value: Any, path: str, depth: int = 0) -> tuple[Any, int]:
    """Return ``value`` as JSON, unwrapping expressions and converting exact numbers.

    Also returns the height of the JSON, counted as :func:`~sfa_core.rules.compile`
    counts nesting (each operation and each array written as a value is a level, the
    operand list of an operation is not). ``depth`` is the number of levels above
    ``value``; nothing deeper than :data:`MAX_DEPTH` is built, so a value nested too
    deep, or that contains itself, is refused before it is walked far.
    """
    if isinstance(value, Expr):
        if depth + value._height > MAX_DEPTH:
            _too_deep(path, value)
        return value._json, value._height
    cls = type(value)
    if value is None or cls is bool or cls is int or cls is str:
        return value, 0
    if cls is float:
        if not math.isfinite(value):
            _refuse("not a JSON number", path, value)
        return value, 0
    if isinstance(value, Decimal):
        return _decimal_json(value, path), 0
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat(), 0
    if isinstance(value, (list, tuple)):
        if depth >= MAX_DEPTH:
            _too_deep(path, value)
        return _items(value, path, depth + 1)
    if isinstance(value, Mapping):
        if not value:
            return {}, 0
        if depth >= MAX_DEPTH:
            _too_deep(path, value)
        result = {}
        height = 0
        operation = len(value) == 1
        for key, item in value.items():
            if type(key) is not str:
                _refuse("object keys must be text", path, key)
            at = f"{path}.{key}"
            if operation and isinstance(item, (list, tuple)):
                # an operation's operand list: the operands sit at the operation's level
                json, below = _items(item, at, depth + 1)
                below -= 1
            else:
                json, below = _to_json(item, at, depth + 1)
            result[key] = json
            height = max(height, below)
        return result, height + 1
    _refuse("cannot be written as JSON", path, value)


def _items(values: Any, path: str, depth: int) -> tuple[list[Any], int]:
    """Return the items of an array as JSON, and the array's height (``depth`` is its level)."""
    result = []
    height = 0
    for i, item in enumerate(values):
        json, below = _to_json(item, f"{path}[{i}]", depth)
        result.append(json)
        height = max(height, below)
    return result, height + 1


def _decimal_json(value: Decimal, path: str) -> int | float:
    """Return a ``Decimal`` as an exact JSON number, or refuse it naming ``path``.

    Its magnitude is bounded first (``|adjusted exponent|`` at most
    :data:`~sfa_core.rules.MAX_EXPONENT`, the magnitude budget of rule arithmetic),
    so that writing it as an ``int`` cannot take long or build a huge number.
    """
    if not value.is_finite():
        _refuse("not a JSON number", path, value)
    if not value:
        return 0
    if not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        _refuse(f"is out of the range of a rule: |exponent| at most {MAX_EXPONENT}", path, value)
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value:
        _refuse("has no exact JSON number: a float would round it", path, value)
    return number


def _named(name: str, values: tuple[Any, ...]) -> list[tuple[str, Any]]:
    return [(f"{name}[{i}]", value) for i, value in enumerate(values)]


def _copy(value: Any) -> Any:
    if type(value) is list:
        return [_copy(item) for item in value]
    if type(value) is dict:
        return {key: _copy(item) for key, item in value.items()}
    return value


def _operation(op: str, *operands: tuple[str, Any]) -> Expr:
    """Return ``{op: [operands...]}``; each operand is given with its argument name."""
    items = []
    height = 0
    for name, operand in operands:
        json, below = _to_json(operand, name, 1)
        items.append(json)
        height = max(height, below)
    return Expr._of({op: items}, height + 1)


def _flatten(op: str, *operands: tuple[str, Any]) -> Expr:
    """Join two operands with an associative operator, extending an existing chain."""
    items: list[Any] = []
    height = 0
    for name, operand in operands:
        if isinstance(operand, Expr):
            json = operand._json
            if type(json) is dict and list(json) == [op]:
                items.extend(json[op])
                height = max(height, operand._height - 1)
                continue
        json, below = _to_json(operand, name, 1)
        items.append(json)
        height = max(height, below)
    return Expr._of({op: items}, height + 1)


class Expr:
    """A JSON Logic expression under construction.

    Python operators build operations: comparisons (``==``, ``!=``, ``<``,
    ``<=``, ``>``, ``>=``), arithmetic (``+``, ``-``, ``*``, ``/``, ``%``, unary
    ``-``) and logic (``&`` for ``and``, ``|`` for ``or``, ``~`` for ``!``).
    Chains of ``&``, ``|``, ``+`` and ``*`` are flattened into one operation.

    Because ``==`` builds an expression, expressions are not hashable
    (``__hash__`` is ``None``) and have no truth value: ``if expr:``, ``and``,
    ``or``, ``not`` and chained comparisons (``a < b < c``) raise
    ``TypeError``; use ``&``, ``|``, ``~`` and :func:`between`.

    Args:
        rule: JSON to wrap (a rule or a value), or another expression.

    Raises:
        RuleError: ``rule`` (or an operand, for the functions and operators that
            build operations) holds something that is not JSON, a ``Decimal`` beyond
            ``1E±1000`` (:data:`~sfa_core.rules.MAX_EXPONENT`) or one a float would
            round, or nests deeper than :data:`~sfa_core.rules.MAX_DEPTH` levels (so a
            value that contains itself). ``path`` names the argument (``"low"``,
            ``"conditions[1]"``, ``"other"``) and where inside it the problem is.

    Example:
        >>> from sfa_core.rules import var
        >>> expr = (var("net_total") > 50000) & (var("region") == "EMEA")
        >>> expr.to_json()
        {'and': [{'>': [{'var': 'net_total'}, 50000]}, {'==': [{'var': 'region'}, 'EMEA']}]}
    """

    __slots__ = ("_height", "_json")
    __hash__ = None  # type: ignore[assignment]

    _height: int
    _json: Any

    def __init__(self, rule: Any) -> None:
        self._json, self._height = _to_json(rule, "rule")

    @classmethod
    def _of(cls, json: Any, height: int) -> Expr:
        expr = cls.__new__(cls)
        expr._json = json
        expr._height = height
        return expr

    def to_json(self) -> Any:
        """Return the expression as plain JSON (a fresh copy).

        Returns:
            The JSON Logic rule.

        Example:
            >>> from sfa_core.rules import var
            >>> (var("qty") * var("price")).to_json()
            {'*': [{'var': 'qty'}, {'var': 'price'}]}
        """
        return _copy(self._json)

    def is_in(self, collection: Any) -> Expr:
        """Return ``{"in": [self, collection]}``: membership in an array, or a substring.

        Args:
            collection: An array (or text) to look in.

        Returns:
            The ``in`` expression.

        Example:
            >>> from sfa_core.rules import var
            >>> var("region").is_in(["EMEA", "APAC"]).to_json()
            {'in': [{'var': 'region'}, ['EMEA', 'APAC']]}
        """
        return _operation("in", ("self", self), ("collection", collection))

    def between(self, low: Any, high: Any, *, inclusive: bool = True) -> Expr:
        """Return ``low <= self <= high`` (``<`` when not inclusive).

        Args:
            low: The lower bound.
            high: The upper bound.
            inclusive: Whether the bounds themselves are inside.

        Returns:
            The three-operand comparison.

        Example:
            >>> from sfa_core.rules import var
            >>> var("discount").between(0.1, 0.2).to_json()
            {'<=': [0.1, {'var': 'discount'}, 0.2]}
        """
        return between(low, self, high, inclusive=inclusive)

    def __bool__(self) -> bool:
        raise TypeError(
            "a rule expression has no truth value: use & | ~ instead of and/or/not, "
            "and between() instead of chained comparisons"
        )

    def __repr__(self) -> str:
        try:
            return f"Expr({self._json!r})"
        except ValueError:  # an int too long for decimal text: a bounded repr instead
            return f"Expr({_shown(self._json)})"

    # Comparisons build expressions.
    def __eq__(self, other: object) -> Expr:  # type: ignore[override]
        return _operation("==", ("self", self), ("other", other))

    def __ne__(self, other: object) -> Expr:  # type: ignore[override]
        return _operation("!=", ("self", self), ("other", other))

    def __lt__(self, other: Any) -> Expr:
        return _operation("<", ("self", self), ("other", other))

    def __le__(self, other: Any) -> Expr:
        return _operation("<=", ("self", self), ("other", other))

    def __gt__(self, other: Any) -> Expr:
        return _operation(">", ("self", self), ("other", other))

    def __ge__(self, other: Any) -> Expr:
        return _operation(">=", ("self", self), ("other", other))

    # Logic.
    def __and__(self, other: Any) -> Expr:
        return _flatten("and", ("self", self), ("other", other))

    def __rand__(self, other: Any) -> Expr:
        return _flatten("and", ("other", other), ("self", self))

    def __or__(self, other: Any) -> Expr:
        return _flatten("or", ("self", self), ("other", other))

    def __ror__(self, other: Any) -> Expr:
        return _flatten("or", ("other", other), ("self", self))

    def __invert__(self) -> Expr:
        return _operation("!", ("self", self))

    # Arithmetic.
    def __add__(self, other: Any) -> Expr:
        return _flatten("+", ("self", self), ("other", other))

    def __radd__(self, other: Any) -> Expr:
        return _flatten("+", ("other", other), ("self", self))

    def __sub__(self, other: Any) -> Expr:
        return _operation("-", ("self", self), ("other", other))

    def __rsub__(self, other: Any) -> Expr:
        return _operation("-", ("other", other), ("self", self))

    def __mul__(self, other: Any) -> Expr:
        return _flatten("*", ("self", self), ("other", other))

    def __rmul__(self, other: Any) -> Expr:
        return _flatten("*", ("other", other), ("self", self))

    def __truediv__(self, other: Any) -> Expr:
        return _operation("/", ("self", self), ("other", other))

    def __rtruediv__(self, other: Any) -> Expr:
        return _operation("/", ("other", other), ("self", self))

    def __mod__(self, other: Any) -> Expr:
        return _operation("%", ("self", self), ("other", other))

    def __rmod__(self, other: Any) -> Expr:
        return _operation("%", ("other", other), ("self", self))

    def __neg__(self) -> Expr:
        return _operation("-", ("self", self))


def var(name: str | int | None, default: Any = _NO_DEFAULT) -> Expr:
    """Return ``{"var": name}``: a value of the data by dotted name.

    Args:
        name: The dotted name (``"quote.net_total"``, ``"lines.0.sku"``);
            ``""`` or ``None`` for the whole data.
        default: The value when the name is absent.

    Returns:
        The ``var`` expression.

    Example:
        >>> from sfa_core.rules import var
        >>> var("quote.net_total").to_json()
        {'var': 'quote.net_total'}
        >>> var("discount", 0).to_json()
        {'var': ['discount', 0]}
    """
    if default is _NO_DEFAULT:
        json, height = _to_json(name, "name", 1)
        return Expr._of({"var": json}, height + 1)
    return _operation("var", ("name", name), ("default", default))


#: Another name of :func:`var`, reading better in conditions.
field = var


def all_of(*conditions: Any) -> Expr:
    """Return ``{"and": [...]}``: the first falsy condition, or the last one.

    Args:
        *conditions: Conditions (expressions or JSON).

    Returns:
        The ``and`` expression.

    Example:
        >>> from sfa_core.rules import all_of, var
        >>> all_of(var("a") > 1, var("b")).to_json()
        {'and': [{'>': [{'var': 'a'}, 1]}, {'var': 'b'}]}
    """
    return _operation("and", *_named("conditions", conditions))


def any_of(*conditions: Any) -> Expr:
    """Return ``{"or": [...]}``: the first truthy condition, or the last one.

    Args:
        *conditions: Conditions (expressions or JSON).

    Returns:
        The ``or`` expression.

    Example:
        >>> from sfa_core.rules import any_of, var
        >>> any_of(var("vip"), var("total") > 100).to_json()
        {'or': [{'var': 'vip'}, {'>': [{'var': 'total'}, 100]}]}
    """
    return _operation("or", *_named("conditions", conditions))


def not_(condition: Any) -> Expr:
    """Return ``{"!": [condition]}``.

    Args:
        condition: The condition to negate.

    Returns:
        The ``!`` expression.

    Example:
        >>> from sfa_core.rules import not_, var
        >>> not_(var("approved")).to_json()
        {'!': [{'var': 'approved'}]}
    """
    return _operation("!", ("condition", condition))


def if_(condition: Any, then: Any, *rest: Any) -> Expr:
    """Return ``{"if": [condition, then, ...]}``.

    ``rest`` is an else value, or more condition/value pairs with an optional
    final else value (``if_(c1, v1, c2, v2, otherwise)``).

    Args:
        condition: The first condition.
        then: The value when it is truthy.
        *rest: Further conditions and values, and the else value.

    Returns:
        The ``if`` expression.

    Example:
        >>> from sfa_core.rules import if_, var
        >>> if_(var("total") > 100000, "vp", "manager").to_json()
        {'if': [{'>': [{'var': 'total'}, 100000]}, 'vp', 'manager']}
    """
    return _operation("if", ("condition", condition), ("then", then), *_named("rest", rest))


def between(low: Any, value: Any, high: Any, *, inclusive: bool = True) -> Expr:
    """Return ``{"<=": [low, value, high]}`` (``"<"`` when not inclusive).

    Args:
        low: The lower bound.
        value: The value tested.
        high: The upper bound.
        inclusive: Whether the bounds themselves are inside.

    Returns:
        The three-operand comparison.

    Example:
        >>> from sfa_core.rules import between, var
        >>> between(0, var("margin"), 0.15, inclusive=False).to_json()
        {'<': [0, {'var': 'margin'}, 0.15]}
    """
    return _operation("<=" if inclusive else "<", ("low", low), ("value", value), ("high", high))


def in_(needle: Any, haystack: Any) -> Expr:
    """Return ``{"in": [needle, haystack]}``: array membership or a substring test.

    Args:
        needle: What to look for.
        haystack: The array or text to look in.

    Returns:
        The ``in`` expression.

    Example:
        >>> from sfa_core.rules import in_, var
        >>> in_("rush", var("notes")).to_json()
        {'in': ['rush', {'var': 'notes'}]}
    """
    return _operation("in", ("needle", needle), ("haystack", haystack))
