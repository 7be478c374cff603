"""The rules of editing a draft: new quotes, line keys, editable fields, revision ids.

Pure functions over :class:`~sfa_core.quotes.Quote` values: the engine's quote
service loads, calls these, and saves; a host with its own storage calls them
the same way.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from sfa_core._validate import require_day, require_items, require_key
from sfa_core.catalog.model import PriceBook
from sfa_core.errors import ValidationError
from sfa_core.quotes.model import Quote, QuoteLine, QuoteStatus, _to_status

__all__ = [
    "LINE_MANAGED",
    "QUOTE_MANAGED",
    "bundle_key",
    "check_fields",
    "edit_line",
    "edit_quote",
    "line_key",
    "new_draft",
    "new_line",
    "next_revision_id",
]

#: Line fields fixed once the line exists (change the sku with ``edit_line``).
LINE_MANAGED = ("key",)
#: Quote fields the lifecycle manages; lines have their own functions.
QUOTE_MANAGED = ("id", "status", "revision", "supersedes", "version", "lines")


def _require_quote(quote: Any) -> Quote:
    """Refuse anything but a :class:`~sfa_core.quotes.Quote` (checked at each function's door)."""
    if quote.__class__ is not Quote and not isinstance(quote, Quote):
        raise ValidationError("must be a Quote", path="quote", value=quote)
    return quote


def check_fields(cls: type, given: Mapping[str, Any], refused: Sequence[str] = ()) -> None:
    """Refuse names that are not fields of ``cls``, or that are managed elsewhere.

    Args:
        cls: An attrs class (:class:`~sfa_core.quotes.Quote`, ``QuoteLine``).
        given: The fields a caller wants to set.
        refused: Fields that exist but may not be set this way.

    Raises:
        ValidationError: An unknown or refused field (the path names it), or ``cls``
            is not an attrs class or ``given`` not a mapping.

    >>> check_fields(Quote, {"additional_discount": 5}, QUOTE_MANAGED)
    >>> check_fields(Quote, {"status": "accepted"}, QUOTE_MANAGED)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: status: is managed by the quote's lifecycle and cannot be \
set here (got 'accepted')
    """
    if not (isinstance(cls, type) and attrs.has(cls)):
        raise ValidationError("must be an attrs class", path="cls", value=cls)
    if not isinstance(given, Mapping):
        raise ValidationError("must be a mapping of field names", path="given", value=given)
    if refused.__class__ is not tuple:
        refused = tuple(require_items(refused, "refused"))
    names = {field.name for field in attrs.fields(cls)}
    for name in given:
        if name not in names:
            raise ValidationError(f"no such field on {cls.__name__}", path=name, value=name)
        if name in refused:
            raise ValidationError(
                "is managed by the quote's lifecycle and cannot be set here",
                path=name,
                value=given[name],
            )


def new_draft(
    *,
    quote_id: str,
    account: str,
    price_book: PriceBook,
    quote_date: _dt.date,
    valid_for_days: int | None = 30,
    currency: str | None = None,
    lines: Sequence[QuoteLine] = (),
    **fields: Any,
) -> Quote:
    """Return a new draft quote in ``price_book``, valid ``valid_for_days`` after its date.

    Args:
        quote_id: The id.
        account: The customer account.
        price_book: The price book it is priced in.
        quote_date: The quote (pricing) date.
        valid_for_days: Days the offer holds after ``quote_date`` (``None``: no
            expiry); an explicit ``valid_until`` in ``fields`` wins.
        currency: Defaults to the price book's currency.
        lines: Initial lines.
        **fields: Other :class:`~sfa_core.quotes.Quote` fields.

    Returns:
        The draft (not stored; ``version == 0``).

    Raises:
        ValidationError: A bad field, a ``status`` other than draft, a negative
            ``valid_for_days``.

    >>> import datetime as dt
    >>> q = new_draft(quote_id="Q-1", account="ACME", quote_date=dt.date(2027, 3, 1),
    ...               price_book=PriceBook(id="EU", currency="EUR"))
    >>> q.currency, q.valid_until, q.status.value
    ('EUR', datetime.date(2027, 3, 31), 'draft')
    """
    if not isinstance(price_book, PriceBook):
        raise ValidationError("must be a PriceBook", path="price_book", value=price_book)
    if "status" in fields and _to_status(fields["status"]) is not QuoteStatus.DRAFT:
        raise ValidationError(
            "a new quote is a draft (move it through its lifecycle afterwards)",
            path="status",
            value=fields["status"],
        )
    day = require_day(quote_date, "quote_date")
    if valid_for_days is not None and (
        not isinstance(valid_for_days, int)
        or isinstance(valid_for_days, bool)
        or valid_for_days < 0
    ):
        raise ValidationError(
            "must be an integer >= 0 or None", path="valid_for_days", value=valid_for_days
        )
    check_fields(Quote, fields, ("id", "revision", "supersedes", "version"))
    try:
        valid_until = None if valid_for_days is None else day + _dt.timedelta(days=valid_for_days)
    except OverflowError:
        raise ValidationError(
            f"goes past the last date there is from {day.isoformat()}",
            path="valid_for_days",
            value=valid_for_days,
        ) from None
    return Quote(
        id=quote_id,
        account=account,
        currency=currency if currency is not None else price_book.currency,
        price_book=price_book.id,
        quote_date=day,
        valid_until=fields.pop("valid_until", valid_until),
        lines=lines,
        **fields,
    )


def line_key(quote: Quote, key: str | None = None) -> str:
    """Return ``key`` if no line of ``quote`` has it, or the next free ``L<n>`` key.

    Args:
        quote: The quote.
        key: The key wanted, or ``None`` for the next free one.

    Returns:
        The key.

    Raises:
        ValidationError: ``quote`` is not a Quote, or ``key`` is taken or not a valid key.

    >>> import datetime as dt
    >>> q = Quote(id="Q", account="A", currency="EUR", price_book="EU",
    ...           quote_date=dt.date(2027, 1, 1),
    ...           lines=[QuoteLine(key="L2", sku="X", quantity=1)])
    >>> line_key(q), line_key(q, "EXTRA")
    ('L3', 'EXTRA')
    """
    _require_quote(quote)
    taken = {line.key for line in quote.lines}
    if key is None:
        number = len(quote.lines) + 1
        while f"L{number}" in taken:
            number += 1
        return f"L{number}"
    require_key(key, "key")
    if key in taken:
        raise ValidationError("a line with this key exists", path="key", value=key)
    return key


def bundle_key(quote: Quote, sku: str, key: str | None = None) -> str:
    """Return a key for a bundle's lines: ``key``, or ``sku`` numbered until free (``PC-2``).

    A bundle's children are keyed ``<bundle key>/<option>``, so a key is free
    when no line has it and no line's key starts with it and a slash.

    Args:
        quote: The quote.
        sku: The bundle's SKU, the default key.
        key: The key wanted, or ``None``.

    Returns:
        The key.

    Raises:
        ValidationError: ``quote`` is not a Quote, ``sku`` is not a valid key, or
            ``key`` is taken or not a valid key.

    >>> import datetime as dt
    >>> q = Quote(id="Q", account="A", currency="EUR", price_book="EU",
    ...           quote_date=dt.date(2027, 1, 1),
    ...           lines=[QuoteLine(key="PC", sku="PC", quantity=1)])
    >>> bundle_key(q, "PC")
    'PC-2'
    """
    _require_quote(quote)
    require_key(sku, "sku")
    taken = {line.key for line in quote.lines}

    def used(candidate: str) -> bool:
        return any(k == candidate or k.startswith(candidate + "/") for k in taken)

    if key is not None:
        if used(require_key(key, "key")):
            raise ValidationError("a line with this key exists", path="key", value=key)
        return key
    key, number = sku, 1
    while used(key):
        number += 1
        key = f"{sku}-{number}"
    return key


def new_line(
    quote: Quote, *, sku: str, quantity: Any = 1, key: str | None = None, **fields: Any
) -> Quote:
    """Return ``quote`` with a new line (keyed :func:`line_key`) added at the end.

    Args:
        quote: A draft quote.
        sku: The product.
        quantity: How many.
        key: The line key, or ``None`` for the next free ``L<n>``.
        **fields: Other :class:`~sfa_core.quotes.QuoteLine` fields.

    Returns:
        The new quote (same storage version; save it with ``update``).

    Raises:
        QuoteLockedError: The quote is not a draft.
        ValidationError: ``quote`` is not a Quote; a taken key, an unknown field, a
            bad value.

    >>> import datetime as dt
    >>> q = Quote(id="Q", account="A", currency="EUR", price_book="EU",
    ...           quote_date=dt.date(2027, 1, 1))
    >>> new_line(q, sku="X", quantity=2).lines[0].key
    'L1'
    """
    _require_quote(quote).require_draft("add a line to")
    check_fields(QuoteLine, fields, ("key", "sku", "quantity"))
    line = QuoteLine(key=line_key(quote, key), sku=sku, quantity=quantity, **fields)
    return quote.with_line(line)


def edit_line(quote: Quote, key: str, **changes: Any) -> Quote:
    """Return ``quote`` with fields of line ``key`` changed.

    Args:
        quote: A draft quote.
        key: The line.
        **changes: :class:`~sfa_core.quotes.QuoteLine` fields (not its key).

    Returns:
        The new quote.

    Raises:
        QuoteLockedError: The quote is not a draft.
        NotFoundError: No such line.
        ValidationError: ``quote`` is not a Quote; an unknown or managed field, a bad
            value.

    >>> import datetime as dt
    >>> q = Quote(id="Q", account="A", currency="EUR", price_book="EU",
    ...           quote_date=dt.date(2027, 1, 1), lines=[QuoteLine(key="L1", sku="X", quantity=1)])
    >>> edit_line(q, "L1", quantity=5).lines[0].quantity
    Decimal('5')
    """
    _require_quote(quote).require_draft("edit")
    line = quote.line(key)
    check_fields(QuoteLine, changes, LINE_MANAGED)
    return quote.with_line(attrs.evolve(line, **changes))


def edit_quote(quote: Quote, **changes: Any) -> Quote:
    """Return ``quote`` with quote-level fields changed (lines have their own functions).

    Args:
        quote: A draft quote.
        **changes: :class:`~sfa_core.quotes.Quote` fields other than
            :data:`QUOTE_MANAGED`.

    Returns:
        The new quote.

    Raises:
        QuoteLockedError: The quote is not a draft.
        ValidationError: ``quote`` is not a Quote; an unknown or managed field, a bad
            value.

    >>> import datetime as dt
    >>> q = Quote(id="Q", account="A", currency="EUR", price_book="EU",
    ...           quote_date=dt.date(2027, 1, 1))
    >>> edit_quote(q, additional_discount=5).additional_discount
    Decimal('5')
    """
    _require_quote(quote)
    check_fields(Quote, changes, QUOTE_MANAGED)
    quote.require_draft("edit")
    return attrs.evolve(quote, **changes)


def next_revision_id(quote: Quote) -> str:
    """Return the id of the quote's next revision: ``<root id>-R<revision + 1>``.

    Args:
        quote: The quote to supersede.

    Returns:
        The new id (``Q-1`` -> ``Q-1-R2``, ``Q-1-R2`` -> ``Q-1-R3``).

    Raises:
        ValidationError: ``quote`` is not a Quote.

    >>> import datetime as dt
    >>> q = Quote(id="Q-1", account="A", currency="EUR", price_book="EU",
    ...           quote_date=dt.date(2027, 1, 1))
    >>> next_revision_id(q)
    'Q-1-R2'
    >>> new, _ = q.new_version(next_revision_id(q))
    >>> next_revision_id(new)
    'Q-1-R3'
    """
    _require_quote(quote)
    suffix = f"-R{quote.revision}"
    root = quote.id
    if quote.supersedes is not None and root.endswith(suffix):
        root = root[: -len(suffix)]
    return f"{root}-R{quote.revision + 1}"
