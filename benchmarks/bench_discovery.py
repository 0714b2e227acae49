"""Discovery speed: `huracan models list --json` with every installed plugin, in fresh processes.

Prints the median wall time over N runs and the heavy modules imported (must be none), measured
with `python -X importtime`. Goal (issue 2): median ≤ 0.25 s on a 2-core machine.

    python benchmarks/bench_discovery.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

HEAVY = ("torch", "jax", "xgboost", "sklearn", "optuna", "pandas", "numpy", "scipy", "matplotlib", "talib")
CMD = [sys.executable, "-m", "huracan_core.cli", "models", "list", "--json"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    subprocess.run(CMD, capture_output=True, check=True)  # warm the file-system cache
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = subprocess.run(CMD, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
    envelope = json.loads(result.stdout)
    baseline = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import click, pluggy; from importlib.metadata import entry_points; entry_points(group='huracan')",
            ],
            check=True,
        )
        baseline.append(time.perf_counter() - started)
    trace = subprocess.run([sys.executable, "-X", "importtime", *CMD[1:]], capture_output=True, text=True, check=True)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in trace.stderr.splitlines() if "|" in line}
    heavy = sorted(set(HEAVY) & imported)
    print(f"components listed:          {len(envelope['components'])} (plugin errors: {len(envelope['errors'])})")
    print(
        f"models list --json median:  {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={args.runs})"
    )
    print(f"click+pluggy+entry points:  {statistics.median(baseline):.3f} s median (reference)")
    print(f"heavy modules imported:     {heavy or 'none'}")
    print(f"goal median <= 0.25 s:      {'met' if statistics.median(times) <= 0.25 and not heavy else 'NOT met'}")


if __name__ == "__main__":
    main()
