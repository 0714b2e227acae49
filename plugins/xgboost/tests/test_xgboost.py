"""XGBoost learners: early stopping, NaN-as-missing, importance, device, persistence, seeds, errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import sklearn.exceptions
from huracan_xgboost.learners import XGBoostClassifier, XGBoostRegressor, cuda_available

import huracan_core
from huracan_core import ArtifactError, DataContractError, load_catalog
from huracan_core.trainers import LocalTrainer

FAST = {"n_estimators": 60, "max_depth": 3, "learning_rate": 0.2, "n_jobs": 1}


@pytest.fixture(scope="module")
def data():
    """600 timestamped rows: y depends on 'signal' (and on 'gappy' where it is not missing)."""
    rng = np.random.default_rng(0)
    n = 600
    index = pd.date_range("2022-01-01", periods=n, freq="1h", tz="UTC", name="timestamp")
    X = pd.DataFrame(
        {"signal": rng.normal(0, 1, n), "noise": rng.normal(0, 1, n), "gappy": rng.normal(0, 1, n)}, index=index
    )
    y_reg = pd.Series(0.01 * X["signal"] + rng.normal(0, 0.002, n), index=index)
    y_cls = pd.Series((X["signal"] + rng.normal(0, 0.3, n) > 0).astype("int64"), index=index)
    return X, y_reg, y_cls


def test_regressor_learns_and_indexes_like_input(data):
    X, y, _ = data
    model = XGBoostRegressor(**FAST).fit(X.iloc[:450], y.iloc[:450])
    pred = model.predict(X.iloc[450:])
    assert isinstance(pred, pd.Series) and pred.name == "prediction" and pred.index.equals(X.index[450:])
    assert np.corrcoef(pred, y.iloc[450:])[0, 1] > 0.9
    assert list(model.feature_names_in_) == ["signal", "noise", "gappy"]
    assert model.device_ == ("cuda" if cuda_available() else "cpu")


def test_classifier_probabilities_and_labels(data):
    X, _, y = data
    labels = y.map({0: "down", 1: "up"})
    model = XGBoostClassifier(**FAST).fit(X.iloc[:450], labels.iloc[:450])
    proba = model.predict_proba(X.iloc[450:])
    assert list(proba.columns) == ["down", "up"] and proba.index.equals(X.index[450:])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    pred = model.predict(X.iloc[450:])
    assert (pred == labels.iloc[450:]).mean() > 0.85
    assert (pred == np.where(proba["up"] > 0.5, "up", "down")).all()


def test_multiclass(data):
    X, _, _ = data
    y = pd.Series(np.digitize(X["signal"], [-0.5, 0.5]), index=X.index)  # 0 / 1 / 2
    model = XGBoostClassifier(**FAST).fit(X, y)
    assert list(model.classes_) == [0, 1, 2] and model.predict_proba(X).shape == (600, 3)
    assert (model.predict(X) == y).mean() > 0.9


def test_early_stopping_on_the_validation_fold(data):
    X, y, _ = data
    model = XGBoostRegressor(n_estimators=2000, learning_rate=0.3, early_stopping_rounds=10, n_jobs=1)
    model.fit(X.iloc[:400], y.iloc[:400], X_val=X.iloc[400:500], y_val=y.iloc[400:500])
    assert model.best_iteration_ < 200 and model.booster_.num_boosted_rounds() == model.best_iteration_ + 11
    # predictions use the best iteration, not the extra 10 rounds after it
    best = model.booster_.predict(
        model._dmatrix(X.iloc[500:].to_numpy(np.float32)), iteration_range=(0, model.best_iteration_ + 1)
    )
    np.testing.assert_array_equal(model.predict(X.iloc[500:]).to_numpy(), best.astype("float64"))
    without = XGBoostRegressor(n_estimators=50, n_jobs=1).fit(X.iloc[:400], y.iloc[:400])
    assert without.best_iteration_ == 49


def test_local_trainer_passes_the_validation_fold(data):
    X, y, _ = data
    trained = LocalTrainer().train(
        XGBoostRegressor(n_estimators=2000, learning_rate=0.3, early_stopping_rounds=5, n_jobs=1),
        X.iloc[:400],
        y.iloc[:400],
        X_val=X.iloc[400:],
        y_val=y.iloc[400:],
    )
    assert trained.best_iteration_ < 200


def test_nan_is_missing_and_inf_is_an_error(data):
    X, y, _ = data
    gappy = X.copy()
    gappy.loc[gappy.index[::3], "gappy"] = np.nan  # a third missing
    model = XGBoostRegressor(**FAST).fit(gappy, y)
    pred = model.predict(gappy)
    assert np.isfinite(pred).all() and np.corrcoef(pred, y)[0, 1] > 0.9
    row = gappy.iloc[[0]].copy()
    row["gappy"] = np.nan
    assert np.isfinite(model.predict(row)).all()
    bad = X.copy()
    bad.iloc[5, 1] = np.inf
    with pytest.raises(DataContractError, match=r"column 'noise' has inf at row 5 .*treats NaN as missing"):
        XGBoostRegressor(**FAST).fit(bad, y)
    with pytest.raises(DataContractError, match=r"X \(predict\): column 'noise' has inf at row 5"):
        model.predict(bad)
    with (
        pytest.warns(UserWarning, match="does not have valid feature names"),
        pytest.raises(ValueError, match="Input X contains infinity"),
    ):
        model.predict(np.array([[np.inf, 0.0, 0.0]]))


def test_model_info_declares_the_missing_value_policy():
    info = load_catalog().get("xgboost_regressor").info
    assert "missing_values" in info.capabilities and "gpu" in info.capabilities
    assert (
        "NaN" in info.to_dict()["missing_value_policy"] and "inf is an error" in info.to_dict()["missing_value_policy"]
    )
    assert load_catalog().get("xgboost_classifier").requires[0] == "xgboost"


@pytest.mark.parametrize("kind", ["gain", "weight", "cover", "total_gain", "total_cover"])
def test_feature_importance_types(data, kind):
    X, y, _ = data
    model = XGBoostRegressor(**FAST).fit(X, y)
    importance = model.feature_importance(kind)
    assert importance.name == kind and set(importance.index) == {"signal", "noise", "gappy"}
    if kind in ("gain", "total_gain"):
        assert importance.index[0] == "signal" and importance.iloc[0] > 10 * importance.iloc[1]
    assert model.feature_importances_.sum() == pytest.approx(1.0)
    assert model.feature_importances_.argmax() == 0


def test_bad_importance_type(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="importance_type must be one of"):
        XGBoostRegressor(**FAST).fit(X, y).feature_importance("split")


def test_device_selection():
    from huracan_xgboost.learners import _resolve_device

    assert _resolve_device("cpu") == "cpu"
    assert _resolve_device("auto") in ("cpu", "cuda")
    with pytest.raises(ValueError, match="device must be 'auto', 'cpu', 'cuda'"):
        _resolve_device("tpu")
    if not cuda_available():
        with pytest.raises(ValueError, match=r"pip install huracan-xgboost\[gpu\]"):
            _resolve_device("cuda")


@pytest.mark.parametrize("cls", [XGBoostClassifier, XGBoostRegressor], ids=lambda c: c.__name__)
def test_ubj_round_trip_is_exact(cls, data, tmp_path):
    X, y_reg, y_cls = data
    gappy = X.copy()
    gappy.iloc[::4, 2] = np.nan
    y = y_cls if cls is XGBoostClassifier else y_reg
    model = cls(**FAST).fit(gappy.iloc[:400], y.iloc[:400], X_val=gappy.iloc[400:], y_val=y.iloc[400:])
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "model.ubj"]
    assert (tmp_path / "m" / "model.ubj").read_bytes()[:1] == b"{"  # UBJSON object
    loaded = cls.load(tmp_path / "m")
    assert loaded.predict(gappy).equals(model.predict(gappy))
    assert loaded.best_iteration_ == model.best_iteration_ and loaded.get_params() == model.get_params()
    assert loaded.feature_importance("cover").equals(model.feature_importance("cover"))


def test_artifact_checks(data, tmp_path):
    X, y, _ = data
    XGBoostRegressor(**FAST).fit(X, y).save(tmp_path / "m")
    with pytest.raises(ArtifactError, match="not a XGBoostClassifier"):
        XGBoostClassifier.load(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    (tmp_path / "m" / "config.json").write_text(json.dumps({**config, "class": "builtins:eval"}))
    with pytest.raises(ArtifactError, match="not a huracan_xgboost learner"):
        XGBoostRegressor.load(tmp_path / "m")
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    (tmp_path / "m" / "model.ubj").write_bytes(b"{}")
    with pytest.raises(ArtifactError, match="sha256"):
        XGBoostRegressor.load(tmp_path / "m")


def test_same_seed_same_predictions(data):
    X, y, _ = data
    params = {**FAST, "subsample": 0.7, "colsample_bytree": 0.7}
    a = XGBoostRegressor(**params, random_state=3).fit(X, y).predict(X)
    b = XGBoostRegressor(**params, random_state=3).fit(X, y).predict(X)
    c = XGBoostRegressor(**params, random_state=4).fit(X, y).predict(X)
    assert a.equals(b) and not a.equals(c)


def test_errors(data):
    X, y, yc = data
    with pytest.raises(huracan_core.NotFittedError, match="not fitted yet") as info:
        XGBoostClassifier().predict(X)
    assert isinstance(info.value, sklearn.exceptions.NotFittedError)
    model = XGBoostRegressor(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- other"):
        model.predict(X.rename(columns={"noise": "other"}))
    with pytest.raises(DataContractError, match="has no rows"):
        XGBoostRegressor().fit(X.iloc[:0], y.iloc[:0])
    with pytest.raises(ValueError, match="pass both X_val and y_val"):
        XGBoostRegressor().fit(X, y, X_val=X)
    with pytest.raises(ValueError, match="only one class"):
        XGBoostClassifier().fit(X, pd.Series(1, index=X.index))
    with pytest.raises(ValueError, match=r"y_val has labels not seen in y: \[7\]"):
        XGBoostClassifier(**FAST).fit(X, yc, X_val=X.iloc[:5], y_val=[0, 1, 7, 0, 1])
