"""Market datasets: two real daily index series shipped inside ``arch``, and a regime simulator.

``sp500_daily`` / ``nasdaq_daily`` load the S&P 500 and NASDAQ Composite daily
OHLCV (1999-01-04 … 2018-12-31, 5,031 bars each) bundled in the ``arch`` wheel,
offline. Bars are dated by trading day at 00:00 UTC. ``Adj Close`` equals
``Close`` for these indices and is dropped.

``simulate_regimes`` generates a seeded OHLCV series with a ``regime`` column in
the core's labels, built so that each regime favours a different model family
(see :func:`simulate_regimes`). Later issues use it to show that regime-aware
model selection beats a single static model.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import RequirementError
from huracan_core._vocab import REGIMES
from huracan_core.data import OHLCV, validate_market_frame

__all__ = ["REGIME_DYNAMICS", "load_nasdaq", "load_sp500", "simulate_regimes"]

ARCH_LICENSE = (
    "Distributed inside the arch package (University of Illinois/NCSA Open Source License, "
    "(c) 2017 Kevin Sheppard), which permits use, copying and redistribution with the notice; "
    "the underlying daily index quotes were collected from Yahoo! Finance. Use for research and education."
)


def _arch_data_file(module: str) -> Path:
    """The csv.gz inside the installed arch package, found without importing arch (its import takes seconds)."""
    spec = importlib.util.find_spec("arch")
    if spec is None or not spec.submodule_search_locations:
        raise RequirementError(f"dataset {module}_daily needs the arch package (pip install arch)")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / module / f"{module}.csv.gz"
    if not path.is_file():
        raise RequirementError(f"the installed arch package has no {path.name} (expected at {path}); reinstall arch")
    return path


def _from_arch(module: str, start: str | None, end: str | None) -> pd.DataFrame:
    raw = pd.read_csv(_arch_data_file(module), index_col="Date")
    frame = pd.DataFrame(
        {
            "open": raw["Open"].to_numpy(dtype="float64"),
            "high": raw["High"].to_numpy(dtype="float64"),
            "low": raw["Low"].to_numpy(dtype="float64"),
            "close": raw["Close"].to_numpy(dtype="float64"),
            "volume": raw["Volume"].to_numpy(dtype="float64"),
        },
        index=pd.DatetimeIndex(pd.to_datetime(raw.index), name="timestamp").tz_localize("UTC"),
    )
    if start is not None or end is not None:
        frame = frame.loc[start:end]
    return validate_market_frame(frame, name=f"dataset {module}_daily")


def load_sp500(start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """S&P 500 index daily OHLCV, 1999-01-04 to 2018-12-31 (from ``arch.data.sp500``), optionally sliced."""
    return _from_arch("sp500", start, end)


def load_nasdaq(start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """NASDAQ Composite daily OHLCV, 1999-01-04 to 2018-12-31 (from ``arch.data.nasdaq``), optionally sliced."""
    return _from_arch("nasdaq", start, end)


REGIME_DYNAMICS: Mapping[str, Mapping[str, float]] = {
    # drift: mean log return per bar; ar: coefficient on the previous return (momentum > 0, reversal < 0);
    # reversion: pull of the log price back to its level at the start of the spell; vol: per-bar std
    "trending_up": {"drift": 0.0015, "ar": 0.25, "reversion": 0.0, "vol": 0.009, "volume": 1.2},
    "trending_down": {"drift": -0.0015, "ar": 0.25, "reversion": 0.0, "vol": 0.011, "volume": 1.3},
    "ranging": {"drift": 0.0, "ar": -0.15, "reversion": 0.08, "vol": 0.006, "volume": 0.8},
    "volatile": {"drift": 0.0, "ar": 0.0, "reversion": 0.0, "vol": 0.025, "volume": 1.8},
}
"""Per-regime return dynamics of the simulator (override any entry with ``dynamics=``)."""


def _regime_path(
    rng: np.random.Generator,
    n_bars: int,
    mean_duration: float,
    min_duration: int,
    weights: np.ndarray,
    transition_matrix: np.ndarray | None,
    initial: int | None,
) -> np.ndarray:
    k = len(REGIMES)
    path = np.empty(n_bars, dtype="int64")
    current = int(rng.choice(k, p=weights)) if initial is None else initial
    if transition_matrix is not None:
        for t in range(n_bars):
            path[t] = current
            current = int(rng.choice(k, p=transition_matrix[current]))
        return path
    t = 0
    extra_mean = max(mean_duration - min_duration, 0.0)
    while t < n_bars:
        length = min_duration + (int(rng.geometric(1.0 / (extra_mean + 1.0))) - 1 if extra_mean > 0 else 0)
        path[t : t + max(length, 1)] = current
        t += max(length, 1)
        others = weights.copy()
        others[current] = 0.0
        current = int(rng.choice(k, p=others / others.sum()))
    return path


def simulate_regimes(
    n_bars: int = 2500,
    seed: int = 0,
    *,
    mean_duration: float = 80.0,
    min_duration: int = 20,
    regime_weights: Mapping[str, float] | None = None,
    transition_matrix: Sequence[Sequence[float]] | None = None,
    initial_regime: str | None = None,
    dynamics: Mapping[str, Mapping[str, float]] | None = None,
    tail_df: float = 5.0,
    garch_alpha: float = 0.08,
    garch_beta: float = 0.9,
    start: str = "2000-01-01",
    freq: str = "1D",
    start_price: float = 100.0,
) -> pd.DataFrame:
    """A seeded synthetic OHLCV market that switches between the four regimes, labelled per bar.

    Returns follow ``r_t = drift + ar·r_{t−1} − reversion·(log p_{t−1} − anchor) + vol·√h_t·z_t``
    with the regime's parameters (:data:`REGIME_DYNAMICS`), where ``z_t`` is Student-t
    (``tail_df`` degrees of freedom, unit variance: fat tails) and ``h_t`` a GARCH(1,1)
    variance multiplier with mean 1 (volatility clustering). So:

    - ``trending_up`` / ``trending_down``: persistent drift and positive autocorrelation —
      momentum and linear models on lagged returns have an edge;
    - ``ranging``: mean reversion to the level where the spell began, and negative
      autocorrelation — reversal features (distance from a moving average, %B) predict;
    - ``volatile``: high volatility, no drift, no autocorrelation — little is predictable.

    Switching: spells last ``min_duration`` plus a geometric number of bars (mean
    ``mean_duration`` in all), then move to another regime drawn with ``regime_weights``;
    or, if ``transition_matrix`` (rows/columns in the order ``trending_up, trending_down,
    ranging, volatile``) is given, the regime follows that per-bar Markov chain.

    Returns:
        A market frame (UTC index named ``timestamp``) with ``open, high, low, close,
        volume`` and ``regime`` (the label of the process that generated each bar).
    """
    if not isinstance(n_bars, int) or n_bars < 2:
        raise ValueError(f"simulate_regimes: n_bars must be an integer >= 2, got {n_bars!r}")
    if not isinstance(min_duration, int) or min_duration < 1:
        raise ValueError(f"simulate_regimes: min_duration must be an integer >= 1, got {min_duration!r}")
    if mean_duration < min_duration:
        raise ValueError(f"simulate_regimes: mean_duration ({mean_duration}) must be >= min_duration ({min_duration})")
    if tail_df <= 2:
        raise ValueError(f"simulate_regimes: tail_df must be > 2 (finite variance), got {tail_df}")
    if garch_alpha < 0 or garch_beta < 0 or garch_alpha + garch_beta >= 1:
        raise ValueError(
            f"simulate_regimes: need garch_alpha, garch_beta >= 0 and alpha + beta < 1, got {garch_alpha}, {garch_beta}"
        )
    params = {name: dict(values) for name, values in REGIME_DYNAMICS.items()}
    for name, override in (dynamics or {}).items():
        if name not in params:
            raise ValueError(
                f"simulate_regimes: dynamics for unknown regime {name!r}; expected one of {', '.join(REGIMES)}"
            )
        unknown = set(override) - set(params[name])
        if unknown:
            raise ValueError(
                f"simulate_regimes: unknown dynamics key(s) {sorted(unknown)} for {name}; expected {sorted(params[name])}"
            )
        params[name].update(override)
    weights = np.ones(len(REGIMES))
    if regime_weights is not None:
        unknown = set(regime_weights) - set(REGIMES)
        if unknown:
            raise ValueError(
                f"simulate_regimes: regime_weights has unknown regime(s) {sorted(unknown)}; expected {', '.join(REGIMES)}"
            )
        weights = np.array([float(regime_weights.get(r, 0.0)) for r in REGIMES])
        if (weights < 0).any() or (weights > 0).sum() < 2:
            raise ValueError("simulate_regimes: regime_weights must be >= 0 with at least two regimes > 0")
    weights = weights / weights.sum()
    matrix = None
    if transition_matrix is not None:
        matrix = np.asarray(transition_matrix, dtype="float64")
        if (
            matrix.shape != (len(REGIMES), len(REGIMES))
            or (matrix < 0).any()
            or not np.allclose(matrix.sum(axis=1), 1.0)
        ):
            raise ValueError(
                f"simulate_regimes: transition_matrix must be 4x4, non-negative, rows summing to 1 "
                f"(order {', '.join(REGIMES)}), got {matrix.tolist()}"
            )
    initial = None
    if initial_regime is not None:
        if initial_regime not in REGIMES:
            raise ValueError(
                f"simulate_regimes: initial_regime must be one of {', '.join(REGIMES)}, got {initial_regime!r}"
            )
        initial = REGIMES.index(initial_regime)

    rng = np.random.default_rng(seed)
    path = _regime_path(rng, n_bars, mean_duration, min_duration, weights, matrix, initial)
    table = {
        key: np.array([params[r][key] for r in REGIMES])[path] for key in ("drift", "ar", "reversion", "vol", "volume")
    }
    z = rng.standard_t(tail_df, size=n_bars) * np.sqrt((tail_df - 2.0) / tail_df)
    omega = 1.0 - garch_alpha - garch_beta

    returns = np.empty(n_bars)
    log_price = np.empty(n_bars)
    h = np.empty(n_bars)
    h_prev, r_prev, x_prev, anchor = 1.0, 0.0, float(np.log(start_price)), float(np.log(start_price))
    z_prev = 0.0
    for t in range(n_bars):  # the recursion (GARCH, AR, reversion) is inherently sequential
        if t == 0 or path[t] != path[t - 1]:
            anchor = x_prev  # a ranging spell reverts to the level where it began
        h_t = omega + garch_alpha * z_prev * z_prev * h_prev + garch_beta * h_prev
        shock = table["vol"][t] * np.sqrt(h_t) * z[t]
        r_t = table["drift"][t] + table["ar"][t] * r_prev - table["reversion"][t] * (x_prev - anchor) + shock
        returns[t] = r_t
        x_prev = x_prev + r_t
        log_price[t] = x_prev
        h[t] = h_t
        h_prev, r_prev, z_prev = h_t, r_t, z[t]

    close = np.exp(log_price)
    prev_close = np.r_[start_price, close[:-1]]
    sigma = table["vol"] * np.sqrt(h)
    gap = 0.2 * sigma * rng.standard_normal(n_bars)
    open_ = prev_close * np.exp(gap)
    high = np.maximum(open_, close) * np.exp(0.5 * sigma * np.abs(rng.standard_normal(n_bars)))
    low = np.minimum(open_, close) * np.exp(-0.5 * sigma * np.abs(rng.standard_normal(n_bars)))
    volume = np.round(1e6 * table["volume"] * np.exp(0.3 * rng.standard_normal(n_bars) + 0.4 * np.abs(z)))
    index = pd.date_range(start=start, periods=n_bars, freq=freq, tz="UTC", name="timestamp")
    frame = pd.DataFrame(
        {"open": open_, "high": high, "low": low, "close": close, "volume": volume}, index=index, columns=list(OHLCV)
    )
    frame["regime"] = pd.Series(np.asarray(REGIMES, dtype=object)[path], index=index, dtype=object)
    return validate_market_frame(frame, name="regime_simulator")


def load_regime_simulator(**params: Any) -> pd.DataFrame:
    """Dataset loader for ``regime_simulator`` (keyword parameters as :func:`simulate_regimes`)."""
    return simulate_regimes(**params)
