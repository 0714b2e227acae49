"""K-means market-regime detection with labels from the core's regime vocabulary.

How it works:

1. **Features.** Each bar gets the core's causal regime features
   (:func:`huracan_core.regimes.regime_features`): ``trend_slope``,
   ``trend_strength``, ``volatility``, ``vol_percentile``. Warm-up bars (NaN
   features) get no label and are dropped from the output.
2. **Fit on the past.** The features of the training frame are standardised
   (mean / standard deviation of the training rows) and clustered with
   :class:`sklearn.cluster.KMeans` (``n_init`` restarts, seeded).
3. **Clusters → regime labels (the documented rule).** Each cluster's centroid,
   in raw feature units, is labelled with the core's own rule and precedence:

   - ``volatile`` if the centroid's ``vol_percentile ≥ vol_threshold``;
   - else ``trending_up`` / ``trending_down`` if its ``trend_strength ≥
     trend_threshold``, by the sign of its ``trend_slope``;
   - else ``ranging``.

   Several clusters may share a label (one label may have none: the data then
   had no such regime by this rule). Because a label is a function of where a
   centroid lies, not of KMeans's arbitrary cluster numbering, refits and other
   seeds that find the same partition give the same labels: there is no label
   switching. Clusters are also renumbered in a canonical order (sorted by
   centroid) so ``cluster_centers_`` is stable too.
4. **Assign the present.** ``predict`` computes the same causal features for
   new bars and assigns each to the nearest (standardised) centroid. A bar's
   label depends only on bars at or before it and on what ``fit`` saw.

The fitted state is a handful of numbers, so :meth:`save` writes JSON only.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from huracan_core import ArtifactError, DataContractError
from huracan_core.regimes import REGIME_FEATURE_COLUMNS, regime_features
from huracan_sklearn._base import NotFittedError

__all__ = ["KMeansRegimeDetector", "label_centroids"]

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
CONFIG_FILE = "config.json"


def label_centroids(centers: np.ndarray, *, trend_threshold: float = 0.3, vol_threshold: float = 0.8) -> np.ndarray:
    """Apply the core's regime rule to centroids given in raw feature units.

    ``centers`` has one row per cluster and the columns of
    ``REGIME_FEATURE_COLUMNS`` (trend_slope, trend_strength, volatility, vol_percentile).
    """
    slope, strength, _, percentile = (centers[:, i] for i in range(4))
    trending = np.where(slope > 0, "trending_up", "trending_down")
    labels = np.where(
        percentile >= vol_threshold, "volatile", np.where(strength >= trend_threshold, trending, "ranging")
    )
    return labels.astype(object)


class KMeansRegimeDetector(BaseEstimator):
    """Regime detector: K-means on causal regime features, clusters named by the core's rule.

    Args:
        n_clusters: number of K-means clusters (≥ 2); more clusters than labels
            lets one label cover several clusters (e.g. calm and strong uptrends).
        trend_window, vol_window, percentile_window: windows of the regime features.
        trend_threshold: centroid ``trend_strength`` at or above which a cluster is trending.
        vol_threshold: centroid ``vol_percentile`` at or above which a cluster is volatile.
        n_init: K-means restarts (the best inertia wins; more restarts, steadier partitions).
        random_state: seed of K-means initialisation.
    """

    causal = True

    def __init__(
        self,
        n_clusters: int = 4,
        trend_window: int = 50,
        vol_window: int = 20,
        percentile_window: int = 250,
        trend_threshold: float = 0.3,
        vol_threshold: float = 0.8,
        n_init: int = 10,
        random_state: int | None = 0,
    ) -> None:
        self.n_clusters = n_clusters
        self.trend_window = trend_window
        self.vol_window = vol_window
        self.percentile_window = percentile_window
        self.trend_threshold = trend_threshold
        self.vol_threshold = vol_threshold
        self.n_init = n_init
        self.random_state = random_state

    # -- helpers -----------------------------------------------------------
    def _features(self, X: Any, name: str) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            if "close" not in X.columns:
                raise DataContractError(
                    f"{name}: KMeansRegimeDetector needs a market frame with a 'close' column; "
                    f"got columns {', '.join(map(str, X.columns)) or 'none'}"
                )
        elif not isinstance(X, pd.Series):
            raise DataContractError(
                f"{name}: KMeansRegimeDetector needs a market frame (DataFrame with 'close') or a close Series, "
                f"got {type(X).__name__}"
            )
        if len(X) == 0:
            raise DataContractError(f"{name}: has no rows (0 bars)")
        features = regime_features(
            X, trend_window=self.trend_window, vol_window=self.vol_window, percentile_window=self.percentile_window
        )
        return features[list(REGIME_FEATURE_COLUMNS)].dropna()

    def _check_params(self) -> None:
        if not isinstance(self.n_clusters, int | np.integer) or self.n_clusters < 2:
            raise ValueError(f"n_clusters must be an integer >= 2, got {self.n_clusters!r}")
        if not 0 < self.vol_threshold <= 1:
            raise ValueError(f"vol_threshold must be in (0, 1], got {self.vol_threshold}")
        if not 0 <= self.trend_threshold <= 1:
            raise ValueError(f"trend_threshold must be in [0, 1], got {self.trend_threshold}")

    def _check_fitted(self) -> None:
        if not hasattr(self, "cluster_centers_"):
            raise NotFittedError(
                f"this {type(self).__name__} instance is not fitted yet; call 'fit' with a market frame first"
            )

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "cluster_centers_")

    # -- the learner contract ---------------------------------------------
    def fit(self, X: Any, y: Any = None) -> KMeansRegimeDetector:
        """Cluster the training bars' regime features and name each cluster by the rule."""
        from sklearn.cluster import KMeans

        self._check_params()
        features = self._features(X, "X")
        if len(features) < self.n_clusters:
            needed = self.percentile_window + self.n_clusters
            raise DataContractError(
                f"X: only {len(features)} bars have regime features after warm-up, fewer than "
                f"n_clusters={self.n_clusters}; pass at least {needed} bars (percentile_window + n_clusters)"
            )
        raw = features.to_numpy(dtype="float64")
        mean = raw.mean(axis=0)
        scale = raw.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        kmeans = KMeans(n_clusters=self.n_clusters, n_init=self.n_init, random_state=self.random_state)
        assignment = kmeans.fit_predict((raw - mean) / scale)
        # centroids in raw units: the mean of each cluster's members (what the rule reads)
        raw_centers = np.vstack([raw[assignment == k].mean(axis=0) for k in range(self.n_clusters)])
        order = np.lexsort(raw_centers.T[::-1])  # canonical numbering: sort by trend_slope, then the rest
        self.feature_mean_ = mean
        self.feature_scale_ = scale
        self.cluster_centers_ = raw_centers[order]
        self.scaled_centers_ = kmeans.cluster_centers_[order]
        self.cluster_labels_ = label_centroids(
            self.cluster_centers_, trend_threshold=self.trend_threshold, vol_threshold=self.vol_threshold
        )
        self.classes_ = np.array(sorted(set(self.cluster_labels_)), dtype=object)
        logger.debug("K-means regimes: %s", dict(zip(range(self.n_clusters), self.cluster_labels_)))
        return self

    def predict_cluster(self, X: Any) -> pd.Series:
        """Canonical cluster number of each bar after warm-up, indexed by timestamp."""
        self._check_fitted()
        features = self._features(X, "X (predict)")
        scaled = (features.to_numpy(dtype="float64") - self.feature_mean_) / self.feature_scale_
        distances = ((scaled[:, None, :] - self.scaled_centers_[None, :, :]) ** 2).sum(axis=2)
        return pd.Series(distances.argmin(axis=1).astype("int64"), index=features.index, name="cluster")

    def predict(self, X: Any) -> pd.Series:
        """Regime label of each bar after warm-up, indexed by timestamp (name ``regime``)."""
        clusters = self.predict_cluster(X)
        return pd.Series(self.cluster_labels_[clusters.to_numpy()], index=clusters.index, name="regime", dtype=object)

    # -- persistence -------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write ``config.json``: parameters and the fitted numbers (floats round-trip exactly)."""
        self._check_fitted()
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        config = {
            "format_version": FORMAT_VERSION,
            "class": f"{type(self).__module__}:{type(self).__qualname__}",
            "params": self.get_params(deep=False),
            "state": {
                "feature_mean_": self.feature_mean_.tolist(),
                "feature_scale_": self.feature_scale_.tolist(),
                "cluster_centers_": self.cluster_centers_.tolist(),
                "scaled_centers_": self.scaled_centers_.tolist(),
                "cluster_labels_": [str(v) for v in self.cluster_labels_],
            },
        }
        (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2))

    @classmethod
    def load(cls, path: str | Path) -> KMeansRegimeDetector:
        """Load a detector written by :meth:`save` (JSON only; nothing is executed)."""
        file = Path(path) / CONFIG_FILE
        if not file.is_file():
            raise ArtifactError(f"{path}: no {CONFIG_FILE}; is this a directory written by save()?")
        config = json.loads(file.read_text())
        expected = f"{cls.__module__}:{cls.__qualname__}"
        if config.get("class") != expected or config.get("format_version") != FORMAT_VERSION:
            raise ArtifactError(
                f"{file}: holds {config.get('class')!r} format {config.get('format_version')!r}, "
                f"expected {expected!r} format {FORMAT_VERSION}"
            )
        model = cls(**config["params"])
        state = config["state"]
        model.feature_mean_ = np.asarray(state["feature_mean_"], dtype="float64")
        model.feature_scale_ = np.asarray(state["feature_scale_"], dtype="float64")
        model.cluster_centers_ = np.asarray(state["cluster_centers_"], dtype="float64")
        model.scaled_centers_ = np.asarray(state["scaled_centers_"], dtype="float64")
        model.cluster_labels_ = np.asarray(state["cluster_labels_"], dtype=object)
        model.classes_ = np.array(sorted(set(model.cluster_labels_)), dtype=object)
        return model
