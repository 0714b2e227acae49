"""Small, fast test components for the Mechanic's tests: a test plugin module and a feature recipe.

The learners are plain numpy (no sklearn) so the tests measure the Mechanic, not a library:

- ``tk_linear``: least squares on the features (classification: P(up) > 0.5);
- ``tk_momentum``: long when the last return column is positive (a trend follower);
- ``tk_reversal``: the opposite of ``tk_momentum`` (a mean-reversion rule);
- ``tk_majority``: always the majority class of the training rows (the "static" baseline).

They register through a ``huracan_register_learners`` hook exactly as a third-party plugin would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core import ComponentSpec, DatasetShape, ModelInfo, OutputSchema, hookimpl
from huracan_core.data import validate_feature_frame
from huracan_core.interfaces import BaseComponent, check_is_fitted


class _Saved(BaseComponent):
    _state: tuple[str, ...] = ()

    def save(self, path: str | Path) -> None:
        check_is_fitted(self)
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        state = {k: np.asarray(getattr(self, k)).tolist() for k in self._state}
        (folder / "model.json").write_text(
            json.dumps({"class": type(self).__name__, "params": self.get_params(), "state": state})
        )

    @classmethod
    def load(cls, path: str | Path) -> Any:
        data = json.loads((Path(path) / "model.json").read_text())
        if data["class"] != cls.__name__:
            raise ValueError(f"{path} holds a {data['class']}, not a {cls.__name__}")
        model = cls(**data["params"])
        for k, v in data["state"].items():
            setattr(model, k, np.asarray(v, dtype="float64"))
        return model

    def _frame(self, X: Any) -> pd.DataFrame:
        return validate_feature_frame(X)


class LinearLearner(_Saved):
    _state = ("coef_",)

    def __init__(self, task: str = "classification", alpha: float = 1.0) -> None:
        self.task = task
        self.alpha = alpha

    def fit(self, X: Any, y: Any) -> LinearLearner:
        A = np.c_[np.ones(len(X)), np.asarray(self._frame(X), dtype="float64")]
        t = np.asarray(y, dtype="float64")
        self.coef_ = np.linalg.solve(A.T @ A + self.alpha * np.eye(A.shape[1]), A.T @ t)
        return self

    def predict(self, X: Any) -> pd.Series:
        check_is_fitted(self)
        frame = self._frame(X)
        raw = np.c_[np.ones(len(frame)), frame.to_numpy(dtype="float64")] @ self.coef_
        values = (raw > 0.5).astype("int64") if self.task == "classification" else raw
        return pd.Series(values, index=frame.index, name="prediction")


class MomentumLearner(_Saved):
    """Trades the sign of the last feature column (lagged return): trend following."""

    _state = ("sign_",)
    direction = 1.0

    def __init__(self, column: int = 0) -> None:
        self.column = column

    def fit(self, X: Any, y: Any) -> MomentumLearner:
        self._frame(X)
        self.sign_ = np.asarray(self.direction)
        return self

    def predict(self, X: Any) -> pd.Series:
        check_is_fitted(self)
        frame = self._frame(X)
        x = frame.iloc[:, self.column].to_numpy(dtype="float64") * float(self.sign_)
        return pd.Series((x > 0).astype("int64"), index=frame.index, name="prediction")


class ReversalLearner(MomentumLearner):
    direction = -1.0


class MajorityLearner(_Saved):
    _state = ("label_",)

    def __init__(self) -> None:
        pass

    def fit(self, X: Any, y: Any) -> MajorityLearner:
        self._frame(X)
        self.label_ = np.asarray(float(np.mean(np.asarray(y)) >= 0.5))
        return self

    def predict(self, X: Any) -> pd.Series:
        check_is_fitted(self)
        frame = self._frame(X)
        return pd.Series(np.full(len(frame), int(self.label_)), index=frame.index, name="prediction")


def _info(
    purpose: str, regimes: tuple[str, ...] = ("any",), task: str = "classification", max_rows: int | None = None
) -> ModelInfo:
    return ModelInfo(
        purpose=purpose,
        ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=30, max_rows=max_rows),
        feature_requirements=("any",),
        output_schema=OutputSchema(kind="direction", columns=("prediction",), dtype="int64"),
        market_regimes=regimes,
        task=task,
        backend="numpy",
        capabilities=("causal",),
    )


@hookimpl
def huracan_register_learners(register: Any) -> None:
    register(
        ComponentSpec(
            name="tk_linear",
            kind="learner",
            factory="mechanic_testkit:LinearLearner",
            info=_info("Ridge least squares on the features."),
        )
    )
    register(
        ComponentSpec(
            name="tk_linear_regressor",
            kind="learner",
            factory="mechanic_testkit:LinearLearner",
            info=_info("Ridge least squares for returns.", task="regression"),
        )
    )
    register(
        ComponentSpec(
            name="tk_momentum",
            kind="learner",
            factory="mechanic_testkit:MomentumLearner",
            info=_info("Trend following on the last return.", ("trending_up", "trending_down")),
        )
    )
    register(
        ComponentSpec(
            name="tk_reversal",
            kind="learner",
            factory="mechanic_testkit:ReversalLearner",
            info=_info("Mean reversion on the last return.", ("ranging", "volatile")),
        )
    )
    register(
        ComponentSpec(
            name="tk_majority",
            kind="learner",
            factory="mechanic_testkit:MajorityLearner",
            info=_info("Always the majority class."),
        )
    )
    register(
        ComponentSpec(
            name="tk_needs_volume",
            kind="learner",
            factory="mechanic_testkit:MajorityLearner",
            info=ModelInfo(
                purpose="Needs volume features the test recipe does not provide.",
                ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=30),
                feature_requirements=("volume",),
                output_schema=OutputSchema(kind="direction"),
                market_regimes=("any",),
                task="classification",
            ),
        )
    )


class ReturnsRecipe:
    """A tiny causal feature recipe (the shape of ``huracan_core.recipe.Recipe``): lagged log returns."""

    provides = ("returns",)

    def __init__(self, lags: int = 3) -> None:
        self.lags = lags

    def fit(self, frame: pd.DataFrame, y: Any = None) -> ReturnsRecipe:
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        ret = np.log(frame["close"]).diff()
        return pd.DataFrame({f"ret_lag{k}": ret.shift(k) for k in range(self.lags)}, index=frame.index)

    def to_dict(self) -> dict[str, Any]:
        return {"steps": [{"name": "test_returns", "params": {"lags": self.lags}}]}


def regime_market(n_bars: int = 1500, seed: int = 0, phi: float = 0.35, block: int = 100) -> pd.DataFrame:
    """Blocks of persistent (momentum) and anti-persistent (reversal) returns, with the true regime per bar.

    Trending blocks: AR(1) returns with +phi and a drift; ranging blocks: AR(1) with -phi.
    """
    rng = np.random.default_rng(seed)
    regimes = np.empty(n_bars, dtype=object)
    ret = np.zeros(n_bars)
    for start in range(0, n_bars, block):
        kind = ("trending_up", "ranging")[(start // block) % 2]
        regimes[start : start + block] = kind
    for t in range(1, n_bars):
        coef = phi if regimes[t] == "trending_up" else -phi
        drift = 0.0004 if regimes[t] == "trending_up" else 0.0
        ret[t] = drift + coef * ret[t - 1] + rng.normal(0, 0.01)
    close = 100 * np.exp(np.cumsum(ret))
    open_ = np.r_[100.0, close[:-1]]
    index = pd.date_range("2015-01-01", periods=n_bars, freq="1D", tz="UTC", name="timestamp")
    return pd.DataFrame(
        {
            "open": open_,
            "high": np.maximum(open_, close) * 1.001,
            "low": np.minimum(open_, close) * 0.999,
            "close": close,
            "volume": np.full(n_bars, 1e6),
            "regime": regimes,
        },
        index=index,
    )


TK_LEARNERS = ["tk_linear", "tk_momentum", "tk_reversal", "tk_majority"]


def tk_config(**sections: Any) -> Any:
    """A small, fast run configuration over the test learners, with the returns recipe."""
    from dataclasses import replace

    from huracan_core.mechanic.config import load_config

    base: dict[str, Any] = {
        "regimes": {"detector": "column"},
        "candidates": {"include": TK_LEARNERS, "max_candidates": None},
        "validation": {"n_splits": 4, "metric": "sharpe", "holdout": 0.2},
        "costs": {"bps": 0.0},
        "stats": {"n_boot": 300},
    }
    base.update(sections)
    return replace(load_config(base), recipe=ReturnsRecipe())
