"""Catalog queries, explanations and the trainer-selection rule."""

import huracan_testplugins._plugin as good_plugin
import pytest

from huracan_core import CatalogError, ComponentNotFoundError, ComponentSpec, hookimpl, load_catalog


def _spec(name, regimes=("any",), task="regression", backend="numpy", caps=(), requires=("any",), shape=None, **kw):
    return ComponentSpec(
        name=name,
        kind=kw.pop("kind", "learner"),
        factory="huracan_core.testing:TinyLinearLearner",
        requires=kw.pop("imports", ()),
        info={
            "purpose": "p",
            "ideal_dataset_shape": shape or {"layout": "tabular", "min_rows": 10, "max_rows": 1000},
            "feature_requirements": list(requires),
            "output_schema": {"kind": "point"},
            "market_regimes": list(regimes),
            "task": task,
            "backend": backend,
            "capabilities": list(caps),
        },
        **kw,
    )


class _Plugin:
    @hookimpl
    def huracan_register_learners(self, register):
        register(_spec("up_model", regimes=("trending_up",), caps=("causal",)))
        register(_spec("down_model", regimes=("trending_down",)))
        register(_spec("range_clf", regimes=("ranging",), task="classification", backend="torch"))
        register(_spec("window_model", shape={"layout": "window", "min_rows": 500}, backend="torch"))
        register(_spec("needs_volume", requires=("volume", "returns")))
        register(_spec("needs_missing_lib", imports=("surely_not_installed_pkg",)))

    @hookimpl
    def huracan_register_trainers(self, register):
        register(
            _spec(
                "torch_default",
                kind="trainer",
                task="training",
                backend="torch",
                backends=("torch",),
                default_trainer=True,
            )
        )
        register(
            _spec(
                "torch_multi", kind="trainer", task="training", backend="torch", backends=("torch",), distributed=True
            )
        )


@pytest.fixture
def catalog():
    return load_catalog(sources=[], modules=[("huracan-q", _Plugin())])


def names(specs):
    return {s.name for s in specs}


def test_regime_family_trending_matches_both_directions(catalog):
    found = names(catalog.query(kind="learner", regime="trending"))
    assert {"up_model", "down_model"} <= found and "range_clf" not in found
    assert "window_model" in found  # market_regimes ["any"] matches every regime


def test_query_by_task_backend_capability_layout_and_size(catalog):
    assert names(catalog.query(task="classification")) == {"range_clf"}
    assert names(catalog.query(kind="learner", backend="torch")) == {"range_clf", "window_model"}
    assert names(catalog.query(capability="causal", kind="learner")) >= {"up_model"}
    assert "window_model" not in names(catalog.query(layout="tabular"))
    assert "window_model" not in names(catalog.query(kind="learner", n_rows=200))
    assert "up_model" not in names(catalog.query(kind="learner", n_rows=5000))


def test_feature_requirements_against_available_tags(catalog):
    found = names(catalog.query(kind="learner", available_features=["returns"]))
    assert "needs_volume" not in found and "up_model" in found
    assert "needs_volume" in names(catalog.query(kind="learner", available_features=["returns", "volume"]))


def test_explain_gives_a_reason_per_excluded_component(catalog):
    reasons = {
        e.name: e.reason for e in catalog.explain(kind="learner", regime="ranging", n_rows=200, installed_only=True)
    }
    assert reasons["up_model"] == "regime mismatch: made for trending_up, not ranging"
    assert reasons["window_model"] == "dataset shape: needs at least 500 rows, got 200"
    assert reasons["needs_missing_lib"] == "missing requirement: surely_not_installed_pkg is not installed"
    assert reasons["local"] == "kind is trainer, not learner"


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ({"regime": "bull"}, "unknown market regime 'bull'; expected one of: trending_up"),
        ({"kind": "model"}, "unknown kind 'model'; expected one of: preprocessor, learner"),
        ({"task": "forecast"}, "unknown task 'forecast'; expected one of: regression"),
        ({"capability": "fast"}, "unknown capability 'fast'"),
    ],
)
def test_unknown_query_values_list_the_valid_ones(catalog, criteria, message):
    with pytest.raises(CatalogError, match=message):
        catalog.query(**criteria)


def test_trainer_selection_rule(catalog):
    assert catalog.trainer_for("window_model").name == "torch_default"  # the backend's default
    assert catalog.trainer_for("up_model").name == "local"  # no default for numpy → local
    assert catalog.trainer_for("window_model", "torch_multi").name == "torch_multi"  # distributed only when named
    with pytest.raises(CatalogError, match="supports backends torch, but learner 'up_model' uses 'numpy'"):
        catalog.trainer_for("up_model", "torch_multi")


def test_factories_resolve_only_on_use(catalog):
    spec = catalog.get("up_model")
    model = catalog.create("up_model", ridge=0.5)
    assert type(model).__name__ == "TinyLinearLearner" and model.ridge == 0.5
    assert spec.factory == "huracan_core.testing:TinyLinearLearner"


def test_unknown_name_says_where_to_look(catalog):
    with pytest.raises(ComponentNotFoundError, match="huracan models list"):
        catalog.get("nope")


def test_real_catalog_contains_test_plugin_and_core():
    catalog = load_catalog(sources=[], modules=[("huracan-testplugins", good_plugin)])
    kinds = {s.kind for s in catalog.components}
    assert kinds == {"preprocessor", "learner", "meta_learner", "drift_detector", "trainer"}
