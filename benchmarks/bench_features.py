"""Benchmark the features plugin on 1,000,000 bars (median of N runs; prints figures).

1. TA-Lib-backed indicators through the plugin (fitted preprocessors' ``transform``,
   joined into one frame) vs the same raw TA-Lib calls plus building the same frame
   by hand. Goal: ratio <= 1.5.
2. The plugin's own vectorised features, timed separately: Parkinson / Garman-Klass
   volatility, volume z-score, rolling normalization, rolling outliers.
3. The ``ta`` package computing the same indicators, for reference (one run).

Usage: python benchmarks/bench_features.py [--rows 1000000] [--repeat 7] [--skip-ta]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


def market(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ret = rng.standard_t(5, n) * 0.01 / np.sqrt(5 / 3)
    close = 100 * np.exp(np.cumsum(ret))
    open_ = np.r_[100.0, close[:-1]] * np.exp(rng.normal(0, 0.002, n))
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.004, n)))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.004, n)))
    volume = np.round(rng.lognormal(13, 0.4, n))
    index = pd.date_range("2000-01-01", periods=n, freq="1min", tz="UTC", name="timestamp")
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": volume}, index=index)


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def raw_talib(frame: pd.DataFrame) -> pd.DataFrame:
    import talib

    h, lo, c, v = (frame[k].to_numpy(dtype="float64") for k in ("high", "low", "close", "volume"))
    macd, signal, hist = talib.MACD(c, 12, 26, 9)
    upper, middle, lower = talib.BBANDS(c, 20, 2.0, 2.0, 0)
    k, d = talib.STOCH(h, lo, c, 14, 3, 0, 3, 0)
    cols = {
        "sma_20": talib.SMA(c, 20),
        "ema_20": talib.EMA(c, 20),
        "rsi_14": talib.RSI(c, 14),
        "macd_12_26_9": macd,
        "macd_signal_12_26_9": signal,
        "macd_hist_12_26_9": hist,
        "bb_upper_20": upper,
        "bb_middle_20": middle,
        "bb_lower_20": lower,
        "bb_pctb_20": (c - lower) / (upper - lower),
        "bb_bandwidth_20": (upper - lower) / middle,
        "atr_14": talib.ATR(h, lo, c, 14),
        "adx_14": talib.ADX(h, lo, c, 14),
        "plus_di_14": talib.PLUS_DI(h, lo, c, 14),
        "minus_di_14": talib.MINUS_DI(h, lo, c, 14),
        "stoch_k_14_3_3": k,
        "stoch_d_14_3_3": d,
        "roc_10": talib.ROC(c, 10),
        "obv": talib.OBV(c, v),
    }
    return pd.DataFrame(cols, index=frame.index)


def plugin_components() -> list[Any]:
    from huracan_features.indicators import ADX, ATR, EMA, MACD, OBV, ROC, RSI, SMA, BollingerBands, Stochastic

    return [SMA(20), EMA(20), RSI(14), MACD(), BollingerBands(20), ATR(14), ADX(14), Stochastic(), ROC(10), OBV()]


def ta_package(frame: pd.DataFrame) -> pd.DataFrame:
    import ta

    h, lo, c, v = frame["high"], frame["low"], frame["close"], frame["volume"]
    macd = ta.trend.MACD(c, 26, 12, 9)
    bb = ta.volatility.BollingerBands(c, 20, 2)
    adx = ta.trend.ADXIndicator(h, lo, c, 14)
    stoch = ta.momentum.StochasticOscillator(h, lo, c, 14, 3)
    cols = {
        "sma_20": ta.trend.sma_indicator(c, 20),
        "ema_20": ta.trend.ema_indicator(c, 20),
        "rsi_14": ta.momentum.rsi(c, 14),
        "macd": macd.macd(),
        "macd_signal": macd.macd_signal(),
        "macd_hist": macd.macd_diff(),
        "bb_upper": bb.bollinger_hband(),
        "bb_middle": bb.bollinger_mavg(),
        "bb_lower": bb.bollinger_lband(),
        "bb_pctb": bb.bollinger_pband(),
        "bb_width": bb.bollinger_wband(),
        "atr_14": ta.volatility.average_true_range(h, lo, c, 14),
        "adx_14": adx.adx(),
        "plus_di": adx.adx_pos(),
        "minus_di": adx.adx_neg(),
        "stoch_k": stoch.stoch(),
        "stoch_d": stoch.stoch_signal(),
        "roc_10": ta.momentum.roc(c, 10),
        "obv": ta.volume.on_balance_volume(c, v),
    }
    return pd.DataFrame(cols, index=frame.index)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-ta", action="store_true", help="skip the (slow) ta package reference")
    args = parser.parse_args()
    frame = market(args.rows)
    print(f"bench_features: {args.rows:,} rows, median of {args.repeat} runs")

    components = [c.fit(frame.iloc[:1000]) for c in plugin_components()]

    def through_plugin() -> pd.DataFrame:
        return pd.concat([c.transform(frame) for c in components], axis=1)

    hand = raw_talib(frame)
    ours = through_plugin()
    assert list(ours.columns) == list(hand.columns), (list(ours.columns), list(hand.columns))
    np.testing.assert_allclose(ours.to_numpy(), hand.to_numpy(), rtol=0, atol=1e-9, equal_nan=True)
    t_raw = median_time(lambda: raw_talib(frame), args.repeat)
    t_plugin = median_time(through_plugin, args.repeat)
    verdict = "OK" if t_plugin <= 1.5 * t_raw else "OVER BUDGET"
    print(f"  TA-Lib indicators ({hand.shape[1]} columns), raw TA-Lib + hand-built frame: {t_raw * 1e3:8.1f} ms")
    print(f"  TA-Lib indicators through the plugin (transform):                {t_plugin * 1e3:8.1f} ms")
    print(f"  ratio plugin / raw: {t_plugin / t_raw:.2f}  (goal <= 1.5: {verdict})")
    t_fit_transform = median_time(
        lambda: pd.concat([c.fit_transform(frame) for c in plugin_components()], axis=1), max(3, args.repeat // 2)
    )
    print(
        f"  (fit_transform, which also validates the window length on the full frame: {t_fit_transform * 1e3:.1f} ms)"
    )

    from huracan_features.indicators import RealizedVolatility, Returns, VolumeZScore
    from huracan_features.normalize import RollingNormalizer
    from huracan_features.outliers import OutlierHandler

    returns = Returns(horizons=[1], kind="log").fit_transform(frame)
    others: list[tuple[str, Any, pd.DataFrame]] = [
        ("Parkinson volatility (w=20)", RealizedVolatility(20, ["parkinson"]), frame),
        ("Garman-Klass volatility (w=20)", RealizedVolatility(20, ["garman_klass"]), frame),
        ("close-to-close volatility (w=20)", RealizedVolatility(20, ["close_to_close"]), frame),
        ("volume z-score (w=20)", VolumeZScore(20), frame),
        ("log returns (h=1,5,20)", Returns([1, 5, 20]), frame),
        ("rolling z-score normalization (w=250, close)", RollingNormalizer(250, columns=["close"]), frame),
        ("rolling robust normalization (w=250, close)", RollingNormalizer(250, "robust", columns=["close"]), frame),
        ("rolling z-score outliers, clip (w=100, returns)", OutlierHandler("zscore", window=100), returns),
        ("rolling MAD outliers, flag (w=100, returns)", OutlierHandler("mad", window=100, action="flag"), returns),
        ("rolling IQR outliers, clip (w=100, returns)", OutlierHandler("iqr", window=100), returns),
    ]
    print("  other features (plugin transform, vectorised):")
    for label, component, data in others:
        component.fit(data)
        seconds = median_time(lambda c=component, d=data: c.transform(d), args.repeat)
        print(f"    {label:<50s} {seconds * 1e3:8.1f} ms")

    if not args.skip_ta:
        start = time.perf_counter()
        ta_package(frame)
        print(
            f"  reference: the 'ta' package, same indicators (1 run):             {(time.perf_counter() - start) * 1e3:8.1f} ms"
        )


if __name__ == "__main__":
    main()
