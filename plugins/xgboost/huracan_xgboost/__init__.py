"""Huracan's XGBoost plugin: gradient-boosted tree classifier and regressor.

Importing this package is cheap (the entry point ``huracan_xgboost._plugin``
lives inside it and discovery must not import xgboost); the learners are
imported on first attribute access.
"""

from __future__ import annotations

from huracan_core import lazy_exports

__version__ = "0.1.0"

_LAZY = {
    "IMPORTANCE_TYPES": "huracan_xgboost.learners",
    "XGBoostClassifier": "huracan_xgboost.learners",
    "XGBoostRegressor": "huracan_xgboost.learners",
    "cuda_available": "huracan_xgboost.learners",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = sorted(_LAZY)
