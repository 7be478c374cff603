"""Schemas: unknown and mistyped fields are caught when a rule compiles, with their path."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from sfa_core import rules
from sfa_core.errors import RuleError, ValidationError

SCHEMA = {
    "quote.net_total": "number",
    "quote.discount": "number",
    "quote.close_date": "date",
    "quote.rush": "boolean",
    "account.tier": "string",
    "account.region": "string",
    "account.extra": "object",
    "tags": "array",
    "lines": "array",
    "meta": "any",
}

GOOD = [
    {">": [{"var": "quote.net_total"}, 50000]},
    {"==": [{"var": "account.tier"}, "gold"]},
    {"==": [{"var": "account.tier"}, None]},
    {"<=": [0, {"var": "quote.discount"}, 0.2]},
    {"<": [{"var": "quote.close_date"}, "2027-06-30"]},
    {"var": "quote"},  # a parent of declared names
    {"var": ""},
    {"var": "account.extra.anything.deep"},
    {"var": "lines.0.sku"},
    {"==": [{"var": "meta.x"}, 5]},
    {"in": [{"var": "account.region"}, ["EMEA", "APAC"]]},
    {"in": ["vip", {"var": "tags"}]},
    {"in": ["ACME", {"var": "account.tier"}]},
    {"some": [{"var": "lines"}, {">": [{"var": "qty"}, 0]}]},  # bodies are not checked
    {"missing": ["quote.net_total", "account.tier"]},
    {"missing_some": [1, ["quote.rush", "account.region"]]},
    {"+": [{"var": "quote.net_total"}, {"var": "meta"}]},
    {"==": [{"+": [{"var": "quote.net_total"}, 1]}, 2]},
    {"==": [{"var": {"cat": ["quote.", "net_total"]}}, 1]},  # computed names: not checked
    {"==": [{"val": ["quote", "net_total"]}, 1]},
    {"exists": ["account", "tier"]},
    {"!": {"var": "quote.rush"}},
]


@pytest.mark.parametrize("rule", GOOD)
def test_valid_rules_compile(rule: Any) -> None:
    assert rules.compile(rule, schema=SCHEMA).schema == rules.Schema(SCHEMA)


BAD = [
    ({"var": "quote.total"}, "$", "unknown field 'quote.total'"),
    ({"and": [True, {">": [{"var": "qoute.net_total"}, 1]}]}, "$.and[1]['>'][0]", "unknown field"),
    ({"var": "quote.net_total.cents"}, "$", "unknown field"),
    ({"var": "lines.sku"}, "$", "unknown field"),
    ({">": [{"var": "account.tier"}, 5]}, "$['>'][1]", "field 'account.tier' (string)"),
    ({">": [5, {"var": "account.tier"}]}, "$['>'][0]", "is compared ('>') with"),
    ({"==": [{"var": "quote.net_total"}, "50000"]}, "$['=='][1]", "the string '50000'"),
    ({"==": [{"var": "quote.rush"}, 1]}, "$['=='][1]", "(boolean)"),
    ({">": [{"var": "quote.net_total"}, None]}, "$['>'][1]", "with null"),
    ({"<": [{"var": "quote.close_date"}, "soon"]}, "$['<'][1]", "(date)"),
    ({"==": [{"var": "quote.net_total"}, {"var": "account.tier"}]}, "$['=='][1]", "compared"),
    ({">": [{"cat": ["a"]}, 5]}, "$['>'][1]", "the string result of 'cat'"),
    ({"<": [{"var": "tags"}, 3]}, "$['<'][1]", "compared"),
    ({"+": [{"var": "quote.net_total"}, {"var": "account.tier"}]}, "$['+'][1]", "arithmetic"),
    ({"*": ["2", {"var": "quote.net_total"}]}, "$['*'][0]", "arithmetic"),
    ({"some": [{"var": "account.tier"}, True]}, "$.some[0]", "iterates over an array"),
    ({"in": [{"var": "account.tier"}, ["gold", 3]]}, "$.in[1][1]", "looked for among the number 3"),
    ({"in": [1, {"var": "account.tier"}]}, "$.in[0]", "looked for in text"),
    ({"in": [{"var": "account.tier"}, {"var": "quote.net_total"}]}, "$.in[1]", "needs an array"),
    ({"missing": ["quote.net_total", "quote.nett"]}, "$.missing[1]", "unknown field 'quote.nett'"),
    ({"missing": "quote.nett"}, "$.missing", "unknown field"),
    ({"missing_some": [1, ["x"]]}, "$.missing_some[1][0]", "unknown field 'x'"),
    ({"val": ["quote", "nett"]}, "$", "unknown field 'quote.nett'"),
    ({"exists": "nope"}, "$", "unknown field"),
]


@pytest.mark.parametrize(("rule", "path", "message"), BAD)
def test_invalid_rules_report_the_path(rule: Any, path: str, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        rules.compile(rule, schema=SCHEMA)
    assert caught.value.path == path
    assert message in caught.value.reason


def test_without_a_schema_nothing_is_checked() -> None:
    for rule, _, _ in BAD:
        rules.compile(rule)


def test_field_types() -> None:
    schema = rules.Schema(SCHEMA)
    assert schema.field_type("quote.net_total") == "number"
    assert schema.field_type("quote") == "object"
    assert schema.field_type("account.extra.x.y") == "any"
    assert schema.field_type("meta.x") == "any"
    assert schema.field_type("lines.3") == "any"
    assert schema.field_type("lines.x") is None
    assert schema.field_type("nope") is None
    assert schema.field_type("quote.net_total.x") is None


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"a": "integer"}, "fields['a']"),
        ({"": "number"}, "fields"),
        ({"a..b": "number"}, "fields"),
        ({1: "number"}, "fields"),
        ([("a", "number")], "fields"),
    ],
)
def test_bad_schemas(fields: Any, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        rules.Schema(fields)
    assert caught.value.path == path


def test_schemas_are_values() -> None:
    a = rules.Schema({"x": "number"})
    assert a == rules.Schema({"x": "number"})
    assert hash(a) == hash(rules.Schema({"x": "number"}))
    assert pickle.loads(pickle.dumps(a)) == a
    assert rules.Schema(a) == a
