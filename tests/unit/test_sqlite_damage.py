"""Damaged files, bad keys and values that cannot be stored: only StorageError or
ValidationError come out of the SQLite adapter, and nothing is half-written."""

import contextlib
import sqlite3

import pytest

from sfa_core.adapters.memory import MemoryStore
from sfa_core.adapters.sqlite import SqliteStore
from sfa_core.catalog import Product
from sfa_core.errors import SerializationError, StorageError, ValidationError
from sfa_core.quotes import Quote


def _poke(path, *statements):
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        for statement in statements:
            db.execute(statement)


def test_a_path_with_a_nul_is_refused():
    with pytest.raises(StorageError):
        SqliteStore("crm\0.db")


def test_text_in_the_schema_version_is_refused(tmp_path):
    path = tmp_path / "crm.db"
    SqliteStore(path).close()
    _poke(path, "UPDATE schema_version SET version = 'three'")
    with pytest.raises(StorageError, match="schema_version"):
        SqliteStore(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "crm.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError):
        SqliteStore(path)


@pytest.mark.parametrize(
    "doc",
    ["{not json", "[" * 10_000 + "]" * 10_000, '"just a string"', "12"],
)
def test_a_damaged_document_is_a_storage_error(tmp_path, doc):
    path = tmp_path / "crm.db"
    store = SqliteStore(path)
    store.products.add(Product(sku="A", name="Widget"))
    with store._db.transaction() as conn:
        conn.execute("UPDATE products SET doc = ?", (doc,))
    with pytest.raises((StorageError, SerializationError)):
        store.products.get("A")
    with pytest.raises((StorageError, SerializationError)):
        store.products.list()
    store.close()


def test_a_document_that_is_not_text_is_a_storage_error(tmp_path):
    store = SqliteStore(tmp_path / "crm.db")
    store.products.add(Product(sku="A", name="Widget"))
    with store._db.transaction() as conn:
        conn.execute("UPDATE products SET doc = x'00ff'")
    with pytest.raises(StorageError, match="damaged"):
        store.products.get("A")
    store.close()


def test_a_closed_store_raises_storage_error():
    store = SqliteStore(":memory:")
    store.close()
    with pytest.raises(StorageError):
        store.products.list()


@pytest.mark.parametrize("store_kind", ["memory", "sqlite"])
@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda s: s.products.get([1]), "sku"),
        (lambda s: s.products.get(None), "sku"),
        (lambda s: s.quotes.get(3), "id"),
        (lambda s: s.products.delete("A", expected_version="1"), "expected_version"),
        (lambda s: s.products.delete([1], expected_version=1), "sku"),
        (lambda s: s.products.add(3), "product"),
        (lambda s: s.products.update("A"), "product"),
        (lambda s: s.quotes.add(Product(sku="A", name="x")), "quote"),
        (lambda s: s.products.list(family=[1]), "family"),
        (lambda s: s.products.list(active="yes"), "active"),
        (lambda s: s.price_books.list(currency=7), "currency"),
        (lambda s: s.quotes.list(account=("ACME",)), "account"),
        (lambda s: s.configurations.version({}), "sku"),
        (lambda s: s.rule_sets.revision(None, 1), "id"),
        (lambda s: s.contracted_prices.get(""), "account"),
    ],
)
def test_bad_keys_filters_and_values_are_validation_errors(store_kind, call, path):
    store = MemoryStore() if store_kind == "memory" else SqliteStore(":memory:")
    with pytest.raises(ValidationError) as info:
        call(store)
    assert info.value.path == path
    store.close()


def test_a_lone_surrogate_is_refused_and_nothing_is_written(tmp_path):
    store = SqliteStore(tmp_path / "crm.db")
    with pytest.raises(SerializationError, match="surrogate"):
        store.products.add(Product(sku="A", name="Wid\ud800get"))
    assert store.products.list() == []
    store.close()


def test_an_integer_too_long_to_write_is_refused_and_nothing_is_written():
    import datetime as dt

    store = SqliteStore(":memory:")
    quote = Quote(
        id="Q-1",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=dt.date(2027, 3, 1),
        fields={"big": 10**5000},
    )
    with pytest.raises(SerializationError):
        store.quotes.add(quote)
    assert store.quotes.list() == []
    store.close()
