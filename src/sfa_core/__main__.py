"""``python -m sfa_core``: the ``sfa`` command line."""

from sfa_core.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
