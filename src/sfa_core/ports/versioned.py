"""The one generic protocol every repository extends, and the value it stores.

A host that keeps every aggregate the same way (one table of documents, one
collection) writes one generic class against :class:`VersionedRepository` and
instantiates it per aggregate; it type-checks under ``mypy --strict`` with no
ignores, because what it needs of a value (its ``version``) is the
:class:`Versioned` protocol.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, runtime_checkable

import attrs

from sfa_core._validate import MAX_VERSION
from sfa_core.errors import ValidationError

__all__ = ["V", "Versioned", "VersionedRepository", "with_version"]


@runtime_checkable
class Versioned(Protocol):
    """A stored value: it carries its storage version (``0`` = never stored).

    Every value a repository stores is a frozen attrs class with an integer
    ``version`` field; a repository returns it with the stored version
    (``attrs.evolve(value, version=n)``).

    Example:
        >>> from sfa_core.catalog import Product
        >>> isinstance(Product(sku="A-1", name="Widget"), Versioned)
        True
    """

    @property
    def version(self) -> int:
        """The storage version, 0 before the first ``add``, then 1, 2, ..."""
        ...


V = TypeVar("V", bound=Versioned)


def with_version(value: V, version: int) -> V:
    """Return a copy of a stored value carrying ``version``: what ``add`` and ``update`` return.

    A generic repository types its values as ``V`` (bound to :class:`Versioned`),
    which a type checker cannot pass to :func:`attrs.evolve`; this does it, typed.

    Args:
        value: A frozen attrs value with a ``version`` field.
        version: The storage version to give it.

    Returns:
        The copy (validated like any new value).

    Raises:
        ValidationError: ``value`` is not an attrs value with a ``version`` field
            (path ``value``), or ``version`` is not an int from 0 to 2**63 - 1, the
            range a database integer holds (path ``version``).

    >>> from sfa_core.catalog import Product
    >>> with_version(Product(sku="A-1", name="Widget"), 3).version
    3
    """
    cls = value.__class__
    if cls not in _VERSIONED_CLASSES:
        _require_versioned(value)
    if version.__class__ is not int or not 0 <= version <= MAX_VERSION:
        raise ValidationError("must be an int from 0 to 2**63 - 1", path="version", value=version)
    changed: Any = attrs.evolve(value, version=version)  # type: ignore[misc]
    result: V = changed
    return result


#: The highest storage version: what a signed 64-bit database integer holds.

#: Classes already found to be attrs classes with a ``version`` field (bounded).
_VERSIONED_CLASSES: set[type] = set()
_VERSIONED_CLASSES_MAX = 1024


def _require_versioned(value: object) -> None:
    cls = value.__class__
    if not attrs.has(cls) or "version" not in attrs.fields_dict(cls):
        raise ValidationError(
            "must be a stored value: an attrs instance with a version field",
            path="value",
            value=value,
        )
    if len(_VERSIONED_CLASSES) >= _VERSIONED_CLASSES_MAX:
        _VERSIONED_CLASSES.clear()
    _VERSIONED_CLASSES.add(cls)


@runtime_checkable
class VersionedRepository(Protocol[V]):
    """Stores versioned values by key: get, list, add, update with the expected version, delete.

    Every aggregate's protocol (:class:`~sfa_core.ports.ProductRepository`,
    :class:`~sfa_core.ports.QuoteRepository`, ...) extends this one with its
    own key name and its queries. The rules:

    * ``get`` returns the value as last stored, with its current version; an
      unknown key raises :class:`~sfa_core.errors.NotFoundError`.
    * ``add`` stores a new value and returns it with ``version == 1``; a taken
      key raises :class:`~sfa_core.errors.AlreadyExistsError`.
    * ``update`` takes the value carrying the version it was read at. If the
      stored version moved on, it raises
      :class:`~sfa_core.errors.ConcurrencyError` and changes nothing;
      otherwise it stores the value with the version incremented.
    * ``delete`` takes the expected version the same way.
    * A failed write changes nothing.

    Parameters are positional-only here, so an aggregate's protocol may name
    its key (``sku``, ``quote_id``) as it likes.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.catalog import Product
        >>> products: VersionedRepository[Product] = MemoryStore().products
        >>> isinstance(products, VersionedRepository)
        True
        >>> products.add(Product(sku="A-1", name="Widget")).version
        1
    """

    def get(self, key: str, /) -> V:
        """Return the stored value ``key``.

        Args:
            key: The value's key.

        Returns:
            The value as last stored, with its current ``version``.

        Raises:
            NotFoundError: Nothing is stored under ``key``.
        """
        ...

    def list(self) -> list[V]:
        """Return every stored value, sorted by key.

        Returns:
            A new list, in ascending string order of the keys.
        """
        ...

    def add(self, value: V, /) -> V:
        """Store a new value.

        Args:
            value: The value; its ``version`` is ignored.

        Returns:
            The stored value, with ``version == 1``.

        Raises:
            AlreadyExistsError: The key is taken; the stored value is unchanged.
        """
        ...

    def update(self, value: V, /) -> V:
        """Replace the stored value, if its stored version is ``value.version``.

        Args:
            value: The new value, carrying the version it was read at.

        Returns:
            The stored value, with ``version`` one higher.

        Raises:
            NotFoundError: Nothing is stored under the value's key.
            ConcurrencyError: The stored version differs; nothing changes.
        """
        ...

    def delete(self, key: str, /, *, expected_version: int) -> None:
        """Delete the value ``key`` if its stored version is ``expected_version``.

        Args:
            key: The value's key.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: Nothing is stored under ``key``.
            ConcurrencyError: The stored version differs; nothing is deleted.
        """
        ...
