"""Text renderings of priced lines and quotes, built only from the recorded data."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sfa_core.pricing.model import PricedLine, Totals
    from sfa_core.quotes.priced import PricedQuote

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
    """Render one priced line: its steps, its adjustments, its flags and its totals."""
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
    for adjustment in line.adjustments:
        source = f" [{adjustment.source}]" if adjustment.source else ""
        out.append(f"  {adjustment.kind:<22}{-adjustment.amount:>14}{source}  {adjustment.reason}")
    out.extend(_totals(line.totals, "  "))
    out.extend(f"  ! {flag}" for flag in line.flags)
    return "\n".join(out)


def _first(reason: str) -> str:
    return reason.split("\n", 1)[0]


def _totals(totals: Totals, indent: str) -> list[str]:
    out = [f"{indent}{'list total':<22}{totals.list.amount:>14}"]
    for kind, amount in totals.discounts.items():
        out.append(f"{indent}  {kind:<20}{-amount.amount:>14}")
    out.append(f"{indent}{'net total':<22}{totals.net.amount:>14}")
    if totals.tax.amount:
        out.append(f"{indent}{'tax':<22}{totals.tax.amount:>14}")
        out.append(f"{indent}{'gross total':<22}{totals.gross.amount:>14}")
    return out


def explain_quote(quote: PricedQuote) -> str:
    """Render a priced quote: every line, every group, then the quote totals."""
    out = [f"quote {quote.quote_id} (revision {quote.revision}), {quote.currency}"]
    for line in quote.lines:
        out.append(explain_line(line))
    for key, totals in quote.groups.items():
        out.append(f"group {key}")
        out.extend(_totals(totals, "  "))
    if quote.promotions is not None and quote.promotions.applied:
        out.append(quote.promotions.explain())
    out.append("quote totals")
    out.extend(_totals(quote.totals, "  "))
    if quote.totals.cost.amount:
        out.append(f"  {'cost':<22}{quote.totals.cost.amount:>14}")
        out.append(f"  {'margin':<22}{quote.totals.margin.amount:>14}")
    return "\n".join(out)
