"""Normalization: fitted (z-score, min-max, robust) and rolling (past-only) variants.

The fitted normalizers learn their centre and scale from the training frame in
``fit`` and apply them unchanged to any later frame (causal given the fit). The
rolling normalizer uses, at each row t, only the ``window`` rows ending at t, so
it needs no fit and never sees the future.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from huracan_features._base import FeaturePreprocessor, check_window, column_values, select_columns

__all__ = ["Normalizer", "RollingNormalizer"]

logger = logging.getLogger(__name__)

_METHODS = ("zscore", "minmax", "robust")


def _check_method(method: str, who: str) -> None:
    if method not in _METHODS:
        raise ValueError(f"{who}: parameter 'method' must be one of {', '.join(_METHODS)}, got {method!r}")


class _ColumnWise(FeaturePreprocessor):
    """Preprocessors applied column by column to ``columns`` (names or fnmatch patterns; ``None`` = all numeric).

    Output columns are named ``{column}{suffix}``; with the default empty suffix a
    recipe step overwrites its input columns, with a suffix it adds new ones.
    """

    columns: Sequence[str] | str | None
    suffix: str | None

    def _input_columns(self, X: pd.DataFrame) -> list[str]:
        chosen = select_columns(X, self.columns, self._who)
        for column in chosen:
            column_values(X, column, self._who, allow_nan=True)
        return chosen

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        cols = [column_values(X, c, self._who, allow_nan=True) for c in self.feature_names_in_]
        return np.column_stack(cols) if cols else np.empty((len(X), 0))

    def _frame(self, values: np.ndarray, X: pd.DataFrame) -> pd.DataFrame:
        names = [f"{c}{self.suffix or ''}" for c in self.feature_names_in_]
        return pd.DataFrame(values, index=X.index, columns=names)


class Normalizer(_ColumnWise):
    """Scale columns with statistics learned at fit: ``zscore`` (mean/std), ``minmax`` (min/max → [0, 1]
    on the training range) or ``robust`` (median / interquartile range). NaNs are ignored when fitting and
    kept when transforming. A constant training column gets scale 1 (a warning is logged).
    """

    def __init__(self, method: str = "zscore", columns: Sequence[str] | None = None, suffix: str = "") -> None:
        self.method = method
        self.columns = columns
        self.suffix = suffix

    def _check_params(self) -> None:
        _check_method(self.method, "Normalizer")

    def _fit(self, X: pd.DataFrame) -> None:
        values = self._matrix(X)
        if np.isnan(values).all(axis=0).any():
            empty = [c for c, bad in zip(self.feature_names_in_, np.isnan(values).all(axis=0)) if bad]
            raise ValueError(f"Normalizer: column(s) {', '.join(empty)} have no non-NaN training value to fit on")
        if self.method == "zscore":
            center, scale = np.nanmean(values, axis=0), np.nanstd(values, axis=0, ddof=0)
        elif self.method == "minmax":
            low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
            center, scale = low, high - low
        else:
            q1, median, q3 = np.nanpercentile(values, [25.0, 50.0, 75.0], axis=0)
            center, scale = median, q3 - q1
        flat = ~(scale > 0)
        if flat.any():
            logger.warning(
                "Normalizer: column(s) %s are constant in the training data; using scale 1",
                ", ".join(c for c, f in zip(self.feature_names_in_, flat) if f),
            )
            scale = np.where(flat, 1.0, scale)
        self.center_ = center.astype("float64")
        self.scale_ = scale.astype("float64")

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self._frame((self._matrix(X) - self.center_) / self.scale_, X)


class RollingNormalizer(_ColumnWise):
    """Normalize each row with statistics of the ``window`` rows ending at it (past and current only).

    ``zscore``: (x − mean) / std (ddof=1); ``minmax``: (x − min) / (max − min);
    ``robust``: (x − median) / (q75 − q25). Rows before a full window (``min_periods``)
    and windows with zero spread are NaN.
    """

    def __init__(
        self,
        window: int = 250,
        method: str = "zscore",
        min_periods: int | None = None,
        columns: Sequence[str] | None = None,
        suffix: str = "",
    ) -> None:
        self.window = window
        self.method = method
        self.min_periods = min_periods
        self.columns = columns
        self.suffix = suffix

    def _check_params(self) -> None:
        _check_method(self.method, "RollingNormalizer")
        check_window(self.window, "window", "RollingNormalizer", 2)
        if self.min_periods is not None:
            check_window(self.min_periods, "min_periods", "RollingNormalizer", 2)
            if self.min_periods > self.window:
                raise ValueError(
                    f"RollingNormalizer: 'min_periods' ({self.min_periods}) must be <= 'window' ({self.window})"
                )

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        self._check_params()
        frame = pd.DataFrame(self._matrix(X))
        rolling = frame.rolling(self.window, min_periods=self.min_periods or self.window)
        if self.method == "zscore":
            center, scale = rolling.mean(), rolling.std(ddof=1)
        elif self.method == "minmax":
            center = rolling.min()
            scale = rolling.max() - center
        else:
            center = rolling.median()
            scale = rolling.quantile(0.75) - rolling.quantile(0.25)
        values = frame.to_numpy() - center.to_numpy()
        spread = scale.to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(spread > 1e-12 * np.maximum(np.abs(center.to_numpy()), 1.0), values / spread, np.nan)
        return self._frame(out, X)
