"""Model info: what a component is for and when the Mechanic may use it.

Values are structured, validated against the project vocabularies, round-trip
through JSON, and read tolerantly: fields unknown to this version of the core
(added by newer plugins) are kept in ``extra`` and written back unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from huracan_core._errors import SpecError
from huracan_core._vocab import (
    CAPABILITIES,
    FEATURE_TAGS,
    LAYOUTS,
    MARKET_REGIMES,
    OUTPUT_KINDS,
    SCHEMA_VERSION,
    SEARCH_SPACE_TYPES,
    TASKS,
)

__all__ = ["DatasetShape", "ModelInfo", "OutputSchema", "SearchParam"]


def _fail(owner: str, field_name: str, expected: str, got: object) -> SpecError:
    return SpecError(f"{owner}: field {field_name!r} expected {expected}, got {got!r}")


def _check_members(owner: str, field_name: str, values: Iterable[str], vocabulary: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise _fail(owner, field_name, "a list of strings", values)
    vocab = tuple(vocabulary)
    out = tuple(values)
    for value in out:
        if value not in vocab:
            raise _fail(owner, field_name, f"values from ({', '.join(vocab)})", value)
    return out


@dataclass(frozen=True)
class DatasetShape:
    """The data a component works best on.

    ``layout`` is ``tabular`` (one row per bar), ``window`` (lookback windows built
    from a tabular frame) or ``episodes``; ``max_rows`` and ``n_features`` of
    ``None`` mean unbounded / any.
    """

    layout: str = "tabular"
    min_rows: int = 1
    max_rows: int | None = None
    n_features: int | None = None
    lookback: int | None = None

    def validate(self, owner: str) -> None:
        if self.layout not in LAYOUTS:
            raise _fail(owner, "ideal_dataset_shape.layout", f"one of {LAYOUTS}", self.layout)
        for name in ("min_rows", "max_rows", "n_features", "lookback"):
            value = getattr(self, name)
            if name != "min_rows" and value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise _fail(owner, f"ideal_dataset_shape.{name}", "a non-negative integer", value)
        if self.max_rows is not None and self.max_rows < self.min_rows:
            raise _fail(owner, "ideal_dataset_shape.max_rows", f">= min_rows ({self.min_rows})", self.max_rows)

    def accepts(self, n_rows: int | None = None, n_features: int | None = None) -> str | None:
        """Return why data of this size does not fit, or ``None`` when it does."""
        if n_rows is not None:
            if n_rows < self.min_rows:
                return f"needs at least {self.min_rows} rows, got {n_rows}"
            if self.max_rows is not None and n_rows > self.max_rows:
                return f"takes at most {self.max_rows} rows, got {n_rows}"
        if n_features is not None and self.n_features is not None and n_features != self.n_features:
            return f"needs exactly {self.n_features} features, got {n_features}"
        return None


@dataclass(frozen=True)
class OutputSchema:
    """What ``predict``/``transform`` returns: its kind, columns and dtype."""

    kind: str
    columns: tuple[str, ...] = ()
    dtype: str = "float64"

    def validate(self, owner: str) -> None:
        if self.kind not in OUTPUT_KINDS:
            raise _fail(owner, "output_schema.kind", f"one of {OUTPUT_KINDS}", self.kind)
        if not all(isinstance(c, str) for c in self.columns):
            raise _fail(owner, "output_schema.columns", "a list of strings", self.columns)
        if not isinstance(self.dtype, str) or not self.dtype:
            raise _fail(owner, "output_schema.dtype", "a dtype name such as 'float64'", self.dtype)


@dataclass(frozen=True)
class SearchParam:
    """One hyper-parameter distribution, in Optuna's vocabulary."""

    type: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    choices: tuple[Any, ...] = ()

    def validate(self, owner: str, name: str) -> None:
        where = f"search_space.{name}"
        if self.type not in SEARCH_SPACE_TYPES:
            raise _fail(owner, f"{where}.type", f"one of {SEARCH_SPACE_TYPES}", self.type)
        if self.type == "categorical":
            if not self.choices:
                raise _fail(owner, f"{where}.choices", "a non-empty list", list(self.choices))
            return
        if self.low is None or self.high is None:
            raise _fail(owner, where, "both 'low' and 'high'", {"low": self.low, "high": self.high})
        if self.low > self.high:
            raise _fail(owner, f"{where}.high", f">= low ({self.low})", self.high)
        if self.log and self.low <= 0:
            raise _fail(owner, f"{where}.low", "> 0 when log=true", self.low)
        if self.type == "int" and not (float(self.low).is_integer() and float(self.high).is_integer()):
            raise _fail(owner, where, "integer bounds for type 'int'", (self.low, self.high))

    def to_dict(self) -> dict[str, Any]:
        if self.type == "categorical":
            return {"type": self.type, "choices": list(self.choices)}
        out: dict[str, Any] = {"type": self.type, "low": self.low, "high": self.high}
        if self.log:
            out["log"] = True
        if self.step is not None:
            out["step"] = self.step
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], owner: str = "?", name: str = "?") -> SearchParam:
        if not isinstance(data, Mapping):
            raise _fail(owner, f"search_space.{name}", "a mapping with a 'type'", data)
        return cls(
            type=data.get("type", ""),
            low=data.get("low"),
            high=data.get("high"),
            log=bool(data.get("log", False)),
            step=data.get("step"),
            choices=tuple(data.get("choices", ())),
        )


_INFO_FIELDS = (
    "purpose",
    "ideal_dataset_shape",
    "feature_requirements",
    "provides",
    "output_schema",
    "market_regimes",
    "task",
    "backend",
    "capabilities",
    "search_space",
    "schema_version",
)


@dataclass(frozen=True)
class ModelInfo:
    """Everything the catalog and the Mechanic know about a component.

    The first five fields are the ones the Mechanic was promised (see
    ``docs/model-info.md``). Build it from keywords or with :meth:`from_dict`.
    """

    purpose: str
    ideal_dataset_shape: DatasetShape
    feature_requirements: tuple[str, ...]
    output_schema: OutputSchema
    market_regimes: tuple[str, ...]
    task: str
    backend: str = "numpy"
    provides: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    search_space: Mapping[str, SearchParam] = field(default_factory=dict)
    schema_version: str = SCHEMA_VERSION
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Fields from newer schema versions, kept verbatim."""

    def validate(self, owner: str) -> None:
        """Raise :class:`SpecError` naming ``owner``, the field and what was expected."""
        if not isinstance(self.purpose, str) or not self.purpose.strip():
            raise _fail(owner, "purpose", "one non-empty sentence", self.purpose)
        if not isinstance(self.ideal_dataset_shape, DatasetShape):
            raise _fail(owner, "ideal_dataset_shape", "a DatasetShape", self.ideal_dataset_shape)
        self.ideal_dataset_shape.validate(owner)
        _check_members(owner, "feature_requirements", self.feature_requirements, FEATURE_TAGS)
        _check_members(owner, "provides", self.provides, FEATURE_TAGS)
        if not isinstance(self.output_schema, OutputSchema):
            raise _fail(owner, "output_schema", "an OutputSchema", self.output_schema)
        self.output_schema.validate(owner)
        regimes = _check_members(owner, "market_regimes", self.market_regimes, MARKET_REGIMES)
        if not regimes:
            raise _fail(owner, "market_regimes", "at least one regime (or 'any')", [])
        if self.task not in TASKS:
            raise _fail(owner, "task", f"one of {TASKS}", self.task)
        if not isinstance(self.backend, str) or not self.backend:
            raise _fail(owner, "backend", "a backend name such as 'sklearn' or 'torch'", self.backend)
        _check_members(owner, "capabilities", self.capabilities, CAPABILITIES)
        if "causal" in self.capabilities and "non_causal" in self.capabilities:
            raise _fail(owner, "capabilities", "either 'causal' or 'non_causal', not both", self.capabilities)
        if not isinstance(self.search_space, Mapping):
            raise _fail(owner, "search_space", "a mapping of parameter name to distribution", self.search_space)
        for name, param in self.search_space.items():
            if not isinstance(param, SearchParam):
                raise _fail(owner, f"search_space.{name}", "a SearchParam", param)
            param.validate(owner, name)
        if not isinstance(self.schema_version, str) or not self.schema_version.split(".")[0].isdigit():
            raise _fail(owner, "schema_version", "a version string such as '1.0'", self.schema_version)

    @property
    def causal(self) -> bool:
        return "causal" in self.capabilities

    def to_dict(self) -> dict[str, Any]:
        shape = self.ideal_dataset_shape
        out: dict[str, Any] = {
            "purpose": self.purpose,
            "ideal_dataset_shape": {
                "layout": shape.layout,
                "min_rows": shape.min_rows,
                "max_rows": shape.max_rows,
                "n_features": shape.n_features,
            },
            "feature_requirements": list(self.feature_requirements),
            "provides": list(self.provides),
            "output_schema": {
                "kind": self.output_schema.kind,
                "columns": list(self.output_schema.columns),
                "dtype": self.output_schema.dtype,
            },
            "market_regimes": list(self.market_regimes),
            "task": self.task,
            "backend": self.backend,
            "capabilities": list(self.capabilities),
            "search_space": {k: v.to_dict() for k, v in self.search_space.items()},
            "schema_version": self.schema_version,
        }
        if shape.lookback is not None:
            out["ideal_dataset_shape"]["lookback"] = shape.lookback
        out.update(self.extra)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], owner: str = "model info") -> ModelInfo:
        """Build and validate model info from plain data, keeping unknown fields."""
        if not isinstance(data, Mapping):
            raise _fail(owner, "model_info", "a mapping", data)
        missing = [
            name
            for name in (
                "purpose",
                "ideal_dataset_shape",
                "feature_requirements",
                "output_schema",
                "market_regimes",
                "task",
            )
            if name not in data
        ]
        if missing:
            raise SpecError(f"{owner}: model info is missing required field(s) {', '.join(missing)}")
        shape_data = data["ideal_dataset_shape"]
        if not isinstance(shape_data, Mapping):
            raise _fail(owner, "ideal_dataset_shape", "a mapping {layout, min_rows, max_rows, n_features}", shape_data)
        known_shape = {f.name for f in fields(DatasetShape)}
        shape = DatasetShape(**{k: v for k, v in shape_data.items() if k in known_shape})
        out_data = data["output_schema"]
        if not isinstance(out_data, Mapping):
            raise _fail(owner, "output_schema", "a mapping {kind, columns, dtype}", out_data)
        output = OutputSchema(
            kind=out_data.get("kind", ""),
            columns=tuple(out_data.get("columns", ())),
            dtype=out_data.get("dtype", "float64"),
        )
        space_data = data.get("search_space", {}) or {}
        if not isinstance(space_data, Mapping):
            raise _fail(owner, "search_space", "a mapping", space_data)
        info = cls(
            purpose=data["purpose"],
            ideal_dataset_shape=shape,
            feature_requirements=_as_tuple(owner, "feature_requirements", data["feature_requirements"]),
            provides=_as_tuple(owner, "provides", data.get("provides", ())),
            output_schema=output,
            market_regimes=_as_tuple(owner, "market_regimes", data["market_regimes"]),
            task=data["task"],
            backend=data.get("backend", "numpy"),
            capabilities=_as_tuple(owner, "capabilities", data.get("capabilities", ())),
            search_space={name: SearchParam.from_dict(p, owner, name) for name, p in space_data.items()},
            schema_version=str(data.get("schema_version", SCHEMA_VERSION)),
            extra={k: v for k, v in data.items() if k not in _INFO_FIELDS},
        )
        info.validate(owner)
        return info

    @classmethod
    def from_json(cls, text: str, owner: str = "model info") -> ModelInfo:
        return cls.from_dict(json.loads(text), owner)


def _as_tuple(owner: str, name: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _fail(owner, name, "a list of strings", value)
    return tuple(value)
