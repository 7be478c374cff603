"""Quickstart: a catalog on SQLite, prices in three currencies, a rule explained.

Run it with ``make demo`` (or ``python examples/quickstart.py [DB_FILE]``). The
story itself is :mod:`sfa_core.demo`, so that ``sfa demo`` tells the same one
after a plain install; read that module to follow each step.
"""

import sys

from sfa_core.demo import main

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
