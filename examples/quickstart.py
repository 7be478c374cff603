"""Quickstart: a catalog on SQLite, prices in three currencies, a rule explained.

Run it with ``make demo`` (or ``python examples/quickstart.py [--db FILE] [--force]``,
the same as ``sfa demo``). Without ``--db`` the story runs on a fresh temporary
database, so it can be run any number of times; an existing ``--db`` file is
refused unless ``--force`` is given. The story itself is :mod:`sfa_core.demo`,
so that ``sfa demo`` tells the same one after a plain install; read that module
to follow each step.
"""

import sys

from sfa_core.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["demo", *sys.argv[1:]]))
