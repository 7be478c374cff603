"""The catalog: products, price books (listed, tiered, derived) and subscription terms.

>>> from sfa_core.catalog import Product, PriceBook
>>> from sfa_core.money import Money
>>> book = PriceBook(id="EU", currency="EUR", entries={"A-1": Money("9.90", "EUR")})
>>> book.price_for("A-1")
Money(amount=Decimal('9.90'), currency='EUR')
"""

from sfa_core.catalog.book_set import (
    PriceBookCycleError,
    PriceBookSet,
    ResolutionKind,
    ResolutionStep,
    ResolvedPrice,
)
from sfa_core.catalog.derivation import Derivation, DerivedPrice, PriceBase, PriceStep
from sfa_core.catalog.lookup import load_chain, require_sellable
from sfa_core.catalog.model import (
    AttributeValue,
    PercentBase,
    PercentOfTotal,
    PriceBook,
    PricingMethod,
    Product,
)
from sfa_core.catalog.subscription import ProrationPrecision, SubscriptionTerms, TermUnit
from sfa_core.catalog.tiers import (
    BlockPricing,
    PackagePricing,
    PackageRounding,
    Tier,
    TierBounds,
    TierCharge,
    TierMode,
    TierPrice,
    TierPricing,
    TierTable,
)

__all__ = [
    "AttributeValue",
    "BlockPricing",
    "Derivation",
    "DerivedPrice",
    "PackagePricing",
    "PackageRounding",
    "PercentBase",
    "PercentOfTotal",
    "PriceBase",
    "PriceBook",
    "PriceBookCycleError",
    "PriceBookSet",
    "PriceStep",
    "PricingMethod",
    "Product",
    "ProrationPrecision",
    "ResolutionKind",
    "ResolutionStep",
    "ResolvedPrice",
    "SubscriptionTerms",
    "TermUnit",
    "Tier",
    "TierBounds",
    "TierCharge",
    "TierMode",
    "TierPrice",
    "TierPricing",
    "TierTable",
    "load_chain",
    "require_sellable",
]
