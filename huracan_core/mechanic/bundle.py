"""A model bundle: everything needed to use a trained model later, in one folder.

Layout (all of it loads without executing code — JSON plus each component's own safe format)::

    (the learner's own files, from its ``save(dir)``, at the top level)
    huracan_bundle.json  learner name and params, task, target, feature columns, recipe spec,
                         regime detector, training span, scores, seed, plugin versions
    _recipe/             the fitted feature recipe's ``save(dir)``
    _detector/           the fitted regime detector's ``save(dir)`` (when it can save itself)

The learner's files sit at the top so that ``ModelRegistry.load(ref)`` (which
calls the component's ``load(dir)``) works on a Mechanic version too; the
registry stores the whole folder as the version's artifact. :func:`load_bundle`
rebuilds learner, recipe and detector through the catalog
(``catalog.get(name).load().load(dir)``), never from pickled code.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import ArtifactError, DataContractError
from huracan_core.mechanic._features import feature_frame, load_recipe

__all__ = ["BUNDLE_FORMAT", "META_FILE", "LoadedBundle", "load_bundle", "save_bundle"]

logger = logging.getLogger(__name__)

BUNDLE_FORMAT = "huracan-mechanic-bundle/1"
META_FILE = "huracan_bundle.json"


def _plugin_versions(catalog: Any, names: list[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in names:
        if name in catalog:
            plugin = catalog.get(name).plugin
            if plugin is None:
                continue
            try:
                out[plugin] = catalog.plugin(plugin).version
            except Exception:
                out[plugin] = None
    return out


def save_bundle(
    folder: str | Path,
    *,
    model: Any,
    learner: str,
    params: dict[str, Any],
    scope: str,
    task: str,
    target: dict[str, Any],
    feature_columns: list[str],
    recipe: Any,
    recipe_spec: dict[str, Any],
    detector: Any,
    detector_spec: dict[str, Any],
    train_start: Any,
    train_end: Any,
    scores: dict[str, Any],
    seed: int,
    catalog: Any,
    lookback: int = 0,
) -> Path:
    """Write a bundle folder; returns it."""
    out = Path(folder)
    if out.exists() and any(out.iterdir()):
        raise ArtifactError(f"bundle folder {out} is not empty")
    model.save(out)
    out.mkdir(parents=True, exist_ok=True)
    clash = [n for n in (META_FILE, "_recipe", "_detector") if (out / n).exists()]
    if clash:
        raise ArtifactError(f"learner {learner!r} saved files named {clash}, which the bundle needs for itself")
    recipe_saved = False
    if callable(getattr(recipe, "save", None)):
        recipe.save(out / "_recipe")
        recipe_saved = True
    detector_saved = False
    if detector_spec.get("name") != "column" and callable(getattr(detector, "save", None)):
        detector.save(out / "_detector")
        detector_saved = True
    meta = {
        "format": BUNDLE_FORMAT,
        "learner": learner,
        "params": _jsonable(params),
        "scope": scope,
        "task": task,
        "target": target,
        "feature_columns": [str(c) for c in feature_columns],
        "recipe": recipe_spec,
        "recipe_saved": recipe_saved,
        "detector": detector_spec,
        "detector_saved": detector_saved,
        "train_start": str(train_start),
        "train_end": str(train_end),
        "scores": _jsonable(scores),
        "seed": seed,
        "lookback": lookback,
        "plugins": _plugin_versions(catalog, [learner, detector_spec.get("name", "")]),
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True))
    return out


@dataclass
class LoadedBundle:
    """A bundle read back: the fitted learner, recipe and detector plus the metadata."""

    meta: dict[str, Any]
    model: Any
    recipe: Any
    detector: Any
    path: Path

    @property
    def task(self) -> str:
        return str(self.meta["task"])

    @property
    def train_end(self) -> pd.Timestamp:
        return pd.Timestamp(self.meta["train_end"])

    def features(self, market: pd.DataFrame) -> pd.DataFrame:
        """The model's features for ``market``, checked against the columns it was trained on."""
        frame = feature_frame(self.recipe, market)
        expected = list(self.meta["feature_columns"])
        missing = [c for c in expected if c not in frame.columns]
        if missing:
            raise DataContractError(
                f"the saved recipe produced features without column(s) {missing} that model "
                f"{self.meta['learner']} was trained on (got {list(frame.columns)})"
            )
        if frame.empty:
            raise DataContractError(
                f"no bar has all {len(expected)} features after the recipe's warm-up: give more history "
                f"(got {len(market)} bars)"
            )
        return frame[expected]

    def predict(self, market: pd.DataFrame, rows: pd.Index | None = None) -> pd.Series:
        """Predictions for the bars ``rows`` (default: every bar that has features)."""
        from huracan_core.mechanic.engine import _as_series

        features = self.features(market)
        if rows is not None:
            last = features.index.get_indexer(rows)
            last = last[last >= 0]
            if len(last) == 0:
                return pd.Series([], dtype="float64")
            lo = max(0, int(last.min()) - max(int(self.meta.get("lookback", 0)) - 1, 0))
            features = features.iloc[lo : int(last.max()) + 1]
        pred = _as_series(self.model.predict(features), features.index)
        return pred if rows is None else pred.reindex(rows).dropna()

    def regimes(self, market: pd.DataFrame) -> pd.Series:
        from huracan_core.mechanic.engine import label_bars

        if self.detector is None:
            if "regime" in market.columns:
                return market["regime"].astype(object)
            raise DataContractError("this model's regimes came from a 'regime' column; the data has none")
        return label_bars(self.detector, market)


def load_bundle(folder: str | Path, catalog: Any = None) -> LoadedBundle:
    """Rebuild a bundle's learner, recipe and detector through the catalog (no pickle anywhere)."""
    path = Path(folder)
    meta_file = path / META_FILE
    if not meta_file.is_file():
        raise ArtifactError(f"{path} is not a Mechanic model bundle: {META_FILE} is missing")
    try:
        meta = json.loads(meta_file.read_text())
    except json.JSONDecodeError as exc:
        raise ArtifactError(f"{meta_file} is not valid JSON: {exc}") from None
    if meta.get("format") != BUNDLE_FORMAT:
        raise ArtifactError(f"{path}: unknown bundle format {meta.get('format')!r}, expected {BUNDLE_FORMAT!r}")
    if catalog is None:
        from huracan_core import load_catalog

        catalog = load_catalog()
    learner_cls = catalog.get(meta["learner"]).load()
    model = learner_cls.load(path)
    if meta.get("recipe_saved"):
        recipe = load_recipe(path / "_recipe", catalog)
    else:
        raise ArtifactError(
            f"{path}: the feature recipe was not saved with the model (it had no save method), so its features "
            "cannot be rebuilt"
        )
    detector = None
    if meta.get("detector_saved"):
        det_cls = catalog.get(meta["detector"]["name"]).load()
        detector = det_cls.load(path / "_detector")
    return LoadedBundle(meta, model, recipe, detector, path)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and value != value:
        return None
    return value
