"""The contract suite must fail for repositories that break the protocol.

Each broken repository below has one realistic bug; the named contract test must
fail on it (and pass on the correct adapter, which the other modules prove).
"""

import attrs
import pytest

from sfa_core.adapters.memory import MemoryProductRepository, MemoryStore
from sfa_core.catalog import Product
from sfa_core.testing.contracts import ProductRepositoryContract, UnitOfWorkContract

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


def broken(cls):
    plain = MemoryStore().products
    return cls(plain._aggregate, plain._lock)


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


class NoRollbackStore(MemoryStore):
    """A unit of work whose transaction commits whatever happened."""

    def transaction(self):
        import contextlib

        return contextlib.nullcontext()


@pytest.mark.parametrize(
    "test_name",
    [
        "test_failed_transaction_leaves_everything_as_it_was",
        "test_concurrency_error_inside_transaction_rolls_back",
        "test_nested_failure_rolls_back_only_the_inner_block",
    ],
)
def test_unit_of_work_contract_catches_missing_rollback(test_name):
    with pytest.raises(CONTRACT_FAILURE):
        getattr(UnitOfWorkContract(), test_name)(NoRollbackStore())


def test_the_broken_repositories_are_otherwise_usable():
    repo = broken(UnsortedList)
    assert repo.add(Product(sku="A", name="a")).version == 1
