"""The model registry: the persistent store of trained model versions.

Not to be confused with the *catalog* (the in-process list of installed
components). The registry keeps, for each named model, numbered versions with
their lineage (data fingerprint, feature recipe, parameters, metrics, plugin
versions, seeds, parent), ``champion`` / ``challenger`` aliases overall and per
regime, and the promotion decisions with their evidence.

Storage: SQLite in a project folder by default (standard library only), or
PostgreSQL through a SQLAlchemy URL; artifact files in a local folder or any
fsspec URL, content-addressed by sha256 and verified on every load.

Example::

    from huracan_core.registry import ModelRegistry, data_fingerprint

    registry = ModelRegistry("./huracan-registry")
    mv = registry.register(fitted_learner, name="spy-direction", component="xgb_classifier",
                           task="classification", regime="ranging", metrics={"ic": 0.03},
                           params=fitted_learner.get_params(), data_fingerprint=data_fingerprint(frame))
    registry.promote(mv.ref)                       # champion for "ranging"
    model = registry.load("spy-direction@champion/ranging")
"""

from __future__ import annotations

from huracan_core.registry._artifacts import ArtifactStore, looks_like_pickle
from huracan_core.registry._fingerprint import data_fingerprint
from huracan_core.registry._refs import ALIASES, GRAMMAR, ModelRef, parse_ref
from huracan_core.registry._registry import (
    DEFAULT_REGISTRY,
    REGISTRY_SCHEMA_VERSION,
    Decision,
    ModelRegistry,
    ModelVersion,
    RegistryError,
)

__all__ = [
    "ALIASES",
    "DEFAULT_REGISTRY",
    "GRAMMAR",
    "REGISTRY_SCHEMA_VERSION",
    "ArtifactStore",
    "Decision",
    "ModelRef",
    "ModelRegistry",
    "ModelVersion",
    "RegistryError",
    "data_fingerprint",
    "looks_like_pickle",
    "parse_ref",
]
