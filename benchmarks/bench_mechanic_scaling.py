"""How the Mechanic's run time grows with the number of bars (goal: log-log slope <= 1.2).

Runs the whole loop (features, regimes, walk-forward, holdout) on synthetic
1-minute bars at 10k, 100k and 1M rows, restricted to candidates whose model
info ``ideal_dataset_shape`` accepts 1M rows (asked from the catalog, tabular
layout, each with its small ``test_params``), and prints the time per size and
the slope of log(time) against log(rows).

    OMP_NUM_THREADS=1 python benchmarks/bench_mechanic_scaling.py
    python benchmarks/bench_mechanic_scaling.py --sizes 10000 100000 --include logistic_regression
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--include", nargs="*", default=None, help="learner names (default: every tabular learner accepting 1M rows)"
    )
    parser.add_argument("--exclude", nargs="*", default=[])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--task", default="classification")
    args = parser.parse_args()

    from huracan_core import load_catalog
    from huracan_core.mechanic import run_mechanic
    from huracan_core.testing import make_market_frame

    catalog = load_catalog()
    include = args.include
    if include is None:
        include = [
            s.name
            for s in catalog.query(
                kind="learner", task=args.task, n_rows=1_000_000, layout="tabular", installed_only=True
            )
            if s.name not in args.exclude
        ]
    print(f"candidates (accept 1M rows, tabular): {', '.join(include)}")
    recipe = {
        "steps": [
            {"name": "returns", "params": {"horizons": [1, 5, 20], "kind": "log"}},
            {"name": "regime_features", "params": {"trend_window": 20, "vol_window": 20, "percentile_window": 120}},
        ]
    }
    times = []
    for n in args.sizes:
        market = make_market_frame(n, seed=0, freq="1min")
        config = {
            "recipe": recipe,
            "target": {"kind": "direction" if args.task == "classification" else "forward_return", "horizon": 1},
            "regimes": {"detector": "rule_regime_detector", "params": {"trend_window": 20, "percentile_window": 120}},
            "candidates": {"include": include, "use_test_params": True, "specialists": False, "max_candidates": None},
            "validation": {"n_splits": args.folds, "holdout": 0.2},
            "stats": {"n_boot": 200},
        }
        started = time.perf_counter()
        result = run_mechanic(config, market, catalog=catalog, register=False)
        seconds = time.perf_counter() - started
        times.append(seconds)
        fits = {r.key: round(r.fit_seconds, 2) for r in result.leaderboard}
        print(
            f"rows={n:>9,d}  time={seconds:8.2f} s  champion={result.overall_champion}  walk-forward fit seconds={fits}",
            flush=True,
        )
    if len(args.sizes) >= 2:
        slope = float(np.polyfit(np.log(args.sizes), np.log(times), 1)[0])
        pairs = [
            f"{a:,}->{b:,}: {math.log(tb / ta) / math.log(b / a):.2f}"
            for (a, ta), (b, tb) in zip(zip(args.sizes, times), zip(args.sizes[1:], times[1:]))
        ]
        print(f"log-log slope (least squares): {slope:.3f}  (goal <= 1.2); pairwise: {'; '.join(pairs)}")


if __name__ == "__main__":
    main()
