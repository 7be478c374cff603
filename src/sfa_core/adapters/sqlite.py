"""SQLite storage on the standard library's :mod:`sqlite3`: the embedded default.

* Each aggregate has its own table: the key as primary key, the filterable
  fields in indexed columns, the version, and the whole value as a JSON
  document written by :mod:`sfa_core.serialization`.
* The schema is versioned: ``schema_version`` records how many migrations ran;
  opening a database applies the missing ones in one transaction, and a
  database written by a newer sfa_core is refused with
  :class:`~sfa_core.errors.StorageError`.
* Every write runs in a transaction; ``with store.transaction():`` groups
  several writes (nested blocks become savepoints). Updates check the version
  in the same statement (``WHERE key = ? AND version = ?``), so a stale write
  is refused with :class:`~sfa_core.errors.ConcurrencyError` even when another
  process wrote in between.
* Values are frozen, so a document read again returns the value structured
  the first time (a bounded memo keyed by the document's text): a stored
  product priced on every quote costs one indexed read, not a parse.
* File databases use WAL mode (readers do not block the writer). One
  connection is shared by the threads of a process and guarded by a
  re-entrant lock, so a store is safe to share between threads.

>>> from sfa_core.catalog import Product
>>> store = SqliteStore(":memory:")
>>> store.products.add(Product(sku="A-1", name="Widget")).version
1
>>> store.schema_version == len(MIGRATIONS) == 6
True
>>> store.close()
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from sfa_core.adapters._aggregates import (
    APPROVAL_POLICIES,
    APPROVAL_REQUESTS,
    CONFIGURATIONS,
    CONTRACTED_PRICES,
    DIRECTORIES,
    DISCOUNT_SCHEDULES,
    PRICE_BOOKS,
    PRICING_SETTINGS,
    PRODUCTS,
    PROMOTIONS,
    QUOTES,
    RULE_SETS,
    Aggregate,
    ApprovalPolicyMethods,
    ApprovalRequestMethods,
    ConfigurationModelMethods,
    ContractedPricesMethods,
    DirectoryMethods,
    DiscountScheduleMethods,
    PriceBookMethods,
    PricingSettingsMethods,
    ProductMethods,
    PromotionMethods,
    QuoteMethods,
    RuleSetMethods,
    column_value,
)
from sfa_core.errors import (
    AlreadyExistsError,
    ConcurrencyError,
    NotFoundError,
    SerializationError,
    SfaError,
    StorageError,
)
from sfa_core.serialization import structure, unstructure

if TYPE_CHECKING:
    from sfa_core.approvals.policy import Policy  # noqa: F401 - quoted base class
    from sfa_core.approvals.request import ApprovalRequest  # noqa: F401 - quoted base class
    from sfa_core.configure.model import ConfigurationModel  # noqa: F401 - quoted base class
    from sfa_core.directory.model import Directory  # noqa: F401 - quoted base class
    from sfa_core.quotes.model import Quote  # noqa: F401 - the quoted base class uses it

__all__ = [
    "SqliteApprovalPolicyRepository",
    "SqliteApprovalRequestRepository",
    "MIGRATIONS",
    "SqliteConfigurationModelRepository",
    "SqliteContractedPricesRepository",
    "SqliteDirectoryRepository",
    "SqliteDiscountScheduleRepository",
    "SqlitePriceBookRepository",
    "SqlitePricingSettingsRepository",
    "SqliteProductRepository",
    "SqlitePromotionRepository",
    "SqliteQuoteRepository",
    "SqliteRuleSetRepository",
    "SqliteStore",
]

T = TypeVar("T")

#: Documents a repository keeps structured, per repository: at most this many,
#: and at most this many characters of document text in all.
_LOADED_MAX = 4096
_LOADED_CHARS = 16_000_000


def _table_statements(aggregate: Aggregate[Any]) -> tuple[str, ...]:
    columns = "".join(f", {name} {_column_type(name)}" for name in aggregate.indexes)
    statements = [
        f"CREATE TABLE {aggregate.table} ("
        f"{aggregate.key} TEXT PRIMARY KEY NOT NULL{columns}, "
        "version INTEGER NOT NULL, doc TEXT NOT NULL)"
    ]
    statements += [
        f"CREATE INDEX {aggregate.table}_{name} ON {aggregate.table} ({name})"
        for name in aggregate.indexes
    ]
    return tuple(statements)


def _column_type(name: str) -> str:
    return "INTEGER" if name == "active" else "TEXT"


#: The schema, one tuple of statements per migration, applied in order. Never
#: edit a released migration: append a new one. Migrations from the second on
#: are spelled out, so that changing an aggregate cannot change them silently.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1 (0.1.0): products and price books.
    _table_statements(PRODUCTS) + _table_statements(PRICE_BOOKS),
    # 2: quotes, filterable by account and status (the status enum's value).
    (
        "CREATE TABLE quotes (id TEXT PRIMARY KEY NOT NULL, account TEXT, status TEXT, "
        "version INTEGER NOT NULL, doc TEXT NOT NULL)",
        "CREATE INDEX quotes_account ON quotes (account)",
        "CREATE INDEX quotes_status ON quotes (status)",
    ),
    # 3: configuration models, keyed by the root bundle's sku; nothing to filter on.
    (
        "CREATE TABLE configuration_models (sku TEXT PRIMARY KEY NOT NULL, "
        "version INTEGER NOT NULL, doc TEXT NOT NULL)",
    ),
    # 4: the pricing setup (rule sets, discount schedules, promotions, contracted
    # prices by account, pricing settings), each with a table of every revision.
    tuple(
        statement
        for table, key in (
            ("rule_sets", "id"),
            ("discount_schedules", "id"),
            ("promotions", "id"),
            ("contracted_prices", "account"),
            ("pricing_settings", "id"),
        )
        for statement in (
            f"CREATE TABLE {table} ({key} TEXT PRIMARY KEY NOT NULL, "
            "version INTEGER NOT NULL, doc TEXT NOT NULL)",
            f"CREATE TABLE {table}_revisions ({key} TEXT NOT NULL, version INTEGER NOT NULL, "
            f"doc TEXT NOT NULL, PRIMARY KEY ({key}, version))",
        )
    ),
    # 5: directories (users, groups, delegations), keyed by id; nothing to filter on.
    (
        "CREATE TABLE directories (id TEXT PRIMARY KEY NOT NULL, "
        "version INTEGER NOT NULL, doc TEXT NOT NULL)",
    ),
    # 6: approval policies by id (nothing to filter on), and approval requests by id,
    # filterable by quote and status (the status enum's value).
    (
        "CREATE TABLE approval_policies (id TEXT PRIMARY KEY NOT NULL, "
        "version INTEGER NOT NULL, doc TEXT NOT NULL)",
        "CREATE TABLE approval_requests (id TEXT PRIMARY KEY NOT NULL, quote_id TEXT, "
        "status TEXT, version INTEGER NOT NULL, doc TEXT NOT NULL)",
        "CREATE INDEX approval_requests_quote_id ON approval_requests (quote_id)",
        "CREATE INDEX approval_requests_status ON approval_requests (status)",
    ),
)


class _Database:
    """One connection, one lock, and the transaction depth (for savepoints)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self.lock = threading.RLock()
        self._depth = 0
        try:
            self.connection = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=10.0
            )
        except (sqlite3.Error, ValueError) as exc:  # ValueError: a NUL in the path
            raise StorageError(f"cannot open SQLite database {self.path!r}: {exc}") from None
        try:
            self.connection.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:" and not self.path.startswith("file::memory:"):
                self.connection.execute("PRAGMA journal_mode = WAL")
                self.connection.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file
            self.connection.close()
            raise StorageError(f"cannot use SQLite database {self.path!r}: {exc}") from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock, _storage_errors(self.path):
            if self._depth == 0:
                begin, commit, rollback = "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"
            else:
                name = f"sp{self._depth}"
                begin = f"SAVEPOINT {name}"
                commit = f"RELEASE {name}"
                rollback = f"ROLLBACK TO {name}; RELEASE {name}"
            self.connection.execute(begin)
            self._depth += 1
            try:
                yield self.connection
            except BaseException:
                self._depth -= 1
                for statement in rollback.split("; "):
                    self.connection.execute(statement)
                raise
            self._depth -= 1
            self.connection.execute(commit)

    def read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.lock, _storage_errors(self.path):
            return self.connection.execute(sql, params).fetchall()


@contextmanager
def _storage_errors(path: str) -> Iterator[None]:
    """Turn what SQLite raises (a damaged file, a closed or locked database) into StorageError.

    A damaged file can also hold text that is not UTF-8, which fails as it is read.
    """
    try:
        yield
    except sqlite3.Error as exc:
        raise StorageError(f"SQLite database {path!r} failed: {type(exc).__name__}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise StorageError(
            f"SQLite database {path!r} is damaged: text that is not UTF-8 ({exc.reason})"
        ) from exc


class _SqliteTable(Generic[T]):
    """The values of one aggregate in its SQL table: a :class:`Table`."""

    def __init__(self, aggregate: Aggregate[T], db: _Database) -> None:
        self.aggregate = aggregate
        self._db = db
        self._loaded: dict[str, T] = {}
        self._loaded_chars = 0
        a = aggregate
        cols = ", ".join((a.key, *a.indexes, "version", "doc"))
        marks = ", ".join("?" for _ in range(len(a.indexes) + 3))
        sets = "".join(f"{name} = ?, " for name in a.indexes)
        self._sql_get = f"SELECT doc FROM {a.table} WHERE {a.key} = ?"
        self._sql_version = f"SELECT version FROM {a.table} WHERE {a.key} = ?"
        self._sql_list = f"SELECT doc FROM {a.table}"
        self._sql_insert = f"INSERT INTO {a.table} ({cols}) VALUES ({marks})"
        self._sql_update = (
            f"UPDATE {a.table} SET {sets}version = ?, doc = ? WHERE {a.key} = ? AND version = ?"
        )
        self._sql_delete = f"DELETE FROM {a.table} WHERE {a.key} = ? AND version = ?"
        self._sql_versions = f"SELECT {a.key}, version FROM {a.table} ORDER BY {a.key}"
        self._sql_revision = (
            f"SELECT doc FROM {a.table}_revisions WHERE {a.key} = ? AND version = ?"
        )
        self._sql_keep = (
            # OR REPLACE: a key deleted and added again starts its versions anew.
            f"INSERT OR REPLACE INTO {a.table}_revisions ({a.key}, version, doc) VALUES (?, ?, ?)"
            if a.keeps_revisions
            else ""
        )

    def _load(self, doc: Any) -> T:
        # A document names one immutable value: a document read again (a product on
        # every quote, the same price book) is structured once. Bounded, oldest out.
        loaded = self._loaded
        value = loaded.get(doc) if isinstance(doc, str) else None
        if value is None:
            value = self._parse(doc)
            with self._db.lock:
                self._loaded_chars += len(doc)
                while loaded and (len(loaded) >= _LOADED_MAX or self._loaded_chars > _LOADED_CHARS):
                    oldest = next(iter(loaded))
                    del loaded[oldest]
                    self._loaded_chars -= len(oldest)
                loaded[doc] = value
        return value

    def _parse(self, doc: Any) -> T:
        kind = self.aggregate.kind
        if not isinstance(doc, str):
            raise StorageError(f"a stored {kind} is damaged: its document is not text")
        try:
            return structure(json.loads(doc), self.aggregate.cls)
        except SfaError:
            raise  # a SerializationError names the damaged field
        except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
            raise StorageError(
                f"a stored {kind} is damaged: {type(exc).__name__}: {str(exc)[:200]}"
            ) from None

    def _dump(self, value: Any) -> str:
        try:
            doc = json.dumps(
                unstructure(value), ensure_ascii=False, allow_nan=False, separators=(",", ":")
            )
            doc.encode("utf-8")
        except UnicodeEncodeError:
            raise SerializationError(
                f"the {self.aggregate.kind} holds text that is not valid Unicode "
                "(a lone surrogate) and cannot be stored"
            ) from None
        except (ValueError, RecursionError) as exc:  # an int too long to write, deep nesting
            raise SerializationError(
                f"the {self.aggregate.kind} cannot be written as JSON: {str(exc)[:200]}"
            ) from None
        return doc

    def _index_values(self, value: T) -> tuple[Any, ...]:
        return tuple(column_value(v) for v in self.aggregate.index_values(value))

    def get(self, key: str) -> T:
        rows = self._db.read(self._sql_get, (key,))
        if not rows:
            raise NotFoundError(self.aggregate.kind, key)
        return self._load(rows[0][0])

    def version(self, key: str) -> int:
        rows = self._db.read(self._sql_version, (key,))
        if not rows:
            raise NotFoundError(self.aggregate.kind, key)
        version: int = rows[0][0]
        return version

    def list(self, **filters: Any) -> list[T]:
        clauses, params = [], []
        for name, value in filters.items():
            if value is not None:
                clauses.append(f"{name} = ?")
                params.append(column_value(value))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        order = f" ORDER BY {self.aggregate.key}"
        rows = self._db.read(f"{self._sql_list}{where}{order}", tuple(params))
        return [self._load(doc) for (doc,) in rows]

    def add(self, value: T) -> T:
        key = self.aggregate.key_of(value)
        stored = attrs.evolve(value, version=1)  # type: ignore[misc]
        doc = self._dump(stored)
        params = (key, *self._index_values(stored), 1, doc)
        with self._db.transaction() as conn:
            try:
                conn.execute(self._sql_insert, params)
            except sqlite3.IntegrityError:
                raise AlreadyExistsError(self.aggregate.kind, key) from None
            self._keep(conn, key, 1, doc)
        return stored

    def _keep(self, conn: sqlite3.Connection, key: str, version: int, doc: str) -> None:
        if self._sql_keep:
            conn.execute(self._sql_keep, (key, version, doc))

    def update(self, value: T) -> T:
        key = self.aggregate.key_of(value)
        expected: int = value.version  # type: ignore[attr-defined]
        stored = attrs.evolve(value, version=expected + 1)  # type: ignore[misc]
        doc = self._dump(stored)
        params = (*self._index_values(stored), expected + 1, doc, key, expected)
        with self._db.transaction() as conn:
            if conn.execute(self._sql_update, params).rowcount == 0:
                self._raise_conflict(conn, key, expected)
            self._keep(conn, key, expected + 1, doc)
        return stored

    def versions(self) -> dict[str, int]:
        return dict(self._db.read(self._sql_versions))

    def revision(self, key: str, version: int) -> T:
        rows = self._db.read(self._sql_revision, (key, version)) if self._sql_keep else []
        if not rows:
            raise NotFoundError(self.aggregate.kind, f"{key}@{version}")
        return self._load(rows[0][0])

    def delete(self, key: str, expected_version: int) -> None:
        with self._db.transaction() as conn:
            if conn.execute(self._sql_delete, (key, expected_version)).rowcount == 0:
                self._raise_conflict(conn, key, expected_version)

    def _raise_conflict(self, conn: sqlite3.Connection, key: str, expected: int) -> None:
        row = conn.execute(self._sql_version, (key,)).fetchone()
        if row is None:
            raise NotFoundError(self.aggregate.kind, key)
        raise ConcurrencyError(self.aggregate.kind, key, expected, row[0])


class SqliteProductRepository(ProductMethods):
    """:class:`~sfa_core.ports.ProductRepository` on SQLite.

    Get one from :attr:`SqliteStore.products` rather than building it directly.

    Example:
        >>> from sfa_core.catalog import Product
        >>> store = SqliteStore(":memory:")
        >>> stored = store.products.add(Product(sku="A-1", name="Widget", family="hardware"))
        >>> store.products.get("A-1") == stored
        True
        >>> store.close()
    """


class SqlitePriceBookRepository(PriceBookMethods):
    """:class:`~sfa_core.ports.PriceBookRepository` on SQLite.

    Get one from :attr:`SqliteStore.price_books` rather than building it directly.

    Example:
        >>> from sfa_core import Money
        >>> from sfa_core.catalog import PriceBook
        >>> store = SqliteStore(":memory:")
        >>> book = PriceBook(id="EU", currency="EUR", entries={"A-1": Money("9.90", "EUR")})
        >>> store.price_books.add(book) == store.price_books.get("EU")
        True
        >>> store.close()
    """


class SqliteQuoteRepository(QuoteMethods):
    """:class:`~sfa_core.ports.QuoteRepository` on SQLite.

    The ``account`` and ``status`` columns are indexed (the status as its string
    value); the quote itself, lines and groups included, is the JSON document.
    Get one from :attr:`SqliteStore.quotes` rather than building it directly.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.quotes import Quote, QuoteLine
        >>> store = SqliteStore(":memory:")
        >>> quote = Quote(id="Q-1", account="ACME", currency="EUR", price_book="EU",
        ...               quote_date=dt.date(2027, 3, 1),
        ...               lines=[QuoteLine(key="L1", sku="A-1", quantity=3)])
        >>> store.quotes.add(quote) == store.quotes.get("Q-1")
        True
        >>> store._db.read("SELECT account, status FROM quotes")
        [('ACME', 'draft')]
        >>> store.close()
    """


class SqliteConfigurationModelRepository(ConfigurationModelMethods):
    """:class:`~sfa_core.ports.ConfigurationModelRepository` on SQLite.

    The table holds the sku (the root bundle's), the version and the model as a
    JSON document: bundles, features, options, attributes, constraints (tagged
    with their class name) and product rules with their JSON Logic conditions.
    Get one from :attr:`SqliteStore.configurations` rather than building it directly.

    Example:
        >>> from sfa_core.configure import (
        ...     Bundle, ConfigurationModel, Feature, Option, ProductRule, Requires)
        >>> store = SqliteStore(":memory:")
        >>> model = ConfigurationModel(
        ...     root=Bundle(sku="LAPTOP", features=[Feature(id="ram", options=[
        ...         Option(id="r16", sku="RAM-16"), Option(id="r32", sku="RAM-32")])]),
        ...     constraints=[Requires(id="c1", option="r32", needs=["r16"])],
        ...     rules=[ProductRule(id="v1", kind="validation",
        ...                        condition={"!": [{"var": "options.r16"}]})])
        >>> store.configurations.add(model) == store.configurations.get("LAPTOP")
        True
        >>> store._db.read("SELECT sku, version FROM configuration_models")
        [('LAPTOP', 1)]
        >>> store.close()
    """


class SqliteRuleSetRepository(RuleSetMethods):
    """:class:`~sfa_core.ports.RuleSetRepository` on SQLite; every revision kept.

    Example:
        >>> from sfa_core.pricing import RuleSet
        >>> store = SqliteStore(":memory:")
        >>> store.rule_sets.add(RuleSet((), id="R")) == store.rule_sets.get("R")
        True
        >>> store.close()
    """


class SqliteDiscountScheduleRepository(DiscountScheduleMethods):
    """:class:`~sfa_core.ports.DiscountScheduleRepository` on SQLite; every revision kept.

    Example:
        >>> from sfa_core.pricing import DiscountSchedule
        >>> store = SqliteStore(":memory:")
        >>> schedule = DiscountSchedule("V", [(9, 0), (None, 5)])
        >>> store.discount_schedules.add(schedule) == store.discount_schedules.get("V")
        True
        >>> store.close()
    """


class SqlitePromotionRepository(PromotionMethods):
    """:class:`~sfa_core.ports.PromotionRepository` on SQLite; every revision kept.

    Example:
        >>> store = SqliteStore(":memory:")
        >>> store.promotions.list()
        []
        >>> store.close()
    """


class SqliteContractedPricesRepository(ContractedPricesMethods):
    """:class:`~sfa_core.ports.ContractedPricesRepository` on SQLite; every revision kept.

    Example:
        >>> from sfa_core import Money
        >>> from sfa_core.pricing import ContractedPrices
        >>> store = SqliteStore(":memory:")
        >>> _ = store.contracted_prices.add(ContractedPrices("ACME", {"D": Money("9", "EUR")}))
        >>> store.contracted_prices.versions()
        {'ACME': 1}
        >>> store.close()
    """


class SqlitePricingSettingsRepository(PricingSettingsMethods):
    """:class:`~sfa_core.ports.PricingSettingsRepository` on SQLite; every revision kept.

    Example:
        >>> from sfa_core.pricing import PricingSettings
        >>> store = SqliteStore(":memory:")
        >>> store.pricing_settings.add(PricingSettings()).version
        1
        >>> store.close()
    """


class SqliteDirectoryRepository(DirectoryMethods):
    """:class:`~sfa_core.ports.DirectoryRepository` on SQLite.

    The table holds the id, the version and the directory as a JSON document:
    users, groups with their members' weights, and delegations with their windows
    as ISO 8601 datetimes with their UTC offsets. Get one from
    :attr:`SqliteStore.directories` rather than building it directly.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.directory import Delegation, Directory, Group, User
        >>> store = SqliteStore(":memory:")
        >>> august = dt.datetime(2027, 8, 1, tzinfo=dt.timezone.utc)
        >>> directory = Directory(
        ...     users=[User("ceo"), User("ana", manager="ceo", time_zone="Europe/Paris")],
        ...     groups=[Group("emea", members=["ana", "ceo"])],
        ...     delegations=[Delegation("ana", "ceo", august)])
        >>> store.directories.add(directory) == store.directories.get("main")
        True
        >>> store._db.read("SELECT id, version FROM directories")
        [('main', 1)]
        >>> store.close()
    """


class SqliteApprovalPolicyRepository(ApprovalPolicyMethods):
    """:class:`~sfa_core.ports.ApprovalPolicyRepository` on SQLite.

    The table holds the id, the version and the policy as a JSON document (its
    rules' JSON Logic conditions as written); a policy read back is compiled
    again. Get one from :attr:`SqliteStore.approval_policies` rather than
    building it directly.

    Example:
        >>> from sfa_core.approvals import ApprovalRule, ApproverSpec, Policy
        >>> store = SqliteStore(":memory:")
        >>> rule = ApprovalRule(id="deep", condition={">": [{"var": "discount_percent"}, 20]},
        ...                     approvers=ApproverSpec.role("vp"))
        >>> stored = store.approval_policies.add(Policy(id="default", rules=[rule]))
        >>> store.approval_policies.get("default") == stored
        True
        >>> store.close()
    """


class SqliteApprovalRequestRepository(ApprovalRequestMethods):
    """:class:`~sfa_core.ports.ApprovalRequestRepository` on SQLite.

    The table holds the id, the quote id and the status in their own indexed
    columns (what ``list`` filters on), the version, and the request as a JSON
    document: plan, step states, answers and audit trail, times as ISO 8601 with
    their UTC offsets. Get one from :attr:`SqliteStore.approval_requests` rather
    than building it directly.

    Example:
        >>> import datetime as dt
        >>> from sfa_core.approvals import ApprovalPlan, PlanStep, submit
        >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),))
        >>> request, _ = submit(plan, request_id="AR-1", quote_id="Q-1", quote_revision=1,
        ...                     submitter="rep", at=dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc))
        >>> store = SqliteStore(":memory:")
        >>> stored = store.approval_requests.add(request)
        >>> store.approval_requests.list(quote_id="Q-1", status="pending") == [stored]
        True
        >>> store.close()
    """


class SqliteStore:
    """All SQLite repositories on one database, plus the unit of work that spans them.

    Opening a database creates the file if needed and applies the missing
    migrations. Call :meth:`close` when done.

    Args:
        path: A file path, or ``":memory:"`` for a private in-memory database.

    Attributes:
        schema_version: The schema version of the database once opened
            (``len(MIGRATIONS)``).

    Raises:
        StorageError: The file cannot be opened, or its schema is newer than this code.

    Example:
        >>> from sfa_core.catalog import Product
        >>> store = SqliteStore(":memory:")
        >>> _ = store.products.add(Product(sku="A-1", name="Widget"))
        >>> [p.sku for p in store.products.list()]
        ['A-1']
        >>> store.close()
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._db = _Database(path)
        try:
            self.schema_version = self._migrate()
        except BaseException:
            self._db.connection.close()
            raise
        self._products = SqliteProductRepository(_SqliteTable(PRODUCTS, self._db))
        self._price_books = SqlitePriceBookRepository(_SqliteTable(PRICE_BOOKS, self._db))
        self._quotes = SqliteQuoteRepository(_SqliteTable(QUOTES, self._db))
        self._configurations = SqliteConfigurationModelRepository(
            _SqliteTable(CONFIGURATIONS, self._db)
        )
        self._rule_sets = SqliteRuleSetRepository(_SqliteTable(RULE_SETS, self._db))
        self._discount_schedules = SqliteDiscountScheduleRepository(
            _SqliteTable(DISCOUNT_SCHEDULES, self._db)
        )
        self._promotions = SqlitePromotionRepository(_SqliteTable(PROMOTIONS, self._db))
        self._contracted_prices = SqliteContractedPricesRepository(
            _SqliteTable(CONTRACTED_PRICES, self._db)
        )
        self._pricing_settings = SqlitePricingSettingsRepository(
            _SqliteTable(PRICING_SETTINGS, self._db)
        )
        self._directories = SqliteDirectoryRepository(_SqliteTable(DIRECTORIES, self._db))
        self._approval_policies = SqliteApprovalPolicyRepository(
            _SqliteTable(APPROVAL_POLICIES, self._db)
        )
        self._approval_requests = SqliteApprovalRequestRepository(
            _SqliteTable(APPROVAL_REQUESTS, self._db)
        )

    def _migrate(self) -> int:
        try:
            with self._db.transaction() as conn:
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                row = conn.execute("SELECT version FROM schema_version").fetchone()
                current = 0 if row is None else row[0]
                if not isinstance(current, int) or current < 0:
                    raise StorageError(
                        f"database {self._db.path!r} has a damaged schema_version "
                        f"({current!r}): not an sfa_core database, or damaged"
                    )
                if row is None:
                    conn.execute("INSERT INTO schema_version (version) VALUES (0)")
                if current > len(MIGRATIONS):
                    raise StorageError(
                        f"database schema version {current} is newer than this sfa_core "
                        f"supports ({len(MIGRATIONS)}); upgrade sfa_core"
                    )
                for statements in MIGRATIONS[current:]:
                    for statement in statements:
                        conn.execute(statement)
                conn.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS),))
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot use SQLite database {self._db.path!r}: {exc}") from None
        return len(MIGRATIONS)

    @property
    def path(self) -> str:
        """The database path, as a string.

        Example:
            >>> store = SqliteStore(":memory:")
            >>> store.path
            ':memory:'
            >>> store.close()
        """
        return self._db.path

    @property
    def products(self) -> SqliteProductRepository:
        """The product repository.

        Example:
            >>> from sfa_core.ports import ProductRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.products, ProductRepository)
            True
            >>> store.close()
        """
        return self._products

    @property
    def price_books(self) -> SqlitePriceBookRepository:
        """The price book repository.

        Example:
            >>> from sfa_core.ports import PriceBookRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.price_books, PriceBookRepository)
            True
            >>> store.close()
        """
        return self._price_books

    @property
    def quotes(self) -> SqliteQuoteRepository:
        """The quote repository.

        Example:
            >>> from sfa_core.ports import QuoteRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.quotes, QuoteRepository)
            True
            >>> store.close()
        """
        return self._quotes

    @property
    def configurations(self) -> SqliteConfigurationModelRepository:
        """The configuration model repository.

        Example:
            >>> from sfa_core.ports import ConfigurationModelRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.configurations, ConfigurationModelRepository)
            True
            >>> store.close()
        """
        return self._configurations

    @property
    def rule_sets(self) -> SqliteRuleSetRepository:
        """The price rule set repository.

        Example:
            >>> from sfa_core.ports import RuleSetRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.rule_sets, RuleSetRepository)
            True
            >>> store.close()
        """
        return self._rule_sets

    @property
    def discount_schedules(self) -> SqliteDiscountScheduleRepository:
        """The discount schedule repository.

        Example:
            >>> from sfa_core.ports import DiscountScheduleRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.discount_schedules, DiscountScheduleRepository)
            True
            >>> store.close()
        """
        return self._discount_schedules

    @property
    def promotions(self) -> SqlitePromotionRepository:
        """The promotion repository.

        Example:
            >>> from sfa_core.ports import PromotionRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.promotions, PromotionRepository)
            True
            >>> store.close()
        """
        return self._promotions

    @property
    def contracted_prices(self) -> SqliteContractedPricesRepository:
        """The contracted prices repository (by account).

        Example:
            >>> from sfa_core.ports import ContractedPricesRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.contracted_prices, ContractedPricesRepository)
            True
            >>> store.close()
        """
        return self._contracted_prices

    @property
    def pricing_settings(self) -> SqlitePricingSettingsRepository:
        """The pricing settings repository.

        Example:
            >>> from sfa_core.ports import PricingSettingsRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.pricing_settings, PricingSettingsRepository)
            True
            >>> store.close()
        """
        return self._pricing_settings

    @property
    def directories(self) -> SqliteDirectoryRepository:
        """The directory repository (users, groups, delegations).

        Example:
            >>> from sfa_core.ports import DirectoryRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.directories, DirectoryRepository)
            True
            >>> store.close()
        """
        return self._directories

    @property
    def approval_policies(self) -> SqliteApprovalPolicyRepository:
        """The approval policy repository.

        Example:
            >>> from sfa_core.ports import ApprovalPolicyRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.approval_policies, ApprovalPolicyRepository)
            True
            >>> store.close()
        """
        return self._approval_policies

    @property
    def approval_requests(self) -> SqliteApprovalRequestRepository:
        """The approval request repository.

        Example:
            >>> from sfa_core.ports import ApprovalRequestRepository
            >>> store = SqliteStore(":memory:")
            >>> isinstance(store.approval_requests, ApprovalRequestRepository)
            True
            >>> store.close()
        """
        return self._approval_requests

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes of the block atomic: commit at the end, roll back if it raises.

        The outermost block is an SQLite transaction (``BEGIN IMMEDIATE``), nested
        blocks are savepoints, so a failing inner block undoes only its own writes.
        The block holds the store's lock, so other threads of the process wait.

        Returns:
            A context manager; if the block raises, its writes are rolled back and
            the exception propagates.

        Example:
            >>> from sfa_core.catalog import Product
            >>> store = SqliteStore(":memory:")
            >>> try:
            ...     with store.transaction():
            ...         _ = store.products.add(Product(sku="A-1", name="Widget"))
            ...         raise RuntimeError("card declined")
            ... except RuntimeError:
            ...     pass
            >>> store.products.list()
            []
            >>> store.close()
        """
        with self._db.transaction():
            yield

    def close(self) -> None:
        """Close the connection. The store cannot be used afterwards.

        Closing again does nothing.

        Example:
            >>> store = SqliteStore(":memory:")
            >>> store.close()
            >>> store.close()
        """
        with self._db.lock:
            self._db.connection.close()
