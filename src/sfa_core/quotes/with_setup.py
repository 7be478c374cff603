"""Price a quote with a stored pricing setup, and record which versions priced it."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from sfa_core.catalog import PriceBook, PriceBookSet, Product
from sfa_core.errors import ValidationError
from sfa_core.pricing.model import DiscountLimits
from sfa_core.pricing.promotions import Promotion
from sfa_core.pricing.setup import PricingSetup
from sfa_core.pricing.tax import TaxPolicy
from sfa_core.quotes.model import Quote
from sfa_core.quotes.priced import PricedQuote
from sfa_core.quotes.pricer import price_quote
from sfa_core.quotes.pricer import unit_prices as _unit_prices

__all__ = ["price_with_setup", "unit_prices"]


def price_with_setup(
    quote: Quote,
    catalog: Mapping[str, Product] | Iterable[Product],
    price_books: PriceBookSet | Mapping[str, PriceBook] | Iterable[PriceBook] | PriceBook,
    setup: PricingSetup,
    *,
    customer: Mapping[str, Any] | None = None,
    limits: DiscountLimits | None = None,
    promotions: Sequence[Promotion] = (),
    promotion_usage: Mapping[str, int] | None = None,
    tax: TaxPolicy | None = None,
    allow_locked: bool = False,
) -> PricedQuote:
    """Price ``quote`` with ``setup`` and record its versions in the result; pure.

    The rule sets run in the setup's order, the schedules are those products
    may name, the setup's promotions apply (with ``promotions`` after them),
    the contracted prices are the account's, and the settings give the tax
    policy, the rates and the options. The result's
    :attr:`~sfa_core.quotes.PricedQuote.setup` names every version used.

    Args:
        quote: The quote.
        catalog: The products.
        price_books: The price books (the quote's, and its bases).
        setup: The pricing setup (its ``contracted`` prices must be the quote's
            account's, if any).
        customer: What price rule conditions see as ``customer``.
        limits: The discount authority of the user pricing it.
        promotions: Promotions to apply besides the stored ones (a voucher
            entered at checkout); they are not named in the recorded versions.
        promotion_usage: Times each promotion was already used.
        tax: A tax engine of the host's, used instead of the settings' policy.
        allow_locked: Price a quote that is not a draft (to reproduce it).

    Returns:
        The :class:`~sfa_core.quotes.PricedQuote`, with ``setup`` recorded.

    Raises:
        ValidationError: ``setup`` is not a :class:`~sfa_core.pricing.PricingSetup`,
            or its contracted prices are another account's.
        SfaError: Whatever :func:`~sfa_core.quotes.price_quote` raises.

    >>> import datetime as dt
    >>> from sfa_core import Money
    >>> from sfa_core.catalog import PriceBook, Product
    >>> from sfa_core.pricing import ContractedPrices
    >>> from sfa_core.quotes import QuoteLine
    >>> quote = Quote(id="Q-1", account="ACME", currency="EUR", price_book="EU",
    ...               quote_date=dt.date(2027, 3, 1),
    ...               lines=[QuoteLine(key="L1", sku="DOCK", quantity=2)])
    >>> setup = PricingSetup(contracted=ContractedPrices(
    ...     "ACME", {"DOCK": Money("79.00", "EUR")}, version=3))
    >>> priced = price_with_setup(
    ...     quote, [Product(sku="DOCK", name="Dock")],
    ...     PriceBook(id="EU", currency="EUR", entries={"DOCK": Money("99.00", "EUR")}), setup)
    >>> priced.net_total, priced.setup.contracted_prices
    (Money(amount=Decimal('158.00'), currency='EUR'), 3)
    """
    quote_of: Any = quote  # price_quote names a quote of the wrong type
    _check_setup(setup, quote_of.account if isinstance(quote_of, Quote) else None)
    contracted = setup.contracted
    extra = _promotions(promotions)
    settings = setup.effective_settings
    priced = price_quote(
        quote,
        catalog,
        price_books,
        setup.rule_sets,
        schedules=setup.schedules,
        rates=settings.rates,
        contracted_prices=None if contracted is None else contracted.prices,
        customer=customer,
        promotions=(*setup.promotions, *extra),
        promotion_usage=promotion_usage,
        tax=settings.tax if tax is None else tax,
        limits=limits,
        options=settings.options,
        allow_locked=allow_locked,
    )
    return attrs.evolve(priced, setup=setup.versions)


def _promotions(value: Any) -> tuple[Promotion, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError("must be a sequence of Promotion", path="promotions", value=value)
    return tuple(value)


def unit_prices(
    quantities: Mapping[str, Decimal | int],
    *,
    account: str,
    price_book: str,
    on: _dt.date,
    catalog: Mapping[str, Product] | Iterable[Product],
    price_books: PriceBookSet | Mapping[str, PriceBook] | Iterable[PriceBook] | PriceBook,
    setup: PricingSetup,
    customer: Mapping[str, Any] | None = None,
) -> dict[str, Decimal]:
    """Each SKU's unit price at a quantity for ``account``, with a stored setup; pure.

    ``sfa_core.quotes.pricer.unit_prices`` with the setup's rule sets,
    schedules, contracted prices (they must be ``account``'s) and settings.

    Args:
        quantities: Per SKU, the quantity to price it at.
        account: The account.
        price_book: The price book's id.
        on: The pricing date.
        catalog: The products.
        price_books: The price books (``price_book`` and its bases).
        setup: The pricing setup.
        customer: What rule conditions see as ``customer``.

    Returns:
        Per SKU, the unit price.

    Raises:
        ValidationError: ``setup`` is not a setup, or its contracted prices are
            another account's.
        SfaError: Whatever pricing a line raises.

    >>> import datetime as dt
    >>> from sfa_core import Money
    >>> from sfa_core.pricing import ContractedPrices
    >>> book = PriceBook(id="EU", currency="EUR", entries={"SSD": Money("90.00", "EUR")})
    >>> setup = PricingSetup(contracted=ContractedPrices("ACME", {"SSD": Money("85", "EUR")}))
    >>> unit_prices({"SSD": 2}, account="ACME", price_book="EU", on=dt.date(2027, 3, 1),
    ...             catalog=[Product(sku="SSD", name="SSD")], price_books=book, setup=setup)
    {'SSD': Decimal('85.00')}
    """
    _check_setup(setup, account)
    settings = setup.effective_settings
    return _unit_prices(
        quantities,
        account=account,
        price_book=price_book,
        on=on,
        catalog=catalog,
        price_books=price_books,
        rules=setup.rule_sets,
        schedules=setup.schedules,
        rates=settings.rates,
        contracted_prices=None if setup.contracted is None else setup.contracted.prices,
        customer=customer,
        options=settings.options,
    )


def _check_setup(setup: Any, account: Any) -> None:
    if not isinstance(setup, PricingSetup):
        raise ValidationError("must be a PricingSetup", path="setup", value=setup)
    contracted = setup.contracted
    if contracted is not None and account is not None and contracted.account != account:
        raise ValidationError(
            f"are account {contracted.account!r}'s, not the quote's ({account!r})",
            path="setup.contracted.account",
            value=contracted.account,
        )
