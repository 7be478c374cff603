"""Run every ``benchmarks/bench_*.py`` module's ``main()`` in turn (``make bench``)."""

from __future__ import annotations

import importlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    """Run the benchmarks named on the command line, or all of them."""
    sys.path.insert(0, str(HERE))
    wanted = set(argv)
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem
        if wanted and name.removeprefix("bench_") not in wanted and name not in wanted:
            continue
        importlib.import_module(name).main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
