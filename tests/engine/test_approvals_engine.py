"""Approvals through SalesEngine on both adapters: preview, submit, decide, recall, escalate."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading

import attrs
import pytest

from sfa_core import Money, SalesEngine
from sfa_core.adapters.memory import MemoryStore
from sfa_core.approvals import (
    ApprovalRule,
    ApprovalTransitionError,
    ApproverSpec,
    NotAuthorizedError,
    Policy,
    status_from_audit,
)
from sfa_core.catalog import PriceBook, Product
from sfa_core.directory import User
from sfa_core.errors import ConcurrencyError, MissingRepositoryError, NotFoundError
from sfa_core.quotes import QuoteLockedError

UTC = dt.timezone.utc
AT = dt.datetime(2027, 3, 1, 9, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
def engine(request, tmp_path):
    if request.param == "memory":
        made = SalesEngine.in_memory()
    else:
        made = SalesEngine.sqlite(tmp_path / "crm.db")
    yield made
    made.close()


POLICY = Policy(
    id="default",
    rules=[
        ApprovalRule(
            id="deep",
            condition={">": [{"var": "max_line_discount"}, 10]},
            approvers=ApproverSpec.manager(),
            chain="discount",
            sla_hours=24,
            escalate_to=("vp",),
        ),
        ApprovalRule(
            id="deeper",
            condition={">": [{"var": "max_line_discount"}, 20]},
            approvers=ApproverSpec.group("finance", mode="unanimous"),
            level=2,
            chain="discount",
        ),
    ],
)


def seed(engine, *quotes):
    engine.catalog.add_product(Product(sku="DESK", name="Desk", family="furniture"))
    engine.catalog.add_price_book(
        PriceBook(id="EU", currency="EUR", entries={"DESK": Money("1000", "EUR")})
    )
    for user in (
        User("vp", roles=["vp"]),
        User("mia", manager="vp"),
        User("rep", manager="mia"),
        User("fin1"),
        User("fin2"),
    ):
        engine.directory.add_user(user)
    from sfa_core.directory import Group

    engine.directory.add_group(Group("finance", members=["fin1", "fin2"]))
    engine.approvals.set_policy(POLICY)
    for quote_id, discount in quotes:
        engine.quotes.create(
            account="ACME", price_book="EU", quote_id=quote_id, quote_date=dt.date(2027, 3, 1)
        )
        engine.quotes.add_line(quote_id, sku="DESK", quantity=2, additional_discount=discount)


def test_preview_plans_the_stored_quote_and_writes_nothing(engine):
    seed(engine, ("Q-1", 25), ("Q-2", 5))
    plan = engine.approvals.preview("Q-1", owner="rep")
    assert [(s.key, s.approvers) for s in plan.steps] == [
        ("1/discount", ("mia",)),
        ("2/discount", ("fin1", "fin2")),
    ]
    assert "max_line_discount > 10: 25" in str(plan.steps[0].reasons[0])
    assert engine.approvals.preview("Q-2", owner="rep").auto_approved
    assert engine.approvals.list() == []
    assert engine.quotes.get("Q-1").status.value == "draft"


def test_policy_is_stored_not_held(engine, tmp_path):
    seed(engine)
    stored = engine.approvals.policy()
    assert stored == attrs.evolve(POLICY, version=1)
    with pytest.raises(NotFoundError):
        engine.approvals.policy("partners")
    updated = engine.approvals.set_policy(attrs.evolve(stored, name="Discounts"))
    assert updated.version == 2
    with pytest.raises(ConcurrencyError):
        engine.approvals.set_policy(stored)
    assert engine.approvals.policy().name == "Discounts"


def test_submit_decide_until_approved_locks_the_quote(engine):
    seed(engine, ("Q-1", 25))
    request, events = engine.approvals.submit("Q-1", submitter="rep", at=AT, request_id="AR-1")
    assert request.status.value == "pending"
    assert request.version == 1
    assert [(e.kind.value, e.recipients) for e in events] == [("step_opened", ("mia",))]
    assert request.fingerprint is not None
    assert engine.quotes.get("Q-1").status.value == "in_review"
    with pytest.raises(QuoteLockedError):
        engine.quotes.update_line("Q-1", "L1", additional_discount=40)
    assert engine.approvals.still_valid("AR-1")
    engine.approvals.decide("AR-1", "mia", "1/discount", True, at=AT)
    engine.approvals.decide("AR-1", "fin1", "2/discount", True, at=AT)
    done, events = engine.approvals.decide("AR-1", "fin2", "2/discount", True, at=AT)
    assert done.status.value == "approved"
    assert done.version == 4
    assert events[-1].kind.value == "request_approved"
    assert engine.approvals.get("AR-1") == done
    assert status_from_audit(done.audit, done.plan, done.options) is done.status
    assert engine.quotes.get("Q-1").status.value == "approved"
    assert engine.approvals.still_valid("AR-1")
    assert engine.approvals.list(quote_id="Q-1", status="approved") == [done]
    # Reopened and edited, the approval no longer holds; reopened unchanged, it does.
    engine.quotes.transition("Q-1", "draft")
    assert engine.approvals.still_valid("AR-1")
    engine.quotes.update_line("Q-1", "L1", additional_discount=30)
    assert not engine.approvals.still_valid("AR-1")


def test_an_empty_plan_approves_at_once(engine):
    seed(engine, ("Q-2", 5))
    request, events = engine.approvals.submit("Q-2", submitter="rep", at=AT)
    assert request.status.value == "approved"
    assert request.id.startswith("AR-")
    assert [e.kind.value for e in events] == ["request_approved"]
    assert engine.quotes.get("Q-2").status.value == "approved"


def test_rejection_and_recall_send_the_quote_back_to_draft(engine):
    seed(engine, ("Q-1", 25), ("Q-3", 15))
    engine.approvals.submit("Q-1", submitter="rep", at=AT, request_id="AR-1")
    rejected, _ = engine.approvals.decide("AR-1", "mia", "1/discount", False, at=AT, comment="no")
    assert rejected.status.value == "rejected"
    assert engine.quotes.get("Q-1").status.value == "draft"
    assert not engine.approvals.still_valid("AR-1")
    engine.approvals.submit("Q-3", submitter="rep", at=AT, request_id="AR-3")
    with pytest.raises(NotAuthorizedError):
        engine.approvals.recall("AR-3", "mia", at=AT)
    recalled, events = engine.approvals.recall("AR-3", "rep", at=AT)
    assert recalled.status.value == "recalled"
    assert events[0].recipients == ("mia",)
    assert engine.quotes.get("Q-3").status.value == "draft"
    # Resubmitted after the recall: a new request.
    again, _ = engine.approvals.submit("Q-3", submitter="rep", at=AT, request_id="AR-4")
    assert [r.id for r in engine.approvals.list(quote_id="Q-3")] == ["AR-3", "AR-4"]
    assert again.status.value == "pending"


def test_escalations_due_over_stored_pending_requests(engine):
    seed(engine, ("Q-1", 25), ("Q-3", 15))
    engine.approvals.submit("Q-1", submitter="rep", at=AT, request_id="AR-1")
    engine.approvals.submit("Q-3", submitter="rep", at=AT, request_id="AR-3")
    engine.approvals.recall("AR-3", "rep", at=AT)
    assert engine.approvals.escalations_due(AT + dt.timedelta(hours=23)) == ()
    due = engine.approvals.escalations_due(AT + dt.timedelta(hours=24))
    assert [(e.kind.value, e.request_id, e.step, e.recipients) for e in due] == [
        ("escalate", "AR-1", "1/discount", ("vp",))
    ]
    escalated, _ = engine.approvals.escalate("AR-1", "1/discount", at=AT + dt.timedelta(hours=24))
    assert escalated.step("1/discount").escalated_to == ("vp",)
    done, _ = engine.approvals.decide("AR-1", "vp", "1/discount", True, at=AT)
    assert done.step("1/discount").status.value == "approved"
    expired, _ = engine.approvals.expire("AR-1", at=AT + dt.timedelta(days=30))
    assert expired.status.value == "expired"
    assert engine.quotes.get("Q-1").status.value == "draft"


def test_failed_operations_leave_stored_data_unchanged(engine):
    seed(engine, ("Q-1", 25))
    request, _ = engine.approvals.submit("Q-1", submitter="rep", at=AT, request_id="AR-1")
    quote = engine.quotes.get("Q-1")
    for attempt in (
        lambda: engine.approvals.decide("AR-1", "rep", "1/discount", True, at=AT),
        lambda: engine.approvals.decide("AR-1", "fin1", "2/discount", True, at=AT),
        lambda: engine.approvals.decide("AR-1", "mia", "1/discount", True, at=AT,
                                        expected_version=7),
        lambda: engine.approvals.recall("AR-1", "mia", at=AT),
        lambda: engine.approvals.submit("Q-1", submitter="rep", at=AT, request_id="AR-2"),
    ):  # fmt: skip
        with pytest.raises((NotAuthorizedError, ApprovalTransitionError, ConcurrencyError,
                            QuoteLockedError)):  # fmt: skip
            attempt()
        assert engine.approvals.get("AR-1") == request
        assert engine.quotes.get("Q-1") == quote
        assert [r.id for r in engine.approvals.list()] == ["AR-1"]


def test_a_failed_submit_stores_nothing(engine):
    seed(engine, ("Q-1", 25))
    engine.approvals.set_policy(
        Policy(id="broken", rules=[ApprovalRule(id="x", approvers=ApproverSpec.user("ghost"))])
    )
    quote = engine.quotes.get("Q-1")
    with pytest.raises(Exception, match="ghost"):
        engine.approvals.submit("Q-1", submitter="rep", at=AT, policy_id="broken")
    assert engine.approvals.list() == []
    assert engine.quotes.get("Q-1") == quote


def test_a_store_without_approval_repositories_says_so():
    store = MemoryStore()
    engine = SalesEngine(products=store.products, quotes=store.quotes, unit_of_work=store)
    with pytest.raises(MissingRepositoryError) as info:
        engine.approvals.policy()
    assert "approval_policies" in str(info.value)
    with pytest.raises(MissingRepositoryError):
        engine.approvals.list()


def _race(engine, approvers):
    """Each approver decides the same open step at once, released by one barrier."""
    barrier = threading.Barrier(len(approvers), timeout=30)
    failures = []

    def act(approver):
        try:
            barrier.wait()
            engine.approvals.decide("AR-1", approver, "2/discount", True, at=AT)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=act, args=(a,)) for a in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures


def test_two_threads_deciding_at_once_lose_no_decision(engine):
    seed(engine, ("Q-1", 25))
    engine.approvals.submit("Q-1", submitter="rep", at=AT, request_id="AR-1")
    engine.approvals.decide("AR-1", "mia", "1/discount", True, at=AT)
    _race(engine, ["fin1", "fin2"])
    done = engine.approvals.get("AR-1")
    assert done.status.value == "approved"
    assert sorted(e.who for e in done.audit if e.step == "2/discount") == ["fin1", "fin2"]
    assert engine.quotes.get("Q-1").status.value == "approved"


class _Racy:
    """A request repository that lets every reader read the same version (no store lock)."""

    def __init__(self, inner):
        self._inner = inner
        self.conflicts = 0

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def update(self, request):
        try:
            return self._inner.update(request)
        except ConcurrencyError:
            self.conflicts += 1
            raise


def test_retries_when_the_store_does_not_serialize_writers():
    store = MemoryStore()
    racy = _Racy(store.approval_requests)
    barrier = threading.Barrier(2, timeout=30)
    real_get = store.approval_requests.get
    waited = set()

    def get(key):
        value = real_get(key)
        me = threading.current_thread()
        if me is not threading.main_thread() and me not in waited:
            waited.add(me)
            barrier.wait()  # both racers read the same version before either writes
        return value

    racy.get = get
    engine = SalesEngine(
        products=store.products,
        price_books=store.price_books,
        quotes=store.quotes,
        directories=store.directories,
        approval_policies=store.approval_policies,
        approval_requests=racy,
    )  # no unit of work: nothing serializes the two deciders
    seed(engine, ("Q-1", 25))
    engine.approvals.submit("Q-1", submitter="rep", at=AT, request_id="AR-1")
    engine.approvals.decide("AR-1", "mia", "1/discount", True, at=AT)
    _race(engine, ["fin1", "fin2"])
    done = engine.approvals.get("AR-1")
    assert racy.conflicts >= 1
    assert sorted(e.who for e in done.audit if e.step == "2/discount") == ["fin1", "fin2"]
    assert done.status.value == "approved"


def _decide_in_process(path, approver, ready, go):
    with SalesEngine.sqlite(path) as engine:
        ready.put(approver)
        go.wait(30)
        engine.approvals.decide("AR-1", approver, "2/discount", True, at=AT)


def test_two_processes_deciding_at_once_lose_no_decision(tmp_path):
    path = tmp_path / "crm.db"
    with SalesEngine.sqlite(path) as engine:
        seed(engine, ("Q-1", 25))
        engine.approvals.submit("Q-1", submitter="rep", at=AT, request_id="AR-1")
        engine.approvals.decide("AR-1", "mia", "1/discount", True, at=AT)
    context = multiprocessing.get_context("spawn")
    ready, go = context.Queue(), context.Event()
    workers = [
        context.Process(target=_decide_in_process, args=(str(path), who, ready, go))
        for who in ("fin1", "fin2")
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=60)
    go.set()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    with SalesEngine.sqlite(path) as engine:
        done = engine.approvals.get("AR-1")
        assert sorted(e.who for e in done.audit if e.step == "2/discount") == ["fin1", "fin2"]
        assert done.status.value == "approved"
        assert done.version == 4
        assert engine.quotes.get("Q-1").status.value == "approved"
