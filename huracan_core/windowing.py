"""Causal windowing: a feature frame → lookback windows (numpy only).

Window ``i`` ends at row ``i + lookback - 1`` and holds rows
``i .. i + lookback - 1``: it never sees a row after its own timestamp. The
torch and JAX plugins both build their datasets from :func:`make_windows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from huracan_core._errors import DataContractError

__all__ = ["Windows", "make_windows"]


@dataclass(frozen=True)
class Windows:
    """``X``: (n_windows, lookback, n_features); ``y``/``label_end``/``index`` aligned to window ends."""

    X: np.ndarray
    y: np.ndarray | None
    index: Any
    label_end: Any
    end_rows: np.ndarray

    def __len__(self) -> int:
        return int(self.X.shape[0])


def make_windows(
    features: Any,
    lookback: int,
    target: Any = None,
    *,
    label_end: Any = None,
    dtype: Any = np.float32,
    name: str = "features",
) -> Windows:
    """Build lookback windows from a frame or 2-D array, aligned with an optional target.

    Args:
        features: (n_rows, n_features) frame or array; frames keep their index for the windows.
        lookback: window length L (rows per window, the last one being the window's timestamp).
        target: optional length-n_rows array/Series; ``y[i]`` is the target at the window's last row.
        label_end: optional per-row ``label_end`` timestamps, carried to windows for purging.

    Raises:
        DataContractError: fewer rows than ``lookback``, NaN/inf in the features, or misaligned target.
    """
    if not isinstance(lookback, int | np.integer) or lookback < 1:
        raise DataContractError(f"lookback must be a positive integer, got {lookback!r}")
    index = getattr(features, "index", None)
    values = np.asarray(features, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise DataContractError(f"{name}: expected 2-D (rows, features), got shape {values.shape}")
    n_rows = values.shape[0]
    if n_rows < lookback:
        raise DataContractError(f"{name}: {n_rows} rows is fewer than the lookback window of {lookback} rows")
    finite = np.isfinite(values)
    if not finite.all():
        row, col = (int(i) for i in np.argwhere(~finite)[0])
        column = features.columns[col] if hasattr(features, "columns") else col
        where = f"{index[row]}" if index is not None else f"row {row}"
        raise DataContractError(
            f"{name}: non-finite value {values[row, col]} in column {column!r} at {where}; windows must be finite"
        )
    windows = np.lib.stride_tricks.sliding_window_view(values, lookback, axis=0)  # (m, f, L)
    X = np.ascontiguousarray(np.swapaxes(windows, 1, 2), dtype=dtype)
    end_rows = np.arange(lookback - 1, n_rows)
    y = None
    if target is not None:
        target_values = np.asarray(target)
        if target_values.shape[0] != n_rows:
            raise DataContractError(f"target has {target_values.shape[0]} rows but {name} has {n_rows}")
        y = target_values[end_rows]
    window_index = index[end_rows] if index is not None else end_rows
    ends = None
    if label_end is not None:
        ends = np.asarray(label_end)[end_rows]
    return Windows(X=X, y=y, index=window_index, label_end=ends, end_rows=end_rows)
