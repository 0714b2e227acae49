"""K-means regime detection: the label rule, recovery of known regimes, stability, causality, persistence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from huracan_sklearn.regime import KMeansRegimeDetector, label_centroids
from sklearn_testutil import SEGMENT, regime_market

from huracan_core import DataContractError, NotFittedError
from huracan_core.causality import check_causality


@pytest.fixture(scope="module")
def market():
    return regime_market(seed=0)


def _settled(index: pd.Index, frame: pd.DataFrame) -> np.ndarray:
    """Bars at least 60 bars into their segment (the features' windows no longer straddle two regimes)."""
    position = pd.Series(np.arange(len(frame)) % SEGMENT, index=frame.index).reindex(index)
    return (position >= 60).to_numpy()


def test_label_rule_follows_core_precedence():
    # columns: trend_slope, trend_strength, volatility, vol_percentile
    centers = np.array(
        [
            [0.003, 0.6, 0.01, 0.50],  # strong up-trend -> trending_up
            [-0.003, 0.6, 0.01, 0.50],  # strong down-trend -> trending_down
            [0.003, 0.6, 0.04, 0.95],  # trending but volatile -> volatile wins
            [0.0005, 0.1, 0.01, 0.40],  # weak trend, calm -> ranging
        ]
    )
    assert list(label_centroids(centers)) == ["trending_up", "trending_down", "volatile", "ranging"]
    assert list(label_centroids(centers, trend_threshold=0.7)) == ["ranging", "ranging", "volatile", "ranging"]


def test_recovers_known_regimes(market):
    frame, truth = market
    model = KMeansRegimeDetector().fit(frame)
    labels = model.predict(frame)
    assert labels.name == "regime" and set(labels.unique()) == {"trending_up", "trending_down", "ranging", "volatile"}
    keep = _settled(labels.index, frame)
    accuracy = (labels[keep] == truth.reindex(labels.index)[keep]).mean()
    assert accuracy > 0.85


def test_output_drops_warm_up_rows_only(market):
    frame, _ = market
    model = KMeansRegimeDetector().fit(frame)
    labels = model.predict(frame)
    assert labels.index.equals(frame.index[len(frame) - len(labels) :])
    assert len(frame) - len(labels) == 250 + 20 - 1  # percentile_window + vol_window - 1 warm-up bars


def test_no_label_switching_across_seeds(market):
    """Other seeds number K-means clusters differently; the canonical order and the rule undo it."""
    frame, _ = market
    fits = [KMeansRegimeDetector(random_state=seed).fit(frame) for seed in range(4)]
    first = fits[0].predict(frame)
    for model in fits[1:]:
        assert model.predict(frame).equals(first)
        np.testing.assert_allclose(model.cluster_centers_, fits[0].cluster_centers_)
        assert list(model.cluster_labels_) == list(fits[0].cluster_labels_)


def test_refit_on_more_history_keeps_the_labels(market):
    frame, _ = market
    early = KMeansRegimeDetector().fit(frame.iloc[:1500])
    later = KMeansRegimeDetector(random_state=7).fit(frame)
    a, b = early.predict(frame), later.predict(frame)
    assert (a == b).mean() > 0.95


def test_fit_on_past_assign_present_is_causal(market):
    frame, _ = market
    model = KMeansRegimeDetector().fit(frame.iloc[:1200])
    full = model.predict(frame)
    prefix = model.predict(frame.iloc[:1500])
    assert full.loc[prefix.index].equals(prefix)

    def codes(data: pd.DataFrame) -> pd.DataFrame:
        return model.predict_cluster(data).to_frame()

    check_causality(codes, frame, n_points=4, min_rows=900, name="kmeans_regime_detector").raise_if_failed()


def test_save_load_is_json_only_and_exact(market, tmp_path):
    frame, _ = market
    model = KMeansRegimeDetector(n_clusters=5).fit(frame)
    model.save(tmp_path / "d")
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["config.json"]
    loaded = KMeansRegimeDetector.load(tmp_path / "d")
    assert loaded.predict(frame).equals(model.predict(frame))
    assert loaded.get_params() == model.get_params()


def test_errors_are_clear(market):
    frame, _ = market
    with pytest.raises(NotFittedError, match="not fitted yet"):
        KMeansRegimeDetector().predict(frame)
    with pytest.raises(DataContractError, match="needs a market frame with a 'close' column"):
        KMeansRegimeDetector().fit(frame.drop(columns=["close"]))
    with pytest.raises(DataContractError, match="has no rows"):
        KMeansRegimeDetector().fit(frame.iloc[:0])
    with pytest.raises(DataContractError, match=r"only 0 bars have regime features .* at least 254 bars"):
        KMeansRegimeDetector().fit(frame.iloc[:200])
    with pytest.raises(ValueError, match="n_clusters must be an integer >= 2"):
        KMeansRegimeDetector(n_clusters=1).fit(frame)
    bad = frame.copy()
    bad.iloc[10, bad.columns.get_loc("close")] = np.nan
    with pytest.raises(DataContractError, match="column 'close' must be finite"):
        KMeansRegimeDetector().fit(bad)
