# ruff: noqa: E501
"""Escapes the fuzz suite found in code its authors do not own: each case is an
xfail(strict=True) until the code is fixed. Then the case passes, strict xfail fails,
and the entry is removed. Keys are test ids without the "sfa_core." prefix; values
are the input that escaped, as the suite reported it.
"""

from __future__ import annotations

KNOWN_ESCAPES: dict[str, str] = {
    "catalog.tiers.TierCharge": "ValueError escaped from sfa_core.catalog.tiers.TierCharge([], <int of 16610 bits>, '', '1E+999999999', [None, nan, '\\ud800'], 9223372036854775808)...",
    "catalog.tiers.TierPrice": "TypeError escaped from sfa_core.catalog.tiers.TierPrice(method=None, quantity=Decimal('0.00'), amount=Decimal('0.00'), charges=[]): 'unhashable typ...",
    "configure.configurator.Alert": "ValueError escaped from sfa_core.configure.configurator.Alert([], <int of 16610 bits>, ''): 'Exceeds the limit (4300 digits) for i...max_str_digits...",
    "configure.configurator.ConfigurationState": "TypeError escaped from sfa_core.configure.configurator.ConfigurationState(model=None, selections=Selections(options={}, quantities={}, attributes={...",
    "configure.configurator.Conflict": "TypeError escaped from sfa_core.configure.configurator.Conflict(choices=None, constraints=[], message='A'): 'unhashable type: 'list''",
    "configure.configurator.ConstraintRef": "ValueError escaped from sfa_core.configure.configurator.ConstraintRef([], <int of 16610 bits>, ''): 'Exceeds the limit (4300 digits) for i...max_st...",
    "configure.configurator.Reason": "TypeError escaped from sfa_core.configure.configurator.Reason(subject=None, verdict='A', choices=[], constraints=[]): 'unhashable type: 'list''",
    "configure.configurator.Repairs": "TypeError escaped from sfa_core.configure.configurator.Repairs(proposals=None): ''NoneType' object is not iterable'",
    "pricing.model.Adjustment": "ValueError escaped from sfa_core.pricing.model.Adjustment([], <int of 16610 bits>, '', '1E+999999999'): 'Exceeds the limit (4300 digits) for i...ma...",
    "pricing.model.LimitFlag": "ValueError escaped from sfa_core.pricing.model.LimitFlag([], <int of 16610 bits>, '', '1E+999999999'): 'Exceeds the limit (4300 digits) for i...max...",
    "pricing.model.PricedLine": "ValueError escaped from sfa_core.pricing.model.PricedLine([], <int of 16610 bits>, '', '1E+999999999', [None, nan, '\\ud800'], 9223372036854775808,...",
    "pricing.model.PricedLine.money": "TypeError escaped from sfa_core.pricing.model.PricedLine.money(name=[1, [1, [1, [...]]]]): 'unhashable type: 'list''",
    "pricing.model.Totals": "TypeError escaped from sfa_core.pricing.model.Totals([], <int of 16610 bits>, '', '1E+999999999', [None, nan, '\\ud800'], 9223372036854775808, date...",
    "pricing.model.WaterfallStep": "ValueError escaped from sfa_core.pricing.model.WaterfallStep([], <int of 16610 bits>, '', '1E+999999999', [None, nan, '\\ud800']): 'Exceeds the lim...",
    "pricing.price_rules.PriceRule.apply": "TypeError escaped from sfa_core.pricing.price_rules.PriceRule.apply(price='NaN', per=datetime.date(1, 1, 1)): 'unsupported operand type(s) for *: '...",
    "pricing.price_rules.RuleSet.candidates": "TypeError escaped from sfa_core.pricing.price_rules.RuleSet.candidates(phase=<Phase.ON: 'on'>, sku=<list nested 10,000 deep>, family='ACME'): 'unha...",
    "pricing.schedules.AppliedDiscountTier": "ValueError escaped from sfa_core.pricing.schedules.AppliedDiscountTier([], <int of 16610 bits>, '', '1E+999999999', [None, nan, '\\ud800']): 'Excee...",
    "pricing.schedules.ScheduleDiscount": "TypeError escaped from sfa_core.pricing.schedules.ScheduleDiscount(schedule_id=None, basis=<ScheduleBasis.QUANTITY: 'quantity'>, mode=<ScheduleMode...",
    "pricing.setup.SetupVersions": "TypeError escaped from sfa_core.pricing.setup.SetupVersions([], <int of 16610 bits>, '', '1E+999999999', [None, nan, '\\ud800']): ''int' object is ...",
    "pricing.tax.TaxResult.from_lines": "TypeError escaped from sfa_core.pricing.tax.TaxResult.from_lines(lines=None, prices_include_tax=False): ''NoneType' object is not iterable'",
    "quotes.priced.PricedQuote": "TypeError escaped from sfa_core.quotes.priced.PricedQuote([], <int of 16610 bits>, '', '1E+999999999', [None, nan, '\\ud800'], 9223372036854775808,...",
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
