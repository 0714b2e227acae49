"""Real datasets, the regime simulator, and CSV/Parquet loading with column mapping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from huracan_features.datasets import load_nasdaq, load_sp500, simulate_regimes
from huracan_features.io import load_csv, load_market_data, load_parquet

from huracan_core import DataContractError, load_catalog
from huracan_core.data import validate_market_frame


@pytest.mark.parametrize(
    ("loader", "first_close", "last_close"),
    [(load_sp500, 1228.099976, 2506.850098), (load_nasdaq, 2208.050049, 6635.279785)],
)
def test_real_datasets_load_offline_in_the_contract(loader, first_close, last_close):
    frame = loader()
    validate_market_frame(frame)
    assert frame.shape == (5031, 5) and str(frame.index.tz) == "UTC"
    assert frame.index[0] == pd.Timestamp("1999-01-04", tz="UTC") and frame.index[-1] == pd.Timestamp(
        "2018-12-31", tz="UTC"
    )
    assert frame["close"].iloc[0] == pytest.approx(first_close) and frame["close"].iloc[-1] == pytest.approx(last_close)
    assert len(loader(start="2010-01-01", end="2010-12-31")) == 252


def test_datasets_are_registered_with_licence_and_range():
    catalog = load_catalog(refresh=True)
    for name in ("sp500_daily", "nasdaq_daily"):
        spec = catalog.dataset(name)
        assert spec.plugin == "huracan-features" and "NCSA" in spec.license and spec.start == "1999-01-04"
        assert not spec.has_regime_labels
    sim = catalog.dataset("regime_simulator")
    assert sim.has_regime_labels
    frame = sim.load(n_bars=300, seed=3)
    assert len(frame) == 300 and set(frame["regime"]) <= {"trending_up", "trending_down", "ranging", "volatile"}


def test_simulator_is_seeded_and_realistic():
    a = simulate_regimes(4000, seed=1)
    pd.testing.assert_frame_equal(a, simulate_regimes(4000, seed=1))
    assert not a["close"].equals(simulate_regimes(4000, seed=2)["close"])
    validate_market_frame(a)
    r = np.diff(np.log(a["close"].to_numpy()))
    centered = r - r.mean()
    kurtosis = np.mean(centered**4) / np.mean(centered**2) ** 2 - 3
    assert kurtosis > 1.0  # fat tails
    absr = np.abs(centered)
    assert np.corrcoef(absr[1:], absr[:-1])[0, 1] > 0.1  # volatility clustering
    assert set(a["regime"]) == {"trending_up", "trending_down", "ranging", "volatile"}


def test_simulator_switching_is_configurable():
    sticky = simulate_regimes(3000, seed=0, mean_duration=300, min_duration=100)
    fast = simulate_regimes(3000, seed=0, mean_duration=25, min_duration=5)
    switches = lambda f: int((f["regime"] != f["regime"].shift()).sum())  # noqa: E731
    assert switches(sticky) < switches(fast) / 4
    only = simulate_regimes(1000, seed=0, regime_weights={"ranging": 1, "volatile": 1})
    assert set(only["regime"]) == {"ranging", "volatile"}
    matrix = [[0.98, 0.0, 0.02, 0.0], [0.0, 0.98, 0.02, 0.0], [0.01, 0.01, 0.98, 0.0], [0.0, 0.0, 1.0, 0.0]]
    markov = simulate_regimes(2000, seed=0, transition_matrix=matrix, initial_regime="ranging")
    assert "volatile" not in set(markov["regime"])
    with pytest.raises(ValueError, match="transition_matrix must be 4x4"):
        simulate_regimes(100, transition_matrix=[[1.0]])
    with pytest.raises(ValueError, match="unknown regime"):
        simulate_regimes(100, regime_weights={"sideways": 1.0, "ranging": 1.0})


def _regime_stats(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    r = pd.Series(np.log(frame["close"]).diff(), index=frame.index)
    out = {}
    for regime, part in r.groupby(frame["regime"]):
        same = frame["regime"].shift(1).loc[part.index] == regime
        x, y = r.shift(1).loc[part.index][same], part[same]
        out[regime] = {
            "ac1": float(np.corrcoef(x.dropna(), y[x.notna()])[0, 1]),
            "vol": float(part.std()),
            "mean": float(part.mean()),
        }
    return out


def test_regimes_favour_different_models():
    stats = _regime_stats(simulate_regimes(20000, seed=5))
    assert stats["trending_up"]["ac1"] > 0.15 and stats["trending_down"]["ac1"] > 0.15  # momentum
    assert stats["ranging"]["ac1"] < -0.1  # reversal
    assert abs(stats["volatile"]["ac1"]) < 0.06  # little to predict
    assert stats["volatile"]["vol"] > 2 * max(stats[k]["vol"] for k in ("trending_up", "ranging"))
    assert stats["trending_up"]["mean"] > 0 > stats["trending_down"]["mean"]


def test_a_regime_aware_linear_model_beats_a_static_one_out_of_sample():
    frame = simulate_regimes(20000, seed=9)
    log_close = np.log(frame["close"])
    r = log_close.diff()
    X = pd.DataFrame({"r1": r.shift(1), "dev": log_close.shift(1) - log_close.shift(1).rolling(10).mean()})
    data = X.assign(y=r, regime=frame["regime"]).dropna()
    train, test = data.iloc[:14000], data.iloc[14000:]

    def ols(part):
        A = np.c_[np.ones(len(part)), part[["r1", "dev"]].to_numpy()]
        return np.linalg.lstsq(A, part["y"].to_numpy(), rcond=None)[0]

    def predict(coef, part):
        return np.c_[np.ones(len(part)), part[["r1", "dev"]].to_numpy()] @ coef

    static = predict(ols(train), test)
    aware = np.empty(len(test))
    for regime, idx in test.groupby("regime").indices.items():
        aware[idx] = predict(ols(train[train["regime"] == regime]), test.iloc[idx])
    y = test["y"].to_numpy()
    hit = lambda p: float(np.mean(np.sign(p) == np.sign(y)))  # noqa: E731
    assert np.mean((y - aware) ** 2) < np.mean((y - static) ** 2)
    assert hit(aware) > hit(static) + 0.02


# -- files -------------------------------------------------------------------------------------
@pytest.fixture
def vendor_csv(tmp_path):
    frame = simulate_regimes(50, seed=0)
    raw = pd.DataFrame(
        {
            "Date": frame.index.tz_localize(None).strftime("%Y-%m-%d"),
            "Opening": frame["open"].to_numpy(),
            "Hi": frame["high"].to_numpy(),
            "Lo": frame["low"].to_numpy(),
            "Last": frame["close"].to_numpy(),
            "Vol": frame["volume"].to_numpy(),
        }
    )
    path = tmp_path / "vendor.csv"
    raw.to_csv(path, index=False)
    return path, frame


MAPPING = {"Date": "timestamp", "Opening": "open", "Hi": "high", "Lo": "low", "Last": "close", "Vol": "volume"}


def test_csv_with_column_mapping(vendor_csv):
    path, frame = vendor_csv
    loaded = load_csv(path, columns=MAPPING)
    assert list(loaded.columns) == ["open", "high", "low", "close", "volume"] and str(loaded.index.tz) == "UTC"
    np.testing.assert_allclose(loaded["close"], frame["close"])
    with pytest.raises(DataContractError, match="missing column"):
        load_csv(path)  # vendor names without a mapping
    with pytest.raises(DataContractError, match="mapping names source column\\(s\\) 'Close'"):
        load_csv(path, columns={"Close": "close"})


def test_csv_auto_names_timezones_and_bad_values(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text(
        "Datetime,Open,High,Low,Close,Volume\n2021-01-01 09:00,1,2,0.5,1.5,10\n2021-01-01 10:00,1.5,2,1,1.8,12\n"
    )
    loaded = load_csv(path, tz="America/New_York")
    assert loaded.index[0] == pd.Timestamp("2021-01-01 14:00", tz="UTC")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,open,high,low,close,volume\n2021-01-01,1,2,0.5,oops,10\n2021-01-02,1,2,0.5,1.5,10\n")
    with pytest.raises(DataContractError, match="column 'close' must be numeric, got 'oops' at row 0"):
        load_csv(bad)
    unsorted = tmp_path / "unsorted.csv"
    unsorted.write_text("date,open,high,low,close,volume\n2021-01-02,1,2,0.5,1.5,10\n2021-01-01,1,2,0.5,1.5,10\n")
    with pytest.raises(DataContractError, match="not sorted"):
        load_csv(unsorted)
    assert load_csv(unsorted, sort=True).index.is_monotonic_increasing


def test_parquet_round_trip(tmp_path):
    pytest.importorskip("pyarrow")
    frame = simulate_regimes(40, seed=4)
    path = tmp_path / "bars.parquet"
    frame.drop(columns=["regime"]).reset_index().rename(columns={"timestamp": "ts"}).to_parquet(path)
    loaded = load_parquet(path, columns={"ts": "timestamp"})
    pd.testing.assert_frame_equal(loaded, frame.drop(columns=["regime"]), check_freq=False)
    pd.testing.assert_frame_equal(load_market_data(path, columns={"ts": "timestamp"}), loaded)
