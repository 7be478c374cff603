"""The machinery of the fuzz suite: the public surface, hostile values, and the guard.

Nothing here is listed by hand except :data:`NOT_FUZZED` (what is deliberately left
out, with the reason) and the hostile values themselves. The surface is found by
walking ``sfa_core`` and its public subpackages and reading their ``__all__``; a
module or a name added later is fuzzed by the same tests without any edit here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import importlib
import inspect
import itertools
import math
import os
import pkgutil
import re
import reprlib
import signal
import sys
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import attrs
from hypothesis import strategies as st

import sfa_core
from sfa_core.errors import SfaError

# --------------------------------------------------------------------------------------
# Budgets
# --------------------------------------------------------------------------------------

#: Seconds one call may take before it is reported as a hang.
CALL_SECONDS = 2.0
#: Address space one call may add before it is reported as a memory blow-up.
CALL_MEMORY = 2 << 30
#: A last resort for a hang inside C code that no signal interrupts: the whole
#: process dumps its stacks and exits after this many seconds of one test.
TEST_WATCHDOG_SECONDS = 120.0

# --------------------------------------------------------------------------------------
# What is deliberately not fuzzed, and why. Each entry is a public module, a public
# name ("module.Name") or a public method ("module.Class.method").
# --------------------------------------------------------------------------------------

NOT_FUZZED: dict[str, str] = {
    # Helpers for a host's own tests: Hypothesis strategies and pytest base classes. Their
    # callers are test authors, and a strategy only builds values the fuzz feeds anyway.
    "sfa_core.testing": "test helpers for hosts (strategies, contract base classes)",
    # The command line and the demo are fuzzed as processes by test_cli_fuzz.py, with
    # hostile files and arguments; calling them in-process here would print and write files.
    "sfa_core.cli": "fuzzed as a process (test_cli_fuzz.py)",
    "sfa_core.demo": "runs the quickstart story; fuzzed through `sfa demo` (test_cli_fuzz.py)",
    # A clock's only job is to return the system time; it takes no input.
    "sfa_core.clock.SystemClock": "takes no input",
    # The engine's services are fuzzed on a seeded engine (test_engine_fuzz.py), where the
    # ids they take refer to stored values; their constructors take wired repositories.
    "sfa_core.engine.ApprovalService": "fuzzed through a seeded engine",
    "sfa_core.engine.CatalogService": "fuzzed through a seeded engine (test_engine_fuzz.py)",
    "sfa_core.engine.ConfigurationService": "fuzzed through a seeded engine",
    "sfa_core.engine.DirectoryService": "fuzzed through a seeded engine",
    "sfa_core.engine.PricingService": "fuzzed through a seeded engine",
    "sfa_core.engine.QuoteService": "fuzzed through a seeded engine",
    "sfa_core.engine.SetupEditor": "fuzzed through a seeded engine (engine.pricing editors)",
    # Stores and repositories are fuzzed by test_store_fuzz.py (methods on fresh stores,
    # damaged database files).
    "sfa_core.adapters": "fuzzed by test_store_fuzz.py",
}

# --------------------------------------------------------------------------------------
# Hostile values
# --------------------------------------------------------------------------------------


class _Weird(str):
    """A str subclass whose equality and hash are not a str's."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0


class _Deep(list):  # type: ignore[type-arg]
    """A list nested 10,000 deep, that shows itself briefly in a failure report."""

    def __repr__(self) -> str:
        return "<list nested 10,000 deep>"


class _DeepMap(dict):  # type: ignore[type-arg]
    """A dict nested 10,000 deep, that shows itself briefly in a failure report."""

    def __repr__(self) -> str:
        return "<dict nested 10,000 deep>"


def _deep_list(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def _deep_dict(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def _cyclic_list() -> Any:
    value: list[Any] = [1]
    value.append(value)
    return value


def _cyclic_dict() -> Any:
    value: dict[str, Any] = {"a": 1}
    value["self"] = value
    return value


@cache
def hostile_values() -> tuple[Any, ...]:
    """Every kind of value a caller should not pass; each is refused, never a crash."""
    from sfa_core.money import Money

    return (
        None,
        True,
        False,
        0,
        -1,
        2**63,
        10**5000,
        -(10**5000),
        1.5,
        -0.0,
        math.nan,
        math.inf,
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("-Infinity"),
        Decimal("1E+999999999"),
        Decimal("-1E-999999999"),
        Decimal("1E+30"),
        "",
        " ",
        "A " * 3,
        "x" * 100_000,
        "\ud800",
        "a\x00b",
        "NaN",
        "sNaN",
        "1E+999999999",
        "\u202eEUR",
        "🙂",
        _Weird("A"),
        b"bytes",
        bytearray(b"A"),
        dt.date.max,
        dt.date.min,
        dt.datetime.max,
        dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc),
        dt.timedelta.max,
        [],
        {},
        (),
        set(),
        frozenset({1}),
        [None, math.nan, "\ud800"],
        {1: 2, None: None},
        {"": None, "\x00": math.nan},
        _Deep([_deep_list(10_000)]),
        _DeepMap({"a": _deep_dict(10_000)}),
        _cyclic_list(),
        _cyclic_dict(),
        iter([1, 2]),
        object(),
        type,
        print,
        Money("1.00", "JPY"),
        enum.Enum,
    )


def hostile() -> st.SearchStrategy[Any]:
    """One hostile value (the same objects each time; none is ever mutated by the test)."""
    return st.sampled_from(hostile_values())


# --------------------------------------------------------------------------------------
# Showing an input without failing on it
# --------------------------------------------------------------------------------------

_REPR = reprlib.Repr()
_REPR.maxstring = 80
_REPR.maxother = 80
_REPR.maxlevel = 3


def show(value: Any) -> str:
    """A short repr that never fails (huge ints, broken reprs, deep and cyclic data)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"<int of {value.bit_length()} bits>"
    try:
        return _REPR.repr(value)
    except Exception:  # a broken __repr__, an int inside too long to print
        return f"<{type(value).__name__} that cannot be shown>"


def show_call(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> str:
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


# --------------------------------------------------------------------------------------
# The guard: time and memory bounds around one call
# --------------------------------------------------------------------------------------


class Hang(BaseException):
    """Raised by the alarm when one call takes longer than :data:`CALL_SECONDS`."""


def _vm_size() -> int | None:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError, IndexError):
        return None


@contextlib.contextmanager
def _memory_bound(extra: int) -> Iterator[None]:
    """Lower the soft address-space limit to current use + ``extra`` (Linux; else nothing)."""
    try:
        import resource
    except ImportError:  # not a POSIX system: no bound, the time bound still holds
        yield
        return
    used = _vm_size()
    if used is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _on_alarm(signum: int, frame: types.FrameType | None) -> None:
    raise Hang


@contextlib.contextmanager
def _time_bound(seconds: float) -> Iterator[None]:
    if not hasattr(signal, "setitimer") or not _main_thread():
        yield  # no SIGALRM here: the watchdog of the test still bounds it
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def bounded(seconds: float = CALL_SECONDS, memory: int = CALL_MEMORY) -> Iterator[None]:
    """Run a block within a time bound (:class:`Hang`) and a memory bound (MemoryError)."""
    with _memory_bound(memory), _time_bound(seconds):
        yield


@contextlib.contextmanager
def watchdog(seconds: float = TEST_WATCHDOG_SECONDS, stream: Any = None) -> Iterator[None]:
    """Kill the process with every thread's stack if a test outlives ``seconds``.

    The per-call alarm cannot interrupt a loop inside C code; this can. ``stream`` is
    where the stacks go (a file descriptor that pytest does not capture, if it has one).
    """
    import faulthandler

    faulthandler.dump_traceback_later(seconds, exit=True, file=stream or sys.stderr)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


class Escaped(AssertionError):
    """A fuzz failure: something other than SfaError came out, or a bound was exceeded."""


def touch(result: Any) -> None:
    """Use a returned value the way a host would print or store it."""
    if isinstance(result, Iterator):
        result = list(itertools.islice(result, 1000))
    repr(result)
    if isinstance(result, BaseException):
        str(result)
    if attrs.has(type(result)) and type(result).__hash__ is not None:
        hash(result)


def check_call(name: str, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn``; only success or an :class:`SfaError` (that prints) may come out."""
    shown = lambda: show_call(name, args, kwargs)  # noqa: E731 - computed only on failure
    try:
        with bounded():
            result = fn(*args, **kwargs)
            touch(result)
            return result
    except SfaError as exc:
        try:
            with bounded():
                str(exc)
                repr(exc)
        except BaseException as inner:
            raise Escaped(
                f"{type(exc).__name__} from {shown()} cannot be printed: "
                f"{type(inner).__name__}: {inner}"
            ) from inner
        return exc
    except Hang:
        raise Escaped(f"hang (> {CALL_SECONDS} s): {shown()}") from None
    except MemoryError:
        raise Escaped(f"memory blow-up (> {CALL_MEMORY >> 20} MiB): {shown()}") from None
    except RecursionError as exc:
        raise Escaped(f"RecursionError escaped from {shown()}") from exc
    except Exception as exc:
        raise Escaped(f"{type(exc).__name__} escaped from {shown()}: {show(str(exc))}") from exc


# --------------------------------------------------------------------------------------
# The surface
# --------------------------------------------------------------------------------------


class Kind(enum.Enum):
    CONSTRUCTOR = "constructor"  # a class whose instances are made from arguments
    FUNCTION = "function"
    ERROR = "error"  # an exception class: made with hostile values, must print
    ENUM = "enum"  # Python's own lookup by value; the converters that use enums are fuzzed
    PROTOCOL = "protocol"  # a typing.Protocol: no behaviour of its own
    DATA = "data"  # a constant
    NOT_FUZZED = "not fuzzed"  # in NOT_FUZZED, with the reason


@dataclass(frozen=True)
class Entry:
    name: str  # the canonical dotted name (where it is defined)
    exported_as: str  # the first public module.name that exports it
    obj: Any
    kind: Kind
    methods: tuple[str, ...] = field(default=())


def public_modules() -> list[types.ModuleType]:
    """The modules whose ``__all__`` is public surface.

    As the design notes say, a package re-exports its public names in its
    ``__init__``; everything else is private by a leading underscore or by not being
    exported. So: ``sfa_core``, every public package, the modules directly under
    ``sfa_core`` (``money``, ``errors``...), and the modules of a package that
    re-exports nothing (``adapters.memory``, ``testing.strategies``).
    """
    found = [sfa_core]
    for info in pkgutil.walk_packages(sfa_core.__path__, "sfa_core."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts[1:]):
            continue
        module = importlib.import_module(info.name)
        parent = sys.modules[info.name.rpartition(".")[0]]
        if info.ispkg or parent is sfa_core or not hasattr(parent, "__all__"):
            found.append(module)
    return found


def not_fuzzed_reason(dotted: str) -> str | None:
    for key, reason in NOT_FUZZED.items():
        if dotted == key or dotted.startswith(key + "."):
            return reason
    return None


def _is_protocol(obj: Any) -> bool:
    return isinstance(obj, type) and bool(getattr(obj, "_is_protocol", False))


def classify(obj: Any) -> Kind | None:
    """The kind of a public object, or ``None`` if nothing here knows how to fuzz it."""
    if isinstance(obj, type):
        if issubclass(obj, BaseException):
            return Kind.ERROR
        if issubclass(obj, enum.Enum):
            return Kind.ENUM
        if _is_protocol(obj):
            return Kind.PROTOCOL
        return Kind.CONSTRUCTOR
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return Kind.FUNCTION
    if typing.get_origin(obj) is not None or type(obj).__module__ == "typing":
        return Kind.DATA  # a type alias
    if callable(obj):
        return None  # a callable object of another kind: must be classified explicitly
    return Kind.DATA


def public_methods(cls: type) -> tuple[str, ...]:
    """The public methods a class defines or inherits from sfa_core (not properties)."""
    names = []
    for name in dir(cls):
        if name.startswith("_"):
            continue
        owner = next((k for k in cls.__mro__ if name in vars(k)), None)
        if owner is None or not owner.__module__.startswith("sfa_core"):
            continue
        raw = vars(owner)[name]
        if isinstance(raw, (staticmethod, classmethod)) or inspect.isfunction(raw):
            names.append(name)
    return tuple(sorted(names))


@cache
def surface() -> tuple[Entry, ...]:
    """Every public object of sfa_core, once, with its kind."""
    entries: dict[Any, Entry] = {}
    for module in public_modules():
        reason = not_fuzzed_reason(module.__name__)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            identity = id(obj) if callable(obj) else f"{module.__name__}.{name}"
            if identity in entries:
                continue
            exported = f"{module.__name__}.{name}"
            kind = classify(obj)
            canonical = (
                f"{obj.__module__}.{obj.__qualname__}"
                if kind is not Kind.DATA and str(getattr(obj, "__module__", "")).startswith("sfa_")
                else exported
            )
            if reason is not None or not_fuzzed_reason(exported) or not_fuzzed_reason(canonical):
                kind = Kind.NOT_FUZZED
            if kind is None:
                raise AssertionError(f"{exported} is public but no fuzz kind fits it")
            methods = public_methods(obj) if kind is Kind.CONSTRUCTOR else ()
            entries[identity] = Entry(canonical, exported, obj, kind, methods)
    return tuple(sorted(entries.values(), key=lambda e: e.name))


def modules_without_all() -> list[str]:
    """Public modules that define public callables but have no ``__all__`` to say so."""
    missing = []
    for module in public_modules():
        if hasattr(module, "__all__"):
            continue
        own = [
            name
            for name, value in vars(module).items()
            if not name.startswith("_")
            and callable(value)
            and getattr(value, "__module__", None) == module.__name__
        ]
        if own:
            missing.append(module.__name__)
    return missing


def of_kind(kind: Kind) -> list[Entry]:
    return [e for e in surface() if e.kind is kind]


# --------------------------------------------------------------------------------------
# Valid values, from the annotations: the rest of a call is plausible, so the hostile
# argument is what the code meets first
# --------------------------------------------------------------------------------------

_KEYS = st.sampled_from(["A", "LAPTOP-15", "EU", "EUR", "ACME", "L1", "Q-1", "default"])


@cache
def _public_classes() -> dict[str, type]:
    return {e.obj.__name__: e.obj for e in surface() if isinstance(e.obj, type)}


@cache
def _testing_strategies() -> dict[Any, st.SearchStrategy[Any]]:
    """Each strategy of ``sfa_core.testing.strategies`` by the type it builds."""
    from sfa_core.testing import strategies as sfa_st

    found: dict[Any, st.SearchStrategy[Any]] = {}
    for name in sfa_st.__all__:
        fn = getattr(sfa_st, name)
        if isinstance(fn, type) or not callable(fn):
            continue
        try:
            required = [
                p
                for p in inspect.signature(fn).parameters.values()
                if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ]
            returned = inspect.signature(fn).return_annotation
        except (TypeError, ValueError):
            continue
        # "SearchStrategy[Product]", resolved or not: the class is read by its name.
        match = re.search(r"SearchStrategy\[(?:ForwardRef\(')?(\w+)'?\)?\]$", str(returned))
        built = _public_classes().get(match.group(1)) if match else None
        if required or not isinstance(built, type):
            continue
        found.setdefault(built, fn())
    return found


def _hints(obj: Any) -> dict[str, Any]:
    try:
        target = obj.__init__ if isinstance(obj, type) else obj
        return typing.get_type_hints(target)
    except Exception:
        return {}


def valid_for(annotation: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """A strategy of plausible values of ``annotation`` (``st.nothing()`` if unknown)."""
    from sfa_core.money import Money

    if depth > 3 or annotation is Any or annotation is object:
        return st.nothing()
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return st.one_of([valid_for(a, depth + 1) for a in args])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if annotation is type(None):
        return st.none()
    strategies = _testing_strategies()
    if annotation in strategies:
        return strategies[annotation]
    if annotation is str:
        return _KEYS
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(0, 20)
    if annotation is Decimal:
        return st.decimals("0", "1000", places=2)
    if annotation is dt.date:
        return st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31))
    if annotation is dt.datetime:
        return st.datetimes(timezones=st.just(dt.timezone.utc))
    if annotation is Money:
        return st.decimals("0", "1000", places=2).map(lambda a: Money(a, "EUR"))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from(list(annotation))
    if origin is not None and isinstance(origin, type):
        import collections.abc as abc

        if issubclass(origin, abc.Mapping) and len(args) == 2:
            keys, values = valid_for(args[0], depth + 1), valid_for(args[1], depth + 1)
            if keys.is_empty or values.is_empty:
                return st.just({})
            return st.dictionaries(keys, values, max_size=2)
        if issubclass(origin, tuple) and args and args[-1] is not Ellipsis:
            return st.tuples(*(valid_for(a, depth + 1) for a in args))
        if issubclass(origin, (abc.Iterable,)) and args:
            items = valid_for(args[0], depth + 1)
            return st.just([]) if items.is_empty else st.lists(items, max_size=2)
    if isinstance(annotation, type) and attrs.has(annotation):
        return builds_valid(annotation, depth + 1)
    return st.nothing()


def builds_valid(cls: type, depth: int = 0) -> st.SearchStrategy[Any]:
    """Instances of an attrs class from plausible field values (invalid combinations skipped)."""
    hints = _hints(cls)
    kwargs = {}
    for a in attrs.fields(cls):
        if not a.init:
            continue
        if a.default is not attrs.NOTHING:
            continue
        kwargs[a.alias or a.name] = valid_for(hints.get(a.alias or a.name, Any), depth)

    def make(values: dict[str, Any]) -> Any:
        try:
            return cls(**values)
        except SfaError:
            return None

    return st.fixed_dictionaries(kwargs).map(make).filter(lambda v: v is not None)


def _made_receivers() -> dict[str, st.SearchStrategy[Any]]:
    """Instances of the few classes that no strategy and no annotation can build: a
    compiled rule comes from ``rules.compile``, a configuration model needs options
    that its constraints name."""
    from sfa_core import approvals as ap
    from sfa_core import configure as cf
    from sfa_core import rules

    option = cf.Option(id="a", sku="A")
    model = cf.ConfigurationModel(
        root=cf.Bundle(sku="B", features=[cf.Feature(id="f", options=[option], min_options=1)]),
        attributes=[cf.Attribute(id="colour", values=["black", "red"])],
        constraints=[cf.Requires(id="c1", option="a", needs=["a"])],
    )
    return {
        "CompiledRule": st.sampled_from([{">": [{"var": "a"}, 1]}, {"var": "x"}]).map(
            rules.compile
        ),
        "Expr": st.sampled_from(["a", "quote.net_total"]).map(rules.var),
        "ConfigurationModel": st.just(model),
        "Requires": st.just(cf.Requires(id="c1", option="a", needs=["b"])),
        "Excludes": st.just(cf.Excludes(id="c2", options=("a", "b"))),
        "Compatibility": st.just(
            cf.Compatibility(id="c3", option="a", attribute="colour", values=["red"])
        ),
        "ProductRule": st.just(
            cf.ProductRule(id="r1", kind="alert", condition={"var": "options.a"})
        ),
        # an authority matrix needs an ordered ladder; a policy, rules worth matching
        "AuthorityMatrix": st.just(
            ap.AuthorityMatrix.from_mapping({"rep": (10, 30), "vp": (None, None)})
        ),
        "Policy": st.just(
            ap.AuthorityMatrix.from_mapping(
                {"rep": (10, 30), "manager": (20, 25), "vp": (None, None)}
            ).policy()
        ),
        "ApprovalRule": st.just(
            ap.ApprovalRule(
                id="r1",
                condition={">": [{"var": "max_line_discount"}, 10]},
                approvers=ap.ApproverSpec.manager(),
            )
        ),
        "ApproverSpec": st.sampled_from(
            [
                ap.ApproverSpec.manager(),
                ap.ApproverSpec.user("A"),
                ap.ApproverSpec.group("A", mode="at_least", minimum=2, required=["A"]),
                ap.ApproverSpec.role("A"),
                ap.ApproverSpec.from_field("fields.A"),
            ]
        ),
    }


def receivers_for(cls: type) -> st.SearchStrategy[Any]:
    """Valid instances of a class, to call its methods on (``st.nothing()`` if none)."""
    made = _made_receivers()
    if cls.__name__ in made and cls.__module__.startswith("sfa_core"):
        return made[cls.__name__]
    strategies = _testing_strategies()
    if cls in strategies:
        return strategies[cls]
    if attrs.has(cls):
        return builds_valid(cls)
    params = params_of(cls) or []
    required = {p.name: p.valid for p in params if p.required}
    if any(s.is_empty for s in required.values()):
        return st.nothing()

    def make(values: dict[str, Any]) -> Any:
        try:
            return cls(**values)
        except SfaError:
            return None

    return st.fixed_dictionaries(required).map(make).filter(lambda v: v is not None)


# --------------------------------------------------------------------------------------
# Calls with hostile arguments built from a signature
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    kind: inspect._ParameterKind
    required: bool
    valid: st.SearchStrategy[Any]


def params_of(fn: Any) -> list[Param] | None:
    """The parameters of a callable, each with a strategy of plausible values."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    hints = _hints(fn)
    found = []
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        found.append(Param(p.name, p.kind, p.default is p.empty, valid_for(hints.get(p.name, Any))))
    return found


def hostile_arguments(
    params: list[Param], overrides: Mapping[str, st.SearchStrategy[Any]] | None = None
) -> st.SearchStrategy[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Arguments where at least one parameter is hostile and the rest plausible or default.

    A parameter with no plausible strategy gets a hostile value; an optional one is
    left out unless it is the hostile one or drawn plausible.
    """
    overrides = overrides or {}

    @st.composite
    def build(draw: st.DrawFn) -> tuple[tuple[Any, ...], dict[str, Any]]:
        names = [p.name for p in params]
        bad = (
            set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=2))) if names else set()
        )
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for p in params:
            plausible = overrides.get(p.name, p.valid)
            if p.name in bad:
                value = draw(hostile())
            elif p.required:
                value = draw(st.one_of(plausible, hostile()) if plausible.is_empty else plausible)
            else:
                choice = draw(st.sampled_from(["default", "plausible"]))
                if choice == "default" or plausible.is_empty:
                    continue
                value = draw(plausible)
            if p.kind is inspect.Parameter.POSITIONAL_ONLY:
                args.append(value)
            else:
                kwargs[p.name] = value
        return tuple(args), kwargs

    return build()


def positional_hostile_arguments(
    params: list[Param],
) -> st.SearchStrategy[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Hostile values in positional slots, including too many and too few of them."""
    positional = [
        p
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    return st.lists(hostile(), min_size=len(positional), max_size=len(positional)).map(
        lambda values: (tuple(values), {})
    )


def binding_error(fn: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> bool:
    """Whether the call does not even match the signature (Python's TypeError, not ours)."""
    try:
        inspect.signature(fn).bind(*args, **kwargs)
    except TypeError:
        return True
    except ValueError:
        return False
    return False


# --------------------------------------------------------------------------------------
# Examples per test, scaled to the Hypothesis profile in use
# --------------------------------------------------------------------------------------

#: Share of a test's examples each profile runs: ``ci`` (derandomized, in `make test`)
#: runs the budget that keeps tests/fuzz near a minute and a half on two cores; ``dev``
#: runs a quick half; ``FUZZ_SCALE`` multiplies it for a long local session.
_PROFILE_SCALE = {"ci": 1.0, "dev": 0.5}


def examples(count: int) -> int:
    """``count`` examples scaled to the active profile (at least one)."""
    scale = _PROFILE_SCALE.get(os.environ.get("HYPOTHESIS_PROFILE", "dev"), 1.0)
    with contextlib.suppress(ValueError):
        scale *= float(os.environ.get("FUZZ_SCALE", "1"))
    return max(1, round(count * scale))


from known_escapes import KNOWN_ESCAPES as KNOWN_ESCAPES  # noqa: E402 - long lines kept apart
from known_escapes import KNOWN_HANGS as KNOWN_HANGS  # noqa: E402
