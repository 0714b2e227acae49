"""Fixtures for the features plugin tests."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def market() -> pd.DataFrame:
    from huracan_core.testing import make_market_frame

    return make_market_frame(800, seed=21)
