"""Approvals through the engine: full submit-approve cycles, stored.

Figures:

* ``approval_cycles_per_s``: full approval cycles per second through
  ``engine.approvals`` on a SQLite file. The quotes (a 3-line draft each, deep
  enough discounts to need the owner's manager, then a finance group of two) are
  stored first; a cycle is ``submit`` (price the stored quote, plan it against the
  stored policy and directory, store the request, move the quote to review) and
  the three ``decide`` calls that approve it (each one transaction: read, pure
  transition, write with the version read, move the quote on when approved).
  ``memory_cycles_per_s`` is the same cycles on the memory adapter, timed in the
  same run; ``quotes`` says how many cycles were timed.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from _util import emit

from sfa_core import Money, SalesEngine
from sfa_core.approvals import ApprovalRule, ApproverSpec, Policy
from sfa_core.catalog import PriceBook, Product
from sfa_core.directory import Group, User

QUOTES = 1_000
AT = dt.datetime(2027, 3, 1, 9, tzinfo=dt.timezone.utc)
SKUS = ("DESK", "CHAIR", "LAMP")


def _seed(engine: SalesEngine, count: int) -> None:
    engine.catalog.add_products(
        [Product(sku=sku, name=sku.title(), family="furniture") for sku in SKUS]
    )
    prices = dict(zip(SKUS, ("900", "300", "60"), strict=True))
    entries = {sku: Money(price, "EUR") for sku, price in prices.items()}
    engine.catalog.add_price_book(PriceBook(id="EU", currency="EUR", entries=entries))
    for user in (User("vp"), User("mia", manager="vp"), User("rep", manager="mia")):
        engine.directory.add_user(user)
    engine.directory.add_user(User("fin1"))
    engine.directory.add_user(User("fin2"))
    engine.directory.add_group(Group("finance", members=["fin1", "fin2"]))
    engine.approvals.set_policy(
        Policy(
            id="default",
            rules=[
                ApprovalRule(
                    id="deep",
                    condition={">": [{"var": "max_line_discount"}, 10]},
                    approvers=ApproverSpec.manager(),
                ),
                ApprovalRule(
                    id="deeper",
                    condition={">": [{"var": "max_line_discount"}, 20]},
                    approvers=ApproverSpec.group("finance"),
                    level=2,
                ),
            ],
        )
    )
    for index in range(count):
        quote_id = f"Q-{index:05d}"
        engine.quotes.create(
            account="ACME", price_book="EU", quote_id=quote_id, quote_date=dt.date(2027, 3, 1)
        )
        for line, sku in enumerate(SKUS):
            engine.quotes.add_line(quote_id, sku=sku, quantity=2 + line, additional_discount=25)


def _cycles(engine: SalesEngine, count: int) -> float:
    """Seconds for ``count`` submit-approve cycles."""
    start = time.perf_counter()
    for index in range(count):
        request, _ = engine.approvals.submit(f"Q-{index:05d}", submitter="rep", at=AT)
        engine.approvals.decide(request.id, "mia", "1/default", True, at=AT)
        engine.approvals.decide(request.id, "fin1", "2/default", True, at=AT)
        done, _ = engine.approvals.decide(request.id, "fin2", "2/default", True, at=AT)
        assert done.status.value == "approved"
    return time.perf_counter() - start


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        SalesEngine.sqlite(Path(folder) / "crm.db") as engine,
    ):
        _seed(engine, QUOTES)
        sqlite_seconds = _cycles(engine, QUOTES)
    memory = SalesEngine.in_memory()
    _seed(memory, QUOTES)
    memory_seconds = _cycles(memory, QUOTES)
    emit(
        "approval_cycles_per_s",
        QUOTES / sqlite_seconds,
        "cycles/s",
        quotes=QUOTES,
        decisions_per_cycle=3,
        adapter="sqlite file",
        memory_cycles_per_s=round(QUOTES / memory_seconds, 1),
        ratio_to_memory=round(memory_seconds / sqlite_seconds, 3),
    )


if __name__ == "__main__":
    main()
