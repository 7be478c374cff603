"""The pricing setup is stored data: reopened engines and other processes price identically,
a priced quote names the setup versions it used, and those versions reproduce it."""

import datetime as dt
import json
import subprocess
import sys
import textwrap
from decimal import Decimal

import attrs
import pytest

from sfa_core import Money, SalesEngine
from sfa_core.adapters.memory import MemoryStore
from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import (
    ConcurrencyError,
    MissingRepositoryError,
    NotFoundError,
    ValidationError,
)
from sfa_core.pricing import (
    Benefit,
    BenefitKind,
    Condition,
    ConditionKind,
    ContractedPrices,
    DiscountSchedule,
    PriceAction,
    PriceRule,
    PricingOptions,
    ProductRange,
    Promotion,
    RateTaxPolicy,
    RuleSet,
    SetupVersions,
)
from sfa_core.quotes import PricedQuote, QuoteLockedError
from sfa_core.serialization import from_json, to_json

DAY = dt.date(2027, 3, 1)


def _stock(engine):
    engine.catalog.add_products(
        [
            Product(sku="LAPTOP", name="Laptop", family="hardware", discount_schedule="VOLUME"),
            Product(sku="DOCK", name="Dock", family="hardware"),
            Product(sku="SUPPORT", name="Support", family="services", tax_category="reduced"),
        ]
    )
    engine.catalog.add_price_book(
        PriceBook(
            id="EU",
            currency="EUR",
            entries={
                "LAPTOP": Money("1199.00", "EUR"),
                "DOCK": Money("99.00", "EUR"),
                "SUPPORT": Money("80.00", "EUR"),
            },
        )
    )
    engine.pricing.configure(
        rules=[
            RuleSet(
                [
                    PriceRule(
                        id="gold",
                        condition={"==": [{"var": "customer.tier"}, "gold"]},
                        actions=(PriceAction.percent_off(Decimal(3)),),
                        families=("hardware",),
                    )
                ],
                id="PARTNER",
            )
        ],
        schedules=[DiscountSchedule("VOLUME", [(9, 0), (49, 5), (None, 10)])],
        promotions=[
            Promotion(
                id="SUPPORT-10",
                name="10 % off support",
                condition=Condition(
                    ConditionKind.COUNT, Decimal(1), ProductRange(families=("services",))
                ),
                benefit=Benefit(BenefitKind.PERCENT, Decimal(10)),
            )
        ],
        tax=RateTaxPolicy(
            {"standard": Decimal(20), "reduced": Decimal("5.5")}, default_category="standard"
        ),
        options=PricingOptions(additional_discount_last=True),
        contracted_prices={"ACME": {"DOCK": Money("79.00", "EUR")}},
    )
    engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-1", quote_date=DAY)
    engine.quotes.add_line("Q-1", sku="LAPTOP", quantity=40, additional_discount=2)
    engine.quotes.add_line("Q-1", sku="DOCK", quantity=40)
    engine.quotes.add_line("Q-1", sku="SUPPORT", quantity=12)


CUSTOMER = {"tier": "gold"}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "crm.db"
    with SalesEngine.sqlite(path) as engine:
        _stock(engine)
    return path


def test_the_setup_prices_the_quote(db):
    with SalesEngine.sqlite(db) as engine:
        priced = engine.quotes.price("Q-1", customer=CUSTOMER)
    laptop, dock, _support = priced.lines
    assert "VOLUME" in laptop.explain()
    assert "gold" in laptop.explain()
    assert dock.list_unit_price != dock.net_unit_price  # contracted 79.00, not 99.00
    assert dock.net_total == Decimal("3065.20")  # 79.00 - 3 % gold = 76.63, x 40
    assert priced.promotions is not None
    assert priced.promotions.applied[0].promotion_id == ("SUPPORT-10")
    assert priced.tax is not None
    assert priced.tax.tax > 0
    assert priced.setup == SetupVersions(
        rule_sets={"PARTNER": 1},
        schedules={"VOLUME": 1},
        promotions={"SUPPORT-10": 1},
        contracted_prices=1,
        settings=1,
    )


def test_a_reopened_engine_prices_identically(db):
    with SalesEngine.sqlite(db) as engine:
        first = engine.quotes.price("Q-1", customer=CUSTOMER)
    with SalesEngine.sqlite(db) as engine:
        again = engine.quotes.price("Q-1", customer=CUSTOMER)
    assert again == first
    assert to_json(again) == to_json(first)


def test_a_second_process_prices_identically(db):
    with SalesEngine.sqlite(db) as engine:
        here = engine.quotes.price("Q-1", customer=CUSTOMER)
    script = textwrap.dedent(
        f"""
        from sfa_core import SalesEngine
        from sfa_core.serialization import to_json
        with SalesEngine.sqlite({str(db)!r}) as engine:
            print(to_json(engine.quotes.price("Q-1", customer={CUSTOMER!r})))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    there = from_json(done.stdout, PricedQuote)
    assert there == here
    assert json.loads(done.stdout) == json.loads(to_json(here))


def test_an_edit_by_one_engine_is_seen_by_another_on_the_same_file(db):
    with SalesEngine.sqlite(db) as reader, SalesEngine.sqlite(db) as admin:
        before = reader.quotes.price("Q-1")
        schedule = admin.pricing.schedules.get("VOLUME")
        admin.pricing.schedules.update(attrs.evolve(schedule, tiers=[(9, 0), (39, 5), (None, 15)]))
        after = reader.quotes.price("Q-1")
    assert after.setup.schedules == {"VOLUME": 2}
    assert after.net_total < before.net_total


def test_recorded_versions_reprice_a_quote_exactly_as_it_was(db):
    with SalesEngine.sqlite(db) as engine:
        offered = engine.quotes.price("Q-1", customer=CUSTOMER)
        rule_set = engine.pricing.rule_sets.get("PARTNER")
        engine.pricing.rule_sets.update(
            attrs.evolve(
                rule_set,
                rules=[
                    attrs.evolve(rule_set.rules[0], actions=(PriceAction.percent_off(Decimal(8)),))
                ],
            )
        )
        engine.pricing.contracted_prices.delete("ACME", expected_version=1)
        engine.quotes.transition("Q-1", "in_review")
        with pytest.raises(QuoteLockedError):
            engine.quotes.price("Q-1", customer=CUSTOMER)
        replayed = engine.quotes.price("Q-1", customer=CUSTOMER, setup=offered.setup)
        assert replayed == offered
        engine.quotes.new_version("Q-1")
        today = engine.quotes.price("Q-1-R2", customer=CUSTOMER)
    assert today.setup.rule_sets == {"PARTNER": 2}
    assert today.setup.contracted_prices is None
    assert today.net_total != offered.net_total


def test_a_missing_revision_is_named(db):
    with SalesEngine.sqlite(db) as engine, pytest.raises(NotFoundError) as info:
        engine.quotes.price("Q-1", setup=SetupVersions(rule_sets={"PARTNER": 7}))
    assert info.value.key == "PARTNER@7"


def test_configure_is_atomic():
    engine = SalesEngine.in_memory()
    with pytest.raises(ValidationError) as info:
        engine.pricing.configure(
            schedules=[DiscountSchedule("VOLUME", [(None, 5)])],
            contracted_prices={"ACME": {"DOCK": "79.00"}},
        )
    assert info.value.path == "contracted_prices['ACME']['DOCK']"
    assert engine.pricing.schedules.list() == []


def test_configure_replaces_named_values_and_keeps_the_others():
    engine = SalesEngine.in_memory()
    engine.pricing.configure(
        schedules=[DiscountSchedule("A", [(None, 5)]), DiscountSchedule("B", [(None, 1)])]
    )
    engine.pricing.configure(schedules=[DiscountSchedule("A", [(None, 7)])])
    stored = {s.id: s for s in engine.pricing.schedules.list()}
    assert (stored["A"].version, stored["B"].version) == (2, 1)
    assert stored["A"].tiers[0].percent == Decimal(7)


def test_settings_edits_are_checked_against_concurrent_changes():
    engine = SalesEngine.in_memory()
    read = engine.pricing.current_settings()
    assert read.version == 0
    stored = engine.pricing.update_settings(attrs.evolve(read, options=PricingOptions()))
    engine.pricing.update_settings(
        attrs.evolve(stored, options=PricingOptions(additional_discount_last=True))
    )
    with pytest.raises(ConcurrencyError):
        engine.pricing.update_settings(stored)
    assert engine.pricing.current_settings().options.additional_discount_last


def test_editors_refuse_values_of_another_kind_and_bad_keys():
    engine = SalesEngine.in_memory()
    with pytest.raises(ValidationError) as info:
        engine.pricing.schedules.add(RuleSet((), id="R"))
    assert info.value.path == "schedule"
    engine.pricing.contracted_prices.add(ContractedPrices("ACME", {"DOCK": Money("1", "EUR")}))
    with pytest.raises(ValidationError) as info:
        engine.pricing.contracted_prices.get(" ACME")
    assert info.value.path == "key"
    assert engine.pricing.contracted_prices.get("ACME").version == 1


def test_contracted_prices_of_another_account_are_refused():
    from sfa_core.pricing import PricingSetup
    from sfa_core.quotes import Quote, price_with_setup

    quote = Quote(id="Q", account="ACME", currency="EUR", price_book="EU", quote_date=DAY)
    setup = PricingSetup(contracted=ContractedPrices("GLOBEX", {}))
    with pytest.raises(ValidationError) as info:
        price_with_setup(quote, [], PriceBook(id="EU", currency="EUR"), setup)
    assert info.value.path == "setup.contracted.account"


def test_a_store_without_setup_repositories_prices_with_an_empty_setup():
    store = MemoryStore()
    engine = SalesEngine(
        products=store.products, price_books=store.price_books, quotes=store.quotes
    )
    engine.catalog.add_product(Product(sku="DOCK", name="Dock"))
    engine.catalog.add_price_book(
        PriceBook(id="EU", currency="EUR", entries={"DOCK": Money("99.00", "EUR")})
    )
    engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-1", quote_date=DAY)
    engine.quotes.add_line("Q-1", sku="DOCK", quantity=2)
    priced = engine.quotes.price("Q-1")
    assert priced.net_total == Money("198.00", "EUR")
    assert priced.setup == SetupVersions()
    with pytest.raises(MissingRepositoryError) as info:
        engine.pricing.configure(schedules=[DiscountSchedule("V", [(None, 5)])])
    assert info.value.repository == "discount_schedules"
    with pytest.raises(MissingRepositoryError):
        engine.configurations.configure("PC")


def test_a_host_tax_engine_is_used_instead_of_the_stored_policy():
    from sfa_core.pricing import TaxLine, TaxResult

    class Flat:
        def tax(self, lines, *, currency):
            taxed = [
                TaxLine(line.key, line.category, Decimal(0), line.amount, one, line.amount + one)
                for line in lines
                for one in [Decimal("1.00") if line is lines[0] else Decimal("0.00")]
            ]
            zero = Decimal("0.00")
            return TaxResult(
                tuple(taxed),
                sum((t.net for t in taxed), zero),
                sum((t.tax for t in taxed), zero),
                sum((t.gross for t in taxed), zero),
                False,
            )

    store = MemoryStore()
    engine = SalesEngine.from_store(store, tax=Flat())
    engine.catalog.add_product(Product(sku="DOCK", name="Dock"))
    engine.catalog.add_price_book(
        PriceBook(id="EU", currency="EUR", entries={"DOCK": Money("99.00", "EUR")})
    )
    engine.pricing.configure(tax=RateTaxPolicy({"standard": Decimal(20)}))
    engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-1", quote_date=DAY)
    engine.quotes.add_line("Q-1", sku="DOCK", quantity=2)
    assert engine.quotes.price("Q-1").tax.tax == Decimal("1.00")


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        ({"schedules": {"VOLUME": DiscountSchedule("VOLUME", [(None, 5)])}}, "schedules"),
        ({"schedules": [RuleSet((), id="R")]}, "schedules[0]"),
        ({"promotions": 3}, "promotions"),
        ({"promotions": ["SUPPORT-10"]}, "promotions[0]"),
        ({"rules": [3]}, "rules[0]"),
        ({"tax": {"standard": 20}}, "tax"),
        ({"contracted_prices": ["ACME"]}, "contracted_prices"),
    ],
)
def test_configure_names_a_bad_argument(arguments, path):
    engine = SalesEngine.in_memory()
    with pytest.raises(ValidationError) as info:
        engine.pricing.configure(**arguments)
    assert info.value.path == path


@pytest.mark.parametrize("version", ["1", None, 1.0, True, [1]])
def test_a_revision_needs_an_integer_version(tmp_path, version):
    with SalesEngine.sqlite(tmp_path / "crm.db") as engine:
        engine.pricing.rule_sets.add(RuleSet((), id="R"))
        with pytest.raises(ValidationError) as info:
            engine.pricing.rule_sets.revision("R", version)
    assert info.value.path == "version"


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        ({"products": 3}, "products"),
        ({"rule_sets": MemoryStore().quotes}, "rule_sets"),
        ({"clock": "today"}, "clock"),
        ({"unit_of_work": object()}, "unit_of_work"),
        ({"new_id": "Q-1"}, "new_id"),
        ({"tax": 20}, "tax"),
    ],
)
def test_the_engine_refuses_what_cannot_serve(arguments, path):
    with pytest.raises(ValidationError) as info:
        SalesEngine(**arguments)
    assert info.value.path == path


def test_the_cheapest_configuration_weighs_options_with_the_stored_setup():
    from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option

    engine = SalesEngine.in_memory()
    prices = {"PC": "0", "SSD": "90.00", "HDD": "40.00"}
    engine.catalog.add_products([Product(sku=s, name=s) for s in prices])
    engine.catalog.add_price_book(
        PriceBook(id="EU", currency="EUR", entries={s: Money(p, "EUR") for s, p in prices.items()})
    )
    engine.configurations.add_model(
        ConfigurationModel(
            root=Bundle(
                sku="PC",
                features=[
                    Feature(
                        id="disk",
                        min_options=1,
                        max_options=1,
                        options=[Option(id="ssd", sku="SSD"), Option(id="hdd", sku="HDD")],
                    )
                ],
            )
        )
    )
    engine.pricing.configure(contracted_prices={"ACME": {"SSD": Money("30.00", "EUR")}})
    cheapest = engine.configurations.complete
    assert cheapest("PC", preference="cheapest", price_book="EU", account="ACME").selected == (
        "ssd",
    )
    assert cheapest("PC", preference="cheapest", price_book="EU", account="GLOBEX").selected == (
        "hdd",
    )
    assert engine.quotes.unit_prices("EU", {"SSD": 1, "HDD": 1}, account="ACME") == {
        "SSD": Decimal("30.00"),
        "HDD": Decimal("40.00"),
    }
