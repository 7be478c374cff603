"""The :class:`SalesEngine` facade: load through the ports, call the core, save, return.

No business rule lives here: each method is a short script over the pure core
and the repositories. A host that wants no storage calls the core directly.

>>> from sfa_core import Money, SalesEngine
>>> from sfa_core.catalog import Product, PriceBook
>>> engine = SalesEngine.in_memory()
>>> engine.add_product(Product(sku="LAPTOP-15", name="Laptop 15", family="hardware"))
Product(sku='LAPTOP-15', name='Laptop 15', family='hardware', ...version=1)
>>> _ = engine.add_price_book(PriceBook(id="EU-2027", currency="EUR"))
>>> engine.set_price("EU-2027", "LAPTOP-15", Money("1199.00", "EUR")).version
2
>>> engine.list_price("EU-2027", "LAPTOP-15")
Money(amount=Decimal('1199.00'), currency='EUR')
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

from sfa_core._engine_configure import ConfigureOperations
from sfa_core._engine_quotes import PricingSetup, QuoteOperations, _new_quote_id
from sfa_core._validate import require_day
from sfa_core.catalog import PriceBook, Product
from sfa_core.clock import SystemClock
from sfa_core.errors import ValidationError
from sfa_core.money import Money
from sfa_core.ports import (
    Clock,
    ConfigurationModelRepository,
    PriceBookRepository,
    ProductRepository,
    QuoteRepository,
    UnitOfWork,
)

__all__ = ["SalesEngine"]

T = TypeVar("T")


def _require(value: Any, kind: type[T], name: str) -> T:
    if not isinstance(value, kind):
        raise ValidationError(f"must be a {kind.__name__}", path=name, value=value)
    return value


def _require_optional_bool(value: Any, name: str) -> None:
    if value is not None and not isinstance(value, bool):
        raise ValidationError("must be True, False or None", path=name, value=value)


class SalesEngine(QuoteOperations, ConfigureOperations):
    """The facade hosts call: the catalog, quotes and their pricing, product configuration.

    Args:
        products: Where products are stored.
        price_books: Where price books are stored.
        quotes: Where quotes are stored (quote methods need it).
        configurations: Where configuration models are stored (configuration
            methods need it).
        clock: Where "today" comes from (defaults to the UTC system clock).
        unit_of_work: Makes multi-write operations atomic; without one, each
            single write is atomic on its own.
        new_id: Makes quote ids when none is given (``Q-`` and 12 hex digits).

    Use :meth:`in_memory` or :meth:`sqlite` for the shipped storage, or pass
    your own repositories (prove them with :mod:`sfa_core.testing.contracts`).

    >>> from sfa_core.adapters.memory import MemoryStore
    >>> store = MemoryStore()
    >>> engine = SalesEngine(products=store.products, price_books=store.price_books,
    ...                      unit_of_work=store)
    >>> engine.add_product(Product(sku="A-1", name="Widget")).version
    1
    """

    def __init__(
        self,
        *,
        products: ProductRepository,
        price_books: PriceBookRepository,
        quotes: QuoteRepository | None = None,
        configurations: ConfigurationModelRepository | None = None,
        clock: Clock | None = None,
        unit_of_work: UnitOfWork | None = None,
        new_id: Callable[[], str] | None = None,
    ) -> None:
        self._products = products
        self._price_books = price_books
        self._quotes = quotes
        self._configurations = configurations
        self._model_cache = {}
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._uow = unit_of_work
        self._closer: Any = None
        self._pricing = PricingSetup()
        self._new_id = new_id if new_id is not None else _new_quote_id

    @classmethod
    def from_store(cls, store: UnitOfWork, *, clock: Clock | None = None) -> SalesEngine:
        """Build an engine on a store that provides the repositories and transactions.

        Args:
            store: A :class:`~sfa_core.ports.UnitOfWork` such as the shipped stores.
            clock: Optional clock.

        Returns:
            The engine; :meth:`close` closes the store too.

        >>> from sfa_core.adapters.sqlite import SqliteStore
        >>> with SalesEngine.from_store(SqliteStore(":memory:")) as engine:
        ...     engine.list_products()
        []
        """
        engine = cls(
            products=store.products,
            price_books=store.price_books,
            quotes=store.quotes,
            configurations=store.configurations,
            clock=clock,
            unit_of_work=store,
        )
        engine._closer = getattr(store, "close", None)
        return engine

    @classmethod
    def in_memory(cls, *, clock: Clock | None = None) -> SalesEngine:
        """Build an engine on fresh in-memory storage.

        Args:
            clock: Optional clock.

        Returns:
            The engine.

        >>> SalesEngine.in_memory().list_products()
        []
        """
        from sfa_core.adapters.memory import MemoryStore

        return cls.from_store(MemoryStore(), clock=clock)

    @classmethod
    def sqlite(cls, path: str | os.PathLike[str], *, clock: Clock | None = None) -> SalesEngine:
        """Build an engine on a SQLite database file (created and migrated as needed).

        Args:
            path: The database file, or ``":memory:"``.
            clock: Optional clock.

        Returns:
            The engine; call :meth:`close` (or use it as a context manager) when done.

        >>> with SalesEngine.sqlite(":memory:") as engine:
        ...     engine.list_price_books()
        []
        """
        from sfa_core.adapters.sqlite import SqliteStore

        return cls.from_store(SqliteStore(path), clock=clock)

    def __enter__(self) -> SalesEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the storage (closes the SQLite connection of :meth:`sqlite`).

        Closing twice is harmless.

        >>> engine = SalesEngine.sqlite(":memory:")
        >>> engine.close()
        >>> engine.close()
        """
        if self._closer is not None:
            self._closer()
            self._closer = None

    @property
    def clock(self) -> Clock:
        """The clock the engine reads "today" from.

        >>> import datetime as dt
        >>> from sfa_core.clock import FixedClock
        >>> noon = FixedClock(dt.datetime(2027, 3, 1, 12, tzinfo=dt.timezone.utc))
        >>> SalesEngine.in_memory(clock=noon).clock.today()
        datetime.date(2027, 3, 1)
        """
        return self._clock

    def _transaction(self) -> AbstractContextManager[None]:
        return self._uow.transaction() if self._uow is not None else nullcontext()

    # -- products ---------------------------------------------------------------------------

    def add_product(self, product: Product) -> Product:
        """Store a new product.

        Args:
            product: The product.

        Returns:
            The stored product (``version == 1``).

        Raises:
            ValidationError: ``product`` is not a :class:`~sfa_core.catalog.Product`.
            AlreadyExistsError: The SKU is taken.

        >>> engine = SalesEngine.in_memory()
        >>> engine.add_product(Product(sku="A-1", name="Widget")).version
        1
        >>> engine.add_product(Product(sku="A-1", name="Again"))
        Traceback (most recent call last):
        ...
        sfa_core.errors.AlreadyExistsError: product 'A-1' already exists
        """
        return self._products.add(_require(product, Product, "product"))

    def add_products(self, products: Iterable[Product]) -> list[Product]:
        """Store several new products atomically: all of them, or none if one fails.

        Args:
            products: The products.

        Returns:
            The stored products, in the order given.

        Raises:
            ValidationError: An item is not a product (path ``products[i]``).
            AlreadyExistsError: A SKU is taken; nothing is stored.

        >>> engine = SalesEngine.in_memory()
        >>> [p.sku for p in engine.add_products([Product(sku="A", name="a"),
        ...                                      Product(sku="B", name="b")])]
        ['A', 'B']
        """
        items = [_require(p, Product, f"products[{i}]") for i, p in enumerate(products)]
        with self._transaction():
            return [self._products.add(p) for p in items]

    def update_product(self, product: Product) -> Product:
        """Replace a stored product; ``product.version`` must be the stored version.

        Args:
            product: The changed product, carrying the version it was read at.

        Returns:
            The stored product at the next version.

        Raises:
            ValidationError: ``product`` is not a product.
            NotFoundError: No product has that SKU.
            ConcurrencyError: Someone else updated it since it was read; nothing changes.

        >>> import attrs
        >>> engine = SalesEngine.in_memory()
        >>> stored = engine.add_product(Product(sku="A-1", name="Widget"))
        >>> engine.update_product(attrs.evolve(stored, name="Widget v2")).version
        2
        """
        return self._products.update(_require(product, Product, "product"))

    def get_product(self, sku: str) -> Product:
        """Return the stored product ``sku``.

        Args:
            sku: The product's SKU.

        Returns:
            The product.

        Raises:
            ValidationError: ``sku`` is not a string.
            NotFoundError: No product has that SKU.

        >>> SalesEngine.in_memory().get_product("NOPE")
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: product 'NOPE' not found
        """
        return self._products.get(_require(sku, str, "sku"))

    def list_products(
        self, *, family: str | None = None, active: bool | None = None
    ) -> list[Product]:
        """Return the stored products sorted by SKU, optionally by family and active flag.

        Args:
            family: Only this family, when given.
            active: Only active (``True``) or inactive (``False``) products, when given.

        Returns:
            The products.

        Raises:
            ValidationError: A filter has the wrong type.

        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.add_products([Product(sku="B", name="b", family="hardware"),
        ...                          Product(sku="A", name="a", family="software")])
        >>> [p.sku for p in engine.list_products()], [p.sku for p in engine.list_products(
        ...     family="hardware")]
        (['A', 'B'], ['B'])
        """
        if family is not None:
            _require(family, str, "family")
        _require_optional_bool(active, "active")
        return self._products.list(family=family, active=active)

    # -- price books ------------------------------------------------------------------------

    def add_price_book(self, price_book: PriceBook) -> PriceBook:
        """Store a new price book; every SKU it prices must be a stored product.

        Args:
            price_book: The price book.

        Returns:
            The stored price book (``version == 1``).

        Raises:
            ValidationError: Not a price book.
            NotFoundError: An entry names an unknown SKU; nothing is stored.
            AlreadyExistsError: The id is taken.

        >>> engine = SalesEngine.in_memory()
        >>> engine.add_price_book(PriceBook(id="EU", currency="EUR",
        ...                                 entries={"GHOST": Money("1", "EUR")}))
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: product 'GHOST' not found
        """
        book = _require(price_book, PriceBook, "price_book")
        with self._transaction():
            self._require_products(book)
            return self._price_books.add(book)

    def update_price_book(self, price_book: PriceBook) -> PriceBook:
        """Replace a stored price book; ``price_book.version`` must be the stored version.

        Args:
            price_book: The changed price book, carrying the version it was read at.

        Returns:
            The stored price book at the next version.

        Raises:
            ValidationError: Not a price book.
            NotFoundError: Unknown price book, or an entry names an unknown SKU.
            ConcurrencyError: Someone else updated it since it was read; nothing changes.

        >>> import attrs
        >>> engine = SalesEngine.in_memory()
        >>> book = engine.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> engine.update_price_book(attrs.evolve(book, name="Europe")).name
        'Europe'
        """
        book = _require(price_book, PriceBook, "price_book")
        with self._transaction():
            self._require_products(book)
            return self._price_books.update(book)

    def _require_products(self, book: PriceBook) -> None:
        for sku in book.entries:
            self._products.get(sku)

    def get_price_book(self, price_book_id: str) -> PriceBook:
        """Return the stored price book.

        Args:
            price_book_id: The price book's id.

        Returns:
            The price book.

        Raises:
            ValidationError: ``price_book_id`` is not a string.
            NotFoundError: No price book has that id.

        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> engine.get_price_book("EU").currency
        'EUR'
        """
        return self._price_books.get(_require(price_book_id, str, "price_book_id"))

    def list_price_books(
        self, *, currency: str | None = None, active: bool | None = None
    ) -> list[PriceBook]:
        """Return the stored price books sorted by id, optionally filtered.

        Args:
            currency: Only price books in this currency, when given.
            active: Only active or inactive price books, when given.

        Returns:
            The price books.

        Raises:
            ValidationError: A filter has the wrong type.

        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.add_price_book(PriceBook(id="US", currency="USD"))
        >>> _ = engine.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> [b.id for b in engine.list_price_books()], [b.id for b in engine.list_price_books(
        ...     currency="USD")]
        (['EU', 'US'], ['US'])
        """
        if currency is not None:
            _require(currency, str, "currency")
        _require_optional_bool(active, "active")
        return self._price_books.list(currency=currency, active=active)

    def set_price(self, price_book_id: str, sku: str, price: Money) -> PriceBook:
        """Set the unit list price of a stored product in a stored price book.

        Args:
            price_book_id: The price book.
            sku: The product; it must be stored.
            price: The unit price, in the price book's currency.

        Returns:
            The updated price book.

        Raises:
            NotFoundError: Unknown price book or product.
            CurrencyMismatchError: ``price`` is not in the price book's currency.
            ConcurrencyError: The price book changed while this ran.

        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.add_product(Product(sku="A-1", name="Widget"))
        >>> _ = engine.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> engine.set_price("EU", "A-1", Money("9.90", "EUR")).entries["A-1"]
        Money(amount=Decimal('9.90'), currency='EUR')
        """
        _require(price, Money, "price")
        with self._transaction():
            self.get_product(sku)
            book = self.get_price_book(price_book_id)
            return self._price_books.update(book.with_price(sku, price))

    def list_price(self, price_book_id: str, sku: str, *, on: _dt.date | None = None) -> Money:
        """Return the unit list price of an active product in a price book valid on a day.

        Args:
            price_book_id: The price book.
            sku: The product.
            on: The pricing date; defaults to the clock's today.

        Returns:
            The unit list price.

        Raises:
            NotFoundError: Unknown price book, product, or no entry for the product.
            ValidationError: The product is inactive, or the price book is inactive
                or not valid on that day, or ``on`` is not a date.

        >>> import datetime as dt
        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.add_product(Product(sku="A-1", name="Widget"))
        >>> _ = engine.add_price_book(PriceBook(id="EU", currency="EUR",
        ...                                     valid_until=dt.date(2027, 12, 31)))
        >>> _ = engine.set_price("EU", "A-1", Money("9.90", "EUR"))
        >>> engine.list_price("EU", "A-1", on=dt.date(2027, 6, 1))
        Money(amount=Decimal('9.90'), currency='EUR')
        """
        day = self._clock.today() if on is None else require_day(on, "on")
        product = self.get_product(sku)
        if not product.active:
            raise ValidationError(f"product {sku!r} is inactive", path="active", value=False)
        return self.get_price_book(price_book_id).price_for(sku, on=day)
