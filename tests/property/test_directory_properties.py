"""Invariants of the directory on random forests of managers and random delegations."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sfa_core.directory import (
    Delegation,
    DelegationCycleError,
    Directory,
    ManagerCycleError,
    User,
)
from sfa_core.testing import strategies as sfa_st

UTC = dt.timezone.utc


@st.composite
def forests(draw, max_users=30):
    """Users ``u0..un`` whose managers point to earlier users (a forest), in shuffled order."""
    count = draw(st.integers(1, max_users))
    managers = [None] + [draw(st.none() | st.integers(0, i - 1)) for i in range(1, count)]
    users = [User(f"u{i}", manager=None if m is None else f"u{m}") for i, m in enumerate(managers)]
    return draw(st.permutations(users))


@given(forests())
def test_manager_chain_ends_and_equals_repeated_manager_of(users):
    directory = Directory(users=users)
    for user in users:
        chain = directory.manager_chain(user.id)
        assert len(chain) < len(users)
        assert user.id not in {u.id for u in chain}
        for level, manager in enumerate(chain, start=1):
            assert directory.manager_of(user.id, level) == manager
        assert directory.manager_of(user.id, len(chain) + 1) is None
        if chain:
            assert chain[-1].manager is None


@given(forests(), st.data())
def test_an_edge_that_closes_a_loop_always_raises(users, data):
    directory = Directory(users=users)
    below = data.draw(st.sampled_from(users))
    # a manager from the user's own chain, or the user itself: either closes a loop
    chain = [below.id] + [u.id for u in directory.manager_chain(below.id)]
    top = data.draw(st.sampled_from(chain))
    top_user = directory.user(top)
    if top == below.id:
        with pytest.raises(ManagerCycleError):
            User(top, manager=below.id)
        return
    with pytest.raises(ManagerCycleError) as info:
        directory.with_user(User(top_user.id, manager=below.id))
    cycle = info.value.cycle
    assert cycle[0] == cycle[-1]
    assert set(cycle) <= set(chain)
    # every step of the reported loop is a manager edge of the refused directory
    managers = {u.id: u.manager for u in users} | {top: below.id}
    assert all(managers[a] == b for a, b in pairwise(cycle))


@given(forests(), st.data())
def test_an_edge_that_closes_no_loop_is_accepted(users, data):
    directory = Directory(users=users)
    user = data.draw(st.sampled_from(users))
    below = {u.id for u in users if user.id in {m.id for m in directory.manager_chain(u.id)}}
    candidates = [u.id for u in users if u.id != user.id and u.id not in below]
    assume(candidates)
    manager = data.draw(st.sampled_from(candidates))
    moved = directory.with_user(User(user.id, manager=manager))
    assert moved.manager_of(user.id).id == manager


@given(sfa_st.directories())
def test_generated_directories_answer_every_lookup(directory):
    for user in directory.users:
        assert directory.user(user.id) is user
        assert len(directory.manager_chain(user.id)) < len(directory.users)
        for role in user.roles:
            assert (user in directory.with_role(role)) == user.active
    for group in directory.groups:
        assert directory.members_of(group.id, active_only=False) == group.members


_DAYS = st.integers(0, 30).map(lambda d: dt.datetime(2027, 8, 1, tzinfo=UTC) + dt.timedelta(d))


@st.composite
def delegation_sets(draw):
    names = [f"u{i}" for i in range(draw(st.integers(2, 5)))]
    delegations = []
    for _ in range(draw(st.integers(0, 6))):
        a, b = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
        start = draw(_DAYS)
        length = draw(st.none() | st.integers(1, 10))
        end = None if length is None else start + dt.timedelta(days=length)
        delegations.append(Delegation(a, b, start, end))
    return [User(n) for n in names], delegations


def _loops_at(delegations, when):
    """Whether the delegations active at ``when`` hold a loop (a naive search)."""
    edges = {}
    for d in delegations:
        if d.active_at(when):
            edges.setdefault(d.from_user, set()).add(d.to_user)

    def reaches(start, goal, seen):
        for nxt in edges.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    return any(reaches(u, u, {u}) for u in edges)


@settings(max_examples=200)
@given(delegation_sets())
def test_a_directory_refuses_exactly_the_delegations_that_loop_at_some_instant(case):
    users, delegations = case
    instants = {d.valid_from for d in delegations} | {
        d.valid_until for d in delegations if d.valid_until is not None
    }
    looping = any(_loops_at(delegations, t) for t in instants)
    if looping:
        with pytest.raises(DelegationCycleError) as info:
            Directory(users=users, delegations=delegations)
        assert _loops_at(delegations, info.value.at)
        return
    directory = Directory(users=users, delegations=delegations)
    # delegates never include the user, and every delegate is reachable at that instant
    for user in users:
        for when in instants:
            delegates = directory.delegates_of(user.id, when)
            assert user.id not in delegates
            assert len(set(delegates)) == len(delegates)
