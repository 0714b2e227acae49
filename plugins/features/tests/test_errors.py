"""Bad input gives clear errors naming the column, the row and the requirement."""

from __future__ import annotations

import numpy as np
import pytest
from features_testutil import make_frame
from huracan_features.indicators import MACD, RSI, SMA, RealizedVolatility, Returns
from huracan_features.lags import Lags
from huracan_features.normalize import Normalizer

from huracan_core import DataContractError, NotFittedError


def test_missing_ohlcv_column_is_named():
    with pytest.raises(DataContractError, match=r"missing column\(s\) high, low; needs open, high, low, close"):
        RealizedVolatility(window=3).fit(make_frame(np.arange(1.0, 10.0)).drop(columns=["high", "low"]))


def test_non_numeric_column_is_named():
    frame = make_frame(np.arange(1.0, 10.0)).astype({"close": "str"})
    with pytest.raises(DataContractError, match="column 'close' must be numeric"):
        RSI(timeperiod=3).fit(frame)


def test_unsorted_and_duplicate_timestamps():
    frame = make_frame(np.arange(1.0, 10.0))
    with pytest.raises(DataContractError, match="not sorted ascending at row 1"):
        SMA(timeperiod=3).fit(frame.iloc[::-1])
    duplicated = frame.iloc[[0, 1, 1, 2, 3]]
    with pytest.raises(DataContractError, match="duplicate timestamp at row 2"):
        SMA(timeperiod=2).fit(duplicated)


def test_naive_index_is_refused():
    frame = make_frame(np.arange(1.0, 10.0)).tz_localize(None)
    with pytest.raises(DataContractError, match="tz-aware UTC"):
        SMA(timeperiod=3).fit(frame)


def test_too_few_rows_for_the_window():
    with pytest.raises(DataContractError, match="too few rows for the window .*timeperiod=14.*got 10 rows"):
        RSI(timeperiod=14).fit(make_frame(np.arange(1.0, 11.0)))
    with pytest.raises(DataContractError, match="too few rows"):
        MACD().fit(make_frame(np.arange(1.0, 30.0)))


def test_non_positive_price_where_logs_are_taken():
    close = np.arange(1.0, 10.0)
    close[4] = 0.0
    frame = make_frame(np.abs(close) + (close == 0) * 0, low=np.minimum(close, close), open_=close)
    with pytest.raises(
        DataContractError, match=r"column 'open' must be > 0 because logs/ratios are taken, got 0.0 at row 4"
    ):
        RealizedVolatility(window=3).fit(frame)
    with pytest.raises(DataContractError, match=r"column 'close' must be > 0 .* at row 4"):
        Returns(horizons=[1]).fit(frame)
    SMA(timeperiod=3).fit(frame)  # a plain moving average takes no logs: zero prices are allowed


def test_nan_in_an_indicator_input_names_the_row():
    frame = make_frame(np.arange(1.0, 30.0))
    frame.iloc[7, frame.columns.get_loc("close")] = np.nan
    with pytest.raises(DataContractError, match=r"column 'close' has NaN at row 7 .*'clean' preprocessor"):
        RSI(timeperiod=5).fit(frame)


def test_bad_parameters_and_unfitted_use():
    frame = make_frame(np.arange(1.0, 30.0))
    with pytest.raises(ValueError, match="parameter 'timeperiod' must be an integer >= 2, got 1"):
        SMA(timeperiod=1).fit(frame)
    with pytest.raises(ValueError, match="'fastperiod' .* must be < 'slowperiod'"):
        MACD(fastperiod=30, slowperiod=10).fit(frame)
    with pytest.raises(ValueError, match="'method' must be one of zscore, minmax, robust"):
        Normalizer(method="l2").fit(frame)
    with pytest.raises(DataContractError, match="column pattern 'ret_\\*' matches no column"):
        Lags(columns=["ret_*"]).fit(frame)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        RSI().transform(frame)
    with pytest.raises(DataContractError, match="has no rows"):
        RSI().fit(frame.iloc[:0])


def test_transform_without_the_fitted_columns():
    frame = make_frame(np.arange(1.0, 30.0))
    norm = Normalizer(columns=["close", "volume"]).fit(frame)
    with pytest.raises(DataContractError, match=r"missing column\(s\) volume"):
        norm.transform(frame.drop(columns=["volume"]))
