import datetime as dt
import re
from decimal import Decimal

import attrs
import pytest

from sfa_core import Money, SalesEngine
from sfa_core.adapters.memory import MemoryStore
from sfa_core.adapters.sqlite import SqliteStore
from sfa_core.catalog import Derivation, PriceBook, Product
from sfa_core.clock import FixedClock
from sfa_core.errors import (
    AlreadyExistsError,
    ConcurrencyError,
    FloatAmountError,
    MissingRepositoryError,
    NotFoundError,
    ValidationError,
)
from sfa_core.pricing import (
    DiscountLimits,
    DiscountSchedule,
    PriceAction,
    PriceRule,
    PricingOptions,
    RateTaxPolicy,
    RoundingPolicy,
)
from sfa_core.quotes import (
    InvalidTransitionError,
    QuoteLine,
    QuoteLockedError,
    QuoteStatus,
)

CLOCK = FixedClock(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.timezone.utc))
TODAY = dt.date(2027, 3, 1)


def eur(amount):
    return Money(amount, "EUR")


def flat(text):
    """The explanation with runs of spaces collapsed (column widths are not the point)."""
    return " ".join(text.split())


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        yield MemoryStore()
    else:
        sqlite = SqliteStore(tmp_path / "crm.db")
        yield sqlite
        sqlite.close()


#: Where the engine keeps the pricing setup.
PRICING_REPOSITORIES = (
    "rule_sets",
    "discount_schedules",
    "promotions",
    "contracted_prices",
    "pricing_settings",
)


def make_engine(store, **options):
    options.setdefault("unit_of_work", store)
    options.setdefault("clock", CLOCK)
    options.setdefault("quotes", store.quotes)
    for name in PRICING_REPOSITORIES:
        options.setdefault(name, getattr(store, name))
    return SalesEngine(products=store.products, price_books=store.price_books, **options)


def stock(engine):
    engine.catalog.add_products(
        [
            Product(
                sku="LAPTOP",
                name="Laptop 15",
                family="hardware",
                cost=eur("700.00"),
                discount_schedule="VOL",
            ),
            Product(sku="DOCK", name="Dock", family="hardware", cost=eur("60.00")),
            Product(sku="CARE", name="Care pack", family="services", tax_category="reduced"),
            Product(sku="OLD", name="Old model", active=False),
        ]
    )
    engine.catalog.add_price_book(
        PriceBook(
            id="EU",
            currency="EUR",
            entries={"LAPTOP": eur("1000.00"), "DOCK": eur("120.00"), "CARE": eur("100.00")},
        )
    )


@pytest.fixture
def engine(store):
    eng = make_engine(store)
    stock(eng)
    return eng


def configure(engine, **changes):
    setup = {
        "rules": [
            PriceRule(id="HW-5", families=["hardware"], actions=[PriceAction.percent_off(5)])
        ],
        "schedules": [DiscountSchedule("VOL", [(9, 0), (None, 10)])],
        "tax": RateTaxPolicy({"standard": 20, "reduced": 10}),
        "contracted_prices": {"ACME": {"DOCK": eur("99.00")}},
    }
    setup.update(changes)
    engine.pricing.configure(**setup)


def draft(engine, quote_id="Q-1", account="ACME", **fields):
    return engine.quotes.create(account=account, price_book="EU", quote_id=quote_id, **fields)


def offer(engine, quote_id="Q-1", account="ACME"):
    draft(engine, quote_id, account)
    engine.quotes.add_line(quote_id, sku="LAPTOP", quantity=10)
    engine.quotes.add_line(quote_id, sku="DOCK", quantity=2, additional_discount=10)
    return engine.quotes.add_line(quote_id, sku="CARE", quantity=3)


def storage(engine):
    """Everything stored about quotes, to compare before and after a failure."""
    return [(q.id, q.version, q) for q in engine.quotes.list()]


# -- creating -------------------------------------------------------------------------------


def test_create_quote_defaults(engine):
    quote = engine.quotes.create(account="ACME", price_book="EU")
    assert re.fullmatch(r"Q-[0-9A-F]{12}", quote.id)
    assert quote.currency == "EUR"  # the price book's
    assert quote.quote_date == TODAY  # the clock's
    assert quote.valid_until == dt.date(2027, 3, 31)  # 1 March + 30 days
    assert (quote.status, quote.revision, quote.version) == (QuoteStatus.DRAFT, 1, 1)
    assert quote.lines == ()
    assert engine.quotes.get(quote.id) == quote
    other = engine.quotes.create(account="ACME", price_book="EU")
    assert other.id != quote.id


def test_create_quote_overrides(engine):
    quote = engine.quotes.create(
        account="ACME",
        price_book="EU",
        quote_id="Q-7",
        currency="USD",
        quote_date=dt.date(2027, 2, 20),
        valid_for_days=10,
        additional_discount=3,
        fields={"region": "EMEA"},
    )
    assert (quote.id, quote.currency, quote.quote_date) == ("Q-7", "USD", dt.date(2027, 2, 20))
    assert quote.valid_until == dt.date(2027, 3, 2)  # 20 February 2027 + 10 days
    assert quote.additional_discount == 3
    assert quote.fields["region"] == "EMEA"
    no_expiry = draft(engine, "Q-8", valid_for_days=None)
    assert no_expiry.valid_until is None
    explicit = draft(engine, "Q-9", valid_until=dt.date(2027, 6, 30))
    assert explicit.valid_until == dt.date(2027, 6, 30)
    same_day = draft(engine, "Q-10", valid_for_days=0)
    assert same_day.valid_until == TODAY


def test_the_date_follows_the_clock(store):
    clock = FixedClock(dt.datetime(2027, 12, 31, 23, 30, tzinfo=dt.timezone.utc))
    eng = make_engine(store, clock=clock)
    stock(eng)
    first = eng.quotes.create(account="ACME", price_book="EU", quote_id="Q-1")
    clock.advance(hours=1)
    second = eng.quotes.create(account="ACME", price_book="EU", quote_id="Q-2")
    assert (first.quote_date, first.valid_until) == (dt.date(2027, 12, 31), dt.date(2028, 1, 30))
    assert second.quote_date == dt.date(2028, 1, 1)


def test_the_engine_makes_ids_with_new_id(store):
    numbers = iter(range(100, 200))
    eng = make_engine(store, new_id=lambda: f"Q-{next(numbers)}")
    stock(eng)
    assert eng.quotes.create(account="ACME", price_book="EU").id == "Q-100"
    assert eng.quotes.create(account="ACME", price_book="EU", quote_id="MINE").id == "MINE"
    assert eng.quotes.create(account="ACME", price_book="EU").id == "Q-101"
    assert [q.id for q in eng.quotes.list()] == ["MINE", "Q-100", "Q-101"]


def test_a_taken_generated_id_is_refused(store):
    eng = make_engine(store, new_id=lambda: "Q-SAME")
    stock(eng)
    eng.quotes.create(account="ACME", price_book="EU")
    with pytest.raises(AlreadyExistsError) as info:
        eng.quotes.create(account="GLOBEX", price_book="EU")
    assert info.value.key == "Q-SAME"
    assert eng.quotes.get("Q-SAME").account == "ACME"


def test_create_quote_with_lines_checks_their_products(engine):
    lines = [
        QuoteLine(key="A", sku="DOCK", quantity=1),
        QuoteLine(key="B", sku="GHOST", quantity=1),
    ]
    with pytest.raises(ValidationError) as info:
        draft(engine, lines=lines)
    assert (info.value.path, info.value.value) == ("lines[1].sku", "GHOST")
    inactive = [QuoteLine(key="A", sku="OLD", quantity=1)]
    with pytest.raises(ValidationError, match="inactive") as info:
        draft(engine, lines=inactive)
    assert info.value.path == "lines[0].sku"
    assert engine.quotes.list() == []
    stored = draft(engine, lines=lines[:1])
    assert [line.key for line in stored.lines] == ["A"]


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"valid_for_days": -1}, "valid_for_days"),
        ({"valid_for_days": True}, "valid_for_days"),
        ({"valid_for_days": "30"}, "valid_for_days"),
        ({"quote_date": dt.datetime(2027, 3, 1, 9, 0)}, "quote_date"),
        ({"quote_date": dt.date(2027, 3, 1), "valid_until": dt.date(2027, 2, 1)}, "valid_until"),
        ({"currency": "XYZ"}, "currency"),
        ({"quote_id": ""}, "id"),
        ({"account": 42}, "account"),
        ({"price_book": None}, "price_book"),
        ({"additional_discount": 5.5}, "additional_discount"),
        ({"status": "accepted"}, "status"),
        ({"status": "won"}, "status"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_create_quote_refuses_bad_fields(engine, fields, path):
    arguments = {"account": "ACME", "price_book": "EU", "quote_id": "Q-1"}
    arguments.update(fields)
    with pytest.raises(ValidationError) as info:
        engine.quotes.create(**arguments)
    assert info.value.path == path
    assert engine.quotes.list() == []


def test_a_new_quote_may_say_it_is_a_draft(engine):
    assert draft(engine, status="draft").status is QuoteStatus.DRAFT


def test_create_quote_needs_a_stored_price_book(engine):
    with pytest.raises(NotFoundError) as info:
        engine.quotes.create(account="ACME", price_book="US")
    assert info.value.key == "US"
    assert engine.quotes.list() == []


def test_create_quote_refuses_a_taken_id(engine):
    first = draft(engine)
    with pytest.raises(AlreadyExistsError):
        draft(engine, account="GLOBEX")
    assert engine.quotes.get("Q-1") == first


def test_quote_methods_need_a_quote_repository(store):
    eng = SalesEngine(products=store.products, price_books=store.price_books)
    with pytest.raises(MissingRepositoryError, match="pass quotes=") as info:
        eng.quotes.list()
    assert info.value.repository == "quotes"


def test_get_quote(engine):
    with pytest.raises(NotFoundError) as info:
        engine.quotes.get("NOPE")
    assert (info.value.kind, info.value.key) == ("quote", "NOPE")
    with pytest.raises(ValidationError) as info:
        engine.quotes.get(7)
    assert info.value.path == "quote_id"


# -- editing --------------------------------------------------------------------------------


def test_add_line_generates_keys_and_bumps_the_version(engine):
    draft(engine)
    first = engine.quotes.add_line("Q-1", sku="LAPTOP", quantity=3)
    assert [(ln.key, ln.sku, ln.quantity) for ln in first.lines] == [("L1", "LAPTOP", 3)]
    assert first.version == 2
    second = engine.quotes.add_line("Q-1", sku="DOCK")  # quantity defaults to 1
    assert [(ln.key, ln.quantity) for ln in second.lines] == [("L1", 3), ("L2", 1)]
    assert second.version == 3
    mine = engine.quotes.add_line("Q-1", sku="CARE", quantity="2", key="CARE-1", parent="L1")
    assert mine.line("CARE-1").parent == "L1"
    # three lines: the next number is 4
    assert engine.quotes.add_line("Q-1", sku="DOCK").lines[-1].key == "L4"
    assert engine.quotes.get("Q-1").version == 5


def test_add_line_skips_taken_keys(engine):
    draft(engine)
    engine.quotes.add_line("Q-1", sku="DOCK", key="L2")
    # one line, so L2 would be next, but it is taken
    assert engine.quotes.add_line("Q-1", sku="DOCK").lines[-1].key == "L3"
    engine.quotes.remove_line("Q-1", "L2")
    # one line (L3): L2 is free again
    assert [ln.key for ln in engine.quotes.add_line("Q-1", sku="DOCK").lines] == ["L3", "L2"]


def test_add_line_passes_line_fields(engine):
    draft(engine)
    quote = engine.quotes.add_line(
        "Q-1",
        sku="DOCK",
        quantity=-1,
        is_return=True,
        special_price="99.00",
        fields={"reason": "damaged"},
    )
    line = quote.line("L1")
    assert (line.quantity, line.is_return, line.special_price) == (
        Decimal(-1),
        True,
        Decimal("99.00"),
    )
    assert line.fields["reason"] == "damaged"


@pytest.mark.parametrize(
    ("arguments", "path", "error"),
    [
        ({"sku": "GHOST"}, "sku", ValidationError),
        ({"sku": "OLD"}, "sku", ValidationError),
        ({"sku": "DOCK", "quantity": 0}, "quantity", ValidationError),
        ({"sku": "DOCK", "quantity": -2}, "quantity", ValidationError),
        ({"sku": "DOCK", "quantity": 1.5}, "quantity", FloatAmountError),
        ({"sku": "DOCK", "key": "L1"}, "key", ValidationError),
        ({"sku": "DOCK", "key": " L9"}, "key", ValidationError),
        ({"sku": "DOCK", "parent": "GHOST"}, "lines[1].parent", ValidationError),
        ({"sku": "DOCK", "group": "HQ"}, "lines[1].group", ValidationError),
        ({"sku": "DOCK", "additional_discount": 101}, "additional_discount", ValidationError),
    ],
)
def test_a_refused_line_leaves_the_quote_as_it_was(engine, arguments, path, error):
    draft(engine)
    before = engine.quotes.add_line("Q-1", sku="LAPTOP")
    with pytest.raises(error) as info:
        engine.quotes.add_line("Q-1", **arguments)
    assert info.value.path == path
    assert engine.quotes.get("Q-1") == before
    assert engine.quotes.get("Q-1").version == 2


def test_unknown_and_inactive_products_are_named(engine):
    draft(engine)
    with pytest.raises(ValidationError) as info:
        engine.quotes.add_line("Q-1", sku="GHOST")
    assert (info.value.reason, info.value.value) == ("no product has this SKU", "GHOST")
    with pytest.raises(ValidationError) as info:
        engine.quotes.add_line("Q-1", sku="OLD")
    assert (info.value.reason, info.value.value) == ("the product is inactive", "OLD")


def test_add_line_to_an_unknown_quote(engine):
    with pytest.raises(NotFoundError):
        engine.quotes.add_line("NOPE", sku="DOCK")


def test_update_line(engine):
    draft(engine)
    engine.quotes.add_line("Q-1", sku="LAPTOP", quantity=2)
    engine.quotes.add_line("Q-1", sku="DOCK")
    updated = engine.quotes.update_line("Q-1", "L1", quantity=5, additional_discount="7.5")
    assert [(ln.key, ln.quantity) for ln in updated.lines] == [("L1", 5), ("L2", 1)]  # in place
    assert updated.line("L1").additional_discount == Decimal("7.5")
    assert updated.version == 4
    swapped = engine.quotes.update_line("Q-1", "L2", sku="CARE")
    assert swapped.line("L2").sku == "CARE"
    assert engine.quotes.get("Q-1") == swapped


@pytest.mark.parametrize(
    ("key", "changes", "error", "path"),
    [
        ("L1", {"quantity": 0}, ValidationError, "quantity"),
        ("L1", {"quantity": 0.5}, FloatAmountError, "quantity"),
        ("L1", {"sku": "OLD"}, ValidationError, "sku"),
        ("L1", {"sku": "GHOST"}, ValidationError, "sku"),
        ("L1", {"parent": "L1"}, ValidationError, "parent"),
        ("L1", {"parent": "GHOST"}, ValidationError, "lines[0].parent"),
        ("L9", {"quantity": 2}, NotFoundError, None),
    ],
)
def test_a_refused_update_leaves_the_quote_as_it_was(engine, key, changes, error, path):
    draft(engine)
    before = engine.quotes.add_line("Q-1", sku="LAPTOP", quantity=2)
    with pytest.raises(error) as info:
        engine.quotes.update_line("Q-1", key, **changes)
    if path is not None:
        assert info.value.path == path
    assert engine.quotes.get("Q-1") == before


def test_remove_line_removes_its_bundle(engine):
    draft(engine)
    engine.quotes.add_line("Q-1", sku="LAPTOP")
    engine.quotes.add_line("Q-1", sku="DOCK", parent="L1")
    engine.quotes.add_line("Q-1", sku="CARE", parent="L2")
    engine.quotes.add_line("Q-1", sku="DOCK")
    removed = engine.quotes.remove_line("Q-1", "L1")
    assert [ln.key for ln in removed.lines] == ["L4"]
    assert removed.version == 6
    with pytest.raises(NotFoundError):
        engine.quotes.remove_line("Q-1", "L1")
    assert engine.quotes.get("Q-1") == removed


def test_a_locked_quote_cannot_be_edited(engine):
    draft(engine)
    engine.quotes.add_line("Q-1", sku="DOCK")
    locked = engine.quotes.transition("Q-1", "in_review")
    for edit in (
        lambda: engine.quotes.add_line("Q-1", sku="DOCK"),
        lambda: engine.quotes.update_line("Q-1", "L1", quantity=3),
        lambda: engine.quotes.remove_line("Q-1", "L1"),
    ):
        with pytest.raises(QuoteLockedError) as info:
            edit()
        assert (info.value.quote_id, info.value.status) == ("Q-1", QuoteStatus.IN_REVIEW)
    assert engine.quotes.get("Q-1") == locked


def test_add_line_to_a_locked_quote_names_the_operation(engine):
    draft(engine, status="draft")
    engine.quotes.transition("Q-1", "in_review")
    with pytest.raises(QuoteLockedError, match="cannot add a line to quote 'Q-1': it is in_review"):
        engine.quotes.add_line("Q-1", sku="DOCK")


# -- pricing --------------------------------------------------------------------------------


def test_price_quote_with_rules_schedules_contracts_and_tax(engine):
    configure(engine)
    offer(engine)
    priced = engine.quotes.price("Q-1")
    # L1 LAPTOP x 10: 1000.00, rule HW-5 5 % -> 950.00, schedule VOL 10 units -> 10 % -> 855.00
    laptop = priced.line("L1")
    assert laptop.net_unit_price == Decimal("855.00")
    assert laptop.net_total == Decimal("8550.00")
    assert laptop.tax == Decimal("1710.00")  # 20 %
    assert dict(laptop.discounts) == {
        "price_rules": Decimal("500.00"),  # 10 x 50.00
        "volume_schedule": Decimal("950.00"),  # 10 x 95.00
    }
    # L2 DOCK x 2: 120.00 list, ACME's contracted 99.00, HW-5 5 % -> 94.05,
    # the seller's 10 % -> 84.645 -> 84.65 (ROUND_HALF_UP)
    dock = priced.line("L2")
    assert [step.step for step in dock.waterfall][1:] == [
        "contracted",
        "price_rules",
        "additional_discount",
    ]
    assert dock.net_unit_price == Decimal("84.65")
    assert dock.net_total == Decimal("169.30")
    assert dock.tax == Decimal("33.86")  # 169.30 x 20 % = 33.86
    # L3 CARE x 3: 100.00, no rule (services), 10 % reduced tax
    care = priced.line("L3")
    assert (care.net_total, care.tax, care.gross_total) == (
        Decimal("300.00"),
        Decimal("30.00"),
        Decimal("330.00"),
    )
    totals = priced.totals
    assert totals.list.amount == Decimal("10540.00")  # 10000 + 240 + 300
    assert totals.net == eur("9019.30")  # 8550.00 + 169.30 + 300.00
    assert totals.tax == eur("1773.86")  # 1710.00 + 33.86 + 30.00
    assert totals.gross == eur("10793.16")
    assert totals.cost == eur("7120.00")  # 10 x 700 + 2 x 60; the care pack has no cost
    assert totals.margin == eur("1899.30")
    assert {kind: money.amount for kind, money in totals.discounts.items()} == {
        "price_rules": Decimal("509.90"),  # 500.00 + 2 x 4.95
        "volume_schedule": Decimal("950.00"),
        "contracted": Decimal("42.00"),  # 2 x 21.00
        "additional_discount": Decimal("18.80"),  # 2 x 9.40
    }
    assert (priced.quote_id, priced.revision, priced.priced_on) == ("Q-1", 1, TODAY)


def test_explain_tells_the_story(engine):
    configure(engine)
    offer(engine)
    text = flat(engine.quotes.price("Q-1").explain())
    assert text.startswith("quote Q-1 (revision 1), EUR")
    for part in (
        "L1 LAPTOP x 10 (EUR)",
        "list 1000.00 [EU] price book entry",
        "price rule 950.00 (-50.00) [HW-5] rule HW-5: 5 % off",
        "volume schedule 855.00 (-95.00) [VOL] volume schedule VOL: 10 units",
        "L2 DOCK x 2 (EUR)",
        "contracted 99.00 (-21.00) [ACME] contracted price",
        "price rule 94.05 (-4.95) [HW-5]",
        "additional discount 84.65 (-9.40) 10 % manual discount",
        "net unit price 84.65",
        "net total 169.30 tax 33.86 gross total 203.16",
        "quote totals list total 10540.00",
        "net total 9019.30 tax 1773.86 gross total 10793.16 cost 7120.00 margin 1899.30",
    ):
        assert part in text, part
    assert str(engine.quotes.price("Q-1")) == engine.quotes.price("Q-1").explain()


def test_contracted_prices_are_per_account(engine):
    configure(engine)
    offer(engine, "Q-A", account="ACME")
    offer(engine, "Q-G", account="GLOBEX")
    # GLOBEX has no contract: 120.00, HW-5 -> 114.00, 10 % -> 102.60
    assert engine.quotes.price("Q-G").line("L2").net_unit_price == Decimal("102.60")
    assert engine.quotes.price("Q-A").line("L2").net_unit_price == Decimal("84.65")


def test_options_and_limits_reach_the_pricing(engine):
    configure(engine, options=PricingOptions(rounding=RoundingPolicy(mode="ROUND_HALF_EVEN")))
    offer(engine)
    priced = engine.quotes.price("Q-1", limits=DiscountLimits(role="rep", max_manual_percent=5))
    dock = priced.line("L2")
    assert dock.net_unit_price == Decimal("84.64")  # 84.645 to even
    assert dock.net_total == Decimal("169.28")
    (flag,) = dock.flags
    # the seller's discount: 94.05 -> 84.64 is 9.41 / 94.05 = 10.005 % -> 10.01 %
    assert (flag.limit, flag.role, flag.allowed, flag.actual) == (
        "max_manual_percent",
        "rep",
        Decimal(5),
        Decimal("10.01"),
    )
    assert priced.line("L1").flags == ()


def test_pricing_configure_replaces_what_it_names_and_keeps_the_rest(engine):
    configure(engine)
    offer(engine)
    engine.pricing.configure(schedules=[DiscountSchedule("VOL", [(9, 0), (None, 20)])])
    priced = engine.quotes.price("Q-1")
    # the rule, the contract and the tax stay; the new schedule gives 20 % on 10 laptops:
    # 10 x (1000.00 - 5 % - 20 %) + 2 x 84.65 + 3 x 100.00 = 7600.00 + 169.30 + 300.00
    assert priced.totals.net == eur("8069.30")
    assert priced.totals.tax == eur("1583.86")  # 1520.00 + 33.86 + 30.00
    # what is no longer wanted is deleted explicitly
    pricing = engine.pricing
    for editor, key in (
        (pricing.rule_sets, "rules"),
        (pricing.contracted_prices, "ACME"),
        (pricing.settings, "default"),
    ):
        editor.delete(key, expected_version=editor.get(key).version)
    priced = engine.quotes.price("Q-1")
    # no rule, contract or tax now; the new schedule gives 20 % on 10 laptops:
    # 10 x 800.00 + 2 x (120.00 - 10 %) + 3 x 100.00 = 8000.00 + 216.00 + 300.00
    assert priced.totals.net == eur("8516.00")
    assert priced.totals.tax == eur("0.00")
    assert priced.tax is None


@pytest.mark.parametrize(
    ("setup", "path"),
    [
        ({"contracted_prices": {"ACME": {"DOCK": "99.00"}}}, "contracted_prices['ACME']['DOCK']"),
        ({"contracted_prices": {"ACME": ["DOCK"]}}, "contracted_prices['ACME']"),
        ({"contracted_prices": {"": {}}}, "contracted_prices['']"),
        ({"options": "fast"}, "options"),
        ({"tax": {"standard": 20}}, "tax"),
        ({"rates": 1}, "rates"),
        ({"rules": ["HW-5"]}, "rules[0]"),
        ({"schedules": ["VOL"]}, "schedules[0]"),
    ],
)
def test_pricing_configure_refuses_bad_setups(engine, setup, path):
    configure(engine)
    offer(engine)
    before = engine.quotes.price("Q-1")
    with pytest.raises(ValidationError) as info:
        engine.pricing.configure(**setup)
    assert info.value.path == path
    assert engine.quotes.price("Q-1") == before  # the old setup still holds


def test_contracted_prices_are_copied(engine):
    prices = {"DOCK": eur("99.00")}
    configure(engine, contracted_prices={"ACME": prices})
    offer(engine)
    prices["DOCK"] = eur("1.00")
    assert engine.quotes.price("Q-1").line("L2").net_unit_price == Decimal("84.65")


def test_a_derived_price_book_is_priced_with_its_bases(engine):
    configure(engine)
    engine.catalog.add_price_book(
        PriceBook(
            id="EU-P", currency="EUR", derived_from=Derivation(base_price_book="EU", discount=10)
        )
    )
    engine.catalog.add_price_book(
        PriceBook(
            id="EU-R", currency="EUR", derived_from=Derivation(base_price_book="EU-P", discount=5)
        )
    )
    engine.quotes.create(account="GLOBEX", price_book="EU-R", quote_id="Q-R")
    engine.quotes.add_line("Q-R", sku="CARE", quantity=2)
    engine.quotes.add_line("Q-R", sku="DOCK")
    priced = engine.quotes.price("Q-R")
    # CARE: 100.00 -10 % = 90.00 -5 % = 85.50; x 2 = 171.00, 10 % tax 17.10
    assert priced.line("L1").list_unit_price == Decimal("85.50")
    assert priced.line("L1").net_total == Decimal("171.00")
    # DOCK: 120.00 -> 108.00 -> 102.60, then HW-5 5 % -> 97.47, 20 % tax 19.494 -> 19.49
    assert priced.line("L2").list_unit_price == Decimal("102.60")
    assert priced.line("L2").net_unit_price == Decimal("97.47")
    assert priced.totals.net == eur("268.47")
    assert priced.totals.gross == eur("305.06")  # 268.47 + 17.10 + 19.49
    text = flat(priced.explain())
    assert "EU-P formula: 100.00 EUR -> 90.0000 EUR (discount 10%)" in text
    assert "EU-R formula: 90.00 EUR -> 85.5000 EUR (discount 5%)" in text


def test_a_derived_book_whose_base_is_gone_cannot_price(engine):
    engine.catalog.add_price_book(
        PriceBook(id="EU-X", currency="EUR", derived_from=Derivation(base_price_book="ZZ"))
    )
    engine.quotes.create(account="ACME", price_book="EU-X", quote_id="Q-X")
    engine.quotes.add_line("Q-X", sku="DOCK")
    with pytest.raises(ValidationError):
        engine.quotes.price("Q-X")


def test_price_quote_names_a_line_without_a_price(engine):
    engine.catalog.add_product(Product(sku="MOUSE", name="Mouse"))
    draft(engine)
    engine.quotes.add_line("Q-1", sku="DOCK")
    engine.quotes.add_line("Q-1", sku="MOUSE")
    with pytest.raises(ValidationError) as info:
        engine.quotes.price("Q-1")
    assert info.value.path == "lines[1].sku"
    assert "'L2'" in str(info.value)


def test_price_quote_sees_a_product_deactivated_after_the_line_was_added(engine):
    draft(engine)
    engine.quotes.add_line("Q-1", sku="DOCK")
    engine.catalog.update_product(attrs.evolve(engine.catalog.get_product("DOCK"), active=False))
    with pytest.raises(ValidationError, match="inactive") as info:
        engine.quotes.price("Q-1")
    assert info.value.path == "lines[0].sku"


def test_price_quote_writes_nothing(engine):
    configure(engine)
    before = offer(engine)
    engine.quotes.price("Q-1")
    assert engine.quotes.get("Q-1") == before


@pytest.mark.parametrize("status", ["in_review", "approved", "presented", "superseded"])
def test_a_locked_quote_cannot_be_repriced(engine, status):
    configure(engine)
    offer(engine)
    path = {
        "in_review": ["in_review"],
        "approved": ["in_review", "approved"],
        "presented": ["in_review", "approved", "presented"],
        "superseded": ["superseded"],
    }[status]
    for step in path:
        engine.quotes.transition("Q-1", step)
    stored = engine.quotes.get("Q-1")
    with pytest.raises(QuoteLockedError) as info:
        engine.quotes.price("Q-1")
    assert (info.value.status.value, info.value.operation) == (status, "reprice")
    assert engine.quotes.get("Q-1") == stored


# -- lifecycle ------------------------------------------------------------------------------


def test_transition_quote_through_the_lifecycle(engine):
    offer(engine)  # version 4
    seen = []
    for status in ("in_review", "draft", "in_review", "approved", "presented", "accepted"):
        moved = engine.quotes.transition("Q-1", status)
        seen.append((moved.status.value, moved.version))
    assert seen == [
        ("in_review", 5),
        ("draft", 6),
        ("in_review", 7),
        ("approved", 8),
        ("presented", 9),
        ("accepted", 10),
    ]
    assert engine.quotes.get("Q-1").status is QuoteStatus.ACCEPTED
    assert len(engine.quotes.get("Q-1").lines) == 3


def test_a_refused_transition_changes_nothing(engine):
    before = offer(engine)
    with pytest.raises(InvalidTransitionError) as info:
        engine.quotes.transition("Q-1", "accepted")
    assert (info.value.source, info.value.target) == (QuoteStatus.DRAFT, QuoteStatus.ACCEPTED)
    with pytest.raises(ValidationError) as info:
        engine.quotes.transition("Q-1", "won")
    assert info.value.path == "status"
    assert engine.quotes.get("Q-1") == before


def test_reopening_an_approved_quote_allows_edits_again(engine):
    offer(engine)
    engine.quotes.transition("Q-1", QuoteStatus.IN_REVIEW)
    engine.quotes.transition("Q-1", QuoteStatus.APPROVED)
    engine.quotes.transition("Q-1", QuoteStatus.DRAFT)
    assert engine.quotes.add_line("Q-1", sku="DOCK").lines[-1].key == "L4"


def test_list_quotes_filters_by_account_and_status(engine):
    draft(engine, "Q-1", "ACME")
    draft(engine, "Q-2", "GLOBEX")
    draft(engine, "Q-3", "ACME")
    engine.quotes.transition("Q-3", "in_review")
    engine.quotes.transition("Q-2", "in_review")

    def ids(**filters):
        return [q.id for q in engine.quotes.list(**filters)]

    assert ids() == ["Q-1", "Q-2", "Q-3"]
    assert ids(account="ACME") == ["Q-1", "Q-3"]
    assert ids(status="in_review") == ["Q-2", "Q-3"]
    assert ids(status=QuoteStatus.IN_REVIEW, account="ACME") == ["Q-3"]
    assert ids(status="draft", account="GLOBEX") == []
    assert ids(account="NOBODY") == []
    with pytest.raises(ValidationError) as info:
        engine.quotes.list(status="won")
    assert info.value.path == "status"
    with pytest.raises(ValidationError) as info:
        engine.quotes.list(account=7)
    assert info.value.path == "account"


# -- new versions ---------------------------------------------------------------------------


def present(engine, quote_id="Q-1"):
    for status in ("in_review", "approved", "presented"):
        engine.quotes.transition(quote_id, status)
    return engine.quotes.get(quote_id)


def test_new_version_supersedes_and_stores_a_draft(engine):
    offer(engine)
    presented = present(engine)  # version 7
    revised = engine.quotes.new_version("Q-1")
    assert revised.id == "Q-1-R2"
    assert (revised.status, revised.revision, revised.supersedes, revised.version) == (
        QuoteStatus.DRAFT,
        2,
        "Q-1",
        1,
    )
    assert revised.lines == presented.lines
    assert engine.quotes.get("Q-1-R2") == revised
    old = engine.quotes.get("Q-1")
    assert (old.status, old.version) == (QuoteStatus.SUPERSEDED, presented.version + 1)
    assert old.lines == presented.lines
    # the new draft can be edited and priced
    engine.quotes.add_line("Q-1-R2", sku="DOCK")
    configure(engine)
    assert engine.quotes.price("Q-1-R2").revision == 2
    # versioning the new one makes R3, superseding R2
    third = engine.quotes.new_version("Q-1-R2")
    assert (third.id, third.revision, third.supersedes) == ("Q-1-R3", 3, "Q-1-R2")
    assert len(third.lines) == 4
    assert engine.quotes.get("Q-1-R2").status is QuoteStatus.SUPERSEDED
    assert engine.quotes.new_version("Q-1-R3").id == "Q-1-R4"
    assert [q.id for q in engine.quotes.list(status="superseded")] == [
        "Q-1",
        "Q-1-R2",
        "Q-1-R3",
    ]
    assert [q.id for q in engine.quotes.list(status="draft")] == ["Q-1-R4"]


def test_new_version_takes_an_id(engine):
    offer(engine)
    revised = engine.quotes.new_version("Q-1", new_id="Q-1-B")
    assert (revised.id, revised.revision, revised.supersedes) == ("Q-1-B", 2, "Q-1")
    # the default id only drops a '-R<revision>' suffix; 'Q-1-B' has none
    assert engine.quotes.new_version("Q-1-B").id == "Q-1-B-R3"


def test_ids_that_merely_contain_r_keep_their_root(engine):
    draft(engine, "ACME-RFQ")
    first = engine.quotes.new_version("ACME-RFQ")
    assert first.id == "ACME-RFQ-R2"
    assert engine.quotes.new_version(first.id).id == "ACME-RFQ-R3"
    other = engine.quotes.new_version("ACME-RFQ-R3", new_id="ACME-RUSH")
    assert engine.quotes.new_version(other.id).id == "ACME-RUSH-R5"


@pytest.mark.parametrize("final", ["accepted", "superseded"])
def test_final_quotes_cannot_be_versioned(engine, final):
    offer(engine)
    if final == "accepted":
        present(engine)
    engine.quotes.transition("Q-1", final)
    before = storage(engine)
    with pytest.raises(InvalidTransitionError):
        engine.quotes.new_version("Q-1")
    assert storage(engine) == before


def test_new_version_with_a_taken_id_changes_nothing(engine):
    offer(engine)
    presented = present(engine)
    taken = draft(engine, "Q-1-R2", account="GLOBEX")
    with pytest.raises(AlreadyExistsError) as info:
        engine.quotes.new_version("Q-1")
    assert info.value.key == "Q-1-R2"
    assert engine.quotes.get("Q-1") == presented  # not superseded, same version
    assert engine.quotes.get("Q-1-R2") == taken
    with pytest.raises(AlreadyExistsError):
        engine.quotes.new_version("Q-1", new_id="Q-1-R2")
    assert engine.quotes.get("Q-1") == presented


def test_new_version_with_a_taken_id_changes_nothing_without_a_unit_of_work(store):
    eng = make_engine(store, unit_of_work=None)
    stock(eng)
    first = draft(eng)
    draft(eng, "Q-1-R2")
    with pytest.raises(AlreadyExistsError):
        eng.quotes.new_version("Q-1")
    assert eng.quotes.get("Q-1") == first


class FailingAdd:
    """A quote repository whose ``add`` fails, as a full disk or a lost connection would."""

    def __init__(self, inner):
        self.inner = inner

    def add(self, quote):
        raise OSError("disk full")

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_new_version_is_atomic_when_the_second_write_fails(store):
    eng = make_engine(store)
    stock(eng)
    offer(eng)
    presented = present(eng)
    failing = make_engine(store, quotes=FailingAdd(store.quotes))
    with pytest.raises(OSError, match="disk full"):
        failing.quotes.new_version("Q-1")
    # the old quote was superseded inside the transaction, then rolled back
    assert eng.quotes.get("Q-1") == presented
    assert [q.id for q in eng.quotes.list()] == ["Q-1"]


def test_new_version_refuses_a_bad_id(engine):
    first = draft(engine)
    with pytest.raises(ValidationError) as info:
        engine.quotes.new_version("Q-1", new_id="")
    assert info.value.path == "new_id"
    assert storage(engine) == [("Q-1", 1, first)]


# -- concurrency and failures -----------------------------------------------------------------


def test_a_stale_update_is_refused(store, engine):
    read = draft(engine)
    engine.quotes.add_line("Q-1", sku="DOCK")  # version 2
    with pytest.raises(ConcurrencyError) as info:
        store.quotes.update(read.with_line(QuoteLine(key="X", sku="LAPTOP", quantity=1)))
    assert (info.value.expected_version, info.value.actual_version) == (1, 2)
    assert [ln.key for ln in engine.quotes.get("Q-1").lines] == ["L1"]
    assert engine.quotes.get("Q-1").version == 2


class Interfering:
    """A quote repository where someone else writes the quote just after the engine reads it."""

    def __init__(self, inner):
        self.inner = inner
        self.armed = False

    def get(self, quote_id):
        quote = self.inner.get(quote_id)
        if self.armed:
            self.armed = False
            self.inner.update(attrs.evolve(quote, fields={"touched": True}))
        return quote

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.mark.parametrize(
    "operation",
    [
        lambda e: e.quotes.add_line("Q-1", sku="DOCK"),
        lambda e: e.quotes.update_line("Q-1", "L1", quantity=9),
        lambda e: e.quotes.remove_line("Q-1", "L1"),
        lambda e: e.quotes.transition("Q-1", "in_review"),
        lambda e: e.quotes.new_version("Q-1"),
    ],
)
def test_an_engine_write_over_a_concurrent_change_is_refused(store, operation):
    quotes = Interfering(store.quotes)
    # no unit of work: the other writer's change commits on its own
    eng = SalesEngine(
        products=store.products, price_books=store.price_books, quotes=quotes, clock=CLOCK
    )
    stock(eng)
    draft(eng)
    eng.quotes.add_line("Q-1", sku="LAPTOP")
    quotes.armed = True
    with pytest.raises(ConcurrencyError):
        operation(eng)
    stored = eng.quotes.get("Q-1")
    assert stored.fields["touched"] is True  # the other writer's change stands
    assert [(ln.key, ln.quantity) for ln in stored.lines] == [("L1", 1)]
    assert (stored.status, stored.version) == (QuoteStatus.DRAFT, 3)
    assert [q.id for q in eng.quotes.list()] == ["Q-1"]


def test_nothing_is_half_done(engine):
    configure(engine)
    offer(engine)
    draft(engine, "Q-2", account="GLOBEX")
    before = storage(engine)
    failures = [
        (lambda: engine.quotes.add_line("Q-1", sku="DOCK", quantity=0), ValidationError),
        (lambda: engine.quotes.add_line("Q-1", sku="DOCK", quantity="x"), ValidationError),
        (lambda: engine.quotes.update_line("Q-1", "L2", additional_discount=-5), ValidationError),
        (lambda: engine.quotes.update_line("Q-1", "L2", colour="red"), ValidationError),
        (lambda: engine.quotes.remove_line("Q-1", "L9"), NotFoundError),
        (lambda: engine.quotes.transition("Q-1", "presented"), InvalidTransitionError),
        (lambda: engine.quotes.new_version("Q-1", new_id="Q-2"), AlreadyExistsError),
        (
            lambda: engine.quotes.create(account="ACME", price_book="EU", quote_id="Q-2"),
            AlreadyExistsError,
        ),
        (
            lambda: engine.quotes.create(
                account="ACME",
                price_book="EU",
                quote_id="Q-3",
                lines=[QuoteLine(key="A", sku="OLD", quantity=1)],
            ),
            ValidationError,
        ),
    ]
    for call, error in failures:
        with pytest.raises(error):
            call()
        assert storage(engine) == before


def test_sqlite_quotes_persist(tmp_path):
    path = tmp_path / "crm.db"
    with SalesEngine.sqlite(path, clock=CLOCK) as first:
        stock(first)
        offer(first)
        stored = first.quotes.new_version("Q-1")
    with SalesEngine.sqlite(path, clock=CLOCK) as second:
        assert second.quotes.get("Q-1-R2") == stored
        assert second.quotes.get("Q-1-R2").line("L2").additional_discount == Decimal(10)
        assert second.quotes.get("Q-1").status is QuoteStatus.SUPERSEDED
        configure(second)
        assert second.quotes.price("Q-1-R2").totals.net == eur("9019.30")


def test_unknown_and_managed_fields_are_refused_by_name(engine):
    configure(engine)
    offer(engine)
    with pytest.raises(ValidationError) as info:
        engine.quotes.add_line("Q-1", sku="DOCK", quantity=1, colour="red")
    assert info.value.path == "colour"
    with pytest.raises(ValidationError) as info:
        engine.quotes.update("Q-1", status="accepted")
    assert info.value.path == "status"


def test_update_quote_changes_quote_level_fields(engine):
    configure(engine)
    offer(engine)
    before = engine.quotes.get("Q-1")
    after = engine.quotes.update("Q-1", additional_discount=7, discount_amount="10.00")
    assert (after.additional_discount, after.discount_amount) == (7, Decimal("10.00"))
    assert after.version == before.version + 1
    engine.quotes.transition("Q-1", "in_review")
    with pytest.raises(QuoteLockedError):
        engine.quotes.update("Q-1", additional_discount=1)
