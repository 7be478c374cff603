"""Run every ``benchmarks/bench_*.py`` module's ``main()`` in turn (``make bench``).

Each module runs in a fresh interpreter, so that no benchmark inherits another's
heap: a garbage collection that walks what an earlier benchmark left behind would
be charged to the later one.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    """Run the benchmarks named on the command line, or all of them."""
    wanted = set(argv)
    status = 0
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem
        if wanted and name.removeprefix("bench_") not in wanted and name not in wanted:
            continue
        code = f"import {name}; {name}.main()"
        status |= subprocess.run([sys.executable, "-c", code], cwd=HERE, check=False).returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
