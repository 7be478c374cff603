"""The fuzzed surface is found, not listed: it is large, and nothing public is left out."""

from __future__ import annotations

import collections

import fuzzkit
from fuzzkit import Kind


def test_the_surface_is_not_trivial():
    counts = collections.Counter(e.kind for e in fuzzkit.surface())
    assert counts[Kind.CONSTRUCTOR] >= 50
    assert counts[Kind.FUNCTION] >= 25
    assert counts[Kind.ERROR] >= 15
    methods = sum(len(e.methods) for e in fuzzkit.of_kind(Kind.CONSTRUCTOR))
    assert methods >= 50
    names = {e.name.rsplit(".", 1)[-1] for e in fuzzkit.surface()}
    assert {"Money", "Product", "PriceBook", "Quote", "price_quote", "compile"} <= names


def test_every_public_object_has_a_kind():
    # surface() raises for a public callable no kind fits; every entry has one.
    assert all(isinstance(e.kind, Kind) for e in fuzzkit.surface())


def test_every_public_module_says_what_it_exports():
    # A public module without __all__ would hide its callables from the fuzz.
    assert fuzzkit.modules_without_all() == []


def test_every_exclusion_names_something_that_exists():
    # A renamed or removed module must not leave a stale exclusion behind.
    known = {m.__name__ for m in fuzzkit.public_modules()}
    known |= {e.name for e in fuzzkit.surface()} | {e.exported_as for e in fuzzkit.surface()}
    stale = [key for key in fuzzkit.NOT_FUZZED if key not in known]
    assert stale == []
    known_cases = {e.name.removeprefix("sfa_core.") for e in fuzzkit.surface()}
    known_cases |= {
        f"{e.name.removeprefix('sfa_core.')}.{m}"
        for e in fuzzkit.of_kind(Kind.CONSTRUCTOR)
        for m in e.methods
    }
    assert [k for k in fuzzkit.KNOWN_ESCAPES if k not in known_cases] == []
    assert [k for k in fuzzkit.KNOWN_HANGS if k not in known_cases] == []


def test_the_guard_reports_a_hang_and_a_stray_exception():
    import time

    import pytest

    def spin():
        time.sleep(10)

    with pytest.raises(fuzzkit.Escaped, match="hang"):
        fuzzkit.check_call("spin", spin)
    with pytest.raises(fuzzkit.Escaped, match="KeyError escaped"):
        fuzzkit.check_call("boom", {}.__getitem__, "x")
