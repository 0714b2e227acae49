"""Trend decomposition: a causal trend/residual split, and an offline (non-causal) STL decomposition.

``CausalTrend`` uses one-sided filters only (an EMA, or the end point of a
least-squares line through the last ``window`` bars — TA-Lib's ``LINEARREG``),
so the trend at t uses bars ≤ t and can be a model feature.

``SeasonalDecomposition`` runs STL (statsmodels) over the *whole* series: every
value depends on the future. It is marked ``non_causal`` in its model info, its
``causal`` attribute is False, and the recipe executor refuses it where causality
is required. Use it for analysis, never as a feature for prediction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from huracan_core._errors import DataContractError
from huracan_features._base import check_window
from huracan_features.indicators import _SingleColumnFeature, _talib

__all__ = ["CausalTrend", "SeasonalDecomposition"]

_TREND_METHODS = ("ema", "linear")


class CausalTrend(_SingleColumnFeature):
    """One-sided trend of (log) price with residual and slope.

    Columns ``trend_{method}_{w}``, ``trend_resid_{method}_{w}`` (series − trend)
    and ``trend_slope_{method}_{w}`` (per bar: the fitted line's slope for
    ``linear``, the trend's one-bar change for ``ema``), in log units when ``log``.
    """

    def __init__(self, window: int = 20, method: str = "linear", log: bool = True, column: str = "close") -> None:
        self.window = window
        self.method = method
        self.log = log
        self.column = column

    def _positive_columns(self) -> tuple[str, ...]:
        return (self.column,) if self.log else ()

    def _check_params(self) -> None:
        check_window(self.window, "window", "CausalTrend", 2)
        if self.method not in _TREND_METHODS:
            raise ValueError(
                f"CausalTrend: parameter 'method' must be one of {', '.join(_TREND_METHODS)}, got {self.method!r}"
            )

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        talib = _talib()
        series = np.log(arrays[self.column]) if self.log else arrays[self.column]
        if self.method == "linear":
            trend = talib.LINEARREG(series, timeperiod=self.window)
            slope = talib.LINEARREG_SLOPE(series, timeperiod=self.window)
        else:
            trend = talib.EMA(series, timeperiod=self.window)
            slope = np.full_like(trend, np.nan)
            slope[1:] = trend[1:] - trend[:-1]
        key = f"{self.method}_{self.window}"
        return {f"trend_{key}": trend, f"trend_resid_{key}": series - trend, f"trend_slope_{key}": slope}


class SeasonalDecomposition(_SingleColumnFeature):
    """Offline STL decomposition of (log) price into ``stl_trend``, ``stl_seasonal``, ``stl_resid``.

    **Non-causal**: fitted over the whole frame it is given (two-sided LOESS).
    ``period`` is the seasonal cycle in bars (5 = a trading week of daily bars).
    """

    causal = False

    def __init__(self, period: int = 5, robust: bool = True, log: bool = True, column: str = "close") -> None:
        self.period = period
        self.robust = robust
        self.log = log
        self.column = column

    def _positive_columns(self) -> tuple[str, ...]:
        return (self.column,) if self.log else ()

    def _check_params(self) -> None:
        check_window(self.period, "period", "SeasonalDecomposition", 2)

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        from statsmodels.tsa.seasonal import STL

        series = np.log(arrays[self.column]) if self.log else arrays[self.column]
        if len(series) < 2 * self.period + 1:
            raise DataContractError(
                f"SeasonalDecomposition: needs at least {2 * self.period + 1} rows for period={self.period}, got {len(series)}"
            )
        result: Any = STL(series, period=self.period, robust=self.robust).fit()
        return {
            "stl_trend": np.asarray(result.trend, dtype="float64"),
            "stl_seasonal": np.asarray(result.seasonal, dtype="float64"),
            "stl_resid": np.asarray(result.resid, dtype="float64"),
        }
