"""Hostile values given to every public method of every service of a seeded SalesEngine.

The services are discovered: each public property of SalesEngine that holds an
engine service, and each service attribute that is itself an engine object (the
pricing setup editors). Ids a method takes are drawn from the seeded catalog most
of the time, so the hostile argument is what the service meets.
"""

from __future__ import annotations

import datetime as dt
import inspect

import fuzzkit
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sfa_core import Money, SalesEngine
from sfa_core.catalog import PriceBook, Product
from sfa_core.clock import FixedClock
from sfa_core.quotes import QuoteLine, QuoteStatus

DAY = dt.date(2027, 3, 1)
SKUS = ("LAPTOP-15", "DOCK-USB-C", "CRM-PRO")
BOOK = "EU-2027"
QUOTE = "Q-1"

# Seeded ids by parameter name: a plausible value names something that is stored.
SEEDED = {
    "sku": st.sampled_from(SKUS),
    "skus": st.lists(st.sampled_from(SKUS), max_size=2),
    "price_book_id": st.just(BOOK),
    "price_book": st.just(BOOK),
    "quote_id": st.just(QUOTE),
    "key": st.sampled_from(["L1", "default", "rules"]),
    "account": st.just("ACME"),
    "status": st.sampled_from(list(QuoteStatus)),
    "quantity": st.integers(1, 5),
}


def seeded_engine() -> SalesEngine:
    engine = SalesEngine.in_memory(
        clock=FixedClock(dt.datetime(2027, 3, 1, 12, tzinfo=dt.timezone.utc))
    )
    engine.catalog.add_products([Product(sku=sku, name=sku.title()) for sku in SKUS])
    engine.catalog.add_price_book(
        PriceBook(id=BOOK, currency="EUR", entries={s: Money("10.00", "EUR") for s in SKUS})
    )
    engine.quotes.create(
        account="ACME",
        price_book=BOOK,
        quote_id=QUOTE,
        quote_date=DAY,
        lines=[QuoteLine(key="L1", sku=SKUS[0], quantity=2)],
    )
    return engine


def _is_engine_object(value) -> bool:
    return type(value).__module__.startswith("sfa_core.engine")


def services(engine: SalesEngine) -> dict[str, object]:
    """The engine's services and their engine-object attributes, by path."""
    found = {}
    for name, raw in inspect.getmembers(type(engine)):
        if name.startswith("_") or not isinstance(raw, property):
            continue
        value = getattr(engine, name)
        if not _is_engine_object(value):
            continue
        found[name] = value
        for attr, inner in vars(value).items():
            if not attr.startswith("_") and _is_engine_object(inner):
                found[f"{name}.{attr}"] = inner
    return found


def engine_methods() -> list[tuple[str, str]]:
    engine = seeded_engine()
    return sorted(
        (path, method)
        for path, service in services(engine).items()
        for method in fuzzkit.public_methods(type(service))
    )


METHODS = engine_methods()


def _resolve(engine, path):
    value = engine
    for part in path.split("."):
        value = getattr(value, part)
    return value


def test_the_engine_surface_is_found():
    paths = {path for path, _ in METHODS}
    assert {"catalog", "pricing", "quotes", "configurations"} <= paths
    assert len(METHODS) >= 30


@pytest.mark.parametrize(("path", "method"), METHODS, ids=[f"{p}.{m}" for p, m in METHODS])
def test_hostile_engine_calls(path, method):
    params = fuzzkit.params_of(getattr(_resolve(seeded_engine(), path), method)) or []
    arguments = fuzzkit.hostile_arguments(params, overrides=SEEDED)

    @settings(
        max_examples=fuzzkit.examples(10),
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(arguments)
    def check(call):
        args, kwargs = call
        bound = getattr(_resolve(seeded_engine(), path), method)
        if fuzzkit.binding_error(bound, args, kwargs):
            return
        fuzzkit.check_call(f"engine.{path}.{method}", bound, *args, **kwargs)

    check()
