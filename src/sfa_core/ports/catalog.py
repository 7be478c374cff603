"""The catalog's repositories: products by SKU, price books by id."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from sfa_core.catalog import PriceBook, Product
from sfa_core.ports.versioned import VersionedRepository

__all__ = ["PriceBookRepository", "ProductRepository"]


@runtime_checkable
class ProductRepository(VersionedRepository[Product], Protocol):
    """Stores :class:`~sfa_core.catalog.Product` values by SKU.

    Implementations must be safe to call from several threads at once, and
    each write must check the version and store in one atomic step, so that of
    two writers based on the same version only one succeeds. ``isinstance``
    checks only that the five methods exist, not their behaviour: run
    :class:`~sfa_core.testing.contracts.ProductRepositoryContract` for that.

    Example:
        >>> import attrs
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.catalog import Product
        >>> products = MemoryStore().products
        >>> isinstance(products, ProductRepository)
        True
        >>> stored = products.add(Product(sku="A-1", name="Widget", family="hardware"))
        >>> renamed = products.update(attrs.evolve(stored, name="Widget v2"))
        >>> renamed.version, [p.name for p in products.list(family="hardware")]
        (2, ['Widget v2'])
        >>> products.delete("A-1", expected_version=2)
        >>> products.list()
        []
    """

    def get(self, sku: str) -> Product:
        """Return the stored product ``sku``.

        Args:
            sku: The key of the product.

        Returns:
            The product as last stored, every field equal to what was written,
            with its current ``version``.

        Raises:
            NotFoundError: No product ``sku`` is stored (``kind="product"``,
                ``key=sku``).
        """
        ...

    def list(self, *, family: str | None = None, active: bool | None = None) -> list[Product]:
        """Return the stored products, sorted by SKU, optionally filtered.

        Args:
            family: Keep only products whose ``family`` equals this exactly
                (``""`` matches products without a family); ``None`` keeps all.
            active: Keep only products whose ``active`` flag equals this;
                ``None`` keeps all.

        Returns:
            A new list of the matching products (all filters must hold), in
            ascending string order of ``sku``; empty when none match.
        """
        ...

    def add(self, product: Product) -> Product:
        """Store a new product.

        Args:
            product: The product to store; its ``version`` is ignored.

        Returns:
            The stored product, ``product`` with ``version == 1``.

        Raises:
            AlreadyExistsError: A product with this SKU is stored already; the
                stored one is left unchanged.
        """
        ...

    def update(self, product: Product) -> Product:
        """Replace the stored product, if nobody changed it since it was read.

        ``product.version`` is the expected version: the version of the stored
        product the change is based on. Every successful update increments the
        version, even when no field changed.

        Args:
            product: The new value, carrying the version it was read at.

        Returns:
            The stored product, ``product`` with ``version`` one higher.

        Raises:
            NotFoundError: No product with this SKU is stored.
            ConcurrencyError: The stored version is not ``product.version``
                (``expected_version`` is ``product.version``, ``actual_version``
                the stored one); nothing is changed.
        """
        ...

    def delete(self, sku: str, *, expected_version: int) -> None:
        """Delete product ``sku`` if its stored version is ``expected_version``.

        Args:
            sku: The key of the product.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: No product ``sku`` is stored.
            ConcurrencyError: The stored version is not ``expected_version``;
                nothing is deleted.
        """
        ...


@runtime_checkable
class PriceBookRepository(VersionedRepository[PriceBook], Protocol):
    """Stores :class:`~sfa_core.catalog.PriceBook` values by id.

    The same rules as :class:`ProductRepository` apply, with ``id`` as the key
    and ``"price book"`` as the ``kind`` of its errors; prove an implementation
    with :class:`~sfa_core.testing.contracts.PriceBookRepositoryContract`.

    Example:
        >>> from sfa_core import Money
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.catalog import PriceBook
        >>> books = MemoryStore().price_books
        >>> isinstance(books, PriceBookRepository)
        True
        >>> book = PriceBook(id="EU", currency="EUR", entries={"A-1": Money("9.90", "EUR")})
        >>> books.add(book).version
        1
        >>> [b.id for b in books.list(currency="EUR", active=True)]
        ['EU']
    """

    def get(self, price_book_id: str) -> PriceBook:
        """Return the stored price book ``price_book_id``.

        Args:
            price_book_id: The key of the price book.

        Returns:
            The price book as last stored (entries, dates and every other field
            equal to what was written), with its current ``version``.

        Raises:
            NotFoundError: No such price book is stored (``kind="price book"``,
                ``key=price_book_id``).
        """
        ...

    def list(self, *, currency: str | None = None, active: bool | None = None) -> list[PriceBook]:
        """Return the stored price books, sorted by id, optionally filtered.

        Args:
            currency: Keep only price books in this ISO 4217 currency;
                ``None`` keeps all.
            active: Keep only price books whose ``active`` flag equals this;
                ``None`` keeps all.

        Returns:
            A new list of the matching price books (all filters must hold), in
            ascending string order of ``id``; empty when none match.
        """
        ...

    def add(self, price_book: PriceBook) -> PriceBook:
        """Store a new price book.

        Args:
            price_book: The price book to store; its ``version`` is ignored.

        Returns:
            The stored price book, ``price_book`` with ``version == 1``.

        Raises:
            AlreadyExistsError: A price book with this id is stored already; the
                stored one is left unchanged.
        """
        ...

    def update(self, price_book: PriceBook) -> PriceBook:
        """Replace the stored price book, if nobody changed it since it was read.

        ``price_book.version`` is the expected version; every successful update
        increments the version, even when no field changed.

        Args:
            price_book: The new value, carrying the version it was read at.

        Returns:
            The stored price book, ``price_book`` with ``version`` one higher.

        Raises:
            NotFoundError: No price book with this id is stored.
            ConcurrencyError: The stored version is not ``price_book.version``;
                nothing is changed.
        """
        ...

    def delete(self, price_book_id: str, *, expected_version: int) -> None:
        """Delete the price book if its stored version is ``expected_version``.

        Args:
            price_book_id: The key of the price book.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: No such price book is stored.
            ConcurrencyError: The stored version is not ``expected_version``;
                nothing is deleted.
        """
        ...
