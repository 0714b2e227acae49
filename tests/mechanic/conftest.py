"""Fixtures for the Mechanic's tests: a catalog with the test plugin, a tiny fast config."""

from __future__ import annotations

from typing import Any

import mechanic_testkit as tk
import pytest

from huracan_core import load_catalog


@pytest.fixture
def tk_catalog() -> Any:
    return load_catalog(modules=[("huracan-testkit", tk)], refresh=True)


@pytest.fixture
def market() -> Any:
    return tk.regime_market(1500, seed=0)
