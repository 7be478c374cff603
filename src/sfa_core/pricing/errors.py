"""Errors of pricing a line: each names the line (``lines[3].sku``) and the value.

Each has its own stable :attr:`~sfa_core.errors.SfaError.code`:

>>> UnknownProductError(2, "L3", "NOPE").code
'unknown_product'
"""

from __future__ import annotations

from typing import ClassVar

from sfa_core.errors import ValidationError, _shown, _text

__all__ = ["InactiveProductError", "LinePricingError", "MissingPriceError", "UnknownProductError"]


class LinePricingError(ValidationError):
    """A quote line cannot be priced.

    Attributes:
        index: The line's position in the quote.
        line: The line's key.
        sku: The SKU it names.
    """

    code: ClassVar[str] = "line_pricing_error"

    def __init__(self, index: int, line: str, sku: str, reason: str, field: str = "sku") -> None:
        self.index = index
        self.line = line
        self.sku = sku
        super().__init__(
            f"line {_shown(line)}: {_text(reason)}",
            path=f"lines[{_text(index)}].{_text(field)}",
            value=sku,
        )


class UnknownProductError(LinePricingError):
    """A line names a SKU the catalog does not hold.

    >>> raise UnknownProductError(2, "L3", "NOPE")
    Traceback (most recent call last):
    ...
    sfa_core.pricing.errors.UnknownProductError: lines[2].sku: line 'L3': no product ...'NOPE')
    """

    code: ClassVar[str] = "unknown_product"

    def __init__(self, index: int, line: str, sku: str) -> None:
        super().__init__(index, line, sku, "no product has this SKU")


class InactiveProductError(LinePricingError):
    """A line names a product that is inactive (kept in the catalog but not sold).

    >>> raise InactiveProductError(0, "L1", "OLD")
    Traceback (most recent call last):
    ...
    sfa_core.pricing.errors.InactiveProductError: lines[0].sku: line 'L1': ... inactive (got 'OLD')
    """

    code: ClassVar[str] = "inactive_product"

    def __init__(self, index: int, line: str, sku: str) -> None:
        super().__init__(index, line, sku, "the product is inactive")


class MissingPriceError(LinePricingError):
    """The price book has no price (or no tiers) for a line's product.

    Attributes:
        price_book: The price book searched.

    >>> raise MissingPriceError(1, "L2", "A-1", "EU")
    Traceback (most recent call last):
    ...
    sfa_core.pricing.errors.MissingPriceError: lines[1].sku: line 'L2': price book 'EU' has no ...
    """

    code: ClassVar[str] = "missing_price"

    def __init__(
        self, index: int, line: str, sku: str, price_book: str, what: str = "price"
    ) -> None:
        self.price_book = price_book
        super().__init__(
            index, line, sku, f"price book {_shown(price_book)} has no {_text(what)} for it"
        )
