"""The model registry: versioned trained models with lineage, aliases and decisions.

Why it is built this way:

* **Visible means complete.** Artifact files are written (atomically,
  content-addressed) *before* the version's row is inserted, and the row is
  inserted in one transaction that first re-checks that every object exists.
  A crash at any moment leaves either no version or a complete one.
* **Verified on every load.** :meth:`ModelRegistry.fetch` re-hashes every byte
  it copies and refuses a mismatch (a flipped byte, a pickle swapped in) with
  :class:`~huracan_core.ArtifactError`. Files that are pickles are refused at
  registration too: artifacts must load without executing code.
* **Aliases per regime.** ``champion`` and ``challenger`` exist overall and for
  each regime; every change is kept in a history so :meth:`rollback` can
  restore the previous champion, and promotion decisions are stored with their
  evidence (:meth:`record_decision`).
"""

from __future__ import annotations

import builtins
import hashlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from types import EllipsisType
from typing import Any

from huracan_core._errors import ArtifactError
from huracan_core.registry._artifacts import PICKLE_SUFFIXES, ArtifactStore, looks_like_pickle, sha256_file
from huracan_core.registry._db import SQLAlchemyDatabase, SQLiteDatabase, Transaction, open_database
from huracan_core.registry._refs import ALIASES, ModelRef, check_name, check_regime, parse_ref

__all__ = ["DEFAULT_REGISTRY", "Decision", "ModelRegistry", "ModelVersion", "RegistryError"]

logger = logging.getLogger(__name__)

DEFAULT_REGISTRY = "./huracan-registry"
REGISTRY_SCHEMA_VERSION = "1.0"


class RegistryError(LookupError):
    """A reference cannot be resolved or an operation is not allowed (message says why)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _clean(value: Any) -> Any:
    """JSON-safe copy: numpy scalars/arrays to Python, non-finite floats to None, tuples to lists."""
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        return _clean(value.tolist())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str | int | bool) or value is None:
        return value
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"value {value!r} of type {type(value).__name__} cannot be stored as JSON in the registry")


def _dumps(value: Any) -> str:
    return json.dumps(_clean(value), sort_keys=True, allow_nan=False)


@dataclass(frozen=True)
class ModelVersion:
    """One registered model version and its lineage."""

    name: str
    version: int
    component: str
    """Catalog name of the learner (its factory's class ``load`` reads the artifact)."""
    task: str
    regime: str | None
    """The regime the model was trained/selected for; ``None`` = all bars."""
    metrics: dict[str, Any]
    params: dict[str, Any]
    recipe: dict[str, Any] | None
    data_fingerprint: str
    plugins: dict[str, str]
    """Distribution name → version of every plugin involved (and huracan-core)."""
    seeds: dict[str, Any]
    parent: str | None
    """``name:version`` of the model this one was retrained from, if any."""
    tags: dict[str, Any]
    files: dict[str, dict[str, Any]]
    """Relative path → ``{"sha256": ..., "size": ...}``."""
    artifact_sha256: str
    created_at: str
    aliases: tuple[str, ...] = field(default=())
    """e.g. ``("champion", "challenger/ranging")``."""
    deleted: bool = False

    @property
    def ref(self) -> str:
        return f"{self.name}:{self.version}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ref"] = self.ref
        data["aliases"] = list(self.aliases)
        return data


@dataclass(frozen=True)
class Decision:
    """A stored promotion decision with its evidence."""

    id: int
    name: str
    regime: str | None
    challenger: int | None
    champion: int | None
    promoted: bool
    reason: str
    evidence: dict[str, Any]
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _regime_key(regime: str | None) -> str:
    return check_regime(regime) or ""


def _alias_label(alias: str, regime_key: str) -> str:
    return f"{alias}/{regime_key}" if regime_key else alias


def _safe_relpath(rel: str) -> str:
    path = PurePosixPath(rel.replace(os.sep, "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or rel.startswith("/"):
        raise ArtifactError(f"artifact file name {rel!r} must be a relative path inside the model folder")
    return path.as_posix()


def _check_not_pickle(path: Path, rel: str) -> None:
    if path.suffix.lower() in PICKLE_SUFFIXES:
        raise ArtifactError(
            f"artifact file {rel} is a pickle ({path.suffix}); Huracan artifacts must load without executing code"
        )
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if looks_like_pickle(head):
        raise ArtifactError(
            f"artifact file {rel} is a Python pickle; Huracan artifacts must load without executing code"
        )


class ModelRegistry:
    """Persistent store of trained model versions.

    Args:
        url: a folder (``registry.db`` and ``artifacts/`` inside it; the default
            is ``$HURACAN_REGISTRY`` or ``./huracan-registry``), ``sqlite:///path.db``,
            or a SQLAlchemy URL such as ``postgresql+psycopg://user:pw@host/db``.
        artifacts: where artifact objects live: a local folder or any fsspec URL
            (``s3://bucket/prefix``, ``memory://reg``). Default: ``artifacts/``
            next to the SQLite file, or ``$HURACAN_REGISTRY_ARTIFACTS`` /
            ``./huracan-registry/artifacts`` for a database server.
        busy_timeout: seconds a SQLite writer waits for the lock.
    """

    def __init__(
        self,
        url: str | os.PathLike[str] | None = None,
        artifacts: str | os.PathLike[str] | None = None,
        *,
        busy_timeout: float = 60.0,
    ) -> None:
        text = os.fspath(url) if url is not None else os.environ.get("HURACAN_REGISTRY") or DEFAULT_REGISTRY
        if text.startswith("sqlite:///"):
            db_url, default_artifacts = text, str(Path(text[len("sqlite:///") :]).absolute().parent / "artifacts")
        elif "://" in text:
            db_url = text
            default_artifacts = os.environ.get("HURACAN_REGISTRY_ARTIFACTS") or str(
                Path(DEFAULT_REGISTRY) / "artifacts"
            )
        elif text.endswith((".db", ".sqlite", ".sqlite3")):
            db_url, default_artifacts = (
                f"sqlite:///{Path(text).absolute()}",
                str(Path(text).absolute().parent / "artifacts"),
            )
        else:
            folder = Path(text).absolute()
            db_url, default_artifacts = f"sqlite:///{folder / 'registry.db'}", str(folder / "artifacts")
        self.db: SQLiteDatabase | SQLAlchemyDatabase = open_database(db_url, busy_timeout=busy_timeout)
        self.artifacts = ArtifactStore(os.fspath(artifacts) if artifacts is not None else default_artifacts)
        self.url = db_url

    def __repr__(self) -> str:
        return f"ModelRegistry({self.db!r}, artifacts={self.artifacts.url!r})"

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ModelRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ registration
    def register(
        self,
        model: Any,
        *,
        name: str,
        component: str,
        task: str,
        data_fingerprint: str,
        regime: str | None = None,
        metrics: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        recipe: Mapping[str, Any] | None = None,
        plugins: Mapping[str, str] | None = None,
        seeds: Mapping[str, Any] | None = None,
        parent: str | ModelVersion | None = None,
        tags: Mapping[str, Any] | None = None,
    ) -> ModelVersion:
        """Store a model as the next version of ``name`` and return it.

        ``model`` is a folder written by a learner's ``save``, a single file, a
        mapping ``{relative name: path or bytes}``, or a fitted learner (anything
        with ``save(dir)``; it is saved to a temporary folder first). Versions
        count up per name from 1 and are never reused. ``parent`` may be any
        reference; it is stored as the concrete ``name:version`` it resolves to.
        """
        check_name(name)
        regime_key = _regime_key(regime)
        with tempfile.TemporaryDirectory(prefix="huracan-register-") as scratch:
            files = self._collect(model, Path(scratch))
            manifest: dict[str, dict[str, Any]] = {}
            for rel, path in sorted(files.items()):
                _check_not_pickle(path, rel)
                manifest[rel] = {"sha256": sha256_file(path), "size": path.stat().st_size}
            for rel, entry in manifest.items():  # outside the lock: the slow part
                if not self.artifacts.exists(entry["sha256"], entry["size"]):
                    self.artifacts.put_file(files[rel], entry["sha256"])
            artifact_sha = hashlib.sha256(_dumps(manifest).encode()).hexdigest()
            row: dict[str, Any] = {
                "name": name,
                "component": component,
                "task": task,
                "regime": regime_key or None,
                "metrics": _dumps(metrics or {}),
                "params": _dumps(params or {}),
                "recipe": _dumps(recipe) if recipe is not None else None,
                "data_fingerprint": str(data_fingerprint),
                "plugins": _dumps(plugins or {}),
                "seeds": _dumps(seeds or {}),
                "tags": _dumps(tags or {}),
                "manifest": _dumps(manifest),
                "artifact_sha256": artifact_sha,
                "created_at": _now(),
            }
            with self.db.write() as tx:
                # under the write lock: a concurrent gc may have removed a not-yet-referenced object
                for rel, entry in manifest.items():
                    if not self.artifacts.exists(entry["sha256"], entry["size"]):
                        self.artifacts.put_file(files[rel], entry["sha256"])
                row["parent"] = self._resolve_parent(tx, parent)
                version = tx.execute(
                    "INSERT INTO model_names (name, last_version) VALUES (:name, 1) "
                    "ON CONFLICT (name) DO UPDATE SET last_version = model_names.last_version + 1 "
                    "RETURNING last_version",
                    {"name": name},
                )[0]["last_version"]
                row["version"] = int(version)
                tx.execute(
                    "INSERT INTO model_versions (name, version, component, task, regime, metrics, params, recipe, "
                    "data_fingerprint, plugins, seeds, parent, tags, manifest, artifact_sha256, created_at, deleted) "
                    "VALUES (:name, :version, :component, :task, :regime, :metrics, :params, :recipe, :data_fingerprint, "
                    ":plugins, :seeds, :parent, :tags, :manifest, :artifact_sha256, :created_at, 0)",
                    row,
                )
        logger.info("registered %s:%s (%s, %d files)", name, row["version"], component, len(manifest))
        return self.get(f"{name}:{row['version']}")

    def _collect(self, model: Any, scratch: Path) -> dict[str, Path]:
        if isinstance(model, str | os.PathLike):
            path = Path(model)
            if path.is_dir():
                found = {
                    _safe_relpath(p.relative_to(path).as_posix()): p for p in sorted(path.rglob("*")) if p.is_file()
                }
                if not found:
                    raise ArtifactError(f"model folder {path} is empty; save the model into it first")
                return found
            if path.is_file():
                return {_safe_relpath(path.name): path}
            raise ArtifactError(f"model artifact {path} does not exist")
        if isinstance(model, Mapping):
            out: dict[str, Path] = {}
            for index, (rel, content) in enumerate(model.items()):
                rel = _safe_relpath(str(rel))
                if isinstance(content, bytes | bytearray):
                    target = scratch / "bytes" / str(index)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(bytes(content))
                    out[rel] = target
                else:
                    source = Path(content)
                    if not source.is_file():
                        raise ArtifactError(f"artifact file {rel} points to {source}, which is not a file")
                    out[rel] = source
            if not out:
                raise ArtifactError("no artifact files given")
            return out
        if callable(getattr(model, "save", None)):
            folder = scratch / "model"
            folder.mkdir()
            model.save(folder)
            return self._collect(folder, scratch)
        raise TypeError(
            f"cannot register a {type(model).__name__}: pass a saved model folder, a file, a mapping of files, "
            "or a fitted learner with a save(dir) method"
        )

    def _resolve_parent(self, tx: Transaction, parent: str | ModelVersion | None) -> str | None:
        if parent is None:
            return None
        if isinstance(parent, ModelVersion):
            return parent.ref
        return self._resolve(tx, parse_ref(parent), None, include_deleted=True).ref

    # ------------------------------------------------------------------ lookups
    def _row_to_version(self, row: Mapping[str, Any], aliases: Iterable[str] = ()) -> ModelVersion:
        return ModelVersion(
            name=row["name"],
            version=int(row["version"]),
            component=row["component"],
            task=row["task"],
            regime=row["regime"] or None,
            metrics=json.loads(row["metrics"]),
            params=json.loads(row["params"]),
            recipe=json.loads(row["recipe"]) if row["recipe"] is not None else None,
            data_fingerprint=row["data_fingerprint"],
            plugins=json.loads(row["plugins"]),
            seeds=json.loads(row["seeds"]),
            parent=row["parent"],
            tags=json.loads(row["tags"]),
            files=json.loads(row["manifest"]),
            artifact_sha256=row["artifact_sha256"],
            created_at=row["created_at"],
            aliases=tuple(sorted(aliases)),
            deleted=bool(row["deleted"]),
        )

    def _aliases_of(self, tx: Transaction, name: str) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for row in tx.execute("SELECT alias, regime, version FROM model_aliases WHERE name = :name", {"name": name}):
            out.setdefault(int(row["version"]), []).append(_alias_label(row["alias"], row["regime"]))
        return out

    def _resolve(
        self, tx: Transaction, ref: ModelRef, current_regime: str | None, *, include_deleted: bool = False
    ) -> ModelVersion:
        deleted_clause = "" if include_deleted else " AND deleted = 0"
        if ref.alias is not None:
            regime = ref.regime
            if regime == "current":
                if current_regime is None:
                    raise RegistryError(
                        f"reference {ref} needs the current regime: pass current_regime= (the label of the latest bar)"
                    )
                regime = current_regime
            key = _regime_key(regime)
            rows = tx.execute(
                "SELECT version FROM model_aliases WHERE name = :name AND alias = :alias AND regime = :regime",
                {"name": ref.name, "alias": ref.alias, "regime": key},
            )
            if not rows:
                present = tx.execute("SELECT alias, regime FROM model_aliases WHERE name = :name", {"name": ref.name})
                have = (
                    ", ".join(sorted(f"{ref.name}@{_alias_label(r['alias'], r['regime'])}" for r in present)) or "none"
                )
                raise RegistryError(f"no {_alias_label(ref.alias, key)} for model {ref.name!r}; aliases set: {have}")
            version = int(rows[0]["version"])
            result = tx.execute(
                f"SELECT * FROM model_versions WHERE name = :name AND version = :version{deleted_clause}",
                {"name": ref.name, "version": version},
            )
        elif ref.latest:
            result = tx.execute(
                f"SELECT * FROM model_versions WHERE name = :name{deleted_clause} ORDER BY version DESC LIMIT 1",
                {"name": ref.name},
            )
        else:
            result = tx.execute(
                f"SELECT * FROM model_versions WHERE name = :name AND version = :version{deleted_clause}",
                {"name": ref.name, "version": ref.version},
            )
        if not result:
            known = tx.execute(
                "SELECT COUNT(*) AS n FROM model_versions WHERE name = :name AND deleted = 0", {"name": ref.name}
            )
            count = int(known[0]["n"]) if known else 0
            hint = (
                f"model {ref.name!r} has {count} version(s)" if count else f"no model named {ref.name!r} is registered"
            )
            raise RegistryError(f"model reference {ref} not found: {hint}")
        row = result[0]
        return self._row_to_version(row, self._aliases_of(tx, row["name"]).get(int(row["version"]), []))

    def get(self, ref: str | ModelVersion, *, current_regime: str | None = None) -> ModelVersion:
        """Resolve a reference (grammar in :mod:`huracan_core.registry._refs`) to a version.

        ``current_regime`` resolves ``NAME@champion/current``.

        Raises:
            RegistryError: unknown name, version or alias (the message lists what exists).
        """
        parsed = parse_ref(ref.ref if isinstance(ref, ModelVersion) else ref)
        with self.db.read() as tx:
            return self._resolve(tx, parsed, current_regime)

    def versions(
        self,
        name: str | None = None,
        *,
        regime: str | None = None,
        component: str | None = None,
        task: str | None = None,
        alias: str | None = None,
        include_deleted: bool = False,
    ) -> builtins.list[ModelVersion]:
        """Versions matching every given filter, ordered by name then version.

        ``alias="champion"`` keeps versions that are a champion (overall or for any regime).
        """
        clauses, params = [], {}
        for column, value in (("name", name), ("regime", regime), ("component", component), ("task", task)):
            if value is not None:
                clauses.append(f"{column} = :{column}")
                params[column] = value
        if not include_deleted:
            clauses.append("deleted = 0")
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self.db.read() as tx:
            rows = tx.execute(f"SELECT * FROM model_versions{where} ORDER BY name, version", params)
            alias_rows = tx.execute("SELECT name, alias, regime, version FROM model_aliases")
        aliases: dict[tuple[str, int], list[str]] = {}
        for a in alias_rows:
            aliases.setdefault((a["name"], int(a["version"])), []).append(_alias_label(a["alias"], a["regime"]))
        out = [self._row_to_version(r, aliases.get((r["name"], int(r["version"])), [])) for r in rows]
        if alias is not None:
            out = [v for v in out if any(label.split("/")[0] == alias for label in v.aliases)]
        return out

    list = versions

    def names(self) -> builtins.list[str]:
        """Every model name with at least one live version."""
        with self.db.read() as tx:
            rows = tx.execute("SELECT DISTINCT name FROM model_versions WHERE deleted = 0 ORDER BY name")
        return [r["name"] for r in rows]

    # ------------------------------------------------------------------ artifacts
    def fetch(
        self, ref: str | ModelVersion, dest_dir: str | os.PathLike[str], *, current_regime: str | None = None
    ) -> Path:
        """Copy a version's files into ``dest_dir``, verifying every byte; returns ``dest_dir``.

        Raises:
            ArtifactError: a file is missing or does not hash to its recorded sha256
                (names the file, expected and actual hash).
        """
        version = ref if isinstance(ref, ModelVersion) else self.get(ref, current_regime=current_regime)
        dest = Path(dest_dir)
        dest.mkdir(parents=True, exist_ok=True)
        for rel, entry in sorted(version.files.items()):
            target = dest / _safe_relpath(rel)
            self.artifacts.fetch(entry["sha256"], target, label=f"{rel!r} of {version.ref}")
        return dest

    def verify(self, ref: str | ModelVersion) -> None:
        """Re-hash every stored file of a version; raises :class:`ArtifactError` on the first problem."""
        version = ref if isinstance(ref, ModelVersion) else self.get(ref)
        for rel, entry in sorted(version.files.items()):
            self.artifacts.read_bytes(entry["sha256"], label=f"{rel!r} of {version.ref}")

    def load(self, ref: str | ModelVersion, *, current_regime: str | None = None, catalog: Any = None) -> Any:
        """Fetch and verify a version, then load it with its component's ``load`` classmethod.

        The component is looked up by name in the catalog (``load_catalog()`` by default).
        """
        version = ref if isinstance(ref, ModelVersion) else self.get(ref, current_regime=current_regime)
        if catalog is None:
            from huracan_core._catalog import load_catalog

            catalog = load_catalog()
        factory = catalog.get(version.component).load()
        loader = getattr(factory, "load", None)
        if not callable(loader):
            raise ArtifactError(f"component {version.component!r} has no load(path) classmethod to read {version.ref}")
        with tempfile.TemporaryDirectory(prefix="huracan-model-") as scratch:
            self.fetch(version, scratch)
            return loader(scratch)

    # ------------------------------------------------------------------ aliases
    def _current_alias(self, tx: Transaction, name: str, alias: str, key: str) -> int | None:
        rows = tx.execute(
            "SELECT version FROM model_aliases WHERE name = :name AND alias = :alias AND regime = :regime",
            {"name": name, "alias": alias, "regime": key},
        )
        return int(rows[0]["version"]) if rows else None

    def _write_alias(
        self, tx: Transaction, name: str, alias: str, key: str, version: int | None, action: str, reason: str | None
    ) -> None:
        params = {"name": name, "alias": alias, "regime": key, "version": version, "at": _now()}
        if version is None:
            tx.execute("DELETE FROM model_aliases WHERE name = :name AND alias = :alias AND regime = :regime", params)
        else:
            tx.execute(
                "INSERT INTO model_aliases (name, alias, regime, version, updated_at) "
                "VALUES (:name, :alias, :regime, :version, :at) "
                "ON CONFLICT (name, alias, regime) DO UPDATE SET version = :version, updated_at = :at",
                params,
            )
        tx.execute(
            "INSERT INTO alias_history (name, alias, regime, version, action, reason, created_at) "
            "VALUES (:name, :alias, :regime, :version, :action, :reason, :at)",
            {**params, "action": action, "reason": reason},
        )

    def set_alias(
        self,
        name: str,
        alias: str,
        version: int | str | ModelVersion,
        regime: str | None = None,
        *,
        reason: str | None = None,
    ) -> ModelVersion:
        """Point ``name@alias[/regime]`` at a version (an int, a reference or a ModelVersion)."""
        if alias not in ALIASES:
            raise ValueError(f"alias must be one of {', '.join(ALIASES)}, got {alias!r}")
        key = _regime_key(regime)
        with self.db.write() as tx:
            target = self._target(tx, name, version)
            self._write_alias(tx, name, alias, key, target.version, "set", reason)
            if alias == "champion" and self._current_alias(tx, name, "challenger", key) == target.version:
                self._write_alias(tx, name, "challenger", key, None, "cleared", "promoted to champion")
        return self.get(target.ref)

    def _target(self, tx: Transaction, name: str | None, version: int | str | ModelVersion) -> ModelVersion:
        if isinstance(version, ModelVersion):
            ref = parse_ref(version.ref)
        elif isinstance(version, int):
            if name is None:
                raise ValueError("a bare version number needs the model name")
            ref = ModelRef(check_name(name), version=version)
        else:
            ref = parse_ref(version)
        if name is not None and ref.name != name:
            raise ValueError(f"version {ref} does not belong to model {name!r}")
        return self._resolve(tx, ref, None)

    def promote(
        self,
        ref: str | ModelVersion,
        *,
        regime: str | EllipsisType | None = ...,
        reason: str | None = None,
    ) -> ModelVersion:
        """Make a version the champion (for its own regime unless ``regime`` is given; ``None`` = overall).

        The previous champion stays in the alias history, so :meth:`rollback` can restore it.
        If the version was the challenger for that regime, the challenger alias is cleared.
        """
        with self.db.write() as tx:
            target = self._target(tx, None, ref)
            key = _regime_key(target.regime if regime is ... else regime)
            self._write_alias(tx, target.name, "champion", key, target.version, "promote", reason)
            if self._current_alias(tx, target.name, "challenger", key) == target.version:
                self._write_alias(tx, target.name, "challenger", key, None, "cleared", "promoted to champion")
        logger.info("promoted %s to %s", target.ref, _alias_label("champion", key))
        return self.get(target.ref)

    def _champion_stack(self, tx: Transaction, name: str, key: str) -> builtins.list[int]:
        history = tx.execute(
            "SELECT version, action FROM alias_history WHERE name = :name AND alias = 'champion' AND regime = :regime "
            "ORDER BY id",
            {"name": name, "regime": key},
        )
        stack: builtins.list[int] = []
        for entry in history:
            version = entry["version"]
            if entry["action"] in ("promote", "set") and version is not None:
                stack.append(int(version))
            elif entry["action"] == "rollback" and version is not None:
                while stack and stack[-1] != int(version):
                    stack.pop()
                if not stack:
                    stack.append(int(version))
        return stack

    def rollback(self, name: str, *, regime: str | None = None, reason: str | None = None) -> ModelVersion:
        """Restore the champion that preceded the current one (skipping deleted versions).

        Raises:
            RegistryError: there is no earlier champion to return to.
        """
        key = _regime_key(regime)
        with self.db.write() as tx:
            live = {
                int(r["version"])
                for r in tx.execute(
                    "SELECT version FROM model_versions WHERE name = :name AND deleted = 0", {"name": name}
                )
            }
            stack = self._champion_stack(tx, name, key)
            current = self._current_alias(tx, name, "champion", key)
            if current is not None and stack and stack[-1] == current:
                stack.pop()
            while stack and (stack[-1] not in live or stack[-1] == current):
                stack.pop()
            if not stack:
                raise RegistryError(
                    f"cannot roll back {_alias_label('champion', key)} of {name!r}: no earlier champion "
                    f"(current: {f'{name}:{current}' if current else 'none'})"
                )
            target = stack[-1]
            self._write_alias(tx, name, "champion", key, target, "rollback", reason)
        logger.info("rolled back %s@%s to version %d", name, _alias_label("champion", key), target)
        return self.get(f"{name}:{target}")

    # ------------------------------------------------------------------ deletion and garbage collection
    def delete(self, ref: str | ModelVersion, *, force: bool = False) -> ModelVersion:
        """Delete a version: it disappears from listings and lookups, its unshared files are removed.

        A version that an alias points to is only deleted with ``force=True``
        (the alias is then removed; :meth:`rollback` can restore an earlier champion).
        The version number is never reused.
        """
        with self.db.write() as tx:
            target = self._target(tx, None, ref)
            held = tx.execute(
                "SELECT alias, regime FROM model_aliases WHERE name = :name AND version = :version",
                {"name": target.name, "version": target.version},
            )
            if held and not force:
                labels = ", ".join(f"{target.name}@{_alias_label(r['alias'], r['regime'])}" for r in held)
                raise RegistryError(f"{target.ref} is {labels}; promote another version first or pass force=True")
            for r in held:
                self._write_alias(tx, target.name, r["alias"], r["regime"], None, "delete", f"{target.ref} deleted")
            tx.execute(
                "UPDATE model_versions SET deleted = 1 WHERE name = :name AND version = :version",
                {"name": target.name, "version": target.version},
            )
        self.gc()
        logger.info("deleted %s", target.ref)
        return target

    def gc(self, *, tmp_older_than: float = 3600.0) -> int:
        """Remove stored objects that no live version references; returns how many.

        Runs under the write lock, so it cannot race a registration (which
        re-checks its objects under the same lock).
        """
        removed = 0
        with self.db.write() as tx:
            referenced: set[str] = set()
            for row in tx.execute("SELECT manifest FROM model_versions WHERE deleted = 0"):
                referenced.update(entry["sha256"] for entry in json.loads(row["manifest"]).values())
            for sha, _mtime in builtins.list(self.artifacts.iter_objects()):
                if sha not in referenced:
                    self.artifacts.remove(sha)
                    removed += 1
        self.artifacts.clean_tmp(tmp_older_than)
        return removed

    # ------------------------------------------------------------------ decisions
    def record_decision(
        self,
        name: str,
        *,
        promoted: bool,
        reason: str,
        evidence: Mapping[str, Any],
        challenger: int | str | ModelVersion | None = None,
        champion: int | str | ModelVersion | None = None,
        regime: str | None = None,
    ) -> Decision:
        """Store a promotion decision and its evidence (metrics, margin, test statistic, p-value, window)."""
        key = _regime_key(regime)
        with self.db.write() as tx:
            versions = [None if v is None else self._target(tx, name, v).version for v in (challenger, champion)]
            at = _now()
            row = tx.execute(
                "INSERT INTO decisions (name, regime, challenger_version, champion_version, promoted, reason, evidence, created_at) "
                "VALUES (:name, :regime, :challenger, :champion, :promoted, :reason, :evidence, :at) RETURNING id",
                {
                    "name": check_name(name),
                    "regime": key,
                    "challenger": versions[0],
                    "champion": versions[1],
                    "promoted": int(bool(promoted)),
                    "reason": reason,
                    "evidence": _dumps(evidence),
                    "at": at,
                },
            )[0]
        return Decision(
            int(row["id"]), name, key or None, versions[0], versions[1], bool(promoted), reason, _clean(evidence), at
        )

    def decisions(self, name: str | None = None, *, regime: str | EllipsisType | None = ...) -> builtins.list[Decision]:
        """Stored decisions, oldest first; filter by model name and regime (``None`` = overall)."""
        clauses, params = [], {}
        if name is not None:
            clauses.append("name = :name")
            params["name"] = name
        if regime is not ...:
            clauses.append("regime = :regime")
            params["regime"] = _regime_key(regime)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self.db.read() as tx:
            rows = tx.execute(f"SELECT * FROM decisions{where} ORDER BY id", params)
        return [
            Decision(
                int(r["id"]),
                r["name"],
                r["regime"] or None,
                None if r["challenger_version"] is None else int(r["challenger_version"]),
                None if r["champion_version"] is None else int(r["champion_version"]),
                bool(r["promoted"]),
                r["reason"],
                json.loads(r["evidence"]),
                r["created_at"],
            )
            for r in rows
        ]

    def history(self, name: str) -> builtins.list[dict[str, Any]]:
        """Every alias change of a model, oldest first (``alias``, ``regime``, ``version``, ``action``, ``reason``, ``at``)."""
        with self.db.read() as tx:
            rows = tx.execute(
                "SELECT alias, regime, version, action, reason, created_at FROM alias_history WHERE name = :name ORDER BY id",
                {"name": name},
            )
        return [
            {
                "alias": r["alias"],
                "regime": r["regime"] or None,
                "version": r["version"],
                "action": r["action"],
                "reason": r["reason"],
                "at": r["created_at"],
            }
            for r in rows
        ]
