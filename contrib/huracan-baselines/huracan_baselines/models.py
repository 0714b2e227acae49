"""The baseline learners. Each saves to a JSON file (no pickle)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core import DataContractError
from huracan_core.data import validate_feature_frame
from huracan_core.interfaces import BaseComponent, check_is_fitted


def _target(y: Any, n_rows: int) -> np.ndarray:
    values = np.asarray(y)
    if values.shape != (n_rows,):
        raise ValueError(f"y must have one value per row of X ({n_rows}), got shape {values.shape}")
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        raise ValueError(f"y has NaN/inf at row {int(np.flatnonzero(~np.isfinite(values))[0])}")
    return values


def _last_return(X: pd.DataFrame) -> pd.Series:
    if "close" not in X.columns:
        raise DataContractError(f"X: column 'close' is required by this baseline, got columns {list(X.columns)}")
    close = X["close"].to_numpy(dtype="float64")
    if (close <= 0).any():
        row = int(np.flatnonzero(close <= 0)[0])
        raise DataContractError(f"X: column 'close' must be > 0, got {close[row]} at row {row} ({X.index[row]})")
    return pd.Series(close[1:] / close[:-1] - 1.0, index=X.index[1:])


class _JsonState(BaseComponent):
    _state: tuple[str, ...] = ()

    def save(self, path: str | Path) -> None:
        check_is_fitted(self, list(self._state))
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        state = {name: np.asarray(getattr(self, name)).tolist() for name in self._state}
        payload = {"class": type(self).__name__, "params": self.get_params(), "state": state}
        (folder / "model.json").write_text(json.dumps(payload))

    @classmethod
    def load(cls, path: str | Path) -> Any:
        payload = json.loads((Path(path) / "model.json").read_text())
        if payload.get("class") != cls.__name__:
            raise ValueError(f"{path} holds a {payload.get('class')!r}, not a {cls.__name__}")
        model = cls(**payload["params"])
        for name, value in payload["state"].items():
            setattr(model, name, np.asarray(value) if isinstance(value, list) else value)
        return model


class PersistenceReturn(_JsonState):
    """Forecast: next return = last return. Needs a ``close`` column; the first row has no forecast."""

    _state = ("n_features_in_", "feature_names_in_")

    def __init__(self) -> None:
        pass

    def fit(self, X: pd.DataFrame, y: Any) -> PersistenceReturn:
        validate_feature_frame(X, name="X")
        _target(y, len(X))
        _last_return(X)
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = [str(c) for c in X.columns]
        return self

    def predict(self, X: pd.DataFrame) -> pd.Series:
        check_is_fitted(self, "n_features_in_")
        validate_feature_frame(X, name="X")
        return _last_return(X).rename("prediction")


class MeanReturn(_JsonState):
    """Forecast: the training mean of the target, for every row."""

    _state = ("mean_", "feature_names_in_")

    def __init__(self) -> None:
        pass

    def fit(self, X: pd.DataFrame, y: Any) -> MeanReturn:
        validate_feature_frame(X, name="X")
        self.mean_ = float(np.mean(_target(y, len(X)).astype("float64")))
        self.feature_names_in_ = [str(c) for c in X.columns]
        return self

    def predict(self, X: pd.DataFrame) -> pd.Series:
        check_is_fitted(self, "mean_")
        validate_feature_frame(X, name="X", expected_columns=list(self.feature_names_in_))
        return pd.Series(self.mean_, index=X.index, name="prediction")


class PersistenceDirection(_JsonState):
    """Class 1 (up) when the last bar rose, else 0; the first row has no forecast."""

    _state = ("classes_",)

    def __init__(self) -> None:
        pass

    def fit(self, X: pd.DataFrame, y: Any) -> PersistenceDirection:
        validate_feature_frame(X, name="X")
        self.classes_ = np.unique(_target(y, len(X)))
        _last_return(X)
        return self

    def predict(self, X: pd.DataFrame) -> pd.Series:
        check_is_fitted(self, "classes_")
        validate_feature_frame(X, name="X")
        return (_last_return(X) > 0).astype("int64").rename("prediction")


class MajorityDirection(_JsonState):
    """The most frequent training class, with the training class frequencies as probabilities."""

    _state = ("classes_", "class_prior_", "feature_names_in_")

    def __init__(self) -> None:
        pass

    def fit(self, X: pd.DataFrame, y: Any) -> MajorityDirection:
        validate_feature_frame(X, name="X")
        classes, counts = np.unique(_target(y, len(X)), return_counts=True)
        self.classes_ = classes
        self.class_prior_ = counts / counts.sum()
        self.feature_names_in_ = [str(c) for c in X.columns]
        return self

    def predict_proba(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "classes_")
        validate_feature_frame(X, name="X", expected_columns=list(self.feature_names_in_))
        return pd.DataFrame(
            np.tile(self.class_prior_, (len(X), 1)), index=X.index, columns=[str(c) for c in self.classes_]
        )

    def predict(self, X: pd.DataFrame) -> pd.Series:
        self.predict_proba(X)  # validates X against the fitted columns
        return pd.Series(self.classes_[np.argmax(self.class_prior_)], index=X.index, name="prediction")
