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
>>> from sfa_core.ports import ProductRepository, QuoteRepository, UnitOfWork
>>> store = MemoryStore()
>>> isinstance(store.products, ProductRepository), isinstance(store, UnitOfWork)
(True, True)
>>> isinstance(store.quotes, QuoteRepository)
True
>>> isinstance(store.configurations, ConfigurationModelRepository)
True
"""

from __future__ import annotations

import datetime as _dt
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from sfa_core.catalog import PriceBook, Product

if TYPE_CHECKING:
    # Only annotations use them: importing the ports must not import the quotes
    # (and the pricing they pull in) nor the configurator.
    from sfa_core.configure.model import ConfigurationModel
    from sfa_core.quotes.model import Quote, QuoteStatus

__all__ = [
    "Clock",
    "ConfigurationModelRepository",
    "PriceBookRepository",
    "ProductRepository",
    "QuoteRepository",
    "UnitOfWork",
]


@runtime_checkable
class ProductRepository(Protocol):
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
            The stored product: ``product`` with ``version == 1``.

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
            The stored product: ``product`` with ``version`` one higher.

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
class PriceBookRepository(Protocol):
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
            The stored price book: ``price_book`` with ``version == 1``.

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
            The stored price book: ``price_book`` with ``version`` one higher.

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


@runtime_checkable
class QuoteRepository(Protocol):
    """Stores :class:`~sfa_core.quotes.Quote` values by id.

    The same rules as :class:`ProductRepository` apply, with ``id`` as the key
    and ``"quote"`` as the ``kind`` of its errors. A quote is stored whole: its
    lines, groups, dates, discounts and custom fields all come back equal.
    Prove an implementation with
    :class:`~sfa_core.testing.contracts.QuoteRepositoryContract`.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.quotes import Quote, QuoteLine, QuoteStatus
        >>> quotes = MemoryStore().quotes
        >>> isinstance(quotes, QuoteRepository)
        True
        >>> draft = quotes.add(Quote(id="Q-1", account="ACME", currency="EUR",
        ...                          price_book="EU", quote_date=dt.date(2027, 3, 1),
        ...                          lines=[QuoteLine(key="L1", sku="A-1", quantity=40)]))
        >>> in_review = quotes.update(draft.transition(QuoteStatus.IN_REVIEW))
        >>> in_review.version, [q.id for q in quotes.list(account="ACME", status="in_review")]
        (2, ['Q-1'])
        >>> quotes.delete("Q-1", expected_version=2)
        >>> quotes.list()
        []
    """

    def get(self, quote_id: str) -> Quote:
        """Return the stored quote ``quote_id``.

        Args:
            quote_id: The key of the quote.

        Returns:
            The quote as last stored (lines, groups, dates, discounts, custom
            fields and every other field equal to what was written), with its
            current ``version``.

        Raises:
            NotFoundError: No such quote is stored (``kind="quote"``,
                ``key=quote_id``).
        """
        ...

    def list(
        self, *, account: str | None = None, status: QuoteStatus | str | None = None
    ) -> list[Quote]:
        """Return the stored quotes, sorted by id, optionally filtered.

        Args:
            account: Keep only quotes whose ``account`` equals this exactly;
                ``None`` keeps all.
            status: Keep only quotes in this status: a
                :class:`~sfa_core.quotes.QuoteStatus` member or its string value
                (``"in_review"``); ``None`` keeps all.

        Returns:
            A new list of the matching quotes (all filters must hold), in
            ascending string order of ``id``; empty when none match.

        Raises:
            ValidationError: ``status`` is neither a ``QuoteStatus`` nor the
                value of one (``path="status"``).
        """
        ...

    def add(self, quote: Quote) -> Quote:
        """Store a new quote.

        Args:
            quote: The quote to store; its ``version`` is ignored.

        Returns:
            The stored quote: ``quote`` with ``version == 1``.

        Raises:
            AlreadyExistsError: A quote with this id is stored already; the
                stored one is left unchanged.
        """
        ...

    def update(self, quote: Quote) -> Quote:
        """Replace the stored quote, if nobody changed it since it was read.

        ``quote.version`` is the expected version; every successful update
        increments the version, even when no field changed.

        Args:
            quote: The new value, carrying the version it was read at.

        Returns:
            The stored quote: ``quote`` with ``version`` one higher.

        Raises:
            NotFoundError: No quote with this id is stored.
            ConcurrencyError: The stored version is not ``quote.version``
                (``expected_version`` is ``quote.version``, ``actual_version``
                the stored one); nothing is changed.
        """
        ...

    def delete(self, quote_id: str, *, expected_version: int) -> None:
        """Delete the quote if its stored version is ``expected_version``.

        Args:
            quote_id: The key of the quote.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: No such quote is stored.
            ConcurrencyError: The stored version is not ``expected_version``;
                nothing is deleted.
        """
        ...


@runtime_checkable
class ConfigurationModelRepository(Protocol):
    """Stores :class:`~sfa_core.configure.ConfigurationModel` values by sku.

    The same rules as :class:`ProductRepository` apply, with the model's
    :attr:`~sfa_core.configure.ConfigurationModel.sku` (its root bundle's sku)
    as the key and ``"configuration model"`` as the ``kind`` of its errors. The
    key is a property, not a field: read it from the model, never write it back.
    A model is stored whole: its bundles, features, options, attributes,
    constraints and product rules (JSON Logic conditions included) all come
    back equal. There is nothing to filter on. Prove an implementation with
    :class:`~sfa_core.testing.contracts.ConfigurationModelRepositoryContract`.

    Example:
        >>> import attrs
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option
        >>> models = MemoryStore().configurations
        >>> isinstance(models, ConfigurationModelRepository)
        True
        >>> stored = models.add(ConfigurationModel(root=Bundle(sku="LAPTOP", features=[
        ...     Feature(id="ram", min_options=1, max_options=1, options=[
        ...         Option(id="r16", sku="RAM-16"), Option(id="r32", sku="RAM-32")])])))
        >>> renamed = models.update(attrs.evolve(stored, root=attrs.evolve(stored.root,
        ...                                                                name="Laptop 15")))
        >>> renamed.version, [m.root.name for m in models.list()]
        (2, ['Laptop 15'])
        >>> models.delete("LAPTOP", expected_version=2)
        >>> models.list()
        []
    """

    def get(self, sku: str) -> ConfigurationModel:
        """Return the stored configuration model of the bundle ``sku``.

        Args:
            sku: The key of the model: its root bundle's sku.

        Returns:
            The model as last stored (bundles, attributes, constraints, rules
            and every other field equal to what was written), with its
            current ``version``.

        Raises:
            NotFoundError: No model ``sku`` is stored
                (``kind="configuration model"``, ``key=sku``).
        """
        ...

    def version(self, sku: str) -> int:
        """Return the stored version of the model ``sku``, without reading the model.

        The engine asks this on every click, to reuse the model it compiled
        while the stored version is unchanged; make it cheap (one indexed read).

        Args:
            sku: The key of the model.

        Returns:
            The version :meth:`get` would return.

        Raises:
            NotFoundError: No model ``sku`` is stored
                (``kind="configuration model"``, ``key=sku``).
        """
        ...

    def list(self) -> list[ConfigurationModel]:
        """Return every stored configuration model, sorted by sku.

        Returns:
            A new list of the stored models, in ascending string order of
            ``sku``; empty when none is stored.
        """
        ...

    def add(self, model: ConfigurationModel) -> ConfigurationModel:
        """Store a new configuration model.

        Args:
            model: The model to store; its ``version`` is ignored.

        Returns:
            The stored model: ``model`` with ``version == 1``.

        Raises:
            AlreadyExistsError: A model with this sku is stored already; the
                stored one is left unchanged.
        """
        ...

    def update(self, model: ConfigurationModel) -> ConfigurationModel:
        """Replace the stored model, if nobody changed it since it was read.

        ``model.version`` is the expected version; every successful update
        increments the version, even when no field changed.

        Args:
            model: The new value, carrying the version it was read at.

        Returns:
            The stored model: ``model`` with ``version`` one higher.

        Raises:
            NotFoundError: No model with this sku is stored.
            ConcurrencyError: The stored version is not ``model.version``
                (``expected_version`` is ``model.version``, ``actual_version``
                the stored one); nothing is changed.
        """
        ...

    def delete(self, sku: str, *, expected_version: int) -> None:
        """Delete model ``sku`` if its stored version is ``expected_version``.

        Args:
            sku: The key of the model.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: No model ``sku`` is stored.
            ConcurrencyError: The stored version is not ``expected_version``;
                nothing is deleted.
        """
        ...


@runtime_checkable
class UnitOfWork(Protocol):
    """Groups writes to several repositories so that they all happen or none does.

    ``with uow.transaction(): ...`` commits when the block ends normally and
    rolls every write of the block back, in every repository, when it raises
    (the exception then propagates). Transactions may nest: a failing inner
    block undoes only its own writes, and only the outermost block commits.
    Prove an implementation with
    :class:`~sfa_core.testing.contracts.UnitOfWorkContract`.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.catalog import PriceBook, Product
        >>> from sfa_core.configure import Bundle, ConfigurationModel
        >>> from sfa_core.quotes import Quote
        >>> store = MemoryStore()
        >>> isinstance(store, UnitOfWork)
        True
        >>> with store.transaction():
        ...     _ = store.products.add(Product(sku="A-1", name="Widget"))
        ...     _ = store.price_books.add(PriceBook(id="EU", currency="EUR"))
        >>> try:
        ...     with store.transaction():
        ...         _ = store.products.add(Product(sku="B-2", name="Gadget"))
        ...         _ = store.quotes.add(Quote(id="Q-1", account="ACME", currency="EUR",
        ...                                    price_book="EU", quote_date=dt.date(2027, 3, 1)))
        ...         _ = store.configurations.add(
        ...             ConfigurationModel(root=Bundle(sku="B-2", features=[])))
        ...         raise RuntimeError("card declined")
        ... except RuntimeError:
        ...     pass
        >>> [p.sku for p in store.products.list()], len(store.price_books.list())
        (['A-1'], 1)
        >>> store.quotes.list(), store.configurations.list()
        ([], [])
    """

    @property
    def products(self) -> ProductRepository:
        """The product repository governed by this unit of work.

        Its writes inside :meth:`transaction` take part in the transaction.
        """
        ...

    @property
    def price_books(self) -> PriceBookRepository:
        """The price book repository governed by this unit of work.

        Its writes inside :meth:`transaction` take part in the transaction.
        """
        ...

    @property
    def quotes(self) -> QuoteRepository:
        """The quote repository governed by this unit of work.

        Its writes inside :meth:`transaction` take part in the transaction.
        """
        ...

    @property
    def configurations(self) -> ConfigurationModelRepository:
        """The configuration model repository governed by this unit of work.

        Its writes inside :meth:`transaction` take part in the transaction.
        """
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Return a context manager within which writes are atomic.

        Returns:
            A context manager yielding ``None``. On normal exit the block's
            writes are kept (committed, if this is the outermost block); when
            the block raises, any exception (a ``ConcurrencyError`` included)
            undoes every write made in it and then propagates unchanged.
        """
        ...


@runtime_checkable
class Clock(Protocol):
    """Where the facade reads the time; the pure core takes time as a parameter instead.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.clock import FixedClock, SystemClock
        >>> isinstance(SystemClock(), Clock)
        True
        >>> clock = FixedClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone.utc))
        >>> clock.now().isoformat(), clock.today().isoformat()
        ('2027-03-01T09:00:00+00:00', '2027-03-01')
    """

    def now(self) -> _dt.datetime:
        """Return the current time.

        Returns:
            A timezone-aware datetime.
        """
        ...

    def today(self) -> _dt.date:
        """Return the current date.

        Returns:
            The date of :meth:`now` in that datetime's own timezone.
        """
        ...
