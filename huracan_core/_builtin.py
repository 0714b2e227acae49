"""Components the core registers itself, through the same hooks as any plugin."""

from __future__ import annotations

from collections.abc import Callable

from huracan_core._hookspecs import hookimpl
from huracan_core._model_info import DatasetShape, ModelInfo, OutputSchema
from huracan_core._spec import ComponentSpec


@hookimpl
def huracan_register_trainers(register: Callable[[ComponentSpec], None]) -> None:
    register(
        ComponentSpec(
            name="local",
            kind="trainer",
            factory="huracan_core.trainers:LocalTrainer",
            backends=("any",),
            info=ModelInfo(
                purpose="Train any learner in this process by calling its own fit method.",
                ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=1),
                feature_requirements=("any",),
                output_schema=OutputSchema(kind="model"),
                market_regimes=("any",),
                task="training",
                backend="any",
            ),
        )
    )


@hookimpl
def huracan_register_preprocessors(register: Callable[[ComponentSpec], None]) -> None:
    register(
        ComponentSpec(
            name="regime_features",
            kind="preprocessor",
            factory="huracan_core.regimes:RegimeFeatures",
            test_params={"trend_window": 20, "vol_window": 10, "percentile_window": 60},
            info=ModelInfo(
                purpose="Causal regime features: trend strength, trend slope and volatility percentile per bar.",
                ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=100),
                feature_requirements=("ohlcv",),
                provides=("regime", "trend", "volatility"),
                output_schema=OutputSchema(
                    kind="features", columns=("trend_slope", "trend_strength", "volatility", "vol_percentile")
                ),
                market_regimes=("any",),
                task="feature_engineering",
                backend="numpy",
                capabilities=("causal",),
            ),
        )
    )


@hookimpl
def huracan_register_learners(register: Callable[[ComponentSpec], None]) -> None:
    register(
        ComponentSpec(
            name="rule_regime_detector",
            kind="learner",
            factory="huracan_core.regimes:RuleRegimeDetector",
            test_params={"trend_window": 20, "vol_window": 10, "percentile_window": 60},
            info=ModelInfo(
                purpose="Label each bar trending_up, trending_down, ranging or volatile from causal rules on trend strength and volatility percentile.",
                ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=100),
                feature_requirements=("ohlcv",),
                output_schema=OutputSchema(kind="regime", columns=("regime",), dtype="str"),
                market_regimes=("any",),
                task="regime_detection",
                backend="numpy",
                capabilities=("causal",),
            ),
        )
    )
