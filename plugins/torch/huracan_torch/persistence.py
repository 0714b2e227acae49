"""Saving and loading without pickle: safetensors for tensors, JSON for everything else.

``torch.load`` is never called, so loading an artifact cannot execute code. Each
tensor file's sha256 is recorded in the JSON next to it and checked on load.
Loading weights into a network of a different architecture fails with an
:class:`~huracan_core.ArtifactError` that names the differing keys and shapes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from huracan_core._errors import ArtifactError

__all__ = ["check_compatible", "file_sha256", "load_state", "read_json", "save_state", "write_json"]

FORMAT_VERSION = 1


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _json_safe(value: Any) -> Any:
    """Tuples → lists, numpy scalars → Python numbers; infinities stay (JSON allows them in Python)."""
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def write_json(path: str | Path, data: Mapping[str, Any]) -> None:
    Path(path).write_text(json.dumps(_json_safe(data), indent=2, sort_keys=True))


def read_json(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ArtifactError(f"missing artifact file {path}")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ArtifactError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ArtifactError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def save_state(path: str | Path, tensors: Mapping[str, torch.Tensor]) -> str:
    """Write tensors with safetensors (contiguous CPU copies); return the file's sha256."""
    cpu = {k: v.detach().to("cpu").contiguous().clone() for k, v in tensors.items()}
    save_file(cpu, str(path))
    return file_sha256(path)


def load_state(path: str | Path, sha256: str | None = None) -> dict[str, torch.Tensor]:
    """Read a safetensors file (no code runs), checking its sha256 when one is recorded."""
    path = Path(path)
    if not path.is_file():
        raise ArtifactError(f"missing weights file {path}")
    if sha256 is not None:
        actual = file_sha256(path)
        if actual != sha256:
            raise ArtifactError(f"{path}: sha256 {actual} does not match the recorded {sha256}; the file was changed")
    return load_file(str(path))


def check_compatible(module: torch.nn.Module, state: Mapping[str, torch.Tensor], source: str) -> None:
    """Raise a clear error unless ``state`` has exactly the module's parameter names and shapes."""
    expected = {k: tuple(v.shape) for k, v in module.state_dict().items()}
    got = {k: tuple(v.shape) for k, v in state.items()}
    missing = sorted(set(expected) - set(got))
    unexpected = sorted(set(got) - set(expected))
    shapes = sorted(
        f"{k}: expected {expected[k]}, got {got[k]}" for k in set(expected) & set(got) if expected[k] != got[k]
    )
    if missing or unexpected or shapes:
        parts = []
        if missing:
            parts.append(f"missing {missing[:5]}")
        if unexpected:
            parts.append(f"unexpected {unexpected[:5]}")
        if shapes:
            parts.append(f"shape mismatch {shapes[:5]}")
        raise ArtifactError(
            f"{source} was saved from a different architecture than {type(module).__name__} "
            f"built from these parameters: {'; '.join(parts)}"
        )
