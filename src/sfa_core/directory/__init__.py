"""The directory: users, managers, roles, groups and teams, and delegations.

The one place where people live. Approvals find their approvers here; lead
routing (availability, capacity) and forecast hierarchies (who reports to whom)
build on it. A :class:`Directory` is one stored value, checked whole when it is
built, so that manager chains and delegations never loop.

>>> import datetime as dt
>>> from sfa_core.directory import Delegation, Directory, User
>>> directory = Directory(users=[User("ceo"), User("ana", manager="ceo", roles=["sales"])])
>>> directory.manager_of("ana").id, [u.id for u in directory.with_role("sales")]
('ceo', ['ana'])
"""

from __future__ import annotations

from sfa_core.directory.errors import (
    DelegationCycleError,
    ManagerCycleError,
    SelfDelegationError,
    UnknownGroupError,
    UnknownUserError,
    UnknownUserReferenceError,
)
from sfa_core.directory.model import MAX_WEIGHT, Delegation, Directory, Group, GroupMember, User

__all__ = [
    "MAX_WEIGHT",
    "Delegation",
    "DelegationCycleError",
    "Directory",
    "Group",
    "GroupMember",
    "ManagerCycleError",
    "SelfDelegationError",
    "UnknownGroupError",
    "UnknownUserError",
    "UnknownUserReferenceError",
    "User",
]
