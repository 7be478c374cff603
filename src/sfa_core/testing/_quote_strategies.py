"""Hypothesis strategies for quotes and for whole pricing scenarios that always price.

These are re-exported from :mod:`sfa_core.testing.strategies`. The centre piece is
:func:`pricing_scenarios`: a quote together with everything it needs to be priced
(products, price books, rule sets, discount schedules, and sometimes a tax policy,
promotions, contracted prices, discount limits and pricing options), all consistent,
so that :meth:`PricingScenario.price` never raises. Hosts use it to property-test
what they build on priced quotes:

>>> from hypothesis import given, settings
>>> from sfa_core.testing.strategies import pricing_scenarios
>>> @settings(max_examples=10, deadline=None)
... @given(pricing_scenarios(max_lines=3))
... def test_quote_total_is_the_sum_of_its_lines(scenario):
...     priced = scenario.price()
...     assert priced.totals.net.amount == sum(line.net_total for line in priced.lines)
>>> test_quote_total_is_the_sum_of_its_lines()
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from hypothesis import strategies as st

from sfa_core.catalog.derivation import PriceBase
from sfa_core.catalog.model import PriceBook, PricingMethod, Product
from sfa_core.catalog.subscription import SubscriptionTerms, TermUnit
from sfa_core.money import Money, currency_precision
from sfa_core.pricing.model import (
    DiscountLimits,
    PricedLine,
    PricingOptions,
    Totals,
    WaterfallStep,
)
from sfa_core.pricing.price_rules import RuleSet, Stacking
from sfa_core.pricing.promotions import Promotion
from sfa_core.pricing.schedules import DiscountSchedule, ScheduleBasis
from sfa_core.pricing.tax import RateTaxPolicy
from sfa_core.quotes.model import Quote, QuoteGroup, QuoteLine, QuoteStatus
from sfa_core.quotes.priced import PricedQuote
from sfa_core.quotes.pricer import price_quote
from sfa_core.testing._pricing_strategies import (
    _BOOLS,
    FAMILIES,
    TAX_CATEGORIES,
    _block_pricings,
    _decimals,
    _derivations,
    _discount_schedules,
    _ints,
    _keys,
    _maybe,
    _package_pricings,
    _percent_of_totals,
    _pricing_options,
    _rate_tax_policy,
    _rule_sets,
    _sampled,
    _subscription_terms,
    _tier_tables,
    discount_limits,
    promotions,
)

__all__ = [
    "PricingScenario",
    "priced_lines",
    "priced_quotes",
    "pricing_scenarios",
    "quote_groups",
    "quote_lines",
    "quotes",
    "totals",
    "waterfall_steps",
]

#: The currencies scenarios are drawn in: 2, 0 and 3 decimals.
SCENARIO_CURRENCIES = ("EUR", "USD", "JPY", "BHD", "GBP")
_KEY_ALPHABET = "ABCDEFGHJK-0123456789"
_FIRST_DAY = _dt.date(2020, 1, 1)
_LAST_DAY = _dt.date(2035, 12, 31)
_SPAN = (_LAST_DAY - _FIRST_DAY).days
_FAMILIES = (*FAMILIES, "")
_CATEGORIES = (*TAX_CATEGORIES, "exotic")
_FIELD_VALUES: st.SearchStrategy[Any] = st.sampled_from(["gold", "EMEA", "", 1, 250, True, False])


@functools.cache
def _money(low: int, high: int, code: str) -> st.SearchStrategy[Money]:
    return _decimals(low, high, currency_precision(code)).map(lambda amount: Money(amount, code))


@functools.cache
def _fields() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(["tier", "region", "seats"]), _FIELD_VALUES, max_size=2)


@functools.cache
def _sometimes(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``None`` three times out of four, else a value of ``strategy``."""
    return st.integers(0, 3).flatmap(lambda n: strategy if n == 0 else st.none())


# -- quote values --------------------------------------------------------------------------


def quote_groups() -> st.SearchStrategy[QuoteGroup]:
    """Valid quote groups.

    Returns:
        A strategy of :class:`~sfa_core.quotes.QuoteGroup`.

    Example:
        >>> from hypothesis import find
        >>> group = find(quote_groups(), lambda g: g.name != "")
        >>> group.name in ("Option A", "Phase 2", "Site Köln")
        True
    """
    return st.builds(
        QuoteGroup, key=_keys(), name=st.sampled_from(["", "Option A", "Phase 2", "Site Köln"])
    )


@st.composite
def quote_lines(
    draw: st.DrawFn,
    *,
    key: str | None = None,
    skus: Sequence[str] | None = None,
    parents: Sequence[str] = (),
    groups: Sequence[str] = (),
    places: int = 2,
) -> QuoteLine:
    """Valid quote lines: any quantity (negative on a return), term, dates and inputs.

    The lines are valid values, not necessarily priceable against a given catalog (a
    term on a product that is not a subscription, say); see :func:`pricing_scenarios`
    for lines that always price.

    Args:
        draw: Supplied by Hypothesis.
        key: The line's key (drawn when ``None``).
        skus: The SKUs to draw from (any key when ``None``).
        parents: Keys of lines this one may belong to.
        groups: Keys of groups it may be in.
        places: Decimals of amounts (the currency's).

    Returns:
        A :class:`~sfa_core.quotes.QuoteLine`.

    Example:
        >>> from hypothesis import find
        >>> line = find(quote_lines(), lambda l: l.is_return)
        >>> line.quantity < 0
        True
    """
    return _quote_line(draw, key=key, skus=skus, parents=parents, groups=groups, places=places)


def _quote_line(
    draw: st.DrawFn,
    *,
    key: str | None,
    skus: Sequence[str] | None,
    parents: Sequence[str],
    groups: Sequence[str],
    places: int,
) -> QuoteLine:
    is_return = draw(_BOOLS)
    quantity = draw(_QUANTITIES)
    start = draw(_maybe(_DAYS))
    end = None
    if draw(_BOOLS):
        end = (start or _FIRST_DAY) + _dt.timedelta(days=draw(_ints(0, 1500)))
    percent = _maybe(_decimals(0, 100))
    return QuoteLine(
        key=key if key is not None else draw(_keys()),
        sku=draw(_sampled(skus) if skus else _keys(12)),
        quantity=-quantity if is_return else quantity,
        term=draw(_maybe(_TERMS)),
        start_date=start,
        end_date=end,
        additional_discount=draw(percent),
        additional_discount_amount=draw(_maybe(_decimals(0, 50, places))),
        special_price=draw(_maybe(_decimals(0, 1000, places))),
        partner_discount=draw(percent),
        distributor_discount=draw(percent),
        parent=draw(_maybe(_sampled(parents))) if parents else None,
        group=draw(_maybe(_sampled(groups))) if groups else None,
        is_return=is_return,
        fields=draw(_fields()),
    )


_QUANTITIES = _ints(1, 1000).map(Decimal) | _decimals("0.01", 1000)
_DAYS = st.dates(_FIRST_DAY, _LAST_DAY)
_TERMS = _ints(1, 60).map(Decimal)


@st.composite
def quotes(draw: st.DrawFn, *, max_lines: int = 6, currency: str | None = None) -> Quote:
    """Valid quotes in any status: unique keys, parents and groups that exist, ordered dates.

    Args:
        draw: Supplied by Hypothesis.
        max_lines: The most lines.
        currency: The quote's currency (drawn when ``None``).

    Returns:
        A :class:`~sfa_core.quotes.Quote`.

    Example:
        >>> from hypothesis import find
        >>> q = find(quotes(currency="JPY"), lambda q: len(q.lines) == 2)
        >>> q.currency, [line.key for line in q.lines]
        ('JPY', ['L0', 'L1'])
    """
    code = currency if currency is not None else draw(_sampled(SCENARIO_CURRENCIES))
    places = currency_precision(code)
    groups = [
        QuoteGroup(key=f"G{index}", name=draw(_sampled(("", "Option", "Phase 2"))))
        for index in range(draw(_ints(0, 2)))
    ]
    group_keys = [group.key for group in groups]
    lines: list[QuoteLine] = []
    for index in range(draw(_ints(0, max_lines))):
        line = _quote_line(
            draw,
            key=f"L{index}",
            skus=None,
            parents=[line.key for line in lines],
            groups=group_keys,
            places=places,
        )
        lines.append(line)
    day = draw(_DAYS)
    start = draw(_maybe(_DAYS))
    end = None if start is None or draw(_BOOLS) else start + _dt.timedelta(days=365)
    percent = _maybe(_decimals(0, 100))
    return Quote(
        id=draw(_keys()),
        account=draw(_sampled(("ACME", "GLOBEX", "INITECH"))),
        currency=code,
        price_book=draw(_sampled(("MAIN", "EU-2027"))),
        quote_date=day,
        valid_until=day + _dt.timedelta(days=30) if draw(_BOOLS) else None,
        start_date=start,
        end_date=end,
        lines=lines,
        groups=groups,
        additional_discount=draw(percent),
        discount_amount=draw(_maybe(_decimals(0, 500, places))),
        partner_discount=draw(percent),
        distributor_discount=draw(percent),
        status=draw(_sampled(QuoteStatus)),
        revision=draw(_ints(1, 4)),
        supersedes=draw(_maybe(_keys())),
        fields=draw(_fields()),
        version=draw(_ints(0, 5)),
    )


# -- pricing scenarios -------------------------------------------------------------------------


class PricingScenario(NamedTuple):
    """A quote and everything it needs to be priced, consistent by construction.

    ``quote``, ``products``, ``price_books`` and ``rule_sets`` are the positional
    arguments of :func:`~sfa_core.quotes.price_quote`; the other fields are its
    keyword arguments. :meth:`price` calls it with all of them.

    Its fields:

    * ``quote``: the quote (a draft);
    * ``products``: every product the quote names, by SKU (all active);
    * ``price_books``: the quote's price book first, then the book it derives from, if any;
    * ``rule_sets``: the price rule sets (possibly none);
    * ``schedules``: the discount schedules the products name, by id;
    * ``tax``: a tax policy, or ``None`` (gross equals net);
    * ``options``: pricing options, or ``None`` for the defaults;
    * ``promotions``: cart promotions (possibly none);
    * ``contracted_prices``: unit prices agreed with the account, per SKU, or ``None``;
    * ``limits``: the discount authority of the role pricing the quote, or ``None``.
    """

    quote: Quote
    products: Mapping[str, Product]
    price_books: tuple[PriceBook, ...]
    rule_sets: tuple[RuleSet, ...]
    schedules: Mapping[str, DiscountSchedule]
    tax: RateTaxPolicy | None = None
    options: PricingOptions | None = None
    promotions: tuple[Promotion, ...] = ()
    contracted_prices: Mapping[str, Money] | None = None
    limits: DiscountLimits | None = None

    def price(self, **overrides: Any) -> PricedQuote:
        """Price the scenario's quote with :func:`~sfa_core.quotes.price_quote`.

        Args:
            **overrides: Keyword arguments of ``price_quote`` that replace the
                scenario's (``tax=None``, ``options=...``).

        Returns:
            The :class:`~sfa_core.quotes.PricedQuote`.

        Example:
            >>> from hypothesis import find
            >>> scenario = find(pricing_scenarios(), lambda s: len(s.quote.lines) == 2)
            >>> [line.key for line in scenario.price().lines]
            ['L0', 'L1']
        """
        kwargs: dict[str, Any] = {
            "schedules": self.schedules,
            "tax": self.tax,
            "options": self.options,
            "promotions": self.promotions,
            "contracted_prices": self.contracted_prices,
            "limits": self.limits,
        }
        kwargs.update(overrides)
        return price_quote(self.quote, self.products, self.price_books, self.rule_sets, **kwargs)

    def with_lines(self, lines: Sequence[QuoteLine]) -> PricingScenario:
        """Return the scenario with the quote's lines replaced (reordered, changed...).

        Args:
            lines: The new lines; they must name the scenario's products.

        Returns:
            A new scenario.

        Example:
            >>> from hypothesis import find
            >>> scenario = find(pricing_scenarios(), lambda s: len(s.quote.lines) == 2)
            >>> flipped = scenario.with_lines(scenario.quote.lines[::-1])
            >>> [line.key for line in flipped.quote.lines]
            ['L1', 'L0']
        """
        quote = Quote(
            id=self.quote.id,
            account=self.quote.account,
            currency=self.quote.currency,
            price_book=self.quote.price_book,
            quote_date=self.quote.quote_date,
            valid_until=self.quote.valid_until,
            start_date=self.quote.start_date,
            end_date=self.quote.end_date,
            lines=lines,
            groups=self.quote.groups,
            additional_discount=self.quote.additional_discount,
            discount_amount=self.quote.discount_amount,
            partner_discount=self.quote.partner_discount,
            distributor_discount=self.quote.distributor_discount,
            status=self.quote.status,
            revision=self.quote.revision,
            supersedes=self.quote.supersedes,
            fields=self.quote.fields,
            version=self.quote.version,
        )
        return self._replace(quote=quote)


_ALL_METHODS = tuple(PricingMethod)


def _term(draw: st.DrawFn, terms: SubscriptionTerms) -> Decimal:
    """A term that gives an end date in the terms' unit (whole months or days)."""
    if terms.term_unit is TermUnit.DAY:
        return Decimal(draw(_ints(1, 800)))
    if terms.term_unit is TermUnit.YEAR:
        return Decimal(draw(_ints(1, 6))) / 2
    return Decimal(draw(_ints(1, 36)))


@st.composite
def pricing_scenarios(
    draw: st.DrawFn,
    *,
    currency: str | None = None,
    min_lines: int = 1,
    max_lines: int = 8,
    max_products: int = 5,
    methods: Sequence[PricingMethod] = _ALL_METHODS,
    stackings: Sequence[Stacking] = tuple(Stacking),
    max_rule_sets: int = 2,
    returns: bool = True,
    subscriptions: bool = True,
    tax: bool | None = None,
    promotion: bool = True,
    options: bool = True,
    exclusive_ties: bool = False,
) -> PricingScenario:
    """Consistent pricing scenarios: a draft quote and everything it needs, so pricing never raises.

    Every SKU a line names is an active product; list-priced products have an entry in
    the quote's price book or derive one (from a base book or from cost); tiered and
    block products have a tier table, package or block price (with an overage rate) in
    it; cost-plus products have a cost; percent-of-total products cover some SKUs or
    families; subscriptions have a default term, a line term, end date, or the quote's
    co-termination date, always after their start; the schedules the products name
    exist (amount schedules list the quote's currency); every amount is in the quote's
    currency. Lines vary the manual, partner and distributor discounts, special prices,
    groups, bundle parents and return lines; the quote varies its discounts and amount
    off. Rule sets use every stacking policy (exclusive ones without priority ties
    unless ``exclusive_ties``).


    Args:
        draw: Supplied by Hypothesis.
        currency: The quote's currency (drawn from EUR, USD, JPY, BHD and GBP when ``None``).
        min_lines: The fewest lines.
        max_lines: The most lines (keep it small: 8 by default).
        max_products: The most products.
        methods: The pricing methods products may use.
        stackings: The stacking policies rule sets may use.
        max_rule_sets: The most rule sets (0 for none).
        returns: Whether return lines may appear.
        subscriptions: Whether products may be subscriptions.
        tax: Always (``True``), never (``False``) or sometimes (``None``) a tax policy.
        promotion: Whether cart promotions may be drawn.
        options: Whether pricing options (order switches, rounding) may be drawn.
        exclusive_ties: Let exclusive rules share a priority (pricing may then raise
            :class:`~sfa_core.pricing.PriceRuleConflictError`).

    Returns:
        A :class:`PricingScenario`.

    Example:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=10, deadline=None)
        ... @given(pricing_scenarios(currency="JPY", max_lines=4))
        ... def test_prices_in_the_quote_currency(scenario):
        ...     priced = scenario.price()
        ...     assert {line.currency for line in priced.lines} <= {"JPY"}
        ...     assert len(priced.lines) == len(scenario.quote.lines)
        >>> test_prices_in_the_quote_currency()
    """
    code = currency if currency is not None else draw(_sampled(SCENARIO_CURRENCIES))
    places = currency_precision(code)
    day = _FIRST_DAY + _dt.timedelta(days=draw(_ints(0, _SPAN)))

    def money(low: int, high: int) -> st.SearchStrategy[Money]:
        return _money(low, high, code)

    def days(low: int, high: int) -> _dt.timedelta:
        return _dt.timedelta(days=draw(_ints(low, high)))

    # -- settings
    taxed = draw(_BOOLS) if tax is None else tax
    policy = _rate_tax_policy(draw) if taxed else None
    chosen_options = None
    if options and draw(_BOOLS):
        chosen_options = _pricing_options(draw, allow_negative_prices=False, max_total_places=None)

    # -- schedules
    schedules: dict[str, DiscountSchedule] = {}
    for index in range(draw(_ints(0, 2))):
        schedule = _discount_schedules(
            draw,
            id=f"VOL-{index}",
            basis=ScheduleBasis.QUANTITY,
            unit=None,
            currency=code,
            max_tiers=4,
        )
        schedules[schedule.id] = schedule
    volume_ids = sorted(schedules)
    term_ids: list[str] = []
    if subscriptions and draw(_BOOLS):
        schedule = _discount_schedules(
            draw, id="TERM-0", basis=ScheduleBasis.TERM, unit=None, currency=code, max_tiers=4
        )
        schedules[schedule.id] = schedule
        term_ids.append(schedule.id)

    # -- products
    skus = [f"P{index}" for index in range(draw(_ints(1, max_products)))]
    products: dict[str, Product] = {}
    for sku in skus:
        method = draw(_sampled(methods))
        cost = draw(_maybe(money(0, 400)))
        if method is PricingMethod.COST_PLUS and cost is None:
            cost = draw(money(0, 400))
        percent_of_total = (
            _percent_of_totals(draw, skus=skus, families=FAMILIES)
            if method is PricingMethod.PERCENT_OF_TOTAL
            else None
        )
        terms = (
            _subscription_terms(draw, unit=None, precision=None)
            if subscriptions and draw(_BOOLS)
            else None
        )
        products[sku] = Product(
            sku=sku,
            name=f"Product {sku}",
            family=draw(_sampled(_FAMILIES)),
            cost=cost,
            pricing_method=method,
            markup=draw(_maybe(_decimals(0, 100))) if method is PricingMethod.COST_PLUS else None,
            percent_of_total=percent_of_total,
            subscription=terms,
            discount_schedule=draw(_maybe(_sampled(volume_ids))) if volume_ids else None,
            term_discount_schedule=draw(_maybe(_sampled(term_ids)))
            if term_ids and terms is not None
            else None,
            fractional_quantity=draw(_BOOLS),
            tax_category=draw(_sampled(_CATEGORIES)),
        )

    # -- price books
    listed = [sku for sku in skus if products[sku].pricing_method is PricingMethod.LIST]
    derive = draw(_sampled(("none", "book", "cost"))) if listed else "none"
    entries: dict[str, Money] = {}
    base_entries: dict[str, Money] = {}
    for sku in listed:
        missing = derive != "none" and draw(_BOOLS)
        if missing and derive == "cost" and products[sku].cost is None:
            missing = False
        if missing and derive == "book":
            base_entries[sku] = draw(money(0, 500))
        if not missing:
            entries[sku] = draw(money(0, 500))
    tier_prices: dict[str, Any] = {}
    for sku in skus:
        method = products[sku].pricing_method
        if method is PricingMethod.TIERED:
            if draw(_ints(0, 3)):
                tier_prices[sku] = _tier_tables(draw, mode=None, max_tiers=4, places=places)
            else:
                tier_prices[sku] = _package_pricings(draw, places=places)
        elif method is PricingMethod.BLOCK:
            tier_prices[sku] = _block_pricings(draw, overage=True, max_blocks=3, places=places)
    floors = {sku: draw(money(0, 50)) for sku in skus if not draw(_ints(0, 4))}

    def validity() -> tuple[_dt.date | None, _dt.date | None]:
        start = day - days(0, 400) if draw(_BOOLS) else None
        end = day + days(0, 400) if draw(_BOOLS) else None
        return start, end

    books: list[PriceBook] = []
    derivation = None
    if derive != "none":
        derivation = _derivations(
            draw,
            base=PriceBase.PRICE_BOOK if derive == "book" else PriceBase.COST,
            base_price_book="BASE" if derive == "book" else None,
            non_negative=True,
            everything=True,
        )
    start, end = validity()
    books.append(
        PriceBook(
            id="MAIN",
            currency=code,
            name="Main price book",
            entries=entries,
            valid_from=start,
            valid_until=end,
            tiers=tier_prices,
            floors=floors,
            derived_from=derivation,
        )
    )
    if derive == "book":
        start, end = validity()
        books.append(
            PriceBook(
                id="BASE", currency=code, entries=base_entries, valid_from=start, valid_until=end
            )
        )

    # -- rule sets
    other = "USD" if code != "USD" else "EUR"
    rules = tuple(
        _rule_sets(
            draw,
            stacking=draw(_sampled(stackings)),
            max_rules=3,
            skus=skus,
            families=FAMILIES,
            currencies=(code, other),
            exclusive_ties=exclusive_ties,
            id=f"RS{index}",
            places=places,
        )
        for index in range(draw(_ints(0, max_rule_sets)))
    )

    # -- promotions
    offers: tuple[Promotion, ...] = ()
    if promotion and not draw(_ints(0, 3)):
        offers = tuple(
            draw(_promotions(f"PR{index}", tuple(skus))) for index in range(draw(_ints(1, 2)))
        )
    # -- the quote
    quote_start = day + days(-30, 30) if draw(_BOOLS) else None
    first = quote_start or day
    quote_end = first + days(61, 1000) if draw(_BOOLS) else None
    groups = [
        QuoteGroup(key=f"G{index}", name=f"Group {index}") for index in range(draw(_ints(0, 2)))
    ]
    group_keys = [group.key for group in groups]
    lines: list[QuoteLine] = []
    for index in range(draw(_ints(min_lines, max(min_lines, max_lines)))):
        sku = draw(_sampled(skus))
        product = products[sku]
        if product.fractional_quantity and draw(_BOOLS):
            quantity = draw(_decimals("0.01", 50))
        else:
            quantity = Decimal(draw(_ints(1, 50)))
        is_return = returns and not draw(_ints(0, 4))
        term = end_date = start_date = None
        terms = product.subscription
        if terms is not None:
            start_date = first + days(0, 60) if draw(_BOOLS) else None
            how = draw(_sampled(("default", "term", "end")))
            if how == "term":
                term = _term(draw, terms)
            elif how == "end":
                end_date = (start_date or first) + days(0, 1000)
        lines.append(
            QuoteLine(
                key=f"L{index}",
                sku=sku,
                quantity=-quantity if is_return else quantity,
                term=term,
                start_date=start_date,
                end_date=end_date,
                additional_discount=draw(_sometimes(_decimals(0, 100))),
                additional_discount_amount=draw(_sometimes(_decimals(0, 20, places))),
                special_price=draw(_sometimes(_decimals(0, 500, places))),
                partner_discount=draw(_sometimes(_decimals(0, 50))),
                distributor_discount=draw(_sometimes(_decimals(0, 50))),
                parent=draw(_maybe(_sampled([line.key for line in lines]))) if lines else None,
                group=draw(_maybe(_sampled(group_keys))) if group_keys else None,
                is_return=is_return,
                fields=draw(_fields()),
            )
        )
    quote = Quote(
        id=draw(_sampled(("Q-1", "Q-2027-0001"))),
        account=draw(_sampled(("ACME", "GLOBEX"))),
        currency=code,
        price_book="MAIN",
        quote_date=day,
        valid_until=day + _dt.timedelta(days=30) if draw(_BOOLS) else None,
        start_date=quote_start,
        end_date=quote_end,
        lines=lines,
        groups=groups,
        additional_discount=draw(_sometimes(_decimals(0, 100))),
        discount_amount=draw(_sometimes(_decimals(0, 200, places))),
        partner_discount=draw(_sometimes(_decimals(0, 50))),
        distributor_discount=draw(_sometimes(_decimals(0, 50))),
        fields=draw(_fields()),
    )

    # -- the other keyword arguments
    contracted = None
    if draw(_BOOLS):
        contracted = {sku: draw(money(0, 500)) for sku in skus if draw(_BOOLS)}
    limits = draw(_maybe(discount_limits()))
    return PricingScenario(
        quote,
        products,
        tuple(books),
        rules,
        schedules,
        policy,
        chosen_options,
        offers,
        contracted,
        limits,
    )


@functools.cache
def _promotions(id: str, skus: tuple[str, ...]) -> st.SearchStrategy[Promotion]:
    return promotions(st.just(id), skus=skus, families=FAMILIES)


def priced_quotes(**kwargs: Any) -> st.SearchStrategy[PricedQuote]:
    """Priced quotes: :func:`pricing_scenarios` priced with :meth:`PricingScenario.price`.

    Args:
        **kwargs: Passed to :func:`pricing_scenarios`.

    Returns:
        A strategy of :class:`~sfa_core.quotes.PricedQuote`.

    Example:
        >>> from hypothesis import find
        >>> priced = find(priced_quotes(tax=True), lambda p: len(p.lines) == 1)
        >>> priced.tax is not None, len(priced.tax.lines)
        (True, 1)
    """
    return pricing_scenarios(**kwargs).map(lambda scenario: scenario.price())


def priced_lines(**kwargs: Any) -> st.SearchStrategy[PricedLine]:
    """Lines of drawn :func:`priced_quotes`.

    Args:
        **kwargs: Passed to :func:`pricing_scenarios` (``min_lines`` is at least 1).

    Returns:
        A strategy of :class:`~sfa_core.pricing.PricedLine`.

    Example:
        >>> from hypothesis import find
        >>> line = find(priced_lines(), lambda l: True)
        >>> line.net_total + line.tax == line.gross_total
        True
    """
    kwargs["min_lines"] = max(1, kwargs.get("min_lines", 1))
    return priced_quotes(**kwargs).flatmap(lambda priced: st.sampled_from(priced.lines))


def waterfall_steps() -> st.SearchStrategy[WaterfallStep]:
    """Steps of the waterfalls of drawn :func:`priced_lines`.

    Returns:
        A strategy of :class:`~sfa_core.pricing.WaterfallStep`.

    Example:
        >>> from hypothesis import find
        >>> from sfa_core.pricing import Step
        >>> find(waterfall_steps(), lambda s: True).step in {step.value for step in Step}
        True
    """
    return priced_lines().flatmap(lambda line: st.sampled_from(line.waterfall))


def totals() -> st.SearchStrategy[Totals]:
    """Totals of drawn priced quotes: the quote's, a group's or a line's.

    Returns:
        A strategy of :class:`~sfa_core.pricing.Totals`.

    Example:
        >>> from hypothesis import find
        >>> t = find(totals(), lambda t: True)
        >>> t.net + t.tax == t.gross
        True
    """

    def choices(priced: PricedQuote) -> st.SearchStrategy[Totals]:
        found = [priced.totals, *priced.groups.values(), *(line.totals for line in priced.lines)]
        return st.sampled_from(found)

    return priced_quotes().flatmap(choices)
