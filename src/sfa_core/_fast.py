"""Build frozen attrs values from parts that are already valid, without re-validating them.

Pricing builds thousands of result values per quote from inputs that were
validated when they were constructed; running every validator again would
dominate the time. :func:`builder` returns a constructor that sets the slots
directly. It is the one way the package builds a value without its checks, and
only code that has checked its inputs may use it.

:func:`fast_init` keeps every check of a public constructor but runs the checks
of the defaults once, not on every call: a quote line has sixteen fields and a
checkout line sets three.

Both write Python source and compile it. As attrs does, the source is entered in
:mod:`linecache` under a name of its own (``<sfa_core generated make
sfa_core.money.Money>``), so tracebacks, debuggers and profilers show its lines.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs

from sfa_core._frozen import FrozenMap

T = TypeVar("T")

__all__ = ["builder", "fast_init"]


def builder(cls: type[T]) -> Callable[..., T]:
    """Return ``make(*values) -> cls`` that fills the fields positionally, unchecked.

    Args:
        cls: A slotted attrs class.

    Returns:
        A function taking one value per field, in field order.

    >>> @attrs.frozen
    ... class Pair:
    ...     a: int = attrs.field(validator=attrs.validators.gt(0))
    ...     b: int
    >>> make = builder(Pair)
    >>> make(1, 2) == Pair(1, 2)
    True
    >>> make(-1, 2)  # no check runs: the caller vouches for the values
    Pair(a=-1, b=2)
    """
    names = [field.name for field in attrs.fields(cls)]  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    for index, name in enumerate(names):
        namespace[f"s{index}"] = cls.__dict__[name].__set__
    args = ", ".join(f"v{i}" for i in range(len(names)))
    body = "".join(f"    s{i}(o, v{i})  # {name}\n" for i, name in enumerate(names))
    source = f"def make({args}):\n    o = new(cls)\n{body}    return o\n"
    make: Callable[..., T] = _compile(source, "make", cls, namespace)
    return make


def _compile(source: str, name: str, cls: type, namespace: dict[str, Any]) -> Any:
    r"""Compile ``source`` in ``namespace`` and return the function ``name`` it defines.

    The source is entered in :mod:`linecache` under a file name of its own, as
    attrs' ``_linecache_and_compile`` does, so the function's frames show its
    lines in tracebacks. A second class of the same name gets ``...-1>``,
    ``...-2>``: an entry is never overwritten with other source.

    Args:
        source: Python source defining the function ``name``.
        name: The function's name.
        cls: The class it is made for (it names the file).
        namespace: The function's globals.

    Returns:
        The function.

    >>> f = _compile("def double(x):\n    return 2 * x\n", "double", int, {})
    >>> f(21), f.__code__.co_filename
    (42, '<sfa_core generated double builtins.int>')
    >>> import linecache
    >>> linecache.getline(f.__code__.co_filename, 2)
    '    return 2 * x\n'
    """
    base = f"<sfa_core generated {name} {cls.__module__}.{cls.__qualname__}>"
    filename = base
    lines = source.splitlines(True)
    count = 1
    while True:
        entry = (len(source), None, lines, filename)
        if linecache.cache.setdefault(filename, entry) == entry:
            break
        filename = f"{base[:-1]}-{count}>"
        count += 1
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


# Values a default may convert to and still be shared by every instance.
_SHAREABLE = (type(None), bool, int, str, Decimal, tuple, frozenset, FrozenMap, date, Enum)


def fast_init(cls: type[T]) -> type[T]:
    """Give a frozen attrs class an ``__init__`` that trusts arguments left at their default.

    attrs runs every converter and validator on every call, defaults included.
    The ``__init__`` made here converts and validates each default once, when the
    class is decorated, and then only the arguments a caller passes; the rest is
    what attrs does: all conversions, then every attribute set, then the
    validators in field order, then ``__attrs_post_init__``. It suits value
    classes built often with many optional fields left out (quote lines). Every
    default must convert to an immutable value, which all instances then share,
    and a validator must judge its own value only: a check across fields belongs
    in ``__attrs_post_init__``, which always runs.

    Args:
        cls: A slotted attrs class whose fields are all ``init=True``.

    Returns:
        ``cls``, with the new ``__init__`` (attrs' own stays as ``_attrs_init``).

    Raises:
        TypeError: A field is not in ``__init__``, a default takes ``self``, or a
            default converts to a mutable value.

    >>> @fast_init
    ... @attrs.frozen
    ... class Item:
    ...     sku: str = attrs.field(validator=attrs.validators.instance_of(str))
    ...     count: int = attrs.field(default=1, converter=int)
    >>> Item("A"), Item("B", "3")
    (Item(sku='A', count=1), Item(sku='B', count=3))
    """
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"cls": cls}
    positional: list[str] = []
    keyword: list[str] = []
    converts: list[str] = []
    sets: list[str] = []
    checks: list[str] = []
    for index, field in enumerate(fields):
        if not field.init:
            raise TypeError(f"{cls.__name__}.{field.name} is not an __init__ argument")
        name = field.alias
        converter = field.converter
        validator = field.validator
        namespace[f"s{index}"] = cls.__dict__[field.name].__set__
        namespace[f"a{index}"] = field
        namespace[f"c{index}"] = converter
        namespace[f"v{index}"] = validator
        if field.default is attrs.NOTHING:
            param = name
            if converter is not None:
                converts.append(f"    {name} = c{index}({name})")
            if validator is not None:
                checks.append(f"    v{index}(self, a{index}, {name})")
        else:
            default = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                if default.takes_self:
                    raise TypeError(f"{cls.__name__}.{field.name}: a default takes self")
                default = default.factory()
            done = converter(default) if converter is not None else default
            if not isinstance(done, _SHAREABLE) or not isinstance(default, _SHAREABLE):
                raise TypeError(f"{cls.__name__}.{field.name}: a mutable default")
            namespace[f"d{index}"] = default
            namespace[f"e{index}"] = done
            param = f"{name}=d{index}"
            if converter is not None:
                convert = f"c{index}({name})"
                converts.append(f"    {name} = e{index} if {name} is d{index} else {convert}")
            if validator is not None:
                checks.append(f"    if {name} is not e{index}:")
                checks.append(f"        v{index}(self, a{index}, {name})")
        (keyword if field.kw_only else positional).append(param)
        sets.append(f"    s{index}(self, {name})")
    params = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    body = [*converts, *sets, *checks]
    if hasattr(cls, "__attrs_post_init__"):
        body.append("    self.__attrs_post_init__()")
    source = f"def __init__({params}):\n" + "\n".join(body) + "\n"
    init = _compile(source, "__init__", cls, namespace)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls._attrs_init = cls.__init__  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
