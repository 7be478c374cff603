import pytest

from sfa_core.adapters.sqlite import SqliteStore
from sfa_core.testing.contracts import (
    ApprovalPolicyRepositoryContract,
    ApprovalRequestRepositoryContract,
    ConfigurationModelRepositoryContract,
    ContractedPricesRepositoryContract,
    DirectoryRepositoryContract,
    DiscountScheduleRepositoryContract,
    PriceBookRepositoryContract,
    PricingSettingsRepositoryContract,
    ProductRepositoryContract,
    PromotionRepositoryContract,
    QuoteRepositoryContract,
    RuleSetRepositoryContract,
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


class TestSqliteRuleSets(RuleSetRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.rule_sets


class TestSqliteDiscountSchedules(DiscountScheduleRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.discount_schedules


class TestSqlitePromotions(PromotionRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.promotions


class TestSqliteContractedPrices(ContractedPricesRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.contracted_prices


class TestSqlitePricingSettings(PricingSettingsRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.pricing_settings


class TestSqliteDirectories(DirectoryRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.directories


class TestSqliteApprovalPolicies(ApprovalPolicyRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.approval_policies


class TestSqliteApprovalRequests(ApprovalRequestRepositoryContract):
    @pytest.fixture
    def repository(self, sqlite_store):
        return sqlite_store.approval_requests


class TestSqliteStore(UnitOfWorkContract):
    @pytest.fixture
    def store(self, sqlite_store):
        return sqlite_store
