"""A host's own store, written once against the generic repository protocol.

A CRM without CPQ keeps products, price books and quotes in its own storage
(here: JSON documents in dicts, as a document database would hold them) and
implements nothing else. One generic class, :class:`DocumentRepository`, serves
every aggregate: it needs of a value only what
:class:`sfa_core.ports.Versioned` promises (a ``version``, changed with
:func:`sfa_core.ports.with_version`), so it type-checks
under ``mypy --strict`` with no ignores (``make lint`` checks this file).
Each aggregate adds its queries in a small subclass.

``examples/test_host_store.py`` proves it with the shipped contract suite and
prices a quote on it through :class:`sfa_core.SalesEngine`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import AlreadyExistsError, ConcurrencyError, NotFoundError, ValidationError
from sfa_core.ports import (
    PriceBookRepository,
    ProductRepository,
    QuoteRepository,
    Versioned,
    VersionedRepository,
    with_version,
)
from sfa_core.quotes import Quote, QuoteStatus
from sfa_core.serialization import from_json, to_json

V = TypeVar("V", bound=Versioned)


class DocumentRepository(Generic[V]):
    """Values of one class as JSON documents by key, with optimistic concurrency."""

    def __init__(self, kind: str, cls: type[V], key: Callable[[V], str]) -> None:
        self._kind = kind
        self._cls = cls
        self._key = key
        self._lock = threading.Lock()
        self._documents: dict[str, str] = {}

    def get(self, key: str) -> V:
        with self._lock:
            document = self._documents.get(key)
        if document is None:
            raise NotFoundError(self._kind, key)
        return from_json(document, self._cls)

    def list(self) -> list[V]:
        with self._lock:
            documents = [self._documents[key] for key in sorted(self._documents)]
        return [from_json(document, self._cls) for document in documents]

    def add(self, value: V) -> V:
        key = self._key(value)
        stored = with_version(value, 1)
        with self._lock:
            if key in self._documents:
                raise AlreadyExistsError(self._kind, key)
            self._documents[key] = to_json(stored)
        return stored

    def update(self, value: V) -> V:
        key = self._key(value)
        stored = with_version(value, value.version + 1)
        with self._lock:
            self._check(key, value.version)
            self._documents[key] = to_json(stored)
        return stored

    def delete(self, key: str, *, expected_version: int) -> None:
        with self._lock:
            self._check(key, expected_version)
            del self._documents[key]

    def _check(self, key: str, expected: int) -> None:
        document = self._documents.get(key)
        if document is None:
            raise NotFoundError(self._kind, key)
        actual = from_json(document, self._cls).version
        if actual != expected:
            raise ConcurrencyError(self._kind, key, expected, actual)


class HostProducts(DocumentRepository[Product]):
    """Products, filterable by family and active flag."""

    def __init__(self) -> None:
        super().__init__("product", Product, lambda product: product.sku)

    def list(self, *, family: str | None = None, active: bool | None = None) -> list[Product]:
        return [
            product
            for product in super().list()
            if (family is None or product.family == family)
            and (active is None or product.active == active)
        ]


class HostPriceBooks(DocumentRepository[PriceBook]):
    """Price books, filterable by currency and active flag."""

    def __init__(self) -> None:
        super().__init__("price book", PriceBook, lambda book: book.id)

    def list(self, *, currency: str | None = None, active: bool | None = None) -> list[PriceBook]:
        return [
            book
            for book in super().list()
            if (currency is None or book.currency == currency)
            and (active is None or book.active == active)
        ]


class HostQuotes(DocumentRepository[Quote]):
    """Quotes, filterable by account and status."""

    def __init__(self) -> None:
        super().__init__("quote", Quote, lambda quote: quote.id)

    def list(
        self, *, account: str | None = None, status: QuoteStatus | str | None = None
    ) -> list[Quote]:
        wanted = None if status is None else _status(status)
        return [
            quote
            for quote in super().list()
            if (account is None or quote.account == account)
            and (wanted is None or quote.status is wanted)
        ]


def _status(value: QuoteStatus | str) -> QuoteStatus:
    try:
        return QuoteStatus(value)
    except ValueError:
        raise ValidationError("not a quote status", path="status", value=value) from None


class HostStore:
    """Only what this host uses: products, price books and quotes (no transactions)."""

    def __init__(self) -> None:
        self.products = HostProducts()
        self.price_books = HostPriceBooks()
        self.quotes = HostQuotes()


# What the type checker proves: the generic class is a VersionedRepository of
# any value, and each subclass honours its aggregate's protocol.
_generic: VersionedRepository[Product] = DocumentRepository(
    "product", Product, lambda product: product.sku
)
_products: ProductRepository = HostProducts()
_price_books: PriceBookRepository = HostPriceBooks()
_quotes: QuoteRepository = HostQuotes()
