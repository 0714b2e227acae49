"""Shared data for the scikit-learn plugin's tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def tabular() -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """(X, y_regression, y_class): 400 timestamped rows where y depends on 'signal' only."""
    rng = np.random.default_rng(0)
    n = 400
    index = pd.date_range("2021-01-01", periods=n, freq="1h", tz="UTC", name="timestamp")
    X = pd.DataFrame(
        {
            "signal": rng.normal(0, 1, n),
            "noise_a": rng.normal(0, 1, n),
            "noise_b": rng.normal(0, 100, n),
        },
        index=index,
    )
    y_reg = pd.Series(0.01 * X["signal"] + rng.normal(0, 0.002, n), index=index, name="ret")
    y_cls = pd.Series((X["signal"] + rng.normal(0, 0.3, n) > 0).astype("int64"), index=index, name="up")
    return X, y_reg, y_cls
