"""The Mechanic: regime-aware model selection, validation, registration and retraining.

    from huracan_core.mechanic import UnifiedPipeline
    pipeline = UnifiedPipeline("docs/examples/sp500.yaml")
    results = pipeline.run_complete_pipeline(report=True)
    pipeline.get_models_for_regime("trending")

See ``docs/mechanic.md``. Importing this package does not import numpy or pandas
until a name is used.
"""

from __future__ import annotations

from huracan_core import lazy_exports

_LAZY = {
    "CandidateScore": "huracan_core.mechanic.engine",
    "HoldoutResult": "huracan_core.mechanic.engine",
    "Mechanic": "huracan_core.mechanic.engine",
    "MechanicConfig": "huracan_core.mechanic.config",
    "RunResult": "huracan_core.mechanic.engine",
    "UnifiedPipeline": "huracan_core.mechanic.pipeline",
    "load_bundle": "huracan_core.mechanic.bundle",
    "load_config": "huracan_core.mechanic.config",
    "load_model": "huracan_core.mechanic.predict",
    "predict_latest": "huracan_core.mechanic.predict",
    "register_and_decide": "huracan_core.mechanic.retrain",
    "run_mechanic": "huracan_core.mechanic.pipeline",
    "write_report": "huracan_core.mechanic.report",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = sorted(_LAZY)
