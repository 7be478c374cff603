"""Headroom: hand-checkable answers of how much more discount a quote can take."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from sfa_core.approvals import (
    ApprovalRule,
    ApproverSpec,
    AuthorityLevel,
    AuthorityMatrix,
    Headroom,
    HeadroomBand,
    HeadroomRangeError,
    HeadroomStep,
    Policy,
    headroom,
)
from sfa_core.catalog import PriceBook, Product
from sfa_core.directory import Directory, User
from sfa_core.errors import ValidationError
from sfa_core.money import Money
from sfa_core.quotes import Quote, QuoteLine
from sfa_core.serialization import from_json, to_json

D = Decimal
DIRECTORY = Directory(
    users=[User("vera", roles=["vp"]), User("max", manager="vera"), User("ana", manager="max")]
)
PRODUCTS = [
    Product(sku="DESK", name="Desk", family="furniture", cost=Money("500", "EUR")),
    Product(sku="LAMP", name="Lamp", family="lighting", cost=Money("20", "EUR")),
]
BOOK = PriceBook(
    id="EU", currency="EUR", entries={"DESK": Money("1000", "EUR"), "LAMP": Money("100", "EUR")}
)
LADDER = AuthorityMatrix(
    [
        AuthorityLevel("rep", 15),
        AuthorityLevel("manager", 25, approvers=ApproverSpec.manager()),
        AuthorityLevel("vp"),
    ]
).policy()
MAX = HeadroomStep(1, "discount", ("max",))
VERA = HeadroomStep(2, "discount", ("vera",), mode="first_response")


def make_quote(discount=None, lines=None):
    return Quote(
        id="Q-1",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=dt.date(2027, 3, 1),
        additional_discount=discount,
        lines=lines or [QuoteLine(key="L1", sku="DESK", quantity=2)],
    )


def room(quote, policy=LADDER, **options):
    return headroom(policy, quote, PRODUCTS, [BOOK], DIRECTORY, owner="ana", **options)


def test_the_authority_ladder_to_a_tenth_of_a_percent():
    found = room(make_quote(5))
    assert [(b.from_percent, b.to_percent, b.steps) for b in found.bands] == [
        (D("0.0"), D("15.0"), ()),
        (D("15.1"), D("25.0"), (MAX,)),
        (D("25.1"), D("100.0"), (MAX, VERA)),
    ]
    assert found.current == 5
    assert found.current_steps == ()
    assert found.free_up_to == D("15.0")
    assert found.next_level == found.bands[1]
    assert found.monotone
    assert 0 < found.evaluations < 40
    assert str(found) == (
        "up to 15.0 % needs no approval; up to 25.0 % needs max; beyond that max, then vera. "
        "At 5 %, the discount can go up to 15.0 % with no further approval; beyond it max."
    )


def test_room_from_inside_an_approval_band():
    found = room(make_quote(20))
    assert found.current_steps == (MAX,)
    assert found.free_up_to == D("25.0")
    assert found.next_level is not None
    assert found.next_level.steps == (MAX, VERA)


def test_at_the_top_there_is_no_next_level():
    found = room(make_quote(30))
    assert found.free_up_to == D("100.0")
    assert found.next_level is None


def test_a_coarser_resolution_and_a_lower_ceiling():
    found = room(make_quote(0), resolution=1, max_discount=40)
    assert [(b.from_percent, b.to_percent) for b in found.bands] == [
        (0, 15),
        (16, 25),
        (26, 40),
    ]


def test_one_line_moves_alone():
    # the desk at 10 % is within the rep's authority; only the lamp's discount moves
    lines = [
        QuoteLine(key="L1", sku="DESK", quantity=1, additional_discount=10),
        QuoteLine(key="L2", sku="LAMP", quantity=1),
    ]
    found = room(make_quote(None, lines), line="L2")
    assert found.line == "L2"
    assert found.current == 0
    assert [(b.from_percent, b.to_percent) for b in found.bands] == [
        (D("0.0"), D("15.0")),
        (D("15.1"), D("25.0")),
        (D("25.1"), D("100.0")),
    ]
    # with the desk above the rep's authority, the lamp starts in the manager's band
    lines[0] = attrs.evolve(lines[0], additional_discount=20)
    found = room(make_quote(None, lines), line="L2")
    assert found.bands[0] == HeadroomBand(D("0.0"), D("25.0"), (MAX,))
    assert found.free_up_to == D("25.0")


def test_a_plan_that_comes_and_goes_is_not_monotone():
    middle = Policy(
        id="middle",
        rules=[
            ApprovalRule(
                id="mid-band",
                condition={
                    "and": [
                        {">": [{"var": "max_line_discount"}, 30]},
                        {"<=": [{"var": "max_line_discount"}, 60]},
                    ]
                },
                approvers=ApproverSpec.manager(),
            )
        ],
    )
    found = room(make_quote(0), policy=middle)
    manager = HeadroomStep(1, "default", ("max",))
    assert [(b.from_percent, b.to_percent, b.steps) for b in found.bands] == [
        (D("0.0"), D("30.0"), ()),
        (D("30.1"), D("60.0"), (manager,)),
        (D("60.1"), D("100.0"), ()),
    ]
    assert not found.monotone
    assert found.free_up_to == D("30.0")
    assert "not monotone" in found.explain()
    # above the band, the room reaches the top again
    assert room(make_quote(70), policy=middle).free_up_to == D("100.0")


def test_a_margin_floor_moves_with_the_discount():
    # cost 500 of 1000: margin = (net - 500) / net; under 30 % below net 714.29, i.e.
    # past a 28.57 % discount: the grid's first point there is 28.6
    floor = AuthorityMatrix(
        [AuthorityLevel("rep", None, 30), AuthorityLevel("vp")],
        margin_field="margin_percent",
    ).policy()
    found = room(make_quote(0), policy=floor)
    assert [(b.from_percent, b.to_percent) for b in found.bands] == [
        (D("0.0"), D("28.5")),
        (D("28.6"), D("100.0")),
    ]


def test_headroom_round_trips():
    found = room(make_quote(5))
    assert from_json(to_json(found), Headroom) == found


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ({"resolution": 0}, "resolution"),
        ({"resolution": "-1"}, "resolution"),
        ({"resolution": 0.1}, "resolution"),
        ({"resolution": "0.00001"}, "resolution"),
        ({"max_discount": 120}, "max_discount"),
        ({"max_discount": 3}, "max_discount"),
    ],
)
def test_unusable_ranges_are_refused(options, path):
    with pytest.raises(HeadroomRangeError) as caught:
        room(make_quote(5), **options)
    assert caught.value.path == path
    assert caught.value.code == "headroom_range"


def test_bad_arguments_are_refused():
    with pytest.raises(ValidationError) as caught:
        room(make_quote(5), line="L9")
    assert caught.value.path == "line"
    assert caught.value.value == "L9"
    with pytest.raises(ValidationError) as caught:
        room(make_quote(5), samples=0)
    assert caught.value.path == "samples"
    with pytest.raises(ValidationError):
        headroom("policy", make_quote(5), PRODUCTS, [BOOK], DIRECTORY)
