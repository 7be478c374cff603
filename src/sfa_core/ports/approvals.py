"""The approval repositories: policies by id, and requests by id filterable by quote and status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from sfa_core.ports.versioned import VersionedRepository

if TYPE_CHECKING:
    # Only annotations use them: importing the ports must not import the approvals
    # (and the quotes and pricing they pull in).
    import sfa_core.approvals.policy
    import sfa_core.approvals.request  # noqa: F401 (named in the base class below)
    from sfa_core.approvals.policy import Policy
    from sfa_core.approvals.request import ApprovalRequest, RequestStatus

__all__ = ["ApprovalPolicyRepository", "ApprovalRequestRepository"]


@runtime_checkable
class ApprovalPolicyRepository(VersionedRepository["sfa_core.approvals.policy.Policy"], Protocol):
    """Stores approval :class:`~sfa_core.approvals.Policy` values by id.

    The same rules as :class:`ProductRepository` apply, with the policy's ``id``
    as the key and ``"approval policy"`` as the ``kind`` of its errors. A policy
    is stored whole: its rules (conditions, approver specifications, levels,
    chains, SLAs, escalations), its hit policy and its options all come back
    equal, compiled again when read. There is nothing to filter on. Prove an
    implementation with
    :class:`~sfa_core.testing.contracts.ApprovalPolicyRepositoryContract`.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.approvals import ApprovalRule, ApproverSpec, Policy
        >>> policies = MemoryStore().approval_policies
        >>> isinstance(policies, ApprovalPolicyRepository)
        True
        >>> rule = ApprovalRule(id="deep", condition={">": [{"var": "discount_percent"}, 20]},
        ...                     approvers=ApproverSpec.manager())
        >>> stored = policies.add(Policy(id="default", rules=[rule]))
        >>> policies.get("default").matching({"discount_percent": 25}) == (rule,)
        True
        >>> policies.delete("default", expected_version=1)
        >>> policies.list()
        []
    """

    def get(self, policy_id: str) -> Policy:
        """Return the stored policy ``policy_id``.

        Args:
            policy_id: The key of the policy.

        Returns:
            The policy as last stored, every field equal to what was written,
            with its current ``version``.

        Raises:
            NotFoundError: No policy ``policy_id`` is stored
                (``kind="approval policy"``, ``key=policy_id``).
        """
        ...

    def list(self) -> list[Policy]:
        """Return every stored policy, sorted by id.

        Returns:
            A new list, in ascending string order of ``id``; empty when none is stored.
        """
        ...

    def add(self, policy: Policy) -> Policy:
        """Store a new policy.

        Args:
            policy: The policy to store; its ``version`` is ignored.

        Returns:
            The stored policy, ``policy`` with ``version == 1``.

        Raises:
            AlreadyExistsError: A policy with this id is stored already; the
                stored one is left unchanged.
        """
        ...

    def update(self, policy: Policy) -> Policy:
        """Replace the stored policy, if nobody changed it since it was read.

        Args:
            policy: The new value, carrying the version it was read at.

        Returns:
            The stored policy, with ``version`` one higher.

        Raises:
            NotFoundError: No policy with this id is stored.
            ConcurrencyError: The stored version is not ``policy.version``;
                nothing is changed.
        """
        ...

    def delete(self, policy_id: str, *, expected_version: int) -> None:
        """Delete policy ``policy_id`` if its stored version is ``expected_version``.

        Args:
            policy_id: The key of the policy.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: No policy ``policy_id`` is stored.
            ConcurrencyError: The stored version is not ``expected_version``;
                nothing is deleted.
        """
        ...


@runtime_checkable
class ApprovalRequestRepository(
    VersionedRepository["sfa_core.approvals.request.ApprovalRequest"], Protocol
):
    """Stores :class:`~sfa_core.approvals.ApprovalRequest` values by id.

    The same rules as :class:`ProductRepository` apply, with the request's ``id``
    as the key and ``"approval request"`` as the ``kind`` of its errors. A
    request is stored whole: its plan (steps, approvers, reasons), each step's
    state and answers, its audit trail, fingerprint and times (each keeping its
    UTC offset) come back equal, so its status can still be recomputed from its
    audit trail. ``list`` filters by quote and by status.

    A request's own ``version`` counts its transitions; a repository stores it
    like any value: ``update`` takes the request carrying the version it was
    *read* at. The engine reads a request at version ``v``, applies a transition
    (which gives ``v + 1``), sets the version back to ``v`` and updates, so a
    decision made meanwhile by someone else is refused, not overwritten.

    One caveat of the package's serialization applies: the values a plan's
    reasons show (the numbers a condition saw, JSON data) are data shown, not
    arithmetic, and a ``Decimal`` among them may read back as its text. The
    shipped repositories store every request in that form already, so ``add``,
    ``update`` and ``get`` return equal values on both adapters. Prove an
    implementation with
    :class:`~sfa_core.testing.contracts.ApprovalRequestRepositoryContract`.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.approvals import ApprovalPlan, PlanStep, submit
        >>> plan = ApprovalPlan((PlanStep(level=1, chain="discount", approvers=("mia",)),))
        >>> request, _ = submit(plan, request_id="AR-1", quote_id="Q-1", quote_revision=1,
        ...                     submitter="rep", at=dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc))
        >>> requests = MemoryStore().approval_requests
        >>> isinstance(requests, ApprovalRequestRepository)
        True
        >>> requests.add(request).version
        1
        >>> [r.id for r in requests.list(quote_id="Q-1", status="pending")]
        ['AR-1']
    """

    def get(self, request_id: str) -> ApprovalRequest:
        """Return the stored request ``request_id``.

        Args:
            request_id: The key of the request.

        Returns:
            The request as last stored, with its current ``version``.

        Raises:
            NotFoundError: No request ``request_id`` is stored
                (``kind="approval request"``, ``key=request_id``).
        """
        ...

    def list(
        self, *, quote_id: str | None = None, status: RequestStatus | str | None = None
    ) -> list[ApprovalRequest]:
        """Return the stored requests, sorted by id, optionally filtered.

        Args:
            quote_id: Keep only the requests about this quote; ``None`` keeps all.
            status: Keep only requests in this status: a
                :class:`~sfa_core.approvals.RequestStatus` member or its string
                value (``"pending"``); ``None`` keeps all.

        Returns:
            A new list of the matching requests (all filters must hold), in
            ascending string order of ``id``; empty when none match.

        Raises:
            ValidationError: ``status`` is neither a ``RequestStatus`` nor the
                value of one (``path="status"``), or ``quote_id`` is not text.
        """
        ...

    def add(self, request: ApprovalRequest) -> ApprovalRequest:
        """Store a new request.

        Args:
            request: The request to store; its ``version`` is ignored.

        Returns:
            The stored request, with ``version == 1``.

        Raises:
            AlreadyExistsError: A request with this id is stored already; the
                stored one is left unchanged.
        """
        ...

    def update(self, request: ApprovalRequest) -> ApprovalRequest:
        """Replace the stored request, if nobody changed it since it was read.

        Args:
            request: The new value, carrying the version it was read at.

        Returns:
            The stored request, with ``version`` one higher.

        Raises:
            NotFoundError: No request with this id is stored.
            ConcurrencyError: The stored version is not ``request.version``;
                nothing is changed.
        """
        ...

    def delete(self, request_id: str, *, expected_version: int) -> None:
        """Delete request ``request_id`` if its stored version is ``expected_version``.

        Args:
            request_id: The key of the request.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: No request ``request_id`` is stored.
            ConcurrencyError: The stored version is not ``expected_version``;
                nothing is deleted.
        """
        ...
