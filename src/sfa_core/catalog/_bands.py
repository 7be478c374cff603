"""Bands with upper bounds, shared by tier tables and discount schedules.

Both price by ranges ``(previous up_to, up_to]`` of a count. This module holds
what they share: exact arithmetic (an unlimited context, so sums and products
of finite Decimals are never rounded), the bound checks, and error paths
prefixed by where a band sits. Tier tables are catalog data and discount
schedules are :mod:`sfa_core.pricing`'s, which builds on the catalog: so the
shared part lives in the catalog.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from typing import Any

from sfa_core._validate import in_range, require_decimal
from sfa_core.errors import ValidationError

#: Unlimited precision: sums and products of finite Decimals are exact (never rounded).
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
mul = EXACT.multiply
add = EXACT.add
sub = EXACT.subtract


def positive(value: Any, path: str) -> Decimal:
    """Return ``value`` as a finite Decimal > 0 (the fast path takes a finite Decimal as is)."""
    if value.__class__ is not Decimal or not in_range(value):
        value = require_decimal(value, path)
    if value <= 0:
        raise ValidationError("must be greater than zero", path=path, value=value)
    return value  # type: ignore[no-any-return]


def check_bounds(
    up_tos: Sequence[Decimal | None], path: str, *, open_last: bool
) -> tuple[Decimal, ...]:
    """Check the bounds of a table of bands (as the tiers module explains); return the finite ones.

    Each ``up_to`` is already ``None`` or a Decimal > 0 (the tier validated it).
    """
    if not up_tos:
        raise ValidationError("must have at least one tier", path=path, value=())
    last = len(up_tos) - 1
    previous: Decimal | None = None
    for index, up_to in enumerate(up_tos):
        where = f"{path}[{index}].up_to"
        if up_to is None:
            if index != last:
                raise ValidationError(
                    "only the last tier may be open (up_to=None)", path=where, value=None
                )
            if not open_last:
                raise ValidationError(
                    "the last block must have a finite up_to "
                    "(quantities above it are priced with the overage rate)",
                    path=where,
                    value=None,
                )
            continue
        if previous is not None and up_to <= previous:
            raise ValidationError(
                f"must be greater than {path}[{index - 1}].up_to ({previous}): "
                "tiers are out of order or overlap",
                path=where,
                value=up_to,
            )
        previous = up_to
    if open_last and up_tos[last] is not None:
        raise ValidationError(
            "the last tier must be open (up_to=None)",
            path=f"{path}[{last}].up_to",
            value=up_tos[last],
        )
    return tuple(u for u in up_tos if u is not None)


# Named converter (mypy's attrs plugin does not follow ``attrs.Converter`` objects).
def to_bound(value: Any) -> Decimal | None:
    """``value`` as the upper bound of a band: ``None`` (open) or a Decimal."""
    return None if value is None else require_decimal(value, "up_to")


def prefixed(err: ValidationError, prefix: str) -> ValidationError:
    """Return a copy of ``err`` (same class and attributes) with ``prefix`` before its path."""
    path = f"{prefix}.{err.path}" if err.path else prefix
    text = str(err)
    text = path + text[len(err.path) :] if err.path else f"{path}: {text}"
    copy = type(err).__new__(type(err))
    copy.__dict__.update(err.__dict__)
    copy.path = path
    copy.args = (text,)
    return copy
