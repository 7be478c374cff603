import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sfa_core
from sfa_core.cli import main


@pytest.fixture
def files(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_rules_eval_prints_the_result_as_json(files, capsys):
    rule = files("rule.json", json.dumps({"+": [{"var": "a"}, {"var": "b"}]}))
    data = files("data.json", '{"a": 0.1, "b": 0.2}')
    assert main(["rules", "eval", rule, data]) == 0
    assert capsys.readouterr().out.strip() == "0.3"


def test_rules_eval_explain_prints_the_tree(files, capsys):
    rule = files("rule.json", json.dumps({">": [{"var": "quote.net_total"}, 50000]}))
    data = files("data.json", '{"quote": {"net_total": 72000}}')
    assert main(["rules", "eval", rule, data, "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "true"
    assert "quote.net_total" in out
    assert "72000" in out


@pytest.mark.parametrize(
    ("rule_text", "data_text", "message"),
    [
        ('{"frobnicate": [1]}', "{}", "frobnicate"),
        ("{not json", "{}", "not valid JSON"),
        ('{"==": [1, 1]}', "[1,", "not valid JSON"),
        ('{"/": [1, 0]}', "{}", "error"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(files, capsys, rule_text, data_text, message):
    rule = files("rule.json", rule_text)
    data = files("data.json", data_text)
    assert main(["rules", "eval", rule, data]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("sfa: error:")
    assert message in lines[0]


def test_missing_file_exits_2(capsys, tmp_path):
    assert main(["rules", "eval", str(tmp_path / "none.json"), str(tmp_path / "d.json")]) == 2
    assert "cannot read rule file" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli(files):
    rule = files("rule.json", '{"cat": ["a", {"var": "x"}]}')
    data = files("data.json", '{"x": "b"}')
    result = subprocess.run(
        [sys.executable, "-m", "sfa_core", "rules", "eval", rule, data],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout.strip()) == (0, '"ab"')


def test_demo_runs_on_sqlite(tmp_path, capsys):
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert db.exists()
    assert "1.199,00" in out  # de_DE formatting
    assert "$" in out  # en_US formatting
    assert "ConcurrencyError" in out


# Issue 12: the CLI and the demo.

ROOT = Path(__file__).resolve().parents[2]


def _one_error_line(captured):
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("sfa: error:")
    assert "Traceback" not in captured.err
    return lines[0]


def test_demo_refuses_an_existing_database_file(tmp_path, capsys):
    db = tmp_path / "precious.db"
    db.write_text("not a demo database", encoding="utf-8")
    assert main(["demo", "--db", str(db)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--force" in _one_error_line(captured)
    assert db.read_text(encoding="utf-8") == "not a demo database"


def test_demo_refuses_a_left_over_wal_file(tmp_path, capsys):
    db = tmp_path / "demo.db"
    wal = tmp_path / "demo.db-wal"
    wal.write_bytes(b"journal")
    assert main(["demo", "--db", str(db)]) == 2
    assert "demo.db-wal" in _one_error_line(capsys.readouterr())
    assert wal.read_bytes() == b"journal"


def test_demo_force_replaces_an_existing_database_file(tmp_path, capsys):
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db)]) == 0
    assert main(["demo", "--db", str(db), "--force"]) == 0
    out = capsys.readouterr().out
    assert out.count("quote Q-1002: net 2499.00 EUR for 5 lines") == 2


def test_quickstart_runs_twice_on_a_fresh_temporary_database():
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "quickstart.py")],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout.splitlines()[-1] == "quote Q-1002: net 2499.00 EUR for 5 lines"


def test_explain_reports_a_failing_rule_like_eval(files, capsys):
    rule = files("rule.json", json.dumps({"and": [True, {"/": [1, 0]}]}))
    data = files("data.json", "{}")
    assert main(["rules", "eval", rule, data]) == 2
    plain = capsys.readouterr()
    assert main(["rules", "eval", rule, data, "--explain"]) == 2
    explained = capsys.readouterr()
    assert _one_error_line(explained) == _one_error_line(plain)
    assert "$.and[1]" in _one_error_line(explained)
    assert "null" not in explained.out
    assert "! / failed" in explained.out  # the tree still shows where


def _stdin(monkeypatch, data):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_data_can_be_read_from_stdin(files, capsys, monkeypatch):
    rule = files("rule.json", json.dumps({"*": [{"var": "a"}, 2]}))
    _stdin(monkeypatch, b'{"a": 1.25}')
    assert main(["rules", "eval", rule, "-"]) == 0
    assert capsys.readouterr().out.strip() == "2.50"


def test_rule_can_be_read_from_stdin(files, capsys, monkeypatch):
    data = files("data.json", '{"a": 3}')
    _stdin(monkeypatch, b'{"var": "a"}')
    assert main(["rules", "eval", "-", data, "--explain"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "3"


def test_stdin_is_read_once_only(capsys, monkeypatch):
    _stdin(monkeypatch, b"{}")
    assert main(["rules", "eval", "-", "-"]) == 2
    assert "standard input" in _one_error_line(capsys.readouterr())


def test_bad_json_on_stdin_names_standard_input(files, capsys, monkeypatch):
    rule = files("rule.json", '{"var": "a"}')
    _stdin(monkeypatch, b"[1,")
    assert main(["rules", "eval", rule, "-"]) == 2
    assert "data from standard input is not valid JSON" in _one_error_line(capsys.readouterr())


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"sfa {sfa_core.__version__}"


def test_version_from_python_dash_m():
    result = subprocess.run(
        [sys.executable, "-m", "sfa_core", "--version"], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"sfa {sfa_core.__version__}")


class _ClosedPipe(io.StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_stops_quietly_in_process(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["demo"]) == 141
    assert capsys.readouterr().err == ""


def test_demo_piped_into_a_closed_reader_has_no_traceback():
    with subprocess.Popen(
        [sys.executable, "-m", "sfa_core", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        process.stdout.close()  # like `head -1` exiting before the demo writes
        _, err = process.communicate(timeout=120)
    assert err.decode() == ""
    assert process.returncode == 141


DEEP_RULE = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize(
    ("rule_text", "data_bytes", "message"),
    [
        (DEEP_RULE, b"{}", "nested too deeply"),
        ('{"var": "a"}', b'\xff\xfe{"a": 1}', "not UTF-8"),
        # an 8001-digit product: the rule's magnitude budget refuses it while evaluating
        ('{"*": [' + "9" * 4000 + ", " + "9" * 4000 + "]}", b"{}", "budget"),
    ],
)
@pytest.mark.parametrize("explain", [[], ["--explain"]])
def test_hostile_input_is_one_line_and_exit_2(
    files, tmp_path, capsys, rule_text, data_bytes, message, explain
):
    rule = files("rule.json", rule_text)
    data = tmp_path / "data.json"
    data.write_bytes(data_bytes)
    assert main(["rules", "eval", rule, str(data), *explain]) == 2
    captured = capsys.readouterr()
    if not explain or message != "budget":
        assert captured.out == ""  # only an explained failure prints its (bounded) tree
    else:
        assert len(captured.out) < 10_000
    assert message.lower() in _one_error_line(captured).lower()


def test_a_lone_surrogate_result_prints_as_ascii_json(files, capsys):
    rule = files("rule.json", '{"cat": [{"var": "s"}, "\\u00e9"]}')
    data = files("data.json", '{"s": "\\ud800"}')
    assert main(["rules", "eval", rule, data]) == 0
    assert main(["rules", "eval", rule, data, "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == '"\\ud800\\u00e9"'
    assert json.loads(out.splitlines()[0]) == "\ud800\u00e9"
    out.encode("utf-8")  # writable by any UTF-8 stdout: no raw surrogate left


def test_deep_data_that_parses_also_prints(files, capsys):
    rule = files("rule.json", '{"var": ""}')
    data = files("data.json", '{"a": ' * 450 + "1.0" + "}" * 450)
    assert main(["rules", "eval", rule, data]) == 0
    assert capsys.readouterr().out.strip() == '{"a": ' * 450 + "1.0" + "}" * 450


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_demo_on_a_directory_is_one_line_and_exit_2(tmp_path, capsys, force):
    assert main(["demo", "--db", str(tmp_path), *force]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    _one_error_line(captured)
    assert tmp_path.is_dir()


@pytest.mark.parametrize(
    "argv",
    [
        ["rules", "eval", "rule.json", "bad.json"],
        ["rules", "eval", "deep.json", "data.json", "--explain"],
        ["demo", "--db", "/", "--force"],
    ],
)
def test_no_traceback_from_the_real_process(tmp_path, argv):
    (tmp_path / "rule.json").write_text('{"var": "a"}', encoding="utf-8")
    (tmp_path / "data.json").write_text("{}", encoding="utf-8")
    (tmp_path / "bad.json").write_bytes(b"\xff")
    (tmp_path / "deep.json").write_text(DEEP_RULE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sfa_core", *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("sfa: error:")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_installs_only_the_runtime_dependencies():
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", "--no-print-directory", "demo"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    installs = [line for line in result.stdout.splitlines() if "pip install" in line]
    assert installs
    assert installs[-1].endswith("pip install --quiet --disable-pip-version-check -e .")
    assert not any("[" in line for line in installs)  # no extras
    assert ".installed-runtime" in result.stdout
