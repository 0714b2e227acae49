"""The shared wrapper: one scikit-learn estimator behind Huracan's learner contract.

Why a wrapper rather than the bare estimator: Huracan learners take pandas
frames indexed by timestamp and must give predictions back indexed the same
way, name the column and row of bad values, check feature names at predict
time, and save to a directory that loads without executing code. The wrapped
estimator only ever sees float64 numpy arrays.

Every wrapper's constructor parameters are passed unchanged to the wrapped
estimator (``_estimator_class``), so ``get_params`` / ``clone`` / search spaces
use scikit-learn's own parameter names.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from huracan_core import ArtifactError, DataContractError
from huracan_core import NotFittedError as HuracanNotFittedError

__all__ = ["FORMAT_VERSION", "TRUSTED_TYPES", "NotFittedError", "SklearnLearner", "check_frame_values"]

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
"""Version of the on-disk layout written by :meth:`SklearnLearner.save`."""

CONFIG_FILE = "config.json"
MODEL_FILE = "model.skops"

TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.tree._tree.Tree",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.metrics._dist_metrics.ManhattanDistance64",
    "sklearn.metrics._dist_metrics.MinkowskiDistance64",
    "sklearn.metrics._dist_metrics.ChebyshevDistance64",
)
"""Types beyond skops' own defaults that a Huracan artifact may contain.

skops refuses any type it does not trust; these are the Cython state holders of
trees and neighbour indices, which skops reconstructs from arrays (no code runs).
Anything else in an artifact is rejected with :class:`ArtifactError`.
"""


class NotFittedError(HuracanNotFittedError, SklearnNotFittedError):
    """Used before ``fit``: both Huracan's and scikit-learn's ``NotFittedError``, so either ``except`` works."""


def _row_label(index: pd.Index, position: int) -> str:
    return f"row {position} ({index[position]})"


def check_frame_values(X: pd.DataFrame, *, name: str = "X", allow_nan: bool = False) -> None:
    """Raise naming the column and first row of a non-numeric, NaN or infinite value.

    scikit-learn's own message says only "Input X contains NaN"; on a frame of
    many features the column and timestamp are what a user needs.
    """
    for column in X.columns:
        series = X[column]
        dtype = series.dtype
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            raise DataContractError(f"{name}: column {column!r} must be numeric, got dtype {dtype}")
        if pd.api.types.is_complex_dtype(dtype):
            continue  # left to scikit-learn's complex-data error
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        nan = np.isnan(values)
        if nan.any() and not allow_nan:
            raise DataContractError(
                f"{name}: column {column!r} has NaN at {_row_label(X.index, int(np.flatnonzero(nan)[0]))}; "
                "this model cannot take missing values: clean or impute them first "
                "(e.g. the 'clean' preprocessor)"
            )
        inf = np.isinf(values)
        if inf.any():
            raise DataContractError(
                f"{name}: column {column!r} has inf at {_row_label(X.index, int(np.flatnonzero(inf)[0]))}; "
                "infinite values are not allowed"
            )


def _check_not_empty(X: Any, name: str) -> None:
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) >= 1 and shape[0] == 0:
        raise DataContractError(f"{name}: has no rows (0 samples); at least 1 is required")


class SklearnLearner(BaseEstimator):
    """Base of every scikit-learn learner in this plugin (not registered itself).

    Subclasses set ``_estimator_class`` (``"module:Class"``) and list their
    parameters explicitly in ``__init__``. Classifiers also mix in
    :class:`sklearn.base.ClassifierMixin`, regressors
    :class:`sklearn.base.RegressorMixin`.
    """

    _estimator_class: ClassVar[str]
    _allow_nan: ClassVar[bool] = False

    # -- construction ------------------------------------------------------
    def _make_estimator(self) -> Any:
        """The wrapped estimator; behind a ``StandardScaler`` when ``scale_features`` is a parameter and true.

        Distance- and margin-based models (kNN, SVM, logistic regression) are
        scale-sensitive: raw market features differ in scale by orders of
        magnitude (returns ~1e-2, volume z-scores ~1), so they standardise by default.
        """
        module_name, _, attr = self._estimator_class.partition(":")
        cls = getattr(importlib.import_module(module_name), attr)
        params = self.get_params(deep=False)
        scale = params.pop("scale_features", False)
        estimator = cls(**params)
        if not scale:
            return estimator
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        return Pipeline([("scale", StandardScaler()), ("model", estimator)])

    @property
    def _is_classifier(self) -> bool:
        return self.__sklearn_tags__().estimator_type == "classifier"

    # -- input handling ----------------------------------------------------
    def _validate_X(self, X: Any, *, reset: bool) -> np.ndarray:
        name = "X" if reset else "X (predict)"
        _check_not_empty(X, name)
        if isinstance(X, pd.DataFrame):
            check_frame_values(X, name=name, allow_nan=self._allow_nan)
        ensure_all_finite: bool | str = "allow-nan" if self._allow_nan else True
        return validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite=ensure_all_finite)

    def _validate_fit(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        _check_not_empty(X, "X")
        if isinstance(X, pd.DataFrame):
            check_frame_values(X, name="X", allow_nan=self._allow_nan)
            if isinstance(y, pd.Series | pd.DataFrame) and not y.index.equals(X.index):
                raise DataContractError(
                    "y: index does not match X's index (align them first, e.g. y.reindex(X.index)); "
                    f"X has {len(X)} rows from {X.index[0]}, y has {len(y)} rows"
                )
        ensure_all_finite: bool | str = "allow-nan" if self._allow_nan else True
        X_arr, y_arr = validate_data(
            self,
            X,
            y,
            reset=True,
            dtype=np.float64,
            ensure_all_finite=ensure_all_finite,
            y_numeric=not self._is_classifier,
        )
        if self._is_classifier:
            check_classification_targets(y_arr)
        return X_arr, y_arr

    @staticmethod
    def _wrap(values: np.ndarray, X: Any, *, columns: Any = None) -> Any:
        """Return ``values`` as a pandas object indexed like ``X`` when ``X`` is a frame."""
        if not isinstance(X, pd.DataFrame):
            return values
        if values.ndim == 1:
            return pd.Series(values, index=X.index, name="prediction")
        return pd.DataFrame(values, index=X.index, columns=columns)

    # -- the learner contract ---------------------------------------------
    def fit(self, X: Any, y: Any) -> SklearnLearner:
        """Fit the wrapped estimator on ``X`` (frame or array) and ``y``."""
        X_arr, y_arr = self._validate_fit(X, y)
        estimator = self._make_estimator()
        estimator.fit(X_arr, y_arr)
        self.estimator_ = estimator
        final = estimator[-1] if hasattr(estimator, "steps") else estimator
        if hasattr(final, "n_iter_"):
            self.n_iter_ = final.n_iter_
        if self._is_classifier:
            self.classes_ = estimator.classes_
        logger.debug("fitted %s on %d rows x %d features", type(self).__name__, *X_arr.shape)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "estimator_"):
            raise NotFittedError(
                f"this {type(self).__name__} instance is not fitted yet; call 'fit' with training data first"
            )

    def predict(self, X: Any) -> Any:
        """Predictions for ``X``: a Series named ``prediction`` indexed like a frame ``X``, else an array."""
        self._check_fitted()
        X_arr = self._validate_X(X, reset=False)
        return self._wrap(self.estimator_.predict(X_arr), X)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "estimator_")

    # -- persistence -------------------------------------------------------
    def _fitted_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"n_features_in_": int(self.n_features_in_)}
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            state["feature_names_in_"] = [str(n) for n in names]
        if self._is_classifier:
            state["classes_"] = _encode_array(self.classes_)
        return state

    def _restore_state(self, state: dict[str, Any]) -> None:
        self.n_features_in_ = int(state["n_features_in_"])
        if "feature_names_in_" in state:
            self.feature_names_in_ = np.asarray(state["feature_names_in_"], dtype=object)
        if "classes_" in state:
            self.classes_ = _decode_array(state["classes_"])

    def save(self, path: str | Path) -> None:
        """Write ``config.json`` (class, params, fitted metadata, sha256) and ``model.skops``."""
        import skops.io as sio

        self._check_fitted()
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        data = sio.dumps(self.estimator_)
        (folder / MODEL_FILE).write_bytes(data)
        config = {
            "format_version": FORMAT_VERSION,
            "class": f"{type(self).__module__}:{type(self).__qualname__}",
            "params": self.get_params(deep=False),
            "state": self._fitted_state(),
            "files": {MODEL_FILE: hashlib.sha256(data).hexdigest()},
        }
        (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2, sort_keys=True, default=_json_default))

    @classmethod
    def load(cls, path: str | Path) -> SklearnLearner:
        """Load a learner saved by :meth:`save`, without executing code from the artifact."""
        config = _read_config(path)
        expected = f"{cls.__module__}:{cls.__qualname__}"
        if cls is not SklearnLearner and config.get("class") != expected:
            raise ArtifactError(f"{path} holds a {config.get('class')!r}, not a {expected!r}")
        model_cls = _resolve_class(config["class"], path)
        model = model_cls(**config["params"])
        model.estimator_ = _load_skops(Path(path), config)
        model._restore_state(config["state"])
        return model


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in config.json")


def _encode_array(values: np.ndarray) -> dict[str, Any]:
    kind = values.dtype.kind
    if kind in "iu":
        return {"dtype": "int64", "values": [int(v) for v in values]}
    if kind == "f":
        return {"dtype": "float64", "values": [float(v) for v in values]}
    if kind == "b":
        return {"dtype": "bool", "values": [bool(v) for v in values]}
    return {"dtype": "object", "values": [str(v) for v in values]}


def _decode_array(data: dict[str, Any]) -> np.ndarray:
    return np.asarray(data["values"], dtype=data["dtype"])


def _read_config(path: str | Path) -> dict[str, Any]:
    file = Path(path) / CONFIG_FILE
    if not file.is_file():
        raise ArtifactError(f"{path}: no {CONFIG_FILE}; is this a directory written by save()?")
    config = json.loads(file.read_text())
    if config.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(f"{file}: format_version {config.get('format_version')!r} is not {FORMAT_VERSION}")
    return config


def _resolve_class(name: str, path: str | Path) -> type:
    """Resolve a class name from a config, accepting only this plugin's learners."""
    module_name, _, attr = str(name).partition(":")
    if not module_name.startswith("huracan_sklearn."):
        raise ArtifactError(f"{path}: class {name!r} is not a huracan_sklearn learner; refusing to load it")
    cls = getattr(importlib.import_module(module_name), attr, None)
    if not isinstance(cls, type):
        raise ArtifactError(f"{path}: class {name!r} does not exist in this version of huracan-sklearn")
    return cls


def _verified_bytes(folder: Path, config: dict[str, Any], file_name: str) -> bytes:
    file = folder / file_name
    if not file.is_file():
        raise ArtifactError(f"{folder}: missing {file_name}")
    data = file.read_bytes()
    expected = config.get("files", {}).get(file_name)
    actual = hashlib.sha256(data).hexdigest()
    if expected != actual:
        raise ArtifactError(f"{file}: sha256 {actual} does not match the recorded {expected}; the file was changed")
    return data


def _load_skops(folder: Path, config: dict[str, Any], file_name: str = MODEL_FILE) -> Any:
    import skops.io as sio

    data = _verified_bytes(folder, config, file_name)
    untrusted = sio.get_untrusted_types(data=data)
    unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unknown:
        raise ArtifactError(f"{folder / file_name}: contains types Huracan does not trust: {', '.join(unknown)}")
    return sio.loads(data, trusted=list(untrusted))
