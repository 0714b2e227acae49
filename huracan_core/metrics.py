"""Market metrics and paired significance tests, with one explicit timing convention.

Why this module exists: most backtest leaks are off-by-one errors. Here the
convention is fixed once and proven by tests (a "model" that sees the bar's own
return does not score; one that sees the next bar's return does):

* ``returns`` (for :func:`strategy_returns`) are **bar returns indexed at the bar
  where they end**: ``returns[t] = close[t] / close[t-1] - 1`` (see
  :func:`bar_returns`).
* A ``signal[t]`` is decided with data up to and including bar ``t``; the
  position it implies **earns the next bar's return** ``returns[t+1]``.
* ``realized`` (for :func:`information_coefficient` and :func:`hit_rate`) is
  the **forward** return indexed at the decision bar ``t`` (what
  :func:`huracan_core.targets.forward_return_target` builds:
  ``close[t+h] / close[t] - 1`` at ``t``); pandas inputs are aligned by index.
* Costs: ``cost_bps`` basis points of notional per unit of position change,
  charged in the bar the new position starts earning.

:func:`block_bootstrap_test` and :func:`diebold_mariano` compare two loss
series on the same bars (e.g. per-regime champions vs the best static model)
while respecting autocorrelation.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "PairedTestResult",
    "bar_returns",
    "block_bootstrap_test",
    "diebold_mariano",
    "equity_curve",
    "evaluate_signal",
    "hit_rate",
    "information_coefficient",
    "max_drawdown",
    "sharpe_ratio",
    "strategy_returns",
    "turnover",
]

PositionMode = Literal["sign", "long_only", "raw"]


def _aligned(a: Any, b: Any, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Align two inputs (by index when both are pandas, else by position) and drop non-finite pairs."""
    if isinstance(a, pd.Series | pd.DataFrame) and isinstance(b, pd.Series | pd.DataFrame):
        sa = a.iloc[:, 0] if isinstance(a, pd.DataFrame) else a
        sb = b.iloc[:, 0] if isinstance(b, pd.DataFrame) else b
        common = sa.index.intersection(sb.index)
        x = sa.loc[common].to_numpy(dtype="float64", na_value=np.nan)
        y = sb.loc[common].to_numpy(dtype="float64", na_value=np.nan)
    else:
        x = np.asarray(a, dtype="float64").ravel()
        y = np.asarray(b, dtype="float64").ravel()
        if len(x) != len(y):
            raise ValueError(f"{names[0]} and {names[1]} must have the same length, got {len(x)} and {len(y)}")
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def _rank(values: np.ndarray) -> np.ndarray:
    return np.array(pd.Series(values).rank(method="average").to_numpy(dtype="float64"), copy=True)


def information_coefficient(pred: Any, realized: Any) -> float:
    """Spearman rank correlation of predictions and realized forward returns.

    NaN when fewer than 3 aligned pairs remain or either side is constant.
    """
    x, y = _aligned(pred, realized, ("pred", "realized"))
    if len(x) < 3:
        return float("nan")
    rx, ry = _rank(x), _rank(y)
    rx -= rx.mean()
    ry -= ry.mean()
    denom = math.sqrt(float((rx * rx).sum() * (ry * ry).sum()))
    return float((rx * ry).sum() / denom) if denom > 0 else float("nan")


def hit_rate(pred: Any, realized: Any, threshold: float = 0.0) -> float:
    """Share of bars where the predicted direction matches the realized one.

    The predicted direction is ``sign(pred - threshold)`` (use ``threshold=0.5``
    for probabilities of "up"). Bars with no call (``pred == threshold``) or a
    zero realized return are left out. NaN when nothing is left.
    """
    x, y = _aligned(pred, realized, ("pred", "realized"))
    call, outcome = np.sign(x - threshold), np.sign(y)
    keep = (call != 0) & (outcome != 0)
    if not keep.any():
        return float("nan")
    return float((call[keep] == outcome[keep]).mean())


def bar_returns(close: Any) -> pd.Series:
    """Close-to-close simple returns indexed at the bar where they end (first bar dropped)."""
    if isinstance(close, pd.DataFrame):
        if "close" not in close.columns:
            raise ValueError("bar_returns needs a 'close' column or a close Series")
        close = close["close"]
    series = close if isinstance(close, pd.Series) else pd.Series(np.asarray(close, dtype="float64"))
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    if (values[np.isfinite(values)] <= 0).any():
        raise ValueError("close prices must be > 0 to take returns")
    return pd.Series(values[1:] / values[:-1] - 1.0, index=series.index[1:], name="return")


def _positions(signal: np.ndarray, mode: PositionMode) -> np.ndarray:
    if mode == "sign":
        return np.sign(signal)
    if mode == "long_only":
        return (signal > 0).astype("float64")
    if mode == "raw":
        return signal.astype("float64")
    raise ValueError(f"mode must be one of 'sign', 'long_only', 'raw', got {mode!r}")


def strategy_returns(
    signal: Any,
    returns: Any,
    *,
    cost_bps: float = 0.0,
    mode: PositionMode = "sign",
) -> pd.Series:
    """Net returns of trading ``signal`` on the next bar, after costs.

    ``signal[t]`` (decided at the close of bar ``t``) sets the position held
    from ``t`` to ``t+1``, which earns ``returns[t+1]`` (bar returns indexed at
    their end bar, see the module docstring). ``mode``: ``sign`` (long/short
    ±1, the default), ``long_only`` (1 when signal > 0, else flat) or ``raw``
    (the signal is the position). Bars without a signal (NaN, or missing from
    the signal's index between its first and last timestamp) are flat. Each
    change of position costs ``cost_bps / 1e4`` per unit, including the first
    entry from flat.

    Returns a Series indexed by the bar whose return was earned (``t+1``). Plain
    arrays must have equal length; position ``i`` earns ``returns[i+1]``.
    """
    return _strategy(signal, returns, cost_bps, mode)[0]


def _strategy(signal: Any, returns: Any, cost_bps: float, mode: PositionMode) -> tuple[pd.Series, np.ndarray]:
    """Net strategy returns and the positions that earned them (one per returned bar)."""
    if cost_bps < 0:
        raise ValueError(f"cost_bps must be >= 0, got {cost_bps}")
    if isinstance(returns, pd.DataFrame):
        returns = returns.iloc[:, 0]
    if isinstance(signal, pd.DataFrame):
        signal = signal.iloc[:, 0]
    if isinstance(signal, pd.Series) and isinstance(returns, pd.Series):
        found = returns.index.get_indexer(signal.index)
        if (found < 0).all():
            raise ValueError("signal and returns share no timestamps; index both by bar timestamp")
        first, last = int(found[found >= 0].min()), int(found.max())
        raw = np.full(len(returns), np.nan)
        raw[found[found >= 0]] = signal.to_numpy(dtype="float64", na_value=np.nan)[found >= 0]
        ret = returns.to_numpy(dtype="float64", na_value=np.nan)
        index = returns.index
    else:
        raw = np.asarray(signal, dtype="float64").ravel()
        ret = np.asarray(returns, dtype="float64").ravel()
        if len(raw) != len(ret):
            raise ValueError(f"signal and returns must have the same length, got {len(raw)} and {len(ret)}")
        first, last = 0, len(raw) - 1
        index = pd.RangeIndex(len(ret))
    last = min(last, len(ret) - 2)  # the last decision needs a following bar
    if last < first:
        return pd.Series([], index=index[:0], dtype="float64", name="strategy_return"), np.zeros(0)
    pos = _positions(np.nan_to_num(raw[first : last + 1], nan=0.0), mode)
    earned = ret[first + 1 : last + 2]
    gross = pos * np.nan_to_num(earned, nan=0.0)
    trades = np.abs(np.diff(pos, prepend=0.0))
    net = gross - trades * (cost_bps / 1e4)
    return pd.Series(net, index=index[first + 1 : last + 2], name="strategy_return"), pos


def sharpe_ratio(returns: Any, periods_per_year: float = 252) -> float:
    """Annualised Sharpe ratio ``mean / std * sqrt(periods_per_year)`` (no risk-free rate, ddof=1).

    0.0 for a series that never moves (a flat strategy), NaN with fewer than 2 values.
    """
    values = np.asarray(returns, dtype="float64")
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return float("nan")
    std = float(values.std(ddof=1))
    mean = float(values.mean())
    if std <= 1e-15 * max(1.0, abs(mean)):
        return 0.0 if mean == 0 else math.copysign(math.inf, mean)
    return mean / std * math.sqrt(periods_per_year)


def equity_curve(returns: Any, start: float = 1.0) -> Any:
    """Compounded equity ``start * cumprod(1 + r)`` (keeps a Series' index)."""
    if isinstance(returns, pd.Series):
        return start * (1.0 + returns.fillna(0.0)).cumprod()
    return start * np.cumprod(1.0 + np.nan_to_num(np.asarray(returns, dtype="float64")))


def max_drawdown(returns: Any) -> float:
    """Largest peak-to-trough fall of the compounded equity, as a fraction <= 0 (e.g. -0.25).

    The starting equity counts as a peak, so a first-bar loss is a drawdown.
    """
    values = np.nan_to_num(np.asarray(returns, dtype="float64"))
    if len(values) == 0:
        return 0.0
    equity = np.cumprod(1.0 + values)
    peak = np.maximum.accumulate(np.r_[1.0, equity])[1:]
    return float(min(0.0, (equity / peak - 1.0).min()))


def turnover(positions: Any) -> float:
    """Average absolute position change per bar, counting the first entry from flat."""
    values = np.nan_to_num(np.asarray(positions, dtype="float64"))
    if len(values) == 0:
        return 0.0
    return float(np.abs(np.diff(values, prepend=0.0)).mean())


def evaluate_signal(
    signal: Any,
    prices: Any,
    *,
    cost_bps: float = 5.0,
    kind: Literal["close", "returns"] = "close",
    mode: PositionMode = "sign",
    periods_per_year: float = 252,
) -> dict[str, float]:
    """Every metric of this module for one signal, as a flat dict.

    ``prices`` is a close Series / market frame (``kind="close"``) or bar returns
    indexed at their end bar (``kind="returns"``). Keys: ``ic``, ``hit_rate``,
    ``sharpe`` (net of costs), ``sharpe_gross``, ``total_return``,
    ``annual_return``, ``max_drawdown``, ``turnover``, ``n_bars``, ``cost_bps``.
    IC and hit rate compare ``signal[t]`` with the next bar's return.
    """
    if kind == "close":
        # keep the first bar (return NaN) so that a signal on it can earn the second bar's return
        close = prices["close"] if isinstance(prices, pd.DataFrame) else prices
        if not isinstance(close, pd.Series):
            close = pd.Series(np.asarray(close, dtype="float64"))
        rets = bar_returns(close).reindex(close.index)
    elif kind == "returns":
        rets = prices.iloc[:, 0] if isinstance(prices, pd.DataFrame) else prices
        if not isinstance(rets, pd.Series):
            rets = pd.Series(np.asarray(rets, dtype="float64"))
    else:
        raise ValueError(f"kind must be 'close' or 'returns', got {kind!r}")
    if not isinstance(signal, pd.Series | pd.DataFrame):
        signal = pd.Series(np.asarray(signal, dtype="float64").ravel(), index=rets.index[: len(np.ravel(signal))])
    forward = pd.Series(rets.to_numpy()[1:], index=rets.index[:-1])  # return of the next bar, at the decision bar
    net, held = _strategy(signal, rets, cost_bps, mode)
    gross, _ = _strategy(signal, rets, 0.0, mode)
    sig = signal.iloc[:, 0] if isinstance(signal, pd.DataFrame) else signal
    n = len(net)
    total = float(np.prod(1.0 + net.to_numpy()) - 1.0) if n else 0.0
    annual = float((1.0 + total) ** (periods_per_year / n) - 1.0) if n and total > -1 else float("nan")
    return {
        "ic": information_coefficient(sig, forward),
        "hit_rate": hit_rate(sig, forward),
        "sharpe": sharpe_ratio(net, periods_per_year),
        "sharpe_gross": sharpe_ratio(gross, periods_per_year),
        "total_return": total,
        "annual_return": annual,
        "max_drawdown": max_drawdown(net),
        "turnover": turnover(held),
        "n_bars": float(n),
        "cost_bps": float(cost_bps),
    }


@dataclass(frozen=True)
class PairedTestResult:
    """Outcome of a paired test on ``loss_a - loss_b`` (negative mean: ``a`` has the lower loss)."""

    method: str
    mean_difference: float
    statistic: float
    p_value: float
    ci_low: float
    ci_high: float
    n: int
    alternative: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _difference(loss_a: Any, loss_b: Any) -> np.ndarray:
    a, b = _aligned(loss_a, loss_b, ("loss_a", "loss_b"))
    if len(a) < 3:
        raise ValueError(f"a paired test needs at least 3 aligned finite losses, got {len(a)}")
    return a - b


def _check_alternative(alternative: str) -> None:
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}")


def block_bootstrap_test(
    loss_a: Any,
    loss_b: Any,
    block_size: int | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    *,
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
    confidence: float = 0.95,
) -> PairedTestResult:
    """Paired circular moving-block bootstrap of the mean loss difference ``a - b``.

    Blocks of ``block_size`` consecutive differences (default ``ceil(n ** (1/3))``)
    keep the autocorrelation of the series. The null distribution is the
    bootstrap distribution of the mean recentred at zero; ``alternative="less"``
    tests "``a`` has lower expected loss than ``b``". The CI is the percentile
    interval of the bootstrapped mean.
    """
    _check_alternative(alternative)
    d = _difference(loss_a, loss_b)
    n = len(d)
    size = block_size if block_size is not None else max(1, math.ceil(n ** (1.0 / 3.0)))
    if size < 1 or size > n:
        raise ValueError(f"block_size must be in [1, {n}] for {n} losses, got {size}")
    if n_boot < 100:
        raise ValueError(f"n_boot must be >= 100 for a usable p-value, got {n_boot}")
    rng = np.random.default_rng(seed)
    n_blocks = math.ceil(n / size)
    starts = rng.integers(0, n, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(size)[None, None, :]).reshape(n_boot, -1)[:, :n] % n
    means = d[idx].mean(axis=1)
    observed = float(d.mean())
    null = means - observed
    if alternative == "two-sided":
        p = float((np.abs(null) >= abs(observed)).sum() + 1) / (n_boot + 1)
    elif alternative == "less":
        p = float((null <= observed).sum() + 1) / (n_boot + 1)
    else:
        p = float((null >= observed).sum() + 1) / (n_boot + 1)
    tail = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(means, [tail, 1.0 - tail])
    se = float(means.std(ddof=1))
    stat = observed / se if se > 0 else 0.0
    return PairedTestResult("block_bootstrap", observed, stat, min(1.0, p), float(lo), float(hi), n, alternative)


def _t_cdf(x: float, df: int) -> float:
    try:
        from scipy import stats
    except ImportError:  # normal approximation without scipy
        return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))
    return float(stats.t.cdf(x, df))


def diebold_mariano(
    loss_a: Any,
    loss_b: Any,
    horizon: int = 1,
    *,
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
    confidence: float = 0.95,
) -> PairedTestResult:
    """Diebold-Mariano test of equal expected loss, with the Harvey-Leybourne-Newbold correction.

    The variance of the mean difference uses autocovariances up to lag
    ``horizon - 1`` (the overlap of ``horizon``-step forecasts); the statistic is
    compared with Student's t with ``n - 1`` degrees of freedom (scipy when
    installed, else the normal distribution).
    """
    _check_alternative(alternative)
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    d = _difference(loss_a, loss_b)
    n = len(d)
    mean = float(d.mean())
    centred = d - mean
    gamma = [float((centred[k:] * centred[: n - k]).sum() / n) for k in range(min(horizon, n))]
    var = (gamma[0] + 2.0 * sum(gamma[1:])) / n
    if var <= 0:
        var = gamma[0] / n
    if var <= 0:
        stat = 0.0 if mean == 0 else math.copysign(math.inf, mean)
    else:
        correction = math.sqrt(max((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n, 1e-12))
        stat = correction * mean / math.sqrt(var)
    if alternative == "two-sided":
        p = 2.0 * (1.0 - _t_cdf(abs(stat), n - 1))
    elif alternative == "less":
        p = _t_cdf(stat, n - 1)
    else:
        p = 1.0 - _t_cdf(stat, n - 1)
    half = 1.959963984540054 * math.sqrt(max(var, 0.0))
    if confidence != 0.95:
        from statistics import NormalDist

        half = NormalDist().inv_cdf(0.5 + confidence / 2.0) * math.sqrt(max(var, 0.0))
    return PairedTestResult(
        "diebold_mariano", mean, float(stat), float(min(1.0, max(0.0, p))), mean - half, mean + half, n, alternative
    )
