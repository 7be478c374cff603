"""Every public value class round-trips through the converter, pickle and deepcopy.

Classes are discovered, not listed: a new public frozen attrs class in any
public module is picked up, and this test fails until it round-trips (give it a
strategy in STRATEGIES if ``st.from_type`` cannot build valid instances).
"""

import copy
import importlib
import json
import pickle
import pkgutil

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sfa_core
from sfa_core.serialization import structure, to_json, unstructure
from sfa_core.testing import strategies as sfa_st

# Modules that hold no value classes of their own (tools around the values).
NOT_VALUES = {"sfa_core.testing", "sfa_core.cli", "sfa_core.demo", "sfa_core.__main__"}


def _public_modules():
    for info in pkgutil.walk_packages(sfa_core.__path__, "sfa_core."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]):
            continue
        if any(info.name == m or info.name.startswith(m + ".") for m in NOT_VALUES):
            continue
        yield importlib.import_module(info.name)


def _is_frozen(cls):
    return getattr(cls.__setattr__, "__name__", "") == "_frozen_setattrs"


def public_value_classes():
    found = {}
    for module in [sfa_core, *_public_modules()]:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if isinstance(obj, type) and attrs.has(obj) and _is_frozen(obj):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


STRATEGIES = {
    "Money": sfa_st.money(),
    "Product": sfa_st.products(),
    "PriceBook": sfa_st.price_books(),
    "ExchangeRates": sfa_st.exchange_rates(),
    "Explanation": sfa_st.explanations(),
    "Schema": sfa_st.schemas(),
    "ExchangeRate": sfa_st.exchange_rates().filter(lambda t: t.rates).map(lambda t: t.rates[0]),
}


def strategy_for(cls):
    if cls.__name__ in STRATEGIES:
        return STRATEGIES[cls.__name__]
    return st.from_type(cls)


CLASSES = public_value_classes()


def test_discovery_finds_the_core_values():
    names = {c.__name__ for c in CLASSES}
    assert {"Money", "Product", "PriceBook", "ExchangeRates"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_round_trip(cls):
    @given(strategy_for(cls))
    def check(value):
        doc = unstructure(value)
        assert json.loads(json.dumps(doc)) == doc, "documents must be plain JSON"
        assert structure(doc, cls) == value
        assert structure(json.loads(to_json(value)), cls) == value
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value

    check()
