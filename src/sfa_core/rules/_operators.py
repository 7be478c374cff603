"""The operators: each turns the closures of its operands into the closure of the operation.

A compiled rule is a tree of closures ``fn(data, ctx)``; building it happens
once, so evaluation never looks an operator up by name. The same builders make
the fast tree (literal operands inlined, fast paths for numbers and text) and
the traced tree used by ``explain()`` (every operand a recorded closure).
"""

from __future__ import annotations

import operator as _op
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sfa_core.errors import RuleEvaluationError, _shown
from sfa_core.rules import _semantics as sem
from sfa_core.rules._semantics import MISSING, Fail

Fn = Callable[[Any, "Ctx"], Any]
Builder = Callable[[Any, list[Fn], "BuildState"], Fn]


class Ctx:
    """Evaluation context: the recorder (when explaining) and the enclosing scopes.

    Iterators push a context per item only when the rule climbs scopes
    (``{"val": [[-2], "x"]}``) or is being explained.
    """

    __slots__ = ("args", "budget", "data", "index", "rec", "up")

    def __init__(
        self,
        rec: Any,
        data: Any,
        index: int | None,
        up: Ctx | None,
        budget: list[int] | None = None,
        args: Any = None,
    ) -> None:
        self.rec = rec
        self.data = data
        self.index = index
        self.up = up
        #: The steps left to the evaluation (one shared cell), or ``None`` when the
        #: rule has no iterating operator and so cannot spend them.
        self.budget = budget
        #: The evaluated operands of an operation whose operand list was computed.
        self.args = args


#: The context of a plain top-level evaluation of a rule without iterating operators.
ROOT = Ctx(None, None, None, None)

#: The deepest nesting a rule may have (see :data:`sfa_core.rules.MAX_DEPTH`).
MAX_DEPTH = 64
#: The default step budget of an evaluation (see :func:`sfa_core.rules.compile`).
MAX_STEPS = 100_000
#: The default size budget: the longest text or array an operation may build.
MAX_SIZE = 100_000
#: The default magnitude budget: the largest ``|adjusted exponent|`` of a computed number.
MAX_EXPONENT = 1000


#: The dialects: ``"classic"`` (jsonlogic.com) and ``"community"`` (the newer shared suites).
CLASSIC = "classic"
COMMUNITY = "community"


class BuildState:
    """Options of one closure tree: traced or fast, scope pushing, log sink, budgets, dialect."""

    __slots__ = (
        "big",
        "community",
        "dialect",
        "log",
        "max_exponent",
        "max_size",
        "max_steps",
        "scopes",
        "trace",
        "truthy",
    )

    def __init__(
        self,
        *,
        trace: bool,
        scopes: bool,
        log: Callable[[Any], Any] | None,
        max_steps: int = MAX_STEPS,
        max_size: int = MAX_SIZE,
        max_exponent: int = MAX_EXPONENT,
        dialect: str = CLASSIC,
    ) -> None:
        self.trace = trace
        self.dialect = dialect
        self.community = dialect == COMMUNITY
        #: The truthiness of the dialect.
        self.truthy: Callable[[Any], bool] = sem.truthy_community if self.community else sem.truthy
        self.scopes = scopes or trace
        self.log = log
        self.max_steps = max_steps
        self.max_size = max_size
        self.max_exponent = max_exponent
        # ints strictly between -big and big have |adjusted exponent| <= max_exponent
        self.big = 10 ** (max_exponent + 1)

    def const(self, node: Any) -> tuple[bool, Any]:
        """Return ``(True, value)`` when ``node`` is a literal that may be inlined."""
        if self.trace or node.op is not None:
            return False, None
        return True, node.value


def _raise(error: Any, path: str, reason: str = "") -> RuleEvaluationError:
    return RuleEvaluationError(error, path=path, reason=reason)


def _steps_spent(path: str, limit: int) -> RuleEvaluationError:
    fail = sem.budget_failure("steps", limit, f"more than {limit} steps")
    return _raise(fail.error, path, fail.reason)


def _size_spent(path: str, limit: int, what: str, size: int) -> RuleEvaluationError:
    fail = sem.budget_failure("size", limit, f"{what} longer than {limit} ({size})")
    return _raise(fail.error, path, fail.reason)


def _magnitude_spent(path: str, limit: int) -> RuleEvaluationError:
    fail = sem.budget_failure("magnitude", limit, f"a number beyond 1E+{limit} or 1E-{limit}")
    return _raise(fail.error, path, fail.reason)


def _overflow(path: str, limit: int) -> RuleEvaluationError:
    fail = sem.budget_failure("magnitude", limit, "a number too large for a float")
    return _raise(fail.error, path, fail.reason)


def check_number(value: Any, st: BuildState, path: str) -> Any:
    """Return a computed number, or fail when it is beyond the magnitude budget."""
    cls = type(value)
    if cls is int:
        big = st.big
        if -big < value < big:
            return value
        raise _magnitude_spent(path, st.max_exponent)
    if cls is Decimal and value.is_finite() and value:
        if -st.max_exponent <= value.adjusted() <= st.max_exponent:
            return value
        raise _magnitude_spent(path, st.max_exponent)
    return value


def charge(ctx: Ctx, steps: int, path: str, limit: int) -> None:
    """Spend ``steps`` of the evaluation's step budget, failing when it is spent.

    Without a shared budget (a rule whose only iterating operation is flat and
    outside any other: it runs once), ``steps`` alone are checked against ``limit``.
    """
    budget = ctx.budget
    if budget is None:
        if steps > limit:
            raise _steps_spent(path, limit)
        return
    left = budget[0] - steps
    budget[0] = left
    if left < 0:
        raise _steps_spent(path, limit)


#: Steps charged per this many characters or items built by ``cat``, ``substr``
#: and ``merge`` inside an iterator body.
SIZE_PER_STEP = 100

#: Operators whose work inside an iterator body needs the shared step budget.
COUNTED = frozenset({"map", "filter", "all", "some", "none", "reduce", "cat", "substr", "merge"})


def body_weight(node: Any) -> int:
    """The steps one item of an iterator costs: 1 + the operations of its body.

    Operations inside a nested iterator's body are charged by that iterator.
    """
    weight = 1
    stack = [node.args[1]]
    while stack:
        current = stack.pop()
        if current.op is None:
            continue
        weight += 1
        if current.op in ITERATORS:
            stack.extend(current.args[:1] + current.args[2:])
        else:
            stack.extend(current.args)
    return weight


def copy_json(value: Any) -> Any:
    """Return a deep copy of a JSON array or object (scalars are returned as they are)."""
    cls = type(value)
    if cls is list:
        return [copy_json(item) for item in value]
    if cls is dict:
        return {key: copy_json(item) for key, item in value.items()}
    return value


def literal(value: Any) -> Fn:
    """Return the closure of a literal (arrays and objects are copied on each use)."""
    if type(value) in (list, dict) and value:

        def fresh(data: Any, ctx: Ctx) -> Any:
            return copy_json(value)

        return fresh

    def constant(data: Any, ctx: Ctx) -> Any:
        return value

    return constant


def array(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """An array of rules: each item evaluated."""

    def items(data: Any, ctx: Ctx) -> Any:
        return [kid(data, ctx) for kid in kids]

    return items


# --------------------------------------------------------------------------- logic


def op_if(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``if`` / ``?:``: condition, value pairs and an optional else value."""
    count = len(kids)
    truthy = st.truthy
    if count == 0:
        return literal(None)
    if count == 1:
        return kids[0]
    if count == 3:
        cond, then, other = kids

        def if3(data: Any, ctx: Ctx) -> Any:
            test = cond(data, ctx)
            if test is True or (test is not False and truthy(test)):
                return then(data, ctx)
            return other(data, ctx)

        return if3
    pairs = [(kids[i], kids[i + 1]) for i in range(0, count - 1, 2)]
    fallback = kids[-1] if count % 2 else None

    def chain(data: Any, ctx: Ctx) -> Any:
        for test, value in pairs:
            result = test(data, ctx)
            if result is True or (result is not False and truthy(result)):
                return value(data, ctx)
        return None if fallback is None else fallback(data, ctx)

    return chain


def op_and(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``and``: the first falsy operand, or the last one (``false`` without operands)."""
    truthy = st.truthy
    if not kids:
        return literal(False)
    if len(kids) == 1:
        return kids[0]
    if len(kids) == 2:
        first, second = kids

        def and2(data: Any, ctx: Ctx) -> Any:
            value = first(data, ctx)
            if value is False or (value is not True and not truthy(value)):
                return value
            return second(data, ctx)

        return and2

    def and_n(data: Any, ctx: Ctx) -> Any:
        value = None
        for kid in kids:
            value = kid(data, ctx)
            if value is False or (value is not True and not truthy(value)):
                return value
        return value

    return and_n


def op_or(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``or``: the first truthy operand, or the last one (``false`` without operands)."""
    truthy = st.truthy
    if not kids:
        return literal(False)
    if len(kids) == 1:
        return kids[0]
    if len(kids) == 2:
        first, second = kids

        def or2(data: Any, ctx: Ctx) -> Any:
            value = first(data, ctx)
            if value is True or (value is not False and truthy(value)):
                return value
            return second(data, ctx)

        return or2

    def or_n(data: Any, ctx: Ctx) -> Any:
        value = None
        for kid in kids:
            value = kid(data, ctx)
            if value is True or (value is not False and truthy(value)):
                return value
        return value

    return or_n


def op_not(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``!``: the negated truthiness of the operand (``true`` without one)."""
    if not kids:
        return literal(True)
    kid = kids[0]
    truthy = st.truthy

    def negate(data: Any, ctx: Ctx) -> bool:
        value = kid(data, ctx)
        if value is True:
            return False
        if value is False:
            return True
        return not truthy(value)

    return negate


def op_truthy(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``!!``: the truthiness of the operand (``false`` without one)."""
    if not kids:
        return literal(False)
    kid = kids[0]
    truthy = st.truthy

    def test(data: Any, ctx: Ctx) -> bool:
        return truthy(kid(data, ctx))

    return test


def op_coalesce(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``??``: the first operand that is not ``null``."""

    def coalesce(data: Any, ctx: Ctx) -> Any:
        for kid in kids:
            value = kid(data, ctx)
            if value is not None:
                return value
        return None

    return coalesce


def op_try(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``try``: the first operand that does not fail; later ones see the error as data."""
    first, rest = kids[0], kids[1:]
    scoped = st.scopes

    def attempt(data: Any, ctx: Ctx) -> Any:
        try:
            return first(data, ctx)
        except RuleEvaluationError as exc:
            failure = exc
        for handler in rest:
            if type(failure.error) is sem.BudgetSpent:
                break  # a spent budget is not caught
            try:
                if scoped:  # the error is the handler's data; ``[2]`` climbs to the try's data
                    return handler(failure.error, Ctx(ctx.rec, data, None, ctx, ctx.budget))
                return handler(failure.error, ctx)
            except RuleEvaluationError as exc:
                failure = exc
        raise failure

    return attempt


def op_throw(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``throw``: fail with the operand (text ``t`` becomes ``{"type": t}``)."""
    (kid,) = kids
    path = node.path

    def throw(data: Any, ctx: Ctx) -> Any:
        value = kid(data, ctx)
        error = dict(value) if isinstance(value, Mapping) else {"type": value}
        raise _raise(error, path, f"thrown: {_shown(error)}")

    return throw


def op_log(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``log``: the operand, also passed to the log sink given to ``compile()``."""
    (kid,) = kids
    sink = st.log
    if sink is None:
        return kid

    def log(data: Any, ctx: Ctx) -> Any:
        value = kid(data, ctx)
        sink(value)
        return value

    return log


# --------------------------------------------------------------------------- comparison

_ORDERINGS: dict[str, tuple[Callable[[Any, Any], bool], Callable[[Any, Any], bool]]] = {
    "<": (_op.lt, sem.less),
    "<=": (_op.le, sem.less_equal),
    ">": (_op.gt, sem.greater),
    ">=": (_op.ge, sem.greater_equal),
}


_COMMUNITY_ORDERINGS: dict[str, tuple[Callable[[Any, Any], bool], Callable[[Any, Any], bool]]] = {
    "<": (_op.lt, sem.community_less),
    "<=": (_op.le, sem.community_less_equal),
    ">": (_op.gt, sem.community_greater),
    ">=": (_op.ge, sem.community_greater_equal),
}


def _literal_decimal(value: int | float) -> Decimal:
    return sem.decimal_of_float(value) if type(value) is float else Decimal(value)


def op_order(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``<``, ``<=``, ``>``, ``>=``; with three operands, a between (lazy chain)."""
    fast, slow = (_COMMUNITY_ORDERINGS if st.community else _ORDERINGS)[node.op]
    path = node.path

    def general(x: Any, y: Any) -> bool:
        tx = type(x)
        ty = type(y)
        if (tx is int or tx is float) and (ty is int or ty is float):
            return fast(x, y)
        if tx is str and ty is str:
            return fast(x, y)
        try:
            return slow(x, y)
        except Fail as exc:
            raise _raise(exc.error, path, exc.reason) from None

    if len(kids) == 2:
        left, right = kids
        inline, value = st.const(node.args[1])
        if inline and type(value) in (int, float):
            number = value
            exact = _literal_decimal(value)

            def against_number(data: Any, ctx: Ctx) -> bool:
                x = left(data, ctx)
                tx = type(x)
                if tx is int or tx is float:
                    return fast(x, number)
                if tx is Decimal:
                    return not x.is_nan() and fast(x, exact)
                return general(x, number)

            return against_number
        if inline and type(value) is str:
            text = value

            def against_text(data: Any, ctx: Ctx) -> bool:
                x = left(data, ctx)
                if type(x) is str:
                    return fast(x, text)
                return general(x, text)

            return against_text

        def pair(data: Any, ctx: Ctx) -> bool:
            return general(left(data, ctx), right(data, ctx))

        return pair

    if len(kids) == 3:
        low_inline, low = st.const(node.args[0])
        high_inline, high = st.const(node.args[2])
        numbers = (int, float)
        if low_inline and high_inline and type(low) in numbers and type(high) in numbers:
            middle = kids[1]

            def between_numbers(data: Any, ctx: Ctx) -> bool:
                x = middle(data, ctx)
                tx = type(x)
                if tx is int or tx is float:
                    return fast(low, x) and fast(x, high)
                return general(low, x) and general(x, high)

            return between_numbers

    def between(data: Any, ctx: Ctx) -> bool:
        previous = kids[0](data, ctx)
        for kid in kids[1:]:
            current = kid(data, ctx)
            if not general(previous, current):
                return False
            previous = current
        return True

    return between


_EQUALITIES: dict[str, tuple[Callable[[Any, Any], bool], bool]] = {
    "==": (sem.loose_equal, False),
    "!=": (sem.loose_equal, True),
    "===": (sem.strict_equal, False),
    "!==": (sem.strict_equal, True),
}


_COMMUNITY_EQUALITIES: dict[str, tuple[Callable[[Any, Any], bool], bool]] = {
    **_EQUALITIES,
    "==": (sem.community_equal, False),
    "!=": (sem.community_equal, True),
}


def op_equal(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``==``, ``!=`` (JavaScript loose equality) and ``===``, ``!==`` (strict)."""
    equal, negated = (_COMMUNITY_EQUALITIES if st.community else _EQUALITIES)[node.op]
    path = node.path
    if len(kids) == 2:
        left, right = kids
        inline, value = st.const(node.args[1])
        if inline and type(value) in (str, int, float):
            expected = value
            same_type = type(value) if type(value) is str else None

            if same_type is str:

                def against_text(data: Any, ctx: Ctx) -> bool:
                    x = left(data, ctx)
                    if type(x) is str:
                        return (x == expected) is not negated
                    try:
                        return equal(x, expected) is not negated
                    except Fail as exc:
                        raise _raise(exc.error, path, exc.reason) from None

                return against_text

            def against_number(data: Any, ctx: Ctx) -> bool:
                x = left(data, ctx)
                tx = type(x)
                if tx is int or tx is float:
                    return (x == expected) is not negated
                try:
                    return equal(x, expected) is not negated
                except Fail as exc:
                    raise _raise(exc.error, path, exc.reason) from None

            return against_number

        def pair(data: Any, ctx: Ctx) -> bool:
            x = left(data, ctx)
            y = right(data, ctx)
            try:
                return equal(x, y) is not negated
            except Fail as exc:
                raise _raise(exc.error, path, exc.reason) from None

        return pair

    def chain(data: Any, ctx: Ctx) -> bool:
        previous = kids[0](data, ctx)
        for kid in kids[1:]:
            current = kid(data, ctx)
            try:
                if equal(previous, current) is negated:
                    return False
            except Fail as exc:
                raise _raise(exc.error, path, exc.reason) from None
            previous = current
        return True

    return chain


def op_in(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``in``: membership in an array (strict equality) or a substring test."""
    needle, haystack = kids
    path = node.path
    inline, value = st.const(node.args[1])
    if inline and type(value) is list:
        items = value
        texts = frozenset(item for item in items if type(item) is str)

        def in_literal(data: Any, ctx: Ctx) -> bool:
            x = needle(data, ctx)
            if type(x) is str:
                return x in texts
            try:
                return sem.includes(items, x)
            except Fail as exc:
                raise _raise(exc.error, path, exc.reason) from None

        return in_literal

    def contains(data: Any, ctx: Ctx) -> bool:
        x = needle(data, ctx)
        found = haystack(data, ctx)
        try:
            return sem.includes(found, x)
        except Fail as exc:
            raise _raise(exc.error, path, exc.reason) from None

    return contains


# --------------------------------------------------------------------------- arithmetic

_Fast = Callable[[Any, Any], Any]
_Slow = Callable[[Any, Any], Any]


def _arith_pair(st: BuildState, path: str, fast: _Fast, slow: _Slow, left: Fn, right: Fn) -> Fn:
    big = st.big

    def pair(data: Any, ctx: Ctx) -> Any:
        x = left(data, ctx)
        y = right(data, ctx)
        tx = type(x)
        ty = type(y)
        try:
            if (tx is int or tx is float) and (ty is int or ty is float):
                result = fast(x, y)
                if type(result) is int:
                    if -big < result < big:
                        return result
                elif result == result:
                    return result
            return check_number(slow(x, y), st, path)
        except Fail as exc:
            raise _raise(exc.error, path, exc.reason) from None
        except OverflowError:
            raise _overflow(path, st.max_exponent) from None

    return pair


def _arith_fold(st: BuildState, path: str, slow: _Slow, kids: list[Fn]) -> Fn:
    first, rest = kids[0], kids[1:]

    def fold(data: Any, ctx: Ctx) -> Any:
        try:
            total = sem.to_arith(first(data, ctx))
            for kid in rest:
                total = check_number(slow(total, kid(data, ctx)), st, path)
        except Fail as exc:
            raise _raise(exc.error, path, exc.reason) from None
        except OverflowError:
            raise _overflow(path, st.max_exponent) from None
        return total

    return fold


def _unary(path: str, fn: Callable[[Any], Any], kid: Fn) -> Fn:
    def unary(data: Any, ctx: Ctx) -> Any:
        try:
            return fn(kid(data, ctx))
        except Fail as exc:
            raise _raise(exc.error, path, exc.reason) from None

    return unary


def _arithmetic(
    node: Any,
    kids: list[Fn],
    st: BuildState,
    fast: _Fast,
    slow: _Slow,
    one: Callable[[Any], Any],
) -> Fn:
    """Build ``+``, ``-`` or ``*`` by operand count: ``one`` for one, a pair, or a fold."""
    if len(kids) == 1:
        return _unary(node.path, one, kids[0])
    if len(kids) == 2:
        return _arith_pair(st, node.path, fast, slow, *kids)
    return _arith_fold(st, node.path, slow, kids)


def op_plus(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``+``: the sum of the operands cast to numbers (one operand: a cast)."""
    if not kids:
        return literal(0)
    return _arithmetic(node, kids, st, _op.add, sem.add, sem.to_arith)


def op_minus(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``-``: the difference (one operand: the negation)."""
    return _arithmetic(node, kids, st, _op.sub, sem.sub, sem.neg)


def op_times(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``*``: the product of the operands (without operands, in the community dialect: 1)."""
    if not kids:
        return literal(1)
    return _arithmetic(node, kids, st, _op.mul, sem.mul, sem.to_arith)


def op_divide(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``/``: the quotient; dividing by zero fails with ``{"type": "NaN"}``.

    One operand (allowed in the community dialect) gives its reciprocal.
    """
    if len(kids) == 1:

        def reciprocal(value: Any) -> Any:
            try:
                return check_number(sem.div(1, value), st, node.path)
            except OverflowError:
                raise _overflow(node.path, st.max_exponent) from None

        return _unary(node.path, reciprocal, kids[0])
    if len(kids) == 2:
        left, right = kids
        path = node.path

        def divide(data: Any, ctx: Ctx) -> Any:
            x = left(data, ctx)
            y = right(data, ctx)
            if type(x) is float and type(y) is float and y:
                result = x / y
                if result == result:
                    return result
            try:
                return check_number(sem.div(x, y), st, path)
            except Fail as exc:
                raise _raise(exc.error, path, exc.reason) from None
            except OverflowError:
                raise _overflow(path, st.max_exponent) from None

        return divide
    return _arith_fold(st, node.path, sem.div, kids)


def op_modulo(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``%``: the remainder, with the sign of the dividend."""
    return _arith_fold(st, node.path, sem.mod, kids)


def op_extreme(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``max`` and ``min`` of the operands cast to numbers."""
    largest = node.op == "max"
    path = node.path

    def extreme(data: Any, ctx: Ctx) -> Any:
        values = [kid(data, ctx) for kid in kids]
        try:
            return sem.extreme(values, largest=largest)
        except Fail as exc:
            raise _raise(exc.error, path, exc.reason) from None

    return extreme


# --------------------------------------------------------------------------- text and arrays


def op_cat(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``cat``: the operands as text, joined (``null`` adds nothing)."""
    path = node.path
    limit = st.max_size
    steps = st.max_steps

    def cat(data: Any, ctx: Ctx) -> str:
        try:
            text = "".join([sem.cat_text(kid(data, ctx)) for kid in kids])
        except Fail as exc:
            raise _raise(exc.error, path, exc.reason) from None
        if len(text) > limit:
            raise _size_spent(path, limit, "a text of characters", len(text))
        if ctx.budget is not None:
            charge(ctx, len(text) // SIZE_PER_STEP, path, steps)
        return text

    return cat


def _integer(value: Any) -> int:
    number = sem.arith_number(value)
    if number is None:
        return 0
    return sem.clamp_int(number)


def substring(text: str, start: Any, length: Any) -> str:
    """Return JSON Logic's ``substr`` of ``text``.

    A negative start counts from the end; a negative length stops that many
    characters before the end.
    """
    size = len(text)
    begin = _integer(start)
    begin = max(size + begin, 0) if begin < 0 else min(begin, size)
    if length is MISSING:
        return text[begin:]
    count = _integer(length)
    if count < 0:
        return text[begin : max(size + count, begin)]
    return text[begin : begin + count]


def op_substr(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``substr``: a slice of the text of the first operand."""
    source, start = kids[0], kids[1]
    length = kids[2] if len(kids) > 2 else None

    path = node.path
    limit = st.max_size
    steps = st.max_steps

    def substr(data: Any, ctx: Ctx) -> str:
        try:
            text = sem.to_text(source(data, ctx))
        except Fail as exc:
            raise _raise(exc.error, path, exc.reason) from None
        begin = start(data, ctx)
        result = substring(text, begin, MISSING if length is None else length(data, ctx))
        if len(result) > limit:
            raise _size_spent(path, limit, "a text of characters", len(result))
        if ctx.budget is not None:
            charge(ctx, len(result) // SIZE_PER_STEP, path, steps)
        return result

    return substr


def op_merge(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``merge``: the operands flattened one level into one array."""
    path = node.path
    limit = st.max_size
    steps = st.max_steps

    def merge(data: Any, ctx: Ctx) -> list[Any]:
        result: list[Any] = []
        for kid in kids:
            value = kid(data, ctx)
            items = sem.as_sequence(value)
            if items is None:
                result.append(value)
            else:
                result.extend(items)
            if len(result) > limit:
                raise _size_spent(path, limit, "an array of items", len(result))
        if ctx.budget is not None:
            charge(ctx, len(result) // SIZE_PER_STEP, path, steps)
        return result

    return merge


# --------------------------------------------------------------------------- data access


def split_path(key: Any) -> tuple[tuple[str, int | None], ...]:
    """Return the segments of a ``var`` name: its text split on dots."""
    return tuple((part, sem.index_of(part)) for part in sem.to_text(key).split("."))


def follow(data: Any, parts: tuple[tuple[str, int | None], ...]) -> Any:
    """Follow a ``var`` path; :data:`MISSING` when a step finds nothing or ``null``."""
    value = data
    for key, index in parts:
        if value is None:
            return MISSING
        value = sem.step(value, key, index)
        if value is MISSING:
            return MISSING
    return value


def lookup(data: Any, key: Any) -> Any:
    """Return what ``{"var": key}`` reads, or :data:`MISSING`."""
    if key is None or key == "" or (type(key) is list and not key):
        return data
    return follow(data, split_path(key))


def op_var(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``var``: a value of the data by dotted name, with an optional default."""
    if not kids:

        def whole(data: Any, ctx: Ctx) -> Any:
            return data

        return whole
    key_fn = kids[0]
    default_fn = kids[1] if len(kids) > 1 else None
    inline, key = st.const(node.args[0])
    inline_default, default = (True, None) if default_fn is None else st.const(node.args[1])
    if inline and inline_default and type(default) not in (list, dict):
        if key is None or key == "" or key == []:

            def whole_data(data: Any, ctx: Ctx) -> Any:
                return data

            return whole_data
        parts = split_path(key)
        if len(parts) == 1:
            ((name, index),) = parts

            def var1(data: Any, ctx: Ctx) -> Any:
                if type(data) is dict:
                    value = data.get(name, MISSING)
                elif data is None:
                    return default
                else:
                    value = sem.step(data, name, index)
                return default if value is MISSING else value

            return var1

        if len(parts) == 2:
            (first, first_index), (second, second_index) = parts

            def var2(data: Any, ctx: Ctx) -> Any:
                if type(data) is dict:
                    inner = data.get(first, MISSING)
                    if type(inner) is dict:
                        return inner.get(second, default)
                    if inner is MISSING or inner is None:
                        return default
                elif data is None:
                    return default
                else:
                    inner = sem.step(data, first, first_index)
                    if inner is MISSING or inner is None:
                        return default
                value = sem.step(inner, second, second_index)
                return default if value is MISSING else value

            return var2

        def var_n(data: Any, ctx: Ctx) -> Any:
            value = data
            for name, index in parts:
                if type(value) is dict:
                    value = value.get(name, MISSING)
                elif value is None:
                    return default
                else:
                    value = sem.step(value, name, index)
                if value is MISSING:
                    return default
            return value

        return var_n

    def var(data: Any, ctx: Ctx) -> Any:
        value = lookup(data, key_fn(data, ctx))
        if value is MISSING:
            return None if default_fn is None else default_fn(data, ctx)
        return value

    return var


def _climb(ctx: Ctx, levels: int) -> Any:
    """Return the scope ``levels`` up: odd levels are ``{"index": i}``, even ones the data."""
    scope: Ctx | None = ctx
    for level in range(1, levels + 1):
        if scope is None or scope.up is None:
            return None
        if level % 2 == 0:
            if level == levels:
                return scope.data
            scope = scope.up
        elif level == levels:
            return {"index": scope.index}
    return None  # pragma: no cover - the loop always returns


def resolve_val(args: list[Any], data: Any, ctx: Ctx) -> Any:
    """Return what ``val`` reads for evaluated ``args``, or :data:`MISSING`.

    One operand is a key; several are a path of keys and indexes (no dot
    splitting). A first operand ``[n]`` climbs ``|n|`` scopes out of iterators.
    """
    if not args:
        return data
    if len(args) == 1 and type(args[0]) is not list:
        if data is None:
            return MISSING
        return sem.step(data, *sem.segment(args[0]))
    value = data
    path = args
    if type(args[0]) is list and len(args[0]) == 1:
        levels = sem.arith_number(args[0][0])
        value = _climb(ctx, abs(sem.clamp_int(levels))) if levels is not None else None
        path = args[1:]
    for part in path:
        if part is None:
            continue
        if value is None:
            return MISSING
        value = sem.step(value, *sem.segment(part))
        if value is MISSING:
            return MISSING
    return value


def op_val(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``val``: a value of the data by a path of keys (no dot splitting); scopes climb."""

    def val(data: Any, ctx: Ctx) -> Any:
        value = resolve_val([kid(data, ctx) for kid in kids], data, ctx)
        return None if value is MISSING else value

    if kids and len(kids) == 1 and not st.trace:
        inline, key = st.const(node.args[0])
        if inline and type(key) is not list:
            name, index = sem.segment(key)

            def val1(data: Any, ctx: Ctx) -> Any:
                if type(data) is dict:
                    return data.get(name)
                if data is None:
                    return None
                value = sem.step(data, name, index)
                return None if value is MISSING else value

            return val1
    return val


def op_exists(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``exists``: whether the ``val`` path is present in the data (even as ``null``)."""

    def exists(data: Any, ctx: Ctx) -> bool:
        return resolve_val([kid(data, ctx) for kid in kids], data, ctx) is not MISSING

    return exists


def missing_keys(data: Any, keys: Any) -> list[Any]:
    """Return the keys whose value is absent, ``null`` or ``""``."""
    found: list[Any] = []
    for key in keys:
        value = lookup(data, key)
        if value is MISSING or value is None or value == "":
            found.append(key)
    return found


_Plan = tuple[tuple[Any, tuple[tuple[str, int | None], ...]], ...]


def _plan(keys: Any) -> _Plan | None:
    """Pre-split literal ``missing`` names, or ``None`` if some name is not a scalar."""
    plan = []
    for key in keys:
        if type(key) in (list, dict):
            return None
        plan.append((key, () if key is None or key == "" else split_path(key)))
    return tuple(plan)


def _missing_planned(data: Any, plan: _Plan) -> list[Any]:
    found: list[Any] = []
    for key, parts in plan:
        value = data
        for name, index in parts:
            if type(value) is dict:
                value = value.get(name, MISSING)
            elif value is None:
                value = MISSING
            else:
                value = sem.step(value, name, index)
            if value is MISSING:
                break
        if value is MISSING or value is None or value == "":
            found.append(key)
    return found


def _literal_values(node: Any, st: BuildState) -> list[Any] | None:
    """The operand values of ``node`` when every operand is a literal that may be inlined."""
    values = []
    for arg in node.args:
        inline, value = st.const(arg)
        if not inline:
            return None
        values.append(value)
    return values


def op_missing(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``missing``: the names (operands, or an array as first operand) that are missing."""
    values = _literal_values(node, st)
    if values is not None:
        plan = _plan(values[0] if values and type(values[0]) is list else values)
        if plan is not None:
            fixed = plan

            def missing_fixed(data: Any, ctx: Ctx) -> list[Any]:
                return _missing_planned(data, fixed)

            return missing_fixed

    def missing(data: Any, ctx: Ctx) -> list[Any]:
        values = [kid(data, ctx) for kid in kids]
        keys = sem.as_sequence(values[0]) if values else None
        return missing_keys(data, values if keys is None else keys)

    return missing


def op_missing_some(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``missing_some``: ``[]`` when at least ``need`` of the names are present."""
    need_fn, keys_fn = kids
    values = _literal_values(node, st)
    if values is not None and type(values[1]) is list:
        plan = _plan(values[1])
        need_value = sem.arith_number(values[0])
        if plan is not None and need_value is not None:
            fixed, need, size = plan, need_value, len(plan)

            def missing_some_fixed(data: Any, ctx: Ctx) -> list[Any]:
                found = _missing_planned(data, fixed)
                return [] if size - len(found) >= need else found

            return missing_some_fixed

    def missing_some(data: Any, ctx: Ctx) -> list[Any]:
        need = sem.arith_number(need_fn(data, ctx))
        keys = sem.as_sequence(keys_fn(data, ctx))
        if keys is None:
            return []
        found = missing_keys(data, keys)
        if need is not None and len(keys) - len(found) >= need:
            return []
        return found

    return missing_some


# --------------------------------------------------------------------------- iterators


def _pricing(node: Any, st: BuildState) -> tuple[int, str, int]:
    """The per-item step cost of an iterator, its path and the step budget."""
    return body_weight(node), node.path, st.max_steps


def op_map(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``map``: the body evaluated for each item of the array."""
    source, body = kids
    weight, path, steps = _pricing(node, st)
    if st.scopes:

        def map_scoped(data: Any, ctx: Ctx) -> list[Any]:
            items = sem.as_sequence(source(data, ctx))
            if items is None:
                return []
            cost = len(items) * weight
            if cost > steps or ctx.budget is not None:
                charge(ctx, cost, path, steps)
            rec = ctx.rec
            budget = ctx.budget
            return [body(item, Ctx(rec, data, i, ctx, budget)) for i, item in enumerate(items)]

        return map_scoped

    def map_items(data: Any, ctx: Ctx) -> list[Any]:
        items = _items(source(data, ctx))
        if items is None:
            return []
        cost = len(items) * weight
        if cost > steps or ctx.budget is not None:
            charge(ctx, cost, path, steps)
        return [body(item, ctx) for item in items]

    return map_items


def op_filter(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``filter``: the items for which the body is truthy."""
    source, body = kids
    scoped = st.scopes
    truthy = st.truthy
    weight, path, steps = _pricing(node, st)

    def filter_items(data: Any, ctx: Ctx) -> list[Any]:
        items = sem.as_sequence(source(data, ctx))
        if items is None:
            return []
        cost = len(items) * weight
        if cost > steps or ctx.budget is not None:
            charge(ctx, cost, path, steps)
        if scoped:
            rec = ctx.rec
            budget = ctx.budget
            return [
                item
                for i, item in enumerate(items)
                if truthy(body(item, Ctx(rec, data, i, ctx, budget)))
            ]
        return [item for item in items if truthy(body(item, ctx))]

    return filter_items


def _not_an_array(path: str, op: str) -> RuleEvaluationError:
    reason = f"{op!r} iterates over an array, got something else"
    return _raise({"type": "Invalid Arguments"}, path, reason)


def _items(value: Any) -> Any:
    """The items of an array operand (``None`` for anything else)."""
    return value if type(value) is list else sem.as_sequence(value)


def _any_truthy(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """Whether the body is truthy for at least one item (stops at the first)."""
    source, body = kids
    truthy = st.truthy
    weight, path, steps = _pricing(node, st)
    strict = st.community
    if st.scopes:

        def any_scoped(data: Any, ctx: Ctx) -> bool:
            items = _items(source(data, ctx))
            if not items:
                if items is None and strict:
                    raise _not_an_array(path, node.op)
                return False
            cost = len(items) * weight
            if cost > steps or ctx.budget is not None:
                charge(ctx, cost, path, steps)
            rec = ctx.rec
            budget = ctx.budget
            for i, item in enumerate(items):
                value = body(item, Ctx(rec, data, i, ctx, budget))
                if value is True or (value is not False and truthy(value)):
                    return True
            return False

        return any_scoped

    def any_item(data: Any, ctx: Ctx) -> bool:
        items = _items(source(data, ctx))
        if not items:
            if items is None and strict:
                raise _not_an_array(path, node.op)
            return False
        cost = len(items) * weight
        if cost > steps or ctx.budget is not None:
            charge(ctx, cost, path, steps)
        for item in items:
            value = body(item, ctx)
            if value is True or (value is not False and truthy(value)):
                return True
        return False

    return any_item


def op_all(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``all``: whether the body is truthy for every item (``false`` for an empty array)."""
    source, body = kids
    truthy = st.truthy
    weight, path, steps = _pricing(node, st)
    strict = st.community
    if st.scopes:

        def every_scoped(data: Any, ctx: Ctx) -> bool:
            items = _items(source(data, ctx))
            if not items:
                if items is None and strict:
                    raise _not_an_array(path, "all")
                return False
            cost = len(items) * weight
            if cost > steps or ctx.budget is not None:
                charge(ctx, cost, path, steps)
            rec = ctx.rec
            budget = ctx.budget
            for i, item in enumerate(items):
                value = body(item, Ctx(rec, data, i, ctx, budget))
                if not (value is True or (value is not False and truthy(value))):
                    return False
            return True

        return every_scoped

    def every(data: Any, ctx: Ctx) -> bool:
        items = _items(source(data, ctx))
        if not items:
            if items is None and strict:
                raise _not_an_array(path, "all")
            return False
        cost = len(items) * weight
        if cost > steps or ctx.budget is not None:
            charge(ctx, cost, path, steps)
        for item in items:
            value = body(item, ctx)
            if not (value is True or (value is not False and truthy(value))):
                return False
        return True

    return every


def op_some(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``some``: whether the body is truthy for at least one item."""
    return _any_truthy(node, kids, st)


def op_none(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``none``: whether the body is truthy for no item."""
    found = _any_truthy(node, kids, st)

    def none(data: Any, ctx: Ctx) -> bool:
        return not found(data, ctx)

    return none


def op_reduce(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``reduce``: fold the items with ``{"current": item, "accumulator": acc}`` as data."""
    source, body = kids[0], kids[1]
    initial = kids[2] if len(kids) > 2 else None
    scoped = st.scopes
    weight, path, steps = _pricing(node, st)

    def reduce(data: Any, ctx: Ctx) -> Any:
        items = _items(source(data, ctx))
        accumulator = None if initial is None else initial(data, ctx)
        if items is None:
            return accumulator
        cost = len(items) * weight
        if cost > steps or ctx.budget is not None:
            charge(ctx, cost, path, steps)
        rec = ctx.rec
        budget = ctx.budget
        for i, item in enumerate(items):
            scope = {"current": item, "accumulator": accumulator}
            accumulator = body(scope, Ctx(rec, data, i, ctx, budget) if scoped else ctx)
        return accumulator

    return reduce


# --------------------------------------------------------------------------- computed operands


def op_preserve(node: Any, kids: list[Fn], st: BuildState) -> Fn:
    """``preserve``: its operand as a value, not read as a rule (``node.value``)."""
    return literal(node.value)


class _Shape:
    """The operation a computed operand list is applied to: one slot per operand."""

    __slots__ = ("args", "op", "path")

    def __init__(self, op: str | None, path: str, args: tuple[_Shape, ...] = ()) -> None:
        self.op = op
        self.path = path
        self.args = args


def _slot(index: int) -> Fn:
    def slot(data: Any, ctx: Ctx) -> Any:
        return ctx.args[index]

    return slot


#: Closures built for computed operand lists are kept for counts up to this many.
_CACHED_COUNTS = 16


def op_computed(node: Any, inner: Fn, st: BuildState, low: int, high: int | None) -> Fn:
    """An operation whose single operand is a rule computing its operand list.

    ``{"max": {"var": "xs"}}``: the operand is evaluated; an array is the
    operand list, anything else the one operand. The count is checked against
    the operator's (``low``..``high``) when evaluating; the list counts against
    the size budget (and, inside an iterator, one step per 100 operands).
    """
    op = node.op
    build = OPERATORS[op].build
    path = node.path
    limit = st.max_size
    steps = st.max_steps
    arity = Spec(build, low, high).arity()
    cache: dict[int, Fn] = {}

    def built(count: int) -> Fn:
        fn = cache.get(count)
        if fn is None:
            shape = _Shape(op, path, tuple(_Shape("$arg", path) for _ in range(count)))
            fn = build(shape, [_slot(i) for i in range(count)], st)
            if count <= _CACHED_COUNTS:
                cache[count] = fn
        return fn

    def computed(data: Any, ctx: Ctx) -> Any:
        value = inner(data, ctx)
        items = sem.as_sequence(value)
        args = [value] if items is None else list(items)
        count = len(args)
        if count < low or (high is not None and count > high):
            reason = f"{op!r} takes {arity}, got {count} (computed)"
            raise _raise({"type": "Invalid Arguments"}, path, reason)
        if count > limit:
            raise _size_spent(path, limit, "an operand list of items", count)
        if ctx.budget is not None:
            charge(ctx, count // SIZE_PER_STEP, path, steps)
        return built(count)(data, Ctx(ctx.rec, ctx.data, ctx.index, ctx.up, ctx.budget, args))

    return computed


# --------------------------------------------------------------------------- the table


class Spec:
    """An operator: its builder and how many operands it takes."""

    __slots__ = ("build", "high", "low")

    def __init__(self, build: Builder, low: int, high: int | None) -> None:
        self.build = build
        self.low = low
        self.high = high

    def arity(self) -> str:
        """Describe the accepted operand count, for error messages."""
        if self.high is None:
            return f"at least {self.low} operand{'s' if self.low != 1 else ''}"
        if self.low == self.high:
            return f"exactly {self.low} operand{'s' if self.low != 1 else ''}"
        return f"{self.low} to {self.high} operands"


OPERATORS: dict[str, Spec] = {
    "==": Spec(op_equal, 2, None),
    "===": Spec(op_equal, 2, None),
    "!=": Spec(op_equal, 2, None),
    "!==": Spec(op_equal, 2, None),
    "<": Spec(op_order, 2, None),
    "<=": Spec(op_order, 2, None),
    ">": Spec(op_order, 2, None),
    ">=": Spec(op_order, 2, None),
    "!": Spec(op_not, 1, 1),
    "!!": Spec(op_truthy, 1, 1),
    "and": Spec(op_and, 0, None),
    "or": Spec(op_or, 0, None),
    "if": Spec(op_if, 0, None),
    "?:": Spec(op_if, 0, None),
    "??": Spec(op_coalesce, 0, None),
    "try": Spec(op_try, 1, None),
    "throw": Spec(op_throw, 1, 1),
    "log": Spec(op_log, 1, 1),
    "max": Spec(op_extreme, 1, None),
    "min": Spec(op_extreme, 1, None),
    "+": Spec(op_plus, 0, None),
    "-": Spec(op_minus, 1, None),
    "*": Spec(op_times, 1, None),
    "/": Spec(op_divide, 2, None),
    "%": Spec(op_modulo, 2, None),
    "cat": Spec(op_cat, 0, None),
    "substr": Spec(op_substr, 2, 3),
    "in": Spec(op_in, 2, 2),
    "merge": Spec(op_merge, 0, None),
    "var": Spec(op_var, 0, 2),
    "val": Spec(op_val, 0, None),
    "exists": Spec(op_exists, 1, None),
    "missing": Spec(op_missing, 0, None),
    "missing_some": Spec(op_missing_some, 2, 2),
    "map": Spec(op_map, 2, 2),
    "filter": Spec(op_filter, 2, 2),
    "all": Spec(op_all, 2, 2),
    "some": Spec(op_some, 2, 2),
    "none": Spec(op_none, 2, 2),
    "reduce": Spec(op_reduce, 2, 3),
    "preserve": Spec(op_preserve, 1, 1),
}

#: Operand counts that differ in the community dialect.
COMMUNITY_ARITY: dict[str, tuple[int, int | None]] = {
    "!": (0, 1),
    "!!": (0, 1),
    "*": (0, None),
    "/": (1, None),
}

#: Operators whose single operand may be a rule computing the operand list. In the
#: classic dialect, only those for which an array operand could not mean anything else.
COMPUTED_CLASSIC = frozenset(
    {"+", "-", "*", "/", "%", "max", "min", "in", "substr", "missing_some"}
)
COMPUTED_COMMUNITY = COMPUTED_CLASSIC | frozenset(
    {"!", "!!", "cat", "merge", "var", "val", "exists"}
)

#: Operators whose operands are evaluated lazily: in the community dialect their
#: operands must be written as an array.
LAZY = frozenset({"if", "?:", "and", "or", "==", "===", "!=", "!==", "<", "<=", ">", ">="})


def arity(op: str, community: bool) -> tuple[int, int | None]:
    """The operand count bounds of ``op`` in a dialect."""
    if community and op in COMMUNITY_ARITY:
        return COMMUNITY_ARITY[op]
    spec = OPERATORS[op]
    return spec.low, spec.high


#: Operators whose second operand is evaluated once per array item, with the item as data.
ITERATORS = frozenset({"map", "filter", "all", "some", "none", "reduce"})
