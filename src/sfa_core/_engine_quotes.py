"""The quoting half of :class:`~sfa_core.SalesEngine`: short scripts over ports and the core."""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from sfa_core._validate import require_day, require_key
from sfa_core.errors import AlreadyExistsError, NotFoundError, ValidationError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sfa_core.catalog.model import PriceBook, Product
    from sfa_core.money import ExchangeRates, Money
    from sfa_core.ports import Clock, PriceBookRepository, ProductRepository, QuoteRepository
    from sfa_core.pricing.model import DiscountLimits, PricingOptions
    from sfa_core.pricing.price_rules import PriceRule, RuleSet
    from sfa_core.pricing.promotions import Promotion
    from sfa_core.pricing.schedules import DiscountSchedule
    from sfa_core.pricing.tax import TaxPolicy
    from sfa_core.quotes import PricedQuote, Quote, QuoteLine, QuoteStatus

__all__ = ["PricingSetup", "QuoteOperations"]


_LINE_FIXED = ("key", "sku", "quantity")
_QUOTE_MANAGED = ("id", "status", "revision", "supersedes", "version", "lines")


def _check_names(cls: type, given: Mapping[str, Any], refused: tuple[str, ...]) -> None:
    """Refuse keyword arguments that are not fields of ``cls``, or that the engine manages."""
    names = {field.name for field in attrs.fields(cls)}
    for name in given:
        if name not in names:
            raise ValidationError(f"no such field on {cls.__name__}", path=name, value=name)
        if name in refused:
            raise ValidationError(
                "is managed by the engine and cannot be set here", path=name, value=given[name]
            )


def _new_quote_id() -> str:
    return "Q-" + uuid.uuid4().hex[:12].upper()


@attrs.frozen
class PricingSetup:
    """What the engine prices quotes with, besides the stored catalog.

    Attributes:
        rules: Price rule sets (or loose rules).
        schedules: Discount schedules the products name.
        tax: The tax policy.
        rates: Exchange rates.
        options: Order switches and rounding.
        contracted_prices: Contracted unit prices per account, then per SKU.
    """

    rules: Any = ()
    schedules: Any = ()
    tax: Any = None
    rates: Any = None
    options: Any = None
    contracted_prices: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)


class QuoteOperations:
    """Quote methods of the facade (mixed into :class:`~sfa_core.SalesEngine`)."""

    _products: ProductRepository
    _price_books: PriceBookRepository
    _quotes: QuoteRepository | None
    _clock: Clock
    _pricing: PricingSetup
    _new_id: Callable[[], str]

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _quote_repository(self) -> QuoteRepository:
        if self._quotes is None:
            raise ValidationError(
                "this engine has no quote repository (pass quotes=...)", path="quotes"
            )
        return self._quotes

    def configure_pricing(
        self,
        *,
        rules: RuleSet | Iterable[RuleSet | PriceRule] = (),
        schedules: Iterable[DiscountSchedule] = (),
        tax: TaxPolicy | None = None,
        rates: ExchangeRates | None = None,
        options: PricingOptions | None = None,
        contracted_prices: Mapping[str, Mapping[str, Money]] | None = None,
    ) -> None:
        """Set the rules, schedules, tax policy, rates and options quotes are priced with.

        Args:
            rules: Price rule sets.
            schedules: Discount schedules.
            tax: The tax policy.
            rates: Exchange rates.
            options: Order switches and rounding.
            contracted_prices: Per account, per SKU, a contracted unit price.

        Raises:
            ValidationError: An argument has the wrong type (the path names it, for
                example ``contracted_prices['ACME']['DOCK']``); the setup is unchanged.

        >>> from sfa_core import SalesEngine
        >>> from sfa_core.pricing import RateTaxPolicy
        >>> SalesEngine.in_memory().configure_pricing(tax=RateTaxPolicy({"standard": 20}))
        """
        from sfa_core.money import ExchangeRates, Money
        from sfa_core.pricing.model import PricingOptions
        from sfa_core.pricing.price_rules import as_rule_sets as _as_rule_sets
        from sfa_core.pricing.schedules import as_schedules as _as_schedules
        from sfa_core.pricing.tax import TaxPolicy

        for name, value, kind in (
            ("tax", tax, TaxPolicy),
            ("rates", rates, ExchangeRates),
            ("options", options, PricingOptions),
        ):
            if value is not None and not isinstance(value, kind):
                raise ValidationError(f"must be a {kind.__name__} or None", path=name, value=value)
        contracted: dict[str, Mapping[str, Money]] = {}
        for account, prices in (contracted_prices or {}).items():
            path = f"contracted_prices[{account!r}]"
            require_key(account, path)
            if not isinstance(prices, Mapping):
                raise ValidationError("must be a mapping of SKU to Money", path=path, value=prices)
            for sku, price in prices.items():
                require_key(sku, f"{path}[{sku!r}]")
                if not isinstance(price, Money):
                    raise ValidationError("must be a Money", path=f"{path}[{sku!r}]", value=price)
            contracted[account] = dict(prices)
        self._pricing = PricingSetup(
            _as_rule_sets(rules),
            _as_schedules(schedules),
            tax,
            rates,
            options,
            contracted,
        )

    def create_quote(
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
        """Create and store a draft quote.

        Args:
            account: The customer account.
            price_book: The price book; it must be stored.
            quote_id: The id; a new ``Q-...`` id when omitted.
            currency: Defaults to the price book's currency.
            quote_date: The pricing date; defaults to the clock's today.
            valid_for_days: Days after the quote date the offer holds (``None``:
                no expiry).
            lines: Initial lines.
            **fields: Other :class:`~sfa_core.quotes.Quote` fields
                (``start_date``, ``additional_discount``...).

        Returns:
            The stored quote (version 1).

        Raises:
            NotFoundError: Unknown price book.
            ValidationError: A bad field, or a ``status`` other than draft (move
                the stored quote with :meth:`transition_quote`).
            AlreadyExistsError: The id is taken.

        >>> import datetime as dt
        >>> from sfa_core import SalesEngine
        >>> from sfa_core.catalog import PriceBook
        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> q = engine.create_quote(account="ACME", price_book="EU", quote_id="Q-1",
        ...                         quote_date=dt.date(2027, 3, 1))
        >>> q.currency, q.valid_until, q.version
        ('EUR', datetime.date(2027, 3, 31), 1)
        """
        from sfa_core.quotes import Quote, QuoteStatus
        from sfa_core.quotes.model import _to_status

        repository = self._quote_repository()
        if "status" in fields and _to_status(fields["status"]) is not QuoteStatus.DRAFT:
            raise ValidationError(
                "a new quote is a draft (use transition_quote to move it)",
                path="status",
                value=fields["status"],
            )
        book = self._price_books.get(require_key(price_book, "price_book"))
        day = self._clock.today() if quote_date is None else require_day(quote_date, "quote_date")
        if valid_for_days is not None and (
            not isinstance(valid_for_days, int)
            or isinstance(valid_for_days, bool)
            or valid_for_days < 0
        ):
            raise ValidationError(
                "must be an integer >= 0 or None", path="valid_for_days", value=valid_for_days
            )
        valid_until = None if valid_for_days is None else day + _dt.timedelta(days=valid_for_days)
        quote = Quote(
            id=quote_id if quote_id is not None else self._new_id(),
            account=account,
            currency=currency if currency is not None else book.currency,
            price_book=price_book,
            quote_date=day,
            valid_until=fields.pop("valid_until", valid_until),
            lines=lines,
            **fields,
        )
        with self._transaction():
            for index, line in enumerate(quote.lines):
                self._sellable(line.sku, f"lines[{index}].sku")
            return repository.add(quote)

    def _sellable(self, sku: str, path: str) -> Product:
        try:
            product = self._products.get(sku)
        except NotFoundError:
            raise ValidationError("no product has this SKU", path=path, value=sku) from None
        if not product.active:
            raise ValidationError("the product is inactive", path=path, value=sku)
        return product

    def get_quote(self, quote_id: str) -> Quote:
        """Return the stored quote.

        Args:
            quote_id: The quote.

        Returns:
            The quote with its current version.

        Raises:
            NotFoundError: No such quote.
        """
        return self._quote_repository().get(require_key(quote_id, "quote_id"))

    def list_quotes(
        self, *, account: str | None = None, status: QuoteStatus | str | None = None
    ) -> list[Quote]:
        """Return the stored quotes sorted by id, optionally filtered.

        Args:
            account: Keep this account's quotes only.
            status: Keep quotes in this status only.

        Returns:
            The quotes.
        """
        from sfa_core.quotes.model import _to_status

        found: QuoteStatus | None = None if status is None else _to_status(status)
        if account is not None:
            require_key(account, "account")
        return self._quote_repository().list(account=account, status=found)

    def add_line(
        self,
        quote_id: str,
        *,
        sku: str,
        quantity: Any = 1,
        key: str | None = None,
        **fields: Any,
    ) -> Quote:
        """Add a line to a draft quote and store it.

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

        >>> import datetime as dt
        >>> from sfa_core import Money, SalesEngine
        >>> from sfa_core.catalog import PriceBook, Product
        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.add_product(Product(sku="A-1", name="Widget"))
        >>> _ = engine.add_price_book(PriceBook(id="EU", currency="EUR",
        ...                                     entries={"A-1": Money("9.90", "EUR")}))
        >>> q = engine.create_quote(account="ACME", price_book="EU", quote_id="Q-1",
        ...                         quote_date=dt.date(2027, 3, 1))
        >>> engine.add_line("Q-1", sku="A-1", quantity=3).lines[0].key
        'L1'
        """
        from sfa_core.quotes import QuoteLine

        repository = self._quote_repository()
        with self._transaction():
            quote = repository.get(require_key(quote_id, "quote_id"))
            quote.require_draft("add a line to")
            self._sellable(sku, "sku")
            if key is None:
                taken = {line.key for line in quote.lines}
                number = len(quote.lines) + 1
                while f"L{number}" in taken:
                    number += 1
                key = f"L{number}"
            elif any(line.key == key for line in quote.lines):
                raise ValidationError("a line with this key exists", path="key", value=key)
            _check_names(QuoteLine, fields, _LINE_FIXED)
            line = QuoteLine(key=key, sku=sku, quantity=quantity, **fields)
            return repository.update(quote.with_line(line))

    def update_line(self, quote_id: str, key: str, **changes: Any) -> Quote:
        """Change fields of a line of a draft quote and store it.

        Args:
            quote_id: The quote.
            key: The line.
            **changes: :class:`~sfa_core.quotes.QuoteLine` fields to change.

        Returns:
            The stored quote.

        Raises:
            QuoteLockedError: The quote is not a draft.
            NotFoundError: No such quote or line.
            ValidationError: A bad value.
        """
        repository = self._quote_repository()
        with self._transaction():
            quote = repository.get(require_key(quote_id, "quote_id"))
            quote.require_draft("edit")
            line = quote.line(key)
            if "sku" in changes:
                self._sellable(changes["sku"], "sku")
            _check_names(type(line), changes, ("key",))
            return repository.update(quote.with_line(attrs.evolve(line, **changes)))

    def update_quote(self, quote_id: str, **changes: Any) -> Quote:
        """Change quote-level fields of a draft quote and store it.

        Lines have their own methods; the id, status, revision and version are
        managed by the engine.

        Args:
            quote_id: The quote.
            **changes: :class:`~sfa_core.quotes.Quote` fields to change
                (``additional_discount``, ``discount_amount``, ``groups``,
                ``valid_until``, ``fields``...).

        Returns:
            The stored quote.

        Raises:
            QuoteLockedError: The quote is not a draft.
            NotFoundError: No such quote.
            ValidationError: An unknown or managed field, or a bad value.

        >>> import datetime as dt
        >>> from sfa_core import SalesEngine
        >>> from sfa_core.catalog import PriceBook
        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> _ = engine.create_quote(account="ACME", price_book="EU", quote_id="Q-1",
        ...                         quote_date=dt.date(2027, 3, 1))
        >>> engine.update_quote("Q-1", additional_discount=5).additional_discount
        Decimal('5')
        """
        from sfa_core.quotes import Quote

        _check_names(Quote, changes, _QUOTE_MANAGED)
        repository = self._quote_repository()
        with self._transaction():
            quote = repository.get(require_key(quote_id, "quote_id"))
            quote.require_draft("edit")
            if "price_book" in changes:
                self._price_books.get(require_key(changes["price_book"], "price_book"))
            return repository.update(attrs.evolve(quote, **changes))

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
        repository = self._quote_repository()
        with self._transaction():
            quote = repository.get(require_key(quote_id, "quote_id"))
            return repository.update(quote.without_line(key))

    def price_quote(
        self,
        quote_id: str,
        *,
        customer: Mapping[str, Any] | None = None,
        limits: DiscountLimits | None = None,
        promotions: Sequence[Promotion] = (),
        promotion_usage: Mapping[str, int] | None = None,
    ) -> PricedQuote:
        """Price a stored draft quote with the stored catalog and the configured pricing.

        Loads the quote, its products and the price books (derived books need
        their bases), then calls :func:`sfa_core.quotes.price_quote`. Nothing is
        written.

        Args:
            quote_id: The quote.
            customer: What rule conditions see as ``customer``.
            limits: The discount authority of the user pricing it.
            promotions: Cart promotions.
            promotion_usage: Times each promotion was already used.

        Returns:
            The :class:`~sfa_core.quotes.PricedQuote`.

        Raises:
            QuoteLockedError: The quote is not a draft.
            NotFoundError: No such quote.
            SfaError: Whatever :func:`~sfa_core.quotes.price_quote` raises.
        """
        quote = self._quote_repository().get(require_key(quote_id, "quote_id"))
        quote.require_draft("reprice")
        return self._price(quote, customer, limits, promotions, promotion_usage)

    def _price(
        self,
        quote: Quote,
        customer: Mapping[str, Any] | None = None,
        limits: DiscountLimits | None = None,
        promotions: Sequence[Promotion] = (),
        promotion_usage: Mapping[str, int] | None = None,
    ) -> PricedQuote:
        """Price a quote value with the stored catalog and books and the configured pricing."""
        from sfa_core.quotes import price_quote

        products = {}
        for line in quote.lines:
            if line.sku not in products:
                try:
                    products[line.sku] = self._products.get(line.sku)
                except NotFoundError:
                    continue  # price_quote names the line
        books = self._books_for(quote.price_book)
        setup = self._pricing
        return price_quote(
            quote,
            products,
            books,
            setup.rules,
            schedules=setup.schedules,
            rates=setup.rates,
            contracted_prices=setup.contracted_prices.get(quote.account),
            customer=customer,
            promotions=promotions,
            promotion_usage=promotion_usage,
            tax=setup.tax,
            limits=limits,
            options=setup.options,
        )

    def _books_for(self, price_book_id: str) -> list[PriceBook]:
        books = []
        wanted: str | None = price_book_id
        seen = set()
        while wanted is not None and wanted not in seen:
            seen.add(wanted)
            try:
                book = self._price_books.get(wanted)
            except NotFoundError:
                if wanted == price_book_id:
                    raise
                break
            books.append(book)
            derivation = book.derived_from
            wanted = derivation.base_price_book if derivation is not None else None
        return books

    def transition_quote(self, quote_id: str, status: QuoteStatus | str) -> Quote:
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
        repository = self._quote_repository()
        with self._transaction():
            quote = repository.get(require_key(quote_id, "quote_id"))
            return repository.update(quote.transition(status))

    def new_version(self, quote_id: str, *, new_id: str | None = None) -> Quote:
        """Clone a quote into a new draft revision and mark the old one superseded, atomically.

        Args:
            quote_id: The quote to supersede.
            new_id: The new quote's id; ``<old id>-R<revision>`` when omitted.

        Returns:
            The new draft, stored.

        Raises:
            InvalidTransitionError: The quote is accepted or already superseded.
            AlreadyExistsError: ``new_id`` is taken.
        """
        repository = self._quote_repository()
        with self._transaction():
            quote = repository.get(require_key(quote_id, "quote_id"))
            if new_id is None:
                suffix = f"-R{quote.revision}"
                root = quote.id
                if quote.supersedes is not None and root.endswith(suffix):
                    root = root[: -len(suffix)]
                new_id = f"{root}-R{quote.revision + 1}"
            new, old = quote.new_version(new_id)
            try:  # a taken id fails before anything changes, even without a unit of work
                repository.get(new_id)
            except NotFoundError:
                pass
            else:
                raise AlreadyExistsError("quote", new_id)
            repository.update(old)
            return repository.add(new)
