"""How a host proves its own storage with sfa_core's contract suite.

A host keeps products, quotes and configuration models in its own store (here:
one JSON file per repository, for brevity) and implements
:class:`sfa_core.ports.ProductRepository`, :class:`sfa_core.ports.QuoteRepository`
and :class:`sfa_core.ports.ConfigurationModelRepository` on it. Subclassing
:class:`~sfa_core.testing.contracts.ProductRepositoryContract` (and
``QuoteRepositoryContract``, ``ConfigurationModelRepositoryContract``) and
returning a fresh repository from the ``repository`` fixture runs every contract
test on it: round trips, errors, ordering, filters, stale writes and threads.

Run it with ``pytest examples/test_my_storage.py`` (``make test`` runs it too).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

from sfa_core.catalog import Product
from sfa_core.configure import ConfigurationModel
from sfa_core.errors import AlreadyExistsError, ConcurrencyError, NotFoundError, ValidationError
from sfa_core.quotes import Quote, QuoteStatus
from sfa_core.serialization import structure, unstructure
from sfa_core.testing.contracts import (
    ConfigurationModelRepositoryContract,
    ProductRepositoryContract,
    QuoteRepositoryContract,
)


class JsonFileRepository:
    """Values in one JSON file: {key: document}. Versions live in the documents."""

    kind: ClassVar[str]
    cls: ClassVar[type]
    key: ClassVar[str]

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        if not path.exists():
            path.write_text("{}", encoding="utf-8")

    def _read(self) -> dict[str, dict]:
        return json.loads(self._path.read_text(encoding="utf-8"))

    def _write(self, rows: dict[str, dict]) -> None:
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(json.dumps(rows), encoding="utf-8")
        temporary.replace(self._path)  # atomic: a failed write leaves the old file

    def get(self, key: str) -> Any:
        with self._lock:
            rows = self._read()
        if key not in rows:
            raise NotFoundError(self.kind, key)
        return structure(rows[key], self.cls)

    def _all(self) -> list[Any]:
        with self._lock:
            rows = self._read()
        return [structure(rows[key], self.cls) for key in sorted(rows)]

    def add(self, value: Any) -> Any:
        key = getattr(value, self.key)
        stored = attrs.evolve(value, version=1)
        with self._lock:
            rows = self._read()
            if key in rows:
                raise AlreadyExistsError(self.kind, key)
            rows[key] = unstructure(stored)
            self._write(rows)
        return stored

    def update(self, value: Any) -> Any:
        key = getattr(value, self.key)
        stored = attrs.evolve(value, version=value.version + 1)
        with self._lock:
            rows = self._read()
            if key not in rows:
                raise NotFoundError(self.kind, key)
            actual = rows[key]["version"]
            if actual != value.version:
                raise ConcurrencyError(self.kind, key, value.version, actual)
            rows[key] = unstructure(stored)
            self._write(rows)
        return stored

    def delete(self, key: str, *, expected_version: int) -> None:
        with self._lock:
            rows = self._read()
            if key not in rows:
                raise NotFoundError(self.kind, key)
            if rows[key]["version"] != expected_version:
                raise ConcurrencyError(self.kind, key, expected_version, rows[key]["version"])
            del rows[key]
            self._write(rows)


class JsonFileProducts(JsonFileRepository):
    kind, cls, key = "product", Product, "sku"

    def list(self, *, family: str | None = None, active: bool | None = None) -> list[Product]:
        return [
            p
            for p in self._all()
            if (family is None or p.family == family) and (active is None or p.active == active)
        ]


class JsonFileQuotes(JsonFileRepository):
    kind, cls, key = "quote", Quote, "id"

    def list(
        self, *, account: str | None = None, status: QuoteStatus | str | None = None
    ) -> list[Quote]:
        if status is not None:
            try:
                status = QuoteStatus(status)  # a member or its value, nothing else
            except ValueError:
                raise ValidationError("not a quote status", path="status", value=status) from None
        return [
            q
            for q in self._all()
            if (account is None or q.account == account) and (status is None or q.status is status)
        ]


class JsonFileConfigurationModels(JsonFileRepository):
    # The key is a property (the root bundle's sku): read it, never store it as a field.
    kind, cls, key = "configuration model", ConfigurationModel, "sku"

    def list(self) -> list[ConfigurationModel]:
        return self._all()

    def version(self, key: str) -> int:
        with self._lock:
            rows = self._read()
        if key not in rows:
            raise NotFoundError(self.kind, key)
        return rows[key]["version"]


class TestJsonFileProducts(ProductRepositoryContract):
    @pytest.fixture
    def repository(self, tmp_path):
        return JsonFileProducts(tmp_path / "products.json")


class TestJsonFileQuotes(QuoteRepositoryContract):
    @pytest.fixture
    def repository(self, tmp_path):
        return JsonFileQuotes(tmp_path / "quotes.json")


class TestJsonFileConfigurationModels(ConfigurationModelRepositoryContract):
    @pytest.fixture
    def repository(self, tmp_path):
        return JsonFileConfigurationModels(tmp_path / "configuration_models.json")
