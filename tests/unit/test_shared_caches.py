"""Caches shared across calls: valid identifiers, and the list steps of a price book's entries.

Each cache must be invisible: a second call answers as a first one would, and a
new value that happens to reuse a freed object's identity is not confused with it.
"""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal

import pytest

from sfa_core._validate import _VALID_KEYS, _VALID_KEYS_MAX, require_key
from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import ValidationError
from sfa_core.money import Money
from sfa_core.pricing import PricingOptions, RoundingPolicy
from sfa_core.pricing import line as line_module
from sfa_core.quotes import Quote, QuoteLine, price_quote

DAY = dt.date(2027, 3, 1)


class Key(str):
    """A str subclass: never taken from the cache, never put in it."""


def test_a_valid_key_is_remembered_and_still_returned() -> None:
    assert require_key("SKU-CACHE-1", "sku") == "SKU-CACHE-1"
    assert "SKU-CACHE-1" in _VALID_KEYS
    assert require_key("SKU-CACHE-1", "sku") == "SKU-CACHE-1"


@pytest.mark.parametrize("bad", ["", " A", "A\x01", "x" * 201, 7, None, b"A"])
def test_invalid_keys_are_refused_every_time_and_never_remembered(bad: object) -> None:
    for _ in range(2):
        with pytest.raises(ValidationError) as caught:
            require_key(bad, "sku")
        assert caught.value.path == "sku"
    assert bad not in _VALID_KEYS or not isinstance(bad, str)


def test_a_str_subclass_is_checked_and_not_cached() -> None:
    assert require_key(Key("SUBCLASSED"), "sku") == "SUBCLASSED"
    assert "SUBCLASSED" not in _VALID_KEYS


def test_the_key_cache_is_bounded() -> None:
    for index in range(_VALID_KEYS_MAX + 10):
        require_key(f"BOUND-{index}", "sku")
    assert len(_VALID_KEYS) <= _VALID_KEYS_MAX


def _quote(*quantities: int) -> Quote:
    lines = [QuoteLine(key=f"L{i}", sku="A", quantity=q) for i, q in enumerate(quantities)]
    return Quote(
        id="Q", account="ACME", currency="EUR", price_book="EU", quote_date=DAY, lines=lines
    )


def _book(price: str) -> PriceBook:
    return PriceBook(id="EU", currency="EUR", entries={"A": Money(price, "EUR")})


CATALOG = [Product(sku="A", name="A")]


def test_runs_on_one_book_share_its_entry_steps() -> None:
    book = _book("10.00")
    first = price_quote(_quote(1, 2), CATALOG, [book])
    second = price_quote(_quote(3), CATALOG, [book])
    assert first.lines[0].waterfall[0] is first.lines[1].waterfall[0]
    assert second.lines[0].waterfall[0] is first.lines[0].waterfall[0]
    assert second.lines[0].net_total == Decimal("30.00")


def test_a_new_book_never_reads_a_freed_books_steps() -> None:
    # Books made and dropped one after another often reuse one address.
    gc.collect()
    before = len(line_module._ENTRY_STEPS)
    for index in range(30):
        price = f"{index + 1}.00"
        priced = price_quote(_quote(1), CATALOG, [_book(price)])
        assert priced.lines[0].list_unit_price == Decimal(price)
        gc.collect()
    assert len(line_module._ENTRY_STEPS) <= before + 1  # freed books leave the cache


def test_the_rounding_policy_keeps_its_own_steps() -> None:
    book = _book("10.005")
    every_step = price_quote(_quote(1), CATALOG, [book])
    net_only = price_quote(
        _quote(1),
        CATALOG,
        [book],
        options=PricingOptions(rounding=RoundingPolicy(unit_places=3, unit_rounding="net_only")),
    )
    assert every_step.lines[0].waterfall[0].after == Decimal("10.01")
    assert net_only.lines[0].waterfall[0].after == Decimal("10.005")
