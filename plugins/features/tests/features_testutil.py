"""Tiny hand-made market frames for the features plugin tests (a uniquely named module, not conftest)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def make_frame(
    close: Sequence[float],
    *,
    open_: Sequence[float] | None = None,
    high: Sequence[float] | None = None,
    low: Sequence[float] | None = None,
    volume: Sequence[float] | None = None,
    start: str = "2021-01-01",
    freq: str = "1D",
) -> pd.DataFrame:
    c = np.asarray(close, dtype="float64")
    o = np.asarray(open_ if open_ is not None else c, dtype="float64")
    h = np.asarray(high if high is not None else np.maximum(o, c), dtype="float64")
    lo = np.asarray(low if low is not None else np.minimum(o, c), dtype="float64")
    v = np.asarray(volume if volume is not None else np.full(len(c), 1000.0), dtype="float64")
    index = pd.date_range(start, periods=len(c), freq=freq, tz="UTC", name="timestamp")
    return pd.DataFrame({"open": o, "high": h, "low": lo, "close": c, "volume": v}, index=index)
