"""pytest plugin (entry point ``pytest11: huracan``): fixtures for plugin authors' suites."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def huracan_market_frame() -> Any:
    """A deterministic 600-bar synthetic market frame that satisfies the data contract."""
    from huracan_core.testing import make_market_frame

    return make_market_frame(600, seed=7)


@pytest.fixture
def huracan_catalog() -> Any:
    """The catalog of every installed plugin (strict off, refreshed for the test)."""
    from huracan_core import load_catalog

    return load_catalog(refresh=True, strict=False)
