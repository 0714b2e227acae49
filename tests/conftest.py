"""Shared fixtures: test plugins importable (also from subprocesses), a fresh catalog per test."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SUPPORT = Path(__file__).parent / "support"
sys.path.insert(0, str(SUPPORT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SUPPORT), os.environ.get("PYTHONPATH")]))


@pytest.fixture(autouse=True)
def _fresh_catalog() -> Iterator[None]:
    from huracan_core import reset_catalog

    reset_catalog()
    yield
    reset_catalog()


@pytest.fixture
def make_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write a minimal installed distribution (dist-info + modules) and put it on sys.path / PYTHONPATH.

    Usage: ``make_distribution("huracan-x", {"huracan_x_plugin": "source"}, entry_points={"x": "huracan_x_plugin"})``.
    """
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))

    def make(name: str, modules: dict[str, str], entry_points: dict[str, str], version: str = "1.0") -> Path:
        for module, source in modules.items():
            (site / f"{module}.py").write_text(textwrap.dedent(source))
            monkeypatch.delitem(sys.modules, module, raising=False)
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        lines = "\n".join(f"{key} = {value}" for key, value in entry_points.items())
        (info / "entry_points.txt").write_text(f"[huracan]\n{lines}\n")
        import importlib

        importlib.invalidate_caches()
        return site

    return make
