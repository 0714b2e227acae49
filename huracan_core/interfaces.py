"""The interfaces of the five component kinds, and a small estimator base class.

Learners follow scikit-learn's estimator conventions without depending on it:
constructor arguments are stored unchanged as attributes, ``get_params`` /
``set_params`` read them from the ``__init__`` signature, fitted state lives in
attributes with a trailing underscore, and ``fit`` returns ``self``.

Inputs are pandas frames (indexed by a tz-aware UTC timestamp) or numpy arrays.
Predictions on a frame come back as a pandas object indexed by timestamp; rows
without a prediction (warm-up of windowed models) are dropped, so consumers
align by index.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from huracan_core._errors import NotFittedError

__all__ = [
    "BaseComponent",
    "DriftDetector",
    "Learner",
    "MetaLearner",
    "Preprocessor",
    "Trainer",
    "check_is_fitted",
]


class BaseComponent:
    """scikit-learn-compatible parameter handling for any component.

    Subclasses list every parameter explicitly in ``__init__`` and store it
    unchanged under the same name (no ``*args``/``**kwargs``), exactly as
    scikit-learn requires, so ``sklearn.base.clone`` works on them.
    """

    @classmethod
    def _get_param_names(cls) -> list[str]:
        init = cls.__init__
        if init is object.__init__:
            return []
        signature = inspect.signature(init)
        names = []
        for param in signature.parameters.values():
            if param.name == "self":
                continue
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}.__init__ must list its parameters explicitly, not {param}")
            names.append(param.name)
        return sorted(names)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        out = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update({f"{name}__{k}": v for k, v in value.get_params().items()})
            out[name] = value
        return out

    def set_params(self, **params: Any) -> BaseComponent:
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, sep, sub = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"invalid parameter {name!r} for {type(self).__name__}; "
                    f"valid parameters: {', '.join(self._get_param_names())}"
                )
            if sep:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({params})"


def check_is_fitted(component: object, attributes: str | list[str] | None = None) -> None:
    """Raise :class:`NotFittedError` unless ``component`` has fitted attributes (trailing ``_``)."""
    if attributes is None:
        fitted = [a for a in vars(component) if a.endswith("_") and not a.startswith("__")]
    else:
        names = [attributes] if isinstance(attributes, str) else attributes
        fitted = [a for a in names if getattr(component, a, None) is not None]
        if len(fitted) < len(names):
            fitted = []
    if not fitted:
        raise NotFittedError(
            f"this {type(component).__name__} instance is not fitted yet; call 'fit' with training data first"
        )


@runtime_checkable
class Learner(Protocol):
    """Fits features ``X`` (frame or array) to a target ``y`` and predicts.

    ``predict_proba`` exists where the learner has probabilities. ``save(path)``
    writes a directory in a format that loads without executing code;
    ``load(path)`` is a classmethod returning a fitted learner.
    """

    def fit(self, X: Any, y: Any) -> Learner: ...

    def predict(self, X: Any) -> Any: ...

    def get_params(self, deep: bool = True) -> dict[str, Any]: ...

    def set_params(self, **params: Any) -> Any: ...

    def save(self, path: str | Path) -> None: ...

    @classmethod
    def load(cls, path: str | Path) -> Learner: ...


@runtime_checkable
class Preprocessor(Protocol):
    """Learns from training data (``fit``) and turns a frame into features (``transform``).

    ``causal`` is True when ``transform``'s output at time t depends only on
    rows at or before t (and on what ``fit`` saw); the conformance kit proves it.
    ``transform`` returns a frame indexed like its input; warm-up rows are NaN.
    """

    causal: bool

    def fit(self, X: Any, y: Any = None) -> Preprocessor: ...

    def transform(self, X: Any) -> Any: ...

    def fit_transform(self, X: Any, y: Any = None) -> Any: ...


@runtime_checkable
class MetaLearner(Protocol):
    """Combines base learners' predictions (columns of a frame) into one prediction."""

    def fit(self, base_predictions: Any, y: Any) -> MetaLearner: ...

    def predict(self, base_predictions: Any) -> Any: ...


@runtime_checkable
class DriftDetector(Protocol):
    """Detects drift against a reference sample: in batch (``detect``) or streaming (``update``)."""

    def fit(self, reference: Any) -> DriftDetector: ...

    def detect(self, batch: Any) -> Any: ...

    def update(self, value: Any) -> Any: ...


@runtime_checkable
class Trainer(Protocol):
    """Trains a learner on data and returns the fitted learner."""

    def train(self, learner: Any, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None) -> Any: ...
