"""Hostile values given to every public constructor, function and method of sfa_core.

The cases are discovered (see fuzzkit.surface): a class or function exported by a
public module's ``__all__`` is fuzzed here from its signature and annotations, with
no edit to this file. Only success or an SfaError that prints may come out of a call,
within the time and memory bounds of fuzzkit.bounded.
"""

from __future__ import annotations

import inspect

import fuzzkit
import pytest
from fuzzkit import Kind
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

_SETTINGS = {
    "deadline": None,
    # The inputs come from a small pool of hostile values, so a failure is already short;
    # shrinking would re-run hangs of several seconds each.
    "phases": [Phase.explicit, Phase.reuse, Phase.generate],
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
}

CALLABLES = [
    e for e in fuzzkit.surface() if e.kind in (Kind.CONSTRUCTOR, Kind.FUNCTION, Kind.ERROR)
]
METHODS = [
    (entry, name)
    for entry in fuzzkit.of_kind(Kind.CONSTRUCTOR)
    for name in entry.methods
    if fuzzkit.not_fuzzed_reason(f"{entry.name}.{name}") is None
]


def _call(name, fn, args, kwargs):
    if fuzzkit.binding_error(fn, args, kwargs):
        return  # Python's own TypeError for a call that does not match the signature
    fuzzkit.check_call(name, fn, *args, **kwargs)


def _make_error(name, cls, args, kwargs):
    # The package builds its errors itself; a host only catches and prints them. So an
    # error may refuse arguments of the wrong shape as Python does, but one that was
    # made, whatever values it holds, must print.
    try:
        with fuzzkit.bounded():
            error = cls(*args, **kwargs)
    except (TypeError, ValueError, AttributeError):
        return
    fuzzkit.check_call(f"str({name}(...))", str, error)
    fuzzkit.check_call(f"repr({name}(...))", repr, error)


def _known(case_id):
    if case_id in fuzzkit.KNOWN_HANGS:
        return [pytest.mark.xfail(run=False, reason=fuzzkit.KNOWN_HANGS[case_id])]
    reason = fuzzkit.KNOWN_ESCAPES.get(case_id)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def _budget(entry, count, method=None):
    # A known escape runs its full, derandomized budget under every profile, so that
    # its strict xfail does not pass by chance when a profile runs fewer examples.
    if _case_id(entry, method) in fuzzkit.KNOWN_ESCAPES:
        return count
    return fuzzkit.examples(count)


def _derandomize(entry, method=None):
    return {"derandomize": True} if _case_id(entry, method) in fuzzkit.KNOWN_ESCAPES else {}


def _case_id(entry, method=None):
    name = entry.name.removeprefix("sfa_core.")
    return f"{name}.{method}" if method else name


@pytest.mark.parametrize(
    "entry",
    [pytest.param(e, id=_case_id(e), marks=_known(_case_id(e))) for e in CALLABLES],
)
def test_hostile_arguments(entry):
    params = fuzzkit.params_of(entry.obj)
    if params is None:  # no signature to read (a builtin's): up to three positionals
        params = [
            fuzzkit.Param(f"arg{i}", inspect.Parameter.POSITIONAL_ONLY, False, st.nothing())
            for i in range(3)
        ]

    @settings(max_examples=_budget(entry, 30), **_SETTINGS, **_derandomize(entry))
    @given(
        st.one_of(fuzzkit.hostile_arguments(params), fuzzkit.positional_hostile_arguments(params))
    )
    def check(call):
        args, kwargs = call
        if entry.kind is Kind.ERROR:
            _make_error(entry.name, entry.obj, args, kwargs)
        else:
            _call(entry.name, entry.obj, args, kwargs)

    check()


@pytest.mark.parametrize(
    ("entry", "method"),
    [pytest.param(e, m, id=_case_id(e, m), marks=_known(_case_id(e, m))) for e, m in METHODS],
)
def test_hostile_method_arguments(entry, method):
    raw = inspect.getattr_static(entry.obj, method)
    if isinstance(raw, (staticmethod, classmethod)):
        receivers = st.just(entry.obj)
    else:
        receivers = fuzzkit.receivers_for(entry.obj)
        if receivers.is_empty:
            pytest.fail(
                f"no valid {entry.name} to call {method} on: give the class a strategy in "
                "sfa_core.testing.strategies, or list it in fuzzkit.NOT_FUZZED with the reason"
            )

    @settings(max_examples=_budget(entry, 12, method), **_SETTINGS, **_derandomize(entry, method))
    @given(st.data())
    def check(data):
        receiver = data.draw(receivers, label="receiver")
        bound = getattr(receiver, method)
        params = fuzzkit.params_of(bound)
        args, kwargs = data.draw(fuzzkit.hostile_arguments(params or []), label="arguments")
        _call(f"{entry.name}.{method}", bound, args, kwargs)

    check()
