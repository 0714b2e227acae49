"""The registry on a real PostgreSQL server (runs when HURACAN_TEST_POSTGRES_URL is set).

Start one with ``eval "$(.ci/start_postgres.sh)"``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from huracan_core.registry import ModelRegistry, RegistryError

URL = os.environ.get("HURACAN_TEST_POSTGRES_URL")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not URL, reason="HURACAN_TEST_POSTGRES_URL is not set (start one with .ci/start_postgres.sh)"),
]


def _model(path: Path, payload: bytes) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "model.json").write_text('{"a": 1}')
    (path / "weights.bin").write_bytes(payload)
    return path


def test_postgres_lineage_aliases_decisions(tmp_path: Path):
    registry = ModelRegistry(URL, artifacts=tmp_path / "artifacts")
    assert registry.db.dialect == "postgresql"
    name = f"pg-{uuid.uuid4().hex[:8]}"
    v1 = registry.register(
        _model(tmp_path / "a", b"one"),
        name=name,
        component="toy",
        task="regression",
        regime="trending_up",
        data_fingerprint="sha256:1",
        metrics={"ic": 0.02},
        seeds={"s": 1},
    )
    v2 = registry.register(
        _model(tmp_path / "b", b"two"),
        name=name,
        component="toy",
        task="regression",
        regime="trending_up",
        data_fingerprint="sha256:2",
        parent=v1.ref,
    )
    assert (v1.version, v2.version) == (1, 2)
    again = ModelRegistry(URL, artifacts=tmp_path / "artifacts").get(f"{name}:2")
    assert again.parent == v1.ref and again.data_fingerprint == "sha256:2"
    registry.promote(v1.ref)
    registry.promote(v2.ref)
    assert registry.get(f"{name}@champion/trending_up").version == 2
    assert registry.rollback(name, regime="trending_up").version == 1
    decision = registry.record_decision(
        name, promoted=False, reason="p=0.4", evidence={"p_value": 0.4}, challenger=2, champion=1, regime="trending_up"
    )
    assert registry.decisions(name)[-1] == decision
    out = registry.fetch(f"{name}:1", tmp_path / "out")
    assert (out / "weights.bin").read_bytes() == b"one"
    registry.delete(f"{name}:2")
    with pytest.raises(RegistryError, match="not found"):
        registry.get(f"{name}:2")
    registry.close()


def test_postgres_concurrent_registrations(tmp_path: Path):
    name = f"pgc-{uuid.uuid4().hex[:8]}"
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from huracan_core.registry import ModelRegistry
        url, arts, work, tag, name = sys.argv[1:6]
        registry = ModelRegistry(url, artifacts=arts)
        for i in range(25):
            folder = Path(work) / f"{tag}-{i}"
            folder.mkdir(parents=True)
            (folder / "w.bin").write_bytes(f"{tag}-{i}".encode())
            registry.register(folder, name=name, component="toy", task="regression", data_fingerprint=tag)
        print("OK")
        """
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")])
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, URL, str(tmp_path / "arts"), str(tmp_path / "w"), f"p{p}", name],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for p in range(4)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=55)
        assert proc.returncode == 0 and b"OK" in out, err.decode()[-2000:]
    versions = ModelRegistry(URL, artifacts=tmp_path / "arts").list(name)
    assert sorted(v.version for v in versions) == list(range(1, 101))
