"""Data helpers for the scikit-learn plugin's tests (a unique module name, unlike ``conftest``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

SEGMENT = 300
REGIME_SPECS = {  # label: (daily drift, daily volatility)
    "trending_up": (0.004, 0.008),
    "ranging": (0.0, 0.008),
    "trending_down": (-0.004, 0.008),
    "volatile": (0.0, 0.035),
}


def regime_market(seed: int = 0, repeats: int = 2) -> tuple[pd.DataFrame, pd.Series]:
    """A market frame made of 300-bar segments of known regime, and the true label per bar."""
    rng = np.random.default_rng(seed)
    returns, truth = [], []
    for _ in range(repeats):
        for label, (drift, vol) in REGIME_SPECS.items():
            returns.append(rng.normal(drift, vol, SEGMENT))
            truth += [label] * SEGMENT
    ret = np.concatenate(returns)
    close = 100 * np.exp(np.cumsum(ret))
    index = pd.date_range("2015-01-01", periods=len(ret), freq="1D", tz="UTC", name="timestamp")
    open_ = np.r_[100.0, close[:-1]]
    frame = pd.DataFrame(
        {
            "open": open_,
            "high": np.maximum(open_, close) * 1.001,
            "low": np.minimum(open_, close) * 0.999,
            "close": close,
            "volume": 1e6,
        },
        index=index,
    )
    return frame, pd.Series(truth, index=index, name="regime")
