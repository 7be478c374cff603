import pytest

from sfa_core.adapters.memory import MemoryStore
from sfa_core.testing.contracts import (
    ConfigurationModelRepositoryContract,
    PriceBookRepositoryContract,
    ProductRepositoryContract,
    QuoteRepositoryContract,
    UnitOfWorkContract,
)


class TestMemoryProducts(ProductRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().products


class TestMemoryPriceBooks(PriceBookRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().price_books


class TestMemoryQuotes(QuoteRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().quotes


class TestMemoryConfigurationModels(ConfigurationModelRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().configurations


class TestMemoryStore(UnitOfWorkContract):
    @pytest.fixture
    def store(self):
        return MemoryStore()
