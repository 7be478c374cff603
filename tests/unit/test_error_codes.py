"""Every error has a stable, machine-readable ``code``, so a host maps errors without parsing text.

The issue: a host's API had to match on class names or English messages to map
sfa_core's errors to its own responses. Each error class now carries a class
attribute ``code`` in snake_case, unique per class; a class may share its parent's
code only if it is listed in :data:`INHERITS` below. The codes are documented in
``docs/errors.md``, and this test checks that the page lists every one of them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import sfa_core
from sfa_core.errors import (
    ConcurrencyError,
    CurrencyMismatchError,
    InvalidAmountError,
    MissingRepositoryError,
    NotFoundError,
    RuleError,
    RuleEvaluationError,
    SfaError,
    StorageError,
    UnknownCurrencyError,
    ValidationError,
)

#: Classes allowed to share their parent's code (``module.Class``), each with the reason.
#: A class listed here that gains a code of its own must be taken off the list.
INHERITS: dict[str, str] = {}

SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")

DOCS = Path(__file__).resolve().parents[2] / "docs" / "errors.md"

#: Modules that need an optional extra (or run something) when imported.
_SKIPPED_MODULES = {"sfa_core.__main__"}


def _import_everything() -> None:
    """Import every module of the package, so that every error class exists."""
    for info in pkgutil.walk_packages(sfa_core.__path__, "sfa_core."):
        if info.name in _SKIPPED_MODULES:
            continue
        try:
            importlib.import_module(info.name)
        except ModuleNotFoundError as exc:  # an optional extra that is not installed
            if (exc.name or "").startswith("sfa_core"):
                raise


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _error_classes() -> list[type[SfaError]]:
    _import_everything()
    found: dict[str, type[SfaError]] = {}
    stack: list[type[SfaError]] = [SfaError]
    while stack:
        cls = stack.pop()
        if cls.__module__.startswith("sfa_core") and not cls.__name__.startswith("_"):
            found[_name(cls)] = cls
        stack.extend(cls.__subclasses__())
    return sorted(found.values(), key=_name)


ERRORS = _error_classes()


def _own_code(cls: type) -> str | None:
    code = cls.__dict__.get("code")
    return code if isinstance(code, str) else None


def test_the_walk_finds_errors_of_every_layer() -> None:
    names = {_name(cls) for cls in ERRORS}
    assert "sfa_core.errors.SfaError" in names
    assert "sfa_core.pricing.errors.UnknownProductError" in names
    assert "sfa_core.configure.configurator.EffortExceededError" in names


@pytest.mark.parametrize("cls", ERRORS, ids=_name)
def test_every_code_is_snake_case_text(cls: type[SfaError]) -> None:
    assert isinstance(cls.code, str)
    assert SNAKE_CASE.fullmatch(cls.code), (_name(cls), cls.code)


@pytest.mark.parametrize("cls", ERRORS, ids=_name)
def test_every_class_has_its_own_code_unless_listed(cls: type[SfaError]) -> None:
    name = _name(cls)
    if name in INHERITS:
        assert _own_code(cls) is None, f"{name} has its own code now: take it off INHERITS"
    else:
        assert _own_code(cls) is not None, f"{name} has no code of its own (add one)"


def test_no_two_classes_share_a_code() -> None:
    owners: dict[str, list[str]] = {}
    for cls in ERRORS:
        code = _own_code(cls)
        if code is not None:
            owners.setdefault(code, []).append(_name(cls))
    shared = {code: names for code, names in owners.items() if len(names) > 1}
    assert not shared


def test_the_inherit_list_names_only_existing_errors() -> None:
    assert set(INHERITS) <= {_name(cls) for cls in ERRORS}


def test_an_instance_answers_with_its_class_code() -> None:
    assert ValidationError("bad", path="x", value=1).code == "validation_error"
    assert InvalidAmountError("bad", path="amount", value="abc").code == "invalid_amount"
    assert CurrencyMismatchError("EUR", "USD").code == "currency_mismatch"
    assert NotFoundError("product", "A-1").code == "not_found"
    assert ConcurrencyError("product", "A-1", 1, 2).code == "concurrency_conflict"
    assert RuleError("bad").code == "rule_error"
    assert RuleEvaluationError({"type": "NaN"}).code == "rule_evaluation_error"
    assert StorageError("bad").code == "storage_error"
    assert MissingRepositoryError("quotes", "QuoteRepository").code == "missing_repository"


def test_the_currency_given_to_unknown_currency_does_not_shadow_the_code() -> None:
    err = UnknownCurrencyError("XYZ")
    assert (err.code, err.currency, err.value) == ("unknown_currency", "XYZ", "XYZ")


def test_a_subclass_without_a_code_shares_its_parents() -> None:
    class HostError(NotFoundError):
        pass

    assert HostError("thing", 1).code == "not_found"


@pytest.mark.skipif(not DOCS.exists(), reason="documentation sources are not available")
def test_the_documentation_lists_every_code() -> None:
    text = DOCS.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, re.M))
    missing = {_name(cls): cls.code for cls in ERRORS if cls.code not in listed}
    assert not missing
