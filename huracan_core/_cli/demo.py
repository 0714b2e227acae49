"""``huracan demo``: the whole loop on the embedded real S&P 500 data, in under two minutes.

The demo is ``huracan run`` with a fixed configuration (``DEMO_CONFIG``): the
last ``DEMO_BARS`` daily bars of ``sp500_daily``, the default feature recipe,
next-day direction, at most ``DEMO_MAX_CANDIDATES`` learners and at most
``DEMO_MAX_PER_BACKEND`` per backend, so every installed family competes (fast
backends first, each with its small ``test_params``) and ``DEMO_FOLDS`` walk-forward
folds. Models go to a registry inside the output folder, so a second demo run
shows a retraining decision, and ``huracan predict`` can use them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

DEMO_BARS = 2500
DEMO_MAX_CANDIDATES = 10
DEMO_MAX_PER_BACKEND = 3
DEMO_FOLDS = 3
DEMO_OUTPUT = "huracan-runs/demo"

DEMO_CONFIG: dict[str, Any] = {
    "data": {"dataset": "sp500_daily", "last_n": DEMO_BARS},
    "recipe": "default",
    "target": {"kind": "direction", "horizon": 1},
    "regimes": {"detector": "rule_regime_detector"},
    "candidates": {
        "max_candidates": DEMO_MAX_CANDIDATES,
        "max_per_backend": DEMO_MAX_PER_BACKEND,
        "prefer_backends": ["sklearn", "numpy", "xgboost", "torch", "jax"],
        "layouts": ["tabular", "window"],
        "use_test_params": True,
        "specialists": True,
    },
    "validation": {"n_splits": DEMO_FOLDS, "holdout": 0.2, "metric": "sharpe"},
    "costs": {"bps": 1.0},
    "registry": {"name": "sp500-demo"},
    "report": {"format": "html"},
    "seed": 0,
}


@click.command("demo")
@click.option("--output", default=DEMO_OUTPUT, show_default=True, help="Folder for the report and the model registry.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def command(output: str, quiet: bool) -> None:
    """Run the Mechanic end to end on real S&P 500 daily data (no arguments needed).

    Uses the installed plugins, at most 6 candidate learners and 3 walk-forward
    folds; prints where the HTML report is.
    """
    from huracan_core._cli.run import execute, print_summary

    started = time.perf_counter()
    folder = Path(output)
    config = {
        **DEMO_CONFIG,
        "registry": {**DEMO_CONFIG["registry"], "url": str(folder / "registry")},
        "report": {**DEMO_CONFIG["report"], "folder": str(folder / "report")},
    }
    result = execute(config, report=None, registry=None, no_register=False, fmt=None, quiet=quiet)
    print_summary(result)
    click.echo(f"demo finished in {time.perf_counter() - started:.0f} s. Open {result.report_path}")
    click.echo(
        f"predict the next bar with the champion for today's regime:\n"
        f"  huracan predict sp500-demo@champion/current sp500_daily --registry {folder / 'registry'}"
    )
