"""Derived price books: a book whose prices follow from another book or from cost (Odoo formulas).

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
   -0.01 for prices that end in 9.99);
5. ``min_margin``: the price is at least the base price plus this amount;
6. ``max_margin``: the price is at most the base price plus this amount.

Odoo ignores a margin of 0 (its fields cannot be empty); here ``None`` means "no bound"
and ``0`` is a real bound (``min_margin=0``: never below the base price).

A :class:`PriceBookSet` resolves prices across books: a book's own entry for a SKU wins;
otherwise its derivation applies when it covers the product (its ``skus`` or ``families``,
or every product when both are empty), recursively down a chain of books. Cycles and
missing base books are refused when the set is built. A base price in another currency is
converted with :meth:`sfa_core.money.ExchangeRates.convert` on the pricing day and rounded to
the target currency's minor units (``ROUND_HALF_UP`` unless the set says otherwise) before
the formula; a derived price is rounded to its book's currency the same way. A listed entry
is returned as it is listed.

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

import datetime as _dt
import decimal
import enum
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

import attrs

from sfa_core._validate import (
    as_member,
    check_decimal,
    check_optional_decimal,
    require_day,
    require_decimal,
    require_key,
    to_decimal,
    to_optional_decimal,
)

# The module, not its names: catalog/model.py imports this module to type
# ``PriceBook.derived_from``, so the names are looked up when used, not at import.
from sfa_core.catalog import model as _model
from sfa_core.errors import MissingRateError, NotFoundError, ValidationError
from sfa_core.money import ROUNDING_MODES, ExchangeRates, Money

__all__ = [
    "Derivation",
    "DerivedPrice",
    "PriceBase",
    "PriceBookCycleError",
    "PriceBookSet",
    "PriceStep",
    "ResolutionKind",
    "ResolutionStep",
    "ResolvedPrice",
]

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


class ResolutionKind(str, enum.Enum):
    """What one step of a :class:`ResolvedPrice` did.

    * ``ENTRY``: a book listed the SKU (where the price starts).
    * ``COST``: the product's cost was the base (where the price starts).
    * ``CONVERSION``: the price was converted into the next book's currency.
    * ``FORMULA``: one step of a derivation's formula.
    * ``ROUNDING``: a derived price was rounded to its currency's minor units.

    >>> [kind.value for kind in ResolutionKind]
    ['entry', 'cost', 'conversion', 'formula', 'rounding']
    """

    ENTRY = "entry"
    COST = "cost"
    CONVERSION = "conversion"
    FORMULA = "formula"
    ROUNDING = "rounding"


class PriceBookCycleError(ValidationError):
    """Price books derive from each other in a loop (``A -> B -> A``).

    Attributes:
        cycle: The ids of the books in the loop, the first repeated at the end.

    >>> err = PriceBookCycleError(["A", "B", "A"], path="books[0].derived_from.base_price_book")
    >>> err.cycle
    ('A', 'B', 'A')
    >>> str(err)
    'books[0].derived_from.base_price_book: price books derive from each other: A -> B -> A'
    """

    def __init__(self, cycle: Sequence[str], *, path: str = "") -> None:
        self.cycle = tuple(cycle)
        super().__init__("price books derive from each other: " + " -> ".join(cycle), path=path)


# -- field converters and validators ---------------------------------------------------------


def _price_base(value: PriceBase | str) -> PriceBase:
    return as_member(PriceBase, value, "base")


def _kind(value: ResolutionKind | str) -> ResolutionKind:
    return as_member(ResolutionKind, value, "kind")


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


def _resolution_steps(value: Any) -> tuple[ResolutionStep, ...]:
    return _items(value, ResolutionStep, "steps")


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


def _check_money(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, Money):
        raise ValidationError("must be a Money", path=attribute.name, value=value)


def _check_optional_money(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        _check_money(instance, attribute, value)


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
        surcharge: Amount added after rounding (negative to subtract).
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

    def applies_to(self, product: _model.Product) -> bool:
        """Return whether the derivation covers ``product`` (by SKU or family, or everything).

        Args:
            product: The product to price.

        Returns:
            ``True`` when ``skus`` and ``families`` are both empty, or the product's SKU
            is in ``skus``, or its family is in ``families``.

        >>> from sfa_core.catalog import Product
        >>> d = Derivation(base="cost", skus=["A-1"], families=["hardware"])
        >>> [d.applies_to(Product(sku=s, name="x", family=f))
        ...  for s, f in [("A-1", ""), ("B-2", "hardware"), ("C-3", "software")]]
        [True, True, False]
        """
        return (
            self._everything or product.sku in self._sku_set or product.family in self._family_set
        )

    def apply(self, base_price: Decimal | int | str) -> DerivedPrice:
        """Apply the formula to ``base_price`` and return the price with its steps.

        The price is exact (sums and products of Decimals); only ``round_to`` rounds it.
        Rounding to the currency is the caller's (see :class:`PriceBookSet`).

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
            steps.append(("surcharge", price, after, self._texts[3]))
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


# A formula step before it becomes a value: (name, before, after, detail).
_RawStep = tuple[str, Decimal, Decimal, str]


# -- resolution across books -------------------------------------------------------------------


@attrs.frozen
class ResolutionStep:
    """One step of a resolved price: which book did what, from which amount to which.

    Attributes:
        book_id: The book the step belongs to.
        kind: What the step did.
        before: The amount before the step (``None`` where the price starts).
        after: The amount after the step.
        detail: The step in words.

    >>> from sfa_core.money import Money
    >>> print(ResolutionStep("EU", "entry", None, Money("10.00", "EUR"), "'EU' lists 'A-1'"))
    EU entry: 10.00 EUR ('EU' lists 'A-1')
    """

    book_id: str = attrs.field(validator=_check_text)
    kind: ResolutionKind = attrs.field(converter=_kind)
    before: Money | None = attrs.field(validator=_check_optional_money)
    after: Money = attrs.field(validator=_check_money)
    detail: str = attrs.field(default="", validator=_check_text)

    def __str__(self) -> str:
        change = f"{self.after}" if self.before is None else f"{self.before} -> {self.after}"
        text = f"{self.book_id} {self.kind.value}: {change}"
        return f"{text} ({self.detail})" if self.detail else text


@attrs.frozen
class ResolvedPrice:
    """A unit price resolved by a :class:`PriceBookSet`, with where it came from.

    Attributes:
        price: The unit price in the requested book's currency: a listed entry as listed,
            a derived price rounded to the currency's minor units.
        source: The id of the book whose entry the price started from, or ``"cost"``.
        steps: Every step from the starting amount to ``price``, in order.

    >>> from sfa_core.money import Money
    >>> r = ResolvedPrice(Money("10.00", "EUR"), "EU",
    ...                   (ResolutionStep("EU", "entry", None, Money("10.00", "EUR")),))
    >>> print(r)
    10.00 EUR from EU
      EU entry: 10.00 EUR
    """

    price: Money = attrs.field(validator=_check_money)
    source: str = attrs.field(validator=_check_text)
    steps: tuple[ResolutionStep, ...] = attrs.field(default=(), converter=_resolution_steps)

    def __str__(self) -> str:
        lines = [f"{self.price} from {self.source}"]
        lines.extend(f"  {step}" for step in self.steps)
        return "\n".join(lines)


def _derivation_of(book: _model.PriceBook) -> Derivation | None:
    return book.derived_from


def _books(value: Any) -> tuple[_model.PriceBook, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError("must be a sequence of PriceBook", path="books", value=value)
    books = tuple(value)
    for index, book in enumerate(books):
        if not isinstance(book, _model.PriceBook):
            raise ValidationError("must be a PriceBook", path=f"books[{index}]", value=book)
    return books


@attrs.frozen
class PriceBookSet:
    """Price books that may derive from each other, resolved into unit prices.

    The chains of derivations are checked and laid out when the set is built, so pricing
    is a few dictionary look-ups and the formula of each derivation used.

    Attributes:
        books: The price books; ids are unique, every base book is in the set and no
            book derives from itself through others.
        rounding: The rounding mode of currency conversions and of derived prices
            (``ROUND_HALF_UP`` by default), to the currency's minor units.

    Raises:
        ValidationError: An item is not a PriceBook, two books share an id
            (path ``books[i].id``) or a base book is not in the set
            (path ``books[i].derived_from.base_price_book``).
        PriceBookCycleError: Books derive from each other in a loop.

    >>> import datetime as dt
    >>> from sfa_core.catalog import PriceBook, Product
    >>> from sfa_core.money import Money
    >>> list_ = PriceBook(id="LIST", currency="EUR", entries={"A-1": Money("100.00", "EUR")})
    >>> books = PriceBookSet([list_])
    >>> books.unit_price("LIST", Product(sku="A-1", name="Widget"), on=dt.date(2027, 1, 1)).price
    Money(amount=Decimal('100.00'), currency='EUR')
    """

    books: tuple[_model.PriceBook, ...] = attrs.field(converter=_books)
    rounding: str = attrs.field(default=ROUND_HALF_UP, validator=_check_rounding)

    # Laid out at construction (not compared, not serialized): book id -> the book, its
    # base, the base's base... down to a book with no derivation or a derivation on cost.
    _chains: dict[str, tuple[_model.PriceBook, ...]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        by_id: dict[str, _model.PriceBook] = {}
        index_of: dict[str, int] = {}
        for index, book in enumerate(self.books):
            if book.id in by_id:
                raise ValidationError(
                    f"duplicate price book id (also books[{index_of[book.id]}])",
                    path=f"books[{index}].id",
                    value=book.id,
                )
            by_id[book.id] = book
            index_of[book.id] = index
        for index, book in enumerate(self.books):
            derivation = _derivation_of(book)
            if derivation is None or derivation.base is PriceBase.COST:
                continue
            if derivation.base_price_book not in by_id:
                raise ValidationError(
                    "the base price book is not in the set",
                    path=f"books[{index}].derived_from.base_price_book",
                    value=derivation.base_price_book,
                )
        chains: dict[str, tuple[_model.PriceBook, ...]] = {}
        for book in self.books:
            walk: list[_model.PriceBook] = []
            position: dict[str, int] = {}
            current = book
            while True:
                known = chains.get(current.id)
                if known is not None:
                    walk.extend(known)
                    break
                if current.id in position:
                    cycle = [b.id for b in walk[position[current.id] :]] + [current.id]
                    raise PriceBookCycleError(
                        cycle, path=f"books[{index_of[cycle[0]]}].derived_from.base_price_book"
                    )
                position[current.id] = len(walk)
                walk.append(current)
                derivation = _derivation_of(current)
                if derivation is None or derivation.base is PriceBase.COST:
                    break
                current = by_id[str(derivation.base_price_book)]
            chains[book.id] = tuple(walk)
        object.__setattr__(self, "_chains", chains)

    def book(self, book_id: str) -> _model.PriceBook:
        """Return the book with id ``book_id``.

        Args:
            book_id: The id.

        Returns:
            The price book.

        Raises:
            NotFoundError: No book of the set has that id.

        >>> from sfa_core.catalog import PriceBook
        >>> PriceBookSet([PriceBook(id="EU", currency="EUR")]).book("EU").currency
        'EUR'
        """
        chain = self._chains.get(book_id)
        if chain is None:
            raise NotFoundError("price book", book_id)
        return chain[0]

    def chain(self, book_id: str) -> tuple[str, ...]:
        """Return the ids of ``book_id``, its base book, that book's base... in order.

        Args:
            book_id: The id of the first book.

        Returns:
            The ids down to a book that does not derive from another book.

        Raises:
            NotFoundError: No book of the set has that id.

        >>> from sfa_core.catalog import PriceBook
        >>> PriceBookSet([PriceBook(id="EU", currency="EUR")]).chain("EU")
        ('EU',)
        """
        chain = self._chains.get(book_id)
        if chain is None:
            raise NotFoundError("price book", book_id)
        return tuple(book.id for book in chain)

    def unit_price(
        self,
        book_id: str,
        product: _model.Product,
        *,
        on: _dt.date,
        rates: ExchangeRates | None = None,
    ) -> ResolvedPrice:
        """Return the unit price of ``product`` in book ``book_id`` on day ``on``.

        The book's own entry for the SKU wins. Otherwise, when its derivation covers the
        product, the price is the derivation applied to the base price: the base book's
        price for the SKU (resolved the same way) or the product's cost, converted to the
        book's currency when needed, and rounded to the currency's minor units.

        Args:
            book_id: The price book to price in.
            product: The product.
            on: The pricing day: every book used must be valid that day, and conversions
                use that day's rates.
            rates: Exchange rates, needed when a base price is in another currency.

        Returns:
            The :class:`ResolvedPrice`.

        Raises:
            NotFoundError: The set has no book ``book_id``; a book on the way neither lists
                the SKU nor derives a price for this product; or the product has no cost.
            ValidationError: A book on the way is inactive or not valid on ``on``
                (path ``active``, ``valid_from`` or ``valid_until``); ``on`` is not a date;
                or a derivation gives a negative price.
            MissingRateError: A conversion has no rate on ``on`` (or ``rates`` is ``None``).

        >>> import datetime as dt
        >>> from sfa_core.catalog import PriceBook, Product
        >>> from sfa_core.money import Money
        >>> list_ = PriceBook(id="LIST", currency="EUR",
        ...                   entries={"A-1": Money("100.00", "EUR")})
        >>> PriceBookSet([list_]).unit_price("LIST", Product(sku="B-2", name="Gadget"),
        ...                                  on=dt.date(2027, 1, 1))
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: price book 'LIST' entry 'B-2' not found
        """
        chain = self._chains.get(book_id)
        if chain is None:
            raise NotFoundError("price book", book_id)
        if on.__class__ is not _dt.date:
            require_day(on, "on")
        sku = product.sku
        derived: list[tuple[_model.PriceBook, Derivation]] = []
        steps: list[ResolutionStep] = []
        money: Money | None = None
        source = ""
        for book in chain:
            _check_valid(book, on)
            entry = book.entries.get(sku)
            if entry is not None:
                money = entry
                source = book.id
                detail = f"{book.id!r} lists {sku!r}"
                steps.append(_resolution_step(book.id, _ENTRY, None, entry, detail))
                break
            derivation = _derivation_of(book)
            if derivation is None or not derivation.applies_to(product):
                raise NotFoundError(f"price book {book.id!r} entry", sku)
            derived.append((book, derivation))
            if derivation.base is PriceBase.COST:
                cost = product.cost
                if cost is None:
                    raise NotFoundError("cost of product", sku)
                money = cost
                source = "cost"
                steps.append(_resolution_step(book.id, _COST, None, cost, f"cost of {sku!r}"))
                break
        if money is None:  # pragma: no cover - every chain ends in an entry, a cost or an error
            raise NotFoundError(f"price book {book_id!r} entry", sku)
        for book, derivation in reversed(derived):
            money = self._derive(book, derivation, money, sku, on, rates, steps)
        return _resolved_price(money, source, tuple(steps))

    def _derive(
        self,
        book: _model.PriceBook,
        derivation: Derivation,
        money: Money,
        sku: str,
        on: _dt.date,
        rates: ExchangeRates | None,
        steps: list[ResolutionStep],
    ) -> Money:
        currency = book.currency
        rounding = self.rounding
        if money.currency != currency:
            if rates is None:
                raise MissingRateError(money.currency, currency, on)
            converted = rates.convert(money, currency, on, rounding=rounding)
            rate = rates.rate(money.currency, currency, on)
            detail = f"rate {rate} on {on.isoformat()}, rounded {rounding}"
            steps.append(_resolution_step(book.id, _CONVERSION, money, converted, detail))
            money = converted
        price, formula = derivation._compute(money.amount)
        book_id = book.id
        for name, before, after, detail in formula:
            steps.append(
                _resolution_step(
                    book_id,
                    _FORMULA,
                    _money(before, currency),
                    _money(after, currency),
                    f"{name} {detail}" if detail else name,
                )
            )
        if price < 0:
            raise ValidationError(
                f"price book {book.id!r} derives a negative price for {sku!r}",
                path="derived_from",
                value=price,
            )
        exact = _money(price, currency)
        rounded = exact.round(rounding)
        if rounded.amount != price:
            detail = f"to the currency's minor units, {rounding}"
            steps.append(_resolution_step(book_id, _ROUNDING, exact, rounded, detail))
        return rounded


def _check_valid(book: _model.PriceBook, on: _dt.date) -> None:
    """Raise as :meth:`PriceBook.price_for` does when ``book`` cannot price on ``on``."""
    if not book.active:
        raise ValidationError(f"price book {book.id!r} is inactive", path="active", value=False)
    start = book.valid_from
    if start is not None and on < start:
        raise ValidationError(
            f"price book {book.id!r} is not valid on {on.isoformat()}",
            path="valid_from",
            value=start,
        )
    end = book.valid_until
    if end is not None and on > end:
        raise ValidationError(
            f"price book {book.id!r} is not valid on {on.isoformat()}",
            path="valid_until",
            value=end,
        )


# -- fast constructors ---------------------------------------------------------------------
# Results built here are valid by construction: setting the slots directly skips the
# converters and validators of the public constructors (the pricing hot path).

_new = object.__new__
_setters: dict[tuple[type, str], Callable[[Any, Any], None]] = {
    (cls, name): cls.__dict__[name].__set__
    for cls, names in (
        (PriceStep, ("name", "before", "after", "detail")),
        (DerivedPrice, ("base", "price", "steps")),
        (ResolutionStep, ("book_id", "kind", "before", "after", "detail")),
        (ResolvedPrice, ("price", "source", "steps")),
        (Money, ("amount", "currency")),
    )
    for name in names
}
_ps_name, _ps_before, _ps_after, _ps_detail = (
    _setters[PriceStep, name] for name in ("name", "before", "after", "detail")
)
_dp_base, _dp_price, _dp_steps = (
    _setters[DerivedPrice, name] for name in ("base", "price", "steps")
)
_rs_book, _rs_kind, _rs_before, _rs_after, _rs_detail = (
    _setters[ResolutionStep, name] for name in ("book_id", "kind", "before", "after", "detail")
)
_rp_price, _rp_source, _rp_steps = (
    _setters[ResolvedPrice, name] for name in ("price", "source", "steps")
)
_m_amount, _m_currency = (_setters[Money, name] for name in ("amount", "currency"))


def _price_step(name: str, before: Decimal, after: Decimal, detail: str) -> PriceStep:
    result = _new(PriceStep)
    _ps_name(result, name)
    _ps_before(result, before)
    _ps_after(result, after)
    _ps_detail(result, detail)
    return result


def _derived_price(base: Decimal, price: Decimal, steps: tuple[PriceStep, ...]) -> DerivedPrice:
    result = _new(DerivedPrice)
    _dp_base(result, base)
    _dp_price(result, price)
    _dp_steps(result, steps)
    return result


def _resolution_step(
    book_id: str, kind: ResolutionKind, before: Money | None, after: Money, detail: str
) -> ResolutionStep:
    result = _new(ResolutionStep)
    _rs_book(result, book_id)
    _rs_kind(result, kind)
    _rs_before(result, before)
    _rs_after(result, after)
    _rs_detail(result, detail)
    return result


def _resolved_price(price: Money, source: str, steps: tuple[ResolutionStep, ...]) -> ResolvedPrice:
    result = _new(ResolvedPrice)
    _rp_price(result, price)
    _rp_source(result, source)
    _rp_steps(result, steps)
    return result


def _money(amount: Decimal, currency: str) -> Money:
    result = _new(Money)
    _m_amount(result, amount)
    _m_currency(result, currency)
    return result


_ENTRY = ResolutionKind.ENTRY
_COST = ResolutionKind.COST
_CONVERSION = ResolutionKind.CONVERSION
_FORMULA = ResolutionKind.FORMULA
_ROUNDING = ResolutionKind.ROUNDING
