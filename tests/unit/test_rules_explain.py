"""Explanations: what each node saw and returned, skipped branches, failures, rendering."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from sfa_core import rules
from sfa_core.errors import RuleEvaluationError

APPROVAL = {
    "or": [
        {
            "and": [
                {">": [{"var": "quote.net_total"}, 50000]},
                {"in": [{"var": "account.region"}, ["EMEA", "APAC"]]},
            ]
        },
        {"<": [{"var": "quote.margin"}, 0.15]},
        {"some": [{"var": "lines"}, {">": [{"var": "discount"}, 0.3]}]},
    ]
}
DATA = {
    "quote": {"net_total": Decimal("72000"), "margin": Decimal("0.12")},
    "account": {"region": "NA"},
    "lines": [{"discount": 0.1}],
}


def test_result_and_tree() -> None:
    rule = rules.compile(APPROVAL)
    explanation = rule.explain(DATA)
    assert explanation.result is True
    assert explanation.result == rule.evaluate(DATA)
    assert explanation.operator == "or"
    assert explanation.path == "$"
    assert explanation.truthy is True
    first, second, third = explanation.children
    assert (first.operator, first.result, first.truthy) == ("and", False, False)
    assert first.operands == (True, False)
    big, region = first.children
    assert big.path == "$.or[0].and[0]"
    assert big.source == {">": [{"var": "quote.net_total"}, 50000]}
    assert big.operands == (Decimal("72000"), 50000)
    assert region.operands == ("NA", ["EMEA", "APAC"])
    assert second.operands == (Decimal("0.12"), 0.15)
    assert second.result is True
    assert third.evaluated is False
    assert third.result is None
    assert third.path == "$.or[2]"


def test_rendering() -> None:
    text = str(rules.compile(APPROVAL).explain(DATA))
    assert text == "\n".join(
        [
            "✔ or → true",
            "  ✘ and → false",
            "    ✔ quote.net_total (72000) > 50000",
            '    ✘ account.region ("NA") in ["EMEA","APAC"]',
            "  ✔ quote.margin (0.12) < 0.15",
            '  · skipped: {"some":[{"var":"lines"},{">":[{"var":"discount"},0.3]}]}',
        ]
    )


def test_the_brief_example_reads_naturally() -> None:
    rule = rules.compile({">": [{"var": "quote.net_total"}, 50000]})
    explanation = rule.explain({"quote": {"net_total": Decimal("72000")}})
    assert str(explanation) == "✔ quote.net_total (72000) > 50000"


def test_if_records_only_the_branch_taken() -> None:
    rule = rules.compile({"if": [{">=": [{"var": "t"}, 100]}, "big", "small"]})
    explanation = rule.explain({"t": 5})
    condition, then, otherwise = explanation.children
    assert condition.result is False
    assert then.evaluated is False
    assert otherwise.evaluated is True
    assert otherwise.result == "small"
    assert explanation.result == "small"


def test_iterations_are_labelled_with_the_item_index() -> None:
    rule = rules.compile({"some": [{"var": "lines"}, {">": [{"var": "qty"}, 2]}]})
    explanation = rule.explain({"lines": [{"qty": 1}, {"qty": 3}, {"qty": 9}]})
    source, *bodies = explanation.children
    assert source.operator == "var"
    assert [body.item for body in bodies] == [0, 1]  # stopped at the first hit
    assert [body.result for body in bodies] == [False, True]
    assert explanation.operands == ([{"qty": 1}, {"qty": 3}, {"qty": 9}],)
    assert "[1] qty (3) > 2" in str(explanation)


def test_an_empty_array_leaves_the_body_unevaluated() -> None:
    explanation = rules.compile({"all": [{"var": "xs"}, {"var": ""}]}).explain({"xs": []})
    assert explanation.result is False
    assert explanation.children[1].evaluated is False


def test_failures_are_explained_not_raised() -> None:
    rule = rules.compile({"and": [True, {"+": [1, {"/": [{"var": "x"}, 0]}]}]})
    with pytest.raises(RuleEvaluationError):
        rule.evaluate({"x": 1})
    explanation = rule.explain({"x": 1})
    assert explanation.failed
    assert explanation.error == {"type": "NaN"}
    assert explanation.result is None
    failing = [node for node in explanation.walk() if node.failed]
    assert [node.path for node in failing] == ["$", "$.and[1]", "$.and[1]['+'][1]"]
    assert '! / failed: {"type":"NaN"}' in str(explanation)


def test_a_caught_error_is_still_shown() -> None:
    rule = rules.compile({"try": [{"throw": "oops"}, {"val": "type"}]})
    explanation = rule.explain()
    assert explanation.result == "oops"
    assert not explanation.failed
    assert explanation.children[0].error == {"type": "oops"}
    assert explanation.children[1].result == "oops"


def test_explanations_are_frozen_values() -> None:
    explanation = rules.compile({"var": "a"}).explain({"a": 1})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        explanation.result = 2  # type: ignore[misc]
    assert explanation == rules.compile({"var": "a"}).explain({"a": 1})


def test_walk_visits_every_node_in_order() -> None:
    explanation = rules.compile({"+": [1, {"*": [2, 3]}]}).explain()
    assert [node.path for node in explanation.walk()] == [
        "$",
        "$['+'][0]",
        "$['+'][1]",
        "$['+'][1]['*'][0]",
        "$['+'][1]['*'][1]",
    ]
    assert [node.result for node in explanation.walk()] == [7, 1, 6, 2, 3]


def test_long_values_are_shortened_in_text_only() -> None:
    data = {"xs": list(range(100))}
    explanation = rules.compile({"var": "xs"}).explain(data)
    assert explanation.result == list(range(100))
    line = str(explanation)
    assert line.endswith("…)")
    assert len(line) < 100


def test_money_and_dates_are_shown_readably() -> None:
    from sfa_core.money import Money

    rule = rules.compile({">": [{"var": "total"}, 10]})
    assert str(rule.explain({"total": Money("12.50", "EUR")})) == "✔ total (12.50 EUR) > 10"
