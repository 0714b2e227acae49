"""Loading the market frame a run works on: a catalog dataset, a CSV/Parquet file, or a frame."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from huracan_core._errors import ConfigError, DataContractError
from huracan_core.data import OHLCV, validate_market_frame
from huracan_core.mechanic.config import DataConfig

__all__ = ["load_market_data", "read_market_file"]

logger = logging.getLogger(__name__)


def read_market_file(
    path: str | Path, *, timestamp_column: str = "timestamp", columns: dict[str, str] | None = None
) -> pd.DataFrame:
    """Read a CSV or Parquet file into a market frame (UTC index, OHLCV columns; extra columns kept)."""
    path = Path(path)
    if not path.exists():
        raise DataContractError(f"data file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        frame = pd.read_parquet(path)
    elif suffix in (".csv", ".txt", ".gz"):
        frame = pd.read_csv(path)
    else:
        raise DataContractError(
            f"data file {str(path)!r}: expected a .csv or .parquet file, got {suffix or 'no suffix'!r}"
        )
    if columns:
        frame = frame.rename(columns=dict(columns))
    frame = frame.rename(
        columns={c: str(c).lower() for c in frame.columns if str(c).lower() in (*OHLCV, timestamp_column)}
    )
    if not isinstance(frame.index, pd.DatetimeIndex):
        if timestamp_column in frame.columns:
            frame = frame.set_index(pd.to_datetime(frame[timestamp_column], utc=True)).drop(columns=[timestamp_column])
        else:
            first = frame.columns[0]
            try:
                index = pd.to_datetime(frame[first], utc=True)
            except (ValueError, TypeError):
                raise DataContractError(
                    f"data file {str(path)!r}: no {timestamp_column!r} column and the first column {first!r} is not "
                    "timestamps; name the column with data.timestamp_column"
                ) from None
            frame = frame.set_index(index).drop(columns=[first])
    elif frame.index.tz is None:
        frame.index = frame.index.tz_localize("UTC")
    frame.index.name = "timestamp"
    return frame.sort_index()


def load_market_data(config: DataConfig, catalog: Any = None, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The run's market frame, validated against the data contract.

    ``frame`` (from the Python API) wins over ``config``; otherwise ``config.dataset``
    (a catalog dataset) or ``config.path`` (a file). Extra columns (such as the
    simulator's ``regime``) are kept.
    """
    if frame is None:
        if config.path is not None:
            frame = read_market_file(
                config.path, timestamp_column=config.timestamp_column, columns=dict(config.columns)
            )
        else:
            name = config.dataset or "sp500_daily"
            if catalog is None:
                from huracan_core import load_catalog

                catalog = load_catalog()
            known = [d.name for d in catalog.datasets]
            if name not in known:
                raise ConfigError(
                    f"config: data.dataset: expected one of {', '.join(known) or '(no dataset installed: pip install huracan-features)'}, got {name!r}"
                )
            frame = catalog.dataset(name).load(**dict(config.params))
            if config.columns:
                frame = frame.rename(columns=dict(config.columns))
    if not isinstance(frame, pd.DataFrame):
        raise DataContractError(f"market data: expected a pandas DataFrame, got {type(frame).__name__}")
    if config.start is not None:
        frame = frame.loc[frame.index >= pd.Timestamp(config.start, tz="UTC")]
    if config.end is not None:
        frame = frame.loc[frame.index <= pd.Timestamp(config.end, tz="UTC")]
    if config.last_n is not None:
        frame = frame.iloc[-config.last_n :]
    validate_market_frame(frame, name="market data")
    logger.info("market data: %d bars from %s to %s", len(frame), frame.index[0], frame.index[-1])
    return frame
