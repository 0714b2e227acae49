"""Window learners: learning, indexing, reproducibility, bad input, persistence."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from huracan_torch.learners import (
    CNNRegressor,
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    TransformerRegressor,
)
from huracan_torch.networks import TransformerNet
from torch_testutil import FAST

from huracan_core import ArtifactError, DataContractError, NotFittedError

REGRESSORS = [CNNRegressor, LSTMRegressor, GRURegressor, TransformerRegressor]


@pytest.mark.parametrize("cls", REGRESSORS)
def test_regressors_learn_a_lagged_signal(cls, signal_data):
    X, y = signal_data
    model = cls(**{**FAST, "epochs": 15, "early_stopping_patience": None}).fit(X.iloc[:900], y.iloc[:900])
    pred = model.predict(X.iloc[900:])
    truth = y.iloc[900:].loc[pred.index]
    r2 = 1 - np.mean((pred - truth) ** 2) / np.var(truth)
    assert r2 > 0.6, f"{cls.__name__} R² {r2:.3f}"


def test_classifier_learns_sign_and_returns_probabilities(signal_data):
    X, y = signal_data
    labels = pd.Series(np.where(y > 0, 1, -1), index=y.index)
    model = GRUClassifier(**{**FAST, "epochs": 15, "early_stopping_patience": None}).fit(
        X.iloc[:900], labels.iloc[:900]
    )
    assert model.classes_.tolist() == [-1, 1] and model.classes_.dtype.kind == "i"
    pred = model.predict(X.iloc[900:])
    accuracy = float((pred == labels.loc[pred.index]).mean())
    assert accuracy > 0.75
    proba = model.predict_proba(X.iloc[900:])
    assert list(proba.columns) == ["proba_-1", "proba_1"]
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


def test_predictions_are_indexed_by_window_timestamp(signal_data):
    X, y = signal_data
    model = LSTMRegressor(**FAST).fit(X, y)
    pred = model.predict(X.iloc[:50])
    assert pred.index.equals(X.index[7:50])  # lookback 8 → 7 warm-up rows dropped
    arr = model.predict(X.iloc[:50].to_numpy())
    assert isinstance(arr, np.ndarray) and arr.shape == (43,)
    np.testing.assert_allclose(arr, pred.to_numpy())


def test_target_with_missing_rows_is_aligned_by_index(signal_data):
    X, y = signal_data
    model = LSTMRegressor(**FAST).fit(X, y.iloc[:-100])  # last 100 rows have no label
    assert model.predict(X).index[-1] == X.index[-1]


def test_same_seed_identical_predictions_different_seed_differs(signal_data):
    X, y = signal_data
    a = TransformerRegressor(**FAST).fit(X, y).predict(X)
    b = TransformerRegressor(**FAST).fit(X, y).predict(X)
    c = TransformerRegressor(**{**FAST, "random_state": 1}).fit(X, y).predict(X)
    assert a.equals(b)
    assert not a.equals(c)


def test_get_set_params_follow_sklearn():
    model = LSTMRegressor(hidden_size=5)
    assert model.get_params()["hidden_size"] == 5
    model.set_params(hidden_size=7, lookback=4)
    assert (model.hidden_size, model.lookback) == (7, 4)
    with pytest.raises(ValueError, match="invalid parameter 'nope'"):
        model.set_params(nope=1)


def test_bad_input_raises_clear_errors(signal_data):
    X, y = signal_data
    with pytest.raises(NotFittedError, match="fit"):
        LSTMRegressor(**FAST).predict(X)
    with pytest.raises(DataContractError, match="5 rows is fewer than the lookback window of 8"):
        LSTMRegressor(**FAST).fit(X.iloc[:5], y.iloc[:5])
    bad = X.copy()
    bad.iloc[10, 1] = np.nan
    with pytest.raises(DataContractError, match="'b' has NaN"):
        LSTMRegressor(**FAST).fit(bad, y)
    with pytest.raises(DataContractError, match="non-finite value inf in column 0 at row 3"):
        LSTMRegressor(**FAST).fit(np.where(np.arange(len(X))[:, None] == 3, np.inf, X.to_numpy()), y.to_numpy())
    model = LSTMRegressor(**FAST).fit(X, y)
    with pytest.raises(DataContractError, match="missing \\['c'\\]"):
        model.predict(X[["a", "b"]])
    with pytest.raises(DataContractError, match="X has 2 features, but LSTMRegressor was fitted with 3"):
        model.predict(X[["a", "b"]].to_numpy())
    with pytest.raises(DataContractError, match="expected 1200 values aligned"):
        LSTMRegressor(**FAST).fit(X, y.to_numpy()[:-1])


def test_save_load_identical_and_pickle_free(tmp_path, signal_data):
    X, y = signal_data
    model = LSTMClassifier(**FAST).fit(X, (y > 0).astype(int))
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "model.safetensors"]
    loaded = LSTMClassifier.load(tmp_path / "m")
    assert loaded.predict(X).equals(model.predict(X))
    assert loaded.predict_proba(X).equals(model.predict_proba(X))


def test_load_refuses_other_architecture_class_and_tampering(tmp_path, signal_data):
    X, y = signal_data
    LSTMRegressor(**FAST, hidden_size=8).fit(X, y).save(tmp_path / "m")
    config_path = tmp_path / "m" / "config.json"
    config = json.loads(config_path.read_text())
    config["params"]["hidden_size"] = 16
    config_path.write_text(json.dumps(config))
    with pytest.raises(ArtifactError, match="different architecture.*shape mismatch"):
        LSTMRegressor.load(tmp_path / "m")
    with pytest.raises(ArtifactError, match="load it with that class"):
        GRURegressor.load(tmp_path / "m")
    weights = tmp_path / "m" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-4] + b"\x00\x00\x00\x00")
    with pytest.raises(ArtifactError, match="sha256"):
        LSTMRegressor.load(tmp_path / "m")


def test_transformer_attention_is_causal():
    torch.manual_seed(0)
    net = TransformerNet(3, 1, d_model=8, n_heads=2, n_layers=2, dim_feedforward=16, dropout=0.0, lookback=10).eval()
    x = torch.randn(4, 10, 3)
    y = x.clone()
    y[:, 6:] += 5.0  # change steps after t=5
    with torch.no_grad():
        hx = net.encoder(net.pos(net.proj(x)), mask=net.causal_mask, is_causal=True)
        hy = net.encoder(net.pos(net.proj(y)), mask=net.causal_mask, is_causal=True)
    torch.testing.assert_close(hx[:, :6], hy[:, :6])
    assert not torch.allclose(hx[:, 6:], hy[:, 6:])


def test_catalog_trains_learners_with_torch_local_by_default():
    from huracan_core import load_catalog

    catalog = load_catalog(refresh=True)
    assert catalog.trainer_for("torch_lstm_regressor").name == "torch_local"
    assert catalog.trainer_for("torch_lstm_regressor", "torch_ddp").distributed
    info = catalog.get("torch_transformer_classifier").info
    assert {"causal", "gpu", "distributed", "early_stopping", "checkpointing", "probabilities"} <= set(
        info.capabilities
    )
