"""Behaviour of the wrapped learners: outputs, learning, seeds, feature names, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn.exceptions
from huracan_sklearn import learners as L

import huracan_core
from huracan_core import DataContractError
from huracan_core.trainers import LocalTrainer

REGRESSORS = [
    L.LinearRegressionLearner,
    L.RidgeLearner,
    L.KNeighborsRegressorLearner,
    L.SVMRegressorLearner,
    L.LinearSVMRegressorLearner,
    L.DecisionTreeRegressorLearner,
    L.RandomForestRegressorLearner,
]
CLASSIFIERS = [
    L.LogisticRegressionLearner,
    L.KNeighborsClassifierLearner,
    L.SVMClassifierLearner,
    L.LinearSVMClassifierLearner,
    L.DecisionTreeClassifierLearner,
    L.RandomForestClassifierLearner,
]


def _small(cls):
    return cls(n_estimators=20) if "n_estimators" in cls().get_params() else cls()


@pytest.mark.parametrize("cls", REGRESSORS, ids=lambda c: c.__name__)
def test_regressor_learns_and_returns_series_indexed_like_input(cls, tabular):
    X, y, _ = tabular
    model = _small(cls).fit(X.iloc[:300], y.iloc[:300])
    pred = model.predict(X.iloc[300:])
    assert isinstance(pred, pd.Series) and pred.name == "prediction" and pred.dtype == "float64"
    assert pred.index.equals(X.index[300:])
    # out of sample, every baseline finds the one real signal: correlation with the truth > 0.8
    assert np.corrcoef(pred.to_numpy(), y.iloc[300:].to_numpy())[0, 1] > 0.8
    assert list(model.feature_names_in_) == ["signal", "noise_a", "noise_b"]
    # numpy in -> numpy out, same numbers (scikit-learn warns that the names cannot be checked)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        values = model.predict(X.iloc[300:].to_numpy())
    assert np.array_equal(values, pred.to_numpy())


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=lambda c: c.__name__)
def test_classifier_learns_and_labels_come_from_classes(cls, tabular):
    X, _, y = tabular
    model = _small(cls).fit(X.iloc[:300], y.iloc[:300])
    pred = model.predict(X.iloc[300:])
    assert pred.index.equals(X.index[300:]) and set(pred.unique()) <= {0, 1}
    assert list(model.classes_) == [0, 1]
    assert (pred.to_numpy() == y.iloc[300:].to_numpy()).mean() > 0.8
    if hasattr(model, "predict_proba"):
        proba = model.predict_proba(X.iloc[300:])
        assert list(proba.columns) == [0, 1] and proba.index.equals(X.index[300:])
        np.testing.assert_allclose(proba.sum(axis=1).to_numpy(), 1.0)


def test_svm_classifier_has_scores_not_probabilities(tabular):
    X, _, y = tabular
    model = L.SVMClassifierLearner().fit(X, y)
    assert not hasattr(model, "predict_proba")
    scores = model.decision_function(X)
    assert isinstance(scores, pd.Series) and scores.index.equals(X.index)
    assert ((scores.to_numpy() > 0).astype(int) == model.predict(X).to_numpy()).all()


def test_scale_sensitive_models_standardise_on_training_rows(tabular):
    X, _, y = tabular
    model = L.KNeighborsClassifierLearner().fit(X.iloc[:300], y.iloc[:300])
    scaler = model.estimator_[0]
    np.testing.assert_allclose(scaler.mean_, X.iloc[:300].mean().to_numpy())
    # without scaling, the huge 'noise_b' column dominates the distances and accuracy collapses
    raw = L.KNeighborsClassifierLearner(scale_features=False).fit(X.iloc[:300], y.iloc[:300])
    acc_scaled = (model.predict(X.iloc[300:]) == y.iloc[300:]).mean()
    acc_raw = (raw.predict(X.iloc[300:]) == y.iloc[300:]).mean()
    assert acc_scaled > acc_raw + 0.15


@pytest.mark.parametrize(
    "cls", [L.DecisionTreeRegressorLearner, L.RandomForestRegressorLearner], ids=lambda c: c.__name__
)
def test_feature_importance_names_the_signal(cls, tabular):
    X, y, _ = tabular
    importance = _small(cls).fit(X, y).feature_importance()
    assert importance.index[0] == "signal" and importance.iloc[0] > 0.5
    assert importance.sum() == pytest.approx(1.0)


def test_same_seed_same_predictions_other_seed_differs(tabular):
    X, y, _ = tabular
    a = L.RandomForestRegressorLearner(n_estimators=10, random_state=1).fit(X, y).predict(X)
    b = L.RandomForestRegressorLearner(n_estimators=10, random_state=1).fit(X, y).predict(X)
    c = L.RandomForestRegressorLearner(n_estimators=10, random_state=2).fit(X, y).predict(X)
    assert a.equals(b)
    assert not a.equals(c)


def test_local_trainer_fits_without_validation_keywords(tabular):
    X, y, _ = tabular
    model = LocalTrainer().train(L.RidgeLearner(), X.iloc[:300], y.iloc[:300], X_val=X.iloc[300:], y_val=y.iloc[300:])
    assert isinstance(model, L.RidgeLearner) and model.n_features_in_ == 3


# -- errors ------------------------------------------------------------------
def test_unfitted_error_is_both_huracan_and_sklearn(tabular):
    X, _, _ = tabular
    with pytest.raises(huracan_core.NotFittedError, match="not fitted yet; call 'fit'") as info:
        L.RidgeLearner().predict(X)
    assert isinstance(info.value, sklearn.exceptions.NotFittedError)


def test_nan_names_column_and_timestamp(tabular):
    X, y, _ = tabular
    bad = X.copy()
    bad.iloc[7, 1] = np.nan
    with pytest.raises(DataContractError, match=r"column 'noise_a' has NaN at row 7 \(2021-01-01 07:00:00\+00:00\)"):
        L.RidgeLearner().fit(bad, y)
    model = L.RidgeLearner().fit(X, y)
    with pytest.raises(DataContractError, match=r"X \(predict\): column 'noise_a' has NaN at row 7"):
        model.predict(bad)


def test_inf_and_non_numeric_are_named(tabular):
    X, y, _ = tabular
    bad = X.copy()
    bad.iloc[3, 0] = np.inf
    with pytest.raises(DataContractError, match="column 'signal' has inf at row 3"):
        L.RidgeLearner().fit(bad, y)
    text = X.assign(noise_a=X["noise_a"].astype(str))
    with pytest.raises(DataContractError, match="column 'noise_a' must be numeric"):
        L.RidgeLearner().fit(text, y)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        L.RidgeLearner().fit(np.array([[1.0, np.nan], [2.0, 3.0]]), [1.0, 2.0])


def test_empty_input_is_refused(tabular):
    X, y, _ = tabular
    with pytest.raises(DataContractError, match="X: has no rows"):
        L.RidgeLearner().fit(X.iloc[:0], y.iloc[:0])
    model = L.RidgeLearner().fit(X, y)
    with pytest.raises(DataContractError, match=r"X \(predict\): has no rows"):
        model.predict(X.iloc[:0])


def test_wrong_features_at_predict(tabular):
    X, y, _ = tabular
    model = L.RidgeLearner().fit(X, y)
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- renamed"):
        model.predict(X.rename(columns={"noise_b": "renamed"}))
    with pytest.raises(ValueError, match="Feature names must be in the same order as they were in fit"):
        model.predict(X[["noise_a", "signal", "noise_b"]])
    with (
        pytest.warns(UserWarning, match="does not have valid feature names"),
        pytest.raises(ValueError, match="X has 2 features, but RidgeLearner is expecting 3 features as input"),
    ):
        model.predict(X.to_numpy()[:, :2])


def test_misaligned_target_index_is_refused(tabular):
    X, y, _ = tabular
    with pytest.raises(DataContractError, match="y: index does not match X's index"):
        L.RidgeLearner().fit(X, y.shift(1, freq="1h"))
    with pytest.raises(ValueError, match="requires y to be passed"):
        L.RidgeLearner().fit(X, None)
