"""Price books that derive from each other, resolved into unit prices.

A :class:`~sfa_core.catalog.PriceBook` may list a price for a SKU itself, or derive it
with its ``derived_from`` :class:`~sfa_core.catalog.derivation.Derivation` (another
book's price or the product's cost, through an Odoo pricelist formula).

A :class:`PriceBookSet` resolves prices across books: a book's own entry for a SKU wins;
otherwise its derivation applies when it covers the product (its ``skus`` or ``families``,
or every product when both are empty), recursively down a chain of books. Cycles and
missing base books are refused when the set is built. A base price in another currency is
converted with :meth:`sfa_core.money.ExchangeRates.convert` on the pricing day and rounded to
the target currency's minor units (``ROUND_HALF_UP`` unless the set says otherwise) before
the formula; a derived price is rounded to its book's currency the same way. A listed entry
is returned as it is listed.

>>> import datetime as dt
>>> from sfa_core.catalog import Derivation, PriceBook, Product
>>> from sfa_core.money import Money
>>> eu = PriceBook(id="EU", currency="EUR", entries={"A-1": Money("100.00", "EUR")})
>>> partner = PriceBook(id="PARTNER", currency="EUR",
...                     derived_from=Derivation(base_price_book="EU", discount=12))
>>> books = PriceBookSet([eu, partner])
>>> books.unit_price("PARTNER", Product(sku="A-1", name="Widget"), on=dt.date(2027, 1, 1)).price
Money(amount=Decimal('88.00'), currency='EUR')
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

import attrs

from sfa_core._fast import builder
from sfa_core._validate import as_member, require_day, require_items, require_key
from sfa_core.catalog.derivation import Derivation, PriceBase, _check_rounding, _check_text, _items
from sfa_core.catalog.model import PriceBook, Product
from sfa_core.errors import MissingRateError, NotFoundError, ValidationError, _joined, _text
from sfa_core.money import ExchangeRates, Money

__all__ = [
    "PriceBookCycleError",
    "PriceBookSet",
    "ResolutionKind",
    "ResolutionStep",
    "ResolvedPrice",
]


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

    code: ClassVar[str] = "price_book_cycle"

    def __init__(self, cycle: Sequence[str], *, path: str = "") -> None:
        self.cycle = tuple(cycle) if isinstance(cycle, (tuple, list)) else cycle
        super().__init__(
            "price books derive from each other: " + _joined(cycle, " -> "), path=_text(path)
        )


# -- field converters and validators ---------------------------------------------------------


def _kind(value: ResolutionKind | str) -> ResolutionKind:
    return as_member(ResolutionKind, value, "kind")


def _resolution_steps(value: Any) -> tuple[ResolutionStep, ...]:
    return _items(value, ResolutionStep, "steps")


def _check_money(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, Money):
        raise ValidationError("must be a Money", path=attribute.name, value=value)


def _check_optional_money(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        _check_money(instance, attribute, value)


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


def _books(value: Any) -> tuple[PriceBook, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError("must be a sequence of PriceBook", path="books", value=value)
    books = tuple(value)
    for index, book in enumerate(books):
        if not isinstance(book, PriceBook):
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

    books: tuple[PriceBook, ...] = attrs.field(converter=_books)
    rounding: str = attrs.field(default=ROUND_HALF_UP, validator=_check_rounding)

    # Laid out at construction (not compared, not serialized): book id -> the book, its
    # base, the base's base... down to a book with no derivation or a derivation on cost.
    _chains: dict[str, tuple[PriceBook, ...]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        by_id: dict[str, PriceBook] = {}
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
            derivation = book.derived_from
            if derivation is None or derivation.base is PriceBase.COST:
                continue
            if derivation.base_price_book not in by_id:
                raise ValidationError(
                    "the base price book is not in the set",
                    path=f"books[{index}].derived_from.base_price_book",
                    value=derivation.base_price_book,
                )
        chains: dict[str, tuple[PriceBook, ...]] = {}
        for book in self.books:
            walk: list[PriceBook] = []
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
                derivation = current.derived_from
                if derivation is None or derivation.base is PriceBase.COST:
                    break
                current = by_id[str(derivation.base_price_book)]
            chains[book.id] = tuple(walk)
        object.__setattr__(self, "_chains", chains)

    def book(self, book_id: str) -> PriceBook:
        """Return the book with id ``book_id``.

        Args:
            book_id: The id.

        Returns:
            The price book.

        Raises:
            NotFoundError: No book of the set has that id.
            ValidationError: ``book_id`` is not a valid key.

        >>> from sfa_core.catalog import PriceBook
        >>> PriceBookSet([PriceBook(id="EU", currency="EUR")]).book("EU").currency
        'EUR'
        """
        if book_id.__class__ is not str:
            require_key(book_id, "book_id")
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
            ValidationError: ``book_id`` is not a valid key.

        >>> from sfa_core.catalog import PriceBook
        >>> PriceBookSet([PriceBook(id="EU", currency="EUR")]).chain("EU")
        ('EU',)
        """
        if book_id.__class__ is not str:
            require_key(book_id, "book_id")
        chain = self._chains.get(book_id)
        if chain is None:
            raise NotFoundError("price book", book_id)
        return tuple(book.id for book in chain)

    def unit_price(
        self,
        book_id: str,
        product: Product,
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
        if book_id.__class__ is not str:
            require_key(book_id, "book_id")
        if product.__class__ is not Product:
            _require_product(product)
        chain = self._chains.get(book_id)
        if chain is None:
            raise NotFoundError("price book", book_id)
        if on.__class__ is not _dt.date:
            require_day(on, "on")
        sku = product.sku
        derived: list[tuple[PriceBook, Derivation]] = []
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
            derivation = book.derived_from
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
        book: PriceBook,
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


def _check_valid(book: PriceBook, on: _dt.date) -> None:
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


class PlainBooks:
    """Price books none of which derives from another: a dict is all the lookup needs.

    It answers :meth:`book` and :meth:`unit_price` as a :class:`PriceBookSet` of the
    same books would, without laying out chains: a book's missing entry is missing.

    Args:
        books: The books by id.

    >>> import datetime as dt
    >>> from sfa_core.catalog import PriceBook, Product
    >>> books = PlainBooks({"EU": PriceBook(id="EU", currency="EUR")})
    >>> books.book("EU").currency
    'EUR'
    >>> books.unit_price("EU", Product(sku="A-1", name="Widget"), on=dt.date(2027, 1, 1))
    Traceback (most recent call last):
    ...
    sfa_core.errors.NotFoundError: price book 'EU' entry 'A-1' not found
    """

    __slots__ = ("_books",)

    def __init__(self, books: dict[str, PriceBook]) -> None:
        self._books = books

    def book(self, book_id: str) -> PriceBook:
        """Return the book with id ``book_id``.

        Args:
            book_id: The id.

        Returns:
            The price book.

        Raises:
            NotFoundError: No book has that id.
            ValidationError: ``book_id`` is not a valid key.
        """
        if book_id.__class__ is not str:
            require_key(book_id, "book_id")
        try:
            return self._books[book_id]
        except KeyError:
            raise NotFoundError("price book", book_id) from None

    def unit_price(
        self,
        book_id: str,
        product: Product,
        *,
        on: _dt.date,
        rates: ExchangeRates | None = None,
    ) -> ResolvedPrice:
        """Raise: a price none of the books lists is found nowhere (no book derives).

        Args:
            book_id: The price book to price in.
            product: The product.
            on: The pricing day.
            rates: Exchange rates.

        Raises:
            NotFoundError: Always (after :class:`ValidationError` for a bad argument).
        """
        require_key(book_id, "book_id")
        _require_product(product)
        raise NotFoundError(f"price book {book_id!r} entry", product.sku)


def _require_product(product: Any) -> None:
    if not isinstance(product, Product):
        raise ValidationError("must be a Product", path="product", value=product)


def as_book_set(
    price_books: PriceBookSet | Mapping[str, PriceBook] | Iterable[PriceBook] | PriceBook,
) -> PriceBookSet | PlainBooks:
    """Return what resolves the prices of ``price_books`` (the argument of a pricing call).

    A :class:`PriceBookSet` is returned as it is. Other books become a
    :class:`PriceBookSet` when one of them derives from another, else
    :class:`PlainBooks`.

    Args:
        price_books: A set, books by id, an iterable of books, or one book.

    Returns:
        The resolver.

    Raises:
        ValidationError: An item is not a :class:`~sfa_core.catalog.PriceBook`
            (path ``price_books[i]``), or what :class:`PriceBookSet` raises.

    >>> from sfa_core.catalog import Derivation, PriceBook
    >>> eu = PriceBook(id="EU", currency="EUR")
    >>> type(as_book_set(eu)).__name__
    'PlainBooks'
    >>> partner = PriceBook(id="P", currency="EUR", derived_from=Derivation(base_price_book="EU"))
    >>> as_book_set([eu, partner]).chain("P")
    ('P', 'EU')
    """
    if price_books.__class__ in (list, tuple):
        pass  # the common case, without the abstract-class checks below
    elif isinstance(price_books, PriceBookSet):
        return price_books
    elif isinstance(price_books, PriceBook):
        price_books = [price_books]
    elif isinstance(price_books, Mapping):
        price_books = list(price_books.values())
    else:
        price_books = list(require_items(price_books, "price_books"))
    books: dict[str, PriceBook] = {}
    for index, book in enumerate(price_books):
        if not isinstance(book, PriceBook):
            raise ValidationError("must be a PriceBook", path=f"price_books[{index}]", value=book)
        if book.derived_from is not None:
            return PriceBookSet(price_books)
        books[book.id] = book
    return PlainBooks(books)


# -- fast constructors ---------------------------------------------------------------------
# Results built here are valid by construction: they skip the converters and validators
# of the public constructors (the pricing hot path).

_resolution_step: Callable[[str, ResolutionKind, Money | None, Money, str], ResolutionStep] = (
    builder(ResolutionStep)
)
_resolved_price: Callable[[Money, str, tuple[ResolutionStep, ...]], ResolvedPrice] = builder(
    ResolvedPrice
)
_money: Callable[[Decimal, str], Money] = builder(Money)

_ENTRY = ResolutionKind.ENTRY
_COST = ResolutionKind.COST
_CONVERSION = ResolutionKind.CONVERSION
_FORMULA = ResolutionKind.FORMULA
_ROUNDING = ResolutionKind.ROUNDING
