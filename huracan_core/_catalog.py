"""The catalog: every installed plugin's component specs, queryable without importing them.

"Catalog" is discovery (in-process, rebuilt from entry points); the *model
registry* is the persistent store of trained versions (``huracan_core.registry``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from huracan_core._errors import CatalogError, ComponentNotFoundError
from huracan_core._plugins import (
    HuracanPluginManager,
    PluginFailure,
    PluginRecord,
    PluginSource,
    build_manager,
    normalize_name,
)
from huracan_core._spec import ComponentSpec, DatasetSpec
from huracan_core._vocab import CAPABILITIES, FEATURE_TAGS, KINDS, LAYOUTS, TASKS, expand_regime

__all__ = ["Catalog", "Exclusion", "load_catalog", "reset_catalog"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exclusion:
    """A component left out of a query result, and why."""

    name: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "reason": self.reason}


def _check_choice(what: str, value: str | None, valid: Sequence[str]) -> None:
    if value is not None and value not in valid:
        raise CatalogError(f"unknown {what} {value!r}; expected one of: {', '.join(valid)}")


def features_satisfy(required: Iterable[str], available: Iterable[str]) -> list[str]:
    """Feature tags in ``required`` that ``available`` does not cover (``any`` needs any features)."""
    have = set(available)
    missing = []
    for tag in required:
        if tag == "any":
            if not have:
                missing.append(tag)
        elif tag not in have:
            missing.append(tag)
    return missing


class Catalog:
    """Aggregated specs of every installed plugin (see :func:`load_catalog`)."""

    def __init__(
        self,
        components: Iterable[ComponentSpec],
        datasets: Iterable[DatasetSpec] = (),
        plugins: Iterable[PluginRecord] = (),
        manager: HuracanPluginManager | None = None,
    ) -> None:
        self._components = {spec.name: spec for spec in components}
        self._datasets = {spec.name: spec for spec in datasets}
        self.plugins: tuple[PluginRecord, ...] = tuple(plugins)
        self.manager = manager

    # -- listing ---------------------------------------------------------
    @property
    def components(self) -> tuple[ComponentSpec, ...]:
        return tuple(sorted(self._components.values(), key=lambda s: (s.kind, s.name)))

    @property
    def datasets(self) -> tuple[DatasetSpec, ...]:
        return tuple(sorted(self._datasets.values(), key=lambda s: s.name))

    @property
    def errors(self) -> list[PluginFailure]:
        return [f for record in self.plugins for f in record.failures]

    @property
    def backends(self) -> tuple[str, ...]:
        return tuple(sorted({s.info.backend for s in self._components.values()}))

    def __contains__(self, name: object) -> bool:
        return name in self._components

    def __len__(self) -> int:
        return len(self._components)

    def get(self, name: str) -> ComponentSpec:
        try:
            return self._components[name]
        except KeyError:
            close = sorted(n for n in self._components if name.split("_")[0] in n)[:5]
            hint = f"; similar: {', '.join(close)}" if close else ""
            raise ComponentNotFoundError(
                f"no component named {name!r} in the catalog{hint}. Run 'huracan models list' to see "
                "what is installed, or 'huracan plugins list' for plugins that failed to load."
            ) from None

    def dataset(self, name: str) -> DatasetSpec:
        try:
            return self._datasets[name]
        except KeyError:
            known = ", ".join(self._datasets) or "none installed (pip install the huracan-features plugin)"
            raise ComponentNotFoundError(f"no dataset named {name!r}; available: {known}") from None

    def create(self, name: str, **params: Any) -> Any:
        """Resolve ``name``'s factory (importing its module only now) and build it."""
        return self.get(name).create(**params)

    # -- querying --------------------------------------------------------
    def query(self, **criteria: Any) -> list[ComponentSpec]:
        """Components matching every given criterion (see :meth:`explain` for the criteria)."""
        matches, _ = self._select(**criteria)
        return matches

    def explain(self, **criteria: Any) -> list[Exclusion]:
        """Components that do *not* match, each with the first reason it was left out."""
        _, excluded = self._select(**criteria)
        return excluded

    def _select(
        self,
        *,
        kind: str | None = None,
        task: str | Sequence[str] | None = None,
        regime: str | None = None,
        backend: str | None = None,
        capability: str | Sequence[str] | None = None,
        layout: str | None = None,
        n_rows: int | None = None,
        n_features: int | None = None,
        available_features: Iterable[str] | None = None,
        installed_only: bool = False,
        causal_only: bool = False,
    ) -> tuple[list[ComponentSpec], list[Exclusion]]:
        _check_choice("kind", kind, KINDS)
        tasks = [task] if isinstance(task, str) else list(task or [])
        for one in tasks:
            _check_choice("task", one, TASKS)
        capabilities = [capability] if isinstance(capability, str) else list(capability or [])
        for one in capabilities:
            _check_choice("capability", one, CAPABILITIES)
        _check_choice("layout", layout, LAYOUTS)
        wanted_regimes: tuple[str, ...] = ()
        if regime is not None:
            try:
                wanted_regimes = expand_regime(regime)
            except ValueError as exc:
                raise CatalogError(str(exc)) from None
        available = None if available_features is None else list(available_features)
        if available is not None:
            for tag in available:
                _check_choice("feature tag", tag, FEATURE_TAGS)

        matches: list[ComponentSpec] = []
        excluded: list[Exclusion] = []
        for spec in self.components:
            reason = self._mismatch(
                spec,
                kind,
                tasks,
                wanted_regimes,
                regime,
                backend,
                capabilities,
                layout,
                n_rows,
                n_features,
                available,
                installed_only,
                causal_only,
            )
            if reason is None:
                matches.append(spec)
            else:
                excluded.append(Exclusion(spec.name, reason))
        return matches, excluded

    @staticmethod
    def _mismatch(
        spec: ComponentSpec,
        kind: str | None,
        tasks: list[str],
        wanted_regimes: tuple[str, ...],
        regime: str | None,
        backend: str | None,
        capabilities: list[str],
        layout: str | None,
        n_rows: int | None,
        n_features: int | None,
        available: list[str] | None,
        installed_only: bool,
        causal_only: bool,
    ) -> str | None:
        info = spec.info
        if kind is not None and spec.kind != kind:
            return f"kind is {spec.kind}, not {kind}"
        if tasks and info.task not in tasks:
            return f"task is {info.task}, not {' or '.join(tasks)}"
        if wanted_regimes and "any" not in info.market_regimes and not set(wanted_regimes) & set(info.market_regimes):
            return f"regime mismatch: made for {', '.join(info.market_regimes)}, not {regime}"
        if backend is not None and info.backend != backend:
            return f"backend is {info.backend}, not {backend}"
        lacking = [c for c in capabilities if c not in info.capabilities]
        if lacking:
            return f"lacks capability {', '.join(lacking)}"
        if causal_only and spec.kind == "preprocessor" and not info.causal:
            return "not causal (marked non_causal); refused where causality is required"
        if layout is not None and info.ideal_dataset_shape.layout != layout:
            return f"layout is {info.ideal_dataset_shape.layout}, not {layout}"
        size = info.ideal_dataset_shape.accepts(n_rows, n_features)
        if size is not None:
            return f"dataset shape: {size}"
        if available is not None:
            missing = features_satisfy(info.feature_requirements, available)
            if missing:
                return f"needs feature tags {', '.join(missing)} that no installed preprocessor provides"
        if installed_only:
            missing_req = spec.missing_requirements()
            if missing_req:
                return f"missing requirement: {', '.join(missing_req)} is not installed"
        return None

    # -- trainers --------------------------------------------------------
    def trainer_for(self, learner: str | ComponentSpec, trainer: str | None = None) -> ComponentSpec:
        """The trainer for a learner: the one named, else its backend's default, else ``local``."""
        spec = self.get(learner) if isinstance(learner, str) else learner
        backend = spec.info.backend
        if trainer is not None:
            chosen = self.get(trainer)
            if chosen.kind != "trainer":
                raise CatalogError(f"{trainer!r} is a {chosen.kind}, not a trainer")
            if backend not in chosen.backends and "any" not in chosen.backends:
                raise CatalogError(
                    f"trainer {trainer!r} supports backends {', '.join(chosen.backends)}, "
                    f"but learner {spec.name!r} uses {backend!r}"
                )
            return chosen
        defaults = [
            s
            for s in self.components
            if s.kind == "trainer" and s.default_trainer and not s.distributed and backend in s.backends
        ]
        if defaults:
            return defaults[0]
        return self.get("local")

    # -- summaries -------------------------------------------------------
    def plugin(self, name: str) -> PluginRecord:
        for record in self.plugins:
            if normalize_name(record.name) == normalize_name(name):
                return record
        raise ComponentNotFoundError(f"no plugin named {name!r}; installed: {', '.join(r.name for r in self.plugins)}")


_CACHE: dict[tuple[Any, ...], Catalog] = {}


def _cache_key(strict: bool | None) -> tuple[Any, ...]:
    return (
        os.environ.get("HURACAN_LOAD_PLUGINS"),
        os.environ.get("HURACAN_DISABLE_PLUGINS"),
        os.environ.get("HURACAN_STRICT_PLUGINS"),
        strict,
    )


def load_catalog(
    *,
    strict: bool | None = None,
    refresh: bool = False,
    sources: Iterable[PluginSource] | None = None,
    modules: Sequence[tuple[str, object]] = (),
) -> Catalog:
    """Discover plugins and aggregate their specs; cached per process and environment.

    Args:
        strict: raise :class:`PluginError` on any plugin problem (default: ``HURACAN_STRICT_PLUGINS``).
        refresh: ignore the cache.
        sources, modules: load these instead of / in addition to the entry points (tests, notebooks).
    """
    custom = sources is not None or bool(modules)
    key = _cache_key(strict)
    if not custom and not refresh and key in _CACHE:
        return _CACHE[key]
    manager = build_manager(sources, modules=modules, strict=strict)
    components, datasets = manager.collect_components()
    catalog = Catalog(components, datasets, manager.records.values(), manager)
    logger.debug(
        "catalog: %d components, %d datasets, %d plugins", len(components), len(datasets), len(catalog.plugins)
    )
    if not custom:
        _CACHE[key] = catalog
    return catalog


def reset_catalog() -> None:
    """Forget cached catalogs (after installing a plugin in-process, or in tests)."""
    _CACHE.clear()


def describe_components(specs: Iterable[ComponentSpec]) -> list[Mapping[str, Any]]:
    return [spec.to_dict() for spec in specs]
