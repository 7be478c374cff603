"""How a price book derives a price from another book's or from cost (Odoo formulas).

A :class:`~sfa_core.catalog.model.PriceBook` may list a price for a SKU itself, or derive it:
its ``derived_from`` :class:`Derivation` says from what (another book's price for the same
SKU, or the product's cost) and how, with the steps of Odoo's pricelist *formula*
(``product.pricelist.item._compute_price``), in Odoo's order:

1. the base price (converted to the book's currency first, when it is in another one);
2. ``discount`` percent off (a negative discount raises the price), then ``markup`` percent
   on (Odoo 17's *markup* on cost; here both may be given and both apply, discount first);
3. rounding to a multiple of ``round_to`` with the ``rounding`` mode (Odoo's *price_round*,
   whose mode is half-up);
4. ``surcharge`` added (Odoo's *extra fee*; negative to subtract: round to 10 and add
   -0.01 for prices that end in 9.99); a surcharge never takes a price below zero
   (a free product stays free in a ".99" book), as Odoo clamps it;
5. ``min_margin``: the price is at least the base price plus this amount;
6. ``max_margin``: the price is at most the base price plus this amount.

Odoo ignores a margin of 0 (its fields cannot be empty); here ``None`` means "no bound"
and ``0`` is a real bound (``min_margin=0``: never below the base price).

A :class:`Derivation` is a stored value (a book's ``derived_from``); resolving prices
across a set of books, one deriving from another, is
:class:`~sfa_core.catalog.book_set.PriceBookSet`'s.

>>> from decimal import Decimal
>>> d = Derivation(base_price_book="LIST", discount=12, round_to=10, surcharge="-0.01")
>>> result = d.apply(Decimal("100.00"))
>>> result.price
Decimal('89.99')
>>> print(result)
base 100.00
  discount 12%: 100.00 -> 88.0000
  round to a multiple of 10 (ROUND_HALF_UP): 88.0000 -> 90
  surcharge -0.01: 90 -> 89.99
= 89.99
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any, Protocol, TypeVar

import attrs

from sfa_core._fast import builder
from sfa_core._validate import (
    as_member,
    check_decimal,
    check_optional_decimal,
    require_decimal,
    require_key,
    to_decimal,
    to_optional_decimal,
)
from sfa_core.errors import ValidationError
from sfa_core.money import ROUNDING_MODES

__all__ = ["Derivation", "DerivedPrice", "PriceBase", "PriceStep"]

_T = TypeVar("_T")

_TRAPS = [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]
# Products and sums of prices and percentages: exact up to 100 digits.
_EXACT = decimal.Context(prec=100, rounding=ROUND_HALF_EVEN, traps=_TRAPS)
_HUNDRED = Decimal(100)


class PriceBase(str, enum.Enum):
    """What a derived price starts from (Odoo's *Based on*).

    * ``PRICE_BOOK``: another price book's price for the same SKU (*Other Pricelist*).
    * ``COST``: the product's cost (*Cost*).

    >>> PriceBase("cost")
    <PriceBase.COST: 'cost'>
    """

    PRICE_BOOK = "price_book"
    COST = "cost"


class _Product(Protocol):
    """What :meth:`Derivation.applies_to` reads of a :class:`~sfa_core.catalog.Product`."""

    @property
    def sku(self) -> str: ...

    @property
    def family(self) -> str: ...


# -- field converters and validators ---------------------------------------------------------


def _price_base(value: PriceBase | str) -> PriceBase:
    return as_member(PriceBase, value, "base")


def _strings(value: Any, path: str) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError("must be a sequence of strings", path=path, value=value)
    items = tuple(value)
    for index, item in enumerate(items):
        require_key(item, f"{path}[{index}]")
    return items


def _skus(value: Any) -> tuple[str, ...]:
    return _strings(value, "skus")


def _families(value: Any) -> tuple[str, ...]:
    return _strings(value, "families")


def _items(value: Any, kind: type[_T], path: str) -> tuple[_T, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError(f"must be a sequence of {kind.__name__}", path=path, value=value)
    items = tuple(value)
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            raise ValidationError(f"must be a {kind.__name__}", path=f"{path}[{index}]", value=item)
    return items


def _price_steps(value: Any) -> tuple[PriceStep, ...]:
    return _items(value, PriceStep, "steps")


def _check_rounding(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not str or value not in ROUNDING_MODES:
        raise ValidationError(
            "must be one of the decimal rounding modes " + ", ".join(sorted(ROUNDING_MODES)),
            path=attribute.name,
            value=value,
        )


def _check_text(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError("must be a string", path=attribute.name, value=value)


def _check_optional_key(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        require_key(value, attribute.name)


def _number(value: Decimal) -> str:
    """Write a percentage or a setting without exponent or trailing zeros (``12``, ``-0.01``)."""
    return f"{value.normalize(_EXACT):f}"


# -- the formula -----------------------------------------------------------------------------


@attrs.frozen
class PriceStep:
    """One step of a derivation's formula: its name, the price before and after.

    Attributes:
        name: ``"discount"``, ``"markup"``, ``"round"``, ``"surcharge"``, ``"min_margin"``
            or ``"max_margin"``.
        before: The price before the step.
        after: The price after the step.
        detail: The step's setting in words (``"12%"``, ``"to a multiple of 10"``).

    >>> from decimal import Decimal
    >>> print(PriceStep("discount", Decimal("100"), Decimal("90"), "10%"))
    discount 10%: 100 -> 90
    """

    name: str = attrs.field(validator=_check_text)
    before: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    after: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    detail: str = attrs.field(default="", validator=_check_text)

    def __str__(self) -> str:
        label = f"{self.name} {self.detail}" if self.detail else self.name
        return f"{label}: {self.before:f} -> {self.after:f}"


@attrs.frozen
class DerivedPrice:
    """The result of :meth:`Derivation.apply`: the price and every step that made it.

    Attributes:
        base: The base price the formula started from.
        price: The derived price (exact: not rounded to a currency).
        steps: The formula's steps that are set, in the order they applied.

    >>> from decimal import Decimal
    >>> result = Derivation(base="cost", markup=25).apply(Decimal("80.00"))
    >>> result.price, [step.name for step in result.steps]
    (Decimal('100.0000'), ['markup'])
    """

    base: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    price: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    steps: tuple[PriceStep, ...] = attrs.field(default=(), converter=_price_steps)

    def __str__(self) -> str:
        lines = [f"base {self.base:f}"]
        lines.extend(f"  {step}" for step in self.steps)
        lines.append(f"= {self.price:f}")
        return "\n".join(lines)


@attrs.frozen
class Derivation:
    """How a price book derives a price from a base price (an Odoo pricelist *formula* rule).

    Attributes:
        base: What the price starts from: another book's price or the product's cost.
        base_price_book: The id of the base book; required when ``base`` is
            ``PRICE_BOOK``, refused when it is ``COST``.
        discount: Percent taken off the base price (``10`` = 10 %); negative for a mark-up.
            At most 100.
        markup: Percent added after the discount (``>= 0``; Odoo 17's *markup*, which
            Odoo stores as a negative discount).
        round_to: Round the price to a multiple of this amount (``> 0``), or ``None``.
        rounding: The :mod:`decimal` mode of that rounding (``ROUND_HALF_UP``, as Odoo).
        surcharge: Amount added after rounding (negative to subtract); the price it
            gives is at least 0.
        min_margin: The price is at least ``base + min_margin``, or ``None`` for no floor.
        max_margin: The price is at most ``base + max_margin``, or ``None`` for no cap;
            not below ``min_margin``.
        skus: The SKUs the derivation applies to.
        families: The product families it applies to (a product matches when its SKU is
            in ``skus`` or its family in ``families``; both empty: every product).

    Raises:
        ValidationError: A field is invalid or the fields disagree (the error names it).

    >>> from decimal import Decimal
    >>> d = Derivation(base_price_book="LIST", discount="-10", families=["software"])
    >>> d.apply(Decimal("50.00")).price
    Decimal('55.0000')
    >>> Derivation(base="price_book")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: base_price_book: is required when base is 'price_book'
    >>> Derivation(base="cost", min_margin=10, max_margin=5)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: max_margin: must not be below min_margin (10) (got ...)
    """

    base: PriceBase = attrs.field(default=PriceBase.PRICE_BOOK, converter=_price_base)
    base_price_book: str | None = attrs.field(default=None, validator=_check_optional_key)
    discount: Decimal = attrs.field(
        default=Decimal(0), converter=to_decimal, validator=check_decimal
    )
    markup: Decimal = attrs.field(default=Decimal(0), converter=to_decimal, validator=check_decimal)
    round_to: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_decimal
    )
    rounding: str = attrs.field(default=ROUND_HALF_UP, validator=_check_rounding)
    surcharge: Decimal = attrs.field(
        default=Decimal(0), converter=to_decimal, validator=check_decimal
    )
    min_margin: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_decimal
    )
    max_margin: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_decimal
    )
    skus: tuple[str, ...] = attrs.field(default=(), converter=_skus)
    families: tuple[str, ...] = attrs.field(default=(), converter=_families)

    # Caches (not compared, not serialized).
    _sku_set: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _family_set: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _everything: bool = attrs.field(init=False, eq=False, repr=False)
    _texts: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)
    _factors: tuple[Decimal, Decimal] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.base is PriceBase.PRICE_BOOK and self.base_price_book is None:
            raise ValidationError("is required when base is 'price_book'", path="base_price_book")
        if self.base is PriceBase.COST and self.base_price_book is not None:
            raise ValidationError(
                "must be None when base is 'cost'",
                path="base_price_book",
                value=self.base_price_book,
            )
        if self.discount > _HUNDRED:
            raise ValidationError("must be at most 100", path="discount", value=self.discount)
        if self.markup < 0:
            raise ValidationError(
                "must not be negative (use a discount to lower the price)",
                path="markup",
                value=self.markup,
            )
        if self.round_to is not None and self.round_to <= 0:
            raise ValidationError("must be greater than zero", path="round_to", value=self.round_to)
        low, high = self.min_margin, self.max_margin
        if low is not None and high is not None and high < low:
            raise ValidationError(
                f"must not be below min_margin ({_number(low)})", path="max_margin", value=high
            )
        object.__setattr__(self, "_sku_set", frozenset(self.skus))
        object.__setattr__(self, "_family_set", frozenset(self.families))
        object.__setattr__(self, "_everything", not self.skus and not self.families)
        round_to = self.round_to
        texts = (
            f"{_number(self.discount)}%",
            f"{_number(self.markup)}%",
            "" if round_to is None else f"to a multiple of {_number(round_to)} ({self.rounding})",
            _number(self.surcharge),
            "" if low is None else f"base + {_number(low)}",
            "" if high is None else f"base + {_number(high)}",
        )
        object.__setattr__(self, "_texts", texts)
        # (100 - discount) / 100 and (100 + markup) / 100, exact.
        factors = (
            _EXACT.subtract(_HUNDRED, self.discount).scaleb(-2, _EXACT),
            _EXACT.add(_HUNDRED, self.markup).scaleb(-2, _EXACT),
        )
        object.__setattr__(self, "_factors", factors)

    def applies_to(self, product: _Product) -> bool:
        """Return whether the derivation covers ``product`` (by SKU or family, or everything).

        Args:
            product: The product to price.

        Returns:
            ``True`` when ``skus`` and ``families`` are both empty, or the product's SKU
            is in ``skus``, or its family is in ``families``.

        Raises:
            ValidationError: ``product`` has no text ``sku`` and ``family`` to read.

        >>> from sfa_core.catalog import Product
        >>> d = Derivation(base="cost", skus=["A-1"], families=["hardware"])
        >>> [d.applies_to(Product(sku=s, name="x", family=f))
        ...  for s, f in [("A-1", ""), ("B-2", "hardware"), ("C-3", "software")]]
        [True, True, False]
        """
        try:
            return (
                self._everything
                or product.sku in self._sku_set
                or product.family in self._family_set
            )
        except (AttributeError, TypeError):  # not a product, or an unhashable sku or family
            raise ValidationError(
                "must be a product (with a text sku and family)", path="product", value=product
            ) from None

    def apply(self, base_price: Decimal | int | str) -> DerivedPrice:
        """Apply the formula to ``base_price`` and return the price with its steps.

        The price is exact (sums and products of Decimals); only ``round_to`` rounds it.
        Rounding to the currency is the caller's (see
        :class:`~sfa_core.catalog.book_set.PriceBookSet`).

        Args:
            base_price: The base price, ``>= 0``, in the target currency.

        Returns:
            The :class:`DerivedPrice`.

        Raises:
            ValidationError: ``base_price`` is not a number or is negative
                (path ``base_price``).

        >>> from decimal import Decimal
        >>> d = Derivation(base="cost", markup=50, min_margin=30, max_margin=40)
        >>> print(d.apply(Decimal("50")))
        base 50
          markup 50%: 50 -> 75.00
          min_margin base + 30 = 80: 75.00 -> 80
          max_margin base + 40 = 90: 80 -> 80
        = 80
        """
        base = require_decimal(base_price, "base_price")
        if base < 0:
            raise ValidationError("must not be negative", path="base_price", value=base)
        price, steps = self._compute(base)
        return _derived_price(base, price, tuple(_price_step(*step) for step in steps))

    def _compute(self, base: Decimal) -> tuple[Decimal, list[_RawStep]]:
        """The formula on a checked base price: the exact price and its raw steps."""
        steps: list[_RawStep] = []
        price = base
        discount = self.discount
        if discount:
            after = _EXACT.multiply(price, self._factors[0])
            steps.append(("discount", price, after, self._texts[0]))
            price = after
        markup = self.markup
        if markup:
            after = _EXACT.multiply(price, self._factors[1])
            steps.append(("markup", price, after, self._texts[1]))
            price = after
        step = self.round_to
        if step is not None:
            count = _EXACT.divide(price, step).to_integral_value(self.rounding, _EXACT)
            after = _EXACT.multiply(count, step)
            steps.append(("round", price, after, self._texts[2]))
            price = after
        surcharge = self.surcharge
        if surcharge:
            after = _EXACT.add(price, surcharge)
            detail = self._texts[3]
            if after < 0 <= price:  # a surcharge never takes a price below zero (Odoo)
                after = _ZERO
                detail += ", floored at 0"
            steps.append(("surcharge", price, after, detail))
            price = after
        low = self.min_margin
        if low is not None:
            floor = _EXACT.add(base, low)
            after = floor if price < floor else price
            steps.append(("min_margin", price, after, f"{self._texts[4]} = {floor:f}"))
            price = after
        high = self.max_margin
        if high is not None:
            ceiling = _EXACT.add(base, high)
            after = ceiling if price > ceiling else price
            steps.append(("max_margin", price, after, f"{self._texts[5]} = {ceiling:f}"))
            price = after
        return price, steps


_ZERO = Decimal(0)

# A formula step before it becomes a value: (name, before, after, detail).
_RawStep = tuple[str, Decimal, Decimal, str]


# -- fast constructors ---------------------------------------------------------------------
# Results built here are valid by construction: they skip the converters and validators
# of the public constructors (the pricing hot path).

_price_step: Callable[[str, Decimal, Decimal, str], PriceStep] = builder(PriceStep)
_derived_price: Callable[[Decimal, Decimal, tuple[PriceStep, ...]], DerivedPrice] = builder(
    DerivedPrice
)
