"""Quantity pricing of one line: tier tables, block prices and package prices.

A price book may price a SKU by quantity instead of by a single unit price. Three shapes
cover what Stripe Billing and Salesforce CPQ offer:

* :class:`TierTable` (Stripe ``tiers``): ``volume`` prices every unit at the tier the
  quantity reaches; ``graduated`` prices each unit at its own tier (slabs).
* :class:`BlockPricing` (CPQ block prices): a flat price for a whole range of
  quantities, with an optional per-unit overage above the last block.
* :class:`PackagePricing` (Stripe ``transform_quantity``): a price per package of
  ``package_size`` units, the package count rounded up or down.

They share one interface, :data:`TierPricing`: ``amount(quantity)`` returns the exact
line amount (a ``Decimal``, never rounded: sums and products are computed without a
precision limit), and ``price(quantity)`` returns a :class:`TierPrice` that also holds
the :class:`TierCharge` of every tier used, so the amount explains itself.

Tier bounds follow the package-wide convention by default: ``up_to`` is an *inclusive*
upper bound, a tier covers the quantities in ``(previous up_to, up_to]``, the first tier
starts above 0 and quantities may be fractional (hours, gigabytes). A table can say
otherwise with ``bounds=TierBounds.LOWER_INCLUSIVE`` (Salesforce CPQ's ``[lower, upper)``):
``up_to`` is then an *exclusive* upper bound and a quantity exactly at it belongs to the
next tier. The two agree on every quantity that is not exactly at a bound.

>>> from decimal import Decimal
>>> table = TierTable.graduated([(10, "5.00"), (None, "4.00")])
>>> table.amount(Decimal(15))  # 10 x 5.00 + 5 x 4.00
Decimal('70.00')
"""

from __future__ import annotations

import enum
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Union

import attrs

from sfa_core._fast import builder
from sfa_core._validate import (
    as_member,
    check_decimal,
    check_index,
    check_key,
    check_non_negative,
    check_optional_decimal,
    check_positive,
    instance_check,
    items_of,
    require_decimal,
    to_decimal,
    to_items,
    to_optional_decimal,
)
from sfa_core.catalog._bands import EXACT, add, check_bounds, mul, positive, prefixed, sub, to_bound
from sfa_core.errors import ValidationError

__all__ = [
    "BlockPricing",
    "PackagePricing",
    "PackageRounding",
    "Tier",
    "TierBounds",
    "TierCharge",
    "TierMode",
    "TierPrice",
    "TierPricing",
    "TierTable",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)


# Named converters (mypy's attrs plugin does not follow ``attrs.Converter`` objects).
def _unit_amount(value: Any) -> Decimal:
    return require_decimal(value, "unit_amount")


def _flat_amount(value: Any) -> Decimal:
    return require_decimal(value, "flat_amount")


def _overage(value: Any) -> Decimal | None:
    return None if value is None else require_decimal(value, "overage")


def _package_size(value: Any) -> Decimal:
    return require_decimal(value, "package_size")


def _package_amount(value: Any) -> Decimal:
    return require_decimal(value, "package_amount")


class TierMode(str, enum.Enum):
    """How a :class:`TierTable` prices a quantity (Stripe's ``tiers_mode``).

    * ``VOLUME``: every unit at the price of the tier the quantity reaches.
    * ``GRADUATED``: each unit at the price of its own tier (slabs), flat fees of
      every tier touched added.

    >>> TierMode("graduated")
    <TierMode.GRADUATED: 'graduated'>
    """

    VOLUME = "volume"
    GRADUATED = "graduated"


class PackageRounding(str, enum.Enum):
    """How :class:`PackagePricing` turns a quantity into whole packages.

    * ``UP``: a started package is a package (``ceil``), Stripe's ``round: up``.
    * ``DOWN``: only full packages count (``floor``), Stripe's ``round: down``.

    >>> PackageRounding("down")
    <PackageRounding.DOWN: 'down'>
    """

    UP = "up"
    DOWN = "down"


class TierBounds(str, enum.Enum):
    """Which end of a tier its ``up_to`` includes (tier tables and discount schedules).

    * ``UPPER_INCLUSIVE`` (the default, Stripe's convention): a tier covers
      ``(previous up_to, up_to]``; a quantity exactly at ``up_to`` is in that tier.
    * ``LOWER_INCLUSIVE`` (Salesforce CPQ's ``[lower, upper)``): a tier covers
      ``[previous up_to, up_to)``; a quantity exactly at ``up_to`` is in the next tier.
      Write CPQ's upper bounds as they are: the CPQ tier "1 to 11" is ``up_to=11``.

    Only a quantity exactly at a bound is priced differently; with whole quantities,
    an upper-inclusive ``up_to=10`` and a lower-inclusive ``up_to=11`` are the same tier.

    >>> TierBounds("lower_inclusive")
    <TierBounds.LOWER_INCLUSIVE: 'lower_inclusive'>
    """

    UPPER_INCLUSIVE = "upper_inclusive"
    LOWER_INCLUSIVE = "lower_inclusive"


def to_tier_bounds(value: Any) -> TierBounds:
    """Return ``value`` as a :class:`TierBounds` (a member or its value).

    Args:
        value: ``"upper_inclusive"``, ``"lower_inclusive"`` or a member.

    Returns:
        The member.

    Raises:
        ValidationError: Any other value (path ``bounds``).

    >>> to_tier_bounds("upper")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: bounds: must be one of 'upper_inclusive', \
'lower_inclusive' (got 'upper')
    """
    return as_member(TierBounds, value, "bounds")


def tier_index(edges: Sequence[Decimal], quantity: Decimal, bounds: TierBounds) -> int:
    """Return the index of the tier ``quantity`` falls in, by the bound convention.

    Args:
        edges: The finite ``up_to`` bounds, increasing.
        quantity: A quantity ``> 0``.
        bounds: Which end of a tier ``up_to`` includes.

    Returns:
        The tier's index (``len(edges)`` for the open last tier).

    >>> edges = (Decimal(10), Decimal(20))
    >>> tier_index(edges, Decimal(10), TierBounds.UPPER_INCLUSIVE)
    0
    >>> tier_index(edges, Decimal(10), TierBounds.LOWER_INCLUSIVE)
    1
    """
    if bounds is TierBounds.UPPER_INCLUSIVE:
        return bisect_left(edges, quantity)
    return bisect_right(edges, quantity)


def _mode(value: Any) -> TierMode:
    return as_member(TierMode, value, "mode")


def _rounding(value: Any) -> PackageRounding:
    return as_member(PackageRounding, value, "rounding")


@attrs.frozen
class Tier:
    """One row of a tier table or one block of a block price.

    Attributes:
        up_to: Inclusive upper bound of the tier (``> 0``), or ``None`` for the open last tier.
        unit_amount: Price of each unit in the tier (``>= 0``).
        flat_amount: Fixed fee added once when the tier is used (``>= 0``).

    >>> Tier(10, "5.00")
    Tier(up_to=Decimal('10'), unit_amount=Decimal('5.00'), flat_amount=Decimal('0'))
    >>> Tier(0, "5.00")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: up_to: must be greater than zero (got Decimal('0'))
    """

    up_to: Decimal | None = attrs.field(converter=to_bound, validator=check_positive)
    unit_amount: Decimal = attrs.field(
        default=_ZERO, converter=_unit_amount, validator=check_non_negative
    )
    flat_amount: Decimal = attrs.field(
        default=_ZERO, converter=_flat_amount, validator=check_non_negative
    )


def _to_items(
    value: Any, path: str, shape: str, build: Callable[[Sequence[Any]], Tier]
) -> tuple[Tier, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError("must be a sequence of tiers", path=path, value=value)
    items: list[Tier] = []
    for index, item in enumerate(value):
        if isinstance(item, Tier):
            items.append(item)
        elif isinstance(item, (tuple, list)):
            try:
                items.append(build(item))
            except ValidationError as err:
                raise prefixed(err, f"{path}[{index}]") from None
        else:
            raise ValidationError(
                f"must be a Tier or a tuple {shape}", path=f"{path}[{index}]", value=item
            )
    return tuple(items)


_TIER_SHAPE = "(up_to, unit_amount) or (up_to, unit_amount, flat_amount)"


def _tier_from_tuple(item: Sequence[Any]) -> Tier:
    if len(item) not in (2, 3):
        raise ValidationError(f"must be a tuple {_TIER_SHAPE}", value=tuple(item))
    return Tier(*item)


def _block_from_tuple(item: Sequence[Any]) -> Tier:
    if len(item) != 2:
        raise ValidationError("must be a tuple (up_to, price)", value=tuple(item))
    return Tier(item[0], flat_amount=item[1])


def _to_tiers(value: Any) -> tuple[Tier, ...]:
    return _to_items(value, "tiers", _TIER_SHAPE, _tier_from_tuple)


def _to_blocks(value: Any) -> tuple[Tier, ...]:
    return _to_items(value, "blocks", "(up_to, price)", _block_from_tuple)


@attrs.frozen
class TierCharge:
    """What one tier contributed to a :class:`TierPrice` (a result, built by ``price``).

    Attributes:
        tier: Index of the tier or block in its table (from 0, as in ``tiers[1]``);
            for a block price's overage, ``len(blocks)``; always 0 for a package price.
        up_to: The tier's inclusive upper bound (``None`` when open, or for an overage).
        units: Units priced in this tier (packages, for a package price; the whole
            quantity for a volume tier).
        unit_amount: Price of each of those units (the overage rate, the package price).
        flat_amount: Fixed fee of the tier (the block's price for a block).
        amount: ``units * unit_amount + flat_amount``, exact.

    >>> TierCharge(tier=1, up_to=Decimal(20), units=Decimal(5), unit_amount=Decimal("4.00"),
    ...            flat_amount=Decimal(0), amount=Decimal("20.00")).amount
    Decimal('20.00')
    """

    tier: int = attrs.field(validator=check_index)
    up_to: Decimal | None = attrs.field(
        converter=to_optional_decimal, validator=check_optional_decimal
    )
    units: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    unit_amount: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    flat_amount: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    amount: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)

    def __str__(self) -> str:
        bound = "open" if self.up_to is None else f"up to {self.up_to}"
        parts = []
        if (self.units and self.unit_amount) or not self.flat_amount:
            parts.append(f"{self.units} x {self.unit_amount}")
        if self.flat_amount:
            parts.append(f"{self.flat_amount} flat")
        return f"tier {self.tier + 1} ({bound}): {' + '.join(parts)} = {self.amount}"


@attrs.frozen
class TierPrice:
    """The amount of a quantity under a tier pricing, with the charges that make it up.

    Attributes:
        method: ``"volume"``, ``"graduated"``, ``"block"`` or ``"package"``.
        quantity: The quantity priced.
        amount: The exact line amount (equal to ``amount(quantity)`` of the pricing and
            to the sum of the charges' amounts).
        charges: One :class:`TierCharge` per tier used, in tier order.

    >>> price = TierTable.volume([(10, "5.00"), (None, "4.00")]).price(Decimal(12))
    >>> price.amount, len(price.charges)
    (Decimal('48.00'), 1)
    >>> print(price)
    volume pricing of 12 units = 48.00
      tier 2 (open): 12 x 4.00 = 48.00
    """

    method: str = attrs.field(validator=check_key)
    quantity: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    amount: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    charges: tuple[TierCharge, ...] = attrs.field(
        converter=to_items,
        validator=items_of(instance_check(TierCharge, "a TierCharge"), "TierCharge values"),
    )

    def __str__(self) -> str:
        lines = [f"{self.method} pricing of {self.quantity} units = {self.amount}"]
        for charge in self.charges:
            if self.method == "package":
                text = f"{charge.units} packages x {charge.unit_amount} = {charge.amount}"
            elif self.method == "block" and charge.up_to is None:
                text = f"overage: {charge.units} units x {charge.unit_amount} = {charge.amount}"
            elif self.method == "block":
                text = f"block {charge.tier} (up to {charge.up_to}): {charge.amount} flat"
            else:
                text = str(charge)
            lines.append(f"  {text}")
        return "\n".join(lines)


# Pricing builds its results from amounts it computed exactly (they may have more digits
# than a host may pass in): they are not checked again (see :mod:`sfa_core._fast`).
_charge: Callable[..., TierCharge] = builder(TierCharge)
_price: Callable[..., TierPrice] = builder(TierPrice)


@attrs.frozen
class TierTable:
    """A Stripe-style tier table: volume or graduated pricing by quantity.

    Validated at construction: at least one tier, ``up_to`` strictly increasing, only
    the last tier open (``up_to=None``) and it must be open. Tiers may be given as
    :class:`Tier` values or as ``(up_to, unit_amount)`` / ``(up_to, unit_amount,
    flat_amount)`` tuples.

    Semantics (Stripe Billing):

    * volume: ``amount = q * unit_amount + flat_amount`` of the tier reached (the tier
      with ``previous up_to < q <= up_to``, or ``previous up_to <= q < up_to`` with
      ``bounds="lower_inclusive"``);
    * graduated: the sum over the tiers touched of ``units_in_tier * unit_amount +
      flat_amount``, where ``units_in_tier = max(0, min(q, up_to) - previous up_to)``
      and a tier is touched when it holds units (so the bound convention changes no
      graduated amount, only which tier a volume quantity at a bound reaches).

    Attributes:
        mode: :class:`TierMode` (or its value).
        tiers: The tiers, in order.
        bounds: :class:`TierBounds` (or its value): which end of a tier ``up_to``
            includes; ``upper_inclusive`` by default.

    >>> volume = TierTable.volume([(10, "5.00"), (20, "4.50", "10"), (None, "4.00")])
    >>> volume.amount(Decimal(10)), volume.amount(Decimal(15))  # 10 x 5.00; 15 x 4.50 + 10
    (Decimal('50.00'), Decimal('77.50'))
    >>> TierTable.volume([(10, "5.00"), (5, "4.00"), (None, "3.00")])
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: tiers[1].up_to: must be greater than tiers[0].up_to (10): \
tiers are out of order or overlap (got Decimal('5'))
    """

    mode: TierMode = attrs.field(converter=_mode)
    tiers: tuple[Tier, ...] = attrs.field(converter=_to_tiers)
    bounds: TierBounds = attrs.field(
        default=TierBounds.UPPER_INCLUSIVE, converter=to_tier_bounds, kw_only=True
    )
    _edges: tuple[Decimal, ...] = attrs.field(init=False, eq=False, repr=False)
    _units: tuple[Decimal, ...] = attrs.field(init=False, eq=False, repr=False)
    _flats: tuple[Decimal, ...] = attrs.field(init=False, eq=False, repr=False)
    _cumulative: tuple[Decimal, ...] = attrs.field(init=False, eq=False, repr=False)
    _full: tuple[TierCharge, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        bounds = check_bounds([t.up_to for t in self.tiers], "tiers", open_last=True)
        units = tuple(t.unit_amount for t in self.tiers)
        flats = tuple(t.flat_amount for t in self.tiers)
        # Graduated: the charge of each full finite tier, and the amount of a quantity
        # exactly at each finite bound (the sum of the full charges up to it).
        full: list[TierCharge] = []
        cumulative: list[Decimal] = []
        lower = _ZERO
        for index, bound in enumerate(bounds):
            width = sub(bound, lower)
            amount = add(mul(width, units[index]), flats[index])
            full.append(_charge(index, bound, width, units[index], flats[index], amount))
            cumulative.append(add(cumulative[-1], amount) if cumulative else amount)
            lower = bound
        object.__setattr__(self, "_edges", bounds)
        object.__setattr__(self, "_units", units)
        object.__setattr__(self, "_flats", flats)
        object.__setattr__(self, "_cumulative", tuple(cumulative))
        object.__setattr__(self, "_full", tuple(full))

    @classmethod
    def volume(
        cls,
        tiers: Iterable[Tier | Sequence[Any]],
        *,
        bounds: TierBounds | str = TierBounds.UPPER_INCLUSIVE,
    ) -> TierTable:
        """Return a volume tier table.

        Args:
            tiers: :class:`Tier` values or ``(up_to, unit_amount[, flat_amount])`` tuples.
            bounds: Which end of a tier ``up_to`` includes (:class:`TierBounds`).

        Returns:
            The table.

        Raises:
            ValidationError: A tier is invalid or the bounds break the rules (the
                path names the tier, as in ``tiers[2].up_to``).

        >>> TierTable.volume([(None, "2.50")]).amount(Decimal(4))
        Decimal('10.00')
        """
        return cls(TierMode.VOLUME, tiers, bounds=bounds)

    @classmethod
    def graduated(
        cls,
        tiers: Iterable[Tier | Sequence[Any]],
        *,
        bounds: TierBounds | str = TierBounds.UPPER_INCLUSIVE,
    ) -> TierTable:
        """Return a graduated tier table.

        Args:
            tiers: :class:`Tier` values or ``(up_to, unit_amount[, flat_amount])`` tuples.
            bounds: Which end of a tier ``up_to`` includes (:class:`TierBounds`).

        Returns:
            The table.

        Raises:
            ValidationError: A tier is invalid or the bounds break the rules.

        >>> TierTable.graduated([(10, "5.00"), (20, "4.50")])
        Traceback (most recent call last):
        ...
        sfa_core.errors.ValidationError: tiers[1].up_to: the last tier must be open \
(up_to=None) (got Decimal('20'))
        """
        return cls(TierMode.GRADUATED, tiers, bounds=bounds)

    def amount(self, quantity: Decimal) -> Decimal:
        """Return the exact amount of ``quantity`` units.

        Args:
            quantity: A quantity ``> 0``, possibly fractional.

        Returns:
            The amount, never rounded.

        Raises:
            ValidationError: ``quantity`` is not a number ``> 0`` (path ``quantity``).

        >>> table = TierTable.graduated([(10, "5.00"), (None, "4.00", "2.00")])
        >>> table.amount(Decimal("10.5"))  # 10 x 5.00 + 0.5 x 4.00 + 2.00
        Decimal('54.000')
        """
        q = positive(quantity, "quantity")
        bounds = self._edges
        index = tier_index(bounds, q, self.bounds)
        if self.mode is TierMode.VOLUME or index == 0:
            return add(mul(q, self._units[index]), self._flats[index])
        # The full tiers below, then this tier's units (same sums as ``price``).
        count = sub(q, bounds[index - 1])
        if not count:  # lower-inclusive, exactly at a bound: the next tier holds nothing
            return self._cumulative[index - 1]
        last = add(mul(count, self._units[index]), self._flats[index])
        return add(self._cumulative[index - 1], last)

    def price(self, quantity: Decimal) -> TierPrice:
        """Return the amount of ``quantity`` units with the charge of every tier used.

        Args:
            quantity: A quantity ``> 0``, possibly fractional.

        Returns:
            A :class:`TierPrice`; its amount equals :meth:`amount`.

        Raises:
            ValidationError: ``quantity`` is not a number ``> 0`` (path ``quantity``).

        >>> print(TierTable.graduated([(10, "5.00"), (None, "4.00", "2.00")]).price(Decimal(12)))
        graduated pricing of 12 units = 60.00
          tier 1 (up to 10): 10 x 5.00 = 50.00
          tier 2 (open): 2 x 4.00 + 2.00 flat = 10.00
        """
        q = positive(quantity, "quantity")
        bounds = self._edges
        index = tier_index(bounds, q, self.bounds)
        unit, flat = self._units[index], self._flats[index]
        up_to = bounds[index] if index < len(bounds) else None
        if self.mode is TierMode.VOLUME or index == 0:
            total = add(mul(q, unit), flat)
            charge = _charge(index, up_to, q, unit, flat, total)
            if self.mode is TierMode.VOLUME:
                return _price("volume", q, total, (charge,))
            return _price("graduated", q, total, (charge,))
        if q == up_to:  # the quantity fills its tier: every charge is a full one
            return _price("graduated", q, self._cumulative[index], self._full[: index + 1])
        count = sub(q, bounds[index - 1])
        if not count:  # lower-inclusive, exactly at a bound: the tiers below are full
            return _price("graduated", q, self._cumulative[index - 1], self._full[:index])
        last = add(mul(count, unit), flat)
        total = add(self._cumulative[index - 1], last)
        charges = (*self._full[:index], _charge(index, up_to, count, unit, flat, last))
        return _price("graduated", q, total, charges)


@attrs.frozen
class BlockPricing:
    """Salesforce CPQ block pricing: one flat price for a whole range of quantities.

    The quantity is not multiplied: 7 units in a block ``up to 10 for 100.00`` cost
    100.00. Blocks are :class:`Tier` values whose ``flat_amount`` is the block's price
    (``unit_amount`` must be 0), or ``(up_to, price)`` tuples; bounds follow the
    package rule (inclusive ``up_to``), but every block is bounded: the last block has
    a finite ``up_to``. A quantity above it costs the last block's price plus
    ``(q - last up_to) * overage``; without an ``overage`` it is refused.

    CPQ writes the same blocks with an exclusive upper bound (a block "1 to 10" has
    CPQ upper bound 11, here ``up_to=10``), and prices an overage block as ``block
    price + (quantity - block lower bound) * OverageRate``. A CPQ overage block with
    lower bound ``L`` and price ``P`` is therefore a last block ``(L, P)`` here with
    ``overage`` = the rate: for whole quantities both give ``P + (q - L) * rate``.
    (CPQ also allows an overage rate on inner blocks; that is not modelled.)

    Attributes:
        blocks: The blocks, in order.
        overage: Price per unit above the last block, or ``None`` to refuse such quantities.

    >>> blocks = BlockPricing([(10, "100.00"), (50, "300.00")], overage="5.00")
    >>> blocks.amount(Decimal(7)), blocks.amount(Decimal(50)), blocks.amount(Decimal(53))
    (Decimal('100.00'), Decimal('300.00'), Decimal('315.00'))
    """

    blocks: tuple[Tier, ...] = attrs.field(converter=_to_blocks)
    overage: Decimal | None = attrs.field(
        default=None, converter=_overage, validator=check_non_negative
    )
    _bounds: tuple[Decimal, ...] = attrs.field(init=False, eq=False, repr=False)
    _flats: tuple[Decimal, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        for index, block in enumerate(self.blocks):
            if block.unit_amount:
                raise ValidationError(
                    "must be 0: a block has one flat price (flat_amount) for all its units",
                    path=f"blocks[{index}].unit_amount",
                    value=block.unit_amount,
                )
        bounds = check_bounds([b.up_to for b in self.blocks], "blocks", open_last=False)
        object.__setattr__(self, "_bounds", bounds)
        object.__setattr__(self, "_flats", tuple(b.flat_amount for b in self.blocks))

    def amount(self, quantity: Decimal) -> Decimal:
        """Return the exact amount of ``quantity`` units.

        Args:
            quantity: A quantity ``> 0``, possibly fractional.

        Returns:
            The price of the block reached, plus the overage above the last block.

        Raises:
            ValidationError: ``quantity`` is not a number ``> 0``, or it is beyond the
                last block and there is no overage rate (path ``quantity``).

        >>> BlockPricing([(10, "100.00")]).amount(Decimal(11))
        Traceback (most recent call last):
        ...
        sfa_core.errors.ValidationError: quantity: is beyond the last block (up_to 10) and \
there is no overage rate (got Decimal('11'))
        """
        q = positive(quantity, "quantity")
        bounds = self._bounds
        index = bisect_left(bounds, q)
        if index < len(bounds):
            return self._flats[index]
        return add(self._flats[-1], mul(sub(q, bounds[-1]), self._overage(q)))

    def _overage(self, q: Decimal) -> Decimal:
        if self.overage is None:
            raise ValidationError(
                f"is beyond the last block (up_to {self._bounds[-1]}) and there is no overage rate",
                path="quantity",
                value=q,
            )
        return self.overage

    def price(self, quantity: Decimal) -> TierPrice:
        """Return the amount of ``quantity`` units with the block (and overage) charges.

        The block reached is one charge (its ``units`` the units it covers); an overage
        is a second charge with ``tier = len(blocks)`` and ``up_to=None``.

        Args:
            quantity: A quantity ``> 0``, possibly fractional.

        Returns:
            A :class:`TierPrice`; its amount equals :meth:`amount`.

        Raises:
            ValidationError: As :meth:`amount`.

        >>> print(BlockPricing([(10, "100.00"), (50, "300.00")], overage="5.00").price(
        ...     Decimal(53)))
        block pricing of 53 units = 315.00
          block 1 (up to 50): 300.00 flat
          overage: 3 units x 5.00 = 15.00
        """
        q = positive(quantity, "quantity")
        total = self.amount(q)
        bounds, flats = self._bounds, self._flats
        index = bisect_left(bounds, q)
        if index < len(bounds):
            block = _charge(index, bounds[index], q, _ZERO, flats[index], flats[index])
            return _price("block", q, total, (block,))
        last = len(bounds) - 1
        rate = self._overage(q)
        over = sub(q, bounds[last])
        charges = (
            _charge(last, bounds[last], bounds[last], _ZERO, flats[last], flats[last]),
            _charge(last + 1, None, over, rate, _ZERO, mul(over, rate)),
        )
        return _price("block", q, total, charges)


@attrs.frozen
class PackagePricing:
    """A price per package of units (Stripe's ``transform_quantity``).

    ``packages = ceil(q / package_size)`` (``UP``) or ``floor(q / package_size)``
    (``DOWN``), and ``amount = packages * package_amount``. With ``DOWN``, a quantity
    smaller than one package costs 0.

    Attributes:
        package_size: Units per package (``> 0``).
        package_amount: Price of one package (``>= 0``).
        rounding: :class:`PackageRounding` (or its value).

    >>> per_five = PackagePricing(5, "10.00")
    >>> per_five.amount(Decimal(11)), per_five.amount(Decimal(10))  # 3 and 2 packages
    (Decimal('30.00'), Decimal('20.00'))
    >>> PackagePricing(5, "10.00", "down").amount(Decimal(11))  # 2 full packages
    Decimal('20.00')
    """

    package_size: Decimal = attrs.field(converter=_package_size, validator=check_positive)
    package_amount: Decimal = attrs.field(converter=_package_amount, validator=check_non_negative)
    rounding: PackageRounding = attrs.field(default=PackageRounding.UP, converter=_rounding)

    def packages(self, quantity: Decimal) -> Decimal:
        """Return how many packages ``quantity`` units make (a whole number).

        Args:
            quantity: A quantity ``> 0``, possibly fractional.

        Returns:
            The package count, rounded as ``rounding`` says.

        Raises:
            ValidationError: ``quantity`` is not a number ``> 0`` (path ``quantity``).

        >>> PackagePricing("2.5", "1.00").packages(Decimal("5.1"))
        Decimal('3')
        """
        q = positive(quantity, "quantity")
        whole, rest = EXACT.divmod(q, self.package_size)
        if rest and self.rounding is PackageRounding.UP:
            return add(whole, _ONE)
        return whole

    def amount(self, quantity: Decimal) -> Decimal:
        """Return the exact amount of ``quantity`` units.

        Args:
            quantity: A quantity ``> 0``, possibly fractional.

        Returns:
            ``packages * package_amount``.

        Raises:
            ValidationError: ``quantity`` is not a number ``> 0`` (path ``quantity``).

        >>> PackagePricing(100, "9.00").amount(Decimal("0.5"))
        Decimal('9.00')
        """
        return mul(self.packages(quantity), self.package_amount)

    def price(self, quantity: Decimal) -> TierPrice:
        """Return the amount of ``quantity`` units with its single package charge.

        Args:
            quantity: A quantity ``> 0``, possibly fractional.

        Returns:
            A :class:`TierPrice` with one charge whose ``units`` are the packages.

        Raises:
            ValidationError: ``quantity`` is not a number ``> 0`` (path ``quantity``).

        >>> print(PackagePricing(5, "10.00").price(Decimal(11)))
        package pricing of 11 units = 30.00
          3 packages x 10.00 = 30.00
        """
        q = positive(quantity, "quantity")
        packages = self.packages(q)
        total = mul(packages, self.package_amount)
        charge = _charge(0, None, packages, self.package_amount, _ZERO, total)
        return _price("package", q, total, (charge,))


#: Any quantity pricing of a SKU. In documents each member is tagged with ``"type"``
#: (the class name) when the field's type is this union.
TierPricing = Union[TierTable, BlockPricing, PackagePricing]  # noqa: UP007 (runtime alias on 3.10)
