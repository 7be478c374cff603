"""Money arithmetic against py-moneyed and prices: line totals rounded to cents, then summed.

One realistic mixed loop, the same for every library: for each of N order lines,
``line = (unit_price * quantity)`` rounded to the currency's minor units with
ROUND_HALF_UP, then ``total += line``. Unit prices have up to four decimals so that
the rounding does real work. All three libraries must reach the same final total.

Prints one JSON line per library and ``money_ratio_vs_best_peer`` (our time divided by
the faster peer's time; lower is better).
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from _util import best_of, emit

from sfa_core.money import Money

N = 20_000
CURRENCY = "EUR"
_UNIT_PRICES = ("19.99", "0.3333", "1234.5675", "7", "249.95", "0.0125", "89.4999")
_QUANTITIES = (3, 7, 11, 2, 40, 1)


def _lines() -> list[tuple[Decimal, int]]:
    return [
        (Decimal(_UNIT_PRICES[i % len(_UNIT_PRICES)]), _QUANTITIES[i % len(_QUANTITIES)])
        for i in range(N)
    ]


def _ours(lines: list[tuple[Decimal, int]]) -> tuple[Any, Any]:
    items = [(Money(price, CURRENCY), qty) for price, qty in lines]

    def run() -> Decimal:
        total = Money.zero(CURRENCY)
        for price, qty in items:
            total = total + (price * qty).round()
        return total.amount

    return run, run()


def _moneyed(lines: list[tuple[Decimal, int]]) -> tuple[Any, Any]:
    import moneyed

    items = [(moneyed.Money(price, CURRENCY), qty) for price, qty in lines]
    # py-moneyed rounds with the current context's rounding mode: set it once, outside
    # the timed loop, so that it rounds half up like the others.
    context = decimal.Context(rounding=ROUND_HALF_UP)

    def run() -> Decimal:
        with decimal.localcontext(context):
            total = moneyed.Money(0, CURRENCY)
            for price, qty in items:
                total = total + (price * qty).round(2)
            return Decimal(total.amount)

    return run, run()


def _prices(lines: list[tuple[Decimal, int]]) -> tuple[Any, Any]:
    import prices

    items = [(prices.Money(price, CURRENCY), qty) for price, qty in lines]

    def run() -> Decimal:
        total = prices.Money(0, CURRENCY)
        for price, qty in items:
            # quantize() rounds to the currency's minor units, ROUND_HALF_UP by default.
            total = total + (price * qty).quantize()
        return total.amount

    return run, run()


def _prices_fixed_exponent(lines: list[tuple[Decimal, int]]) -> tuple[Any, Any]:
    import prices

    items = [(prices.Money(price, CURRENCY), qty) for price, qty in lines]
    cent = Decimal("0.01")

    def run() -> Decimal:
        total = prices.Money(0, CURRENCY)
        for price, qty in items:
            # The caller supplies the exponent: no currency lookup at all.
            total = total + (price * qty).quantize(cent, ROUND_HALF_UP)
        return total.amount

    return run, run()


def main() -> None:
    lines = _lines()
    ours, expected = _ours(lines)
    peers = {
        "py-moneyed": _moneyed(lines),
        "prices": _prices(lines),
    }
    for name, (_, total) in peers.items():
        if total != expected:
            raise SystemExit(f"{name} total {total} differs from ours {expected}")
    fixed, fixed_total = _prices_fixed_exponent(lines)
    if fixed_total != expected:
        raise SystemExit(f"prices (fixed exponent) total {fixed_total} differs from {expected}")

    our_time = best_of(ours, repeat=9)
    emit("money_line_totals", our_time, "s", library="sfa_core", n=N, total=str(expected))
    peer_times = {}
    for name, (run, _) in peers.items():
        peer_times[name] = best_of(run, repeat=9)
        emit("money_line_totals", peer_times[name], "s", library=name, n=N)
    fixed_time = best_of(fixed, repeat=9)
    emit(
        "money_line_totals",
        fixed_time,
        "s",
        library="prices",
        variant="quantize with a caller-supplied exponent (no currency lookup)",
        n=N,
    )
    best_peer = min(peer_times, key=peer_times.__getitem__)
    emit(
        "money_ratio_vs_best_peer",
        our_time / peer_times[best_peer],
        "ratio",
        peer=best_peer,
        n=N,
    )
    emit("money_ratio_vs_prices_fixed_exponent", our_time / fixed_time, "ratio", n=N)


if __name__ == "__main__":
    main()
