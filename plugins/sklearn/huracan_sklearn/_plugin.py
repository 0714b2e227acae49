"""Entry point of the ``huracan-sklearn`` plugin: registers the scikit-learn baselines.

Imports only ``huracan_core`` and the standard library: scikit-learn, numpy
and pandas are imported when a learner is built, never at discovery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from huracan_core import ComponentSpec, DatasetShape, ModelInfo, OutputSchema, SearchParam, hookimpl

_PKG = "huracan_sklearn.learners"
_POINT = OutputSchema(kind="point", columns=("prediction",), dtype="float64")
_LABEL = OutputSchema(kind="direction", columns=("prediction",), dtype="int64")
_C = SearchParam(type="float", low=1e-3, high=1e2, log=True)
_CLASS_WEIGHT = SearchParam(type="categorical", choices=(None, "balanced"))
_KNN_SPACE = {
    "n_neighbors": SearchParam(type="int", low=3, high=200, log=True),
    "weights": SearchParam(type="categorical", choices=("uniform", "distance")),
    "p": SearchParam(type="categorical", choices=(1, 2)),
}
_TREE_SPACE = {
    "max_depth": SearchParam(type="int", low=2, high=12),
    "min_samples_leaf": SearchParam(type="int", low=1, high=200, log=True),
}
_FOREST_SPACE = {
    "n_estimators": SearchParam(type="int", low=50, high=500, step=50),
    "max_depth": SearchParam(type="int", low=3, high=16),
    "min_samples_leaf": SearchParam(type="int", low=1, high=100, log=True),
    "max_features": SearchParam(type="categorical", choices=("sqrt", "log2", 0.5, 1.0)),
}


def _learner(
    name: str,
    cls: str,
    purpose: str,
    *,
    task: str,
    search_space: Mapping[str, SearchParam],
    min_rows: int,
    max_rows: int | None = None,
    capabilities: tuple[str, ...] = (),
    test_params: Mapping[str, Any] | None = None,
) -> ComponentSpec:
    return ComponentSpec(
        name=name,
        kind="learner",
        factory=f"{_PKG}:{cls}",
        requires=("sklearn",),
        test_params=dict(test_params or {}),
        info=ModelInfo(
            purpose=purpose,
            ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=min_rows, max_rows=max_rows),
            feature_requirements=("any",),
            output_schema=_POINT if task == "regression" else _LABEL,
            market_regimes=("any",),
            task=task,
            backend="sklearn",
            # row-wise models: the prediction at t reads only row t's (causal) features
            capabilities=("causal", *capabilities),
            search_space=dict(search_space),
        ),
    )


def _specs() -> list[ComponentSpec]:
    reg, clf = "regression", "classification"
    return [
        _learner(
            "linear_regression",
            "LinearRegressionLearner",
            "Ordinary least squares: the baseline every return-regression model must beat, a purely linear signal.",
            task=reg,
            min_rows=50,
            search_space={"fit_intercept": SearchParam(type="categorical", choices=(True, False))},
        ),
        _learner(
            "ridge",
            "RidgeLearner",
            "L2-regularised linear regression: the baseline for return regression on many correlated features (lags, indicators).",
            task=reg,
            min_rows=50,
            search_space={"alpha": SearchParam(type="float", low=1e-3, high=1e3, log=True)},
        ),
        _learner(
            "logistic_regression",
            "LogisticRegressionLearner",
            "Logistic regression on standardised features: the linear baseline for direction classification, with probabilities.",
            task=clf,
            min_rows=100,
            capabilities=("probabilities",),
            search_space={"C": _C, "class_weight": _CLASS_WEIGHT},
        ),
        _learner(
            "knn_classifier",
            "KNeighborsClassifierLearner",
            "k-nearest-neighbour vote on standardised features: the pattern-matching baseline for direction classification (similar past states, similar moves).",
            task=clf,
            min_rows=200,
            max_rows=200_000,
            capabilities=("probabilities",),
            search_space=_KNN_SPACE,
        ),
        _learner(
            "knn_regressor",
            "KNeighborsRegressorLearner",
            "k-nearest-neighbour average on standardised features: the pattern-matching baseline for return regression.",
            task=reg,
            min_rows=200,
            max_rows=200_000,
            search_space=_KNN_SPACE,
        ),
        _learner(
            "svm_classifier",
            "SVMClassifierLearner",
            "Kernel SVM on standardised features: the non-linear max-margin baseline for direction classification on up to ~20k rows.",
            task=clf,
            min_rows=100,
            max_rows=20_000,
            search_space={
                "C": SearchParam(type="float", low=1e-2, high=1e2, log=True),
                "kernel": SearchParam(type="categorical", choices=("rbf", "linear")),
                "gamma": SearchParam(type="categorical", choices=("scale", "auto")),
                "class_weight": _CLASS_WEIGHT,
            },
        ),
        _learner(
            "svm_regressor",
            "SVMRegressorLearner",
            "Kernel epsilon-SVR on standardised features: the non-linear robust-loss baseline for return regression on up to ~20k rows.",
            task=reg,
            min_rows=100,
            max_rows=20_000,
            search_space={
                "C": SearchParam(type="float", low=1e-2, high=1e2, log=True),
                "epsilon": SearchParam(type="float", low=1e-5, high=1e-2, log=True),
                "kernel": SearchParam(type="categorical", choices=("rbf", "linear")),
            },
        ),
        _learner(
            "linear_svm_classifier",
            "LinearSVMClassifierLearner",
            "Linear SVM (liblinear) on standardised features: the max-margin baseline for direction classification on large data, where kernel SVMs are too slow.",
            task=clf,
            min_rows=100,
            search_space={"C": _C, "class_weight": _CLASS_WEIGHT},
        ),
        _learner(
            "linear_svm_regressor",
            "LinearSVMRegressorLearner",
            "Linear SVR (liblinear, primal) on standardised features: the max-margin linear baseline for return regression on large data.",
            task=reg,
            min_rows=100,
            search_space={
                "C": _C,
                "epsilon": SearchParam(type="float", low=0.0, high=1e-2),
                "loss": SearchParam(type="categorical", choices=("squared_epsilon_insensitive", "epsilon_insensitive")),
            },
        ),
        _learner(
            "decision_tree_classifier",
            "DecisionTreeClassifierLearner",
            "Single CART tree: the interpretable non-linear baseline for direction classification that tree ensembles must beat.",
            task=clf,
            min_rows=200,
            capabilities=("probabilities", "feature_importance"),
            search_space=_TREE_SPACE,
            test_params={"max_depth": 4},
        ),
        _learner(
            "decision_tree_regressor",
            "DecisionTreeRegressorLearner",
            "Single CART tree: the interpretable non-linear baseline for return regression that tree ensembles must beat.",
            task=reg,
            min_rows=200,
            capabilities=("feature_importance",),
            search_space=_TREE_SPACE,
            test_params={"max_depth": 4},
        ),
        _learner(
            "random_forest_classifier",
            "RandomForestClassifierLearner",
            "Random forest: the strong tabular baseline for direction classification that boosted trees and deep models must beat.",
            task=clf,
            min_rows=500,
            capabilities=("probabilities", "feature_importance"),
            search_space=_FOREST_SPACE,
            test_params={"n_estimators": 10, "max_depth": 4},
        ),
        _learner(
            "random_forest_regressor",
            "RandomForestRegressorLearner",
            "Random forest: the strong tabular baseline for return regression that boosted trees and deep models must beat.",
            task=reg,
            min_rows=500,
            capabilities=("feature_importance",),
            search_space=_FOREST_SPACE,
            test_params={"n_estimators": 10, "max_depth": 4},
        ),
        ComponentSpec(
            name="kmeans_regime_detector",
            kind="learner",
            factory="huracan_sklearn.regime:KMeansRegimeDetector",
            requires=("sklearn",),
            test_params={"trend_window": 20, "vol_window": 10, "percentile_window": 60, "n_init": 3},
            info=ModelInfo(
                purpose=(
                    "K-means on causal trend/volatility features, clusters named by the core's regime rule: "
                    "the unsupervised baseline for regime detection that rule-based and learned detectors are compared with."
                ),
                ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=300),
                feature_requirements=("ohlcv",),
                output_schema=OutputSchema(kind="regime", columns=("regime",), dtype="str"),
                market_regimes=("any",),
                task="regime_detection",
                backend="sklearn",
                capabilities=("causal",),
                search_space={
                    "n_clusters": SearchParam(type="int", low=3, high=8),
                    "trend_window": SearchParam(type="int", low=20, high=100, step=10),
                    "vol_window": SearchParam(type="int", low=10, high=60, step=5),
                    "trend_threshold": SearchParam(type="float", low=0.15, high=0.5),
                    "vol_threshold": SearchParam(type="float", low=0.6, high=0.95),
                },
            ),
        ),
    ]


@hookimpl
def huracan_register_learners(register: Callable[[ComponentSpec], None]) -> None:
    """Register the scikit-learn baseline learners and the K-means regime detector."""
    for spec in _specs():
        register(spec)
