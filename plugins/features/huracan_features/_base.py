"""The shared base of every preprocessor in this plugin, and input checks with clear errors.

Why a base class: all preprocessors validate their input the same way (a frame
indexed by unique, sorted, tz-aware UTC timestamps; required columns present and
numeric; no NaN/inf where a computation cannot take them; positive prices where
logs are taken), expose ``causal``, and persist their fitted state without pickle
through :meth:`FeaturePreprocessor.get_state` / :meth:`FeaturePreprocessor.set_state`
(JSON-able values and numpy arrays), which the core's recipe executor saves as
JSON + npz.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import DataContractError, NotFittedError
from huracan_core.data import validate_index
from huracan_core.interfaces import BaseComponent

__all__ = [
    "FeaturePreprocessor",
    "check_frame",
    "check_rows",
    "check_window",
    "column_values",
    "require_columns",
    "require_numeric",
    "select_columns",
]


def _first_bad(index: pd.Index, mask: np.ndarray) -> str:
    position = int(np.flatnonzero(mask)[0])
    return f"row {position} ({index[position]})"


def check_frame(X: Any, who: str) -> pd.DataFrame:
    """``X`` must be a non-empty DataFrame with a unique, sorted, tz-aware UTC DatetimeIndex."""
    if not isinstance(X, pd.DataFrame):
        raise DataContractError(f"{who}: expected a pandas DataFrame indexed by UTC timestamps, got {type(X).__name__}")
    if len(X) == 0:
        raise DataContractError(f"{who}: the input frame has no rows")
    index = X.index
    # fast path: pandas caches monotonicity/uniqueness on the Index, so repeated checks of one frame are free
    if not (
        isinstance(index, pd.DatetimeIndex)
        and index.tz is not None
        and str(index.tz) == "UTC"
        and index.is_monotonic_increasing
        and index.is_unique
    ):
        validate_index(X, who)  # raises the contract's message naming the first bad row
    return X


def require_columns(X: pd.DataFrame, columns: Sequence[str], who: str) -> None:
    missing = [c for c in columns if c not in X.columns]
    if missing:
        raise DataContractError(
            f"{who}: missing column(s) {', '.join(missing)}; needs {', '.join(columns)} "
            f"(got {', '.join(map(str, X.columns)) or 'no columns'})"
        )


def require_numeric(X: pd.DataFrame, column: str, who: str) -> pd.Series:
    series = X[column]
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        raise DataContractError(f"{who}: column {column!r} must be numeric, got dtype {series.dtype}")
    return series


def column_values(
    X: pd.DataFrame, column: str, who: str, *, allow_nan: bool = False, positive: bool = False
) -> np.ndarray:
    """Column as a float64 array, with errors naming the column, first offending row and the rule."""
    series = require_numeric(X, column, who)
    if series.dtype == np.float64:
        values = series.to_numpy()  # no copy (read-only under copy-on-write; never written to)
    else:
        values = series.to_numpy(dtype="float64", na_value=np.nan)
    finite = np.isfinite(values)
    if not finite.all():
        inf = np.isinf(values)
        if inf.any():
            raise DataContractError(f"{who}: column {column!r} has inf at {_first_bad(X.index, inf)}")
        if not allow_nan:
            raise DataContractError(
                f"{who}: column {column!r} has NaN at {_first_bad(X.index, ~finite)}; clean the data first "
                "(the 'clean' preprocessor with nan_policy='ffill' or 'drop')"
            )
    if positive:
        with np.errstate(invalid="ignore"):
            bad = values <= 0
        if bad.any():
            raise DataContractError(
                f"{who}: column {column!r} must be > 0 because logs/ratios are taken, got {values[bad][0]} "
                f"at {_first_bad(X.index, bad)}"
            )
    return values


def check_window(value: Any, name: str, who: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{who}: parameter {name!r} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_rows(n_rows: int, needed: int, who: str, why: str) -> None:
    if n_rows < needed:
        raise DataContractError(f"{who}: needs at least {needed} rows ({why}), got {n_rows}")


def select_columns(X: pd.DataFrame, columns: Sequence[str] | str | None, who: str) -> list[str]:
    """Resolve ``columns`` (names or fnmatch patterns; ``None`` = every numeric column) against ``X``."""
    if columns is None:
        chosen = [
            str(c)
            for c in X.columns
            if pd.api.types.is_numeric_dtype(X[c].dtype) and not pd.api.types.is_bool_dtype(X[c].dtype)
        ]
        if not chosen:
            raise DataContractError(f"{who}: the input has no numeric columns (got {', '.join(map(str, X.columns))})")
        return chosen
    patterns = [columns] if isinstance(columns, str) else list(columns)
    chosen = []
    for pattern in patterns:
        hits = [str(c) for c in X.columns if fnmatch.fnmatchcase(str(c), pattern)]
        if not hits:
            raise DataContractError(
                f"{who}: column pattern {pattern!r} matches no column (got {', '.join(map(str, X.columns))})"
            )
        chosen.extend(h for h in hits if h not in chosen)
    return chosen


def _to_state_value(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return [_to_state_value(v) for v in value]
    if isinstance(value, list):
        return [_to_state_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_state_value(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"fitted attribute of type {type(value).__name__} cannot be saved as JSON/npz")


class FeaturePreprocessor(BaseComponent):
    """Base of this plugin's preprocessors.

    Subclasses implement ``_fit(X)`` (learn state into ``*_`` attributes) and
    ``_transform(X) -> DataFrame``. ``fit`` always records ``feature_names_in_``
    (the columns it used), so fitted state is never empty.
    """

    causal: bool = True
    changes_index: bool = False
    """True for steps that drop or re-bin rows (cleaning, resampling); the recipe allows index changes only for them."""

    @property
    def _who(self) -> str:
        return type(self).__name__

    def _input_columns(self, X: pd.DataFrame) -> list[str]:
        """The columns this preprocessor reads from ``X`` (checked and recorded at fit)."""
        raise NotImplementedError

    def _fit(self, X: pd.DataFrame) -> None:
        """Learn state from training data (stateless preprocessors only validate)."""

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        raise NotImplementedError

    def fit(self, X: Any, y: Any = None) -> FeaturePreprocessor:
        X = check_frame(X, self._who)
        self._check_params()
        columns = self._input_columns(X)
        self.feature_names_in_ = list(columns)
        try:
            self._fit(X)
        except BaseException:
            del self.feature_names_in_  # a failed fit leaves the instance unfitted
            raise
        return self

    def transform(self, X: Any) -> pd.DataFrame:
        if getattr(self, "feature_names_in_", None) is None:
            raise NotFittedError(f"this {self._who} instance is not fitted yet; call 'fit' with training data first")
        X = check_frame(X, self._who)
        require_columns(X, self.feature_names_in_, self._who)
        return self._transform(X)

    def fit_transform(self, X: Any, y: Any = None) -> pd.DataFrame:
        return self.fit(X, y).transform(X)

    def _check_params(self) -> None:
        """Raise ValueError naming a bad parameter (called by ``fit``)."""

    # -- persistence ---------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """Fitted state as JSON-able values and numpy arrays (every attribute ending in ``_``)."""
        if getattr(self, "feature_names_in_", None) is None:
            raise NotFittedError(f"this {self._who} instance is not fitted yet; nothing to save")
        return {
            name: _to_state_value(value)
            for name, value in vars(self).items()
            if name.endswith("_") and not name.startswith("_")
        }

    def set_state(self, state: dict[str, Any]) -> FeaturePreprocessor:
        """Restore what :meth:`get_state` returned (the parameters come from the constructor)."""
        for name, value in state.items():
            if not name.endswith("_"):
                raise ValueError(f"{self._who}: state key {name!r} is not a fitted attribute (must end with '_')")
            setattr(self, name, value)
        return self
