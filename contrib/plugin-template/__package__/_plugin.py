"""Entry point of {{dist_name}}: registers components with Huracan (imports nothing heavy)."""

from __future__ import annotations

from collections.abc import Callable

from huracan_core import ComponentSpec, DatasetShape, ModelInfo, OutputSchema, SearchParam, hookimpl


@hookimpl
def huracan_register_learners(register: Callable[[ComponentSpec], None]) -> None:
    register(
        ComponentSpec(
            name="{{component_name}}",
            kind="learner",
            factory="{{package}}.model:RidgeLearner",
            requires=("numpy", "pandas"),
            test_params={"alpha": 1.0},
            info=ModelInfo(
                purpose="Ridge regression of the next-bar return on any numeric features (a linear baseline).",
                ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=50),
                feature_requirements=("any",),
                output_schema=OutputSchema(kind="point", columns=("prediction",), dtype="float64"),
                market_regimes=("any",),
                task="regression",
                backend="numpy",
                capabilities=("causal",),
                search_space={"alpha": SearchParam(type="float", low=1e-4, high=1e3, log=True)},
            ),
        )
    )
