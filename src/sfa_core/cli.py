"""The ``sfa`` command line (also ``python -m sfa_core``).

Commands:

* ``sfa rules eval RULE.json DATA.json [--explain]``: evaluate a JSON Logic rule
  on a JSON document and print the result as JSON (with ``--explain``, the
  explanation tree too). Numbers with a fraction in DATA are read as exact
  decimals.
* ``sfa demo [--db PATH]``: run the quickstart story on SQLite.

A bad file or rule prints one clear line on standard error and exits with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sfa_core.errors import SfaError

__all__ = ["main"]

EXIT_USAGE = 2


class _CliError(Exception):
    """A problem with the command's input, reported on one line."""


def _read_json(path: str, what: str, *, exact: bool) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise _CliError(f"cannot read {what} file {path!r}: {exc.strerror}") from None
    try:
        if exact:
            return json.loads(text, parse_float=Decimal)
        return json.loads(text)
    except ValueError as exc:
        raise _CliError(f"{what} file {path!r} is not valid JSON: {exc}") from None


def _to_json(value: Any) -> str:
    """Write JSON with ``Decimal`` numbers printed exactly (``0.1`` stays ``0.1``)."""
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else json.dumps(str(value))
    if isinstance(value, dict):
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}: {_to_json(v)}" for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_to_json(v) for v in value) + "]"
    if value is None or isinstance(value, (str, int, float, bool)):
        return json.dumps(value, ensure_ascii=False)
    from sfa_core.serialization import unstructure

    return _to_json(unstructure(value))


def _rules_eval(args: argparse.Namespace) -> int:
    from sfa_core import rules

    rule = _read_json(args.rule, "rule", exact=False)
    data = _read_json(args.data, "data", exact=True)
    compiled = rules.compile(rule)
    if args.explain:
        explanation = compiled.explain(data)
        print(_to_json(explanation.result))
        print(explanation)
    else:
        print(_to_json(compiled.evaluate(data)))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from sfa_core.demo import main as run_demo

    run_demo(args.db)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sfa", description="sfa_core: sales-force automation domain logic."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    rules_cmd = commands.add_parser("rules", help="work with JSON Logic rules")
    rules_sub = rules_cmd.add_subparsers(dest="rules_command", required=True)
    evaluate = rules_sub.add_parser("eval", help="evaluate RULE.json on DATA.json")
    evaluate.add_argument("rule", metavar="RULE.json")
    evaluate.add_argument("data", metavar="DATA.json")
    evaluate.add_argument("--explain", action="store_true", help="print the explanation tree")
    evaluate.set_defaults(handler=_rules_eval)
    demo = commands.add_parser("demo", help="run the quickstart story on SQLite")
    demo.add_argument("--db", default=None, help="database file (default: a temporary one)")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments (``sys.argv[1:]`` when ``None``).

    Returns:
        The exit code: 0 on success, 2 for bad input.

    >>> main(["rules", "eval", "no-such-rule.json", "data.json"])
    2
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except (_CliError, SfaError) as exc:
        print(f"sfa: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return code
