"""Registers the baselines; imports only huracan_core and the standard library."""

from __future__ import annotations

from collections.abc import Callable

from huracan_core import ComponentSpec, DatasetShape, ModelInfo, OutputSchema, hookimpl

_MODULE = "huracan_baselines.models"


def _info(purpose: str, task: str, kind: str, requirements: tuple[str, ...], extra: tuple[str, ...] = ()) -> ModelInfo:
    return ModelInfo(
        purpose=purpose,
        ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=2),
        feature_requirements=requirements,
        output_schema=OutputSchema(kind=kind, columns=("prediction",), dtype="float64" if kind == "point" else "int64"),
        market_regimes=("any",),
        task=task,
        backend="numpy",
        capabilities=("causal", *extra),
    )


@hookimpl
def huracan_register_learners(register: Callable[[ComponentSpec], None]) -> None:
    register(
        ComponentSpec(
            name="persistence_return",
            kind="learner",
            factory=f"{_MODULE}:PersistenceReturn",
            requires=("numpy", "pandas"),
            info=_info(
                "Random-walk-with-momentum baseline: the next bar's return equals the last bar's close-to-close return.",
                "regression",
                "point",
                ("ohlcv",),
            ),
        )
    )
    register(
        ComponentSpec(
            name="mean_return",
            kind="learner",
            factory=f"{_MODULE}:MeanReturn",
            requires=("numpy", "pandas"),
            info=_info(
                "Zero-skill regression baseline: always forecasts the mean target of the training period.",
                "regression",
                "point",
                ("any",),
            ),
        )
    )
    register(
        ComponentSpec(
            name="persistence_direction",
            kind="learner",
            factory=f"{_MODULE}:PersistenceDirection",
            requires=("numpy", "pandas"),
            info=_info(
                "Direction baseline: the next bar moves the way the last bar moved (up → class 1, otherwise 0).",
                "classification",
                "direction",
                ("ohlcv",),
            ),
        )
    )
    register(
        ComponentSpec(
            name="majority_direction",
            kind="learner",
            factory=f"{_MODULE}:MajorityDirection",
            requires=("numpy", "pandas"),
            info=_info(
                "Zero-skill classification baseline: always predicts the training period's most frequent class.",
                "classification",
                "direction",
                ("any",),
                ("probabilities",),
            ),
        )
    )
