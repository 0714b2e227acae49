"""From predictions to positions, per-bar P&L and scores, using :mod:`huracan_core.metrics`.

One convention throughout (the metrics module's): a prediction made with data up
to bar ``t`` sets the position held from ``t`` to ``t+1``. Here the per-bar P&L
is indexed by the *decision* bar ``t`` so that it can be split by the regime
label of that bar — the label the Mechanic knew when it chose the model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from huracan_core import metrics

__all__ = ["decision_pnl", "positions_from_predictions", "score_subset"]


def positions_from_predictions(pred: pd.Series, task: str) -> pd.Series:
    """Long/short positions in {-1, 0, +1} from a learner's predictions.

    Classification with classes {0, 1}: 1 → long, 0 → short; with {-1, 0, 1}
    the class is the position. Regression: the sign of the predicted return.
    """
    values = pd.to_numeric(pred, errors="coerce").to_numpy(dtype="float64")
    if task == "classification":
        finite = values[np.isfinite(values)]
        binary = finite.size > 0 and np.isin(finite, (0.0, 1.0)).all()
        pos = 2.0 * values - 1.0 if binary else np.sign(values)
    else:
        pos = np.sign(values)
    return pd.Series(pos, index=pred.index, name="position")


def decision_pnl(positions: pd.Series, bar_returns: pd.Series, cost_bps: float) -> pd.Series:
    """Net P&L of each position, indexed by the bar where it was decided.

    ``positions`` must be indexed by bars of ``bar_returns`` (which is indexed by the
    bar where each return ends). Decisions with no following bar are dropped.
    """
    if positions.empty:
        return pd.Series([], dtype="float64", name="pnl")
    net = metrics.strategy_returns(positions, bar_returns, cost_bps=cost_bps, mode="raw")
    if net.empty:
        return pd.Series([], dtype="float64", name="pnl")
    earned_at = bar_returns.index.get_indexer(net.index)
    decided = bar_returns.index[earned_at - 1]
    out = pd.Series(net.to_numpy(), index=decided, name="pnl")
    return out.loc[out.index.intersection(positions.index)]


def score_subset(
    metric: str,
    pnl: pd.Series,
    positions: pd.Series,
    forward: pd.Series,
    bars: Iterable[Any] | None = None,
) -> float:
    """The selection metric on ``bars`` (all bars when ``None``); NaN when it cannot be computed."""
    if bars is not None:
        index = pd.Index(bars)
        pnl = pnl.loc[pnl.index.intersection(index)]
        positions = positions.loc[positions.index.intersection(index)]
    if metric == "sharpe":
        return metrics.sharpe_ratio(pnl.to_numpy()) if len(pnl) >= 2 else math.nan
    if metric == "mean_return":
        return float(pnl.mean()) * 252 if len(pnl) else math.nan
    if metric == "hit_rate":
        return metrics.hit_rate(positions, forward)
    if metric == "ic":
        return metrics.information_coefficient(positions, forward)
    raise ValueError(f"unknown metric {metric!r}")


def finite_or(value: float, default: float = -math.inf) -> float:
    return value if isinstance(value, float | int) and math.isfinite(value) else default
