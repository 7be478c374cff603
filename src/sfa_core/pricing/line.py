"""Price the lines of a quote: each line's list price, then its waterfall to the net price.

The stages here take what they read as arguments: a line, its product, and a
:class:`LineContext` holding what every line of one quote is priced with (the
currency and rounding, the price book, the rule sets, the schedules, the quote's
own discounts...) and the look-ups its lines share while they are priced. They
never see the quote itself; what happens after the waterfalls (promotions, the
quote discount, tax, the totals) is :func:`sfa_core.quotes.price_quote`'s.

:func:`price_lines` runs the stages in order over the lines and returns one
:class:`LineState` per line: its recorded waterfall and the checkpoints (list,
regular, customer, partner prices) the later passes need.

>>> import datetime as dt
>>> from decimal import Decimal
>>> from sfa_core.catalog import PriceBook, Product
>>> from sfa_core.catalog.book_set import as_book_set
>>> from sfa_core.money import Money
>>> from sfa_core.quotes import QuoteLine
>>> book = PriceBook(id="EU", currency="EUR", entries={"A-1": Money("9.90", "EUR")})
>>> context = LineContext(currency="EUR", day=dt.date(2027, 1, 1), account="ACME",
...                       book=book, books=as_book_set(book), additional_discount=Decimal(10))
>>> [state] = price_lines([QuoteLine(key="L1", sku="A-1", quantity=3)],
...                       {"A-1": Product(sku="A-1", name="Widget")}, context)
>>> state.list_total, state.price, state.extended
(Decimal('29.70'), Decimal('8.91'), Decimal('26.73'))
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from sfa_core._frozen import FrozenMap
from sfa_core._memo import IdentityMemo
from sfa_core.catalog.book_set import PlainBooks, PriceBookSet
from sfa_core.catalog.model import PercentBase, PriceBook, PricingMethod, Product
from sfa_core.catalog.subscription import SubscriptionTerms
from sfa_core.catalog.tiers import BlockPricing, PackagePricing, TierTable
from sfa_core.errors import CurrencyMismatchError, NotFoundError, ValidationError
from sfa_core.money import ExchangeRates, Money, currency_precision
from sfa_core.pricing.errors import InactiveProductError, MissingPriceError, UnknownProductError
from sfa_core.pricing.model import (
    DiscountLimits,
    LimitFlag,
    PricingOptions,
    RoundingPolicy,
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
)
from sfa_core.pricing.proration import Proration, coterminate, prorate
from sfa_core.pricing.schedules import Aggregation, DiscountSchedule, ScheduleMode
from sfa_core.pricing.waterfall import LineWaterfall, list_step

__all__ = ["LineContext", "LineState", "LineToPrice", "check_total_discount", "price_lines"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_PERCENT_QUANTUM = Decimal("0.01")
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
_DEFAULT_OPTIONS = PricingOptions()
_BASES = {
    PercentBase.LIST: "list_total",
    PercentBase.REGULAR: "regular_total",
    PercentBase.CUSTOMER: "customer_total",
    PercentBase.NET: "extended",
}

# Quantities per SKU and per family over a quote's lines (returns excluded).
_Counts = tuple[dict[str, Decimal], dict[str, Decimal]]


class LineToPrice(Protocol):
    """What pricing reads of a line (a :class:`~sfa_core.quotes.QuoteLine` is one).

    The percentages and amounts that are ``None`` fall back to the quote's own
    (:class:`LineContext`).
    """

    @property
    def key(self) -> str:
        """The line's key, named in errors and explanations."""

    @property
    def sku(self) -> str:
        """The product's SKU."""

    @property
    def quantity(self) -> Decimal:
        """How many units (negative for a return)."""

    @property
    def term(self) -> Decimal | None:
        """The subscription term, in the product's term units."""

    @property
    def start_date(self) -> _dt.date | None:
        """When the subscription starts."""

    @property
    def end_date(self) -> _dt.date | None:
        """When the subscription ends (instead of a term)."""

    @property
    def additional_discount(self) -> Decimal | None:
        """The manual discount percent."""

    @property
    def additional_discount_amount(self) -> Decimal | None:
        """The manual discount per unit."""

    @property
    def special_price(self) -> Decimal | None:
        """A unit price set on the line."""

    @property
    def partner_discount(self) -> Decimal | None:
        """The partner discount percent."""

    @property
    def distributor_discount(self) -> Decimal | None:
        """The distributor discount percent."""

    @property
    def group(self) -> str | None:
        """The quote group the line is in."""

    @property
    def is_return(self) -> bool:
        """Whether the line returns goods."""

    @property
    def fields(self) -> Mapping[str, Any]:
        """Custom fields, which rule conditions read."""


class LineState(LineWaterfall):
    """A line being priced: its waterfall, and what the totals and later passes need.

    Args:
        index: The line's position in the quote (named in errors as ``lines[i]``).
        line: The line.
        product: Its product.
    """

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
        "prorated_list_unit",
        "proration",
        "regular_total",
        "regular_unit",
    )

    list_total: Decimal
    regular_total: Decimal
    customer_total: Decimal
    list_unit: Decimal
    prorated_list_unit: Decimal
    regular_unit: Decimal
    customer_unit: Decimal
    partner_unit: Decimal

    def __init__(self, index: int, line: LineToPrice, product: Product) -> None:
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
        """Return the line's custom fields, copied the first time a rule sets one.

        Returns:
            The fields, which rules may change.
        """
        fields = self.fields
        if fields is None:
            fields = self.fields = dict(self.line.fields)
        return fields

    def flag(self, flag: LimitFlag) -> None:
        """Raise ``flag`` on the line.

        Args:
            flag: A limit the line goes beyond.
        """
        if self.flags is None:
            self.flags = []
        self.flags.append(flag)


class LineContext:
    """What every line of one quote is priced with, and what its lines share while priced.

    The settings are read only; the look-ups (list steps, tier prices, schedule
    discounts, prorations, which rules may act on a SKU) fill as the lines are
    priced, so lines of one SKU find them done. One context serves one run.

    Args:
        currency: The quote's currency.
        day: The pricing day (the quote date): books, rates and prorations use it.
        account: The account, named as the source of contracted prices.
        book: The price book the quote names (the caller checks it is active and valid).
        books: What resolves prices the book does not list.
        start: The quote's subscription start (a line's own start wins; else ``day``).
        end: The quote's end date, to which subscriptions without a term coterminate.
        additional_discount: The quote's manual discount percent, for lines without one.
        partner_discount: The quote's partner discount percent, likewise.
        distributor_discount: The quote's distributor discount percent, likewise.
        rule_sets: The price rule sets.
        quote_data: What rule conditions see as ``quote`` (needed with rule sets).
        customer: What rule conditions see as ``customer``.
        schedules: Discount schedules by id.
        rates: Exchange rates, for amounts in another currency.
        contracted: Unit prices agreed with the account, per SKU.
        options: Order switches and the rounding policy.
        limits: The discount authority of the role pricing; lines beyond it are flagged.
    """

    __slots__ = (
        "account",
        "additional_discount",
        "after_sets",
        "before_sets",
        "book",
        "books",
        "contracted",
        "currency",
        "customer",
        "day",
        "distributor_discount",
        "each_step",
        "end",
        "entries",
        "entry_steps",
        "floors",
        "limits",
        "list_steps",
        "manual_limit",
        "mode",
        "negative",
        "off_list",
        "on_sets",
        "partner_discount",
        "post_regular",
        "product_data",
        "proration_cache",
        "proration_reasons",
        "quote_data",
        "rates",
        "rule_plans",
        "schedule_cache",
        "schedules",
        "start",
        "step_q",
        "tier_cache",
        "total_q",
        "unit_q",
    )

    def __init__(
        self,
        *,
        currency: str,
        day: _dt.date,
        account: str,
        book: PriceBook,
        books: PriceBookSet | PlainBooks,
        start: _dt.date | None = None,
        end: _dt.date | None = None,
        additional_discount: Decimal | None = None,
        partner_discount: Decimal | None = None,
        distributor_discount: Decimal | None = None,
        rule_sets: tuple[RuleSet, ...] = (),
        quote_data: dict[str, Any] | None = None,
        customer: Mapping[str, Any] | None = None,
        schedules: Mapping[str, DiscountSchedule] | None = None,
        rates: ExchangeRates | None = None,
        contracted: Mapping[str, Money] | None = None,
        options: PricingOptions | None = None,
        limits: DiscountLimits | None = None,
    ) -> None:
        options = options or _DEFAULT_OPTIONS
        self.currency = currency
        self.day = day
        self.account = account
        self.book = book
        self.books = books
        self.start = start
        self.end = end
        self.additional_discount = additional_discount
        self.partner_discount = partner_discount
        self.distributor_discount = distributor_discount
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
        self.quote_data = quote_data
        self.customer = customer or {}
        self.schedules = schedules or {}
        self.rates = rates
        self.contracted = contracted or {}
        self.limits = limits
        self.manual_limit = limits.max_manual_percent if limits is not None else None
        policy = options.rounding
        self.unit_q, self.total_q = _quanta(currency, policy)
        self.each_step = policy.unit_rounding is UnitRounding.EACH_STEP
        self.step_q = self.unit_q if self.each_step else None  # rounding between steps
        self.mode = policy.mode
        self.negative = options.allow_negative_prices
        self.post_regular = _post_regular(options.post_regular_order())
        self.off_list = options.channel_discounts_off_list
        self.product_data: dict[str, dict[str, Any]] = {}
        self.proration_cache: dict[tuple[Any, ...], Proration] = {}
        self.proration_reasons: dict[int, str] = {}
        self.schedule_cache: dict[tuple[str, str, str], tuple[Decimal, str, Decimal | None]] = {}
        self.tier_cache: dict[tuple[str, str], WaterfallStep] = {}
        self.list_steps: dict[str, WaterfallStep] = {}
        # the list steps of the book's own entries, shared by every run on this book
        self.entry_steps = (
            _entry_steps(book, self.step_q, self.mode) if book.currency == currency else None
        )
        self.floors = _plain(book.floors)
        self.entries = _plain(book.entries)


# -------------------------------------------------------------------------- the run


def price_lines(
    lines: Sequence[LineToPrice], products: Mapping[str, Product], context: LineContext
) -> list[LineState]:
    """Price every line through its waterfall; percent-of-total lines go last.

    The arithmetic runs in the caller's :mod:`decimal` context
    (:func:`~sfa_core.quotes.price_quote` sets one of 60 digits).

    Args:
        lines: The lines, in quote order.
        products: The products by SKU.
        context: What the lines are priced with (see :class:`LineContext`).

    Returns:
        One :class:`LineState` per line, in order, its waterfall done.

    Raises:
        UnknownProductError: A line names a SKU ``products`` does not hold.
        InactiveProductError: A line names an inactive product.
        MissingPriceError: No price for a line in the price book.
        ValidationError: A fractional quantity for a unit-only product, a term on
            a product that is not a subscription, an unknown discount schedule.
        CurrencyMismatchError: A price in another currency and no rates.
        PriceRuleConflictError: Exclusive stacking with a tie.

    >>> import datetime as dt
    >>> from sfa_core.catalog import PriceBook, Product
    >>> from sfa_core.catalog.book_set import as_book_set
    >>> from sfa_core.quotes import QuoteLine
    >>> book = PriceBook(id="EU", currency="EUR")
    >>> context = LineContext(currency="EUR", day=dt.date(2027, 1, 1), account="ACME",
    ...                       book=book, books=as_book_set(book))
    >>> price_lines([QuoteLine(key="L1", sku="A-1", quantity=1)],
    ...             {"A-1": Product(sku="A-1", name="Widget")}, context)
    Traceback (most recent call last):
    ...
    sfa_core.pricing.errors.MissingPriceError: lines[0].sku: line 'L1': price book 'EU' has no ...
    """
    states = [_prepare(index, line, products, context) for index, line in enumerate(lines)]
    counts = _count(states) if context.schedules else None
    later = []
    for state in states:
        if state.product.pricing_method is PricingMethod.PERCENT_OF_TOTAL:
            later.append(state)
        else:
            _waterfall(state, _list_step(state, context), context, counts)
    for state in later:
        listed = _percent_of_total(state, states)
        _waterfall(state, list_step(*listed, context.step_q, context.mode), context, counts)
    return states


def check_total_discount(
    state: LineState, list_total: Decimal, net_total: Decimal, limits: DiscountLimits | None
) -> None:
    """Flag a line whose total discount goes beyond ``limits.max_total_percent``.

    Args:
        state: The line.
        list_total: Its list amount.
        net_total: Its net amount.
        limits: The discount authority of the role pricing, or ``None``.
    """
    if limits is None or limits.max_total_percent is None or not list_total:
        return
    percent = ((list_total - net_total) * _HUNDRED / list_total).quantize(_PERCENT_QUANTUM)
    if percent > limits.max_total_percent:
        state.flag(LimitFlag("max_total_percent", limits.role, limits.max_total_percent, percent))


# ------------------------------------------------------------------ preparation


def _prepare(
    index: int, line: LineToPrice, products: Mapping[str, Product], context: LineContext
) -> LineState:
    product = products.get(line.sku)
    if product is None:
        raise UnknownProductError(index, line.key, line.sku)
    if not product.active:
        raise InactiveProductError(index, line.key, line.sku)
    state = LineState(index, line, product)
    quantity = line.quantity
    if not product.fractional_quantity and quantity != quantity.to_integral_value():
        raise ValidationError(
            f"line {line.key!r}: {product.sku} is sold in whole units ({product.unit_of_measure})",
            path=f"lines[{index}].quantity",
            value=quantity,
        )
    terms = product.subscription
    if terms is not None:
        state.proration = _proration(index, line, terms, context)
    elif line.term is not None or line.end_date is not None:
        raise ValidationError(
            f"line {line.key!r}: {product.sku} is not a subscription",
            path=f"lines[{index}].term" if line.term is not None else f"lines[{index}].end_date",
            value=line.term if line.term is not None else line.end_date,
        )
    if product.cost is not None:
        cost = _convert(product.cost, context, "lines[{}].cost", index)
        state.cost = (cost * quantity).quantize(context.total_q, context.mode)
    return state


def _proration(
    index: int, line: LineToPrice, terms: SubscriptionTerms, context: LineContext
) -> Proration:
    start = line.start_date or context.start or context.day
    end = context.end
    key = (terms, start, line.end_date, line.term, end)
    found = context.proration_cache.get(key)
    if found is not None:
        return found
    try:
        if line.end_date is not None:
            result = prorate(terms, start=start, end=line.end_date)
        elif line.term is not None:
            result = prorate(terms, start=start, term=line.term)
        elif end is not None:
            result = coterminate(terms, start=start, end_date=end)
        else:
            result = prorate(terms, start=start, term=terms.default_term)
    except ValidationError as exc:
        raise ValidationError(
            f"line {line.key!r}: {exc.reason}",
            path=f"lines[{index}].{exc.path or 'term'}",
            value=exc.value,
        ) from None
    context.proration_cache[key] = result
    return result


def _proration_reason(proration: Proration, context: LineContext) -> str:
    reasons = context.proration_reasons
    reason = reasons.get(id(proration))
    if reason is None:
        reason = reasons[id(proration)] = str(proration)
    return reason


def _convert(amount: Money, context: LineContext, path: str, *parts: object) -> Decimal:
    """``amount`` in the quote's currency; ``path.format(*parts)`` names it in errors."""
    currency = context.currency
    if amount.currency == currency:
        return amount.amount
    rates = context.rates
    if rates is None:
        raise CurrencyMismatchError(
            currency,
            amount.currency,
            operation="price a quote in",
            path=path.format(*parts) + " (no exchange rates given)",
        )
    converted = rates.convert(amount, currency, on=context.day)
    return converted.amount.quantize(context.unit_q, context.mode)


def _count(states: list[LineState]) -> _Counts:
    """Sum the quantities per SKU and per family (returns excluded)."""
    skus: dict[str, Decimal] = {}
    families: dict[str, Decimal] = {}
    for state in states:
        line = state.line
        if not line.is_return:
            skus[line.sku] = skus.get(line.sku, _ZERO) + line.quantity
            family = state.product.family
            families[family] = families.get(family, _ZERO) + line.quantity
    return skus, families


# ------------------------------------------------------------------- list price


def _list_step(state: LineState, context: LineContext) -> WaterfallStep:
    """The list step of a line; lines of a SKU priced per unit share one."""
    method = state.product.pricing_method
    if method is PricingMethod.LIST or method is PricingMethod.COST_PLUS:
        sku = state.line.sku
        step = context.list_steps.get(sku)
        if step is None:
            step = context.list_steps[sku] = _first_list_step(state, context)
        return step
    return _tier_step(state, context)


def _first_list_step(state: LineState, context: LineContext) -> WaterfallStep:
    """The list step of a SKU's first per-unit line in this run."""
    sku = state.line.sku
    shared = context.entry_steps
    if (
        shared is None
        or state.product.pricing_method is not PricingMethod.LIST
        or sku not in context.entries
    ):
        return list_step(*_list_price(state, context), context.step_q, context.mode)
    step = shared.get(sku)
    if step is None:
        listed = _list_price(state, context)
        step = shared[sku] = list_step(*listed, context.step_q, context.mode)
    return step


def _list_price(state: LineState, context: LineContext) -> tuple[Decimal, str | None, str]:
    """The unit list price of a per-unit line: from the book, derived, or cost plus."""
    product, line = state.product, state.line
    book = context.book
    if product.pricing_method is PricingMethod.LIST:
        entry = context.entries.get(line.sku)
        if entry is not None:
            return (
                _convert(entry, context, "lines[{}].sku", state.index),
                book.id,
                "price book entry",
            )
        try:
            resolved = context.books.unit_price(
                book.id, product, on=context.day, rates=context.rates
            )
        except NotFoundError:
            raise MissingPriceError(state.index, line.key, line.sku, book.id) from None
        steps = "; ".join(str(step) for step in resolved.steps)
        reason = f"derived from {resolved.source}: {steps}" if steps else str(resolved)
        return _convert(resolved.price, context, "price_book"), book.id, reason
    assert product.cost is not None  # cost plus
    cost = _convert(product.cost, context, "lines[{}].cost", state.index)
    markup = product.markup or _ZERO
    return cost * (_ONE + markup / _HUNDRED), None, f"cost {cost} + {markup} % markup"


def _tier_step(state: LineState, context: LineContext) -> WaterfallStep:
    """The list step of a tiered or block line: the whole line's price, from the table."""
    line, method, book = state.line, state.product.pricing_method, context.book
    table = book.tiers.get(line.sku)
    wanted = BlockPricing if method is PricingMethod.BLOCK else (TierTable, PackagePricing)
    if table is None or not isinstance(table, wanted):
        kind = "block prices" if method is PricingMethod.BLOCK else "tier table"
        raise MissingPriceError(state.index, line.key, line.sku, book.id, kind)
    if book.currency != context.currency:
        raise CurrencyMismatchError(
            context.currency, book.currency, operation="price tiers in", path="price_book"
        )
    quantity = line.quantity
    sign = _ONE if quantity > 0 else -_ONE
    state.units = sign
    state.per = quantity * sign
    key = (line.sku, str(state.per))  # the text shows the quantity as written
    found = context.tier_cache.get(key)
    if found is None:
        result = table.price(state.per)
        found = context.tier_cache[key] = list_step(
            result.amount, book.id, str(result), context.step_q, context.mode
        )
    return found


def _percent_of_total(state: LineState, states: list[LineState]) -> tuple[Decimal, None, str]:
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


# -------------------------------------------------------------------- waterfall


def _waterfall(
    w: LineState, listed: WaterfallStep, context: LineContext, counts: _Counts | None
) -> None:
    line, product = w.line, w.product
    proration = w.proration
    multiplier = proration.multiplier if proration is not None else _ONE
    w.reset(w.units, multiplier, context.step_q, context.total_q, context.mode, context.negative)
    w.begin(listed)
    list_price = w.price
    list_total = w.extended
    allow_floor = False
    per = w.per
    if context.before_sets:
        allow_floor |= _rules(w, context.before_sets, Phase.BEFORE, "before_rules", context)
    if context.contracted:
        contracted = context.contracted.get(line.sku)
        if contracted is not None:
            amount = _convert(contracted, context, "contracted_prices[{!r}]", line.sku)
            w.move("contracted", context.account, amount * per, "contracted price")
    if line.special_price is not None:
        w.move("special", None, line.special_price * per, "special price set on the line")
    if context.on_sets:
        allow_floor |= _rules(w, context.on_sets, Phase.ON, "price_rules", context)
    if product.discount_schedule is not None:
        _schedule(w, product.discount_schedule, "volume_schedule", context, counts)
    if product.term_discount_schedule is not None:
        _schedule(w, product.term_discount_schedule, "term_schedule", context, counts)
    unit_list = list_price
    if proration is not None:
        w.prorate(_proration_reason(proration, context), None)
        list_price = list_price * multiplier
    regular_total = w.extended
    regular = customer_price = partner_price = w.price
    customer_total = regular_total
    overrides = w.overrides
    for step in context.post_regular:
        if step is _ADDITIONAL:
            before = w.price
            percent = overrides.get(_ADDITIONAL) if overrides else None
            if percent is None:
                percent = line.additional_discount
                if percent is None:
                    percent = context.additional_discount
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
            if context.manual_limit is not None:
                _check_manual(w, before, w.price, context.limits)
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
                    percent = getattr(context, step)
            if percent:
                base = list_price if context.off_list else w.price
                w.move(
                    step,
                    None,
                    w.price - base * percent / _HUNDRED,
                    f"{percent} % {_CHANNEL_LABELS[step]}",
                )
    if context.after_sets:
        allow_floor |= _rules(w, context.after_sets, Phase.AFTER, "after_rules", context)
    if context.floors and not allow_floor:
        _floor(w, context)
    if not context.each_step:
        w.finish(context.unit_q)
    w.list_total = list_total
    w.regular_total = regular_total
    w.customer_total = customer_total
    w.list_unit = unit_list
    w.prorated_list_unit = (
        list_price if proration is None else list_price.quantize(context.unit_q, context.mode)
    )
    w.regular_unit = regular
    w.customer_unit = customer_price
    w.partner_unit = partner_price


def _floor(state: LineState, context: LineContext) -> None:
    floor = context.floors.get(state.line.sku)
    if floor is None:
        return
    book_id = context.book.id
    amount = _convert(floor, context, "price_books[{!r}].floors", book_id) * state.per
    if state.price < amount:
        state.move("floor", book_id, amount, f"raised to the floor price {floor.amount}")


def _check_manual(
    state: LineState, before: Decimal, after: Decimal, limits: DiscountLimits | None
) -> None:
    if limits is None or limits.max_manual_percent is None or not before:
        return
    percent = ((before - after) * _HUNDRED / before).quantize(_PERCENT_QUANTUM)
    if percent > limits.max_manual_percent:
        state.flag(LimitFlag("max_manual_percent", limits.role, limits.max_manual_percent, percent))


def _schedule(
    state: LineState,
    schedule_id: str,
    step: str,
    context: LineContext,
    counts: _Counts | None,
) -> None:
    schedule = context.schedules.get(schedule_id)
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
            assert counts is not None  # counted whenever there are schedules
            if aggregation is Aggregation.PRODUCT:
                count = counts[0][line.sku]
            else:
                count = counts[1][state.product.family]
    unit_price = state.price / state.per if state.per != _ONE else state.price
    key = (schedule.id, str(count), str(unit_price))  # the text shows them as written
    found = context.schedule_cache.get(key)
    if found is None:
        result = schedule.discount(count, unit_price=unit_price, currency=context.currency)
        slab_off = result.total_amount_off if schedule.mode is ScheduleMode.SLAB else None
        found = context.schedule_cache[key] = (result.unit_price_after, str(result), slab_off)
    after, reason, total_off = found
    if state.per != _ONE:
        after = after * state.per
    if total_off is None:
        state.move(step, schedule.id, after, reason)
        return
    # A slab: the line's discount is its share of the tiers' exact sum, and the line
    # amount is extended from it, not from the blended unit price (which rounds).
    quantity = line.quantity
    units = -quantity if quantity < 0 else quantity
    line_off = total_off if units == count else total_off * units / count
    if quantity < 0:
        line_off = -line_off
    total = state.price * state.units - line_off
    if not state.prorated:
        total = total * state.multiplier
    state.move_total(step, schedule.id, after, total, reason)


# ------------------------------------------------------------------------ rules


def _data(state: LineState, context: LineContext) -> dict[str, Any]:
    product = state.product
    product_data = context.product_data.get(product.sku)
    if product_data is None:
        product_data = {
            "sku": product.sku,
            "name": product.name,
            "family": product.family,
            "unit_of_measure": product.unit_of_measure,
            "attributes": dict(product.attributes),
        }
        context.product_data[product.sku] = product_data
    line = state.line
    return {
        "quote": context.quote_data,
        "customer": context.customer,
        "product": product_data,
        "line": {
            "key": line.key,
            "sku": line.sku,
            "quantity": line.quantity,
            "term": state.proration.term if state.proration is not None else None,
            "price": state.price,
            "list_price": state.steps[0].after,
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
    rule_sets: tuple[RuleSet, ...], phase: Phase, state: LineState, context: LineContext
) -> tuple[tuple[RuleSet, tuple[PriceRule, ...]], ...]:
    """The rules of ``phase`` that may act on a SKU, per set, in the quote's currency."""
    sku = state.line.sku
    plans = context.rule_plans[phase]
    found = plans.get(sku)
    if found is None:
        currency = context.currency
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
    state: LineState,
    rule_sets: tuple[RuleSet, ...],
    phase: Phase,
    step: str,
    context: LineContext,
) -> bool:
    allow_floor = False
    for rule_set, candidates in _rule_plan(rule_sets, phase, state, context):
        data: dict[str, Any] | None = None
        pricing: list[PriceRule] = []
        for rule in candidates:
            test = rule._test
            if test is not None:
                if data is None:
                    data = _data(state, context)
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
                state.move(step, rule.id, rule._apply(state.price, per), rule._description)
                allow_floor = allow_floor or rule.allow_below_floor
        else:
            allow_floor |= _stack(state, rule_set, pricing, step, context)
    return allow_floor


def _stack(
    state: LineState,
    rule_set: RuleSet,
    rules: list[PriceRule],
    step: str,
    context: LineContext,
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
        state.move(step, rule.id, rule._apply(state.price, per), rule._description)
        return rule.allow_below_floor
    if stacking is Stacking.BEST_FOR_CUSTOMER:
        results = [(rule._apply(state.price, per), index) for index, rule in enumerate(rules)]
        best_price, best_index = min(results)
        winner = rules[best_index]
        others = ", ".join(
            f"{rules[i].id} {price.quantize(context.unit_q, context.mode)}"
            for price, i in results
            if i != best_index
        )
        reason = winner.describe() + (f" (best for the customer; also {others})" if others else "")
        state.move(step, winner.id, best_price, reason)
        return winner.allow_below_floor
    # ADDITIVE: one set price (highest priority), then percentages and amounts summed
    base = state.price
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
    state.move(step, ids, after, reason)
    return any(r.allow_below_floor for r in rules)


def _priority_order(rule: PriceRule) -> tuple[int, str]:
    return (-rule.priority, rule.id)


def _set_field(state: LineState, action: Any) -> None:
    name: str = action.field
    if name.startswith("fields."):
        state.custom_fields()[name[len("fields.") :]] = (
            action.value if action.text is None else action.text
        )
    else:
        if state.overrides is None:
            state.overrides = {}
        state.overrides[name] = action.value


# ---------------------------------------------------------------- shared look-ups

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
