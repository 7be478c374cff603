"""In-memory storage: dicts behind the repository protocols, with real transactions.

Useful for tests, for hosts that keep state elsewhere, and as the reference
behaviour of the protocols. It honours everything the contract suite checks:
optimistic concurrency, not-found and already-exists errors, and atomic
transactions (a block that raises leaves every repository as it was).
Every operation holds one re-entrant lock, so a store is safe to share
between threads.

>>> from sfa_core.catalog import Product
>>> store = MemoryStore()
>>> stored = store.products.add(Product(sku="A-1", name="Widget"))
>>> stored.version
1
>>> try:
...     with store.transaction():
...         _ = store.products.add(Product(sku="B-2", name="Gadget"))
...         raise RuntimeError("payment failed")
... except RuntimeError:
...     pass
>>> [p.sku for p in store.products.list()]
['A-1']
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from sfa_core.adapters._aggregates import (
    CONFIGURATIONS,
    PRICE_BOOKS,
    PRODUCTS,
    QUOTES,
    Aggregate,
    ConfigurationModelMethods,
    PriceBookMethods,
    ProductMethods,
    QuoteMethods,
    Repository,
)
from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import AlreadyExistsError, ConcurrencyError, NotFoundError

if TYPE_CHECKING:
    from sfa_core.configure.model import ConfigurationModel  # noqa: F401 - quoted base class
    from sfa_core.quotes.model import Quote  # noqa: F401 - the quoted base class uses it

__all__ = [
    "MemoryConfigurationModelRepository",
    "MemoryPriceBookRepository",
    "MemoryProductRepository",
    "MemoryQuoteRepository",
    "MemoryStore",
]

T = TypeVar("T")


class _MemoryRepository(Repository[T]):
    """Stores values of one aggregate in a dict, keyed by the aggregate's key."""

    def __init__(self, aggregate: Aggregate[T], lock: threading.RLock) -> None:
        self._aggregate = aggregate
        self._lock = lock
        self._rows: dict[str, T] = {}

    def _get(self, key: str) -> T:
        with self._lock:
            try:
                return self._rows[key]
            except KeyError:
                raise NotFoundError(self._aggregate.kind, key) from None

    def _version(self, key: str) -> int:
        version: int = self._get(key).version  # type: ignore[attr-defined]
        return version

    def _list(self, **filters: Any) -> list[T]:
        wanted = {name: value for name, value in filters.items() if value is not None}
        with self._lock:
            rows = sorted(self._rows.items())
        return [
            value
            for _, value in rows
            if all(getattr(value, name) == expected for name, expected in wanted.items())
        ]

    def _add(self, value: T) -> T:
        key = self._aggregate.key_of(value)
        with self._lock:
            if key in self._rows:
                raise AlreadyExistsError(self._aggregate.kind, key)
            stored = attrs.evolve(value, version=1)  # type: ignore[misc]
            self._rows[key] = stored
            return stored

    def _update(self, value: T) -> T:
        key = self._aggregate.key_of(value)
        expected: int = value.version  # type: ignore[attr-defined]
        with self._lock:
            current = self._get(key)
            actual: int = current.version  # type: ignore[attr-defined]
            if actual != expected:
                raise ConcurrencyError(self._aggregate.kind, key, expected, actual)
            stored = attrs.evolve(value, version=expected + 1)  # type: ignore[misc]
            self._rows[key] = stored
            return stored

    def _delete(self, key: str, expected_version: int) -> None:
        with self._lock:
            actual: int = self._get(key).version  # type: ignore[attr-defined]
            if actual != expected_version:
                raise ConcurrencyError(self._aggregate.kind, key, expected_version, actual)
            del self._rows[key]

    def _snapshot(self) -> dict[str, T]:
        return dict(self._rows)

    def _restore(self, rows: dict[str, T]) -> None:
        self._rows = rows


class MemoryProductRepository(ProductMethods, _MemoryRepository[Product]):
    """:class:`~sfa_core.ports.ProductRepository` kept in memory.

    Get one from :attr:`MemoryStore.products` (it shares the store's lock and
    transactions) rather than building it directly.

    Example:
        >>> from sfa_core.catalog import Product
        >>> products = MemoryStore().products
        >>> products.add(Product(sku="A-1", name="Widget")) == products.get("A-1")
        True
    """


class MemoryPriceBookRepository(PriceBookMethods, _MemoryRepository[PriceBook]):
    """:class:`~sfa_core.ports.PriceBookRepository` kept in memory.

    Get one from :attr:`MemoryStore.price_books` rather than building it directly.

    Example:
        >>> from sfa_core.catalog import PriceBook
        >>> books = MemoryStore().price_books
        >>> books.add(PriceBook(id="EU", currency="EUR")) == books.get("EU")
        True
    """


class MemoryQuoteRepository(QuoteMethods, _MemoryRepository["Quote"]):
    """:class:`~sfa_core.ports.QuoteRepository` kept in memory.

    Get one from :attr:`MemoryStore.quotes` rather than building it directly.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.quotes import Quote
        >>> quotes = MemoryStore().quotes
        >>> quote = Quote(id="Q-1", account="ACME", currency="EUR", price_book="EU",
        ...               quote_date=dt.date(2027, 3, 1))
        >>> quotes.add(quote) == quotes.get("Q-1")
        True
    """


class MemoryConfigurationModelRepository(
    ConfigurationModelMethods, _MemoryRepository["ConfigurationModel"]
):
    """:class:`~sfa_core.ports.ConfigurationModelRepository` kept in memory.

    Get one from :attr:`MemoryStore.configurations` rather than building it directly.

    Example:
        >>> from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option
        >>> models = MemoryStore().configurations
        >>> model = ConfigurationModel(root=Bundle(sku="LAPTOP", features=[
        ...     Feature(id="ram", options=[Option(id="r16", sku="RAM-16")])]))
        >>> models.add(model) == models.get("LAPTOP")
        True
    """


class MemoryStore:
    """All in-memory repositories plus the unit of work that spans them.

    ``with store.transaction():`` takes a snapshot of every repository and puts
    it back if the block raises; nested blocks roll back only their own writes.
    Each store starts empty; its data lives as long as the store.

    Example:
        >>> from sfa_core.catalog import PriceBook, Product
        >>> store = MemoryStore()
        >>> with store.transaction():
        ...     _ = store.products.add(Product(sku="A-1", name="Widget"))
        ...     _ = store.price_books.add(PriceBook(id="EU", currency="EUR"))
        >>> len(store.products.list()), len(store.price_books.list())
        (1, 1)
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._products = MemoryProductRepository(PRODUCTS, self._lock)
        self._price_books = MemoryPriceBookRepository(PRICE_BOOKS, self._lock)
        self._quotes = MemoryQuoteRepository(QUOTES, self._lock)
        self._configurations = MemoryConfigurationModelRepository(CONFIGURATIONS, self._lock)
        self._repositories: tuple[_MemoryRepository[Any], ...] = (
            self._products,
            self._price_books,
            self._quotes,
            self._configurations,
        )

    @property
    def products(self) -> MemoryProductRepository:
        """The product repository.

        Example:
            >>> from sfa_core.ports import ProductRepository
            >>> isinstance(MemoryStore().products, ProductRepository)
            True
        """
        return self._products

    @property
    def price_books(self) -> MemoryPriceBookRepository:
        """The price book repository.

        Example:
            >>> from sfa_core.ports import PriceBookRepository
            >>> isinstance(MemoryStore().price_books, PriceBookRepository)
            True
        """
        return self._price_books

    @property
    def quotes(self) -> MemoryQuoteRepository:
        """The quote repository.

        Example:
            >>> from sfa_core.ports import QuoteRepository
            >>> isinstance(MemoryStore().quotes, QuoteRepository)
            True
        """
        return self._quotes

    @property
    def configurations(self) -> MemoryConfigurationModelRepository:
        """The configuration model repository.

        Example:
            >>> from sfa_core.ports import ConfigurationModelRepository
            >>> isinstance(MemoryStore().configurations, ConfigurationModelRepository)
            True
        """
        return self._configurations

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes of the block atomic (see the class docstring).

        The block holds the store's lock, so other threads wait until it ends.

        Returns:
            A context manager: on normal exit the writes stay; if the block
            raises, every repository goes back to how it was when the block
            began, and the exception propagates.

        Example:
            >>> from sfa_core.catalog import Product
            >>> store = MemoryStore()
            >>> with store.transaction():
            ...     _ = store.products.add(Product(sku="OUTER", name="kept"))
            ...     try:
            ...         with store.transaction():
            ...             _ = store.products.add(Product(sku="INNER", name="undone"))
            ...             raise RuntimeError("inner failure")
            ...     except RuntimeError:
            ...         pass
            >>> [p.sku for p in store.products.list()]
            ['OUTER']
        """
        with self._lock:
            snapshots = [repo._snapshot() for repo in self._repositories]
            try:
                yield
            except BaseException:
                for repo, rows in zip(self._repositories, snapshots, strict=True):
                    repo._restore(rows)
                raise

    def close(self) -> None:
        """Do nothing: there is nothing to release (present for symmetry with SQLite).

        The store stays usable afterwards.

        Example:
            >>> store = MemoryStore()
            >>> store.close()
            >>> store.products.list()
            []
        """
