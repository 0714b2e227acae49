"""The core conformance kit on both XGBoost learners."""

from __future__ import annotations

from huracan_core.testing import parametrize_with_checks


@parametrize_with_checks(["xgboost_classifier", "xgboost_regressor"])
def test_conformance(spec, check):
    check(spec)


def test_catalog_lists_both_learners_with_search_spaces():
    from huracan_core import load_catalog

    specs = load_catalog().query(backend="xgboost")
    assert sorted(s.name for s in specs) == ["xgboost_classifier", "xgboost_regressor"]
    for spec in specs:
        assert spec.plugin == "huracan-xgboost" and spec.requires[0] == "xgboost"
        assert {"early_stopping", "feature_importance", "gpu", "missing_values"} <= set(spec.info.capabilities)
        assert set(spec.info.search_space) <= set(spec.load()().get_params())
