"""Component and dataset specs: what a plugin registers.

A spec is cheap: it names a lazy ``"package.module:Attr"`` factory that is
imported only when the component is used, and the top-level imports it
``requires``, which are checked with :func:`importlib.util.find_spec` (never
by importing, so ``xgboost-cpu`` satisfies ``xgboost``).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from huracan_core._errors import RequirementError, SpecError
from huracan_core._model_info import ModelInfo
from huracan_core._vocab import KINDS, SCHEMA_VERSION

__all__ = ["ComponentSpec", "DatasetSpec", "missing_requirements", "resolve_factory"]

_NAME = re.compile(r"^[a-z][a-z0-9_.\-]*$")
_FACTORY = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def resolve_factory(factory: str) -> Any:
    """Import ``"package.module:Attr"`` and return the attribute."""
    module_name, _, attr = factory.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def missing_requirements(requires: tuple[str, ...]) -> list[str]:
    """Top-level import names in ``requires`` that are not installed (never imports them)."""
    missing = []
    for name in requires:
        top = name.split(".")[0]
        try:
            found = importlib.util.find_spec(top) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(top)
    return missing


def _check_common(owner: str, name: object, factory: object, requires: object) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise SpecError(
            f"{owner}: field 'name' expected lowercase letters, digits, '_', '-' or '.', "
            f"starting with a letter, got {name!r}"
        )
    if not isinstance(factory, str) or not _FACTORY.match(factory):
        raise SpecError(f"{owner}: field 'factory' expected 'package.module:Attr', got {factory!r}")
    if isinstance(requires, str) or not all(isinstance(r, str) and r for r in requires):  # type: ignore[attr-defined]
        raise SpecError(f"{owner}: field 'requires' expected a list of import names, got {requires!r}")


@dataclass(frozen=True)
class ComponentSpec:
    """A registered component: a preprocessor, learner, meta-learner, drift detector or trainer.

    Args:
        name: unique across every installed plugin.
        kind: one of ``KINDS``.
        factory: ``"package.module:Class"``, resolved only when the component is used.
        info: :class:`ModelInfo` (or a plain mapping, validated into one).
        requires: top-level import names the factory needs.
        test_params: small, fast constructor parameters for the conformance kit.
        backends: trainers only — the learner backends this trainer can train.
        distributed: trainers only — runs across processes/hosts; used only when named.
        default_trainer: trainers only — the default non-distributed trainer for its backends.
    """

    name: str
    kind: str
    factory: str
    info: ModelInfo
    requires: tuple[str, ...] = ()
    test_params: Mapping[str, Any] = field(default_factory=dict)
    backends: tuple[str, ...] = ()
    distributed: bool = False
    default_trainer: bool = False
    plugin: str | None = None
    """The distribution that registered it; filled in by the plugin manager."""

    def __post_init__(self) -> None:
        owner = f"component {self.name!r}"
        if isinstance(self.info, Mapping):
            object.__setattr__(self, "info", ModelInfo.from_dict(self.info, owner))
        object.__setattr__(self, "requires", tuple(self.requires))
        object.__setattr__(self, "backends", tuple(self.backends))
        self.validate()

    def validate(self) -> None:
        owner = f"component {self.name!r}"
        _check_common(owner, self.name, self.factory, self.requires)
        if self.kind not in KINDS:
            raise SpecError(f"{owner}: field 'kind' expected one of {KINDS}, got {self.kind!r}")
        if not isinstance(self.info, ModelInfo):
            raise SpecError(f"{owner}: field 'info' expected ModelInfo or a mapping, got {type(self.info).__name__}")
        self.info.validate(owner)
        if self.kind == "trainer":
            if not self.backends:
                raise SpecError(f"{owner}: a trainer must declare the 'backends' it supports")
            if self.distributed and self.default_trainer:
                raise SpecError(f"{owner}: a distributed trainer cannot be a default trainer")
        elif self.backends or self.distributed or self.default_trainer:
            raise SpecError(f"{owner}: 'backends', 'distributed' and 'default_trainer' apply to trainers only")
        if not isinstance(self.test_params, Mapping):
            raise SpecError(f"{owner}: field 'test_params' expected a mapping, got {self.test_params!r}")

    def missing_requirements(self) -> list[str]:
        return missing_requirements(self.requires)

    def load(self) -> Any:
        """Resolve the factory (imports the component's module)."""
        missing = self.missing_requirements()
        if missing:
            raise RequirementError(
                f"component {self.name!r} needs {', '.join(missing)}; install the "
                f"{self.plugin or 'plugin'}'s dependencies (pip install {' '.join(missing)})"
            )
        return resolve_factory(self.factory)

    def create(self, **params: Any) -> Any:
        """Build an instance with ``params``."""
        return self.load()(**params)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "factory": self.factory,
            "requires": list(self.requires),
            "plugin": self.plugin,
            "model_info": self.info.to_dict(),
        }
        if self.kind == "trainer":
            out.update(backends=list(self.backends), distributed=self.distributed, default_trainer=self.default_trainer)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ComponentSpec:
        return cls(
            name=data["name"],
            kind=data["kind"],
            factory=data["factory"],
            info=ModelInfo.from_dict(data["model_info"], f"component {data.get('name')!r}"),
            requires=tuple(data.get("requires", ())),
            backends=tuple(data.get("backends", ())),
            distributed=bool(data.get("distributed", False)),
            default_trainer=bool(data.get("default_trainer", False)),
            plugin=data.get("plugin"),
        )


@dataclass(frozen=True)
class DatasetSpec:
    """A market-data source: a lazy loader returning a frame in the data contract.

    Args:
        name: unique dataset name.
        loader: ``"package.module:function"``; called with keyword parameters, returns a market frame.
        frequency: bar frequency as a pandas offset alias (``"1D"``, ``"1h"``).
        start, end: ``YYYY-MM-DD`` of the first and last bar (``end`` may be ``None`` for generated data).
        license: the licence or terms of the data.
        source: where the data comes from.
        has_regime_labels: the frame carries a ``regime`` column with the core's labels.
        description: one sentence for people.
    """

    name: str
    loader: str
    frequency: str
    start: str | None
    end: str | None
    license: str
    source: str
    has_regime_labels: bool = False
    description: str = ""
    requires: tuple[str, ...] = ()
    schema_version: str = SCHEMA_VERSION
    plugin: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "requires", tuple(self.requires))
        self.validate()

    def validate(self) -> None:
        owner = f"dataset {self.name!r}"
        _check_common(owner, self.name, self.loader, self.requires)
        if not isinstance(self.frequency, str) or not self.frequency:
            raise SpecError(
                f"{owner}: field 'frequency' expected a pandas offset alias such as '1D', got {self.frequency!r}"
            )
        for key in ("start", "end"):
            value = getattr(self, key)
            if value is not None and not (isinstance(value, str) and _DATE.match(value)):
                raise SpecError(f"{owner}: field {key!r} expected 'YYYY-MM-DD' or null, got {value!r}")
        for key in ("license", "source"):
            if not isinstance(getattr(self, key), str) or not getattr(self, key).strip():
                raise SpecError(f"{owner}: field {key!r} expected a non-empty string")

    def load(self, **params: Any) -> Any:
        missing = missing_requirements(self.requires)
        if missing:
            raise RequirementError(
                f"dataset {self.name!r} needs {', '.join(missing)} (pip install {' '.join(missing)})"
            )
        return resolve_factory(self.loader)(**params)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "loader": self.loader,
            "frequency": self.frequency,
            "start": self.start,
            "end": self.end,
            "license": self.license,
            "source": self.source,
            "has_regime_labels": self.has_regime_labels,
            "description": self.description,
            "requires": list(self.requires),
            "schema_version": self.schema_version,
            "plugin": self.plugin,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatasetSpec:
        known = set(cls.__dataclass_fields__)
        kwargs: dict[str, Any] = {k: (tuple(v) if k == "requires" else v) for k, v in data.items() if k in known}
        return cls(**kwargs)
