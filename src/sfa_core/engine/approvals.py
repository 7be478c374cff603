"""The approval service: stored policies, previews, and stored requests driven by decisions.

Each method is a short script over the pure :mod:`sfa_core.approvals`: load the
policy, the quote (priced with the stored catalog and setup) and the directory,
plan or apply a transition, save, return. The policy and the requests are stored
data, never state of the service.

Concurrency: every change of a request is one transaction that reads the request
at version ``v``, applies the pure transition to it and updates it expecting
``v``. When the update is refused (someone else changed the request meanwhile),
the change is tried again on the fresh request, up to :data:`RETRIES` times in
all; the pure transition checks the action again on the fresh request, so a
decision that is still allowed is recorded and one that no longer is (the step
closed, the approver already answered) is refused with its own error. Two
approvers acting at once therefore both end up in the audit trail. Pass
``expected_version`` to refuse instead of retrying (a form that shows the
request at a version).

Locking: a submitted quote moves to ``in_review`` (and on to ``approved`` when
the request is approved), so :class:`~sfa_core.engine.QuoteService` refuses to
edit or reprice it (:class:`~sfa_core.quotes.QuoteLockedError`) while it is in
review or approved; a rejection or a recall moves it back to ``draft``. A host
that reopens an approved quote (``engine.quotes.transition(id, "draft")``)
asks :meth:`ApprovalService.still_valid` whether the approval still holds: it
recomputes the approval fingerprint (:func:`~sfa_core.approvals.fingerprint` of
the approval context and the quote's price-relevant fields) from the quote as
stored now and compares it with the one recorded at submission.

>>> import datetime as dt
>>> from sfa_core import Money, SalesEngine
>>> from sfa_core.approvals import ApprovalRule, ApproverSpec, Policy
>>> from sfa_core.catalog import PriceBook, Product
>>> from sfa_core.directory import User
>>> engine = SalesEngine.in_memory()
>>> _ = engine.catalog.add_product(Product(sku="DESK", name="Desk"))
>>> _ = engine.catalog.add_price_book(PriceBook(id="EU", currency="EUR",
...                                             entries={"DESK": Money("1000", "EUR")}))
>>> _ = engine.directory.add_user(User("mia"))
>>> _ = engine.directory.add_user(User("rep", manager="mia"))
>>> _ = engine.approvals.set_policy(Policy(id="default", rules=[
...     ApprovalRule(id="deep", condition={">": [{"var": "max_line_discount"}, 10]},
...                  approvers=ApproverSpec.manager())]))
>>> _ = engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-1",
...                          quote_date=dt.date(2027, 3, 1))
>>> _ = engine.quotes.add_line("Q-1", sku="DESK", additional_discount=15)
>>> [(s.key, s.approvers) for s in engine.approvals.preview("Q-1", owner="rep").steps]
[('1/default', ('mia',))]
>>> at = dt.datetime(2027, 3, 1, 9, tzinfo=dt.timezone.utc)
>>> request, _ = engine.approvals.submit("Q-1", submitter="rep", at=at, request_id="AR-1")
>>> engine.quotes.get("Q-1").status.value
'in_review'
>>> request, events = engine.approvals.decide("AR-1", "mia", "1/default", True, at=at)
>>> request.status.value, engine.quotes.get("Q-1").status.value
('approved', 'approved')
>>> engine.approvals.still_valid("AR-1")
True
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from sfa_core._validate import require_key
from sfa_core.approvals import (
    ApprovalEvent,
    ApprovalOptions,
    ApprovalPlan,
    ApprovalRequest,
    ApprovalTransitionError,
    Escalation,
    Policy,
    RequestStatus,
    approval_context,
    approval_still_valid,
    due_escalations,
    fingerprint,
    plan,
)
from sfa_core.approvals import decide as _decide
from sfa_core.approvals import escalate as _escalate
from sfa_core.approvals import expire as _expire
from sfa_core.approvals import recall as _recall
from sfa_core.approvals import submit as _submit
from sfa_core.approvals.request import require_instant
from sfa_core.directory import Directory
from sfa_core.engine._support import Transactions, require
from sfa_core.engine.catalog import CatalogService
from sfa_core.engine.directory import DirectoryService
from sfa_core.engine.pricing import PricingService
from sfa_core.engine.quotes import QuoteService
from sfa_core.errors import ConcurrencyError, NotFoundError, ValidationError
from sfa_core.ports import ApprovalPolicyRepository, ApprovalRequestRepository
from sfa_core.quotes import PricedQuote, Quote, QuoteStatus

__all__ = ["RETRIES", "ApprovalService", "new_request_id"]

#: How many times in all a change of a request is tried when a concurrent change
#: made the stored version move on (see the module docstring).
RETRIES = 8

Change = Callable[[ApprovalRequest, Directory], tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]]


def new_request_id() -> str:
    """Return a new approval request id: ``AR-`` and 12 upper-case hex digits.

    Returns:
        The id.

    >>> len(new_request_id()), new_request_id()[:3]
    (15, 'AR-')
    """
    return "AR-" + uuid.uuid4().hex[:12].upper()


class ApprovalService:
    """Approval policies and requests: ``engine.approvals``.

    Args:
        policies: Where approval policies are stored.
        requests: Where approval requests are stored.
        quotes: The quote service (quotes are read, priced and moved through review).
        catalog: The catalog service (product families for the approval context).
        pricing: The pricing service (the current setup, to price a locked quote).
        directory: The directory service (approvers, managers, delegations).
        transactions: The store's transactions.
        new_id: Makes request ids when none is given.
    """

    def __init__(
        self,
        policies: ApprovalPolicyRepository,
        requests: ApprovalRequestRepository,
        quotes: QuoteService,
        catalog: CatalogService,
        pricing: PricingService,
        directory: DirectoryService,
        transactions: Transactions,
        new_id: Callable[[], str] = new_request_id,
    ) -> None:
        self._policies = policies
        self._requests = requests
        self._quotes = quotes
        self._catalog = catalog
        self._pricing = pricing
        self._directory = directory
        self._transactions = transactions
        self._new_id = new_id

    # -- policies ----------------------------------------------------------------------------

    def set_policy(self, policy: Policy) -> Policy:
        """Store a policy: add it at version 0, else update the version it was read at.

        To change a stored policy, read it with :meth:`policy`, change it
        (``attrs.evolve``) and store it again; a concurrent change made in between
        is refused, not overwritten.

        Args:
            policy: The policy; ``version`` 0 for a new one.

        Returns:
            The stored policy at its new version.

        Raises:
            ValidationError: ``policy`` is not a :class:`~sfa_core.approvals.Policy`.
            AlreadyExistsError: A new policy's id is taken.
            NotFoundError: The policy to update is not stored.
            ConcurrencyError: It changed since it was read; nothing is stored.

        >>> import attrs
        >>> from sfa_core import SalesEngine
        >>> approvals = SalesEngine.in_memory().approvals
        >>> first = approvals.set_policy(Policy(id="default"))
        >>> approvals.set_policy(attrs.evolve(first, name="Discounts")).version
        2
        >>> approvals.set_policy(first)
        Traceback (most recent call last):
        ...
        sfa_core.errors.ConcurrencyError: approval policy 'default': expected version 1, ...
        """
        require(policy, Policy, "policy")
        if policy.version == 0:
            return self._policies.add(policy)
        return self._policies.update(policy)

    def policy(self, id: str = "default") -> Policy:
        """Return the stored policy ``id``.

        Args:
            id: The policy's id.

        Returns:
            The policy with its stored version.

        Raises:
            NotFoundError: No policy has this id.
            ValidationError: ``id`` is not an identifier.

        >>> from sfa_core import SalesEngine
        >>> SalesEngine.in_memory().approvals.policy()
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: approval policy 'default' not found
        """
        return self._policies.get(require_key(id, "id"))

    # -- planning ----------------------------------------------------------------------------

    def _people(self) -> Directory:
        """The stored directory, or an empty one when none is stored yet."""
        try:
            return self._directory.get()
        except NotFoundError:
            return Directory()

    def _context(self, quote: Quote, priced: PricedQuote, owner: str | None) -> Any:
        products = self._catalog.products_for(line.sku for line in quote.lines)
        return approval_context(priced, quote, owner=owner, products=products)

    def _price(self, quote: Quote) -> PricedQuote:
        """Price the stored quote: as a draft, or (locked) with the current setup's versions."""
        if quote.status is QuoteStatus.DRAFT:
            return self._quotes.price(quote.id)
        versions = self._pricing.setup(quote.account).versions
        return self._quotes.price(quote.id, setup=versions)

    def preview(
        self,
        quote_id: str,
        *,
        policy_id: str = "default",
        owner: str | None = None,
        when: _dt.datetime | None = None,
    ) -> ApprovalPlan:
        """Plan the approval of a stored quote without submitting it: who would approve, and why.

        The quote is priced with the stored catalog and pricing setup, its
        approval context built (:func:`~sfa_core.approvals.approval_context`, with
        the products' families) and planned against the stored policy and
        directory (:func:`~sfa_core.approvals.plan`). Nothing is written.

        Args:
            quote_id: The quote (a draft).
            policy_id: The policy.
            owner: The quote's owner (who would submit it): their manager is who
                manager approvers name, and they are taken off every step.
            when: The planning time (timezone-aware), to find the delegates of
                inactive approvers.

        Returns:
            The :class:`~sfa_core.approvals.ApprovalPlan`; empty when nothing needs
            approval.

        Raises:
            NotFoundError: No such quote or policy.
            QuoteLockedError: The quote is not a draft.
            SfaError: Whatever pricing or planning raises (an unknown approver, a
                hit policy broken...).

        >>> import datetime as dt
        >>> from sfa_core import SalesEngine
        >>> from sfa_core.catalog import PriceBook
        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.catalog.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> _ = engine.approvals.set_policy(Policy(id="default"))
        >>> _ = engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-1",
        ...                          quote_date=dt.date(2027, 3, 1))
        >>> engine.approvals.preview("Q-1").auto_approved
        True
        """
        policy = self.policy(policy_id)
        if owner is not None:
            require_key(owner, "owner")
        if when is not None:
            require_instant(when, "when")
        quote = self._quotes.get(quote_id)
        context = self._context(quote, self._quotes.price(quote.id), owner)
        return plan(policy, context, self._people(), owner=owner, when=when)

    # -- requests ----------------------------------------------------------------------------

    def submit(
        self,
        quote_id: str,
        *,
        submitter: str,
        at: _dt.datetime,
        policy_id: str = "default",
        request_id: str | None = None,
        comment: str = "",
    ) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
        """Submit a draft quote for approval: plan it, store the request, lock the quote.

        In one transaction: the quote is priced and planned as in :meth:`preview`
        (with ``owner=submitter`` and ``when=at``), the request is made by
        :func:`~sfa_core.approvals.submit` with the approval fingerprint of the
        context and the quote (:func:`~sfa_core.approvals.fingerprint`) and
        stored, and the quote moves to ``in_review``. An empty plan approves the
        request at once, and the quote moves on to ``approved``.

        Args:
            quote_id: The quote (a draft).
            submitter: Who submits (the quote's owner).
            at: When (timezone-aware).
            policy_id: The policy.
            request_id: The new request's id; a new ``AR-...`` id when omitted.
            comment: The submitter's comment.

        Returns:
            The stored request and the events for the host to deliver (the
            approvers of the opened steps to notify, or the request approved).

        Raises:
            NotFoundError: No such quote or policy.
            QuoteLockedError: The quote is not a draft (it is in review already...).
            ApprovalTransitionError: A request for the quote is pending already.
            AlreadyExistsError: ``request_id`` is taken.
            SfaError: Whatever pricing or planning raises; nothing is stored then.

        >>> import datetime as dt
        >>> from sfa_core import SalesEngine
        >>> from sfa_core.catalog import PriceBook
        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.catalog.add_price_book(PriceBook(id="EU", currency="EUR"))
        >>> _ = engine.approvals.set_policy(Policy(id="default"))
        >>> _ = engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-1",
        ...                          quote_date=dt.date(2027, 3, 1))
        >>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
        >>> request, events = engine.approvals.submit("Q-1", submitter="rep", at=at)
        >>> request.status.value, [e.kind.value for e in events]
        ('approved', ['request_approved'])
        >>> engine.quotes.get("Q-1").status.value
        'approved'
        """
        require_key(submitter, "submitter")
        require_instant(at, "at")
        wanted = self._new_id() if request_id is None else require_key(request_id, "request_id")
        with self._transactions.transaction():
            policy = self.policy(policy_id)
            quote = self._quotes.get(quote_id)
            pending = self._requests.list(quote_id=quote.id, status=RequestStatus.PENDING)
            if pending:
                raise ApprovalTransitionError(
                    RequestStatus.PENDING,
                    "submit",
                    None,
                    f"quote {quote.id} has a pending request {pending[0].id}; recall it first",
                )
            context = self._context(quote, self._quotes.price(quote.id), submitter)
            steps = plan(policy, context, self._people(), owner=submitter, when=at)
            request, events = _submit(
                steps,
                request_id=wanted,
                quote_id=quote.id,
                quote_revision=quote.revision,
                submitter=submitter,
                at=at,
                options=ApprovalOptions(allow_self_approval=policy.allow_self_approval),
                fingerprint=fingerprint(context, quote=quote),
                comment=comment,
            )
            stored = self._requests.add(request)
            self._quotes.transition(quote.id, QuoteStatus.IN_REVIEW)
            self._follow(stored)
            return stored, events

    def _follow(self, request: ApprovalRequest) -> None:
        """Move the request's quote along: approved, or back to draft when the review ended.

        Only a quote still in review moves; one the host moved on is left as it is.
        """
        if request.status is RequestStatus.PENDING:
            return
        quote = self._quotes.get(request.quote_id)
        if quote.status is not QuoteStatus.IN_REVIEW:
            return
        if request.status is RequestStatus.APPROVED:
            self._quotes.transition(quote.id, QuoteStatus.APPROVED)
        else:
            self._quotes.transition(quote.id, QuoteStatus.DRAFT)

    def _change(
        self, request_id: str, change: Change, expected_version: int | None
    ) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
        """Apply ``change`` to the stored request in one transaction, retrying on a conflict."""
        key = require_key(request_id, "request_id")
        if expected_version is not None and (
            expected_version.__class__ is not int or expected_version < 1
        ):
            raise ValidationError(
                "must be a positive integer or None",
                path="expected_version",
                value=expected_version,
            )
        attempt = 1
        while True:
            try:
                with self._transactions.transaction():
                    current = self._requests.get(key)
                    if expected_version is not None and current.version != expected_version:
                        raise ConcurrencyError(
                            "approval request", key, expected_version, current.version
                        )
                    changed, events = change(current, self._people())
                    stored = self._requests.update(attrs.evolve(changed, version=current.version))
                    self._follow(stored)
                    return stored, events
            except ConcurrencyError:
                if expected_version is not None or attempt >= RETRIES:
                    raise
                attempt += 1

    def decide(
        self,
        request_id: str,
        actor: str,
        step_key: str,
        approve: bool,
        *,
        at: _dt.datetime,
        comment: str = "",
        on_behalf_of: str | None = None,
        expected_version: int | None = None,
    ) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
        """Approve or reject an open step of a stored request (:func:`~sfa_core.approvals.decide`).

        Delegations are read from the stored directory at ``at``. When the request
        is approved, its quote moves to ``approved``; when rejected, back to
        ``draft``.

        Args:
            request_id: The request.
            actor: Who decides.
            step_key: The step (``"<level>/<chain>"``).
            approve: ``True`` to approve, ``False`` to reject.
            at: When (timezone-aware).
            comment: The approver's comment.
            on_behalf_of: The approver answered for (see the pure function).
            expected_version: The version the caller saw: refuse, rather than retry,
                if the request moved on since.

        Returns:
            The stored request and the events for the host to deliver.

        Raises:
            NotFoundError: No such request.
            NotAuthorizedError: ``actor`` may not answer on this step.
            ApprovalTransitionError: The request is finished, the step is not open,
                or this approver has answered already.
            ConcurrencyError: ``expected_version`` is not the stored version, or the
                request kept changing through every retry.
            ValidationError: An argument is malformed, or no step has ``step_key``.

        >>> import datetime as dt
        >>> from sfa_core import SalesEngine
        >>> SalesEngine.in_memory().approvals.decide(
        ...     "AR-9", "mia", "1/a", True, at=dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc))
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: approval request 'AR-9' not found
        """

        def change(
            request: ApprovalRequest, people: Directory
        ) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
            return _decide(
                request,
                actor,
                step_key,
                approve,
                at=at,
                directory=people,
                comment=comment,
                on_behalf_of=on_behalf_of,
            )

        return self._change(request_id, change, expected_version)

    def recall(
        self,
        request_id: str,
        actor: str,
        *,
        at: _dt.datetime,
        comment: str = "",
        expected_version: int | None = None,
    ) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
        """Withdraw a pending request (only its submitter may); its quote goes back to draft.

        Args:
            request_id: The request.
            actor: Who recalls (the submitter).
            at: When (timezone-aware).
            comment: Why.
            expected_version: As for :meth:`decide`.

        Returns:
            The stored request and a ``request_recalled`` event.

        Raises:
            NotFoundError: No such request.
            NotAuthorizedError: ``actor`` is not the submitter.
            ApprovalTransitionError: The request is not pending.
            ConcurrencyError: As for :meth:`decide`.
        """

        def change(
            request: ApprovalRequest, people: Directory
        ) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
            return _recall(request, actor, at=at, comment=comment)

        return self._change(request_id, change, expected_version)

    def escalate(
        self,
        request_id: str,
        step_key: str,
        *,
        at: _dt.datetime,
        to: Iterable[str] | None = None,
        by: str = "system",
        comment: str = "",
    ) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
        """Escalate an open step of a stored request (what :meth:`escalations_due` says).

        Args:
            request_id: The request.
            step_key: The step.
            at: When (timezone-aware).
            to: Who to escalate to (the plan step's ``escalate_to`` if ``None``).
            by: Who escalates (``"system"`` for the scheduler).
            comment: Why.

        Returns:
            The stored request and a ``step_escalated`` event.

        Raises:
            NotFoundError: No such request.
            ApprovalTransitionError: The request is not pending or the step not open.
            ValidationError: An argument is malformed, or nobody is named.
        """
        targets = None if to is None else tuple(to)

        def change(
            request: ApprovalRequest, people: Directory
        ) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
            return _escalate(request, step_key, at=at, to=targets, by=by, comment=comment)

        return self._change(request_id, change, None)

    def expire(
        self, request_id: str, *, at: _dt.datetime, by: str = "system", comment: str = ""
    ) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
        """End a pending request that waited too long; its quote goes back to draft.

        Args:
            request_id: The request.
            at: When (timezone-aware).
            by: Who ends it (``"system"`` for the scheduler).
            comment: Why.

        Returns:
            The stored request and a ``request_expired`` event.

        Raises:
            NotFoundError: No such request.
            ApprovalTransitionError: The request is not pending.
        """

        def change(
            request: ApprovalRequest, people: Directory
        ) -> tuple[ApprovalRequest, tuple[ApprovalEvent, ...]]:
            return _expire(request, at=at, by=by, comment=comment)

        return self._change(request_id, change, None)

    def escalations_due(self, now: _dt.datetime) -> tuple[Escalation, ...]:
        """Return what to remind or escalate among the stored pending requests at ``now``.

        See :func:`~sfa_core.approvals.due_escalations`; apply an escalation with
        :meth:`escalate`. Nothing is written.

        Args:
            now: The time (timezone-aware).

        Returns:
            One :class:`~sfa_core.approvals.Escalation` per overdue step, by request id.

        Raises:
            ValidationError: ``now`` is not a timezone-aware datetime.

        >>> import datetime as dt
        >>> from sfa_core import SalesEngine
        >>> SalesEngine.in_memory().approvals.escalations_due(
        ...     dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc))
        ()
        """
        require_instant(now, "now")
        return due_escalations(self._requests.list(status=RequestStatus.PENDING), now)

    def get(self, request_id: str) -> ApprovalRequest:
        """Return the stored request.

        Args:
            request_id: The request.

        Returns:
            The request with its stored version.

        Raises:
            NotFoundError: No such request.
            ValidationError: ``request_id`` is not an identifier.
        """
        return self._requests.get(require_key(request_id, "request_id"))

    def list(
        self, quote_id: str | None = None, status: RequestStatus | str | None = None
    ) -> list[ApprovalRequest]:
        """Return the stored requests sorted by id, optionally filtered.

        Args:
            quote_id: Keep this quote's requests only.
            status: Keep requests in this status only (a
                :class:`~sfa_core.approvals.RequestStatus` or its value).

        Returns:
            The requests.

        Raises:
            ValidationError: An unknown status, or a quote id that is not a key.

        >>> from sfa_core import SalesEngine
        >>> SalesEngine.in_memory().approvals.list(status="pending")
        []
        """
        if quote_id is not None:
            require_key(quote_id, "quote_id")
        return self._requests.list(quote_id=quote_id, status=status)

    def still_valid(self, request_id: str) -> bool:
        """Whether the request still stands for its quote as stored now.

        The approval context is built again from the stored quote (priced as a
        draft, or, while it is locked, with the current setup's versions), and its
        fingerprint, with the quote's price-relevant fields, compared with the one
        recorded at submission (:func:`~sfa_core.approvals.approval_still_valid`).
        A pending or approved request whose quote was edited (reopened as a draft
        and changed), or whose price moved with the setup, no longer stands; nor
        does a rejected, recalled or expired one.

        Args:
            request_id: The request.

        Returns:
            ``True`` if the approval (or the review under way) still holds.

        Raises:
            NotFoundError: No such request, or its quote is gone.
        """
        request = self.get(request_id)
        if request.status not in (RequestStatus.PENDING, RequestStatus.APPROVED):
            return False
        quote = self._quotes.get(request.quote_id)
        context = self._context(quote, self._price(quote), request.owner)
        return approval_still_valid(request, fingerprint(context, quote=quote))
