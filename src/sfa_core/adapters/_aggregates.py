"""What the adapters need to know about each stored aggregate: its key and its indexed fields."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import attrs

from sfa_core.catalog import PriceBook, Product

T = TypeVar("T")

__all__ = ["AGGREGATES", "PRICE_BOOKS", "PRODUCTS", "Aggregate"]


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
