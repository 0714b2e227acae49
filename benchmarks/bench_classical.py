"""Overhead of Huracan's classical learners over the raw libraries: fit + predict, 100,000 × 50.

Run: ``python benchmarks/bench_classical.py [--rows 100000] [--features 50] [--repeats 3]``.
Prints, for a random forest (scikit-learn) and XGBoost, the best-of-N time of
fit + predict through Huracan (DataFrame in, Series out) and through the raw
library (numpy in, numpy out) with identical parameters, and the overhead in %.
The target is ≤ 5 %. Both sides use the same threads (``n_jobs``, default 1).

Two clocks: CPU seconds of this process (``time.process_time``, robust on a
shared machine, the figure to judge) and wall seconds. Raw and Huracan runs
alternate so that load changes on the machine hit both sides alike.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd


def _time(fn: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def _compare(repeats: int, raw: Callable[[], object], huracan: Callable[[], object]) -> dict[str, tuple[float, float]]:
    """Best (cpu, wall) of ``repeats`` alternating runs of each side."""
    runs: dict[str, list[tuple[float, float]]] = {"raw": [], "huracan": []}
    for _ in range(repeats):
        runs["raw"].append(_time(raw))
        runs["huracan"].append(_time(huracan))
    return {side: (min(c for c, _ in r), min(w for _, w in r)) for side, r in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rf-trees", type=int, default=20)
    parser.add_argument("--xgb-rounds", type=int, default=100)
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    index = pd.date_range("2010-01-01", periods=args.rows, freq="1min", tz="UTC", name="timestamp")
    X = pd.DataFrame(
        rng.normal(size=(args.rows, args.features)), index=index, columns=[f"f{i}" for i in range(args.features)]
    )
    y_cls = pd.Series((X["f0"] + 0.5 * X["f1"] + rng.normal(0, 1, args.rows) > 0).astype("int64"), index=index)
    X_np, y_np = np.ascontiguousarray(X.to_numpy()), y_cls.to_numpy()  # raw side gets the best layout

    from huracan_sklearn.learners import RandomForestClassifierLearner
    from sklearn.ensemble import RandomForestClassifier

    rf = {"n_estimators": args.rf_trees, "max_depth": 12, "n_jobs": args.n_jobs, "random_state": 0}
    rf_times = _compare(
        args.repeats,
        lambda: RandomForestClassifier(**rf).fit(X_np, y_np).predict(X_np),
        lambda: RandomForestClassifierLearner(**rf).fit(X, y_cls).predict(X),
    )

    import xgboost as xgb
    from huracan_xgboost.learners import XGBoostClassifier

    xgb_params = {
        "objective": "binary:logistic",
        "eta": 0.1,
        "max_depth": 6,
        "tree_method": "hist",
        "nthread": args.n_jobs,
        "seed": 0,
        "verbosity": 0,
    }

    def raw_xgb() -> object:
        dtrain = xgb.DMatrix(X_np.astype(np.float32), label=y_np, nthread=args.n_jobs)
        booster = xgb.train(xgb_params, dtrain, num_boost_round=args.xgb_rounds)
        return booster.predict(xgb.DMatrix(X_np.astype(np.float32), nthread=args.n_jobs))

    def hur_xgb() -> object:
        model = XGBoostClassifier(
            n_estimators=args.xgb_rounds, learning_rate=0.1, max_depth=6, n_jobs=args.n_jobs, device="cpu"
        )
        return model.fit(X, y_cls).predict(X)

    xgb_times = _compare(args.repeats, raw_xgb, hur_xgb)

    print(f"fit + predict, {args.rows:,} rows x {args.features} features, best of {args.repeats}, n_jobs={args.n_jobs}")
    header = f"{'model':<34}{'clock':>6}{'raw (s)':>10}{'huracan (s)':>13}{'overhead':>10}"
    print(header)
    for name, times in (
        (f"random forest ({args.rf_trees} trees, depth 12)", rf_times),
        (f"xgboost ({args.xgb_rounds} rounds, depth 6)", xgb_times),
    ):
        for i, clock in enumerate(("cpu", "wall")):
            raw, hur = times["raw"][i], times["huracan"][i]
            print(f"{name if i == 0 else '':<34}{clock:>6}{raw:>10.3f}{hur:>13.3f}{100 * (hur - raw) / raw:>9.1f}%")


if __name__ == "__main__":
    main()
