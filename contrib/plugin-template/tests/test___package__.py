"""Tests of {{dist_name}}: the Huracan conformance kit plus behaviour."""

import numpy as np
import pandas as pd

from huracan_core import load_catalog
from huracan_core.testing import parametrize_with_checks


@parametrize_with_checks(["{{component_name}}"])
def test_conformance(spec, check):
    check(spec)


def test_is_discovered_through_its_entry_point():
    assert load_catalog(refresh=True).get("{{component_name}}").plugin == "{{dist_name}}"


def test_recovers_a_linear_relation():
    rng = np.random.default_rng(0)
    index = pd.date_range("2022-01-01", periods=300, freq="1D", tz="UTC")
    X = pd.DataFrame(rng.normal(size=(300, 3)), index=index, columns=["a", "b", "c"])
    y = 0.5 * X["a"] - 2.0 * X["c"] + 0.1
    model = load_catalog().create("{{component_name}}", alpha=1e-6).fit(X, y)
    np.testing.assert_allclose(model.coef_, [0.5, 0.0, -2.0], atol=1e-4)
    assert abs(model.intercept_ - 0.1) < 1e-4
