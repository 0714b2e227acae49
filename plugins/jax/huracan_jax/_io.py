"""Array-only persistence: parameter pytrees ↔ ``.npz`` files, configs as JSON.

A pytree of nested dicts is flattened to ``{"block_0/qkv/w": array}`` and written
with :func:`numpy.savez`; it is read back with ``allow_pickle=False``, so a
checkpoint can hold numbers only and loading it executes no code. The file's
sha256 is recorded next to it and checked on load.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from huracan_core import ArtifactError

__all__ = ["flatten", "read_json", "read_npz", "sha256_file", "unflatten", "write_json", "write_npz"]

_SEP = "/"


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, np.ndarray]:
    """Nested dict of arrays → flat ``{"a/b": ndarray}`` (host copies)."""
    out: dict[str, np.ndarray] = {}
    for key, value in tree.items():
        if _SEP in key:
            raise ValueError(f"parameter key {key!r} must not contain {_SEP!r}")
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, path + _SEP))
        else:
            out[path] = np.asarray(value)
    return out


def unflatten(flat: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """Inverse of :func:`flatten`."""
    tree: dict[str, Any] = {}
    for path, value in flat.items():
        node = tree
        *parents, leaf = path.split(_SEP)
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> str:
    """Write arrays atomically (temp file + rename); return the file's sha256."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        np.savez(handle, **{k: np.asarray(v) for k, v in arrays.items()})
    os.replace(tmp, path)
    return sha256_file(path)


def read_npz(path: Path, expected_sha256: str | None = None) -> dict[str, np.ndarray]:
    """Read arrays written by :func:`write_npz`; never unpickles."""
    if not path.is_file():
        raise ArtifactError(f"missing array file {path}")
    if expected_sha256 is not None:
        actual = sha256_file(path)
        if actual != expected_sha256:
            raise ArtifactError(
                f"{path}: sha256 {actual} does not match the recorded {expected_sha256}; the file changed"
            )
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except ValueError as exc:  # object arrays need pickle: refuse them
        raise ArtifactError(
            f"{path}: holds non-numeric data that would need unpickling; refusing to load ({exc})"
        ) from None


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True))
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ArtifactError(f"missing {path.name} in {path.parent}; is this a huracan-jax model directory?")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ArtifactError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ArtifactError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data
