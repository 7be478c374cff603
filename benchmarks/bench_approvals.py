"""Approvals: planning a quote against a 200-rule policy, and the headroom of a 50-line quote.

Figures:

* ``approval_plan_us``: median time of :func:`~sfa_core.approvals.plan` for a
  20-line quote, priced once, against a 200-rule policy (discount bands per
  family and for the whole quote, margin floors per family, deal-size bands,
  legal-terms flags, product rules; five chains, up to four levels) (target <=
  300); ``rules_matched`` and ``steps`` say how much of the policy the quote meets.
* ``approval_headroom_ms``: median time of :func:`~sfa_core.approvals.headroom`
  for a 50-line quote against the same policy, to 0.1 % over 0 to 60 %
  (target <= 50); ``evaluations`` is how many times it priced and planned the quote.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from decimal import Decimal

from _util import emit, interleaved

from sfa_core.approvals import (
    ApprovalRule,
    ApproverSpec,
    Policy,
    approval_context,
    headroom,
    plan,
)
from sfa_core.catalog import PriceBook, Product
from sfa_core.directory import Directory, Group, GroupMember, User
from sfa_core.money import Money
from sfa_core.pricing import DiscountSchedule
from sfa_core.quotes import Quote, QuoteLine, price_quote

DAY = dt.date(2027, 3, 1)
FAMILIES = ("hardware", "software", "services", "supplies")
SCHEDULES = [DiscountSchedule("VOL", [(9, 0), (49, 5), (None, 10)], aggregation="product")]


def directory() -> Directory:
    """A sales ladder (rep, manager, director, VP, CFO), a legal team and a finance desk."""
    users = [
        User("carl", roles=["cfo"]),
        User("vera", manager="carl", roles=["vp_sales"]),
        User("dora", manager="vera", roles=["director"]),
        User("max", manager="dora", roles=["manager"]),
        User("ana", manager="max", roles=["rep"]),
        User("lea", roles=["legal"]),
        User("leo", roles=["legal"]),
        User("fin", roles=["finance"]),
        User("fay", roles=["finance"]),
    ]
    groups = [
        Group("legal", members=[GroupMember("lea"), GroupMember("leo")]),
        Group("finance", members=[GroupMember("fin"), GroupMember("fay")]),
    ]
    return Directory(users=users, groups=groups)


_LADDER = (
    ApproverSpec.manager(),
    ApproverSpec.manager(levels=2),
    ApproverSpec.role("vp_sales"),
    ApproverSpec.role("cfo"),
)


def _level(threshold: float, edges: tuple[float, ...]) -> int:
    return 1 + sum(threshold >= edge for edge in edges)


def policy() -> Policy:
    """200 rules as a sales organisation writes them."""
    rules: list[ApprovalRule] = []

    def add(rule_id: str, condition: object, level: int, chain: str, approvers=None) -> None:
        rules.append(
            ApprovalRule(
                id=rule_id,
                condition=condition,
                approvers=approvers or _LADDER[level - 1],
                level=level,
                chain=chain,
                description=f"{chain} rule {rule_id}",
                sla_hours=24 * level,
            )
        )

    # discount bands per family: 4 x 12
    for family in FAMILIES:
        for i in range(12):
            t = 5 + 2.5 * i
            add(
                f"disc-{family}-{i}",
                {
                    "and": [
                        {">": [{"var": "max_line_discount"}, t]},
                        {"in": [family, {"var": "families"}]},
                    ]
                },
                _level(t, (15, 25, 32.5)),
                "discount",
            )
    # whole-quote discount bands: 20
    for i in range(20):
        t = 2 + 1.5 * i
        add(
            f"quote-disc-{i}",
            {">": [{"var": "discount_percent"}, t]},
            _level(t, (12, 20, 28)),
            "discount",
        )
    # margin floors per family: 4 x 10
    for family in FAMILIES:
        for i in range(10):
            floor = 40 - 3 * i
            add(
                f"margin-{family}-{i}",
                {
                    "and": [
                        {"<": [{"var": "margin_percent"}, floor]},
                        {"in": [family, {"var": "families"}]},
                    ]
                },
                _level(-floor, (-30, -20, -15)),
                "margin",
            )
    # deal-size bands: 30
    finance = ApproverSpec.group("finance", mode="first_response")
    for i in range(30):
        amount = 20_000 * (i + 1)
        level = _level(amount, (200_000, 400_000, 550_000))
        add(
            f"deal-{i}",
            {">=": [{"var": "net_total"}, amount]},
            level,
            "deal",
            finance if level == 1 else None,
        )
    # legal-terms flags: 20
    legal = ApproverSpec.group("legal", mode="at_least", minimum=1, required=["lea"])
    for i in range(20):
        if i % 4 == 0:
            condition: object = {"==": [{"var": "non_standard_terms"}, True]}
        elif i % 4 == 1:
            condition = {"in": [{"var": "payment_terms"}, [f"net {60 + 15 * i}", "prepaid"]]}
        elif i % 4 == 2:
            condition = {"var": f"fields.legal_flag_{i}"}
        else:
            condition = {"and": [{"var": "over_authority"}, {">": [{"var": "line_count"}, i]}]}
        add(f"legal-{i}", condition, 1 + i % 2, "legal", legal)
    # product rules: 42
    for i in range(42):
        sku = f"P{(i * 37) % 400:04d}"
        t = 8 + (i % 6) * 4
        add(
            f"product-{i}",
            {"and": [{"in": [sku, {"var": "skus"}]}, {">": [{"var": "max_line_discount"}, t]}]},
            _level(t, (15, 25, 32)),
            "product",
        )
    assert len(rules) == 200, len(rules)
    return Policy(id="sales-2027", rules=rules)


def catalog(products: int = 400) -> tuple[list[Product], PriceBook]:
    rng = random.Random(5)
    items, entries = [], {}
    for i in range(products):
        sku = f"P{i:04d}"
        price = Decimal(rng.randint(2_000, 200_000)) / 100
        cost = (price * Decimal(rng.randint(35, 70)) / 100).quantize(Decimal("0.01"))
        schedule = "VOL" if i % 5 == 0 else None
        items.append(
            Product(
                sku=sku,
                name=sku,
                family=FAMILIES[i % 4],
                cost=Money(cost, "EUR"),
                discount_schedule=schedule,
            )
        )
        entries[sku] = Money(price, "EUR")
    return items, PriceBook(id="EU", currency="EUR", entries=entries)


def quote(lines: int, products: list[Product], seed: int = 3) -> Quote:
    rng = random.Random(seed)
    made = []
    for i in range(lines):
        product = products[(i * 37) % len(products)]
        made.append(
            QuoteLine(
                key=f"L{i}",
                sku=product.sku,
                quantity=rng.randint(1, 30),
                additional_discount=Decimal(rng.choice([0, 5, 10, 12, 18, 22])),
            )
        )
    return Quote(
        id="Q-1",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=DAY,
        lines=made,
        fields={"payment_terms": "net 60", "legal_flag_2": True},
    )


def main() -> None:
    people = directory()
    rules = policy()
    products, book = catalog()
    by_sku = {product.sku: product for product in products}

    q20 = quote(20, products)
    priced = price_quote(q20, by_sku, [book], schedules=SCHEDULES)
    context = approval_context(priced, q20, owner="ana", products=by_sku, standard_terms=["net 30"])
    result = plan(rules, context, people)
    matched = len(result.matched)

    def planning() -> object:
        return plan(rules, context, people)

    samples = interleaved({"plan": planning}, repeat=15, number=200)["plan"]
    emit(
        "approval_plan_us",
        statistics.median(samples) / 200 * 1e6,
        "us",
        target=300,
        rules=len(rules.rules),
        rules_matched=matched,
        steps=len(result.steps),
        lines=20,
    )

    q50 = quote(50, products, seed=4)
    q50 = Quote(
        **{
            **{
                f: getattr(q50, f)
                for f in ("id", "account", "currency", "price_book", "quote_date", "fields")
            },
            "lines": [QuoteLine(key=ln.key, sku=ln.sku, quantity=ln.quantity) for ln in q50.lines],
            "additional_discount": 8,
        }
    )

    def room() -> object:
        return headroom(
            rules,
            q50,
            by_sku,
            [book],
            people,
            owner="ana",
            max_discount=60,
            standard_terms=["net 30"],
            schedules=SCHEDULES,
        )

    found = room()
    samples = interleaved({"headroom": room}, repeat=9, number=1)["headroom"]
    emit(
        "approval_headroom_ms",
        statistics.median(samples) * 1e3,
        "ms",
        target=50,
        lines=50,
        evaluations=found.evaluations,  # type: ignore[attr-defined]
        bands=len(found.bands),  # type: ignore[attr-defined]
        monotone=found.monotone,  # type: ignore[attr-defined]
        free_up_to=str(found.free_up_to),  # type: ignore[attr-defined]
    )


if __name__ == "__main__":
    main()
