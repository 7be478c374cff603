"""The pricing setup's repositories: what an admin edits, stored with its history.

Each stores one kind of versioned value by key, like every repository
(:class:`~sfa_core.ports.VersionedRepository`), and adds two reads the engine
needs:

* ``versions()`` answers every key's current version in one cheap read, so the
  engine reloads only what changed since it last priced;
* ``revision(key, version)`` returns a value as it was stored at an earlier
  version (kept after later updates and after a delete), so a quote priced
  long ago can be priced again with exactly the setup that priced it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from sfa_core.ports.versioned import V, VersionedRepository

__all__ = [
    "ContractedPricesRepository",
    "DiscountScheduleRepository",
    "PricingSettingsRepository",
    "PromotionRepository",
    "RuleSetRepository",
    "SetupRepository",
]


@runtime_checkable
class SetupRepository(VersionedRepository[V], Protocol[V]):
    """A versioned repository that also answers versions and keeps every revision.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.pricing import DiscountSchedule
        >>> schedules = MemoryStore().discount_schedules
        >>> first = schedules.add(DiscountSchedule("VOL", [(9, 0), (None, 5)]))
        >>> _ = schedules.update(DiscountSchedule("VOL", [(9, 0), (None, 7)], version=1))
        >>> schedules.versions()
        {'VOL': 2}
        >>> schedules.revision("VOL", 1) == first
        True
    """

    def versions(self) -> dict[str, int]:
        """Return the current version of every stored value, by key.

        Returns:
            A new dict of key to version; empty when nothing is stored.
        """
        ...

    def revision(self, key: str, version: int, /) -> V:
        """Return the value ``key`` as it was stored at ``version``.

        Every stored version is kept, even after the value is updated again or
        deleted (a key deleted and then added again starts its versions anew,
        and its new revisions replace the old ones of the same numbers).

        Args:
            key: The value's key.
            version: A version it was stored at (1, 2, ...).

        Returns:
            The value, with that ``version``.

        Raises:
            NotFoundError: No value ``key`` was ever stored at ``version``
                (the error's key is ``"<key>@<version>"``).
        """
        ...


# The value classes are named for the type checker only: importing the ports
# must not import the pricing package (a catalog-only host never needs it).
if TYPE_CHECKING:
    from sfa_core.pricing import (
        ContractedPrices,
        DiscountSchedule,
        PricingSettings,
        Promotion,
        RuleSet,
    )

    _RuleSets = SetupRepository[RuleSet]
    _Schedules = SetupRepository[DiscountSchedule]
    _Promotions = SetupRepository[Promotion]
    _ContractedPrices = SetupRepository[ContractedPrices]
    _Settings = SetupRepository[PricingSettings]
else:
    _RuleSets = _Schedules = _Promotions = _ContractedPrices = _Settings = SetupRepository[Any]


@runtime_checkable
class RuleSetRepository(_RuleSets, Protocol):
    """Stores :class:`~sfa_core.pricing.RuleSet` values by id (kind ``"rule set"``).

    Prove an implementation with
    :class:`~sfa_core.testing.contracts.RuleSetRepositoryContract`.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().rule_sets, RuleSetRepository)
        True
    """


@runtime_checkable
class DiscountScheduleRepository(_Schedules, Protocol):
    """Stores :class:`~sfa_core.pricing.DiscountSchedule` values by id (``"discount schedule"``).

    Prove an implementation with
    :class:`~sfa_core.testing.contracts.DiscountScheduleRepositoryContract`.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().discount_schedules, DiscountScheduleRepository)
        True
    """


@runtime_checkable
class PromotionRepository(_Promotions, Protocol):
    """Stores :class:`~sfa_core.pricing.Promotion` values by id (kind ``"promotion"``).

    Prove an implementation with
    :class:`~sfa_core.testing.contracts.PromotionRepositoryContract`.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().promotions, PromotionRepository)
        True
    """


@runtime_checkable
class ContractedPricesRepository(_ContractedPrices, Protocol):
    """Stores :class:`~sfa_core.pricing.ContractedPrices` by account (kind ``"contracted prices"``).

    Prove an implementation with
    :class:`~sfa_core.testing.contracts.ContractedPricesRepositoryContract`.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().contracted_prices, ContractedPricesRepository)
        True
    """


@runtime_checkable
class PricingSettingsRepository(_Settings, Protocol):
    """Stores :class:`~sfa_core.pricing.PricingSettings` by id (kind ``"pricing settings"``).

    Prove an implementation with
    :class:`~sfa_core.testing.contracts.PricingSettingsRepositoryContract`.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().pricing_settings, PricingSettingsRepository)
        True
    """
