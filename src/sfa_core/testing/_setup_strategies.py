"""Hypothesis strategies for the stored pricing setup and the versions a priced quote records."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from sfa_core.pricing.setup import ContractedPrices, PricingSettings, PricingSetup, SetupVersions
from sfa_core.testing._money_strategies import exchange_rates, money
from sfa_core.testing._pricing_strategies import (
    discount_schedules,
    pricing_options,
    promotions,
    rate_tax_policies,
    rule_sets,
)

__all__ = ["contracted_prices", "pricing_settings", "pricing_setups", "setup_versions"]

_VERSIONS = st.integers(min_value=0, max_value=10**6)
_IDS = st.text(alphabet="ABCDEFGHKLMNPRSTVWXYZ-0123456789", min_size=1, max_size=12).filter(
    lambda s: s == s.strip()
)


def contracted_prices(currency: str | None = None) -> st.SearchStrategy[ContractedPrices]:
    """Contracted prices of one account: a few SKUs, each with a price, any version.

    Args:
        currency: The currency of every price (any currency when ``None``).

    Returns:
        A strategy of :class:`~sfa_core.pricing.ContractedPrices`.

    Example:
        >>> from hypothesis import find
        >>> find(contracted_prices("EUR"), lambda c: True).prices
        {}
    """
    return st.builds(
        ContractedPrices,
        account=_IDS,
        prices=st.dictionaries(_IDS, money(currency, 0, 10**9), max_size=4),
        version=_VERSIONS,
    )


def pricing_settings() -> st.SearchStrategy[PricingSettings]:
    """Pricing settings: with or without a tax policy and rates, any options and version.

    Returns:
        A strategy of :class:`~sfa_core.pricing.PricingSettings`.

    Example:
        >>> from hypothesis import find
        >>> find(pricing_settings(), lambda s: True).tax is None
        True
    """
    return st.builds(
        PricingSettings,
        id=_IDS,
        tax=st.none() | rate_tax_policies(),
        rates=st.none() | exchange_rates(),
        options=pricing_options(allow_negative_prices=None),
        version=_VERSIONS,
    )


def setup_versions() -> st.SearchStrategy[SetupVersions]:
    """The versions a priced quote records.

    Returns:
        A strategy of :class:`~sfa_core.pricing.SetupVersions`.

    Example:
        >>> from hypothesis import find
        >>> find(setup_versions(), lambda v: True).settings is None
        True
    """
    versions = st.dictionaries(_IDS, _VERSIONS, max_size=3)
    return st.builds(
        SetupVersions,
        rule_sets=versions,
        schedules=versions,
        promotions=versions,
        contracted_prices=st.none() | _VERSIONS,
        settings=st.none() | _VERSIONS,
    )


def _unique_ids(items: list[Any]) -> bool:
    ids = [item.id for item in items]
    return len(ids) == len(set(ids))


def pricing_setups() -> st.SearchStrategy[PricingSetup]:
    """Whole pricing setups: rule sets, schedules and promotions with distinct ids.

    Returns:
        A strategy of :class:`~sfa_core.pricing.PricingSetup`.

    Example:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5, database=None)
        ... @given(pricing_setups())
        ... def ids_are_distinct(setup):
        ...     assert len({r.id for r in setup.rule_sets}) == len(setup.rule_sets)
        >>> ids_are_distinct()
    """
    return st.builds(
        PricingSetup,
        rule_sets=st.lists(rule_sets(), max_size=2).filter(_unique_ids),
        schedules=st.lists(discount_schedules(), max_size=2).filter(_unique_ids),
        promotions=st.lists(promotions(), max_size=2).filter(_unique_ids),
        contracted=st.none() | contracted_prices(),
        settings=st.none() | pricing_settings(),
    )
