"""The quote service: drafts, lines, pricing with the stored setup, lifecycle, revisions.

Each method is a short script: load through the ports, call the core
(:mod:`sfa_core.quotes`), save, return.

>>> import datetime as dt
>>> from sfa_core import Money, SalesEngine
>>> from sfa_core.catalog import PriceBook, Product
>>> engine = SalesEngine.in_memory()
>>> _ = engine.catalog.add_product(Product(sku="A-1", name="Widget"))
>>> _ = engine.catalog.add_price_book(PriceBook(id="EU", currency="EUR",
...                                             entries={"A-1": Money("9.90", "EUR")}))
>>> quote = engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-1",
...                              quote_date=dt.date(2027, 3, 1))
>>> _ = engine.quotes.add_line("Q-1", sku="A-1", quantity=3)
>>> engine.quotes.price("Q-1").net_total
Money(amount=Decimal('29.70'), currency='EUR')
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from sfa_core._validate import require_day, require_key
from sfa_core.catalog import PriceBook
from sfa_core.configure import ConfigurationState
from sfa_core.engine._support import Transactions, require
from sfa_core.engine.catalog import CatalogService
from sfa_core.engine.pricing import PricingService
from sfa_core.errors import AlreadyExistsError, NotFoundError, ValidationError
from sfa_core.money import Money
from sfa_core.ports import Clock, QuoteRepository
from sfa_core.pricing import DiscountLimits, Promotion, SetupVersions, TaxPolicy
from sfa_core.quotes import (
    BundlePricing,
    PricedQuote,
    Quote,
    QuoteLine,
    QuoteStatus,
    bundle_key,
    edit_line,
    edit_quote,
    new_draft,
    new_line,
    next_revision_id,
    price_with_setup,
    to_quote_lines,
    unit_prices,
)
from sfa_core.quotes.model import _to_status

__all__ = ["QuoteService", "new_quote_id"]


def new_quote_id() -> str:
    """Return a new quote id: ``Q-`` and 12 upper-case hex digits.

    Returns:
        The id.

    >>> len(new_quote_id()), new_quote_id()[:2]
    (14, 'Q-')
    """
    return "Q-" + uuid.uuid4().hex[:12].upper()


class QuoteService:
    """Quotes: ``engine.quotes``.

    Args:
        quotes: Where quotes are stored.
        catalog: The catalog service (products must be sellable; price books).
        pricing: The pricing service (the stored setup quotes are priced with).
        clock: Where "today" comes from (the default quote date).
        transactions: The store's transactions.
        new_id: Makes quote ids when none is given.
        tax: A host's own tax engine, used instead of the stored settings' policy.
    """

    def __init__(
        self,
        quotes: QuoteRepository,
        catalog: CatalogService,
        pricing: PricingService,
        clock: Clock,
        transactions: Transactions,
        new_id: Callable[[], str] = new_quote_id,
        tax: TaxPolicy | None = None,
    ) -> None:
        self._quotes = quotes
        self._catalog = catalog
        self._pricing = pricing
        self._clock = clock
        self._transactions = transactions
        self._new_id = new_id
        self._tax = tax

    def create(
        self,
        *,
        account: str,
        price_book: str,
        quote_id: str | None = None,
        currency: str | None = None,
        quote_date: _dt.date | None = None,
        valid_for_days: int | None = 30,
        lines: Sequence[QuoteLine] = (),
        **fields: Any,
    ) -> Quote:
        """Create and store a draft quote (see :func:`~sfa_core.quotes.new_draft`).

        Args:
            account: The customer account.
            price_book: The price book; it must be stored.
            quote_id: The id; a new ``Q-...`` id when omitted.
            currency: Defaults to the price book's currency.
            quote_date: The pricing date; defaults to the clock's today.
            valid_for_days: Days after the quote date the offer holds (``None``:
                no expiry).
            lines: Initial lines; their products must be stored and active.
            **fields: Other :class:`~sfa_core.quotes.Quote` fields
                (``start_date``, ``additional_discount``...).

        Returns:
            The stored quote (version 1).

        Raises:
            NotFoundError: Unknown price book.
            ValidationError: A bad field, or a ``status`` other than draft (move
                the stored quote with :meth:`transition`).
            AlreadyExistsError: The id is taken.

        >>> import datetime as dt
        >>> from sfa_core import SalesEngine
        >>> from sfa_core.catalog import PriceBook
        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.catalog.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> q = engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-1",
        ...                          quote_date=dt.date(2027, 3, 1))
        >>> q.currency, q.valid_until, q.version
        ('EUR', datetime.date(2027, 3, 31), 1)
        """
        book = self._catalog.get_price_book(require_key(price_book, "price_book"))
        day = self._clock.today() if quote_date is None else require_day(quote_date, "quote_date")
        quote = new_draft(
            quote_id=quote_id if quote_id is not None else self._new_id(),
            account=account,
            price_book=book,
            quote_date=day,
            valid_for_days=valid_for_days,
            currency=currency,
            lines=lines,
            **fields,
        )
        with self._transactions.transaction():
            for index, line in enumerate(quote.lines):
                self._catalog.require_sellable(line.sku, f"lines[{index}].sku")
            return self._quotes.add(quote)

    def get(self, quote_id: str) -> Quote:
        """Return the stored quote.

        Args:
            quote_id: The quote.

        Returns:
            The quote with its current version.

        Raises:
            NotFoundError: No such quote.

        >>> from sfa_core import SalesEngine
        >>> SalesEngine.in_memory().quotes.get("Q-9")
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: quote 'Q-9' not found
        """
        return self._quotes.get(require_key(quote_id, "quote_id"))

    def list(
        self, *, account: str | None = None, status: QuoteStatus | str | None = None
    ) -> list[Quote]:
        """Return the stored quotes sorted by id, optionally filtered.

        Args:
            account: Keep this account's quotes only.
            status: Keep quotes in this status only.

        Returns:
            The quotes.

        Raises:
            ValidationError: An unknown status, or an account that is not a key.

        >>> from sfa_core import SalesEngine
        >>> SalesEngine.in_memory().quotes.list(status="draft")
        []
        """
        found: QuoteStatus | None = None if status is None else _to_status(status)
        if account is not None:
            require_key(account, "account")
        return self._quotes.list(account=account, status=found)

    def add_line(
        self,
        quote_id: str,
        *,
        sku: str,
        quantity: Any = 1,
        key: str | None = None,
        **fields: Any,
    ) -> Quote:
        """Add a line to a draft quote and store it (see :func:`~sfa_core.quotes.new_line`).

        Args:
            quote_id: The quote.
            sku: The product; it must be stored and active.
            quantity: How many.
            key: The line key; ``"L<n>"`` (the next free number) when omitted.
            **fields: Other :class:`~sfa_core.quotes.QuoteLine` fields
                (``additional_discount``, ``term``...).

        Returns:
            The stored quote.

        Raises:
            QuoteLockedError: The quote is not a draft.
            ValidationError: Unknown or inactive product, bad quantity, duplicate key.
            ConcurrencyError: The quote changed while this ran.
        """
        with self._transactions.transaction():
            quote = self.get(quote_id)
            quote.require_draft("add a line to")
            self._catalog.require_sellable(sku, "sku")
            changed = new_line(quote, sku=sku, quantity=quantity, key=key, **fields)
            return self._quotes.update(changed)

    def update_line(self, quote_id: str, key: str, **changes: Any) -> Quote:
        """Change fields of a line of a draft quote and store it.

        Args:
            quote_id: The quote.
            key: The line.
            **changes: :class:`~sfa_core.quotes.QuoteLine` fields to change; a
                new ``sku`` must be a stored, active product.

        Returns:
            The stored quote.

        Raises:
            QuoteLockedError: The quote is not a draft.
            NotFoundError: No such quote or line.
            ValidationError: A bad value.
        """
        with self._transactions.transaction():
            quote = self.get(quote_id)
            quote.require_draft("edit")
            if "sku" in changes:
                self._catalog.require_sellable(changes["sku"], "sku")
            return self._quotes.update(edit_line(quote, key, **changes))

    def update(self, quote_id: str, **changes: Any) -> Quote:
        """Change quote-level fields of a draft quote and store it.

        Lines have their own methods; the id, status, revision and version are
        managed by the lifecycle.

        Args:
            quote_id: The quote.
            **changes: :class:`~sfa_core.quotes.Quote` fields to change
                (``additional_discount``, ``discount_amount``, ``groups``,
                ``valid_until``, ``fields``...); a new ``price_book`` must be stored.

        Returns:
            The stored quote.

        Raises:
            QuoteLockedError: The quote is not a draft.
            NotFoundError: No such quote, or no such price book.
            ValidationError: An unknown or managed field, or a bad value.

        >>> import datetime as dt
        >>> from sfa_core import SalesEngine
        >>> from sfa_core.catalog import PriceBook
        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.catalog.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> _ = engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-1",
        ...                          quote_date=dt.date(2027, 3, 1))
        >>> engine.quotes.update("Q-1", additional_discount=5).additional_discount
        Decimal('5')
        """
        with self._transactions.transaction():
            quote = self.get(quote_id)
            changed = edit_quote(quote, **changes)
            if "price_book" in changes:
                self._catalog.get_price_book(require_key(changes["price_book"], "price_book"))
            return self._quotes.update(changed)

    def remove_line(self, quote_id: str, key: str) -> Quote:
        """Remove a line (and its bundle children) from a draft quote and store it.

        Args:
            quote_id: The quote.
            key: The line.

        Returns:
            The stored quote.

        Raises:
            QuoteLockedError: The quote is not a draft.
            NotFoundError: No such quote or line.
        """
        with self._transactions.transaction():
            quote = self.get(quote_id)
            return self._quotes.update(quote.without_line(key))

    def price(
        self,
        quote_id: str,
        *,
        customer: Mapping[str, Any] | None = None,
        limits: DiscountLimits | None = None,
        promotions: Sequence[Promotion] = (),
        promotion_usage: Mapping[str, int] | None = None,
        setup: SetupVersions | None = None,
    ) -> PricedQuote:
        """Price a stored quote with the stored catalog and the stored pricing setup.

        Loads the quote, its products, its price book and the books it derives
        from, and the setup of its account, then calls
        :func:`~sfa_core.quotes.price_with_setup`. Nothing is written. The
        result records the setup versions it used
        (:attr:`~sfa_core.quotes.PricedQuote.setup`).

        Args:
            quote_id: The quote.
            customer: What rule conditions see as ``customer``.
            limits: The discount authority of the user pricing it.
            promotions: Promotions besides the stored ones (a voucher entered
                now); they are applied but not recorded.
            promotion_usage: Times each promotion was already used.
            setup: Price with these recorded setup versions (from an earlier
                :class:`~sfa_core.quotes.PricedQuote`) instead of the current
                setup; a quote that is no longer a draft can be priced this way,
                to reproduce what it was offered at.

        Returns:
            The :class:`~sfa_core.quotes.PricedQuote`.

        Raises:
            QuoteLockedError: The quote is not a draft and ``setup`` is not given.
            NotFoundError: No such quote, or a recorded revision is gone.
            SfaError: Whatever :func:`~sfa_core.quotes.price_quote` raises.
        """
        quote = self.get(quote_id)
        if setup is None:
            quote.require_draft("reprice")
            loaded = self._pricing.setup(quote.account)
        else:
            loaded = self._pricing.setup_at(setup, quote.account)
        return price_with_setup(
            quote,
            self._catalog.products_for(line.sku for line in quote.lines),
            self._catalog.price_book_chain(quote.price_book),
            loaded,
            customer=customer,
            limits=limits,
            promotions=promotions,
            promotion_usage=promotion_usage,
            tax=self._tax,
            allow_locked=setup is not None,
        )

    def unit_prices(
        self,
        price_book: str,
        quantities: Mapping[str, Decimal | int],
        *,
        account: str,
        on: _dt.date | None = None,
    ) -> dict[str, Decimal]:
        """Each SKU's net unit price for ``account`` at a quantity, with the stored setup.

        See :func:`~sfa_core.quotes.unit_prices`.

        Args:
            price_book: The price book.
            quantities: Per SKU, the quantity.
            account: The account (contracted prices, rule conditions).
            on: The pricing date; defaults to the clock's today.

        Returns:
            Per SKU, the net unit price.

        Raises:
            NotFoundError: No such price book.
            SfaError: Whatever pricing a line raises (the error names its line).
        """
        books = self._catalog.price_book_chain(require_key(price_book, "price_book"))
        day = self._clock.today() if on is None else require_day(on, "on")
        if not isinstance(quantities, Mapping):
            raise ValidationError(
                "must be a mapping of SKU to quantity", path="quantities", value=quantities
            )
        return unit_prices(
            quantities,
            account=account,
            price_book=books[0].id,
            on=day,
            catalog=self._catalog.products_for(quantities),
            price_books=books,
            setup=self._pricing.setup(account),
        )

    def transition(self, quote_id: str, status: QuoteStatus | str) -> Quote:
        """Move a stored quote to ``status`` (submit, approve, present, accept...).

        Args:
            quote_id: The quote.
            status: The target status.

        Returns:
            The stored quote.

        Raises:
            InvalidTransitionError: The lifecycle does not allow the move.
            ConcurrencyError: The quote changed while this ran.
        """
        with self._transactions.transaction():
            quote = self.get(quote_id)
            return self._quotes.update(quote.transition(status))

    def new_version(self, quote_id: str, *, new_id: str | None = None) -> Quote:
        """Clone a quote into a new draft revision and mark the old one superseded, atomically.

        Args:
            quote_id: The quote to supersede.
            new_id: The new quote's id; ``<root id>-R<revision>`` when omitted
                (:func:`~sfa_core.quotes.next_revision_id`).

        Returns:
            The new draft, stored.

        Raises:
            InvalidTransitionError: The quote is accepted or already superseded.
            AlreadyExistsError: ``new_id`` is taken.
        """
        with self._transactions.transaction():
            quote = self.get(quote_id)
            wanted = next_revision_id(quote) if new_id is None else require_key(new_id, "new_id")
            new, old = quote.new_version(wanted)
            try:  # a taken id fails before anything changes, even without a unit of work
                self._quotes.get(wanted)
            except NotFoundError:
                pass
            else:
                raise AlreadyExistsError("quote", wanted)
            self._quotes.update(old)
            return self._quotes.add(new)

    def add_configured_product(
        self,
        quote_id: str,
        state: ConfigurationState,
        *,
        pricing: BundlePricing | str = "separate",
        bundle_price: Money | None = None,
        key: str | None = None,
        group: str | None = None,
    ) -> Quote:
        """Add a complete configuration to a draft quote as linked lines, atomically.

        Args:
            quote_id: The quote.
            state: A complete configuration (of a stored model).
            pricing: ``"separate"``, ``"included"`` or ``"allocated"``
                (see :func:`~sfa_core.quotes.to_quote_lines`); allocation weighs the
                components by their list prices in the quote's price book.
            bundle_price: The bundle's price, for ``"allocated"``.
            key: The bundle line's key (default: the bundle's sku, numbered when
                taken: ``"PC-2"``).
            group: The quote group the lines join.

        Returns:
            The stored quote.

        Raises:
            QuoteLockedError: The quote is not a draft.
            NotFoundError: No such quote.
            ValidationError: The configuration is not complete, a key is taken, or a
                sku is not in the catalog.
        """
        require(state, ConfigurationState, "state")
        with self._transactions.transaction():
            quote = self.get(quote_id)
            quote.require_draft("add a configured product to")
            lines = to_quote_lines(
                state,
                key=bundle_key(quote, state.sku, key),
                pricing=pricing,
                bundle_price=bundle_price,
                list_prices=_entries(self._catalog.price_book_chain(quote.price_book)),
                group=group,
            )
            for index, line in enumerate(lines):
                self._catalog.require_sellable(line.sku, f"lines[{index}].sku")
            return self._quotes.update(attrs.evolve(quote, lines=(*quote.lines, *lines)))


def _entries(books: Sequence[PriceBook]) -> dict[str, Money]:
    """The entries of a chain of books, the nearest book's winning (an allocation's weights)."""
    prices: dict[str, Money] = {}
    for book in reversed(books):
        prices.update(book.entries)
    return prices
