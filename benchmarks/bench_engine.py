"""The engine on SQLite: what storage adds to pricing a stored quote.

Figures:

* ``engine_price_quote_sqlite_ms``: median time of ``engine.quotes.price`` on a
  100-line quote stored in a SQLite file, over 100 products with a volume
  schedule, 50 price rules, tax and contracted prices, all stored: the engine
  loads the quote, its products, its price book and the pricing setup, then
  prices. ``ratio_to_pure`` divides it by pricing the same quote with the pure
  function on values already in memory, timed in the same run (target <= 2).
"""

from __future__ import annotations

import statistics
import tempfile
from decimal import Decimal
from pathlib import Path

from _util import emit, interleaved
from bench_pricing import SCHEDULES, catalog, quote, rules

from sfa_core import Money, SalesEngine
from sfa_core.pricing import RateTaxPolicy
from sfa_core.quotes import price_with_setup

LINES = 100


def main() -> None:
    products, book = catalog(100)
    stored_quote = quote(LINES, products)
    rule_set = rules(50)
    tax = RateTaxPolicy({"standard": Decimal(20)}, default_category="standard")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crm.db"
        with SalesEngine.sqlite(path) as engine:
            engine.catalog.add_products(products)
            engine.catalog.add_price_book(book)
            engine.pricing.configure(
                rules=[rule_set],
                schedules=SCHEDULES,
                tax=tax,
                contracted_prices={"ACME": {products[1].sku: Money("10.00", "EUR")}},
            )
            engine.quotes.create(
                account="ACME",
                price_book="EU",
                quote_id="Q",
                quote_date=stored_quote.quote_date,
                start_date=stored_quote.start_date,
                end_date=stored_quote.end_date,
                partner_discount=stored_quote.partner_discount,
                discount_amount=stored_quote.discount_amount,
                lines=stored_quote.lines,
            )
        with SalesEngine.sqlite(path) as engine:
            first = engine.quotes.price("Q")  # the setup is loaded once and then reused
            setup = engine.pricing.setup("ACME")
            loaded = engine.quotes.get("Q")
            by_sku = {p.sku: p for p in products}

            def pure() -> object:
                return price_with_setup(loaded, by_sku, [book], setup)

            assert pure() == first, "the engine and the pure function must agree"
            samples = interleaved(
                {"engine": lambda: engine.quotes.price("Q"), "pure": pure}, repeat=15
            )
    ours = statistics.median(samples["engine"]) * 1000
    base = statistics.median(samples["pure"]) * 1000
    emit(
        "engine_price_quote_sqlite_ms",
        ours,
        "ms",
        target="<= 2 x pure",
        pure_ms=round(base, 3),
        ratio_to_pure=round(ours / base, 3),
        lines=LINES,
        method="median of 15 interleaved runs on a SQLite file",
    )


if __name__ == "__main__":
    main()
