"""Every registered component of the plugin passes the core's conformance kit (causality included)."""

from __future__ import annotations

from huracan_core.testing import parametrize_with_checks

PREPROCESSORS = [
    "clean",
    "resample",
    "outliers",
    "normalize",
    "rolling_normalize",
    "returns",
    "realized_volatility",
    "volume_zscore",
    "sma",
    "ema",
    "rsi",
    "macd",
    "bollinger",
    "atr",
    "adx",
    "stochastic",
    "roc",
    "obv",
    "causal_trend",
    "seasonal_decompose",
    "lags",
    "rolling_stats",
]


@parametrize_with_checks(PREPROCESSORS)
def test_conformance(spec, check):
    check(spec)
