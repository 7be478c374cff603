"""Compile JSON Logic rules once into closures; evaluate and explain them.

Compiling validates the whole rule (operators, operand counts, JSON values,
depth, and field names and types against an optional :class:`Schema`) and
reports the first problem with its JSON path. The result is a
:class:`CompiledRule`: a tree of plain Python closures, with no ``eval``, no
``exec`` and no operator lookup by name at evaluation time.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import enum
import functools
import itertools
import math
from collections.abc import Callable, Mapping
from typing import Any

from sfa_core.errors import RuleError, RuleEvaluationError, ValidationError, _shown
from sfa_core.rules import _operators as ops
from sfa_core.rules import _semantics as sem
from sfa_core.rules._builder import Expr
from sfa_core.rules._explain import Explanation, Recorder, explanation_of
from sfa_core.rules._schema import Schema

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_SIZE",
    "MAX_STEPS",
    "OPERATORS",
    "CompiledRule",
    "Dialect",
    "compile",
    "evaluate",
]

#: The deepest nesting a rule may have. Each operation counts one level, and so
#: does each array written as a value; the argument list of an operation does not.
MAX_DEPTH = ops.MAX_DEPTH

#: The default step budget of one evaluation. Each item an iterating operator
#: (``map``, ``filter``, ``reduce``, ``all``, ``some``, ``none``) visits costs one step
#: plus one per operation of its body; ``merge`` costs one per item it returns.
MAX_STEPS = ops.MAX_STEPS

#: The default size budget, the longest text (characters) or array (items) that
#: ``cat``, ``substr`` or ``merge`` may build.
MAX_SIZE = ops.MAX_SIZE

#: The default magnitude budget, the largest ``|adjusted exponent|`` of a number an
#: arithmetic operation computes (``1E+1000`` is within it, ``1E+1001`` is not).
MAX_EXPONENT = ops.MAX_EXPONENT

#: The names of the supported operators.
OPERATORS: frozenset[str] = frozenset(ops.OPERATORS)

_ROOT = ops.ROOT
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "max", "min"})
_EQUALITY = frozenset({"==", "===", "!=", "!=="})
_ORDERING = frozenset({"<", "<=", ">", ">="})
# operators whose result is always a bool: a test of them needs no truthiness check
_BOOLEAN_ROOTS = frozenset({"==", "===", "!=", "!==", "<", "<=", ">", ">=", "!", "!!"})
_RESULT_TYPES = {
    **dict.fromkeys(_ARITHMETIC, "number"),
    **dict.fromkeys(("cat", "substr"), "string"),
    **dict.fromkeys(
        ("!", "!!", "in", "exists", "all", "some", "none", *_EQUALITY, *_ORDERING), "boolean"
    ),
    **dict.fromkeys(("missing", "missing_some", "merge", "map", "filter"), "array"),
}
_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class Dialect(str, enum.Enum):
    """Which JSON Logic semantics a rule is compiled with.

    ``CLASSIC`` (the default) follows jsonlogic.com and the classic shared test
    suite. ``COMMUNITY`` follows the newer shared test suites of the json-logic
    organisation: every object is truthy (even ``{}``); ``==``, ``!=``, ``<``,
    ``<=``, ``>``, ``>=`` fail with ``{"type": "NaN"}`` rather than answer when a side
    has no number (an array, an object, non-numeric text against a number);
    ``null == 0``; ``all``, ``some`` and ``none`` fail on a non-array; ``if``,
    ``and``, ``or`` and the comparisons take their operands as an array;
    ``*`` without operands is 1, ``/`` of one operand its reciprocal, ``!`` and
    ``!!`` accept no operand; and more operators accept a computed operand list
    (``{"cat": {"var": "parts"}}``).

    Example:
        >>> from sfa_core import rules
        >>> rules.compile({"!!": [{}]}).evaluate(), rules.compile(
        ...     {"!!": [{}]}, dialect="community").evaluate()
        (False, True)
        >>> rules.Dialect("community") is rules.Dialect.COMMUNITY
        True
    """

    CLASSIC = "classic"
    COMMUNITY = "community"


def _dialect(value: Any) -> Dialect:
    try:
        return Dialect(value)
    except ValueError:
        names = ", ".join(repr(d.value) for d in Dialect)
        raise ValidationError(
            f"unknown dialect (one of {names})", path="dialect", value=value
        ) from None


def child_path(path: str, key: str | int) -> str:
    """Return the JSON path of ``key`` under ``path``.

    Indexes are written ``[1]``; keys that are identifiers ``.and``; other keys
    quoted in brackets, ``['>']`` (JSONPath's normalised form).
    """
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key and not key[0].isdigit() and set(key) <= _IDENTIFIER_CHARS:
        return f"{path}.{key}"
    quoted = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{quoted}']"


class Node:
    """One parsed node of a rule: an operation, a literal or an array of rules."""

    __slots__ = ("args", "computed", "in_body", "is_body", "op", "path", "source", "value")

    def __init__(
        self,
        op: str | None,
        args: tuple[Node, ...],
        value: Any,
        path: str,
        source: Any,
        *,
        in_body: bool,
    ) -> None:
        self.op = op
        self.args = args
        self.value = value
        self.path = path
        self.source = source
        self.in_body = in_body
        self.is_body = False
        #: Whether the one operand is a rule computing the operand list.
        self.computed = False


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _is_iso_date(text: str) -> bool:
    for parse in (_dt.date.fromisoformat, _dt.datetime.fromisoformat):
        try:
            parse(text)
        except ValueError:
            continue
        return True
    return False


class _Parser:
    """Validates a rule and turns it into :class:`Node` values."""

    def __init__(self, schema: Schema | None, dialect: str = ops.CLASSIC) -> None:
        self.schema = schema
        self.community = dialect == ops.COMMUNITY
        self.computable = ops.COMPUTED_COMMUNITY if self.community else ops.COMPUTED_CLASSIC
        self.scopes = False
        # whether evaluating needs a shared step budget: several iterating operations,
        # or work that an iterator body repeats (see ops.COUNTED)
        self.counted = False
        self._top_iterators = 0

    def parse(self, rule: Any, path: str, depth: int, in_body: bool) -> Node:
        cls = type(rule)
        if rule is None or cls is bool or cls is int or cls is str:
            return Node(None, (), rule, path, rule, in_body=in_body)
        if cls is float:
            if not math.isfinite(rule):
                raise RuleError(
                    f"not a JSON value: {rule!r} (numbers must be finite)", path=path, rule=rule
                )
            return Node(None, (), rule, path, rule, in_body=in_body)
        if cls is list or cls is tuple:
            return self._array(rule, path, depth + 1, in_body)
        if isinstance(rule, Mapping):
            return self._object(rule, path, depth + 1, in_body)
        raise RuleError(
            f"not a JSON value: {cls.__module__}.{cls.__qualname__} {_shown(rule)}",
            path=path,
            rule=rule,
        )

    def _check_depth(self, depth: int, path: str, rule: Any) -> None:
        if depth > MAX_DEPTH:
            raise RuleError(
                f"the rule is nested deeper than {MAX_DEPTH} levels", path=path, rule=rule
            )

    def _array(self, rule: Any, path: str, depth: int, in_body: bool) -> Node:
        self._check_depth(depth, path, rule)
        items = tuple(
            self.parse(item, child_path(path, i), depth, in_body) for i, item in enumerate(rule)
        )
        source = [item.source for item in items]
        if all(item.op is None for item in items):
            return Node(None, (), source, path, source, in_body=in_body)
        return Node("[]", items, None, path, source, in_body=in_body)

    def _object(self, rule: Mapping[Any, Any], path: str, depth: int, in_body: bool) -> Node:
        if not rule:
            return Node(None, (), {}, path, {}, in_body=in_body)
        self._check_depth(depth, path, rule)
        if len(rule) != 1:
            keys = ", ".join(_shown(key) for key in itertools.islice(rule, 10))
            if len(rule) > 10:
                keys += ", ..."
            raise RuleError(
                f"an operation has exactly one key, its operator (got {keys})", path=path, rule=rule
            )
        ((op, raw),) = rule.items()
        if not isinstance(op, str):
            raise RuleError(f"operators are text, got {_shown(op)}", path=path, rule=rule)
        spec = ops.OPERATORS.get(op)
        if spec is None:
            raise RuleError(f"unknown operator {op!r}", path=path, rule=rule)
        base = child_path(path, op)
        if op == "preserve":
            value = self._literal(raw, base, depth)
            node = Node(op, (), value, path, {op: value}, in_body=in_body)
            if self.schema is not None:
                self._check_types(node)
            return node
        listed = type(raw) is list or type(raw) is tuple
        computed = not listed and isinstance(raw, Mapping) and bool(raw) and op in self.computable
        if self.community and not listed and op in ops.LAZY:
            raise RuleError(
                f"{op!r} takes its operands as an array (community dialect)", path=path, rule=rule
            )
        raw_args = list(raw) if listed else [raw]
        count = len(raw_args)
        low, high = ops.arity(op, self.community)
        if not computed and (count < low or (high is not None and count > high)):
            arity = ops.Spec(spec.build, low, high).arity()
            raise RuleError(f"{op!r} takes {arity}, got {count}", path=path, rule=rule)
        if self.community and op in ops.ITERATORS:
            # a literal null array (or, for map and filter, rule to apply) is refused
            for i in (0, 1) if op in ("map", "filter") else (0,):
                if raw_args[i] is None:
                    what = "an array" if i == 0 else "a rule to apply"
                    raise RuleError(
                        f"{op!r} needs {what}, got null (community dialect)",
                        path=child_path(base, i),
                        rule=rule,
                    )
        args = []
        for i, arg in enumerate(raw_args):
            body = i == 1 and op in ops.ITERATORS
            node = self.parse(arg, child_path(base, i) if listed else base, depth, in_body or body)
            node.is_body = body
            args.append(node)
        sources = [arg.source for arg in args]
        node = Node(
            op, tuple(args), None, path, {op: sources if listed else sources[0]}, in_body=in_body
        )
        node.computed = computed
        if in_body and (op in ops.COUNTED or computed):
            self.counted = True
        elif op in ops.ITERATORS:
            self._top_iterators += 1
            self.counted = self.counted or self._top_iterators > 1
        if op == "val" and args and (args[0].op is not None or isinstance(args[0].value, list)):
            self.scopes = True
        if self.schema is not None:
            self._check_types(node)
        return node

    def _literal(self, value: Any, path: str, depth: int) -> Any:
        """Check that ``value`` is JSON and return a copy (lists for tuples): ``preserve``."""
        cls = type(value)
        if value is None or cls is bool or cls is int or cls is str:
            return value
        if cls is float:
            if not math.isfinite(value):
                raise RuleError(
                    f"not a JSON value: {value!r} (numbers must be finite)", path=path, rule=value
                )
            return value
        if cls is list or cls is tuple:
            self._check_depth(depth + 1, path, value)
            return [
                self._literal(item, child_path(path, i), depth + 1) for i, item in enumerate(value)
            ]
        if isinstance(value, Mapping):
            self._check_depth(depth + 1, path, value)
            copy = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise RuleError(
                        f"not a JSON object key: {_shown(key)} (keys are text)",
                        path=path,
                        rule=value,
                    )
                copy[key] = self._literal(item, child_path(path, key), depth + 1)
            return copy
        raise RuleError(
            f"not a JSON value: {cls.__module__}.{cls.__qualname__} {_shown(value)}",
            path=path,
            rule=value,
        )

    # ------------------------------------------------------------------ schema checks

    def _field_name(self, node: Node) -> str | None:
        """The literal field name a ``var``/``val``/``exists`` node reads, if it can be known."""
        if node.in_body or not node.args:
            return None if node.in_body else ""
        first = node.args[0]
        if node.op == "var":
            if first.op is not None:
                return None
            key = first.value
            if key is None or key == [] or key == "":
                return ""
            return sem.to_text(key) if not isinstance(key, (list, dict)) else None
        if any(arg.op is not None for arg in node.args):
            return None
        if isinstance(first.value, list):
            return None
        parts = [arg.value for arg in node.args]
        if len(parts) == 1 and isinstance(parts[0], list):  # pragma: no cover - guarded above
            return None
        return ".".join(sem.to_text(part) for part in parts if part is not None)

    def _static_type(self, node: Node) -> str:
        """The type a node is known to produce (``"any"`` when it cannot be known)."""
        if node.op is None or node.op == "preserve":
            return _json_type(node.value)
        if node.op in ("var", "val"):
            name = self._field_name(node)
            if name is None or self.schema is None:
                return "any"
            return self.schema.field_type(name) or "any"
        return _RESULT_TYPES.get(node.op, "any")

    def _describe(self, node: Node, type_name: str) -> str:
        if node.op is None:
            if node.value is None:
                return "null"
            text = repr(node.value) if type_name == "string" else sem.to_text(node.value)
            return f"the {type_name} {text}"
        if node.op in ("var", "val"):
            return f"field {self._field_name(node)!r} ({type_name})"
        return f"the {type_name} result of {node.op!r}"

    def _require_field(self, name: str, node: Node, at: Node) -> None:
        assert self.schema is not None
        if self.schema.field_type(name) is None:
            raise RuleError(
                f"unknown field {name!r} (not in the schema)", path=at.path, rule=at.source
            )

    def _check_types(self, node: Node) -> None:
        op = node.op
        if node.in_body or node.computed or op == "preserve":
            return
        if op in ("var", "val", "exists"):
            name = self._field_name(node)
            if name is not None:
                self._require_field(name, node, node)
            return
        if op in ("missing", "missing_some"):
            names_node = (
                node.args[1] if op == "missing_some" else (node.args[0] if node.args else None)
            )
            if names_node is None:
                return
            names: list[tuple[Any, str]]
            if names_node.op is None and isinstance(names_node.value, list):
                names = [
                    (value, child_path(names_node.path, i))
                    for i, value in enumerate(names_node.value)
                ]
            elif op == "missing":
                names = [(arg.value, arg.path) for arg in node.args if arg.op is None]
            else:
                names = []
            for value, at in names:
                if isinstance(value, (str, int)) and not isinstance(value, bool):
                    name = sem.to_text(value)
                    if self.schema is not None and self.schema.field_type(name) is None:
                        raise RuleError(
                            f"unknown field {name!r} (not in the schema)", path=at, rule=value
                        )
            return
        if op in _EQUALITY or op in _ORDERING:
            self._check_comparison(node)
        elif op in _ARITHMETIC:
            for arg in node.args:
                found = self._static_type(arg)
                if found not in ("number", "any"):
                    raise RuleError(
                        f"{self._describe(arg, found)} cannot be used in arithmetic ({op!r})",
                        path=arg.path,
                        rule=arg.source,
                    )
        elif op in ops.ITERATORS:
            found = self._static_type(node.args[0])
            if found not in ("array", "any"):
                raise RuleError(
                    f"{op!r} iterates over an array, got {self._describe(node.args[0], found)}",
                    path=node.args[0].path,
                    rule=node.args[0].source,
                )
        elif op == "in":
            self._check_in(node)

    def _compatible(self, left: tuple[Node, str], right: tuple[Node, str], equality: bool) -> bool:
        left_type, right_type = left[1], right[1]
        if "any" in (left_type, right_type):
            return True
        if "null" in (left_type, right_type):
            return equality
        if left_type == right_type:
            return equality or left_type in ("number", "string", "date")
        for date_side, text_side, text_type in (
            (left, right, right_type),
            (right, left, left_type),
        ):
            if date_side[1] == "date" and text_type == "string":
                node = text_side[0]
                return node.op is None and _is_iso_date(node.value)
        return False

    def _check_comparison(self, node: Node) -> None:
        typed = [(arg, self._static_type(arg)) for arg in node.args]
        equality = node.op in _EQUALITY
        for i, left in enumerate(typed):
            for right in typed[i + 1 :]:
                if self._compatible(left, right, equality):
                    continue
                at = right[0] if right[0].op is None or left[0].op is not None else left[0]
                raise RuleError(
                    f"{self._describe(*left)} is compared ({node.op!r}) with "
                    f"{self._describe(*right)}",
                    path=at.path,
                    rule=at.source,
                )

    def _check_in(self, node: Node) -> None:
        needle, haystack = node.args
        needle_type = self._static_type(needle)
        haystack_type = self._static_type(haystack)
        if haystack_type not in ("array", "string", "any"):
            raise RuleError(
                f"'in' needs an array or a string, got {self._describe(haystack, haystack_type)}",
                path=haystack.path,
                rule=haystack.source,
            )
        if needle_type in ("any", "null"):
            return
        if haystack_type == "string" and needle_type != "string":
            raise RuleError(
                f"{self._describe(needle, needle_type)} is looked for in text",
                path=needle.path,
                rule=needle.source,
            )
        items: list[tuple[Node, str]] = []
        if haystack.op is None and isinstance(haystack.value, list):
            items = [
                (
                    Node(None, (), value, child_path(haystack.path, i), value, in_body=False),
                    _json_type(value),
                )
                for i, value in enumerate(haystack.value)
            ]
        elif haystack.op == "[]":
            items = [(item, self._static_type(item)) for item in haystack.args]
        for item in items:
            if not self._compatible((needle, needle_type), item, True):
                raise RuleError(
                    f"{self._describe(needle, needle_type)} is looked for among "
                    f"{self._describe(*item)}",
                    path=item[0].path,
                    rule=item[0].source,
                )


# --------------------------------------------------------------------------- building


def _traced(fn: ops.Fn, node: Node) -> ops.Fn:
    """Wrap a closure so that it reports what it did to the context's recorder."""
    body = node.is_body

    def traced(data: Any, ctx: ops.Ctx) -> Any:
        rec: Recorder = ctx.rec
        frame = rec.open(node, ctx.index if body else None)
        try:
            value = fn(data, ctx)
        except RuleEvaluationError as exc:
            rec.fail(frame, exc.error)
            raise
        rec.close(frame, value)
        return value

    return traced


def _build(node: Node, state: ops.BuildState) -> ops.Fn:
    if node.op is None:
        fn = ops.literal(node.value)
    else:
        kids = [_build(arg, state) for arg in node.args]
        if node.op == "[]":
            fn = ops.array(node, kids, state)
        elif node.computed:
            low, high = ops.arity(node.op, state.community)
            fn = ops.op_computed(node, kids[0], state, low, high)
        else:
            fn = ops.OPERATORS[node.op].build(node, kids, state)
    return _traced(fn, node) if state.trace else fn


# --------------------------------------------------------------------------- compiled rules


class CompiledRule:
    """A validated rule compiled into closures, with its JSON source.

    Make one with :func:`compile`. It is immutable, safe to share between
    threads, equal to (and hashed like) any rule compiled from the same JSON
    (compared as canonical JSON), and pickles by its source: unpickling
    compiles it again.

    Example:
        >>> from sfa_core import rules
        >>> big_deal = rules.compile({">": [{"var": "quote.net_total"}, 50000]})
        >>> big_deal.evaluate({"quote": {"net_total": 72000}})
        True
        >>> big_deal.source
        {'>': [{'var': 'quote.net_total'}, 50000]}
    """

    __slots__ = (
        "_budgets",
        "_dialect",
        "_fn",
        "_key",
        "_log",
        "_root",
        "_schema",
        "_scopes",
        "_source",
        "_traced",
    )

    _budgets: tuple[int, int, int]
    _dialect: Dialect
    _fn: ops.Fn
    _key: str | None
    _log: Callable[[Any], Any] | None
    _root: Node
    _schema: Schema | None
    _scopes: bool
    _source: Any
    _traced: ops.Fn | None

    def __init__(
        self,
        rule: Any,
        *,
        schema: Schema | Mapping[str, str] | None = None,
        log: Callable[[Any], Any] | None = None,
        max_steps: int = MAX_STEPS,
        max_size: int = MAX_SIZE,
        max_exponent: int = MAX_EXPONENT,
        dialect: Dialect | str = Dialect.CLASSIC,
    ) -> None:
        chosen = _dialect(dialect)
        budgets = (
            _budget("max_steps", max_steps),
            _budget("max_size", max_size),
            _budget("max_exponent", max_exponent, _MAX_EXPONENT_LIMIT),
        )
        if isinstance(rule, Expr):
            rule = rule.to_json()
        if schema is not None and not isinstance(schema, Schema):
            schema = Schema(schema)
        parser = _Parser(schema, chosen.value)
        root = parser.parse(rule, "$", 0, False)
        self._root = root
        self._source = root.source
        self._schema = schema
        self._log = log
        self._scopes = parser.scopes
        self._budgets = budgets
        self._dialect = chosen
        self._key = None
        self._traced = None
        self._fn = _counting(_build(root, self._state(trace=False)), parser.counted, budgets[0])

    def _state(self, *, trace: bool) -> ops.BuildState:
        max_steps, max_size, max_exponent = self._budgets
        return ops.BuildState(
            trace=trace,
            scopes=self._scopes,
            log=self._log,
            max_steps=max_steps,
            max_size=max_size,
            max_exponent=max_exponent,
            dialect=self._dialect.value,
        )

    @property
    def dialect(self) -> Dialect:
        """The dialect the rule was compiled with.

        Returns:
            A :class:`Dialect`.

        Example:
            >>> from sfa_core import rules
            >>> rules.compile({"var": "x"}).dialect
            <Dialect.CLASSIC: 'classic'>
        """
        return self._dialect

    @property
    def budgets(self) -> dict[str, int]:
        """The evaluation budgets the rule was compiled with.

        Returns:
            ``{"max_steps": ..., "max_size": ..., "max_exponent": ...}``.

        Example:
            >>> from sfa_core import rules
            >>> rules.compile({"var": "x"}, max_steps=500).budgets
            {'max_steps': 500, 'max_size': 100000, 'max_exponent': 1000}
        """
        return dict(zip(("max_steps", "max_size", "max_exponent"), self._budgets, strict=True))

    @property
    def source(self) -> Any:
        """The rule as JSON (a fresh copy; tuples normalised to lists).

        Returns:
            The JSON value the rule was compiled from.
        """
        return ops.copy_json(self._source)

    @property
    def schema(self) -> Schema | None:
        """The schema the rule was checked against, if any.

        Returns:
            The :class:`Schema`, or ``None``.
        """
        return self._schema

    def evaluate(self, data: Any = None) -> Any:
        """Evaluate the rule against ``data``.

        Args:
            data: The data ``var`` reads: mappings, sequences, attrs values,
                ``Decimal`` and ``Money`` amounts, dates, JSON scalars.

        Returns:
            What the rule evaluates to (any JSON-like value).

        Raises:
            RuleEvaluationError: Evaluation failed where JSON Logic says it
                fails (division by zero, arithmetic on non-numbers, ``throw``),
                or spent one of its budgets (see :func:`compile`).

        Example:
            >>> from decimal import Decimal
            >>> from sfa_core import rules
            >>> rule = rules.compile({"==": [{"+": [{"var": "a"}, {"var": "b"}]}, 0.3]})
            >>> rule.evaluate({"a": Decimal("0.1"), "b": Decimal("0.2")})
            True
        """
        try:
            return self._fn(data, _ROOT)
        except _ESCAPES as exc:
            raise _escaped(exc) from None

    def matches(self, data: Any = None) -> bool:
        """Return whether the rule's result for ``data`` is truthy.

        Args:
            data: The data the rule reads.

        Returns:
            ``True`` when the result is truthy in JSON Logic.

        Raises:
            RuleEvaluationError: As :meth:`evaluate`.

        Example:
            >>> from sfa_core import rules
            >>> rules.compile({"missing": ["owner"]}).matches({"owner": "ana"})
            False
        """
        truthy = sem.truthy_community if self._dialect is Dialect.COMMUNITY else sem.truthy
        return truthy(self.evaluate(data))

    def _predicate(self) -> Callable[[Any], bool]:
        """Return ``matches`` as a plain function, one call shorter when the root is a test."""
        fn = self._fn
        if self._root.op in _BOOLEAN_ROOTS:

            def test(data: Any) -> bool:
                try:
                    result: bool = fn(data, _ROOT)
                except _ESCAPES as exc:
                    raise _escaped(exc) from None
                return result

            return test
        truthy = sem.truthy_community if self._dialect is Dialect.COMMUNITY else sem.truthy

        def truthy_test(data: Any) -> bool:
            try:
                return truthy(fn(data, _ROOT))
            except _ESCAPES as exc:
                raise _escaped(exc) from None

        return truthy_test

    def explain(self, data: Any = None) -> Explanation:
        """Evaluate the rule against ``data`` and record what every node did.

        The explanation's ``result`` is what :meth:`evaluate` returns. When the
        evaluation fails, no error is raised: the failing nodes carry the error
        value in ``error`` (and ``result`` is ``None``).

        Args:
            data: The data the rule reads.

        Returns:
            The :class:`Explanation` tree of the evaluation.

        Example:
            >>> from sfa_core import rules
            >>> rule = rules.compile(
            ...     {"and": [{">": [{"var": "discount"}, 0.2]}, {"==": [{"var": "region"}, "EU"]}]}
            ... )
            >>> print(rule.explain({"discount": 0.25, "region": "APAC"}))
            ✘ and → false
              ✔ discount (0.25) > 0.2
              ✘ region ("APAC") == "EU"
        """
        traced = self._traced
        if traced is None:
            traced = self._traced = _build(self._root, self._state(trace=True))
        recorder = Recorder()
        with contextlib.suppress(RuleEvaluationError):
            try:
                traced(data, ops.Ctx(recorder, None, None, None, [self._budgets[0]]))
            except _ESCAPES as exc:
                error = _escaped(exc)
                while recorder.stack:
                    recorder.fail(recorder.stack[-1], error.error)
        truthy = sem.truthy_community if self._dialect is Dialect.COMMUNITY else sem.truthy
        return explanation_of(recorder.roots[0], truthy)

    def _canonical(self) -> str:
        key = self._key
        if key is None:
            key = self._key = _canonical_json(self._source)
        return key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompiledRule):
            return NotImplemented
        return self._dialect is other._dialect and self._canonical() == other._canonical()

    def __hash__(self) -> int:
        if self._dialect is Dialect.CLASSIC:
            return hash(self._canonical())
        return hash((self._dialect.value, self._canonical()))

    def __repr__(self) -> str:
        text = self._canonical()
        if len(text) > 120:
            text = text[:119] + "…"
        if self._dialect is not Dialect.CLASSIC:
            return f"CompiledRule({text}, dialect={self._dialect.value!r})"
        return f"CompiledRule({text})"

    def __reduce__(self) -> tuple[Any, ...]:
        if self._dialect is Dialect.CLASSIC:
            return (_restore, (self._source, self._schema, self._log, self._budgets))
        args = (self._source, self._schema, self._log, self._budgets, self._dialect.value)
        return (_restore, args)


def _restore(
    source: Any,
    schema: Schema | None,
    log: Callable[[Any], Any] | None,
    budgets: tuple[int, int, int] = (MAX_STEPS, MAX_SIZE, MAX_EXPONENT),
    dialect: str = "classic",
) -> CompiledRule:
    max_steps, max_size, max_exponent = budgets
    return CompiledRule(
        source,
        schema=schema,
        log=log,
        max_steps=max_steps,
        max_size=max_size,
        max_exponent=max_exponent,
        dialect=dialect,
    )


def _counting(fn: ops.Fn, counted: bool, max_steps: int) -> ops.Fn:
    """Give each evaluation of a rule that repeats work its own step budget.

    A rule with no iterating operation, or one flat iteration outside any other,
    runs on the shared root context: its one iterator checks its own cost.
    """
    if not counted:
        return fn
    new_ctx = ops.Ctx

    def with_budget(data: Any, ctx: ops.Ctx) -> Any:
        return fn(data, new_ctx(ctx.rec, None, None, None, [max_steps]))

    return with_budget


#: The largest magnitude budget a rule may be given: beyond it, even building the
#: bound of its arithmetic (``10 ** (max_exponent + 1)``) would take long.
_MAX_EXPONENT_LIMIT = 100_000


def _budget(name: str, value: Any, highest: int | None = None) -> int:
    if type(value) is not int or value < 1:
        raise ValidationError("a budget must be a positive whole number", path=name, value=value)
    if highest is not None and value > highest:
        raise ValidationError(f"a budget must be at most {highest}", path=name, value=value)
    return value


# What may escape the closures besides RuleEvaluationError: a failure no operation
# converted, and Python's own limits met by hostile data (a signalling NaN, a number
# too large for a float, data nested too deep or cyclic).
_ESCAPES = (sem.Fail, ArithmeticError, RecursionError)


def _escaped(exc: BaseException) -> RuleEvaluationError:
    """Turn an exception that escaped the closures into a :class:`RuleEvaluationError`."""
    if isinstance(exc, sem.Fail):
        return RuleEvaluationError(exc.error, path="$", reason=exc.reason)
    if isinstance(exc, RecursionError):
        reason = "the data is nested too deep (or contains itself) to evaluate"
        return RuleEvaluationError({"type": "Data Too Deep"}, path="$", reason=reason)
    kind = type(exc).__name__
    return RuleEvaluationError(
        {"type": "NaN"}, path="$", reason=f"arithmetic failed on the data ({kind})"
    )


def _canonical_json(value: Any) -> str:
    import json

    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except ValueError:  # an int too long for decimal text: written in hexadecimal instead
        return json.dumps(
            _hex_ints(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )


def _hex_ints(value: Any) -> Any:
    """``value`` with every int too long for decimal text replaced by a hex marker."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value.bit_length() < 10_000 else {"$int": hex(value)}
    if isinstance(value, list):
        return [_hex_ints(item) for item in value]
    if isinstance(value, dict):
        return {key: _hex_ints(item) for key, item in value.items()}
    return value


def compile(
    rule: Any,
    *,
    schema: Schema | Mapping[str, str] | None = None,
    log: Callable[[Any], Any] | None = None,
    max_steps: int = MAX_STEPS,
    max_size: int = MAX_SIZE,
    max_exponent: int = MAX_EXPONENT,
    dialect: Dialect | str = Dialect.CLASSIC,
) -> CompiledRule:
    """Validate a JSON Logic rule and compile it into closures, once.

    Evaluation has budgets, so that a rule written by an end user cannot tie
    up the host: when one is spent, evaluation fails with a
    :class:`~sfa_core.errors.RuleEvaluationError` whose ``error`` is
    ``{"type": "Budget", "budget": ..., "limit": ...}`` (a ``try`` in the rule
    does not catch it).

    Args:
        rule: The rule: JSON (``dict``/``list``/scalars; tuples are read as
            arrays) or a builder expression (:class:`~sfa_core.rules.Expr`).
        schema: Field names and types to check ``var`` names and comparisons
            against (a :class:`Schema` or a plain mapping).
        log: Called with the value of every ``log`` operation; without it,
            ``log`` only returns its value.
        max_steps: The step budget of one evaluation: each item an iterating
            operator (``map``, ``filter``, ``reduce``, ``all``, ``some``,
            ``none``) visits costs one step plus one per operation of its body,
            charged when the operator starts; ``merge`` inside an iterator costs
            one step per item it returns.
        max_size: The longest text (characters) or array (items) ``cat``,
            ``substr`` or ``merge`` may return.
        max_exponent: The largest ``|adjusted exponent|`` of a number ``+``,
            ``-``, ``*``, ``/`` or ``%`` may compute (``1E+1000`` is allowed,
            ``1E+1001`` is not); at most 100,000.
        dialect: ``"classic"`` (the default) or ``"community"``, a
            :class:`Dialect`: which semantics the rule follows where the
            classic and the newer shared test suites disagree.

    Returns:
        The :class:`CompiledRule`.

    Raises:
        ValidationError: A budget is not a positive ``int`` (or ``max_exponent``
            is above 100,000), or the dialect is unknown.
        RuleError: The rule is malformed: unknown operator, wrong operand
            count, a value that is not JSON (an object, NaN), nesting deeper
            than :data:`MAX_DEPTH`, an unknown or mistyped field. ``path`` is
            the JSON path of the problem (``"$.and[1]['>'][0]"``).

    Example:
        >>> from sfa_core import rules
        >>> rules.compile({"and": [True, {"!": [{"var": "x"}, 2]}]})
        Traceback (most recent call last):
        ...
        sfa_core.errors.RuleError: $.and[1]: '!' takes exactly 1 operand, got 2
        >>> rules.compile({">": [{"var": "tier"}, 5]}, schema={"tier": "string"})
        Traceback (most recent call last):
        ...
        sfa_core.errors.RuleError: $['>'][1]: field 'tier' (string) is compared ... the number 5
        >>> doubling = {"reduce": [[0] * 40, {"cat": [{"var": "accumulator"}] * 2}, "x"]}
        >>> rules.compile(doubling).evaluate()
        Traceback (most recent call last):
        ...
        sfa_core.errors.RuleEvaluationError: $.reduce[1]: evaluation budget spent: a text ...
        >>> rules.compile({"map": [list(range(10)), {"var": ""}]}, max_steps=5).evaluate()
        Traceback (most recent call last):
        ...
        sfa_core.errors.RuleEvaluationError: $: evaluation budget spent: more than 5 steps
    """
    return CompiledRule(
        rule,
        schema=schema,
        log=log,
        max_steps=max_steps,
        max_size=max_size,
        max_exponent=max_exponent,
        dialect=dialect,
    )


@functools.lru_cache(maxsize=512)
def _compiled(key: str, dialect: Dialect = Dialect.CLASSIC) -> CompiledRule:
    import json

    return CompiledRule(json.loads(key), dialect=dialect)


def evaluate(rule: Any, data: Any = None, *, dialect: Dialect | str = Dialect.CLASSIC) -> Any:
    """Evaluate a rule once, compiling it through a small cache of recent rules.

    Args:
        rule: A JSON rule, a builder expression or a :class:`CompiledRule`.
        data: The data the rule reads.
        dialect: The dialect to compile a JSON rule with (a
            :class:`CompiledRule` keeps its own).

    Returns:
        What the rule evaluates to.

    Raises:
        RuleError: The rule is malformed.
        RuleEvaluationError: Evaluation failed.

    Example:
        >>> from sfa_core import rules
        >>> rules.evaluate({"cat": ["Hello, ", {"var": "name"}]}, {"name": "Ana"})
        'Hello, Ana'
    """
    if isinstance(rule, CompiledRule):
        return rule.evaluate(data)
    if isinstance(rule, Expr):
        rule = rule.to_json()
    chosen = _dialect(dialect)
    try:
        key = _canonical_json(rule)
    except (TypeError, ValueError, RecursionError):
        # not JSON, or nested too deep to write: compiling it says what is wrong
        return CompiledRule(rule, dialect=chosen).evaluate(data)
    return _compiled(key, chosen).evaluate(data)
