"""Huracan's scikit-learn plugin: baseline learners and K-means regime detection.

Importing this package is cheap: the entry point ``huracan_sklearn._plugin``
lives inside it and discovery must not import scikit-learn, numpy or pandas.
The learner classes are imported on first attribute access.
"""

from __future__ import annotations

from huracan_core import lazy_exports

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


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = sorted(_LAZY)
