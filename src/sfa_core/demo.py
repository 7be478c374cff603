"""The quickstart story, run by ``make demo``, ``sfa demo`` and ``examples/quickstart.py``.

It builds a small catalog on the embedded SQLite default, reads it back from
disk, prices in three currencies and formats in three locales, splits a bundle
price to the cent, evaluates an approval rule with its explanation, shows
optimistic concurrency refusing a lost update, and prices a quote through the
waterfall, printing each step, before locking and revising it. Last, it
configures a laptop bundle: what one choice forces and why, a conflict and its
repair, the cheapest completion, and the bundle quoted at one price.
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from collections.abc import Callable
from decimal import Decimal

import attrs

from sfa_core import rules
from sfa_core.catalog import PriceBook, Product
from sfa_core.configure import (
    Attribute,
    Bundle,
    Compatibility,
    ConfigurationModel,
    Feature,
    Option,
    Requires,
    Selections,
    complete,
    explain,
    repair,
)
from sfa_core.engine import SalesEngine
from sfa_core.errors import AlreadyExistsError, ConcurrencyError
from sfa_core.l10n import format_money
from sfa_core.money import ExchangeRate, ExchangeRates, Money
from sfa_core.pricing import DiscountSchedule, PriceAction, PriceRule, RateTaxPolicy, RuleSet
from sfa_core.quotes import QuoteLockedError

__all__ = ["main"]

PRICING_DAY = _dt.date(2027, 3, 1)

CATALOG = (
    Product(sku="LAPTOP-15", name="Laptop 15", family="hardware", cost=Money("700.00", "EUR")),
    Product(sku="DOCK-USB-C", name="USB-C dock", family="hardware", cost=Money("61.50", "EUR")),
    Product(
        sku="CRM-PRO",
        name="CRM Pro licence",
        family="software",
        unit_of_measure="seat",
        attributes={"edition": "pro", "term_months": 12},
    ),
    Product(sku="SUPPORT-H", name="Support", family="services", unit_of_measure="hour"),
)

EUR_PRICES = {
    "LAPTOP-15": "1199.00",
    "DOCK-USB-C": "149.00",
    "CRM-PRO": "39.90",
    "SUPPORT-H": "95.00",
}

RATES = ExchangeRates(
    rates=(
        ExchangeRate("EUR", "USD", "1.0837", effective=_dt.date(2027, 1, 1)),
        ExchangeRate("EUR", "USD", "1.0912", effective=_dt.date(2027, 2, 1)),
        ExchangeRate("EUR", "JPY", "161.42", effective=_dt.date(2027, 1, 1)),
    ),
    base="EUR",
)

APPROVAL_RULE = {
    "or": [
        {">": [{"var": "quote.discount_percent"}, 20]},
        {
            "and": [
                {"==": [{"var": "account.region"}, "EMEA"]},
                {">": [{"var": "quote.net_total"}, 50000]},
            ]
        },
    ]
}


def main(
    db_path: str | os.PathLike[str] | None = None,
    out: Callable[[str], None] = print,
    *,
    force: bool = False,
) -> None:
    """Run the story on a SQLite database and print what happens.

    Args:
        db_path: The database file; a fresh temporary one when ``None``.
        out: Where lines go (``print`` by default).
        force: Replace an existing database file (and its ``-wal`` and
            ``-shm`` files) so that the story starts empty; without it an
            existing file is refused.

    Raises:
        AlreadyExistsError: ``db_path`` (or its ``-wal`` or ``-shm`` file)
            exists and ``force`` is false; nothing is changed.
        OSError: An existing file cannot be removed.

    >>> lines = []
    >>> main(out=lines.append)
    >>> lines[0], lines[-1]
    ('== 1. A catalog stored in SQLite ==', 'quote Q-1002: net 2499.00 EUR for 5 lines')

    An existing file is kept unless ``force`` is given:

    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "crm.db")
    ...     main(path, out=lambda line: None)
    ...     try:
    ...         main(path, out=lambda line: None)
    ...     except AlreadyExistsError as err:
    ...         print(err.kind)
    ...     main(path, out=lambda line: None, force=True)
    database file
    """
    if db_path is None:
        with tempfile.TemporaryDirectory() as folder:
            _story(os.path.join(folder, "crm.db"), out)
        return
    path = os.fspath(db_path)
    existing = [f"{path}{suffix}" for suffix in ("", "-wal", "-shm")]
    existing = [name for name in existing if os.path.lexists(name)]
    if existing and not force:
        raise AlreadyExistsError("database file", existing[0])
    for name in existing:
        os.remove(name)
    _story(path, out)


def _story(path: str, out: Callable[[str], None]) -> None:
    with SalesEngine.sqlite(path) as engine:  # opened first: a bad path prints nothing
        out("== 1. A catalog stored in SQLite ==")
        engine.catalog.add_products(CATALOG)
        eur = PriceBook(
            id="EU-2027",
            currency="EUR",
            name="Europe 2027",
            entries={sku: Money(amount, "EUR") for sku, amount in EUR_PRICES.items()},
            valid_from=_dt.date(2027, 1, 1),
            valid_until=_dt.date(2027, 12, 31),
        )
        engine.catalog.add_price_book(eur)
        for currency, book_id in (("USD", "US-2027"), ("JPY", "JP-2027")):
            engine.catalog.add_price_book(
                PriceBook(
                    id=book_id,
                    currency=currency,
                    name=f"{currency} list converted on {PRICING_DAY.isoformat()}",
                    entries={
                        sku: RATES.convert(price, currency, PRICING_DAY)
                        for sku, price in eur.entries.items()
                    },
                    valid_from=_dt.date(2027, 1, 1),
                )
            )
        out(f"stored {len(engine.catalog.list_products())} products and 3 price books in {path!r}")

    out("")
    out("== 2. Read back from disk, formatted for three locales ==")
    with SalesEngine.sqlite(path) as engine:
        usd_rate = RATES.rate("EUR", "USD", PRICING_DAY)
        out(f"EUR -> USD on {PRICING_DAY.isoformat()}: {usd_rate}")
        for product in engine.catalog.list_products():
            eur_price = engine.catalog.list_price("EU-2027", product.sku, on=PRICING_DAY)
            usd_price = engine.catalog.list_price("US-2027", product.sku, on=PRICING_DAY)
            jpy_price = engine.catalog.list_price("JP-2027", product.sku, on=PRICING_DAY)
            out(
                f"{product.sku:<11} {format_money(eur_price, locale='de_DE'):>12}"
                f"  {format_money(usd_price, locale='en_US'):>10}"
                f"  {format_money(jpy_price, locale='ja_JP'):>9}"
            )

        out("")
        out("== 3. A bundle price split across its parts, to the cent ==")
        parts = ("LAPTOP-15", "DOCK-USB-C", "SUPPORT-H")
        lists = [engine.catalog.list_price("EU-2027", sku, on=PRICING_DAY) for sku in parts]
        bundle = Money("1299.99", "EUR")
        shares = bundle.allocate([price.amount for price in lists])
        for sku, list_price, share in zip(parts, lists, shares, strict=True):
            out(f"{sku:<11} list {list_price}  ->  share {share}")
        out(f"sum of shares {sum(shares, Money.zero('EUR'))} == bundle {bundle}")

        out("")
        out("== 4. An approval rule, evaluated and explained ==")
        rule = rules.compile(APPROVAL_RULE)
        for quantity in (40, 50):
            net = (lists[0] * quantity * Decimal("0.88")).round()
            data = {
                "account": {"region": "EMEA"},
                "quote": {"discount_percent": Decimal("12"), "net_total": net},
            }
            out(f"{quantity} x LAPTOP-15 at 12 % off = {format_money(net, locale='en_US')}")
            out(f"needs approval: {rule.evaluate(data)}")
            out(str(rule.explain(data)))
        out("")
        out("== 5. Optimistic concurrency: no lost update ==")
        alice = engine.catalog.get_product("CRM-PRO")
        bob = engine.catalog.get_product("CRM-PRO")
        saved = engine.catalog.update_product(attrs.evolve(alice, name="CRM Pro licence (2027)"))
        out(f"alice saved version {saved.version}: {saved.name!r}")
        try:
            engine.catalog.update_product(attrs.evolve(bob, name="CRM Professional"))
        except ConcurrencyError as exc:
            out(f"bob's stale write refused: ConcurrencyError: {exc}")
        out(f"stored name is still {engine.catalog.get_product('CRM-PRO').name!r}")

        out("")
        out("== 6. A quote priced through the waterfall, and explained ==")
        _quote_story(engine, out)

        out("")
        out("== 7. A laptop configured without dead ends, explained and quoted ==")
        _configure_story(engine, out)


def _quote_story(engine: SalesEngine, out: Callable[[str], None]) -> None:
    engine.pricing.configure(
        rules=RuleSet(
            [
                PriceRule(
                    id="HW-BUNDLE",
                    name="docks with laptops",
                    skus=("DOCK-USB-C",),
                    condition={">=": [{"var": "line.quantity"}, 10]},
                    actions=(PriceAction.percent_off(15),),
                )
            ]
        ),
        schedules=[DiscountSchedule("HW-VOLUME", [(9, 0), (49, 5), (None, 10)])],
        tax=RateTaxPolicy({"standard": 20}),
    )
    engine.catalog.update_product(
        attrs.evolve(engine.catalog.get_product("LAPTOP-15"), discount_schedule="HW-VOLUME")
    )
    quote = engine.quotes.create(
        account="ACME", price_book="EU-2027", quote_id="Q-1001", quote_date=PRICING_DAY
    )
    engine.quotes.add_line(quote.id, sku="LAPTOP-15", quantity=40, additional_discount=3)
    engine.quotes.add_line(quote.id, sku="DOCK-USB-C", quantity=40)
    engine.quotes.add_line(quote.id, sku="SUPPORT-H", quantity=Decimal("12"))
    priced = engine.quotes.price(quote.id)
    for line in priced.lines[:2]:
        out(line.explain())
    totals = priced.totals
    out(
        f"quote {priced.quote_id}: list {totals.list}, discounts {totals.discount}, "
        f"net {totals.net}, tax {totals.tax}, gross {totals.gross}"
    )
    out(f"margin {totals.margin} ({totals.margin_percent} % of net)")
    engine.quotes.transition(quote.id, "in_review")
    try:
        engine.quotes.add_line(quote.id, sku="CRM-PRO", quantity=5)
    except QuoteLockedError as exc:
        out(f"editing in review refused: {exc}")
    revised = engine.quotes.new_version(quote.id)
    out(f"new version {revised.id} (revision {revised.revision}) supersedes {revised.supersedes}")


LAPTOP_PARTS = {
    "LAPTOP-CFG": "0.00",
    "RAM-16": "0.00",
    "RAM-32": "180.00",
    "GPU-RTX": "420.00",
    "PSU-65": "0.00",
    "PSU-130": "35.00",
}

LAPTOP_MODEL = ConfigurationModel(
    root=Bundle(
        sku="LAPTOP-CFG",
        name="Configurable laptop",
        features=[
            Feature(id="ram", name="Memory", min_options=1, max_options=1, options=[
                Option(id="ram16", sku="RAM-16", selected=True), Option(id="ram32", sku="RAM-32")]),
            Feature(id="gpu", name="Graphics", max_options=1, options=[
                Option(id="rtx", sku="GPU-RTX")]),
            Feature(id="power", name="Power supply", min_options=1, max_options=1, options=[
                Option(id="psu65", sku="PSU-65", selected=True),
                Option(id="psu130", sku="PSU-130")]),
            Feature(id="extras", name="Extras", options=[
                Option(id="dock", sku="DOCK-USB-C")]),
        ],
    ),
    attributes=[Attribute(id="colour", values=["black", "silver"])],
    constraints=[
        Requires(id="rtx-ram", option="rtx", needs=["ram32"]),
        Requires(id="rtx-power", option="rtx", needs=["psu130"]),
        Compatibility(id="rtx-black", option="rtx", attribute="colour", values=["black"]),
    ],
)  # fmt: skip


def _configure_story(engine: SalesEngine, out: Callable[[str], None]) -> None:
    engine.catalog.add_products(
        [Product(sku=sku, name=sku, family="hardware") for sku in LAPTOP_PARTS]
    )
    for sku, price in LAPTOP_PARTS.items():
        engine.catalog.set_price("EU-2027", sku, Money(price, "EUR"))
    engine.configurations.add_model(LAPTOP_MODEL)
    state = engine.configurations.configure("LAPTOP-CFG", Selections(options={"rtx": True}))
    forced = ", ".join(f"{k} {'on' if v else 'off'}" for k, v in state.forced.items())
    out(f"choosing the RTX graphics card forces: {forced}; colour {state.values['colour']}")
    out(explain(state, "ram16").text())
    clash = Selections(options={"rtx": True}, attributes={"colour": "silver"})
    conflict = engine.configurations.configure("LAPTOP-CFG", clash).conflicts[0]
    out(f"RTX in silver is refused: {conflict.message}")
    fixes = " or ".join("drop " + " and ".join(fix) for fix in repair(state.model, clash))
    out(f"to repair: {fixes}")
    prices = {
        sku: engine.catalog.list_price("EU-2027", sku, on=PRICING_DAY) for sku in LAPTOP_PARTS
    }
    done = complete(
        state.model,
        Selections(options={"rtx": True, "dock": True}),
        preference="cheapest",
        prices=prices,
    )
    out(f"cheapest completion: {', '.join(done.selected)}, colour {done.values['colour']}")
    quote = engine.quotes.create(
        account="ACME", price_book="EU-2027", quote_id="Q-1002", quote_date=PRICING_DAY
    )
    engine.quotes.add_configured_product(
        quote.id, done, pricing="allocated", bundle_price=Money("2499.00", "EUR")
    )
    priced = engine.quotes.price(quote.id)
    for line in priced.lines:
        out(f"  {line.key:<18} {line.sku:<11} x {line.quantity}  net {line.net_total}")
    out(f"quote {priced.quote_id}: net {priced.totals.net} for {len(priced.lines)} lines")
