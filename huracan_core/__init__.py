"""Huracan core: the plugin contract, the catalog, and the helpers every plugin shares.

Importing ``huracan_core`` is cheap (no numpy, no pandas): plugin modules import
it at discovery time. Names that need numpy/pandas are imported on first use.
"""

from __future__ import annotations

from huracan_core._catalog import Catalog, Exclusion, load_catalog, reset_catalog
from huracan_core._errors import (
    ArtifactError,
    CatalogError,
    CausalityError,
    ComponentNotFoundError,
    ConfigError,
    DataContractError,
    HuracanError,
    NotFittedError,
    PluginError,
    RequirementError,
    SpecError,
)
from huracan_core._hookspecs import hookimpl, hookspec
from huracan_core._lazy import lazy_exports
from huracan_core._model_info import DatasetShape, ModelInfo, OutputSchema, SearchParam
from huracan_core._plugins import PluginFailure, PluginRecord
from huracan_core._spec import ComponentSpec, DatasetSpec
from huracan_core._vocab import (
    CAPABILITIES,
    FEATURE_TAGS,
    KINDS,
    LAYOUTS,
    MARKET_REGIMES,
    OUTPUT_KINDS,
    REGIMES,
    SCHEMA_VERSION,
    TASKS,
    expand_regime,
)

__version__ = "0.1.0"

# name -> module, imported on first attribute access (these modules need numpy/pandas)
_LAZY = {
    "BaseComponent": "huracan_core.interfaces",
    "DEFAULT_RECIPE": "huracan_core.recipe",
    "LocalTrainer": "huracan_core.trainers",
    "ModelRegistry": "huracan_core.registry",
    "PurgedKFold": "huracan_core.validation",
    "Recipe": "huracan_core.recipe",
    "RecipeStep": "huracan_core.recipe",
    "Target": "huracan_core.targets",
    "UnifiedPipeline": "huracan_core.mechanic",
    "WalkForward": "huracan_core.validation",
    "Windows": "huracan_core.windowing",
    "audit_features": "huracan_core.audit",
    "check_causality": "huracan_core.causality",
    "check_is_fitted": "huracan_core.interfaces",
    "data_fingerprint": "huracan_core.registry",
    "direction_target": "huracan_core.targets",
    "evaluate_signal": "huracan_core.metrics",
    "forward_return_target": "huracan_core.targets",
    "holdout_split": "huracan_core.validation",
    "label_regimes": "huracan_core.regimes",
    "make_windows": "huracan_core.windowing",
    "regime_features": "huracan_core.regimes",
    "run_mechanic": "huracan_core.mechanic",
    "triple_barrier_target": "huracan_core.targets",
    "validate_feature_frame": "huracan_core.data",
    "validate_market_frame": "huracan_core.data",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "CAPABILITIES",
    "DEFAULT_RECIPE",
    "FEATURE_TAGS",
    "KINDS",
    "LAYOUTS",
    "MARKET_REGIMES",
    "OUTPUT_KINDS",
    "REGIMES",
    "SCHEMA_VERSION",
    "TASKS",
    "ArtifactError",
    "BaseComponent",
    "Catalog",
    "CatalogError",
    "CausalityError",
    "ComponentNotFoundError",
    "ComponentSpec",
    "ConfigError",
    "DataContractError",
    "DatasetShape",
    "DatasetSpec",
    "Exclusion",
    "HuracanError",
    "LocalTrainer",
    "ModelInfo",
    "ModelRegistry",
    "NotFittedError",
    "OutputSchema",
    "PluginError",
    "PluginFailure",
    "PluginRecord",
    "PurgedKFold",
    "Recipe",
    "RecipeStep",
    "RequirementError",
    "SearchParam",
    "SpecError",
    "Target",
    "UnifiedPipeline",
    "WalkForward",
    "Windows",
    "audit_features",
    "check_causality",
    "check_is_fitted",
    "data_fingerprint",
    "direction_target",
    "evaluate_signal",
    "expand_regime",
    "forward_return_target",
    "holdout_split",
    "hookimpl",
    "hookspec",
    "label_regimes",
    "lazy_exports",
    "load_catalog",
    "make_windows",
    "regime_features",
    "reset_catalog",
    "run_mechanic",
    "triple_barrier_target",
    "validate_feature_frame",
    "validate_market_frame",
]
