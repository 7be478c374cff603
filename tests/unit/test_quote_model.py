import datetime as dt
from decimal import Decimal

import attrs
import pytest

from sfa_core.errors import (
    FloatAmountError,
    NotFoundError,
    UnknownCurrencyError,
    ValidationError,
)
from sfa_core.quotes import (
    LOCKED_STATUSES,
    TRANSITIONS,
    InvalidTransitionError,
    Quote,
    QuoteGroup,
    QuoteLine,
    QuoteLockedError,
    QuoteStatus,
)
from sfa_core.serialization import structure, unstructure

DAY = dt.date(2027, 3, 1)


def line(key="L1", sku="DOCK", quantity=1, **fields):
    return QuoteLine(key=key, sku=sku, quantity=quantity, **fields)


def quote(**fields):
    values = {
        "id": "Q-1",
        "account": "ACME",
        "currency": "EUR",
        "price_book": "EU",
        "quote_date": DAY,
    }
    values.update(fields)
    return Quote(**values)


def refused(build, path, error=ValidationError):
    with pytest.raises(error) as info:
        build()
    assert info.value.path == path
    assert str(info.value).startswith(f"{path}: ")
    return info.value


# -- QuoteLine ------------------------------------------------------------------------------


def test_a_line_converts_its_numbers_to_decimals():
    ln = line(quantity="2.5", term=12, special_price="99.90", additional_discount=5)
    assert ln.quantity == Decimal("2.5")
    assert ln.term == Decimal(12)
    assert ln.special_price == Decimal("99.90")
    assert ln.additional_discount == Decimal(5)
    assert ln.is_return is False
    assert dict(ln.fields) == {}


@pytest.mark.parametrize("quantity", [0, -1, "-0.5"])
def test_a_sale_line_needs_a_positive_quantity(quantity):
    err = refused(lambda: line(quantity=quantity), "quantity")
    assert err.value == Decimal(quantity)
    assert "greater than zero" in err.reason


def test_a_return_line_takes_a_negative_quantity():
    assert line(quantity=-2, is_return=True).quantity == Decimal(-2)
    err = refused(lambda: line(quantity=2, is_return=True), "quantity")
    assert err.reason == "a return line takes a negative quantity"
    refused(lambda: line(quantity=0, is_return=True), "quantity")


def test_a_line_cannot_end_before_it_starts():
    assert line(start_date=DAY, end_date=DAY).end_date == DAY  # one day is fine
    err = refused(lambda: line(start_date=DAY, end_date=DAY - dt.timedelta(days=1)), "end_date")
    assert err.value == dt.date(2027, 2, 28)
    assert "2027-03-01" in err.reason


@pytest.mark.parametrize(
    "field", ["additional_discount", "partner_discount", "distributor_discount"]
)
@pytest.mark.parametrize("percent", ["100.01", 101, -1, "-0.01"])
def test_line_percents_lie_between_0_and_100(field, percent):
    err = refused(lambda: line(**{field: percent}), field)
    assert err.value == Decimal(percent)
    assert err.reason == "must be between 0 and 100"


@pytest.mark.parametrize(
    "field", ["additional_discount", "partner_discount", "distributor_discount"]
)
def test_line_percents_may_be_0_or_100(field):
    assert getattr(line(**{field: 0}), field) == 0
    assert getattr(line(**{field: 100}), field) == 100


@pytest.mark.parametrize("field", ["special_price", "additional_discount_amount", "term"])
def test_line_amounts_must_not_be_negative(field):
    err = refused(lambda: line(**{field: "-0.01"}), field)
    assert err.reason == "must not be negative"


def test_a_zero_special_price_is_allowed_but_a_zero_term_is_not():
    assert line(special_price=0).special_price == 0
    refused(lambda: line(term=0), "term")


@pytest.mark.parametrize(
    "field",
    [
        "quantity",
        "term",
        "additional_discount",
        "additional_discount_amount",
        "special_price",
        "partner_discount",
        "distributor_discount",
    ],
)
def test_line_numbers_refuse_floats(field):
    fields = {"quantity": 1, field: 0.5}
    with pytest.raises(FloatAmountError) as info:
        QuoteLine(key="L1", sku="DOCK", **fields)
    assert info.value.path == field
    assert info.value.value == 0.5
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"key": ""}, "key"),
        ({"key": " L1"}, "key"),
        ({"sku": 7}, "sku"),
        ({"quantity": "many"}, "quantity"),
        ({"quantity": True}, "quantity"),
        ({"start_date": "2027-03-01"}, "start_date"),
        ({"end_date": dt.datetime(2027, 3, 1, 9)}, "end_date"),
        ({"parent": ""}, "parent"),
        ({"group": 3}, "group"),
        ({"is_return": 1}, "is_return"),
        ({"fields": {"colour": 1.5}}, "fields['colour']"),
        ({"fields": {"": "x"}}, "fields key"),
        ({"key": "L1", "parent": "L1"}, "parent"),
    ],
)
def test_bad_line_fields_name_the_field(fields, path):
    refused(lambda: line(**fields), path)


def test_line_custom_fields_are_frozen():
    ln = line(fields={"tier": "gold", "seats": 3, "vip": True})
    assert ln.fields["tier"] == "gold"
    with pytest.raises(TypeError):
        ln.fields["tier"] = "silver"  # type: ignore[index]


# -- QuoteGroup and Quote ------------------------------------------------------------------------


def test_a_group_needs_a_key_and_text():
    assert QuoteGroup(key="HQ").name == ""
    refused(lambda: QuoteGroup(key=""), "key")
    refused(lambda: QuoteGroup(key="HQ", name="a\x00b"), "name")


def test_a_quote_has_defaults():
    q = quote()
    assert q.status is QuoteStatus.DRAFT
    assert (q.revision, q.supersedes, q.version, q.lines, q.groups) == (1, None, 0, (), ())
    assert q.locked is False
    assert q.valid_until is None


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"id": ""}, "id"),
        ({"account": None}, "account"),
        ({"price_book": " EU"}, "price_book"),
        ({"quote_date": None}, "quote_date"),
        ({"quote_date": dt.datetime(2027, 3, 1, 9)}, "quote_date"),
        ({"valid_until": "2027-03-31"}, "valid_until"),
        ({"status": "won"}, "status"),
        ({"supersedes": ""}, "supersedes"),
        ({"fields": {"region": 2.5}}, "fields['region']"),
        ({"version": -1}, "version"),
        ({"lines": [{"key": "L1"}]}, "lines[0]"),
        ({"groups": ["HQ"]}, "groups[0]"),
    ],
)
def test_bad_quote_fields_name_the_field(fields, path):
    refused(lambda: quote(**fields), path)


def test_an_unknown_currency_is_refused():
    refused(lambda: quote(currency="XYZ"), "currency", UnknownCurrencyError)


def test_valid_until_cannot_be_before_the_quote_date():
    assert quote(valid_until=DAY).valid_until == DAY
    err = refused(lambda: quote(valid_until=DAY - dt.timedelta(days=1)), "valid_until")
    assert "quote_date (2027-03-01)" in err.reason


def test_a_quote_cannot_end_before_it_starts():
    refused(lambda: quote(start_date=DAY, end_date=dt.date(2027, 2, 1)), "end_date")


@pytest.mark.parametrize("revision", [0, -1, True, "2", Decimal(2)])
def test_revision_is_an_integer_from_1(revision):
    err = refused(lambda: quote(revision=revision), "revision")
    assert err.value == revision


@pytest.mark.parametrize(
    "field", ["additional_discount", "partner_discount", "distributor_discount"]
)
@pytest.mark.parametrize("percent", [101, -1])
def test_quote_percents_lie_between_0_and_100(field, percent):
    refused(lambda: quote(**{field: percent}), field)


def test_a_negative_quote_discount_amount_is_refused():
    assert quote(discount_amount="50.00").discount_amount == Decimal("50.00")
    refused(lambda: quote(discount_amount=-1), "discount_amount")


@pytest.mark.parametrize(
    "field",
    ["additional_discount", "discount_amount", "partner_discount", "distributor_discount"],
)
def test_quote_numbers_refuse_floats(field):
    with pytest.raises(FloatAmountError) as info:
        quote(**{field: 5.0})
    assert info.value.path == field


def test_duplicate_line_keys_are_refused():
    err = refused(
        lambda: quote(lines=[line("L1"), line("L2"), line("L1", sku="LAPTOP")]), "lines[2].key"
    )
    assert err.value == "L1"
    assert err.reason == "duplicate line key"


def test_duplicate_group_keys_are_refused():
    err = refused(
        lambda: quote(groups=[QuoteGroup(key="HQ"), QuoteGroup(key="HQ", name="again")]),
        "groups[1].key",
    )
    assert err.value == "HQ"


def test_a_parent_must_be_a_line_of_the_quote():
    err = refused(lambda: quote(lines=[line("L1"), line("L2", parent="L9")]), "lines[1].parent")
    assert err.value == "L9"
    assert err.reason == "no line has this key"


def test_a_group_must_be_a_group_of_the_quote():
    err = refused(
        lambda: quote(groups=[QuoteGroup(key="HQ")], lines=[line("L1", group="LAB")]),
        "lines[0].group",
    )
    assert err.value == "LAB"


@pytest.mark.parametrize(
    "lines",
    [
        # L1 -> L2 -> L1
        [line("L1", parent="L2"), line("L2", parent="L1")],
        # L1 -> L2 -> L3 -> L1
        [line("L1", parent="L2"), line("L2", parent="L3"), line("L3", parent="L1")],
    ],
)
def test_bundle_parents_cannot_form_a_cycle(lines):
    err = refused(lambda: quote(lines=lines), "lines[0].parent")
    assert err.reason == "bundle parents form a cycle"


def test_a_cycle_below_a_line_is_found_at_the_first_line_that_reaches_it():
    # L0 is a child of L1, and L1 <-> L2 loop: walking up from L0 meets the loop
    lines = [line("L0", parent="L1"), line("L1", parent="L2"), line("L2", parent="L1")]
    refused(lambda: quote(lines=lines), "lines[0].parent")


def test_a_bundle_tree_is_fine():
    q = quote(
        lines=[
            line("L3", parent="L2"),
            line("L2", parent="L1"),
            line("L1"),
            line("L4", parent="L1"),
        ]
    )
    assert [ln.key for ln in q.lines] == ["L3", "L2", "L1", "L4"]


def test_line_finds_a_line_by_key():
    q = quote(lines=[line("L1"), line("L2", sku="LAPTOP")])
    assert q.line("L2").sku == "LAPTOP"
    with pytest.raises(NotFoundError) as info:
        q.line("L9")
    assert info.value.key == "L9"
    assert info.value.kind == "quote 'Q-1' line"
    assert str(info.value) == "quote 'Q-1' line 'L9' not found"


def test_a_quote_round_trips_through_serialization():
    q = quote(
        valid_until=dt.date(2027, 3, 31),
        groups=[QuoteGroup(key="HQ", name="Head office")],
        lines=[
            line("L1", quantity=10, group="HQ", additional_discount="5", fields={"tier": "gold"}),
            line("L2", quantity=-1, is_return=True, parent="L1", special_price="9.90"),
        ],
        additional_discount=2,
        discount_amount="10.00",
        status="presented",
        revision=3,
        supersedes="Q-0",
        fields={"region": "EMEA", "seats": 4},
        version=7,
    )
    assert structure(unstructure(q), Quote) == q


# -- lifecycle ------------------------------------------------------------------------------


ALLOWED = sorted(
    ((source, target) for source, targets in TRANSITIONS.items() for target in targets),
    key=lambda pair: (pair[0].value, pair[1].value),
)
REFUSED = sorted(
    (
        (source, target)
        for source in QuoteStatus
        for target in QuoteStatus
        if target not in TRANSITIONS[source]
    ),
    key=lambda pair: (pair[0].value, pair[1].value),
)


def test_the_transition_table_is_the_documented_lifecycle():
    s = QuoteStatus
    assert set(TRANSITIONS) == set(QuoteStatus)
    assert len(ALLOWED) == 14
    assert TRANSITIONS[s.DRAFT] == {s.IN_REVIEW, s.SUPERSEDED}
    assert TRANSITIONS[s.IN_REVIEW] == {s.DRAFT, s.APPROVED, s.SUPERSEDED}
    assert TRANSITIONS[s.APPROVED] == {s.DRAFT, s.PRESENTED, s.SUPERSEDED}
    assert TRANSITIONS[s.PRESENTED] == {s.ACCEPTED, s.REJECTED, s.EXPIRED, s.SUPERSEDED}
    assert TRANSITIONS[s.ACCEPTED] == set()
    assert TRANSITIONS[s.REJECTED] == {s.SUPERSEDED}
    assert TRANSITIONS[s.EXPIRED] == {s.SUPERSEDED}
    assert TRANSITIONS[s.SUPERSEDED] == set()
    assert set(QuoteStatus) - {s.DRAFT} == LOCKED_STATUSES


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda s: s.value)
def test_every_allowed_transition(source, target):
    q = quote(status=source, lines=[line()], version=4)
    moved = q.transition(target)
    assert moved.status is target
    assert attrs.evolve(moved, status=source) == q  # nothing else changed
    assert moved.version == 4  # storage version kept: saved with update
    assert moved.locked is (target is not QuoteStatus.DRAFT)


@pytest.mark.parametrize("target", ["in_review", QuoteStatus.IN_REVIEW])
def test_a_transition_takes_a_status_or_its_value(target):
    assert quote().transition(target).status is QuoteStatus.IN_REVIEW


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=lambda s: s.value)
def test_every_other_transition_is_refused(source, target):
    q = quote(status=source)
    with pytest.raises(InvalidTransitionError) as info:
        q.transition(target)
    err = info.value
    assert (err.source, err.target) == (source, target)
    assert err.path == "status"
    assert err.value == target.value
    assert isinstance(err, ValidationError)
    assert f"cannot become {target.value}" in str(err)


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("draft", "accepted", "in_review, superseded"),
        ("draft", "draft", "in_review, superseded"),
        ("in_review", "presented", "approved, draft, superseded"),
        ("approved", "accepted", "draft, presented, superseded"),
        ("presented", "draft", "accepted, expired, rejected, superseded"),
        ("accepted", "superseded", "none"),
        ("superseded", "draft", "none"),
        ("rejected", "presented", "superseded"),
        ("expired", "accepted", "superseded"),
    ],
)
def test_a_refused_transition_lists_the_allowed_ones(source, target, allowed):
    with pytest.raises(InvalidTransitionError) as info:
        quote(status=source).transition(target)
    message = str(info.value)
    assert message.startswith("status: ")
    assert source in message
    assert f"cannot become {target} (allowed: {allowed})" in message
    assert message.endswith(f"(got {target!r})")


def test_an_unknown_status_is_a_validation_error_not_a_transition():
    with pytest.raises(ValidationError) as info:
        quote().transition("won")
    assert not isinstance(info.value, InvalidTransitionError)
    assert info.value.path == "status"


def test_the_full_happy_path():
    q = quote(lines=[line()])
    for status in ("in_review", "approved", "presented", "accepted"):
        q = q.transition(status)
    assert q.status is QuoteStatus.ACCEPTED
    assert q.locked


def test_recall_and_reopen_return_to_draft():
    in_review = quote().transition("in_review")
    assert in_review.transition("draft").locked is False
    approved = in_review.transition("approved")
    reopened = approved.transition("draft")
    assert reopened.status is QuoteStatus.DRAFT
    assert reopened.with_line(line()).lines == (line(),)


# -- editing ------------------------------------------------------------------------------


def test_with_line_adds_at_the_end_and_keeps_the_version():
    q = quote(lines=[line("L1")], version=3)
    added = q.with_line(line("L2", sku="LAPTOP"))
    assert [ln.key for ln in added.lines] == ["L1", "L2"]
    assert added.version == 3
    assert q.lines == (line("L1"),)  # the original is untouched


def test_with_line_replaces_the_line_with_its_key_in_place():
    q = quote(lines=[line("L1"), line("L2"), line("L3")])
    changed = q.with_line(line("L2", quantity=5))
    assert [(ln.key, ln.quantity) for ln in changed.lines] == [
        ("L1", 1),
        ("L2", 5),
        ("L3", 1),
    ]


def test_with_line_validates_the_new_quote():
    q = quote(lines=[line("L1")])
    with pytest.raises(ValidationError) as info:
        q.with_line(line("L2", parent="GHOST"))
    assert info.value.path == "lines[1].parent"
    with pytest.raises(ValidationError) as info:
        q.with_line(line("L1", parent="L2")).with_line(line("L2", parent="L1"))
    assert info.value.path == "lines[0].parent"


def test_without_line_removes_bundle_children_transitively():
    # L1 <- L2 <- L3 (a bundle in a bundle), L4 <- L1 is not; L5 is a sibling of L2
    q = quote(
        lines=[
            line("L3", parent="L2"),
            line("L1"),
            line("L2", parent="L1"),
            line("L4"),
            line("L5", parent="L1"),
            line("L6", parent="L4"),
        ]
    )
    assert [ln.key for ln in q.without_line("L1").lines] == ["L4", "L6"]
    assert [ln.key for ln in q.without_line("L2").lines] == ["L1", "L4", "L5", "L6"]
    assert [ln.key for ln in q.without_line("L3").lines] == ["L1", "L2", "L4", "L5", "L6"]
    assert [ln.key for ln in q.without_line("L4").lines] == ["L3", "L1", "L2", "L5"]


def test_without_line_needs_a_known_line():
    with pytest.raises(NotFoundError) as info:
        quote(lines=[line("L1")]).without_line("L2")
    assert info.value.key == "L2"


@pytest.mark.parametrize("status", sorted(LOCKED_STATUSES, key=lambda s: s.value))
def test_locked_quotes_refuse_edits(status):
    q = quote(status=status, lines=[line("L1")])
    assert q.locked
    with pytest.raises(QuoteLockedError) as info:
        q.with_line(line("L2"))
    err = info.value
    assert (err.quote_id, err.status, err.operation) == ("Q-1", status, "edit")
    assert str(err) == (
        f"cannot edit quote 'Q-1': it is {status.value} "
        "(only a draft can change; create a new version)"
    )
    with pytest.raises(QuoteLockedError):
        q.without_line("L1")
    with pytest.raises(QuoteLockedError):
        q.with_line(line("L1", quantity=2))  # replacing is editing too
    with pytest.raises(QuoteLockedError) as info:
        q.require_draft("reprice")
    assert info.value.operation == "reprice"


def test_a_locked_quote_refuses_edits_even_of_unknown_lines():
    # the lock is checked before the line is looked up
    with pytest.raises(QuoteLockedError):
        quote(status="approved").without_line("GHOST")


# -- new versions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", ["draft", "in_review", "approved", "presented", "rejected", "expired"]
)
def test_new_version_clones_into_a_draft_and_supersedes(status):
    q = quote(
        status=status,
        revision=2,
        supersedes="Q-0",
        groups=[QuoteGroup(key="HQ")],
        lines=[line("L1", group="HQ"), line("L2", parent="L1", additional_discount=5)],
        additional_discount=3,
        fields={"region": "EMEA"},
        version=6,
    )
    new, old = q.new_version("Q-1-R3")
    assert new.id == "Q-1-R3"
    assert new.status is QuoteStatus.DRAFT
    assert new.revision == 3
    assert new.supersedes == "Q-1"
    assert new.version == 0
    assert (new.lines, new.groups, new.fields) == (q.lines, q.groups, q.fields)
    assert new.additional_discount == 3
    assert (new.account, new.currency, new.price_book, new.quote_date) == (
        "ACME",
        "EUR",
        "EU",
        DAY,
    )
    assert old.status is QuoteStatus.SUPERSEDED
    assert old.version == 6
    assert attrs.evolve(old, status=q.status) == q


@pytest.mark.parametrize("status", ["accepted", "superseded"])
def test_final_quotes_cannot_be_versioned(status):
    with pytest.raises(InvalidTransitionError) as info:
        quote(status=status).new_version("Q-2")
    assert info.value.source is QuoteStatus(status)
    assert info.value.target is QuoteStatus.SUPERSEDED


def test_new_version_needs_a_valid_id():
    refused(lambda: quote().new_version(""), "new_id")
    refused(lambda: quote().new_version(None), "new_id")


def test_the_new_version_can_be_edited_and_versioned_again():
    presented = quote(status="presented", lines=[line("L1")])
    second, _ = presented.new_version("Q-1-R2")
    second = second.with_line(line("L2"))
    third, superseded = second.new_version("Q-1-R3")
    assert (third.revision, third.supersedes, len(third.lines)) == (3, "Q-1-R2", 2)
    assert superseded.id == "Q-1-R2"
