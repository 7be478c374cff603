"""What pricing returns: waterfall steps, priced lines and quotes, and the options that shape them.

Every price comes with the story of how it was reached. A :class:`PricedLine`
holds its :class:`WaterfallStep` records (the unit price before and after each
step, which rule or schedule acted and why), its line-level adjustments (quote
discounts spread over lines, promotions), and the flags raised on it (a manual
discount beyond a role's authority). ``explain()`` renders that data; nothing
is computed again to explain it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from sfa_core._fast import builder
from sfa_core._frozen import FrozenMap
from sfa_core._validate import (
    as_member,
    check_bool,
    check_decimal,
    check_key,
    check_optional_key,
    check_optional_percent,
    check_optional_text,
    check_text,
    in_range,
    instance_check,
    instance_of,
    items_of,
    mapping_of,
    optional_instance_of,
    require_finite,
    to_decimal,
    to_frozen,
    to_items,
    to_optional_decimal,
)
from sfa_core.errors import ValidationError
from sfa_core.money import DEFAULT_ROUNDING, ROUNDING_MODES, Money, validate_currency

__all__ = [
    "Adjustment",
    "DiscountLimits",
    "LimitFlag",
    "PricedLine",
    "PricingOptions",
    "RoundingPolicy",
    "Step",
    "Totals",
    "UnitRounding",
    "WaterfallStep",
]


class Step(str, enum.Enum):
    """The named steps of the price waterfall, in the default (Salesforce CPQ) order.

    ``LIST``, ``REGULAR``, ``CUSTOMER``, ``PARTNER`` and ``NET`` are checkpoints:
    they record the unit price reached at that point (the CPQ price fields);
    the others change the price.

    >>> [s.value for s in Step][:4]
    ['list', 'before_rules', 'contracted', 'special']
    """

    LIST = "list"
    BEFORE_RULES = "before_rules"
    CONTRACTED = "contracted"
    SPECIAL = "special"
    PRICE_RULES = "price_rules"
    VOLUME_SCHEDULE = "volume_schedule"
    TERM_SCHEDULE = "term_schedule"
    PRORATION = "proration"
    REGULAR = "regular"
    ADDITIONAL_DISCOUNT = "additional_discount"
    CUSTOMER = "customer"
    PARTNER_DISCOUNT = "partner_discount"
    PARTNER = "partner"
    DISTRIBUTOR_DISCOUNT = "distributor_discount"
    AFTER_RULES = "after_rules"
    FLOOR = "floor"
    NET = "net"


class UnitRounding(str, enum.Enum):
    """When unit prices are rounded to :attr:`RoundingPolicy.unit_places`.

    * ``EACH_STEP``: after every step, as Salesforce CPQ stores each price field
      (list, special, regular, customer, partner, net) at the unit price scale.
    * ``NET_ONLY``: steps keep full precision; only the net unit price is rounded.

    >>> UnitRounding("net_only")
    <UnitRounding.NET_ONLY: 'net_only'>
    """

    EACH_STEP = "each_step"
    NET_ONLY = "net_only"


def _to_unit_rounding(value: UnitRounding | str) -> UnitRounding:
    return as_member(UnitRounding, value, "unit_rounding")


def _check_places(instance: Any, attribute: Any, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 12:
        raise ValidationError(
            "must be an integer from 0 to 12 or None", path=attribute.name, value=value
        )


def _check_rounding(instance: Any, attribute: Any, value: Any) -> None:
    if value not in ROUNDING_MODES:
        raise ValidationError(
            f"must be one of {sorted(ROUNDING_MODES)}", path=attribute.name, value=value
        )


@attrs.frozen
class RoundingPolicy:
    """How prices are rounded, so that quote totals always equal the sum of the rounded lines.

    * Unit prices are rounded to ``unit_places`` decimals (``None``: the
      currency's minor units) after each step or only at the net step
      (:class:`UnitRounding`).
    * A line's extended amounts (list total, net total, each discount) are
      ``round(unit price x quantity, total_places)``; ``total_places`` ``None``
      means the currency's minor units.
    * Group and quote totals are plain sums of the rounded line amounts, so they
      add up to the cent by construction, and each line's discounts telescope:
      ``list_total - sum(discounts) == net_total`` exactly.

    Attributes:
        unit_places: Decimals of unit prices (``None``: currency minor units).
        total_places: Decimals of extended amounts (``None``: currency minor units).
        unit_rounding: When unit prices are rounded.
        mode: A ``decimal`` rounding mode (``ROUND_HALF_UP`` by default).

    >>> RoundingPolicy(unit_places=4).unit_places
    4
    >>> RoundingPolicy(mode="ROUND_SIDEWAYS")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: mode: must be one of [...] (got 'ROUND_SIDEWAYS')
    """

    unit_places: int | None = attrs.field(default=None, validator=_check_places)
    total_places: int | None = attrs.field(default=None, validator=_check_places)
    unit_rounding: UnitRounding = attrs.field(
        default=UnitRounding.EACH_STEP, converter=_to_unit_rounding
    )
    mode: str = attrs.field(default=DEFAULT_ROUNDING, validator=_check_rounding)


def _check_policy(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, RoundingPolicy):
        raise ValidationError("must be a RoundingPolicy", path=attribute.name, value=value)


@attrs.frozen
class PricingOptions:
    """Switches between the orders and behaviours the anchors offer.

    Attributes:
        additional_discount_last: Apply the manual (additional) discount after the
            partner and distributor discounts (CPQ's "Apply Additional Discount Last").
        partner_discount_first: Apply the partner discount before the additional
            discount (CPQ's "Partner Discount First").
        channel_discounts_off_list: Compute partner and distributor discounts as a
            percentage of the list price rather than of the price they follow (CPQ's
            "Channel Discounts Off List").
        allow_negative_prices: Let a price fall below zero (off by default; a rule
            can also allow it for its own lines).
        rounding: The :class:`RoundingPolicy`.

    >>> PricingOptions(additional_discount_last=True).post_regular_order()
    ('partner_discount', 'partner', 'distributor_discount', 'additional_discount', 'customer')
    """

    additional_discount_last: bool = attrs.field(default=False, validator=check_bool)
    partner_discount_first: bool = attrs.field(default=False, validator=check_bool)
    channel_discounts_off_list: bool = attrs.field(default=False, validator=check_bool)
    allow_negative_prices: bool = attrs.field(default=False, validator=check_bool)
    rounding: RoundingPolicy = attrs.field(factory=RoundingPolicy, validator=_check_policy)
    _order: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        additional = ("additional_discount", "customer")
        partner = ("partner_discount", "partner")
        distributor = ("distributor_discount",)
        if self.additional_discount_last:
            order = partner + distributor + additional
        elif self.partner_discount_first:
            order = partner + additional + distributor
        else:
            order = additional + partner + distributor
        object.__setattr__(self, "_order", order)

    def post_regular_order(self) -> tuple[str, ...]:
        """Return the steps after the regular price, in the order these options give.

        Returns:
            Step names (values of :class:`Step`); checkpoints follow the step that sets them.

        >>> PricingOptions().post_regular_order()
        ('additional_discount', 'customer', 'partner_discount', 'partner', 'distributor_discount')
        """
        return self._order


@attrs.frozen
class DiscountLimits:
    """The discount a role may give without approval; beyond it a line is flagged, not clamped.

    Attributes:
        role: The role these limits belong to (``"sales_rep"``), named in flags.
        max_manual_percent: Largest manual (additional) discount, as a percent of
            the regular price; ``None`` for no limit.
        max_total_percent: Largest total discount, net against list, in percent;
            ``None`` for no limit.

    >>> DiscountLimits(role="sales_rep", max_manual_percent=15).max_manual_percent
    Decimal('15')
    """

    role: str = attrs.field(validator=check_key)
    max_manual_percent: Decimal | None = attrs.field(
        default=None,
        converter=to_optional_decimal,
        validator=check_optional_percent,
    )
    max_total_percent: Decimal | None = attrs.field(
        default=None,
        converter=to_optional_decimal,
        validator=check_optional_percent,
    )


@attrs.frozen
class LimitFlag:
    """A line's discount crossed a limit of the role pricing it (for approvals to act on).

    Attributes:
        limit: Which limit: ``"max_manual_percent"`` or ``"max_total_percent"``.
        role: The role whose authority was exceeded.
        allowed: The limit, in percent.
        actual: The discount given, in percent (rounded to 2 places, half even).

    >>> flag = LimitFlag(limit="max_manual_percent", role="rep", allowed=Decimal(15),
    ...                  actual=Decimal(20))
    >>> str(flag)
    'max_manual_percent: 20 % exceeds 15 % allowed for rep'
    """

    limit: str = attrs.field(validator=check_key)
    role: str = attrs.field(validator=check_key)
    allowed: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    actual: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)

    def __str__(self) -> str:
        return f"{self.limit}: {self.actual} % exceeds {self.allowed} % allowed for {self.role}"


@attrs.frozen
class WaterfallStep:
    """One step of a line's price waterfall.

    Attributes:
        step: The step's name (a :class:`Step` value).
        source: The rule, schedule, price book or contract that acted, if any.
        before: Unit price before the step.
        after: Unit price after the step.
        reason: Why, in words (``"volume schedule VOL: 25 units -> tier 2 (10 %)"``).

    >>> s = WaterfallStep("additional_discount", None, Decimal("100.00"), Decimal("90.00"),
    ...                   "10 % manual discount")
    >>> s.change
    Decimal('-10.00')
    """

    step: str = attrs.field(validator=check_key)
    source: str | None = attrs.field(validator=check_optional_text)
    before: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    after: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    reason: str = attrs.field(validator=check_text)

    @property
    def change(self) -> Decimal:
        """The change the step made to the unit price (negative for a discount).

        Returns:
            ``after - before``.
        """
        return self.after - self.before


@attrs.frozen
class Adjustment:
    """A change to a line's extended amount after the unit waterfall.

    Quote-level amount discounts spread across lines and cart promotions act on
    line totals, not unit prices; they are recorded here. The tax taken out of a
    tax-inclusive line amount is an adjustment too (kind ``"included_tax"``, in
    :attr:`PricedLine.included_tax`), but it is not a discount.

    Attributes:
        kind: ``"quote_discount"``, ``"promotion"`` or ``"included_tax"``.
        source: The promotion id, the tax category for included tax, or ``None``
            for the quote discount.
        amount: The amount taken off the line total (positive for a discount).
        reason: Why, in words.

    >>> Adjustment("included_tax", "standard", Decimal("4.50"),
    ...            "20 % tax included in 27.00").amount
    Decimal('4.50')
    """

    kind: str = attrs.field(validator=check_key)
    source: str | None = attrs.field(validator=check_optional_text)
    amount: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    reason: str = attrs.field(validator=check_text)


_KINDS = (
    "contracted",
    "special",
    "price_rules",
    "volume_schedule",
    "term_schedule",
    "proration",
    "additional_discount",
    "partner_discount",
    "distributor_discount",
    "after_rules",
    "floor",
    "quote_discount",
    "promotion",
)


_money = instance_of(Money, "a Money")
_require_money = instance_check(Money, "a Money")


@attrs.frozen
class Totals:
    """Amounts of a line, a group or a quote, all in one currency, all rounded.

    ``net + tax == gross`` holds exactly, for lines and for every total, because
    totals are sums of the rounded line amounts. What the discounts add up to
    depends on the tax mode:

    * prices exclude tax (no tax policy, or a tax-exclusive one):
      ``list - sum(discounts.values()) == net``, and the tax is added on top;
    * prices include tax (``prices_include_tax``, a tax-inclusive
      :class:`~sfa_core.pricing.RateTaxPolicy`): list prices and discounts are
      tax-inclusive, so ``list - sum(discounts.values()) == gross``, and the tax is
      taken out of it: ``gross - tax == net``.

    Attributes:
        list: List amount (unit list price x quantity, prorated for subscriptions).
        discounts: Amount taken off per kind (``"volume_schedule"``,
            ``"additional_discount"``, ``"promotion"``...); a negative value raised
            the price (a markup or a floor).
        net: What the customer pays before tax.
        tax: Tax on ``net`` (added to it, or included in the gross).
        gross: ``net + tax``.
        cost: Cost of the goods (zero when a product has no cost).
        margin: ``net - cost``.
        prices_include_tax: Whether list and discounts include tax (their difference
            is then the gross, and the tax is taken out of it).

    >>> from sfa_core.money import Money
    >>> eur = lambda amount: Money(amount, "EUR")
    >>> inclusive = Totals(eur("30.00"), {"promotion": eur("3.00")}, eur("22.50"),
    ...                    eur("4.50"), eur("27.00"), eur("0.00"), eur("22.50"), True)
    >>> inclusive.list - inclusive.discount == inclusive.gross
    True
    >>> inclusive.gross - inclusive.tax == inclusive.net
    True
    """

    list: Money = attrs.field(validator=_money)
    discounts: Mapping[str, Money] = attrs.field(
        converter=to_frozen, validator=mapping_of(_require_money, "Money amounts")
    )
    net: Money = attrs.field(validator=_money)
    tax: Money = attrs.field(validator=_money)
    gross: Money = attrs.field(validator=_money)
    cost: Money = attrs.field(validator=_money)
    margin: Money = attrs.field(validator=_money)
    prices_include_tax: bool = attrs.field(default=False, validator=check_bool)

    @property
    def discount(self) -> Money:
        """The total of every discount, ``list - net`` (``list - gross`` with tax-inclusive prices).

        Returns:
            A :class:`~sfa_core.money.Money`.
        """
        return sum(self.discounts.values(), Money.zero(self.list.currency))

    @property
    def margin_percent(self) -> Decimal | None:
        """Margin as a percent of net, 2 places half up; ``None`` when net is zero.

        Returns:
            The margin percent.
        """
        if not self.net.amount:
            return None
        return (self.margin.amount * 100 / self.net.amount).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def markup_percent(self) -> Decimal | None:
        """Markup as a percent of cost, 2 places half up; ``None`` when cost is zero.

        Returns:
            The markup percent.
        """
        if not self.cost.amount:
            return None
        return (self.margin.amount * 100 / self.cost.amount).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )


def _prorated_list(line: PricedLine) -> Decimal:
    """The default of :attr:`PricedLine.prorated_list_unit_price` (lines built by hand)."""
    price, proration = line.list_unit_price, line.proration
    if not _computable(price) or not _computable(proration):
        return price  # not a number in range: the fields' validators refuse it
    if proration == 1:
        return price
    quantum = Decimal(1).scaleb(min(0, int(price.as_tuple().exponent)))
    return (price * line.proration).quantize(quantum, ROUND_HALF_UP)


def _computable(value: Any) -> bool:
    return value.__class__ is Decimal and in_range(value)


def _check_currency(instance: Any, attribute: Any, value: Any) -> None:
    validate_currency(value, path=attribute.name)


_steps = items_of(instance_check(WaterfallStep, "a WaterfallStep"), "WaterfallStep values")
_adjustments = items_of(instance_check(Adjustment, "an Adjustment"), "Adjustment values")
_flags = items_of(instance_check(LimitFlag, "a LimitFlag"), "LimitFlag values")


@attrs.frozen
class PricedLine:
    """A quote line with its price, its totals and the story of both.

    Amounts are plain ``Decimal`` values in ``currency`` (as Stripe's line items
    carry an amount and a currency); :attr:`totals` and the ``*_money``
    helpers give :class:`~sfa_core.money.Money` values. Unit prices are rounded
    by the :class:`RoundingPolicy`; totals to the currency's minor units.

    Attributes:
        key: The quote line's key.
        sku: The product priced.
        quantity: The quantity priced.
        currency: The quote's currency.
        list_unit_price: Unit list price (after the percent-of-total, cost-plus or
            tier computation for such products, and a currency conversion); never
            prorated (Salesforce CPQ's *List Unit Price*).
        regular_unit_price: After contracted prices, rules, schedules and proration.
        customer_unit_price: After the additional (manual) discount.
        partner_unit_price: After the partner discount.
        net_unit_price: The final unit price.
        pricing_units: What the unit price is multiplied by: the quantity, or 1 for
            block- and tier-priced lines whose "unit" price is the whole line's.
        proration: The prorate multiplier (1 for non-subscription lines).
        list_total: List amount (prorated for subscriptions).
        discounts: Amount taken off per kind; negative when a step raised the price.
        net_total: What the customer pays for the line before tax.
        tax: Tax on the line.
        gross_total: ``net_total + tax``.
        cost_total: Cost of the line (zero when the product has no cost).
        waterfall: The :class:`WaterfallStep` records, in order.
        adjustments: Changes to the line total after the waterfall.
        flags: Limits this line crossed.
        group: The quote group the line belongs to, if any.
        parent: The key of the bundle line this line belongs to, if any.
        prorated_list_unit_price: The list unit price x the prorate multiplier,
            rounded to the unit places (equal to ``list_unit_price`` for a line that
            is not a subscription). When not given, it is computed from
            ``list_unit_price`` and ``proration`` at the places of the list price.
        included_tax: With tax-inclusive prices, the tax taken out of the line's
            gross amount, as an :class:`Adjustment` of kind ``"included_tax"`` (the
            explanation's step from the gross to the net); ``None`` when prices
            exclude tax or no tax policy priced the line.
    """

    key: str = attrs.field(validator=check_key)
    sku: str = attrs.field(validator=check_key)
    quantity: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    currency: str = attrs.field(validator=_check_currency)
    list_unit_price: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    regular_unit_price: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    customer_unit_price: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    partner_unit_price: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    net_unit_price: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    pricing_units: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    proration: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    list_total: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    discounts: Mapping[str, Decimal] = attrs.field(
        converter=to_frozen, validator=mapping_of(require_finite, "amounts")
    )
    net_total: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    tax: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    gross_total: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    cost_total: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    waterfall: tuple[WaterfallStep, ...] = attrs.field(converter=to_items, validator=_steps)
    adjustments: tuple[Adjustment, ...] = attrs.field(
        default=(), converter=to_items, validator=_adjustments
    )
    flags: tuple[LimitFlag, ...] = attrs.field(default=(), converter=to_items, validator=_flags)
    group: str | None = attrs.field(default=None, validator=check_optional_key)
    parent: str | None = attrs.field(default=None, validator=check_optional_key)
    prorated_list_unit_price: Decimal = attrs.field(
        default=attrs.Factory(_prorated_list, takes_self=True),
        converter=to_decimal,
        validator=check_decimal,
    )
    included_tax: Adjustment | None = attrs.field(
        default=None, validator=optional_instance_of(Adjustment, "an Adjustment or None")
    )
    _totals: Totals | None = attrs.field(default=None, init=False, eq=False, repr=False, hash=False)

    @property
    def totals(self) -> Totals:
        """The line's amounts as :class:`Totals` of :class:`~sfa_core.money.Money`.

        Built on first use and kept (the line is frozen, so they never change).

        Returns:
            The :class:`Totals`, the same object on every access.
        """
        found = self._totals
        if found is None:
            c = self.currency
            found = _make_totals(
                Money(self.list_total, c),
                FrozenMap.wrap({k: Money(v, c) for k, v in self.discounts.items()}),
                Money(self.net_total, c),
                Money(self.tax, c),
                Money(self.gross_total, c),
                Money(self.cost_total, c),
                Money(self.net_total - self.cost_total, c),
                self.included_tax is not None,
            )
            object.__setattr__(self, "_totals", found)
        return found

    def money(self, name: str) -> Money:
        """Return the amount field ``name`` as :class:`~sfa_core.money.Money`.

        Args:
            name: A field holding an amount (``"net_unit_price"``, ``"net_total"``...).

        Returns:
            The amount in the line's currency.
        """
        if not isinstance(name, str) or name not in _AMOUNT_FIELDS:
            raise ValidationError(
                f"must be one of {sorted(_AMOUNT_FIELDS)}", path="name", value=name
            )
        amount: Decimal = getattr(self, name)
        return Money(amount, self.currency)

    def explain(self) -> str:
        """Render the waterfall, the adjustments and the flags as text.

        Returns:
            One line per step, then the totals.
        """
        return explain_line(self)

    def __str__(self) -> str:
        return self.explain()


#: Builds the totals of a line from its own checked amounts (see :mod:`sfa_core._fast`).
_make_totals = builder(Totals)

_AMOUNT_FIELDS = frozenset(
    {
        "list_unit_price",
        "prorated_list_unit_price",
        "regular_unit_price",
        "customer_unit_price",
        "partner_unit_price",
        "net_unit_price",
        "list_total",
        "net_total",
        "tax",
        "gross_total",
        "cost_total",
    }
)


# -- explanations: text rendered from the recorded data ----------------------------------------

_LABELS = {
    "list": "list",
    "before_rules": "rule (before)",
    "contracted": "contracted",
    "special": "special",
    "price_rules": "price rule",
    "volume_schedule": "volume schedule",
    "term_schedule": "term schedule",
    "proration": "proration",
    "additional_discount": "additional discount",
    "partner_discount": "partner discount",
    "distributor_discount": "distributor discount",
    "after_rules": "rule (after)",
    "floor": "floor",
    "net": "rounding",
}


def explain_line(line: PricedLine) -> str:
    """Render one priced line: its steps, its adjustments, its flags and its totals.

    Args:
        line: The priced line.

    Returns:
        The text :meth:`PricedLine.explain` returns.
    """
    currency = line.currency
    out = [f"{line.key} {line.sku} x {line.quantity} ({currency})"]
    for step in line.waterfall:
        label = _LABELS.get(step.step, step.step)
        source = f" [{step.source}]" if step.source else ""
        if step.step == "list":
            out.append(f"  {label:<22}{step.after:>14}{source}  {_first(step.reason)}")
        else:
            out.append(
                f"  {label:<22}{step.after:>14}  ({step.change:+}){source}  {_first(step.reason)}"
            )
    out.append(f"  {'net unit price':<22}{line.net_unit_price:>14}")
    if line.pricing_units != line.quantity:
        out.append(f"  priced as a whole line (units {line.pricing_units})")
    adjustments = line.adjustments
    if line.included_tax is not None:
        adjustments = (*adjustments, line.included_tax)
    for adjustment in adjustments:
        source = f" [{adjustment.source}]" if adjustment.source else ""
        out.append(f"  {adjustment.kind:<22}{-adjustment.amount:>14}{source}  {adjustment.reason}")
    out.extend(explain_totals(line.totals, "  "))
    out.extend(f"  ! {flag}" for flag in line.flags)
    return "\n".join(out)


def _first(reason: str) -> str:
    return reason.split("\n", 1)[0]


def explain_totals(totals: Totals, indent: str) -> list[str]:
    """Render totals as text lines, in the order in which they add up.

    Prices without tax: list, each discount, net, then tax and gross when taxed
    (``list - discounts = net``, ``net + tax = gross``). Prices with tax
    (``totals.prices_include_tax``): list, each discount, gross, the included tax
    taken out, net (``list - discounts = gross``, ``gross - tax = net``).

    Args:
        totals: The totals of a line, a group or a quote.
        indent: Put before every line.

    Returns:
        The lines, without line breaks.

    >>> from sfa_core.money import Money
    >>> eur = lambda amount: Money(amount, "EUR")
    >>> totals = Totals(eur("100.00"), {"promotion": eur("10.00")}, eur("90.00"),
    ...                 eur("0.00"), eur("90.00"), eur("0.00"), eur("90.00"))
    >>> for text in explain_totals(totals, "  "):
    ...     print(text)
      list total                    100.00
        promotion                   -10.00
      net total                      90.00
    >>> inclusive = Totals(eur("30.00"), {"promotion": eur("3.00")}, eur("22.50"),
    ...                    eur("4.50"), eur("27.00"), eur("0.00"), eur("22.50"), True)
    >>> for text in explain_totals(inclusive, "  "):
    ...     print(text)
      list total                     30.00
        promotion                    -3.00
      gross total                    27.00
      included tax                   -4.50
      net total                      22.50
    """
    out = [f"{indent}{'list total':<22}{totals.list.amount:>14}"]
    for kind, amount in totals.discounts.items():
        out.append(f"{indent}  {kind:<20}{-amount.amount:>14}")
    if totals.prices_include_tax:
        out.append(f"{indent}{'gross total':<22}{totals.gross.amount:>14}")
        out.append(f"{indent}{'included tax':<22}{-totals.tax.amount:>14}")
        out.append(f"{indent}{'net total':<22}{totals.net.amount:>14}")
        return out
    out.append(f"{indent}{'net total':<22}{totals.net.amount:>14}")
    if totals.tax.amount:
        out.append(f"{indent}{'tax':<22}{totals.tax.amount:>14}")
        out.append(f"{indent}{'gross total':<22}{totals.gross.amount:>14}")
    return out
