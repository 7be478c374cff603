"""The approval context: what a policy's conditions read about a priced quote.

:func:`approval_context` turns a :class:`~sfa_core.quotes.PricedQuote` (and the
:class:`~sfa_core.quotes.Quote` it was priced from) into a flat mapping of
documented fields, so that a policy's JSON Logic conditions read
``{"var": "max_line_discount"}`` rather than digging through priced lines.
:data:`CONTEXT_FIELDS` lists every field with its type; a policy is checked
against it when it is built, so a misspelt field is an error at load time, not a
rule that silently never matches.

=========================  =========  ==================================================
field                      type       what it holds
=========================  =========  ==================================================
``quote_id``               string     the quote's id
``revision``               number     the quote's revision
``account``                string     the customer account's id
``account_fields``         object     what the host knows of the account (tier, region...)
``owner``                  string     the quote's owner (the submitter), or null
``currency``               string     the ISO 4217 code of every amount
``list_total``             number     the quote's list amount
``net_total``              number     what the customer pays before tax
``discount_total``         number     every discount added up (``list - net``)
``discount_percent``       number     ``discount_total`` as a percent of ``list_total``
``cost_total``             number     the cost of the goods
``margin``                 number     ``net - cost``
``margin_percent``         number     margin as a percent of net (null when net is 0)
``max_line_discount``      number     the largest line discount, in percent of its list
``line_count``             number     how many lines the quote has
``skus``                   array      the products quoted, sorted, each once
``families``               array      their product families, sorted, each once
``lines``                  array      one object per line (see below)
``payment_terms``          string     the quote field ``payment_terms``, or null
``non_standard_terms``     boolean    the terms need a look (see below)
``limit_flags``            array      the discount-authority flags pricing set
``over_authority``         boolean    some line crossed its role's discount authority
``over_authority_roles``   array      the roles whose authority was crossed, sorted
``fields``                 object     the quote's custom fields, overlaid by the host's
=========================  =========  ==================================================

Amounts are ``Decimal`` values in the quote's currency; percents are ``Decimal``
values rounded to 2 places (half up), so ``22.5`` means 22.5 %. Each item of
``lines`` has ``key``, ``sku``, ``family``, ``quantity``, ``list_total``,
``net_total``, ``discount_percent`` and ``margin_percent``; each item of
``limit_flags`` has ``line``, ``limit``, ``role``, ``allowed`` and ``actual`` (a
:class:`~sfa_core.pricing.LimitFlag`). ``non_standard_terms`` is true when the
fields say so (``non_standard_terms: true``), or when ``standard_terms`` is given
and ``payment_terms`` is not one of them.

The example of :func:`approval_context` builds one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sfa_core._frozen import FrozenMap
from sfa_core._validate import require_key
from sfa_core.catalog import Product
from sfa_core.errors import ValidationError
from sfa_core.pricing import PricedLine
from sfa_core.quotes import PricedQuote, Quote
from sfa_core.rules import Schema

__all__ = ["CONTEXT_FIELDS", "approval_context"]

#: Every field of an approval context, with its type (the names a condition may read;
#: names under ``fields.`` and ``account_fields.`` are the host's and always allowed).
CONTEXT_FIELDS: FrozenMap[str, str] = FrozenMap(
    {
        "quote_id": "string",
        "revision": "number",
        "account": "string",
        "account_fields": "object",
        "owner": "string",
        "currency": "string",
        "list_total": "number",
        "net_total": "number",
        "discount_total": "number",
        "discount_percent": "number",
        "cost_total": "number",
        "margin": "number",
        "margin_percent": "number",
        "max_line_discount": "number",
        "line_count": "number",
        "skus": "array",
        "families": "array",
        "lines": "array",
        "payment_terms": "string",
        "non_standard_terms": "boolean",
        "limit_flags": "array",
        "over_authority": "boolean",
        "over_authority_roles": "array",
        "fields": "object",
    }
)

#: The schema conditions are compiled against.
CONTEXT_SCHEMA = Schema(CONTEXT_FIELDS)

_CENT = Decimal("0.01")
_ZERO = Decimal(0)


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(_CENT, ROUND_HALF_UP)


def _families(products: Any) -> dict[str, str]:
    if products is None:
        return {}
    if isinstance(products, Mapping):
        items: Iterable[Any] = products.values()
    elif isinstance(products, (str, bytes)) or not hasattr(products, "__iter__"):
        raise ValidationError(
            "must be a mapping of SKU to Product or a collection of products",
            path="products",
            value=products,
        )
    else:
        items = products
    found: dict[str, str] = {}
    for index, product in enumerate(items):
        if not isinstance(product, Product):
            raise ValidationError("must be a Product", path=f"products[{index}]", value=product)
        found[product.sku] = product.family
    return found


def _mapping(value: Any, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError("must be a mapping of field names to values", path=path, value=value)
    found: dict[str, Any] = {}
    for key, item in value.items():
        require_key(key, path)
        found[key] = item
    return found


def _line(line: PricedLine, family: str) -> dict[str, Any]:
    discount = sum(line.discounts.values(), _ZERO)
    return {
        "key": line.key,
        "sku": line.sku,
        "family": family,
        "quantity": line.quantity,
        "list_total": line.list_total,
        "net_total": line.net_total,
        "discount_percent": _percent(discount, line.list_total) or _ZERO,
        "margin_percent": _percent(line.net_total - line.cost_total, line.net_total),
    }


def approval_context(
    priced: PricedQuote,
    quote: Quote,
    *,
    owner: str | None = None,
    fields: Mapping[str, Any] | None = None,
    account_fields: Mapping[str, Any] | None = None,
    products: Mapping[str, Product] | Iterable[Product] | None = None,
    standard_terms: Collection[str] | None = None,
) -> Mapping[str, Any]:
    """Build the approval context of a priced quote: the data a policy's conditions read.

    Args:
        priced: The priced quote.
        quote: The quote it was priced from (its account and custom fields).
        owner: The quote's owner, who submits it for approval.
        fields: Host fields, laid over the quote's own custom fields (``fields.*``).
        account_fields: What the host knows of the account (``account_fields.*``).
        products: The catalog's products (by SKU, or a collection), for ``families``
            and each line's ``family``; without them families are empty.
        standard_terms: The payment terms that need no approval; when given, any
            other ``payment_terms`` make ``non_standard_terms`` true.

    Returns:
        A read-only mapping of the fields listed in :data:`CONTEXT_FIELDS`.

    Raises:
        ValidationError: ``priced`` and ``quote`` are not a priced quote and the
            quote it priced (path ``quote``), or a mapping argument is not a mapping
            of identifiers.

    >>> import datetime as dt
    >>> from sfa_core.catalog import PriceBook, Product
    >>> from sfa_core.money import Money
    >>> from sfa_core.quotes import Quote, QuoteLine, price_quote
    >>> eur = lambda amount: Money(amount, "EUR")
    >>> products = [Product(sku="DESK", name="Desk", family="furniture", cost=eur("600")),
    ...             Product(sku="LAMP", name="Lamp", family="lighting", cost=eur("40"))]
    >>> book = PriceBook(id="EU", currency="EUR",
    ...                  entries={"DESK": eur("1000"), "LAMP": eur("100")})
    >>> quote = Quote(id="Q-1", account="ACME", currency="EUR", price_book="EU",
    ...               quote_date=dt.date(2027, 3, 1),
    ...               lines=[QuoteLine(key="L1", sku="DESK", quantity=1, additional_discount=20),
    ...                      QuoteLine(key="L2", sku="LAMP", quantity=10, additional_discount=10)])
    >>> priced = price_quote(quote, products, [book])
    >>> context = approval_context(priced, quote, owner="ana", products=products,
    ...                            fields={"payment_terms": "net 90"}, standard_terms=["net 30"])
    >>> context["net_total"], context["discount_percent"], context["max_line_discount"]
    (Decimal('1700.00'), Decimal('15.00'), Decimal('20.00'))
    >>> context["margin_percent"], context["families"], context["non_standard_terms"]
    (Decimal('41.18'), ['furniture', 'lighting'], True)
    """
    if not isinstance(priced, PricedQuote):
        raise ValidationError("must be a PricedQuote", path="priced", value=priced)
    if not isinstance(quote, Quote):
        raise ValidationError("must be a Quote", path="quote", value=quote)
    if quote.id != priced.quote_id:
        raise ValidationError(
            f"must be the quote that was priced ({priced.quote_id!r})", path="quote", value=quote.id
        )
    if owner is not None:
        require_key(owner, "owner")
    merged = dict(quote.fields)
    merged.update(_mapping(fields, "fields"))
    account = _mapping(account_fields, "account_fields")
    families = _families(products)
    totals = priced.totals
    lines = [_line(line, families.get(line.sku, "")) for line in priced.lines]
    discount = totals.discount.amount
    flags: list[dict[str, Any]] = []
    for line in priced.lines:
        for flag in line.flags:
            flags.append(
                {
                    "line": line.key,
                    "limit": flag.limit,
                    "role": flag.role,
                    "allowed": flag.allowed,
                    "actual": flag.actual,
                }
            )
    terms = merged.get("payment_terms")
    terms = terms if isinstance(terms, str) else None
    non_standard = merged.get("non_standard_terms") is True
    if standard_terms is not None:
        if isinstance(standard_terms, (str, bytes)) or not hasattr(standard_terms, "__iter__"):
            raise ValidationError(
                "must be a collection of payment terms", path="standard_terms", value=standard_terms
            )
        allowed = set(standard_terms)
        non_standard = non_standard or (terms is not None and terms not in allowed)
    skus = sorted({line.sku for line in priced.lines})
    return FrozenMap(
        {
            "quote_id": priced.quote_id,
            "revision": priced.revision,
            "account": quote.account,
            "account_fields": account,
            "owner": owner,
            "currency": priced.currency,
            "list_total": totals.list.amount,
            "net_total": totals.net.amount,
            "discount_total": discount,
            "discount_percent": _percent(discount, totals.list.amount) or _ZERO,
            "cost_total": totals.cost.amount,
            "margin": totals.margin.amount,
            "margin_percent": totals.margin_percent,
            "max_line_discount": max((line["discount_percent"] for line in lines), default=_ZERO),
            "line_count": len(lines),
            "skus": skus,
            "families": sorted(
                {family for family in families.values() if family}
                & {families.get(sku, "") for sku in skus}
            ),
            "lines": lines,
            "payment_terms": terms,
            "non_standard_terms": non_standard,
            "limit_flags": flags,
            "over_authority": bool(flags),
            "over_authority_roles": sorted({flag["role"] for flag in flags}),
            "fields": merged,
        }
    )
