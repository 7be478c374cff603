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


@pytest.mark.parametrize(
    ("argv", "label"),
    [
        (["rules", "eval", "a\x00b", "x"], "cannot read rule file"),
        (["rules", "eval", "-", "a\x00b"], "cannot read data file"),
        (["price", "a\x00b"], "cannot read input file"),
    ],
)
def test_a_path_with_a_nul_is_one_line_and_exit_2(capsys, monkeypatch, argv, label):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"var": "a"}'))
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    line = _one_error_line(captured)
    assert label in line
    assert "null byte" in line


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


# sfa price: a cart (or a quote) in one JSON document, priced from the shell.

EXAMPLE = ROOT / "tests" / "data" / "cli" / "checkout.json"
CHECKOUT_DOC = ROOT / "docs" / "checkout.md"


def _example():
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _document(files, doc):
    return files("input.json", doc if isinstance(doc, str) else json.dumps(doc))


def test_price_prints_the_priced_cart_as_json(capsys):
    assert main(["price", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.isascii()
    assert len(out.splitlines()) == 1
    priced = json.loads(out)
    assert (priced["quote_id"], priced["priced_on"], priced["currency"]) == (
        "cart",
        "2027-03-01",
        "EUR",
    )
    assert [(line["key"], line["sku"], line["gross_total"]) for line in priced["lines"]] == [
        ("L1", "MUG", "24.00"),
        ("L2", "TEE", "50.00"),
        ("L3", "BOOK", "30.00"),
    ]
    totals = priced["totals"]
    assert (totals["net"]["amount"], totals["tax"]["amount"], totals["gross"]["amount"]) == (
        "90.23",
        "13.77",
        "104.00",
    )
    promotions = priced["promotions"]
    assert [a["promotion_id"] for a in promotions["applied"]] == ["3FOR2"]
    assert [(s["promotion_id"], s["reason"]) for s in promotions["skipped"]] == [
        ("TEN-OFF-150", "condition_not_met")
    ]
    assert priced["tax"]["prices_include_tax"] is True


def test_price_output_reads_back_as_a_priced_quote(capsys):
    from sfa_core.quotes import PricedQuote
    from sfa_core.serialization import structure

    assert main(["price", str(EXAMPLE)]) == 0
    priced = structure(json.loads(capsys.readouterr().out), PricedQuote)
    assert str(priced.gross_total) == "104.00 EUR"


def _docs_block(fence):
    """The body of the first fenced block of docs/checkout.md that opens with ``fence``."""
    text = CHECKOUT_DOC.read_text(encoding="utf-8")
    fence_at = text.index(f"\n```{fence}\n") + 1
    body = text.index("\n", fence_at) + 1
    return text[body : text.index("\n```", body)]


def test_the_documented_example_is_the_shipped_file_and_its_output(capsys):
    assert json.loads(_docs_block("json")) == _example()
    shown = _docs_block("text").splitlines()
    assert shown[0] == "$ sfa price checkout.json --explain"
    assert main(["price", str(EXAMPLE), "--explain"]) == 0
    assert capsys.readouterr().out.splitlines() == shown[1:]


def test_every_input_key_is_documented():
    from sfa_core.cli import PRICE_INPUT_KEYS

    table = CHECKOUT_DOC.read_text(encoding="utf-8")
    for key in PRICE_INPUT_KEYS:
        assert f"`{key}`" in table, key


def test_price_explain_shows_skipped_promotions_without_an_applied_one(files, capsys):
    doc = _example()
    doc["items"] = [["MUG", 1]]
    assert main(["price", _document(files, doc), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "skipped 3FOR2: condition not met" in out
    assert "skipped TEN-OFF-150: condition not met" in out
    assert "(prices include tax)" in out


def test_price_reads_standard_input(capsys, monkeypatch):
    _stdin(monkeypatch, EXAMPLE.read_bytes())
    assert main(["price", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["gross"]["amount"] == "104.00"


def test_price_prices_a_quote_as_it_is(files, capsys):
    doc = _example()
    del doc["items"], doc["date"]
    doc["quote"] = {
        "id": "Q-7",
        "account": "ACME",
        "currency": "EUR",
        "price_book": "SHOP-DE",
        "quote_date": "2027-03-01",
        "lines": [{"key": "A", "sku": "TEE", "quantity": 3}],
    }
    assert main(["price", _document(files, doc)]) == 0
    priced = json.loads(capsys.readouterr().out)
    assert (priced["quote_id"], priced["totals"]["gross"]["amount"]) == ("Q-7", "50.00")


def test_price_reads_fractions_as_exact_decimals(files, capsys):
    doc = _example()
    doc["products"].append({"sku": "RIBBON", "name": "Ribbon", "fractional_quantity": True})
    doc["price_books"][0]["entries"]["RIBBON"] = {"amount": 0.1, "currency": "EUR"}
    doc["items"] = [{"sku": "RIBBON", "quantity": 0.3}]
    doc["promotions"] = doc["tax"] = None
    assert main(["price", _document(files, json.dumps(doc))]) == 0
    assert json.loads(capsys.readouterr().out)["lines"][0]["net_total"] == "0.03"


def test_price_applies_rules_and_a_customer(files, capsys):
    doc = _example()
    doc["promotions"] = doc["tax"] = None
    doc["items"] = [["MUG", 1]]
    doc["account"] = "member-42"
    doc["customer"] = {"tier": "gold"}
    doc["rules"] = [
        {
            "id": "GOLD",
            "condition": {
                "and": [
                    {"==": [{"var": "customer.tier"}, "gold"]},
                    {"==": [{"var": "quote.account"}, "member-42"]},
                ]
            },
            "actions": [{"kind": "percent_off", "value": "10"}],
        }
    ]
    assert main(["price", _document(files, doc)]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["net"]["amount"] == "10.80"


def _with(**changes):
    doc = _example()
    for key, value in changes.items():
        if value is _DROP:
            del doc[key]
        else:
            doc[key] = value
    return json.dumps(doc)


_DROP = object()
_QUOTE = {
    "id": "Q-1",
    "account": "A",
    "currency": "EUR",
    "price_book": "SHOP-DE",
    "quote_date": "2027-03-01",
}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("", "is not valid JSON"),
        ("[" * 10_000 + "]" * 10_000, "nested too deeply"),
        ('{"products": ' + "[" * 10_000 + "]" * 10_000 + "}", "nested too deeply"),
        ('{"items": [' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "]}", "nested too deeply"),
        ("[]", "must be a JSON object"),
        ('"cart"', "must be a JSON object"),
        (_with(products=3), "products: expected an array (got 3)"),
        (_with(products=_DROP), "products: is required"),
        (_with(price_books=[{"id": "EU"}]), "price_books[0].currency: required field"),
        (_with(items={"MUG": 1}), "items: must be a list of items"),
        (_with(items=_DROP), "items: is required"),
        (_with(items=[["MUG", "two"]]), "items[0].quantity: is not a number (got 'two')"),
        (_with(items=[["MUG", 1], ["TEE", 1.5]]), "items[1].quantity: line 'L2': TEE is sold in"),
        (_with(items=[["MUG", 1], [2, 1]]), "items[1].sku: must be a string (got 2)"),
        (_with(items=[["MUG", 1], ["HAT", 1]]), "items[1].sku: line 'L2': no product has this"),
        (_with(items=[{"sku": "MUG", "qty": 1}]), "items[0]: unknown keys ['qty']"),
        (_with(items=[["MUG", 0]]), "items[0].quantity: must be greater than zero"),
        (_with(items=[["MUG", True]]), "items[0].quantity"),
        (
            _with(items=[["MUG", "BIG"]]).replace('"BIG"', "1e400"),
            "items[0].quantity: is out of the supported range",
        ),
        (_with(items=[["MUG", "BIG"]]).replace('"BIG"', "NaN"), "NaN is not a JSON number"),
        (_with(items=[["MUG", "BIG"]]).replace('"BIG"', "-Infinity"), "not a JSON number"),
        (_with(items=[["MUG", 1]], extra=1), "unknown keys 'extra'"),
        (_with(date="tomorrow"), "date: not an ISO 8601 date (got 'tomorrow')"),
        (_with(date=20270301), "date"),
        (_with(currency="eur"), "currency: unknown ISO 4217 currency code (got 'eur')"),
        (_with(price_book="NOPE"), "price_book: no price book has this id (got 'NOPE')"),
        (_with(tax={"rates": {"standard": "x"}}), "tax.rates['standard']: not a decimal"),
        (_with(tax={"standard": 19}), "tax"),
        (_with(promotions=[{"id": "P"}]), "promotions[0].name: required field"),
        (_with(promotion_usage={"P": "1"}), "promotion_usage['P']: expected an integer"),
        (_with(customer=[1]), "customer: must be an object (got [1])"),
        (_with(quote=_QUOTE), "holds both items and a quote"),
        (_with(items=_DROP, quote=_QUOTE), "date: only with items"),
        (_with(items=_DROP, date=_DROP, quote={**_QUOTE, "quote_date": 1}), "quote.quote_date"),
    ],
)
def test_price_bad_input_is_one_line_and_exit_2(files, capsys, text, message):
    assert main(["price", _document(files, text)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in _one_error_line(captured)


def test_price_input_that_is_not_utf8_exits_2(tmp_path, capsys):
    path = tmp_path / "input.json"
    path.write_bytes(b'\xff\xfe{"products": []}')
    assert main(["price", str(path)]) == 2
    assert "is not UTF-8 text" in _one_error_line(capsys.readouterr())


def test_price_messages_stay_short_for_hostile_values(files, capsys):
    huge = "X" * 1_000_000
    for doc in (
        _with(items=[[huge, 1]]),
        _with(items=[["MUG", huge]]),
        _with(**{huge: 1}),
        _with(products=[{"sku": "A", "name": huge, "family": huge + "\n"}]),
    ):
        assert main(["price", _document(files, doc)]) == 2
        line = _one_error_line(capsys.readouterr())
        assert len(line) < 2_000


def test_price_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["price", str(tmp_path / "none.json")]) == 2
    assert "cannot read input file" in _one_error_line(capsys.readouterr())


def test_price_into_a_closed_stdout_stops_quietly(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["price", str(EXAMPLE), "--explain"]) == 141
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "stdin",
    [b"\xff", b"[" * 10_000, b'{"products": [], "price_books": [], "items": [["A", 1]]}'],
)
def test_price_from_the_real_process_has_no_traceback(stdin):
    result = subprocess.run(
        [sys.executable, "-m", "sfa_core", "price", "-"],
        input=stdin,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.startswith(b"sfa: error:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_price_from_the_real_process_reads_stdin_and_prints_json():
    result = subprocess.run(
        [sys.executable, "-m", "sfa_core", "price", "-"],
        input=EXAMPLE.read_bytes(),
        capture_output=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, b"")
    assert json.loads(result.stdout)["totals"]["gross"]["amount"] == "104.00"


def test_demo_on_a_path_it_cannot_open_prints_no_story(capsys):
    assert main(["demo", "--db", "a\x00b"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
