"""A priced quote: its lines, group and quote totals, promotions and tax, and their story."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

import attrs

from sfa_core._validate import (
    check_day,
    check_index,
    check_key,
    instance_check,
    instance_of,
    items_of,
    mapping_of,
    optional_instance_of,
    to_frozen,
    to_items,
)
from sfa_core.money import Money, validate_currency
from sfa_core.pricing.model import PricedLine, Totals, explain_totals
from sfa_core.pricing.promotions import PromotionResult
from sfa_core.pricing.setup import SetupVersions
from sfa_core.pricing.tax import TaxResult

__all__ = ["PricedQuote"]


def _check_currency(instance: Any, attribute: Any, value: Any) -> None:
    validate_currency(value, path=attribute.name)


@attrs.frozen
class PricedQuote:
    """The result of :func:`~sfa_core.quotes.price_quote`: every line priced, and the totals.

    Attributes:
        quote_id: The quote priced.
        revision: Its revision.
        currency: The currency of every amount.
        priced_on: The pricing date (the quote date).
        lines: The :class:`~sfa_core.pricing.PricedLine` values, in quote order.
        groups: :class:`~sfa_core.pricing.Totals` per quote group key.
        totals: The quote's :class:`~sfa_core.pricing.Totals` (sums of the lines).
        promotions: What the cart promotions did, when promotions were given.
        tax: The tax computation, when a tax policy was given.
        setup: Which stored versions of the pricing setup priced it, when it was
            priced with a stored setup (:func:`~sfa_core.quotes.price_with_setup`,
            the engine); price it again with the same versions to reproduce it.
    """

    quote_id: str = attrs.field(validator=check_key)
    revision: int = attrs.field(validator=check_index)
    currency: str = attrs.field(validator=_check_currency)
    priced_on: _dt.date = attrs.field(validator=check_day)
    lines: tuple[PricedLine, ...] = attrs.field(
        converter=to_items,
        validator=items_of(instance_check(PricedLine, "a PricedLine"), "PricedLine values"),
    )
    groups: Mapping[str, Totals] = attrs.field(
        converter=to_frozen, validator=mapping_of(instance_check(Totals, "a Totals"), "Totals")
    )
    totals: Totals = attrs.field(validator=instance_of(Totals, "a Totals"))
    promotions: PromotionResult | None = attrs.field(
        default=None, validator=optional_instance_of(PromotionResult, "a PromotionResult or None")
    )
    tax: TaxResult | None = attrs.field(
        default=None, validator=optional_instance_of(TaxResult, "a TaxResult or None")
    )
    setup: SetupVersions | None = attrs.field(
        default=None, validator=optional_instance_of(SetupVersions, "a SetupVersions or None")
    )

    @property
    def list_total(self) -> Money:
        """The quote's list amount.

        Returns:
            ``totals.list``.
        """
        return self.totals.list

    @property
    def net_total(self) -> Money:
        """What the customer pays before tax.

        Returns:
            ``totals.net``.
        """
        return self.totals.net

    @property
    def gross_total(self) -> Money:
        """What the customer pays, tax included.

        Returns:
            ``totals.gross``.
        """
        return self.totals.gross

    def line(self, key: str) -> PricedLine:
        """Return the priced line ``key``.

        Args:
            key: The quote line's key.

        Returns:
            The priced line.

        Raises:
            NotFoundError: No line has that key.
        """
        for line in self.lines:
            if line.key == key:
                return line
        from sfa_core.errors import NotFoundError

        raise NotFoundError(f"priced quote {self.quote_id!r} line", key)

    def explain(self) -> str:
        """Render every line's waterfall and the totals as text.

        Returns:
            The explanation.
        """
        return explain_quote(self)

    def __str__(self) -> str:
        return self.explain()


def explain_quote(quote: PricedQuote) -> str:
    """Render a priced quote: every line, every group, then the quote totals.

    Args:
        quote: The priced quote.

    Returns:
        The text :meth:`PricedQuote.explain` returns.
    """
    out = [f"quote {quote.quote_id} (revision {quote.revision}), {quote.currency}"]
    for line in quote.lines:
        out.append(line.explain())
    for key, totals in quote.groups.items():
        out.append(f"group {key}")
        out.extend(explain_totals(totals, "  "))
    if quote.promotions is not None and quote.promotions.applied:
        out.append(quote.promotions.explain())
    out.append("quote totals")
    out.extend(explain_totals(quote.totals, "  "))
    if quote.totals.cost.amount:
        out.append(f"  {'cost':<22}{quote.totals.cost.amount:>14}")
        out.append(f"  {'margin':<22}{quote.totals.margin.amount:>14}")
    return "\n".join(out)
