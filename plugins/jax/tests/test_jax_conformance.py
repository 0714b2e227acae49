"""The core's conformance kit on every huracan-jax component (found through the catalog)."""

from __future__ import annotations

from huracan_jax._plugin import LEARNER_NAMES

from huracan_core.testing import parametrize_with_checks


@parametrize_with_checks([*LEARNER_NAMES, "jax_local"])
def test_conformance(spec, check):
    check(spec)
