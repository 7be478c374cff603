"""Pricing: a 1,000-line quote, scaling to 10,000, 1,000 rules, the Decimal floor, a checkout.

Figures:

* ``price_quote_1000_lines_ms``: median time to price 1,000 lines over 200
  products (per-unit, tiered, block and subscription), 50 price rules, a volume
  schedule, a quote discount, rounding and the full waterfall (target <= 15);
  ``inline_floor_ms`` is what the same results cost when straight-line code
  replays the recorded steps and decides nothing.
* ``price_quote_scaling_10k_over_1k``: the 10,000-line time over the 1,000-line
  time (target <= 11: linear); ``ratio_collector_off`` is the same with the
  garbage collector off, which the 10,000 lines' result values keep busy.
* ``price_rules_1000_over_10``: the 1,000-line quote with 1,000 rules over the
  same quote with 10 rules (target <= 2).
* ``price_line_ratio_to_decimal_floor``: per-line time over the time of the bare
  Decimal multiply, quantize and add operations the same lines need, measured in
  the same run (target <= 10).
* ``checkout_3_items_us``: a 3-item cart with 2 promotions and tax, built and
  priced (target <= 150).
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import statistics
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from _util import emit, interleaved

from sfa_core._fast import builder
from sfa_core._frozen import FrozenMap
from sfa_core.catalog import BlockPricing, PriceBook, Product, SubscriptionTerms, TierTable
from sfa_core.money import Money
from sfa_core.pricing import (
    Benefit,
    Condition,
    DiscountSchedule,
    PriceAction,
    PricedLine,
    PriceRule,
    ProductRange,
    Promotion,
    RateTaxPolicy,
    RuleSet,
    WaterfallStep,
)
from sfa_core.quotes import Quote, QuoteLine, price_quote

DAY = dt.date(2027, 3, 1)
FAMILIES = ("hardware", "software", "services", "supplies")


def catalog(products: int = 200) -> tuple[list[Product], PriceBook]:
    """Products of four pricing kinds and the price book that prices them."""
    rng = random.Random(7)
    items, entries, tiers = [], {}, {}
    for i in range(products):
        sku = f"P{i:04d}"
        family = FAMILIES[i % 4]
        kind = i % 10
        cost = Money(Decimal(rng.randint(500, 50000)) / 100, "EUR")
        if kind == 7:
            items.append(Product(sku=sku, name=sku, family=family, pricing_method="tiered"))
            tiers[sku] = TierTable.graduated([(10, "50"), (100, "40"), (None, "30")])
        elif kind == 8:
            items.append(Product(sku=sku, name=sku, family=family, pricing_method="block"))
            tiers[sku] = BlockPricing([(10, "100"), (50, "400")], overage="7")
        elif kind == 9:
            items.append(
                Product(
                    sku=sku, name=sku, family=family, subscription=SubscriptionTerms(), cost=cost
                )
            )
            entries[sku] = Money(Decimal(rng.randint(1000, 90000)) / 100, "EUR")
        else:
            schedule = "VOL" if kind < 4 else None
            items.append(
                Product(sku=sku, name=sku, family=family, cost=cost, discount_schedule=schedule)
            )
            entries[sku] = Money(Decimal(rng.randint(1000, 90000)) / 100, "EUR")
    book = PriceBook(id="EU", currency="EUR", entries=entries, tiers=tiers)
    return items, book


SCHEDULES = [DiscountSchedule("VOL", [(9, 0), (49, 5), (None, 10)], aggregation="product")]


def rules(count: int, catalog_size: int = 5000) -> RuleSet:
    """``count`` rules as a real rule book has them: two general rules, one per family,
    and the rest each scoped to one SKU of a 5,000-product catalog (the quote's 200
    products are the first of them, so a quote meets the few rules of its products)."""
    made = []
    for i in range(count):
        if i < 2:
            scope: dict[str, object] = {}
        elif i < 2 + len(FAMILIES):
            scope = {"families": (FAMILIES[i - 2],)}
        else:
            scope = {"skus": (f"P{(i * 7919) % catalog_size:04d}",)}
        made.append(
            PriceRule(
                id=f"R{i:04d}",
                condition={">=": [{"var": "line.quantity"}, 1 + i % 7]},
                actions=(PriceAction.percent_off(Decimal(i % 5)),),
                priority=i % 3,
                **scope,
            )
        )
    return RuleSet(made, stacking="compounding")


def quote(lines: int, products: list[Product]) -> Quote:
    """A quote of ``lines`` lines over the products, with manual and quote discounts."""
    rng = random.Random(11)
    made = []
    for i in range(lines):
        product = products[i % len(products)]
        fields: dict[str, object] = {}
        if i % 3 == 0:
            fields["additional_discount"] = Decimal(rng.randint(0, 15))
        if product.subscription is not None:
            fields["start_date"] = dt.date(2027, 1 + i % 6, 1 + i % 20)
        made.append(QuoteLine(key=f"L{i}", sku=product.sku, quantity=rng.randint(1, 60), **fields))
    return Quote(
        id="Q",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=DAY,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
        lines=made,
        partner_discount=3,
        discount_amount=500,
    )


def _decimal_floor(priced: object) -> Callable[[], Decimal]:
    """The bare Decimal work the same lines need: per step a multiply and a quantize,
    then the extended amount (multiply, quantize) and the sums (add)."""
    q = Decimal("0.01")
    work = []
    for line in priced.lines:  # type: ignore[attr-defined]
        prices = [s.after for s in line.waterfall]
        work.append((prices, line.pricing_units))
    hundred = Decimal(100)
    pct = Decimal(5)

    def run() -> Decimal:
        total = Decimal(0)
        for prices, units in work:
            for price in prices:
                p = (price - price * pct / hundred).quantize(q, ROUND_HALF_UP)
                total += (p * units).quantize(q, ROUND_HALF_UP)
        return total

    return run


def _inline_floor(priced: object) -> Callable[[], object]:
    """The same lines' results made by straight-line code that decides nothing.

    Every step of every line is replayed from its recorded prices: round, stop at
    zero, extend, book the difference, record the step; then the line's result
    value and the quote's sums. No lookup, rule, schedule or option is involved,
    so this is what the outputs alone cost: a floor for any implementation.
    """
    make_step, make_line = builder(WaterfallStep), builder(PricedLine)
    q, zero = Decimal("0.01"), Decimal(0)
    lines = [
        (line, [(s.step, s.source, s.after, s.reason) for s in line.waterfall])
        for line in priced.lines  # type: ignore[attr-defined]
    ]

    def run() -> object:
        made = []
        total_net = total_list = zero
        for line, steps in lines:
            units = line.pricing_units
            price = extended = list_total = zero
            discounts: dict[str, Decimal] = {}
            recorded = []
            for step, source, after, reason in steps:
                after = after.quantize(q, ROUND_HALF_UP)
                if after < zero:
                    after = zero
                if after == price and recorded:
                    continue
                new_extended = (after * units).quantize(q, ROUND_HALF_UP)
                if recorded:
                    discounts[step] = discounts.get(step, zero) + extended - new_extended
                else:
                    list_total = new_extended
                recorded.append(make_step(step, source, price, after, reason))
                price, extended = after, new_extended
            made.append(
                make_line(
                    line.key, line.sku, line.quantity, "EUR", price, price, price, price,
                    price, units, Decimal(1), list_total, FrozenMap.wrap(discounts),
                    extended, zero, extended, zero, tuple(recorded), (), (), None, None,
                    price, None, None,
                )
            )  # fmt: skip
            total_net += extended
            total_list += list_total
        return made, total_net, total_list

    return run


def checkout() -> tuple[object, ...]:
    """Values a checkout holds: 3 products, a book, 2 promotions, a tax policy."""
    products = [
        Product(sku="SHIRT", name="Shirt", family="apparel"),
        Product(sku="JEANS", name="Jeans", family="apparel"),
        Product(sku="MUG", name="Mug", family="home", tax_category="reduced"),
    ]
    book = PriceBook(
        id="WEB",
        currency="EUR",
        entries={
            "SHIRT": Money("19.90", "EUR"),
            "JEANS": Money("59.00", "EUR"),
            "MUG": Money("8.50", "EUR"),
        },
    )
    apparel = ProductRange(families=("apparel",))
    promotions = [
        Promotion(
            id="APPAREL-10",
            name="10 % off apparel over 50",
            condition=Condition(kind="value", value=50, range=apparel),
            benefit=Benefit(kind="percent", value=10),
        ),
        Promotion(
            id="3-FOR-2",
            name="cheapest of three free",
            condition=Condition(kind="count", value=3, range=ProductRange(all_products=True)),
            benefit=Benefit(kind="multibuy", value=0),
            priority=-1,
        ),
    ]
    tax = RateTaxPolicy({"standard": 20, "reduced": Decimal("5.5")}, prices_include_tax=True)
    return products, book, promotions, tax


def main() -> None:
    products, book = catalog()
    few, many, fifty = rules(10), rules(1000), rules(50)
    thousand = quote(1000, products)
    ten_thousand = quote(10000, products)

    def run(q: Quote, rs: RuleSet) -> object:
        return price_quote(q, products, [book], rs, schedules=SCHEDULES)

    # Each ratio's two sides are timed in alternation, so that both meet the same
    # machine; the 1,000-line figure is the median of all its samples.
    priced = run(thousand, fifty)  # warms the caches (rule index, currency tables)
    run(thousand, many)
    run(thousand, few)
    one_k = lambda: run(thousand, fifty)  # noqa: E731
    scaling = interleaved({"1k": one_k, "10k": lambda: run(ten_thousand, fifty)}, repeat=5)
    # the same with the garbage collector off: how much of the ratio is collection
    gc.disable()
    try:
        quiet = interleaved({"1k": one_k, "10k": lambda: run(ten_thousand, fifty)}, repeat=5)
    finally:
        gc.enable()
    by_rules = interleaved(
        {"many": lambda: run(thousand, many), "few": lambda: run(thousand, few)}, repeat=11
    )
    by_floor = interleaved(
        {"1k": one_k, "floor": _decimal_floor(priced), "inline": _inline_floor(priced)},
        repeat=11,
    )
    t1k = statistics.median(scaling["1k"] + by_floor["1k"])
    emit(
        "price_quote_1000_lines_ms",
        t1k * 1000,
        "ms",
        target="<= 15",
        lines=1000,
        products=len(products),
        rules=50,
        min_ms=round(min(scaling["1k"] + by_floor["1k"]) * 1000, 2),
        # the same results by straight-line code that decides nothing (see _inline_floor)
        inline_floor_ms=round(statistics.median(by_floor["inline"]) * 1000, 2),
    )
    t10k, t1k_scaling = statistics.median(scaling["10k"]), statistics.median(scaling["1k"])
    emit(
        "price_quote_scaling_10k_over_1k",
        t10k / t1k_scaling,
        "ratio",
        target="<= 11",
        ms_10k=round(t10k * 1000, 2),
        ms_1k=round(t1k_scaling * 1000, 2),
        ratio_collector_off=round(
            statistics.median(quiet["10k"]) / statistics.median(quiet["1k"]), 3
        ),
    )
    t_many, t_few = statistics.median(by_rules["many"]), statistics.median(by_rules["few"])
    emit(
        "price_rules_1000_over_10",
        t_many / t_few,
        "ratio",
        target="<= 2",
        ms_1000_rules=round(t_many * 1000, 2),
        ms_10_rules=round(t_few * 1000, 2),
    )
    t_line, floor = statistics.median(by_floor["1k"]), statistics.median(by_floor["floor"])
    emit(
        "price_line_ratio_to_decimal_floor",
        t_line / floor,
        "ratio",
        target="<= 10",
        us_per_line=round(t_line / 1000 * 1e6, 2),
        floor_us_per_line=round(floor / 1000 * 1e6, 3),
    )
    c_products, c_book, promotions, tax = checkout()

    def cart() -> object:
        q = Quote(
            id="CART",
            account="guest",
            currency="EUR",
            price_book="WEB",
            quote_date=DAY,
            lines=[
                QuoteLine(key="1", sku="SHIRT", quantity=2),
                QuoteLine(key="2", sku="JEANS", quantity=1),
                QuoteLine(key="3", sku="MUG", quantity=1),
            ],
        )
        return price_quote(q, c_products, [c_book], promotions=promotions, tax=tax)

    cart()
    t_cart = statistics.median(interleaved({"cart": cart}, repeat=9, number=200)["cart"]) / 200
    emit("checkout_3_items_us", t_cart * 1e6, "us", target="<= 150")


if __name__ == "__main__":
    main()
