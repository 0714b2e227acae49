"""Cleaning: NaN/inf policy, duplicate timestamps, gap reporting, and resampling to a bar frequency.

Nothing here looks ahead: NaNs are forward-filled (from the past) or their rows
dropped, never back-filled or interpolated; resampled bars are labelled with the
*end* of their interval, so a bar is only ever stamped at a time when all of its
rows have happened.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import DataContractError
from huracan_core.data import OHLCV
from huracan_features._base import (
    FeaturePreprocessor,
    check_frame,
    column_values,
    require_columns,
    require_numeric,
    select_columns,
)

__all__ = ["Clean", "Resample", "detect_gaps"]

logger = logging.getLogger(__name__)

_NAN_POLICIES = ("error", "drop", "ffill")
_DUPLICATES = ("error", "first", "last")
_GAP_POLICIES = ("ignore", "report", "error")


def detect_gaps(
    index: pd.DatetimeIndex, *, expected: pd.Timedelta | str | None = None, factor: float = 4.5
) -> pd.DataFrame:
    """Intervals between consecutive timestamps longer than ``factor`` × the expected bar spacing.

    ``expected`` defaults to the median spacing (weekends and holidays in daily
    equity data are steps of 3–4 days, below the default factor).

    Returns:
        A frame with columns ``start``, ``end``, ``length`` and ``missing_bars`` (approximate), one row per gap.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise DataContractError(f"detect_gaps: expected a DatetimeIndex, got {type(index).__name__}")
    if factor <= 1:
        raise ValueError(f"detect_gaps: factor must be > 1, got {factor}")
    columns = ["start", "end", "length", "missing_bars"]
    if len(index) < 2:
        return pd.DataFrame(columns=columns)
    steps = np.diff(index.asi8)
    step = pd.Timedelta(expected).value if expected is not None else int(np.median(steps))
    if step <= 0:
        raise DataContractError("detect_gaps: timestamps must be sorted and unique to measure gaps")
    where = np.flatnonzero(steps > factor * step)
    return pd.DataFrame(
        {
            "start": index[where],
            "end": index[where + 1],
            "length": pd.to_timedelta(steps[where], unit="ns"),
            "missing_bars": (steps[where] // step - 1).astype("int64"),
        },
        columns=columns,
    )


class Clean(FeaturePreprocessor):
    """Make a frame usable: sort, resolve duplicate timestamps, apply a NaN/inf policy, report gaps.

    Args:
        nan_policy: ``error`` (raise naming the column and row), ``drop`` (drop rows with NaN in
            ``columns``) or ``ffill`` (carry the last value forward; leading rows that nothing can
            fill are dropped). Never back-fills. ``inf`` is treated as NaN.
        ffill_limit: most consecutive rows ``ffill`` may fill (``None`` = unlimited); rows still NaN are dropped.
        duplicates: ``error``, or keep the ``first``/``last`` row of each duplicate timestamp.
        sort: sort an unsorted index (else raise).
        gap_policy: ``ignore``, ``report`` (log a warning with the gaps) or ``error`` — gaps are steps
            longer than ``gap_factor`` × the median spacing seen at fit.
        columns: columns the NaN policy applies to (names or patterns; ``None`` = all numeric).
    """

    changes_index = True

    def __init__(
        self,
        nan_policy: str = "ffill",
        ffill_limit: int | None = None,
        duplicates: str = "last",
        sort: bool = True,
        gap_policy: str = "report",
        gap_factor: float = 4.5,
        columns: list[str] | None = None,
    ) -> None:
        self.nan_policy = nan_policy
        self.ffill_limit = ffill_limit
        self.duplicates = duplicates
        self.sort = sort
        self.gap_policy = gap_policy
        self.gap_factor = gap_factor
        self.columns = columns

    def _check_params(self) -> None:
        for name, value, allowed in (
            ("nan_policy", self.nan_policy, _NAN_POLICIES),
            ("duplicates", self.duplicates, _DUPLICATES),
            ("gap_policy", self.gap_policy, _GAP_POLICIES),
        ):
            if value not in allowed:
                raise ValueError(f"Clean: parameter {name!r} must be one of {', '.join(allowed)}, got {value!r}")
        if self.ffill_limit is not None and (not isinstance(self.ffill_limit, int) or self.ffill_limit < 1):
            raise ValueError(
                f"Clean: parameter 'ffill_limit' must be None or an integer >= 1, got {self.ffill_limit!r}"
            )
        if self.gap_factor <= 1:
            raise ValueError(f"Clean: parameter 'gap_factor' must be > 1, got {self.gap_factor!r}")

    def _prepare_index(self, X: Any) -> pd.DataFrame:
        """Index checks that Clean fixes instead of refusing: order and duplicates."""
        if not isinstance(X, pd.DataFrame):
            raise DataContractError(f"Clean: expected a pandas DataFrame, got {type(X).__name__}")
        if len(X) == 0:
            raise DataContractError("Clean: the input frame has no rows")
        index = X.index
        if not isinstance(index, pd.DatetimeIndex) or index.tz is None or str(index.tz) != "UTC":
            check_frame(X, "Clean")  # raises the contract's message for a wrong index type or zone
        if not index.is_monotonic_increasing:
            if not self.sort:
                check_frame(X, "Clean")
            X = X.sort_index(kind="stable")
        if X.index.has_duplicates:
            if self.duplicates == "error":
                check_frame(X, "Clean")
            X = X[~X.index.duplicated(keep=self.duplicates)]
        return X

    def fit(self, X: Any, y: Any = None) -> Clean:
        self._check_params()
        X = self._prepare_index(X)
        columns = select_columns(X, self.columns, "Clean")
        steps = np.diff(X.index.asi8)
        self.bar_spacing_ns_ = int(np.median(steps)) if len(steps) else 0
        self.feature_names_in_ = columns
        return self

    def transform(self, X: Any) -> pd.DataFrame:
        if getattr(self, "feature_names_in_", None) is None:
            from huracan_core._errors import NotFittedError

            raise NotFittedError("this Clean instance is not fitted yet; call 'fit' with training data first")
        X = self._prepare_index(X)
        require_columns(X, self.feature_names_in_, "Clean")
        cols = self.feature_names_in_
        for column in cols:
            require_numeric(X, column, "Clean")
            if self.nan_policy == "error":
                column_values(X, column, "Clean")  # raises naming the column and the first NaN/inf row
        out = X.copy()
        block = out[cols].astype("float64").replace([np.inf, -np.inf], np.nan)
        if self.nan_policy == "ffill":
            block = block.ffill(limit=self.ffill_limit)
        out[cols] = block
        keep = block.notna().all(axis=1).to_numpy()
        if not keep.all():
            logger.info(
                "Clean: dropping %d of %d rows with NaN after nan_policy=%r", (~keep).sum(), len(keep), self.nan_policy
            )
            out = out[keep]
        if len(out) == 0:
            raise DataContractError("Clean: every row was dropped by the NaN policy; the data has no complete row")
        self._check_gaps(out.index)
        return out

    def _check_gaps(self, index: pd.DatetimeIndex) -> None:
        if self.gap_policy == "ignore" or self.bar_spacing_ns_ <= 0:
            return
        gaps = detect_gaps(index, expected=pd.Timedelta(self.bar_spacing_ns_, unit="ns"), factor=self.gap_factor)
        if gaps.empty:
            return
        widest = gaps.loc[gaps["length"].idxmax()]
        message = (
            f"Clean: {len(gaps)} gap(s) longer than {self.gap_factor} bars; widest from {widest['start']} "
            f"to {widest['end']} (~{widest['missing_bars']} bars missing)"
        )
        if self.gap_policy == "error":
            first = gaps.iloc[0]
            raise DataContractError(f"{message}; first gap from {first['start']} to {first['end']}")
        logger.warning(message)


class Resample(FeaturePreprocessor):
    """Aggregate bars to a coarser frequency: open first, high max, low min, close last, volume sum.

    Bins are closed on the left and **labelled with their right edge** (the time
    the bar is complete), so a resampled bar never carries information from after
    its timestamp. Other numeric columns take their last value; empty bins
    (weekends, holidays) are dropped. The final bin may be partial (as in live
    data): its label is after every row it holds.
    """

    changes_index = True

    def __init__(self, rule: str = "1D") -> None:
        self.rule = rule

    def _check_params(self) -> None:
        try:
            pd.tseries.frequencies.to_offset(self.rule)
        except (ValueError, TypeError):
            raise ValueError(
                f"Resample: parameter 'rule' must be a pandas offset alias such as '1h' or '1D', got {self.rule!r}"
            ) from None

    def _input_columns(self, X: pd.DataFrame) -> list[str]:
        require_columns(X, OHLCV, "Resample")
        for column in OHLCV:
            column_values(X, column, "Resample", allow_nan=True)
        return list(OHLCV)

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        how = {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
        for column in X.columns:
            if column not in how and pd.api.types.is_numeric_dtype(X[column].dtype):
                how[str(column)] = "last"
        out = X[list(how)].resample(self.rule, closed="left", label="right").agg(how)
        counts = X["close"].resample(self.rule, closed="left", label="right").count()
        out = out[counts.to_numpy() > 0]
        return out
