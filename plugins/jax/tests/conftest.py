"""Tests run JAX on the CPU, single-threaded, whatever accelerators the machine has.

``--xla_backend_optimization_level=0`` shortens XLA's CPU compile (most of a
tiny model's fit time) without changing what is computed.
"""

from __future__ import annotations

import os

os.environ["JAX_PLATFORMS"] = "cpu"
os.environ.setdefault("OMP_NUM_THREADS", "1")
if "xla_backend_optimization_level" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_backend_optimization_level=0").strip()

import numpy as np
import pandas as pd
import pytest


def lagged_signal(n: int = 600, lag: int = 3, seed: int = 0, n_features: int = 2) -> tuple[pd.DataFrame, pd.Series]:
    """Features of white noise; the target at t is feature 0 at t - lag (needs memory of ``lag`` bars)."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, n_features))
    index = pd.date_range("2022-01-01", periods=n, freq="1h", tz="UTC", name="timestamp")
    X = pd.DataFrame(values, index=index, columns=[f"f{i}" for i in range(n_features)])
    y = pd.Series(np.r_[np.zeros(lag), values[:-lag, 0]], index=index, name="target")
    return X, y


@pytest.fixture
def signal() -> tuple[pd.DataFrame, pd.Series]:
    return lagged_signal()


@pytest.fixture
def make_signal():
    """The :func:`lagged_signal` builder (a fixture, so test modules need not import conftest)."""
    return lagged_signal
