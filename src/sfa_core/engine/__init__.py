"""The engine: :class:`SalesEngine` and one service per area.

``engine.catalog``, ``engine.pricing``, ``engine.quotes``,
``engine.configurations``, ``engine.directory`` and ``engine.approvals`` are
services with explicit constructors that name their repositories, the clock,
the store's transactions and the other services they call (catalog <- pricing
<- quotes <- configurations; the directory stands on its own; approvals call
the quotes, the catalog, the pricing and the directory). No business rule
lives here: each method loads through the ports, calls the core, saves and
returns.

>>> from sfa_core.engine import SalesEngine
>>> engine = SalesEngine.in_memory()
>>> type(engine.quotes).__name__, type(engine.pricing).__name__
('QuoteService', 'PricingService')
"""

from __future__ import annotations

from sfa_core.engine.approvals import ApprovalService
from sfa_core.engine.catalog import CatalogService
from sfa_core.engine.configurations import ConfigurationService
from sfa_core.engine.directory import DirectoryService
from sfa_core.engine.pricing import PricingService, SetupEditor
from sfa_core.engine.quotes import QuoteService
from sfa_core.engine.sales_engine import SalesEngine

__all__ = [
    "ApprovalService",
    "CatalogService",
    "ConfigurationService",
    "DirectoryService",
    "PricingService",
    "QuoteService",
    "SalesEngine",
    "SetupEditor",
]
