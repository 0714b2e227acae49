"""Using a registered champion: load it, rebuild its features, check the data, predict the latest bars.

A reference is anything the registry resolves (``NAME:3``, ``NAME``, ``NAME@champion/ranging``),
plus ``NAME@champion/current``: the champion for the regime of the latest bar, found
by labelling the data with the regime detector saved alongside the overall champion.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from huracan_core._catalog import features_satisfy
from huracan_core._errors import DataContractError
from huracan_core.data import validate_market_frame
from huracan_core.mechanic._features import recipe_provides
from huracan_core.mechanic._scoring import positions_from_predictions
from huracan_core.mechanic.bundle import LoadedBundle, load_bundle

__all__ = ["load_model", "predict_latest", "resolve_reference"]

logger = logging.getLogger(__name__)


def _registry(registry: Any) -> Any:
    if registry is None or isinstance(registry, str | Path):
        from huracan_core.registry import ModelRegistry

        return ModelRegistry(registry)
    return registry


def resolve_reference(
    ref: str, market: pd.DataFrame | None, registry: Any = None, catalog: Any = None
) -> tuple[Any, str | None]:
    """The :class:`ModelVersion` a reference names; resolves ``/current`` from ``market``'s latest bar.

    Returns ``(version, current_regime)``; ``current_regime`` is ``None`` unless the reference asked for it.
    """
    from huracan_core.registry import RegistryError, parse_ref

    reg = _registry(registry)
    parsed = parse_ref(ref)
    if parsed.alias is None or parsed.regime != "current":
        return reg.get(ref), None
    if market is None:
        raise ValueError(f"reference {ref!r} needs market data to find the current regime")
    overall = (
        reg.get(f"{parsed.name}@{parsed.alias}") if parsed.alias == "champion" else reg.get(f"{parsed.name}@champion")
    )
    with tempfile.TemporaryDirectory(prefix="huracan-detector-") as scratch:
        reg.fetch(overall, scratch)
        bundle = load_bundle(scratch, catalog)
        labels = bundle.regimes(market)
    if labels.empty:
        raise DataContractError(f"the regime detector labels no bar of the {len(market)} given (too little history)")
    current = str(labels.iloc[-1])
    try:
        return reg.get(ref, current_regime=current), current
    except RegistryError:
        logger.warning("no %s for regime %s; using %s", parsed.alias, current, overall.ref)
        return overall, current


def load_model(
    ref: str,
    *,
    registry: Any = None,
    catalog: Any = None,
    market: pd.DataFrame | None = None,
    folder: str | Path | None = None,
) -> tuple[LoadedBundle, Any]:
    """Fetch (hash-verified) and load a registered Mechanic model; returns ``(bundle, version)``.

    With ``folder`` the files stay there; otherwise they are read from a temporary folder.
    """
    reg = _registry(registry)
    version, _ = resolve_reference(ref, market, reg, catalog)
    dest = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="huracan-model-"))
    reg.fetch(version, dest)
    return load_bundle(dest, catalog), version


def predict_latest(
    ref: str,
    data: pd.DataFrame,
    *,
    registry: Any = None,
    catalog: Any = None,
    n_bars: int = 1,
    output: str | Path | None = None,
) -> pd.DataFrame:
    """Predict the latest ``n_bars`` bars of ``data`` with a registered model.

    Checks the data contract and that the model's feature requirements are met
    by its saved recipe, rebuilds the features with that recipe, and returns a
    frame indexed by bar with ``prediction``, ``position`` (−1/0/+1),
    ``regime`` (the bar's label from the saved detector), ``model`` (``NAME:VERSION``),
    ``learner`` and ``scope``. With ``output`` the frame is also written as CSV
    (or Parquet for a ``.parquet`` path).
    """
    if n_bars < 1:
        raise ValueError(f"n_bars must be >= 1, got {n_bars}")
    validate_market_frame(data, name="prediction data")
    if catalog is None:
        from huracan_core import load_catalog

        catalog = load_catalog()
    with tempfile.TemporaryDirectory(prefix="huracan-predict-") as scratch:
        bundle, version = load_model(ref, registry=registry, catalog=catalog, market=data, folder=scratch)
        spec = catalog.get(bundle.meta["learner"])
        missing = features_satisfy(spec.info.feature_requirements, recipe_provides(bundle.recipe))
        if missing:
            raise DataContractError(
                f"model {version.ref} ({spec.name}) needs feature tags {missing} that its saved recipe does not provide"
            )
        features = bundle.features(data)
        rows = features.index[-n_bars:]
        pred = bundle.predict(data, rows=rows)
        try:
            regimes = bundle.regimes(data).reindex(pred.index)
        except DataContractError:
            regimes = pd.Series(None, index=pred.index, dtype=object)
    if pred.empty:
        raise DataContractError(f"model {version.ref} produced no prediction for the last {n_bars} bar(s)")
    out = pd.DataFrame(
        {
            "prediction": pred,
            "position": positions_from_predictions(pred, bundle.task),
            "regime": regimes.astype(object),
            "model": version.ref,
            "learner": bundle.meta["learner"],
            "scope": bundle.meta["scope"],
        },
        index=pred.index,
    )
    out.index.name = "timestamp"
    if output is not None:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() in (".parquet", ".pq"):
            out.to_parquet(path)
        else:
            out.to_csv(path)
    return out
