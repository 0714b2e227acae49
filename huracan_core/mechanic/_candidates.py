"""Choosing candidate learners by asking the catalog (never by importing plugins).

The Mechanic knows nothing about any particular learner: it describes the data
(task, rows, features, the feature tags the recipe provides) and the catalog
answers with the components whose model info fits, plus an explanation for
every one it left out. A newly installed plugin's learner is therefore a
candidate as soon as its model info fits.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from huracan_core._spec import ComponentSpec
from huracan_core._vocab import REGIMES
from huracan_core.mechanic.config import CandidateConfig

__all__ = ["Candidate", "CandidatePlan", "plan_candidates"]


@dataclass(frozen=True)
class Candidate:
    """One learner with its parameters, trained globally or as a specialist of one regime."""

    learner: str
    params: dict[str, Any]
    scope: str = "global"
    """``global`` (trained on every bar) or a regime label (trained on that regime's bars only)."""
    regimes: tuple[str, ...] = REGIMES
    """The regimes whose leaderboard this candidate may enter (from its model info, via the catalog)."""
    layout: str = "tabular"
    backend: str = "numpy"
    trainer: str = "local"
    lookback: int = 0
    """Rows of context a windowed learner needs before the first bar it predicts."""
    capabilities: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.learner if self.scope == "global" else f"{self.learner}@{self.scope}"


@dataclass
class CandidatePlan:
    candidates: list[Candidate]
    skipped: list[dict[str, str]] = field(default_factory=list)
    """``{"name", "reason"}`` for every learner left out, by the catalog or by the config."""
    query: dict[str, Any] = field(default_factory=dict)


def _lookback(spec: ComponentSpec, params: dict[str, Any]) -> int:
    for key in ("lookback", "window", "seq_len", "sequence_length"):
        value = params.get(key)
        if isinstance(value, int):
            return value
    shape_lookback = spec.info.ideal_dataset_shape.lookback
    if shape_lookback:
        return int(shape_lookback)
    if spec.info.ideal_dataset_shape.layout == "window":
        try:
            signature = inspect.signature(spec.load())
        except Exception:
            return 0
        for key in ("lookback", "window", "seq_len", "sequence_length"):
            param = signature.parameters.get(key)
            if param is not None and isinstance(param.default, int):
                return int(param.default)
    return 0


def _seeded(spec: ComponentSpec, params: dict[str, Any], seed: int) -> dict[str, Any]:
    """Add the run's seed under the learner's own seed parameter name, if it has one."""
    try:
        signature = inspect.signature(spec.load())
    except Exception:
        return params
    out = dict(params)
    for key in ("random_state", "seed"):
        if key in signature.parameters and key not in out:
            out[key] = seed
    return out


def plan_candidates(
    catalog: Any,
    *,
    task: str,
    n_rows: int,
    n_features: int,
    available_features: Sequence[str],
    config: CandidateConfig,
    seed: int,
    regimes_present: Iterable[str],
) -> CandidatePlan:
    """Ask the catalog for learners that fit, apply the config's filters and cap, add specialists."""
    criteria = {
        "kind": "learner",
        "task": task,
        "n_rows": n_rows,
        "n_features": n_features,
        "available_features": list(available_features),
        "installed_only": True,
    }
    matches = catalog.query(**criteria)
    skipped = [e.to_dict() for e in catalog.explain(**criteria) if catalog.get(e.name).kind == "learner"]
    for e in skipped:
        if e["reason"].startswith("needs feature tags"):
            e["reason"] += _providers_hint(catalog, e["name"], available_features)

    chosen: list[ComponentSpec] = []
    by_name = {s.name: s for s in matches}
    unknown = [n for n in config.include if n not in catalog]
    if unknown:
        from huracan_core._errors import ConfigError

        learners = sorted(s.name for s in catalog.components if s.kind == "learner")
        raise ConfigError(
            f"config: candidates.include: {unknown[0]!r} is not in the catalog; installed learners: {', '.join(learners)}"
        )
    ordered = [by_name[n] for n in config.include if n in by_name] if config.include else list(matches)
    if config.prefer_backends and not config.include:
        rank = {b: i for i, b in enumerate(config.prefer_backends)}
        ordered.sort(key=lambda s: rank.get(s.info.backend, len(rank)))  # stable: name order within a backend
    for name in config.include:
        if name not in by_name:
            reason = next((e["reason"] for e in skipped if e["name"] == name), "not a learner for this task")
            skipped = [e for e in skipped if e["name"] != name]
            skipped.append({"name": name, "reason": f"listed in candidates.include but left out: {reason}"})
    per_backend: dict[str, int] = {}
    for spec in ordered:
        layout = spec.info.ideal_dataset_shape.layout
        backend = spec.info.backend
        if spec.name in config.exclude:
            skipped.append({"name": spec.name, "reason": "excluded by candidates.exclude"})
        elif config.backends and spec.info.backend not in config.backends:
            skipped.append({"name": spec.name, "reason": f"backend {spec.info.backend} not in candidates.backends"})
        elif layout not in config.layouts:
            skipped.append({"name": spec.name, "reason": f"layout {layout} not in candidates.layouts"})
        elif config.max_per_backend is not None and per_backend.get(backend, 0) >= config.max_per_backend:
            skipped.append(
                {
                    "name": spec.name,
                    "reason": f"over the cap candidates.max_per_backend={config.max_per_backend} for backend {backend}",
                }
            )
        elif config.max_candidates is not None and len(chosen) >= config.max_candidates:
            skipped.append(
                {"name": spec.name, "reason": f"over the cap candidates.max_candidates={config.max_candidates}"}
            )
        else:
            chosen.append(spec)
            per_backend[backend] = per_backend.get(backend, 0) + 1

    present = [r for r in REGIMES if r in set(regimes_present)]
    eligible: dict[str, set[str]] = {}
    for regime in present:  # the catalog decides which learners suit which regime
        for spec in catalog.query(regime=regime, **criteria):
            eligible.setdefault(spec.name, set()).add(regime)

    candidates: list[Candidate] = []
    for spec in chosen:
        base = dict(spec.test_params) if config.use_test_params else {}
        base.update(config.params.get(spec.name, {}))
        params = _seeded(spec, base, seed)
        trainer = catalog.trainer_for(spec, config.trainer).name
        regimes = tuple(r for r in present if r in eligible.get(spec.name, set()))
        common = {
            "params": params,
            "regimes": regimes,
            "layout": spec.info.ideal_dataset_shape.layout,
            "backend": spec.info.backend,
            "trainer": trainer,
            "lookback": _lookback(spec, params),
            "capabilities": tuple(spec.info.capabilities),
        }
        candidates.append(Candidate(spec.name, scope="global", **common))
        if config.specialists and common["layout"] == "tabular":
            # windows across the gaps between one regime's bars would mix distant bars: tabular only
            for regime in regimes:
                candidates.append(Candidate(spec.name, scope=regime, **{**common, "regimes": (regime,)}))
    return CandidatePlan(candidates, skipped, {k: v for k, v in criteria.items()})


def _providers_hint(catalog: Any, name: str, available: Sequence[str]) -> str:
    spec = catalog.get(name)
    missing = [t for t in spec.info.feature_requirements if t != "any" and t not in available]
    providers = sorted(
        s.name for s in catalog.components if s.kind == "preprocessor" and set(missing) & set(s.info.provides)
    )
    if providers:
        return f" (the recipe does not provide them; installed preprocessors that do: {', '.join(providers)})"
    return ""
