"""The catalog service: products and price books, stored and checked.

>>> from sfa_core import Money, SalesEngine
>>> from sfa_core.catalog import Product, PriceBook
>>> catalog = SalesEngine.in_memory().catalog
>>> catalog.add_product(Product(sku="LAPTOP-15", name="Laptop 15", family="hardware"))
Product(sku='LAPTOP-15', name='Laptop 15', family='hardware', ...version=1)
>>> _ = catalog.add_price_book(PriceBook(id="EU-2027", currency="EUR"))
>>> catalog.set_price("EU-2027", "LAPTOP-15", Money("1199.00", "EUR")).version
2
>>> catalog.list_price("EU-2027", "LAPTOP-15")
Money(amount=Decimal('1199.00'), currency='EUR')
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from sfa_core._validate import require_day, require_items, require_key
from sfa_core.catalog import PriceBook, Product, load_chain, require_sellable
from sfa_core.engine._support import Transactions, require, require_optional_bool
from sfa_core.errors import NotFoundError, ValidationError
from sfa_core.money import Money
from sfa_core.ports import Clock, PriceBookRepository, ProductRepository

__all__ = ["CatalogService"]


class CatalogService:
    """Products and price books: ``engine.catalog``.

    Args:
        products: Where products are stored.
        price_books: Where price books are stored.
        clock: Where "today" comes from (the default pricing date).
        transactions: The store's transactions.

    >>> from sfa_core.adapters.memory import MemoryStore
    >>> from sfa_core.clock import SystemClock
    >>> store = MemoryStore()
    >>> catalog = CatalogService(store.products, store.price_books, SystemClock(),
    ...                          Transactions(store))
    >>> catalog.add_product(Product(sku="A-1", name="Widget")).version
    1
    """

    def __init__(
        self,
        products: ProductRepository,
        price_books: PriceBookRepository,
        clock: Clock,
        transactions: Transactions,
    ) -> None:
        self._products = products
        self._price_books = price_books
        self._clock = clock
        self._transactions = transactions

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

        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> catalog.add_product(Product(sku="A-1", name="Widget")).version
        1
        >>> catalog.add_product(Product(sku="A-1", name="Again"))
        Traceback (most recent call last):
        ...
        sfa_core.errors.AlreadyExistsError: product 'A-1' already exists
        """
        return self._products.add(require(product, Product, "product"))

    def add_products(self, products: Iterable[Product]) -> list[Product]:
        """Store several new products atomically: all of them, or none if one fails.

        Args:
            products: The products.

        Returns:
            The stored products, in the order given.

        Raises:
            ValidationError: Not a collection, or an item is not a product (path
                ``products[i]``).
            AlreadyExistsError: A SKU is taken; nothing is stored.

        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> [p.sku for p in catalog.add_products([Product(sku="A", name="a"),
        ...                                      Product(sku="B", name="b")])]
        ['A', 'B']
        """
        items = [
            require(p, Product, f"products[{i}]")
            for i, p in enumerate(require_items(products, "products"))
        ]
        with self._transactions.transaction():
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
        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> stored = catalog.add_product(Product(sku="A-1", name="Widget"))
        >>> catalog.update_product(attrs.evolve(stored, name="Widget v2")).version
        2
        """
        return self._products.update(require(product, Product, "product"))

    def get_product(self, sku: str) -> Product:
        """Return the stored product ``sku``.

        Args:
            sku: The product's SKU.

        Returns:
            The product.

        Raises:
            ValidationError: ``sku`` is not a string.
            NotFoundError: No product has that SKU.

        >>> from sfa_core import SalesEngine
        >>> SalesEngine.in_memory().catalog.get_product("NOPE")
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: product 'NOPE' not found
        """
        return self._products.get(require(sku, str, "sku"))

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

        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> _ = catalog.add_products([Product(sku="B", name="b", family="hardware"),
        ...                          Product(sku="A", name="a", family="software")])
        >>> [p.sku for p in catalog.list_products()], [p.sku for p in catalog.list_products(
        ...     family="hardware")]
        (['A', 'B'], ['B'])
        """
        if family is not None:
            require(family, str, "family")
        require_optional_bool(active, "active")
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

        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> catalog.add_price_book(PriceBook(id="EU", currency="EUR",
        ...                                 entries={"GHOST": Money("1", "EUR")}))
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: product 'GHOST' not found
        """
        book = require(price_book, PriceBook, "price_book")
        with self._transactions.transaction():
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
        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> book = catalog.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> catalog.update_price_book(attrs.evolve(book, name="Europe")).name
        'Europe'
        """
        book = require(price_book, PriceBook, "price_book")
        with self._transactions.transaction():
            self._require_products(book)
            return self._price_books.update(book)

    def _require_products(self, book: PriceBook) -> None:
        for sku in book.entries:
            self._products.get(sku)

    def require_sellable(self, sku: str, path: str) -> Product:
        """Return the stored product ``sku`` if it may go on a quote (stored and active).

        Args:
            sku: The SKU.
            path: Where it came from, for the error (``"lines[2].sku"``).

        Returns:
            The product.

        Raises:
            ValidationError: No product has this SKU, or it is inactive.

        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> _ = catalog.add_product(Product(sku="OLD", name="Old", active=False))
        >>> catalog.require_sellable("OLD", "sku")
        Traceback (most recent call last):
        ...
        sfa_core.errors.ValidationError: sku: the product is inactive (got 'OLD')
        """
        return require_sellable(self._products.get, sku, path)

    def products_for(self, skus: Iterable[str]) -> dict[str, Product]:
        """Return the stored products of ``skus`` by SKU, skipping SKUs that are not stored.

        Pricing names a line whose product is missing; this only loads.

        Args:
            skus: The SKUs (repeats are read once).

        Returns:
            The products found.

        Raises:
            ValidationError: Not a collection of SKUs, or an item is not a SKU.

        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> _ = catalog.add_product(Product(sku="A", name="a"))
        >>> sorted(catalog.products_for(["A", "A", "GHOST"]))
        ['A']
        """
        products: dict[str, Product] = {}
        for index, sku in enumerate(require_items(skus, "skus")):
            if require_key(sku, f"skus[{index}]") not in products:
                try:
                    products[sku] = self._products.get(sku)
                except NotFoundError:
                    continue
        return products

    def price_book_chain(self, price_book_id: str) -> list[PriceBook]:
        """Load a stored price book and the books it derives from, nearest first.

        Args:
            price_book_id: The price book.

        Returns:
            The books (see :func:`~sfa_core.catalog.load_chain`).

        Raises:
            NotFoundError: No such price book.

        >>> from sfa_core.catalog import Derivation
        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> _ = catalog.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> _ = catalog.add_price_book(PriceBook(id="EU-P", currency="EUR",
        ...     derived_from=Derivation(base_price_book="EU", discount=10)))
        >>> [book.id for book in catalog.price_book_chain("EU-P")]
        ['EU-P', 'EU']
        """
        return load_chain(self._price_books.get, require(price_book_id, str, "price_book_id"))

    def get_price_book(self, price_book_id: str) -> PriceBook:
        """Return the stored price book.

        Args:
            price_book_id: The price book's id.

        Returns:
            The price book.

        Raises:
            ValidationError: ``price_book_id`` is not a string.
            NotFoundError: No price book has that id.

        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> _ = catalog.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> catalog.get_price_book("EU").currency
        'EUR'
        """
        return self._price_books.get(require(price_book_id, str, "price_book_id"))

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

        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> _ = catalog.add_price_book(PriceBook(id="US", currency="USD"))
        >>> _ = catalog.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> [b.id for b in catalog.list_price_books()], [b.id for b in catalog.list_price_books(
        ...     currency="USD")]
        (['EU', 'US'], ['US'])
        """
        if currency is not None:
            require(currency, str, "currency")
        require_optional_bool(active, "active")
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

        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> _ = catalog.add_product(Product(sku="A-1", name="Widget"))
        >>> _ = catalog.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> catalog.set_price("EU", "A-1", Money("9.90", "EUR")).entries["A-1"]
        Money(amount=Decimal('9.90'), currency='EUR')
        """
        require(price, Money, "price")
        with self._transactions.transaction():
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
        >>> from sfa_core import SalesEngine
        >>> catalog = SalesEngine.in_memory().catalog
        >>> _ = catalog.add_product(Product(sku="A-1", name="Widget"))
        >>> _ = catalog.add_price_book(PriceBook(id="EU", currency="EUR",
        ...                                     valid_until=dt.date(2027, 12, 31)))
        >>> _ = catalog.set_price("EU", "A-1", Money("9.90", "EUR"))
        >>> catalog.list_price("EU", "A-1", on=dt.date(2027, 6, 1))
        Money(amount=Decimal('9.90'), currency='EUR')
        """
        day = self._clock.today() if on is None else require_day(on, "on")
        product = self.get_product(sku)
        if not product.active:
            raise ValidationError(f"product {sku!r} is inactive", path="active", value=False)
        return self.get_price_book(price_book_id).price_for(sku, on=day)
