"""Entry point of the ``huracan-xgboost`` plugin: registers the XGBoost learners.

Imports only ``huracan_core`` and the standard library. ``requires`` names the
import ``xgboost``, which either the ``xgboost`` or the ``xgboost-cpu``
distribution provides (the catalog checks it with ``find_spec``, never by importing).
"""

from __future__ import annotations

from collections.abc import Callable

from huracan_core import ComponentSpec, DatasetShape, ModelInfo, OutputSchema, SearchParam, hookimpl

_SEARCH_SPACE = {
    "n_estimators": SearchParam(type="int", low=100, high=2000, log=True),
    "learning_rate": SearchParam(type="float", low=0.005, high=0.3, log=True),
    "max_depth": SearchParam(type="int", low=2, high=10),
    "min_child_weight": SearchParam(type="float", low=0.5, high=50.0, log=True),
    "subsample": SearchParam(type="float", low=0.5, high=1.0),
    "colsample_bytree": SearchParam(type="float", low=0.3, high=1.0),
    "reg_lambda": SearchParam(type="float", low=1e-3, high=100.0, log=True),
    "reg_alpha": SearchParam(type="float", low=1e-4, high=10.0, log=True),
    "gamma": SearchParam(type="float", low=0.0, high=5.0),
}
_CAPABILITIES = ("causal", "gpu", "feature_importance", "early_stopping", "missing_values")
_MISSING_POLICY = {
    "missing_value_policy": "NaN features are treated as missing (XGBoost learns a default split direction); inf is an error",
}
_TEST_PARAMS = {"n_estimators": 20, "max_depth": 3, "learning_rate": 0.3, "n_jobs": 1}


def _spec(
    name: str, cls: str, purpose: str, task: str, output: OutputSchema, capabilities: tuple[str, ...]
) -> ComponentSpec:
    return ComponentSpec(
        name=name,
        kind="learner",
        factory=f"huracan_xgboost.learners:{cls}",
        requires=("xgboost", "sklearn"),
        test_params=_TEST_PARAMS,
        info=ModelInfo(
            purpose=purpose,
            ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=500),
            feature_requirements=("any",),
            output_schema=output,
            market_regimes=("any",),
            task=task,
            backend="xgboost",
            capabilities=capabilities,
            search_space=_SEARCH_SPACE,
            extra=_MISSING_POLICY,
        ),
    )


@hookimpl
def huracan_register_learners(register: Callable[[ComponentSpec], None]) -> None:
    """Register the XGBoost classifier and regressor."""
    register(
        _spec(
            "xgboost_classifier",
            "XGBoostClassifier",
            "Gradient-boosted trees for direction classification on tabular features, with early stopping "
            "on a validation fold; NaN features are treated as missing; trains on a GPU when one is present.",
            "classification",
            OutputSchema(kind="direction", columns=("prediction",), dtype="int64"),
            (*_CAPABILITIES, "probabilities"),
        )
    )
    register(
        _spec(
            "xgboost_regressor",
            "XGBoostRegressor",
            "Gradient-boosted trees for return regression on tabular features, with early stopping "
            "on a validation fold; NaN features are treated as missing; trains on a GPU when one is present.",
            "regression",
            OutputSchema(kind="point", columns=("prediction",), dtype="float64"),
            _CAPABILITIES,
        )
    )
