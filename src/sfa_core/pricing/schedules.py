"""Discount schedules: a discount that grows with a quantity or a term (Salesforce CPQ).

A :class:`DiscountSchedule` is a tier table of discounts. The *count* it reads is a
quantity (``basis=QUANTITY``, CPQ volume schedules) or a subscription term
(``basis=TERM``, CPQ term schedules). Tier bounds follow the package-wide convention
by default: ``up_to`` is an *inclusive* upper bound, a tier covers ``(previous up_to,
up_to]``, the last tier is open. CPQ writes a tier "1-10" with an exclusive upper bound
of 11; here it is ``up_to=10``, or ``up_to=11`` with ``bounds="lower_inclusive"``
(CPQ's ``[lower, upper)``), which also prices a fractional count exactly at a bound as
CPQ does (:class:`~sfa_core.catalog.tiers.TierBounds`).

* ``RANGE`` (CPQ "Range"): the whole count gets the discount of the tier it reaches.
* ``SLAB`` (CPQ "Slab"): each unit of the count gets its own tier's discount and the
  discount per unit is the blend, ``sum(units_in_tier * discount) / count``.

A discount is a ``PERCENT`` of the unit price or an ``AMOUNT`` off per unit, listed
per currency (CPQ multi-currency tiers). ``aggregation`` tells the caller what to
count: this line's quantity (``LINE``), the quantity of the same SKU over the quote
(``PRODUCT``) or of the same product family (``FAMILY``); the schedule is then
applied with that count to each line. A slab over an aggregated count is blended
*uniformly*: every line of the aggregate gets the same blended discount per unit, so
prices never depend on the order of the lines.

>>> from decimal import Decimal
>>> schedule = DiscountSchedule("VOL-1", [(10, 0), (20, 5), (None, 10)])
>>> print(schedule.discount(Decimal(25), unit_price=Decimal("100.00"), currency="EUR"))
volume schedule VOL-1: 25 units -> tier 3 (10 %): 10.0000 off 100.00 = 90.0000
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Context, Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from sfa_core._fast import builder
from sfa_core._frozen import FrozenMap
from sfa_core._validate import (
    MAX_PLACES,
    as_member,
    check_bool,
    check_decimal,
    check_index,
    check_key,
    check_optional_decimal,
    check_percent,
    check_positive,
    check_text,
    check_version,
    in_range,
    instance_check,
    items_of,
    require_decimal,
    require_items,
    to_decimal,
    to_items,
    to_optional_decimal,
)
from sfa_core.catalog._bands import EXACT, add, check_bounds, mul, positive, prefixed, sub, to_bound
from sfa_core.catalog.tiers import TierBounds, tier_index, to_tier_bounds
from sfa_core.errors import ValidationError, _joined, _shown, _text
from sfa_core.money import DEFAULT_ROUNDING, validate_currency

__all__ = [
    "Aggregation",
    "AppliedDiscountTier",
    "DiscountSchedule",
    "DiscountTier",
    "DiscountUnit",
    "MissingScheduleAmountError",
    "ScheduleBasis",
    "ScheduleDiscount",
    "ScheduleMode",
]

#: Significant digits of a blended (slab) value whose exact decimal never ends.
BLEND_DIGITS = 28
_BLEND = Context(prec=BLEND_DIGITS, rounding=DEFAULT_ROUNDING)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_MINUS_TWO = Decimal(-2)


class ScheduleBasis(str, enum.Enum):
    """What a schedule counts: a quantity (volume schedule) or a subscription term.

    >>> ScheduleBasis("term")
    <ScheduleBasis.TERM: 'term'>
    """

    QUANTITY = "quantity"
    TERM = "term"


class ScheduleMode(str, enum.Enum):
    """How the count picks a discount.

    * ``RANGE``: the whole count gets the tier it reaches.
    * ``SLAB``: each unit of the count gets its own tier; the discount is the blend.

    >>> ScheduleMode("slab")
    <ScheduleMode.SLAB: 'slab'>
    """

    RANGE = "range"
    SLAB = "slab"


class DiscountUnit(str, enum.Enum):
    """What a tier's discount is: a percent of the unit price, or an amount off per unit.

    >>> DiscountUnit("amount")
    <DiscountUnit.AMOUNT: 'amount'>
    """

    PERCENT = "percent"
    AMOUNT = "amount"


class Aggregation(str, enum.Enum):
    """Which quantities the caller adds up to get a volume schedule's count.

    * ``LINE``: this line's quantity.
    * ``PRODUCT``: the quantities of every line of the same SKU on the quote.
    * ``FAMILY``: the quantities of every line of the same product family on the quote.

    A term schedule counts the line's term, so its aggregation is always ``LINE``.

    >>> Aggregation("family")
    <Aggregation.FAMILY: 'family'>
    """

    LINE = "line"
    PRODUCT = "product"
    FAMILY = "family"


class MissingScheduleAmountError(ValidationError):
    """An amount schedule lists no amounts in the currency being priced.

    Attributes:
        schedule_id: The schedule.
        currency: The currency that has no amounts.

    >>> err = MissingScheduleAmountError("VOL-A", "USD", ("EUR",))
    >>> print(err)
    currency: discount schedule 'VOL-A' has no amounts in USD (it lists EUR) (got 'USD')
    >>> err.schedule_id, err.currency, err.path
    ('VOL-A', 'USD', 'currency')
    """

    code: ClassVar[str] = "missing_schedule_amount"

    def __init__(
        self, schedule_id: str, currency: str, listed: Sequence[str] = (), *, path: str = "currency"
    ) -> None:
        self.schedule_id = schedule_id
        self.currency = currency
        lists = f" (it lists {_joined(listed, ', ')})" if listed else ""
        super().__init__(
            f"discount schedule {_shown(schedule_id)} has no amounts in {_text(currency)}{lists}",
            path=_text(path),
            value=currency,
        )


def _percent(value: Any) -> Decimal | None:
    return None if value is None else require_decimal(value, "percent")


def _amounts(value: Any) -> FrozenMap[str, Decimal]:
    if value is None:
        return FrozenMap()
    if not isinstance(value, Mapping):
        raise ValidationError("must be a mapping of currency code to amount", path="amounts")
    amounts: dict[str, Decimal] = {}
    for code, raw in value.items():
        path = f"amounts[{code!r}]"
        validate_currency(code, path=path)
        amount = require_decimal(raw, path)
        if amount < 0:
            raise ValidationError("must not be negative", path=path, value=amount)
        amounts[code] = amount
    return FrozenMap(amounts)


@attrs.frozen
class DiscountTier:
    """One tier of a :class:`DiscountSchedule`.

    Attributes:
        up_to: Inclusive upper bound of the tier (``> 0``), or ``None`` for the open last tier.
        percent: Discount in percent (0 to 100), for a ``PERCENT`` schedule.
        amounts: Amount off per unit by currency code, for an ``AMOUNT`` schedule.

    >>> DiscountTier(10, percent=5)
    DiscountTier(up_to=Decimal('10'), percent=Decimal('5'), amounts={})
    >>> DiscountTier(None, amounts={"EUR": "2.00", "USD": "2.20"}).amounts["USD"]
    Decimal('2.20')
    >>> DiscountTier(10, percent=120)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: percent: must be between 0 and 100 (got Decimal('120'))
    """

    up_to: Decimal | None = attrs.field(converter=to_bound, validator=check_positive)
    percent: Decimal | None = attrs.field(default=None, converter=_percent, validator=check_percent)
    amounts: Mapping[str, Decimal] = attrs.field(factory=FrozenMap, converter=_amounts)


def _discount_tier_from(item: Sequence[Any]) -> DiscountTier:
    if len(item) != 2:
        raise ValidationError(
            "must be a tuple (up_to, percent) or (up_to, {currency: amount})", value=tuple(item)
        )
    up_to, discount = item
    if isinstance(discount, Mapping):
        return DiscountTier(up_to, amounts=discount)
    return DiscountTier(up_to, percent=discount)


def _discount_tiers(value: Any) -> tuple[DiscountTier, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError("must be a sequence of tiers", path="tiers", value=value)
    tiers: list[DiscountTier] = []
    for index, item in enumerate(value):
        if isinstance(item, DiscountTier):
            tiers.append(item)
        elif isinstance(item, (tuple, list)):
            try:
                tiers.append(_discount_tier_from(item))
            except ValidationError as err:
                raise prefixed(err, f"tiers[{index}]") from None
        else:
            raise ValidationError(
                "must be a DiscountTier or a tuple (up_to, percent) or (up_to, {currency: amount})",
                path=f"tiers[{index}]",
                value=item,
            )
    return tuple(tiers)


def _basis(value: Any) -> ScheduleBasis:
    return as_member(ScheduleBasis, value, "basis")


def _mode(value: Any) -> ScheduleMode:
    return as_member(ScheduleMode, value, "mode")


def _unit(value: Any) -> DiscountUnit:
    return as_member(DiscountUnit, value, "unit")


def _aggregation(value: Any) -> Aggregation:
    return as_member(Aggregation, value, "aggregation")


def _divide(numerator: Decimal, denominator: Decimal) -> tuple[Decimal, bool]:
    """Return ``numerator / denominator`` and whether it is exact.

    Exact when the quotient's decimal expansion ends; otherwise rounded to
    :data:`BLEND_DIGITS` significant digits with the package's default rounding.
    """
    quotient = _BLEND.divide(numerator, denominator)
    if mul(quotient, denominator) == numerator:
        return quotient, True
    ratio = Fraction(numerator) / Fraction(denominator)
    rest, twos, fives = ratio.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return quotient, False
    places = max(twos, fives)
    digits = ratio.numerator * (10**places // ratio.denominator)
    return EXACT.scaleb(Decimal(digits), Decimal(-places)), True


@attrs.frozen
class AppliedDiscountTier:
    """A tier a :class:`ScheduleDiscount` used, and how many units of the count it took.

    Attributes:
        tier: Index of the tier in the schedule (from 0, as in ``tiers[2]``).
        up_to: The tier's inclusive upper bound (``None`` when open).
        units: Units of the count in this tier (the whole count for a range schedule).
        percent: The tier's percent (percent schedules), else ``None``.
        amount: The tier's amount off per unit in the priced currency (amount
            schedules), else ``None``.

    >>> AppliedDiscountTier(2, None, Decimal(5), Decimal(10), None).percent
    Decimal('10')
    """

    tier: int = attrs.field(validator=check_index)
    up_to: Decimal | None = attrs.field(
        converter=to_optional_decimal, validator=check_optional_decimal
    )
    units: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    percent: Decimal | None = attrs.field(
        converter=to_optional_decimal, validator=check_optional_decimal
    )
    amount: Decimal | None = attrs.field(
        converter=to_optional_decimal, validator=check_optional_decimal
    )

    def __attrs_post_init__(self) -> None:
        if (self.percent is None) == (self.amount is None):
            raise ValidationError(
                "exactly one of percent and amount must be set", path="percent", value=self.percent
            )

    def __str__(self) -> str:
        value = f"{self.percent} %" if self.amount is None else f"{self.amount} off"
        return f"tier {self.tier + 1}: {self.units} at {value}"


def _check_currency(instance: Any, attribute: Any, value: Any) -> None:
    validate_currency(value, path=attribute.name)


@attrs.frozen
class ScheduleDiscount:
    """The discount a schedule gives one unit, and how it was found (a result).

    Attributes:
        schedule_id: The schedule.
        basis: What was counted (quantity or term).
        mode: Range or slab.
        unit: Percent or amount.
        count: The count the schedule read.
        unit_price: The unit price the discount applies to.
        currency: The currency of the prices.
        percent: The (effective, blended for a slab) percent; ``None`` for an amount schedule.
        amount_off: The discount per unit, unrounded, at most ``unit_price``.
        unclamped_amount_off: The discount per unit the tiers give, before the clamp
            (equal to ``amount_off`` unless ``clamped``).
        unit_price_after: ``unit_price - amount_off``, unrounded.
        tiers: The tiers used, with the units of the count in each.
        clamped: ``True`` when the tier's amount exceeded the unit price and was cut to it.
        exact: ``False`` when a blended value does not end as a decimal and was
            rounded to 28 significant digits.

    >>> schedule = DiscountSchedule("VOL-S", [(10, 0), (20, 5), (None, 10)], mode="slab")
    >>> result = schedule.discount(Decimal(25), unit_price=Decimal(100), currency="EUR")
    >>> result.percent, result.amount_off, [t.units for t in result.tiers]
    (Decimal('4'), Decimal('4'), [Decimal('10'), Decimal('10'), Decimal('5')])
    """

    schedule_id: str = attrs.field(validator=check_key)
    basis: ScheduleBasis = attrs.field(converter=_basis)
    mode: ScheduleMode = attrs.field(converter=_mode)
    unit: DiscountUnit = attrs.field(converter=_unit)
    count: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    unit_price: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    currency: str = attrs.field(validator=_check_currency)
    percent: Decimal | None = attrs.field(
        converter=to_optional_decimal, validator=check_optional_decimal
    )
    amount_off: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    unclamped_amount_off: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    unit_price_after: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    tiers: tuple[AppliedDiscountTier, ...] = attrs.field(
        converter=to_items,
        validator=items_of(
            instance_check(AppliedDiscountTier, "an AppliedDiscountTier"),
            "AppliedDiscountTier values",
        ),
    )
    clamped: bool = attrs.field(default=False, validator=check_bool)
    exact: bool = attrs.field(default=True, validator=check_bool)

    def __attrs_post_init__(self) -> None:
        if not self.tiers:
            raise ValidationError("must hold the tier used (at least one)", path="tiers", value=())

    @property
    def total_amount_off(self) -> Decimal:
        """The exact discount of the whole count, what ``count x amount_off`` would be unblended.

        For a slab this is the sum the tiers give, ``sum(units_in_tier x percent) x
        unit_price / 100`` (amounts likewise), computed without the blend's division,
        so it is exact even when the blended ``amount_off`` is not. Pricing books a
        slab line's discount from it (a line of the whole count takes all of it; a
        line of an aggregated count takes its share).

        Returns:
            The exact discount of ``count`` units (``unit_price x count`` when clamped).

        >>> slab = DiscountSchedule("VOL-S", [(10, 0), (None, 5)], mode="slab")
        >>> result = slab.discount(Decimal(15), unit_price=Decimal("9.99"), currency="EUR")
        >>> result.amount_off, result.total_amount_off     # 5 x 5 % x 9.99 over 15 units
        (Decimal('0.1665'), Decimal('2.4975'))
        """
        count, price = self.count, self.unit_price
        if self.clamped:
            return mul(price, count)
        if self.mode is ScheduleMode.RANGE:
            return mul(self.amount_off, count)
        weighted = _ZERO
        for tier in self.tiers:
            value = tier.percent if tier.amount is None else tier.amount
            assert value is not None
            weighted = add(weighted, mul(tier.units, value))
        if self.unit is DiscountUnit.PERCENT:
            return EXACT.scaleb(mul(price, weighted), _MINUS_TWO)
        return weighted

    def __str__(self) -> str:
        if self.basis is ScheduleBasis.QUANTITY:
            kind, counted = "volume", f"{self.count} units"
        else:
            kind, counted = "term", f"term {self.count}"
        if self.mode is ScheduleMode.RANGE:
            used = self.tiers[0]
            what = (
                f"{used.percent} %"
                if used.amount is None
                else f"{used.amount} {self.currency} off per unit"
            )
            head = f"{kind} schedule {self.schedule_id}: {counted} -> tier {used.tier + 1} ({what})"
        else:
            blend = (
                f"{self.percent} %"
                if self.percent is not None
                else f"{self.unclamped_amount_off} {self.currency} off per unit"
            )
            parts = ", ".join(str(t) for t in self.tiers)
            head = (
                f"{kind} schedule {self.schedule_id} (slab): {counted} -> {parts} = {blend} blended"
            )
        text = f"{head}: {self.amount_off} off {self.unit_price} = {self.unit_price_after}"
        if self.clamped:
            text += " (clamped at the unit price)"
        if not self.exact:
            text += f" (blend rounded to {BLEND_DIGITS} digits)"
        return text


@attrs.frozen
class DiscountSchedule:
    """A Salesforce CPQ discount schedule: discounts by quantity or term, in tiers.

    Validated at construction: at least one tier, ``up_to`` strictly increasing, only
    the last tier open and it must be open; a ``PERCENT`` schedule has a percent on
    every tier and no amounts; an ``AMOUNT`` schedule has amounts and no percent on
    every tier, in the same currencies; a ``TERM`` schedule aggregates by ``LINE``.
    Tiers may be :class:`DiscountTier` values, ``(up_to, percent)`` or
    ``(up_to, {currency: amount})`` tuples.

    Attributes:
        id: The schedule's key.
        tiers: The tiers, in order.
        basis: :class:`ScheduleBasis` (quantity or term).
        mode: :class:`ScheduleMode` (range or slab).
        unit: :class:`DiscountUnit` (percent or amount).
        aggregation: :class:`Aggregation` (what the caller counts for a volume schedule).
        name: Display name.
        bounds: :class:`~sfa_core.catalog.tiers.TierBounds` (or its value): which end of
            a tier ``up_to`` includes; ``upper_inclusive`` by default.
        version: Storage version (0 = never stored).

    >>> DiscountSchedule("VOL-1", [(10, 0), (20, 5)])
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: tiers[1].up_to: the last tier must be open \
(up_to=None) (got Decimal('20'))
    >>> DiscountSchedule("VOL-A", [(10, {"EUR": 1}), (None, {"USD": 2})], unit="amount")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: tiers[1].amounts: must list the same currencies as \
tiers[0] (EUR) (got ['USD'])
    """

    id: str = attrs.field(validator=check_key)
    tiers: tuple[DiscountTier, ...] = attrs.field(converter=_discount_tiers)
    basis: ScheduleBasis = attrs.field(default=ScheduleBasis.QUANTITY, converter=_basis)
    mode: ScheduleMode = attrs.field(default=ScheduleMode.RANGE, converter=_mode)
    unit: DiscountUnit = attrs.field(default=DiscountUnit.PERCENT, converter=_unit)
    aggregation: Aggregation = attrs.field(default=Aggregation.LINE, converter=_aggregation)
    name: str = attrs.field(default="", validator=check_text)
    bounds: TierBounds = attrs.field(
        default=TierBounds.UPPER_INCLUSIVE, converter=to_tier_bounds, kw_only=True
    )
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)
    _edges: tuple[Decimal, ...] = attrs.field(init=False, eq=False, repr=False)
    # Per currency ("" for a percent schedule): each tier's value, the weighted sum
    # (units x value) of the full tiers up to each bound, and the full tiers' records.
    _values: Mapping[str, tuple[Decimal, ...]] = attrs.field(init=False, eq=False, repr=False)
    _cumulative: Mapping[str, tuple[Decimal, ...]] = attrs.field(init=False, eq=False, repr=False)
    _full: Mapping[str, tuple[AppliedDiscountTier, ...]] = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        bounds = check_bounds([t.up_to for t in self.tiers], "tiers", open_last=True)
        if self.basis is ScheduleBasis.TERM and self.aggregation is not Aggregation.LINE:
            raise ValidationError(
                "does not apply to a term schedule (it counts the line's term); use 'line'",
                path="aggregation",
                value=self.aggregation.value,
            )
        values: dict[str, tuple[Decimal, ...]] = {}
        if self.unit is DiscountUnit.PERCENT:
            values[""] = self._percents()
        else:
            currencies = self._currencies()
            for code in currencies:
                values[code] = tuple(t.amounts[code] for t in self.tiers)
        cumulative: dict[str, tuple[Decimal, ...]] = {}
        full: dict[str, tuple[AppliedDiscountTier, ...]] = {}
        percent = self.unit is DiscountUnit.PERCENT
        for code, per_tier in values.items():
            sums: list[Decimal] = []
            records: list[AppliedDiscountTier] = []
            total = lower = _ZERO
            for index, bound in enumerate(bounds):
                width = sub(bound, lower)
                total = add(total, mul(width, per_tier[index]))
                sums.append(total)
                value = per_tier[index]
                records.append(
                    _applied(
                        index, bound, width, value if percent else None, None if percent else value
                    )
                )
                lower = bound
            cumulative[code] = tuple(sums)
            full[code] = tuple(records)
        object.__setattr__(self, "_edges", bounds)
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_cumulative", cumulative)
        object.__setattr__(self, "_full", full)

    def _percents(self) -> tuple[Decimal, ...]:
        percents: list[Decimal] = []
        for index, tier in enumerate(self.tiers):
            if tier.percent is None:
                raise ValidationError(
                    "a percent schedule needs a percent on every tier",
                    path=f"tiers[{index}].percent",
                    value=None,
                )
            if tier.amounts:
                raise ValidationError(
                    "a percent schedule takes no amounts (use unit='amount')",
                    path=f"tiers[{index}].amounts",
                    value=dict(tier.amounts),
                )
            percents.append(tier.percent)
        return tuple(percents)

    def _currencies(self) -> list[str]:
        first: list[str] = []
        for index, tier in enumerate(self.tiers):
            if tier.percent is not None:
                raise ValidationError(
                    "an amount schedule takes amounts, not a percent (use unit='percent')",
                    path=f"tiers[{index}].percent",
                    value=tier.percent,
                )
            codes = sorted(tier.amounts)
            if not codes:
                raise ValidationError(
                    "an amount schedule needs an amount per currency on every tier",
                    path=f"tiers[{index}].amounts",
                    value={},
                )
            if index == 0:
                first = codes
            elif codes != first:
                raise ValidationError(
                    f"must list the same currencies as tiers[0] ({', '.join(first)})",
                    path=f"tiers[{index}].amounts",
                    value=codes,
                )
        return first

    def discount(self, count: Decimal, *, unit_price: Decimal, currency: str) -> ScheduleDiscount:
        """Return the discount of one unit at ``unit_price`` when the schedule counts ``count``.

        * ``RANGE``: the tier reached by ``count`` (``previous up_to < count <= up_to``);
          a percent takes ``unit_price * percent / 100`` off, an amount takes the tier's
          amount in ``currency`` off.
        * ``SLAB``: the blend over the count: the effective percent is
          ``sum(units_in_tier * percent) / count`` (amounts likewise), exact when the
          decimal ends, otherwise rounded to 28 significant digits (``exact`` is then
          ``False``).

        The discount never exceeds the unit price: a larger amount is cut to it
        (``clamped`` is then ``True``). Nothing is rounded to the currency's cents.

        Args:
            count: The counted quantity or term (``> 0``, possibly fractional).
            unit_price: The unit price to discount (``>= 0``).
            currency: The currency of ``unit_price`` (picks the amounts of an amount schedule).

        Returns:
            A :class:`ScheduleDiscount`.

        Raises:
            ValidationError: ``count`` is not ``> 0`` or ``unit_price`` is negative.
            MissingScheduleAmountError: An amount schedule has no amounts in ``currency``.

        >>> schedule = DiscountSchedule("VOL-A", [(10, {"EUR": "1.00"}), (None, {"EUR": "3.00"})],
        ...                             unit="amount")
        >>> print(schedule.discount(Decimal(12), unit_price=Decimal("2.50"), currency="EUR"))
        volume schedule VOL-A: 12 units -> tier 2 (3.00 EUR off per unit): 2.50 off 2.50 = 0.00 \
(clamped at the unit price)
        """
        c = positive(count, "count")
        price = unit_price
        if price.__class__ is not Decimal or not in_range(price):
            price = require_decimal(unit_price, "unit_price")
        if price < 0:
            raise ValidationError("must not be negative", path="unit_price", value=price)
        percent = self.unit is DiscountUnit.PERCENT
        key = "" if percent else currency
        values = self._values.get(key)
        if values is None:
            raise MissingScheduleAmountError(self.id, currency, sorted(self._values))
        bounds = self._edges
        index = tier_index(bounds, c, self.bounds)
        value = values[index]
        up_to = bounds[index] if index < len(bounds) else None
        exact = True
        if self.mode is ScheduleMode.RANGE:
            used: tuple[AppliedDiscountTier, ...] = (
                _applied(index, up_to, c, value if percent else None, None if percent else value),
            )
            off = EXACT.scaleb(mul(price, value), _MINUS_TWO) if percent else value
            effective: Decimal | None = value if percent else None
        else:
            lower = bounds[index - 1] if index else _ZERO
            units = sub(c, lower)
            if units:
                weighted = mul(units, value)
                if index:
                    weighted = add(self._cumulative[key][index - 1], weighted)
                last = _applied(
                    index, up_to, units, value if percent else None, None if percent else value
                )
                used = (*self._full[key][:index], last)
            else:  # lower-inclusive, exactly at a bound: the tiers below are full
                weighted = self._cumulative[key][index - 1]
                used = self._full[key][:index]
            if percent:
                effective, exact = _divide(weighted, c)
                off, _ = _divide(mul(price, weighted), mul(c, _HUNDRED))
            else:
                effective = None
                off, exact = _divide(weighted, c)
        unclamped = off
        clamped = off > price
        if clamped:
            off = price
        return _schedule_discount(
            self.id,
            self.basis,
            self.mode,
            self.unit,
            c,
            price,
            currency,
            effective,
            off,
            unclamped,
            _clamped_zero(price) if clamped else sub(price, off),
            used,
            clamped,
            exact,
        )


def _clamped_zero(price: Decimal) -> Decimal:
    """The unit price a clamped discount leaves: zero at the price's places.

    ``0.00`` for a price of cents; a plain ``0`` when the price has more places than
    the supported range (never ``0E-63``, which would not read back as written).
    """
    zero = price - price
    return zero if zero.as_tuple().exponent >= -MAX_PLACES else _ZERO  # type: ignore[operator]


def as_schedules(
    schedules: Mapping[str, DiscountSchedule] | Iterable[DiscountSchedule] | None,
) -> Mapping[str, DiscountSchedule]:
    """Return the discount schedules a quote is priced with, by id, from what a caller passes.

    Args:
        schedules: Schedules by id (kept as they are), an iterable of schedules, or
            nothing.

    Returns:
        The schedules by id.

    Raises:
        ValidationError: An item is not a :class:`DiscountSchedule` (path ``schedules[i]``).

    >>> volume = DiscountSchedule("VOL", [(9, 0), (None, 10)])
    >>> list(as_schedules([volume]))
    ['VOL']
    >>> as_schedules([volume, "VOL"])
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: schedules[1]: must be a DiscountSchedule (got 'VOL')
    """
    if schedules is None:
        return {}
    if isinstance(schedules, Mapping):
        for key, schedule in schedules.items():
            if not isinstance(schedule, DiscountSchedule):
                raise ValidationError(
                    "must be a DiscountSchedule", path=f"schedules[{key!r}]", value=schedule
                )
        return schedules
    found: dict[str, DiscountSchedule] = {}
    for index, schedule in enumerate(require_items(schedules, "schedules")):
        if not isinstance(schedule, DiscountSchedule):
            raise ValidationError(
                "must be a DiscountSchedule", path=f"schedules[{index}]", value=schedule
            )
        found[schedule.id] = schedule
    return found


# A schedule builds its results from values it checked or computed exactly: they are not
# checked again (see :mod:`sfa_core._fast`).
_applied: Callable[..., AppliedDiscountTier] = builder(AppliedDiscountTier)
_schedule_discount: Callable[..., ScheduleDiscount] = builder(ScheduleDiscount)
