"""The baselines pass the conformance kit and predict what they promise."""

import numpy as np
import pandas as pd
import pytest

from huracan_core import DataContractError, NotFittedError, load_catalog
from huracan_core.targets import direction_target, forward_return_target
from huracan_core.testing import make_market_frame, parametrize_with_checks

NAMES = ["persistence_return", "mean_return", "persistence_direction", "majority_direction"]


@parametrize_with_checks(NAMES)
def test_conformance(spec, check):
    check(spec)


def test_found_through_entry_point_as_third_party_plugin():
    catalog = load_catalog(refresh=True)
    assert {catalog.get(n).plugin for n in NAMES} == {"huracan-baselines"}


def test_persistence_return_repeats_last_return():
    market = make_market_frame(50, seed=1)
    y = forward_return_target(market).values
    model = load_catalog().create("persistence_return").fit(market.loc[y.index], y)
    forecast = model.predict(market)
    close = market["close"].to_numpy()
    assert forecast.index[0] == market.index[1]
    np.testing.assert_allclose(forecast.to_numpy(), close[1:] / close[:-1] - 1)


def test_majority_direction_learns_class_frequencies():
    market = make_market_frame(400, seed=2)
    target = direction_target(market)
    X = pd.DataFrame({"x": np.zeros(len(target))}, index=target.values.index)
    model = load_catalog().create("majority_direction").fit(X, target.values)
    share_up = target.values.mean()
    np.testing.assert_allclose(model.predict_proba(X).iloc[0].to_numpy(), [1 - share_up, share_up])
    assert (model.predict(X) == int(share_up > 0.5)).all()


def test_persistence_needs_close_column():
    market = make_market_frame(30)
    y = forward_return_target(market).values
    model = load_catalog().create("persistence_return")
    with pytest.raises(DataContractError, match="'close' is required"):
        model.fit(market.loc[y.index].drop(columns="close"), y)
    with pytest.raises(NotFittedError):
        model.predict(market)
