"""A store of only products, price books and quotes passes its contracts and prices quotes.

Run it with ``pytest examples/test_host_store.py`` (``make test`` runs it too).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from sfa_core import Money, SalesEngine
from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import MissingRepositoryError
from sfa_core.testing.contracts import (
    PriceBookRepositoryContract,
    ProductRepositoryContract,
    QuoteRepositoryContract,
)


def _load_host_store():
    path = Path(__file__).with_name("host_store.py")
    spec = importlib.util.spec_from_file_location("host_store", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["host_store"] = module
    spec.loader.exec_module(module)
    return module


host_store = _load_host_store()


class TestHostProducts(ProductRepositoryContract):
    @pytest.fixture
    def repository(self):
        return host_store.HostProducts()


class TestHostPriceBooks(PriceBookRepositoryContract):
    @pytest.fixture
    def repository(self):
        return host_store.HostPriceBooks()


class TestHostQuotes(QuoteRepositoryContract):
    @pytest.fixture
    def repository(self):
        return host_store.HostQuotes()


@pytest.fixture
def engine():
    engine = SalesEngine.from_store(host_store.HostStore())
    engine.catalog.add_product(Product(sku="DOCK", name="Dock"))
    engine.catalog.add_price_book(
        PriceBook(id="EU", currency="EUR", entries={"DOCK": Money("99.00", "EUR")})
    )
    return engine


def test_the_host_store_prices_quotes(engine):
    engine.quotes.create(
        account="ACME", price_book="EU", quote_id="Q-1", quote_date=dt.date(2027, 3, 1)
    )
    engine.quotes.add_line("Q-1", sku="DOCK", quantity=3)
    priced = engine.quotes.price("Q-1")
    assert priced.net_total == Money("297.00", "EUR")
    # No pricing setup is stored: the quote was priced with an empty one.
    assert priced.setup.rule_sets == {}
    assert priced.setup.settings is None


def test_asking_for_what_the_host_does_not_store_names_the_repository(engine):
    with pytest.raises(MissingRepositoryError) as info:
        engine.configurations.get_model("PC")
    assert info.value.repository == "configurations"
    assert "ConfigurationModelRepository" in str(info.value)
    with pytest.raises(MissingRepositoryError) as info:
        engine.pricing.rule_sets.list()
    assert info.value.repository == "rule_sets"
