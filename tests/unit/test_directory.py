"""The directory by hand: chains, levels, roles, groups, delegation windows, every error."""

from __future__ import annotations

import datetime as dt
import pickle

import attrs
import pytest

from sfa_core.directory import (
    Delegation,
    DelegationCycleError,
    Directory,
    Group,
    GroupMember,
    ManagerCycleError,
    SelfDelegationError,
    UnknownGroupError,
    UnknownUserError,
    UnknownUserReferenceError,
    User,
)
from sfa_core.errors import NotFoundError, SfaError, ValidationError
from sfa_core.serialization import from_json, to_json

UTC = dt.timezone.utc
PARIS_SUMMER = dt.timezone(dt.timedelta(hours=2))


def at(day: int, hour: int = 0, month: int = 8) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, tzinfo=UTC)


def org() -> Directory:
    """ceo <- vp <- ana <- bo, and cfo <- ceo; two teams; ana away 1-15 Aug to bo."""
    return Directory(
        users=[
            User("ceo", name="Carla", roles=("vp", "approver")),
            User("vp", manager="ceo", roles=("vp",)),
            User("cfo", manager="ceo", roles=("finance", "approver")),
            User("ana", manager="vp", roles=("sales",), time_zone="Europe/Paris"),
            User("bo", manager="ana", roles=("sales",)),
            User("cy", manager="ana", roles=("sales", "approver"), active=False),
        ],
        groups=[
            Group("emea", name="EMEA", members=[GroupMember("ana", 3), "bo", "cy"]),
            Group("board", members=["ceo", "cfo"]),
        ],
        delegations=[Delegation("ana", "bo", at(1), at(15))],
    )


# -- users ----------------------------------------------------------------------------------------


def test_a_user_has_defaults():
    user = User("ana")
    assert (user.name, user.active, user.roles, user.manager, user.time_zone) == (
        "",
        True,
        (),
        None,
        "UTC",
    )


def test_roles_are_kept_as_a_tuple_in_order():
    assert User("ana", roles=["sales", "vp"]).roles == ("sales", "vp")


@pytest.mark.parametrize(
    ("kwargs", "path", "value"),
    [
        ({"id": ""}, "id", ""),
        ({"id": " ana"}, "id", " ana"),
        ({"id": 7}, "id", 7),
        ({"id": "ana", "name": 3}, "name", 3),
        ({"id": "ana", "active": 1}, "active", 1),
        ({"id": "ana", "roles": "sales"}, "roles", "sales"),
        ({"id": "ana", "roles": ["sales", ""]}, "roles[1]", ""),
        ({"id": "ana", "roles": ["sales", "sales"]}, "roles[1]", "sales"),
        ({"id": "ana", "manager": ""}, "manager", ""),
        ({"id": "ana", "manager": 3}, "manager", 3),
        ({"id": "ana", "time_zone": "Mars/Olympus"}, "time_zone", "Mars/Olympus"),
        ({"id": "ana", "time_zone": "utc"}, "time_zone", "utc"),
        ({"id": "ana", "time_zone": "../etc/passwd"}, "time_zone", "../etc/passwd"),
        ({"id": "ana", "time_zone": "Europe"}, "time_zone", "Europe"),
        ({"id": "ana", "time_zone": None}, "time_zone", None),
    ],
)
def test_a_bad_user_is_refused_naming_the_field(kwargs, path, value):
    with pytest.raises(ValidationError) as info:
        User(**kwargs)
    assert (info.value.path, info.value.value) == (path, value)


def test_a_user_who_manages_themselves_is_a_cycle():
    with pytest.raises(ManagerCycleError) as info:
        User("ana", manager="ana")
    assert info.value.cycle == ("ana", "ana")
    assert (info.value.path, info.value.value) == ("manager", "ana")


def test_a_time_zone_is_an_iana_zone():
    noon = dt.datetime(2027, 1, 15, 12, tzinfo=UTC)
    assert noon.astimezone(User("ana", time_zone="America/New_York").zone()).hour == 7


# -- groups ---------------------------------------------------------------------------------------


def test_members_may_be_given_as_ids_or_members():
    group = Group("emea", members=["ana", GroupMember("bo", weight=2)])
    assert group.members == (GroupMember("ana", 1), GroupMember("bo", 2))


@pytest.mark.parametrize(
    ("kwargs", "path", "value"),
    [
        ({"id": "emea", "members": "ana"}, "members", "ana"),
        ({"id": "emea", "members": [3]}, "members[0]", 3),
        ({"id": "emea", "members": ["ana", ""]}, "members[1]", ""),
        ({"id": "emea", "members": ["ana", GroupMember("ana", 2)]}, "members[1].user", "ana"),
    ],
)
def test_a_bad_group_is_refused_naming_the_field(kwargs, path, value):
    with pytest.raises(ValidationError) as info:
        Group(**kwargs)
    assert (info.value.path, info.value.value) == (path, value)


@pytest.mark.parametrize("weight", [0, -1, True, 1.5, "2", 10**9 + 1])
def test_a_weight_is_a_positive_int(weight):
    with pytest.raises(ValidationError) as info:
        GroupMember("ana", weight)
    assert (info.value.path, info.value.value) == ("weight", weight)


# -- delegations ----------------------------------------------------------------------------------


def test_a_delegation_window_is_half_open():
    away = Delegation("ana", "bo", at(1), at(15))
    assert not away.active_at(at(1) - dt.timedelta(microseconds=1))
    assert away.active_at(at(1))
    assert away.active_at(at(15) - dt.timedelta(microseconds=1))
    assert not away.active_at(at(15))


def test_a_window_compares_instants_whatever_the_zone():
    away = Delegation("ana", "bo", at(1), at(15))
    # 01:59 in Paris on 1 August is 23:59 UTC on 31 July: before the window
    assert not away.active_at(dt.datetime(2027, 8, 1, 1, 59, tzinfo=PARIS_SUMMER))
    assert away.active_at(dt.datetime(2027, 8, 1, 2, 0, tzinfo=PARIS_SUMMER))


def test_an_open_ended_delegation_never_ends():
    assert Delegation("ana", "bo", at(1)).active_at(dt.datetime(9999, 1, 1, tzinfo=UTC))


def test_a_delegation_to_oneself_is_refused():
    with pytest.raises(SelfDelegationError) as info:
        Delegation("ana", "ana", at(1))
    assert (info.value.path, info.value.value, info.value.user) == ("to_user", "ana", "ana")
    assert info.value.code == "self_delegation"


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (("ana", "bo", dt.datetime(2027, 8, 1)), "valid_from"),
        (("ana", "bo", dt.date(2027, 8, 1)), "valid_from"),
        (("ana", "bo", "2027-08-01T00:00:00+00:00"), "valid_from"),
        (("ana", "bo", at(1), dt.datetime(2027, 8, 15)), "valid_until"),
        (("ana", "bo", at(2), at(1)), "valid_until"),
        (("ana", "bo", at(1), at(1)), "valid_until"),
        (("", "bo", at(1)), "from_user"),
        (("ana", None, at(1)), "to_user"),
    ],
)
def test_a_bad_delegation_is_refused_naming_the_field(args, path):
    with pytest.raises(ValidationError) as info:
        Delegation(*args)
    assert info.value.path == path


def test_active_at_needs_an_aware_datetime():
    with pytest.raises(ValidationError) as info:
        Delegation("ana", "bo", at(1)).active_at(dt.datetime(2027, 8, 2))
    assert info.value.path == "when"


# -- the directory: lookups -----------------------------------------------------------------------


def test_users_and_groups_are_looked_up_by_id():
    directory = org()
    assert directory.user("ana").time_zone == "Europe/Paris"
    assert directory.group("board").members == (GroupMember("ceo"), GroupMember("cfo"))


def test_an_unknown_user_is_a_not_found_error():
    with pytest.raises(UnknownUserError) as info:
        org().user("zoe")
    assert isinstance(info.value, NotFoundError)
    assert (info.value.kind, info.value.key, info.value.code) == ("user", "zoe", "unknown_user")


def test_an_unknown_group_is_a_not_found_error():
    with pytest.raises(UnknownGroupError) as info:
        org().group("apac")
    assert (info.value.kind, info.value.key) == ("group", "apac")


@pytest.mark.parametrize("bad", [None, 3, "", ["ana"]])
def test_a_lookup_by_a_non_id_is_a_validation_error(bad):
    with pytest.raises(ValidationError):
        org().user(bad)
    with pytest.raises(ValidationError):
        org().group(bad)


def test_the_manager_chain_goes_bottom_up_without_the_user():
    assert [u.id for u in org().manager_chain("bo")] == ["ana", "vp", "ceo"]
    assert org().manager_chain("ceo") == ()


def test_manager_of_climbs_levels_and_stops_past_the_top():
    directory = org()
    assert directory.manager_of("bo").id == "ana"
    assert directory.manager_of("bo", 2).id == "vp"
    assert directory.manager_of("bo", 3).id == "ceo"
    assert directory.manager_of("bo", 4) is None
    assert directory.manager_of("ceo") is None


@pytest.mark.parametrize("levels", [0, -1, True, 1.0, "2", None])
def test_levels_is_an_int_of_at_least_one(levels):
    with pytest.raises(ValidationError) as info:
        org().manager_of("bo", levels)
    assert (info.value.path, info.value.value) == ("levels", levels)


def test_manager_of_an_unknown_user_raises():
    with pytest.raises(UnknownUserError):
        org().manager_of("zoe")
    with pytest.raises(UnknownUserError):
        org().manager_chain("zoe")


def test_with_role_lists_active_holders_sorted_by_id():
    directory = org()
    assert [u.id for u in directory.with_role("approver")] == ["ceo", "cfo"]  # cy is inactive
    assert [u.id for u in directory.with_role("sales")] == ["ana", "bo"]
    assert directory.with_role("legal") == ()


def test_reports_of_lists_direct_reports():
    assert [u.id for u in org().reports_of("ana")] == ["bo", "cy"]
    assert org().reports_of("bo") == ()


def test_members_of_leaves_out_inactive_users_unless_asked():
    directory = org()
    assert [(m.user, m.weight) for m in directory.members_of("emea")] == [("ana", 3), ("bo", 1)]
    assert [m.user for m in directory.members_of("emea", active_only=False)] == [
        "ana",
        "bo",
        "cy",
    ]
    with pytest.raises(ValidationError) as info:
        directory.members_of("emea", active_only="yes")
    assert info.value.path == "active_only"
    with pytest.raises(UnknownGroupError):
        directory.members_of("apac")


# -- delegations in the directory ----------------------------------------------------------------


def test_delegates_follow_the_window():
    directory = org()
    assert directory.delegates_of("ana", at(1)) == ("bo",)
    assert directory.delegates_of("ana", at(14, 23)) == ("bo",)
    assert directory.delegates_of("ana", at(15)) == ()
    assert directory.delegates_of("ana", at(31, month=7)) == ()
    assert directory.delegates_of("bo", at(5)) == ()


def test_delegates_are_transitive_nearest_first():
    directory = Directory(
        users=[User(name) for name in ("ana", "bo", "cy", "dan", "eve")],
        delegations=[
            Delegation("ana", "dan", at(1), at(10)),
            Delegation("ana", "bo", at(1), at(10)),
            Delegation("bo", "cy", at(5), at(20)),
            Delegation("cy", "eve", at(1)),
        ],
    )
    assert directory.delegates_of("ana", at(2)) == ("bo", "dan")
    assert directory.delegates_of("ana", at(6)) == ("bo", "dan", "cy", "eve")
    assert directory.delegates_of("ana", at(10)) == ()
    assert directory.delegates_of("bo", at(12)) == ("cy", "eve")


def test_delegates_skip_inactive_users_but_pass_through_them():
    directory = Directory(
        users=[User("ana"), User("bo", active=False), User("cy")],
        delegations=[Delegation("ana", "bo", at(1)), Delegation("bo", "cy", at(1))],
    )
    assert directory.delegates_of("ana", at(2)) == ("cy",)


def test_a_diamond_of_delegations_lists_each_delegate_once():
    directory = Directory(
        users=[User(name) for name in ("ana", "bo", "cy", "dan")],
        delegations=[
            Delegation("ana", "bo", at(1)),
            Delegation("ana", "cy", at(1)),
            Delegation("bo", "dan", at(1)),
            Delegation("cy", "dan", at(1)),
        ],
    )
    assert directory.delegates_of("ana", at(2)) == ("bo", "cy", "dan")


def test_may_act_for():
    directory = org()
    assert directory.may_act_for("ana", "ana", at(20))
    assert directory.may_act_for("bo", "ana", at(3))
    assert not directory.may_act_for("bo", "ana", at(15))
    assert not directory.may_act_for("ana", "bo", at(3))
    with pytest.raises(UnknownUserError):
        directory.may_act_for("zoe", "ana", at(3))
    with pytest.raises(UnknownUserError):
        directory.may_act_for("ana", "zoe", at(3))
    with pytest.raises(ValidationError) as info:
        directory.may_act_for("bo", "ana", dt.date(2027, 8, 3))
    assert info.value.path == "when"


# -- the directory: what it refuses ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "path", "value"),
    [
        ({"id": ""}, "id", ""),
        ({"users": "ana"}, "users", "ana"),
        ({"users": [User("ana"), "bo"]}, "users[1]", "bo"),
        ({"groups": [None]}, "groups[0]", None),
        ({"delegations": 3}, "delegations", 3),
        ({"users": [User("ana"), User("bo"), User("ana")]}, "users[2].id", "ana"),
        ({"users": [User("ana")], "groups": [Group("g"), Group("g")]}, "groups[1].id", "g"),
        ({"version": -1}, "version", -1),
    ],
)
def test_a_bad_directory_is_refused_naming_the_field(kwargs, path, value):
    with pytest.raises(ValidationError) as info:
        Directory(**kwargs)
    assert (info.value.path, info.value.value) == (path, value)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"users": [User("ana", manager="zoe")]}, "users[0].manager"),
        ({"users": [User("ana")], "groups": [Group("g", members=["ana", "zoe"])]},
         "groups[0].members[1].user"),
        ({"users": [User("ana")], "delegations": [Delegation("zoe", "ana", at(1))]},
         "delegations[0].from_user"),
        ({"users": [User("ana")], "delegations": [Delegation("ana", "zoe", at(1))]},
         "delegations[0].to_user"),
    ],
)  # fmt: skip
def test_an_unknown_user_reference_is_refused_naming_the_field(kwargs, path):
    with pytest.raises(UnknownUserReferenceError) as info:
        Directory(**kwargs)
    assert (info.value.path, info.value.value, info.value.user) == (path, "zoe", "zoe")
    assert info.value.code == "unknown_user_reference"


def test_a_manager_cycle_is_refused_when_built_naming_the_loop():
    with pytest.raises(ManagerCycleError) as info:
        Directory(
            users=[
                User("top"),
                User("bo", manager="cy"),
                User("ana", manager="bo"),
                User("cy", manager="ana"),
                User("dan", manager="ana"),
            ]
        )
    # the loop is named from its first user in the list, each followed by its manager
    assert info.value.cycle == ("bo", "cy", "ana", "bo")
    assert (info.value.path, info.value.value) == ("users[1].manager", "cy")
    assert info.value.code == "manager_cycle"
    assert "bo -> cy -> ana -> bo" in str(info.value)


def test_a_long_manager_chain_is_checked_without_recursion():
    users = [User("u0")] + [User(f"u{i}", manager=f"u{i - 1}") for i in range(1, 5000)]
    directory = Directory(users=users)
    assert len(directory.manager_chain("u4999")) == 4999
    looped = [attrs.evolve(users[0], manager="u4999"), *users[1:]]
    with pytest.raises(ManagerCycleError) as info:
        Directory(users=looped)
    assert len(info.value.cycle) == 5001


def test_a_delegation_loop_is_refused_when_the_windows_overlap():
    users = [User("ana"), User("bo"), User("cy")]
    with pytest.raises(DelegationCycleError) as info:
        Directory(
            users=users,
            delegations=[
                Delegation("ana", "bo", at(1), at(10)),
                Delegation("bo", "cy", at(5), at(20)),
                Delegation("cy", "ana", at(8), at(9)),
            ],
        )
    err = info.value
    assert err.cycle == ("cy", "ana", "bo", "cy")
    assert err.at == at(8)
    assert (err.path, err.value, err.code) == ("delegations[2].to_user", "ana", "delegation_cycle")


def test_a_loop_whose_windows_never_overlap_is_allowed():
    directory = Directory(
        users=[User("ana"), User("bo")],
        delegations=[
            Delegation("ana", "bo", at(1), at(10)),
            Delegation("bo", "ana", at(10), at(20)),  # starts when the first ends
        ],
    )
    assert directory.delegates_of("ana", at(9)) == ("bo",)
    assert directory.delegates_of("bo", at(10)) == ("ana",)


def test_a_loop_through_three_whose_windows_do_not_all_overlap_is_allowed():
    # each pair overlaps, but there is no instant at which all three are active
    Directory(
        users=[User("ana"), User("bo"), User("cy")],
        delegations=[
            Delegation("ana", "bo", at(1), at(5)),
            Delegation("bo", "cy", at(4), at(8)),
            Delegation("cy", "ana", at(7), at(10)),
        ],
    )


# -- the directory: changes -----------------------------------------------------------------------


def test_with_user_adds_or_replaces_and_keeps_the_version():
    directory = attrs.evolve(org(), version=4)
    grown = directory.with_user(User("dan", manager="bo"))
    assert [u.id for u in grown.manager_chain("dan")] == ["bo", "ana", "vp", "ceo"]
    assert grown.version == 4
    moved = directory.with_user(User("bo", manager="cfo"))
    assert [u.id for u in moved.users] == [u.id for u in directory.users]
    assert moved.manager_of("bo").id == "cfo"
    assert directory.manager_of("bo").id == "ana"  # the original is unchanged


def test_with_user_refuses_a_new_loop():
    with pytest.raises(ManagerCycleError) as info:
        org().with_user(User("ceo", manager="bo"))
    assert info.value.cycle == ("ceo", "bo", "ana", "vp", "ceo")


def test_with_group_and_with_delegation():
    directory = org().with_group(Group("emea", members=["bo"]))
    assert [m.user for m in directory.group("emea").members] == ["bo"]
    directory = directory.with_delegation(Delegation("bo", "cy", at(1)))
    assert directory.with_delegation(Delegation("bo", "cy", at(1))) == directory
    with pytest.raises(DelegationCycleError):
        directory.with_delegation(Delegation("bo", "ana", at(2)))
    with pytest.raises(UnknownUserReferenceError):
        directory.with_group(Group("x", members=["zoe"]))


@pytest.mark.parametrize("method", ["with_user", "with_group", "with_delegation"])
def test_the_changes_refuse_the_wrong_type(method):
    with pytest.raises(ValidationError):
        getattr(org(), method)("ana")


def test_equality_ignores_the_index_and_values_round_trip():
    directory = org()
    assert directory == org()
    assert hash(directory) == hash(org())
    assert "_index" not in repr(directory)
    assert from_json(to_json(directory), Directory) == directory
    assert pickle.loads(pickle.dumps(directory)).delegates_of("ana", at(2)) == ("bo",)


def test_every_error_is_an_sfa_error_with_its_own_code():
    codes = {
        UnknownUserError: "unknown_user",
        UnknownGroupError: "unknown_group",
        UnknownUserReferenceError: "unknown_user_reference",
        ManagerCycleError: "manager_cycle",
        SelfDelegationError: "self_delegation",
        DelegationCycleError: "delegation_cycle",
    }
    for cls, code in codes.items():
        assert issubclass(cls, SfaError)
        assert cls.code == code
