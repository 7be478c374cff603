import datetime as dt

import attrs
import pytest

from sfa_core import Money, SalesEngine
from sfa_core.catalog import PriceBook, Product
from sfa_core.clock import FixedClock
from sfa_core.errors import (
    AlreadyExistsError,
    ConcurrencyError,
    CurrencyMismatchError,
    NotFoundError,
    ValidationError,
)

CLOCK = FixedClock(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.timezone.utc))


@pytest.fixture(params=["memory", "sqlite"])
def engine(request, tmp_path):
    if request.param == "memory":
        eng = SalesEngine.in_memory(clock=CLOCK)
    else:
        eng = SalesEngine.sqlite(tmp_path / "crm.db", clock=CLOCK)
    yield eng
    eng.close()


def laptop(**changes):
    return Product(
        sku="LAPTOP-15",
        name="Laptop 15",
        family="hardware",
        cost=Money("700.00", "EUR"),
        **changes,
    )


def test_catalog_story(engine):
    engine.catalog.add_products([laptop(), Product(sku="DOCK", name="Dock", family="hardware")])
    engine.catalog.add_product(
        Product(sku="CRM-PRO", name="CRM Pro", family="software", active=False)
    )
    engine.catalog.add_price_book(
        PriceBook(
            id="EU-2027",
            currency="EUR",
            entries={"LAPTOP-15": Money("1199.00", "EUR")},
            valid_from=dt.date(2027, 1, 1),
            valid_until=dt.date(2027, 12, 31),
        )
    )
    book = engine.catalog.set_price("EU-2027", "DOCK", Money("149.00", "EUR"))
    assert book.version == 2
    assert engine.catalog.list_price("EU-2027", "DOCK") == Money("149.00", "EUR")
    assert [p.sku for p in engine.catalog.list_products(family="hardware")] == ["DOCK", "LAPTOP-15"]
    assert [p.sku for p in engine.catalog.list_products(active=False)] == ["CRM-PRO"]
    assert [b.id for b in engine.catalog.list_price_books(currency="EUR")] == ["EU-2027"]
    with pytest.raises(ValidationError, match="not valid on 2028-01-01"):
        engine.catalog.list_price("EU-2027", "DOCK", on=dt.date(2028, 1, 1))


def test_update_with_stale_version_is_refused(engine):
    stored = engine.catalog.add_product(laptop())
    renamed = engine.catalog.update_product(attrs.evolve(stored, name="Laptop 15 (2027)"))
    assert renamed.version == 2
    with pytest.raises(ConcurrencyError):
        engine.catalog.update_product(attrs.evolve(stored, name="stale"))
    assert engine.catalog.get_product("LAPTOP-15") == renamed


def test_add_products_is_atomic(engine):
    engine.catalog.add_product(Product(sku="B", name="b"))
    with pytest.raises(AlreadyExistsError):
        engine.catalog.add_products([Product(sku="A", name="a"), Product(sku="B", name="again")])
    assert [p.sku for p in engine.catalog.list_products()] == ["B"]
    assert engine.catalog.get_product("B").name == "b"


def test_price_book_needs_known_products_and_leaves_nothing_behind(engine):
    with pytest.raises(NotFoundError) as info:
        engine.catalog.add_price_book(
            PriceBook(id="EU", currency="EUR", entries={"GHOST": Money("1", "EUR")})
        )
    assert info.value.key == "GHOST"
    assert engine.catalog.list_price_books() == []


def test_set_price_checks_currency_product_and_book(engine):
    engine.catalog.add_product(laptop())
    engine.catalog.add_price_book(PriceBook(id="EU", currency="EUR"))
    with pytest.raises(CurrencyMismatchError):
        engine.catalog.set_price("EU", "LAPTOP-15", Money("1", "USD"))
    with pytest.raises(NotFoundError):
        engine.catalog.set_price("EU", "GHOST", Money("1", "EUR"))
    with pytest.raises(NotFoundError):
        engine.catalog.set_price("US", "LAPTOP-15", Money("1", "EUR"))
    assert engine.catalog.get_price_book("EU").version == 1


def test_inactive_product_has_no_list_price(engine):
    engine.catalog.add_product(laptop(active=False))
    engine.catalog.add_price_book(
        PriceBook(id="EU", currency="EUR", entries={"LAPTOP-15": Money("1", "EUR")})
    )
    with pytest.raises(ValidationError, match="inactive"):
        engine.catalog.list_price("EU", "LAPTOP-15")


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda e: e.catalog.add_product({"sku": "A"}), "product"),
        (lambda e: e.catalog.update_product(None), "product"),
        (lambda e: e.catalog.get_product(42), "sku"),
        (lambda e: e.catalog.list_products(active="yes"), "active"),
        (lambda e: e.catalog.list_products(family=3), "family"),
        (lambda e: e.catalog.add_price_book("EU"), "price_book"),
        (lambda e: e.catalog.list_price_books(currency=1), "currency"),
        (lambda e: e.catalog.set_price("EU", "A", "1.00"), "price"),
        (lambda e: e.catalog.list_price("EU", "A", on="2027-01-01"), "on"),
        (lambda e: e.catalog.add_products([Product(sku="A", name="a"), "B"]), "products[1]"),
    ],
)
def test_bad_arguments_name_the_argument(engine, call, path):
    with pytest.raises(ValidationError) as info:
        call(engine)
    assert info.value.path == path
    assert engine.catalog.list_products() == []


def test_sqlite_engine_persists(tmp_path):
    path = tmp_path / "crm.db"
    with SalesEngine.sqlite(path) as first:
        first.catalog.add_product(laptop())
    with SalesEngine.sqlite(path) as second:
        assert second.catalog.get_product("LAPTOP-15").cost == Money("700.00", "EUR")


def test_engine_on_host_repositories_without_unit_of_work():
    from sfa_core.adapters.memory import MemoryStore

    store = MemoryStore()
    engine = SalesEngine(products=store.products, price_books=store.price_books)
    engine.catalog.add_product(laptop())
    assert engine.catalog.get_product("LAPTOP-15").version == 1
    assert engine.clock.today() is not None


def test_a_datetime_is_not_a_pricing_day(engine):
    engine.catalog.add_product(laptop())
    engine.catalog.add_price_book(
        PriceBook(id="EU", currency="EUR", entries={"LAPTOP-15": Money("1", "EUR")})
    )
    with pytest.raises(ValidationError) as info:
        engine.catalog.list_price("EU", "LAPTOP-15", on=dt.datetime(2027, 1, 1, 9, 0))
    assert info.value.path == "on"


def test_list_price_defaults_to_the_clock_day(tmp_path):
    clock = FixedClock(dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.timezone.utc))
    with SalesEngine.sqlite(tmp_path / "crm.db", clock=clock) as engine:
        engine.catalog.add_product(laptop())
        engine.catalog.add_price_book(
            PriceBook(
                id="EU",
                currency="EUR",
                entries={"LAPTOP-15": Money("1", "EUR")},
                valid_from=dt.date(2027, 1, 1),
            )
        )
        with pytest.raises(ValidationError, match="not valid on 2026-12-31"):
            engine.catalog.list_price("EU", "LAPTOP-15")
        clock.advance(hours=2)
        assert engine.catalog.list_price("EU", "LAPTOP-15") == Money("1", "EUR")
