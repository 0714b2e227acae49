"""Lags and trailing rolling statistics of any column (causal: row t uses rows ≤ t)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from huracan_features._base import check_window
from huracan_features.normalize import _ColumnWise

__all__ = ["Lags", "RollingStats"]

_STATS = ("mean", "std", "min", "max", "median", "sum", "skew", "kurt")


class Lags(_ColumnWise):
    """``{column}_lag{k}``: the value ``k`` rows earlier, for each ``k`` in ``lags`` and each selected column."""

    def __init__(self, lags: Sequence[int] = (1,), columns: Sequence[str] | None = None) -> None:
        self.lags = lags
        self.columns = columns

    def _check_params(self) -> None:
        if isinstance(self.lags, int | str) or not list(self.lags):
            raise ValueError(f"Lags: parameter 'lags' must be a non-empty list of integers >= 1, got {self.lags!r}")
        for k in self.lags:
            check_window(k, "lags", "Lags", 1)

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        values = self._matrix(X)
        out: dict[str, np.ndarray] = {}
        for j, column in enumerate(self.feature_names_in_):
            for k in self.lags:
                lagged = np.full(len(values), np.nan)
                if k < len(values):
                    lagged[k:] = values[:-k, j]
                out[f"{column}_lag{k}"] = lagged
        return pd.DataFrame(out, index=X.index)


class RollingStats(_ColumnWise):
    """``{column}_{stat}{window}``: trailing statistics over the ``window`` rows ending at t.

    ``stats`` from ``mean, std, min, max, median, sum, skew, kurt`` (std with ddof=1;
    skew/kurt as pandas, kurt in excess). Rows before a full window are NaN.
    """

    def __init__(
        self, window: int = 20, stats: Sequence[str] = ("mean", "std"), columns: Sequence[str] | None = None
    ) -> None:
        self.window = window
        self.stats = stats
        self.columns = columns

    def _check_params(self) -> None:
        check_window(self.window, "window", "RollingStats", 2)
        if isinstance(self.stats, str) or not list(self.stats):
            raise ValueError(f"RollingStats: parameter 'stats' must be a non-empty list from {', '.join(_STATS)}")
        for stat in self.stats:
            if stat not in _STATS:
                raise ValueError(f"RollingStats: unknown stat {stat!r}; expected one of {', '.join(_STATS)}")

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        frame = pd.DataFrame(self._matrix(X), index=X.index, columns=self.feature_names_in_)
        rolling = frame.rolling(self.window, min_periods=self.window)
        parts = []
        for stat in self.stats:
            result = getattr(rolling, stat)()
            result.columns = [f"{c}_{stat}{self.window}" for c in self.feature_names_in_]
            parts.append(result)
        out = pd.concat(parts, axis=1)
        order = [f"{c}_{stat}{self.window}" for c in self.feature_names_in_ for stat in self.stats]
        return out[order]
