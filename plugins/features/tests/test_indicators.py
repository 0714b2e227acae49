"""Feature values against small hand-computed cases (independent of TA-Lib), and TA-Lib agreement."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from features_testutil import make_frame
from huracan_features.indicators import (
    ADX,
    ATR,
    EMA,
    MACD,
    OBV,
    ROC,
    RSI,
    SMA,
    BollingerBands,
    RealizedVolatility,
    Returns,
    Stochastic,
    VolumeZScore,
)

NAN = np.nan


def values(out: pd.DataFrame, column: str) -> np.ndarray:
    return out[column].to_numpy()


def test_returns_simple_and_log_by_hand():
    out = Returns(horizons=[1, 2], kind="both").fit_transform(make_frame([100, 110, 99, 108.9]))
    np.testing.assert_allclose(values(out, "ret_1"), [NAN, 0.1, -0.1, 0.1], rtol=1e-12)
    np.testing.assert_allclose(values(out, "ret_2"), [NAN, NAN, -0.01, -0.01], rtol=1e-12)
    np.testing.assert_allclose(values(out, "logret_2"), [NAN, NAN, math.log(0.99), math.log(0.99)], rtol=1e-12)
    assert list(out.columns) == ["ret_1", "logret_1", "ret_2", "logret_2"]


def test_sma_and_ema_seeded_by_simple_mean():
    frame = make_frame([1, 2, 3, 10, 5])
    np.testing.assert_allclose(values(SMA(timeperiod=3).fit_transform(frame), "sma_3"), [NAN, NAN, 2, 5, 6])
    # EMA: seed = mean of the first 3 values (2), then alpha = 2 / (3 + 1) = 0.5
    np.testing.assert_allclose(values(EMA(timeperiod=3).fit_transform(frame), "ema_3"), [NAN, NAN, 2, 6, 5.5])
    rel = SMA(timeperiod=3, relative=True).fit_transform(frame)
    np.testing.assert_allclose(values(rel, "sma_rel_3"), [NAN, NAN, 3 / 2 - 1, 10 / 5 - 1, 5 / 6 - 1])


def test_rsi_wilder_by_hand():
    out = RSI(timeperiod=3).fit_transform(make_frame([10, 11, 10.5, 11.5, 11, 12]))
    # changes +1, -.5, +1, -.5, +1; first averages over 3 changes: gain 2/3, loss 1/6 -> RS 4 -> RSI 80,
    # then Wilder smoothing: (prev * 2 + current) / 3
    expected = [NAN, NAN, NAN, 80.0, 100 - 100 / (1 + (4 / 9) / (5 / 18)), 100 - 100 / (1 + 17 / 5)]
    np.testing.assert_allclose(values(out, "rsi_3"), expected, rtol=1e-12)


def test_macd_on_a_linear_ramp_is_half_the_period_gap():
    # an EMA seeded by the SMA of a ramp lags it by exactly (n - 1) / 2 bars, so MACD = (slow - fast) / 2
    out = MACD(fastperiod=3, slowperiod=6, signalperiod=3).fit_transform(make_frame(np.arange(1.0, 31.0)))
    valid = out.dropna()
    assert len(valid) == 30 - (6 - 1) - (3 - 1)
    np.testing.assert_allclose(valid["macd_3_6_3"], 1.5, rtol=1e-12)
    np.testing.assert_allclose(valid["macd_signal_3_6_3"], 1.5, rtol=1e-12)
    np.testing.assert_allclose(valid["macd_hist_3_6_3"], 0.0, atol=1e-12)


def test_bollinger_uses_population_std():
    out = BollingerBands(timeperiod=3, nbdev=2.0).fit_transform(make_frame([1, 2, 3, 4, 6]))
    std = math.sqrt(2 / 3)  # population std of (1, 2, 3) and of (2, 3, 4)
    np.testing.assert_allclose(values(out, "bb_upper_3")[2:4], [2 + 2 * std, 3 + 2 * std], rtol=1e-12)
    np.testing.assert_allclose(values(out, "bb_lower_3")[2], 2 - 2 * std, rtol=1e-12)
    np.testing.assert_allclose(values(out, "bb_pctb_3")[2], (3 - (2 - 2 * std)) / (4 * std), rtol=1e-12)
    np.testing.assert_allclose(values(out, "bb_bandwidth_3")[2], 4 * std / 2, rtol=1e-12)


def test_atr_and_stochastic_by_hand():
    frame = make_frame(
        [10, 11, 12, 11, 13], open_=[10, 11, 12, 11, 13], high=[11, 12, 13, 12.5, 14], low=[9, 10, 11, 10.5, 12]
    )
    # true ranges from bar 1: 2, 2, 2, 3; ATR(2) = mean(2, 2), then (prev + TR) / 2
    np.testing.assert_allclose(values(ATR(timeperiod=2).fit_transform(frame), "atr_2"), [NAN, NAN, 2, 2, 2.5])
    out = Stochastic(fastk_period=3, slowk_period=1, slowd_period=1).fit_transform(frame)
    np.testing.assert_allclose(values(out, "stoch_k_3_1_1"), [NAN, NAN, 75, 100 / 3, 250 / 3.5], rtol=1e-12)


def test_adx_on_a_steady_rise():
    n = 40
    close = np.arange(100.0, 100.0 + n)
    out = ADX(timeperiod=5).fit_transform(make_frame(close, high=close + 0.5, low=close - 0.5))
    valid = out.dropna()
    np.testing.assert_allclose(valid["minus_di_5"], 0.0, atol=1e-12)
    np.testing.assert_allclose(valid["adx_5"], 100.0, rtol=1e-12)
    assert (valid["plus_di_5"] > 0).all()


def test_roc_obv_by_hand():
    np.testing.assert_allclose(
        values(ROC(timeperiod=2).fit_transform(make_frame([100, 110, 121])), "roc_2"), [NAN, NAN, 21.0]
    )
    out = OBV().fit_transform(make_frame([10, 11, 10, 10, 12], volume=[100, 200, 300, 400, 500]))
    np.testing.assert_allclose(values(out, "obv"), [100, 300, 0, 0, 500])  # TA-Lib starts at the first volume


def test_realized_volatility_estimators_by_hand():
    n = 12
    close = 100 * np.exp(0.01 * (np.arange(n) % 2))  # log returns alternate +0.01, -0.01
    open_ = close * math.exp(-0.01)
    frame = make_frame(close, open_=open_, high=close * math.exp(0.01), low=close * math.exp(-0.01))
    out = RealizedVolatility(window=4).fit_transform(frame)
    r = np.array([0.01, -0.01, 0.01, -0.01])
    np.testing.assert_allclose(values(out, "vol_cc_4")[4:], np.std(r, ddof=1), rtol=1e-9)
    assert np.isnan(values(out, "vol_cc_4")[:4]).all()
    np.testing.assert_allclose(values(out, "vol_parkinson_4")[3:], math.sqrt(0.02**2 / (4 * math.log(2))), rtol=1e-9)
    gk = math.sqrt(0.5 * 0.02**2 - (2 * math.log(2) - 1) * 0.01**2)
    np.testing.assert_allclose(values(out, "vol_gk_4")[3:], gk, rtol=1e-9)
    annual = RealizedVolatility(window=4, estimators=["parkinson"], annualize=252).fit_transform(frame)
    np.testing.assert_allclose(annual["vol_parkinson_4"].iloc[-1], out["vol_parkinson_4"].iloc[-1] * math.sqrt(252))


def test_volume_zscore_by_hand():
    out = VolumeZScore(window=3).fit_transform(make_frame(np.full(5, 10.0), volume=[1, 2, 3, 4, 5]))
    np.testing.assert_allclose(values(out, "volume_z_3"), [NAN, NAN, 1, 1, 1])
    flat = VolumeZScore(window=3).fit_transform(make_frame(np.full(5, 10.0), volume=[7, 7, 7, 7, 8]))
    assert np.isnan(values(flat, "volume_z_3")[2:4]).all()  # no spread, no z-score


# -- agreement with TA-Lib where the plugin computes the feature itself ----------------------
def test_own_computations_agree_with_talib(market):
    import talib

    close = market["close"].to_numpy()
    rets = Returns(horizons=[1, 7], kind="both").fit_transform(market)
    np.testing.assert_allclose(rets["ret_7"][7:], talib.ROCR(close, timeperiod=7)[7:] - 1, rtol=0, atol=1e-8)
    np.testing.assert_allclose(rets["logret_1"][1:], np.log(talib.ROCR(close, timeperiod=1)[1:]), atol=1e-8)

    w = 20
    log_ret = np.r_[NAN, np.diff(np.log(close))]
    vol = RealizedVolatility(window=w, estimators=["close_to_close"]).fit_transform(market)["vol_cc_20"]
    expected = talib.STDDEV(np.nan_to_num(log_ret), timeperiod=w, nbdev=1) * math.sqrt(w / (w - 1))
    np.testing.assert_allclose(vol.to_numpy()[w:], expected[w:], atol=1e-8)

    volume = market["volume"].to_numpy()
    z = VolumeZScore(window=w).fit_transform(market)["volume_z_20"].to_numpy()
    sd = talib.STDDEV(volume, timeperiod=w, nbdev=1) * math.sqrt(w / (w - 1))
    np.testing.assert_allclose(z[w - 1 :], ((volume - talib.SMA(volume, timeperiod=w)) / sd)[w - 1 :], atol=1e-8)


def test_talib_backed_outputs_equal_talib(market):
    import talib

    h, low, c = (market[k].to_numpy() for k in ("high", "low", "close"))
    out = MACD().fit_transform(market)
    line, signal, hist = talib.MACD(c, 12, 26, 9)
    np.testing.assert_array_equal(out["macd_12_26_9"].to_numpy(), line)
    np.testing.assert_array_equal(out["macd_signal_12_26_9"].to_numpy(), signal)
    np.testing.assert_array_equal(out["macd_hist_12_26_9"].to_numpy(), hist)
    np.testing.assert_array_equal(RSI().fit_transform(market)["rsi_14"].to_numpy(), talib.RSI(c, 14))
    np.testing.assert_array_equal(ADX().fit_transform(market)["adx_14"].to_numpy(), talib.ADX(h, low, c, 14))
