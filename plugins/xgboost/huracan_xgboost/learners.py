"""XGBoost classifier and regressor behind Huracan's learner contract.

Why the native API (``xgboost.train`` on a ``DMatrix``) instead of
``XGBClassifier``: the wrapper needs exact control of the missing-value policy,
of early stopping on the validation fold the trainer passes, of the device, and
of the saved artifact (the booster's own UBJ file plus a JSON config).

Missing values: **NaN is treated as missing** (XGBoost learns a default
direction for it at every split); **inf is an error**, named by column and row.
Model info declares the capability ``missing_values``.

Device: ``device="auto"`` (default) trains on ``cuda`` when the installed
xgboost was built with CUDA *and* a GPU is visible, else on ``cpu``; the
choice is recorded in ``device_``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import importlib
import json
import logging
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from huracan_core import ArtifactError, DataContractError
from huracan_core import NotFittedError as HuracanNotFittedError

__all__ = ["IMPORTANCE_TYPES", "NotFittedError", "XGBoostClassifier", "XGBoostRegressor", "cuda_available"]

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
CONFIG_FILE = "config.json"
MODEL_FILE = "model.ubj"
IMPORTANCE_TYPES = ("gain", "weight", "cover", "total_gain", "total_cover")


class NotFittedError(HuracanNotFittedError, SklearnNotFittedError):
    """Used before ``fit``: both Huracan's and scikit-learn's ``NotFittedError``."""


def cuda_available() -> bool:
    """True when the installed xgboost has CUDA support and the CUDA driver sees a device.

    ``xgboost-cpu`` has no CUDA, so this is False there without touching the driver.
    """
    import xgboost as xgb

    if not xgb.build_info().get("USE_CUDA", False):
        return False
    name = ctypes.util.find_library("cuda") or "libcuda.so.1"
    try:
        driver = ctypes.CDLL(name)
        count = ctypes.c_int(0)
        return driver.cuInit(0) == 0 and driver.cuDeviceGetCount(ctypes.byref(count)) == 0 and count.value > 0
    except (OSError, AttributeError):
        return False


def _resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if cuda_available() else "cpu"
    if device == "cpu":
        return device
    if isinstance(device, str) and (device == "cuda" or device.startswith("cuda:")):
        if not cuda_available():
            raise ValueError(
                f"device={device!r} but no usable GPU: the installed xgboost has no CUDA support or no GPU is "
                "visible. GPU users install the full build with 'pip install huracan-xgboost[gpu]'; "
                "use device='auto' to fall back to the CPU"
            )
        return device
    raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}")


def _check_frame(X: pd.DataFrame, name: str) -> None:
    """NaN is allowed (missing); name the column and row of non-numeric or infinite values."""
    for column in X.columns:
        dtype = X[column].dtype
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            raise DataContractError(f"{name}: column {column!r} must be numeric, got dtype {dtype}")
        if pd.api.types.is_complex_dtype(dtype):
            continue  # scikit-learn's complex-data error
        values = X[column].to_numpy(dtype="float64", na_value=np.nan)
        inf = np.isinf(values)
        if inf.any():
            row = int(np.flatnonzero(inf)[0])
            raise DataContractError(
                f"{name}: column {column!r} has inf at row {row} ({X.index[row]}); XGBoost treats NaN as "
                "missing but infinite values are an error"
            )


def _explained(X: Any, name: str, validate: Any) -> Any:
    """Run scikit-learn's validation (one float32 conversion); on failure, name the column and row."""
    try:
        return validate()
    except ValueError:
        if isinstance(X, pd.DataFrame):
            _check_frame(X, name)  # raises the precise DataContractError when it can
        raise


def _check_not_empty(X: Any, name: str) -> None:
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) >= 1 and shape[0] == 0:
        raise DataContractError(f"{name}: has no rows (0 samples); at least 1 is required")


class _XGBoostLearner(BaseEstimator):
    """Shared fit/predict/save logic; see :class:`XGBoostClassifier` and :class:`XGBoostRegressor`."""

    _objective: ClassVar[str]

    def __init__(
        self,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        max_depth: int = 4,
        min_child_weight: float = 1.0,
        subsample: float = 1.0,
        colsample_bytree: float = 1.0,
        reg_lambda: float = 1.0,
        reg_alpha: float = 0.0,
        gamma: float = 0.0,
        max_bin: int = 256,
        early_stopping_rounds: int | None = 20,
        device: str = "auto",
        n_jobs: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.min_child_weight = min_child_weight
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.reg_alpha = reg_alpha
        self.gamma = gamma
        self.max_bin = max_bin
        self.early_stopping_rounds = early_stopping_rounds
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    # -- input handling ----------------------------------------------------
    def _validate_X(self, X: Any, *, name: str) -> np.ndarray:
        _check_not_empty(X, name)
        return _explained(
            X, name, lambda: validate_data(self, X, reset=False, dtype=np.float32, ensure_all_finite="allow-nan")
        )

    def _encode_y(self, y: np.ndarray) -> np.ndarray:
        return y.astype(np.float32)

    def _objective_params(self) -> dict[str, Any]:
        return {"objective": self._objective}

    def _booster_params(self) -> dict[str, Any]:
        params = {
            **self._objective_params(),
            "eta": self.learning_rate,
            "max_depth": self.max_depth,
            "min_child_weight": self.min_child_weight,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "lambda": self.reg_lambda,
            "alpha": self.reg_alpha,
            "gamma": self.gamma,
            "max_bin": self.max_bin,
            "tree_method": "hist",
            "device": self.device_,
            "seed": self.random_state,
            "verbosity": 0,
        }
        if self.n_jobs is not None:
            params["nthread"] = self.n_jobs
        return params

    def _dmatrix(self, X: np.ndarray, label: np.ndarray | None = None) -> Any:
        import xgboost as xgb

        names = [f"f{i}" for i in range(X.shape[1])]  # our own names: xgboost rejects '[', ']', '<'
        return xgb.DMatrix(X, label=label, missing=np.nan, feature_names=names, nthread=self.n_jobs or -1)

    # -- the learner contract ---------------------------------------------
    def fit(self, X: Any, y: Any, X_val: Any = None, y_val: Any = None) -> _XGBoostLearner:
        """Fit on ``X``/``y``; with ``X_val``/``y_val``, stop early when the validation loss stops improving.

        The ``local`` trainer passes the validation fold as ``X_val``/``y_val``.
        """
        import xgboost as xgb

        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        if (X_val is None) != (y_val is None):
            raise ValueError("pass both X_val and y_val (the validation fold for early stopping), or neither")
        _check_not_empty(X, "X")
        if isinstance(X, pd.DataFrame) and isinstance(y, pd.Series | pd.DataFrame) and not y.index.equals(X.index):
            raise DataContractError("y: index does not match X's index (align them first, e.g. y.reindex(X.index))")
        is_classifier = self.__sklearn_tags__().estimator_type == "classifier"
        X_arr, y_arr = _explained(
            X,
            "X",
            lambda: validate_data(
                self, X, y, reset=True, dtype=np.float32, ensure_all_finite="allow-nan", y_numeric=not is_classifier
            ),
        )
        if is_classifier:
            check_classification_targets(y_arr)
        self.device_ = _resolve_device(self.device)
        label = self._encode_y(y_arr, fitting=True) if is_classifier else self._encode_y(y_arr)
        dtrain = self._dmatrix(X_arr, label)
        evals: list[tuple[Any, str]] = []
        stopping = None
        if X_val is not None:
            X_val_arr = self._validate_X(X_val, name="X_val")
            y_val_arr = np.asarray(y_val)
            if len(y_val_arr) != len(X_val_arr):
                raise ValueError(f"X_val has {len(X_val_arr)} rows but y_val has {len(y_val_arr)}")
            evals = [(self._dmatrix(X_val_arr, self._encode_y(y_val_arr)), "validation")]
            stopping = self.early_stopping_rounds
        booster = xgb.train(
            self._booster_params(),
            dtrain,
            num_boost_round=self.n_estimators,
            evals=evals,
            early_stopping_rounds=stopping,
            verbose_eval=False,
        )
        self.booster_ = booster
        self.best_iteration_ = int(booster.best_iteration) if stopping else int(booster.num_boosted_rounds()) - 1
        logger.debug("%s: %d rounds on %s", type(self).__name__, self.best_iteration_ + 1, self.device_)
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "booster_")

    def _check_fitted(self) -> None:
        if not hasattr(self, "booster_"):
            raise NotFittedError(
                f"this {type(self).__name__} instance is not fitted yet; call 'fit' with training data first"
            )

    def _raw_predict(self, X: Any) -> np.ndarray:
        self._check_fitted()
        X_arr = self._validate_X(X, name="X (predict)")
        return self.booster_.predict(self._dmatrix(X_arr), iteration_range=(0, self.best_iteration_ + 1))

    @staticmethod
    def _wrap(values: np.ndarray, X: Any, columns: Any = None) -> Any:
        if not isinstance(X, pd.DataFrame):
            return values
        if values.ndim == 1:
            return pd.Series(values, index=X.index, name="prediction")
        return pd.DataFrame(values, index=X.index, columns=columns)

    def feature_importance(self, importance_type: str = "gain") -> pd.Series:
        """Importance per feature (``gain``, ``weight``, ``cover``, ``total_gain``, ``total_cover``).

        Indexed by feature name, largest first; features never used in a split get 0.
        """
        self._check_fitted()
        if importance_type not in IMPORTANCE_TYPES:
            raise ValueError(f"importance_type must be one of {IMPORTANCE_TYPES}, got {importance_type!r}")
        scores = self.booster_.get_score(importance_type=importance_type)
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            names = [f"x{i}" for i in range(self.n_features_in_)]
        values = [float(scores.get(f"f{i}", 0.0)) for i in range(self.n_features_in_)]
        return pd.Series(values, index=list(names), name=importance_type).sort_values(ascending=False, kind="stable")

    @property
    def feature_importances_(self) -> np.ndarray:
        """Gain importances normalised to sum to 1, in input-column order (scikit-learn's convention)."""
        self._check_fitted()
        scores = self.booster_.get_score(importance_type="gain")
        values = np.array([scores.get(f"f{i}", 0.0) for i in range(self.n_features_in_)], dtype="float64")
        total = values.sum()
        return values / total if total > 0 else values

    # -- persistence -------------------------------------------------------
    def _fitted_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"n_features_in_": int(self.n_features_in_), "best_iteration_": self.best_iteration_}
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            state["feature_names_in_"] = [str(n) for n in names]
        return state

    def _restore_state(self, state: dict[str, Any]) -> None:
        self.n_features_in_ = int(state["n_features_in_"])
        self.best_iteration_ = int(state["best_iteration_"])
        if "feature_names_in_" in state:
            self.feature_names_in_ = np.asarray(state["feature_names_in_"], dtype=object)

    def save(self, path: str | Path) -> None:
        """Write the booster as ``model.ubj`` (XGBoost's own format) and ``config.json`` with its sha256."""
        self._check_fitted()
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        data = bytes(self.booster_.save_raw(raw_format="ubj"))
        (folder / MODEL_FILE).write_bytes(data)
        config = {
            "format_version": FORMAT_VERSION,
            "class": f"{type(self).__module__}:{type(self).__qualname__}",
            "params": self.get_params(deep=False),
            "state": self._fitted_state(),
            "device": self.device_,
            "files": {MODEL_FILE: hashlib.sha256(data).hexdigest()},
        }
        (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2, sort_keys=True))

    @classmethod
    def load(cls, path: str | Path) -> _XGBoostLearner:
        """Load a model saved by :meth:`save` (UBJ + JSON: no code is executed); checks the sha256."""
        import xgboost as xgb

        folder = Path(path)
        file = folder / CONFIG_FILE
        if not file.is_file():
            raise ArtifactError(f"{path}: no {CONFIG_FILE}; is this a directory written by save()?")
        config = json.loads(file.read_text())
        if config.get("format_version") != FORMAT_VERSION:
            raise ArtifactError(f"{file}: format_version {config.get('format_version')!r} is not {FORMAT_VERSION}")
        name = str(config.get("class"))
        module_name, _, attr = name.partition(":")
        if module_name != "huracan_xgboost.learners" or attr not in __all__:
            raise ArtifactError(f"{file}: class {name!r} is not a huracan_xgboost learner; refusing to load it")
        model_cls = getattr(importlib.import_module(module_name), attr)
        if cls is not _XGBoostLearner and model_cls is not cls:
            raise ArtifactError(f"{file}: holds a {name!r}, not a {cls.__name__}")
        model_file = folder / MODEL_FILE
        if not model_file.is_file():
            raise ArtifactError(f"{path}: missing {MODEL_FILE}")
        data = model_file.read_bytes()
        actual = hashlib.sha256(data).hexdigest()
        if actual != config.get("files", {}).get(MODEL_FILE):
            raise ArtifactError(f"{model_file}: sha256 {actual} does not match the recorded one; the file was changed")
        model = model_cls(**config["params"])
        booster = xgb.Booster()
        booster.load_model(bytearray(data))
        model.device_ = _resolve_device("auto") if model.device == "auto" else _resolve_device(model.device)
        booster.set_param({"device": model.device_})
        model.booster_ = booster
        model._restore_state(config["state"])
        return model


class XGBoostRegressor(RegressorMixin, _XGBoostLearner):
    """Gradient-boosted trees for regression (squared error); NaN features are treated as missing."""

    _objective = "reg:squarederror"

    def predict(self, X: Any) -> Any:
        """Point predictions: a Series named ``prediction`` indexed like a frame ``X``, else an array."""
        return self._wrap(self._raw_predict(X).astype("float64"), X)

    def _objective_params(self) -> dict[str, Any]:
        return {"objective": self._objective, "eval_metric": "rmse"}


class XGBoostClassifier(ClassifierMixin, _XGBoostLearner):
    """Gradient-boosted trees for classification (logistic / softmax); NaN features are treated as missing."""

    _objective = "binary:logistic"

    def _encode_y(self, y: np.ndarray, fitting: bool = False) -> np.ndarray:
        if fitting:
            self.classes_ = np.unique(y)
            if len(self.classes_) < 2:
                raise ValueError(f"y has only one class ({self.classes_[0]!r}); a classifier needs at least 2 classes")
        codes = np.searchsorted(self.classes_, y)
        codes = np.clip(codes, 0, len(self.classes_) - 1)
        unknown = self.classes_[codes] != y
        if unknown.any():
            raise ValueError(f"y_val has labels not seen in y: {sorted(set(np.asarray(y)[unknown].tolist()))}")
        return codes.astype(np.float32)

    def _objective_params(self) -> dict[str, Any]:
        if len(self.classes_) == 2:
            return {"objective": "binary:logistic", "eval_metric": "logloss"}
        return {"objective": "multi:softprob", "num_class": len(self.classes_), "eval_metric": "mlogloss"}

    def _proba(self, X: Any) -> np.ndarray:
        raw = self._raw_predict(X).astype("float64")
        if raw.ndim == 1:
            return np.column_stack([1.0 - raw, raw])
        return raw

    def predict_proba(self, X: Any) -> Any:
        """Class probabilities: one column per entry of ``classes_``, indexed like a frame ``X``."""
        return self._wrap(self._proba(X), X, columns=list(self.classes_))

    def predict(self, X: Any) -> Any:
        """Most probable class per row: a Series named ``prediction`` indexed like a frame ``X``."""
        proba = self._proba(X)
        return self._wrap(self.classes_[proba.argmax(axis=1)], X)

    def _fitted_state(self) -> dict[str, Any]:
        state = super()._fitted_state()
        kind = self.classes_.dtype.kind
        dtype = {"i": "int64", "u": "int64", "f": "float64", "b": "bool"}.get(kind, "object")
        values = self.classes_.tolist() if dtype != "object" else [str(v) for v in self.classes_]
        state["classes_"] = {"dtype": dtype, "values": values}
        return state

    def _restore_state(self, state: dict[str, Any]) -> None:
        super()._restore_state(state)
        self.classes_ = np.asarray(state["classes_"]["values"], dtype=state["classes_"]["dtype"])
