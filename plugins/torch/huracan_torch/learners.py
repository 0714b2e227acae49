"""scikit-learn-style windowed learners: 1-D CNN, LSTM, GRU and Transformer encoder.

Each learner windows its features with the core's causal windowing (window i
ends at its own timestamp), standardises features with statistics from the
training rows only, and trains through :class:`huracan_torch.trainers.TorchLocalTrainer`
(its ``fit`` *is* that trainer's loop). Predictions on a frame come back indexed
by each window's timestamp; the first ``lookback - 1`` rows have no window and
are dropped.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from huracan_core._errors import ArtifactError, DataContractError
from huracan_core.data import validate_feature_frame
from huracan_core.interfaces import BaseComponent, check_is_fitted
from huracan_core.targets import Target
from huracan_core.windowing import make_windows
from huracan_torch.data import WindowDataset
from huracan_torch.networks import build_network
from huracan_torch.persistence import check_compatible, load_state, read_json, save_state, write_json

__all__ = [
    "CNNClassifier",
    "CNNRegressor",
    "GRUClassifier",
    "GRURegressor",
    "LSTMClassifier",
    "LSTMRegressor",
    "TorchLearnerBase",
    "TransformerClassifier",
    "TransformerRegressor",
]

logger = logging.getLogger(__name__)

ARTIFACT_FORMAT = "huracan-torch-learner"


def _class_path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


class TorchLearnerBase(BaseComponent):
    """Shared fit/predict/save/load for window learners; subclasses set ``_arch`` and the task hooks.

    The ``_torch_*`` methods are the protocol the trainers use: datasets from
    raw inputs, a network builder, a per-sample loss, and the fitted result.
    """

    _arch: str = ""
    _task: str = "regression"
    _arch_param_names: tuple[str, ...] = ()

    # -- sklearn-style API ------------------------------------------------
    def fit(self, X: Any, y: Any = None, X_val: Any = None, y_val: Any = None) -> TorchLearnerBase:
        """Train with the ``torch_local`` loop (early stopping on ``X_val``/``y_val`` or a held-out tail)."""
        from huracan_torch.trainers import TorchLocalTrainer

        TorchLocalTrainer().train(self, X, y, X_val=X_val, y_val=y_val)
        return self

    def predict(self, X: Any) -> Any:
        raw, index = self._forward(X)
        return self._format_predictions(raw, index, X)

    # -- input handling ---------------------------------------------------
    def _check_features(self, X: Any, fitting: bool) -> tuple[np.ndarray, Any]:
        """Validate ``X`` and return (values, index); at predict time the columns must match fit."""
        if isinstance(X, pd.DataFrame):
            expected = None if fitting else getattr(self, "feature_names_in_", None)
            validate_feature_frame(X, name="X", expected_columns=expected)
            values, index = X.to_numpy(dtype=np.float64), X.index
        else:
            values = np.asarray(X, dtype=np.float64)
            if values.ndim == 1:
                values = values[:, None]
            if values.ndim != 2:
                raise DataContractError(f"X: expected 2-D (rows, features), got shape {values.shape}")
            if values.shape[0] == 0:
                raise DataContractError("X: has no rows")
            index = None
            bad = ~np.isfinite(values)
            if bad.any():
                row, col = np.argwhere(bad)[0]
                raise DataContractError(f"X: non-finite value {values[row, col]} in column {col} at row {row}")
        if not fitting and values.shape[1] != self.n_features_in_:
            raise DataContractError(
                f"X has {values.shape[1]} features, but {type(self).__name__} was fitted with {self.n_features_in_}"
            )
        if values.shape[0] < self.lookback:
            raise DataContractError(
                f"X: {values.shape[0]} rows is fewer than the lookback window of {self.lookback} rows"
            )
        return values, index

    def _scaled(self, values: np.ndarray) -> np.ndarray:
        return (values - self.x_mean_) / self.x_scale_

    def _windows(self, X: Any, fitting: bool, y: Any = None) -> tuple[np.ndarray, Any, np.ndarray | None, Any]:
        values, index = self._check_features(X, fitting)
        if fitting:
            self.n_features_in_ = int(values.shape[1])
            self.feature_names_in_ = [str(c) for c in X.columns] if isinstance(X, pd.DataFrame) else None
            self.x_mean_ = values.mean(axis=0)
            scale = values.std(axis=0)
            self.x_scale_ = np.where(scale > 1e-12, scale, 1.0)
        target, label_end = self._align_target(X, y) if y is not None else (None, None)
        scaled = self._scaled(values)
        frame: Any = scaled if index is None else pd.DataFrame(scaled, index=index)
        win = make_windows(frame, self.lookback, target, label_end=label_end, name="X")
        return win.X, (None if index is None else win.index), win.y, win.label_end

    def _align_target(self, X: Any, y: Any) -> tuple[np.ndarray, Any]:
        """Target values aligned to X's rows (NaN where missing) and per-row label_end when known."""
        label_end = None
        if isinstance(y, Target):
            label_end, y = y.label_end, y.values
        if isinstance(y, pd.DataFrame):
            if y.shape[1] != 1:
                raise DataContractError(f"y: expected one target column, got {y.shape[1]}")
            y = y.iloc[:, 0]
        self._target_dtype = np.asarray(y).dtype
        if isinstance(y, pd.Series) and isinstance(X, pd.DataFrame):
            y = y.reindex(X.index)
            if label_end is not None:
                label_end = pd.Series(label_end).reindex(X.index).to_numpy()
            return y.to_numpy(), label_end
        arr = np.asarray(y)
        if arr.ndim != 1 or arr.shape[0] != len(X):
            raise DataContractError(f"y: expected {len(X)} values aligned with X, got shape {arr.shape}")
        return arr, label_end

    # -- trainer protocol -----------------------------------------------
    def _torch_datasets(
        self, X: Any, y: Any, X_val: Any = None, y_val: Any = None
    ) -> tuple[WindowDataset, WindowDataset | None]:
        if y is None and self._task != "anomaly":
            raise ValueError(f"{type(self).__name__}.fit needs a target y")
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, name)  # refitting starts from scratch
        Xw, index, yw, label_end = self._windows(X, True, y)
        yw_enc, keep = self._fit_target(yw, Xw)
        train = WindowDataset(
            Xw[keep],
            yw_enc,
            None if index is None else index[keep],
            None if label_end is None else np.asarray(label_end)[keep],
        )
        val = None
        if X_val is not None:
            Xv, vindex, yv, _ = self._windows(X_val, False, y_val)
            yv_enc, vkeep = self._encode_target(yv, Xv)
            val = WindowDataset(Xv[vkeep], yv_enc, None if vindex is None else vindex[vkeep])
        return train, val

    def _fit_target(self, y: np.ndarray | None, Xw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError  # defined by the task mixins

    def _encode_target(self, y: np.ndarray | None, Xw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError  # defined by the task mixins

    def _n_outputs(self) -> int:
        return 1

    def _torch_arch_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._arch_param_names}

    def _torch_build_module(self) -> nn.Module:
        return build_network(
            self._arch, self.n_features_in_, self._n_outputs(), self.lookback, **self._torch_arch_params()
        )

    def _torch_signature(self) -> dict[str, Any]:
        """What a checkpoint must match to be resumed into this learner."""
        return {
            "class": _class_path(type(self)),
            "arch": self._torch_arch_params(),
            "lookback": self.lookback,
            "n_features": self.n_features_in_,
            "n_outputs": self._n_outputs(),
        }

    def _torch_loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError  # defined by the task mixins

    def _torch_finish(self, module: nn.Module, history: list[dict[str, float]], stopped_early: bool) -> None:
        self.module_ = module
        self.history_ = history
        self.stopped_early_ = stopped_early

    # -- prediction -------------------------------------------------------
    def _forward(self, X: Any) -> tuple[np.ndarray, Any]:
        check_is_fitted(self, "module_")
        Xw, index, _, _ = self._windows(X, False)
        from huracan_torch._loop import resolve_device

        device = resolve_device(self.device)
        module = self.module_.to(device).eval()
        outs = []
        with torch.no_grad():
            tensor = torch.as_tensor(Xw)
            for start in range(0, len(tensor), 1024):
                outs.append(module(tensor[start : start + 1024].to(device)).float().cpu())
        self.module_ = module.to("cpu")
        return torch.cat(outs).numpy().astype(np.float64), index

    def _format_predictions(self, raw: np.ndarray, index: Any, X: Any) -> Any:
        raise NotImplementedError  # defined by the task mixins

    # -- persistence ------------------------------------------------------
    def _fitted_meta(self) -> dict[str, Any]:
        return {
            "n_features_in_": self.n_features_in_,
            "feature_names_in_": self.feature_names_in_,
            "x_mean_": self.x_mean_.tolist(),
            "x_scale_": self.x_scale_.tolist(),
            "history_": self.history_,
            "stopped_early_": self.stopped_early_,
        }

    def _restore_meta(self, meta: dict[str, Any]) -> None:
        self.n_features_in_ = int(meta["n_features_in_"])
        self.feature_names_in_ = meta["feature_names_in_"]
        self.x_mean_ = np.asarray(meta["x_mean_"], dtype=np.float64)
        self.x_scale_ = np.asarray(meta["x_scale_"], dtype=np.float64)
        self.history_ = meta["history_"]
        self.stopped_early_ = bool(meta["stopped_early_"])

    def save(self, path: str | Path) -> None:
        """Write ``config.json`` (parameters, scalers, sha256) and ``model.safetensors``; no pickle."""
        check_is_fitted(self, "module_")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        sha = save_state(path / "model.safetensors", self.module_.state_dict())
        write_json(
            path / "config.json",
            {
                "format": ARTIFACT_FORMAT,
                "format_version": 1,
                "class": _class_path(type(self)),
                "params": self.get_params(deep=False),
                "fitted": self._fitted_meta(),
                "weights": "model.safetensors",
                "sha256": sha,
                "torch_version": torch.__version__,
            },
        )

    @classmethod
    def load(cls, path: str | Path) -> TorchLearnerBase:
        """Rebuild from ``save``'s directory; refuses another class's or architecture's weights."""
        path = Path(path)
        config = read_json(path / "config.json")
        if config.get("format") != ARTIFACT_FORMAT:
            raise ArtifactError(f"{path}: not a huracan-torch learner artifact (format {config.get('format')!r})")
        if config.get("class") != _class_path(cls):
            raise ArtifactError(
                f"{path} holds a {config.get('class')} model; load it with that class, not {_class_path(cls)}"
            )
        learner = cls(**config["params"])
        learner._restore_meta(config["fitted"])
        module = learner._torch_build_module()
        state = load_state(path / config["weights"], config.get("sha256"))
        check_compatible(module, state, f"weights in {path}")
        module.load_state_dict(state)
        learner.module_ = module.eval()
        return learner


class _Regression:
    """Regression head: standardised target, MSE loss, a ``prediction`` column."""

    _task = "regression"

    def _fit_target(self: Any, y: np.ndarray, Xw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        y = np.asarray(y, dtype=np.float64)
        keep = np.isfinite(y)
        if keep.sum() < 2:
            raise DataContractError(f"y: need at least 2 finite targets at window ends, got {int(keep.sum())}")
        self.y_mean_ = float(y[keep].mean())
        std = float(y[keep].std())
        self.y_scale_ = std if std > 1e-12 else 1.0
        return self._encode_target(y, Xw)

    def _encode_target(self: Any, y: np.ndarray, Xw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        y = np.asarray(y, dtype=np.float64)
        keep = np.isfinite(y)
        return ((y[keep] - self.y_mean_) / self.y_scale_).astype(np.float32), keep

    def _torch_loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return (out.squeeze(-1) - target) ** 2

    def _format_predictions(self: Any, raw: np.ndarray, index: Any, X: Any) -> Any:
        values = raw[:, 0] * self.y_scale_ + self.y_mean_
        if index is None:
            return values
        return pd.Series(values, index=index, name="prediction")

    def _fitted_meta(self: Any) -> dict[str, Any]:
        return {**TorchLearnerBase._fitted_meta(self), "y_mean_": self.y_mean_, "y_scale_": self.y_scale_}

    def _restore_meta(self: Any, meta: dict[str, Any]) -> None:
        TorchLearnerBase._restore_meta(self, meta)
        self.y_mean_, self.y_scale_ = float(meta["y_mean_"]), float(meta["y_scale_"])


class _Classification:
    """Classification head: cross-entropy over ``classes_``; ``predict_proba`` gives one column per class."""

    _task = "classification"

    def _fit_target(self: Any, y: np.ndarray, Xw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keep = ~pd.isna(y)
        classes = np.unique(np.asarray(y)[keep])
        original = getattr(self, "_target_dtype", None)
        if original is not None and original.kind in "biu" and classes.dtype.kind == "f":
            classes = classes.astype(original)  # reindexing to X's rows turned integer labels into floats
        if len(classes) < 2:
            raise DataContractError(f"y: classification needs at least 2 classes, got {classes.tolist()}")
        self.classes_ = classes
        return self._encode_target(y, Xw)

    def _encode_target(self: Any, y: np.ndarray, Xw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keep = ~pd.isna(y)
        values = np.asarray(y)[keep]
        if values.dtype.kind == "f" and self.classes_.dtype.kind in "biu":
            values = values.astype(self.classes_.dtype)
        codes = np.searchsorted(self.classes_, values)
        codes = np.clip(codes, 0, len(self.classes_) - 1)
        unknown = self.classes_[codes] != values
        if unknown.any():
            raise DataContractError(
                f"y: label {values[unknown][0]!r} was not seen at fit (classes {self.classes_.tolist()})"
            )
        return codes.astype(np.int64), keep

    def _n_outputs(self: Any) -> int:
        return len(self.classes_)

    def _torch_loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return nn.functional.cross_entropy(out, target, reduction="none")

    def predict_proba(self: Any, X: Any) -> Any:
        raw, index = self._forward(X)
        proba = torch.softmax(torch.as_tensor(raw), dim=1).numpy()
        if index is None:
            return proba
        return pd.DataFrame(proba, index=index, columns=[f"proba_{c}" for c in self.classes_.tolist()])

    def _format_predictions(self: Any, raw: np.ndarray, index: Any, X: Any) -> Any:
        labels = self.classes_[raw.argmax(axis=1)]
        if index is None:
            return labels
        return pd.Series(labels, index=index, name="prediction")

    def _fitted_meta(self: Any) -> dict[str, Any]:
        return {**TorchLearnerBase._fitted_meta(self), "classes_": self.classes_.tolist()}

    def _restore_meta(self: Any, meta: dict[str, Any]) -> None:
        TorchLearnerBase._restore_meta(self, meta)
        self.classes_ = np.asarray(meta["classes_"])


def _store(obj: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name != "self":
            setattr(obj, name, value)


class _CNNBase(TorchLearnerBase):
    """Dilated causal 1-D convolutions: local temporal patterns (shapes, short bursts)."""

    _arch = "cnn"
    _arch_param_names = ("channels", "n_layers", "kernel_size", "dropout")

    def __init__(
        self,
        lookback: int = 32,
        channels: int = 32,
        n_layers: int = 3,
        kernel_size: int = 3,
        dropout: float = 0.1,
        epochs: int = 30,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        weight_decay: float = 0.0,
        early_stopping_patience: int | None = 5,
        validation_fraction: float = 0.15,
        scheduler: str = "none",
        grad_clip: float | None = 1.0,
        device: str = "auto",
        mixed_precision: bool = True,
        progress: bool | None = None,
        random_state: int | None = 0,
    ) -> None:
        _store(self, locals())


class _RecurrentBase(TorchLearnerBase):
    _arch_param_names = ("hidden_size", "n_layers", "dropout")

    def __init__(
        self,
        lookback: int = 32,
        hidden_size: int = 32,
        n_layers: int = 1,
        dropout: float = 0.0,
        epochs: int = 30,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        weight_decay: float = 0.0,
        early_stopping_patience: int | None = 5,
        validation_fraction: float = 0.15,
        scheduler: str = "none",
        grad_clip: float | None = 1.0,
        device: str = "auto",
        mixed_precision: bool = True,
        progress: bool | None = None,
        random_state: int | None = 0,
    ) -> None:
        _store(self, locals())


class _TransformerBase(TorchLearnerBase):
    """Transformer encoder with sinusoidal positions and a causal attention mask."""

    _arch = "transformer"
    _arch_param_names = ("d_model", "n_heads", "n_layers", "dim_feedforward", "dropout")

    def __init__(
        self,
        lookback: int = 32,
        d_model: int = 32,
        n_heads: int = 4,
        n_layers: int = 2,
        dim_feedforward: int = 64,
        dropout: float = 0.1,
        epochs: int = 30,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        weight_decay: float = 0.0,
        early_stopping_patience: int | None = 5,
        validation_fraction: float = 0.15,
        scheduler: str = "none",
        grad_clip: float | None = 1.0,
        device: str = "auto",
        mixed_precision: bool = True,
        progress: bool | None = None,
        random_state: int | None = 0,
    ) -> None:
        _store(self, locals())


class CNNRegressor(_Regression, _CNNBase):
    """1-D causal CNN regressor on lookback windows."""


class CNNClassifier(_Classification, _CNNBase):
    """1-D causal CNN classifier on lookback windows."""


class LSTMRegressor(_Regression, _RecurrentBase):
    """LSTM regressor on lookback windows."""

    _arch = "lstm"


class LSTMClassifier(_Classification, _RecurrentBase):
    """LSTM classifier on lookback windows."""

    _arch = "lstm"


class GRURegressor(_Regression, _RecurrentBase):
    """GRU regressor on lookback windows."""

    _arch = "gru"


class GRUClassifier(_Classification, _RecurrentBase):
    """GRU classifier on lookback windows."""

    _arch = "gru"


class TransformerRegressor(_Regression, _TransformerBase):
    """Causal Transformer-encoder regressor on lookback windows."""


class TransformerClassifier(_Classification, _TransformerBase):
    """Causal Transformer-encoder classifier on lookback windows."""
