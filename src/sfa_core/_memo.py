"""Values computed once per live object, kept while the object lives.

Frozen values (a price book, a configuration model) are used again and again;
what is derived from them alone can be kept beside them. An
:class:`IdentityMemo` keys by the object's identity and forgets an entry when
the object is freed, so a new object at a reused address never reads an old
entry.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

__all__ = ["IdentityMemo"]


class IdentityMemo(Generic[K, V]):
    """A cache from live objects (by identity) to values derived from them.

    The objects must support weak references (attrs' slotted classes do).

    >>> import attrs
    >>> @attrs.frozen
    ... class Box:
    ...     value: int
    >>> memo: IdentityMemo[Box, int] = IdentityMemo()
    >>> box = Box(2)
    >>> memo.get(box, lambda b: b.value * 10), memo.get(box, lambda b: -1)
    (20, 20)
    >>> del box
    >>> len(memo)
    0
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[K], V]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K, make: Callable[[K], V]) -> V:
        """Return the value kept for ``key``, made by ``make(key)`` the first time.

        Args:
            key: A live object.
            make: Derives the value from the object.

        Returns:
            The value.
        """
        ident = id(key)
        found = self._entries.get(ident)
        if found is not None and found[0]() is key:
            return found[1]
        value = make(key)
        entries = self._entries

        def forget(ref: weakref.ref[K], ident: int = ident) -> None:
            entry = entries.get(ident)
            if entry is not None and entry[0] is ref:
                del entries[ident]

        entries[ident] = (weakref.ref(key, forget), value)
        return value
