"""Build frozen attrs values from parts that are already valid, without re-validating them.

Pricing builds thousands of result values per quote from inputs that were
validated when they were constructed; running every validator again would
dominate the time. :func:`builder` returns a constructor that sets the slots
directly. Only code that has checked its inputs may use it.

:func:`fast_init` keeps every check of a public constructor but runs the checks
of the defaults once, not on every call: a quote line has sixteen fields and a
checkout line sets three.
"""

from __future__ import annotations

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
    """
    names = [field.name for field in attrs.fields(cls)]  # type: ignore[arg-type]
    setters = [cls.__dict__[name].__set__ for name in names]
    new = object.__new__
    count = len(names)
    namespace: dict[str, Any] = {"new": new, "cls": cls}
    for index, setter in enumerate(setters):
        namespace[f"s{index}"] = setter
    args = ", ".join(f"v{i}" for i in range(count))
    body = "".join(f"    s{i}(o, v{i})\n" for i in range(count))
    source = f"def make({args}):\n    o = new(cls)\n{body}    return o\n"
    exec(source, namespace)
    make: Callable[..., T] = namespace["make"]
    return make


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
    exec(source, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls._attrs_init = cls.__init__  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
