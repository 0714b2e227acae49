"""Load the user's own OHLCV files (CSV, Parquet) into the core's market-frame contract.

A column mapping renames source columns to the contract's names
(``{"Date": "timestamp", "Last": "close", ...}``); without one, names are matched
case-insensitively (``Open`` → ``open``; ``date``/``datetime``/``time`` →
``timestamp``). Timestamps become a UTC index (naive ones are read in ``tz``).
Every frame is checked with :func:`huracan_core.data.validate_market_frame`,
whose errors name the column, the row and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import DataContractError
from huracan_core.data import OHLCV, validate_market_frame

__all__ = ["load_csv", "load_market_data", "load_parquet", "to_market_frame"]

_TIME_NAMES = ("timestamp", "date", "datetime", "time")


def to_market_frame(
    raw: pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    timestamp: str = "timestamp",
    tz: str = "UTC",
    unit: str | None = None,
    keep_extra: bool = False,
    sort: bool = False,
    source: str = "data",
) -> pd.DataFrame:
    """Turn a raw table into a validated market frame (see the module docstring).

    Args:
        raw: the table as read.
        columns: source name → contract name (``timestamp``, ``open``, ``high``, ``low``, ``close``, ``volume``).
        timestamp: the timestamp column after mapping (ignored if the table already has a DatetimeIndex).
        tz: zone of naive timestamps; everything is converted to UTC.
        unit: epoch unit for numeric timestamps (``"s"``, ``"ms"``, ...).
        keep_extra: keep columns other than OHLCV.
        sort: sort by timestamp instead of raising on unsorted rows.
        source: the file name, for error messages.
    """
    frame = raw.copy()
    if columns:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DataContractError(
                f"{source}: column mapping names source column(s) {', '.join(map(repr, missing))} that the data lacks "
                f"(got {', '.join(map(str, frame.columns))})"
            )
        frame = frame.rename(columns=dict(columns))
    else:
        lowered = {c: str(c).strip().lower() for c in frame.columns}
        renamed = {}
        for original, low in lowered.items():
            if low in OHLCV or low == timestamp:
                renamed[original] = low
            elif low in _TIME_NAMES and timestamp not in lowered.values():
                renamed[original] = timestamp
        frame = frame.rename(columns=renamed)
    if not isinstance(frame.index, pd.DatetimeIndex):
        if timestamp not in frame.columns:
            raise DataContractError(
                f"{source}: no timestamp column {timestamp!r} (got {', '.join(map(str, frame.columns))}); "
                f"map yours with columns={{'<your column>': '{timestamp}'}}"
            )
        stamps = frame.pop(timestamp)
        try:
            if unit is not None or pd.api.types.is_numeric_dtype(stamps.dtype):
                index = pd.to_datetime(stamps, unit=unit or "s", utc=True)
            else:
                index = pd.to_datetime(stamps, format="mixed")
        except (ValueError, TypeError) as exc:
            raise DataContractError(
                f"{source}: column {timestamp!r} has values that are not timestamps: {exc}"
            ) from None
        frame.index = pd.DatetimeIndex(index, name="timestamp")
    if frame.index.tz is None:
        frame.index = frame.index.tz_localize(tz)
    frame.index = frame.index.tz_convert("UTC").rename("timestamp")
    missing = [c for c in OHLCV if c not in frame.columns]
    if missing:
        raise DataContractError(
            f"{source}: missing column(s) {', '.join(missing)}; a market frame needs {', '.join(OHLCV)} "
            f"(got {', '.join(map(str, frame.columns))}). Map your names with columns={{'<yours>': '<ours>'}}."
        )
    for column in OHLCV:
        series = frame[column]
        if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            converted = pd.to_numeric(series, errors="coerce")
            bad = converted.isna().to_numpy() & series.notna().to_numpy()
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise DataContractError(
                    f"{source}: column {column!r} must be numeric, got {series.iloc[row]!r} at row {row} ({frame.index[row]})"
                )
            frame[column] = converted.astype("float64")
    if not keep_extra:
        frame = frame[list(OHLCV)]
    if sort:
        frame = frame.sort_index(kind="stable")
    return validate_market_frame(frame, name=source)


def load_csv(path: str | Path, *, columns: Mapping[str, str] | None = None, **options: Any) -> pd.DataFrame:
    """Read an OHLCV CSV (gzip etc. by extension) into a validated market frame; options as :func:`to_market_frame`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no CSV file at {path}")
    return to_market_frame(pd.read_csv(path), columns=columns, source=str(path), **options)


def load_parquet(path: str | Path, *, columns: Mapping[str, str] | None = None, **options: Any) -> pd.DataFrame:
    """Read an OHLCV Parquet file into a validated market frame (needs ``pyarrow``: ``pip install huracan-features[parquet]``)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no Parquet file at {path}")
    import importlib.util

    if importlib.util.find_spec("pyarrow") is None and importlib.util.find_spec("fastparquet") is None:
        from huracan_core._errors import RequirementError

        raise RequirementError("reading Parquet needs pyarrow: pip install 'huracan-features[parquet]'")
    return to_market_frame(pd.read_parquet(path), columns=columns, source=str(path), **options)


def load_market_data(source: str | Path, *, columns: Mapping[str, str] | None = None, **params: Any) -> pd.DataFrame:
    """A catalog dataset by name, or a CSV/Parquet file by path (chosen by extension)."""
    path = Path(source)
    suffixes = "".join(path.suffixes).lower()
    if path.exists() or any(s in suffixes for s in (".csv", ".parquet", ".pq")):
        if ".parquet" in suffixes or suffixes.endswith(".pq"):
            return load_parquet(path, columns=columns)
        return load_csv(path, columns=columns)
    from huracan_core import load_catalog

    return load_catalog().dataset(str(source)).load(**params)
