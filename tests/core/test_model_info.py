"""Model info and specs: validation messages, JSON round trip, tolerant reading, shipped schema."""

import json

import pytest

from huracan_core import ComponentSpec, DatasetSpec, ModelInfo, SpecError
from huracan_core.schema import dataset_spec_schema, load_shipped_schema, model_info_schema, validate_model_info_json

INFO = {
    "purpose": "Predict next-bar returns.",
    "ideal_dataset_shape": {"layout": "tabular", "min_rows": 100, "max_rows": None, "n_features": None},
    "feature_requirements": ["returns", "volatility"],
    "output_schema": {"kind": "point", "columns": ["prediction"], "dtype": "float64"},
    "market_regimes": ["trending_up", "ranging"],
    "task": "regression",
    "backend": "numpy",
    "capabilities": ["causal"],
    "search_space": {"alpha": {"type": "float", "low": 0.001, "high": 10.0, "log": True}},
}


def test_round_trips_through_json():
    info = ModelInfo.from_dict(INFO, "c")
    again = ModelInfo.from_json(info.to_json())
    assert again == info
    assert again.to_dict()["search_space"]["alpha"] == {"type": "float", "low": 0.001, "high": 10.0, "log": True}


def test_unknown_fields_from_newer_plugins_are_kept():
    data = {
        **INFO,
        "schema_version": "1.7",
        "latency_ms": 3,
        "ideal_dataset_shape": {**INFO["ideal_dataset_shape"], "stride": 2},
    }
    info = ModelInfo.from_dict(data)
    assert info.extra == {"latency_ms": 3}
    assert info.to_dict()["latency_ms"] == 3
    assert info.schema_version == "1.7"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("market_regimes", ["bullish"], "field 'market_regimes' expected values from"),
        ("market_regimes", [], "at least one regime"),
        ("task", "forecast", "field 'task' expected one of"),
        ("feature_requirements", "returns", "field 'feature_requirements' expected a list of strings"),
        ("output_schema", {"kind": "price"}, "field 'output_schema.kind' expected one of"),
        ("ideal_dataset_shape", {"layout": "cube"}, "field 'ideal_dataset_shape.layout'"),
        ("ideal_dataset_shape", {"layout": "tabular", "min_rows": 10, "max_rows": 5}, ">= min_rows"),
        ("search_space", {"depth": {"type": "int", "low": 5, "high": 1}}, "search_space.depth.high"),
        ("search_space", {"lr": {"type": "float", "low": 0, "high": 1, "log": True}}, "> 0 when log=true"),
        ("search_space", {"act": {"type": "categorical"}}, "search_space.act.choices"),
        ("capabilities", ["causal", "non_causal"], "either 'causal' or 'non_causal'"),
        ("purpose", "", "field 'purpose'"),
    ],
)
def test_invalid_fields_name_component_field_and_expectation(field, value, message):
    with pytest.raises(SpecError) as error:
        ModelInfo.from_dict({**INFO, field: value}, "component 'demo'")
    assert "component 'demo'" in str(error.value)
    assert message in str(error.value)


def test_missing_required_fields_are_listed():
    data = {k: v for k, v in INFO.items() if k not in ("purpose", "task")}
    with pytest.raises(SpecError, match="missing required field\\(s\\) purpose, task"):
        ModelInfo.from_dict(data, "x")


def test_component_spec_validation_and_round_trip():
    spec = ComponentSpec(name="ridge_demo", kind="learner", factory="pkg.mod:Ridge", info=INFO, requires=["numpy"])
    assert spec.requires == ("numpy",)
    again = ComponentSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again.to_dict() == spec.to_dict()
    with pytest.raises(SpecError, match="field 'kind' expected one of"):
        ComponentSpec(name="x", kind="model", factory="a:b", info=INFO)
    with pytest.raises(SpecError, match="'package.module:Attr'"):
        ComponentSpec(name="x", kind="learner", factory="a.b.C", info=INFO)
    with pytest.raises(SpecError, match="field 'name'"):
        ComponentSpec(name="Bad Name", kind="learner", factory="a:b", info=INFO)
    with pytest.raises(SpecError, match="must declare the 'backends'"):
        ComponentSpec(name="t", kind="trainer", factory="a:b", info=INFO)
    with pytest.raises(SpecError, match="apply to trainers only"):
        ComponentSpec(name="t", kind="learner", factory="a:b", info=INFO, distributed=True)


def test_requirements_checked_without_importing():
    spec = ComponentSpec(
        name="x", kind="learner", factory="a:b", info=INFO, requires=("json", "surely_not_installed_pkg")
    )
    assert spec.missing_requirements() == ["surely_not_installed_pkg"]
    with pytest.raises(ImportError, match="needs surely_not_installed_pkg"):
        spec.load()


def test_dataset_spec_validation():
    ok = DatasetSpec(name="d", loader="m:f", frequency="1D", start="2000-01-03", end=None, license="MIT", source="me")
    assert DatasetSpec.from_dict(ok.to_dict()) == ok
    with pytest.raises(SpecError, match="'start' expected 'YYYY-MM-DD'"):
        DatasetSpec(name="d", loader="m:f", frequency="1D", start="03/01/2000", end=None, license="MIT", source="me")
    with pytest.raises(SpecError, match="'license'"):
        DatasetSpec(name="d", loader="m:f", frequency="1D", start=None, end=None, license=" ", source="me")


def test_shipped_json_schemas_match_the_vocabulary():
    assert load_shipped_schema("model-info") == model_info_schema()
    assert load_shipped_schema("dataset-spec") == dataset_spec_schema()


def test_json_schema_agrees_with_python_validator():
    jsonschema = pytest.importorskip("jsonschema")
    validate_model_info_json(ModelInfo.from_dict(INFO).to_dict())
    bad = {**INFO, "market_regimes": ["bullish"]}
    with pytest.raises(SpecError, match="market_regimes"):
        validate_model_info_json(bad)
    assert jsonschema.Draft202012Validator(load_shipped_schema("dataset-spec")).is_valid(
        DatasetSpec(name="d", loader="m:f", frequency="1D", start=None, end=None, license="MIT", source="me").to_dict()
    )


def test_facade_names_all_resolve_and_stay_lazy():
    import subprocess
    import sys

    code = (
        "import sys, huracan_core as h\n"
        "light = not any(m in sys.modules for m in ('numpy', 'pandas'))\n"
        "[getattr(h, n) for n in h.__all__]\n"
        "print(light, len(h.__all__))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "True" and int(out[1]) > 40
