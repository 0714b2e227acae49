"""scikit-learn-style JAX learners: MLP (tabular), LSTM, GRU and causal Transformer (windows).

Every learner standardises its features with statistics from the training
rows (and, for regression, the target), trains through
:func:`huracan_jax._loop.train` with an optax optimizer, and keeps its
parameters as a pytree of numpy arrays (``params_``). Windowed learners build
causal windows with :func:`huracan_core.windowing.make_windows`, so the
prediction at time t uses rows ``t-lookback+1 .. t`` only; the first
``lookback - 1`` rows (warm-up) get no prediction and are dropped.

``save(dir)`` writes ``params.npz`` (arrays only) and ``config.json``;
``load(dir)`` reads them back with ``allow_pickle=False``, checks the sha256
and that every array matches the architecture in the config.
"""

from __future__ import annotations

import abc
import json
import logging
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from huracan_core import ArtifactError, DataContractError, NotFittedError
from huracan_core.data import validate_feature_frame
from huracan_core.interfaces import BaseComponent, check_is_fitted
from huracan_jax import _io

__all__ = [
    "JaxGRUClassifier",
    "JaxGRURegressor",
    "JaxLSTMClassifier",
    "JaxLSTMRegressor",
    "JaxMLPClassifier",
    "JaxMLPRegressor",
    "JaxTransformerClassifier",
    "JaxTransformerRegressor",
    "load_learner",
]

logger = logging.getLogger(__name__)

FORMAT = "huracan-jax-model/1"
_PREDICT_CHUNK = 512
_APPLY: dict[Any, Any] = {}


def _positive_int(owner: object, name: str, value: object) -> None:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{type(owner).__name__}: parameter {name!r} must be a positive integer, got {value!r}")


class _JaxLearner(BaseComponent, abc.ABC):
    """Shared fit/predict/save logic; subclasses fix the architecture and the task."""

    _arch: ClassVar[str]
    _windowed: ClassVar[bool] = True
    _task: ClassVar[str]

    # -- architecture ------------------------------------------------------
    @abc.abstractmethod
    def _net_config(self) -> dict[str, Any]: ...

    def _lookback(self) -> int:
        return int(getattr(self, "lookback", 1)) if self._windowed else 1

    def _check_params(self) -> None:
        for name in ("epochs", "batch_size"):
            _positive_int(self, name, getattr(self, name))
        if self._windowed:
            _positive_int(self, "lookback", self.lookback)  # type: ignore[attr-defined]
        if not (isinstance(self.learning_rate, int | float) and self.learning_rate > 0):  # type: ignore[attr-defined]
            raise ValueError(f"{type(self).__name__}: learning_rate must be > 0, got {self.learning_rate!r}")  # type: ignore[attr-defined]
        if not 0.0 <= float(self.dropout) < 1.0:  # type: ignore[attr-defined]
            raise ValueError(f"{type(self).__name__}: dropout must be in [0, 1), got {self.dropout!r}")  # type: ignore[attr-defined]
        if self.patience is not None:  # type: ignore[attr-defined]
            _positive_int(self, "patience", self.patience)  # type: ignore[attr-defined]

    # -- input handling ----------------------------------------------------
    def _features(self, X: Any, *, fitting: bool) -> tuple[np.ndarray, Any]:
        """Validated (rows, features) float64 values and the row index (None for arrays)."""
        if isinstance(X, pd.DataFrame):
            expected = None if fitting else getattr(self, "feature_names_in_", None)
            validate_feature_frame(X, expected_columns=expected)
            values = X.to_numpy(dtype=np.float64)
            index = X.index
        else:
            values = np.asarray(X, dtype=np.float64)
            index = None
            if values.ndim != 2:
                raise DataContractError(f"X: expected a 2-D array (rows, features), got shape {values.shape}")
            if values.shape[0] == 0:
                raise DataContractError("X: has no rows")
            bad = ~np.isfinite(values)
            if bad.any():
                row, col = np.argwhere(bad)[0]
                raise DataContractError(f"X: non-finite value {values[row, col]} in column {col} at row {row}")
        if not fitting:
            check_is_fitted(self, "params_")
            if values.shape[1] != self.n_features_in_:
                raise DataContractError(
                    f"X has {values.shape[1]} features, but {type(self).__name__} was fitted with {self.n_features_in_}"
                )
        return values, index

    def _targets(self, y: Any, X: Any, n_rows: int, name: str = "y") -> np.ndarray:
        if y is None:
            raise ValueError(f"{type(self).__name__}.fit needs a target {name}")
        if isinstance(y, pd.Series) and isinstance(X, pd.DataFrame) and not y.index.equals(X.index):
            raise DataContractError(f"{name}: index differs from X's index; align the target to the features first")
        values = np.asarray(y)
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]
        if values.ndim != 1 or values.shape[0] != n_rows:
            raise DataContractError(f"{name}: expected {n_rows} values (one per row of X), got shape {values.shape}")
        if self._task == "regression":
            try:
                values = values.astype(np.float64)
            except (TypeError, ValueError):
                raise DataContractError(
                    f"{name}: a regressor needs numeric targets, got dtype {values.dtype}"
                ) from None
            bad = ~np.isfinite(values)
        else:
            bad = pd.isna(values)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            where = f"{X.index[row]}" if isinstance(X, pd.DataFrame) else f"row {row}"
            raise DataContractError(f"{name}: missing or non-finite target at {where}; drop those rows before fit")
        return values

    def _inputs(self, values: np.ndarray, index: Any, y: np.ndarray | None = None) -> tuple[np.ndarray, Any, Any]:
        """Standardised model inputs (windows or rows), their timestamps and aligned targets."""
        scaled = ((values - self.x_mean_) / self.x_std_).astype(np.float32)
        if not self._windowed:
            return scaled, index, y
        from huracan_core.windowing import make_windows

        frame: Any = scaled if index is None else pd.DataFrame(scaled, index=index)
        windows = make_windows(frame, self._lookback(), target=y, name="X")
        return windows.X, (windows.index if index is not None else None), windows.y

    # -- task hooks ------------------------------------------------------------
    @abc.abstractmethod
    def _encode(self, y: np.ndarray) -> np.ndarray: ...

    @abc.abstractmethod
    def _fit_target(self, y: np.ndarray) -> None: ...

    # -- fitting ------------------------------------------------------------------
    def fit(self, X: Any, y: Any, X_val: Any = None, y_val: Any = None) -> _JaxLearner:
        """Train on (X, y); with (X_val, y_val), early-stop on validation loss and keep the best epoch."""
        from huracan_jax._loop import RunOptions

        return self._fit(X, y, X_val, y_val, RunOptions())

    def _fit(self, X: Any, y: Any, X_val: Any, y_val: Any, run: Any) -> _JaxLearner:
        from huracan_jax import _loop
        from huracan_jax._nets import build_net

        self._check_params()
        values, index = self._features(X, fitting=True)
        targets = self._targets(y, X, values.shape[0])
        if values.shape[0] < self._lookback():
            raise DataContractError(
                f"X: {values.shape[0]} rows is fewer than the lookback window of {self._lookback()} rows"
            )
        for attr in ("params_", "classes_", "y_mean_", "y_std_", "history_"):
            self.__dict__.pop(attr, None)
        self.n_features_in_ = values.shape[1]
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = [str(c) for c in X.columns]
        else:
            self.__dict__.pop("feature_names_in_", None)
        self.x_mean_ = values.mean(axis=0)
        std = values.std(axis=0)
        self.x_std_ = np.where(std > 1e-12, std, 1.0)
        self._fit_target(targets)
        inputs, _, window_targets = self._inputs(values, index, targets)
        encoded = self._encode(window_targets)

        val_inputs = val_encoded = None
        if X_val is not None or y_val is not None:
            if X_val is None or y_val is None:
                raise ValueError("pass both X_val and y_val, or neither")
            v_values, v_index = self._val_features(X_val)
            v_targets = self._targets(y_val, X_val, v_values.shape[0], name="y_val")
            val_inputs, _, v_window_targets = self._inputs(v_values, v_index, v_targets)
            val_encoded = self._encode(v_window_targets)

        net = build_net(self._arch, self._net_config())
        result = _loop.train(
            net,
            self._loss_fn(),
            X=inputs,
            y=encoded,
            X_val=val_inputs,
            y_val=val_encoded,
            n_outputs=self._n_outputs(),
            seed=int(self.random_state),  # type: ignore[attr-defined]
            epochs=int(self.epochs),  # type: ignore[attr-defined]
            batch_size=int(self.batch_size),  # type: ignore[attr-defined]
            tx_factory=lambda total: _loop.make_optimizer(
                self.optimizer,  # type: ignore[attr-defined]
                float(self.learning_rate),  # type: ignore[attr-defined]
                self.schedule,  # type: ignore[attr-defined]
                total,
                float(self.weight_decay),  # type: ignore[attr-defined]
                None if self.grad_clip is None else float(self.grad_clip),  # type: ignore[attr-defined]
            ),
            patience=self.patience,  # type: ignore[attr-defined]
            config={"class": type(self).__name__, "params": self.get_params(deep=False)},
            run=run,
            name=type(self).__name__,
            cache_key=(
                self._arch,
                self._task,
                json.dumps(self._net_config(), sort_keys=True),
                self._n_outputs(),
                self.optimizer,  # type: ignore[attr-defined]
                float(self.learning_rate),  # type: ignore[attr-defined]
                self.schedule,  # type: ignore[attr-defined]
                float(self.weight_decay),  # type: ignore[attr-defined]
                self.grad_clip,  # type: ignore[attr-defined]
            ),
        )
        self.history_ = result.history
        self.params_ = result.params
        self._apply_cache = None
        logger.info(
            "%s: trained %d epochs on %d samples (compile %.2fs)",
            type(self).__name__,
            len(result.history["train_loss"]),
            len(inputs),
            result.history["compile_seconds"],
        )
        return self

    def _val_features(self, X_val: Any) -> tuple[np.ndarray, Any]:
        """Validation features checked against what fit is learning from (params_ is not set yet)."""
        values, index = self._features(X_val, fitting=True)
        if isinstance(X_val, pd.DataFrame) and getattr(self, "feature_names_in_", None) is not None:
            validate_feature_frame(X_val, name="X_val", expected_columns=self.feature_names_in_)
        if values.shape[1] != self.n_features_in_:
            raise DataContractError(f"X_val has {values.shape[1]} features, X has {self.n_features_in_}")
        return values, index

    # -- prediction ---------------------------------------------------------------
    def _raw_outputs(self, X: Any) -> tuple[np.ndarray, Any]:
        import jax
        import jax.numpy as jnp

        from huracan_jax._nets import build_net

        if not hasattr(self, "params_"):
            raise NotFittedError(
                f"this {type(self).__name__} instance is not fitted yet; call 'fit' with training data first"
            )
        values, index = self._features(X, fitting=False)
        inputs, out_index, _ = self._inputs(values, index)
        if getattr(self, "_apply_cache", None) is None:
            key = (self._arch, json.dumps(self._net_config(), sort_keys=True))
            if key not in _APPLY:  # one jitted forward pass per architecture, shared by every instance
                if len(_APPLY) >= 32:
                    _APPLY.pop(next(iter(_APPLY)))
                _APPLY[key] = jax.jit(build_net(self._arch, self._net_config()).apply)
            self._apply_cache = (_APPLY[key], jax.tree.map(jnp.asarray, self.params_))
        apply, params = self._apply_cache
        n = len(inputs)
        chunk = min(_PREDICT_CHUNK, max(8, 1 << (n - 1).bit_length()))  # few distinct shapes → few compiles
        padded = -(-n // chunk) * chunk
        batch = np.zeros((padded, *inputs.shape[1:]), np.float32)
        batch[:n] = inputs
        outputs = [np.asarray(apply(params, batch[i : i + chunk])) for i in range(0, padded, chunk)]
        return np.concatenate(outputs)[:n].astype(np.float64), out_index

    # -- persistence ----------------------------------------------------------------
    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        config: dict[str, Any] = {
            "n_features_in": int(self.n_features_in_),
            "feature_names_in": getattr(self, "feature_names_in_", None),
        }
        arrays = {"scaler/x_mean": self.x_mean_, "scaler/x_std": self.x_std_}
        return config, arrays

    def save(self, path: str | Path) -> None:
        """Write ``params.npz`` (arrays only) and ``config.json`` into directory ``path``."""
        check_is_fitted(self, "params_")
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        state, extra = self._state()
        arrays = {f"params/{k}": v for k, v in _io.flatten(self.params_).items()}
        arrays.update(extra)
        sha = _io.write_npz(directory / "params.npz", arrays)
        params = self.get_params(deep=False)
        history = {k: v for k, v in self.history_.items() if k != "epoch_seconds"}
        config = {
            "format": FORMAT,
            "class": type(self).__name__,
            "arch": self._arch,
            "task": self._task,
            "params": params,
            "net": self._net_config(),
            "state": state,
            "history": history,
            "sha256": sha,
        }
        _io.write_json(directory / "config.json", config)

    @classmethod
    def load(cls, path: str | Path) -> _JaxLearner:
        """Load a saved learner; no code runs, arrays are checked against the saved architecture."""
        directory = Path(path)
        config = _io.read_json(directory / "config.json")
        if config.get("format") != FORMAT:
            raise ArtifactError(f"{directory}: format {config.get('format')!r} is not {FORMAT!r}")
        name = config.get("class")
        target = _LEARNERS.get(str(name))
        if target is None:
            raise ArtifactError(f"{directory}: unknown learner class {name!r}; expected one of {sorted(_LEARNERS)}")
        if cls is not _JaxLearner and target is not cls:
            raise ArtifactError(
                f"{directory}: holds a {name} ({config.get('arch')}, {config.get('task')}); "
                f"cannot load it as {cls.__name__} ({cls._arch}, {cls._task})"
            )
        params = config["params"]
        if not isinstance(params, dict):
            raise ArtifactError(f"{directory}: 'params' in config.json must be an object, got {type(params).__name__}")
        try:
            learner = target(**params)
        except TypeError as exc:
            raise ArtifactError(f"{directory}: saved parameters do not fit {name}: {exc}") from None
        if learner._net_config() != config.get("net"):
            raise ArtifactError(
                f"{directory}: architecture in config ({config.get('net')}) differs from the parameters' "
                f"({learner._net_config()})"
            )
        arrays = _io.read_npz(directory / "params.npz", config.get("sha256"))
        learner._restore(config, arrays, directory)
        return learner

    def _restore(self, config: dict[str, Any], arrays: dict[str, np.ndarray], where: Path) -> None:
        import jax

        from huracan_jax._loop import _check_same_structure
        from huracan_jax._nets import build_net

        state = config.get("state", {})
        self.n_features_in_ = int(state["n_features_in"])
        if state.get("feature_names_in") is not None:
            self.feature_names_in_ = list(state["feature_names_in"])
        self.x_mean_ = arrays["scaler/x_mean"].astype(np.float64)
        self.x_std_ = arrays["scaler/x_std"].astype(np.float64)
        self._restore_target(state, arrays)
        params = _io.unflatten({k[len("params/") :]: v for k, v in arrays.items() if k.startswith("params/")})
        net = build_net(self._arch, self._net_config())
        expected = jax.eval_shape(lambda: net.init(jax.random.key(0), self.n_features_in_, self._n_outputs()))
        _check_same_structure(jax.tree.map(lambda s: np.zeros(s.shape, s.dtype), expected), params, where)
        self.params_ = params
        self.history_ = dict(config.get("history", {}))
        self._apply_cache = None

    @abc.abstractmethod
    def _restore_target(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None: ...


class _Regressor(_JaxLearner):
    _task = "regression"

    def _fit_target(self, y: np.ndarray) -> None:
        self.y_mean_ = float(y.mean())
        std = float(y.std())
        self.y_std_ = std if std > 1e-12 else 1.0

    def _encode(self, y: np.ndarray) -> np.ndarray:
        return ((y - self.y_mean_) / self.y_std_).astype(np.float32)

    def _n_outputs(self) -> int:
        return 1

    def _loss_fn(self) -> Any:
        def mse(outputs: Any, targets: Any) -> Any:
            return (outputs[:, 0] - targets) ** 2

        return mse

    def predict(self, X: Any) -> Any:
        """Point predictions in target units; a Series indexed by (window) timestamp for frames."""
        raw, index = self._raw_outputs(X)
        values = raw[:, 0] * self.y_std_ + self.y_mean_
        if index is None:
            return values
        return pd.Series(values, index=index, name="prediction")

    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        config, arrays = super()._state()
        config.update(y_mean=self.y_mean_, y_std=self.y_std_)
        return config, arrays

    def _restore_target(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.y_mean_ = float(state["y_mean"])
        self.y_std_ = float(state["y_std"])


class _Classifier(_JaxLearner):
    _task = "classification"

    def _fit_target(self, y: np.ndarray) -> None:
        classes = np.unique(y)
        if len(classes) < 2:
            raise DataContractError(f"y: a classifier needs at least 2 classes, got {classes.tolist()}")
        self.classes_ = classes

    def _encode(self, y: np.ndarray) -> np.ndarray:
        codes = np.searchsorted(self.classes_, y)
        codes = np.clip(codes, 0, len(self.classes_) - 1)
        unknown = self.classes_[codes] != y
        if unknown.any():
            raise DataContractError(
                f"y_val: label {y[unknown][0]!r} was not seen in y; classes are {self.classes_.tolist()}"
            )
        return codes.astype(np.int32)

    def _n_outputs(self) -> int:
        return len(self.classes_)

    def _loss_fn(self) -> Any:
        import optax

        def cross_entropy(outputs: Any, targets: Any) -> Any:
            return optax.softmax_cross_entropy_with_integer_labels(outputs, targets)

        return cross_entropy

    def predict_proba(self, X: Any) -> Any:
        """Class probabilities; a frame with one column per class (``classes_``) for frame input."""
        raw, index = self._raw_outputs(X)
        shifted = raw - raw.max(axis=1, keepdims=True)
        proba = np.exp(shifted)
        proba /= proba.sum(axis=1, keepdims=True)
        if index is None:
            return proba
        return pd.DataFrame(proba, index=index, columns=[str(c) for c in self.classes_])

    def predict(self, X: Any) -> Any:
        """The most probable class label; a Series indexed by (window) timestamp for frames."""
        raw, index = self._raw_outputs(X)
        labels = self.classes_[np.argmax(raw, axis=1)]
        if index is None:
            return labels
        return pd.Series(labels, index=index, name="prediction")

    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        config, arrays = super()._state()
        config["classes"] = self.classes_.tolist()
        return config, arrays

    def _restore_target(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.classes_ = np.asarray(state["classes"])


# -- architectures -------------------------------------------------------------------
class _MLP(_JaxLearner):
    """Multi-layer perceptron on tabular rows (one prediction per row, no warm-up).

    ``num_layers`` hidden layers of ``hidden_size`` units each.
    """

    _arch = "mlp"
    _windowed = False

    def __init__(
        self,
        hidden_size: int = 64,
        num_layers: int = 2,
        activation: str = "relu",
        dropout: float = 0.0,
        epochs: int = 20,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        optimizer: str = "adamw",
        schedule: str = "constant",
        weight_decay: float = 1e-4,
        grad_clip: float | None = 1.0,
        patience: int | None = 5,
        random_state: int = 0,
    ) -> None:
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.activation = activation
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.schedule = schedule
        self.weight_decay = weight_decay
        self.grad_clip = grad_clip
        self.patience = patience
        self.random_state = random_state

    def _net_config(self) -> dict[str, Any]:
        if self.activation not in ("relu", "tanh", "gelu"):
            raise ValueError(
                f"{type(self).__name__}: activation must be 'relu', 'tanh' or 'gelu', got {self.activation!r}"
            )
        _positive_int(self, "hidden_size", self.hidden_size)
        _positive_int(self, "num_layers", self.num_layers)
        return {
            "hidden_sizes": [int(self.hidden_size)] * int(self.num_layers),
            "activation": self.activation,
            "dropout": float(self.dropout),
        }


class _Recurrent(_JaxLearner):
    """Recurrent network over causal windows, unrolled with ``jax.lax.scan``."""

    def __init__(
        self,
        lookback: int = 32,
        hidden_size: int = 32,
        num_layers: int = 1,
        dropout: float = 0.0,
        epochs: int = 20,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        optimizer: str = "adamw",
        schedule: str = "constant",
        weight_decay: float = 1e-4,
        grad_clip: float | None = 1.0,
        patience: int | None = 5,
        random_state: int = 0,
    ) -> None:
        self.lookback = lookback
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.schedule = schedule
        self.weight_decay = weight_decay
        self.grad_clip = grad_clip
        self.patience = patience
        self.random_state = random_state

    def _net_config(self) -> dict[str, Any]:
        _positive_int(self, "hidden_size", self.hidden_size)
        _positive_int(self, "num_layers", self.num_layers)
        return {
            "hidden_size": int(self.hidden_size),
            "num_layers": int(self.num_layers),
            "dropout": float(self.dropout),
        }


class _Transformer(_JaxLearner):
    """Pre-norm Transformer encoder with a causal attention mask over causal windows."""

    _arch = "transformer"

    def __init__(
        self,
        lookback: int = 32,
        d_model: int = 32,
        n_heads: int = 4,
        n_layers: int = 2,
        ff_size: int = 64,
        dropout: float = 0.0,
        epochs: int = 20,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        optimizer: str = "adamw",
        schedule: str = "warmup_cosine",
        weight_decay: float = 1e-4,
        grad_clip: float | None = 1.0,
        patience: int | None = 5,
        random_state: int = 0,
    ) -> None:
        self.lookback = lookback
        self.d_model = d_model
        self.n_heads = n_heads
        self.n_layers = n_layers
        self.ff_size = ff_size
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.schedule = schedule
        self.weight_decay = weight_decay
        self.grad_clip = grad_clip
        self.patience = patience
        self.random_state = random_state

    def _net_config(self) -> dict[str, Any]:
        for name in ("d_model", "n_heads", "n_layers", "ff_size"):
            _positive_int(self, name, getattr(self, name))
        if self.d_model % self.n_heads:
            raise ValueError(
                f"{type(self).__name__}: d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})"
            )
        return {
            "d_model": int(self.d_model),
            "n_heads": int(self.n_heads),
            "n_layers": int(self.n_layers),
            "ff_size": int(self.ff_size),
            "dropout": float(self.dropout),
        }


class JaxMLPRegressor(_Regressor, _MLP):
    """MLP regression on tabular features (JAX, optax)."""


class JaxMLPClassifier(_Classifier, _MLP):
    """MLP classification on tabular features (JAX, optax)."""


class JaxLSTMRegressor(_Regressor, _Recurrent):
    """LSTM regression on causal lookback windows."""

    _arch = "lstm"


class JaxLSTMClassifier(_Classifier, _Recurrent):
    """LSTM classification on causal lookback windows."""

    _arch = "lstm"


class JaxGRURegressor(_Regressor, _Recurrent):
    """GRU regression on causal lookback windows."""

    _arch = "gru"


class JaxGRUClassifier(_Classifier, _Recurrent):
    """GRU classification on causal lookback windows."""

    _arch = "gru"


class JaxTransformerRegressor(_Regressor, _Transformer):
    """Causal Transformer-encoder regression on lookback windows."""


class JaxTransformerClassifier(_Classifier, _Transformer):
    """Causal Transformer-encoder classification on lookback windows."""


_LEARNERS: dict[str, type[_JaxLearner]] = {
    cls.__name__: cls
    for cls in (
        JaxMLPRegressor,
        JaxMLPClassifier,
        JaxLSTMRegressor,
        JaxLSTMClassifier,
        JaxGRURegressor,
        JaxGRUClassifier,
        JaxTransformerRegressor,
        JaxTransformerClassifier,
    )
}


def load_learner(path: str | Path) -> _JaxLearner:
    """Load any huracan-jax learner saved with ``save`` (the class is read from its config)."""
    return _JaxLearner.load(path)
