"""Rules: compiled sfa_core rules vs the panzi-json-logic interpreter, same rules, same data.

Twenty approval-style rules are evaluated over 10,000 seeded random quote records
(plain dicts of JSON numbers and text, so both engines see the same data). The
answers of both engines are checked to be equal for every record and rule.

Figures:
- ``rules_eval_ratio_vs_json_logic``: sfa_core time / peer time (lower is better).
- ``rules_eval_ns_per_rule``: sfa_core time per rule evaluation.
- ``rules_compile_us``: the average time to compile one of the rules.
"""

from __future__ import annotations

import random
import time
from typing import Any

from _util import best_of, emit
from json_logic import jsonLogic

from sfa_core import rules

RECORDS = 10_000
SEED = 20_270_101

RULES: list[dict[str, Any]] = [
    {
        "and": [
            {">": [{"var": "quote.discount"}, 0.2]},
            {"==": [{"var": "account.region"}, "EMEA"]},
        ]
    },
    {">": [{"var": "quote.net_total"}, 50000]},
    {
        "or": [
            {"<": [{"var": "quote.margin"}, 0.15]},
            {">": [{"var": "quote.discount"}, 0.3]},
        ]
    },
    {"in": [{"var": "account.region"}, ["EMEA", "APAC"]]},
    {
        "if": [
            {">": [{"var": "quote.net_total"}, 100000]},
            "vp",
            {">": [{"var": "quote.net_total"}, 50000]},
            "director",
            "manager",
        ]
    },
    {"missing": ["account.tier", "quote.owner"]},
    {"some": [{"var": "lines"}, {">": [{"var": "discount"}, 0.25]}]},
    {"<=": [0.1, {"var": "quote.discount"}, 0.2]},
    {"all": [{"var": "lines"}, {">=": [{"var": "quantity"}, 1]}]},
    {"==": [{"var": "account.tier"}, "gold"]},
    {">": [{"*": [{"var": "quote.net_total"}, {"var": "quote.discount"}]}, 10000]},
    {"!": {"var": "quote.approved"}},
    {
        "and": [
            {"==": [{"var": "quote.deal_type"}, "renewal"]},
            {">": [{"-": [{"var": "quote.net_total"}, {"var": "quote.prior_total"}]}, 0]},
        ]
    },
    {
        ">": [
            {
                "reduce": [
                    {"var": "lines"},
                    {
                        "+": [
                            {"var": "accumulator"},
                            {"*": [{"var": "current.quantity"}, {"var": "current.unit_price"}]},
                        ]
                    },
                    0,
                ]
            },
            20000,
        ]
    },
    {"some": [{"var": "lines"}, {"in": [{"var": "sku"}, ["GPU-1", "GPU-2"]]}]},
    {"missing_some": [1, ["contact.email", "contact.phone"]]},
    {
        "or": [
            {"==": [{"var": "account.region"}, "NA"]},
            {
                "and": [
                    {"==": [{"var": "account.region"}, "EMEA"]},
                    {">": [{"var": "quote.net_total"}, 75000]},
                ]
            },
        ]
    },
    {"!=": [{"var": "quote.payment_terms"}, "NET30"]},
    {
        "if": [
            {">=": [{"var": "quote.term_months"}, 36]},
            {"<": [{"var": "quote.discount"}, 0.35]},
            {"<": [{"var": "quote.discount"}, 0.2]},
        ]
    },
    {
        "and": [
            {"in": ["rush", {"var": "quote.notes"}]},
            {">": [{"var": "quote.net_total"}, 20000]},
            {"!": {"missing": ["quote.owner"]}},
        ]
    },
]


def _record(rng: random.Random) -> dict[str, Any]:
    lines = [
        {
            "sku": rng.choice(["LAPTOP-15", "GPU-1", "GPU-2", "DOCK", "MONITOR-27"]),
            "quantity": rng.randint(0, 40),
            "unit_price": round(rng.uniform(10, 3000), 2),
            "discount": round(rng.uniform(0, 0.4), 3),
        }
        for _ in range(rng.randint(0, 6))
    ]
    quote: dict[str, Any] = {
        "net_total": round(rng.uniform(1000, 150000), 2),
        "prior_total": round(rng.uniform(1000, 150000), 2),
        "discount": round(rng.uniform(0, 0.45), 3),
        "margin": round(rng.uniform(-0.05, 0.6), 3),
        "approved": rng.random() < 0.3,
        "deal_type": rng.choice(["new", "renewal", "upsell"]),
        "payment_terms": rng.choice(["NET30", "NET45", "NET60"]),
        "term_months": rng.choice([12, 24, 36, 48]),
        "notes": rng.choice(["", "rush order", "standard", "call before rush"]),
    }
    if rng.random() < 0.9:
        quote["owner"] = rng.choice(["ana", "bo", "", None])
    record: dict[str, Any] = {
        "quote": quote,
        "account": {"region": rng.choice(["EMEA", "APAC", "NA", "LATAM"])},
        "lines": lines,
    }
    if rng.random() < 0.8:
        record["account"]["tier"] = rng.choice(["gold", "silver", "bronze"])
    contact = {}
    if rng.random() < 0.6:
        contact["email"] = "buyer@example.com"
    if rng.random() < 0.4:
        contact["phone"] = "+33 1 23 45 67 89"
    record["contact"] = contact
    return record


def main() -> None:
    rng = random.Random(SEED)
    records = [_record(rng) for _ in range(RECORDS)]
    compiled = [rules.compile(rule) for rule in RULES]

    # Same answers, for every record and rule.
    for rule, fn in zip(RULES, compiled, strict=True):
        for record in records:
            ours = fn.evaluate(record)
            peer = jsonLogic(rule, record)
            if ours != peer or type(ours) is not type(peer):
                raise AssertionError(f"{rule}: {ours!r} != {peer!r} for {record}")

    evaluators = [fn.evaluate for fn in compiled]

    def run_ours() -> None:
        for evaluate in evaluators:
            for record in records:
                evaluate(record)

    def run_peer() -> None:
        for rule in RULES:
            for record in records:
                jsonLogic(rule, record)

    ours = best_of(run_ours, repeat=5)
    peer = best_of(run_peer, repeat=3)
    evaluations = len(RULES) * len(records)
    emit(
        "rules_eval_ratio_vs_json_logic",
        ours / peer,
        "ratio",
        ours_s=round(ours, 4),
        peer_s=round(peer, 4),
        evaluations=evaluations,
        peer="panzi-json-logic",
    )
    emit("rules_eval_ns_per_rule", ours / evaluations * 1e9, "ns")

    rounds = 200
    start = time.perf_counter()
    for _ in range(rounds):
        for rule in RULES:
            rules.compile(rule)
    elapsed = time.perf_counter() - start
    emit("rules_compile_us", elapsed / (rounds * len(RULES)) * 1e6, "us")


if __name__ == "__main__":
    main()
