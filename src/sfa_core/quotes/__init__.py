"""Quotes: lines, groups, lifecycle, and pricing a quote (or a cart) into a :class:`PricedQuote`."""

from sfa_core.quotes.cart import CartItem, price_cart
from sfa_core.quotes.configured import BundlePricing, to_quote_lines
from sfa_core.quotes.drafting import (
    bundle_key,
    edit_line,
    edit_quote,
    line_key,
    new_draft,
    new_line,
    next_revision_id,
)
from sfa_core.quotes.model import (
    LOCKED_STATUSES,
    TRANSITIONS,
    InvalidTransitionError,
    Quote,
    QuoteGroup,
    QuoteLine,
    QuoteLockedError,
    QuoteStatus,
)
from sfa_core.quotes.priced import PricedQuote
from sfa_core.quotes.pricer import price_quote
from sfa_core.quotes.with_setup import price_with_setup, unit_prices

__all__ = [
    "LOCKED_STATUSES",
    "TRANSITIONS",
    "BundlePricing",
    "CartItem",
    "InvalidTransitionError",
    "PricedQuote",
    "Quote",
    "QuoteGroup",
    "QuoteLine",
    "QuoteLockedError",
    "QuoteStatus",
    "bundle_key",
    "edit_line",
    "edit_quote",
    "line_key",
    "new_draft",
    "new_line",
    "next_revision_id",
    "price_cart",
    "price_quote",
    "price_with_setup",
    "to_quote_lines",
    "unit_prices",
]
