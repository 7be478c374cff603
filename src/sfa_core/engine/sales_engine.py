"""The :class:`SalesEngine`: builds the services on a store, holds them, and closes the store."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from sfa_core.clock import SystemClock
from sfa_core.engine._support import Transactions, repository
from sfa_core.engine.approvals import ApprovalService
from sfa_core.engine.catalog import CatalogService
from sfa_core.engine.configurations import ConfigurationService
from sfa_core.engine.directory import DirectoryService
from sfa_core.engine.pricing import PricingService
from sfa_core.engine.quotes import QuoteService, new_quote_id
from sfa_core.errors import ValidationError
from sfa_core.ports import (
    STORE_REPOSITORIES,
    ApprovalPolicyRepository,
    ApprovalRequestRepository,
    Clock,
    ConfigurationModelRepository,
    ContractedPricesRepository,
    DirectoryRepository,
    DiscountScheduleRepository,
    PriceBookRepository,
    PricingSettingsRepository,
    ProductRepository,
    PromotionRepository,
    QuoteRepository,
    RuleSetRepository,
    UnitOfWork,
)
from sfa_core.pricing import TaxPolicy

__all__ = ["SalesEngine"]


def _require_path(path: object) -> None:
    """Refuse a database path that is neither text nor an ``os.PathLike`` of text."""
    text: object = path
    if isinstance(path, os.PathLike):
        try:
            text = os.fspath(path)
        except TypeError:  # __fspath__ returned neither str nor bytes
            text = None
    if not isinstance(text, str):
        raise ValidationError(
            "must be a file path (a str or an os.PathLike of one)", path="path", value=path
        )


class SalesEngine:
    """What hosts call: one service per area, each a short script over the ports and the core.

    * :attr:`catalog` -- products and price books;
    * :attr:`pricing` -- the stored pricing setup (rules, schedules, promotions,
      contracted prices, settings);
    * :attr:`quotes` -- drafts, lines, pricing, lifecycle, revisions;
    * :attr:`configurations` -- CPQ models and clicks;
    * :attr:`directory` -- users, managers, roles, groups and delegations;
    * :attr:`approvals` -- approval policies, previews, and requests through
      their decisions.

    Use :meth:`in_memory` or :meth:`sqlite` for the shipped storage,
    :meth:`from_store` for a store of your own, or pass the repositories you
    have (prove them with :mod:`sfa_core.testing.contracts`). A service whose
    repository is missing raises :class:`~sfa_core.errors.MissingRepositoryError`
    when it needs it; pricing without the setup's repositories prices with an
    empty setup.

    Args:
        products: Where products are stored.
        price_books: Where price books are stored.
        quotes: Where quotes are stored.
        configurations: Where configuration models are stored.
        rule_sets: Where price rule sets are stored.
        discount_schedules: Where discount schedules are stored.
        promotions: Where promotions are stored.
        contracted_prices: Where contracted prices are stored.
        pricing_settings: Where the pricing settings are stored.
        directories: Where the directory (users, groups, delegations) is stored.
        approval_policies: Where approval policies are stored.
        approval_requests: Where approval requests are stored.
        clock: Where "today" comes from (defaults to the UTC system clock).
        unit_of_work: Makes multi-write operations atomic; without one, each
            single write is atomic on its own.
        new_id: Makes quote ids when none is given (``Q-`` and 12 hex digits).
        tax: A tax engine of the host's (any
            :class:`~sfa_core.pricing.TaxPolicy`), used instead of the stored
            settings' rate policy.

    Raises:
        ValidationError: An argument is not what it must be (a repository
            missing a method of its protocol, a clock without ``today``...).

    >>> from sfa_core.adapters.memory import MemoryStore
    >>> from sfa_core.catalog import Product
    >>> store = MemoryStore()
    >>> engine = SalesEngine(products=store.products, price_books=store.price_books,
    ...                      unit_of_work=store)
    >>> engine.catalog.add_product(Product(sku="A-1", name="Widget")).version
    1
    """

    def __init__(
        self,
        *,
        products: ProductRepository | None = None,
        price_books: PriceBookRepository | None = None,
        quotes: QuoteRepository | None = None,
        configurations: ConfigurationModelRepository | None = None,
        rule_sets: RuleSetRepository | None = None,
        discount_schedules: DiscountScheduleRepository | None = None,
        promotions: PromotionRepository | None = None,
        contracted_prices: ContractedPricesRepository | None = None,
        pricing_settings: PricingSettingsRepository | None = None,
        directories: DirectoryRepository | None = None,
        approval_policies: ApprovalPolicyRepository | None = None,
        approval_requests: ApprovalRequestRepository | None = None,
        clock: Clock | None = None,
        unit_of_work: UnitOfWork | None = None,
        new_id: Callable[[], str] | None = None,
        tax: TaxPolicy | None = None,
    ) -> None:
        if clock is not None and not isinstance(clock, Clock):
            raise ValidationError("must be a Clock (now, today) or None", path="clock", value=clock)
        if unit_of_work is not None and not isinstance(unit_of_work, UnitOfWork):
            raise ValidationError(
                "must be a UnitOfWork (transaction) or None",
                path="unit_of_work",
                value=unit_of_work,
            )
        if tax is not None and not isinstance(tax, TaxPolicy):
            raise ValidationError("must be a TaxPolicy (tax) or None", path="tax", value=tax)
        if new_id is not None and not callable(new_id):
            raise ValidationError("must be callable or None", path="new_id", value=new_id)
        self._clock: Clock = clock if clock is not None else SystemClock()
        transactions = Transactions(unit_of_work)
        self._catalog = CatalogService(
            repository(products, "products"),
            repository(price_books, "price_books"),
            self._clock,
            transactions,
        )
        self._pricing = PricingService(
            repository(rule_sets, "rule_sets"),
            repository(discount_schedules, "discount_schedules"),
            repository(promotions, "promotions"),
            repository(contracted_prices, "contracted_prices"),
            repository(pricing_settings, "pricing_settings"),
            transactions,
        )
        self._quotes = QuoteService(
            repository(quotes, "quotes"),
            self._catalog,
            self._pricing,
            self._clock,
            transactions,
            new_id if new_id is not None else new_quote_id,
            tax,
        )
        self._configurations = ConfigurationService(
            repository(configurations, "configurations"),
            self._catalog,
            self._quotes,
            transactions,
        )
        self._directory = DirectoryService(
            repository(directories, "directories"),
            transactions,
        )
        self._approvals = ApprovalService(
            repository(approval_policies, "approval_policies"),
            repository(approval_requests, "approval_requests"),
            self._quotes,
            self._catalog,
            self._pricing,
            self._directory,
            transactions,
        )
        self._closer: Callable[[], Any] | None = None

    @classmethod
    def from_store(
        cls, store: object, *, clock: Clock | None = None, tax: TaxPolicy | None = None
    ) -> SalesEngine:
        """Build an engine on a store: the repositories it has, its transactions, its close.

        A store offers repositories as attributes named as in
        :data:`~sfa_core.ports.STORE_REPOSITORIES` (``products``, ``quotes``...);
        it may offer only some. If it has a ``transaction()`` method, the
        engine's multi-write operations use it; if it has ``close()``,
        :meth:`close` calls it.

        Args:
            store: The store (a shipped one, or a host's).
            clock: Optional clock.
            tax: Optional host tax engine (see the class).

        Returns:
            The engine.

        >>> from sfa_core.adapters.sqlite import SqliteStore
        >>> with SalesEngine.from_store(SqliteStore(":memory:")) as engine:
        ...     engine.catalog.list_products()
        []
        """
        repositories: dict[str, Any] = {
            name: getattr(store, name, None) for name in STORE_REPOSITORIES
        }
        transaction = getattr(store, "transaction", None)
        engine = cls(
            **repositories,
            clock=clock,
            unit_of_work=store if callable(transaction) else None,  # type: ignore[arg-type]
            tax=tax,
        )
        closer = getattr(store, "close", None)
        engine._closer = closer if callable(closer) else None
        return engine

    @classmethod
    def in_memory(cls, *, clock: Clock | None = None) -> SalesEngine:
        """Build an engine on fresh in-memory storage.

        Args:
            clock: Optional clock.

        Returns:
            The engine.

        >>> SalesEngine.in_memory().catalog.list_products()
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

        Raises:
            ValidationError: ``path`` is not a ``str`` or an ``os.PathLike`` of one.
            StorageError: The database cannot be opened (a missing folder, a path
                with a NUL character, a file that is not a database...).

        >>> with SalesEngine.sqlite(":memory:") as engine:
        ...     engine.catalog.list_price_books()
        []
        """
        from sfa_core.adapters.sqlite import SqliteStore

        if path.__class__ is not str:
            _require_path(path)

        return cls.from_store(SqliteStore(path), clock=clock)

    @property
    def catalog(self) -> CatalogService:
        """Products and price books.

        >>> SalesEngine.in_memory().catalog.list_products()
        []
        """
        return self._catalog

    @property
    def pricing(self) -> PricingService:
        """The stored pricing setup.

        >>> SalesEngine.in_memory().pricing.rule_sets.list()
        []
        """
        return self._pricing

    @property
    def quotes(self) -> QuoteService:
        """The quote service (drafts, lines, pricing and the lifecycle).

        >>> SalesEngine.in_memory().quotes.list()
        []
        """
        return self._quotes

    @property
    def configurations(self) -> ConfigurationService:
        """CPQ configuration models and clicks.

        >>> SalesEngine.in_memory().configurations.get_model("PC")
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: configuration model 'PC' not found
        """
        return self._configurations

    @property
    def directory(self) -> DirectoryService:
        """Users, managers, roles, groups and delegations.

        >>> from sfa_core.directory import User
        >>> engine = SalesEngine.in_memory()
        >>> [u.id for u in engine.directory.add_user(User("ana")).users]
        ['ana']
        """
        return self._directory

    @property
    def approvals(self) -> ApprovalService:
        """Approval policies, previews, and requests through their decisions.

        >>> SalesEngine.in_memory().approvals.list()
        []
        """
        return self._approvals

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
