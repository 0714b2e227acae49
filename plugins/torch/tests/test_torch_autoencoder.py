"""The window autoencoder as embedding preprocessor and as anomaly scorer."""

from __future__ import annotations

import numpy as np
import pandas as pd
from huracan_torch.autoencoder import WindowAutoencoder

PARAMS = {
    "lookback": 8,
    "hidden_size": 32,
    "embedding_dim": 4,
    "epochs": 40,
    "early_stopping_patience": None,
    "progress": False,
    "device": "cpu",
    "learning_rate": 3e-3,
}


def _smooth_frame(n=1000, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    index = pd.date_range("2022-01-01", periods=n, freq="1D", tz="UTC")
    return pd.DataFrame(
        {"s": np.sin(t / 5) + 0.05 * rng.normal(size=n), "c": np.cos(t / 5) + 0.05 * rng.normal(size=n)}, index=index
    )


def test_transform_gives_embeddings_with_nan_warmup():
    X = _smooth_frame()
    ae = WindowAutoencoder(**{**PARAMS, "epochs": 2})
    out = ae.fit_transform(X)
    assert out.index.equals(X.index) and list(out.columns) == [f"ae_emb_{i}" for i in range(4)]
    assert out.iloc[:7].isna().all().all() and out.iloc[7:].notna().all().all()
    assert WindowAutoencoder.causal is True


def test_anomaly_score_flags_an_injected_anomaly():
    X = _smooth_frame()
    ae = WindowAutoencoder(**PARAMS).fit(X.iloc[:700])
    test = X.iloc[700:].copy()
    test.iloc[150, 0] += 3.0  # one corrupted bar
    score = ae.predict(test)
    assert score.name == "anomaly_score" and score.index.equals(test.index[7:])
    hit = test.index[150]
    affected = score.loc[hit : test.index[157]]  # the 8 windows that contain the bad bar
    normal = score.drop(affected.index)
    assert affected.min() > normal.quantile(0.99)


def test_save_load_keeps_embeddings(tmp_path):
    X = _smooth_frame(300)
    ae = WindowAutoencoder(**{**PARAMS, "epochs": 2}).fit(X)
    ae.save(tmp_path / "ae")
    loaded = WindowAutoencoder.load(tmp_path / "ae")
    assert loaded.transform(X).equals(ae.transform(X))
