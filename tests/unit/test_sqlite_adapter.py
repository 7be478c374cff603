import sqlite3
import threading

import pytest

from sfa_core.adapters.sqlite import MIGRATIONS, SqliteStore
from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import ConcurrencyError, SerializationError, StorageError
from sfa_core.money import Money


def test_data_survives_reopening(tmp_path):
    path = tmp_path / "crm.db"
    with_cost = Product(sku="A", name="Widget", cost=Money("0.0001", "USD"))
    store = SqliteStore(path)
    store.products.add(with_cost)
    store.price_books.add(PriceBook(id="EU", currency="EUR", entries={"A": Money("9.90", "EUR")}))
    store.close()
    again = SqliteStore(path)
    assert again.products.get("A").cost == Money("0.0001", "USD")
    assert again.price_books.get("EU").entries["A"] == Money("9.90", "EUR")
    again.close()


def test_file_database_uses_wal(tmp_path):
    store = SqliteStore(tmp_path / "crm.db")
    mode = store._db.read("PRAGMA journal_mode")[0][0]
    store.close()
    assert mode == "wal"


def test_schema_version_is_recorded_and_keys_are_indexed(tmp_path):
    path = tmp_path / "crm.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    indexes = {row[1] for row in conn.execute("SELECT * FROM sqlite_master WHERE type='index'")}
    assert {"products_family", "products_active", "price_books_currency"} <= indexes
    conn.close()


def test_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "crm.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS) + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="newer"):
        SqliteStore(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS) + 1
    conn.close()


def test_not_a_database_is_a_storage_error(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError):
        SqliteStore(path)


def test_corrupt_document_names_the_field(tmp_path):
    store = SqliteStore(tmp_path / "crm.db")
    store.products.add(Product(sku="A", name="Widget"))
    with store._db.transaction() as conn:
        conn.execute("""UPDATE products SET doc = json_set(doc, '$.active', 'maybe')""")
    with pytest.raises(SerializationError) as info:
        store.products.get("A")
    assert info.value.path == "active"
    store.close()


def test_two_stores_on_one_file_see_each_others_writes_and_conflicts(tmp_path):
    path = tmp_path / "crm.db"
    first, second = SqliteStore(path), SqliteStore(path)
    stored = first.products.add(Product(sku="A", name="one"))
    assert second.products.get("A") == stored
    second.products.update(Product(sku="A", name="two", version=1))
    with pytest.raises(ConcurrencyError):
        first.products.update(Product(sku="A", name="three", version=1))
    assert first.products.get("A").name == "two"
    first.close()
    second.close()


def test_threads_share_one_store(tmp_path):
    store = SqliteStore(tmp_path / "crm.db")
    errors = []

    def add_many(prefix):
        try:
            for i in range(25):
                store.products.add(Product(sku=f"{prefix}-{i:02}", name="x"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add_many, args=(p,)) for p in "ABCD"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.products.list()) == 100
    store.close()


def test_missing_migrations_are_applied_on_open(tmp_path, monkeypatch):
    import sfa_core.adapters.sqlite as sqlite_adapter

    path = tmp_path / "crm.db"
    old = SqliteStore(path)
    old.products.add(Product(sku="A", name="kept"))
    old.close()
    newer = (*MIGRATIONS, ("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT)",))
    monkeypatch.setattr(sqlite_adapter, "MIGRATIONS", newer)
    store = SqliteStore(path)
    assert store.schema_version == len(newer)
    assert store._db.read("SELECT name FROM sqlite_master WHERE name = 'notes'") == [("notes",)]
    assert store.products.get("A").name == "kept"
    store.close()


def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    import sfa_core.adapters.sqlite as sqlite_adapter

    path = tmp_path / "crm.db"
    SqliteStore(path).close()
    broken = (
        *MIGRATIONS,
        ("CREATE TABLE notes (id TEXT PRIMARY KEY)", "CREATE TABLE notes (oops TEXT)"),
    )
    monkeypatch.setattr(sqlite_adapter, "MIGRATIONS", broken)
    with pytest.raises(StorageError, match="notes"):
        SqliteStore(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'notes'").fetchall() == []
    conn.close()
