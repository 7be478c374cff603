# ruff: noqa: E501
"""Escapes the fuzz suite found in code its authors do not own: each case is an
xfail(strict=True) until the code is fixed. Then the case passes, strict xfail fails,
and the entry is removed. Keys are test ids without the "sfa_core." prefix; values
are the input that escaped, as the suite reported it.
"""

from __future__ import annotations

KNOWN_ESCAPES: dict[str, str] = {
    "rules._compiler.CompiledRule.explain": "TypeError escaped from sfa_core.rules._compiler.CompiledRule.explain(data=None): 'unhashable type: 'dict''",
    "rules._explain.Explanation": "ValueError escaped from sfa_core.rules._explain.Explanation([], <int of 16610 bits>, '', '1E+999999999', [None, nan, '\\ud800'], 922337203685477580...",
    "rules._schema.Schema.field_type": "AttributeError escaped from sfa_core.rules._schema.Schema.field_type(name=None): ''NoneType' object has no attribute 'split''",
}

#: Cases that hang inside C code, where the per-call alarm cannot interrupt them and
#: only the watchdog would end the run: they are not run (xfail, run=False) until
#: fixed. The rule builder turns a Decimal such as Decimal("1E+999999999") into an
#: int (int(value) in rules/_builder.py _decimal_json), which takes hours.
KNOWN_HANGS: dict[str, str] = dict.fromkeys(
    (
        "rules._builder.Expr",
        "rules._builder.Expr.between",
        "rules._builder.Expr.is_in",
        "rules._builder.all_of",
        "rules._builder.any_of",
        "rules._builder.between",
        "rules._builder.if_",
        "rules._builder.in_",
        "rules._builder.not_",
        "rules._builder.var",
    ),
    "hangs: rules._builder._decimal_json calls int() on Decimal('1E+999999999')",
)
