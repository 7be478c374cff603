"""Rules for reading a stored catalog: what may be sold, and a price book's chain of bases.

Both take a lookup function (``sku -> Product``, ``id -> PriceBook``) rather
than a repository, so the engine, a host's own service and a test share them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sfa_core._validate import require_key
from sfa_core.catalog.model import PriceBook, Product
from sfa_core.errors import NotFoundError, ValidationError, _shown

__all__ = ["load_chain", "require_sellable"]


def require_sellable(find: Callable[[str], Product], sku: str, path: str) -> Product:
    """Return the product ``sku`` if it exists and is active: one that may go on a quote.

    Args:
        find: Looks a product up by SKU, raising
            :class:`~sfa_core.errors.NotFoundError` when there is none.
        sku: The SKU.
        path: Where the SKU came from, for the error (``"lines[2].sku"``).

    Returns:
        The product.

    Raises:
        ValidationError: No product has the SKU, or it is inactive (the error's
            path is ``path`` and its value the SKU); or ``find`` is not a
            function or returns something other than a product (path ``find``).
            What ``find`` itself raises (a host's storage error) propagates.

    >>> products = {"A": Product(sku="A", name="a"), "B": Product(sku="B", name="b", active=False)}
    >>> def find(sku):
    ...     if sku not in products:
    ...         raise NotFoundError("product", sku)
    ...     return products[sku]
    >>> require_sellable(find, "A", "sku").sku
    'A'
    >>> require_sellable(find, "B", "lines[0].sku")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: lines[0].sku: the product is inactive (got 'B')
    >>> require_sellable(find, "C", "sku")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: sku: no product has this SKU (got 'C')
    """
    _require_callable(find)
    try:
        product = find(sku)
    except NotFoundError:
        raise ValidationError("no product has this SKU", path=path, value=sku) from None
    if product.__class__ is not Product:
        _require_found(product, Product, sku)
    if not product.active:
        raise ValidationError("the product is inactive", path=path, value=sku)
    return product


def load_chain(find: Callable[[str], PriceBook], price_book_id: str) -> list[PriceBook]:
    """Load a price book and the books it derives from, nearest first.

    The walk stops at a book that derives from nothing, at a base that is not
    stored (the resolver then names it when a price needs it) and at a book
    already seen (the resolver reports the cycle), so it always ends.

    Args:
        find: Looks a price book up by id, raising
            :class:`~sfa_core.errors.NotFoundError` when there is none.
        price_book_id: The book to start from; it must exist.

    Returns:
        The books, ``price_book_id`` first, then its base, its base's base...

    Raises:
        NotFoundError: ``price_book_id`` itself is not stored.
        ValidationError: ``price_book_id`` is not a valid key, or ``find`` is not a
            function or returns something other than a price book (path ``find``).
            What ``find`` itself raises (a host's storage error) propagates.

    >>> from sfa_core.catalog import Derivation
    >>> books = {
    ...     "EU": PriceBook(id="EU", currency="EUR"),
    ...     "EU-PARTNER": PriceBook(id="EU-PARTNER", currency="EUR",
    ...                             derived_from=Derivation(base_price_book="EU", discount=10)),
    ... }
    >>> def find(book_id):
    ...     if book_id not in books:
    ...         raise NotFoundError("price book", book_id)
    ...     return books[book_id]
    >>> [book.id for book in load_chain(find, "EU-PARTNER")]
    ['EU-PARTNER', 'EU']
    """
    _require_callable(find)
    require_key(price_book_id, "price_book_id")
    books: list[PriceBook] = []
    seen: set[str] = set()
    wanted: str | None = price_book_id
    while wanted is not None and wanted not in seen:
        seen.add(wanted)
        try:
            book = find(wanted)
        except NotFoundError:
            if wanted == price_book_id:
                raise
            break
        if book.__class__ is not PriceBook:
            _require_found(book, PriceBook, wanted)
        books.append(book)
        derivation = book.derived_from
        wanted = derivation.base_price_book if derivation is not None else None
    return books


def _require_callable(find: Any) -> None:
    # A class is callable, but calling one is building a value, not looking one up.
    if not callable(find) or isinstance(find, type):
        raise ValidationError(
            "must be a function that looks an item up by key", path="find", value=find
        )


def _require_found(found: Any, kind: type, key: object) -> None:
    if not isinstance(found, kind):
        raise ValidationError(
            f"must return a {kind.__name__} (returned this for {_shown(key)})",
            path="find",
            value=found,
        )
