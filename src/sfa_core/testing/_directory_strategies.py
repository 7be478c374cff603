"""Hypothesis strategies for the directory: users, groups, delegations, whole directories."""

from __future__ import annotations

import datetime as _dt

from hypothesis import strategies as st

from sfa_core.directory import Delegation, Directory, Group, GroupMember, User

__all__ = ["delegations", "directories", "group_members", "groups", "users"]

_IDS = st.text(alphabet="abcdefghkmnprstvwxyz-0123456789.", min_size=1, max_size=10).filter(
    lambda s: s == s.strip()
)
_ROLES = st.sampled_from(["sales", "sales_manager", "finance", "legal", "vp", "ceo"])
_ZONES = st.sampled_from(
    ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Adelaide"]
)
_NAMES = st.text(st.characters(codec="utf-8", categories=("L", "Zs")), max_size=20)
_OFFSETS = st.sampled_from([0, 60, -300, 330, 345, -570]).map(
    lambda minutes: _dt.timezone(_dt.timedelta(minutes=minutes))
)
_INSTANTS = st.datetimes(
    min_value=_dt.datetime(2000, 1, 1), max_value=_dt.datetime(2100, 1, 1), timezones=_OFFSETS
)


def _user(user_id: str, manager: str | None, draw: st.DrawFn) -> User:
    return User(
        user_id,
        name=draw(_NAMES),
        active=draw(st.booleans()),
        roles=draw(st.lists(_ROLES, max_size=3, unique=True)),
        manager=manager,
        time_zone=draw(_ZONES),
    )


def users() -> st.SearchStrategy[User]:
    """Valid users on their own: any name, roles, time zone, and maybe a manager's id.

    Returns:
        A strategy of :class:`~sfa_core.directory.User` (the manager, when there is
        one, is another id; put users in a :class:`~sfa_core.directory.Directory`
        with :func:`directories`).

    Example:
        >>> from hypothesis import find
        >>> user = find(users(), lambda u: u.manager is not None)
        >>> user.manager != user.id
        True
    """

    @st.composite
    def build(draw: st.DrawFn) -> User:
        user_id = draw(_IDS)
        manager = draw(st.none() | _IDS.filter(lambda other: other != user_id))
        return _user(user_id, manager, draw)

    result: st.SearchStrategy[User] = build()
    return result


def group_members() -> st.SearchStrategy[GroupMember]:
    """Group members with weights from 1 to 10.

    Returns:
        A strategy of :class:`~sfa_core.directory.GroupMember`.

    Example:
        >>> from hypothesis import find
        >>> find(group_members(), lambda m: True).weight
        1
    """
    return st.builds(GroupMember, user=_IDS, weight=st.integers(1, 10))


def groups() -> st.SearchStrategy[Group]:
    """Groups of a few distinct members.

    Returns:
        A strategy of :class:`~sfa_core.directory.Group`.

    Example:
        >>> from hypothesis import find
        >>> len(find(groups(), lambda g: len(g.members) > 1).members)
        2
    """
    members = st.lists(group_members(), max_size=4, unique_by=lambda m: m.user)
    return st.builds(Group, id=_IDS, name=_NAMES, members=members)


def delegations() -> st.SearchStrategy[Delegation]:
    """Delegations between two distinct ids, open-ended or with an end after the start.

    Returns:
        A strategy of :class:`~sfa_core.directory.Delegation`.

    Example:
        >>> from hypothesis import find
        >>> away = find(delegations(), lambda d: d.valid_until is not None)
        >>> away.valid_from < away.valid_until
        True
    """

    @st.composite
    def build(draw: st.DrawFn) -> Delegation:
        from_user = draw(_IDS)
        to_user = draw(_IDS.filter(lambda other: other != from_user))
        start = draw(_INSTANTS)
        length = draw(st.none() | st.integers(1, 400 * 24).map(lambda h: _dt.timedelta(hours=h)))
        return Delegation(from_user, to_user, start, None if length is None else start + length)

    result: st.SearchStrategy[Delegation] = build()
    return result


def directories(*, max_users: int = 12) -> st.SearchStrategy[Directory]:
    """Valid directories: a forest of managers, groups of its users, delegations.

    Each user's manager is drawn among the users before it (so managers never loop),
    group members are users of the directory, and delegations go from an earlier
    user to a later one (so they never loop either).

    Args:
        max_users: The largest number of users.

    Returns:
        A strategy of :class:`~sfa_core.directory.Directory` at any version.

    Example:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=20, deadline=None)
        ... @given(directories())
        ... def test_every_chain_ends(directory):
        ...     for user in directory.users:
        ...         assert len(directory.manager_chain(user.id)) < len(directory.users)
        >>> test_every_chain_ends()
    """

    @st.composite
    def build(draw: st.DrawFn) -> Directory:
        ids = draw(st.lists(_IDS, max_size=max_users, unique=True))
        people = []
        for index, user_id in enumerate(ids):
            manager = draw(st.none() | st.sampled_from(ids[:index])) if index else None
            people.append(_user(user_id, manager, draw))
        teams: list[Group] = []
        if ids:
            for group_id in draw(st.lists(_IDS, max_size=3, unique=True)):
                chosen = draw(st.lists(st.sampled_from(ids), max_size=4, unique=True))
                weights = [draw(st.integers(1, 10)) for _ in chosen]
                teams.append(
                    Group(
                        group_id,
                        name=draw(_NAMES),
                        members=[GroupMember(u, w) for u, w in zip(chosen, weights, strict=True)],
                    )
                )
        handed: list[Delegation] = []
        if len(ids) > 1:
            for _ in range(draw(st.integers(0, 4))):
                first = draw(st.integers(0, len(ids) - 2))
                second = draw(st.integers(first + 1, len(ids) - 1))
                start = draw(_INSTANTS)
                hours = draw(st.none() | st.integers(1, 400 * 24))
                end = None if hours is None else start + _dt.timedelta(hours=hours)
                handed.append(Delegation(ids[first], ids[second], start, end))
        return Directory(
            id=draw(_IDS),
            users=people,
            groups=teams,
            delegations=handed,
            version=draw(st.integers(0, 10**6)),
        )

    result: st.SearchStrategy[Directory] = build()
    return result
