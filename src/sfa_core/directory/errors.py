"""The errors of the directory: unknown users, manager cycles, delegation loops.

Each keeps what went wrong as data: the user id, the loop of ids, the path of the
field that closes it.

>>> err = ManagerCycleError(["ana", "bo", "ana"], path="users[0].manager", value="bo")
>>> err.cycle, err.code
(('ana', 'bo', 'ana'), 'manager_cycle')
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any, ClassVar

from sfa_core.errors import NotFoundError, ValidationError, _joined

__all__ = [
    "DelegationCycleError",
    "ManagerCycleError",
    "SelfDelegationError",
    "UnknownGroupError",
    "UnknownUserError",
    "UnknownUserReferenceError",
]


def _loop(cycle: Any) -> str:
    return _joined(cycle, " -> ")


class UnknownUserError(NotFoundError):
    """A user id was looked up that the directory does not hold.

    Attributes:
        kind: ``"user"``.
        key: The user id that was looked up.

    Example:
        >>> from sfa_core.directory import Directory
        >>> Directory().user("ana")
        Traceback (most recent call last):
        ...
        sfa_core.directory.errors.UnknownUserError: user 'ana' not found
        >>> UnknownUserError("ana").code
        'unknown_user'
    """

    code: ClassVar[str] = "unknown_user"

    def __init__(self, user_id: object) -> None:
        super().__init__("user", user_id)


class UnknownGroupError(NotFoundError):
    """A group id was looked up that the directory does not hold.

    Attributes:
        kind: ``"group"``.
        key: The group id that was looked up.

    Example:
        >>> from sfa_core.directory import Directory
        >>> Directory().group("sales")
        Traceback (most recent call last):
        ...
        sfa_core.directory.errors.UnknownGroupError: group 'sales' not found
    """

    code: ClassVar[str] = "unknown_group"

    def __init__(self, group_id: object) -> None:
        super().__init__("group", group_id)


class UnknownUserReferenceError(ValidationError):
    """A manager, group member or delegation party names a user the directory does not hold.

    Attributes:
        user: The unknown user id (also in ``value``).
        path: The field that names it (``"groups[0].members[2].user"``).

    Example:
        >>> from sfa_core.directory import Directory, User
        >>> Directory(users=[User("ana", manager="zoe")])
        Traceback (most recent call last):
        ...
        sfa_core.directory.errors.UnknownUserReferenceError: users[0].manager: no user has \
this id (got 'zoe')
        >>> UnknownUserReferenceError("zoe", path="users[0].manager").user
        'zoe'
    """

    code: ClassVar[str] = "unknown_user_reference"

    def __init__(self, user: Any, *, path: str) -> None:
        self.user = user
        super().__init__("no user has this id", path=path, value=user)


class ManagerCycleError(ValidationError):
    """Users are each other's managers in a loop (``ana -> bo -> ana``).

    Raised when the directory is built, so that walking a manager chain always ends.

    Attributes:
        cycle: The ids of the users in the loop, each followed by its manager, the
            first repeated at the end.
        path: The ``manager`` field of the first user of the loop (``"users[0].manager"``).
        value: That field's value.

    Example:
        >>> from sfa_core.directory import Directory, User
        >>> try:
        ...     Directory(users=[User("ana", manager="bo"), User("bo", manager="ana")])
        ... except ManagerCycleError as err:
        ...     print(err.cycle, err.path, err.value)
        ('ana', 'bo', 'ana') users[0].manager bo
    """

    code: ClassVar[str] = "manager_cycle"

    def __init__(self, cycle: Sequence[str], *, path: str = "", value: Any = None) -> None:
        self.cycle = tuple(cycle) if isinstance(cycle, (list, tuple)) else cycle
        super().__init__(f"managers form a loop: {_loop(cycle)}", path=path, value=value)


class SelfDelegationError(ValidationError):
    """A delegation hands a user's work to that same user.

    Attributes:
        user: The user (also in ``value``); ``path`` is ``"to_user"``.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.directory import Delegation
        >>> Delegation("ana", "ana", dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc))
        Traceback (most recent call last):
        ...
        sfa_core.directory.errors.SelfDelegationError: to_user: a user cannot delegate to \
themselves (got 'ana')
    """

    code: ClassVar[str] = "self_delegation"

    def __init__(self, user: Any, *, path: str = "to_user") -> None:
        self.user = user
        super().__init__("a user cannot delegate to themselves", path=path, value=user)


class DelegationCycleError(ValidationError):
    """Delegations that are active at the same time hand work around in a loop.

    Attributes:
        cycle: The user ids of the loop, each followed by the one it delegates to, the
            first repeated at the end.
        at: An instant at which every delegation of the loop is active.
        path: The ``to_user`` field of the delegation that closes the loop.
        value: That field's value.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.directory import Delegation, Directory, User
        >>> march = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
        >>> try:
        ...     Directory(users=[User("ana"), User("bo")],
        ...               delegations=[Delegation("ana", "bo", march),
        ...                            Delegation("bo", "ana", march)])
        ... except DelegationCycleError as err:
        ...     print(err.cycle, err.path, err.at.isoformat())
        ('ana', 'bo', 'ana') delegations[0].to_user 2027-03-01T00:00:00+00:00
    """

    code: ClassVar[str] = "delegation_cycle"

    def __init__(
        self,
        cycle: Sequence[str],
        *,
        at: _dt.datetime | None = None,
        path: str = "",
        value: Any = None,
    ) -> None:
        self.cycle = tuple(cycle) if isinstance(cycle, (list, tuple)) else cycle
        self.at = at
        when = f" (all active at {at.isoformat()})" if isinstance(at, _dt.datetime) else ""
        super().__init__(f"delegations form a loop: {_loop(cycle)}{when}", path=path, value=value)
