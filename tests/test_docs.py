"""Docs stay in step with the code: every hook documented and tested, every example executed."""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path

import pytest

from huracan_core import _hookspecs, load_catalog

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HOOKS = sorted(name for name in dir(_hookspecs) if name.startswith("huracan_"))
CODE = re.compile(r"```python\n(.*?)```", re.S)


def _doc_files() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md"))


def test_every_hook_spec_is_documented_with_its_arguments():
    guide = (DOCS / "plugin-authoring.md").read_text()
    assert HOOKS, "no hook specs found"
    for hook in HOOKS:
        args = ", ".join(inspect.signature(getattr(_hookspecs, hook)).parameters)
        assert f"## {hook}({args})" in guide, f"docs/plugin-authoring.md has no section '## {hook}({args})'"


def test_every_hook_spec_has_a_test():
    sources = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("test_*.py"))
    for hook in HOOKS:
        assert f"def test_hook_{hook}(" in sources, f"no test named test_hook_{hook}"


def test_every_hook_spec_docstring_has_one_shape():
    for hook in HOOKS:
        doc = inspect.getdoc(getattr(_hookspecs, hook)) or ""
        assert ":param " in doc and ("called" in doc.lower()), (
            f"{hook}: docstring must say what, parameters, and how results combine"
        )


@pytest.mark.parametrize("path", _doc_files(), ids=lambda p: str(p.relative_to(DOCS)))
def test_python_examples_run(path):
    blocks = CODE.findall(path.read_text())
    namespace: dict = {"__name__": f"docs_{path.stem}"}
    for block in blocks:
        exec(compile(block, str(path), "exec"), namespace)


def test_plugin_guide_examples_register_cleanly():
    namespace: dict = {"__name__": "doc_plugin"}
    for block in CODE.findall((DOCS / "plugin-authoring.md").read_text()):
        exec(compile(block, "plugin-authoring.md", "exec"), namespace)
    module = types.ModuleType("doc_plugin")
    for hook in HOOKS:
        assert hook in namespace, f"plugin-authoring.md has no example implementing {hook}"
        setattr(module, hook, namespace[hook])
    catalog = load_catalog(sources=[], modules=[("huracan-doc", module)])
    assert catalog.errors == []
    expected = {"doc_log_return", "doc_ridge", "doc_blend", "doc_mean_shift", "doc_numpy_trainer"}
    assert expected <= {s.name for s in catalog.components}
    assert catalog.dataset("doc_random_walk").plugin == "huracan-doc"
