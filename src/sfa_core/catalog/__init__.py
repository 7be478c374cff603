"""The catalog: products and the price books that list their prices.

>>> from sfa_core.catalog import Product, PriceBook
>>> from sfa_core.money import Money
>>> book = PriceBook(id="EU", currency="EUR", entries={"A-1": Money("9.90", "EUR")})
>>> book.price_for("A-1")
Money(amount=Decimal('9.90'), currency='EUR')
"""

from sfa_core.catalog.model import AttributeValue, PriceBook, Product

__all__ = ["AttributeValue", "PriceBook", "Product"]
