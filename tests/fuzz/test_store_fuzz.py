"""Damaged database files and hostile values given to the shipped stores.

Every repository a store offers (named by STORE_REPOSITORIES) is read back from a
SQLite file whose bytes were damaged; only SfaError (StorageError,
SerializationError...) may come out, within the time and memory bounds.
"""

from __future__ import annotations

import datetime as dt
import os

import fuzzkit
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sfa_core import Money, SalesEngine
from sfa_core.adapters.sqlite import SqliteStore
from sfa_core.catalog import PriceBook, Product
from sfa_core.ports import STORE_REPOSITORIES


def _pristine(path: str) -> bytes:
    for leftover in (path, f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        if os.path.exists(leftover):
            os.remove(leftover)
    with SalesEngine.sqlite(path) as engine:
        engine.catalog.add_product(Product(sku="A", name="a"))
        engine.catalog.add_price_book(
            PriceBook(id="EU", currency="EUR", entries={"A": Money("5.00", "EUR")})
        )
        engine.quotes.create(
            account="ACME", price_book="EU", quote_id="Q-1", quote_date=dt.date(2027, 3, 1)
        )
    with open(path, "rb") as handle:
        return handle.read()


def _read_everything(path: str) -> None:
    store = SqliteStore(path)
    try:
        for name in sorted(STORE_REPOSITORIES):
            repository = getattr(store, name)
            for value in repository.list():
                repository.get(getattr(value, "id", None) or getattr(value, "sku", None))
        engine = SalesEngine.from_store(store)
        engine.quotes.price("Q-1")
    finally:
        store.close()


@settings(
    max_examples=fuzzkit.examples(25),
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    damage=st.lists(
        st.tuples(st.integers(0, 1 << 20), st.binary(min_size=1, max_size=16)),
        min_size=1,
        max_size=8,
    ),
    truncate=st.one_of(st.none(), st.integers(0, 1 << 16)),
)
def test_a_damaged_database_file_is_refused_cleanly(tmp_path, damage, truncate):
    path = str(tmp_path / "crm.db")
    data = bytearray(_pristine(path))
    for offset, chunk in damage:
        at = offset % len(data)
        data[at : at + len(chunk)] = chunk
    if truncate is not None:
        del data[truncate:]
    with open(path, "wb") as handle:
        handle.write(bytes(data))
    fuzzkit.check_call(f"read back {path} with damage {damage!r}", _read_everything, path)


@settings(
    max_examples=fuzzkit.examples(40),
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(
    name=st.sampled_from(sorted(STORE_REPOSITORIES)),
    method=st.sampled_from(["get", "list", "add", "update", "delete", "revision", "version"]),
    args=st.lists(fuzzkit.hostile(), max_size=2),
    sqlite=st.booleans(),
)
def test_hostile_repository_calls(name, method, args, sqlite):
    from sfa_core.adapters.memory import MemoryStore

    store = SqliteStore(":memory:") if sqlite else MemoryStore()
    bound = getattr(getattr(store, name), method, None)
    if bound is None or fuzzkit.binding_error(bound, tuple(args), {}):
        return
    fuzzkit.check_call(f"{type(store).__name__}.{name}.{method}", bound, *args)
