"""What a store is: the repositories it may offer, its transactions, and the clock."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from sfa_core.clock import Clock
from sfa_core.ports.approvals import ApprovalPolicyRepository, ApprovalRequestRepository
from sfa_core.ports.catalog import PriceBookRepository, ProductRepository
from sfa_core.ports.configure import ConfigurationModelRepository
from sfa_core.ports.directory import DirectoryRepository
from sfa_core.ports.pricing import (
    ContractedPricesRepository,
    DiscountScheduleRepository,
    PricingSettingsRepository,
    PromotionRepository,
    RuleSetRepository,
)
from sfa_core.ports.quotes import QuoteRepository

__all__ = ["STORE_REPOSITORIES", "Clock", "UnitOfWork"]

#: The repositories a store may offer, by attribute name, with the protocol each
#: honours. :meth:`SalesEngine.from_store <sfa_core.SalesEngine.from_store>` takes
#: the ones a store has; a service whose repository is missing raises
#: :class:`~sfa_core.errors.MissingRepositoryError` when it needs it.
STORE_REPOSITORIES: dict[str, type] = {
    "products": ProductRepository,
    "price_books": PriceBookRepository,
    "quotes": QuoteRepository,
    "configurations": ConfigurationModelRepository,
    "rule_sets": RuleSetRepository,
    "discount_schedules": DiscountScheduleRepository,
    "promotions": PromotionRepository,
    "contracted_prices": ContractedPricesRepository,
    "pricing_settings": PricingSettingsRepository,
    "directories": DirectoryRepository,
    "approval_policies": ApprovalPolicyRepository,
    "approval_requests": ApprovalRequestRepository,
}


@runtime_checkable
class UnitOfWork(Protocol):
    """Groups writes to several repositories so that they all happen or none does.

    A store is any object that offers some of the repositories named in
    :data:`STORE_REPOSITORIES` as attributes (``store.products``,
    ``store.quotes``...) and, to make the engine's multi-write operations
    atomic, this protocol's :meth:`transaction`. A host implements only the
    repositories of the services it uses.

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

    def transaction(self) -> AbstractContextManager[None]:
        """Return a context manager within which writes are atomic.

        Returns:
            A context manager yielding ``None``. On normal exit the block's
            writes are kept (committed, if this is the outermost block); when
            the block raises, any exception (a ``ConcurrencyError`` included)
            undoes every write made in it and then propagates unchanged.
        """
        ...
