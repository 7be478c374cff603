"""How a host proves its own storage with sfa_core's contract suite.

A host keeps products in its own store (here: one JSON file, for brevity) and
implements :class:`sfa_core.ports.ProductRepository` on it. Subclassing
:class:`~sfa_core.testing.contracts.ProductRepositoryContract` and returning a
fresh repository from the ``repository`` fixture runs every contract test on it:
round trips, errors, ordering, filters, stale writes and threads.

Run it with ``pytest examples/test_my_storage.py`` (``make test`` runs it too).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import attrs
import pytest

from sfa_core.catalog import Product
from sfa_core.errors import AlreadyExistsError, ConcurrencyError, NotFoundError
from sfa_core.serialization import structure, unstructure
from sfa_core.testing.contracts import ProductRepositoryContract


class JsonFileProducts:
    """Products in one JSON file: {sku: document}. Versions live in the documents."""

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

    def get(self, sku: str) -> Product:
        with self._lock:
            rows = self._read()
        if sku not in rows:
            raise NotFoundError("product", sku)
        return structure(rows[sku], Product)

    def list(self, *, family: str | None = None, active: bool | None = None) -> list[Product]:
        with self._lock:
            rows = self._read()
        products = [structure(rows[sku], Product) for sku in sorted(rows)]
        return [
            p
            for p in products
            if (family is None or p.family == family) and (active is None or p.active == active)
        ]

    def add(self, product: Product) -> Product:
        stored = attrs.evolve(product, version=1)
        with self._lock:
            rows = self._read()
            if product.sku in rows:
                raise AlreadyExistsError("product", product.sku)
            rows[product.sku] = unstructure(stored)
            self._write(rows)
        return stored

    def update(self, product: Product) -> Product:
        stored = attrs.evolve(product, version=product.version + 1)
        with self._lock:
            rows = self._read()
            if product.sku not in rows:
                raise NotFoundError("product", product.sku)
            actual = rows[product.sku]["version"]
            if actual != product.version:
                raise ConcurrencyError("product", product.sku, product.version, actual)
            rows[product.sku] = unstructure(stored)
            self._write(rows)
        return stored

    def delete(self, sku: str, *, expected_version: int) -> None:
        with self._lock:
            rows = self._read()
            if sku not in rows:
                raise NotFoundError("product", sku)
            if rows[sku]["version"] != expected_version:
                raise ConcurrencyError("product", sku, expected_version, rows[sku]["version"])
            del rows[sku]
            self._write(rows)


class TestJsonFileProducts(ProductRepositoryContract):
    @pytest.fixture
    def repository(self, tmp_path):
        return JsonFileProducts(tmp_path / "products.json")
