"""The directory: the one place where people live.

A :class:`Directory` holds the :class:`User` s of an organisation (with their roles,
their manager and their time zone), its :class:`Group` s and teams (members with
optional weights) and the :class:`Delegation` s between users (who acts for whom,
and when). Approvals read it to find approvers; lead routing and forecast
hierarchies build on it.

It is a stored aggregate (one value, with a ``version``), checked whole when it is
built: ids are unique, every manager, member and delegation party is a known user,
managers never loop (:class:`~sfa_core.directory.ManagerCycleError`) and
delegations active at the same time never loop
(:class:`~sfa_core.directory.DelegationCycleError`). So reading a manager chain or
following delegations always ends. Lookups are dictionary reads on an index built
once with the value (left out of equality, ``repr`` and documents).

>>> import datetime as dt
>>> utc = dt.timezone.utc
>>> directory = Directory(
...     users=[User("ceo", roles=["vp"]), User("ana", manager="ceo", roles=["sales"]),
...            User("bo", manager="ana", time_zone="Europe/Paris")],
...     delegations=[Delegation("ana", "ceo", dt.datetime(2027, 8, 1, tzinfo=utc),
...                             dt.datetime(2027, 8, 15, tzinfo=utc))],
... )
>>> [user.id for user in directory.manager_chain("bo")]
['ana', 'ceo']
>>> directory.may_act_for("ceo", "ana", dt.datetime(2027, 8, 3, 9, tzinfo=utc))
True
"""

from __future__ import annotations

import datetime as _dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

import attrs

from sfa_core._validate import (
    check_bool,
    check_key,
    check_text,
    check_version,
    require_key,
    to_items,
)
from sfa_core.directory.errors import (
    DelegationCycleError,
    ManagerCycleError,
    SelfDelegationError,
    UnknownGroupError,
    UnknownUserError,
    UnknownUserReferenceError,
)
from sfa_core.errors import ValidationError

__all__ = ["MAX_WEIGHT", "Delegation", "Directory", "Group", "GroupMember", "User"]

#: The largest weight of a group member.
MAX_WEIGHT = 1_000_000_000

# -- time zones and instants -------------------------------------------------------------------

# Zone names already found valid (bounded): building a user must not read the zone
# database each time.
_KNOWN_ZONES: set[str] = {"UTC"}
_KNOWN_ZONES_MAX = 1024


def _check_time_zone(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is str and value in _KNOWN_ZONES:
        return
    require_key(value, attribute.name)
    try:
        zoneinfo.ZoneInfo(value)
    except (KeyError, ValueError, OSError, UnicodeError):
        raise ValidationError(
            "must be an IANA time zone name (such as 'Europe/Paris' or 'UTC')",
            path=attribute.name,
            value=value,
        ) from None
    if value.__class__ is str:
        if len(_KNOWN_ZONES) >= _KNOWN_ZONES_MAX:
            _KNOWN_ZONES.clear()
            _KNOWN_ZONES.add("UTC")
        _KNOWN_ZONES.add(value)


def _require_instant(value: Any, path: str) -> _dt.datetime:
    """Return ``value`` if it is a timezone-aware ``datetime``; refuse anything else."""
    if not isinstance(value, _dt.datetime):
        raise ValidationError("must be a timezone-aware datetime.datetime", path=path, value=value)
    try:
        offset = value.utcoffset()
    except Exception:  # a tzinfo whose utcoffset fails
        offset = None
    if offset is None:
        raise ValidationError(
            "must be timezone-aware (give it a tzinfo, such as datetime.timezone.utc)",
            path=path,
            value=value,
        )
    return value


def _check_instant(instance: Any, attribute: Any, value: Any) -> None:
    _require_instant(value, attribute.name)


def _check_optional_instant(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        _require_instant(value, attribute.name)


def _before(earlier: _dt.datetime, later: _dt.datetime) -> bool:
    """``earlier < later`` for aware datetimes (compared as instants, whatever their zones)."""
    return earlier < later


# -- users ---------------------------------------------------------------------------------------


def _roles(value: Iterable[str]) -> tuple[str, ...]:
    items = to_items(value)
    if items.__class__ is not tuple:
        raise ValidationError(
            "must be a sequence (list or tuple) of roles", path="roles", value=value
        )
    seen: set[str] = set()
    for index, role in enumerate(items):
        require_key(role, f"roles[{index}]")
        if role in seen:
            raise ValidationError("repeats a role", path=f"roles[{index}]", value=role)
        seen.add(role)
    return items


_roles.__annotations__ = {"value": Iterable[str], "return": tuple[str, ...]}


@attrs.frozen
class User:
    """A person in the directory.

    Attributes:
        id: The user's id (``"ana"``, an employee number, an email address).
        name: Display name.
        active: Whether the user works here now; inactive users are kept (their
            history refers to them) but hold no roles (:meth:`Directory.with_role`)
            and are left out of active group members.
        roles: The roles the user holds (``"sales_manager"``), each once.
        manager: The id of the user's manager, ``None`` at the top.
        time_zone: An IANA time zone name (``"Europe/Paris"``).

    Raises:
        ValidationError: An id, role or manager is not a valid identifier, a role is
            repeated, or the time zone is unknown (path ``time_zone``).
        ManagerCycleError: The user is their own manager.

    >>> User("ana", name="Ana Ruiz", roles=["sales"], manager="ceo").manager
    'ceo'
    >>> User("ana", time_zone="Mars/Olympus")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: time_zone: must be an IANA time zone name (such as \
'Europe/Paris' or 'UTC') (got 'Mars/Olympus')
    """

    id: str = attrs.field(validator=check_key)
    name: str = attrs.field(default="", validator=check_text)
    active: bool = attrs.field(default=True, validator=check_bool)
    roles: tuple[str, ...] = attrs.field(default=(), converter=_roles)
    manager: str | None = attrs.field(default=None)
    time_zone: str = attrs.field(default="UTC", validator=_check_time_zone)

    def __attrs_post_init__(self) -> None:
        if self.manager is not None:
            require_key(self.manager, "manager")
            if self.manager == self.id:
                raise ManagerCycleError((self.id, self.id), path="manager", value=self.manager)

    def zone(self) -> zoneinfo.ZoneInfo:
        """Return the user's time zone as a :class:`zoneinfo.ZoneInfo`.

        Returns:
            The zone, to show an instant in the user's local time.

        >>> import datetime as dt
        >>> noon = dt.datetime(2027, 3, 1, 12, tzinfo=dt.timezone.utc)
        >>> noon.astimezone(User("bo", time_zone="Europe/Paris").zone()).hour
        13
        """
        return zoneinfo.ZoneInfo(self.time_zone)


# -- groups --------------------------------------------------------------------------------------


def _check_weight(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not int or not 1 <= value <= MAX_WEIGHT:
        raise ValidationError(
            f"must be an int from 1 to {MAX_WEIGHT:,}", path=attribute.name, value=value
        )


@attrs.frozen
class GroupMember:
    """A member of a group, with a weight (a share of the work, for weighted round robin).

    Attributes:
        user: The member's user id.
        weight: A whole number from 1 (the default) up.

    >>> GroupMember("ana", weight=3).weight
    3
    >>> GroupMember("ana", weight=0)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: weight: must be an int from 1 to 1,000,000,000 (got 0)
    """

    user: str = attrs.field(validator=check_key)
    weight: int = attrs.field(default=1, validator=_check_weight)


def _members(value: Iterable[GroupMember | str]) -> tuple[GroupMember, ...]:
    items = to_items(value)
    if items.__class__ is not tuple:
        raise ValidationError(
            "must be a sequence (list or tuple) of GroupMember or user ids",
            path="members",
            value=value,
        )
    members: list[GroupMember] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if isinstance(item, GroupMember):
            member = item
        elif isinstance(item, str):
            require_key(item, f"members[{index}]")
            member = GroupMember(item)
        else:
            raise ValidationError(
                "must be a GroupMember or a user id", path=f"members[{index}]", value=item
            )
        if member.user in seen:
            raise ValidationError(
                f"repeats a member (also members[{seen[member.user]}])",
                path=f"members[{index}].user",
                value=member.user,
            )
        seen[member.user] = index
        members.append(member)
    return tuple(members)


_members.__annotations__ = {
    "value": Iterable[GroupMember | str],
    "return": tuple[GroupMember, ...],
}


@attrs.frozen
class Group:
    """A group or team of users: a queue, a territory team, an approval committee.

    Attributes:
        id: The group's id.
        name: Display name.
        members: The members, each a :class:`GroupMember` (a plain user id is read as
            a member of weight 1), each user at most once.

    Raises:
        ValidationError: An id is not valid, an item is neither a member nor a user
            id, or a user is listed twice (path ``members[i].user``).

    >>> team = Group("emea", name="EMEA sales", members=["ana", GroupMember("bo", 2)])
    >>> [(m.user, m.weight) for m in team.members]
    [('ana', 1), ('bo', 2)]
    >>> Group("emea", members=["ana", "ana"])
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: members[1].user: repeats a member (also members[0]) \
(got 'ana')
    """

    id: str = attrs.field(validator=check_key)
    name: str = attrs.field(default="", validator=check_text)
    members: tuple[GroupMember, ...] = attrs.field(default=(), converter=_members)


# -- delegations ---------------------------------------------------------------------------------


@attrs.frozen
class Delegation:
    """``from_user`` hands their work to ``to_user`` from ``valid_from`` until ``valid_until``.

    The window is half-open: active at ``valid_from``, no longer active at
    ``valid_until`` (``None``: until further notice). Both are timezone-aware.

    Attributes:
        from_user: Who delegates (the one away).
        to_user: Who acts for them.
        valid_from: When the delegation starts.
        valid_until: When it ends (excluded), or ``None``.

    Raises:
        ValidationError: An id is not valid, a datetime is naive or not a datetime,
            or ``valid_until`` is not after ``valid_from`` (path ``valid_until``).
        SelfDelegationError: ``to_user`` is ``from_user``.

    >>> import datetime as dt
    >>> start = dt.datetime(2027, 8, 1, tzinfo=dt.timezone.utc)
    >>> Delegation("ana", "bo", start, start)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: valid_until: must be after valid_from \
(2027-08-01T00:00:00+00:00) (got datetime.datetime(2027, 8, 1, 0, 0, tzinfo=datetime.timezone.utc))
    """

    from_user: str = attrs.field(validator=check_key)
    to_user: str = attrs.field(validator=check_key)
    valid_from: _dt.datetime = attrs.field(validator=_check_instant)
    valid_until: _dt.datetime | None = attrs.field(default=None, validator=_check_optional_instant)

    def __attrs_post_init__(self) -> None:
        if self.to_user == self.from_user:
            raise SelfDelegationError(self.to_user)
        if self.valid_until is not None and not _before(self.valid_from, self.valid_until):
            raise ValidationError(
                f"must be after valid_from ({self.valid_from.isoformat()})",
                path="valid_until",
                value=self.valid_until,
            )

    def active_at(self, when: _dt.datetime) -> bool:
        """Whether the delegation is active at ``when``: ``valid_from <= when < valid_until``.

        Args:
            when: A timezone-aware instant.

        Returns:
            ``True`` inside the window.

        Raises:
            ValidationError: ``when`` is not a timezone-aware datetime.

        >>> import datetime as dt
        >>> utc = dt.timezone.utc
        >>> away = Delegation("ana", "bo", dt.datetime(2027, 8, 1, tzinfo=utc),
        ...                   dt.datetime(2027, 8, 15, tzinfo=utc))
        >>> [away.active_at(dt.datetime(2027, 8, day, tzinfo=utc)) for day in (1, 14, 15)]
        [True, True, False]
        """
        _require_instant(when, "when")
        return self._active(when)

    def _active(self, when: _dt.datetime) -> bool:
        if _before(when, self.valid_from):
            return False
        return self.valid_until is None or _before(when, self.valid_until)


# -- the directory -------------------------------------------------------------------------------


def _items_of(kind: type, label: str, name: str) -> Any:
    def convert(value: Any) -> tuple[Any, ...]:
        items = to_items(value)
        if items.__class__ is not tuple:
            raise ValidationError(
                f"must be a sequence (list or tuple) of {label}", path=name, value=value
            )
        for index, item in enumerate(items):
            if not isinstance(item, kind):
                raise ValidationError(f"must be a {label}", path=f"{name}[{index}]", value=item)
        return items

    return convert


def _users(value: Iterable[User]) -> tuple[User, ...]:
    result: tuple[User, ...] = _items_of(User, "User", "users")(value)
    return result


def _groups(value: Iterable[Group]) -> tuple[Group, ...]:
    result: tuple[Group, ...] = _items_of(Group, "Group", "groups")(value)
    return result


def _delegations(value: Iterable[Delegation]) -> tuple[Delegation, ...]:
    result: tuple[Delegation, ...] = _items_of(Delegation, "Delegation", "delegations")(value)
    return result


_users.__annotations__ = {"value": Iterable[User], "return": tuple[User, ...]}
_groups.__annotations__ = {"value": Iterable[Group], "return": tuple[Group, ...]}
_delegations.__annotations__ = {
    "value": Iterable[Delegation],
    "return": tuple[Delegation, ...],
}


class _Index:
    """What the lookups read, built once with the directory (never compared or stored)."""

    __slots__ = ("by_role", "delegations_from", "groups", "users")

    def __init__(self, directory: Directory) -> None:
        users: dict[str, User] = {}
        for index, user in enumerate(directory.users):
            if user.id in users:
                raise ValidationError("repeats a user id", path=f"users[{index}].id", value=user.id)
            users[user.id] = user
        groups: dict[str, Group] = {}
        for index, group in enumerate(directory.groups):
            if group.id in groups:
                raise ValidationError(
                    "repeats a group id", path=f"groups[{index}].id", value=group.id
                )
            groups[group.id] = group
        for index, user in enumerate(directory.users):
            if user.manager is not None and user.manager not in users:
                raise UnknownUserReferenceError(user.manager, path=f"users[{index}].manager")
        for index, group in enumerate(directory.groups):
            for position, member in enumerate(group.members):
                if member.user not in users:
                    raise UnknownUserReferenceError(
                        member.user, path=f"groups[{index}].members[{position}].user"
                    )
        delegations_from: dict[str, list[tuple[int, Delegation]]] = {}
        for index, delegation in enumerate(directory.delegations):
            for field in ("from_user", "to_user"):
                party = getattr(delegation, field)
                if party not in users:
                    raise UnknownUserReferenceError(party, path=f"delegations[{index}].{field}")
            delegations_from.setdefault(delegation.from_user, []).append((index, delegation))
        _check_managers(directory.users)
        _check_delegations(directory.delegations, delegations_from)
        by_role: dict[str, list[User]] = {}
        for user in directory.users:
            if user.active:
                for role in user.roles:
                    by_role.setdefault(role, []).append(user)
        self.users = users
        self.groups = groups
        self.by_role = {
            role: tuple(sorted(holders, key=lambda u: u.id)) for role, holders in by_role.items()
        }
        self.delegations_from = {
            user: tuple(delegation for _, delegation in items)
            for user, items in delegations_from.items()
        }


def _check_managers(users: tuple[User, ...]) -> None:
    """Refuse managers that loop, naming the loop (each user is walked once: linear)."""
    manager_of = {user.id: user.manager for user in users}
    position = {user.id: index for index, user in enumerate(users)}
    done: set[str] = set()
    for user in users:
        walk: list[str] = []
        on_walk: dict[str, int] = {}
        current: str | None = user.id
        while current is not None and current not in done:
            if current in on_walk:
                loop = walk[on_walk[current] :]
                first = min(loop, key=position.__getitem__)
                start = loop.index(first)
                cycle = [*loop[start:], *loop[:start], first]
                raise ManagerCycleError(
                    cycle, path=f"users[{position[first]}].manager", value=manager_of[first]
                )
            on_walk[current] = len(walk)
            walk.append(current)
            current = manager_of[current]
        done.update(walk)


def _check_delegations(
    delegations: tuple[Delegation, ...],
    delegations_from: dict[str, list[tuple[int, Delegation]]],
) -> None:
    """Refuse delegations that loop while all of them are active.

    Half-open windows that overlap all overlap at the latest of their starts, so a
    loop, if there is one, is active at the start of one of its delegations: for each
    delegation, look for a path back from its ``to_user`` to its ``from_user`` among
    the delegations active when it starts.
    """
    for index, delegation in enumerate(delegations):
        at = delegation.valid_from
        target = delegation.from_user
        parent: dict[str, str] = {delegation.to_user: target}
        stack = [delegation.to_user]
        while stack:
            current = stack.pop()
            for _, onward in delegations_from.get(current, ()):
                nxt = onward.to_user
                if nxt in parent or not onward._active(at):
                    continue
                parent[nxt] = current
                if nxt == target:
                    path = [target]
                    step = current
                    while step != target:
                        path.append(step)
                        step = parent[step]
                    path.append(target)
                    path.reverse()
                    raise DelegationCycleError(
                        path,
                        at=at,
                        path=f"delegations[{index}].to_user",
                        value=delegation.to_user,
                    )
                stack.append(nxt)


def _require_user_id(value: Any, path: str) -> str:
    return require_key(value, path)


def _levels(value: Any) -> int:
    if value.__class__ is not int or value < 1:
        raise ValidationError("must be an int of at least 1", path="levels", value=value)
    result: int = value
    return result


@attrs.frozen
class Directory:
    """The users, groups and delegations of an organisation: a stored aggregate.

    Attributes:
        id: The directory's id (``"main"``: most hosts keep one).
        users: The users, ids unique.
        groups: The groups and teams, ids unique.
        delegations: Who acts for whom, and when.
        version: Storage version (0 = never stored).

    Raises:
        ValidationError: An item has the wrong type, or an id is repeated (path
            ``users[3].id``).
        UnknownUserReferenceError: A manager, member or delegation party is not a
            user of the directory (path ``groups[0].members[2].user``).
        ManagerCycleError: Managers loop (``ana -> bo -> ana``).
        DelegationCycleError: Delegations active at the same time loop.

    >>> directory = Directory(users=[User("ceo"), User("ana", manager="ceo")],
    ...                       groups=[Group("emea", members=["ana", "ceo"])])
    >>> directory.manager_of("ana").id, [m.user for m in directory.members_of("emea")]
    ('ceo', ['ana', 'ceo'])
    >>> Directory(users=[User("ana"), User("ana")])
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: users[1].id: repeats a user id (got 'ana')
    """

    id: str = attrs.field(default="main", validator=check_key)
    users: tuple[User, ...] = attrs.field(default=(), converter=_users)
    groups: tuple[Group, ...] = attrs.field(default=(), converter=_groups)
    delegations: tuple[Delegation, ...] = attrs.field(default=(), converter=_delegations)
    version: int = attrs.field(default=0, validator=check_version)
    _index: _Index = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index(self))

    # -- lookups -------------------------------------------------------------------------------

    def user(self, user_id: str) -> User:
        """Return the user ``user_id``.

        Args:
            user_id: A user id.

        Returns:
            The user.

        Raises:
            UnknownUserError: No user has this id.
            ValidationError: ``user_id`` is not an identifier.

        >>> Directory(users=[User("ana", name="Ana")]).user("ana").name
        'Ana'
        """
        found = self._index.users.get(user_id) if user_id.__class__ is str else None
        if found is None:
            _require_user_id(user_id, "user_id")
            raise UnknownUserError(user_id)
        return found

    def group(self, group_id: str) -> Group:
        """Return the group ``group_id``.

        Args:
            group_id: A group id.

        Returns:
            The group.

        Raises:
            UnknownGroupError: No group has this id.
            ValidationError: ``group_id`` is not an identifier.

        >>> Directory(users=[User("ana")], groups=[Group("emea", members=["ana"])]).group(
        ...     "emea").members
        (GroupMember(user='ana', weight=1),)
        """
        found = self._index.groups.get(group_id) if group_id.__class__ is str else None
        if found is None:
            require_key(group_id, "group_id")
            raise UnknownGroupError(group_id)
        return found

    def manager_of(self, user_id: str, levels: int = 1) -> User | None:
        """Return the manager ``levels`` steps above ``user_id``, or ``None`` past the top.

        Args:
            user_id: A user id.
            levels: How many steps up (1: the direct manager, 2: their manager...).

        Returns:
            The manager, whether active or not, or ``None``.

        Raises:
            UnknownUserError: No user has this id.
            ValidationError: ``levels`` is not an int of at least 1.

        >>> directory = Directory(users=[User("ceo"), User("vp", manager="ceo"),
        ...                              User("ana", manager="vp")])
        >>> directory.manager_of("ana").id, directory.manager_of("ana", 2).id
        ('vp', 'ceo')
        >>> directory.manager_of("ana", 3) is None
        True
        """
        current = self.user(user_id)
        users = self._index.users
        for _ in range(_levels(levels)):
            if current.manager is None:
                return None
            current = users[current.manager]
        return current

    def manager_chain(self, user_id: str) -> tuple[User, ...]:
        """Return the managers of ``user_id``, bottom-up, without the user.

        The chain always ends: the directory refuses managers that loop.

        Args:
            user_id: A user id.

        Returns:
            The direct manager first, the top last; empty at the top.

        Raises:
            UnknownUserError: No user has this id.

        >>> directory = Directory(users=[User("ceo"), User("vp", manager="ceo"),
        ...                              User("ana", manager="vp")])
        >>> [user.id for user in directory.manager_chain("ana")], directory.manager_chain("ceo")
        (['vp', 'ceo'], ())
        """
        current = self.user(user_id)
        users = self._index.users
        chain: list[User] = []
        while current.manager is not None:
            current = users[current.manager]
            chain.append(current)
        return tuple(chain)

    def reports_of(self, user_id: str) -> tuple[User, ...]:
        """Return the users whose manager is ``user_id`` (direct reports), sorted by id.

        Args:
            user_id: A user id.

        Returns:
            The direct reports, active or not.

        Raises:
            UnknownUserError: No user has this id.

        >>> directory = Directory(users=[User("ceo"), User("vp", manager="ceo"),
        ...                              User("cfo", manager="ceo")])
        >>> [user.id for user in directory.reports_of("ceo")]
        ['cfo', 'vp']
        """
        manager = self.user(user_id).id
        return tuple(sorted((u for u in self.users if u.manager == manager), key=lambda u: u.id))

    def with_role(self, role: str) -> tuple[User, ...]:
        """Return the active users holding ``role``, sorted by id.

        Args:
            role: A role.

        Returns:
            The users; empty when nobody holds it.

        Raises:
            ValidationError: ``role`` is not an identifier.

        >>> directory = Directory(users=[User("bo", roles=["cfo"]), User("al", roles=["cfo"]),
        ...                              User("cy", roles=["cfo"], active=False)])
        >>> [user.id for user in directory.with_role("cfo")]
        ['al', 'bo']
        """
        found = self._index.by_role.get(role) if role.__class__ is str else None
        if found is None:
            require_key(role, "role")
            return ()
        return found

    def members_of(self, group_id: str, *, active_only: bool = True) -> tuple[GroupMember, ...]:
        """Return the members of a group, in the group's order.

        Args:
            group_id: A group id.
            active_only: Leave out members whose user is inactive (the default).

        Returns:
            The members.

        Raises:
            UnknownGroupError: No group has this id.
            ValidationError: ``active_only`` is not a bool.

        >>> directory = Directory(users=[User("ana"), User("bo", active=False)],
        ...                       groups=[Group("emea", members=["ana", "bo"])])
        >>> [m.user for m in directory.members_of("emea")]
        ['ana']
        >>> [m.user for m in directory.members_of("emea", active_only=False)]
        ['ana', 'bo']
        """
        group = self.group(group_id)
        if active_only is not True and active_only is not False:
            raise ValidationError("must be True or False", path="active_only", value=active_only)
        if not active_only:
            return group.members
        users = self._index.users
        return tuple(member for member in group.members if users[member.user].active)

    def delegates_of(self, user_id: str, when: _dt.datetime) -> tuple[str, ...]:
        """Return who may act for ``user_id`` at ``when``, following delegations onward.

        If ``ana`` delegates to ``bo`` and ``bo`` (away too) to ``cy``, both ``bo`` and
        ``cy`` may act for ``ana``. Only delegations active at ``when`` count. The
        search goes through inactive users but does not return them.

        Args:
            user_id: The user whose work is delegated.
            when: A timezone-aware instant.

        Returns:
            User ids, nearest first (direct delegates, then theirs...), each step
            sorted by id; never ``user_id`` itself.

        Raises:
            UnknownUserError: No user has this id.
            ValidationError: ``when`` is not a timezone-aware datetime.

        >>> import datetime as dt
        >>> utc = dt.timezone.utc
        >>> august = dt.datetime(2027, 8, 1, tzinfo=utc)
        >>> directory = Directory(users=[User("ana"), User("bo"), User("cy")], delegations=[
        ...     Delegation("ana", "bo", august), Delegation("bo", "cy", august)])
        >>> directory.delegates_of("ana", dt.datetime(2027, 8, 2, tzinfo=utc))
        ('bo', 'cy')
        >>> directory.delegates_of("ana", dt.datetime(2027, 7, 31, tzinfo=utc))
        ()
        """
        start = self.user(user_id).id
        _require_instant(when, "when")
        index = self._index
        seen = {start}
        found: list[str] = []
        level = [start]
        while level:
            reached: set[str] = set()
            for current in level:
                for delegation in index.delegations_from.get(current, ()):
                    onward = delegation.to_user
                    if onward not in seen and delegation._active(when):
                        reached.add(onward)
            seen.update(reached)
            level = sorted(reached)
            found.extend(user for user in level if index.users[user].active)
        return tuple(found)

    def may_act_for(self, actor: str, user_id: str, when: _dt.datetime) -> bool:
        """Whether ``actor`` is ``user_id`` or may act for them at ``when``.

        Args:
            actor: Who wants to act (approve, reassign...).
            user_id: On whose behalf.
            when: A timezone-aware instant.

        Returns:
            ``True`` if ``actor`` is ``user_id`` or one of :meth:`delegates_of`.

        Raises:
            UnknownUserError: ``actor`` or ``user_id`` is not a user.
            ValidationError: ``when`` is not a timezone-aware datetime.

        >>> import datetime as dt
        >>> august = dt.datetime(2027, 8, 1, tzinfo=dt.timezone.utc)
        >>> directory = Directory(users=[User("ana"), User("bo")],
        ...                       delegations=[Delegation("ana", "bo", august)])
        >>> directory.may_act_for("bo", "ana", august), directory.may_act_for("ana", "bo", august)
        (True, False)
        """
        acting = self.user(actor).id
        delegates = self.delegates_of(user_id, when)
        return acting == user_id or acting in delegates

    # -- changes -------------------------------------------------------------------------------

    def with_user(self, user: User) -> Directory:
        """Return a copy with ``user`` added, or replacing the user with the same id.

        The copy is checked again (a new manager must exist and not close a loop)
        and keeps this directory's version.

        Args:
            user: The user.

        Returns:
            The new directory.

        Raises:
            ValidationError: ``user`` is not a :class:`User`.
            UnknownUserReferenceError: Its manager is not a user.
            ManagerCycleError: Its manager closes a loop.

        >>> directory = Directory(users=[User("ceo"), User("ana", manager="ceo")])
        >>> directory.with_user(User("ceo", manager="ana"))
        Traceback (most recent call last):
        ...
        sfa_core.directory.errors.ManagerCycleError: users[0].manager: managers form a loop: \
ceo -> ana -> ceo (got 'ana')
        >>> directory.with_user(User("bo", manager="ana")).manager_of("bo", 2).id
        'ceo'
        """
        if not isinstance(user, User):
            raise ValidationError("must be a User", path="user", value=user)
        users = list(self.users)
        if user.id in self._index.users:
            users = [user if u.id == user.id else u for u in users]
        else:
            users.append(user)
        return attrs.evolve(self, users=users)

    def with_group(self, group: Group) -> Directory:
        """Return a copy with ``group`` added, or replacing the group with the same id.

        Args:
            group: The group.

        Returns:
            The new directory (same version).

        Raises:
            ValidationError: ``group`` is not a :class:`Group`.
            UnknownUserReferenceError: A member is not a user.

        >>> directory = Directory(users=[User("ana")]).with_group(Group("emea", members=["ana"]))
        >>> [g.id for g in directory.groups]
        ['emea']
        """
        if not isinstance(group, Group):
            raise ValidationError("must be a Group", path="group", value=group)
        groups = list(self.groups)
        if group.id in self._index.groups:
            groups = [group if g.id == group.id else g for g in groups]
        else:
            groups.append(group)
        return attrs.evolve(self, groups=groups)

    def with_delegation(self, delegation: Delegation) -> Directory:
        """Return a copy with ``delegation`` added (a copy of this one if it is already there).

        Args:
            delegation: The delegation.

        Returns:
            The new directory (same version).

        Raises:
            ValidationError: ``delegation`` is not a :class:`Delegation`.
            UnknownUserReferenceError: A party is not a user.
            DelegationCycleError: It closes a loop of delegations active together.

        >>> import datetime as dt
        >>> august = dt.datetime(2027, 8, 1, tzinfo=dt.timezone.utc)
        >>> directory = Directory(users=[User("ana"), User("bo")])
        >>> directory = directory.with_delegation(Delegation("ana", "bo", august))
        >>> directory.with_delegation(Delegation("bo", "ana", august))
        Traceback (most recent call last):
        ...
        sfa_core.directory.errors.DelegationCycleError: delegations[0].to_user: delegations \
form a loop: ana -> bo -> ana (all active at 2027-08-01T00:00:00+00:00) (got 'bo')
        """
        if not isinstance(delegation, Delegation):
            raise ValidationError("must be a Delegation", path="delegation", value=delegation)
        if delegation in self.delegations:
            return attrs.evolve(self)
        return attrs.evolve(self, delegations=(*self.delegations, delegation))
