"""Huracan's XGBoost plugin: gradient-boosted tree classifier and regressor.

Importing this package is cheap (the entry point ``huracan_xgboost._plugin``
lives inside it and discovery must not import xgboost); the learners are
imported on first attribute access.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "IMPORTANCE_TYPES": "huracan_xgboost.learners",
    "XGBoostClassifier": "huracan_xgboost.learners",
    "XGBoostRegressor": "huracan_xgboost.learners",
    "cuda_available": "huracan_xgboost.learners",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'huracan_xgboost' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = sorted(_LAZY)
