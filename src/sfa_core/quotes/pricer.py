"""Price a quote: the lines' waterfalls, then promotions, the quote discount, tax and totals.

:func:`price_quote` is pure: it takes values (the quote, the products, the
price books, the rules...) and returns a :class:`~sfa_core.quotes.PricedQuote`.
It never reads a clock or storage, so a checkout can call it with what it holds.

Each line goes through its waterfall in :mod:`sfa_core.pricing.line`; what
needs the whole quote happens here, in this order: cart promotions, the quote's
discount amount spread over the lines, tax, and the line, group and quote totals.
"""

from __future__ import annotations

import datetime as _dt
import decimal
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sfa_core._fast import builder
from sfa_core._frozen import FrozenMap
from sfa_core._validate import require_day, require_items, require_key
from sfa_core.catalog.book_set import PlainBooks, PriceBookSet, as_book_set
from sfa_core.catalog.model import PriceBook, Product
from sfa_core.errors import NotFoundError, ValidationError
from sfa_core.money import ExchangeRates, Money, _common_weights, _largest_remainder
from sfa_core.pricing.line import LineContext, LineState, check_total_discount, price_lines
from sfa_core.pricing.model import Adjustment, DiscountLimits, PricedLine, PricingOptions, Totals
from sfa_core.pricing.price_rules import PriceRule, RuleSet, as_rule_sets
from sfa_core.pricing.promotions import CartLine, Promotion, PromotionResult, apply_promotions
from sfa_core.pricing.schedules import DiscountSchedule, as_schedules
from sfa_core.pricing.tax import TaxableLine, TaxPolicy, TaxResult
from sfa_core.quotes.model import Quote, QuoteLine, QuoteLockedError
from sfa_core.quotes.priced import PricedQuote

__all__ = ["price_quote", "unit_prices"]

_ZERO = Decimal(0)
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
_money = builder(Money)


def _as_products(catalog: Any) -> Mapping[str, Product]:
    if catalog.__class__ is dict or isinstance(catalog, Mapping):
        return catalog
    products: dict[str, Product] = {}
    for index, product in enumerate(require_items(catalog, "catalog")):
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
    _check_arguments(
        rates=rates,
        contracted_prices=contracted_prices,
        customer=customer,
        promotions=promotions,
        promotion_usage=promotion_usage,
        tax=tax,
        limits=limits,
        options=options,
    )
    if quote.locked and not allow_locked:
        raise QuoteLockedError(quote.id, quote.status, "reprice")
    products = _as_products(catalog)
    books = as_book_set(price_books)
    rule_sets = as_rule_sets(rules)
    found_schedules = as_schedules(schedules)
    with decimal.localcontext(_CONTEXT):
        context = LineContext(
            currency=quote.currency,
            day=quote.quote_date,
            account=quote.account,
            book=_require_book(books, quote.price_book, quote.quote_date),
            books=books,
            start=quote.start_date,
            end=quote.end_date,
            additional_discount=quote.additional_discount,
            partner_discount=quote.partner_discount,
            distributor_discount=quote.distributor_discount,
            rule_sets=rule_sets,
            quote_data=_rule_data(quote) if rule_sets else None,
            customer=customer,
            schedules=found_schedules,
            rates=rates,
            contracted=contracted_prices,
            options=options,
            limits=limits,
        )
        states = price_lines(quote.lines, products, context)
        adjustments: dict[str, tuple[Adjustment, ...]] = {}
        promoted = _promotions(
            states, promotions, promotion_usage or {}, adjustments, quote.currency, context.unit_q
        )
        _quote_discount(states, quote.discount_amount, adjustments, context.total_q, context.mode)
        taxed = _tax(states, tax, adjustments, quote.currency)
        return _assemble(quote, states, adjustments, promoted, taxed, context.total_q, limits)


def unit_prices(
    quantities: Mapping[str, Decimal | int],
    *,
    account: str,
    price_book: str,
    on: _dt.date,
    catalog: Mapping[str, Product] | Iterable[Product],
    price_books: PriceBookSet | Mapping[str, PriceBook] | Iterable[PriceBook] | PriceBook,
    rules: RuleSet | Iterable[RuleSet | PriceRule] | None = None,
    schedules: Mapping[str, DiscountSchedule] | Iterable[DiscountSchedule] = (),
    rates: ExchangeRates | None = None,
    contracted_prices: Mapping[str, Money] | None = None,
    customer: Mapping[str, Any] | None = None,
    options: PricingOptions | None = None,
) -> dict[str, Decimal]:
    """Each SKU's unit price at a quantity for ``account``, by the line waterfall alone; pure.

    What a configurator's cheapest completion weighs options by. Each SKU is a
    line priced on its own through :func:`~sfa_core.pricing.line.price_lines`
    (list price, tiers, contracted price, rules, schedules, proration): no quote
    is made, so what depends on a whole cart (promotions, the quote discount,
    tax) does not apply. Rule conditions see as ``quote`` the account, the
    currency, the price book, the date and the lines being priced (no id).

    Args:
        quantities: Per SKU, the quantity to price it at.
        account: The account (contracted prices, rule conditions).
        price_book: The price book's id; the currency is its currency.
        on: The pricing date.
        catalog: The products.
        price_books: The price books (``price_book`` and its bases).
        rules: Price rule sets (or loose rules).
        schedules: Discount schedules the products name.
        rates: Exchange rates.
        contracted_prices: The account's contracted unit prices, per SKU.
        customer: What rule conditions see as ``customer``.
        options: Order switches and the rounding policy.

    Returns:
        Per SKU, the line's extended amount divided by its quantity (not
        rounded again).

    Raises:
        ValidationError: A bad quantity or SKU (the path names its line), an
            inactive or out-of-date price book.
        SfaError: Whatever pricing the line raises (unknown product, no price...).

    >>> import datetime as dt
    >>> from sfa_core.catalog import TierTable
    >>> book = PriceBook(id="EU", currency="EUR", entries={"SSD": Money("90.00", "EUR")},
    ...                  tiers={"RAM": TierTable.graduated([(2, "40"), (None, "30")])})
    >>> unit_prices({"SSD": 2, "RAM": 4}, account="ACME", price_book="EU",
    ...             on=dt.date(2027, 3, 1), price_books=book,
    ...             catalog=[Product(sku="SSD", name="SSD"),
    ...                      Product(sku="RAM", name="RAM", pricing_method="tiered")])
    {'SSD': Decimal('90.00'), 'RAM': Decimal('35.00')}
    """
    if not isinstance(quantities, Mapping):
        raise ValidationError(
            "must be a mapping of SKU to quantity", path="quantities", value=quantities
        )
    _check_arguments(
        rates=rates, contracted_prices=contracted_prices, customer=customer, options=options
    )
    lines = [
        QuoteLine(key=f"L{index}", sku=sku, quantity=quantity)
        for index, (sku, quantity) in enumerate(quantities.items(), start=1)
    ]
    if not lines:
        return {}
    products = _as_products(catalog)
    books = as_book_set(price_books)
    day = require_day(on, "on")
    book = _require_book(books, require_key(price_book, "price_book"), day)
    rule_sets = as_rule_sets(rules)
    with decimal.localcontext(_CONTEXT):
        data: dict[str, Any] = {
            "id": None,
            "account": require_key(account, "account"),
            "currency": book.currency,
            "price_book": book.id,
            "date": day.isoformat(),
            "line_count": len(lines),
            "total_quantity": sum((line.quantity for line in lines), _ZERO),
            "fields": {},
        }
        context = LineContext(
            currency=book.currency,
            day=day,
            account=account,
            book=book,
            books=books,
            rule_sets=rule_sets,
            quote_data=data if rule_sets else None,
            customer=customer,
            schedules=as_schedules(schedules),
            rates=rates,
            contracted=contracted_prices,
            options=options,
        )
        states = price_lines(lines, products, context)
    # divided in the caller's context, as a priced line's total would be
    return {state.line.sku: state.extended / state.line.quantity for state in states}


def _check_arguments(
    *,
    rates: Any = None,
    contracted_prices: Any = None,
    customer: Any = None,
    promotions: Any = (),
    promotion_usage: Any = None,
    tax: Any = None,
    limits: Any = None,
    options: Any = None,
) -> None:
    """Refuse an argument of a pricing call that is not what it must be, naming it."""
    for name, value, kind in (
        ("rates", rates, ExchangeRates),
        ("limits", limits, DiscountLimits),
        ("options", options, PricingOptions),
    ):
        if value is not None and not isinstance(value, kind):
            raise ValidationError(f"must be a {kind.__name__} or None", path=name, value=value)
    # a structural protocol: its method is what counts (cheaper than isinstance on it)
    if tax is not None and not callable(getattr(tax, "tax", None)):
        raise ValidationError(
            "must be a TaxPolicy (with a tax method) or None", path="tax", value=tax
        )
    for name, value in (("customer", customer), ("promotion_usage", promotion_usage)):
        if value is not None and not isinstance(value, Mapping):
            raise ValidationError("must be a mapping or None", path=name, value=value)
    if contracted_prices is not None:
        if not isinstance(contracted_prices, Mapping):
            raise ValidationError(
                "must be a mapping of SKU to Money or None",
                path="contracted_prices",
                value=contracted_prices,
            )
        for sku, price in contracted_prices.items():
            if not isinstance(price, Money):
                raise ValidationError(
                    "must be a Money", path=f"contracted_prices[{sku!r}]", value=price
                )
    for index, promotion in enumerate(require_items(promotions, "promotions")):
        if not isinstance(promotion, Promotion):
            raise ValidationError(
                "must be a Promotion", path=f"promotions[{index}]", value=promotion
            )


def _rule_data(quote: Quote) -> dict[str, Any]:
    """What price rule conditions see as ``quote``."""
    return {
        "id": quote.id,
        "account": quote.account,
        "currency": quote.currency,
        "price_book": quote.price_book,
        "date": quote.quote_date.isoformat(),
        "line_count": len(quote.lines),
        "total_quantity": sum((ln.quantity for ln in quote.lines), _ZERO),
        "fields": dict(quote.fields),
    }


def _require_book(books: PriceBookSet | PlainBooks, book_id: str, day: _dt.date) -> PriceBook:
    try:
        book = books.book(book_id)
    except NotFoundError:
        raise ValidationError(
            "no price book has this id", path="price_book", value=book_id
        ) from None
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


# --------------------------------------------------- after the waterfalls


def _promotions(
    states: list[LineState],
    promotions: Sequence[Promotion],
    usage: Mapping[str, int],
    adjustments: dict[str, tuple[Adjustment, ...]],
    currency: str,
    unit_quantum: Decimal,
) -> PromotionResult | None:
    """Apply the cart promotions to the priced lines; their discounts become adjustments."""
    if not promotions:
        return None
    cart = []
    for state in states:
        line = state.line
        quantity = line.quantity
        if line.is_return or quantity != quantity.to_integral_value():
            continue
        # rounded down to the unit places, so unit x quantity never exceeds the line
        unit = (state.extended / quantity).quantize(unit_quantum, ROUND_DOWN)
        cart.append(_make_cart_line(line.key, line.sku, state.product.family, int(quantity), unit))
    result = apply_promotions(cart, promotions, currency=currency, usage=usage)
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
    states: list[LineState],
    amount: Decimal | None,
    adjustments: dict[str, tuple[Adjustment, ...]],
    quantum: Decimal,
    mode: str,
) -> None:
    """Spread the quote's discount ``amount`` over the lines, in proportion to their nets."""
    if not amount:
        return
    nets = _nets(states, adjustments)
    eligible = [(state.line.key, net) for state, net in zip(states, nets, strict=True) if net > 0]
    total = sum((net for _, net in eligible), _ZERO)
    if not total:
        return
    # the amount is spread in units of the total places: round it to them first
    amount = min(amount.quantize(quantum, mode), total.quantize(quantum, ROUND_DOWN))
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
                _make_adjustment("quote_discount", None, Decimal(share).scaleb(-places), reason),
            )


def _tax(
    states: list[LineState],
    policy: TaxPolicy | None,
    adjustments: dict[str, tuple[Adjustment, ...]],
    currency: str,
) -> TaxResult | None:
    """Tax the lines' nets (after promotions and the quote discount)."""
    if policy is None:
        return None
    taxable = [
        _make_taxable(state.line.key, state.product.tax_category, net)
        for state, net in zip(states, _nets(states, adjustments), strict=True)
    ]
    return policy.tax(taxable, currency=currency)


def _assemble(
    quote: Quote,
    states: list[LineState],
    adjustments: dict[str, tuple[Adjustment, ...]],
    promotions: PromotionResult | None,
    tax: TaxResult | None,
    total_quantum: Decimal,
    limits: DiscountLimits | None,
) -> PricedQuote:
    """Build the priced lines and sum them into the group and quote totals."""
    currency = quote.currency
    tax_by_line = {}
    includes_tax = False
    if tax is not None:
        tax_by_line = {t.key: t for t in tax.lines}
        includes_tax = tax.prices_include_tax
    zero = _ZERO.quantize(total_quantum)
    limited = limits is not None and limits.max_total_percent is not None
    grouped = bool(quote.groups)
    groups: dict[str, _Sum] = {g.key: _Sum() for g in quote.groups} if grouped else {}
    # the quote's sums, kept in locals: this loop runs once per line
    sum_list = sum_net = sum_tax = sum_gross = sum_cost = _ZERO
    kinds: dict[str, Decimal] = {}
    lines: list[PricedLine] = []
    append = lines.append
    for state, line in zip(states, quote.lines, strict=True):
        key = line.key
        discounts = state.discounts
        if not all(discounts.values()):
            discounts = {k: v for k, v in discounts.items() if v}
        net = state.extended
        extra = adjustments.get(key, ()) if adjustments else ()
        for adjustment in extra:
            discounts[adjustment.kind] = discounts.get(adjustment.kind, _ZERO) + adjustment.amount
            net -= adjustment.amount
        list_total = state.list_total
        tax_line = tax_by_line.get(key) if tax_by_line else None
        included = None
        if tax_line is None:
            tax_amount, gross = zero, net
        elif includes_tax:
            # prices include tax: list and discounts are as quoted, so they meet the
            # gross; the tax taken out of it is the explanation's last step, to the net
            tax_amount, gross = tax_line.tax, net
            net = tax_line.net
            included = _make_adjustment(
                "included_tax",
                tax_line.category,
                tax_amount,
                f"{tax_line.rate:f} % tax included in the gross {gross}",
            )
        else:
            tax_amount, gross = tax_line.tax, tax_line.gross
        if limited:
            check_total_discount(state, list_total, state.extended, limits)
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
                state.prorated_list_unit,
                included,
                None,
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
        quote.id,
        quote.revision,
        currency,
        quote.quote_date,
        tuple(lines),
        FrozenMap.wrap({k: v.totals(currency, zero, includes_tax) for k, v in groups.items()}),
        _totals(
            sum_list, kinds, sum_net, sum_tax, sum_gross, sum_cost, currency, zero, includes_tax
        ),
        promotions,
        tax,
        None,
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

    def totals(self, currency: str, zero: Decimal, includes_tax: bool) -> Totals:
        return _totals(
            self.list,
            self.discounts,
            self.net,
            self.tax,
            self.gross,
            self.cost,
            currency,
            zero,
            includes_tax,
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
    includes_tax: bool,
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
        includes_tax,
    )


def _nets(states: list[LineState], adjustments: dict[str, tuple[Adjustment, ...]]) -> list[Decimal]:
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
