"""Small deterministic market data for the conformance kit and plugin authors' tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["make_feature_frame", "make_market_frame"]


def make_market_frame(n_rows: int = 500, *, seed: int = 0, start: str = "2020-01-01", freq: str = "1D") -> pd.DataFrame:
    """A synthetic OHLCV frame that satisfies the data contract (GARCH-like volatility, fat tails)."""
    rng = np.random.default_rng(seed)
    shocks = rng.standard_t(df=5, size=n_rows) / np.sqrt(5 / 3)
    variance = np.empty(n_rows)
    returns = np.empty(n_rows)
    variance[0] = 1e-4
    for t in range(n_rows):  # GARCH(1,1) recursion is inherently sequential
        if t:
            variance[t] = 2e-6 + 0.08 * returns[t - 1] ** 2 + 0.9 * variance[t - 1]
        returns[t] = 0.0002 + np.sqrt(variance[t]) * shocks[t]
    close = 100.0 * np.exp(np.cumsum(returns))
    open_ = np.r_[100.0, close[:-1]] * np.exp(rng.normal(0, 0.002, n_rows))
    spread = np.abs(rng.normal(0, 0.004, (2, n_rows)))
    high = np.maximum(open_, close) * (1 + spread[0])
    low = np.minimum(open_, close) * (1 - spread[1])
    volume = np.round(rng.lognormal(13, 0.4, n_rows))
    index = pd.date_range(start, periods=n_rows, freq=freq, tz="UTC", name="timestamp")
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": volume}, index=index)


def make_feature_frame(market: pd.DataFrame, n_features: int | None = None, *, dropna: bool = True) -> pd.DataFrame:
    """Simple causal features from a market frame: lagged log returns, rolling volatility, volume z-score.

    With ``n_features`` the frame has exactly that many columns (more return lags are added).
    """
    log_close = np.log(market["close"].astype("float64"))
    ret = log_close.diff()
    columns: dict[str, pd.Series] = {
        "ret_1": ret,
        "ret_5": log_close.diff(5),
        "vol_10": ret.rolling(10).std(),
        "volume_z": (market["volume"] - market["volume"].rolling(20).mean()) / market["volume"].rolling(20).std(),
    }
    lag = 1
    while n_features is not None and len(columns) < n_features:
        columns[f"ret_1_lag{lag}"] = ret.shift(lag)
        lag += 1
    frame = pd.DataFrame(columns, index=market.index)
    if n_features is not None:
        frame = frame.iloc[:, :n_features]
    return frame.dropna() if dropna else frame
