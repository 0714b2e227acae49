"""The core conformance kit on every component this plugin registers."""

from __future__ import annotations

from huracan_core.testing import parametrize_with_checks

NAMES = [
    "linear_regression",
    "ridge",
    "logistic_regression",
    "knn_classifier",
    "knn_regressor",
    "svm_classifier",
    "svm_regressor",
    "linear_svm_classifier",
    "linear_svm_regressor",
    "decision_tree_classifier",
    "decision_tree_regressor",
    "random_forest_classifier",
    "random_forest_regressor",
    "kmeans_regime_detector",
]


@parametrize_with_checks(NAMES)
def test_conformance(spec, check):
    check(spec)


def test_catalog_lists_every_component_with_full_model_info():
    from huracan_core import load_catalog

    specs = load_catalog().query(backend="sklearn")
    assert sorted(s.name for s in specs) == sorted(NAMES)
    for spec in specs:
        assert spec.plugin == "huracan-sklearn" and spec.requires == ("sklearn",)
        assert "baseline" in spec.info.purpose, f"{spec.name}: purpose must say what it is a baseline for"
        assert spec.info.search_space, f"{spec.name}: empty search space"
        params = spec.load()().get_params()
        assert set(spec.info.search_space) <= set(params), f"{spec.name}: search space names unknown parameters"
