"""The project's controlled vocabularies, defined once.

Every plugin, the simulator, the regime detectors and the Mechanic use these
labels; model info is validated against them.
"""

from __future__ import annotations

from typing import Final

SCHEMA_VERSION: Final = "1.0"
"""Version of the model-info and dataset-spec JSON Schemas shipped in the core."""

REGIMES: Final = ("trending_up", "trending_down", "ranging", "volatile")
"""One label per bar. Precedence when labelling: volatile > trending_* > ranging."""

REGIME_ANY: Final = "any"
"""Regime-agnostic components declare ``market_regimes=["any"]``."""

REGIME_FAMILIES: Final = {"trending": ("trending_up", "trending_down")}
"""Family names accepted in queries; ``trending`` matches both trending labels."""

MARKET_REGIMES: Final = (*REGIMES, REGIME_ANY)

KINDS: Final = (
    "preprocessor",
    "learner",
    "meta_learner",
    "drift_detector",
    "trainer",
)

TASKS: Final = (
    "regression",
    "classification",
    "regime_detection",
    "generation",
    "representation",
    "anomaly",
    "control",
    "feature_engineering",
    "cleaning",
    "normalization",
    "outlier_detection",
    "decomposition",
    "ensembling",
    "drift_detection",
    "training",
)

LAYOUTS: Final = ("tabular", "window", "episodes")

OUTPUT_KINDS: Final = (
    "point",
    "direction",
    "proba",
    "score",
    "regime",
    "generated",
    "embedding",
    "action",
    "features",
    "frame",
    "drift",
    "model",
)

FEATURE_TAGS: Final = (
    "ohlcv",
    "price",
    "returns",
    "volatility",
    "momentum",
    "trend",
    "volume",
    "regime",
    "embedding",
    "normalized",
    "outlier_flag",
    "lagged",
    "rolling",
    "seasonal",
    "calendar",
    "any",
)
"""Feature tags: what a preprocessor ``provides`` and what a component ``feature_requirements``.

``any`` in requirements means "any numeric features"; ``ohlcv`` means the raw market frame.
"""

CAPABILITIES: Final = (
    "causal",
    "probabilities",
    "incremental",
    "gpu",
    "distributed",
    "jit",
    "feature_importance",
    "early_stopping",
    "checkpointing",
    "missing_values",
    "multi_output",
    "stateful",
    "streaming",
    "non_causal",
    "reindexes",
)

SEARCH_SPACE_TYPES: Final = ("int", "float", "categorical")


def expand_regime(regime: str) -> tuple[str, ...]:
    """Return the bar labels a query regime stands for.

    ``"trending"`` expands to both trending labels; a bar label to itself.

    Raises:
        ValueError: the regime is not in the vocabulary (the message lists the valid values).
    """
    if regime in REGIME_FAMILIES:
        return REGIME_FAMILIES[regime]
    if regime in MARKET_REGIMES:
        return (regime,)
    valid = ", ".join([*MARKET_REGIMES, *REGIME_FAMILIES])
    raise ValueError(f"unknown market regime {regime!r}; expected one of: {valid}")
