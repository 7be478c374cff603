"""In-memory storage: dicts behind the repository protocols, with real transactions.

Useful for tests, for hosts that keep state elsewhere, and as the reference
behaviour of the protocols. It honours everything the contract suite checks:
optimistic concurrency, not-found and already-exists errors, and atomic
transactions (a block that raises leaves every repository as it was).
Every operation holds one re-entrant lock, so a store is safe to share
between threads.

>>> from sfa_core.catalog import Product
>>> store = MemoryStore()
>>> stored = store.products.add(Product(sku="A-1", name="Widget"))
>>> stored.version
1
>>> try:
...     with store.transaction():
...         _ = store.products.add(Product(sku="B-2", name="Gadget"))
...         raise RuntimeError("payment failed")
... except RuntimeError:
...     pass
>>> [p.sku for p in store.products.list()]
['A-1']
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from sfa_core.adapters._aggregates import (
    APPROVAL_POLICIES,
    APPROVAL_REQUESTS,
    CONFIGURATIONS,
    CONTRACTED_PRICES,
    DIRECTORIES,
    DISCOUNT_SCHEDULES,
    PRICE_BOOKS,
    PRICING_SETTINGS,
    PRODUCTS,
    PROMOTIONS,
    QUOTES,
    RULE_SETS,
    Aggregate,
    ApprovalPolicyMethods,
    ApprovalRequestMethods,
    ConfigurationModelMethods,
    ContractedPricesMethods,
    DirectoryMethods,
    DiscountScheduleMethods,
    PriceBookMethods,
    PricingSettingsMethods,
    ProductMethods,
    PromotionMethods,
    QuoteMethods,
    RuleSetMethods,
)
from sfa_core.errors import AlreadyExistsError, ConcurrencyError, NotFoundError

if TYPE_CHECKING:
    from sfa_core.approvals.policy import Policy  # noqa: F401 - quoted base class
    from sfa_core.approvals.request import ApprovalRequest  # noqa: F401 - quoted base class
    from sfa_core.configure.model import ConfigurationModel  # noqa: F401 - quoted base class
    from sfa_core.directory.model import Directory  # noqa: F401 - quoted base class
    from sfa_core.quotes.model import Quote  # noqa: F401 - the quoted base class uses it

__all__ = [
    "MemoryApprovalPolicyRepository",
    "MemoryApprovalRequestRepository",
    "MemoryConfigurationModelRepository",
    "MemoryContractedPricesRepository",
    "MemoryDirectoryRepository",
    "MemoryDiscountScheduleRepository",
    "MemoryPriceBookRepository",
    "MemoryPricingSettingsRepository",
    "MemoryProductRepository",
    "MemoryPromotionRepository",
    "MemoryQuoteRepository",
    "MemoryRuleSetRepository",
    "MemoryStore",
]

T = TypeVar("T")


class _MemoryTable(Generic[T]):
    """The values of one aggregate in a dict, keyed by the aggregate's key: a :class:`Table`."""

    def __init__(self, aggregate: Aggregate[T], lock: threading.RLock) -> None:
        self.aggregate = aggregate
        self._lock = lock
        self._rows: dict[str, T] = {}
        self._revisions: dict[tuple[str, int], T] = {}

    def _keep(self, key: str, stored: T, version: int) -> T:
        if self.aggregate.keeps_revisions:
            self._revisions[key, version] = stored
        self._rows[key] = stored
        return stored

    def get(self, key: str) -> T:
        with self._lock:
            try:
                return self._rows[key]
            except KeyError:
                raise NotFoundError(self.aggregate.kind, key) from None

    def version(self, key: str) -> int:
        version: int = self.get(key).version  # type: ignore[attr-defined]
        return version

    def list(self, **filters: Any) -> list[T]:
        wanted = {name: value for name, value in filters.items() if value is not None}
        with self._lock:
            rows = sorted(self._rows.items())
        return [
            value
            for _, value in rows
            if all(getattr(value, name) == expected for name, expected in wanted.items())
        ]

    def add(self, value: T) -> T:
        key = self.aggregate.key_of(value)
        with self._lock:
            if key in self._rows:
                raise AlreadyExistsError(self.aggregate.kind, key)
            return self._keep(key, attrs.evolve(value, version=1), 1)  # type: ignore[misc]

    def update(self, value: T) -> T:
        key = self.aggregate.key_of(value)
        expected: int = value.version  # type: ignore[attr-defined]
        with self._lock:
            current = self.get(key)
            actual: int = current.version  # type: ignore[attr-defined]
            if actual != expected:
                raise ConcurrencyError(self.aggregate.kind, key, expected, actual)
            stored = attrs.evolve(value, version=expected + 1)  # type: ignore[misc]
            return self._keep(key, stored, expected + 1)

    def delete(self, key: str, expected_version: int) -> None:
        with self._lock:
            actual: int = self.get(key).version  # type: ignore[attr-defined]
            if actual != expected_version:
                raise ConcurrencyError(self.aggregate.kind, key, expected_version, actual)
            del self._rows[key]

    def versions(self) -> dict[str, int]:
        with self._lock:
            return {key: value.version for key, value in sorted(self._rows.items())}  # type: ignore[attr-defined]

    def revision(self, key: str, version: int) -> T:
        with self._lock:
            try:
                return self._revisions[key, version]
            except (KeyError, TypeError):
                raise NotFoundError(self.aggregate.kind, f"{key}@{version}") from None

    def snapshot(self) -> tuple[dict[str, T], dict[tuple[str, int], T]]:
        return dict(self._rows), dict(self._revisions)

    def restore(self, saved: tuple[dict[str, T], dict[tuple[str, int], T]]) -> None:
        self._rows, self._revisions = saved


class MemoryProductRepository(ProductMethods):
    """:class:`~sfa_core.ports.ProductRepository` kept in memory.

    Get one from :attr:`MemoryStore.products` (it shares the store's lock and
    transactions) rather than building it directly.

    Example:
        >>> from sfa_core.catalog import Product
        >>> products = MemoryStore().products
        >>> products.add(Product(sku="A-1", name="Widget")) == products.get("A-1")
        True
    """


class MemoryPriceBookRepository(PriceBookMethods):
    """:class:`~sfa_core.ports.PriceBookRepository` kept in memory.

    Get one from :attr:`MemoryStore.price_books` rather than building it directly.

    Example:
        >>> from sfa_core.catalog import PriceBook
        >>> books = MemoryStore().price_books
        >>> books.add(PriceBook(id="EU", currency="EUR")) == books.get("EU")
        True
    """


class MemoryQuoteRepository(QuoteMethods):
    """:class:`~sfa_core.ports.QuoteRepository` kept in memory.

    Get one from :attr:`MemoryStore.quotes` rather than building it directly.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.quotes import Quote
        >>> quotes = MemoryStore().quotes
        >>> quote = Quote(id="Q-1", account="ACME", currency="EUR", price_book="EU",
        ...               quote_date=dt.date(2027, 3, 1))
        >>> quotes.add(quote) == quotes.get("Q-1")
        True
    """


class MemoryConfigurationModelRepository(ConfigurationModelMethods):
    """:class:`~sfa_core.ports.ConfigurationModelRepository` kept in memory.

    Get one from :attr:`MemoryStore.configurations` rather than building it directly.

    Example:
        >>> from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option
        >>> models = MemoryStore().configurations
        >>> model = ConfigurationModel(root=Bundle(sku="LAPTOP", features=[
        ...     Feature(id="ram", options=[Option(id="r16", sku="RAM-16")])]))
        >>> models.add(model) == models.get("LAPTOP")
        True
    """


class MemoryRuleSetRepository(RuleSetMethods):
    """:class:`~sfa_core.ports.RuleSetRepository` kept in memory, every revision kept.

    Example:
        >>> from sfa_core.pricing import RuleSet
        >>> rule_sets = MemoryStore().rule_sets
        >>> rule_sets.add(RuleSet((), id="R")) == rule_sets.get("R")
        True
    """


class MemoryDiscountScheduleRepository(DiscountScheduleMethods):
    """:class:`~sfa_core.ports.DiscountScheduleRepository` kept in memory, every revision kept.

    Example:
        >>> from sfa_core.pricing import DiscountSchedule
        >>> schedules = MemoryStore().discount_schedules
        >>> schedules.add(DiscountSchedule("V", [(None, 5)])) == schedules.get("V")
        True
    """


class MemoryPromotionRepository(PromotionMethods):
    """:class:`~sfa_core.ports.PromotionRepository` kept in memory, every revision kept.

    Example:
        >>> MemoryStore().promotions.list()
        []
    """


class MemoryContractedPricesRepository(ContractedPricesMethods):
    """:class:`~sfa_core.ports.ContractedPricesRepository` kept in memory, every revision kept.

    Example:
        >>> from sfa_core import Money
        >>> from sfa_core.pricing import ContractedPrices
        >>> prices = MemoryStore().contracted_prices
        >>> _ = prices.add(ContractedPrices("ACME", {"DOCK": Money("79", "EUR")}))
        >>> prices.get("ACME").version
        1
    """


class MemoryPricingSettingsRepository(PricingSettingsMethods):
    """:class:`~sfa_core.ports.PricingSettingsRepository` kept in memory, every revision kept.

    Example:
        >>> from sfa_core.pricing import PricingSettings
        >>> MemoryStore().pricing_settings.add(PricingSettings()).id
        'default'
    """


class MemoryDirectoryRepository(DirectoryMethods):
    """:class:`~sfa_core.ports.DirectoryRepository` kept in memory.

    Get one from :attr:`MemoryStore.directories` rather than building it directly.

    Example:
        >>> from sfa_core.directory import Directory, User
        >>> directories = MemoryStore().directories
        >>> directories.add(Directory(users=[User("ana")])) == directories.get("main")
        True
    """


class MemoryApprovalPolicyRepository(ApprovalPolicyMethods):
    """:class:`~sfa_core.ports.ApprovalPolicyRepository` kept in memory.

    Get one from :attr:`MemoryStore.approval_policies` rather than building it directly.

    Example:
        >>> from sfa_core.approvals import Policy
        >>> policies = MemoryStore().approval_policies
        >>> policies.add(Policy(id="default")) == policies.get("default")
        True
    """


class MemoryApprovalRequestRepository(ApprovalRequestMethods):
    """:class:`~sfa_core.ports.ApprovalRequestRepository` kept in memory.

    Get one from :attr:`MemoryStore.approval_requests` rather than building it directly.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.approvals import ApprovalPlan, submit
        >>> request, _ = submit(ApprovalPlan(), request_id="AR-1", quote_id="Q-1",
        ...                     quote_revision=1, submitter="rep",
        ...                     at=dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc))
        >>> requests = MemoryStore().approval_requests
        >>> requests.add(request) == requests.get("AR-1")
        True
    """


class MemoryStore:
    """All in-memory repositories plus the unit of work that spans them.

    ``with store.transaction():`` takes a snapshot of every repository and puts
    it back if the block raises; nested blocks roll back only their own writes.
    Each store starts empty; its data lives as long as the store.

    Example:
        >>> from sfa_core.catalog import PriceBook, Product
        >>> store = MemoryStore()
        >>> with store.transaction():
        ...     _ = store.products.add(Product(sku="A-1", name="Widget"))
        ...     _ = store.price_books.add(PriceBook(id="EU", currency="EUR"))
        >>> len(store.products.list()), len(store.price_books.list())
        (1, 1)
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._tables: list[_MemoryTable[Any]] = []

        def table(aggregate: Aggregate[Any]) -> _MemoryTable[Any]:
            made: _MemoryTable[Any] = _MemoryTable(aggregate, self._lock)
            self._tables.append(made)
            return made

        self._products = MemoryProductRepository(table(PRODUCTS))
        self._price_books = MemoryPriceBookRepository(table(PRICE_BOOKS))
        self._quotes = MemoryQuoteRepository(table(QUOTES))
        self._configurations = MemoryConfigurationModelRepository(table(CONFIGURATIONS))
        self._rule_sets = MemoryRuleSetRepository(table(RULE_SETS))
        self._discount_schedules = MemoryDiscountScheduleRepository(table(DISCOUNT_SCHEDULES))
        self._promotions = MemoryPromotionRepository(table(PROMOTIONS))
        self._contracted_prices = MemoryContractedPricesRepository(table(CONTRACTED_PRICES))
        self._pricing_settings = MemoryPricingSettingsRepository(table(PRICING_SETTINGS))
        self._directories = MemoryDirectoryRepository(table(DIRECTORIES))
        self._approval_policies = MemoryApprovalPolicyRepository(table(APPROVAL_POLICIES))
        self._approval_requests = MemoryApprovalRequestRepository(table(APPROVAL_REQUESTS))

    @property
    def products(self) -> MemoryProductRepository:
        """The product repository.

        Example:
            >>> from sfa_core.ports import ProductRepository
            >>> isinstance(MemoryStore().products, ProductRepository)
            True
        """
        return self._products

    @property
    def price_books(self) -> MemoryPriceBookRepository:
        """The price book repository.

        Example:
            >>> from sfa_core.ports import PriceBookRepository
            >>> isinstance(MemoryStore().price_books, PriceBookRepository)
            True
        """
        return self._price_books

    @property
    def quotes(self) -> MemoryQuoteRepository:
        """The quote repository.

        Example:
            >>> from sfa_core.ports import QuoteRepository
            >>> isinstance(MemoryStore().quotes, QuoteRepository)
            True
        """
        return self._quotes

    @property
    def configurations(self) -> MemoryConfigurationModelRepository:
        """The configuration model repository.

        Example:
            >>> from sfa_core.ports import ConfigurationModelRepository
            >>> isinstance(MemoryStore().configurations, ConfigurationModelRepository)
            True
        """
        return self._configurations

    @property
    def rule_sets(self) -> MemoryRuleSetRepository:
        """The price rule set repository.

        Example:
            >>> from sfa_core.ports import RuleSetRepository
            >>> isinstance(MemoryStore().rule_sets, RuleSetRepository)
            True
        """
        return self._rule_sets

    @property
    def discount_schedules(self) -> MemoryDiscountScheduleRepository:
        """The discount schedule repository.

        Example:
            >>> from sfa_core.ports import DiscountScheduleRepository
            >>> isinstance(MemoryStore().discount_schedules, DiscountScheduleRepository)
            True
        """
        return self._discount_schedules

    @property
    def promotions(self) -> MemoryPromotionRepository:
        """The promotion repository.

        Example:
            >>> from sfa_core.ports import PromotionRepository
            >>> isinstance(MemoryStore().promotions, PromotionRepository)
            True
        """
        return self._promotions

    @property
    def contracted_prices(self) -> MemoryContractedPricesRepository:
        """The contracted prices repository (by account).

        Example:
            >>> from sfa_core.ports import ContractedPricesRepository
            >>> isinstance(MemoryStore().contracted_prices, ContractedPricesRepository)
            True
        """
        return self._contracted_prices

    @property
    def pricing_settings(self) -> MemoryPricingSettingsRepository:
        """The pricing settings repository.

        Example:
            >>> from sfa_core.ports import PricingSettingsRepository
            >>> isinstance(MemoryStore().pricing_settings, PricingSettingsRepository)
            True
        """
        return self._pricing_settings

    @property
    def directories(self) -> MemoryDirectoryRepository:
        """The directory repository (users, groups, delegations).

        Example:
            >>> from sfa_core.ports import DirectoryRepository
            >>> isinstance(MemoryStore().directories, DirectoryRepository)
            True
        """
        return self._directories

    @property
    def approval_policies(self) -> MemoryApprovalPolicyRepository:
        """The approval policy repository.

        Example:
            >>> from sfa_core.ports import ApprovalPolicyRepository
            >>> isinstance(MemoryStore().approval_policies, ApprovalPolicyRepository)
            True
        """
        return self._approval_policies

    @property
    def approval_requests(self) -> MemoryApprovalRequestRepository:
        """The approval request repository.

        Example:
            >>> from sfa_core.ports import ApprovalRequestRepository
            >>> isinstance(MemoryStore().approval_requests, ApprovalRequestRepository)
            True
        """
        return self._approval_requests

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes of the block atomic (see the class docstring).

        The block holds the store's lock, so other threads wait until it ends.

        Returns:
            A context manager. On normal exit the writes stay; if the block
            raises, every repository goes back to how it was when the block
            began, and the exception propagates.

        Example:
            >>> from sfa_core.catalog import Product
            >>> store = MemoryStore()
            >>> with store.transaction():
            ...     _ = store.products.add(Product(sku="OUTER", name="kept"))
            ...     try:
            ...         with store.transaction():
            ...             _ = store.products.add(Product(sku="INNER", name="undone"))
            ...             raise RuntimeError("inner failure")
            ...     except RuntimeError:
            ...         pass
            >>> [p.sku for p in store.products.list()]
            ['OUTER']
        """
        with self._lock:
            snapshots = [table.snapshot() for table in self._tables]
            try:
                yield
            except BaseException:
                for table, rows in zip(self._tables, snapshots, strict=True):
                    table.restore(rows)
                raise

    def close(self) -> None:
        """Do nothing: there is nothing to release (present for symmetry with SQLite).

        The store stays usable afterwards.

        Example:
            >>> store = MemoryStore()
            >>> store.close()
            >>> store.products.list()
            []
        """
