"""CPQ product configuration: a backtrack-free configurator that says why.

A configurable product (a bundle) has features, each offering options; the
configurator answers, after every choice of the user, which options and
attribute values can still be chosen so that a complete valid configuration
remains, which are forced, and why.
"""

from __future__ import annotations

from sfa_core.configure.completion import ConflictingSelectionsError, Preference, complete
from sfa_core.configure.configurator import (
    DEFAULT_EFFORT,
    Alert,
    ConfigurationState,
    ConfigurationStatus,
    Conflict,
    ConstraintRef,
    EffortExceededError,
    Reason,
    Repairs,
    Selections,
    UnsatisfiableModelError,
    check_model,
    configure,
    explain,
    repair,
)
from sfa_core.configure.model import (
    Attribute,
    Bundle,
    Compatibility,
    ConfigurationModel,
    Excludes,
    Feature,
    Option,
    ProductRule,
    QuantityRelation,
    Requires,
    RuleKind,
    SelectionAction,
    SelectionKind,
)

__all__ = [
    "DEFAULT_EFFORT",
    "Alert",
    "Attribute",
    "Bundle",
    "Compatibility",
    "ConfigurationModel",
    "ConfigurationState",
    "ConfigurationStatus",
    "Conflict",
    "ConflictingSelectionsError",
    "ConstraintRef",
    "EffortExceededError",
    "Excludes",
    "Feature",
    "Option",
    "Preference",
    "ProductRule",
    "QuantityRelation",
    "Reason",
    "Repairs",
    "Requires",
    "RuleKind",
    "SelectionAction",
    "SelectionKind",
    "Selections",
    "UnsatisfiableModelError",
    "check_model",
    "complete",
    "configure",
    "explain",
    "repair",
]
