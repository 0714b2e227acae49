"""The model registry: lineage, references, aliases, verification, fsspec, CLI."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from huracan_core import ArtifactError
from huracan_core._cli.registry import command as registry_cli
from huracan_core.registry import ModelRegistry, RegistryError, data_fingerprint, looks_like_pickle, parse_ref


def _model_dir(path: Path, payload: bytes = b"weights") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "model.json").write_text(json.dumps({"format": "test", "n": 3}))
    (path / "weights.bin").write_bytes(payload)
    (path / "sub").mkdir(exist_ok=True)
    (path / "sub" / "extra.npz").write_bytes(b"PK\x03\x04" + payload[::-1])
    return path


LINEAGE = {
    "component": "toy_learner",
    "task": "regression",
    "data_fingerprint": "sha256:abc",
    "metrics": {"ic": 0.031, "sharpe": np.float64(0.8), "per_regime": {"ranging": {"ic": 0.05}}, "bad": float("nan")},
    "params": {"depth": 3, "lr": 0.1, "cols": ("a", "b")},
    "recipe": {"steps": [{"name": "returns", "params": {"window": 5}}]},
    "plugins": {"huracan-core": "0.1.0", "huracan-classic": "0.1.0"},
    "seeds": {"random_state": 7},
    "tags": {"owner": "ci"},
}


@pytest.fixture
def registry(tmp_path: Path) -> ModelRegistry:
    return ModelRegistry(tmp_path / "reg")


def test_lineage_round_trip_and_versions(registry: ModelRegistry, tmp_path: Path):
    src = _model_dir(tmp_path / "m")
    v1 = registry.register(src, name="spy-dir", regime="ranging", **LINEAGE)
    v2 = registry.register(src, name="spy-dir", parent="spy-dir:1", **LINEAGE)
    other = registry.register(src, name="other", **LINEAGE)
    assert (v1.version, v2.version, other.version) == (1, 2, 1)
    again = ModelRegistry(tmp_path / "reg").get("spy-dir:1")  # a fresh instance reads the same
    assert again == v1
    assert again.component == "toy_learner" and again.task == "regression" and again.regime == "ranging"
    assert again.metrics == {"ic": 0.031, "sharpe": 0.8, "per_regime": {"ranging": {"ic": 0.05}}, "bad": None}
    assert again.params == {"depth": 3, "lr": 0.1, "cols": ["a", "b"]}
    assert again.recipe == LINEAGE["recipe"] and again.plugins == LINEAGE["plugins"]
    assert again.seeds == {"random_state": 7} and again.tags == {"owner": "ci"}
    assert again.data_fingerprint == "sha256:abc" and again.parent is None
    assert registry.get("spy-dir:2").parent == "spy-dir:1"
    assert set(again.files) == {"model.json", "weights.bin", "sub/extra.npz"}
    assert again.files["weights.bin"]["size"] == len(b"weights")
    assert registry.get("spy-dir:latest").version == 2
    assert [v.ref for v in registry.list()] == ["other:1", "spy-dir:1", "spy-dir:2"]
    assert [v.ref for v in registry.list("spy-dir", regime="ranging")] == ["spy-dir:1"]
    assert registry.names() == ["other", "spy-dir"]
    out = registry.fetch("spy-dir:1", tmp_path / "out")
    assert (out / "sub" / "extra.npz").read_bytes() == (src / "sub" / "extra.npz").read_bytes()
    assert json.loads((out / "model.json").read_text()) == {"format": "test", "n": 3}
    # identical content is stored once
    objects = [p for p in (tmp_path / "reg" / "artifacts" / "objects").rglob("*") if p.is_file()]
    assert len(objects) == 3
    with pytest.raises(RegistryError, match="spy-dir:9 not found: model 'spy-dir' has 2 version"):
        registry.get("spy-dir:9")
    with pytest.raises(RegistryError, match="no model named 'nope'"):
        registry.get("nope:1")
    with pytest.raises(RegistryError, match="not found"):
        registry.register(src, name="x", parent="spy-dir:7", **LINEAGE)


def test_register_learner_object_mapping_and_file(registry: ModelRegistry, tmp_path: Path):
    class Saver:
        def save(self, path: str | Path) -> None:
            Path(path, "params.json").write_text('{"a": 1}')

    mv = registry.register(Saver(), name="obj", **LINEAGE)
    assert set(mv.files) == {"params.json"}
    mv2 = registry.register({"w.bin": b"\x00\x01", "cfg/model.json": b"{}"}, name="obj", **LINEAGE)
    assert set(mv2.files) == {"w.bin", "cfg/model.json"}
    single = tmp_path / "only.ubj"
    single.write_bytes(b"{ubj}")
    assert set(registry.register(single, name="obj", **LINEAGE).files) == {"only.ubj"}
    with pytest.raises(ArtifactError, match="must be a relative path"):
        registry.register({"../escape.bin": b"x"}, name="obj", **LINEAGE)
    with pytest.raises(ValueError, match="invalid model name"):
        registry.register(single, name="bad name", **LINEAGE)
    with pytest.raises(ValueError, match="unknown regime 'sideways'"):
        registry.register(single, name="obj", regime="sideways", **LINEAGE)
    with pytest.raises(TypeError, match="cannot register a int"):
        registry.register(5, name="obj", **LINEAGE)
    with pytest.raises(ArtifactError, match="is empty"):
        (tmp_path / "empty").mkdir()
        registry.register(tmp_path / "empty", name="obj", **LINEAGE)


def test_pickles_refused_at_registration(registry: ModelRegistry, tmp_path: Path):
    src = _model_dir(tmp_path / "m")
    (src / "model.pkl").write_bytes(b"anything")
    with pytest.raises(ArtifactError, match=r"model.pkl is a pickle"):
        registry.register(src, name="p", **LINEAGE)
    disguised = _model_dir(tmp_path / "m2")
    (disguised / "weights.bin").write_bytes(pickle.dumps({"w": list(range(100))}, protocol=4))
    with pytest.raises(ArtifactError, match=r"weights.bin is a Python pickle"):
        registry.register(disguised, name="p", **LINEAGE)
    assert registry.list() == []
    # a safetensors header that starts with byte 0x80 is not mistaken for a pickle
    header = b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'.ljust(0x280)
    assert not looks_like_pickle(len(header).to_bytes(8, "little") + header)
    assert all(looks_like_pickle(pickle.dumps([1, 2, 3], protocol=p)) for p in (2, 3, 4, 5))


def _object_path(registry: ModelRegistry, sha: str) -> Path:
    return Path(registry.artifacts.object_path(sha))


def test_flipped_byte_refused_on_load(registry: ModelRegistry, tmp_path: Path):
    mv = registry.register(_model_dir(tmp_path / "m", os.urandom(4096)), name="flip", **LINEAGE)
    entry = mv.files["weights.bin"]
    path = _object_path(registry, entry["sha256"])
    data = bytearray(path.read_bytes())
    data[1234] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError) as info:
        registry.fetch("flip:1", tmp_path / "out")
    message = str(info.value)
    assert "'weights.bin' of flip:1" in message
    assert f"expected sha256 {entry['sha256']}" in message
    import hashlib

    assert f"got {hashlib.sha256(bytes(data)).hexdigest()}" in message
    assert not (tmp_path / "out" / "weights.bin").exists()  # nothing unverified is left behind
    with pytest.raises(ArtifactError, match="weights.bin"):
        registry.verify("flip:1")


def test_pickle_put_in_place_refused_on_load(registry: ModelRegistry, tmp_path: Path):
    mv = registry.register(_model_dir(tmp_path / "m"), name="swap", **LINEAGE)
    path = _object_path(registry, mv.files["model.json"]["sha256"])
    path.write_bytes(pickle.dumps({"format": "test"}))
    with pytest.raises(ArtifactError, match=r"'model.json' of swap:1 failed verification.*Python pickle"):
        registry.fetch(mv, tmp_path / "out")
    path.unlink()
    with pytest.raises(ArtifactError, match=r"'model.json' of swap:1 is missing"):
        registry.fetch(mv, tmp_path / "out2")


def test_aliases_promote_rollback_delete_and_decisions(registry: ModelRegistry, tmp_path: Path):
    for i in range(4):
        registry.register(_model_dir(tmp_path / f"m{i}", bytes([i]) * 10), name="s", regime="ranging", **LINEAGE)
    assert registry.promote("s:1").aliases == ("champion/ranging",)
    registry.set_alias("s", "challenger", 2, regime="ranging")
    assert registry.get("s@challenger/ranging").version == 2
    promoted = registry.promote("s:2")  # the challenger becomes champion, its challenger alias is cleared
    assert promoted.aliases == ("champion/ranging",)
    registry.promote("s:3")
    registry.promote("s:4", regime=None)  # overall champion
    assert registry.get("s").version == 4 and registry.get("s@champion").version == 4
    assert registry.get("s@champion/ranging").version == 3
    assert registry.get("s@champion/current", current_regime="ranging").version == 3
    with pytest.raises(RegistryError, match="needs the current regime"):
        registry.get("s@champion/current")
    with pytest.raises(
        RegistryError, match=r"no champion/volatile for model 's'; aliases set: s@champion, s@champion/ranging"
    ):
        registry.get("s@champion/volatile")
    assert [v.ref for v in registry.list(alias="champion")] == ["s:3", "s:4"]
    assert registry.rollback("s", regime="ranging").version == 2
    assert registry.rollback("s", regime="ranging").version == 1  # rolls further back, no toggling
    with pytest.raises(RegistryError, match="no earlier champion"):
        registry.rollback("s", regime="ranging")
    registry.promote("s:3")
    with pytest.raises(RegistryError, match=r"s:3 is s@champion/ranging; promote another version first"):
        registry.delete("s:3")
    registry.delete("s:3", force=True)
    with pytest.raises(RegistryError, match="no champion/ranging"):
        registry.get("s@champion/ranging")
    assert registry.rollback("s", regime="ranging").version == 1  # the deleted version is skipped
    assert [v.version for v in registry.list("s")] == [1, 2, 4]
    assert registry.list("s", include_deleted=True)[2].deleted
    assert registry.register(_model_dir(tmp_path / "m9"), name="s", **LINEAGE).version == 5  # never reused
    # deleted version's unshared object is gone; shared objects stay
    d = registry.record_decision(
        "s",
        promoted=False,
        reason="margin 0.1% < 0.5%",
        evidence={"p_value": 0.4, "margin": np.float64(0.001)},
        challenger="s:2",
        champion=1,
        regime="ranging",
    )
    registry.record_decision("s", promoted=True, reason="better", evidence={"p_value": 0.01}, challenger=5)
    assert d.evidence == {"p_value": 0.4, "margin": 0.001} and d.challenger == 2 and d.champion == 1
    assert [x.reason for x in registry.decisions("s")] == ["margin 0.1% < 0.5%", "better"]
    assert [x.id for x in registry.decisions("s", regime="ranging")] == [d.id]
    assert [x.promoted for x in registry.decisions("s", regime=None)] == [True]
    actions = [h["action"] for h in registry.history("s")]
    assert actions.count("promote") == 5 and "rollback" in actions and "delete" in actions


def test_delete_removes_unshared_objects_only(registry: ModelRegistry, tmp_path: Path):
    a = registry.register(_model_dir(tmp_path / "a", b"AAA"), name="d", **LINEAGE)
    b = registry.register(_model_dir(tmp_path / "b", b"BBB"), name="d", **LINEAGE)
    registry.delete(a.ref)
    assert not _object_path(registry, a.files["weights.bin"]["sha256"]).exists()
    assert _object_path(registry, a.files["model.json"]["sha256"]).exists()  # shared with b
    registry.verify(b.ref)


def test_references_grammar():
    assert parse_ref("m:3").version == 3
    assert parse_ref("m:latest").latest
    assert (parse_ref("m").alias, parse_ref("m").regime) == ("champion", None)
    assert (parse_ref("m@challenger/volatile").alias, parse_ref("m@challenger/volatile").regime) == (
        "challenger",
        "volatile",
    )
    assert str(parse_ref("m@champion/trending_up")) == "m@champion/trending_up"
    for bad, message in [
        ("m:0", "positive integer"),
        ("m@boss", "unknown alias"),
        ("m@champion/sideways", "unknown regime"),
        ("", "non-empty"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_ref(bad)


def test_data_fingerprint_detects_any_change():
    idx = pd.date_range("2020", periods=50, freq="D", tz="UTC")
    frame = pd.DataFrame({"close": np.linspace(1, 2, 50), "volume": np.arange(50)}, index=idx)
    fp = data_fingerprint(frame)
    assert fp.startswith("sha256:") and fp == data_fingerprint(frame.copy())
    changed = frame.copy()
    changed.iloc[30, 0] += 1e-12
    assert data_fingerprint(changed) != fp
    assert data_fingerprint(frame.iloc[:-1]) != fp
    assert data_fingerprint(frame.set_axis(idx + pd.Timedelta("1h"))) != fp
    assert data_fingerprint(frame.rename(columns={"volume": "vol"})) != fp
    assert data_fingerprint(frame["close"]) != fp
    assert data_fingerprint(np.arange(4)) != data_fingerprint(np.arange(4.0))


def test_fsspec_memory_artifacts(tmp_path: Path):
    pytest.importorskip("fsspec")
    import fsspec

    url = f"memory://huracan-{os.getpid()}-{tmp_path.name}"
    registry = ModelRegistry(tmp_path / "db", artifacts=url)
    mv = registry.register(_model_dir(tmp_path / "m", b"in memory"), name="mem", **LINEAGE)
    fs = fsspec.filesystem("memory")
    sha = mv.files["weights.bin"]["sha256"]
    assert fs.cat(registry.artifacts.object_path(sha)) == b"in memory"
    root = url.removeprefix("memory://")
    assert not [p for p in fs.find(root) if "/tmp/" in p]  # temporary write names were renamed away
    out = registry.fetch("mem:1", tmp_path / "out")
    assert (out / "weights.bin").read_bytes() == b"in memory"
    with fs.open(registry.artifacts.object_path(sha), "wb") as handle:
        handle.write(b"in memorY")
    with pytest.raises(ArtifactError, match="expected sha256"):
        registry.fetch("mem:1", tmp_path / "out2")
    registry.delete("mem:1")
    assert not fs.exists(registry.artifacts.object_path(mv.files["model.json"]["sha256"]))


def test_default_location_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HURACAN_REGISTRY", raising=False)
    ModelRegistry()
    assert (tmp_path / "huracan-registry" / "registry.db").is_file()
    assert (tmp_path / "huracan-registry" / "artifacts" / "objects").is_dir()
    monkeypatch.setenv("HURACAN_REGISTRY", str(tmp_path / "elsewhere"))
    assert "elsewhere" in ModelRegistry().url
    reg = ModelRegistry(f"sqlite:///{tmp_path / 'x' / 'models.db'}")
    assert reg.artifacts.url == str(tmp_path / "x" / "artifacts")
    import sqlite3

    with sqlite3.connect(tmp_path / "x" / "models.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_load_uses_the_components_loader(registry: ModelRegistry, tmp_path: Path):
    class Spec:
        def load(self) -> type:
            return Loader

    class Loader:
        @classmethod
        def load(cls, path: str) -> dict:
            return json.loads(Path(path, "model.json").read_text())

    class Catalog:
        def get(self, name: str) -> Spec:
            assert name == "toy_learner"
            return Spec()

    registry.register(_model_dir(tmp_path / "m"), name="ld", **LINEAGE)
    assert registry.load("ld:1", catalog=Catalog()) == {"format": "test", "n": 3}


# ---------------------------------------------------------------------------------------------- CLI
def _cli(args: list[str], reg: Path) -> tuple[int, str]:
    result = CliRunner().invoke(registry_cli, [*args, "--registry", str(reg)])
    return result.exit_code, result.output


def test_cli_list_show_promote_rollback_delete(tmp_path: Path):
    reg_path = tmp_path / "reg"
    registry = ModelRegistry(reg_path)
    for i in range(2):
        registry.register(_model_dir(tmp_path / f"m{i}", bytes([i + 1]) * 8), name="cli", regime="volatile", **LINEAGE)
    code, out = _cli(["list", "--json"], reg_path)
    assert code == 0
    envelope = json.loads(out)
    assert set(envelope) == {"schema_version", "models", "errors"} and envelope["errors"] == []
    assert [m["ref"] for m in envelope["models"]] == ["cli:1", "cli:2"]
    code, out = _cli(["promote", "cli:1"], reg_path)
    assert code == 0 and "cli:1 is now champion/volatile" in out
    code, out = _cli(["promote", "cli:2", "--json"], reg_path)
    assert json.loads(out)["models"][0]["aliases"] == ["champion/volatile"]
    code, out = _cli(["list"], reg_path)
    assert code == 0 and "champion/volatile" in out and "REF" in out and "ic=0.031" in out
    code, out = _cli(["rollback", "cli", "--regime", "volatile", "--json"], reg_path)
    assert code == 0 and json.loads(out)["models"][0]["ref"] == "cli:1"
    code, out = _cli(["show", "cli@champion/volatile", "--json"], reg_path)
    shown = json.loads(out)
    assert shown["models"][0]["ref"] == "cli:1" and shown["models"][0]["data_fingerprint"] == "sha256:abc"
    assert [h["action"] for h in shown["history"]] == ["promote", "promote", "rollback"]
    code, out = _cli(["show", "cli:2"], reg_path)
    assert code == 0 and "data fingerprint: sha256:abc" in out and "weights.bin" in out
    code, out = _cli(["delete", "cli:1", "--json"], reg_path)
    assert code == 1 and "promote another version first" in json.loads(out)["errors"][0]
    code, out = _cli(["delete", "cli:2", "--yes"], reg_path)
    assert code == 0 and "deleted cli:2" in out
    code, out = _cli(["show", "cli:9", "--json"], reg_path)
    assert code == 1 and json.loads(out)["models"] == [] and "not found" in json.loads(out)["errors"][0]
    code, out = _cli(["show", "cli:9"], reg_path)
    assert code == 1 and "Error: model reference cli:9 not found" in out


def test_cli_registry_from_env(tmp_path: Path):
    reg_path = tmp_path / "envreg"
    ModelRegistry(reg_path).register(_model_dir(tmp_path / "m"), name="envm", **LINEAGE)
    result = CliRunner().invoke(registry_cli, ["list", "--json"], env={"HURACAN_REGISTRY": str(reg_path)})
    assert result.exit_code == 0 and json.loads(result.output)["models"][0]["ref"] == "envm:1"
