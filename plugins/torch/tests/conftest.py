from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

torch.set_num_threads(1)


@pytest.fixture
def signal_data():
    """Features whose lagged values determine the target: a learnable, leak-free problem (1,200 rows)."""
    rng = np.random.default_rng(0)
    n = 1200
    index = pd.date_range("2021-01-01", periods=n, freq="1h", tz="UTC", name="timestamp")
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.normal(size=n)}, index=index)
    # target at t depends on rows t and t-2 only (inside an 8-row window)
    y = pd.Series(
        X["a"].to_numpy() + 0.5 * X["b"].shift(2).fillna(0).to_numpy() + 0.1 * rng.normal(size=n), index=index
    )
    return X, y
