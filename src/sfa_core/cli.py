"""The ``sfa`` command line (also ``python -m sfa_core``).

Commands:

* ``sfa rules eval RULE.json DATA.json [--explain]``: evaluate a JSON Logic rule
  on a JSON document and print the result as JSON (with ``--explain``, the
  explanation tree too). Numbers with a fraction in DATA are read as exact
  decimals. Either file may be ``-`` to read it from standard input.
* ``sfa demo [--db PATH] [--force]``: run the quickstart story on SQLite. An
  existing database file is refused unless ``--force`` is given.
* ``sfa --version``: print the version of sfa_core.

A bad file or rule, or a result that cannot be printed, prints one clear line
on standard error and exits with 2; the command never prints a traceback. When
standard output is closed early (``sfa demo | head -1``), it stops quietly.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sfa_core import __version__
from sfa_core.errors import AlreadyExistsError, SfaError

__all__ = ["main"]

EXIT_USAGE = 2
#: What a shell reports for a command stopped by SIGPIPE (128 + 13).
EXIT_BROKEN_PIPE = 141
STDIN = "-"


class _CliError(Exception):
    """A problem with the command's input, reported on one line."""


def _read_text(path: str, label: str) -> str:
    """Read a whole file (or standard input for ``-``) as strict UTF-8."""
    try:
        if path == STDIN:
            buffer = getattr(sys.stdin, "buffer", None)
            raw: bytes | str = buffer.read() if buffer is not None else sys.stdin.read()
        else:
            with open(path, "rb") as handle:
                raw = handle.read()
        return raw if isinstance(raw, str) else raw.decode("utf-8")
    except OSError as exc:
        raise _CliError(f"cannot read {label}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise _CliError(f"{label} is not UTF-8 text (byte {exc.start}: {exc.reason})") from None


def _read_json(path: str, what: str, *, exact: bool) -> Any:
    label = f"{what} from standard input" if path == STDIN else f"{what} file {path!r}"
    text = _read_text(path, label)
    try:
        if exact:
            return json.loads(text, parse_float=Decimal)
        return json.loads(text)
    except RecursionError:
        raise _CliError(f"{label} is nested too deeply") from None
    except ValueError as exc:
        raise _CliError(f"{label} is not valid JSON: {exc}") from None


def _int_to_json(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # longer than sys.get_int_max_str_digits()
        digits = int(value.bit_length() * 0.30103) + 1
        raise _CliError(
            f"the result is an integer of about {digits} digits, too long to print"
        ) from None


class _Text(str):
    """Finished JSON text, as opposed to a string value still to be written."""


def _to_json(value: Any) -> str:
    r"""Write ASCII JSON with ``Decimal`` numbers printed exactly (``0.1`` stays ``0.1``).

    Args:
        value: A JSON-like value (``Decimal`` numbers allowed) or a value
            :mod:`sfa_core.serialization` can unstructure.

    Returns:
        The JSON text, ASCII only, so that any string (even a lone surrogate)
        can be printed.

    Raises:
        _CliError: An integer too long to convert to text.

    It works with a stack of its own, so any depth that could be read prints.

    >>> _to_json({"a": [Decimal("0.10"), "\u00e9\ud800", None, True, 7], "b": {}, "c": []})
    '{"a": [0.10, "\\u00e9\\ud800", null, true, 7], "b": {}, "c": []}'
    """
    parts: list[str] = []
    pending: list[Any] = [value]  # values still to write, and _Text to copy as it is
    while pending:
        item = pending.pop()
        if isinstance(item, _Text):
            parts.append(item)
        elif isinstance(item, Decimal):
            parts.append(str(item) if item.is_finite() else json.dumps(str(item)))
        elif isinstance(item, dict):
            pending.append(_Text("}"))
            for index, (key, member) in enumerate(reversed(item.items())):
                pending.append(member)
                separator = "" if index == len(item) - 1 else ", "
                pending.append(_Text(f"{separator}{json.dumps(str(key))}: "))
            parts.append("{")
        elif isinstance(item, (list, tuple)):
            pending.append(_Text("]"))
            for index, member in enumerate(reversed(item)):
                pending.append(member)
                if index != len(item) - 1:
                    pending.append(_Text(", "))
            parts.append("[")
        elif isinstance(item, int) and not isinstance(item, bool):
            parts.append(_int_to_json(item))
        elif item is None or isinstance(item, (str, float, bool)):
            parts.append(json.dumps(item))
        else:
            from sfa_core.serialization import unstructure

            pending.append(unstructure(item))
    return "".join(parts)


def _printable(text: str) -> str:
    r"""Escape what no encoder can write (lone surrogates) as ``\udxxx``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _rules_eval(args: argparse.Namespace) -> int:
    from sfa_core import rules
    from sfa_core.errors import RuleEvaluationError

    if args.rule == STDIN and args.data == STDIN:
        raise _CliError("only one of RULE.json and DATA.json can be read from standard input (-)")
    rule = _read_json(args.rule, "rule", exact=False)
    data = _read_json(args.data, "data", exact=True)
    compiled = rules.compile(rule)
    if not args.explain:
        print(_to_json(compiled.evaluate(data)))
        return 0
    explanation = compiled.explain(data)
    result = _to_json(explanation.result)
    try:
        tree = _printable(str(explanation))
    except ValueError:  # an integer too long for str()
        raise _CliError(
            "cannot render the explanation: it holds an integer too long to print"
        ) from None
    if explanation.failed:
        # Report the failure as evaluate() does: the failing node's path and error.
        node = explanation
        while failing := [child for child in node.children if child.failed]:
            node = failing[0]
        print(tree)
        raise RuleEvaluationError(node.error, path=node.path)
    print(result)
    print(tree)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from sfa_core.demo import main as run_demo

    try:
        run_demo(args.db, force=args.force)
    except AlreadyExistsError as exc:
        if exc.kind != "database file":
            raise
        raise _CliError(f"{exc}; pass --force to replace it") from None
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sfa", description="sfa_core: sales-force automation domain logic."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    rules_cmd = commands.add_parser("rules", help="work with JSON Logic rules")
    rules_sub = rules_cmd.add_subparsers(dest="rules_command", required=True)
    evaluate = rules_sub.add_parser("eval", help="evaluate RULE.json on DATA.json")
    evaluate.add_argument("rule", metavar="RULE.json", help="the rule (- for standard input)")
    evaluate.add_argument("data", metavar="DATA.json", help="the data (- for standard input)")
    evaluate.add_argument("--explain", action="store_true", help="print the explanation tree")
    evaluate.set_defaults(handler=_rules_eval)
    demo = commands.add_parser("demo", help="run the quickstart story on SQLite")
    demo.add_argument("--db", default=None, help="database file (default: a temporary one)")
    demo.add_argument("--force", action="store_true", help="replace an existing database file")
    demo.set_defaults(handler=_demo)
    return parser


def _silence_stdout() -> None:
    """After a broken pipe, send what is still buffered for stdout to devnull.

    Only the process's own standard output is redirected (a replaced
    ``sys.stdout``, as in tests, is left alone), so that the interpreter's last
    flush at exit does not fail again.
    """
    if sys.stdout is not sys.__stdout__ or sys.stdout is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor to redirect
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments (``sys.argv[1:]`` when ``None``).

    Returns:
        The exit code: 0 on success, 2 for bad input or a result that cannot be
        printed, 141 when standard output was closed early.

    >>> main(["rules", "eval", "no-such-rule.json", "data.json"])
    2
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (_CliError, SfaError) as exc:
        message = str(exc)
    except RecursionError:
        message = "the input is nested too deeply"
    except UnicodeError as exc:  # stdout cannot encode the output
        message = f"cannot write the output: {exc}"
    except OSError as exc:
        where = f": {exc.filename!r}" if exc.filename is not None else ""
        message = f"{exc.strerror or exc}{where}"
    else:
        return code
    one_line = " ".join(_printable(message).splitlines())
    print(f"sfa: error: {one_line}", file=sys.stderr)
    return EXIT_USAGE
