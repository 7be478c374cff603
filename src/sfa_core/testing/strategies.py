"""Hypothesis strategies for sfa_core values, for property tests of hosts' own code.

Use them with ``@given`` in tests:

>>> from hypothesis import given
>>> from sfa_core.testing import strategies as sfa_st
>>> @given(sfa_st.products())
... def test_sku_is_kept(product):
...     assert product.sku
>>> test_sku_is_kept()

Outside a test, :func:`hypothesis.find` draws the simplest value that meets a
condition (``.example()`` warns). Money values:

>>> from hypothesis import find
>>> len(find(sfa_st.currencies(), lambda code: True))
3
>>> find(sfa_st.amounts(places=3), lambda amount: amount < 0).as_tuple().exponent
-3
>>> yen = find(sfa_st.money("JPY", min_value=0), lambda m: m.amount > 0)
>>> yen.currency, yen.amount == yen.amount.to_integral_value()
('JPY', True)
>>> find(sfa_st.exchange_rates(["EUR", "USD"], base="EUR"), lambda table: True).base
'EUR'

Rules, the data they read, and their explanations:

>>> import json
>>> from sfa_core import rules as sfa_rules
>>> rule = find(sfa_st.rules(["total"]), lambda r: isinstance(r, dict))
>>> sfa_rules.compile(rule).source == rule
True
>>> sorted(find(sfa_st.rule_data(["total"]), lambda data: len(data) > 0))
['total']
>>> value = find(sfa_st.json_values(), lambda v: isinstance(v, list))
>>> json.loads(json.dumps(value)) == value
True
>>> schema = find(sfa_st.schemas(), lambda s: len(s.fields) > 0)
>>> set(schema.fields.values()) <= sfa_rules.FIELD_TYPES
True
>>> find(sfa_st.explanations(), lambda e: True).path
'$'

Catalog and pricing values (tiers, schedules, subscription terms, derivations, price
rules, promotions, tax policies, quotes), and whole pricing scenarios: a quote with
every product, price book, rule set and schedule it needs, so that pricing it never
raises (:func:`pricing_scenarios`):

>>> from hypothesis import settings
>>> @settings(max_examples=5, deadline=None)
... @given(sfa_st.pricing_scenarios(max_lines=3))
... def test_every_line_adds_up(scenario):
...     for line in scenario.price().lines:
...         assert line.net_total + line.tax == line.gross_total
>>> test_every_line_adds_up()
"""

from __future__ import annotations

import datetime as _dt
import string
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from sfa_core.catalog import PriceBook, PricingMethod, Product
from sfa_core.money import Money
from sfa_core.testing._approval_strategies import (
    approval_policies,
    approval_requests,
    approval_rules,
)
from sfa_core.testing._directory_strategies import (
    delegations,
    directories,
    group_members,
    groups,
    users,
)
from sfa_core.testing._money_strategies import (
    amounts,
    currencies,
    exchange_rates,
    money,
)
from sfa_core.testing._pricing_strategies import (
    adjustments,
    applied_discount_tiers,
    applied_promotions,
    benefits,
    block_pricings,
    cart_lines,
    carts,
    derivations,
    derived_prices,
    discount_limits,
    discount_schedules,
    discount_tiers,
    limit_flags,
    package_pricings,
    percent_of_totals,
    price_actions,
    price_book_sets,
    price_conditions,
    price_rules,
    price_steps,
    pricing_options,
    product_ranges,
    promotion_conditions,
    promotion_results,
    promotions,
    prorations,
    rate_tax_policies,
    resolution_steps,
    resolved_prices,
    rounding_policies,
    rule_sets,
    schedule_discounts,
    skipped_promotions,
    subscription_terms,
    tax_lines,
    tax_results,
    taxable_lines,
    tier_charges,
    tier_prices,
    tier_pricings,
    tier_tables,
    tiers,
)
from sfa_core.testing._quote_strategies import (
    PricingScenario,
    priced_lines,
    priced_quotes,
    pricing_scenarios,
    quote_groups,
    quote_lines,
    quotes,
    totals,
    waterfall_steps,
)
from sfa_core.testing._rule_strategies import (
    explanations,
    json_values,
    rule_data,
    rules,
    schemas,
)
from sfa_core.testing._setup_strategies import (
    contracted_prices,
    pricing_settings,
    pricing_setups,
    setup_versions,
)

__all__ = [
    "PricingScenario",
    "adjustments",
    "amounts",
    "applied_discount_tiers",
    "applied_promotions",
    "approval_policies",
    "approval_requests",
    "approval_rules",
    "benefits",
    "block_pricings",
    "cart_lines",
    "carts",
    "contracted_prices",
    "currencies",
    "delegations",
    "derivations",
    "derived_prices",
    "directories",
    "discount_limits",
    "discount_schedules",
    "discount_tiers",
    "exchange_rates",
    "explanations",
    "group_members",
    "groups",
    "json_values",
    "keys",
    "limit_flags",
    "money",
    "package_pricings",
    "percent_of_totals",
    "price_actions",
    "price_book_sets",
    "price_books",
    "price_conditions",
    "price_rules",
    "price_steps",
    "priced_lines",
    "priced_quotes",
    "pricing_options",
    "pricing_scenarios",
    "pricing_settings",
    "pricing_setups",
    "product_ranges",
    "products",
    "promotion_conditions",
    "promotion_results",
    "promotions",
    "prorations",
    "quote_groups",
    "quote_lines",
    "quotes",
    "rate_tax_policies",
    "resolution_steps",
    "resolved_prices",
    "rounding_policies",
    "rule_data",
    "rule_sets",
    "rules",
    "schedule_discounts",
    "schemas",
    "setup_versions",
    "skipped_promotions",
    "subscription_terms",
    "tax_lines",
    "tax_results",
    "taxable_lines",
    "texts",
    "tier_charges",
    "tier_prices",
    "tier_pricings",
    "tier_tables",
    "tiers",
    "totals",
    "users",
    "waterfall_steps",
]


def keys() -> st.SearchStrategy[str]:
    """Valid identifiers such as SKUs: printable, no surrounding whitespace.

    Returns:
        A strategy of identifier strings.

    Example:
        >>> from hypothesis import find
        >>> key = find(keys(), lambda k: len(k) > 3)
        >>> key == key.strip().upper() and 3 < len(key) <= 24
        True
    """
    alphabet = string.ascii_uppercase + string.digits + "-_."
    return st.text(alphabet, min_size=1, max_size=24)


def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Printable display text, including non-ASCII letters.

    Args:
        max_size: Longest text drawn.

    Returns:
        A strategy of strings.

    Example:
        >>> from hypothesis import find
        >>> text = find(texts(max_size=5), lambda t: not t.isascii())
        >>> 0 < len(text) <= 5
        True
    """
    return st.text(
        st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=max_size
    )


_attribute_values: st.SearchStrategy[Any] = st.one_of(
    texts(12), st.integers(-(10**12), 10**12), st.booleans()
)


@st.composite
def products(
    draw: st.DrawFn,
    *,
    currency: str | None = None,
    methods: Sequence[PricingMethod] | None = None,
) -> Product:
    """Valid products with random names, families, costs, attributes and pricing settings.

    Products use every pricing method (a cost-plus product always has a cost, a
    percent-of-total one its definition), are sometimes subscriptions, and sometimes
    name discount schedules (by a random id: see :func:`pricing_scenarios` for a
    catalog whose references all exist).

    Args:
        draw: Supplied by Hypothesis.
        currency: Currency of the cost, when one is drawn (any currency if ``None``).
        methods: The pricing methods to draw from (all when ``None``).

    Returns:
        A product (``version == 0``).

    Example:
        >>> from hypothesis import find
        >>> product = find(products(currency="EUR"), lambda p: p.cost is not None)
        >>> product.cost.currency, product.cost.amount >= 0, product.version
        ('EUR', True, 0)
        >>> find(products(methods=[PricingMethod.COST_PLUS]), lambda p: True).cost is not None
        True
    """
    costs = money(currency=currency, min_value=0, max_value=10**6)
    cost: Money | None = draw(st.none() | costs)
    method = draw(st.sampled_from(list(methods) if methods else list(PricingMethod)))
    if method is PricingMethod.COST_PLUS and cost is None:
        cost = draw(costs)
    return Product(
        sku=draw(keys()),
        name=draw(texts()),
        family=draw(st.sampled_from(["", "hardware", "software", "services"])),
        unit_of_measure=draw(st.sampled_from(["each", "seat", "hour", "kg"])),
        cost=cost,
        active=draw(st.booleans()),
        attributes=draw(st.dictionaries(keys(), _attribute_values, max_size=4)),
        pricing_method=method,
        markup=draw(st.none() | amounts(2, 0, 1000)) if method is PricingMethod.COST_PLUS else None,
        percent_of_total=draw(percent_of_totals())
        if method is PricingMethod.PERCENT_OF_TOTAL
        else None,
        subscription=draw(st.none() | subscription_terms()),
        discount_schedule=draw(st.none() | keys()),
        term_discount_schedule=draw(st.none() | keys()),
        fractional_quantity=draw(st.booleans()),
        tax_category=draw(st.sampled_from(["standard", "reduced", "zero", "books"])),
    )


@st.composite
def price_books(draw: st.DrawFn, *, currency: str | None = None, max_entries: int = 8) -> PriceBook:
    """Valid price books: one currency, non-negative entries, ordered validity dates.

    Some books also hold tier tables, block or package prices, floors, or a
    derivation from another book or from cost.

    Args:
        draw: Supplied by Hypothesis.
        currency: The price book currency (drawn if ``None``).
        max_entries: Largest number of entries.

    Returns:
        A price book (``version == 0``).

    Example:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=20, deadline=None)
        ... @given(price_books(currency="JPY"))
        ... def test_one_currency_and_ordered_dates(book):
        ...     prices = [*book.entries.values(), *book.floors.values()]
        ...     assert {price.currency for price in prices} <= {"JPY"}
        ...     assert book.valid_from is None or book.valid_until is None or (
        ...         book.valid_from <= book.valid_until
        ...     )
        >>> test_one_currency_and_ordered_dates()
    """
    code = currency if currency is not None else draw(currencies())
    prices = money(currency=code, min_value=0, max_value=10**6)
    entries = draw(st.dictionaries(keys(), prices, max_size=max_entries))
    start = draw(st.none() | st.dates(_dt.date(2000, 1, 1), _dt.date(2100, 1, 1)))
    end = draw(st.none() | st.dates(start or _dt.date(2000, 1, 1), _dt.date(2100, 12, 31)))
    book_id = draw(keys())
    derivation = draw(st.none() | derivations())
    if derivation is not None and derivation.base_price_book == book_id:
        derivation = None
    return PriceBook(
        id=book_id,
        currency=code,
        name=draw(texts()),
        entries=entries,
        active=draw(st.booleans()),
        valid_from=start,
        valid_until=end,
        tiers=draw(st.dictionaries(keys(), tier_pricings(), max_size=2)),
        floors=draw(st.dictionaries(keys(), prices, max_size=2)),
        derived_from=derivation,
    )
