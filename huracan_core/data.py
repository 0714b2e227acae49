"""The data contract for market frames and feature frames.

A market frame has a tz-aware UTC ``DatetimeIndex`` (sorted, unique) and
numeric columns ``open, high, low, close, volume``. One instrument per frame in
this release; a ``(timestamp, symbol)`` MultiIndex is validated per symbol so
that multi-asset frames work when the rest of the stack supports them.

Errors name the column, the first bad row and the rule, and never modify the
input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import DataContractError

__all__ = ["OHLCV", "validate_feature_frame", "validate_index", "validate_market_frame"]

OHLCV = ("open", "high", "low", "close", "volume")


def _first_row(index: pd.Index, mask: np.ndarray) -> str:
    position = int(np.flatnonzero(mask)[0])
    return f"row {position} ({index[position]})"


def validate_index(frame: pd.DataFrame, name: str = "frame") -> None:
    """Check the timestamp index alone: DatetimeIndex, tz-aware UTC, sorted, unique."""
    index = frame.index
    if not isinstance(index, pd.DatetimeIndex):
        raise DataContractError(
            f"{name}: index must be a DatetimeIndex of bar timestamps, got {type(index).__name__}; "
            "set it with frame.set_index(pd.to_datetime(frame['timestamp'], utc=True))"
        )
    if index.tz is None:
        raise DataContractError(
            f"{name}: index must be tz-aware UTC, got naive timestamps; use frame.tz_localize('UTC')"
        )
    if str(index.tz) != "UTC":
        raise DataContractError(f"{name}: index must be in UTC, got {index.tz}; use frame.tz_convert('UTC')")
    if len(index) > 1:
        values = index.asi8
        steps = np.diff(values)
        if (steps == 0).any():
            bad = np.r_[False, steps == 0]
            raise DataContractError(
                f"{name}: duplicate timestamp at {_first_row(index, bad)}; timestamps must be unique"
            )
        if (steps < 0).any():
            bad = np.r_[False, steps < 0]
            raise DataContractError(
                f"{name}: timestamps not sorted ascending at {_first_row(index, bad)}; use frame.sort_index()"
            )


def _check_numeric(frame: pd.DataFrame, columns: Sequence[str], name: str, allow_nan: bool) -> None:
    for column in columns:
        series = frame[column]
        if not (pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)):
            raise DataContractError(f"{name}: column {column!r} must be numeric, got dtype {series.dtype}")
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        if not allow_nan and np.isnan(values).any():
            raise DataContractError(
                f"{name}: column {column!r} has NaN at {_first_row(frame.index, np.isnan(values))}; "
                "clean it first (e.g. the 'clean' preprocessor with nan_policy='ffill' or 'drop')"
            )
        if np.isinf(values).any():
            raise DataContractError(f"{name}: column {column!r} has inf at {_first_row(frame.index, np.isinf(values))}")


def validate_market_frame(frame: Any, *, name: str = "market frame", allow_nan: bool = False) -> pd.DataFrame:
    """Check ``frame`` against the market-data contract and return it unchanged.

    Raises:
        DataContractError: naming the column, the first offending row and the rule.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataContractError(f"{name}: expected a pandas DataFrame with columns {OHLCV}, got {type(frame).__name__}")
    if isinstance(frame.index, pd.MultiIndex):
        if list(frame.index.names) != ["timestamp", "symbol"]:
            raise DataContractError(
                f"{name}: a MultiIndex must be named ['timestamp', 'symbol'], got {list(frame.index.names)}"
            )
        for symbol, part in frame.groupby(level="symbol", sort=False):
            validate_market_frame(part.droplevel("symbol"), name=f"{name} [symbol {symbol}]", allow_nan=allow_nan)
        return frame
    missing = [c for c in OHLCV if c not in frame.columns]
    if missing:
        raise DataContractError(
            f"{name}: missing column(s) {', '.join(missing)}; a market frame needs {', '.join(OHLCV)} "
            f"(got {', '.join(map(str, frame.columns)) or 'no columns'}). Map your names with a column mapping."
        )
    if len(frame) == 0:
        raise DataContractError(f"{name}: has no rows")
    validate_index(frame, name)
    _check_numeric(frame, OHLCV, name, allow_nan)
    o, h, low, c, v = (frame[col].to_numpy(dtype="float64", na_value=np.nan) for col in OHLCV)
    with np.errstate(invalid="ignore"):
        for column, values in (("open", o), ("high", h), ("low", low), ("close", c)):
            bad = values <= 0
            if bad.any():
                raise DataContractError(
                    f"{name}: column {column!r} must be > 0 (prices), got {values[bad][0]} at {_first_row(frame.index, bad)}"
                )
        bad = v < 0
        if bad.any():
            raise DataContractError(
                f"{name}: column 'volume' must be >= 0, got {v[bad][0]} at {_first_row(frame.index, bad)}"
            )
        tolerance = 1e-9 * np.abs(c)
        bad = h + tolerance < np.maximum(o, c)
        if bad.any():
            raise DataContractError(
                f"{name}: column 'high' is below max(open, close) at {_first_row(frame.index, bad)}; high >= max(open, close) is required"
            )
        bad = low - tolerance > np.minimum(o, c)
        if bad.any():
            raise DataContractError(
                f"{name}: column 'low' is above min(open, close) at {_first_row(frame.index, bad)}; low <= min(open, close) is required"
            )
    return frame


def validate_feature_frame(
    frame: Any,
    *,
    name: str = "features",
    allow_nan: bool = False,
    expected_columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Check a feature frame: timestamp index (as for market frames), numeric, finite columns.

    ``expected_columns`` (the names seen at fit time) must match in order.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataContractError(f"{name}: expected a pandas DataFrame, got {type(frame).__name__}")
    if len(frame) == 0:
        raise DataContractError(f"{name}: has no rows")
    validate_index(frame, name)
    if expected_columns is not None and list(frame.columns) != list(expected_columns):
        missing = [c for c in expected_columns if c not in frame.columns]
        extra = [c for c in frame.columns if c not in expected_columns]
        raise DataContractError(
            f"{name}: columns differ from those seen at fit: missing {missing}, unexpected {extra} "
            f"(expected {len(expected_columns)} columns in order, got {len(frame.columns)})"
        )
    _check_numeric(frame, [str(c) for c in frame.columns], name, allow_nan)
    return frame
