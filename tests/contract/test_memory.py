import pytest

from sfa_core.adapters.memory import MemoryStore
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


class TestMemoryRuleSets(RuleSetRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().rule_sets


class TestMemoryDiscountSchedules(DiscountScheduleRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().discount_schedules


class TestMemoryPromotions(PromotionRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().promotions


class TestMemoryContractedPrices(ContractedPricesRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().contracted_prices


class TestMemoryPricingSettings(PricingSettingsRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().pricing_settings


class TestMemoryDirectories(DirectoryRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().directories


class TestMemoryApprovalPolicies(ApprovalPolicyRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().approval_policies


class TestMemoryApprovalRequests(ApprovalRequestRepositoryContract):
    @pytest.fixture
    def repository(self):
        return MemoryStore().approval_requests


class TestMemoryStore(UnitOfWorkContract):
    @pytest.fixture
    def store(self):
        return MemoryStore()
