"""Catalog values: :class:`Product` and :class:`PriceBook`.

Both are frozen attrs classes validated at construction, so an invalid product
or price book cannot exist. ``version`` is the storage version: ``0`` for a
value that was never stored; repositories set it on every successful write and
refuse a write whose version is not the stored one (optimistic concurrency).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Union

import attrs

from sfa_core._frozen import FrozenMap, freeze_map
from sfa_core._validate import (
    check_bool,
    check_date,
    check_key,
    check_text,
    check_version,
    require_day,
    require_key,
)
from sfa_core.errors import CurrencyMismatchError, NotFoundError, ValidationError
from sfa_core.money import Money, validate_currency

__all__ = ["AttributeValue", "PriceBook", "Product"]

#: The values a product attribute may hold. Numbers are integers: a measure with a
#: fraction is better stored in a smaller unit (grams, not kilograms) or as text.
AttributeValue = Union[str, int, bool]  # noqa: UP007 (a runtime alias on Python 3.10)

_ATTRIBUTE_TYPES = (str, int, bool)


def _check_attributes(instance: Any, attribute: Any, value: Mapping[str, Any]) -> None:
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise ValidationError(
                "attribute names must be non-empty strings", path=attribute.name, value=key
            )
        if not isinstance(item, _ATTRIBUTE_TYPES):
            raise ValidationError(
                "must be a str, int or bool",
                path=f"{attribute.name}[{key!r}]",
                value=item,
            )


def _check_cost(instance: Any, attribute: Any, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Money):
        raise ValidationError("must be a Money or None", path=attribute.name, value=value)
    if value.amount < 0:
        raise ValidationError("must not be negative", path=attribute.name, value=value)


@attrs.frozen
class Product:
    """A sellable item of the catalog.

    Attributes:
        sku: Unique stock-keeping unit, the product's key.
        name: Display name.
        family: Product family used by rules and reports (``"hardware"``).
        unit_of_measure: Unit the quantity counts (``"each"``, ``"hour"``, ``"seat"``).
        cost: What one unit costs the seller, if known (for margins).
        active: Inactive products stay stored but cannot be sold.
        attributes: Free attributes (``{"colour": "grey", "ram_gb": 16}``).
        version: Storage version (0 = never stored).

    >>> from sfa_core.money import Money
    >>> p = Product(sku="LAPTOP-15", name="Laptop 15", family="hardware",
    ...             cost=Money("700.00", "EUR"), attributes={"ram_gb": 16})
    >>> p.attributes["ram_gb"], p.active, p.version
    (16, True, 0)
    >>> Product(sku="", name="nameless")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: sku: must not be empty (got '')
    """

    sku: str = attrs.field(validator=check_key)
    name: str = attrs.field(validator=check_text)
    family: str = attrs.field(default="", validator=check_text)
    unit_of_measure: str = attrs.field(default="each", validator=check_key)
    cost: Money | None = attrs.field(default=None, validator=_check_cost)
    active: bool = attrs.field(default=True, validator=check_bool)
    attributes: Mapping[str, AttributeValue] = attrs.field(
        factory=FrozenMap, converter=freeze_map, validator=_check_attributes
    )
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)


def _check_entries(instance: PriceBook, attribute: Any, value: Mapping[str, Any]) -> None:
    for sku, price in value.items():
        path = f"entries[{sku!r}]"
        require_key(sku, path)
        if not isinstance(price, Money):
            raise ValidationError("must be a Money", path=path, value=price)
        if price.currency != instance.currency:
            raise CurrencyMismatchError(
                instance.currency, price.currency, operation="list a price in", path=path
            )
        if price.amount < 0:
            raise ValidationError("must not be negative", path=path, value=price)


def _check_validity(instance: PriceBook, attribute: Any, value: _dt.date | None) -> None:
    check_date(instance, attribute, value)
    start = instance.valid_from
    if value is not None and start is not None and value < start:
        raise ValidationError(
            f"must not be before valid_from ({start.isoformat()})", path="valid_until", value=value
        )


@attrs.frozen
class PriceBook:
    """Unit list prices for products in one currency, valid over a date range.

    Attributes:
        id: Unique key of the price book (``"EU-2027"``).
        currency: ISO 4217 code; every entry is in this currency.
        name: Display name.
        entries: Unit list price per SKU.
        active: An inactive price book cannot price anything.
        valid_from: First day it applies (inclusive), or ``None`` for always.
        valid_until: Last day it applies (inclusive), or ``None`` for open-ended.
        version: Storage version (0 = never stored).

    >>> import datetime as dt
    >>> from sfa_core.money import Money
    >>> book = PriceBook(id="EU-2027", currency="EUR", name="Europe 2027",
    ...                  entries={"LAPTOP-15": Money("1199.00", "EUR")},
    ...                  valid_from=dt.date(2027, 1, 1), valid_until=dt.date(2027, 12, 31))
    >>> book.price_for("LAPTOP-15", on=dt.date(2027, 3, 1))
    Money(amount=Decimal('1199.00'), currency='EUR')
    >>> from sfa_core.errors import ValidationError
    >>> try:
    ...     book.price_for("LAPTOP-15", on=dt.date(2028, 1, 1))
    ... except ValidationError as err:
    ...     print(err.reason, "|", err.path)
    price book 'EU-2027' is not valid on 2028-01-01 | valid_until
    """

    id: str = attrs.field(validator=check_key)
    currency: str = attrs.field(converter=validate_currency)
    name: str = attrs.field(default="", validator=check_text)
    entries: Mapping[str, Money] = attrs.field(
        factory=FrozenMap, converter=freeze_map, validator=_check_entries
    )
    active: bool = attrs.field(default=True, validator=check_bool)
    valid_from: _dt.date | None = attrs.field(default=None, validator=check_date)
    valid_until: _dt.date | None = attrs.field(default=None, validator=_check_validity)
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)

    def is_valid_on(self, day: _dt.date) -> bool:
        """Return whether the price book is active and ``day`` lies in its validity range.

        Args:
            day: The day to check.

        Returns:
            ``True`` when the price book can price on that day.

        >>> import datetime as dt
        >>> PriceBook(id="X", currency="EUR", valid_from=dt.date(2027, 1, 1)).is_valid_on(
        ...     dt.date(2026, 12, 31))
        False
        """
        require_day(day, "day")
        if not self.active:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_until is not None and day > self.valid_until)

    def price_for(self, sku: str, *, on: _dt.date | None = None) -> Money:
        """Return the unit list price of ``sku``.

        Args:
            sku: The product's SKU.
            on: The pricing date; when given, the price book must be valid that day.

        Returns:
            The entry's unit price.

        Raises:
            ValidationError: The price book is inactive, or not valid on ``on``
                (path ``valid_from`` or ``valid_until``), or ``on`` is not a date.
            NotFoundError: The price book has no entry for ``sku``.

        >>> from sfa_core.money import Money
        >>> book = PriceBook(id="EU", currency="EUR", entries={"A-1": Money("9.90", "EUR")})
        >>> book.price_for("A-1")
        Money(amount=Decimal('9.90'), currency='EUR')
        >>> book.price_for("B-2")
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: price book 'EU' entry 'B-2' not found
        """
        if not self.active:
            raise ValidationError(f"price book {self.id!r} is inactive", path="active", value=False)
        if on is not None and not self.is_valid_on(require_day(on, "on")):
            bound = (
                "valid_from"
                if self.valid_from is not None and on < self.valid_from
                else ("valid_until")
            )
            raise ValidationError(
                f"price book {self.id!r} is not valid on {on.isoformat()}",
                path=bound,
                value=getattr(self, bound),
            )
        try:
            return self.entries[sku]
        except KeyError:
            raise NotFoundError(f"price book {self.id!r} entry", sku) from None

    def with_price(self, sku: str, price: Money) -> PriceBook:
        """Return a copy with ``sku`` priced at ``price`` (added or replaced).

        Args:
            sku: The product's SKU.
            price: The unit price, in the price book's currency.

        Returns:
            The new price book (the version is kept: store it with ``update``).

        Raises:
            CurrencyMismatchError: ``price`` is in another currency.
            ValidationError: ``price`` is negative or ``sku`` is not a valid key.

        >>> from sfa_core.money import Money
        >>> PriceBook(id="X", currency="EUR").with_price("A", Money("5", "EUR")).entries["A"]
        Money(amount=Decimal('5'), currency='EUR')
        """
        entries = dict(self.entries)
        entries[sku] = price
        return attrs.evolve(self, entries=entries)
