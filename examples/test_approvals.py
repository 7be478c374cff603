"""The approvals walk-through of ``examples/approvals.py``, checked by hand.

Run it with ``pytest examples/test_approvals.py`` (``make test`` runs it too).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from sfa_core.approvals import ApprovalTransitionError, NotAuthorizedError, decide, plan
from sfa_core.quotes import QuoteLine

HERE = Path(__file__).with_name("approvals.py")


def _load():
    spec = importlib.util.spec_from_file_location("approvals_example", HERE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["approvals_example"] = module
    spec.loader.exec_module(module)
    return module


example = _load()


@pytest.fixture(scope="module")
def story():
    return example.run()


def test_the_context_is_what_the_quote_adds_up_to():
    context = example.context_of(example.demo_quote())
    # desks 100 x 900 at 22 % = 70,200; chairs 100 x 480 at 12 % = 42,240; 10 days at 900
    assert context["net_total"] == Decimal("121440.00")
    # cost 100 x 560 + 100 x 260 + 10 x 400 = 86,000; margin 35,440 / 121,440 = 29.18 %
    assert context["margin_percent"] == Decimal("29.18")
    assert context["max_line_discount"] == Decimal("22.00")
    assert context["non_standard_terms"] is True  # net 90 is not a standard term


def test_each_rule_of_the_policy_puts_its_step_in_the_plan():
    result = plan(example.POLICY, example.context_of(example.demo_quote()), example.DIRECTORY)
    assert [(step.key, step.approvers, step.rules) for step in result.steps] == [
        ("1/discount", ("max",), ("discount-over-10",)),
        ("1/legal", ("lea", "leo"), ("legal-terms",)),
        ("2/discount", ("vera",), ("discount-over-20",)),
        ("2/margin", ("finn", "fay", "fred"), ("margin-floor",)),
        ("3/deal", ("finn", "fay", "fred"), ("large-deal",)),
    ]
    deal = result.step("3/deal")
    assert (deal.mode.value, deal.minimum, deal.required) == ("at_least", 2, ("finn",))


def test_a_modest_quote_needs_nobody():
    quote = attrs.evolve(
        example.demo_quote(),
        lines=[
            QuoteLine(key="L1", sku="DESK-PRO", quantity=20, additional_discount=5),
            QuoteLine(key="L2", sku="CHAIR-ERGO", quantity=20, additional_discount=8),
        ],
        fields={"payment_terms": "net 30"},
    )
    context = example.context_of(quote)
    # 20 x 900 x 0.95 + 20 x 480 x 0.92 = 25,932; margin (25,932 - 16,400) / 25,932 = 36.76 %
    assert (context["net_total"], context["margin_percent"]) == (
        Decimal("25932.00"),
        Decimal("36.76"),
    )
    assert plan(example.POLICY, context, example.DIRECTORY).auto_approved


def test_the_vp_rejects_and_the_audit_tells_the_story(story):
    first = story.first
    assert first.status.value == "rejected"
    assert [(entry.who, entry.action.value) for entry in first.audit] == [
        ("ana", "submit"),
        ("max", "approve"),
        ("lea", "approve"),
        ("leo", "approve"),
        ("fay", "approve"),
        ("vera", "reject"),
    ]
    # first response: Fay's answer decided the margin step for all three
    answers = {a.approver: a.response.value for a in first.step("2/margin").answers}
    assert answers == {"fay": "approved", "finn": "no_response", "fred": "no_response"}
    assert first.step("3/deal").status.value == "waiting"


def test_a_finished_request_takes_no_decision(story):
    with pytest.raises(ApprovalTransitionError):
        decide(
            story.first, "finn", "3/deal", True, at=example.hours(30), directory=example.DIRECTORY
        )


def test_the_submitter_may_not_approve(story):
    first_plan = story.first.plan
    request, _ = example.submit(
        first_plan,
        request_id="R-x",
        quote_id="Q-1001",
        quote_revision=1,
        submitter="ana",
        at=example.START,
    )
    with pytest.raises(NotAuthorizedError):
        decide(request, "ana", "1/discount", True, at=example.START, directory=example.DIRECTORY)


def test_the_revision_carries_over_what_still_holds(story):
    assert story.carried == ("1/discount", "1/legal")
    second = story.second
    assert second.status.value == "approved"
    assert [(state.key, state.status.value) for state in second.steps] == [
        ("1/discount", "carried_over"),
        ("1/legal", "carried_over"),
        ("3/deal", "approved"),
    ]
    assert example.status_from_audit(second.audit, second.plan).value == "approved"


def test_the_room_left_at_18_percent(story):
    room = story.room
    assert (room.current, room.free_up_to) == (Decimal(18), Decimal("20.0"))
    # 20.5 %: margin (100 x 900 x 0.795 + 42,240 + 9,000 - 86,000) / net = 29.97 % < 30
    assert [band.from_percent for band in room.bands] == [
        Decimal("0.0"),
        Decimal("20.1"),
        Decimal("20.5"),
    ]
    assert [step.key for step in room.next_level.steps] == [
        "1/discount",
        "1/legal",
        "2/discount",
        "3/deal",
    ]


def test_an_edit_invalidates_the_approval(story):
    assert story.still_valid is True
    assert story.valid_after_edit is False


def test_the_script_prints_the_story():
    done = subprocess.run(
        [sys.executable, str(HERE)], capture_output=True, text=True, check=True, timeout=60
    )
    lines = done.stdout.splitlines()
    assert lines[0] == "Quote Q-1001 for HALCYON, revision 1"
    assert "  R-2 is approved" in lines
    assert lines[-1] == "Approval still valid: True; after adding a desk: False"
