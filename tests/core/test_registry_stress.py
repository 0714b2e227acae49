"""Crash safety and concurrency of the SQLite registry, with real processes.

* kill -9 during model saves, 50 times: no version is ever visible without its
  complete, hash-matching artifact.
* 8 processes x 50 concurrent registrations: 0 errors, 400 unique versions.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from huracan_core.registry import ModelRegistry

WORKER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from huracan_core.registry import ModelRegistry

    reg_path, work, count, size, tag = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    registry = ModelRegistry(reg_path)
    print("ready", flush=True)
    errors = 0
    for i in range(count):
        folder = work / f"{tag}-{i}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "model.json").write_text('{"i": %d, "tag": "%s"}' % (i, tag))
        (folder / "weights.bin").write_bytes(os.urandom(size))
        try:
            registry.register(folder, name=sys.argv[6] if len(sys.argv) > 6 else tag, component="toy", task="regression",
                              data_fingerprint="sha256:" + tag, seeds={"i": i})
        except Exception as exc:  # counted, reported on stderr
            errors += 1
            print(f"ERROR {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        if count > 1000:
            print(i, flush=True)
    print(f"DONE errors={errors}", flush=True)
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")])
    return env


@pytest.mark.slow
def test_kill_minus_9_during_saves_never_exposes_incomplete_versions(tmp_path: Path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    reg_path = tmp_path / "reg"
    ModelRegistry(reg_path)  # create the schema once
    delays = [0.005 + 0.013 * (k % 17) for k in range(50)]  # 5 .. 213 ms after the worker is ready: mid-save
    started = time.monotonic()
    kills = 0
    for k, delay in enumerate(delays):
        proc = subprocess.Popen(
            [
                sys.executable,
                str(script),
                str(reg_path),
                str(tmp_path / "work"),
                "100000",
                str(1 << 20),
                f"k{k}",
                "crashy",
            ],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"  # imports done: the kill lands in the save loop
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGKILL, stderr.decode()[-2000:]
        assert b"ERROR" not in stderr, stderr.decode()[-2000:]
        kills += 1
        # after every crash: each visible version is complete and hash-verified
        registry = ModelRegistry(reg_path)
        for mv in registry.list("crashy"):
            assert set(mv.files) == {"model.json", "weights.bin"}
            assert mv.files["weights.bin"]["size"] == 1 << 20
            registry.verify(mv)
    elapsed = time.monotonic() - started
    assert kills == 50
    assert elapsed < 60, f"50 kills took {elapsed:.1f}s"
    registry = ModelRegistry(reg_path)
    versions = registry.list("crashy")
    assert versions, "no registration ever completed: the kill window is too short to exercise commits"
    numbers = [v.version for v in versions]
    assert len(set(numbers)) == len(numbers)
    # interrupted writes only ever leave temporary files or unreferenced objects, which gc removes
    registry.gc(tmp_older_than=0)
    assert not list((reg_path / "artifacts" / "tmp").iterdir())
    for mv in versions:
        registry.verify(mv)


@pytest.mark.slow
def test_eight_processes_fifty_registrations_each(tmp_path: Path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    reg_path = tmp_path / "reg"
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(reg_path), str(tmp_path / "work"), "50", "256", f"p{p}", "shared"],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for p in range(8)
    ]
    outputs = [proc.communicate(timeout=55) for proc in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err.decode()[-2000:]
        assert b"DONE errors=0" in out, (out + err).decode()[-2000:]
    registry = ModelRegistry(reg_path)
    versions = registry.list("shared")
    assert len(versions) == 400
    assert sorted(v.version for v in versions) == list(range(1, 401))
    assert len({(v.seeds["i"], v.data_fingerprint) for v in versions}) == 400
    for mv in versions[::40]:
        registry.verify(mv)
