"""`import_time_ms`: wall time of `import sfa_core` in a fresh interpreter.

Also measures the runtime dependencies alone (attrs, cattrs, dateutil, babel) in
the same run, so the figure can be read against what the package cannot avoid.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from _util import emit

RUNS = 15


def _median_ms(statement: str) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    bare = _median_ms("pass")
    deps = _median_ms("import attrs, cattrs, dateutil, babel, babel.numbers")
    ours = _median_ms("import sfa_core")
    emit(
        "import_time_ms",
        ours - bare,
        "ms",
        target="<= 100",
        interpreter_start_ms=round(bare, 2),
        runtime_dependencies_ms=round(deps - bare, 2),
        method=f"median of {RUNS} fresh interpreters, interpreter start subtracted",
    )


if __name__ == "__main__":
    main()
