"""Ports: the protocols a host implements to give sfa_core its storage and its clock.

The core never imports these; the :class:`~sfa_core.SalesEngine` and its
services do. sfa_core ships two implementations (:mod:`sfa_core.adapters.memory`
and :mod:`sfa_core.adapters.sqlite`) and a contract suite
(:mod:`sfa_core.testing.contracts`) that proves a host's own implementation
honours these protocols.

Every repository extends one generic protocol,
:class:`VersionedRepository` (get, list, add, update with the expected version,
delete), with its key name and its queries:

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

A host implements only the repositories of the services it uses
(:data:`STORE_REPOSITORIES` names them all).

>>> from sfa_core.adapters.memory import MemoryStore
>>> store = MemoryStore()
>>> isinstance(store.products, ProductRepository), isinstance(store, UnitOfWork)
(True, True)
>>> isinstance(store.quotes, QuoteRepository)
True
>>> isinstance(store.configurations, ConfigurationModelRepository)
True
>>> isinstance(store.directories, DirectoryRepository)
True
>>> isinstance(store.approval_requests, ApprovalRequestRepository)
True
>>> sorted(STORE_REPOSITORIES)[:4]
['approval_policies', 'approval_requests', 'configurations', 'contracted_prices']
"""

from __future__ import annotations

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
    SetupRepository,
)
from sfa_core.ports.quotes import QuoteRepository
from sfa_core.ports.store import STORE_REPOSITORIES, Clock, UnitOfWork
from sfa_core.ports.versioned import Versioned, VersionedRepository, with_version

__all__ = [
    "STORE_REPOSITORIES",
    "ApprovalPolicyRepository",
    "ApprovalRequestRepository",
    "Clock",
    "ConfigurationModelRepository",
    "ContractedPricesRepository",
    "DirectoryRepository",
    "DiscountScheduleRepository",
    "PriceBookRepository",
    "PricingSettingsRepository",
    "ProductRepository",
    "PromotionRepository",
    "QuoteRepository",
    "RuleSetRepository",
    "SetupRepository",
    "UnitOfWork",
    "Versioned",
    "VersionedRepository",
    "with_version",
]
