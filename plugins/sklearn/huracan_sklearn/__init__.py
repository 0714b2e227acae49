"""Huracan's scikit-learn plugin: baseline learners and K-means regime detection.

Importing this package is cheap: the entry point ``huracan_sklearn._plugin``
lives inside it and discovery must not import scikit-learn, numpy or pandas.
The learner classes are imported on first attribute access.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "TRUSTED_TYPES": "huracan_sklearn._base",
    "SklearnLearner": "huracan_sklearn._base",
    "DecisionTreeClassifierLearner": "huracan_sklearn.learners",
    "DecisionTreeRegressorLearner": "huracan_sklearn.learners",
    "KNeighborsClassifierLearner": "huracan_sklearn.learners",
    "KNeighborsRegressorLearner": "huracan_sklearn.learners",
    "LinearRegressionLearner": "huracan_sklearn.learners",
    "LinearSVMClassifierLearner": "huracan_sklearn.learners",
    "LinearSVMRegressorLearner": "huracan_sklearn.learners",
    "LogisticRegressionLearner": "huracan_sklearn.learners",
    "RandomForestClassifierLearner": "huracan_sklearn.learners",
    "RandomForestRegressorLearner": "huracan_sklearn.learners",
    "RidgeLearner": "huracan_sklearn.learners",
    "SVMClassifierLearner": "huracan_sklearn.learners",
    "SVMRegressorLearner": "huracan_sklearn.learners",
    "KMeansRegimeDetector": "huracan_sklearn.regime",
    "label_centroids": "huracan_sklearn.regime",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'huracan_sklearn' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = sorted(_LAZY)
