"""The market-frame contract: each rule, with the column and first bad row named."""

import numpy as np
import pandas as pd
import pytest

from huracan_core import DataContractError
from huracan_core.data import validate_feature_frame, validate_market_frame
from huracan_core.testing import make_market_frame


@pytest.fixture
def market():
    return make_market_frame(50, seed=1)


def test_valid_frame_passes_unchanged(market):
    before = market.copy()
    assert validate_market_frame(market) is market
    pd.testing.assert_frame_equal(market, before)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f: f.drop(columns=["volume", "low"]), "missing column\\(s\\) low, volume"),
        (lambda f: f.reset_index(drop=True), "index must be a DatetimeIndex"),
        (lambda f: f.tz_localize(None), "tz-aware UTC, got naive"),
        (lambda f: f.tz_convert("America/New_York"), "must be in UTC, got America/New_York"),
        (lambda f: f.iloc[[0, 2, 1, 3]], "not sorted ascending at row 2"),
        (lambda f: pd.concat([f.iloc[:3], f.iloc[2:4]]), "duplicate timestamp at row 3"),
        (lambda f: f.assign(close=f["close"].astype(str)), "column 'close' must be numeric"),
        (lambda f: f.iloc[:0], "has no rows"),
    ],
)
def test_structural_errors(market, mutate, message):
    with pytest.raises(DataContractError, match=message):
        validate_market_frame(mutate(market))


def _with(market, column, row, value):
    frame = market.copy()
    frame.iloc[row, frame.columns.get_loc(column)] = value
    return frame


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("close", np.nan, "column 'close' has NaN at row 7"),
        ("open", np.inf, "column 'open' has inf at row 7"),
        ("low", -1.0, "column 'low' must be > 0 \\(prices\\), got -1.0 at row 7"),
        ("volume", -5.0, "column 'volume' must be >= 0, got -5.0 at row 7"),
        ("high", 1.0, "column 'high' is below max\\(open, close\\) at row 7"),
        ("low", 1e6, "column 'low' is above min\\(open, close\\) at row 7"),
    ],
)
def test_value_errors_name_column_and_row(market, column, value, message):
    frame = _with(market, column, 7, value)
    with pytest.raises(DataContractError, match=message) as error:
        validate_market_frame(frame)
    assert str(market.index[7]) in str(error.value)


def test_multiindex_is_validated_per_symbol(market):
    other = _with(market, "close", 4, np.nan)
    frame = pd.concat({"AAA": market, "BBB": other}, names=["symbol", "timestamp"]).swaplevel().sort_index()
    with pytest.raises(DataContractError, match="symbol BBB.*'close' has NaN"):
        validate_market_frame(frame)


def test_feature_frame_checks_columns_seen_at_fit(market):
    features = market[["close", "volume"]]
    with pytest.raises(DataContractError, match="missing \\['volume'\\], unexpected \\[\\]"):
        validate_feature_frame(features[["close"]], expected_columns=["close", "volume"])
    with pytest.raises(DataContractError, match="column 'close' has NaN at row 3"):
        validate_feature_frame(_with(features, "close", 3, np.nan))
    assert validate_feature_frame(_with(features, "close", 3, np.nan), allow_nan=True) is not None
