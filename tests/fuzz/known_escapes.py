"""Escapes the fuzz suite found and that are not fixed yet: each case is an
xfail(strict=True) until the code is fixed. Then the case passes, strict xfail fails,
and the entry is removed. Keys are test ids without the "sfa_core." prefix; values
are the input that escaped, as the suite reported it. Both are empty: every escape
found so far is fixed, and a new one is fixed rather than listed where possible.
"""

from __future__ import annotations

KNOWN_ESCAPES: dict[str, str] = {}

#: Cases that hang inside C code, where the per-call alarm cannot interrupt them and
#: only the watchdog would end the run: they are not run (xfail, run=False) until
#: fixed.
KNOWN_HANGS: dict[str, str] = {}
