"""huracan-features: preprocessors, market datasets, file loaders and EDA for Huracan.

Importing this package is cheap (the entry point ``huracan_features._plugin``
is imported at discovery); the classes below are imported on first access.
"""

from __future__ import annotations

from huracan_core import lazy_exports

__version__ = "0.1.0"

_LAZY = {
    "ADX": ".indicators",
    "ATR": ".indicators",
    "BollingerBands": ".indicators",
    "CausalTrend": ".decomposition",
    "Clean": ".cleaning",
    "EMA": ".indicators",
    "FeaturePreprocessor": "._base",
    "Lags": ".lags",
    "MACD": ".indicators",
    "Normalizer": ".normalize",
    "OBV": ".indicators",
    "OutlierHandler": ".outliers",
    "ROC": ".indicators",
    "RSI": ".indicators",
    "RealizedVolatility": ".indicators",
    "Resample": ".cleaning",
    "Returns": ".indicators",
    "RollingNormalizer": ".normalize",
    "RollingStats": ".lags",
    "SMA": ".indicators",
    "SeasonalDecomposition": ".decomposition",
    "Stochastic": ".indicators",
    "VolumeZScore": ".indicators",
    "detect_gaps": ".cleaning",
    "eda": ".eda",
    "load_csv": ".io",
    "load_market_data": ".io",
    "load_nasdaq": ".datasets",
    "load_parquet": ".io",
    "load_sp500": ".datasets",
    "simulate_regimes": ".datasets",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = sorted(_LAZY)
