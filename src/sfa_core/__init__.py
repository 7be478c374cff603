"""sfa_core: the domain logic of sales-force automation, pure, typed and exact to the cent.

The top level holds the facade, the key value types and the errors; each domain
lives in its own subpackage (:mod:`sfa_core.catalog`, :mod:`sfa_core.rules`, ...).
Storage adapters, the testing helpers and the command line are imported only
when used, so ``import sfa_core`` stays fast.

>>> from sfa_core import Money
>>> Money("19.99", "EUR") * 3
Money(amount=Decimal('59.97'), currency='EUR')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sfa_core.errors import (
    AlreadyExistsError,
    ConcurrencyError,
    CurrencyMismatchError,
    NotFoundError,
    RuleError,
    RuleEvaluationError,
    SerializationError,
    SfaError,
    ValidationError,
)
from sfa_core.money import ExchangeRates, Money

if TYPE_CHECKING:
    from sfa_core.engine import SalesEngine

__version__ = "0.1.0.dev0"

__all__ = [
    "AlreadyExistsError",
    "ConcurrencyError",
    "CurrencyMismatchError",
    "ExchangeRates",
    "Money",
    "NotFoundError",
    "RuleError",
    "RuleEvaluationError",
    "SalesEngine",
    "SerializationError",
    "SfaError",
    "ValidationError",
]


def __getattr__(name: str) -> Any:
    # The facade pulls in the ports and the catalog; load it on first use.
    if name == "SalesEngine":
        from sfa_core.engine import SalesEngine

        return SalesEngine
    raise AttributeError(f"module 'sfa_core' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
