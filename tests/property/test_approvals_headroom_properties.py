"""Headroom invariants: inside a band the plan is the band's; edges sit on the grid."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from sfa_core.approvals import (
    ApprovalRule,
    ApproverSpec,
    HeadroomStep,
    Policy,
    approval_context,
    headroom,
    plan,
)
from sfa_core.catalog import PriceBook, Product
from sfa_core.directory import Directory, User
from sfa_core.money import Money
from sfa_core.quotes import Quote, QuoteLine, price_quote

DIRECTORY = Directory(
    users=[
        User("carl", roles=["cfo"]),
        User("vera", manager="carl", roles=["vp"]),
        User("max", manager="vera"),
        User("ana", manager="max"),
    ]
)
PRODUCTS = [
    Product(sku="DESK", name="Desk", cost=Money("450", "EUR")),
    Product(sku="LAMP", name="Lamp", cost=Money("30", "EUR")),
]
BOOK = PriceBook(
    id="EU", currency="EUR", entries={"DESK": Money("999", "EUR"), "LAMP": Money("79", "EUR")}
)
APPROVERS = [ApproverSpec.manager(), ApproverSpec.role("vp"), ApproverSpec.role("cfo")]
FIELDS = ["max_line_discount", "discount_percent", "margin_percent"]


@st.composite
def policies(draw):
    rules = []
    for index in range(draw(st.integers(1, 5))):
        field = draw(st.sampled_from(FIELDS))
        op = draw(st.sampled_from([">", "<"]))
        low = draw(st.integers(0, 90))
        condition = {op: [{"var": field}, low]}
        if draw(st.booleans()):  # a band that closes again: possibly not monotone
            high = draw(st.integers(low, 100))
            condition = {"and": [condition, {"<=" if op == ">" else ">": [{"var": field}, high]}]}
        rules.append(
            ApprovalRule(
                id=f"r{index}",
                condition=condition,
                approvers=draw(st.sampled_from(APPROVERS)),
                level=draw(st.integers(1, 3)),
            )
        )
    return Policy(id="p", rules=rules)


def quote_at(quote, percent, line):
    lines = [
        attrs.evolve(item, additional_discount=percent)
        if line is None or item.key == line
        else item
        for item in quote.lines
    ]
    if line is None:
        return attrs.evolve(quote, lines=lines, additional_discount=percent)
    return attrs.evolve(quote, lines=lines)


def steps_at(policy, quote, percent, line):
    moved = quote_at(quote, percent, line)
    priced = price_quote(moved, PRODUCTS, [BOOK])
    context = approval_context(priced, moved, owner="ana", products=PRODUCTS)
    found = plan(policy, context, DIRECTORY, owner="ana")
    return tuple(
        HeadroomStep(s.level, s.chain, s.approvers, s.mode, s.minimum, s.required)
        for s in found.steps
    )


QUOTE = Quote(
    id="Q-1",
    account="ACME",
    currency="EUR",
    price_book="EU",
    quote_date=dt.date(2027, 3, 1),
    lines=[
        QuoteLine(key="L1", sku="DESK", quantity=3),
        QuoteLine(key="L2", sku="LAMP", quantity=7, additional_discount_amount="1.5"),
    ],
)


def reference_bands(policy, line, resolution):
    """Every grid point priced and planned, cut where the plan changes."""
    points = int(100 / resolution)
    plans = [steps_at(policy, QUOTE, k * resolution, line) for k in range(points + 1)]
    bands = []
    for k, steps in enumerate(plans):
        if bands and bands[-1][2] == steps:
            bands[-1][1] = k
        else:
            bands.append([k, k, steps])
    return [(a * resolution, b * resolution, steps) for a, b, steps in bands]


@settings(max_examples=25, deadline=None)
@given(
    policy=policies(),
    line=st.sampled_from([None, "L2"]),
    resolution=st.sampled_from([Decimal(1), Decimal("2.5"), Decimal(5)]),
    data=st.data(),
)
def test_bands_hold_their_plan_and_meet_on_the_grid(policy, line, resolution, data):
    samples = 8
    room = headroom(
        policy,
        QUOTE,
        PRODUCTS,
        [BOOK],
        DIRECTORY,
        owner="ana",
        line=line,
        resolution=resolution,
        samples=samples,
    )
    bands = room.bands
    assert bands[0].from_percent == 0
    assert bands[-1].to_percent == room.max_discount
    for before, after in itertools.pairwise(bands):
        # every edge is a true change, between neighbours one resolution apart
        assert after.from_percent - before.to_percent == resolution
        assert before.steps != after.steps
        assert steps_at(policy, QUOTE, before.to_percent, line) == before.steps
        assert steps_at(policy, QUOTE, after.from_percent, line) == after.steps
    seen = [band.steps for band in bands]
    # monotone: a larger discount never needs fewer steps
    assert room.monotone == all(set(a) <= set(b) for a, b in itertools.pairwise(seen))
    assert room.free_up_to >= room.current
    # when no band of the truth is narrow enough to fall between two coarse samples,
    # the search finds the truth, and every point inside a band has the band's plan
    truth = reference_bands(policy, line, resolution)
    coarse = -(-int(100 / resolution) // samples) * resolution
    if all(b - a >= 2 * coarse for a, b, _ in truth[1:-1]):
        assert [(b.from_percent, b.to_percent, b.steps) for b in bands] == truth
    for band in bands:
        points = int((band.to_percent - band.from_percent) / resolution)
        k = data.draw(st.integers(0, points))
        percent = band.from_percent + k * resolution
        if all(b - a >= 2 * coarse for a, b, _ in truth[1:-1]):
            assert steps_at(policy, QUOTE, percent, line) == band.steps
