"""Leakage invariants of the splitters, checked over many random configurations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from huracan_core.targets import forward_return_target, triple_barrier_target
from huracan_core.validation import PurgedKFold, WalkForward, holdout_split


def _frame(n: int, seed: int = 0) -> pd.DataFrame:
    index = pd.date_range("2020-01-01", periods=n, freq="D", tz="UTC")
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"close": 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))}, index=index)


def _random_label_end(index: pd.DatetimeIndex, rng: np.random.Generator, max_h: int) -> pd.Series:
    n = len(index)
    ends = np.minimum(np.arange(n) + rng.integers(0, max_h + 1, n), n - 1)
    return pd.Series(index[ends], index=index)


def _overlaps(train: np.ndarray, test: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Training positions whose [start, end] intersects the test fold's [first start, last label end]."""
    lo, hi = start[test].min(), end[test].max()
    return train[(end[train] >= lo) & (start[train] <= hi)]


def test_walk_forward_expanding_layout_by_hand():
    folds = list(WalkForward(n_splits=3, test_size=2).split(np.zeros(10)))
    assert [(t.tolist(), s.tolist()) for t, s in folds] == [
        (list(range(4)), [4, 5]),
        (list(range(6)), [6, 7]),
        (list(range(8)), [8, 9]),
    ]


def test_walk_forward_sliding_gap_step_by_hand():
    folds = list(WalkForward(n_splits=2, test_size=2, train_size=3, step=3, gap=1).split(np.zeros(12)))
    assert [(t.tolist(), s.tolist()) for t, s in folds] == [([3, 4, 5], [7, 8]), ([6, 7, 8], [10, 11])]


def test_walk_forward_purges_labels_reaching_the_test_fold():
    frame = _frame(100)
    target = forward_return_target(frame, horizon=5)
    X = frame.loc[target.values.index]
    for train, test in WalkForward(n_splits=4, test_size=10).split(X, target.label_end):
        # the 5-bar label of the last kept training row ends before the first test bar
        assert target.label_end.iloc[train].max() < X.index[test[0]]
        assert train.max() == test[0] - 6  # exactly the 5 overlapping rows were purged
    unpurged = next(iter(WalkForward(n_splits=4, test_size=10).split(X)))
    assert unpurged[0].max() == unpurged[1][0] - 1


@pytest.mark.parametrize("seed", range(60))
def test_walk_forward_invariants_random(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(60, 400))
    n_splits = int(rng.integers(1, 6))
    test_size = int(rng.integers(1, max(2, n // (2 * n_splits + 2))))
    step = int(rng.integers(1, test_size + 3))
    gap = int(rng.integers(0, 5))
    train_size = None if rng.random() < 0.5 else int(rng.integers(5, 60))
    max_h = int(rng.integers(0, 8))
    frame = _frame(n, seed)
    label_end = _random_label_end(frame.index, rng, max_h)
    start = frame.index.asi8
    end = pd.DatetimeIndex(label_end).asi8
    splitter = WalkForward(n_splits=n_splits, test_size=test_size, train_size=train_size, step=step, gap=gap)
    try:
        folds = list(splitter.split(frame, label_end))
    except ValueError as exc:  # impossible configs must say so clearly
        assert "WalkForward" in str(exc)
        return
    assert len(folds) == n_splits
    for k, (train, test) in enumerate(folds):
        assert len(test) == test_size and len(train) >= 1
        assert train.max() < test.min()  # every test index after every training index
        assert test.min() - train.max() > gap
        assert (end[train] < start[test.min()]).all()  # no training label reaches the test fold
        assert len(_overlaps(train, test, start, end)) == 0
        if train_size is not None:
            assert len(train) <= train_size
        if k:
            assert test.min() - folds[k - 1][1].min() == step
    assert folds[-1][1].max() == n - 1


@pytest.mark.parametrize("seed", range(60))
def test_purged_kfold_invariants_random(seed):
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(50, 400))
    n_splits = int(rng.integers(2, 7))
    max_h = int(rng.integers(0, 10))
    embargo: float | int = float(rng.uniform(0, 0.05)) if rng.random() < 0.5 else int(rng.integers(0, 6))
    frame = _frame(n, seed)
    label_end = _random_label_end(frame.index, rng, max_h)
    start = frame.index.asi8
    end = pd.DatetimeIndex(label_end).asi8
    splitter = PurgedKFold(n_splits=n_splits, embargo=embargo)
    h = splitter.embargo_bars(n)
    tested = []
    for train, test in splitter.split(frame, label_end):
        tested.extend(test.tolist())
        assert np.intersect1d(train, test).size == 0
        assert len(_overlaps(train, test, start, end)) == 0  # purge
        # embargo: nothing starts within h bars after the last bar the test labels look at
        first_after = np.searchsorted(start, end[test].max(), side="right")
        after = train[train > test.max()]
        assert (after >= first_after + h).all()
        # and nothing more than that was removed after the fold
        expected_after = np.arange(first_after + h, n)
        expected_after = expected_after[(start[expected_after] > end[test].max())]
        assert set(after.tolist()) == set(expected_after.tolist())
    assert sorted(tested) == list(range(n))  # each row tested exactly once


def test_purged_kfold_with_triple_barrier_labels_and_numpy_positions():
    frame = _frame(300, 3)
    target = triple_barrier_target(frame, horizon=10)
    X = frame.loc[target.values.index]
    for train, test in PurgedKFold(n_splits=5, embargo=0.01).split(X, target.label_end):
        lo, hi = X.index[test[0]], target.label_end.iloc[test].max()
        ends = target.label_end.iloc[train]
        starts = X.index[train]
        assert not ((ends >= lo) & (starts <= hi)).any()
    # plain arrays: label_end as integer row positions
    pos_end = np.minimum(np.arange(50) + 3, 49)
    for train, test in PurgedKFold(n_splits=5).split(np.zeros((50, 2)), pos_end):
        assert not ((pos_end[train] >= test[0]) & (train <= pos_end[test].max())).any()


def test_embargo_removes_exactly_h_extra_rows():
    frame = _frame(100)
    folds_0 = list(PurgedKFold(n_splits=4, embargo=0).split(frame))
    folds_3 = list(PurgedKFold(n_splits=4, embargo=3).split(frame))
    assert folds_0[0][0].tolist() == list(range(25, 100))
    assert folds_3[0][0].tolist() == list(range(28, 100))
    assert folds_3[-1][0].tolist() == list(range(75))  # nothing to embargo after the last fold
    assert PurgedKFold(embargo=0.02).embargo_bars(101) == 3  # fractions round up


def test_holdout_split_is_most_recent_and_purged():
    frame = _frame(100)
    target = forward_return_target(frame, horizon=4)
    X = frame.loc[target.values.index]  # 96 rows
    dev, hold = holdout_split(X, 0.25, label_end=target.label_end)
    assert hold.tolist() == list(range(72, 96))
    assert dev.tolist() == list(range(0, 68))
    dev2, hold2 = holdout_split(100, 0.2, gap=5)
    assert hold2[0] == 80 and dev2[-1] == 74


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: WalkForward(n_splits=0), "n_splits must be a positive integer"),
        (lambda: WalkForward(gap=-1), "gap must be an integer >= 0"),
        (lambda: list(WalkForward(n_splits=5, test_size=30).split(np.zeros(100))), "needs at least 151 rows"),
        (lambda: list(WalkForward(n_splits=5).split(np.zeros(5))), "too few for 5 folds"),
        (lambda: PurgedKFold(n_splits=1), "n_splits must be an integer >= 2"),
        (lambda: PurgedKFold(embargo=1.5), "fractional embargo must be in [0, 1)"),
        (lambda: PurgedKFold(embargo=-2), "embargo must be >= 0 bars"),
        (lambda: list(PurgedKFold(n_splits=5).split(np.zeros(3))), "needs at least 5 rows"),
        (lambda: list(PurgedKFold().split(np.zeros(10), np.arange(5))), "one entry per row of X: expected 10, got 5"),
        (lambda: list(PurgedKFold().split(np.zeros(10), np.arange(10) - 1)), "at or after each sample's own time"),
        (lambda: list(PurgedKFold().split(np.zeros(10), np.linspace(0, 9, 10))), "integer row positions"),
        (lambda: holdout_split(10, 1.2), "holdout_fraction must be in (0, 1)"),
        (lambda: holdout_split(3, 0.5, gap=2), "need at least one of each"),
    ],
)
def test_impossible_configs_raise_clear_errors(make, message):
    with pytest.raises(ValueError, match=None) as info:
        make()
    assert message in str(info.value)


def test_walk_forward_errors_when_purging_empties_a_fold():
    frame = _frame(40)
    label_end = pd.Series(frame.index[-1], index=frame.index)  # every label runs to the end
    with pytest.raises(ValueError, match="after purging"):
        list(WalkForward(n_splits=2, test_size=5).split(frame, label_end))


def test_label_end_series_is_aligned_by_index():
    frame = _frame(30)
    label_end = pd.Series(frame.index[np.minimum(np.arange(30) + 2, 29)], index=frame.index)
    shuffled = label_end.sample(frac=1.0, random_state=0)
    a = [(t.tolist(), s.tolist()) for t, s in PurgedKFold(3).split(frame, label_end)]
    b = [(t.tolist(), s.tolist()) for t, s in PurgedKFold(3).split(frame, shuffled)]
    assert a == b
    with pytest.raises(ValueError, match="no entry for 1 row"):
        list(PurgedKFold(3).split(frame, label_end.iloc[1:]))
