"""A quote that needs approval: why, how much room is left, and the approvals that follow.

Northwind sells office furniture. Its approval policy has discount bands (the manager
above 10 % on a line, the VP above 20 %), a margin floor (finance under 30 %), a
deal-size band (finance, two of them with the CFO, from 100,000) and a rule for
non-standard payment terms (legal, in a parallel chain). Ana quotes a hundred desks
at 22 % to Halcyon Labs at 90 days. The script prices the quote, plans its approval
and says why, asks how much room is left, submits it and walks it through the
approvers: the VP rejects 22 %, Ana revises to 18 %, the steps that still hold are
carried over, and finance approves the rest. Everything is a pure function over
values: no engine, no storage.

Run it with ``python examples/approvals.py``; importing it has no side effects. The
checks below, and ``examples/test_approvals.py``, run under ``pytest``.

>>> context = context_of(demo_quote())
>>> [step.key for step in plan(POLICY, context, DIRECTORY).steps]
['1/discount', '1/legal', '2/discount', '2/margin', '3/deal']
>>> story = run()
>>> story.first.status.value, story.second.status.value, story.carried
('rejected', 'approved', ('1/discount', '1/legal'))
>>> story.room.free_up_to
Decimal('20.0')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from sfa_core.approvals import (
    ApprovalEvent,
    ApprovalPlan,
    ApprovalRequest,
    ApprovalRule,
    ApproverSpec,
    Headroom,
    HitPolicy,
    Policy,
    approval_context,
    approval_still_valid,
    carry_over_plan,
    decide,
    due_escalations,
    fingerprint,
    headroom,
    plan,
    resubmit,
    status_from_audit,
    submit,
)
from sfa_core.catalog import PriceBook, Product
from sfa_core.directory import Directory, Group, User
from sfa_core.money import Money
from sfa_core.quotes import Quote, QuoteLine, price_quote

CURRENCY = "EUR"
STANDARD_TERMS = ("net 30", "net 45")
START = dt.datetime(2027, 3, 1, 9, tzinfo=dt.timezone.utc)


def eur(amount: str) -> Money:
    return Money(amount, CURRENCY)


def hours(count: int) -> dt.datetime:
    return START + dt.timedelta(hours=count)


# ---------------------------------------------------------------- people, products, policy

DIRECTORY = Directory(
    users=[
        User("vera", name="Vera", roles=["vp_sales"]),
        User("max", name="Max", manager="vera", roles=["sales_manager"]),
        User("ana", name="Ana", manager="max", roles=["rep"]),
        User("finn", name="Finn", roles=["cfo", "finance"]),
        User("fay", name="Fay", manager="finn", roles=["finance"]),
        User("fred", name="Fred", manager="finn", roles=["finance"]),
        User("lea", name="Lea", roles=["legal"]),
        User("leo", name="Leo", manager="lea", roles=["legal"]),
    ],
    groups=[
        Group("finance", name="Finance", members=["finn", "fay", "fred"]),
        Group("legal", name="Legal", members=["lea", "leo"]),
    ],
)

PRODUCTS = {
    product.sku: product
    for product in (
        Product(sku="DESK-PRO", name="Sit-stand desk", family="furniture", cost=eur("560.00")),
        Product(sku="CHAIR-ERGO", name="Ergonomic chair", family="seating", cost=eur("260.00")),
        Product(sku="INSTALL", name="Installation day", family="services", cost=eur("400.00")),
    )
}

PRICE_BOOK = PriceBook(
    id="EU-2027",
    currency=CURRENCY,
    entries={"DESK-PRO": eur("900.00"), "CHAIR-ERGO": eur("480.00"), "INSTALL": eur("900.00")},
)

POLICY = Policy(
    id="northwind",
    name="Northwind quotes",
    hit_policy=HitPolicy.COLLECT,
    rules=[
        ApprovalRule(
            id="discount-over-10",
            description="a line discount over 10 %",
            condition={">": [{"var": "max_line_discount"}, 10]},
            approvers=ApproverSpec.manager(),
            level=1,
            chain="discount",
            sla_hours=24,
            escalate_to=["vera"],
        ),
        ApprovalRule(
            id="legal-terms",
            description="non-standard payment terms",
            condition={"==": [{"var": "non_standard_terms"}, True]},
            approvers=ApproverSpec.group("legal", mode="unanimous"),
            level=1,
            chain="legal",
            sla_hours=48,
        ),
        ApprovalRule(
            id="discount-over-20",
            description="a line discount over 20 %",
            condition={">": [{"var": "max_line_discount"}, 20]},
            approvers=ApproverSpec.role("vp_sales"),
            level=2,
            chain="discount",
        ),
        ApprovalRule(
            id="margin-floor",
            description="margin under the 30 % floor",
            condition={"<": [{"var": "margin_percent"}, 30]},
            approvers=ApproverSpec.group("finance", mode="first_response"),
            level=2,
            chain="margin",
        ),
        ApprovalRule(
            id="large-deal",
            description="a deal of 100,000 or more",
            condition={">=": [{"var": "net_total"}, 100000]},
            approvers=ApproverSpec.group("finance", mode="at_least", minimum=2, required=["finn"]),
            level=3,
            chain="deal",
        ),
    ],
)

#: The context fields the policy reads: with the quote's price fields, what an approval
#: is given on.
READS = tuple(sorted({field for rule in POLICY.rules for field in rule.reads}))


# ---------------------------------------------------------------- the quote


def demo_quote(desk_discount: int = 22, revision: int = 1) -> Quote:
    """Halcyon's office fit-out, with the desks at ``desk_discount`` percent off."""
    return Quote(
        id="Q-1001",
        account="HALCYON",
        currency=CURRENCY,
        price_book=PRICE_BOOK.id,
        quote_date=dt.date(2027, 3, 1),
        valid_until=dt.date(2027, 3, 31),
        revision=revision,
        lines=[
            QuoteLine(key="L1", sku="DESK-PRO", quantity=100, additional_discount=desk_discount),
            QuoteLine(key="L2", sku="CHAIR-ERGO", quantity=100, additional_discount=12),
            QuoteLine(key="L3", sku="INSTALL", quantity=10),
        ],
        fields={"payment_terms": "net 90"},
    )


def context_of(quote: Quote) -> Mapping[str, Any]:
    """Price ``quote`` and build its approval context, Ana being its owner."""
    priced = price_quote(quote, PRODUCTS, [PRICE_BOOK])
    return approval_context(
        priced, quote, owner="ana", products=PRODUCTS, standard_terms=STANDARD_TERMS
    )


def room_of(quote: Quote) -> Headroom:
    """How far the desks' discount can go before the plan changes (up to 40 %)."""
    return headroom(
        POLICY,
        quote,
        PRODUCTS,
        [PRICE_BOOK],
        DIRECTORY,
        line="L1",
        owner="ana",
        standard_terms=STANDARD_TERMS,
        max_discount=40,
    )


# ---------------------------------------------------------------- rendering


def plan_lines(result: ApprovalPlan) -> list[str]:
    out = []
    for step in result.steps:
        out.append(f"  {step.key:<11} {step.mode.value:<15} {', '.join(step.approvers)}")
        out.extend(f"      {reason}" for reason in step.reasons)
    return out or ["  nobody: approved at once"]


def room_lines(room: Headroom, *, bands: bool = True) -> list[str]:
    out = []
    if bands:
        for band in room.bands:
            keys = ", ".join(step.key for step in band.steps) or "no approval"
            out.append(f"  {band.from_percent:>4} % to {band.to_percent:>4} %  {keys}")
    out.append(f"  at {room.current} % the desks can go up to {room.free_up_to} % with no new step")
    if room.next_level is None:
        out.append("  (every step the desks' discount can add is already needed)")
    else:
        added = [str(step) for step in room.next_level.steps if step not in room.current_steps]
        out.append(f"  from {room.next_level.from_percent} % also {', '.join(added)}")
    return out


def event_lines(events: tuple[ApprovalEvent, ...]) -> list[str]:
    return [
        f"    -> {' '.join(filter(None, (event.kind.value, event.step)))}"
        f" to {', '.join(event.recipients)}"
        for event in events
    ]


def audit_lines(request: ApprovalRequest) -> list[str]:
    return [
        f"  {entry.at:%a %H:%M} {entry.who:<6} {entry.action.value:<10} "
        f"{entry.step or '':<11} {entry.comment}".rstrip()
        for entry in request.audit
    ]


# ---------------------------------------------------------------- the story


@attrs.frozen
class Story:
    """What the walk-through printed, and the values it ended with."""

    lines: tuple[str, ...]
    first: ApprovalRequest
    second: ApprovalRequest
    carried: tuple[str, ...]
    room: Headroom
    still_valid: bool
    valid_after_edit: bool


def run() -> Story:
    out: list[str] = []
    quote = demo_quote()
    context = context_of(quote)
    out.append(f"Quote {quote.id} for {quote.account}, revision {quote.revision}")
    for field in ("net_total", "max_line_discount", "margin_percent", "payment_terms"):
        out.append(f"  {field:<18} {context[field]}")

    first_plan = plan(POLICY, context, DIRECTORY)
    out += ["", "Why it needs approval"]
    out += plan_lines(first_plan)

    out += ["", "How far the desks' discount can go (line L1)"]
    out += room_lines(room_of(quote))

    out += ["", "Submitted"]
    request, events = submit(
        first_plan,
        request_id="R-1",
        quote_id=quote.id,
        quote_revision=quote.revision,
        submitter="ana",
        at=START,
        fingerprint=fingerprint(context, fields=READS, quote=quote),
        comment="Halcyon office fit-out",
    )
    out += event_lines(events)
    for due in due_escalations([request], hours(24)):
        out.append(f"  after 24 hours: {due.kind.value} {due.step} to {', '.join(due.recipients)}")

    decisions = [
        ("max", "1/discount", True, "fine for 100 seats"),
        ("lea", "1/legal", True, ""),  # unanimous: Leo's answer is needed too
        ("leo", "1/legal", True, ""),
        ("fay", "2/margin", True, ""),  # first response: Finn and Fred need not answer
        ("vera", "2/discount", False, "18 % and we have a deal"),
    ]
    for when, (actor, step, approve, comment) in enumerate(decisions, start=2):
        request, events = decide(
            request, actor, step, approve, at=hours(when), directory=DIRECTORY, comment=comment
        )
        verb = "approves" if approve else "rejects"
        out.append(f"  {actor} {verb} {step}")
        out += event_lines(events)
    first = request
    replayed = status_from_audit(first.audit, first.plan, first.options)
    out += ["", f"Audit trail of {first.id} (replayed: {replayed.value})"]
    out += audit_lines(first)

    revised = demo_quote(desk_discount=18, revision=2)
    revised_context = context_of(revised)
    second_plan = plan(POLICY, revised_context, DIRECTORY)
    out += ["", f"Revision 2, the desks at 18 %: margin {revised_context['margin_percent']}"]
    out += plan_lines(second_plan)
    room = room_of(revised)
    out += ["", "How far the desks' discount can go now"]
    out += room_lines(room, bands=False)

    noted, carried = carry_over_plan(first, second_plan)
    out += ["", "Resubmitted"]
    out += [f"  {note}" for note in noted.notes]
    approved_on = fingerprint(revised_context, fields=READS, quote=revised)
    request, events = resubmit(
        first,
        second_plan,
        request_id="R-2",
        quote_revision=2,
        at=hours(26),
        fingerprint=approved_on,
    )
    out += event_lines(events)
    for when, actor in ((27, "finn"), (28, "fred")):  # at least two, Finn among them
        request, events = decide(
            request, actor, "3/deal", True, at=hours(when), directory=DIRECTORY
        )
        out.append(f"  {actor} approves 3/deal")
        out += event_lines(events)
    second = request
    out.append(f"  {second.id} is {second.status.value}")

    still_valid = approval_still_valid(second, approved_on)
    one_more = attrs.evolve(
        revised, lines=[attrs.evolve(revised.lines[0], quantity=101), *revised.lines[1:]]
    )
    edited = fingerprint(context_of(one_more), fields=READS, quote=one_more)
    valid_after_edit = approval_still_valid(second, edited)
    out += [
        "",
        f"Approval still valid: {still_valid}; after adding a desk: {valid_after_edit}",
    ]
    return Story(tuple(out), first, second, carried, room, still_valid, valid_after_edit)


def main() -> None:
    print("\n".join(run().lines))


if __name__ == "__main__":
    main()
