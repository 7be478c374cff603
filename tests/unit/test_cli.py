import json
import subprocess
import sys

import pytest

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
