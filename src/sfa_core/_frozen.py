"""An immutable, hashable mapping used for the dict-like fields of frozen values."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

__all__ = ["FrozenMap", "freeze_map"]


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A read-only ``dict`` that hashes by content and keeps insertion order.

    >>> m = FrozenMap({"b": 1, "a": 2})
    >>> m["a"], list(m), m == {"b": 1, "a": 2}
    (2, ['b', 'a'], True)
    >>> hash(m) == hash(FrozenMap({"a": 2, "b": 1}))
    True
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        self._data: dict[K, V] = dict(data) if data else {}
        self._hash: int | None = None

    @classmethod
    def wrap(cls, data: dict[K, V]) -> FrozenMap[K, V]:
        """Wrap ``data`` without copying it; the caller must never change it afterwards.

        Args:
            data: A dict nobody else holds.

        Returns:
            The frozen map.

        >>> FrozenMap.wrap({"a": 1})["a"]
        1
        """
        result = object.__new__(cls)
        result._data = data
        result._hash = None
        return result

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: K, default: Any = None) -> Any:
        """Return the value for ``key``, or ``default`` when it is absent."""
        return self._data.get(key, default)

    # The dict's own views: read-only, and iterated without a Python call per item.
    def keys(self) -> KeysView[K]:
        """Return a read-only view of the keys."""
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        """Return a read-only view of the values."""
        return self._data.values()

    def items(self) -> ItemsView[K, V]:
        """Return a read-only view of the ``(key, value)`` pairs."""
        return self._data.items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))


def freeze_map(value: Mapping[Any, Any] | None) -> FrozenMap[Any, Any]:
    """Return ``value`` as a :class:`FrozenMap` (an attrs converter).

    >>> freeze_map({"x": 1})
    {'x': 1}
    """
    if isinstance(value, FrozenMap):
        return value
    return FrozenMap(value) if value else _EMPTY


_EMPTY: FrozenMap[Any, Any] = FrozenMap()  # immutable, so every empty field can share it
