"""Helpers for testing code built on sfa_core (install the ``testing`` extra).

* :mod:`sfa_core.testing.contracts`: contract test classes that prove a host's
  repositories honour the protocols of :mod:`sfa_core.ports`.
* :mod:`sfa_core.testing.strategies`: Hypothesis strategies for money, rules, the
  catalog (products, price books, tiers, schedules, subscriptions), price rules,
  promotions, tax, quotes and whole pricing scenarios (``pricing_scenarios()``), to
  property-test a host's own rules.
"""
