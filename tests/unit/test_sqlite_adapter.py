import datetime as dt
import sqlite3
import subprocess
import sys
import threading

import pytest

from sfa_core.adapters._aggregates import CONFIGURATIONS, QUOTES
from sfa_core.adapters.sqlite import MIGRATIONS, SqliteStore, _table_statements
from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import ConcurrencyError, SerializationError, StorageError, ValidationError
from sfa_core.money import Money


def a_quote(quote_id="Q-1", **changes):
    from sfa_core.quotes import Quote, QuoteLine

    fields = {
        "id": quote_id,
        "account": "ACME",
        "currency": "EUR",
        "price_book": "EU",
        "quote_date": dt.date(2027, 3, 1),
        "lines": [QuoteLine(key="L1", sku="A", quantity="2.50", additional_discount="12.50")],
    }
    fields.update(changes)
    return Quote(**fields)


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
    assert {"quotes_account", "quotes_status"} <= indexes
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


def test_quotes_migration_matches_the_quote_aggregate():
    # Migration 2 is spelled out so that it cannot change by accident; if the quote
    # aggregate's indexes change, this fails: append a new migration instead.
    assert MIGRATIONS[1] == _table_statements(QUOTES)


def test_configuration_models_migration_matches_the_aggregate():
    # Migration 3 is spelled out too; a change to the aggregate needs a new migration.
    assert MIGRATIONS[2] == _table_statements(CONFIGURATIONS)
    assert len(MIGRATIONS) == 6  # 4: the pricing setup, 5: directories, 6: approvals


def test_a_database_with_only_the_first_migration_is_upgraded(tmp_path):
    # Build the file exactly as the first release left it: migration 1, schema version 1.
    path = tmp_path / "crm.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version (version) VALUES (1)")
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.commit()
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'quotes'").fetchall() == []
    conn.close()

    store = SqliteStore(path)
    assert store.schema_version == len(MIGRATIONS)
    stored = store.quotes.add(a_quote())
    assert store.quotes.list(account="ACME", status="draft") == [stored]
    store.products.add(Product(sku="A", name="Widget"))
    store.close()

    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()
    again = SqliteStore(path)
    assert again.quotes.get("Q-1") == stored
    assert again.products.get("A").name == "Widget"
    again.close()


def test_a_database_with_two_migrations_gains_the_configuration_models(tmp_path, monkeypatch):
    import sfa_core.adapters.sqlite as sqlite_adapter
    from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option

    path = tmp_path / "crm.db"
    monkeypatch.setattr(sqlite_adapter, "MIGRATIONS", MIGRATIONS[:2])
    old = SqliteStore(path)
    stored_quote = old.quotes.add(a_quote())
    old.close()
    monkeypatch.setattr(sqlite_adapter, "MIGRATIONS", MIGRATIONS)
    store = SqliteStore(path)
    assert store.schema_version == len(MIGRATIONS)
    assert store.quotes.get("Q-1") == stored_quote
    model = ConfigurationModel(
        root=Bundle(sku="LAPTOP", features=[Feature(id="ram", options=[Option(id="r", sku="R")])])
    )
    stored = store.configurations.add(model)
    store.close()
    again = SqliteStore(path)
    assert again.configurations.list() == [stored]
    again.close()


def test_a_database_with_three_migrations_gains_the_pricing_setup(tmp_path, monkeypatch):
    import sfa_core.adapters.sqlite as sqlite_adapter
    from sfa_core.pricing import DiscountSchedule

    path = tmp_path / "crm.db"
    monkeypatch.setattr(sqlite_adapter, "MIGRATIONS", MIGRATIONS[:3])
    old = SqliteStore(path)
    stored_quote = old.quotes.add(a_quote())
    old.close()
    monkeypatch.setattr(sqlite_adapter, "MIGRATIONS", MIGRATIONS)
    store = SqliteStore(path)
    assert store.schema_version == len(MIGRATIONS)
    assert store.quotes.get("Q-1") == stored_quote
    stored = store.discount_schedules.add(DiscountSchedule("VOL", [(9, 0), (None, 5)]))
    store.close()
    again = SqliteStore(path)
    assert again.discount_schedules.list() == [stored]
    again.close()


def test_products_written_before_the_upgrade_survive_it(tmp_path, monkeypatch):
    import sfa_core.adapters.sqlite as sqlite_adapter

    path = tmp_path / "crm.db"
    monkeypatch.setattr(sqlite_adapter, "MIGRATIONS", MIGRATIONS[:1])
    old = SqliteStore(path)
    assert old.schema_version == 1
    old.products.add(Product(sku="A", name="kept", cost=Money("0.0001", "USD")))
    old.close()
    monkeypatch.setattr(sqlite_adapter, "MIGRATIONS", MIGRATIONS)
    store = SqliteStore(path)
    assert store.schema_version == len(MIGRATIONS)
    assert store.products.get("A").cost == Money("0.0001", "USD")
    assert store.quotes.list() == []
    store.close()


def test_quote_status_column_holds_the_enum_value(tmp_path):
    from sfa_core.quotes import QuoteStatus

    store = SqliteStore(tmp_path / "crm.db")
    store.quotes.add(a_quote("Q-1"))
    store.quotes.add(a_quote("Q-2", account="GLOBEX", status=QuoteStatus.IN_REVIEW))
    rows = store._db.read("SELECT id, account, status, typeof(status) FROM quotes ORDER BY id")
    assert rows == [("Q-1", "ACME", "draft", "text"), ("Q-2", "GLOBEX", "in_review", "text")]
    assert [q.id for q in store.quotes.list(status=QuoteStatus.IN_REVIEW)] == ["Q-2"]
    assert [q.id for q in store.quotes.list(status="in_review")] == ["Q-2"]
    with pytest.raises(ValidationError) as info:
        store.quotes.list(status="IN_REVIEW")
    assert info.value.path == "status"
    store.close()


def test_quote_document_keeps_decimals_as_written(tmp_path):
    store = SqliteStore(tmp_path / "crm.db")
    store.quotes.add(a_quote())
    (doc,) = store._db.read("SELECT doc FROM quotes")[0]
    assert '"quantity":"2.50"' in doc
    assert '"additional_discount":"12.50"' in doc
    assert '"status":"draft"' in doc
    store.close()


def test_stale_quote_update_is_refused_across_stores(tmp_path):
    path = tmp_path / "crm.db"
    first, second = SqliteStore(path), SqliteStore(path)
    stored = first.quotes.add(a_quote())
    second.quotes.update(stored.transition("in_review"))
    with pytest.raises(ConcurrencyError):
        first.quotes.update(stored.transition("superseded"))
    assert first.quotes.get("Q-1").status.value == "in_review"
    first.close()
    second.close()


def test_catalog_use_of_the_adapters_does_not_import_the_quotes():
    code = (
        "import sys\n"
        "from sfa_core.adapters.memory import MemoryStore\n"
        "from sfa_core.adapters.sqlite import SqliteStore\n"
        "import sfa_core.ports, sfa_core.testing.contracts\n"
        "from sfa_core.catalog import Product\n"
        "s = SqliteStore(':memory:'); m = MemoryStore()\n"
        "for store in (s, m):\n"
        "    store.products.add(Product(sku='A', name='x')); store.products.list()\n"
        "s.close()\n"
        "prefixes = ('sfa_core.quotes', 'sfa_core.pricing', 'sfa_core.configure')\n"
        "print(sorted(n for n in sys.modules if n.startswith(prefixes)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
