"""Plugin discovery: entry points in group ``huracan``, loaded one plugin at a time.

Each distribution's entry point is imported inside its own ``try``; each
registration hook is then called one implementation at a time with a
``register`` callback bound to that distribution. A failure — import error,
exception in a hook, invalid spec, duplicate name, unknown hook — is recorded
against the distribution (name, version, one-line reason) and everything else
keeps working, unless ``HURACAN_STRICT_PLUGINS=1``.

Filtering by ``HURACAN_LOAD_PLUGINS`` / ``HURACAN_DISABLE_PLUGINS`` happens on
distribution names, before any plugin module is imported.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from types import ModuleType
from typing import Any

import pluggy

from huracan_core import _hookspecs
from huracan_core._errors import PluginError, SpecError
from huracan_core._spec import ComponentSpec, DatasetSpec

__all__ = [
    "ENTRY_POINT_GROUP",
    "HuracanPluginManager",
    "PluginFailure",
    "PluginRecord",
    "PluginSource",
    "discover_plugin_sources",
    "normalize_name",
]

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "huracan"
CORE_DISTRIBUTION = "huracan-core"

_REGISTRATION_HOOKS: dict[str, str | None] = {
    "huracan_register_preprocessors": "preprocessor",
    "huracan_register_learners": "learner",
    "huracan_register_meta_learners": "meta_learner",
    "huracan_register_drift_detectors": "drift_detector",
    "huracan_register_trainers": "trainer",
    "huracan_register_datasets": None,
}


def normalize_name(name: str) -> str:
    """PEP 503 normalisation, so ``Huracan_Torch`` and ``huracan-torch`` are the same plugin."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _env_names(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {normalize_name(part.strip()) for part in value.split(",") if part.strip()}


def strict_from_env() -> bool:
    return os.environ.get("HURACAN_STRICT_PLUGINS", "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class PluginFailure:
    """One problem, recorded against the distribution that caused it."""

    plugin: str
    version: str | None
    stage: str
    reason: str

    def __str__(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"{self.plugin}{version} [{self.stage}]: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"plugin": self.plugin, "version": self.version, "stage": self.stage, "reason": self.reason}


@dataclass
class PluginRecord:
    """What one distribution contributed, and what went wrong with it."""

    name: str
    version: str | None
    modules: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    failures: list[PluginFailure] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "broken" if self.failures else "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "status": self.status,
            "modules": list(self.modules),
            "components": list(self.components),
            "datasets": list(self.datasets),
            "errors": [f.reason for f in self.failures],
        }


@dataclass(frozen=True)
class PluginSource:
    """A plugin to load: from an entry point (lazily) or an already-imported module object."""

    name: str
    version: str | None
    target: str
    load: Callable[[], Any]


def discover_plugin_sources() -> list[PluginSource]:
    """Entry points of group ``huracan`` after the environment filters, without importing them."""
    allowed = _env_names("HURACAN_LOAD_PLUGINS")
    disabled = _env_names("HURACAN_DISABLE_PLUGINS") or set()
    sources = []
    seen: set[tuple[str, str]] = set()
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        dist_name = dist.metadata["Name"] if dist is not None else ep.name
        version = dist.version if dist is not None else None
        key = normalize_name(dist_name)
        if allowed is not None and key not in allowed:
            continue
        if key in disabled:
            logger.debug("plugin %s disabled by HURACAN_DISABLE_PLUGINS", dist_name)
            continue
        if (key, ep.value) in seen:  # the same distribution found twice on sys.path
            continue
        seen.add((key, ep.value))
        sources.append(PluginSource(name=dist_name, version=version, target=ep.value, load=ep.load))
    return sorted(sources, key=lambda s: (normalize_name(s.name), s.target))


class HuracanPluginManager:
    """A typed facade over pluggy: one method per registration hook, each guarded per plugin."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self._pm = pluggy.PluginManager(_hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(_hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self._plugin_names: dict[str, str] = {}  # pluggy name -> distribution name

    # -- loading ---------------------------------------------------------
    def _record(self, name: str, version: str | None) -> PluginRecord:
        return self.records.setdefault(normalize_name(name), PluginRecord(name=name, version=version))

    def fail(self, plugin: str, stage: str, reason: str) -> None:
        record = self.records.get(normalize_name(plugin)) or self._record(plugin, None)
        failure = PluginFailure(record.name, record.version, stage, reason)
        record.failures.append(failure)
        logger.warning("plugin problem: %s", failure)
        if self.strict:
            raise PluginError(f"{failure} (HURACAN_STRICT_PLUGINS=1 makes plugin errors fatal)")

    def add_source(self, source: PluginSource) -> None:
        """Import one plugin and register its hook implementations, recording any failure."""
        record = self._record(source.name, source.version)
        try:
            module = source.load()
        except Exception as exc:  # a broken plugin must never break the host
            self.fail(source.name, "import", f"cannot import {source.target}: {type(exc).__name__}: {exc}")
            return
        self.add_module(source.name, module, version=source.version, target=source.target)
        del record

    def add_module(
        self, name: str, module: ModuleType | object, *, version: str | None = None, target: str | None = None
    ) -> None:
        record = self._record(name, version)
        plugin_name = f"{normalize_name(name)}:{target or getattr(module, '__name__', repr(module))}"
        record.modules.append(str(target or getattr(module, "__name__", repr(module))))
        try:
            self._pm.register(module, name=plugin_name)
        except Exception as exc:
            self.fail(name, "register", f"{type(exc).__name__}: {exc}")
            return
        self._plugin_names[plugin_name] = record.name
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self._pm.unregister(name=plugin_name)
            del self._plugin_names[plugin_name]
            known = ", ".join([*sorted(_REGISTRATION_HOOKS), "huracan_register_commands"])
            self.fail(name, "register", f"unknown hook implementation ({exc}); known hooks: {known}")

    # -- calling hooks ---------------------------------------------------
    def _call_each(self, hook_name: str, make_kwargs: Callable[[str], dict[str, Any]]) -> None:
        hook = getattr(self._pm.hook, hook_name)
        for impl in hook.get_hookimpls():  # in registration (load) order, one plugin at a time
            dist = self._plugin_names.get(impl.plugin_name, impl.plugin_name)
            kwargs = make_kwargs(dist)
            try:
                impl.function(*[kwargs[arg] for arg in impl.argnames])
            except PluginError:
                raise
            except Exception as exc:
                self.fail(dist, hook_name, f"raised {type(exc).__name__}: {exc}")

    def collect_components(self) -> tuple[list[ComponentSpec], list[DatasetSpec]]:
        """Call every registration hook, one plugin at a time; returns valid, unique specs."""
        components: dict[str, ComponentSpec] = {}
        datasets: dict[str, DatasetSpec] = {}
        for hook_name, kind in _REGISTRATION_HOOKS.items():

            def make_kwargs(dist: str, kind: str | None = kind, hook_name: str = hook_name) -> dict[str, Any]:
                return {"register": self._make_register(dist, hook_name, kind, components, datasets)}

            self._call_each(hook_name, make_kwargs)
        return list(components.values()), list(datasets.values())

    def _make_register(
        self,
        dist: str,
        hook_name: str,
        kind: str | None,
        components: dict[str, ComponentSpec],
        datasets: dict[str, DatasetSpec],
    ) -> Callable[[Any], None]:
        record = self._record(dist, None)

        def register(spec: Any) -> None:
            expected = DatasetSpec if kind is None else ComponentSpec
            if not isinstance(spec, expected):
                self.fail(dist, hook_name, f"register() expects a {expected.__name__}, got {type(spec).__name__}")
                return
            try:
                spec.validate()
            except SpecError as exc:
                self.fail(dist, hook_name, str(exc))
                return
            if isinstance(spec, ComponentSpec) and spec.kind != kind:
                self.fail(
                    dist,
                    hook_name,
                    f"component {spec.name!r} has kind {spec.kind!r} but {hook_name} registers {kind!r}",
                )
                return
            target: dict[str, Any] = datasets if kind is None else components
            existing = target.get(spec.name)
            if existing is not None:
                what = "dataset" if kind is None else "component"
                self.fail(
                    dist,
                    hook_name,
                    f"duplicate {what} name {spec.name!r}: already registered by {existing.plugin}; kept that one",
                )
                return
            target[spec.name] = _with_plugin(spec, record.name)
            (record.datasets if kind is None else record.components).append(spec.name)

        return register

    def register_commands(self, cli: Any) -> None:
        """Let plugins add click commands to ``cli`` (called only when the CLI needs them)."""
        self._call_each("huracan_register_commands", lambda dist: {"cli": cli})


def _with_plugin(spec: Any, plugin: str) -> Any:
    import dataclasses

    return dataclasses.replace(spec, plugin=plugin)


def build_manager(
    sources: Iterable[PluginSource] | None = None,
    *,
    modules: Sequence[tuple[str, object]] = (),
    strict: bool | None = None,
    include_core: bool = True,
) -> HuracanPluginManager:
    """A manager with the core's built-ins, the entry-point plugins and any extra ``(name, module)``."""
    manager = HuracanPluginManager(strict=strict_from_env() if strict is None else strict)
    if include_core:
        from huracan_core import _builtin

        manager.add_module(CORE_DISTRIBUTION, _builtin, version=_core_version(), target="huracan_core._builtin")
    for source in discover_plugin_sources() if sources is None else sources:
        manager.add_source(source)
    for name, module in modules:
        manager.add_module(name, module)
    return manager


def _core_version() -> str | None:
    try:
        return metadata.version(CORE_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
