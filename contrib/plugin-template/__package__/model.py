"""The learner of {{dist_name}}: ridge regression in numpy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core.data import validate_feature_frame
from huracan_core.interfaces import BaseComponent, check_is_fitted


class RidgeLearner(BaseComponent):
    """Ridge regression with an unpenalised intercept; saves as JSON."""

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def fit(self, X: pd.DataFrame, y: Any) -> RidgeLearner:
        validate_feature_frame(X, name="X")
        target = np.asarray(y, dtype="float64")
        if target.shape != (len(X),) or not np.isfinite(target).all():
            raise ValueError(f"y must be {len(X)} finite values aligned with X, got shape {target.shape}")
        values = X.to_numpy(dtype="float64")
        mean, scale = values.mean(axis=0), values.std(axis=0) + 1e-12
        Z = (values - mean) / scale
        coef = np.linalg.solve(Z.T @ Z + self.alpha * np.eye(Z.shape[1]), Z.T @ (target - target.mean()))
        self.feature_names_in_ = [str(c) for c in X.columns]
        self.coef_ = coef / scale
        self.intercept_ = float(target.mean() - mean @ self.coef_)
        return self

    def predict(self, X: pd.DataFrame) -> pd.Series:
        check_is_fitted(self, "coef_")
        validate_feature_frame(X, name="X", expected_columns=self.feature_names_in_)
        return pd.Series(X.to_numpy(dtype="float64") @ self.coef_ + self.intercept_, index=X.index, name="prediction")

    def save(self, path: str | Path) -> None:
        check_is_fitted(self, "coef_")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        state = {
            "params": self.get_params(),
            "features": self.feature_names_in_,
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
        }
        (folder / "model.json").write_text(json.dumps(state))

    @classmethod
    def load(cls, path: str | Path) -> RidgeLearner:
        state = json.loads((Path(path) / "model.json").read_text())
        model = cls(**state["params"])
        model.feature_names_in_ = state["features"]
        model.coef_ = np.asarray(state["coef"], dtype="float64")
        model.intercept_ = float(state["intercept"])
        return model
