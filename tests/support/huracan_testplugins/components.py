"""Implementations behind the test plugin's specs: small but real."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from huracan_core.interfaces import BaseComponent, check_is_fitted
from huracan_core.testing import make_market_frame


class LogReturn(BaseComponent):
    causal = True

    def __init__(self) -> None:
        pass

    def fit(self, X: pd.DataFrame, y: Any = None) -> LogReturn:
        if len(X) == 0:
            raise ValueError("LogReturn: cannot fit on 0 rows")
        self.fitted_ = True
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"log_return": np.log(X["close"]).diff()}, index=X.index)

    def fit_transform(self, X: pd.DataFrame, y: Any = None) -> pd.DataFrame:
        return self.fit(X).transform(X)


class InverseErrorBlend(BaseComponent):
    def __init__(self) -> None:
        pass

    def fit(self, base_predictions: pd.DataFrame, y: Any) -> InverseErrorBlend:
        errors = ((base_predictions.sub(np.asarray(y), axis=0)) ** 2).mean()
        weights = 1.0 / errors.to_numpy()
        self.weights_ = weights / weights.sum()
        return self

    def predict(self, base_predictions: pd.DataFrame) -> pd.Series:
        check_is_fitted(self, "weights_")
        return pd.Series(base_predictions.to_numpy() @ self.weights_, index=base_predictions.index)


class DriftResult:
    def __init__(self, drift: bool, statistic: float) -> None:
        self.drift = drift
        self.statistic = statistic


class MeanShiftDetector(BaseComponent):
    def __init__(self, z_threshold: float = 4.0, cusum_threshold: float = 8.0) -> None:
        self.z_threshold = z_threshold
        self.cusum_threshold = cusum_threshold

    def fit(self, reference: Any, y: Any = None) -> MeanShiftDetector:
        values = np.asarray(reference, dtype="float64").ravel()
        self.mean_, self.std_ = float(values.mean()), float(values.std(ddof=1))
        self.cusum_ = 0.0
        return self

    def detect(self, batch: Any) -> DriftResult:
        values = np.asarray(batch, dtype="float64").ravel()
        z = (values.mean() - self.mean_) / (self.std_ / np.sqrt(len(values)))
        return DriftResult(bool(abs(z) > self.z_threshold), float(z))

    def update(self, value: float) -> DriftResult:
        self.cusum_ = max(0.0, self.cusum_ + abs((value - self.mean_) / self.std_) - 1.0)
        return DriftResult(self.cusum_ > self.cusum_threshold, self.cusum_)


class CountingTrainer(BaseComponent):
    calls = 0

    def __init__(self) -> None:
        pass

    def train(self, learner: Any, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None) -> Any:
        CountingTrainer.calls += 1
        return learner.fit(X, y)


def load_random_walk() -> pd.DataFrame:
    return make_market_frame(365, seed=42, start="2020-01-01")
