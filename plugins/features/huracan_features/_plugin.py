"""Entry point of the ``huracan-features`` plugin: registers preprocessors, datasets and the ``eda`` command.

Imports only ``huracan_core`` and the standard library: the components'
modules (numpy, pandas, TA-Lib, statsmodels) are imported when a component is
first used, never at discovery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from huracan_core import ComponentSpec, DatasetShape, DatasetSpec, ModelInfo, OutputSchema, SearchParam, hookimpl

_PKG = "huracan_features"


def _window(low: int, high: int) -> SearchParam:
    return SearchParam(type="int", low=low, high=high)


def _spec(
    name: str,
    factory: str,
    purpose: str,
    *,
    provides: tuple[str, ...],
    task: str = "feature_engineering",
    requirements: tuple[str, ...] = ("ohlcv",),
    columns: tuple[str, ...] = (),
    kind: str = "features",
    min_rows: int = 50,
    causal: bool = True,
    capabilities: tuple[str, ...] = (),
    requires: tuple[str, ...] = ("numpy", "pandas"),
    backend: str = "numpy",
    test_params: Mapping[str, Any] | None = None,
    search_space: Mapping[str, SearchParam] | None = None,
) -> ComponentSpec:
    return ComponentSpec(
        name=name,
        kind="preprocessor",
        factory=f"{_PKG}.{factory}",
        requires=requires,
        test_params=dict(test_params or {}),
        info=ModelInfo(
            purpose=purpose,
            ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=min_rows),
            feature_requirements=requirements,
            provides=provides,
            output_schema=OutputSchema(kind=kind, columns=columns),
            market_regimes=("any",),
            task=task,
            backend=backend,
            capabilities=(("causal",) if causal else ("non_causal",)) + capabilities,
            search_space=dict(search_space or {}),
        ),
    )


_TALIB = ("talib", "numpy", "pandas")


def _specs() -> list[ComponentSpec]:
    """Every preprocessor of the plugin (output columns are listed where they do not depend on parameters)."""
    return [
        # -- cleaning ------------------------------------------------------------------
        _spec(
            "clean",
            "cleaning:Clean",
            "Sort bars, resolve duplicate timestamps, apply a NaN/inf policy (error, drop or forward-fill; never back-fill) and report gaps.",
            provides=("ohlcv",),
            task="cleaning",
            requirements=("any",),
            kind="frame",
            min_rows=2,
            capabilities=("missing_values",),
            test_params={"nan_policy": "ffill", "gap_policy": "ignore"},
        ),
        _spec(
            "resample",
            "cleaning:Resample",
            "Aggregate OHLCV bars to a coarser frequency (first/max/min/last/sum), each bar labelled at the end of its interval.",
            provides=("ohlcv",),
            task="cleaning",
            columns=("open", "high", "low", "close", "volume"),
            kind="frame",
            min_rows=2,
            capabilities=("reindexes",),
            test_params={"rule": "2D"},
        ),
        # -- outliers and normalization ------------------------------------------------
        _spec(
            "outliers",
            "outliers:OutlierHandler",
            "Detect outliers per column by z-score, robust MAD or IQR (fitted or past-only rolling bounds) and clip, winsorize or flag them.",
            provides=("outlier_flag",),
            task="outlier_detection",
            requirements=("any",),
            capabilities=("missing_values",),
            test_params={"method": "mad", "window": 20, "action": "flag"},
            search_space={
                "method": SearchParam(type="categorical", choices=("zscore", "mad", "iqr")),
                "threshold": SearchParam(type="float", low=2.0, high=8.0),
            },
        ),
        _spec(
            "normalize",
            "normalize:Normalizer",
            "Scale columns by z-score, min-max or median/IQR statistics learned on the training data only.",
            provides=("normalized",),
            task="normalization",
            requirements=("any",),
            capabilities=("missing_values",),
            min_rows=2,
            test_params={"method": "zscore"},
            search_space={"method": SearchParam(type="categorical", choices=("zscore", "minmax", "robust"))},
        ),
        _spec(
            "rolling_normalize",
            "normalize:RollingNormalizer",
            "Normalize each row by z-score, min-max or median/IQR of the trailing window ending at it, so it uses only past data.",
            provides=("normalized", "rolling"),
            task="normalization",
            requirements=("any",),
            capabilities=("missing_values",),
            test_params={"window": 20, "method": "zscore"},
            search_space={
                "window": _window(20, 500),
                "method": SearchParam(type="categorical", choices=("zscore", "minmax", "robust")),
            },
        ),
        # -- returns and volatility ----------------------------------------------------
        _spec(
            "returns",
            "indicators:Returns",
            "Simple and/or log returns of the close over several horizons (ret_{h}, logret_{h}).",
            provides=("returns",),
            min_rows=21,
            test_params={"horizons": [1, 5], "kind": "both"},
        ),
        _spec(
            "realized_volatility",
            "indicators:RealizedVolatility",
            "Trailing realized volatility per bar: close-to-close, Parkinson (high-low) and Garman-Klass (OHLC) estimators.",
            provides=("volatility",),
            test_params={"window": 10},
            search_space={"window": _window(5, 100)},
        ),
        _spec(
            "volume_zscore",
            "indicators:VolumeZScore",
            "Z-score of volume (optionally log volume) against its trailing window.",
            provides=("volume",),
            test_params={"window": 10},
            search_space={"window": _window(5, 100)},
        ),
        # -- TA-Lib indicators ---------------------------------------------------------
        _spec(
            "sma",
            "indicators:SMA",
            "Simple moving average of the close (TA-Lib), as a level or relative to the close.",
            provides=("trend",),
            requires=_TALIB,
            test_params={"timeperiod": 5},
            search_space={"timeperiod": _window(5, 200)},
        ),
        _spec(
            "ema",
            "indicators:EMA",
            "Exponential moving average of the close (TA-Lib, seeded by a simple mean), as a level or relative to the close.",
            provides=("trend",),
            requires=_TALIB,
            test_params={"timeperiod": 5},
            search_space={"timeperiod": _window(5, 200)},
        ),
        _spec(
            "rsi",
            "indicators:RSI",
            "Wilder's relative strength index of the close (TA-Lib), 0 to 100.",
            provides=("momentum",),
            requires=_TALIB,
            test_params={"timeperiod": 5},
            search_space={"timeperiod": _window(5, 50)},
        ),
        _spec(
            "macd",
            "indicators:MACD",
            "MACD line, signal and histogram of the close (TA-Lib), optionally divided by the close.",
            provides=("momentum", "trend"),
            requires=_TALIB,
            test_params={"fastperiod": 3, "slowperiod": 6, "signalperiod": 3},
            search_space={"fastperiod": _window(5, 20), "slowperiod": _window(21, 60), "signalperiod": _window(3, 15)},
        ),
        _spec(
            "bollinger",
            "indicators:BollingerBands",
            "Bollinger bands of the close (TA-Lib, population std) with %B and bandwidth.",
            provides=("volatility", "trend"),
            requires=_TALIB,
            test_params={"timeperiod": 5},
            search_space={"timeperiod": _window(10, 100), "nbdev": SearchParam(type="float", low=1.0, high=3.0)},
        ),
        _spec(
            "atr",
            "indicators:ATR",
            "Wilder's average true range (TA-Lib), as a level or relative to the close.",
            provides=("volatility",),
            requires=_TALIB,
            test_params={"timeperiod": 5},
            search_space={"timeperiod": _window(5, 50)},
        ),
        _spec(
            "adx",
            "indicators:ADX",
            "Wilder's average directional index with the +DI and -DI directional indicators (TA-Lib).",
            provides=("trend", "momentum"),
            requires=_TALIB,
            test_params={"timeperiod": 5},
            search_space={"timeperiod": _window(5, 50)},
        ),
        _spec(
            "stochastic",
            "indicators:Stochastic",
            "Slow stochastic oscillator %K and %D (TA-Lib, simple-mean smoothing).",
            provides=("momentum",),
            requires=_TALIB,
            test_params={"fastk_period": 5, "slowk_period": 3, "slowd_period": 3},
            search_space={"fastk_period": _window(5, 30)},
        ),
        _spec(
            "roc",
            "indicators:ROC",
            "Rate of change of the close in percent over a period (TA-Lib).",
            provides=("momentum",),
            requires=_TALIB,
            test_params={"timeperiod": 5},
            search_space={"timeperiod": _window(1, 60)},
        ),
        _spec(
            "obv",
            "indicators:OBV",
            "On-balance volume (TA-Lib), cumulative from the first bar of the frame.",
            provides=("volume",),
            requires=_TALIB,
            columns=("obv",),
            min_rows=2,
        ),
        # -- decomposition ---------------------------------------------------------------
        _spec(
            "causal_trend",
            "decomposition:CausalTrend",
            "One-sided trend of the log close (rolling least-squares end point or EMA) with residual and slope, usable as causal features.",
            provides=("trend",),
            task="decomposition",
            requires=_TALIB,
            test_params={"window": 10},
            search_space={
                "window": _window(5, 200),
                "method": SearchParam(type="categorical", choices=("linear", "ema")),
            },
        ),
        _spec(
            "seasonal_decompose",
            "decomposition:SeasonalDecomposition",
            "Offline STL decomposition of the log close into trend, seasonal and residual over the whole series; non-causal, for analysis only.",
            provides=("trend", "seasonal"),
            task="decomposition",
            columns=("stl_trend", "stl_seasonal", "stl_resid"),
            causal=False,
            requires=("statsmodels", "numpy", "pandas"),
            test_params={"period": 5},
        ),
        # -- lags and rolling windows ----------------------------------------------------
        _spec(
            "lags",
            "lags:Lags",
            "Lagged copies of any columns (value k rows earlier).",
            provides=("lagged",),
            requirements=("any",),
            capabilities=("missing_values",),
            min_rows=2,
            test_params={"lags": [1, 3]},
        ),
        _spec(
            "rolling_stats",
            "lags:RollingStats",
            "Trailing rolling statistics (mean, std, min, max, median, sum, skew, kurtosis) of any columns.",
            provides=("rolling",),
            requirements=("any",),
            capabilities=("missing_values",),
            test_params={"window": 5, "stats": ["mean", "std", "max"]},
            search_space={"window": _window(5, 250)},
        ),
    ]


@hookimpl
def huracan_register_preprocessors(register: Callable[[ComponentSpec], None]) -> None:
    for spec in _specs():
        register(spec)


@hookimpl
def huracan_register_datasets(register: Callable[[DatasetSpec], None]) -> None:
    arch_license = (
        "NCSA Open Source License (University of Illinois/NCSA) of the arch package that ships the file, "
        "(c) 2017 Kevin Sheppard: use, copying and redistribution permitted with the notice; the index quotes "
        "originate from Yahoo! Finance. For research and education."
    )
    register(
        DatasetSpec(
            name="sp500_daily",
            loader=f"{_PKG}.datasets:load_sp500",
            frequency="1D",
            start="1999-01-04",
            end="2018-12-31",
            license=arch_license,
            source="arch.data.sp500 (bundled in the arch wheel; S&P 500 index daily OHLCV, 5,031 trading days)",
            description="S&P 500 index daily open/high/low/close/volume, loaded offline from the arch package.",
            requires=("arch", "pandas"),
        )
    )
    register(
        DatasetSpec(
            name="nasdaq_daily",
            loader=f"{_PKG}.datasets:load_nasdaq",
            frequency="1D",
            start="1999-01-04",
            end="2018-12-31",
            license=arch_license,
            source="arch.data.nasdaq (bundled in the arch wheel; NASDAQ Composite daily OHLCV, 5,031 trading days)",
            description="NASDAQ Composite daily open/high/low/close/volume, loaded offline from the arch package.",
            requires=("arch", "pandas"),
        )
    )
    register(
        DatasetSpec(
            name="regime_simulator",
            loader=f"{_PKG}.datasets:load_regime_simulator",
            frequency="1D",
            start="2000-01-01",
            end=None,
            license="Apache-2.0 (generated by huracan-features; no third-party data)",
            source="huracan_features.datasets.simulate_regimes: seeded regime-switching simulator with fat tails and GARCH volatility clustering",
            has_regime_labels=True,
            description="Synthetic OHLCV switching between trending_up, trending_down, ranging and volatile regimes, labelled per bar (params: n_bars, seed, mean_duration, ...).",
            requires=("numpy", "pandas"),
        )
    )


@hookimpl
def huracan_register_commands(cli: Any) -> None:
    from huracan_features._cli import eda_command  # click only; heavy imports happen inside the command

    cli.add_command(eda_command)
