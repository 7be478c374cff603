"""Price a cart: items and quantities, with no quote id, account or date to invent.

A checkout holds a list of products and quantities. :func:`price_cart` turns it
into a draft :class:`~sfa_core.quotes.Quote` (the placeholder id
:data:`CART_QUOTE_ID`, the account :data:`ANONYMOUS_ACCOUNT`, the day ``on``),
prices it with :func:`~sfa_core.quotes.price_quote` and returns the
:class:`~sfa_core.quotes.PricedQuote`: the lines with their waterfalls, the
totals, the promotions that applied and those that did not (with why), and the tax.

Errors name the item, not the quote line: ``items[2].quantity``, ``items[0].sku``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from sfa_core._validate import (
    check_decimal,
    check_key,
    check_optional_key,
    check_positive,
    require_day,
    require_items,
    require_key,
    to_decimal,
)
from sfa_core.catalog.book_set import PriceBookSet
from sfa_core.catalog.model import PriceBook, Product
from sfa_core.clock import Clock, SystemClock
from sfa_core.errors import ValidationError
from sfa_core.money import ExchangeRates, Money, validate_currency
from sfa_core.pricing.model import PricingOptions
from sfa_core.pricing.price_rules import PriceRule, RuleSet
from sfa_core.pricing.promotions import Promotion
from sfa_core.pricing.schedules import DiscountSchedule
from sfa_core.pricing.tax import TaxPolicy
from sfa_core.quotes.model import Quote, QuoteLine
from sfa_core.quotes.priced import PricedQuote
from sfa_core.quotes.pricer import price_quote

__all__ = ["ANONYMOUS_ACCOUNT", "CART_QUOTE_ID", "CartItem", "price_cart"]

#: The id of the quote a cart is priced as (and the ``quote_id`` of the result).
CART_QUOTE_ID = "cart"
#: The account of a cart priced without one.
ANONYMOUS_ACCOUNT = "anonymous"

_ITEM_KEYS = frozenset({"sku", "quantity", "key"})


@attrs.frozen
class CartItem:
    """One item of a cart: a product and how many of it.

    Attributes:
        sku: The product's SKU.
        quantity: How many, greater than zero (a fraction only for a product sold
            by measure); an ``int``, a ``Decimal`` or a numeric string, never a float.
        key: The key of its line in the result (``line_discounts``, ``tax.lines``
            and :meth:`~sfa_core.quotes.PricedQuote.line` use it); by default
            ``"L1"``, ``"L2"``... by position in the cart.

    Raises:
        ValidationError: An empty or malformed SKU or key, a quantity that is
            not greater than zero (the path names the field).
        FloatAmountError: The quantity is a float.

    >>> CartItem("DOCK", 2)
    CartItem(sku='DOCK', quantity=Decimal('2'), key=None)
    >>> CartItem("DOCK", 0)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: quantity: must be greater than zero (got Decimal('0'))
    """

    sku: str = attrs.field(validator=check_key)
    quantity: Decimal = attrs.field(converter=to_decimal, validator=[check_decimal, check_positive])
    key: str | None = attrs.field(default=None, validator=check_optional_key)


def _item(value: Any, index: int) -> CartItem:
    """``value`` (a CartItem, a pair or a mapping) as a :class:`CartItem`, errors naming it."""
    path = f"items[{index}]"
    try:
        if isinstance(value, CartItem):
            return value
        if isinstance(value, Mapping):
            unknown = sorted(str(key) for key in value if key not in _ITEM_KEYS)
            if unknown:
                raise ValidationError(
                    f"unknown keys {unknown} (an item has sku, quantity and key)",
                    path=path,
                    value=unknown,
                )
            for name in ("sku", "quantity"):
                if name not in value:
                    raise ValidationError("is required", path=name)
            return CartItem(value["sku"], value["quantity"], value.get("key"))
        if isinstance(value, (tuple, list)) and len(value) == 2:
            return CartItem(value[0], value[1])
    except ValidationError as err:
        if err.path.startswith(path):
            raise
        raise _repath(err, path, "") from None
    raise ValidationError(
        "must be a CartItem, a (sku, quantity) pair or a mapping with sku and quantity",
        path=path,
        value=value,
    )


def _repath(err: ValidationError, new: str, old: str) -> ValidationError:
    """A copy of ``err`` (same class and attributes) with a new head of its path.

    ``old`` at the head of the path becomes ``new``; ``old=""`` puts ``new`` before it.
    """
    tail = err.path[len(old) :]
    path = f"{new}.{tail}" if not old and tail else new + tail
    text = str(err)
    text = path + text[len(err.path) :] if err.path else f"{path}: {text}"
    copy = type(err).__new__(type(err))
    copy.__dict__.update(err.__dict__)
    copy.path = path
    copy.args = (text,)
    return copy


def _books_of(price_books: Any) -> list[PriceBook]:
    """The price books a pricing call was given, in order (to choose the cart's)."""
    if isinstance(price_books, PriceBookSet):
        return list(price_books.books)
    if isinstance(price_books, PriceBook):
        return [price_books]
    if isinstance(price_books, Mapping):
        return list(price_books.values())
    books = list(require_items(price_books, "price_books"))
    for index, book in enumerate(books):
        if not isinstance(book, PriceBook):
            raise ValidationError("must be a PriceBook", path=f"price_books[{index}]", value=book)
    return books


def _choose_book(books: Sequence[PriceBook], currency: str | None, day: _dt.date) -> PriceBook:
    """The only active book valid on ``day`` (in ``currency``, when given)."""
    fitting = [
        book
        for book in books
        if book.active and book.is_valid_on(day) and (currency is None or book.currency == currency)
    ]
    if len(fitting) == 1:
        return fitting[0]
    where = f" in {currency}" if currency is not None else ""
    if not fitting:
        raise ValidationError(
            f"no active price book{where} is valid on {day.isoformat()}",
            path="price_books",
            value=[book.id for book in books],
        )
    raise ValidationError(
        f"several price books{where} are valid on {day.isoformat()}; name one",
        path="price_book",
        value=[book.id for book in fitting],
    )


def price_cart(
    items: Iterable[CartItem | tuple[str, Decimal | int | str] | Mapping[str, Any]],
    catalog: Mapping[str, Product] | Iterable[Product],
    price_books: PriceBookSet | Mapping[str, PriceBook] | Iterable[PriceBook] | PriceBook,
    *,
    price_book: str | None = None,
    currency: str | None = None,
    on: _dt.date | None = None,
    clock: Clock | None = None,
    account: str = ANONYMOUS_ACCOUNT,
    rules: RuleSet | Iterable[RuleSet | PriceRule] | None = None,
    schedules: Mapping[str, DiscountSchedule] | Iterable[DiscountSchedule] = (),
    rates: ExchangeRates | None = None,
    contracted_prices: Mapping[str, Money] | None = None,
    customer: Mapping[str, Any] | None = None,
    promotions: Sequence[Promotion] = (),
    promotion_usage: Mapping[str, int] | None = None,
    tax: TaxPolicy | None = None,
    options: PricingOptions | None = None,
) -> PricedQuote:
    """Price a checkout's cart: its items, then promotions, tax and totals.

    The cart becomes a draft quote (id :data:`CART_QUOTE_ID`, one line per item,
    keyed ``L1``, ``L2``... unless an item has a key) and is priced by
    :func:`~sfa_core.quotes.price_quote`, so the result is the same
    :class:`~sfa_core.quotes.PricedQuote`, waterfalls and all.

    The pricing day is ``on``; without it, ``clock.today()``; without a clock,
    today's date in UTC (the only thing read from outside: pass ``on`` for a
    result that depends on the arguments alone).

    Args:
        items: The cart: :class:`CartItem` values, ``(sku, quantity)`` pairs or
            mappings with ``sku``, ``quantity`` and, optionally, ``key``.
        catalog: The products, by SKU or as an iterable.
        price_books: The price books (with the bases of a derived book).
        price_book: The id of the book to price from; by default the only
            active book valid on the day (in ``currency``, when given).
        currency: The cart's currency; by default the price book's (another one
            needs ``rates``).
        on: The pricing day.
        clock: Where today's date is read when ``on`` is not given (a
            :class:`~sfa_core.clock.Clock`; only its ``today()`` is read).
        account: The account price rule conditions see (``quote.account``).
        rules: Price rule sets (or loose rules).
        schedules: Discount schedules the products name.
        rates: Exchange rates, for prices in another currency.
        contracted_prices: Agreed unit prices, per SKU.
        customer: What price rule conditions see as ``customer``.
        promotions: Cart promotions; the result says which applied and, for
            each other one, why not.
        promotion_usage: How many times each promotion was already used.
        tax: The tax policy; without one, tax is zero and gross equals net.
        options: Order switches and the rounding policy.

    Returns:
        The :class:`~sfa_core.quotes.PricedQuote`, with ``quote_id`` ``"cart"``.

    Raises:
        ValidationError: A bad item (path ``items[i]``, ``items[i].quantity``...),
            no price book or several to choose from (``price_book``), a day that
            is not a date (``on``), a bad argument (named).
        UnknownProductError: An item names a SKU the catalog does not hold
            (path ``items[i].sku``).
        SfaError: Whatever :func:`~sfa_core.quotes.price_quote` raises, with
            ``lines[i]`` in its path given as ``items[i]``.

    >>> import datetime as dt
    >>> from sfa_core.pricing import RateTaxPolicy
    >>> book = PriceBook(id="EU", currency="EUR", entries={
    ...     "MUG": Money("12.00", "EUR"), "TEE": Money("25.00", "EUR")})
    >>> products = [Product(sku="MUG", name="Mug"), Product(sku="TEE", name="T-shirt")]
    >>> priced = price_cart([("MUG", 2), {"sku": "TEE", "quantity": 1}], products, book,
    ...                     on=dt.date(2027, 3, 1), tax=RateTaxPolicy({"standard": 20}))
    >>> [(line.key, line.sku, str(line.net_total)) for line in priced.lines]
    [('L1', 'MUG', '24.00'), ('L2', 'TEE', '25.00')]
    >>> priced.net_total, priced.gross_total
    (Money(amount=Decimal('49.00'), currency='EUR'), Money(amount=Decimal('58.80'), currency='EUR'))
    >>> price_cart([("MUG", 2), ("TEE", "1.5")], products, book, on=dt.date(2027, 3, 1))
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: items[1].quantity: line 'L2': TEE is sold in whole units ...
    """
    day = _pricing_day(on, clock)
    if isinstance(items, Mapping):
        raise ValidationError(
            "must be a sequence of items, not a mapping", path="items", value=items
        )
    cart = [_item(item, index) for index, item in enumerate(require_items(items, "items"))]
    if currency is not None:
        currency = validate_currency(currency)
    books = _books_of(price_books)
    if price_book is None:
        book = _choose_book(books, currency, day)
    else:
        book = _find_book(books, require_key(price_book, "price_book"))
    lines = [
        QuoteLine(key=item.key or f"L{index}", sku=item.sku, quantity=item.quantity)
        for index, item in enumerate(cart, start=1)
    ]
    try:
        quote = Quote(
            id=CART_QUOTE_ID,
            account=require_key(account, "account"),
            currency=book.currency if currency is None else currency,
            price_book=book.id,
            quote_date=day,
            lines=lines,
        )
        return price_quote(
            quote,
            catalog,
            price_books,
            rules,
            schedules=schedules,
            rates=rates,
            contracted_prices=contracted_prices,
            customer=customer,
            promotions=promotions,
            promotion_usage=promotion_usage,
            tax=tax,
            options=options,
        )
    except ValidationError as err:
        raise _cart_error(err) from None


def _pricing_day(on: Any, clock: Any) -> _dt.date:
    if on is not None:
        if clock is not None:
            raise ValidationError("give on or clock, not both", path="clock", value=clock)
        return require_day(on, "on")
    if clock is None:
        clock = SystemClock()
    elif not callable(getattr(clock, "today", None)):
        raise ValidationError("must have a today() method", path="clock", value=clock)
    return require_day(clock.today(), "clock.today()")


def _find_book(books: Sequence[PriceBook], book_id: str) -> PriceBook:
    for book in books:
        if book.id == book_id:
            return book
    raise ValidationError("no price book has this id", path="price_book", value=book_id)


def _cart_error(err: ValidationError) -> ValidationError:
    """``err`` with a quote's path (``lines[2].sku``, ``quote_date``) given as the cart's."""
    path = err.path
    if path.startswith("lines["):
        return _repath(err, "items[", "lines[")
    if path == "quote_date":
        return _repath(err, "on", "quote_date")
    return err
