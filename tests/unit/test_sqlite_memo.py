"""The SQLite adapter structures a document once, and keeps a bounded number of them."""

import attrs

from sfa_core.adapters import sqlite
from sfa_core.adapters.sqlite import SqliteStore
from sfa_core.catalog import Product


def test_a_document_read_again_is_the_same_value_until_it_changes():
    store = SqliteStore(":memory:")
    stored = store.products.add(Product(sku="A", name="a"))
    first, again = store.products.get("A"), store.products.get("A")
    assert first is again
    assert first == stored
    store.products.update(attrs.evolve(first, name="b"))
    changed = store.products.get("A")
    assert changed is not first
    assert changed.name == "b"
    assert changed.version == 2
    store.close()


def test_the_memo_is_bounded_by_count_and_by_size(monkeypatch):
    monkeypatch.setattr(sqlite, "_LOADED_MAX", 3)
    store = SqliteStore(":memory:")
    for i in range(10):
        store.products.add(Product(sku=f"P{i}", name="x" * i))
        store.products.get(f"P{i}")
    memo = store.products.table._loaded
    assert len(memo) <= 3
    assert store.products.table._loaded_chars == sum(len(doc) for doc in memo)
    monkeypatch.setattr(sqlite, "_LOADED_CHARS", max(len(doc) for doc in memo))
    store.products.get("P0")
    assert len(store.products.table._loaded) == 1
    assert [p.sku for p in store.products.list()] == [f"P{i}" for i in range(10)]
    store.close()
