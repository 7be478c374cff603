"""The directory through SalesEngine on both adapters: build it, edit it, read it back."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from sfa_core import SalesEngine
from sfa_core.adapters.memory import MemoryStore
from sfa_core.adapters.sqlite import SqliteStore
from sfa_core.directory import (
    Delegation,
    DelegationCycleError,
    Directory,
    Group,
    ManagerCycleError,
    UnknownUserError,
    UnknownUserReferenceError,
    User,
)
from sfa_core.errors import (
    AlreadyExistsError,
    ConcurrencyError,
    MissingRepositoryError,
    NotFoundError,
    ValidationError,
)

UTC = dt.timezone.utc
AUGUST = dt.datetime(2027, 8, 1, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
def engine(request, tmp_path):
    if request.param == "memory":
        made = SalesEngine.in_memory()
    else:
        made = SalesEngine.sqlite(tmp_path / "crm.db")
    yield made
    made.close()


def build(engine):
    directory = engine.directory
    directory.add_user(User("ceo", roles=["vp"]))
    directory.add_user(User("ana", manager="ceo", roles=["sales"], time_zone="Europe/Paris"))
    directory.add_user(User("bo", manager="ana", roles=["sales"]))
    directory.add_group(Group("emea", members=["ana", "bo"]))
    return directory.add_delegation(Delegation("ana", "bo", AUGUST, AUGUST + dt.timedelta(days=14)))


def test_edits_build_the_directory_one_version_at_a_time(engine):
    stored = build(engine)
    assert stored.version == 5
    got = engine.directory.get()
    assert got == stored
    assert [u.id for u in got.manager_chain("bo")] == ["ana", "ceo"]
    assert [m.user for m in got.members_of("emea")] == ["ana", "bo"]
    assert got.may_act_for("bo", "ana", AUGUST + dt.timedelta(days=3))
    assert got.user("ana").time_zone == "Europe/Paris"


def test_update_user_replaces_and_checks_loops(engine):
    build(engine)
    stored = engine.directory.update_user(User("bo", manager="ceo", active=False))
    assert stored.manager_of("bo").id == "ceo"
    assert [m.user for m in stored.members_of("emea")] == ["ana"]
    with pytest.raises(ManagerCycleError):
        engine.directory.update_user(User("ceo", manager="ana"))
    with pytest.raises(UnknownUserError):
        engine.directory.update_user(User("zoe"))
    assert engine.directory.get() == stored


def test_add_refuses_taken_ids_and_unknown_references(engine):
    build(engine)
    with pytest.raises(AlreadyExistsError) as info:
        engine.directory.add_user(User("ana"))
    assert (info.value.kind, info.value.key) == ("user", "ana")
    with pytest.raises(AlreadyExistsError):
        engine.directory.add_group(Group("emea"))
    with pytest.raises(UnknownUserReferenceError):
        engine.directory.add_user(User("dan", manager="zoe"))
    with pytest.raises(DelegationCycleError):
        engine.directory.add_delegation(Delegation("bo", "ana", AUGUST))
    assert engine.directory.get().version == 5


def test_save_adds_then_updates_with_optimistic_concurrency(engine):
    first = engine.directory.save(Directory(id="sales", users=[User("ana")]))
    assert first.version == 1
    second = engine.directory.save(first.with_user(User("bo")))
    assert second.version == 2
    with pytest.raises(ConcurrencyError) as info:
        engine.directory.save(first.with_user(User("cy")))
    assert (info.value.expected_version, info.value.actual_version) == (1, 2)
    with pytest.raises(AlreadyExistsError):
        engine.directory.save(Directory(id="sales"))
    with pytest.raises(NotFoundError):
        engine.directory.save(attrs.evolve(first, id="ghost"))
    assert engine.directory.get("sales") == second


def test_a_stale_edit_in_between_is_refused_not_lost(engine):
    read = build(engine)
    engine.directory.add_user(User("cy", manager="ana"))
    with pytest.raises(ConcurrencyError):
        engine.directory.save(read.with_user(User("dan")))
    assert [u.id for u in engine.directory.get().users] == ["ceo", "ana", "bo", "cy"]


def test_get_of_a_missing_directory(engine):
    with pytest.raises(NotFoundError) as info:
        engine.directory.get()
    assert (info.value.kind, info.value.key) == ("directory", "main")
    with pytest.raises(NotFoundError):
        engine.directory.update_user(User("ana"))


@pytest.mark.parametrize(
    ("method", "argument"),
    [("save", "main"), ("add_user", "ana"), ("update_user", None), ("add_group", 3),
     ("add_delegation", "ana->bo")],
)  # fmt: skip
def test_wrong_types_are_refused_naming_the_argument(engine, method, argument):
    with pytest.raises(ValidationError):
        getattr(engine.directory, method)(argument)
    with pytest.raises(ValidationError) as info:
        engine.directory.get(" main")
    assert info.value.path == "directory_id"


def test_a_store_without_directories_raises_missing_repository():
    store = MemoryStore()
    engine = SalesEngine(products=store.products, price_books=store.price_books)
    with pytest.raises(MissingRepositoryError) as info:
        engine.directory.get()
    assert info.value.repository == "directories"


def test_the_directory_survives_reopening_the_database(tmp_path):
    path = tmp_path / "crm.db"
    with SalesEngine.sqlite(path) as engine:
        stored = build(engine)
    with SalesEngine.from_store(SqliteStore(path)) as engine:
        assert engine.directory.get() == stored
        assert engine.directory.get().delegates_of("ana", AUGUST) == ("bo",)
