"""The versioned JSON Schemas of model info and dataset specs, shipped in ``huracan_core/schemas/``.

The schemas are built from the vocabularies in :mod:`huracan_core._vocab`; a test
keeps the shipped files identical to :func:`model_info_schema` /
:func:`dataset_spec_schema`, so the vocabulary is defined once. Unknown
properties are allowed (``additionalProperties: true``): readers tolerate fields
from newer plugins.
"""

from __future__ import annotations

import json
from importlib import resources
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

__all__ = ["dataset_spec_schema", "load_shipped_schema", "model_info_schema", "validate_model_info_json"]

_BASE = "https://huracan.dev/schemas"


def _tags(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "array", "items": {"enum": list(values)}, "uniqueItems": True}


def model_info_schema() -> dict[str, Any]:
    nullable_int = {"type": ["integer", "null"], "minimum": 0}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{_BASE}/model-info-{SCHEMA_VERSION}.json",
        "title": "Huracan model info",
        "type": "object",
        "required": [
            "purpose",
            "ideal_dataset_shape",
            "feature_requirements",
            "output_schema",
            "market_regimes",
            "task",
        ],
        "additionalProperties": True,
        "properties": {
            "purpose": {"type": "string", "minLength": 1},
            "ideal_dataset_shape": {
                "type": "object",
                "required": ["layout"],
                "additionalProperties": True,
                "properties": {
                    "layout": {"enum": list(LAYOUTS)},
                    "min_rows": {"type": "integer", "minimum": 0},
                    "max_rows": nullable_int,
                    "n_features": nullable_int,
                    "lookback": nullable_int,
                },
            },
            "feature_requirements": _tags(FEATURE_TAGS),
            "provides": _tags(FEATURE_TAGS),
            "output_schema": {
                "type": "object",
                "required": ["kind"],
                "additionalProperties": True,
                "properties": {
                    "kind": {"enum": list(OUTPUT_KINDS)},
                    "columns": {"type": "array", "items": {"type": "string"}},
                    "dtype": {"type": "string"},
                },
            },
            "market_regimes": {**_tags(MARKET_REGIMES), "minItems": 1},
            "task": {"enum": list(TASKS)},
            "backend": {"type": "string", "minLength": 1},
            "capabilities": _tags(CAPABILITIES),
            "search_space": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {
                        "type": {"enum": list(SEARCH_SPACE_TYPES)},
                        "low": {"type": "number"},
                        "high": {"type": "number"},
                        "log": {"type": "boolean"},
                        "step": {"type": "number"},
                        "choices": {"type": "array", "minItems": 1},
                    },
                },
            },
            "schema_version": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)*$"},
        },
    }


def dataset_spec_schema() -> dict[str, Any]:
    date = {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{_BASE}/dataset-spec-{SCHEMA_VERSION}.json",
        "title": "Huracan dataset spec",
        "type": "object",
        "required": ["name", "loader", "frequency", "start", "end", "license", "source", "has_regime_labels"],
        "additionalProperties": True,
        "properties": {
            "name": {"type": "string", "pattern": "^[a-z][a-z0-9_.\\-]*$"},
            "loader": {"type": "string", "pattern": "^[A-Za-z_][\\w.]*:[A-Za-z_][\\w.]*$"},
            "frequency": {"type": "string", "minLength": 1},
            "start": date,
            "end": date,
            "license": {"type": "string", "minLength": 1},
            "source": {"type": "string", "minLength": 1},
            "has_regime_labels": {"type": "boolean"},
            "description": {"type": "string"},
            "requires": {"type": "array", "items": {"type": "string"}},
            "schema_version": {"type": "string"},
            "plugin": {"type": ["string", "null"]},
        },
    }


def load_shipped_schema(name: str) -> dict[str, Any]:
    """Read ``model-info`` or ``dataset-spec`` from the package's ``schemas/`` folder."""
    text = resources.files("huracan_core").joinpath("schemas", f"{name}-{SCHEMA_VERSION}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def validate_model_info_json(data: dict[str, Any], owner: str = "model info") -> None:
    """Validate plain model-info data against the shipped JSON Schema (needs ``jsonschema``)."""
    try:
        import jsonschema
    except ImportError:  # the Python validator is always there; the JSON Schema check is extra
        from huracan_core._model_info import ModelInfo

        ModelInfo.from_dict(data, owner)
        return
    errors = sorted(jsonschema.Draft202012Validator(load_shipped_schema("model-info")).iter_errors(data), key=str)
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.absolute_path) or "<root>"
        raise SpecError(f"{owner}: field {where!r} does not match the model-info JSON Schema: {first.message}")
