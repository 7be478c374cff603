r"""Quotes and their lines: frozen values validated at construction, with a lifecycle.

A :class:`Quote` moves through :class:`QuoteStatus`::

    draft -> in_review -> approved -> presented -> accepted | rejected | expired
      \________________________________/                  (any open state) -> superseded

Only a draft can be edited or repriced; every other state is locked
(:class:`QuoteLockedError`). A new version clones a quote into a fresh draft and
supersedes the old one.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from sfa_core._fast import fast_init
from sfa_core._frozen import FrozenMap
from sfa_core._validate import (
    as_member,
    check_bool,
    check_date,
    check_decimal,
    check_key,
    check_optional_amount,
    check_optional_percent,
    check_text,
    check_version,
    frozen_mapping,
    require_key,
    to_decimal,
    to_optional_decimal,
    tuple_converter,
)
from sfa_core.catalog.model import AttributeValue
from sfa_core.errors import SfaError, ValidationError, _shown, _text
from sfa_core.money import validate_currency

__all__ = [
    "FieldValue",
    "LOCKED_STATUSES",
    "Quote",
    "QuoteGroup",
    "QuoteLine",
    "QuoteLockedError",
    "QuoteStatus",
    "TRANSITIONS",
    "InvalidTransitionError",
]

#: Values a quote or line custom field may hold (rules read them).
FieldValue = AttributeValue


class QuoteStatus(str, enum.Enum):
    """Where a quote is in its lifecycle."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PRESENTED = "presented"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


#: The moves each status allows. ``in_review -> draft`` is a recall or a
#: rejection by an approver; ``approved -> draft`` reopens for edits (approval is
#: then needed again).
TRANSITIONS: Mapping[QuoteStatus, frozenset[QuoteStatus]] = FrozenMap(
    {
        QuoteStatus.DRAFT: frozenset({QuoteStatus.IN_REVIEW, QuoteStatus.SUPERSEDED}),
        QuoteStatus.IN_REVIEW: frozenset(
            {QuoteStatus.DRAFT, QuoteStatus.APPROVED, QuoteStatus.SUPERSEDED}
        ),
        QuoteStatus.APPROVED: frozenset(
            {QuoteStatus.DRAFT, QuoteStatus.PRESENTED, QuoteStatus.SUPERSEDED}
        ),
        QuoteStatus.PRESENTED: frozenset(
            {
                QuoteStatus.ACCEPTED,
                QuoteStatus.REJECTED,
                QuoteStatus.EXPIRED,
                QuoteStatus.SUPERSEDED,
            }
        ),
        QuoteStatus.ACCEPTED: frozenset(),
        QuoteStatus.REJECTED: frozenset({QuoteStatus.SUPERSEDED}),
        QuoteStatus.EXPIRED: frozenset({QuoteStatus.SUPERSEDED}),
        QuoteStatus.SUPERSEDED: frozenset(),
    }
)

#: Statuses in which a quote can be neither edited nor repriced.
LOCKED_STATUSES = frozenset(set(QuoteStatus) - {QuoteStatus.DRAFT})


class QuoteLockedError(SfaError):
    """The quote is not a draft, so it cannot be edited or repriced.

    Attributes:
        quote_id: The quote.
        status: Its status.
        operation: What was attempted.

    >>> raise QuoteLockedError("Q-1", QuoteStatus.APPROVED, "add a line to")
    Traceback (most recent call last):
    ...
    sfa_core.quotes.model.QuoteLockedError: cannot add a line to quote 'Q-1': it is approved ...
    """

    code: ClassVar[str] = "quote_locked"

    def __init__(self, quote_id: str, status: QuoteStatus, operation: str) -> None:
        self.quote_id = quote_id
        self.status = status
        self.operation = operation
        super().__init__(
            f"cannot {_text(operation)} quote {_shown(quote_id)}: it is {_status_text(status)} "
            "(only a draft can change; create a new version)"
        )


class InvalidTransitionError(ValidationError):
    """A status change the lifecycle does not allow.

    Attributes:
        source: The current status.
        target: The status asked for.
    """

    code: ClassVar[str] = "invalid_transition"

    def __init__(self, source: QuoteStatus, target: QuoteStatus) -> None:
        self.source = source
        self.target = target
        # made by the package with two statuses; a host may pass anything: it still prints
        moves = TRANSITIONS.get(source, frozenset()) if isinstance(source, QuoteStatus) else ()
        allowed = sorted(s.value for s in moves) or ["none"]
        super().__init__(
            f"a quote in status {_status_text(source)} cannot become {_status_text(target)} "
            f"(allowed: {', '.join(allowed)})",
            path="status",
            value=target.value if isinstance(target, QuoteStatus) else target,
        )


def _status_text(status: object) -> str:
    """A status's value for a message; anything else shown bounded."""
    return status.value if isinstance(status, QuoteStatus) else _shown(status)


def _to_status(value: QuoteStatus | str) -> QuoteStatus:
    return as_member(QuoteStatus, value, "status")


def _to_fields(value: Any) -> FrozenMap[str, Any]:
    return frozen_mapping(value, "fields")


def _check_fields(instance: Any, attribute: Any, value: Mapping[str, Any]) -> None:
    for key, item in value.items():
        require_key(key, f"{attribute.name} key")
        if not isinstance(item, (str, int, bool)):
            raise ValidationError(
                "must be a str, int or bool", path=f"{attribute.name}[{key!r}]", value=item
            )


def _check_optional_key(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        require_key(value, attribute.name)


def _check_non_negative(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and value < 0:
        raise ValidationError("must not be negative", path=attribute.name, value=value)


def _check_period(start: _dt.date | None, end: _dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError(
            f"must not be before start_date ({start.isoformat()})", path="end_date", value=end
        )


@fast_init
@attrs.frozen
class QuoteLine:
    """One line of a quote: a product, a quantity and the seller's manual inputs.

    Attributes:
        key: Unique within the quote (``"L1"``); errors name lines by it.
        sku: The product.
        quantity: How many; fractional only for products that allow it; negative
            only on a return or credit line.
        term: Subscription term in the product's term unit (default: the
            product's default term, or the quote's dates).
        start_date: Subscription start (default: the quote's ``start_date``).
        end_date: Subscription end, inclusive (default: from the term, or the
            quote's ``end_date`` to co-terminate).
        additional_discount: Manual discount, percent of the regular price.
        additional_discount_amount: Manual discount, amount off per unit.
        special_price: A unit price typed by the seller, replacing the list price.
        partner_discount: Percent; overrides the quote's.
        distributor_discount: Percent; overrides the quote's.
        parent: Key of the bundle line this line belongs to.
        group: Key of the quote group holding the line.
        is_return: A return or credit: the quantity must be negative.
        fields: Custom fields price rules can read (``line.fields.x``).

    >>> QuoteLine(key="L1", sku="LAPTOP-15", quantity=40).quantity
    Decimal('40')
    >>> QuoteLine(key="L1", sku="LAPTOP-15", quantity=0)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: quantity: must be greater than zero (...) (got Decimal('0'))
    """

    key: str = attrs.field(validator=check_key)
    sku: str = attrs.field(validator=check_key)
    quantity: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    term: Decimal | None = attrs.field(
        default=None,
        converter=to_optional_decimal,
        validator=check_optional_amount,
    )
    start_date: _dt.date | None = attrs.field(default=None, validator=check_date)
    end_date: _dt.date | None = attrs.field(default=None, validator=check_date)
    additional_discount: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_percent
    )
    additional_discount_amount: Decimal | None = attrs.field(
        default=None,
        converter=to_optional_decimal,
        validator=check_optional_amount,
    )
    special_price: Decimal | None = attrs.field(
        default=None,
        converter=to_optional_decimal,
        validator=check_optional_amount,
    )
    partner_discount: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_percent
    )
    distributor_discount: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_percent
    )
    parent: str | None = attrs.field(default=None, validator=_check_optional_key)
    group: str | None = attrs.field(default=None, validator=_check_optional_key)
    is_return: bool = attrs.field(default=False, validator=check_bool)
    fields: Mapping[str, FieldValue] = attrs.field(
        factory=FrozenMap, converter=_to_fields, validator=_check_fields
    )

    def __attrs_post_init__(self) -> None:
        if self.is_return:
            if self.quantity >= 0:
                raise ValidationError(
                    "a return line takes a negative quantity", path="quantity", value=self.quantity
                )
        elif self.quantity <= 0:
            raise ValidationError(
                "must be greater than zero (a return line takes a negative quantity)",
                path="quantity",
                value=self.quantity,
            )
        if self.term is not None and self.term == 0:
            raise ValidationError("must be greater than zero", path="term", value=self.term)
        _check_period(self.start_date, self.end_date)
        if self.parent == self.key:
            raise ValidationError("a line cannot be its own parent", path="parent", value=self.key)


@attrs.frozen
class QuoteGroup:
    """A named group of lines (an option, a phase, a site), totalled on its own.

    Attributes:
        key: Unique within the quote.
        name: Display name.
    """

    key: str = attrs.field(validator=check_key)
    name: str = attrs.field(default="", validator=check_text)


def _check_lines(instance: Quote, attribute: Any, value: tuple[Any, ...]) -> None:
    keys: set[str] = set()
    for index, line in enumerate(value):
        if not isinstance(line, QuoteLine):
            raise ValidationError("must be a QuoteLine", path=f"lines[{index}]", value=line)
        if line.key in keys:
            raise ValidationError("duplicate line key", path=f"lines[{index}].key", value=line.key)
        keys.add(line.key)


def _check_groups(instance: Quote, attribute: Any, value: tuple[Any, ...]) -> None:
    keys: set[str] = set()
    for index, group in enumerate(value):
        if not isinstance(group, QuoteGroup):
            raise ValidationError("must be a QuoteGroup", path=f"groups[{index}]", value=group)
        if group.key in keys:
            raise ValidationError(
                "duplicate group key", path=f"groups[{index}].key", value=group.key
            )
        keys.add(group.key)


@fast_init
@attrs.frozen
class Quote:
    """A quote: an account, a currency, a price book, dates, lines and a status.

    Attributes:
        id: Unique key.
        account: The customer account.
        currency: ISO 4217 code of every price on the quote.
        price_book: The price book it is priced from.
        quote_date: The pricing date (price book validity, exchange rates).
        valid_until: Last day the offer holds (``None``: no expiry).
        start_date: Default subscription start for its lines.
        end_date: Default subscription end (co-termination) for its lines.
        lines: The :class:`QuoteLine` values, in display order.
        groups: The :class:`QuoteGroup` values.
        additional_discount: Manual discount percent for lines without their own.
        discount_amount: A quote-level amount off, spread over the lines in
            proportion to their totals (largest remainder, ties by line order).
        partner_discount: Percent, for every line (a line may override).
        distributor_discount: Percent, for every line (a line may override).
        status: The :class:`QuoteStatus`.
        revision: 1 for the first version; a new version adds one.
        supersedes: The id of the quote this one replaces.
        fields: Custom fields price rules can read (``quote.fields.x``).
        version: Storage version (0 = never stored).

    >>> import datetime as dt
    >>> q = Quote(id="Q-1", account="ACME", currency="EUR", price_book="EU",
    ...           quote_date=dt.date(2027, 3, 1),
    ...           lines=[QuoteLine(key="L1", sku="A", quantity=2)])
    >>> q.status, q.line("L1").quantity
    (<QuoteStatus.DRAFT: 'draft'>, Decimal('2'))
    >>> Quote(id="Q-1", account="ACME", currency="EUR", price_book="EU",
    ...       quote_date=dt.date(2027, 3, 1), lines=[QuoteLine(key="L1", sku="A", quantity=1),
    ...                                               QuoteLine(key="L1", sku="B", quantity=1)])
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: lines[1].key: duplicate line key (got 'L1')
    """

    id: str = attrs.field(validator=check_key)
    account: str = attrs.field(validator=check_key)
    currency: str = attrs.field(converter=validate_currency)
    price_book: str = attrs.field(validator=check_key)
    quote_date: _dt.date = attrs.field(validator=check_date)
    valid_until: _dt.date | None = attrs.field(default=None, validator=check_date)
    start_date: _dt.date | None = attrs.field(default=None, validator=check_date)
    end_date: _dt.date | None = attrs.field(default=None, validator=check_date)
    lines: tuple[QuoteLine, ...] = attrs.field(
        default=(), converter=tuple_converter, validator=_check_lines
    )
    groups: tuple[QuoteGroup, ...] = attrs.field(
        default=(), converter=tuple_converter, validator=_check_groups
    )
    additional_discount: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_percent
    )
    discount_amount: Decimal | None = attrs.field(
        default=None,
        converter=to_optional_decimal,
        validator=check_optional_amount,
    )
    partner_discount: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_percent
    )
    distributor_discount: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_percent
    )
    status: QuoteStatus = attrs.field(default=QuoteStatus.DRAFT, converter=_to_status)
    revision: int = attrs.field(default=1)
    supersedes: str | None = attrs.field(default=None, validator=_check_optional_key)
    fields: Mapping[str, FieldValue] = attrs.field(
        factory=FrozenMap, converter=_to_fields, validator=_check_fields
    )
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.quote_date is None:
            raise ValidationError("is required", path="quote_date", value=None)
        if not isinstance(self.revision, int) or isinstance(self.revision, bool):
            raise ValidationError("must be an integer >= 1", path="revision", value=self.revision)
        if self.revision < 1:
            raise ValidationError("must be an integer >= 1", path="revision", value=self.revision)
        if self.valid_until is not None and self.valid_until < self.quote_date:
            raise ValidationError(
                f"must not be before quote_date ({self.quote_date.isoformat()})",
                path="valid_until",
                value=self.valid_until,
            )
        _check_period(self.start_date, self.end_date)
        keys = {line.key for line in self.lines}
        groups = {group.key for group in self.groups}
        nested = False
        for index, line in enumerate(self.lines):
            if line.parent is not None:
                nested = True
                if line.parent not in keys:
                    raise ValidationError(
                        "no line has this key", path=f"lines[{index}].parent", value=line.parent
                    )
            if line.group is not None and line.group not in groups:
                raise ValidationError(
                    "no group has this key", path=f"lines[{index}].group", value=line.group
                )
        if nested:
            _check_bundle_cycles(self.lines)

    @property
    def locked(self) -> bool:
        """Whether the quote can no longer be edited or repriced (it is not a draft).

        Returns:
            ``True`` outside the draft status.
        """
        return self.status is not QuoteStatus.DRAFT

    def line(self, key: str) -> QuoteLine:
        """Return the line ``key``.

        Args:
            key: The line's key.

        Returns:
            The line.

        Raises:
            NotFoundError: No line has that key.
        """
        for line in self.lines:
            if line.key == key:
                return line
        from sfa_core.errors import NotFoundError

        raise NotFoundError(f"quote {self.id!r} line", key)

    def require_draft(self, operation: str) -> None:
        """Raise :class:`QuoteLockedError` unless the quote is a draft.

        Args:
            operation: What the caller wants to do, for the message (``"reprice"``).

        Raises:
            QuoteLockedError: The quote is locked.
        """
        if self.status is not QuoteStatus.DRAFT:
            raise QuoteLockedError(self.id, self.status, operation)

    def with_line(self, line: QuoteLine) -> Quote:
        """Return a copy with ``line`` added (or replacing the line with its key).

        Args:
            line: The line.

        Returns:
            The new quote (same storage version; save it with ``update``).

        Raises:
            QuoteLockedError: The quote is not a draft.

        >>> import datetime as dt
        >>> q = Quote(id="Q", account="A", currency="EUR", price_book="EU",
        ...           quote_date=dt.date(2027, 1, 1))
        >>> len(q.with_line(QuoteLine(key="L1", sku="X", quantity=1)).lines)
        1
        """
        if not isinstance(line, QuoteLine):
            raise ValidationError("must be a QuoteLine", path="line", value=line)
        self.require_draft("edit")
        lines = [existing for existing in self.lines if existing.key != line.key]
        replaced = len(lines) != len(self.lines)
        if replaced:
            lines = [line if existing.key == line.key else existing for existing in self.lines]
        else:
            lines.append(line)
        return attrs.evolve(self, lines=lines)

    def without_line(self, key: str) -> Quote:
        """Return a copy without the line ``key`` (and without its bundle children).

        Args:
            key: The line to remove.

        Returns:
            The new quote.

        Raises:
            QuoteLockedError: The quote is not a draft.
            NotFoundError: No line has that key.
        """
        self.require_draft("edit")
        self.line(key)
        removed = {key}
        changed = True
        while changed:
            changed = False
            for line in self.lines:
                if line.parent in removed and line.key not in removed:
                    removed.add(line.key)
                    changed = True
        return attrs.evolve(self, lines=[ln for ln in self.lines if ln.key not in removed])

    def transition(self, status: QuoteStatus | str) -> Quote:
        """Return a copy moved to ``status``, if the lifecycle allows it.

        Args:
            status: The target status.

        Returns:
            The new quote.

        Raises:
            InvalidTransitionError: The move is not in :data:`TRANSITIONS`.

        >>> import datetime as dt
        >>> q = Quote(id="Q", account="A", currency="EUR", price_book="EU",
        ...           quote_date=dt.date(2027, 1, 1))
        >>> q.transition("in_review").status.value
        'in_review'
        >>> q.transition("accepted")
        Traceback (most recent call last):
        ...
        sfa_core.quotes.model.InvalidTransitionError: status: a quote in status draft cannot ...
        """
        target = _to_status(status)
        if target not in TRANSITIONS[self.status]:
            raise InvalidTransitionError(self.status, target)
        return attrs.evolve(self, status=target)

    def new_version(self, new_id: str) -> tuple[Quote, Quote]:
        """Clone this quote into a new draft revision and supersede this one.

        Args:
            new_id: The id of the new quote.

        Returns:
            ``(new draft, this quote marked superseded)``.

        Raises:
            InvalidTransitionError: This quote cannot be superseded (accepted, or
                already superseded).

        >>> import datetime as dt
        >>> q = Quote(id="Q", account="A", currency="EUR", price_book="EU",
        ...           quote_date=dt.date(2027, 1, 1), status="presented")
        >>> new, old = q.new_version("Q-r2")
        >>> new.status.value, new.revision, new.supersedes, old.status.value
        ('draft', 2, 'Q', 'superseded')
        """
        require_key(new_id, "new_id")
        old = self.transition(QuoteStatus.SUPERSEDED)
        new = attrs.evolve(
            self,
            id=new_id,
            status=QuoteStatus.DRAFT,
            revision=self.revision + 1,
            supersedes=self.id,
            version=0,
        )
        return new, old


def _check_bundle_cycles(lines: tuple[QuoteLine, ...]) -> None:
    parents = {line.key: line.parent for line in lines}
    for index, line in enumerate(lines):
        seen = {line.key}
        current = line.parent
        while current is not None:
            if current in seen:
                raise ValidationError(
                    "bundle parents form a cycle", path=f"lines[{index}].parent", value=line.parent
                )
            seen.add(current)
            current = parents.get(current)
