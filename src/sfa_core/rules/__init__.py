"""Conditions as data: JSON Logic rules, compiled once, evaluated fast, explained as data.

Every module of sfa_core that takes a condition (price rules, product rules,
approval policies, assignment rules, scorecards, workflow triggers) takes it as
JSON Logic, so a host's rule-builder UI can emit it directly.

>>> from sfa_core import rules
>>> big_deal = rules.compile({">": [{"var": "quote.net_total"}, 50000]})
>>> big_deal.evaluate({"quote": {"net_total": 72000}})
True
>>> print(big_deal.explain({"quote": {"net_total": 42000}}))
✘ quote.net_total (42000) > 50000
>>> rules.compile(rules.var("quote.net_total") > 50000) == big_deal
True
"""

from __future__ import annotations

from sfa_core.rules._builder import (
    Expr,
    all_of,
    any_of,
    between,
    field,
    if_,
    in_,
    not_,
    var,
)
from sfa_core.rules._compiler import (
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_SIZE,
    MAX_STEPS,
    OPERATORS,
    CompiledRule,
    Dialect,
    compile,
    evaluate,
)
from sfa_core.rules._explain import Explanation
from sfa_core.rules._schema import FIELD_TYPES, Schema
from sfa_core.rules._semantics import truthy

__all__ = [
    "CompiledRule",
    "Dialect",
    "Explanation",
    "Expr",
    "FIELD_TYPES",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_SIZE",
    "MAX_STEPS",
    "OPERATORS",
    "Schema",
    "all_of",
    "any_of",
    "between",
    "compile",
    "evaluate",
    "field",
    "if_",
    "in_",
    "not_",
    "truthy",
    "var",
]
