"""Outlier detection (z-score, robust MAD, IQR) and handling (clip, winsorize, flag).

Two reference samples:

- **global** (``window=None``): bounds learned from the training frame at ``fit``
  and applied unchanged later;
- **rolling** (``window=w``): bounds at row t come from the ``w`` rows *before* t
  (t excluded, so an outlier cannot hide itself by inflating its own reference);
  no fit needed, never looks ahead. Rows before a full reference window are NaN.

Bounds per method (``threshold`` k; defaults 4 for z-score, 5 for MAD, 3 for IQR):
``zscore`` mean ± k·std; ``mad`` median ± k·1.4826·MAD; ``iqr`` [q1 − k·IQR, q3 + k·IQR].
``winsorize`` clamps to the ``quantile`` and ``1 − quantile`` quantiles of the
reference sample instead (the detection method does not apply).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from huracan_features._base import check_window
from huracan_features.normalize import _ColumnWise

__all__ = ["OutlierHandler", "outlier_bounds", "rolling_median_mad"]

_METHODS = ("zscore", "mad", "iqr")
_ACTIONS = ("clip", "winsorize", "flag")
DEFAULT_THRESHOLDS = {"zscore": 4.0, "mad": 5.0, "iqr": 3.0}
MAD_TO_STD = 1.4826
_CHUNK_ELEMENTS = 1 << 22  # ~32 MB of float64 per sliding-window block


def rolling_median_mad(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Median and median absolute deviation of each ``window`` ending at t (NaN before; NaN if any NaN inside).

    Vectorised over blocks of rows (sliding-window views), never a Python loop over rows.
    """
    n = len(values)
    median = np.full(n, np.nan)
    mad = np.full(n, np.nan)
    if n < window:
        return median, mad
    view = sliding_window_view(values, window)
    step = max(1, _CHUNK_ELEMENTS // window)
    for start in range(0, len(view), step):
        block = view[start : start + step]
        m = np.median(block, axis=1)
        rows = slice(window - 1 + start, window - 1 + start + len(block))
        median[rows] = m
        mad[rows] = np.median(np.abs(block - m[:, None]), axis=1)
    return median, mad


def outlier_bounds(
    values: np.ndarray, method: str, threshold: float, action: str, quantile: float
) -> tuple[np.ndarray, np.ndarray]:
    """Global (per column) lower/upper bounds of a 2-D sample, ignoring NaN."""
    if action == "winsorize":
        low, high = np.nanquantile(values, [quantile, 1.0 - quantile], axis=0)
        return low, high
    if method == "zscore":
        mean, std = np.nanmean(values, axis=0), np.nanstd(values, axis=0)
        return mean - threshold * std, mean + threshold * std
    if method == "mad":
        median = np.nanmedian(values, axis=0)
        mad = np.nanmedian(np.abs(values - median), axis=0) * MAD_TO_STD
        return median - threshold * mad, median + threshold * mad
    q1, q3 = np.nanpercentile(values, [25.0, 75.0], axis=0)
    return q1 - threshold * (q3 - q1), q3 + threshold * (q3 - q1)


class OutlierHandler(_ColumnWise):
    """Detect outliers per column and clip, winsorize or flag them.

    Args:
        method: ``zscore``, ``mad`` or ``iqr``.
        threshold: k in the bounds above (``None`` = the method's default).
        window: ``None`` for bounds learned at fit, or the length of the past-only rolling reference.
        action: ``clip`` (to the bounds), ``winsorize`` (to the reference quantiles) or
            ``flag`` (a 1.0/0.0 column ``{column}_outlier`` per input column).
        quantile: the tail fraction for ``winsorize``.
        columns: names or fnmatch patterns (``None`` = all numeric).
        suffix: added to output names (default ``""`` for clip/winsorize, ``"_outlier"`` for flag).
    """

    def __init__(
        self,
        method: str = "mad",
        threshold: float | None = None,
        window: int | None = None,
        action: str = "clip",
        quantile: float = 0.01,
        columns: Sequence[str] | None = None,
        suffix: str | None = None,
    ) -> None:
        self.method = method
        self.threshold = threshold
        self.window = window
        self.action = action
        self.quantile = quantile
        self.columns = columns
        self.suffix = suffix

    def _check_params(self) -> None:
        if self.method not in _METHODS:
            raise ValueError(
                f"OutlierHandler: parameter 'method' must be one of {', '.join(_METHODS)}, got {self.method!r}"
            )
        if self.action not in _ACTIONS:
            raise ValueError(
                f"OutlierHandler: parameter 'action' must be one of {', '.join(_ACTIONS)}, got {self.action!r}"
            )
        if self.threshold is not None and (not isinstance(self.threshold, int | float) or self.threshold <= 0):
            raise ValueError(f"OutlierHandler: parameter 'threshold' must be > 0, got {self.threshold!r}")
        if not isinstance(self.quantile, int | float) or not 0 < self.quantile < 0.5:
            raise ValueError(f"OutlierHandler: parameter 'quantile' must be in (0, 0.5), got {self.quantile!r}")
        if self.window is not None:
            check_window(self.window, "window", "OutlierHandler", 3)

    @property
    def _k(self) -> float:
        return float(self.threshold if self.threshold is not None else DEFAULT_THRESHOLDS[self.method])

    def _fit(self, X: pd.DataFrame) -> None:
        if self.window is not None:
            return  # rolling bounds need no fitted state
        values = self._matrix(X)
        if np.isnan(values).all(axis=0).any():
            empty = [c for c, bad in zip(self.feature_names_in_, np.isnan(values).all(axis=0)) if bad]
            raise ValueError(f"OutlierHandler: column(s) {', '.join(empty)} have no non-NaN training value to fit on")
        low, high = outlier_bounds(values, self.method, self._k, self.action, self.quantile)
        self.lower_ = np.asarray(low, dtype="float64")
        self.upper_ = np.asarray(high, dtype="float64")

    def _rolling_bounds(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = int(self.window)  # type: ignore[arg-type]
        k = self._k
        frame = pd.DataFrame(values)
        rolling = frame.rolling(w, min_periods=w)
        if self.action == "winsorize":
            low, high = rolling.quantile(self.quantile).to_numpy(), rolling.quantile(1.0 - self.quantile).to_numpy()
        elif self.method == "zscore":
            mean, std = rolling.mean().to_numpy(), rolling.std(ddof=0).to_numpy()
            low, high = mean - k * std, mean + k * std
        elif self.method == "iqr":
            q1, q3 = rolling.quantile(0.25).to_numpy(), rolling.quantile(0.75).to_numpy()
            low, high = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
        else:
            low = np.empty_like(values)
            high = np.empty_like(values)
            for j in range(values.shape[1]):  # loop over columns; rows are vectorised
                median, mad = rolling_median_mad(np.ascontiguousarray(values[:, j]), w)
                low[:, j] = median - k * MAD_TO_STD * mad
                high[:, j] = median + k * MAD_TO_STD * mad
        # reference = the w rows before t: shift the window ending at t−1 down by one row
        shifted_low = np.full_like(low, np.nan)
        shifted_high = np.full_like(high, np.nan)
        shifted_low[1:] = low[:-1]
        shifted_high[1:] = high[:-1]
        return shifted_low, shifted_high

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        self._check_params()
        values = self._matrix(X)
        if self.window is None:
            low, high = self.lower_[None, :], self.upper_[None, :]
        else:
            low, high = self._rolling_bounds(values)
        suffix: str = self.suffix if self.suffix is not None else ("_outlier" if self.action == "flag" else "")
        names = [f"{c}{suffix}" for c in self.feature_names_in_]
        if self.action == "flag":
            with np.errstate(invalid="ignore"):
                flags = ((values < low) | (values > high)).astype("float64")
            unknown = np.isnan(values) | np.isnan(low) | np.isnan(high)
            flags[np.broadcast_to(unknown, flags.shape)] = np.nan
            return pd.DataFrame(flags, index=X.index, columns=names)
        out = np.minimum(np.maximum(values, low), high)  # NaN bounds (warm-up) propagate as NaN
        return pd.DataFrame(out, index=X.index, columns=names)
