"""The contract suite must fail for repositories that break the protocol.

Each broken repository below has one realistic bug; the named contract test must
fail on it (and pass on the correct adapter, which the other modules prove).
"""

import contextlib

import attrs
import pytest

from sfa_core.adapters.memory import (
    MemoryConfigurationModelRepository,
    MemoryProductRepository,
    MemoryQuoteRepository,
    MemoryStore,
)
from sfa_core.catalog import Product
from sfa_core.testing.contracts import (
    ConfigurationModelRepositoryContract,
    ProductRepositoryContract,
    QuoteRepositoryContract,
    UnitOfWorkContract,
)

CONTRACT_FAILURE = (AssertionError, pytest.fail.Exception)


class LastWriteWins(MemoryProductRepository):
    """Ignores the expected version: the classic lost update."""

    def update(self, product):
        current = self.get(product.sku)
        return super().update(attrs.evolve(product, version=current.version))


class DropsAttributes(MemoryProductRepository):
    """Loses a field on the way in, as a careless column mapping would."""

    def add(self, product):
        return super().add(attrs.evolve(product, attributes={}))


class UnsortedList(MemoryProductRepository):
    """Returns rows newest key first, as a database without ORDER BY may."""

    def list(self, *, family=None, active=None):
        return list(reversed(super().list(family=family, active=active)))


class IgnoresFilters(MemoryProductRepository):
    def list(self, *, family=None, active=None):
        return super().list()


def broken(cls, repository="products"):
    plain = getattr(MemoryStore(), repository)
    return cls(plain.table)


@pytest.mark.parametrize(
    ("repository_class", "test_name"),
    [
        (LastWriteWins, "test_stale_update_is_refused_and_nothing_is_lost"),
        (LastWriteWins, "test_concurrent_read_modify_write_loses_no_update"),
        (DropsAttributes, "test_add_then_get_round_trips_every_field"),
        (UnsortedList, "test_list_is_sorted_by_key"),
        (IgnoresFilters, "test_list_filters"),
    ],
)
def test_contract_catches_the_bug(repository_class, test_name):
    contract = ProductRepositoryContract()
    with pytest.raises(CONTRACT_FAILURE):
        getattr(contract, test_name)(broken(repository_class))


class DropsLines(MemoryQuoteRepository):
    """Stores the quote header only, as a table without a lines child table would."""

    def add(self, quote):
        return super().add(attrs.evolve(quote, lines=(), groups=()))


class IgnoresStatusFilter(MemoryQuoteRepository):
    """Filters by account only."""

    def list(self, *, account=None, status=None):
        return super().list(account=account)


class StatusFilterNeedsTheEnum(MemoryQuoteRepository):
    """Compares the status column with the filter as given: a string matches nothing."""

    def list(self, *, account=None, status=None):
        return [q for q in super().list(account=account) if status is None or q.status is status]


class TrustsTheStatusFilter(MemoryQuoteRepository):
    """Passes any status to the query: a typo silently finds nothing."""

    def list(self, *, account=None, status=None):
        return self.table.list(account=account, status=status)


class NormalisesDecimals(MemoryQuoteRepository):
    """Stores discounts normalised (12.50 -> 12.5), as a numeric column would."""

    def add(self, quote):
        lines = [
            attrs.evolve(line, additional_discount=line.additional_discount.normalize())
            if line.additional_discount is not None
            else line
            for line in quote.lines
        ]
        return super().add(attrs.evolve(quote, lines=lines))


class BoolFieldsAsInts(MemoryQuoteRepository):
    """Reads boolean custom fields back as 0/1, as SQLite columns without types do."""

    def get(self, quote_id):
        quote = super().get(quote_id)
        fields = {k: int(v) if isinstance(v, bool) else v for k, v in quote.fields.items()}
        return attrs.evolve(quote, fields=fields)


class QuoteLastWriteWins(MemoryQuoteRepository):
    def update(self, quote):
        current = self.get(quote.id)
        return super().update(attrs.evolve(quote, version=current.version))


@pytest.mark.parametrize(
    ("repository_class", "test_name", "kwargs"),
    [
        (DropsLines, "test_add_then_get_round_trips_every_field", {}),
        (IgnoresStatusFilter, "test_list_filters", {}),
        (IgnoresStatusFilter, "test_list_filters_by_status_member_or_value", {}),
        (StatusFilterNeedsTheEnum, "test_list_filters", {}),
        (StatusFilterNeedsTheEnum, "test_list_filters_by_status_member_or_value", {}),
        (TrustsTheStatusFilter, "test_list_refuses_an_unknown_status", {"status": "open"}),
        (NormalisesDecimals, "test_round_trip_keeps_decimal_digits_dates_and_field_types", {}),
        (BoolFieldsAsInts, "test_round_trip_keeps_decimal_digits_dates_and_field_types", {}),
        (QuoteLastWriteWins, "test_stale_update_is_refused_and_nothing_is_lost", {}),
    ],
)
def test_quote_contract_catches_the_bug(repository_class, test_name, kwargs):
    contract = QuoteRepositoryContract()
    with pytest.raises(CONTRACT_FAILURE):
        getattr(contract, test_name)(broken(repository_class, "quotes"), **kwargs)


def test_equality_alone_would_miss_the_subtle_quote_bugs():
    # The strict round-trip test exists because == cannot see these two bugs.
    contract = QuoteRepositoryContract()
    for cls in (NormalisesDecimals, BoolFieldsAsInts):
        contract.test_add_then_get_round_trips_every_field(broken(cls, "quotes"))


class DropsProductRules(MemoryConfigurationModelRepository):
    """Stores bundles and constraints but forgets the rules, as a schema without a rules table."""

    def add(self, model):
        return super().add(attrs.evolve(model, rules=()))


class KeepsTheStoredRules(MemoryConfigurationModelRepository):
    """Updates the bundles but keeps the stored constraints and rules, as a partial UPDATE."""

    def update(self, model):
        current = self.get(model.sku)
        return super().update(
            attrs.evolve(model, constraints=current.constraints, rules=current.rules)
        )


class NormalisesRatios(MemoryConfigurationModelRepository):
    """Stores quantity ratios normalised (1.50 -> 1.5), as a numeric column would."""

    def add(self, model):
        constraints = [
            attrs.evolve(c, ratio=c.ratio.normalize()) if hasattr(c, "ratio") else c
            for c in model.constraints
        ]
        return super().add(attrs.evolve(model, constraints=constraints))


class ConditionBoolsAsInts(MemoryConfigurationModelRepository):
    """Reads ``true`` in rule conditions back as ``1``, as a lax JSON decoder might."""

    def get(self, sku):
        model = super().get(sku)

        def ints(value):
            if isinstance(value, bool):
                return int(value)
            if isinstance(value, list):
                return [ints(v) for v in value]
            if isinstance(value, dict):
                return {k: ints(v) for k, v in value.items()}
            return value

        rules = [attrs.evolve(r, condition=ints(r.condition)) for r in model.rules]
        return attrs.evolve(model, rules=rules)


class ConfigurationUnsortedList(MemoryConfigurationModelRepository):
    def list(self):
        return list(reversed(super().list()))


class ConfigurationLastWriteWins(MemoryConfigurationModelRepository):
    def update(self, model):
        current = self.get(model.sku)
        return super().update(attrs.evolve(model, version=current.version))


class ConfigurationDeleteIgnoresVersion(MemoryConfigurationModelRepository):
    def delete(self, sku, *, expected_version):
        super().delete(sku, expected_version=self.get(sku).version)


class StaleVersion(MemoryConfigurationModelRepository):
    """Answers ``version`` from a cache that updates do not refresh."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._seen = {}

    def version(self, sku):
        return self._seen.setdefault(sku, super().version(sku))


@pytest.mark.parametrize(
    ("repository_class", "test_name"),
    [
        (StaleVersion, "test_version_follows_every_write"),
        (DropsProductRules, "test_add_then_get_round_trips_every_field"),
        (KeepsTheStoredRules, "test_update_replaces_the_whole_model"),
        (NormalisesRatios, "test_round_trip_keeps_decimal_digits_and_value_types"),
        (ConditionBoolsAsInts, "test_round_trip_keeps_decimal_digits_and_value_types"),
        (ConfigurationUnsortedList, "test_list_is_sorted_by_key"),
        (ConfigurationLastWriteWins, "test_stale_update_is_refused_and_nothing_is_lost"),
        (ConfigurationLastWriteWins, "test_concurrent_read_modify_write_loses_no_update"),
        (ConfigurationDeleteIgnoresVersion, "test_delete_needs_the_current_version"),
    ],
)
def test_configuration_model_contract_catches_the_bug(repository_class, test_name):
    contract = ConfigurationModelRepositoryContract()
    with pytest.raises(CONTRACT_FAILURE):
        getattr(contract, test_name)(broken(repository_class, "configurations"))


def test_equality_alone_would_miss_the_subtle_configuration_bugs():
    # Decimal("1.50") == Decimal("1.5") and True == 1: only the strict round trip sees these.
    contract = ConfigurationModelRepositoryContract()
    for cls in (NormalisesRatios, ConditionBoolsAsInts):
        contract.test_add_then_get_round_trips_every_field(broken(cls, "configurations"))


class NoRollbackStore(MemoryStore):
    """A unit of work whose transaction commits whatever happened."""

    def transaction(self):
        return contextlib.nullcontext()


class QuotesOutsideTransactions(MemoryStore):
    """Rolls back products and price books but forgot the quote repository."""

    def __init__(self):
        super().__init__()
        self._tables = [self._products.table, self._price_books.table]


class ConfigurationsOutsideTransactions(MemoryStore):
    """Rolls back products, price books and quotes but forgot the configuration models."""

    def __init__(self):
        super().__init__()
        self._tables = [self._products.table, self._price_books.table, self._quotes.table]


class PricingSetupOutsideTransactions(MemoryStore):
    """Rolls back the catalog, quotes and models but forgot the pricing setup."""

    def __init__(self):
        super().__init__()
        self._tables = [
            self._products.table,
            self._price_books.table,
            self._quotes.table,
            self._configurations.table,
        ]


def test_unit_of_work_contract_catches_the_pricing_setup_left_out_of_transactions():
    contract = UnitOfWorkContract()
    contract.test_failed_transaction_undoes_configuration_model_writes(
        PricingSetupOutsideTransactions()
    )
    with pytest.raises(CONTRACT_FAILURE):
        contract.test_failed_transaction_undoes_every_repository(PricingSetupOutsideTransactions())


@pytest.mark.parametrize(
    "test_name",
    [
        "test_failed_transaction_leaves_everything_as_it_was",
        "test_concurrency_error_inside_transaction_rolls_back",
        "test_nested_failure_rolls_back_only_the_inner_block",
        "test_failed_transaction_undoes_quote_and_product_writes",
        "test_failed_transaction_undoes_configuration_model_writes",
    ],
)
def test_unit_of_work_contract_catches_missing_rollback(test_name):
    with pytest.raises(CONTRACT_FAILURE):
        getattr(UnitOfWorkContract(), test_name)(NoRollbackStore())


@pytest.mark.parametrize(
    "test_name",
    [
        "test_failed_transaction_undoes_quote_and_product_writes",
        "test_nested_failure_rolls_back_only_the_inner_block",
    ],
)
def test_unit_of_work_contract_catches_quotes_left_out_of_transactions(test_name):
    # The product-only tests pass on this store: only the quote checks see the bug.
    UnitOfWorkContract().test_failed_transaction_leaves_everything_as_it_was(
        QuotesOutsideTransactions()
    )
    with pytest.raises(CONTRACT_FAILURE):
        getattr(UnitOfWorkContract(), test_name)(QuotesOutsideTransactions())


@pytest.mark.parametrize(
    "test_name",
    [
        "test_failed_transaction_undoes_configuration_model_writes",
        "test_nested_failure_rolls_back_only_the_inner_block",
    ],
)
def test_unit_of_work_contract_catches_configurations_left_out_of_transactions(test_name):
    # The product and quote tests pass on this store: only the model checks see the bug.
    contract = UnitOfWorkContract()
    contract.test_failed_transaction_leaves_everything_as_it_was(
        ConfigurationsOutsideTransactions()
    )
    contract.test_failed_transaction_undoes_quote_and_product_writes(
        ConfigurationsOutsideTransactions()
    )
    with pytest.raises(CONTRACT_FAILURE):
        getattr(contract, test_name)(ConfigurationsOutsideTransactions())


def test_the_broken_repositories_are_otherwise_usable():
    repo = broken(UnsortedList)
    assert repo.add(Product(sku="A", name="a")).version == 1
