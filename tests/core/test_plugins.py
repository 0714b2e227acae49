"""Plugin manager: every hook, guarded loading, environment filters, strict mode, duplicates, typos."""

import types

import huracan_testplugins._plugin as good_plugin
import pytest

from huracan_core import PluginError, hookimpl, load_catalog
from huracan_core._plugins import PluginSource

GOOD = ("huracan-testplugins", good_plugin)


def _module(name, **hooks):
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


def _learner_spec(name="dupe_model", **info_overrides):
    from huracan_core import ComponentSpec

    info = {
        "purpose": "p",
        "ideal_dataset_shape": {"layout": "tabular"},
        "feature_requirements": ["any"],
        "output_schema": {"kind": "point"},
        "market_regimes": ["any"],
        "task": "regression",
        **info_overrides,
    }
    return ComponentSpec(name=name, kind="learner", factory="huracan_core.testing:TinyLinearLearner", info=info)


def test_hook_huracan_register_preprocessors():
    catalog = load_catalog(sources=[], modules=[GOOD])
    spec = catalog.get("test_log_return")
    assert (spec.kind, spec.plugin, spec.info.provides) == ("preprocessor", "huracan-testplugins", ("returns",))


def test_hook_huracan_register_learners():
    spec = load_catalog(sources=[], modules=[GOOD]).get("test_trend_learner")
    assert spec.kind == "learner" and spec.info.market_regimes == ("trending_up",)


def test_hook_huracan_register_meta_learners():
    from huracan_core.testing import checks_for

    spec = load_catalog(sources=[], modules=[GOOD]).get("test_inverse_mse_blend")
    assert spec.kind == "meta_learner"
    for check in checks_for(spec):
        if "plugin_module" not in check.__name__:
            check(spec)


def test_hook_huracan_register_drift_detectors():
    from huracan_core.testing import checks_for

    spec = load_catalog(sources=[], modules=[GOOD]).get("test_mean_shift")
    assert spec.kind == "drift_detector"
    names = [c.__name__ for c in checks_for(spec)]
    assert "check_drift_detector_streaming" in names
    for check in checks_for(spec):
        if "plugin_module" not in check.__name__:
            check(spec)


def test_hook_huracan_register_trainers():
    catalog = load_catalog(sources=[], modules=[GOOD])
    spec = catalog.get("test_numpy_trainer")
    assert spec.backends == ("numpy",) and spec.default_trainer
    # the rule: a backend's default trainer beats `local`
    assert catalog.trainer_for("test_trend_learner").name == "test_numpy_trainer"


def test_hook_huracan_register_datasets():
    catalog = load_catalog(sources=[], modules=[GOOD])
    dataset = catalog.dataset("test_random_walk")
    assert dataset.plugin == "huracan-testplugins"
    frame = dataset.load()
    assert len(frame) == 365 and str(frame.index.tz) == "UTC"


def test_hook_huracan_register_commands():
    import click
    from click.testing import CliRunner

    group = click.Group("root")
    load_catalog(sources=[], modules=[GOOD]).manager.register_commands(group)
    result = CliRunner().invoke(group, ["hello-test", "ada"])
    assert result.exit_code == 0 and result.output == "hello ada from huracan-testplugins\n"


def test_a_hook_that_raises_is_recorded_and_others_still_load():
    def boom(register):
        raise RuntimeError("database unreachable")

    catalog = load_catalog(sources=[], modules=[("huracan-broken", _module("b", huracan_register_learners=boom)), GOOD])
    assert "test_trend_learner" in catalog
    (failure,) = catalog.errors
    assert failure.plugin == "huracan-broken"
    assert "[huracan_register_learners]: raised RuntimeError: database unreachable" in str(failure)
    assert catalog.plugin("huracan-broken").status == "broken"


def test_import_error_is_recorded_with_version():
    def fail():
        raise ImportError("No module named 'tensorflow'")

    source = PluginSource(name="huracan-tf", version="0.3", target="huracan_tf._plugin", load=fail)
    catalog = load_catalog(sources=[source], modules=[GOOD])
    (failure,) = catalog.errors
    assert (failure.plugin, failure.version, failure.stage) == ("huracan-tf", "0.3", "import")
    assert "No module named 'tensorflow'" in failure.reason
    assert len(catalog.query(kind="learner")) >= 1


def test_invalid_model_info_rejects_that_component_only():
    def register_two(register):
        register(_learner_spec("fine_model"))
        register("not a spec")

    catalog = load_catalog(sources=[], modules=[("huracan-half", _module("h", huracan_register_learners=register_two))])
    assert "fine_model" in catalog
    assert "register() expects a ComponentSpec, got str" in catalog.errors[0].reason


def test_duplicate_names_report_both_distributions():
    first = _module("a", huracan_register_learners=lambda register: register(_learner_spec()))
    second = _module("b", huracan_register_learners=lambda register: register(_learner_spec()))
    catalog = load_catalog(sources=[], modules=[("huracan-first", first), ("huracan-second", second)])
    assert catalog.get("dupe_model").plugin == "huracan-first"
    (failure,) = catalog.errors
    assert failure.plugin == "huracan-second"
    assert "duplicate component name 'dupe_model': already registered by huracan-first" in failure.reason


def test_wrong_kind_for_hook_is_rejected():
    def register(register):
        from dataclasses import replace

        register(replace(_learner_spec(), kind="preprocessor"))

    catalog = load_catalog(sources=[], modules=[("huracan-k", _module("k", huracan_register_learners=register))])
    assert "has kind 'preprocessor' but huracan_register_learners registers 'learner'" in catalog.errors[0].reason


def test_mistyped_hook_name_is_caught_by_check_pending():
    module = _module("typo", huracan_register_learner=lambda register: None)
    catalog = load_catalog(sources=[], modules=[("huracan-typo", module)])
    (failure,) = catalog.errors
    assert failure.plugin == "huracan-typo" and "unknown hook implementation" in failure.reason
    assert "huracan_register_learners" in failure.reason


def test_strict_mode_fails_loudly():
    def boom(register):
        raise RuntimeError("bad")

    with pytest.raises(PluginError, match="huracan-broken .*HURACAN_STRICT_PLUGINS=1"):
        load_catalog(
            sources=[], modules=[("huracan-broken", _module("b", huracan_register_learners=boom))], strict=True
        )


def test_catalog_is_cached_per_process_and_environment(monkeypatch):
    first = load_catalog()
    assert load_catalog() is first
    monkeypatch.setenv("HURACAN_LOAD_PLUGINS", "")
    assert load_catalog() is not first
    assert load_catalog(refresh=True) is not first


PLUGIN_SOURCE = """
import pathlib
pathlib.Path({marker!r}).write_text("imported")
from huracan_core import hookimpl, ComponentSpec

@hookimpl
def huracan_register_learners(register):
    register(ComponentSpec(name={name!r}, kind="learner", factory="huracan_core.testing:TinyLinearLearner",
        info={{"purpose": "p", "ideal_dataset_shape": {{"layout": "tabular"}}, "feature_requirements": ["any"],
              "output_schema": {{"kind": "point"}}, "market_regimes": ["any"], "task": "regression"}}))
"""


def _install_two(make_distribution, tmp_path):
    markers = {}
    for dist, name in (("huracan-alpha", "alpha_model"), ("Huracan_Beta", "beta_model")):
        marker = tmp_path / f"{name}.imported"
        module = f"{name}_plugin"
        make_distribution(dist, {module: PLUGIN_SOURCE.format(marker=str(marker), name=name)}, {name: module})
        markers[name] = marker
    return markers


def test_entry_points_are_discovered(make_distribution, tmp_path):
    _install_two(make_distribution, tmp_path)
    catalog = load_catalog(refresh=True)
    assert catalog.get("alpha_model").plugin == "huracan-alpha"
    assert catalog.get("beta_model").plugin == "Huracan_Beta"


def test_disable_plugins_filters_before_import(make_distribution, tmp_path, monkeypatch):
    markers = _install_two(make_distribution, tmp_path)
    monkeypatch.setenv("HURACAN_DISABLE_PLUGINS", "huracan-beta")  # normalised name matches Huracan_Beta
    catalog = load_catalog(refresh=True)
    assert "alpha_model" in catalog and "beta_model" not in catalog
    assert markers["alpha_model"].exists() and not markers["beta_model"].exists()


def test_load_plugins_allow_list_and_empty_string(make_distribution, tmp_path, monkeypatch):
    markers = _install_two(make_distribution, tmp_path)
    monkeypatch.setenv("HURACAN_LOAD_PLUGINS", "huracan_beta")
    catalog = load_catalog(refresh=True)
    assert "beta_model" in catalog and "alpha_model" not in catalog
    assert not markers["alpha_model"].exists()
    monkeypatch.setenv("HURACAN_LOAD_PLUGINS", "")
    catalog = load_catalog(refresh=True)
    assert {p.name for p in catalog.plugins} == {"huracan-core"}
    assert "local" in catalog  # the core's own components always load
