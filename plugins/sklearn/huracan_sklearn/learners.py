"""The scikit-learn baseline learners.

Each class wraps one scikit-learn estimator (named in ``_estimator_class``) and
takes exactly that estimator's parameters, so search spaces and ``clone`` use
scikit-learn's names. Defaults differ from scikit-learn's only where
reproducibility needs it (``random_state=0``), where the default would not
converge on market features (``max_iter``) or would ignore return-sized
targets (SVR ``epsilon``). Scale-sensitive models (logistic regression, kNN,
SVMs) add one parameter, ``scale_features`` (default True), which puts a
``StandardScaler`` fitted on the training rows in front of the estimator.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sklearn.base import ClassifierMixin, RegressorMixin

from huracan_sklearn._base import SklearnLearner

__all__ = [
    "DecisionTreeClassifierLearner",
    "DecisionTreeRegressorLearner",
    "KNeighborsClassifierLearner",
    "KNeighborsRegressorLearner",
    "LinearRegressionLearner",
    "LinearSVMClassifierLearner",
    "LinearSVMRegressorLearner",
    "LogisticRegressionLearner",
    "RandomForestClassifierLearner",
    "RandomForestRegressorLearner",
    "RidgeLearner",
    "SVMClassifierLearner",
    "SVMRegressorLearner",
]


class _Classifier(ClassifierMixin, SklearnLearner):
    """Classifier wrapper: ``predict`` returns labels from ``classes_``."""


class _Regressor(RegressorMixin, SklearnLearner):
    """Regressor wrapper: ``predict`` returns float64 point predictions."""


class _ProbaClassifier(_Classifier):
    """A classifier whose wrapped estimator has ``predict_proba``."""

    def predict_proba(self, X: Any) -> Any:
        """Class probabilities: one column per entry of ``classes_``, indexed like a frame ``X``."""
        self._check_fitted()
        X_arr = self._validate_X(X, reset=False)
        return self._wrap(self.estimator_.predict_proba(X_arr), X, columns=list(self.classes_))


class _FeatureImportance:
    """Impurity-based importances of tree models, named by feature."""

    def feature_importance(self) -> pd.Series:
        """Mean decrease in impurity per feature (sums to 1), indexed by feature name, largest first."""
        self._check_fitted()  # type: ignore[attr-defined]
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            names = [f"x{i}" for i in range(self.n_features_in_)]  # type: ignore[attr-defined]
        values = self.estimator_.feature_importances_  # type: ignore[attr-defined]
        return pd.Series(values, index=list(names), name="importance").sort_values(ascending=False, kind="stable")


# -- linear ----------------------------------------------------------------
class LinearRegressionLearner(_Regressor):
    """Ordinary least squares (``sklearn.linear_model.LinearRegression``)."""

    _estimator_class = "sklearn.linear_model:LinearRegression"

    def __init__(self, fit_intercept: bool = True) -> None:
        self.fit_intercept = fit_intercept


class RidgeLearner(_Regressor):
    """L2-regularised least squares (``sklearn.linear_model.Ridge``)."""

    _estimator_class = "sklearn.linear_model:Ridge"

    def __init__(self, alpha: float = 1.0, fit_intercept: bool = True) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept


class LogisticRegressionLearner(_ProbaClassifier):
    """L2-regularised logistic regression (``sklearn.linear_model.LogisticRegression``, lbfgs)."""

    _estimator_class = "sklearn.linear_model:LogisticRegression"

    def __init__(
        self,
        C: float = 1.0,
        class_weight: Any = None,
        max_iter: int = 1000,
        tol: float = 1e-4,
        scale_features: bool = True,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.tol = tol
        self.scale_features = scale_features


# -- nearest neighbours ----------------------------------------------------
class KNeighborsClassifierLearner(_ProbaClassifier):
    """k-nearest-neighbour vote (``sklearn.neighbors.KNeighborsClassifier``)."""

    _estimator_class = "sklearn.neighbors:KNeighborsClassifier"

    def __init__(
        self, n_neighbors: int = 5, weights: str = "uniform", p: float = 2, scale_features: bool = True
    ) -> None:
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.p = p
        self.scale_features = scale_features


class KNeighborsRegressorLearner(_Regressor):
    """k-nearest-neighbour average (``sklearn.neighbors.KNeighborsRegressor``)."""

    _estimator_class = "sklearn.neighbors:KNeighborsRegressor"

    def __init__(
        self, n_neighbors: int = 5, weights: str = "uniform", p: float = 2, scale_features: bool = True
    ) -> None:
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.p = p
        self.scale_features = scale_features


# -- support vector machines -----------------------------------------------
class SVMClassifierLearner(_Classifier):
    """Kernel SVM classifier (``sklearn.svm.SVC``); O(n²) memory, for up to ~20k rows.

    No ``predict_proba``: scikit-learn 1.9 deprecates ``SVC(probability=True)``;
    use ``decision_function`` scores (or logistic regression when probabilities matter).
    """

    _estimator_class = "sklearn.svm:SVC"

    def __init__(
        self,
        C: float = 1.0,
        kernel: str = "rbf",
        gamma: Any = "scale",
        class_weight: Any = None,
        scale_features: bool = True,
    ) -> None:
        self.C = C
        self.kernel = kernel
        self.gamma = gamma
        self.class_weight = class_weight
        self.scale_features = scale_features

    def decision_function(self, X: Any) -> Any:
        """Signed distance to the separating surface (binary) or per-class scores."""
        self._check_fitted()
        X_arr = self._validate_X(X, reset=False)
        values = self.estimator_.decision_function(X_arr)
        return self._wrap(values, X, columns=None if values.ndim == 1 else list(self.classes_))


class SVMRegressorLearner(_Regressor):
    """Kernel epsilon-SVR (``sklearn.svm.SVR``); O(n²) memory, for up to ~20k rows.

    ``epsilon`` defaults to 1e-3, not scikit-learn's 0.1: bar returns are of
    order 1e-2, so a 0.1 tube would contain every target and fit a constant.
    """

    _estimator_class = "sklearn.svm:SVR"

    def __init__(
        self,
        C: float = 1.0,
        kernel: str = "rbf",
        gamma: Any = "scale",
        epsilon: float = 1e-3,
        scale_features: bool = True,
    ) -> None:
        self.C = C
        self.kernel = kernel
        self.gamma = gamma
        self.epsilon = epsilon
        self.scale_features = scale_features


class LinearSVMClassifierLearner(_Classifier):
    """Linear SVM classifier for large data (``sklearn.svm.LinearSVC``, liblinear; linear in n)."""

    _estimator_class = "sklearn.svm:LinearSVC"

    def __init__(
        self,
        C: float = 1.0,
        class_weight: Any = None,
        dual: Any = "auto",
        max_iter: int = 5000,
        random_state: int | None = 0,
        scale_features: bool = True,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.dual = dual
        self.max_iter = max_iter
        self.random_state = random_state
        self.scale_features = scale_features

    def decision_function(self, X: Any) -> Any:
        """Signed distance to the separating hyperplane (binary) or per-class scores."""
        self._check_fitted()
        X_arr = self._validate_X(X, reset=False)
        values = self.estimator_.decision_function(X_arr)
        return self._wrap(values, X, columns=None if values.ndim == 1 else list(self.classes_))


class LinearSVMRegressorLearner(_Regressor):
    """Linear SVR for large data (``sklearn.svm.LinearSVR``, liblinear).

    ``loss`` defaults to ``squared_epsilon_insensitive`` (solved in the primal,
    fast when rows far outnumber features, which is the point of this variant);
    scikit-learn's default ``epsilon_insensitive`` needs the dual solver, which
    converges slowly on return-sized targets.
    """

    _estimator_class = "sklearn.svm:LinearSVR"

    def __init__(
        self,
        C: float = 1.0,
        epsilon: float = 0.0,
        loss: str = "squared_epsilon_insensitive",
        dual: Any = "auto",
        max_iter: int = 5000,
        random_state: int | None = 0,
        scale_features: bool = True,
    ) -> None:
        self.C = C
        self.epsilon = epsilon
        self.loss = loss
        self.dual = dual
        self.max_iter = max_iter
        self.random_state = random_state
        self.scale_features = scale_features


# -- trees -----------------------------------------------------------------
class DecisionTreeClassifierLearner(_FeatureImportance, _ProbaClassifier):
    """CART classification tree (``sklearn.tree.DecisionTreeClassifier``)."""

    _estimator_class = "sklearn.tree:DecisionTreeClassifier"

    def __init__(
        self,
        max_depth: int | None = None,
        min_samples_leaf: int = 1,
        min_weight_fraction_leaf: float = 0.0,
        class_weight: Any = None,
        random_state: int | None = 0,
    ) -> None:
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.class_weight = class_weight
        self.random_state = random_state


class DecisionTreeRegressorLearner(_FeatureImportance, _Regressor):
    """CART regression tree (``sklearn.tree.DecisionTreeRegressor``)."""

    _estimator_class = "sklearn.tree:DecisionTreeRegressor"

    def __init__(
        self,
        max_depth: int | None = None,
        min_samples_leaf: int = 1,
        min_weight_fraction_leaf: float = 0.0,
        random_state: int | None = 0,
    ) -> None:
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.random_state = random_state


class RandomForestClassifierLearner(_FeatureImportance, _ProbaClassifier):
    """Bagged CART classifiers (``sklearn.ensemble.RandomForestClassifier``)."""

    _estimator_class = "sklearn.ensemble:RandomForestClassifier"

    def __init__(
        self,
        n_estimators: int = 100,
        max_depth: int | None = None,
        min_samples_leaf: int = 1,
        max_features: Any = "sqrt",
        class_weight: Any = None,
        n_jobs: int | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.class_weight = class_weight
        self.n_jobs = n_jobs
        self.random_state = random_state


class RandomForestRegressorLearner(_FeatureImportance, _Regressor):
    """Bagged CART regressors (``sklearn.ensemble.RandomForestRegressor``)."""

    _estimator_class = "sklearn.ensemble:RandomForestRegressor"

    def __init__(
        self,
        n_estimators: int = 100,
        max_depth: int | None = None,
        min_samples_leaf: int = 1,
        max_features: Any = 1.0,
        n_jobs: int | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.n_jobs = n_jobs
        self.random_state = random_state
