"""Lazy exports: a package facade that imports a name's module only on first access.

Plugins' top-level packages are imported at discovery (their ``_plugin`` module
lives inside them), so their facades must not import numpy, torch or jax.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``package``: ``names`` maps an attribute to its module.

    Module paths are absolute (``"huracan_jax.learners"``) or relative to ``package``
    (``".learners"``). The value is cached on the package after the first access.

    Usage, in a package's ``__init__.py``::

        __getattr__ = lazy_exports(__name__, {"MyLearner": ".learners"})
    """

    def __getattr__(name: str) -> Any:
        module_name = names.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name, package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
