"""Model-based test: the memory and SQLite stores behave exactly like a dict model.

Hypothesis drives random sequences of adds, updates (fresh and stale), deletes,
listings and failing transactions against both adapters at once and a plain
dict of products; after every step all three must agree, errors included.
"""

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sfa_core.adapters.memory import MemoryStore
from sfa_core.adapters.sqlite import SqliteStore
from sfa_core.catalog import Product
from sfa_core.errors import AlreadyExistsError, ConcurrencyError, NotFoundError
from sfa_core.testing import strategies as sfa_st

SKUS = st.sampled_from(["A", "B", "C", "D"])
FAMILIES = st.sampled_from(["", "hardware", "software"])


def outcome(call):
    try:
        return ("ok", call())
    except (AlreadyExistsError, ConcurrencyError, NotFoundError) as exc:
        return ("error", type(exc).__name__)


class StorageModel(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.stores = [MemoryStore(), SqliteStore(":memory:")]
        self.model: dict[str, Product] = {}

    def teardown(self):
        for store in self.stores:
            store.close()

    def both(self, action):
        results = [outcome(lambda s=s: action(s)) for s in self.stores]
        assert results[0] == results[1], results
        return results[0]

    @rule(product=sfa_st.products(), sku=SKUS, family=FAMILIES)
    def add(self, product, sku, family):
        product = attrs.evolve(product, sku=sku, family=family)
        result = self.both(lambda s: s.products.add(product))
        if sku in self.model:
            assert result == ("error", "AlreadyExistsError")
        else:
            assert result == ("ok", attrs.evolve(product, version=1))
            self.model[sku] = result[1]

    @rule(sku=SKUS, name=sfa_st.texts(12), stale=st.booleans())
    def update(self, sku, name, stale):
        current = self.model.get(sku)
        version = (current.version if current else 1) - (1 if stale else 0)
        changed = Product(sku=sku, name=name, version=version)
        result = self.both(lambda s: s.products.update(changed))
        if current is None:
            assert result == ("error", "NotFoundError")
        elif stale:
            assert result == ("error", "ConcurrencyError")
        else:
            assert result == ("ok", attrs.evolve(changed, version=version + 1))
            self.model[sku] = result[1]

    @rule(sku=SKUS, stale=st.booleans())
    def delete(self, sku, stale):
        current = self.model.get(sku)
        version = (current.version if current else 1) + (1 if stale else 0)
        result = self.both(lambda s: s.products.delete(sku, expected_version=version))
        if current is None:
            assert result == ("error", "NotFoundError")
        elif stale:
            assert result == ("error", "ConcurrencyError")
        else:
            del self.model[sku]

    @precondition(lambda self: self.model)
    @rule(product=sfa_st.products(), data=st.data())
    def failing_transaction(self, product, data):
        sku = data.draw(st.sampled_from(sorted(self.model)))
        existing = self.model[sku]

        def run(store):
            try:
                with store.transaction():
                    store.products.update(attrs.evolve(existing, name="doomed"))
                    store.products.add(attrs.evolve(product, sku="NEW"))
                    store.products.delete(sku, expected_version=existing.version + 1)
                    raise RuntimeError("roll back")
            except RuntimeError:
                return "rolled back"

        assert self.both(run) == ("ok", "rolled back")

    @rule(family=st.none() | FAMILIES, active=st.none() | st.booleans())
    def listing(self, family, active):
        expected = [
            p
            for sku, p in sorted(self.model.items())
            if (family is None or p.family == family) and (active is None or p.active == active)
        ]
        assert self.both(lambda s: s.products.list(family=family, active=active)) == (
            "ok",
            expected,
        )

    @invariant()
    def every_product_reads_back(self):
        for sku, product in self.model.items():
            assert self.both(lambda s, sku=sku: s.products.get(sku)) == ("ok", product)


StorageModel.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestStorageModel = StorageModel.TestCase
