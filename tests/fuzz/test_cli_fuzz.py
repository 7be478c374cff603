"""Hostile files and arguments given to every command of the command line.

The commands are discovered from the CLI's own argument parser: every leaf
subcommand (``rules eval``, ``price``, ``demo``, and any added later) gets hostile
JSON files, standard input, paths and flags. A run may succeed (exit 0) or refuse its
input in one line (exit 2); a traceback, any other exit code, a hang or a memory
blow-up fails. Most runs call ``main`` in-process (fast, bounded by fuzzkit.bounded);
a bounded number run ``python -m sfa_core`` in a real process with an address-space
limit and a timeout.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import subprocess
import sys

import fuzzkit
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sfa_core import cli

# Documents: broken JSON, hostile JSON, and valid JSON of the wrong shape.
DOCUMENTS = (
    b"",
    b"\xff\xfe not utf-8",
    b"\x00" * 64,
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    b"NaN",
    b"Infinity",
    b"1e999999999",
    b"-1E-999999999",
    b"9" * 5_000,
    b'"\\ud800"',
    b'{"\\u0000": null}',
    b'"' + b"x" * 1_000_000 + b'"',
    b"[1, 2.5, true, null]",
    b'{"var": "a"}',
    b'{"+": [1e308, 1e308]}',
    b'{"*": [{"var": "a"}, 1e999]}',
    b'{"^": [2, 99999999]}',
    b'{"products": [], "price_books": []}',
    b'{"products": [{"sku": "A", "name": "a"}], "price_books": [{"id": "EU", "currency": "EUR",'
    b' "entries": {"A": {"amount": "1E+999999999", "currency": "EUR"}}}], "items": [["A", 1]]}',
    b'{"products": [{"sku": "A", "name": "a"}], "price_books": [{"id": "EU", "currency": "EUR",'
    b' "entries": {"A": {"amount": "5.00", "currency": "EUR"}}}], "items": [["A", 1e999]],'
    b' "date": "9999-12-31"}',
    b'{"products": null, "price_books": {"a": []}, "items": "A", "date": "0000-00-00"}',
    b'{"products": [{"sku": "\\ud800", "name": "\\u0000"}], "price_books": [], "quote": []}',
    json.dumps({"quote": {"lines": [{"quantity": 10**5000}]}}).encode()
    if sys.get_int_max_str_digits() == 0
    else b'{"quote": {"lines": [{"quantity": ' + b"9" * 4000 + b"}]}}",
)


def leaf_commands(parser=None, words=()):
    """Every runnable subcommand: its words and its parser."""
    parser = parser or cli._parser()
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend(leaf_commands(sub, (*words, name)))
    if not found and words:
        found.append((words, parser))
    return found


COMMANDS = leaf_commands()


def test_the_commands_are_found():
    names = {" ".join(words) for words, _ in COMMANDS}
    assert {"rules eval", "demo"} <= names


def _arguments(parser):
    positionals = [a for a in parser._actions if not a.option_strings and a.nargs != 0]
    flags = [a for a in parser._actions if a.option_strings and a.nargs == 0 and a.dest != "help"]
    valued = [a for a in parser._actions if a.option_strings and a.nargs != 0]
    return positionals, flags, valued


def _write(document: bytes, name: str) -> str:
    with open(name, "wb") as handle:
        handle.write(document)
    return name


@st.composite
def invocations(draw, words, parser):
    """An argv for one command, with its files written in the current directory."""
    positionals, flags, valued = _arguments(parser)
    argv = list(words)
    for index, _ in enumerate(positionals):
        kind = draw(st.sampled_from(["file", "file", "file", "missing", "directory"]))
        if kind == "file":
            argv.append(_write(draw(st.sampled_from(DOCUMENTS)), f"in{index}.json"))
        elif kind == "missing":
            argv.append("no-such-file.json")
        else:
            argv.append(".")
    for flag in flags:
        if draw(st.booleans()):
            argv.append(flag.option_strings[-1])
    for option in valued:
        if draw(st.booleans()):
            value = draw(
                st.sampled_from(["garbage.db", ".", "no-such-dir/x.db", "\ud800.db", "x" * 300])
            )
            if value == "garbage.db":
                _write(draw(st.sampled_from(DOCUMENTS)), value)
            argv += [option.option_strings[-1], value]
    if draw(st.booleans()):
        argv.append(draw(st.sampled_from(["--bogus", "-", "--", "extra"])))
    return argv


def run_in_process(argv):
    out, err = io.StringIO(), io.StringIO()
    shown = fuzzkit.show(argv)
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            fuzzkit.bounded(seconds=10.0),
        ):
            code = cli.main(argv)
    except SystemExit as exc:  # argparse refusing the arguments
        code = exc.code
    except fuzzkit.Hang:
        raise fuzzkit.Escaped(f"hang: sfa {shown}") from None
    except MemoryError:
        raise fuzzkit.Escaped(f"memory blow-up: sfa {shown}") from None
    except Exception as exc:
        raise fuzzkit.Escaped(f"{type(exc).__name__} escaped from sfa {shown}: {exc}") from exc
    assert code in (0, 2), f"exit {code} from sfa {shown}: {err.getvalue()[-500:]}"
    assert "Traceback" not in err.getvalue(), f"sfa {shown}: {err.getvalue()[-2000:]}"
    if code == 2:
        assert err.getvalue().strip(), f"sfa {shown} exited 2 without a message"


# `demo` runs a whole story on SQLite: fewer examples keep the suite fast.
_HEAVY = {"demo": 4}


@pytest.mark.parametrize(("words", "parser"), COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_hostile_command_lines(words, parser):
    @settings(
        max_examples=fuzzkit.examples(_HEAVY.get(" ".join(words), 40)),
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(invocations(words, parser))
    def check(argv):
        run_in_process(argv)

    check()


def _limit_memory():  # pragma: no cover - runs in the child
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (fuzzkit.CALL_MEMORY, fuzzkit.CALL_MEMORY))
    except (ImportError, ValueError, OSError):
        pass


def _process_cases():
    """A bounded, deterministic set of real runs: each command with a few documents."""
    cases = []
    picks = itertools.cycle(range(len(DOCUMENTS)))
    for words, parser in COMMANDS:
        positionals, _, _ = _arguments(parser)
        runs = 1 if words == ("demo",) else 3
        for _ in range(runs):
            docs = [DOCUMENTS[next(picks) * 7 % len(DOCUMENTS)] for _ in positionals]
            cases.append((words, docs))
    return cases


PROCESS_CASES = _process_cases()


@pytest.mark.parametrize(
    ("words", "docs"),
    PROCESS_CASES,
    ids=[f"{' '.join(w)}-{i}" for i, (w, _) in enumerate(PROCESS_CASES)],
)
def test_hostile_input_in_a_real_process(words, docs):
    argv = list(words)
    stdin = b""
    for index, doc in enumerate(docs):
        if index == 0:
            argv.append("-")  # the first document through standard input
            stdin = doc
        else:
            argv.append(_write(doc, f"in{index}.json"))
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}  # an output that cannot encode much
    kwargs = {"preexec_fn": _limit_memory} if os.name == "posix" else {}
    done = subprocess.run(
        [sys.executable, "-m", "sfa_core", *argv],
        input=stdin,
        capture_output=True,
        timeout=60,
        env=env,
        check=False,
        **kwargs,
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode in (0, 2), f"exit {done.returncode} from sfa {argv}: {err[-2000:]}"
    assert "Traceback" not in err, f"sfa {argv}: {err[-2000:]}"
