"""Build frozen attrs values from parts that are already valid, without re-validating them.

Pricing builds thousands of result values per quote from inputs that were
validated when they were constructed; running every validator again would
dominate the time. :func:`builder` returns a constructor that sets the slots
directly. Only code that has checked its inputs may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

T = TypeVar("T")

__all__ = ["builder"]


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
