"""The Python API in the shape of the seed's quick start.

from huracan_core.mechanic import UnifiedPipeline

pipeline = UnifiedPipeline("docs/examples/sp500.yaml")       # or a mapping, or None for defaults
results = pipeline.run_complete_pipeline()               # or run_complete_pipeline(data=market_frame)
models = pipeline.get_models_for_regime("trending")      # catalog learners for trending_up/trending_down
info = pipeline.get_all_models_info()                    # name -> model info of every installed learner
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from huracan_core._vocab import expand_regime
from huracan_core.mechanic.config import MechanicConfig, load_config
from huracan_core.mechanic.engine import Mechanic, RunResult

__all__ = ["UnifiedPipeline", "run_mechanic"]

logger = logging.getLogger(__name__)


def run_mechanic(
    config: Any = None,
    data: pd.DataFrame | None = None,
    *,
    catalog: Any = None,
    register: bool | None = None,
    report: bool | str | Path = False,
    progress: Any = None,
    on_plan: Any = None,
) -> RunResult:
    """Run the whole loop: select, hold out, (register and decide), (write the report).

    ``register=None`` registers when ``config.registry.url`` is set.
    ``report=True`` writes to ``config.report.folder``; a path writes there.
    """
    cfg = config if isinstance(config, MechanicConfig) else load_config(config)
    if catalog is None:
        from huracan_core import load_catalog

        catalog = load_catalog()
    mechanic = Mechanic(cfg, catalog=catalog, progress=progress)
    mechanic.on_plan = on_plan
    result = mechanic.run(data)
    if register is None:
        register = cfg.registry.url is not None
    if register:
        from huracan_core.mechanic.retrain import open_registry, register_and_decide

        registry = open_registry(cfg.registry.url, cfg.registry.artifacts)
        try:
            register_and_decide(result, registry, catalog)
        finally:
            registry.close()
    if report:
        from huracan_core.mechanic.report import write_report

        write_report(result, None if report is True else report)
    return result


class UnifiedPipeline:
    """One configuration, run end to end, with the seed's method names.

    Args:
        config: a :class:`MechanicConfig`, a mapping, or a YAML path (``None``: defaults).
        catalog: the catalog to ask (default: every installed plugin).
    """

    def __init__(self, config: Any = None, *, catalog: Any = None) -> None:
        self.config = config if isinstance(config, MechanicConfig) else load_config(config)
        if catalog is None:
            from huracan_core import load_catalog

            catalog = load_catalog()
        self.catalog = catalog
        self.results: RunResult | None = None

    def run_complete_pipeline(
        self,
        data: pd.DataFrame | None = None,
        *,
        register: bool | None = None,
        report: bool | str | Path = False,
    ) -> RunResult:
        """Select champions per regime on ``data`` (or the configured source); see :func:`run_mechanic`."""
        self.results = run_mechanic(self.config, data, catalog=self.catalog, register=register, report=report)
        return self.results

    def get_models_for_regime(self, regime: str) -> list[dict[str, Any]]:
        """Learners for ``regime`` (``"trending"`` means both trending labels), best first after a run.

        Before a run: every installed learner of the configured task whose model info
        suits the regime, from the catalog. After a run: the candidates ranked by their
        walk-forward score on that regime's bars, the champion first.
        """
        labels = expand_regime(regime)
        if self.results is None:
            specs = self.catalog.query(kind="learner", task=self.config.resolved_task, regime=regime)
            return [{"name": s.name, "model_info": s.info.to_dict()} for s in specs]
        rows: dict[str, dict[str, Any]] = {}
        for label in labels:
            for rank, row in enumerate(self.results.regime_leaderboard(label)):
                entry = rows.setdefault(
                    row.key, {"name": row.candidate.learner, "candidate": row.key, "scores": {}, "champion_of": []}
                )
                entry["scores"][label] = row.scores[label]
                if self.results.champions.get(label) == row.key and rank == 0:
                    entry["champion_of"].append(label)
        ordered = sorted(
            rows.values(), key=lambda e: (-len(e["champion_of"]), -max(e["scores"].values(), default=float("-inf")))
        )
        return ordered

    def get_all_models_info(self) -> dict[str, dict[str, Any]]:
        """Model info of every installed learner, by catalog name (the fields the Mechanic reads)."""
        return {s.name: s.info.to_dict() for s in self.catalog.components if s.kind == "learner"}
