"""Registering a run's champions and deciding promotions against the model registry, with evidence.

For every scope — ``overall`` and each regime with a champion — this run's
winner is registered as a new version (a *challenger*). If the registry has no
champion for that scope yet, the challenger becomes champion ("first
champion"). Otherwise both are scored on the **newest window**: the run's
holdout bars (of that regime, for a regime scope) that come after the current
champion's training data ended. The challenger is promoted only if

- the window has at least ``retrain.min_bars`` bars,
- its metric beats the champion's by at least ``retrain.margin``, and
- the paired test (block bootstrap / Diebold-Mariano on per-bar P&L) gives
  ``p <= retrain.alpha`` for "the challenger earns more";

otherwise it is left as the ``challenger`` alias. Every decision — promoted or
not — is stored with its evidence (scores, margin, statistic, p-value, window).
"""

from __future__ import annotations

import logging
import math
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from huracan_core.mechanic._features import recipe_to_dict
from huracan_core.mechanic._scoring import decision_pnl, positions_from_predictions, score_subset
from huracan_core.mechanic.bundle import load_bundle, save_bundle

__all__ = ["open_registry", "register_and_decide"]

logger = logging.getLogger(__name__)


def open_registry(url: str | None, artifacts: str | None = None) -> Any:
    from huracan_core.registry import ModelRegistry

    return ModelRegistry(url, artifacts)


def _target_spec(result: Any) -> dict[str, Any]:
    t = result.config.target
    return {"kind": t.kind, "horizon": t.horizon, "dead_zone": t.dead_zone}


def _register_models(result: Any, registry: Any, catalog: Any, name: str) -> dict[str, Any]:
    from huracan_core.registry import data_fingerprint

    fingerprint = data_fingerprint(result.market[["open", "high", "low", "close", "volume"]])
    by_key = {r.key: r for r in result.leaderboard}
    holdout_scores = result.holdout.per_model if result.holdout is not None else {}
    out: dict[str, Any] = {}
    for key, model in result.models.items():
        row = by_key[key]
        cand = row.candidate
        train_rows = result.dev_index
        if cand.scope != "global":
            train_rows = train_rows[(result.regimes.reindex(train_rows) == cand.scope).to_numpy()]
        scores = {"walk_forward": row.scores, "holdout": holdout_scores.get(key, {}), "metric": result.metric}
        with tempfile.TemporaryDirectory(prefix="huracan-bundle-") as scratch:
            folder = save_bundle(
                Path(scratch) / "bundle",
                model=model,
                learner=cand.learner,
                params=cand.params,
                scope=cand.scope,
                task=result.task,
                target=_target_spec(result),
                feature_columns=list(result.features.columns),
                recipe=result.recipe,
                recipe_spec=recipe_to_dict(result.recipe),
                detector=result.detector,
                detector_spec=result.detector_spec,
                train_start=train_rows[0],
                train_end=result.dev_index[-1],
                scores=scores,
                seed=result.config.seed,
                catalog=catalog,
                lookback=cand.lookback,
            )
            import json

            plugins = {
                k: v or "unknown"
                for k, v in json.loads((folder / "huracan_bundle.json").read_text())["plugins"].items()
            }
            version = registry.register(
                folder,
                name=name,
                component=cand.learner,
                task=result.task,
                data_fingerprint=fingerprint,
                regime=None if cand.scope == "global" else cand.scope,
                metrics=scores,
                params=cand.params,
                recipe=recipe_to_dict(result.recipe) or None,
                plugins=plugins,
                seeds={"seed": result.config.seed},
                tags={
                    "candidate": key,
                    "trainer": cand.trainer,
                    "train_end": str(result.dev_index[-1]),
                    "detector": result.detector_spec.get("name"),
                },
            )
        out[key] = version
    return out


def _window_scores(
    result: Any, bundle_pred: pd.Series, challenger_pred: pd.Series, bars: pd.Index
) -> tuple[float, float, pd.Series, pd.Series]:
    from huracan_core import metrics

    cfg = result.config
    rets = metrics.bar_returns(result.market["close"])
    forward1 = pd.Series(rets.to_numpy()[1:], index=rets.index[:-1])
    hold = result.holdout_index
    champ_pos = positions_from_predictions(bundle_pred, result.task).reindex(hold).fillna(0.0)
    chall_pos = positions_from_predictions(challenger_pred, result.task).reindex(hold).fillna(0.0)
    champ_pnl = decision_pnl(champ_pos, rets, cfg.costs.bps)
    chall_pnl = decision_pnl(chall_pos, rets, cfg.costs.bps)
    bars = bars.intersection(champ_pnl.index).intersection(chall_pnl.index)
    champ_score = score_subset(result.metric, champ_pnl, champ_pos, forward1, bars)
    chall_score = score_subset(result.metric, chall_pnl, chall_pos, forward1, bars)
    return champ_score, chall_score, champ_pnl.loc[bars], chall_pnl.loc[bars]


def register_and_decide(result: Any, registry: Any, catalog: Any, name: str | None = None) -> None:
    """Register the run's champions and record a promotion decision per scope (fills ``result.registered/decisions``)."""
    from huracan_core.mechanic.engine import paired_test
    from huracan_core.registry import RegistryError

    cfg = result.config
    name = name or cfg.registry.name
    versions = _register_models(result, registry, catalog, name)
    result.registered = {key: v.ref for key, v in versions.items()}
    scopes: list[tuple[str | None, str]] = [(None, result.overall_champion)]
    scopes += [(regime, key) for regime, key in result.champions.items()]
    for regime, key in scopes:
        label = regime or "overall"
        challenger = versions[key]
        ref = f"{name}@champion" + (f"/{regime}" if regime else "")
        try:
            current = registry.get(ref)
        except RegistryError:
            current = None
        evidence: dict[str, Any] = {
            "scope": label,
            "challenger": challenger.ref,
            "candidate": key,
            "metric": result.metric,
            "walk_forward_score": next(r.scores.get(regime or "overall") for r in result.leaderboard if r.key == key),
        }
        if current is None:
            registry.promote(challenger, regime=regime, reason="first champion: the registry had none for this scope")
            decision = registry.record_decision(
                name, promoted=True, reason="first champion", evidence=evidence, challenger=challenger, regime=regime
            )
            result.decisions.append({"scope": label, "action": "promoted", "reason": decision.reason, **evidence})
            continue
        promoted, reason, evidence = _compare(
            result, registry, catalog, current, challenger, key, regime, evidence, paired_test
        )
        if promoted:
            registry.promote(challenger, regime=regime, reason=reason)
        else:
            registry.set_alias(name, "challenger", challenger.version, regime=regime, reason=reason)
        registry.record_decision(
            name,
            promoted=promoted,
            reason=reason,
            evidence=evidence,
            challenger=challenger,
            champion=current,
            regime=regime,
        )
        result.decisions.append(
            {"scope": label, "action": "promoted" if promoted else "kept champion", "reason": reason, **evidence}
        )
        logger.info("registry %s: %s (%s)", label, "promoted" if promoted else "kept champion", reason)


def _compare(
    result: Any,
    registry: Any,
    catalog: Any,
    current: Any,
    challenger: Any,
    key: str,
    regime: str | None,
    evidence: dict[str, Any],
    paired_test: Any,
) -> tuple[bool, str, dict[str, Any]]:
    cfg = result.config
    with tempfile.TemporaryDirectory(prefix="huracan-champion-") as scratch:
        registry.fetch(current, scratch)
        bundle = load_bundle(scratch, catalog)
        hold = result.holdout_index
        labels = result.regimes.reindex(hold)
        bars = hold if regime is None else hold[(labels == regime).to_numpy()]
        horizon = int(bundle.meta.get("target", {}).get("horizon", 1))
        seen_until = bundle.train_end
        # only bars whose labels the champion can never have seen in training
        bars = bars[bars > seen_until]
        if horizon > 1 and len(bars):
            bars = bars[horizon - 1 :]
        champion_pred = bundle.predict(result.market, rows=hold)
    champ_score, chall_score, champ_pnl, chall_pnl = _window_scores(
        result, champion_pred, result.holdout_predictions[key], bars
    )
    n = len(champ_pnl)
    test = paired_test(chall_pnl, champ_pnl, cfg.stats, cfg.seed) if n >= 3 else {"p_value": math.nan, "n": n}
    margin = chall_score - champ_score if math.isfinite(chall_score) and math.isfinite(champ_score) else math.nan
    evidence = {
        **evidence,
        "champion": current.ref,
        "window": [str(bars[0]) if len(bars) else None, str(bars[-1]) if len(bars) else None],
        "n_bars": n,
        "champion_score": champ_score,
        "challenger_score": chall_score,
        "margin": margin,
        "required_margin": cfg.retrain.margin,
        "alpha": cfg.retrain.alpha,
        "test": test,
    }
    p = test.get("p_value", math.nan)
    if n < cfg.retrain.min_bars:
        return False, f"newest window has {n} bars, fewer than retrain.min_bars={cfg.retrain.min_bars}", evidence
    if not math.isfinite(margin) or margin < cfg.retrain.margin:
        return False, f"margin {margin:.4f} below the required {cfg.retrain.margin:.4f}", evidence
    if not (isinstance(p, float) and math.isfinite(p) and p <= cfg.retrain.alpha):
        return (
            False,
            f"margin {margin:.4f} met but the test is not significant (p={p:.4f} > alpha={cfg.retrain.alpha})",
            evidence,
        )
    return (
        True,
        f"beat the champion by {margin:.4f} (>= {cfg.retrain.margin:.4f}) with p={p:.4f} <= {cfg.retrain.alpha}",
        evidence,
    )
