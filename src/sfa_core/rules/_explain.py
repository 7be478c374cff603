"""Explanations of rule evaluations: a tree of frozen values with a readable ``str()``.

An explanation is recorded while the rule runs: every node of the compiled rule
reports what it evaluated to (or how it failed) to a recorder, so the tree shows
exactly what the evaluation did, including which operands short-circuiting left
unevaluated.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from sfa_core._validate import check_bool
from sfa_core.errors import ValidationError, _shown
from sfa_core.rules import _semantics as sem

__all__ = ["Explanation"]

_COMPARISONS = frozenset({"==", "===", "!=", "!==", "<", "<=", ">", ">=", "in"})
_LOOKUPS = frozenset({"var", "val"})
_MAX_TEXT = 80


def _check_operator(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise ValidationError("must be an operator (text) or None", path="operator", value=value)


def _check_path(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError("must be a JSON path (text)", path="path", value=value)


def _values(value: Any) -> tuple[Any, ...]:
    """The converter of ``operands``: a tuple (or a list, made a tuple) of values."""
    if type(value) is tuple:
        return value
    if isinstance(value, (tuple, list)):
        return tuple(value)
    raise ValidationError("must be a tuple of values", path="operands", value=value)


def _children(value: Any) -> tuple[Explanation, ...]:
    """The converter of ``children``: a tuple (or a list, made a tuple) of explanations."""
    if not isinstance(value, (tuple, list)):
        raise ValidationError("must be a tuple of explanations", path="children", value=value)
    for i, child in enumerate(value):
        if not isinstance(child, Explanation):
            raise ValidationError("must be an Explanation", path=f"children[{i}]", value=child)
    return value if type(value) is tuple else tuple(value)


def _check_item(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and (type(value) is not int or not 0 <= value <= sys.maxsize):
        raise ValidationError(
            "must be an index (an int from 0 to sys.maxsize) or None", path="item", value=value
        )


def _repr(value: Any) -> str:
    """``repr`` of a value an explanation holds, bounded when the plain one fails.

    The data may hold an int too long for decimal text, be nested too deep, or hold
    a host's value whose ``repr`` fails.
    """
    try:
        return repr(value)
    except Exception:  # too long, too deep, or a broken __repr__: a bounded repr instead
        return _shown(value)


@attrs.frozen(unsafe_hash=False)
class Explanation:
    """What one node of a rule did during an evaluation, with its sub-nodes.

    ``str()`` renders the tree, one line per node: ``✔`` for a truthy result,
    ``✘`` for a falsy one, ``·`` for an operand that short-circuiting skipped
    and ``!`` for a node whose evaluation failed.

    Attributes:
        operator: The operator (``">"``, ``"var"``...), ``None`` for a literal,
            ``"[]"`` for an array of rules.
        path: JSON path of the node inside the rule, for example ``"$.and[0]"``.
        source: The node's sub-rule (JSON).
        operands: The values of the operands it evaluated, in order (for an
            iterator, the array only; the per-item results are its children).
        result: What it evaluated to (``None`` when skipped or failed).
        truthy: Whether ``result`` is truthy in JSON Logic.
        children: Explanations of its operands, skipped ones included.
        evaluated: ``False`` when short-circuiting skipped the node.
        error: The error value when the evaluation failed here or below.
        item: For the body of ``map``, ``filter``, ``all``, ``some``, ``none``
            and ``reduce``, the index of the array item it ran for.

    Explanations hold JSON and data (dicts, lists), so, like them, they compare
    by value and are not hashable.

    Raises:
        ValidationError: A field has the wrong type (``path`` not text,
            ``truthy`` not a bool, ``children`` not explanations...).

    Example:
        >>> from sfa_core import rules
        >>> rule = rules.compile({">": [{"var": "quote.net_total"}, 50000]})
        >>> explanation = rule.explain({"quote": {"net_total": 72000}})
        >>> explanation.result, explanation.operands
        (True, (72000, 50000))
        >>> print(explanation)
        ✔ quote.net_total (72000) > 50000
    """

    operator: str | None = attrs.field(validator=_check_operator)
    path: str = attrs.field(validator=_check_path)
    source: Any = attrs.field(repr=_repr)
    operands: tuple[Any, ...] = attrs.field(converter=_values, repr=_repr)
    result: Any = attrs.field(repr=_repr)
    truthy: bool = attrs.field(validator=check_bool)
    children: tuple[Explanation, ...] = attrs.field(default=(), converter=_children)
    evaluated: bool = attrs.field(default=True, validator=check_bool)
    error: Any = attrs.field(default=None, repr=_repr)
    item: int | None = attrs.field(default=None, validator=_check_item)

    @property
    def failed(self) -> bool:
        """Whether the evaluation of this node failed (see :attr:`error`).

        Returns:
            ``True`` when ``error`` is set.

        Example:
            >>> from sfa_core import rules
            >>> rules.compile({"/": [1, 0]}).explain().failed
            True
        """
        return self.error is not None

    def walk(self) -> Iterator[Explanation]:
        """Yield this node and every node below it, depth first.

        Returns:
            An iterator of explanations, this one first.

        Example:
            >>> from sfa_core import rules
            >>> rule = rules.compile({"and": [{"var": "a"}, {"var": "b"}]})
            >>> [(node.path, node.evaluated) for node in rule.explain({"a": 0}).walk()]
            [('$', True), ('$.and[0]', True), ('$.and[0].var', True), ('$.and[1]', False)]
        """
        yield self
        for child in self.children:
            yield from child.walk()

    def __str__(self) -> str:
        return "\n".join(_render(self, 0))


# --------------------------------------------------------------------------- recording


class Frame:
    """One node's record during a traced evaluation."""

    __slots__ = ("children", "done", "error", "item", "node", "result")

    def __init__(self, node: Any, item: int | None) -> None:
        self.node = node
        self.item = item
        self.children: list[Frame] = []
        self.result: Any = None
        self.error: Any = None
        self.done = False


class Recorder:
    """Collects the frames of one traced evaluation."""

    __slots__ = ("roots", "stack")

    def __init__(self) -> None:
        self.stack: list[Frame] = []
        self.roots: list[Frame] = []

    def open(self, node: Any, item: int | None) -> Frame:
        """Start the record of ``node``; records opened before it is closed are its children."""
        frame = Frame(node, item)
        (self.stack[-1].children if self.stack else self.roots).append(frame)
        self.stack.append(frame)
        return frame

    def close(self, frame: Frame, result: Any) -> None:
        """Finish the record of a node that evaluated to ``result``."""
        self.stack.pop()
        frame.result = result
        frame.done = True

    def fail(self, frame: Frame, error: Any) -> None:
        """Finish the record of a node whose evaluation failed with ``error``."""
        self.stack.pop()
        frame.error = error


def _skipped(node: Any) -> Explanation:
    return Explanation(
        operator=node.op,
        path=node.path,
        source=node.source,
        operands=(),
        result=None,
        truthy=False,
        evaluated=False,
    )


def explanation_of(frame: Frame, truthy: Callable[[Any], bool] = sem.truthy) -> Explanation:
    """Turn the record of a traced evaluation into an :class:`Explanation` tree.

    ``truthy`` is the truthiness of the rule's dialect.
    """
    node = frame.node
    children: list[Explanation] = []
    for child in node.args:
        frames = [record for record in frame.children if record.node is child]
        if frames:
            children.extend(explanation_of(record, truthy) for record in frames)
        else:
            children.append(_skipped(child))
    operands = tuple(
        record.result for record in frame.children if record.done and not record.node.is_body
    )
    if node.computed and len(operands) == 1:
        # the operand list was computed: its items are the operands
        items = sem.as_sequence(operands[0])
        if items is not None:
            operands = tuple(items)
    return Explanation(
        operator=node.op,
        path=node.path,
        source=node.source,
        operands=operands,
        result=frame.result,
        truthy=frame.done and truthy(frame.result),
        children=tuple(children),
        evaluated=True,
        error=frame.error,
        item=frame.item,
    )


# --------------------------------------------------------------------------- rendering


#: How deep into nested data an explanation's text goes (deeper, and cycles, show ``…``).
_MAX_SHOWN_DEPTH = 16


def _encode(value: Any, depth: int = 0) -> str:
    """Return ``value`` as compact JSON-like text (exact decimals, amounts with currency).

    Nesting deeper than :data:`_MAX_SHOWN_DEPTH` (and so a value that contains
    itself) is shown as ``…``; private (``_x``) fields of attrs values are left out.
    """
    import json

    cls = type(value)
    if cls is str:
        return json.dumps(value, ensure_ascii=False)
    if value is None or cls is bool or cls is int or cls is float:
        return sem.to_text(value)
    k = sem.kind(value)
    if k == sem.NUM:
        return sem.to_text(value)
    if k == sem.MONEY:
        return f"{value.amount:f} {value.currency}"
    if k in (sem.STR, sem.DATE):
        return json.dumps(sem.to_text(value), ensure_ascii=False)
    if depth >= _MAX_SHOWN_DEPTH and (k == sem.ARR or k == sem.OBJ):
        return "…"
    deeper = depth + 1
    if k == sem.ARR:
        return "[" + _joined(_encode(item, deeper) for item in value) + "]"
    if isinstance(value, Mapping):
        items = (f"{_encode(str(key))}:{_encode(item, deeper)}" for key, item in value.items())
        return "{" + _joined(items) + "}"
    if attrs.has(cls):
        items = (
            f"{_encode(field.name)}:{_encode(getattr(value, field.name), deeper)}"
            for field in attrs.fields(cls)
            if not field.name.startswith("_")
        )
        return "{" + _joined(items) + "}"
    return _shown(value, _MAX_TEXT)


def _joined(parts: Iterator[str]) -> str:
    """Join parts with commas, stopping (with ``…``) once longer than a line shows."""
    found: list[str] = []
    size = 0
    for part in parts:
        if size > _MAX_TEXT:
            found.append("…")
            break
        found.append(part)
        size += len(part) + 1
    return ",".join(found)


def show(value: Any) -> str:
    """Return a short JSON-like text of ``value`` for an explanation line."""
    text = _encode(value)
    if len(text) > _MAX_TEXT:
        text = text[: _MAX_TEXT - 1] + "…"
    return text


def _name_of(node: Explanation) -> str:
    """The field a ``var``/``val`` node reads, as written in the rule."""
    args = node.source.get(node.operator) if isinstance(node.source, dict) else None
    if node.operator == "var":
        key = args[0] if isinstance(args, list) and args else args
        if key is None or key == "" or key == []:
            return "data"
        return key if isinstance(key, str) else show(key)
    if not isinstance(args, list):
        args = [args]
    if not args:
        return "data"
    return ".".join(a if isinstance(a, str) else show(a) for a in args)


def _operand(node: Explanation) -> str:
    if not node.evaluated:
        return "…"
    if node.operator is None:
        return show(node.result)
    if node.failed:
        return f"[{node.operator} failed]"
    if node.operator in _LOOKUPS:
        return f"{_name_of(node)} ({show(node.result)})"
    return f"[{node.operator} = {show(node.result)}]"


def _headline(node: Explanation) -> str:
    op = node.operator
    if not node.evaluated:
        return f"skipped: {show(node.source)}"
    if op in _COMPARISONS and len(node.children) > 1:
        text = f" {op} ".join(_operand(child) for child in node.children)
    elif op in _LOOKUPS:
        text = f"{_name_of(node)} ({show(node.result)})"
    elif op is None:
        text = show(node.result)
    elif node.failed:
        text = op
    else:
        text = f"{op} → {show(node.result)}"
    if node.failed:
        text += f" failed: {show(node.error)}"
    return text


def _mark(node: Explanation) -> str:
    if not node.evaluated:
        return "·"
    if node.failed:
        return "!"
    return "✔" if node.truthy else "✘"


def _render(node: Explanation, depth: int) -> list[str]:
    prefix = f"[{node.item}] " if node.item is not None else ""
    lines = [f"{'  ' * depth}{_mark(node)} {prefix}{_headline(node)}"]
    if node.operator in _LOOKUPS or not node.evaluated:
        return lines
    for child in node.children:
        if (
            node.operator in _COMPARISONS
            and len(node.children) > 1
            and (child.operator is None or child.operator in _LOOKUPS or not child.evaluated)
        ):
            continue
        lines.extend(_render(child, depth + 1))
    return lines
