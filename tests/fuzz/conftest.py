"""Fixtures of the fuzz suite: the helpers importable, a scratch directory, a watchdog."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import fuzzkit


@pytest.fixture(autouse=True)
def _scratch_directory(tmp_path, monkeypatch):
    # Hostile strings are also file names: whatever a constructor creates lands here.
    monkeypatch.chdir(tmp_path)


def _uncaptured_stderr(config):
    # pytest's faulthandler plugin keeps a copy of the real stderr; use it when it is
    # there, so that the watchdog's stacks are seen even while output is captured.
    try:
        from _pytest.faulthandler import fault_handler_stderr_fd_key

        return config.stash[fault_handler_stderr_fd_key]
    except (ImportError, KeyError, AttributeError):
        return None


@pytest.fixture(autouse=True)
def _watchdog(request):
    with fuzzkit.watchdog(stream=_uncaptured_stderr(request.config)):
        yield
