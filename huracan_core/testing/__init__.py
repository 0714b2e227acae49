"""The conformance kit: checks every plugin author runs in their own test suite.

Usage (the scikit-learn ``parametrize_with_checks`` pattern)::

    from huracan_core.testing import parametrize_with_checks

    @parametrize_with_checks(["my_learner", "my_preprocessor"])
    def test_conformance(spec, check):
        check(spec)

Components are looked up by name in the catalog (so the test also proves the
plugin is installed and discovered) and built with their spec's ``test_params``.
The pytest plugin (entry point ``pytest11: huracan``) adds the fixtures
``huracan_market_frame`` and ``huracan_catalog``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from huracan_core._spec import ComponentSpec
from huracan_core.testing._checks import HEAVY_MODULES, TinyLinearLearner, checks_for, make_check_data
from huracan_core.testing._data import make_feature_frame, make_market_frame

__all__ = [
    "HEAVY_MODULES",
    "TinyLinearLearner",
    "check_component",
    "checks_for",
    "make_check_data",
    "make_feature_frame",
    "make_market_frame",
    "parametrize_with_checks",
]


def _resolve(components: Iterable[str | ComponentSpec]) -> list[ComponentSpec]:
    from huracan_core import load_catalog

    catalog = load_catalog()
    return [c if isinstance(c, ComponentSpec) else catalog.get(c) for c in components]


def check_component(component: str | ComponentSpec) -> None:
    """Run every applicable check on one component; the first failure raises."""
    (spec,) = _resolve([component])
    for check in checks_for(spec):
        check(spec)


def parametrize_with_checks(components: Iterable[str | ComponentSpec]) -> Callable[[Any], Any]:
    """A ``pytest.mark.parametrize`` over ``(spec, check)`` for every component and applicable check."""
    import pytest

    pairs = []
    ids = []
    for spec in _resolve(components):
        for check in checks_for(spec):
            pairs.append((spec, check))
            ids.append(f"{spec.name}-{check.__name__.removeprefix('check_')}")
    return pytest.mark.parametrize(("spec", "check"), pairs, ids=ids)
