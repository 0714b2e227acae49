"""Leakage-free splitters for time-ordered market samples.

Why this module exists: ordinary K-fold and even plain walk-forward splits leak
when labels look ahead. A sample at bar ``t`` whose label is the return to
``t+h`` "knows" prices up to ``label_end[t]``; if that interval reaches into
the test fold, the model has seen test prices during training. The splitters
here read each sample's ``label_end`` (see :mod:`huracan_core.targets`) and drop
(*purge*) such training samples, and :class:`PurgedKFold` additionally drops an
*embargo* of bars after each test fold (López de Prado, *Advances in Financial
Machine Learning*, ch. 7).

All splitters yield ``(train, test)`` arrays of integer row positions, like
scikit-learn's. Their signature is ``split(X, label_end=None, y=None, groups=None)``:
``label_end`` comes second because it, not ``y``, decides the split (pass
``y``/``groups`` by keyword; they are accepted and ignored).

Times: when ``X`` is a pandas object its index gives each sample's start time
and ``label_end`` holds timestamps (a Series aligned by index, or an array in row
order). When ``X`` is a plain array, ``label_end`` holds integer row positions
(``label_end[i] >= i``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PurgedKFold", "WalkForward", "holdout_split", "purge_overlapping"]

Split = tuple[np.ndarray, np.ndarray]


def _n_rows(X: Any) -> int:
    if isinstance(X, int | np.integer):
        return int(X)
    try:
        return len(X)
    except TypeError as exc:  # pragma: no cover - defensive
        raise TypeError(f"X must be a frame, an array or a row count, got {type(X).__name__}") from exc


def _to_ns(values: Any) -> np.ndarray:
    """Timestamps (tz-aware or naive, any resolution) as int64 nanoseconds."""
    index = pd.DatetimeIndex(values)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    return np.asarray(index.as_unit("ns").asi8, dtype="int64")


def _times(X: Any, label_end: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Start times and label end times of the ``n`` samples as comparable int64 arrays.

    With a ``DatetimeIndex`` on ``X`` both are nanoseconds; otherwise both are row
    positions. ``label_end=None`` means every label ends at its own bar.
    """
    index = getattr(X, "index", None)
    if isinstance(index, pd.DatetimeIndex):
        start = _to_ns(index)
        if label_end is None:
            return start, start.copy()
        if isinstance(label_end, pd.Series) and not label_end.index.equals(index):
            missing = index.difference(pd.DatetimeIndex(label_end.index))
            if len(missing):
                raise ValueError(
                    f"label_end has no entry for {len(missing)} row(s) of X, first {missing[0]}; "
                    "pass the target's label_end aligned to the feature rows (Target.align)"
                )
            label_end = label_end.reindex(index)
        values = label_end.to_numpy() if isinstance(label_end, pd.Series | pd.Index) else np.asarray(label_end)
        if len(values) != n:
            raise ValueError(f"label_end must have one entry per row of X: expected {n}, got {len(values)}")
        if pd.isna(values).any():
            row = int(np.flatnonzero(pd.isna(values))[0])
            raise ValueError(f"label_end is missing (NaT) at row {row} ({index[row]})")
        end = _to_ns(values)
    else:
        start = np.arange(n, dtype="int64")
        if label_end is None:
            return start, start.copy()
        values = label_end.to_numpy() if isinstance(label_end, pd.Series | pd.Index) else np.asarray(label_end)
        if len(values) != n:
            raise ValueError(f"label_end must have one entry per row of X: expected {n}, got {len(values)}")
        if not np.issubdtype(values.dtype, np.integer):
            raise ValueError(
                "X has no DatetimeIndex, so label_end must hold integer row positions "
                f"(the last row each label looks at), got dtype {values.dtype}"
            )
        end = values.astype("int64")
    bad = end < start
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"label_end must be at or after each sample's own time; row {row} ends before it starts")
    if len(start) > 1 and (np.diff(start) <= 0).any():
        raise ValueError("samples must be sorted by time with unique timestamps (sort the frame's index first)")
    return start, end


def purge_overlapping(
    train: np.ndarray, start: np.ndarray, end: np.ndarray, test_start: int, test_end: int
) -> np.ndarray:
    """Drop training positions whose label interval ``[start, end]`` overlaps ``[test_start, test_end]``."""
    keep = (end[train] < test_start) | (start[train] > test_end)
    return train[keep]


class WalkForward:
    """Walk-forward splits: train on the past, test on the block that follows.

    The last ``n_splits`` blocks of ``test_size`` rows (one every ``step`` rows,
    ending at the last row) are test folds. Each fold trains on the rows before
    its test block, leaving ``gap`` rows out in between; ``train_size=None``
    grows the training window (expanding), an integer keeps its last
    ``train_size`` rows (sliding). With ``label_end`` given, training samples
    whose label interval reaches the first test bar are purged as well, so a
    10-bar-ahead label never peeks into the fold.

    Parameters:
        n_splits: number of folds (>= 1).
        test_size: rows per test fold; default ``n_rows // (n_splits + 1)``.
        train_size: ``None`` for an expanding window, else the sliding window length.
        step: rows between consecutive test folds; default ``test_size`` (adjacent folds).
        gap: rows dropped between the end of training and the test fold.
        min_train_size: fewest training rows a fold may have after purging (default 1).
    """

    def __init__(
        self,
        n_splits: int = 5,
        test_size: int | None = None,
        train_size: int | None = None,
        step: int | None = None,
        gap: int = 0,
        min_train_size: int = 1,
    ) -> None:
        self.n_splits = n_splits
        self.test_size = test_size
        self.train_size = train_size
        self.step = step
        self.gap = gap
        self.min_train_size = min_train_size
        for name in ("n_splits", "test_size", "train_size", "step", "min_train_size"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int | np.integer) or value < 1):
                raise ValueError(f"WalkForward: {name} must be a positive integer, got {value!r}")
        if not isinstance(gap, int | np.integer) or gap < 0:
            raise ValueError(f"WalkForward: gap must be an integer >= 0, got {gap!r}")

    def __repr__(self) -> str:
        return (
            f"WalkForward(n_splits={self.n_splits}, test_size={self.test_size}, train_size={self.train_size}, "
            f"step={self.step}, gap={self.gap})"
        )

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        return int(self.n_splits)

    def _layout(self, n: int) -> tuple[int, int]:
        test_size = self.test_size if self.test_size is not None else n // (self.n_splits + 1)
        if test_size < 1:
            raise ValueError(f"{self!r}: {n} rows are too few for {self.n_splits} folds (test folds would be empty)")
        step = self.step if self.step is not None else test_size
        first_test = n - test_size - (self.n_splits - 1) * step
        needed = test_size + (self.n_splits - 1) * step + self.gap + self.min_train_size
        if first_test - self.gap < self.min_train_size:
            raise ValueError(
                f"{self!r} needs at least {needed} rows (test {test_size} x {self.n_splits} folds at step {step}, "
                f"gap {self.gap}, {self.min_train_size} training row(s)), got {n}"
            )
        return int(test_size), int(step)

    def split(self, X: Any, label_end: Any = None, y: Any = None, groups: Any = None) -> Iterator[Split]:
        """Yield ``(train, test)`` integer positions, oldest fold first."""
        n = _n_rows(X)
        test_size, step = self._layout(n)
        start, end = _times(X, label_end, n) if label_end is not None else (None, None)
        first_test = n - test_size - (self.n_splits - 1) * step
        for k in range(self.n_splits):
            test_lo = first_test + k * step
            test = np.arange(test_lo, test_lo + test_size)
            train_hi = test_lo - self.gap
            train_lo = 0 if self.train_size is None else max(0, train_hi - self.train_size)
            train = np.arange(train_lo, train_hi)
            if start is not None and end is not None:
                train = train[end[train] < start[test_lo]]
            if len(train) < self.min_train_size:
                raise ValueError(
                    f"{self!r}: fold {k} keeps {len(train)} training row(s) after purging samples whose labels reach "
                    f"the test fold (min_train_size={self.min_train_size}); use fewer folds, a larger gap or more data"
                )
            yield train, test


class PurgedKFold:
    """K contiguous folds, each the test set once, with purging and an embargo.

    Training samples whose label interval ``[t, label_end[t]]`` overlaps the
    test fold's span (its first bar to the last bar any of its labels looks at)
    are dropped, on both sides of the fold. The ``embargo`` then drops the
    training samples that start within that many bars after the test fold's
    last label end, so serially correlated features cannot carry test
    information back into training.

    Parameters:
        n_splits: number of folds (>= 2).
        embargo: a float in [0, 1) is a fraction of all rows (rounded up); an int is a bar count.
    """

    def __init__(self, n_splits: int = 5, embargo: float | int = 0.0) -> None:
        self.n_splits = n_splits
        self.embargo = embargo
        if not isinstance(n_splits, int | np.integer) or n_splits < 2:
            raise ValueError(f"PurgedKFold: n_splits must be an integer >= 2, got {n_splits!r}")
        if isinstance(embargo, bool) or not isinstance(embargo, int | float | np.integer | np.floating):
            raise ValueError(f"PurgedKFold: embargo must be a fraction in [0, 1) or a bar count, got {embargo!r}")
        if isinstance(embargo, float | np.floating) and not 0.0 <= embargo < 1.0:
            raise ValueError(
                f"PurgedKFold: a fractional embargo must be in [0, 1), got {embargo}; pass an int for bars"
            )
        if isinstance(embargo, int | np.integer) and embargo < 0:
            raise ValueError(f"PurgedKFold: embargo must be >= 0 bars, got {embargo}")

    def __repr__(self) -> str:
        return f"PurgedKFold(n_splits={self.n_splits}, embargo={self.embargo!r})"

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        return int(self.n_splits)

    def embargo_bars(self, n_rows: int) -> int:
        """The embargo as a number of bars for ``n_rows`` samples."""
        if isinstance(self.embargo, float | np.floating):
            return math.ceil(float(self.embargo) * n_rows)
        return int(self.embargo)

    def split(self, X: Any, label_end: Any = None, y: Any = None, groups: Any = None) -> Iterator[Split]:
        """Yield ``(train, test)`` integer positions; test folds in time order."""
        n = _n_rows(X)
        if n < self.n_splits:
            raise ValueError(f"{self!r} needs at least {self.n_splits} rows, got {n}")
        start, end = _times(X, label_end, n)
        h = self.embargo_bars(n)
        bounds = np.linspace(0, n, self.n_splits + 1).round().astype(int)
        positions = np.arange(n)
        for k in range(self.n_splits):
            lo, hi = int(bounds[k]), int(bounds[k + 1])
            test = positions[lo:hi]
            span_start, span_end = int(start[lo]), int(end[lo:hi].max())
            train = np.concatenate([positions[:lo], positions[hi:]])
            train = purge_overlapping(train, start, end, span_start, span_end)
            # embargo: the first h samples starting after the test fold's last label end
            after = int(np.searchsorted(start, span_end, side="right"))
            train = train[(train < lo) | (train >= after + h)]
            if len(train) == 0:
                raise ValueError(
                    f"{self!r}: fold {k} has no training rows left after purging and embargo "
                    f"({n} rows, embargo {h} bars); use fewer folds or a smaller embargo"
                )
            yield train, test


def holdout_split(
    X: Any, holdout_fraction: float = 0.2, *, label_end: Any = None, gap: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Split off the most recent ``holdout_fraction`` of rows as an untouched holdout.

    Returns ``(development, holdout)`` integer positions. Development samples whose
    label reaches the first holdout bar are purged (``label_end``), and ``gap``
    rows before the holdout are left out, so selection never sees holdout prices.
    ``X`` may be a frame, an array or a row count.
    """
    n = _n_rows(X)
    if not 0.0 < holdout_fraction < 1.0:
        raise ValueError(f"holdout_fraction must be in (0, 1), got {holdout_fraction}")
    if gap < 0:
        raise ValueError(f"gap must be >= 0, got {gap}")
    n_hold = math.ceil(holdout_fraction * n)
    first = n - n_hold
    dev = np.arange(0, max(0, first - gap))
    if label_end is not None:
        start, end = _times(X, label_end, n)
        dev = dev[end[dev] < start[first]]
    if n_hold < 1 or len(dev) < 1:
        raise ValueError(
            f"holdout_split: {n} rows with holdout_fraction={holdout_fraction} and gap={gap} leave "
            f"{len(dev)} development and {n_hold} holdout rows; need at least one of each"
        )
    return dev, np.arange(first, n)
