"""Causal windowing, target builders with label_end, regime features and the rule detector."""

import numpy as np
import pandas as pd
import pytest

from huracan_core import DataContractError
from huracan_core.causality import check_causality
from huracan_core.regimes import RuleRegimeDetector, label_regimes, regime_features
from huracan_core.targets import direction_target, forward_return_target, triple_barrier_target
from huracan_core.testing import make_market_frame
from huracan_core.windowing import make_windows


def test_windows_end_at_their_timestamp_and_never_see_later_rows():
    index = pd.date_range("2024-01-01", periods=6, freq="1D", tz="UTC")
    frame = pd.DataFrame({"a": np.arange(6.0), "b": np.arange(6.0) * 10}, index=index)
    windows = make_windows(frame, 3, target=np.arange(6) + 100, label_end=index + pd.Timedelta(days=1))
    assert windows.X.shape == (4, 3, 2)
    np.testing.assert_array_equal(windows.X[0, :, 0], [0, 1, 2])
    np.testing.assert_array_equal(windows.X[-1, :, 1], [30, 40, 50])
    assert list(windows.index) == list(index[2:])
    np.testing.assert_array_equal(windows.y, [102, 103, 104, 105])
    assert windows.label_end[0] == index[3]
    # the window ending at t is identical when rows after t change
    changed = frame.copy()
    changed.iloc[4:] = -1.0
    np.testing.assert_array_equal(make_windows(changed, 3).X[:2], windows.X[:2])


@pytest.mark.parametrize(
    ("features", "lookback", "message"),
    [
        (np.zeros((2, 3)), 5, "2 rows is fewer than the lookback window of 5"),
        (np.array([[0.0], [np.nan], [1.0]]), 2, "non-finite value nan in column 0 at row 1"),
        (np.zeros((4, 2)), 0, "lookback must be a positive integer"),
    ],
)
def test_window_errors(features, lookback, message):
    with pytest.raises(DataContractError, match=message):
        make_windows(features, lookback)


def test_forward_return_target_values_and_label_end():
    index = pd.date_range("2024-01-01", periods=5, freq="1D", tz="UTC")
    close = pd.Series([100.0, 110.0, 99.0, 99.0, 108.9], index=index)
    target = forward_return_target(close, 2)
    np.testing.assert_allclose(target.values.to_numpy(), [-0.01, -0.1, 0.1])
    assert list(target.label_end) == list(index[2:])
    assert target.kind == "regression" and len(target) == 3


def test_direction_target_dead_zone():
    index = pd.date_range("2024-01-01", periods=5, freq="1D", tz="UTC")
    close = pd.Series([100.0, 100.5, 102.0, 101.9, 100.0], index=index)
    binary = direction_target(close, dead_zone=0.002)
    assert list(binary.values) == [1, 1, 0] and list(binary.values.index) == [index[0], index[1], index[3]]
    ternary = direction_target(close, dead_zone=0.002, binary=False)
    assert list(ternary.values) == [1, 1, 0, -1]
    with pytest.raises(DataContractError, match="dead_zone must be >= 0"):
        direction_target(close, dead_zone=-1)


def test_triple_barrier_hand_computed():
    index = pd.date_range("2024-01-01", periods=6, freq="1D", tz="UTC")
    close = pd.Series([100.0, 101.0, 104.0, 103.0, 95.0, 96.0], index=index)
    sigma = pd.Series(0.02, index=index)
    target = triple_barrier_target(close, horizon=2, profit_take=1.0, stop_loss=1.0, volatility=sigma)
    # t0: +0.995% then +3.9% → upper (2%) touched on day 2; t1: +2.9% on day 2 → up;
    # t2: -1% then -9.1% → lower on day 4; t3: -8.1% → lower on day 4
    assert list(target.values) == [1, 1, -1, -1]
    assert list(target.label_end) == [index[2], index[2], index[4], index[4]]


def test_target_rejects_non_positive_prices():
    close = pd.Series([1.0, 0.0, 2.0], index=pd.date_range("2024-01-01", periods=3, tz="UTC"))
    with pytest.raises(DataContractError, match="'close' must be > 0 to take returns, got 0.0 at row 1"):
        forward_return_target(close)


def test_regime_features_are_causal_and_bounded():
    market = make_market_frame(400, seed=4)
    report = check_causality(lambda f: regime_features(f, percentile_window=60), market, n_points=6)
    assert report.ok, report.violations
    features = regime_features(market, percentile_window=60).dropna()
    assert features["trend_strength"].between(0, 1).all()
    assert features["vol_percentile"].between(0, 1).all()


def test_rule_detector_labels_constructed_regimes():
    index = pd.date_range("2020-01-01", periods=300, freq="1D", tz="UTC")
    rng = np.random.default_rng(0)
    up = np.full(100, 0.01) + rng.normal(0, 0.001, 100)
    flat = 0.002 * np.where(np.arange(100) % 2, 1, -1) + rng.normal(0, 0.0002, 100)  # mean-reverting
    wild = rng.normal(0, 0.05, 100)
    close = pd.Series(100 * np.exp(np.cumsum(np.r_[up, flat, wild])), index=index)
    features = regime_features(close, trend_window=20, vol_window=10, percentile_window=60)
    labels = label_regimes(features)
    # vol_percentile ranks volatility against its own past, so calm segments still have volatile bars
    assert labels.loc[index[80:100]].eq("trending_up").mean() > 0.6
    assert not labels.loc[index[80:100]].isin(["trending_down", "ranging"]).any()
    assert labels.loc[index[200:230]].eq("volatile").mean() > 0.8
    assert labels.loc[index[170:200]].eq("ranging").mean() > 0.8


def test_rule_detector_thresholds_validated():
    with pytest.raises(ValueError, match="vol_threshold must be in \\(0, 1\\]"):
        RuleRegimeDetector(vol_threshold=1.5).fit(make_market_frame(100))
