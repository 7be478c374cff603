"""Approval requests under random sequences of actions (a Hypothesis state machine).

Whatever anyone tries, in any order, at any time:

* a request is approved only when every step's completion rule holds (checked here
  from the answers, independently of the package's own rule);
* the audit trail only grows, one entry per change, and replaying it gives the status;
* no one outside the eligible set (the step's approvers, their delegates active at
  the time, the users an approver delegated the step to, the users it was escalated
  to) changes a step; only the submitter recalls;
* a recalled or expired request accepts no decision;
* a refused action raises an SfaError and leaves the request as it was.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from sfa_core.approvals.model import ApprovalMode, ApprovalPlan, PlanStep
from sfa_core.approvals.request import (
    AuditAction,
    RequestStatus,
    StepStatus,
    decide,
    delegate,
    escalate,
    expire,
    reassign,
    recall,
    status_from_audit,
    submit,
)
from sfa_core.approvals.semantics import ApprovalOptions, Response
from sfa_core.directory import Delegation, Directory, User
from sfa_core.errors import SfaError

UTC = dt.timezone.utc
T0 = dt.datetime(2027, 3, 1, 9, tzinfo=UTC)
APPROVERS = ("u0", "u1", "u2", "u3", "rep")
USERS = (*APPROVERS, "u4", "u5")
PEOPLE = Directory(
    users=[User(user) for user in USERS],
    delegations=[
        Delegation("u1", "u4", T0 + dt.timedelta(days=2), T0 + dt.timedelta(days=5)),
        Delegation("u2", "u5", T0),
        Delegation("rep", "u3", T0, T0 + dt.timedelta(days=3)),
    ],
)
ACTORS = st.sampled_from((*USERS, "ghost"))


@st.composite
def steps(draw, level, chain):
    approvers = tuple(
        draw(st.lists(st.sampled_from(APPROVERS), min_size=1, max_size=3, unique=True))
    )
    mode = draw(st.sampled_from(list(ApprovalMode)))
    minimum = draw(st.integers(1, len(approvers))) if mode is ApprovalMode.AT_LEAST else 1
    required = tuple(user for user in approvers if draw(st.booleans()) and draw(st.booleans()))
    escalate_to = tuple(draw(st.lists(st.sampled_from(USERS), max_size=1)))
    return PlanStep(
        level=level,
        chain=chain,
        approvers=approvers,
        mode=mode,
        minimum=minimum,
        required=required,
        sla_hours=draw(st.sampled_from([None, 24])),
        escalate_to=escalate_to,
    )


@st.composite
def plans(draw):
    keys = draw(
        st.lists(
            st.tuples(st.integers(1, 3), st.sampled_from(["a", "b"])),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    return ApprovalPlan(tuple(draw(steps(level, chain)) for level, chain in sorted(keys)))


def _holds(step: PlanStep, state) -> bool:
    """The completion rule of ``step``, computed here from the answers."""
    answers = {answer.approver: answer.response for answer in state.answers}
    if any(answers.get(user) is Response.REJECTED for user in state.approvers):
        return False
    approved = [user for user in state.approvers if answers.get(user) is Response.APPROVED]
    need = {
        ApprovalMode.UNANIMOUS: len(state.approvers),
        ApprovalMode.FIRST_RESPONSE: 1,
        ApprovalMode.AT_LEAST: step.minimum,
    }[step.mode]
    return len(approved) >= need and all(user in approved for user in state.required)


class ApprovalMachine(RuleBasedStateMachine):
    """One request, driven by random actors at random times."""

    @initialize(
        plan=plans(),
        rejection=st.sampled_from(["final", "back_one_step"]),
        self_approval=st.booleans(),
    )
    def start(self, plan, rejection, self_approval):
        self.options = ApprovalOptions(rejection=rejection, allow_self_approval=self_approval)
        self.now = T0
        self.request, _ = submit(
            plan,
            request_id="R",
            quote_id="Q",
            quote_revision=1,
            submitter="rep",
            at=T0,
            options=self.options,
        )

    # -- helpers -------------------------------------------------------------------------

    def _eligible(self, key: str) -> set[str]:
        try:
            state = self.request.step(key)
        except SfaError:
            return set()
        if (
            self.request.status is not RequestStatus.PENDING
            or state.status is not StepStatus.PENDING
        ):
            return set()
        allowed = set(state.escalated_to)
        for user in state.approvers:
            if any(a.approver == user for a in state.answers):
                continue  # that place is answered: nobody acts for it again
            allowed.add(user)
            allowed.update(PEOPLE.delegates_of(user, self.now))
            allowed.update(d for a, d in state.delegates if a == user)
        return allowed

    def _attempt(self, action, *, actor=None, key=None, decision=None):
        before = self.request
        finished = before.status in (RequestStatus.RECALLED, RequestStatus.EXPIRED)
        eligible = self._eligible(key) if key is not None else set()
        try:
            after, events = action()
        except SfaError:
            assert self.request is before
            assert self.request == before
            return
        # it changed: one more audit entry, version one up
        assert after.audit[: len(before.audit)] == before.audit
        assert len(after.audit) == len(before.audit) + 1
        assert after.version == before.version + 1
        assert all(event.request_id == "R" for event in events)
        if decision is not None:
            assert not finished, "a recalled or expired request took a decision"
        if key is not None and actor is not None:
            assert actor in eligible, (actor, key, eligible)
        if decision is True and actor == "rep":
            assert self.options.allow_self_approval
        self.request = after

    # -- rules ---------------------------------------------------------------------------

    @rule(hours=st.integers(0, 72))
    def wait(self, hours):
        self.now += dt.timedelta(hours=hours)

    @rule(
        actor=ACTORS,
        key=st.sampled_from(["1/a", "1/b", "2/a", "2/b", "3/a", "9/z"]),
        approve=st.booleans(),
    )
    def decide(self, actor, key, approve):
        self._attempt(
            lambda: decide(self.request, actor, key, approve, at=self.now, directory=PEOPLE),
            actor=actor,
            key=key,
            decision=approve,
        )

    @rule(data=st.data(), actor=ACTORS, approve=st.booleans())
    def decide_open_step(self, data, actor, approve):
        keys = self.request.open_steps()
        if not keys:
            return
        key = data.draw(st.sampled_from(keys))
        self._attempt(
            lambda: decide(self.request, actor, key, approve, at=self.now, directory=PEOPLE),
            actor=actor,
            key=key,
            decision=approve,
        )

    @rule(data=st.data(), actor=ACTORS, to_user=st.sampled_from(USERS))
    def reassign(self, data, actor, to_user):
        keys = self.request.open_steps() or ("1/a",)
        key = data.draw(st.sampled_from(keys))
        self._attempt(
            lambda: reassign(self.request, actor, key, to_user, at=self.now, directory=PEOPLE),
            actor=actor,
            key=key,
        )

    @rule(data=st.data(), actor=ACTORS, to_user=st.sampled_from(USERS))
    def delegate(self, data, actor, to_user):
        keys = self.request.open_steps() or ("1/a",)
        key = data.draw(st.sampled_from(keys))
        self._attempt(
            lambda: delegate(self.request, actor, key, to_user, at=self.now, directory=PEOPLE),
            actor=actor,
            key=key,
        )

    @rule(actor=ACTORS)
    def recall(self, actor):
        before = self.request
        self._attempt(lambda: recall(self.request, actor, at=self.now))
        if self.request is not before:
            assert actor == "rep"
            assert before.status is RequestStatus.PENDING

    @rule(data=st.data())
    def escalate(self, data):
        keys = self.request.open_steps() or ("1/a",)
        key = data.draw(st.sampled_from(keys))
        self._attempt(lambda: escalate(self.request, key, at=self.now))

    @rule()
    def expire(self):
        self._attempt(lambda: expire(self.request, at=self.now))

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def status_is_the_audit_trail_replayed(self):
        replayed = status_from_audit(self.request.audit, self.request.plan, self.options)
        assert replayed is self.request.status

    @invariant()
    def approved_only_when_every_step_holds(self):
        if self.request.status is not RequestStatus.APPROVED:
            return
        for step, state in zip(self.request.plan.steps, self.request.steps, strict=True):
            assert state.status.done
            if state.status is StepStatus.APPROVED:
                assert _holds(step, state), (step, state)

    @invariant()
    def approved_steps_hold_and_open_steps_do_not(self):
        for step, state in zip(self.request.plan.steps, self.request.steps, strict=True):
            if state.status is StepStatus.APPROVED:
                assert _holds(step, state)
            if state.status is StepStatus.PENDING:
                assert not _holds(step, state)
                assert self.request.status is RequestStatus.PENDING

    @invariant()
    def every_answer_was_given_by_someone_who_could(self):
        for entry in self.request.audit:
            if entry.action in (AuditAction.APPROVE, AuditAction.REJECT):
                assert entry.on_behalf_of is not None


ApprovalMachine.TestCase.settings = settings(
    settings.default,
    max_examples=min(settings.default.max_examples, 40),
    stateful_step_count=30,
    deadline=None,
)
TestApprovalMachine = ApprovalMachine.TestCase
