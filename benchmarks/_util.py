"""Shared helpers for the benchmarks: timing and the one-JSON-object-per-line output."""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def _samples(fn: Callable[[], Any], repeat: int, number: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append(time.perf_counter() - start)
    return times


def best_of(fn: Callable[[], Any], *, repeat: int = 7, number: int = 1) -> float:
    """Return the minimum wall time (s) of ``number`` calls of ``fn`` over ``repeat`` runs."""
    return min(_samples(fn, repeat, number))


def median_of(fn: Callable[[], Any], *, repeat: int = 7, number: int = 1) -> float:
    """Return the median wall time (s) of ``number`` calls of ``fn`` over ``repeat`` runs."""
    return statistics.median(_samples(fn, repeat, number))


def emit(benchmark: str, value: float, unit: str, **extra: Any) -> None:
    """Print one benchmark figure as a JSON object on its own line."""
    record = {"benchmark": benchmark, "value": round(value, 4), "unit": unit, **extra}
    print(json.dumps(record), flush=True)
    sys.stdout.flush()


def interleaved(
    fns: dict[str, Callable[[], Any]], *, repeat: int = 7, number: int = 1
) -> dict[str, list[float]]:
    """Time several functions in turn, ``repeat`` rounds, so that they share the
    machine's fast and slow moments; each sample is the wall time (s) of ``number``
    calls, taken after a full garbage collection so no sample pays for another's.

    A sample ends when the last call returns: its result is freed after the clock
    stops, as a caller holds what it asked for while it uses it (freeing a result of
    10,000 priced lines takes about 12 ms, and a sample of one call would otherwise
    time it too)."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            result = None
            start = time.perf_counter()
            for _ in range(number):
                result = fn()
            samples[name].append(time.perf_counter() - start)
            del result
    return samples
