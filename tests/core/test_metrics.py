"""Market metrics: hand-computed cases, the next-bar convention proof, paired tests."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from huracan_core.metrics import (
    bar_returns,
    block_bootstrap_test,
    diebold_mariano,
    equity_curve,
    evaluate_signal,
    hit_rate,
    information_coefficient,
    max_drawdown,
    sharpe_ratio,
    strategy_returns,
    turnover,
)
from huracan_core.targets import forward_return_target


def _index(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2021-01-01", periods=n, freq="D", tz="UTC")


def _random_walk(n: int, seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=_index(n), name="close")


def test_information_coefficient_is_spearman_and_aligned_by_index():
    idx = _index(5)
    pred = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=idx)
    realized = pd.Series([10.0, 20.0, 30.0, 40.0, 1000.0], index=idx)
    assert information_coefficient(pred, realized) == pytest.approx(1.0)  # monotone, not linear
    assert information_coefficient(pred, -realized) == pytest.approx(-1.0)
    # alignment by index: reversing the order of one side does not change the result
    assert information_coefficient(pred.iloc[::-1], realized) == pytest.approx(1.0)
    # hand-computed: ranks x=(1,2,3), y=(1,3,2) -> rho = 1 - 6*2/(3*8) = 0.5
    assert information_coefficient([1, 2, 3], [5, 9, 7]) == pytest.approx(0.5)
    assert math.isnan(information_coefficient([1, 1, 1], [1, 2, 3]))
    assert math.isnan(information_coefficient([1, 2], [1, 2]))


def test_hit_rate_by_hand():
    assert hit_rate([1, -1, 1, -1], [0.5, 0.2, -0.1, -0.3]) == pytest.approx(0.5)
    # zero realized returns and no-call predictions are left out
    assert hit_rate([1, 0, 1, 1], [0.1, 0.3, 0.0, -0.2]) == pytest.approx(0.5)
    assert hit_rate([0.7, 0.2], [0.01, -0.02], threshold=0.5) == pytest.approx(1.0)
    assert math.isnan(hit_rate([0, 0], [1, 1]))


def test_strategy_returns_next_bar_and_costs_by_hand():
    idx = _index(6)
    close = pd.Series([100, 101, 99, 102, 102, 104.0], index=idx)
    rets = bar_returns(close)
    assert rets.index[0] == idx[1] and rets.iloc[0] == pytest.approx(0.01)
    signal = pd.Series([1, -1, 1, 1, -1, 1.0], index=idx)
    out = strategy_returns(signal, rets, cost_bps=10)
    # signal at idx[1] (-1) earns the return ending at idx[2] (99/101-1), entry cost 1 unit * 10 bp
    assert out.index[0] == idx[2]
    assert out.iloc[0] == pytest.approx(-(99 / 101 - 1) - 0.001)
    assert out.iloc[1] == pytest.approx(102 / 99 - 1 - 0.002)  # flip -1 -> +1: 2 units
    assert out.iloc[2] == pytest.approx(0.0)  # flat bar, no trade
    assert out.iloc[3] == pytest.approx(-(104 / 102 - 1) - 0.002)
    assert len(out) == 4  # the last signal has no following bar
    # plain arrays: position i earns returns[i+1]
    arr = strategy_returns([1, -1, 1], [0.0, 0.02, 0.03])
    assert arr.tolist() == pytest.approx([0.02, -0.03])
    long_only = strategy_returns([1, -1, 1], [0.0, 0.02, 0.03], mode="long_only", cost_bps=100)
    assert long_only.tolist() == pytest.approx([0.02 - 0.01, 0.0 - 0.01])
    with pytest.raises(ValueError, match="cost_bps must be >= 0"):
        strategy_returns([1], [0.1], cost_bps=-1)
    with pytest.raises(ValueError, match="same length"):
        strategy_returns([1, 1], [0.1])


def test_sharpe_drawdown_turnover_by_hand():
    r = [0.01, -0.02, 0.03, 0.0]
    expected = np.mean(r) / np.std(r, ddof=1) * math.sqrt(252)
    assert sharpe_ratio(r) == pytest.approx(expected)
    assert sharpe_ratio([0.0, 0.0, 0.0]) == 0.0
    assert math.isnan(sharpe_ratio([0.01]))
    assert max_drawdown([0.10, -0.50, 0.20]) == pytest.approx(-0.5)
    assert max_drawdown([-0.10, 0.05]) == pytest.approx(-0.10)  # start counts as a peak
    assert max_drawdown([0.01, 0.02]) == 0.0
    assert turnover([1, 1, -1, -1, 0]) == pytest.approx((1 + 0 + 2 + 0 + 1) / 5)
    assert equity_curve([0.1, -0.5]).tolist() == pytest.approx([1.1, 0.55])


def test_same_bar_return_does_not_score_but_next_bar_does():
    """The proof of the timing convention, on random-walk data.

    A "model" that sees the return ending at bar t (information it legitimately has at t)
    earns nothing, while one that sees the return of the next bar (a leak) scores hugely.
    """
    close = _random_walk(3000, 11)
    rets = bar_returns(close)
    same_bar = rets  # signal[t] = return ending at t
    next_bar = rets.shift(-1).dropna()  # signal[t] = return from t to t+1 (cheating)
    honest = evaluate_signal(same_bar, close, cost_bps=0.0)
    cheat = evaluate_signal(next_bar, close, cost_bps=0.0)
    assert abs(honest["sharpe"]) < 0.8  # |SR| of noise over ~12 years of daily bars
    assert abs(honest["ic"]) < 0.06
    assert 0.46 < honest["hit_rate"] < 0.54
    assert cheat["sharpe"] > 20
    assert cheat["hit_rate"] > 0.99
    assert cheat["ic"] > 0.99
    # the IC convention agrees with the target builders: realized = forward return at t
    target = forward_return_target(close, horizon=1)
    assert information_coefficient(next_bar, target.values) == pytest.approx(1.0)


def test_costs_reduce_sharpe_and_evaluate_keys():
    close = _random_walk(500, 2)
    signal = pd.Series(np.sign(np.random.default_rng(3).normal(size=500)), index=close.index)
    cheap = evaluate_signal(signal, close, cost_bps=0.0)
    dear = evaluate_signal(signal, close, cost_bps=50.0)
    assert set(cheap) == {
        "ic",
        "hit_rate",
        "sharpe",
        "sharpe_gross",
        "total_return",
        "annual_return",
        "max_drawdown",
        "turnover",
        "n_bars",
        "cost_bps",
    }
    assert dear["sharpe"] < cheap["sharpe"] - 1.0
    assert dear["sharpe_gross"] == pytest.approx(cheap["sharpe"])
    assert cheap["n_bars"] == 499
    assert 0.7 < cheap["turnover"] < 1.3  # random ±1 signs flip half the time: E|Δ| = 1
    frame = pd.DataFrame({"close": close})
    assert evaluate_signal(signal, frame)["sharpe"] == pytest.approx(evaluate_signal(signal, close)["sharpe"])
    as_returns = evaluate_signal(signal, bar_returns(close).reindex(close.index), kind="returns")
    assert as_returns["sharpe"] == pytest.approx(evaluate_signal(signal, close)["sharpe"])
    with pytest.raises(ValueError, match="kind must be"):
        evaluate_signal(signal, close, kind="prices")  # type: ignore[arg-type]


def _ar1(n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    e = rng.normal(size=n)
    out = np.empty(n)
    out[0] = e[0]
    for i in range(1, n):
        out[i] = phi * out[i - 1] + e[i]
    return out


def test_paired_tests_detect_a_real_difference():
    rng = np.random.default_rng(0)
    base = np.abs(_ar1(800, 0.5, rng))
    better = base - 0.3 + 0.2 * rng.normal(size=800)
    boot = block_bootstrap_test(better, base, block_size=10, n_boot=1000, seed=1, alternative="less")
    dm = diebold_mariano(better, base, horizon=1, alternative="less")
    assert boot.mean_difference == pytest.approx(np.mean(better - base))
    assert boot.p_value < 0.01 and boot.ci_high < 0
    assert dm.p_value < 0.01 and dm.statistic < -5


def test_paired_tests_calibrated_under_the_null_with_autocorrelation():
    """Under H0 (equal expected loss) with autocorrelated differences, rejections at 5 % stay near 5 %."""
    rejections_boot = rejections_dm = 0
    trials = 60
    for seed in range(trials):
        rng = np.random.default_rng(100 + seed)
        d = _ar1(300, 0.6, rng)
        boot = block_bootstrap_test(d, np.zeros_like(d), block_size=15, n_boot=300, seed=seed)
        dm = diebold_mariano(d, np.zeros_like(d), horizon=6)
        rejections_boot += boot.p_value < 0.05
        rejections_dm += dm.p_value < 0.05
    # a naive iid t-test rejects ~30 % here; allow sampling noise around 5 %
    assert rejections_boot / trials < 0.17
    assert rejections_dm / trials < 0.2


def test_paired_tests_errors_and_determinism():
    a, b = np.arange(10.0), np.arange(10.0)[::-1]
    assert block_bootstrap_test(a, b, seed=3) == block_bootstrap_test(a, b, seed=3)
    with pytest.raises(ValueError, match="block_size must be in"):
        block_bootstrap_test(a, b, block_size=50)
    with pytest.raises(ValueError, match="at least 3 aligned"):
        diebold_mariano([1.0, 2.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="alternative must be"):
        diebold_mariano(a, b, alternative="bigger")  # type: ignore[arg-type]
    result = diebold_mariano(pd.Series(a, index=_index(10)), pd.Series(b, index=_index(10)))
    assert result.to_dict()["method"] == "diebold_mariano" and result.n == 10
