"""Model-based test: the memory and SQLite stores behave exactly like a dict model.

Hypothesis drives random sequences of adds, updates (fresh and stale), deletes,
listings and failing transactions of products and quotes against both adapters
at once and two plain dicts; after every step all three must agree, errors
included.
"""

import datetime as dt
from decimal import Decimal

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sfa_core.adapters.memory import MemoryStore
from sfa_core.adapters.sqlite import SqliteStore
from sfa_core.catalog import Product
from sfa_core.errors import AlreadyExistsError, ConcurrencyError, NotFoundError
from sfa_core.quotes import Quote, QuoteGroup, QuoteLine, QuoteStatus
from sfa_core.testing import strategies as sfa_st

SKUS = st.sampled_from(["A", "B", "C", "D"])
FAMILIES = st.sampled_from(["", "hardware", "software"])
QUOTE_IDS = st.sampled_from(["Q-1", "Q-2", "Q-3"])
ACCOUNTS = st.sampled_from(["ACME", "GLOBEX", "Grüße"])
# A status filter may be a member or its string value.
STATUS_FILTERS = (
    st.none() | st.sampled_from(list(QuoteStatus)) | st.sampled_from([s.value for s in QuoteStatus])
)
FIELD_VALUES = st.one_of(sfa_st.texts(8), st.integers(-(10**20), 10**20), st.booleans())
FIELDS = st.dictionaries(sfa_st.keys(), FIELD_VALUES, max_size=2)
PERCENTS = st.none() | st.decimals(0, 100, places=4)


@st.composite
def quote_lines(draw, key, group):
    return QuoteLine(
        key=key,
        sku=draw(SKUS),
        quantity=draw(st.decimals(Decimal("0.001"), 10**6, places=3)),
        additional_discount=draw(PERCENTS),
        special_price=draw(st.none() | st.decimals(0, 10**6, places=4)),
        start_date=draw(st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
        group=group,
        fields=draw(FIELDS),
    )


@st.composite
def quotes(draw):
    """Small valid quotes; the state machine sets id, account and status."""
    groups = [QuoteGroup(key="G1", name=draw(sfa_st.texts(8)))] if draw(st.booleans()) else []
    count = draw(st.integers(0, 3))
    lines = [
        draw(quote_lines(f"L{n}", draw(st.sampled_from(["G1", None])) if groups else None))
        for n in range(count)
    ]
    quote_date = draw(st.dates(dt.date(2027, 1, 1), dt.date(2027, 12, 31)))
    return Quote(
        id="Q-1",
        account="ACME",
        currency=draw(st.sampled_from(["EUR", "JPY", "BHD"])),
        price_book=draw(sfa_st.keys()),
        quote_date=quote_date,
        valid_until=draw(st.none() | st.just(quote_date + dt.timedelta(days=30))),
        lines=lines,
        groups=groups,
        discount_amount=draw(st.none() | st.decimals(0, 10**4, places=2)),
        partner_discount=draw(PERCENTS),
        fields=draw(FIELDS),
    )


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
        self.quote_model: dict[str, Quote] = {}

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

    @rule(quote=quotes(), quote_id=QUOTE_IDS, account=ACCOUNTS, status=st.sampled_from(QuoteStatus))
    def add_quote(self, quote, quote_id, account, status):
        quote = attrs.evolve(quote, id=quote_id, account=account, status=status)
        result = self.both(lambda s: s.quotes.add(quote))
        if quote_id in self.quote_model:
            assert result == ("error", "AlreadyExistsError")
        else:
            assert result == ("ok", attrs.evolve(quote, version=1))
            self.quote_model[quote_id] = result[1]

    @rule(
        quote=quotes(),
        quote_id=QUOTE_IDS,
        account=ACCOUNTS,
        status=st.sampled_from(QuoteStatus),
        stale=st.booleans(),
    )
    def update_quote(self, quote, quote_id, account, status, stale):
        current = self.quote_model.get(quote_id)
        version = (current.version if current else 1) - (1 if stale else 0)
        changed = attrs.evolve(quote, id=quote_id, account=account, status=status, version=version)
        result = self.both(lambda s: s.quotes.update(changed))
        if current is None:
            assert result == ("error", "NotFoundError")
        elif stale:
            assert result == ("error", "ConcurrencyError")
        else:
            assert result == ("ok", attrs.evolve(changed, version=version + 1))
            self.quote_model[quote_id] = result[1]

    @rule(quote_id=QUOTE_IDS, stale=st.booleans())
    def delete_quote(self, quote_id, stale):
        current = self.quote_model.get(quote_id)
        version = (current.version if current else 1) + (1 if stale else 0)
        result = self.both(lambda s: s.quotes.delete(quote_id, expected_version=version))
        if current is None:
            assert result == ("error", "NotFoundError")
        elif stale:
            assert result == ("error", "ConcurrencyError")
        else:
            del self.quote_model[quote_id]

    @precondition(lambda self: self.quote_model)
    @rule(quote=quotes(), product=sfa_st.products(), data=st.data())
    def failing_mixed_transaction(self, quote, product, data):
        quote_id = data.draw(st.sampled_from(sorted(self.quote_model)))
        existing = self.quote_model[quote_id]

        def run(store):
            try:
                with store.transaction():
                    store.quotes.update(attrs.evolve(existing, status=QuoteStatus.EXPIRED))
                    store.quotes.add(attrs.evolve(quote, id="Q-NEW"))
                    store.products.add(attrs.evolve(product, sku="NEW"))
                    store.quotes.delete(quote_id, expected_version=existing.version + 1)
                    raise RuntimeError("roll back")
            except RuntimeError:
                return "rolled back"

        assert self.both(run) == ("ok", "rolled back")

    @rule(account=st.none() | ACCOUNTS, status=STATUS_FILTERS)
    def listing_quotes(self, account, status):
        wanted = None if status is None else QuoteStatus(status)
        expected = [
            q
            for _, q in sorted(self.quote_model.items())
            if (account is None or q.account == account) and (wanted is None or q.status is wanted)
        ]
        assert self.both(lambda s: s.quotes.list(account=account, status=status)) == (
            "ok",
            expected,
        )

    @invariant()
    def quote_filters_agree(self):
        # Cheap enough to run after every step: one listing per status and account in use.
        quotes = [q for _, q in sorted(self.quote_model.items())]
        for status in {q.status for q in quotes}:
            expected = [q for q in quotes if q.status is status]
            assert self.both(lambda s, st=status: s.quotes.list(status=st)) == ("ok", expected)
        for account in {q.account for q in quotes}:
            expected = [q for q in quotes if q.account == account]
            assert self.both(lambda s, a=account: s.quotes.list(account=a)) == ("ok", expected)

    @invariant()
    def every_quote_reads_back(self):
        for quote_id, quote in self.quote_model.items():
            assert self.both(lambda s, q=quote_id: s.quotes.get(q)) == ("ok", quote)

    @invariant()
    def every_product_reads_back(self):
        for sku, product in self.model.items():
            assert self.both(lambda s, sku=sku: s.products.get(sku)) == ("ok", product)


StorageModel.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestStorageModel = StorageModel.TestCase
