"""FrozenMap: a read-only dict that hashes by content, and the converter that makes one."""

from __future__ import annotations

import copy
import pickle

import pytest

from sfa_core._frozen import FrozenMap, freeze_map


def test_it_reads_like_the_dict_it_holds():
    m = FrozenMap({"b": 1, "a": 2})
    assert (m["a"], m.get("b"), m.get("x", 0), len(m)) == (2, 1, 0, 2)
    assert "a" in m
    assert "x" not in m
    assert list(m) == ["b", "a"]  # insertion order
    assert list(m.keys()) == ["b", "a"]
    assert list(m.values()) == [1, 2]
    assert list(m.items()) == [("b", 1), ("a", 2)]


def test_its_views_are_set_like_and_read_only():
    m = FrozenMap({"a": 1, "b": 2})
    assert m.keys() & {"a", "c"} == {"a"}
    assert m.items() - {("a", 1)} == {("b", 2)}
    with pytest.raises(AttributeError):
        m.keys().add("c")  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        m["c"] = 3  # type: ignore[index]


def test_equality_and_hash_go_by_content():
    a, b = FrozenMap({"x": 1, "y": 2}), FrozenMap({"y": 2, "x": 1})
    assert a == b
    assert a == {"x": 1, "y": 2}
    assert hash(a) == hash(b)
    assert a != FrozenMap({"x": 1})
    assert (a == 3) is False


def test_wrap_keeps_the_dict_and_the_constructor_copies_it():
    data = {"a": 1}
    assert FrozenMap.wrap(data)._data is data
    assert FrozenMap(data)._data is not data


def test_freeze_map_reuses_frozen_maps_and_shares_the_empty_one():
    m = FrozenMap({"a": 1})
    assert freeze_map(m) is m
    empty = freeze_map({})
    assert empty == {}
    assert freeze_map(None) is empty
    assert freeze_map({}) is empty
    assert freeze_map({"a": 1}) == m


def test_it_survives_pickle_and_copies():
    m = FrozenMap({"a": 1, "b": (2, 3)})
    for made in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m), copy.copy(m)):
        assert made == m
        assert isinstance(made, FrozenMap)
