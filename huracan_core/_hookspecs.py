"""Hook specifications: how a plugin registers components with Huracan.

Every registration hook receives a host-owned ``register`` callback (the
pattern of llm's ``register_models``). The plugin calls it once per component;
the host validates each spec, records which distribution registered it, and
reports failures against that distribution without stopping the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from huracan_core._spec import ComponentSpec, DatasetSpec

PROJECT_NAME = "huracan"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def huracan_register_preprocessors(register: Callable[[ComponentSpec], None]) -> None:
    """Register preprocessors: cleaning, outlier handling, normalization, feature engineering.

    :param register: call ``register(ComponentSpec(kind="preprocessor", ...))`` once per preprocessor.

    Every implementation is called, one plugin at a time; the catalog is the
    union of what they registered. Return values are ignored.
    """


@hookspec
def huracan_register_learners(register: Callable[[ComponentSpec], None]) -> None:
    """Register learners: models that fit features to targets and predict.

    :param register: call ``register(ComponentSpec(kind="learner", ...))`` once per learner.

    Every implementation is called, one plugin at a time; the catalog is the
    union of what they registered. Return values are ignored.
    """


@hookspec
def huracan_register_meta_learners(register: Callable[[ComponentSpec], None]) -> None:
    """Register meta-learners: components that combine the predictions of other learners.

    :param register: call ``register(ComponentSpec(kind="meta_learner", ...))`` once per meta-learner.

    Every implementation is called, one plugin at a time; the catalog is the
    union of what they registered. Return values are ignored.
    """


@hookspec
def huracan_register_drift_detectors(register: Callable[[ComponentSpec], None]) -> None:
    """Register drift detectors: batch and streaming tests for data and concept drift.

    :param register: call ``register(ComponentSpec(kind="drift_detector", ...))`` once per detector.

    Every implementation is called, one plugin at a time; the catalog is the
    union of what they registered. Return values are ignored.
    """


@hookspec
def huracan_register_trainers(register: Callable[[ComponentSpec], None]) -> None:
    """Register trainers: strategies that train a learner (local loops, distributed DDP, ...).

    :param register: call ``register(ComponentSpec(kind="trainer", backends=(...), ...))`` once per trainer.

    Every implementation is called, one plugin at a time; the catalog is the
    union of what they registered. A plugin registers at most one
    ``default_trainer`` per backend. Return values are ignored.
    """


@hookspec
def huracan_register_datasets(register: Callable[[DatasetSpec], None]) -> None:
    """Register market-data sources.

    :param register: call ``register(DatasetSpec(...))`` once per dataset.

    Every implementation is called, one plugin at a time; ``huracan datasets
    list`` shows the union. Return values are ignored.
    """


@hookspec
def huracan_register_commands(cli: Any) -> None:
    """Add click commands or groups to the ``huracan`` command line.

    :param cli: the root ``click.Group``; call ``cli.add_command(...)`` or use ``@cli.command()``.

    Called only when the CLI resolves a command it does not own, or lists
    commands for ``--help`` — never during discovery. Every implementation is
    called; a plugin that raises is skipped and logged.
    """
