import pytest

from sfa_core.adapters.sqlite import SqliteStore
from sfa_core.testing.contracts import (
    ConfigurationModelRepositoryContract,
    PriceBookRepositoryContract,
    ProductRepositoryContract,
    QuoteRepositoryContract,
    UnitOfWorkContract,
)


@pytest.fixture(params=["file", "memory"])
def sqlite_store(request, tmp_path):
    store = SqliteStore(tmp_path / "crm.db" if request.param == "file" else ":memory:")
    yield store
    store.close()


class TestSqliteProducts(ProductRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.products


class TestSqlitePriceBooks(PriceBookRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.price_books


class TestSqliteQuotes(QuoteRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.quotes


class TestSqliteConfigurationModels(ConfigurationModelRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.configurations


class TestSqliteStore(UnitOfWorkContract):
    @pytest.fixture
    def store(self, sqlite_store):
        return sqlite_store
