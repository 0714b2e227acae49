"""Learners: they learn real signals, are reproducible, causal, persist safely and refuse bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from huracan_jax import _io
from huracan_jax.learners import (
    JaxGRUClassifier,
    JaxGRURegressor,
    JaxLSTMClassifier,
    JaxLSTMRegressor,
    JaxMLPClassifier,
    JaxMLPRegressor,
    JaxTransformerClassifier,
    JaxTransformerRegressor,
    load_learner,
)

from huracan_core import ArtifactError, DataContractError, NotFittedError

SMALL = {"epochs": 3, "batch_size": 32, "patience": None}
RECURRENT = {"lookback": 6, "hidden_size": 16, **SMALL}
TRANSFORMER = {"lookback": 6, "d_model": 16, "n_heads": 2, "n_layers": 1, "ff_size": 16, **SMALL}


def _mse(prediction: pd.Series, y: pd.Series) -> float:
    return float(((prediction - y.loc[prediction.index]) ** 2).mean())


@pytest.mark.parametrize(
    ("cls", "params"),
    [
        (JaxLSTMRegressor, RECURRENT),
        (JaxGRURegressor, RECURRENT),
        (JaxTransformerRegressor, {**TRANSFORMER, "learning_rate": 3e-3, "schedule": "constant"}),
    ],
)
def test_windowed_regressors_learn_a_lagged_signal(cls, params, make_signal):
    """y_t = x_{t-3}: only a model with memory can fit it; variance of y is 1."""
    X, y = make_signal(n=900)
    model = cls(**{**params, "epochs": 25, "learning_rate": params.get("learning_rate", 1e-2)})
    model.fit(X.iloc[:700], y.iloc[:700])
    test_mse = _mse(model.predict(X.iloc[700:]), y.iloc[700:])
    assert test_mse < 0.2, f"{cls.__name__} out-of-sample MSE {test_mse:.3f} on a noiseless lagged signal"


def test_mlp_cannot_see_the_past_but_fits_a_tabular_function(make_signal):
    X, y_lag = make_signal(n=900)
    y_now = pd.Series(np.tanh(2 * X["f0"]) - X["f1"] ** 2, index=X.index)
    mlp = JaxMLPRegressor(hidden_size=32, epochs=30, learning_rate=1e-2, patience=None)
    assert _mse(mlp.fit(X.iloc[:700], y_now.iloc[:700]).predict(X.iloc[700:]), y_now.iloc[700:]) < 0.1 * y_now.var()
    # the lagged target is invisible to a one-row model: it cannot beat predicting the mean by much
    lagged = JaxMLPRegressor(hidden_size=32, epochs=10, learning_rate=1e-2, patience=None).fit(
        X.iloc[:700], y_lag.iloc[:700]
    )
    assert _mse(lagged.predict(X.iloc[700:]), y_lag.iloc[700:]) > 0.8


@pytest.mark.parametrize(
    ("cls", "params"),
    [(JaxGRUClassifier, RECURRENT), (JaxTransformerClassifier, TRANSFORMER), (JaxLSTMClassifier, RECURRENT)],
)
def test_windowed_classifiers_learn_the_sign_of_a_lagged_value(cls, params, make_signal):
    X, y = make_signal(n=900, lag=2)
    labels = pd.Series(np.where(y > 0, "up", "down"), index=y.index)
    model = cls(**{**params, "epochs": 20, "learning_rate": 1e-2, "schedule": "constant"}).fit(
        X.iloc[:700], labels.iloc[:700]
    )
    predicted = model.predict(X.iloc[700:])
    accuracy = float((predicted == labels.loc[predicted.index]).mean())
    assert accuracy > 0.85, f"{cls.__name__}: accuracy {accuracy:.2f}"
    proba = model.predict_proba(X.iloc[700:])
    assert list(proba.columns) == ["down", "up"] and list(model.classes_) == ["down", "up"]
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert (proba.idxmax(axis=1) == predicted).all()


def test_mlp_classifier_predicts_every_row(make_signal):
    X, _ = make_signal(n=300, lag=1)
    labels = (X["f0"] > 0).astype(int)
    model = JaxMLPClassifier(hidden_size=16, **SMALL).fit(X, labels)
    assert model.predict(X).index.equals(X.index)
    assert model.predict_proba(X.to_numpy()).shape == (300, 2)


def test_windowed_predictions_are_indexed_by_window_end_and_drop_warm_up(signal):
    X, y = signal
    model = JaxLSTMRegressor(**RECURRENT).fit(X, y)
    prediction = model.predict(X)
    assert prediction.index.equals(X.index[5:])  # lookback 6 → 5 warm-up rows
    as_array = model.predict(X.to_numpy())
    assert isinstance(as_array, np.ndarray) and as_array.shape == (len(X) - 5,)
    np.testing.assert_allclose(as_array, prediction.to_numpy(), rtol=1e-6)


def test_prediction_at_t_ignores_rows_after_t(signal):
    X, y = signal
    model = JaxTransformerRegressor(**TRANSFORMER).fit(X, y)
    full = model.predict(X)
    changed = X.copy()
    changed.iloc[400:] = 50.0
    again = model.predict(changed)
    pd.testing.assert_series_equal(full.loc[: X.index[399]], again.loc[: X.index[399]])
    assert not np.allclose(full.iloc[-10:], again.iloc[-10:])


def test_same_seed_same_predictions_other_seed_differs(signal):
    X, y = signal
    params = {**RECURRENT, "dropout": 0.2}
    first = JaxGRURegressor(**params, random_state=1).fit(X, y).predict(X)
    second = JaxGRURegressor(**params, random_state=1).fit(X, y).predict(X)
    other = JaxGRURegressor(**params, random_state=2).fit(X, y).predict(X)
    assert np.array_equal(first.to_numpy(), second.to_numpy())
    assert not np.allclose(first.to_numpy(), other.to_numpy())


def test_early_stopping_keeps_the_best_epoch(make_signal):
    X, _ = make_signal(n=400, seed=3)
    noise = pd.Series(np.random.default_rng(9).normal(size=len(X)), index=X.index)  # nothing to learn: it overfits
    model = JaxLSTMRegressor(lookback=6, hidden_size=64, epochs=60, batch_size=16, learning_rate=2e-2, patience=3)
    model.fit(X.iloc[:300], noise.iloc[:300], X_val=X.iloc[300:], y_val=noise.iloc[300:])
    history = model.history_
    assert history["stopped_early"] and len(history["val_loss"]) < 60
    best = int(np.argmin(history["val_loss"]))
    assert history["best_epoch"] == best + 1
    assert len(history["val_loss"]) == best + 1 + 3  # stopped after `patience` epochs without improvement
    # the kept parameters are those of the best epoch: their validation loss is the minimum recorded
    prediction = model.predict(X.iloc[300:])
    scaled = (prediction - model.y_mean_) / model.y_std_
    target = (noise.loc[prediction.index] - model.y_mean_) / model.y_std_
    assert float(((scaled - target) ** 2).mean()) == pytest.approx(min(history["val_loss"]), rel=1e-4)


def test_save_load_round_trip_and_files_are_arrays_and_json(tmp_path, signal):
    X, y = signal
    model = JaxTransformerRegressor(**TRANSFORMER).fit(X, y)
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "params.npz"]
    with np.load(tmp_path / "m" / "params.npz", allow_pickle=False) as data:
        assert all(data[k].dtype.kind in "fiu" for k in data.files)
    for loaded in (JaxTransformerRegressor.load(tmp_path / "m"), load_learner(tmp_path / "m")):
        assert type(loaded) is JaxTransformerRegressor
        assert loaded.get_params() == model.get_params()
        pd.testing.assert_series_equal(loaded.predict(X), model.predict(X))


def test_load_refuses_another_class_a_changed_file_and_a_wrong_architecture(tmp_path, signal):
    X, y = signal
    JaxLSTMRegressor(**RECURRENT).fit(X, y).save(tmp_path / "lstm")
    JaxLSTMRegressor(**{**RECURRENT, "hidden_size": 8}).fit(X, y).save(tmp_path / "small")
    with pytest.raises(ArtifactError, match="holds a JaxLSTMRegressor.*cannot load it as JaxGRURegressor"):
        JaxGRURegressor.load(tmp_path / "lstm")
    # weights of a 8-unit LSTM under the config of a 16-unit one (hash updated, as a careless copy would)
    config = json.loads((tmp_path / "lstm" / "config.json").read_text())
    (tmp_path / "lstm" / "params.npz").write_bytes((tmp_path / "small" / "params.npz").read_bytes())
    config["sha256"] = _io.sha256_file(tmp_path / "lstm" / "params.npz")
    (tmp_path / "lstm" / "config.json").write_text(json.dumps(config))
    with pytest.raises(
        ArtifactError, match=r"parameter '[\w/]+' has shape \(8, \d+\), this architecture expects \(16, \d+\)"
    ):
        JaxLSTMRegressor.load(tmp_path / "lstm")
    config["sha256"] = "0" * 64
    (tmp_path / "lstm" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ArtifactError, match="does not match the recorded"):
        JaxLSTMRegressor.load(tmp_path / "lstm")
    with pytest.raises(ArtifactError, match="missing config.json"):
        JaxLSTMRegressor.load(tmp_path / "nowhere")


def test_load_refuses_object_arrays(tmp_path, signal):
    X, y = signal
    JaxMLPRegressor(hidden_size=4, **SMALL).fit(X, y).save(tmp_path / "m")
    np.savez(tmp_path / "m" / "params.npz", evil=np.array([object()], dtype=object))
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    config["sha256"] = _io.sha256_file(tmp_path / "m" / "params.npz")
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ArtifactError, match="unpickling"):
        JaxMLPRegressor.load(tmp_path / "m")


def test_bad_input_errors_name_the_problem(signal):
    X, y = signal
    with pytest.raises(NotFittedError, match="call 'fit'"):
        JaxLSTMRegressor().predict(X)
    model = JaxLSTMRegressor(**RECURRENT).fit(X, y)
    with pytest.raises(DataContractError, match="4 rows is fewer than the lookback window of 6"):
        model.predict(X.iloc[:4])
    with pytest.raises(DataContractError, match="X has 3 features, but JaxLSTMRegressor was fitted with 2"):
        model.predict(np.zeros((10, 3)))
    with pytest.raises(DataContractError, match="missing \\['f1'\\]"):
        model.predict(X.drop(columns=["f1"]))
    bad = X.copy()
    bad.iloc[7, 1] = np.inf
    with pytest.raises(DataContractError, match="column 'f1' has inf at row 7"):
        model.predict(bad)
    with pytest.raises(DataContractError, match="missing or non-finite target at 2022-01-01 05:00:00"):
        JaxLSTMRegressor(**RECURRENT).fit(X, y.where(y.index != X.index[5]))
    with pytest.raises(DataContractError, match="index differs"):
        JaxLSTMRegressor(**RECURRENT).fit(X, y.shift(1, freq="1h"))
    with pytest.raises(DataContractError, match="at least 2 classes"):
        JaxGRUClassifier(**RECURRENT).fit(X, pd.Series(1, index=X.index))
    with pytest.raises(ValueError, match="pass both X_val and y_val"):
        JaxLSTMRegressor(**RECURRENT).fit(X, y, X_val=X)
    with pytest.raises(ValueError, match="d_model \\(10\\) must be divisible by n_heads \\(4\\)"):
        JaxTransformerRegressor(d_model=10, n_heads=4, **SMALL).fit(X, y)
    with pytest.raises(ValueError, match="'epochs' must be a positive integer"):
        JaxMLPRegressor(epochs=0).fit(X, y)
