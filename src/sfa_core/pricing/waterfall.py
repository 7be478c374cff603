"""The price waterfall: one line's unit price moved through named steps, each one recorded.

:class:`LineWaterfall` carries a line's unit price from the list price to the
net price. Each step that changes the price calls :meth:`LineWaterfall.move`,
which rounds the new price by the policy, stops it at zero, records a
:class:`~sfa_core.pricing.model.WaterfallStep`, and books the change of the
line's *extended* amount under the step's kind. Because every extended amount
is ``round(unit price x pricing units)`` and each kind receives the difference
of two consecutive extended amounts, the discounts of a line always add up:
``list total - sum(discounts) == net total``, to the cent.

Steps before proration are extended with the prorate multiplier, so the list
total of a subscription is its prorated list amount and every discount before
proration is measured on the prorated term.

A slab discount schedule knows the line's amount exactly (the sum of its tiers),
not just a blended unit price: :meth:`LineWaterfall.move_total` books that exact
amount, rounded once, and records the unit price derived from it (rounded by the
policy). The line amount is then primary: the proration and the final net
rounding keep it, and only a later step that changes the price extends again from
the unit price.

The default order (Salesforce CPQ): list -> before rules -> contracted price ->
special price -> price rules -> volume schedule -> term schedule -> proration
-> *regular* -> additional discount -> *customer* -> partner discount ->
*partner* -> distributor discount -> after rules -> floor -> *net*.
:class:`~sfa_core.pricing.model.PricingOptions` reorders the steps after the
regular price.
"""

from __future__ import annotations

from decimal import Decimal

from sfa_core._fast import builder
from sfa_core.pricing.model import WaterfallStep

__all__ = ["LineWaterfall", "list_step"]

_ZERO = Decimal(0)
_make_step = builder(WaterfallStep)


def list_step(
    price: Decimal, source: str | None, reason: str, unit_quantum: Decimal | None, rounding: str
) -> WaterfallStep:
    """Return the ``"list"`` step of a waterfall at ``price``, rounded when steps are.

    Args:
        price: The unit list price.
        source: Where it came from (the price book, the tier table...).
        reason: How it was found, in words.
        unit_quantum: The unit price quantum, or ``None`` to keep full precision.
        rounding: The rounding mode.

    Returns:
        The step; lines whose list price is the same can share it.

    >>> step = list_step(Decimal("9.995"), "EU", "book entry", Decimal("0.01"), "ROUND_HALF_UP")
    >>> step.step, step.before, step.after
    ('list', Decimal('10.00'), Decimal('10.00'))
    """
    if unit_quantum is not None:
        price = price.quantize(unit_quantum, rounding)
    return _make_step("list", source, price, price, reason)


class LineWaterfall:
    """The running state of one line's waterfall (internal to a pricing run).

    Args:
        units: What the unit price is multiplied by (the quantity, or the
            quantity's sign for a line priced as a whole).
        multiplier: The prorate multiplier (1 when not a subscription).
        unit_quantum: ``Decimal`` quantum of unit prices, or ``None`` to keep
            full precision between steps.
        total_quantum: Quantum of extended amounts.
        rounding: The rounding mode.
        allow_negative: Whether a price may fall below zero.

    >>> from decimal import Decimal
    >>> w = LineWaterfall(Decimal(3), Decimal(1), Decimal("0.01"), Decimal("0.01"),
    ...                   "ROUND_HALF_UP", False)
    >>> w.start(Decimal("10.00"), "LIST", "price book EU")
    >>> w.move("additional_discount", None, Decimal("10.00") * Decimal("0.9"), "10 % manual")
    >>> w.price, w.extended, dict(w.discounts)
    (Decimal('9.00'), Decimal('27.00'), {'additional_discount': Decimal('3.00')})
    """

    __slots__ = (
        "allow_negative",
        "discounts",
        "exact",
        "extended",
        "factor",
        "multiplier",
        "price",
        "prorated",
        "rounding",
        "steps",
        "total_quantum",
        "unit_quantum",
        "units",
    )

    def __init__(
        self,
        units: Decimal,
        multiplier: Decimal,
        unit_quantum: Decimal | None,
        total_quantum: Decimal,
        rounding: str,
        allow_negative: bool,
    ) -> None:
        self.reset(units, multiplier, unit_quantum, total_quantum, rounding, allow_negative)

    def reset(
        self,
        units: Decimal,
        multiplier: Decimal,
        unit_quantum: Decimal | None,
        total_quantum: Decimal,
        rounding: str,
        allow_negative: bool,
    ) -> None:
        """Start again with these settings (the arguments of the constructor).

        Args:
            units: Pricing units.
            multiplier: Prorate multiplier.
            unit_quantum: Unit price quantum, or ``None``.
            total_quantum: Extended amount quantum.
            rounding: Rounding mode.
            allow_negative: Whether a price may fall below zero.
        """
        self.units = units
        self.multiplier = multiplier
        self.unit_quantum = unit_quantum
        self.total_quantum = total_quantum
        self.rounding = rounding
        self.allow_negative = allow_negative
        self.prorated = multiplier == 1
        self.factor = units if self.prorated else units * multiplier
        self.price = _ZERO
        self.extended = _ZERO
        # the unrounded extended amount when it is primary (after a slab step), else None
        self.exact: Decimal | None = None
        self.steps: list[WaterfallStep] = []
        self.discounts: dict[str, Decimal] = {}

    def extend(self, price: Decimal) -> Decimal:
        """Return the extended amount of ``price`` at this point of the waterfall.

        Args:
            price: A unit price.

        Returns:
            ``round(price x units [x multiplier before proration])``.
        """
        return (price * self.factor).quantize(self.total_quantum, self.rounding)

    def start(self, price: Decimal, source: str | None, reason: str) -> None:
        """Set the list price and record the list step.

        Args:
            price: The unit list price.
            source: Where it came from (the price book, the tier table...).
            reason: How it was found, in words.
        """
        self.begin(list_step(price, source, reason, self.unit_quantum, self.rounding))

    def begin(self, step: WaterfallStep) -> None:
        """Start from a list step made earlier (its price already rounded by the policy).

        Args:
            step: The ``"list"`` step; lines of one SKU share it.
        """
        price = step.after
        self.price = price
        self.extended = self.extend(price)
        self.steps.append(step)

    def move(
        self,
        step: str,
        source: str | None,
        after: Decimal,
        reason: str,
        *,
        kind: str | None = None,
        allow_negative: bool = False,
    ) -> None:
        """Move the unit price to ``after`` and record the step (nothing when unchanged).

        Args:
            step: The step's name.
            source: The rule, schedule or contract that acted.
            after: The new unit price, before rounding.
            reason: Why, in words.
            kind: The discount kind the change is booked under (default: ``step``).
            allow_negative: Let this step take the price below zero.
        """
        quantum = self.unit_quantum
        if quantum is not None:
            after = after.quantize(quantum, self.rounding)
        if after < _ZERO and not (self.allow_negative or allow_negative):
            after = _ZERO if quantum is None else _ZERO.quantize(quantum)
            reason += " (stopped at zero)"
        before = self.price
        if after == before:
            return
        exact = self.exact
        if exact is not None:
            # the line amount stays primary: the step takes its change per unit off the
            # exact amount, so a larger discount never gives a larger line total
            exact = exact - (before - after) * self.factor
            extended = exact.quantize(self.total_quantum, self.rounding)
        else:
            extended = (after * self.factor).quantize(self.total_quantum, self.rounding)
        difference = self.extended - extended
        if difference:
            if kind is None:
                kind = step
            discounts = self.discounts
            discounts[kind] = discounts.get(kind, _ZERO) + difference
        self.steps.append(_make_step(step, source, before, after, reason))
        self.price = after
        self.extended = extended
        self.exact = exact

    def move_total(
        self, step: str, source: str | None, after: Decimal, total: Decimal, reason: str
    ) -> None:
        """Move to the exact line amount ``total``; record the unit price derived from it.

        The extended amount is ``round(total)``, not ``round(rounded unit price x
        units)``: a slab schedule gives the line's exact amount, and rounding its
        blended unit price first would move the total by cents. The unit price
        ``after`` (``total`` over the units) is rounded by the policy for the step
        and the steps that follow.

        Args:
            step: The step's name.
            source: The schedule that acted.
            after: The unit price derived from ``total``, before rounding.
            total: The exact extended amount (prorated when the step comes before
                proration), before rounding.
            reason: Why, in words.

        >>> w = LineWaterfall(Decimal(15), Decimal(1), Decimal("0.01"), Decimal("0.01"),
        ...                   "ROUND_HALF_UP", False)
        >>> w.start(Decimal("9.99"), None, "list")
        >>> w.move_total("volume_schedule", "S", Decimal("9.8235"), Decimal("147.3525"), "slab")
        >>> w.price, w.extended, dict(w.discounts)   # 15 x 9.82 would be 147.30
        (Decimal('9.82'), Decimal('147.35'), {'volume_schedule': Decimal('2.50')})
        """
        if self.unit_quantum is not None:
            after = after.quantize(self.unit_quantum, self.rounding)
        extended = total.quantize(self.total_quantum, self.rounding)
        before = self.price
        if after == before and extended == self.extended:
            return
        difference = self.extended - extended
        if difference:
            self.discounts[step] = self.discounts.get(step, _ZERO) + difference
        self.steps.append(_make_step(step, source, before, after, reason))
        self.price = after
        self.extended = extended
        self.exact = total

    def prorate(self, reason: str, source: str | None) -> None:
        """Apply the prorate multiplier to the unit price (the proration step).

        Args:
            reason: How the term was counted.
            source: What gave the term (``None``).
        """
        if self.prorated:
            return
        after = self.price * self.multiplier
        if self.unit_quantum is not None:
            after = after.quantize(self.unit_quantum, self.rounding)
        before = self.price
        self.prorated = True
        self.factor = self.units
        # an exact line amount is already prorated (it was extended with the multiplier)
        extended = self.extended if self.exact is not None else self.extend(after)
        difference = self.extended - extended
        if difference:
            self.discounts["proration"] = self.discounts.get("proration", _ZERO) + difference
        self.steps.append(_make_step("proration", source, before, after, reason))
        self.price = after
        self.extended = extended

    def finish(self, quantum: Decimal) -> None:
        """Round the net unit price to ``quantum`` when steps kept full precision.

        Args:
            quantum: The unit price quantum.
        """
        rounded = self.price.quantize(quantum, self.rounding)
        if rounded == self.price:
            return
        reason = f"net unit price rounded to {quantum}"
        if self.exact is not None:  # the line amount is primary: only the unit price rounds
            self.steps.append(_make_step("net", None, self.price, rounded, reason))
            self.price = rounded
            return
        self.move("net", None, rounded, reason, kind="rounding")
