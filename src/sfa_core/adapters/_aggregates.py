"""What the adapters need to know about each stored aggregate: its key and its indexed fields."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import attrs

from sfa_core.catalog import PriceBook, Product

T = TypeVar("T")

__all__ = [
    "AGGREGATES",
    "PRICE_BOOKS",
    "PRODUCTS",
    "Aggregate",
    "PriceBookMethods",
    "ProductMethods",
    "Repository",
]


@attrs.frozen
class Aggregate(Generic[T]):
    """Describes one stored aggregate.

    Attributes:
        kind: Name used in errors (``"product"``).
        table: Table (or collection) name (``"products"``).
        cls: The value class.
        key: Name of the field that is the key (``"sku"``).
        indexes: Fields the repository can filter on, stored in their own columns.
    """

    kind: str
    table: str
    cls: type[T]
    key: str
    indexes: tuple[str, ...] = ()

    def key_of(self, value: T) -> str:
        """Return the key of ``value``."""
        key: str = getattr(value, self.key)
        return key

    def index_values(self, value: T) -> tuple[Any, ...]:
        """Return the indexed field values of ``value``, in ``indexes`` order."""
        return tuple(getattr(value, name) for name in self.indexes)


PRODUCTS: Aggregate[Product] = Aggregate(
    "product", "products", Product, "sku", ("family", "active")
)
PRICE_BOOKS: Aggregate[PriceBook] = Aggregate(
    "price book", "price_books", PriceBook, "id", ("currency", "active")
)

AGGREGATES: tuple[Aggregate[Any], ...] = (PRODUCTS, PRICE_BOOKS)


class Repository(Generic[T]):
    """The storage-neutral half of a repository: each adapter implements the five primitives.

    The typed classes below turn the primitives into the protocol methods of one
    aggregate, so each adapter writes its storage logic once for all aggregates.
    """

    def _get(self, key: str) -> T:
        raise NotImplementedError

    def _list(self, **filters: Any) -> list[T]:
        raise NotImplementedError

    def _add(self, value: T) -> T:
        raise NotImplementedError

    def _update(self, value: T) -> T:
        raise NotImplementedError

    def _delete(self, key: str, expected_version: int) -> None:
        raise NotImplementedError


class ProductMethods(Repository[Product]):
    """:class:`~sfa_core.ports.ProductRepository` on top of the primitives."""

    def get(self, sku: str) -> Product:
        """Return the stored product ``sku``."""
        return self._get(sku)

    def list(self, *, family: str | None = None, active: bool | None = None) -> list[Product]:
        """Return the stored products sorted by SKU, optionally filtered."""
        return self._list(family=family, active=active)

    def add(self, product: Product) -> Product:
        """Store a new product; return it with ``version == 1``."""
        return self._add(product)

    def update(self, product: Product) -> Product:
        """Replace the product stored at ``product.version``; return it at the next version."""
        return self._update(product)

    def delete(self, sku: str, *, expected_version: int) -> None:
        """Delete product ``sku`` if it is stored at ``expected_version``."""
        self._delete(sku, expected_version)


class PriceBookMethods(Repository[PriceBook]):
    """:class:`~sfa_core.ports.PriceBookRepository` on top of the primitives."""

    def get(self, price_book_id: str) -> PriceBook:
        """Return the stored price book."""
        return self._get(price_book_id)

    def list(self, *, currency: str | None = None, active: bool | None = None) -> list[PriceBook]:
        """Return the stored price books sorted by id, optionally filtered."""
        return self._list(currency=currency, active=active)

    def add(self, price_book: PriceBook) -> PriceBook:
        """Store a new price book; return it with ``version == 1``."""
        return self._add(price_book)

    def update(self, price_book: PriceBook) -> PriceBook:
        """Replace the price book stored at ``price_book.version``."""
        return self._update(price_book)

    def delete(self, price_book_id: str, *, expected_version: int) -> None:
        """Delete the price book if it is stored at ``expected_version``."""
        self._delete(price_book_id, expected_version)
