"""Cleaning, resampling, outliers, normalization, decomposition, lags: values, state and fit-on-train-only."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from features_testutil import make_frame
from huracan_features.cleaning import Clean, Resample, detect_gaps
from huracan_features.decomposition import CausalTrend, SeasonalDecomposition
from huracan_features.lags import Lags, RollingStats
from huracan_features.normalize import Normalizer, RollingNormalizer
from huracan_features.outliers import OutlierHandler, rolling_median_mad

from huracan_core import DataContractError, NotFittedError
from huracan_core.causality import check_causality

NAN = np.nan


# -- cleaning ------------------------------------------------------------------------------
def test_clean_ffill_never_backfills_and_drops_leading_nan():
    frame = make_frame([1, 2, 3, 4, 5])
    frame.loc[frame.index[0], "close"] = NAN
    frame.loc[frame.index[2], "close"] = np.inf
    out = Clean(nan_policy="ffill", gap_policy="ignore").fit_transform(frame)
    assert out.index.equals(frame.index[1:])  # nothing before row 1 to fill row 0 from
    np.testing.assert_allclose(out["close"], [2, 2, 4, 5])


def test_clean_drop_and_error_policies():
    frame = make_frame([1, 2, 3, 4])
    frame.loc[frame.index[1], "volume"] = NAN
    assert Clean(nan_policy="drop").fit_transform(frame).index.equals(frame.index[[0, 2, 3]])
    with pytest.raises(DataContractError, match=r"column 'volume' has NaN at row 1 \(2021-01-02"):
        Clean(nan_policy="error").fit_transform(frame)


def test_clean_ffill_limit():
    frame = make_frame([1, 2, 3, 4, 5])
    frame.loc[frame.index[1:4], "close"] = NAN
    out = Clean(ffill_limit=1).fit_transform(frame)
    assert out.index.equals(frame.index[[0, 1, 4]])
    np.testing.assert_allclose(out["close"], [1, 1, 5])


def test_clean_duplicates_and_sorting():
    frame = make_frame([1, 2, 3])
    shuffled = pd.concat([frame.iloc[[2, 0]], frame.iloc[[0]].assign(close=9.0), frame.iloc[[1]]])
    out = Clean(duplicates="last").fit_transform(shuffled)
    assert out.index.equals(frame.index)
    np.testing.assert_allclose(out["close"], [9, 2, 3])
    assert Clean(duplicates="first").fit_transform(shuffled)["close"].iloc[0] == 1
    with pytest.raises(DataContractError, match="duplicate timestamp"):
        Clean(duplicates="error").fit(shuffled)
    with pytest.raises(DataContractError, match="not sorted"):
        Clean(sort=False).fit(frame.iloc[::-1])


def test_gaps_are_detected_reported_and_refused(caplog):
    frame = make_frame(np.arange(1.0, 21.0))
    holey = frame.drop(frame.index[8:14])  # a 7-day step among 1-day steps
    gaps = detect_gaps(holey.index)
    assert len(gaps) == 1 and gaps["missing_bars"].iloc[0] == 6 and gaps["start"].iloc[0] == frame.index[7]
    with caplog.at_level(logging.WARNING, logger="huracan_features.cleaning"):
        Clean(gap_policy="report").fit(frame).transform(holey)
    assert "1 gap(s)" in caplog.text and "~6 bars missing" in caplog.text
    with pytest.raises(DataContractError, match="first gap from 2021-01-08"):
        Clean(gap_policy="error").fit(frame).transform(holey)


def test_resample_aggregates_ohlcv_and_labels_bar_ends():
    hourly = make_frame(
        [10, 11, 12, 13, 14, 15],
        open_=[9, 10, 11, 12, 13, 14],
        high=[12, 13, 14, 15, 16, 17],
        low=[8, 9, 10, 11, 12, 13],
        volume=[1, 2, 3, 4, 5, 6],
        start="2021-01-01 00:00",
        freq="1h",
    )
    out = Resample(rule="3h").fit_transform(hourly)
    assert list(out.index) == list(pd.to_datetime(["2021-01-01 03:00", "2021-01-01 06:00"], utc=True))
    np.testing.assert_allclose(
        out[["open", "high", "low", "close", "volume"]].to_numpy(), [[9, 14, 8, 12, 6], [12, 17, 11, 15, 15]]
    )
    report = check_causality(
        Resample(rule="3h").fit(hourly).transform, make_frame(np.arange(1.0, 61.0), freq="1h"), n_points=5
    )
    assert report.ok, report.violations


# -- outliers ------------------------------------------------------------------------------
def test_global_outlier_bounds_by_hand():
    train = pd.DataFrame({"x": [1.0, 2, 3, 4, 5]}, index=make_frame(np.ones(5)).index)
    test = train.assign(x=[0.0, 3, 100, -100, 4])
    iqr = OutlierHandler(method="iqr", threshold=1.0, action="clip").fit(train)  # q1=2, q3=4 -> [0, 6]
    np.testing.assert_allclose(iqr.transform(test)["x"], [0, 3, 6, 0, 4])
    mad = OutlierHandler(method="mad", threshold=1.0, action="flag").fit(train)  # 3 ± 1.4826
    np.testing.assert_allclose(mad.transform(test)["x_outlier"], [1, 0, 1, 1, 0])
    z = OutlierHandler(method="zscore", threshold=1.0, action="clip").fit(train)  # 3 ± sqrt(2)
    np.testing.assert_allclose(z.transform(test)["x"], [3 - np.sqrt(2), 3, 3 + np.sqrt(2), 3 - np.sqrt(2), 4])
    win = OutlierHandler(action="winsorize", quantile=0.25).fit(train)  # quantiles 2 and 4
    np.testing.assert_allclose(win.transform(test)["x"], [2, 3, 4, 2, 4])


def test_rolling_outliers_use_only_previous_rows():
    x = np.array([1.0, 2, 1, 2, 1, 2, 50, 2, 1])
    frame = pd.DataFrame({"x": x}, index=make_frame(np.ones(len(x))).index)
    flags = OutlierHandler(method="zscore", window=4, action="flag").fit_transform(frame)["x_outlier"].to_numpy()
    assert np.isnan(flags[:4]).all()  # no full reference window before row 4
    np.testing.assert_array_equal(flags[4:], [0, 0, 1, 0, 0])  # the spike is flagged against its past
    clipped = OutlierHandler(method="mad", window=4, action="clip", threshold=2).fit_transform(frame)["x"].to_numpy()
    assert clipped[6] == pytest.approx(1.5 + 2 * 1.4826 * 0.5)


def test_rolling_median_mad_matches_a_loop():
    rng = np.random.default_rng(0)
    x = rng.standard_t(3, size=300)
    median, mad = rolling_median_mad(x, 25)
    for t in (24, 100, 299):
        window = x[t - 24 : t + 1]
        assert median[t] == pytest.approx(np.median(window))
        assert mad[t] == pytest.approx(np.median(np.abs(window - np.median(window))))
    assert np.isnan(median[:24]).all()


# -- normalization ---------------------------------------------------------------------------
def test_normalizer_learns_from_training_rows_only():
    index = make_frame(np.ones(6)).index
    frame = pd.DataFrame({"a": [1.0, 2, 3, 100, 200, 300], "b": [5.0, 5, 5, 5, 5, 9]}, index=index)
    norm = Normalizer(method="zscore").fit(frame.iloc[:3])
    out = norm.transform(frame)
    np.testing.assert_allclose(out["a"], (frame["a"] - 2) / np.sqrt(2 / 3))
    np.testing.assert_allclose(out["b"], frame["b"] - 5)  # constant in training -> scale 1
    minmax = Normalizer(method="minmax", suffix="_mm").fit(frame.iloc[:3]).transform(frame)
    np.testing.assert_allclose(minmax["a_mm"], (frame["a"] - 1) / 2)
    robust = Normalizer(method="robust", columns=["a"]).fit(frame.iloc[:3]).transform(frame)
    assert list(robust.columns) == ["a"]
    np.testing.assert_allclose(robust["a"], (frame["a"] - 2) / 1.0)


def test_normalizer_state_round_trip():
    index = make_frame(np.ones(4)).index
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4]}, index=index)
    fitted = Normalizer().fit(frame)
    clone = Normalizer().set_state(fitted.get_state())
    np.testing.assert_array_equal(clone.transform(frame), fitted.transform(frame))
    with pytest.raises(NotFittedError):
        Normalizer().transform(frame)


def test_rolling_normalizer_by_hand():
    index = make_frame(np.ones(5)).index
    frame = pd.DataFrame({"a": [1.0, 2, 3, 5, 5]}, index=index)
    z = RollingNormalizer(window=3).fit_transform(frame)["a"].to_numpy()
    np.testing.assert_allclose(
        z, [NAN, NAN, 1, (5 - 10 / 3) / np.std([2, 3, 5], ddof=1), (5 - 13 / 3) / np.std([3, 5, 5], ddof=1)]
    )
    mm = RollingNormalizer(window=3, method="minmax").fit_transform(frame)["a"].to_numpy()
    np.testing.assert_allclose(mm, [NAN, NAN, 1, 1, 1])


def test_rolling_zscore_agrees_with_talib(market):
    import talib

    w = 30
    z = RollingNormalizer(window=w, columns=["close"]).fit_transform(market)["close"].to_numpy()
    c = market["close"].to_numpy()
    expected = (c - talib.SMA(c, w)) / (talib.STDDEV(c, w, 1) * np.sqrt(w / (w - 1)))
    np.testing.assert_allclose(z[w - 1 :], expected[w - 1 :], rtol=0, atol=1e-8)


# -- decomposition, lags, rolling -----------------------------------------------------------------
def test_causal_trend_on_an_exponential_trend_is_exact():
    close = 100 * np.exp(0.01 * np.arange(40))
    out = CausalTrend(window=10, method="linear").fit_transform(make_frame(close))
    np.testing.assert_allclose(out["trend_linear_10"].dropna(), np.log(close)[9:], rtol=1e-10)
    np.testing.assert_allclose(out["trend_slope_linear_10"].dropna(), 0.01, rtol=1e-8)
    np.testing.assert_allclose(out["trend_resid_linear_10"].dropna(), 0.0, atol=1e-9)


def test_seasonal_decomposition_is_marked_non_causal_and_recovers_a_cycle():
    pattern = np.tile([0.01, -0.005, 0.0, 0.002, -0.007], 30)
    close = np.exp(4.6 + 0.001 * np.arange(150) + pattern)
    decomposition = SeasonalDecomposition(period=5)
    out = decomposition.fit_transform(make_frame(close))
    assert decomposition.causal is False
    np.testing.assert_allclose(out["stl_seasonal"].to_numpy()[50:100], pattern[50:100] - pattern.mean(), atol=2e-3)


def test_lags_and_rolling_stats_by_hand():
    index = make_frame(np.ones(5)).index
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4, 8], "b": [0.0, 1, 0, 1, 0]}, index=index)
    lags = Lags(lags=[1, 2], columns=["a"]).fit_transform(frame)
    assert list(lags.columns) == ["a_lag1", "a_lag2"]
    np.testing.assert_allclose(lags["a_lag2"], [NAN, NAN, 1, 2, 3])
    stats = RollingStats(window=3, stats=["mean", "max", "std"], columns=["a*"]).fit_transform(frame)
    assert list(stats.columns) == ["a_mean3", "a_max3", "a_std3"]
    np.testing.assert_allclose(stats["a_mean3"], [NAN, NAN, 2, 3, 5])
    np.testing.assert_allclose(stats["a_max3"], [NAN, NAN, 3, 4, 8])
    np.testing.assert_allclose(stats["a_std3"].iloc[-1], np.std([3, 4, 8], ddof=1))
