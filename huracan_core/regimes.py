"""Causal regime features and the rule-based regime detector.

Features (every value at t uses bars ≤ t only):

- ``trend_slope``: mean log return over ``trend_window`` bars;
- ``trend_strength``: Kaufman's efficiency ratio over ``trend_window`` bars,
  ``|log C_t − log C_{t−n}| / Σ|Δ log C|`` in [0, 1] (1 = a straight line);
- ``volatility``: standard deviation of log returns over ``vol_window`` bars;
- ``vol_percentile``: rank of today's volatility among the last
  ``percentile_window`` values, in (0, 1].

The rule detector labels each bar, with the project's precedence
``volatile`` > ``trending_up``/``trending_down`` > ``ranging``:

1. ``volatile`` if ``vol_percentile ≥ vol_threshold``;
2. else ``trending_up``/``trending_down`` if ``trend_strength ≥ trend_threshold``,
   by the sign of ``trend_slope``;
3. else ``ranging``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import DataContractError
from huracan_core.interfaces import BaseComponent, check_is_fitted

__all__ = ["RegimeFeatures", "RuleRegimeDetector", "label_regimes", "regime_features"]

REGIME_FEATURE_COLUMNS = ("trend_slope", "trend_strength", "volatility", "vol_percentile")


def _close_values(frame: Any) -> pd.Series:
    if isinstance(frame, pd.Series):
        close = frame
    elif isinstance(frame, pd.DataFrame) and "close" in frame.columns:
        close = frame["close"]
    else:
        raise DataContractError("regime features need a market frame with a 'close' column (or a close Series)")
    if len(close) == 0:
        raise DataContractError("regime features need at least one row, got an empty frame")
    values = close.to_numpy(dtype="float64")
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataContractError(
            f"column 'close' must be finite and > 0, got {values[row]} at row {row} ({close.index[row]})"
        )
    return close


def regime_features(
    frame: pd.DataFrame | pd.Series,
    *,
    trend_window: int = 50,
    vol_window: int = 20,
    percentile_window: int = 250,
) -> pd.DataFrame:
    """The four causal regime features, indexed like ``frame`` (NaN during warm-up)."""
    for name, value in (
        ("trend_window", trend_window),
        ("vol_window", vol_window),
        ("percentile_window", percentile_window),
    ):
        if not isinstance(value, int) or value < 2:
            raise DataContractError(f"{name} must be an integer >= 2, got {value!r}")
    close = _close_values(frame)
    log_price = pd.Series(np.log(close.to_numpy(dtype="float64")), index=close.index)
    ret = log_price.diff()
    net = log_price - log_price.shift(trend_window)
    path = ret.abs().rolling(trend_window).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        strength = (net.abs() / path).where(path > 0, 0.0)
    volatility = ret.rolling(vol_window).std(ddof=1)
    percentile = volatility.rolling(percentile_window, min_periods=percentile_window).rank(pct=True)
    return pd.DataFrame(
        {
            "trend_slope": net / trend_window,
            "trend_strength": strength,
            "volatility": volatility,
            "vol_percentile": percentile,
        },
        index=close.index,
    )


def label_regimes(features: pd.DataFrame, *, trend_threshold: float = 0.3, vol_threshold: float = 0.8) -> pd.Series:
    """Apply the documented rule to regime features; rows with NaN features are dropped."""
    valid = features[list(REGIME_FEATURE_COLUMNS)].dropna()
    volatile = valid["vol_percentile"].to_numpy() >= vol_threshold
    trending = valid["trend_strength"].to_numpy() >= trend_threshold
    up = valid["trend_slope"].to_numpy() > 0
    labels = np.where(volatile, "volatile", np.where(trending, np.where(up, "trending_up", "trending_down"), "ranging"))
    return pd.Series(labels, index=valid.index, name="regime", dtype=object)


class RegimeFeatures(BaseComponent):
    """Preprocessor: the causal regime features (stateless; ``fit`` only checks input)."""

    causal = True

    def __init__(self, trend_window: int = 50, vol_window: int = 20, percentile_window: int = 250) -> None:
        self.trend_window = trend_window
        self.vol_window = vol_window
        self.percentile_window = percentile_window

    def fit(self, X: Any, y: Any = None) -> RegimeFeatures:
        _close_values(X)
        self.n_features_in_ = 1
        return self

    def transform(self, X: Any) -> pd.DataFrame:
        return regime_features(
            X, trend_window=self.trend_window, vol_window=self.vol_window, percentile_window=self.percentile_window
        )

    def fit_transform(self, X: Any, y: Any = None) -> pd.DataFrame:
        return self.fit(X).transform(X)


class RuleRegimeDetector(BaseComponent):
    """Regime detector (task ``regime_detection``): labels bars with the documented rule.

    ``fit`` learns nothing but the thresholds' sanity; the rule is fixed, so it
    is causal and has no label switching between refits.
    """

    causal = True

    def __init__(
        self,
        trend_window: int = 50,
        vol_window: int = 20,
        percentile_window: int = 250,
        trend_threshold: float = 0.3,
        vol_threshold: float = 0.8,
    ) -> None:
        self.trend_window = trend_window
        self.vol_window = vol_window
        self.percentile_window = percentile_window
        self.trend_threshold = trend_threshold
        self.vol_threshold = vol_threshold

    def fit(self, X: Any, y: Any = None) -> RuleRegimeDetector:
        if not 0 < self.vol_threshold <= 1:
            raise ValueError(f"vol_threshold must be in (0, 1], got {self.vol_threshold}")
        if not 0 <= self.trend_threshold <= 1:
            raise ValueError(f"trend_threshold must be in [0, 1], got {self.trend_threshold}")
        _close_values(X)
        self.classes_ = np.array(["ranging", "trending_down", "trending_up", "volatile"], dtype=object)
        return self

    def predict(self, X: Any) -> pd.Series:
        check_is_fitted(self, "classes_")
        features = regime_features(
            X, trend_window=self.trend_window, vol_window=self.vol_window, percentile_window=self.percentile_window
        )
        return label_regimes(features, trend_threshold=self.trend_threshold, vol_threshold=self.vol_threshold)

    def save(self, path: str | Path) -> None:
        import json

        check_is_fitted(self, "classes_")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps({"class": "RuleRegimeDetector", "params": self.get_params()}))

    @classmethod
    def load(cls, path: str | Path) -> RuleRegimeDetector:
        import json

        config = json.loads((Path(path) / "config.json").read_text())
        if config.get("class") != "RuleRegimeDetector":
            raise ValueError(f"{path} holds a {config.get('class')!r}, not a RuleRegimeDetector")
        model = cls(**config["params"])
        model.classes_ = np.array(["ranging", "trending_down", "trending_up", "volatile"], dtype=object)
        return model
