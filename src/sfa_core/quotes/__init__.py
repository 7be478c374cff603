"""Quotes: lines, groups, lifecycle, and pricing a quote into a :class:`PricedQuote`."""

from sfa_core.quotes.configured import BundlePricing, to_quote_lines
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

__all__ = [
    "LOCKED_STATUSES",
    "TRANSITIONS",
    "BundlePricing",
    "InvalidTransitionError",
    "PricedQuote",
    "Quote",
    "QuoteGroup",
    "QuoteLine",
    "QuoteLockedError",
    "QuoteStatus",
    "price_quote",
    "to_quote_lines",
]
