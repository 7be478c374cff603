"""A small Python builder that writes JSON Logic: ``var("quote.net_total") > 50000``.

Expressions only produce JSON (:meth:`Expr.to_json`); :func:`~sfa_core.rules.compile`
accepts them directly, and ``compile(expr).source == expr.to_json()``.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sfa_core.errors import RuleError

__all__ = ["Expr", "all_of", "any_of", "between", "field", "if_", "in_", "not_", "var"]

_NO_DEFAULT: Any = object()


def _to_json(value: Any, path: str = "$") -> Any:
    """Return ``value`` as JSON, unwrapping expressions and converting exact numbers."""
    if isinstance(value, Expr):
        return value._json
    cls = type(value)
    if value is None or cls is bool or cls is int or cls is str:
        return value
    if cls is float:
        if not math.isfinite(value):
            raise RuleError(f"not a JSON number: {value!r}", path=path, rule=value)
        return value
    if isinstance(value, Decimal):
        return _decimal_json(value, path)
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_to_json(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise RuleError(f"object keys must be text, got {key!r}", path=path, rule=value)
            result[key] = _to_json(item, f"{path}.{key}")
        return result
    raise RuleError(f"cannot be written as JSON: {value!r}", path=path, rule=value)


def _decimal_json(value: Decimal, path: str) -> int | float:
    if not value.is_finite():
        raise RuleError(f"not a JSON number: {value!r}", path=path, rule=value)
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value:
        raise RuleError(
            f"{value} has no exact JSON number (a float would round it)", path=path, rule=value
        )
    return number


def _copy(value: Any) -> Any:
    if type(value) is list:
        return [_copy(item) for item in value]
    if type(value) is dict:
        return {key: _copy(item) for key, item in value.items()}
    return value


def _operation(op: str, *operands: Any) -> Expr:
    return Expr._of({op: [_to_json(operand) for operand in operands]})


def _flatten(op: str, left: Any, right: Any) -> Expr:
    """Join two operands with an associative operator, extending an existing chain."""
    items: list[Any] = []
    for operand in (left, right):
        json = _to_json(operand)
        if isinstance(operand, Expr) and type(json) is dict and list(json) == [op]:
            items.extend(json[op])
        else:
            items.append(json)
    return Expr._of({op: items})


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
        RuleError: ``rule`` holds something that is not JSON.

    Example:
        >>> from sfa_core.rules import var
        >>> expr = (var("net_total") > 50000) & (var("region") == "EMEA")
        >>> expr.to_json()
        {'and': [{'>': [{'var': 'net_total'}, 50000]}, {'==': [{'var': 'region'}, 'EMEA']}]}
    """

    __slots__ = ("_json",)
    __hash__ = None  # type: ignore[assignment]

    _json: Any

    def __init__(self, rule: Any) -> None:
        self._json = _to_json(rule)

    @classmethod
    def _of(cls, json: Any) -> Expr:
        expr = cls.__new__(cls)
        expr._json = json
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
        return _operation("in", self, collection)

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
        return f"Expr({self._json!r})"

    # Comparisons build expressions.
    def __eq__(self, other: object) -> Expr:  # type: ignore[override]
        return _operation("==", self, other)

    def __ne__(self, other: object) -> Expr:  # type: ignore[override]
        return _operation("!=", self, other)

    def __lt__(self, other: Any) -> Expr:
        return _operation("<", self, other)

    def __le__(self, other: Any) -> Expr:
        return _operation("<=", self, other)

    def __gt__(self, other: Any) -> Expr:
        return _operation(">", self, other)

    def __ge__(self, other: Any) -> Expr:
        return _operation(">=", self, other)

    # Logic.
    def __and__(self, other: Any) -> Expr:
        return _flatten("and", self, other)

    def __rand__(self, other: Any) -> Expr:
        return _flatten("and", other, self)

    def __or__(self, other: Any) -> Expr:
        return _flatten("or", self, other)

    def __ror__(self, other: Any) -> Expr:
        return _flatten("or", other, self)

    def __invert__(self) -> Expr:
        return _operation("!", self)

    # Arithmetic.
    def __add__(self, other: Any) -> Expr:
        return _flatten("+", self, other)

    def __radd__(self, other: Any) -> Expr:
        return _flatten("+", other, self)

    def __sub__(self, other: Any) -> Expr:
        return _operation("-", self, other)

    def __rsub__(self, other: Any) -> Expr:
        return _operation("-", other, self)

    def __mul__(self, other: Any) -> Expr:
        return _flatten("*", self, other)

    def __rmul__(self, other: Any) -> Expr:
        return _flatten("*", other, self)

    def __truediv__(self, other: Any) -> Expr:
        return _operation("/", self, other)

    def __rtruediv__(self, other: Any) -> Expr:
        return _operation("/", other, self)

    def __mod__(self, other: Any) -> Expr:
        return _operation("%", self, other)

    def __rmod__(self, other: Any) -> Expr:
        return _operation("%", other, self)

    def __neg__(self) -> Expr:
        return _operation("-", self)


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
        return Expr._of({"var": _to_json(name)})
    return Expr._of({"var": [_to_json(name), _to_json(default)]})


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
    return _operation("and", *conditions)


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
    return _operation("or", *conditions)


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
    return _operation("!", condition)


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
    return _operation("if", condition, then, *rest)


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
    return _operation("<=" if inclusive else "<", low, value, high)


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
    return _operation("in", needle, haystack)
