"""A complete configuration as quote lines: the bill of materials, with bundle links.

:func:`to_quote_lines` turns a complete
:class:`~sfa_core.configure.ConfigurationState` into one line for the bundle and
one per selected option, each option's line naming its bundle line as
``parent`` (a nested bundle's options name their option's line). Three bundle
pricing options (Salesforce CPQ's bundle pricing):

* ``"separate"``: every line is priced by the price book, the bundle line too.
* ``"included"``: the components are included at zero (``special_price=0``);
  the bundle line carries the price.
* ``"allocated"``: a bundle price is spread over the components in proportion
  to their list value (unit list price x quantity), exactly: each component gets
  a whole-cent unit price, and what the units cannot carry (at most a few
  cents) stays on the bundle line, so the lines add up to the bundle price.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from sfa_core._validate import as_member, require_key
from sfa_core.configure import ConfigurationState, ConfigurationStatus
from sfa_core.errors import CurrencyMismatchError, ValidationError
from sfa_core.money import Money, currency_precision
from sfa_core.quotes.model import QuoteLine

__all__ = ["BundlePricing", "to_quote_lines"]


class BundlePricing(str, enum.Enum):
    """How a configured bundle's lines are priced."""

    SEPARATE = "separate"
    INCLUDED = "included"
    ALLOCATED = "allocated"


def to_quote_lines(
    state: ConfigurationState,
    *,
    key: str | None = None,
    pricing: BundlePricing | str = BundlePricing.SEPARATE,
    bundle_price: Money | None = None,
    list_prices: Mapping[str, Money | Decimal] | None = None,
    group: str | None = None,
) -> tuple[QuoteLine, ...]:
    """Return the quote lines of a complete configuration, the bundle's line first.

    Args:
        state: A complete configuration (:func:`~sfa_core.configure.configure` or
            :func:`~sfa_core.configure.complete`).
        key: The bundle line's key (default: the bundle's sku); option lines are
            keyed ``"<key>/<option id>"``.
        pricing: ``"separate"``, ``"included"`` or ``"allocated"``.
        bundle_price: The bundle's price, for ``"allocated"``.
        list_prices: Unit list price per sku, the weights of ``"allocated"``
            (options without one weigh by their quantity alone when no option has
            a price).
        group: The quote group every line joins.

    Returns:
        The lines, in model order.

    Raises:
        ValidationError: The configuration is not complete, a key is not a valid
            identifier, ``bundle_price`` is missing for ``"allocated"`` or negative,
            or a list price is negative.
        CurrencyMismatchError: A list price is in another currency than the bundle price.

    >>> from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option, complete
    >>> model = ConfigurationModel(root=Bundle(sku="KIT", features=[
    ...     Feature(id="parts", min_options=2, options=[
    ...         Option(id="a", sku="A", default_quantity=2), Option(id="b", sku="B")])]))
    >>> lines = to_quote_lines(complete(model), pricing="allocated",
    ...                        bundle_price=Money("100.00", "EUR"),
    ...                        list_prices={"A": Decimal("30"), "B": Decimal("40")})
    >>> [(ln.key, ln.quantity, ln.special_price, ln.parent) for ln in lines]
    ... # A weighs 2 x 30 = 60, B 40: 60.00 and 40.00, all carried by whole units
    [('KIT', Decimal('1'), Decimal('0.00'), None), ('KIT/a', Decimal('2'), Decimal('30.00'), 'KIT'), ('KIT/b', Decimal('1'), Decimal('40.00'), 'KIT')]
    """  # noqa: E501
    if not isinstance(state, ConfigurationState):
        raise ValidationError("must be a ConfigurationState", path="state", value=state)
    if state.status is not ConfigurationStatus.COMPLETE:
        raise ValidationError(
            "must be a complete configuration (complete() fills the open choices)",
            path="state",
            value=state.status.value,
        )
    how = as_member(BundlePricing, pricing, "pricing")
    model = state.model
    root = require_key(model.sku if key is None else key, "key")
    keys = {option.id: f"{root}/{option.id}" for option in model.options()}
    components = [model.option(option_id) for option_id in state.selected]  # model order
    specials: dict[str, Decimal] = {}
    root_special: Decimal | None = None
    if how is BundlePricing.INCLUDED:
        specials = {option.id: Decimal(0) for option in components}
    elif how is BundlePricing.ALLOCATED:
        root_special, specials = _allocate(state, components, bundle_price, list_prices)
    lines = [
        QuoteLine(key=root, sku=model.sku, quantity=1, special_price=root_special, group=group)
    ]
    for option in components:
        parent = model.parent(option.id)
        lines.append(
            QuoteLine(
                key=keys[option.id],
                sku=option.sku,
                quantity=state.quantities[option.id],
                special_price=specials.get(option.id),
                parent=root if parent is None else keys[parent],
                group=group,
            )
        )
    return tuple(lines)


def _allocate(
    state: ConfigurationState,
    components: list[Any],
    bundle_price: Money | None,
    list_prices: Mapping[str, Money | Decimal] | None,
) -> tuple[Decimal, dict[str, Decimal]]:
    """The bundle line's and each component's unit price under an allocated bundle price."""
    if not isinstance(bundle_price, Money):
        raise ValidationError(
            "must be a Money for allocated pricing", path="bundle_price", value=bundle_price
        )
    if bundle_price.amount < 0:
        raise ValidationError("must not be negative", path="bundle_price", value=bundle_price)
    currency = bundle_price.currency
    quantum = Decimal(1).scaleb(-currency_precision(currency))
    total = bundle_price.amount.quantize(quantum)
    if not components:
        return total, {}
    weights = []
    for option in components:
        price: Any = (list_prices or {}).get(option.sku, Decimal(0))
        if isinstance(price, Money):
            if price.currency != currency:
                raise CurrencyMismatchError(
                    currency,
                    price.currency,
                    operation="allocate a bundle price over",
                    path=f"list_prices[{option.sku!r}]",
                )
            price = price.amount
        if price.__class__ is not Decimal or not price.is_finite() or price < 0:
            raise ValidationError(
                "must be a Decimal or Money of at least 0",
                path=f"list_prices[{option.sku!r}]",
                value=price,
            )
        weights.append(price * state.quantities[option.id])
    if not any(weights):
        weights = [Decimal(state.quantities[option.id]) for option in components]
    shares = Money(total, currency).allocate(weights)
    specials = {}
    carried = Decimal(0)
    for option, share in zip(components, shares, strict=True):
        quantity = state.quantities[option.id]
        unit = (share.amount / quantity).quantize(quantum, rounding=ROUND_FLOOR)
        specials[option.id] = unit
        carried += unit * quantity
    return total - carried, specials
