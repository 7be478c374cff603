"""Headroom: how much more discount a quote can take before its approval plan changes.

The rep's question is not "who approves this quote?" but "how far can I go?".
:func:`headroom` answers it: it moves one manual discount (the quote's, on every
line, or one line's), re-prices the quote and re-plans it, and returns the bands
of discount that need the same approval, with the current discount's room:
"up to 15.0 % needs no approval; up to 25.0 % needs max; beyond that max, then
vp".

The search
----------

The discount runs over a grid: ``0``, ``resolution``, ``2 * resolution`` ... up
to ``max_discount``. At a grid point the quote is priced with
:func:`~sfa_core.quotes.price_quote`, its context built with
:func:`~sfa_core.approvals.approval_context` and its steps decided by the code of
:func:`~sfa_core.approvals.plan` (who approves each step and how; not the
reasons, which change within a band). Each such run is one *evaluation*.

1. **Coarse samples.** ``samples + 1`` grid points evenly spread from 0 to the
   last grid point (and the current discount, when it is on the grid).
2. **Bisection.** Between two neighbouring evaluated points whose plans differ,
   the middle grid point is evaluated and each half whose ends still differ is
   split again, until the two ends are neighbours on the grid. So every change
   of plan between two samples is found exactly: its last point before and its
   first point after are both evaluated, ``resolution`` apart.
3. **Bands.** The evaluated points, in order, are cut where the plan changes;
   a band runs from its first grid point to its last.

Between two evaluated neighbours with the same plan, the plan is taken to be
that plan throughout: a band that begins and ends between two coarse samples
whose plans are equal is not seen. Plans that only grow with the discount (the
usual ladder) are found whole; ``samples`` sets how narrow a band that comes and
goes can be and still be found. Each change costs about
``log2(grid points / samples)`` evaluations.

The plan is *monotone* when a larger discount never needs fewer steps: each
band's steps include every step of the band before it. A policy that asks for an
approval in the middle of the range only, or a deal-size rule that stops
matching as the net total falls, is not, and ``monotone`` says so.

Room
----

``current`` is the manual discount the quote carries now: the line's (its own,
else the quote's, else 0) with ``line``; without it, the largest of the lines'.
The *current plan* is the plan of the quote as it is. ``free_up_to`` is the
largest grid discount ``d >= current`` such that at every grid point from
``current`` to ``d`` the plan needs no step the current plan does not already
have (a step being its level, chain, approvers and how they decide); it is
``current`` itself when the next grid point already needs more. ``next_level``
is the band that starts just above ``free_up_to`` (``None`` at the top).
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Collection, Iterable, Mapping
from decimal import ROUND_FLOOR, Decimal
from typing import Any, ClassVar

import attrs

from sfa_core._fast import builder
from sfa_core._validate import (
    as_member,
    check_bool,
    check_key,
    check_optional_key,
    instance_check,
    items_of,
    require_decimal,
    require_key,
    to_decimal,
    to_items,
)
from sfa_core.approvals.context import approval_context
from sfa_core.approvals.model import ApprovalMode
from sfa_core.approvals.planning import _Outline, _outline
from sfa_core.approvals.policy import Policy
from sfa_core.catalog import Product
from sfa_core.directory import Directory
from sfa_core.errors import ValidationError
from sfa_core.quotes import Quote, QuoteLine, price_quote

__all__ = ["Headroom", "HeadroomBand", "HeadroomRangeError", "HeadroomStep", "headroom"]

#: The most grid points a search may span (``max_discount / resolution``).
MAX_GRID_POINTS = 1_000_000


class HeadroomRangeError(ValidationError):
    """The discount range of a headroom search is unusable.

    A resolution that is not positive, a ``max_discount`` outside 0 to 100, a
    grid of more than a million points, or a current discount beyond
    ``max_discount``.

    Attributes:
        path: The argument (``"resolution"``, ``"max_discount"``...).
        value: Its value.

    >>> err = HeadroomRangeError("must be greater than 0", path="resolution", value=Decimal(0))
    >>> err.code, str(err)
    ('headroom_range', "resolution: must be greater than 0 (got Decimal('0'))")
    """

    code: ClassVar[str] = "headroom_range"


def _check_percent(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not Decimal or not value.is_finite() or not 0 <= value <= 100:
        raise ValidationError("must be a Decimal from 0 to 100", path=attribute.name, value=value)


def _check_count(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not int or value < 0:
        raise ValidationError("must be a count of at least 0", path=attribute.name, value=value)


def _check_user(value: Any, path: str) -> None:
    require_key(value, path)


def _mode(value: Any) -> ApprovalMode:
    return as_member(ApprovalMode, value, "mode")


def _check_level(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not int or not 1 <= value <= 1_000:
        raise ValidationError("must be an integer from 1 to 1000", path=attribute.name, value=value)


def _check_minimum(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not int or value < 1:
        raise ValidationError("must be an integer of at least 1", path=attribute.name, value=value)


@attrs.frozen
class HeadroomStep:
    """One step of a plan as headroom compares plans: who approves it, and how.

    Attributes:
        level: The step's place in the order (1 first).
        chain: Its chain.
        approvers: The user ids who may decide it.
        mode: How they decide (:class:`~sfa_core.approvals.ApprovalMode`).
        minimum: For ``at_least``, how many approvals it needs (else 1).
        required: Approvers whose approval it always needs.

    >>> step = HeadroomStep(1, "discount", ("max",))
    >>> step.key, str(step)
    ('1/discount', 'max')
    >>> str(HeadroomStep(2, "legal", ("lea", "leo"), mode="at_least", minimum=2))
    '2 of lea, leo'
    """

    level: int = attrs.field(validator=_check_level)
    chain: str = attrs.field(validator=check_key)
    approvers: tuple[str, ...] = attrs.field(
        converter=to_items, validator=items_of(_check_user, "user ids")
    )
    mode: ApprovalMode = attrs.field(default=ApprovalMode.UNANIMOUS, converter=_mode)
    minimum: int = attrs.field(default=1, validator=_check_minimum)
    required: tuple[str, ...] = attrs.field(
        default=(), converter=to_items, validator=items_of(_check_user, "user ids")
    )

    @property
    def key(self) -> str:
        """The step's key, ``"<level>/<chain>"``, as in a plan.

        Returns:
            The key.
        """
        return f"{self.level}/{self.chain}"

    def __str__(self) -> str:
        approvers = self.approvers
        if len(approvers) == 1:
            return approvers[0]
        if self.mode is ApprovalMode.FIRST_RESPONSE:
            return " or ".join(approvers)
        if self.mode is ApprovalMode.AT_LEAST:
            text = f"{self.minimum} of {', '.join(approvers)}"
            if self.required:
                text += f" (including {', '.join(self.required)})"
            return text
        return " and ".join(approvers)


def _steps_text(steps: tuple[HeadroomStep, ...]) -> str:
    """The steps in words: levels in order (``then``), a level's chains side by side (``and``)."""
    if not steps:
        return "no approval"
    levels = sorted({step.level for step in steps})
    return ", then ".join(
        " and ".join(str(step) for step in steps if step.level == level) for level in levels
    )


@attrs.frozen
class HeadroomBand:
    """A run of discounts, on the search grid, whose plans need the same steps.

    Attributes:
        from_percent: The band's first grid discount.
        to_percent: Its last grid discount (the next band starts one resolution above).
        steps: The steps every discount of the band needs; none: auto-approved.

    >>> band = HeadroomBand(Decimal("15.1"), Decimal("25.0"), (HeadroomStep(1, "d", ("max",)),))
    >>> band.auto_approved, str(band)
    (False, '15.1 % to 25.0 %: max')
    """

    from_percent: Decimal = attrs.field(converter=to_decimal, validator=_check_percent)
    to_percent: Decimal = attrs.field(converter=to_decimal, validator=_check_percent)
    steps: tuple[HeadroomStep, ...] = attrs.field(
        default=(),
        converter=to_items,
        validator=items_of(instance_check(HeadroomStep, "a HeadroomStep"), "steps"),
    )

    def __attrs_post_init__(self) -> None:
        if self.to_percent < self.from_percent:
            raise ValidationError(
                f"must not be below from_percent ({self.from_percent})",
                path="to_percent",
                value=self.to_percent,
            )

    @property
    def auto_approved(self) -> bool:
        """Whether the band's discounts need no approval.

        Returns:
            ``True`` when the band has no steps.
        """
        return not self.steps

    def __str__(self) -> str:
        return f"{self.from_percent} % to {self.to_percent} %: {_steps_text(self.steps)}"


def _optional_band(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, HeadroomBand):
        raise ValidationError("must be a HeadroomBand or None", path=attribute.name, value=value)


@attrs.frozen
class Headroom:
    """How much more discount a quote can take, and what each band of discount needs.

    See the module's documentation for the search and the exact meaning of each
    figure.

    Attributes:
        line: The line whose manual discount moves, or ``None`` for every line.
        current: The manual discount the quote carries now, in percent.
        current_steps: The steps of the quote's plan as it is.
        resolution: The grid's step, in percent.
        max_discount: The top of the range searched, in percent.
        bands: The bands, in order, from 0 to the last grid point.
        free_up_to: The largest discount reachable from ``current`` with no step
            beyond the current plan's.
        next_level: The band just above ``free_up_to`` (``None``: none).
        monotone: Whether each band's steps include every step of the band before it.
        evaluations: How many times the quote was priced and planned.

    >>> none = HeadroomBand(Decimal("0.0"), Decimal("15.0"))
    >>> manager = HeadroomBand(Decimal("15.1"), Decimal("100.0"), (HeadroomStep(1, "d", ("max",)),))
    >>> room = Headroom(None, Decimal("5"), (), Decimal("0.1"), Decimal("100"), (none, manager),
    ...                 Decimal("15.0"), manager, True, 12)
    >>> print(room)
    up to 15.0 % needs no approval; beyond that max. At 5 %, the discount can go up to 15.0 % \
with no further approval; beyond it max.
    """

    line: str | None = attrs.field(validator=check_optional_key)
    current: Decimal = attrs.field(converter=to_decimal, validator=_check_percent)
    current_steps: tuple[HeadroomStep, ...] = attrs.field(
        converter=to_items,
        validator=items_of(instance_check(HeadroomStep, "a HeadroomStep"), "current_steps"),
    )
    resolution: Decimal = attrs.field(converter=to_decimal, validator=_check_percent)
    max_discount: Decimal = attrs.field(converter=to_decimal, validator=_check_percent)
    bands: tuple[HeadroomBand, ...] = attrs.field(
        converter=to_items,
        validator=items_of(instance_check(HeadroomBand, "a HeadroomBand"), "bands"),
    )
    free_up_to: Decimal = attrs.field(converter=to_decimal, validator=_check_percent)
    next_level: HeadroomBand | None = attrs.field(validator=_optional_band)
    monotone: bool = attrs.field(validator=check_bool)
    evaluations: int = attrs.field(validator=_check_count)

    def band_at(self, percent: Decimal | int | str) -> HeadroomBand:
        """Return the band holding a grid discount.

        Args:
            percent: A discount from 0 to the last grid point.

        Returns:
            The band whose range holds it (between two grid points, the lower one's).

        Raises:
            ValidationError: ``percent`` is outside the bands.

        >>> band = HeadroomBand(Decimal("0"), Decimal("10"))
        >>> room = Headroom(None, 0, (), 1, 10, (band,), 10, None, True, 2)
        >>> room.band_at(4) is band
        True
        """
        value = require_decimal(percent, "percent")
        bands = self.bands
        if bands and bands[0].from_percent <= value <= bands[-1].to_percent:
            for band in reversed(bands):
                if band.from_percent <= value:
                    return band
        raise ValidationError("is outside the bands searched", path="percent", value=value)

    def explain(self) -> str:
        """Say, in words, what each band of discount needs and how much room is left.

        Returns:
            The sentence (also ``str(headroom)``).
        """
        bands = self.bands
        parts = []
        for index, band in enumerate(bands):
            who = _steps_text(band.steps)
            if index == len(bands) - 1 and index > 0:
                parts.append(f"beyond that {who}")
            else:
                parts.append(f"up to {band.to_percent} % needs {who}")
        text = "; ".join(parts)
        if not self.monotone:
            text += " (not monotone: a larger discount can need fewer approvals)"
        text += (
            f". At {self.current} %, the discount can go up to {self.free_up_to} % "
            "with no further approval"
        )
        if self.next_level is not None:
            text += f"; beyond it {_steps_text(self.next_level.steps)}"
        return text + "."

    def __str__(self) -> str:
        return self.explain()


_make_line = builder(QuoteLine)
_make_quote = builder(Quote)
_make_step = builder(HeadroomStep)
_make_band = builder(HeadroomBand)
_LINE_FIELDS = tuple(field.name for field in attrs.fields(QuoteLine))
_QUOTE_FIELDS = tuple(field.name for field in attrs.fields(Quote))
_LINE_DISCOUNT = _LINE_FIELDS.index("additional_discount")
_QUOTE_DISCOUNT = _QUOTE_FIELDS.index("additional_discount")
_QUOTE_LINES = _QUOTE_FIELDS.index("lines")
_ZERO = Decimal(0)


class _Search:
    """Prices and plans the quote at grid points, once each."""

    def __init__(
        self,
        policy: Policy,
        quote: Quote,
        products: dict[str, Product],
        price_books: Any,
        directory: Directory,
        line: str | None,
        owner: str | None,
        when: _dt.datetime | None,
        pricing: dict[str, Any],
        context: dict[str, Any],
        resolution: Decimal,
    ) -> None:
        self.policy = policy
        self.products = products
        self.price_books = price_books
        self.directory = directory
        self.owner = owner
        self.when = when
        self.pricing = pricing
        self.context = context
        self.resolution = resolution
        self.quote = quote
        self.line_index = None if line is None else [ln.key for ln in quote.lines].index(line)
        self.quote_values = [getattr(quote, name) for name in _QUOTE_FIELDS]
        self.line_values = [[getattr(ln, name) for name in _LINE_FIELDS] for ln in quote.lines]
        self.found: dict[int, tuple[_Outline, ...]] = {}
        self.evaluations = 0

    def quote_at(self, percent: Decimal) -> Quote:
        """The quote with the manual discount at ``percent`` (a valid percent)."""
        values = list(self.quote_values)
        lines = list(self.quote.lines)
        index = self.line_index
        targets = range(len(lines)) if index is None else (index,)
        for i in targets:
            fields = list(self.line_values[i])
            fields[_LINE_DISCOUNT] = percent
            lines[i] = _make_line(*fields)
        values[_QUOTE_LINES] = tuple(lines)
        if index is None:
            values[_QUOTE_DISCOUNT] = percent
        made: Quote = _make_quote(*values)
        return made

    def outline(self, quote: Quote) -> tuple[_Outline, ...]:
        self.evaluations += 1
        priced = price_quote(quote, self.products, self.price_books, **self.pricing)
        context = approval_context(
            priced, quote, owner=self.owner, products=self.products, **self.context
        )
        return _outline(self.policy, context, self.directory, self.owner, self.when)

    def at(self, k: int) -> tuple[_Outline, ...]:
        found = self.found.get(k)
        if found is None:
            found = self.found[k] = self.outline(self.quote_at(self.resolution * k))
        return found


def _steps(outline: tuple[_Outline, ...]) -> tuple[HeadroomStep, ...]:
    return tuple(_make_step(*step) for step in outline)


def _effective(line: QuoteLine, quote: Quote) -> Decimal:
    if line.additional_discount is not None:
        return line.additional_discount
    return quote.additional_discount if quote.additional_discount is not None else _ZERO


def _range_percent(value: Any, path: str) -> Decimal:
    if value.__class__ is float:
        raise HeadroomRangeError("must be exact (a Decimal, int or str)", path=path, value=value)
    try:
        found = require_decimal(value, path)
    except ValidationError:
        raise HeadroomRangeError("must be a finite number", path=path, value=value) from None
    return found


def headroom(
    policy: Policy,
    quote: Quote,
    catalog: Mapping[str, Product] | Iterable[Product],
    price_books: Any,
    directory: Directory,
    *,
    line: str | None = None,
    owner: str | None = None,
    when: _dt.datetime | None = None,
    resolution: Decimal | int | str = Decimal("0.1"),
    max_discount: Decimal | int | str = Decimal(100),
    samples: int = 8,
    fields: Mapping[str, Any] | None = None,
    account_fields: Mapping[str, Any] | None = None,
    standard_terms: Collection[str] | None = None,
    **pricing: Any,
) -> Headroom:
    """Find how far a quote's manual discount can move before its approval plan changes.

    The discount moved is the manual discount percent (``additional_discount``):
    with ``line``, that line's; without it, every line's (and the quote's), one
    value for all. The search, and what ``current``, ``free_up_to`` and
    ``next_level`` mean, are in the module's documentation: bisection between
    coarse samples, exact to ``resolution`` at every change it finds.

    Args:
        policy: The approval policy.
        quote: The quote, as it stands.
        catalog: The products (by SKU, or a collection), for pricing and families.
        price_books: The price books, as :func:`~sfa_core.quotes.price_quote` takes them.
        directory: Where the approvers are found.
        line: The key of the one line whose discount moves; ``None``: every line.
        owner: The quote's owner (the submitter), for the context and the plan.
        when: The planning time (timezone-aware), for delegates of inactive approvers.
        resolution: The grid's step, in percent (``0.1`` by default).
        max_discount: The top of the range, in percent (100 by default).
        samples: How many coarse intervals the range is first cut into (1 to 1000).
        fields: Host fields for the context (:func:`~sfa_core.approvals.approval_context`).
        account_fields: Account fields for the context.
        standard_terms: Payment terms that need no approval, for the context.
        **pricing: What :func:`~sfa_core.quotes.price_quote` takes besides the quote,
            the catalog and the books (``rules``, ``schedules``, ``promotions``,
            ``tax``, ``limits``, ``options``...).

    Returns:
        The :class:`Headroom`.

    Raises:
        HeadroomRangeError: ``resolution`` or ``max_discount`` is unusable, or the
            current discount is above ``max_discount``.
        ValidationError: A bad argument, or ``line`` names no line of the quote.
        SfaError: Whatever pricing or planning raises (see
            :func:`~sfa_core.quotes.price_quote` and :func:`~sfa_core.approvals.plan`).

    >>> import datetime as dt
    >>> from sfa_core.approvals import AuthorityMatrix, AuthorityLevel, ApproverSpec
    >>> from sfa_core.catalog import PriceBook, Product
    >>> from sfa_core.directory import Directory, User
    >>> from sfa_core.money import Money
    >>> from sfa_core.quotes import Quote, QuoteLine
    >>> directory = Directory(users=[User("vera", roles=["vp"]), User("max", manager="vera"),
    ...                              User("ana", manager="max")])
    >>> policy = AuthorityMatrix([AuthorityLevel("rep", 15),
    ...                           AuthorityLevel("manager", 25, approvers=ApproverSpec.manager()),
    ...                           AuthorityLevel("vp")]).policy()
    >>> products = [Product(sku="DESK", name="Desk")]
    >>> book = PriceBook(id="EU", currency="EUR", entries={"DESK": Money("1000", "EUR")})
    >>> quote = Quote(id="Q-1", account="ACME", currency="EUR", price_book="EU",
    ...               quote_date=dt.date(2027, 3, 1), additional_discount=5,
    ...               lines=[QuoteLine(key="L1", sku="DESK", quantity=2)])
    >>> room = headroom(policy, quote, products, [book], directory, owner="ana")
    >>> room.free_up_to, [step.approvers for step in room.next_level.steps]
    (Decimal('15.0'), [('max',)])
    >>> print(room)
    up to 15.0 % needs no approval; up to 25.0 % needs max; beyond that max, then vera. \
At 5 %, the discount can go up to 15.0 % with no further approval; beyond it max.
    """
    if not isinstance(policy, Policy):
        raise ValidationError("must be a Policy", path="policy", value=policy)
    if not isinstance(quote, Quote):
        raise ValidationError("must be a Quote", path="quote", value=quote)
    if not isinstance(directory, Directory):
        raise ValidationError("must be a Directory", path="directory", value=directory)
    if owner is not None:
        require_key(owner, "owner")
    if when is not None and (not isinstance(when, _dt.datetime) or when.utcoffset() is None):
        raise ValidationError("must be a timezone-aware datetime or None", path="when", value=when)
    if samples.__class__ is not int or not 1 <= samples <= 1_000:
        raise ValidationError("must be an integer from 1 to 1000", path="samples", value=samples)
    step = _range_percent(resolution, "resolution")
    top = _range_percent(max_discount, "max_discount")
    if step <= 0:
        raise HeadroomRangeError("must be greater than 0", path="resolution", value=step)
    if not 0 <= top <= 100:
        raise HeadroomRangeError("must be from 0 to 100", path="max_discount", value=top)
    if step > 100:
        raise HeadroomRangeError("must be at most 100", path="resolution", value=step)
    last = int((top / step).to_integral_value(ROUND_FLOOR))
    if last > MAX_GRID_POINTS:
        raise HeadroomRangeError(
            f"makes more than {MAX_GRID_POINTS} grid points up to {top} %",
            path="resolution",
            value=step,
        )
    if line is not None:
        require_key(line, "line")
        chosen = [candidate for candidate in quote.lines if candidate.key == line]
        if not chosen:
            raise ValidationError("no line of the quote has this key", path="line", value=line)
        current = _effective(chosen[0], quote)
        uniform = True
    else:
        discounts = {_effective(candidate, quote) for candidate in quote.lines}
        current = max(discounts, default=quote.additional_discount or _ZERO)
        uniform = len(discounts) <= 1
    if current > top:
        raise HeadroomRangeError(
            f"is below the current discount ({current} %)", path="max_discount", value=top
        )
    if isinstance(catalog, Mapping):
        products = dict(catalog)
    else:
        products = {}
        for index, product in enumerate(catalog):
            if not isinstance(product, Product):
                raise ValidationError("must be a Product", path=f"catalog[{index}]", value=product)
            products[product.sku] = product
    context = {"fields": fields, "account_fields": account_fields, "standard_terms": standard_terms}
    search = _Search(
        policy, quote, products, price_books, directory, line, owner, when, pricing, context, step
    )
    current_outline = search.outline(quote)
    on_grid = (current / step) == (current / step).to_integral_value()
    if uniform and on_grid:
        search.found[int(current / step)] = current_outline
    # 1. coarse samples
    points = sorted({(i * last) // samples for i in range(samples + 1)})
    for k in points:
        search.at(k)
    # 2. bisection between neighbours whose plans differ
    pending = list(itertools.pairwise(points))
    while pending:
        low, high = pending.pop()
        if high - low <= 1 or search.at(low) == search.at(high):
            continue
        middle = (low + high) // 2
        search.at(middle)
        pending.append((low, middle))
        pending.append((middle, high))
    # 3. bands
    evaluated = sorted(search.found)
    bands: list[HeadroomBand] = []
    start = evaluated[0]
    seen: list[tuple[_Outline, ...]] = []
    for before, after in zip(evaluated, [*evaluated[1:], None], strict=True):
        outline = search.found[before]
        if after is not None and search.found[after] == outline:
            continue
        bands.append(_make_band(step * start, step * before, _steps(outline)))
        seen.append(outline)
        if after is not None:
            start = after
    monotone = all(set(before) <= set(after) for before, after in itertools.pairwise(seen))
    # the room from the current discount
    allowed = set(current_outline)
    free = current
    following: HeadroomBand | None = None
    for band, outline in zip(bands, seen, strict=True):
        if band.to_percent < current:
            continue
        if set(outline) <= allowed:
            free = max(free, band.to_percent)
            continue
        following = band
        break
    return Headroom(
        line,
        current,
        _steps(current_outline),
        step,
        top,
        tuple(bands),
        free,
        following,
        monotone,
        search.evaluations,
    )
