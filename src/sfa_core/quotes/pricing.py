"""Price a quote: every line through the waterfall, then promotions, quote discounts and tax.

:func:`price_quote` is pure: it takes values (the quote, the products, the
price books, the rules...) and returns a :class:`~sfa_core.quotes.PricedQuote`.
It never reads a clock or storage, so a checkout can call it with what it holds.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sfa_core._fast import builder
from sfa_core._frozen import FrozenMap
from sfa_core._memo import IdentityMemo
from sfa_core.catalog.book_set import PriceBookSet
from sfa_core.catalog.model import PercentBase, PriceBook, PricingMethod, Product
from sfa_core.catalog.tiers import BlockPricing, PackagePricing, TierTable
from sfa_core.errors import CurrencyMismatchError, NotFoundError, ValidationError
from sfa_core.money import (
    ExchangeRates,
    Money,
    _common_weights,
    _largest_remainder,
    currency_precision,
)
from sfa_core.pricing.errors import (
    InactiveProductError,
    MissingPriceError,
    UnknownProductError,
)
from sfa_core.pricing.model import (
    Adjustment,
    DiscountLimits,
    LimitFlag,
    PricedLine,
    PricingOptions,
    RoundingPolicy,
    Totals,
    UnitRounding,
    WaterfallStep,
)
from sfa_core.pricing.price_rules import (
    ActionKind,
    Phase,
    PriceRule,
    PriceRuleConflictError,
    RuleSet,
    Stacking,
    as_rule_sets,
)
from sfa_core.pricing.promotions import CartLine, Promotion, PromotionResult, apply_promotions
from sfa_core.pricing.proration import Proration, coterminate, prorate
from sfa_core.pricing.schedules import Aggregation, DiscountSchedule, as_schedules
from sfa_core.pricing.tax import TaxableLine, TaxPolicy, TaxResult
from sfa_core.pricing.waterfall import LineWaterfall, list_step
from sfa_core.quotes.model import Quote, QuoteLine, QuoteLockedError
from sfa_core.quotes.priced import PricedQuote

__all__ = ["price_quote"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_PERCENT_QUANTUM = Decimal("0.01")
_CONTEXT = decimal.Context(
    prec=60,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

_make_line = builder(PricedLine)
_make_adjustment = builder(Adjustment)
_make_cart_line = builder(CartLine)
_make_totals = builder(Totals)
_make_priced_quote = builder(PricedQuote)
_make_taxable = builder(TaxableLine)
# step names, compared by identity in the hot loop (they are interned literals)
_ADDITIONAL = "additional_discount"
_ADDITIONAL_AMOUNT = "additional_discount_amount"
_CUSTOMER = "customer"
_PARTNER_DISCOUNT = "partner_discount"
_PARTNER = "partner"
_DISTRIBUTOR_DISCOUNT = "distributor_discount"
_STEPS = {
    name: name
    for name in (_ADDITIONAL, _CUSTOMER, _PARTNER_DISCOUNT, _PARTNER, _DISTRIBUTOR_DISCOUNT)
}
_CHANNEL_LABELS = {
    _PARTNER_DISCOUNT: "partner discount",
    _DISTRIBUTOR_DISCOUNT: "distributor discount",
}
_new = object.__new__


def _money(amount: Decimal, currency: str) -> Money:
    result = _new(Money)
    _SET_AMOUNT(result, amount)
    _SET_CURRENCY(result, currency)
    return result


_SET_AMOUNT = Money.__dict__["amount"].__set__
_SET_CURRENCY = Money.__dict__["currency"].__set__


class _Line(LineWaterfall):
    """A line being priced: its waterfall, and what the totals and later passes need."""

    __slots__ = (
        "cost",
        "customer_total",
        "customer_unit",
        "fields",
        "flags",
        "index",
        "line",
        "list_total",
        "list_unit",
        "overrides",
        "partner_unit",
        "per",
        "product",
        "proration",
        "regular_total",
        "regular_unit",
    )

    list_total: Decimal
    regular_total: Decimal
    customer_total: Decimal
    list_unit: Decimal
    regular_unit: Decimal
    customer_unit: Decimal
    partner_unit: Decimal

    def __init__(self, index: int, line: QuoteLine, product: Product) -> None:
        self.index = index
        self.line = line
        self.product = product
        self.fields: dict[str, Any] | None = None  # custom fields, copied when a rule runs
        self.overrides: dict[str, Decimal] | None = None  # waterfall fields set by rules
        self.flags: list[LimitFlag] | None = None
        self.proration: Proration | None = None
        self.units = line.quantity
        self.per = _ONE
        self.cost = _ZERO

    def custom_fields(self) -> dict[str, Any]:
        fields = self.fields
        if fields is None:
            fields = self.fields = dict(self.line.fields)
        return fields

    def flag(self, flag: LimitFlag) -> None:
        if self.flags is None:
            self.flags = []
        self.flags.append(flag)


class _PlainBooks:
    """Price books none of which derives from another: a dict is all the lookup needs."""

    __slots__ = ("_books",)

    def __init__(self, books: dict[str, PriceBook]) -> None:
        self._books = books

    def book(self, book_id: str) -> PriceBook:
        try:
            return self._books[book_id]
        except KeyError:
            raise NotFoundError("price book", book_id) from None

    def unit_price(self, book_id: str, product: Product, **_: Any) -> Any:
        raise NotFoundError(f"price book {book_id!r} entry", product.sku)


def _as_books(price_books: Any) -> PriceBookSet | _PlainBooks:
    if price_books.__class__ in (list, tuple):
        pass  # the common case, without the abstract-class checks below
    elif isinstance(price_books, PriceBookSet):
        return price_books
    elif isinstance(price_books, PriceBook):
        price_books = [price_books]
    elif isinstance(price_books, Mapping):
        price_books = list(price_books.values())
    else:
        price_books = list(price_books)
    books: dict[str, PriceBook] = {}
    for index, book in enumerate(price_books):
        if not isinstance(book, PriceBook):
            raise ValidationError("must be a PriceBook", path=f"price_books[{index}]", value=book)
        if book.derived_from is not None:
            return PriceBookSet(price_books)
        books[book.id] = book
    return _PlainBooks(books)


def _as_products(catalog: Any) -> Mapping[str, Product]:
    if catalog.__class__ is dict or isinstance(catalog, Mapping):
        return catalog
    products: dict[str, Product] = {}
    for index, product in enumerate(catalog):
        if not isinstance(product, Product):
            raise ValidationError("must be a Product", path=f"catalog[{index}]", value=product)
        products[product.sku] = product
    return products


def price_quote(
    quote: Quote,
    catalog: Mapping[str, Product] | Iterable[Product],
    price_books: PriceBookSet | Mapping[str, PriceBook] | Iterable[PriceBook] | PriceBook,
    rules: RuleSet | Iterable[RuleSet | PriceRule] | None = None,
    *,
    schedules: Mapping[str, DiscountSchedule] | Iterable[DiscountSchedule] = (),
    rates: ExchangeRates | None = None,
    contracted_prices: Mapping[str, Money] | None = None,
    customer: Mapping[str, Any] | None = None,
    promotions: Sequence[Promotion] = (),
    promotion_usage: Mapping[str, int] | None = None,
    tax: TaxPolicy | None = None,
    limits: DiscountLimits | None = None,
    options: PricingOptions | None = None,
    allow_locked: bool = False,
) -> PricedQuote:
    """Price every line of ``quote`` and total them; pure.

    Args:
        quote: The quote (a draft, unless ``allow_locked``).
        catalog: The products, by SKU or as an iterable.
        price_books: The price books (a :class:`~sfa_core.catalog.PriceBookSet`
            for derived books, or the books themselves).
        rules: Price rule sets (or loose rules, grouped under compounding stacking).
        schedules: Discount schedules the products name.
        rates: Exchange rates, for a price book, a cost or a contracted price in
            another currency; converted amounts are rounded to the unit places.
        contracted_prices: Unit prices agreed with the account, per SKU.
        customer: What price rule conditions see as ``customer``.
        promotions: Cart promotions to apply after the line waterfalls.
        promotion_usage: How many times each promotion was already used.
        tax: The tax policy; without one, tax is zero and gross equals net.
        limits: The discount authority of the role pricing the quote; lines
            beyond it are flagged.
        options: Order switches and the rounding policy.
        allow_locked: Price a quote that is not a draft (to display or audit it).

    Returns:
        The :class:`~sfa_core.quotes.PricedQuote`.

    Raises:
        QuoteLockedError: The quote is not a draft and ``allow_locked`` is false.
        UnknownProductError: A line names a SKU the catalog does not hold.
        InactiveProductError: A line names an inactive product.
        MissingPriceError: No price for a line in the price book.
        ValidationError: A fractional quantity for a unit-only product, an
            inactive or out-of-date price book, a bad argument.
        CurrencyMismatchError: A price in another currency and no rates.
        PriceRuleConflictError: Exclusive stacking with a tie.
    """
    if not isinstance(quote, Quote):
        raise ValidationError("must be a Quote", path="quote", value=quote)
    if quote.locked and not allow_locked:
        raise QuoteLockedError(quote.id, quote.status, "reprice")
    run = _Run(
        quote,
        _as_products(catalog),
        _as_books(price_books),
        as_rule_sets(rules),
        as_schedules(schedules),
        rates,
        contracted_prices or {},
        customer or {},
        options or _DEFAULT_OPTIONS,
        limits,
    )
    with decimal.localcontext(_CONTEXT):
        return run.price(promotions, promotion_usage or {}, tax)


_DEFAULT_OPTIONS = PricingOptions()
_BASES = {
    PercentBase.LIST: "list_total",
    PercentBase.REGULAR: "regular_total",
    PercentBase.CUSTOMER: "customer_total",
    PercentBase.NET: "extended",
}


class _Run:
    """One pricing run over one quote."""

    def __init__(
        self,
        quote: Quote,
        products: Mapping[str, Product],
        books: PriceBookSet | _PlainBooks,
        rule_sets: tuple[RuleSet, ...],
        schedules: Mapping[str, DiscountSchedule],
        rates: ExchangeRates | None,
        contracted: Mapping[str, Money],
        customer: Mapping[str, Any],
        options: PricingOptions,
        limits: DiscountLimits | None,
    ) -> None:
        self.quote = quote
        self.products = products
        self.books = books
        self.rule_sets = rule_sets
        self.before_sets = self.on_sets = self.after_sets = rule_sets
        if rule_sets:
            self.before_sets = tuple(r for r in rule_sets if Phase.BEFORE in r.phases)
            self.on_sets = tuple(r for r in rule_sets if Phase.ON in r.phases)
            self.after_sets = tuple(r for r in rule_sets if Phase.AFTER in r.phases)
        self.rule_plans: dict[Phase, dict[str, Any]] = {
            Phase.BEFORE: {},
            Phase.ON: {},
            Phase.AFTER: {},
        }
        self.schedules = schedules
        self.rates = rates
        self.contracted = contracted
        self.customer = customer
        self.options = options
        self.limits = limits
        self.currency = quote.currency
        policy = options.rounding
        self.unit_q, self.total_q = _quanta(quote.currency, policy)
        self.each_step = policy.unit_rounding is UnitRounding.EACH_STEP
        self.step_q = self.unit_q if self.each_step else None  # rounding between steps
        self.mode = policy.mode
        self.negative = options.allow_negative_prices
        self.book = book = _require_book(books, quote)
        self.post_regular = _post_regular(options.post_regular_order())
        self.off_list = options.channel_discounts_off_list
        self.quote_data: dict[str, Any] | None = None
        self.product_data: dict[str, dict[str, Any]] = {}
        self.proration_cache: dict[tuple[Any, ...], Proration] = {}
        self.proration_reasons: dict[int, str] = {}
        self.schedule_cache: dict[tuple[str, str, str], tuple[Decimal, str]] = {}
        self.tier_cache: dict[tuple[str, str], WaterfallStep] = {}
        self.list_steps: dict[str, WaterfallStep] = {}
        # the list steps of the book's own entries, shared by every run on this book
        self.entry_steps = (
            _entry_steps(book, self.step_q, self.mode) if book.currency == self.currency else None
        )
        self.sku_counts: dict[str, Decimal] | None = None
        self.family_counts: dict[str, Decimal] = {}
        self.states: list[_Line] = []
        self.floors = _plain(book.floors)
        self.entries = _plain(book.entries)
        self.manual_limit = limits.max_manual_percent if limits is not None else None

    # ------------------------------------------------------------------ run

    def price(
        self,
        promotions: Sequence[Promotion],
        usage: Mapping[str, int],
        tax: TaxPolicy | None,
    ) -> PricedQuote:
        quote = self.quote
        states = [self._prepare(index, line) for index, line in enumerate(quote.lines)]
        self.states = states
        later = []
        for state in states:
            if state.product.pricing_method is PricingMethod.PERCENT_OF_TOTAL:
                later.append(state)
            else:
                self._waterfall(state, self._list_step(state))
        for state in later:
            self._waterfall(state, self._step(*self._percent_of_total(state, states)))
        adjustments: dict[str, tuple[Adjustment, ...]] = {}
        promotion_result = self._promotions(states, promotions, usage, adjustments)
        self._quote_discount(states, adjustments)
        tax_result = self._tax(states, tax, adjustments)
        return self._assemble(states, adjustments, promotion_result, tax_result)

    # ------------------------------------------------------------ preparation

    def _prepare(self, index: int, line: QuoteLine) -> _Line:
        product = self.products.get(line.sku)
        if product is None:
            raise UnknownProductError(index, line.key, line.sku)
        if not product.active:
            raise InactiveProductError(index, line.key, line.sku)
        state = _Line(index, line, product)
        quantity = line.quantity
        if not product.fractional_quantity and quantity != quantity.to_integral_value():
            raise ValidationError(
                f"line {line.key!r}: {product.sku} is sold in whole units "
                f"({product.unit_of_measure})",
                path=f"lines[{index}].quantity",
                value=quantity,
            )
        terms = product.subscription
        if terms is not None:
            state.proration = self._proration(index, line, terms)
        elif line.term is not None or line.end_date is not None:
            raise ValidationError(
                f"line {line.key!r}: {product.sku} is not a subscription",
                path=f"lines[{index}].term"
                if line.term is not None
                else f"lines[{index}].end_date",
                value=line.term if line.term is not None else line.end_date,
            )
        if product.cost is not None:
            cost = self._convert(product.cost, "lines[{}].cost", index)
            state.cost = (cost * quantity).quantize(self.total_q, self.mode)
        return state

    def _proration(self, index: int, line: QuoteLine, terms: Any) -> Proration:
        quote = self.quote
        start = line.start_date or quote.start_date or quote.quote_date
        key = (terms, start, line.end_date, line.term, quote.end_date)
        found = self.proration_cache.get(key)
        if found is not None:
            return found
        try:
            if line.end_date is not None:
                result = prorate(terms, start=start, end=line.end_date)
            elif line.term is not None:
                result = prorate(terms, start=start, term=line.term)
            elif quote.end_date is not None:
                result = coterminate(terms, start=start, end_date=quote.end_date)
            else:
                result = prorate(terms, start=start, term=terms.default_term)
        except ValidationError as exc:
            raise ValidationError(
                f"line {line.key!r}: {exc.reason}",
                path=f"lines[{index}].{exc.path or 'term'}",
                value=exc.value,
            ) from None
        self.proration_cache[key] = result
        return result

    def _proration_reason(self, proration: Proration) -> str:
        reason = self.proration_reasons.get(id(proration))
        if reason is None:
            reason = self.proration_reasons[id(proration)] = str(proration)
        return reason

    def _convert(self, amount: Money, path: str, *parts: object) -> Decimal:
        """``amount`` in the quote's currency; ``path.format(*parts)`` names it in errors."""
        if amount.currency == self.currency:
            return amount.amount
        if self.rates is None:
            raise CurrencyMismatchError(
                self.currency,
                amount.currency,
                operation="price a quote in",
                path=path.format(*parts) + " (no exchange rates given)",
            )
        converted = self.rates.convert(amount, self.currency, on=self.quote.quote_date)
        return converted.amount.quantize(self.unit_q, self.mode)

    # ----------------------------------------------------------- list price

    def _list_step(self, state: _Line) -> WaterfallStep:
        """The list step of a line; lines of a SKU priced per unit share one."""
        method = state.product.pricing_method
        if method is PricingMethod.LIST or method is PricingMethod.COST_PLUS:
            sku = state.line.sku
            step = self.list_steps.get(sku)
            if step is None:
                step = self.list_steps[sku] = self._first_list_step(state)
            return step
        return self._tier_step(state)

    def _first_list_step(self, state: _Line) -> WaterfallStep:
        """The list step of a SKU's first per-unit line in this run."""
        sku = state.line.sku
        shared = self.entry_steps
        if (
            shared is None
            or state.product.pricing_method is not PricingMethod.LIST
            or sku not in self.entries
        ):
            return self._step(*self._list_price(state))
        step = shared.get(sku)
        if step is None:
            step = shared[sku] = self._step(*self._list_price(state))
        return step

    def _step(self, price: Decimal, source: str | None, reason: str) -> WaterfallStep:
        """A list step at ``price``, rounded to the unit places when every step is."""
        return list_step(price, source, reason, self.step_q, self.mode)

    def _list_price(self, state: _Line) -> tuple[Decimal, str | None, str]:
        """The unit list price of a per-unit line: from the book, derived, or cost plus."""
        product, line = state.product, state.line
        book = self.book
        if product.pricing_method is PricingMethod.LIST:
            entry = self.entries.get(line.sku)
            if entry is not None:
                return (
                    self._convert(entry, "lines[{}].sku", state.index),
                    book.id,
                    "price book entry",
                )
            try:
                resolved = self.books.unit_price(
                    book.id, product, on=self.quote.quote_date, rates=self.rates
                )
            except NotFoundError:
                raise MissingPriceError(state.index, line.key, line.sku, book.id) from None
            steps = "; ".join(str(step) for step in resolved.steps)
            reason = f"derived from {resolved.source}: {steps}" if steps else str(resolved)
            return self._convert(resolved.price, "price_book"), book.id, reason
        assert product.cost is not None  # cost plus
        cost = self._convert(product.cost, "lines[{}].cost", state.index)
        markup = product.markup or _ZERO
        return cost * (_ONE + markup / _HUNDRED), None, f"cost {cost} + {markup} % markup"

    def _tier_step(self, state: _Line) -> WaterfallStep:
        """The list step of a tiered or block line: the whole line's price, from the table."""
        line, method, book = state.line, state.product.pricing_method, self.book
        table = book.tiers.get(line.sku)
        wanted = BlockPricing if method is PricingMethod.BLOCK else (TierTable, PackagePricing)
        if table is None or not isinstance(table, wanted):
            kind = "block prices" if method is PricingMethod.BLOCK else "tier table"
            raise MissingPriceError(state.index, line.key, line.sku, book.id, kind)
        if book.currency != self.currency:
            raise CurrencyMismatchError(
                self.currency, book.currency, operation="price tiers in", path="price_book"
            )
        quantity = line.quantity
        sign = _ONE if quantity > 0 else -_ONE
        state.units = sign
        state.per = quantity * sign
        key = (line.sku, str(state.per))  # the text shows the quantity as written
        found = self.tier_cache.get(key)
        if found is None:
            result = table.price(state.per)
            found = self.tier_cache[key] = self._step(result.amount, book.id, str(result))
        return found

    def _percent_of_total(self, state: _Line, states: list[_Line]) -> tuple[Decimal, None, str]:
        spec = state.product.percent_of_total
        assert spec is not None
        base = spec.base
        attribute = _BASES[base]
        key = base.value
        total = _ZERO
        count = 0
        for other in states:
            if (
                other is state
                or other.line.is_return
                or other.product.pricing_method is PricingMethod.PERCENT_OF_TOTAL
            ):
                continue  # returns do not lower what a percent-of-total line is a share of
            if spec.covers(other.line.sku, other.product.family):
                total += getattr(other, attribute)
                count += 1
        price = total * spec.percent / _HUNDRED
        lines = "1 line" if count == 1 else f"{count} lines"
        return price, None, f"{spec.percent} % of the {key} total {total} of {lines}"

    # ------------------------------------------------------------- waterfall

    def _waterfall(self, state: _Line, listed: WaterfallStep) -> None:
        line, product = state.line, state.product
        proration = state.proration
        multiplier = proration.multiplier if proration is not None else _ONE
        w = state
        w.reset(state.units, multiplier, self.step_q, self.total_q, self.mode, self.negative)
        w.begin(listed)
        list_price = w.price
        list_total = w.extended
        allow_floor = False
        per = state.per
        if self.before_sets:
            allow_floor |= self._rules(state, w, self.before_sets, Phase.BEFORE, "before_rules")
        if self.contracted:
            contracted = self.contracted.get(line.sku)
            if contracted is not None:
                amount = self._convert(contracted, "contracted_prices[{!r}]", line.sku)
                w.move("contracted", self.quote.account, amount * per, "contracted price")
        if line.special_price is not None:
            w.move("special", None, line.special_price * per, "special price set on the line")
        if self.on_sets:
            allow_floor |= self._rules(state, w, self.on_sets, Phase.ON, "price_rules")
        if product.discount_schedule is not None:
            self._schedule(state, w, product.discount_schedule, "volume_schedule")
        if product.term_discount_schedule is not None:
            self._schedule(state, w, product.term_discount_schedule, "term_schedule")
        if proration is not None:
            w.prorate(self._proration_reason(proration), None)
            list_price = list_price * multiplier
        regular_total = w.extended
        regular = customer_price = partner_price = w.price
        customer_total = regular_total
        overrides = state.overrides
        quote = self.quote
        for step in self.post_regular:
            if step is _ADDITIONAL:
                before = w.price
                percent = overrides.get(_ADDITIONAL) if overrides else None
                if percent is None:
                    percent = line.additional_discount
                    if percent is None:
                        percent = quote.additional_discount
                if percent:
                    w.move(
                        _ADDITIONAL,
                        None,
                        before - before * percent / _HUNDRED,
                        f"{percent} % manual discount",
                    )
                off = overrides.get(_ADDITIONAL_AMOUNT) if overrides else None
                if off is None:
                    off = line.additional_discount_amount
                if off:
                    w.move(
                        _ADDITIONAL,
                        None,
                        w.price - off * per,
                        f"{off} manual discount per unit",
                    )
                if self.manual_limit is not None:
                    self._check_manual(state, before, w.price)
            elif step is _CUSTOMER:
                customer_total = w.extended
                customer_price = w.price
            elif step is _PARTNER:
                partner_price = w.price
            else:  # a channel discount: partner or distributor
                percent = overrides.get(step) if overrides else None
                if percent is None:
                    percent = getattr(line, step)
                    if percent is None:
                        percent = getattr(quote, step)
                if percent:
                    base = list_price if self.off_list else w.price
                    w.move(
                        step,
                        None,
                        w.price - base * percent / _HUNDRED,
                        f"{percent} % {_CHANNEL_LABELS[step]}",
                    )
        if self.after_sets:
            allow_floor |= self._rules(state, w, self.after_sets, Phase.AFTER, "after_rules")
        if self.floors and not allow_floor:
            self._floor(state, w)
        if not self.each_step:
            w.finish(self.unit_q)
        state.list_total = list_total
        state.regular_total = regular_total
        state.customer_total = customer_total
        state.list_unit = list_price
        state.regular_unit = regular
        state.customer_unit = customer_price
        state.partner_unit = partner_price

    def _floor(self, state: _Line, w: LineWaterfall) -> None:
        floor = self.floors.get(state.line.sku)
        if floor is None:
            return
        amount = self._convert(floor, "price_books[{!r}].floors", self.book.id) * state.per
        if w.price < amount:
            w.move("floor", self.book.id, amount, f"raised to the floor price {floor.amount}")

    def _check_manual(self, state: _Line, before: Decimal, after: Decimal) -> None:
        limits = self.limits
        if limits is None or limits.max_manual_percent is None or not before:
            return
        percent = ((before - after) * _HUNDRED / before).quantize(_PERCENT_QUANTUM)
        if percent > limits.max_manual_percent:
            state.flag(
                LimitFlag("max_manual_percent", limits.role, limits.max_manual_percent, percent)
            )

    def _count(self) -> dict[str, Decimal]:
        """Sum the quantities per SKU and per family (returns excluded), once."""
        skus: dict[str, Decimal] = {}
        families = self.family_counts
        for state in self.states:
            line = state.line
            if not line.is_return:
                skus[line.sku] = skus.get(line.sku, _ZERO) + line.quantity
                family = state.product.family
                families[family] = families.get(family, _ZERO) + line.quantity
        self.sku_counts = skus
        return skus

    def _schedule(self, state: _Line, w: LineWaterfall, schedule_id: str, step: str) -> None:
        schedule = self.schedules.get(schedule_id)
        line = state.line
        if schedule is None:
            raise ValidationError(
                f"line {line.key!r}: product {line.sku} names an unknown discount schedule",
                path=f"lines[{state.index}].sku",
                value=schedule_id,
            )
        if step == "term_schedule":
            if state.proration is None:
                return
            count = state.proration.term
        else:
            aggregation = schedule.aggregation
            if aggregation is Aggregation.LINE or line.is_return:
                count = abs(line.quantity)
            else:
                sku_counts = self.sku_counts
                if sku_counts is None:
                    sku_counts = self._count()
                if aggregation is Aggregation.PRODUCT:
                    count = sku_counts[line.sku]
                else:
                    count = self.family_counts[state.product.family]
        unit_price = w.price / state.per if state.per != _ONE else w.price
        key = (schedule.id, str(count), str(unit_price))  # the text shows them as written
        found = self.schedule_cache.get(key)
        if found is None:
            result = schedule.discount(count, unit_price=unit_price, currency=self.currency)
            found = self.schedule_cache[key] = (result.unit_price_after, str(result))
        after, reason = found
        if state.per != _ONE:
            after = after * state.per
        w.move(step, schedule.id, after, reason)

    # ---------------------------------------------------------------- rules

    def _data(self, state: _Line, w: LineWaterfall) -> dict[str, Any]:
        if self.quote_data is None:
            quote = self.quote
            self.quote_data = {
                "id": quote.id,
                "account": quote.account,
                "currency": quote.currency,
                "price_book": quote.price_book,
                "date": quote.quote_date.isoformat(),
                "line_count": len(quote.lines),
                "total_quantity": sum((ln.quantity for ln in quote.lines), _ZERO),
                "fields": dict(quote.fields),
            }
        product = state.product
        product_data = self.product_data.get(product.sku)
        if product_data is None:
            product_data = {
                "sku": product.sku,
                "name": product.name,
                "family": product.family,
                "unit_of_measure": product.unit_of_measure,
                "attributes": dict(product.attributes),
            }
            self.product_data[product.sku] = product_data
        line = state.line
        return {
            "quote": self.quote_data,
            "customer": self.customer,
            "product": product_data,
            "line": {
                "key": line.key,
                "sku": line.sku,
                "quantity": line.quantity,
                "term": state.proration.term if state.proration is not None else None,
                "price": w.price,
                "list_price": w.steps[0].after,
                "group": line.group,
                "fields": state.fields if state.fields is not None else line.fields,
                "additional_discount": line.additional_discount,
                "additional_discount_amount": line.additional_discount_amount,
                "partner_discount": line.partner_discount,
                "distributor_discount": line.distributor_discount,
                **(state.overrides or {}),
            },
        }

    def _rule_plan(
        self, rule_sets: tuple[RuleSet, ...], phase: Phase, state: _Line
    ) -> tuple[tuple[RuleSet, tuple[PriceRule, ...]], ...]:
        """The rules of ``phase`` that may act on a SKU, per set, in this quote's currency."""
        sku = state.line.sku
        plans = self.rule_plans[phase]
        found = plans.get(sku)
        if found is None:
            currency = self.currency
            family = state.product.family
            found = tuple(
                (rule_set, kept)
                for rule_set in rule_sets
                if (
                    kept := tuple(
                        rule
                        for rule in rule_set.candidates(phase, sku, family)
                        if rule.currency is None or rule.currency == currency
                    )
                )
            )
            plans[sku] = found
        return found

    def _rules(
        self,
        state: _Line,
        w: LineWaterfall,
        rule_sets: tuple[RuleSet, ...],
        phase: Phase,
        step: str,
    ) -> bool:
        allow_floor = False
        for rule_set, candidates in self._rule_plan(rule_sets, phase, state):
            data: dict[str, Any] | None = None
            pricing: list[PriceRule] = []
            for rule in candidates:
                test = rule._test
                if test is not None:
                    if data is None:
                        data = self._data(state, w)
                    if not test(data):
                        continue
                if rule._sets:
                    for action in rule.actions:
                        if action.kind is ActionKind.SET_FIELD:
                            _set_field(state, action)
                    data = None  # later conditions must see the new fields
                if rule._price_actions:
                    pricing.append(rule)
            if not pricing:
                continue
            if len(pricing) > 1 and rule_set._reordered:
                pricing.sort(key=_priority_order)
            if rule_set.stacking is Stacking.COMPOUNDING:
                per = state.per
                for rule in pricing:  # each rule acts on the price the one before left
                    w.move(step, rule.id, rule._apply(w.price, per), rule._description)
                    allow_floor = allow_floor or rule.allow_below_floor
            else:
                allow_floor |= self._stack(state, w, rule_set, pricing, step)
        return allow_floor

    def _stack(
        self,
        state: _Line,
        w: LineWaterfall,
        rule_set: RuleSet,
        rules: list[PriceRule],
        step: str,
    ) -> bool:
        """Apply the matching rules of a set under any stacking but compounding."""
        stacking = rule_set.stacking
        per = state.per
        if stacking is Stacking.EXCLUSIVE and len(rules) > 1:
            top = rules[0].priority
            tied = tuple(r.id for r in rules if r.priority == top)
            if len(tied) > 1:
                raise PriceRuleConflictError(state.index, state.line.key, tied, top)
        if stacking in (Stacking.FIRST_MATCH, Stacking.EXCLUSIVE):
            rule = rules[0]
            w.move(step, rule.id, rule._apply(w.price, per), rule._description)
            return rule.allow_below_floor
        if stacking is Stacking.BEST_FOR_CUSTOMER:
            results = [(rule._apply(w.price, per), index) for index, rule in enumerate(rules)]
            best_price, best_index = min(results)
            winner = rules[best_index]
            others = ", ".join(
                f"{rules[i].id} {price.quantize(self.unit_q, self.mode)}"
                for price, i in results
                if i != best_index
            )
            reason = winner.describe() + (
                f" (best for the customer; also {others})" if others else ""
            )
            w.move(step, winner.id, best_price, reason)
            return winner.allow_below_floor
        # ADDITIVE: one set price (highest priority), then percentages and amounts summed
        base = w.price
        percent = _ZERO
        amount = _ZERO
        set_by = None
        for rule in rules:
            for action in rule._price_actions:
                kind = action.kind
                value = action.value
                assert value is not None
                if kind is ActionKind.SET_PRICE:
                    if set_by is None:
                        base = value * per
                        set_by = rule.id
                elif kind is ActionKind.PERCENT_OFF:
                    percent += value
                elif kind is ActionKind.MARKUP:
                    percent -= value
                else:
                    amount += value
        percent = min(percent, _HUNDRED)
        after = base - base * percent / _HUNDRED - amount * per
        ids = "+".join(r.id for r in rules)
        reason = f"additive: {percent} % off" + (f", {amount} off per unit" if amount else "")
        if set_by is not None:
            reason += f", from the price set by {set_by}"
        w.move(step, ids, after, reason)
        return any(r.allow_below_floor for r in rules)

    # --------------------------------------------------- after the waterfall

    def _promotions(
        self,
        states: list[_Line],
        promotions: Sequence[Promotion],
        usage: Mapping[str, int],
        adjustments: dict[str, tuple[Adjustment, ...]],
    ) -> PromotionResult | None:
        if not promotions:
            return None
        cart = []
        for state in states:
            line = state.line
            quantity = line.quantity
            if line.is_return or quantity != quantity.to_integral_value():
                continue
            # rounded down to the unit places, so unit x quantity never exceeds the line
            unit = (state.extended / quantity).quantize(self.unit_q, ROUND_DOWN)
            cart.append(
                _make_cart_line(line.key, line.sku, state.product.family, int(quantity), unit)
            )
        result = apply_promotions(cart, promotions, currency=self.currency, usage=usage)
        for applied in result.applied:
            for key, amount in applied.line_discounts.items():
                if amount:
                    adjustments[key] = (
                        *adjustments.get(key, ()),
                        _make_adjustment(
                            "promotion", applied.promotion_id, amount, applied.description
                        ),
                    )
        return result

    def _quote_discount(
        self, states: list[_Line], adjustments: dict[str, tuple[Adjustment, ...]]
    ) -> None:
        amount = self.quote.discount_amount
        if not amount:
            return
        nets = _nets(states, adjustments)
        eligible = [
            (state.line.key, net) for state, net in zip(states, nets, strict=True) if net > 0
        ]
        total = sum((net for _, net in eligible), _ZERO)
        if not total:
            return
        # the amount is spread in units of the total places: round it to them first
        quantum = self.total_q
        amount = min(amount.quantize(quantum, self.mode), total.quantize(quantum, ROUND_DOWN))
        if not amount:
            return
        # in line-key order, so a remainder cent goes to the same line whatever the line order
        eligible.sort()
        places = -quantum.as_tuple().exponent  # type: ignore[operator]
        weights = _common_weights([net.as_integer_ratio() for _, net in eligible])
        shares = _largest_remainder(int(amount.scaleb(places)), weights)
        reason = f"share of the {amount} quote discount, in proportion to the line's net"
        for (key, _), share in zip(eligible, shares, strict=True):
            if share:
                adjustments[key] = (
                    *adjustments.get(key, ()),
                    _make_adjustment(
                        "quote_discount", None, Decimal(share).scaleb(-places), reason
                    ),
                )

    def _tax(
        self,
        states: list[_Line],
        policy: TaxPolicy | None,
        adjustments: dict[str, tuple[Adjustment, ...]],
    ) -> TaxResult | None:
        if policy is None:
            return None
        taxable = [
            _make_taxable(state.line.key, state.product.tax_category, net)
            for state, net in zip(states, _nets(states, adjustments), strict=True)
        ]
        return policy.tax(taxable, currency=self.currency)

    def _assemble(
        self,
        states: list[_Line],
        adjustments: dict[str, tuple[Adjustment, ...]],
        promotions: PromotionResult | None,
        tax: TaxResult | None,
    ) -> PricedQuote:
        currency = self.currency
        tax_by_line = {}
        includes_tax = False
        if tax is not None:
            tax_by_line = {t.key: t for t in tax.lines}
            includes_tax = tax.prices_include_tax
        zero = _ZERO.quantize(self.total_q)
        limited = self.limits is not None and self.limits.max_total_percent is not None
        grouped = bool(self.quote.groups)
        groups: dict[str, _Sum] = {g.key: _Sum() for g in self.quote.groups} if grouped else {}
        # the quote's sums, kept in locals: this loop runs once per line
        sum_list = sum_net = sum_tax = sum_gross = sum_cost = _ZERO
        kinds: dict[str, Decimal] = {}
        lines: list[PricedLine] = []
        append = lines.append
        for state in states:
            line = state.line
            key = line.key
            discounts = state.discounts
            if not all(discounts.values()):
                discounts = {k: v for k, v in discounts.items() if v}
            net = state.extended
            extra = adjustments.get(key, ()) if adjustments else ()
            for adjustment in extra:
                discounts[adjustment.kind] = (
                    discounts.get(adjustment.kind, _ZERO) + adjustment.amount
                )
                net -= adjustment.amount
            list_total = state.list_total
            tax_line = tax_by_line.get(key) if tax_by_line else None
            if tax_line is None:
                tax_amount, gross = zero, net
            elif includes_tax:
                # prices include tax: list and discounts are as quoted, so they meet the gross
                tax_amount, gross = tax_line.tax, net
                net = tax_line.net
            else:
                tax_amount, gross = tax_line.tax, tax_line.gross
            if limited:
                self._check_total(state, list_total, state.extended)
            append(
                _make_line(
                    key,
                    line.sku,
                    line.quantity,
                    currency,
                    state.list_unit,
                    state.regular_unit,
                    state.customer_unit,
                    state.partner_unit,
                    state.price,
                    state.units,
                    state.multiplier,
                    list_total,
                    FrozenMap.wrap(discounts),
                    net,
                    tax_amount,
                    gross,
                    state.cost,
                    tuple(state.steps),
                    extra,
                    tuple(state.flags) if state.flags else (),
                    line.group,
                    line.parent,
                )
            )
            sum_list += list_total
            sum_net += net
            sum_tax += tax_amount
            sum_gross += gross
            sum_cost += state.cost
            for kind, amount in discounts.items():
                kinds[kind] = kinds.get(kind, _ZERO) + amount
            if grouped and line.group is not None:
                groups[line.group].add(list_total, discounts, net, tax_amount, gross, state.cost)
        return _make_priced_quote(
            self.quote.id,
            self.quote.revision,
            currency,
            self.quote.quote_date,
            tuple(lines),
            FrozenMap.wrap({k: v.totals(currency, zero) for k, v in groups.items()}),
            _totals(sum_list, kinds, sum_net, sum_tax, sum_gross, sum_cost, currency, zero),
            promotions,
            tax,
        )

    def _check_total(self, state: _Line, list_total: Decimal, net_total: Decimal) -> None:
        limits = self.limits
        if limits is None or limits.max_total_percent is None or not list_total:
            return
        percent = ((list_total - net_total) * _HUNDRED / list_total).quantize(_PERCENT_QUANTUM)
        if percent > limits.max_total_percent:
            state.flag(
                LimitFlag("max_total_percent", limits.role, limits.max_total_percent, percent)
            )


class _Sum:
    """Running sums of line amounts (a group's or the quote's)."""

    __slots__ = ("cost", "discounts", "gross", "list", "net", "tax")

    def __init__(self) -> None:
        self.list = self.net = self.tax = self.gross = self.cost = _ZERO
        self.discounts: dict[str, Decimal] = {}

    def add(
        self,
        list_total: Decimal,
        discounts: Mapping[str, Decimal],
        net: Decimal,
        tax: Decimal,
        gross: Decimal,
        cost: Decimal,
    ) -> None:
        self.list += list_total
        self.net += net
        self.tax += tax
        self.gross += gross
        self.cost += cost
        if discounts:
            sums = self.discounts
            for kind, amount in discounts.items():
                sums[kind] = sums.get(kind, _ZERO) + amount

    def totals(self, currency: str, zero: Decimal) -> Totals:
        return _totals(
            self.list, self.discounts, self.net, self.tax, self.gross, self.cost, currency, zero
        )


def _totals(
    list_total: Decimal,
    discounts: dict[str, Decimal],
    net: Decimal,
    tax: Decimal,
    gross: Decimal,
    cost: Decimal,
    currency: str,
    zero: Decimal,
) -> Totals:
    """Sums as :class:`Totals`, each amount with at least the places of ``zero``."""
    return _make_totals(
        _money(list_total + zero, currency),
        FrozenMap.wrap({k: _money(v + zero, currency) for k, v in discounts.items() if v}),
        _money(net + zero, currency),
        _money(tax + zero, currency),
        _money(gross + zero, currency),
        _money(cost + zero, currency),
        _money(net - cost + zero, currency),
    )


def _nets(states: list[_Line], adjustments: dict[str, tuple[Adjustment, ...]]) -> list[Decimal]:
    """Each line's extended amount less its adjustments so far."""
    if not adjustments:
        return [state.extended for state in states]
    nets = []
    for state in states:
        net = state.extended
        for adjustment in adjustments.get(state.line.key, ()):
            net -= adjustment.amount
        nets.append(net)
    return nets


_QUANTA: dict[tuple[str, int | None, int | None], tuple[Decimal, Decimal]] = {}
_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _quanta(currency: str, policy: RoundingPolicy) -> tuple[Decimal, Decimal]:
    """The quanta of unit prices and of extended amounts, by the currency and the policy."""
    key = (currency, policy.unit_places, policy.total_places)
    found = _QUANTA.get(key)
    if found is None:
        places = currency_precision(currency)
        unit = places if policy.unit_places is None else policy.unit_places
        total = places if policy.total_places is None else policy.total_places
        found = _QUANTA[key] = (_ONE.scaleb(-unit), _ONE.scaleb(-total))
    return found


def _post_regular(order: tuple[str, ...]) -> tuple[str, ...]:
    """The steps after the regular price as the module's own strings (compared by identity)."""
    found = _ORDERS.get(order)
    if found is None:
        found = _ORDERS[order] = tuple(_STEPS[name] for name in order)
    return found


# Per price book (by identity, while it lives) and rounding: the list steps of its
# entries. A book is immutable and an entry's step depends on nothing else, so a
# checkout pricing the same book again reuses them.
_ENTRY_STEPS: IdentityMemo[PriceBook, dict[Any, dict[str, WaterfallStep]]] = IdentityMemo()


def _entry_steps(book: PriceBook, quantum: Decimal | None, mode: str) -> dict[str, WaterfallStep]:
    """The shared list steps of ``book``'s entries at this rounding, by SKU."""
    by_rounding = _ENTRY_STEPS.get(book, _new_rounding_map)
    steps = by_rounding.get((quantum, mode))
    if steps is None:
        steps = by_rounding[(quantum, mode)] = {}
    return steps


def _new_rounding_map(book: PriceBook) -> dict[Any, dict[str, WaterfallStep]]:
    return {}


def _plain(mapping: Mapping[str, Money]) -> Mapping[str, Money]:
    """The dict behind a frozen map (read only here), for lookups without a Python call."""
    return mapping._data if isinstance(mapping, FrozenMap) else mapping


def _require_book(books: PriceBookSet | _PlainBooks, quote: Quote) -> PriceBook:
    try:
        book = books.book(quote.price_book)
    except NotFoundError:
        raise ValidationError(
            "no price book has this id", path="price_book", value=quote.price_book
        ) from None
    day = quote.quote_date
    if not book.active:
        raise ValidationError(
            f"price book {book.id!r} is inactive", path="price_book", value=book.id
        )
    if not book.is_valid_on(day):
        raise ValidationError(
            f"price book {book.id!r} is not valid on the quote date {day.isoformat()}",
            path="quote_date",
            value=day,
        )
    return book


def _priority_order(rule: PriceRule) -> tuple[int, str]:
    return (-rule.priority, rule.id)


def _set_field(state: _Line, action: Any) -> None:
    name: str = action.field
    if name.startswith("fields."):
        state.custom_fields()[name[len("fields.") :]] = (
            action.value if action.text is None else action.text
        )
    else:
        if state.overrides is None:
            state.overrides = {}
        state.overrides[name] = action.value
