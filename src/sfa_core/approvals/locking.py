"""Locking: an approval holds only for the values it was given on.

While a quote is in review or approved, its approval-relevant values are locked: the
fields the policy's conditions read (in the approval context) and the quote's
price-relevant fields (:data:`PRICE_FIELDS`). :func:`fingerprint` reduces them to
one text; the host records it at submission
(:func:`~sfa_core.approvals.request.submit`'s ``fingerprint``) and, on an edit,
asks :func:`approval_still_valid` with the fingerprint of the edited quote. An edit
that changes the fingerprint invalidates the approval (the host resubmits,
:func:`~sfa_core.approvals.reapproval.resubmit`); one that does not (a note, an
unrelated host field) keeps it.

Numbers are compared by value: ``10``, ``Decimal("10.0")`` and ``"10.00"`` in a
number field are one value.

>>> from decimal import Decimal
>>> before = fingerprint({"max_line_discount": Decimal("18.0"), "note": "a"},
...                      fields=["max_line_discount"])
>>> before == fingerprint({"max_line_discount": 18, "note": "b"}, fields=["max_line_discount"])
True
>>> before == fingerprint({"max_line_discount": 19}, fields=["max_line_discount"])
False
"""

from __future__ import annotations

import datetime as _dt
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from sfa_core._validate import require_items_of, require_key
from sfa_core.approvals.request import ApprovalRequest, RequestStatus, _check_request
from sfa_core.errors import ValidationError
from sfa_core.money import Money
from sfa_core.quotes import Quote

__all__ = ["PRICE_FIELDS", "approval_still_valid", "fingerprint"]

#: The fields of a :class:`~sfa_core.quotes.Quote` whose change can change its price
#: (everything but its id, status, revision, validity, storage version and host
#: ``fields``). A host field counts when the policy reads it: it is then one of the
#: context fields given to :func:`fingerprint` (``fields.<name>``), so a note does
#: not invalidate an approval, and a field a rule tests does.
PRICE_FIELDS: tuple[str, ...] = (
    "account",
    "currency",
    "price_book",
    "quote_date",
    "start_date",
    "end_date",
    "lines",
    "additional_discount",
    "discount_amount",
    "partner_discount",
    "distributor_discount",
)

_MISSING = "<missing>"
_DEPTH = 64


def _canonical(value: Any, depth: int = 0) -> Any:
    """``value`` as plain JSON data in one spelling (numbers by value, keys sorted)."""
    if depth > _DEPTH:
        raise ValidationError("is nested too deeply", path="context", value=value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
        if not number.is_finite():
            return ["nan", str(number)]
        return ["n", format(number.normalize(), "f") if number else "0"]
    if isinstance(value, float):
        raise ValidationError("floats are not exact: use Decimal", path="context", value=value)
    if isinstance(value, Money):
        return ["money", value.currency, _canonical(value.amount, depth + 1)]
    if isinstance(value, (_dt.datetime, _dt.date)):
        return ["time", value.isoformat()]
    if isinstance(value, enum.Enum):
        return _canonical(value.value, depth + 1)
    if isinstance(value, Mapping):
        return [
            "map",
            sorted(
                ([str(key), _canonical(item, depth + 1)] for key, item in value.items()),
                key=lambda pair: pair[0],
            ),
        ]
    if isinstance(value, (list, tuple)):
        return [_canonical(item, depth + 1) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(item, depth + 1) for item in value), key=json.dumps)
    if attrs.has(type(value)):
        return _canonical(
            {field.name: getattr(value, field.name) for field in attrs.fields(type(value))},
            depth + 1,
        )
    raise ValidationError("is not a value a fingerprint can hold", path="context", value=value)


def _read(context: Mapping[str, Any], field: str) -> Any:
    current: Any = context
    for part in field.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current


def fingerprint(
    context: Mapping[str, Any],
    *,
    fields: Iterable[str] | None = None,
    quote: Quote | None = None,
) -> str:
    """Reduce the approval-relevant values of a quote to one text.

    Args:
        context: The approval context
            (:func:`sfa_core.approvals.context.approval_context`) or any mapping.
        fields: The context fields that count: those the policy's conditions read
            (dotted for nested ones: ``fields.region``). All of them if ``None``.
        quote: The quote, whose :data:`PRICE_FIELDS` count too.

    Returns:
        A SHA-256 hex digest, equal for equal values, whatever their spelling.

    Raises:
        ValidationError: An argument is not of its documented type, or a value is
            not JSON-like data (a float, an arbitrary object).

    >>> a = fingerprint({"net_total": 100, "fields": {"region": "EU"}},
    ...                 fields=["net_total", "fields.region"])
    >>> len(a), a == fingerprint({"fields": {"region": "EU"}, "net_total": 100},
    ...                          fields=["fields.region", "net_total"])
    (64, True)
    """
    if not isinstance(context, Mapping):
        raise ValidationError("must be a mapping of field to value", path="context", value=context)
    if fields is None:
        chosen = sorted(str(key) for key in context)
    else:
        chosen = sorted(set(require_items_of(fields, require_key, "field names", "fields")))
    if quote is not None and not isinstance(quote, Quote):
        raise ValidationError("must be a Quote", path="quote", value=quote)
    document: dict[str, Any] = {
        "context": [[field, _canonical(_read(context, field))] for field in chosen]
    }
    if quote is not None:
        document["quote"] = [[name, _canonical(getattr(quote, name))] for name in PRICE_FIELDS]
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def approval_still_valid(request: ApprovalRequest, fingerprint: str) -> bool:
    """Whether ``request`` still stands for a quote whose values now give ``fingerprint``.

    A pending or approved request stands while the fingerprint is the one recorded at
    submission. A request recorded without a fingerprint, a draft, or one that ended
    otherwise (rejected, recalled, expired) does not.

    Args:
        request: The request.
        fingerprint: :func:`fingerprint` of the quote as it is now.

    Returns:
        ``True`` if the approval (or the review under way) still holds.

    Raises:
        ValidationError: An argument is not of its documented type.

    >>> import datetime as dt
    >>> from sfa_core.approvals import ApprovalPlan
    >>> from sfa_core.approvals.request import submit
    >>> seen = globals()["fingerprint"]({"max_line_discount": 18})
    >>> request, _ = submit(ApprovalPlan(), request_id="R", quote_id="Q", quote_revision=1,
    ...                     submitter="rep", at=dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc),
    ...                     fingerprint=seen)
    >>> approval_still_valid(request, seen)
    True
    >>> approval_still_valid(request, globals()["fingerprint"]({"max_line_discount": 25}))
    False
    """
    request = _check_request(request)
    require_key(fingerprint, "fingerprint")
    if request.status not in (RequestStatus.PENDING, RequestStatus.APPROVED):
        return False
    return request.fingerprint is not None and request.fingerprint == fingerprint
