"""Ports: the protocols a host implements to give sfa_core its storage and its clock.

The core never imports these; the :class:`~sfa_core.engine.SalesEngine` facade
does. sfa_core ships two implementations (:mod:`sfa_core.adapters.memory` and
:mod:`sfa_core.adapters.sqlite`) and a contract suite
(:mod:`sfa_core.testing.contracts`) that proves a host's own implementation
honours these protocols.

Rules every repository follows:

* Reads return values (frozen attrs instances); a missing key raises
  :class:`~sfa_core.errors.NotFoundError`.
* ``add`` stores a new value and returns it with ``version == 1``; a taken key
  raises :class:`~sfa_core.errors.AlreadyExistsError`.
* ``update`` takes the value carrying the version it was read at (the expected
  version). If the stored version moved on, it raises
  :class:`~sfa_core.errors.ConcurrencyError` and changes nothing; otherwise it
  stores the value and returns it with the version incremented.
* ``delete`` takes the expected version the same way.
* A failed write changes nothing.

>>> from sfa_core.adapters.memory import MemoryStore
>>> from sfa_core.ports import ProductRepository, UnitOfWork
>>> store = MemoryStore()
>>> isinstance(store.products, ProductRepository), isinstance(store, UnitOfWork)
(True, True)
"""

from __future__ import annotations

import datetime as _dt
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from sfa_core.catalog import PriceBook, Product

__all__ = ["Clock", "PriceBookRepository", "ProductRepository", "UnitOfWork"]


@runtime_checkable
class ProductRepository(Protocol):
    """Stores :class:`~sfa_core.catalog.Product` values by SKU."""

    def get(self, sku: str) -> Product:
        """Return the stored product ``sku``; raise ``NotFoundError`` if there is none."""
        ...

    def list(self, *, family: str | None = None, active: bool | None = None) -> list[Product]:
        """Return the stored products, sorted by SKU, optionally filtered."""
        ...

    def add(self, product: Product) -> Product:
        """Store a new product; return it with ``version == 1``."""
        ...

    def update(self, product: Product) -> Product:
        """Replace the stored product whose version is ``product.version``; return the new one."""
        ...

    def delete(self, sku: str, *, expected_version: int) -> None:
        """Delete product ``sku`` if its stored version is ``expected_version``."""
        ...


@runtime_checkable
class PriceBookRepository(Protocol):
    """Stores :class:`~sfa_core.catalog.PriceBook` values by id."""

    def get(self, price_book_id: str) -> PriceBook:
        """Return the stored price book; raise ``NotFoundError`` if there is none."""
        ...

    def list(self, *, currency: str | None = None, active: bool | None = None) -> list[PriceBook]:
        """Return the stored price books, sorted by id, optionally filtered."""
        ...

    def add(self, price_book: PriceBook) -> PriceBook:
        """Store a new price book; return it with ``version == 1``."""
        ...

    def update(self, price_book: PriceBook) -> PriceBook:
        """Replace the stored price book whose version is ``price_book.version``."""
        ...

    def delete(self, price_book_id: str, *, expected_version: int) -> None:
        """Delete the price book if its stored version is ``expected_version``."""
        ...


@runtime_checkable
class UnitOfWork(Protocol):
    """Groups writes to several repositories so that they all happen or none does.

    ``with uow.transaction(): ...`` commits when the block ends normally and
    rolls every write of the block back when it raises. Transactions may nest;
    only the outermost one commits.
    """

    @property
    def products(self) -> ProductRepository:
        """The product repository governed by this unit of work."""
        ...

    @property
    def price_books(self) -> PriceBookRepository:
        """The price book repository governed by this unit of work."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Return a context manager within which writes are atomic."""
        ...


@runtime_checkable
class Clock(Protocol):
    """Where the facade reads the time; the pure core takes time as a parameter instead."""

    def now(self) -> _dt.datetime:
        """Return the current time, timezone-aware."""
        ...

    def today(self) -> _dt.date:
        """Return the current date."""
        ...
