"""Targets: label values plus a per-sample ``label_end`` timestamp.

``label_end[t]`` is the last bar whose price the label at ``t`` looks at. Purged
splitters read it to drop training samples whose label interval overlaps a test
fold. Rows whose label would need bars beyond the data are dropped, never
filled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from huracan_core._errors import DataContractError

__all__ = ["Target", "direction_target", "forward_return_target", "triple_barrier_target"]


@dataclass(frozen=True)
class Target:
    """Aligned label ``values`` and ``label_end`` (both indexed by the sample's timestamp)."""

    values: pd.Series
    label_end: pd.Series
    kind: str
    """``regression`` or ``classification``."""
    horizon: int

    def __post_init__(self) -> None:
        if not self.values.index.equals(self.label_end.index):
            raise DataContractError("target values and label_end must share the same index")
        if (self.label_end.to_numpy() < self.values.index.to_numpy()).any():
            raise DataContractError("label_end must be at or after each sample's timestamp")

    def __len__(self) -> int:
        return len(self.values)

    def align(self, index: pd.Index) -> Target:
        """The target restricted to ``index`` (e.g. rows that have features after warm-up)."""
        common = self.values.index.intersection(index)
        return Target(self.values.loc[common], self.label_end.loc[common], self.kind, self.horizon)


def _close(close: pd.Series | pd.DataFrame) -> pd.Series:
    if isinstance(close, pd.DataFrame):
        if "close" not in close.columns:
            raise DataContractError("target builders need a 'close' column or a close Series")
        close = close["close"]
    values = close.to_numpy(dtype="float64")
    if (values <= 0).any():
        row = int(np.flatnonzero(values <= 0)[0])
        raise DataContractError(
            f"column 'close' must be > 0 to take returns, got {values[row]} at row {row} ({close.index[row]})"
        )
    return close


def _check_horizon(horizon: int, n: int) -> None:
    if not isinstance(horizon, int | np.integer) or horizon < 1:
        raise DataContractError(f"horizon must be a positive integer number of bars, got {horizon!r}")
    if n <= horizon:
        raise DataContractError(f"need more than horizon={horizon} rows to build a target, got {n}")


def forward_return_target(close: pd.Series | pd.DataFrame, horizon: int = 1, *, log: bool = False) -> Target:
    """Return from bar t to bar t+h: ``close[t+h] / close[t] - 1`` (or the log return)."""
    series = _close(close)
    _check_horizon(horizon, len(series))
    values = series.to_numpy(dtype="float64")
    ratio = values[horizon:] / values[:-horizon]
    ret = np.log(ratio) if log else ratio - 1.0
    index = series.index[:-horizon]
    name = f"fwd_{'log' if log else ''}ret_{horizon}"
    return Target(
        values=pd.Series(ret, index=index, name=name),
        label_end=pd.Series(series.index[horizon:], index=index, name="label_end"),
        kind="regression",
        horizon=horizon,
    )


def direction_target(
    close: pd.Series | pd.DataFrame,
    horizon: int = 1,
    *,
    dead_zone: float = 0.0,
    binary: bool = True,
) -> Target:
    """Direction of the forward return with a dead zone.

    ``binary=True``: 1 (up, return > dead_zone) / 0 (down, return < -dead_zone);
    samples inside the dead zone are dropped. ``binary=False``: classes 1 / 0 / -1
    (up / inside the dead zone / down), nothing dropped.
    """
    if dead_zone < 0:
        raise DataContractError(f"dead_zone must be >= 0, got {dead_zone}")
    fwd = forward_return_target(close, horizon)
    ret = fwd.values.to_numpy()
    if binary:
        keep = np.abs(ret) > dead_zone
        labels = (ret[keep] > 0).astype("int64")
        index = fwd.values.index[keep]
        return Target(
            pd.Series(labels, index=index, name=f"direction_{horizon}"),
            fwd.label_end[keep],
            "classification",
            horizon,
        )
    labels = np.where(ret > dead_zone, 1, np.where(ret < -dead_zone, -1, 0)).astype("int64")
    return Target(
        pd.Series(labels, index=fwd.values.index, name=f"direction_{horizon}"), fwd.label_end, "classification", horizon
    )


def triple_barrier_target(
    close: pd.Series | pd.DataFrame,
    horizon: int = 10,
    *,
    profit_take: float = 2.0,
    stop_loss: float = 2.0,
    volatility_window: int = 20,
    volatility: pd.Series | None = None,
) -> Target:
    """Triple-barrier labels (López de Prado): which barrier the price touches first.

    Barriers at ``±profit_take·σ_t`` / ``stop_loss·σ_t`` in log-return terms, where
    σ_t is the trailing (causal) standard deviation of log returns over
    ``volatility_window`` bars, or ``volatility`` if given. Label 1 when the upper
    barrier is touched first, -1 for the lower, and at the time limit the sign of
    the return (0 when flat). ``label_end`` is the touching bar (or t+horizon).
    Rows before σ is available and the last ``horizon`` rows are dropped.
    """
    series = _close(close)
    _check_horizon(horizon, len(series))
    if profit_take <= 0 or stop_loss <= 0:
        raise DataContractError(f"profit_take and stop_loss must be > 0, got {profit_take}, {stop_loss}")
    log_price = np.log(series.to_numpy(dtype="float64"))
    if volatility is None:
        sigma = (
            pd.Series(np.r_[np.nan, np.diff(log_price)], index=series.index)
            .rolling(volatility_window)
            .std(ddof=1)
            .to_numpy()
        )
    else:
        sigma = volatility.reindex(series.index).to_numpy(dtype="float64")
    n = len(series) - horizon
    upper = profit_take * sigma[:n]
    lower = -stop_loss * sigma[:n]
    label = np.zeros(n, dtype="int64")
    touched = np.full(n, -1)
    for k in range(1, horizon + 1):  # loop over the (small) horizon, vectorised over rows
        ret = log_price[k : k + n] - log_price[:n]
        fresh = touched < 0
        hit_up = fresh & (ret >= upper)
        hit_dn = fresh & (ret <= lower) & ~hit_up
        label[hit_up] = 1
        label[hit_dn] = -1
        touched[hit_up | hit_dn] = k
    final = log_price[horizon : horizon + n] - log_price[:n]
    untouched = touched < 0
    label[untouched] = np.sign(final[untouched]).astype("int64")
    touched[untouched] = horizon
    valid = np.isfinite(sigma[:n])
    index = series.index[:n][valid]
    ends = series.index[(np.arange(n) + touched)[valid]]
    return Target(
        pd.Series(label[valid], index=index, name=f"triple_barrier_{horizon}"),
        pd.Series(ends, index=index, name="label_end"),
        "classification",
        horizon,
    )
