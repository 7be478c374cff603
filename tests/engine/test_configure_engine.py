"""Configuring through SalesEngine on both adapters: store a model, click, add to a quote."""

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from sfa_core import Money, SalesEngine
from sfa_core.adapters.memory import MemoryStore
from sfa_core.adapters.sqlite import SqliteStore
from sfa_core.catalog import PriceBook, Product
from sfa_core.clock import FixedClock
from sfa_core.configure import (
    Bundle,
    ConfigurationModel,
    Feature,
    Option,
    Requires,
    Selections,
    UnsatisfiableModelError,
    complete,
)
from sfa_core.errors import ConcurrencyError, NotFoundError, ValidationError
from sfa_core.quotes import QuoteLockedError

CLOCK = FixedClock(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.timezone.utc))
PRICES = {"PC": "0", "SSD": "90.00", "HDD": "40.00", "WIFI": "15.00"}
MODEL = ConfigurationModel(
    root=Bundle(sku="PC", features=[
        Feature(id="disk", min_options=1, max_options=1, options=[
            Option(id="ssd", sku="SSD"), Option(id="hdd", sku="HDD")]),
        Feature(id="net", options=[Option(id="wifi", sku="WIFI")]),
    ]),
    constraints=[Requires(id="wifi-ssd", option="wifi", needs=["ssd"])],
)  # fmt: skip


@pytest.fixture(params=["memory", "sqlite"])
def engine(request, tmp_path):
    store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "crm.db")
    engine = SalesEngine.from_store(store, clock=CLOCK)
    engine.catalog.add_products([Product(sku=sku, name=sku) for sku in PRICES])
    engine.catalog.add_price_book(
        PriceBook(id="EU", currency="EUR", entries={s: Money(p, "EUR") for s, p in PRICES.items()})
    )
    engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-1")
    yield engine
    engine.close()


def test_a_stored_model_answers_clicks(engine):
    assert engine.configurations.add_model(MODEL).version == 1
    state = engine.configurations.configure("PC", Selections(options={"wifi": True}))
    assert dict(state.forced) == {"ssd": True, "hdd": False}
    assert state.status.value == "complete"
    again = engine.configurations.configure("PC", Selections(options={"hdd": True}))
    assert again.model is state.model  # the compiled model is kept between clicks
    assert again.forced["wifi"] is False


def test_a_configuration_becomes_linked_lines_and_prices_to_the_bundle_price(engine):
    engine.configurations.add_model(MODEL)
    state = engine.configurations.configure("PC", Selections(options={"wifi": True}))
    quote = engine.quotes.add_configured_product(
        "Q-1", state, pricing="allocated", bundle_price=Money("99.00", "EUR")
    )
    assert [(ln.key, ln.parent) for ln in quote.lines] == [
        ("PC", None), ("PC/ssd", "PC"), ("PC/wifi", "PC"),
    ]  # fmt: skip
    assert engine.quotes.price("Q-1").totals.net.amount == Decimal("99.00")
    second = engine.quotes.add_configured_product("Q-1", state, pricing="included")
    assert [ln.key for ln in second.lines[3:]] == ["PC-2", "PC-2/ssd", "PC-2/wifi"]
    assert engine.quotes.price("Q-1").totals.net.amount == Decimal("99.00")  # included at 0


def test_bad_requests_leave_storage_as_it_was(engine):
    with pytest.raises(NotFoundError):
        engine.configurations.configure("PC")
    with pytest.raises(ValidationError) as caught:  # an option's product is not in the catalog
        engine.configurations.add_model(
            ConfigurationModel(root=Bundle(sku="PC", features=[
                Feature(id="f", options=[Option(id="x", sku="NOPE")])]))
        )  # fmt: skip
    assert caught.value.path == "options['x'].sku"
    with pytest.raises(UnsatisfiableModelError):
        engine.configurations.add_model(
            ConfigurationModel(root=MODEL.root, constraints=[
                Requires(id="a", option="ssd", needs=["hdd"]),
                Requires(id="b", option="hdd", needs=["ssd"])])
        )  # fmt: skip
    with pytest.raises(NotFoundError):
        engine.configurations.get_model("PC")  # nothing was stored
    stored = engine.configurations.add_model(MODEL)
    open_state = engine.configurations.configure("PC")
    with pytest.raises(ValidationError) as caught:
        engine.quotes.add_configured_product("Q-1", open_state)
    assert caught.value.path == "state"
    assert engine.quotes.get("Q-1").lines == ()
    with pytest.raises(ValidationError) as caught:
        engine.quotes.add_configured_product(
            "Q-1", complete(stored), pricing="allocated"
        )  # no bundle price
    assert engine.quotes.get("Q-1").lines == ()
    engine.quotes.transition("Q-1", "in_review")
    with pytest.raises(QuoteLockedError):
        engine.quotes.add_configured_product("Q-1", complete(stored))


def test_a_model_update_needs_the_version_read_and_new_clicks_see_it(engine):
    stored = engine.configurations.add_model(MODEL)
    engine.configurations.configure("PC")
    free = attrs.evolve(stored, constraints=())
    updated = engine.configurations.update_model(free)
    assert updated.version == 2
    state = engine.configurations.configure("PC", Selections(options={"hdd": True}))
    assert "wifi" in state.selectable
    with pytest.raises(ConcurrencyError):
        engine.configurations.update_model(free)  # still carries version 1


def test_clicks_read_only_the_version_while_it_is_unchanged(tmp_path):
    path = tmp_path / "crm.db"
    with SalesEngine.sqlite(path) as engine, SalesEngine.sqlite(path) as other:
        engine.catalog.add_products([Product(sku=sku, name=sku) for sku in PRICES])
        engine.configurations.add_model(MODEL)
        repository = engine.configurations._configurations
        reads = []
        original = repository.get
        repository.get = lambda sku: reads.append(sku) or original(sku)
        first = engine.configurations.configure("PC")
        engine.configurations.configure("PC", Selections(options={"ssd": True}))
        assert reads == ["PC"]  # one read, then the version alone
        # another engine (another process, say) changes the model: the next click sees it
        stored = other.configurations.get_model("PC")
        other.configurations.update_model(attrs.evolve(stored, constraints=()))
        after = engine.configurations.configure("PC", Selections(options={"hdd": True}))
        assert reads == ["PC", "PC"]
        assert after.model is not first.model
        assert "wifi" in after.selectable


def test_the_cheapest_completion_prices_options_with_the_pricing_module(engine):
    from sfa_core.pricing import PriceAction, PriceRule

    engine.configurations.add_model(MODEL)
    done = engine.configurations.complete("PC", preference="cheapest", price_book="EU")
    assert done.selected == ("hdd",)
    # a price rule makes the SSD cheaper than the HDD: the cheapest completion follows it
    engine.pricing.configure(
        rules=[PriceRule(id="SSD-DEAL", skus=("SSD",), actions=(PriceAction.percent_off(60),))]
    )
    done = engine.configurations.complete("PC", preference="cheapest", price_book="EU")
    assert done.selected == ("ssd",)  # 36.00 against 40.00
    assert engine.configurations.complete("PC").selected == ("ssd",)  # defaults: the first
    with pytest.raises(ValidationError) as caught:
        engine.configurations.complete("PC", preference="cheapest")
    assert caught.value.path == "price_book"
    with pytest.raises(NotFoundError):
        engine.configurations.complete("PC", preference="cheapest", price_book="NOPE")
