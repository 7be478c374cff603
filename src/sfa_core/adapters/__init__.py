"""Storage adapters shipped with sfa_core.

:mod:`~sfa_core.adapters.memory` and :mod:`~sfa_core.adapters.sqlite`; import the
one you need: neither is imported by ``import sfa_core``.
"""
