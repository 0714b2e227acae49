"""Discovery module (entry point ``huracan: jax``): registers specs only; imports no jax, numpy or pandas."""

from __future__ import annotations

from collections.abc import Callable

from huracan_core import ComponentSpec, DatasetShape, ModelInfo, OutputSchema, SearchParam, hookimpl

_REQUIRES = ("jax", "jaxlib", "optax", "numpy", "pandas")
_CAPABILITIES = ("causal", "gpu", "distributed", "jit", "early_stopping", "checkpointing")

_COMMON_SPACE = {
    "learning_rate": SearchParam(type="float", low=1e-4, high=1e-2, log=True),
    "batch_size": SearchParam(type="categorical", choices=(32, 64, 128, 256)),
    "weight_decay": SearchParam(type="float", low=1e-6, high=1e-2, log=True),
    "dropout": SearchParam(type="float", low=0.0, high=0.3),
    "epochs": SearchParam(type="int", low=5, high=100),
}
_TRAIN_TEST = {"epochs": 2, "batch_size": 32, "patience": None, "random_state": 0}

# (name stem, class stem, layout, purpose fragment, test params, search space)
_ARCHS = (
    (
        "mlp",
        "MLP",
        "tabular",
        "A multi-layer perceptron on one row of tabular features per bar",
        {"hidden_size": 8, "num_layers": 1},
        {
            "hidden_size": SearchParam(type="int", low=16, high=256, log=True),
            "num_layers": SearchParam(type="int", low=1, high=4),
            "activation": SearchParam(type="categorical", choices=("relu", "tanh", "gelu")),
        },
    ),
    (
        "lstm",
        "LSTM",
        "window",
        "An LSTM (unrolled with jax.lax.scan) over causal lookback windows",
        {"lookback": 4, "hidden_size": 4},
        {
            "lookback": SearchParam(type="int", low=8, high=128, log=True),
            "hidden_size": SearchParam(type="int", low=8, high=256, log=True),
            "num_layers": SearchParam(type="int", low=1, high=3),
        },
    ),
    (
        "gru",
        "GRU",
        "window",
        "A GRU (unrolled with jax.lax.scan) over causal lookback windows",
        {"lookback": 4, "hidden_size": 4},
        {
            "lookback": SearchParam(type="int", low=8, high=128, log=True),
            "hidden_size": SearchParam(type="int", low=8, high=256, log=True),
            "num_layers": SearchParam(type="int", low=1, high=3),
        },
    ),
    (
        "transformer",
        "Transformer",
        "window",
        "A Transformer encoder with a causal attention mask over causal lookback windows",
        {"lookback": 4, "d_model": 8, "n_heads": 2, "n_layers": 1, "ff_size": 8},
        {
            "lookback": SearchParam(type="int", low=8, high=128, log=True),
            "d_model": SearchParam(type="categorical", choices=(16, 32, 64, 128)),
            "n_heads": SearchParam(type="categorical", choices=(1, 2, 4)),
            "n_layers": SearchParam(type="int", low=1, high=4),
        },
    ),
)

LEARNER_NAMES = tuple(f"jax_{stem}_{task}" for stem, *_ in _ARCHS for task in ("regressor", "classifier"))


@hookimpl
def huracan_register_learners(register: Callable[[ComponentSpec], None]) -> None:
    for stem, cls, layout, purpose, test_params, space in _ARCHS:
        default_lookback = None if layout == "tabular" else 32
        min_rows = 200 if layout == "tabular" else 500
        for task, suffix, output, extra_caps, what in (
            (
                "regression",
                "Regressor",
                OutputSchema(kind="point", columns=("prediction",)),
                (),
                "predicts a number (e.g. a forward return)",
            ),
            (
                "classification",
                "Classifier",
                OutputSchema(kind="direction", columns=("prediction",), dtype="int64"),
                ("probabilities",),
                "predicts a class such as the direction, with class probabilities",
            ),
        ):
            register(
                ComponentSpec(
                    name=f"jax_{stem}_{'regressor' if task == 'regression' else 'classifier'}",
                    kind="learner",
                    factory=f"huracan_jax.learners:Jax{cls}{suffix}",
                    requires=_REQUIRES,
                    test_params={**test_params, **_TRAIN_TEST},
                    info=ModelInfo(
                        purpose=f"{purpose} that {what}; JAX with optax, jit-compiled and data-parallel on GPUs/TPUs.",
                        ideal_dataset_shape=DatasetShape(layout=layout, min_rows=min_rows, lookback=default_lookback),
                        feature_requirements=("any",),
                        output_schema=output,
                        market_regimes=("any",),
                        task=task,
                        backend="jax",
                        capabilities=(*_CAPABILITIES, *extra_caps),
                        search_space={**_COMMON_SPACE, **space},
                    ),
                )
            )


@hookimpl
def huracan_register_trainers(register: Callable[[ComponentSpec], None]) -> None:
    register(
        ComponentSpec(
            name="jax_local",
            kind="trainer",
            factory="huracan_jax.trainers:JaxLocalTrainer",
            requires=(*_REQUIRES, "tqdm"),
            backends=("jax",),
            default_trainer=True,
            test_params={"devices": 1, "progress": False},
            info=ModelInfo(
                purpose="Train JAX learners with a jit-compiled loop, data parallel over all local devices (jax.sharding), with early stopping, checkpoint/resume and a progress bar.",
                ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=1),
                feature_requirements=("any",),
                output_schema=OutputSchema(kind="model"),
                market_regimes=("any",),
                task="training",
                backend="jax",
                capabilities=("gpu", "distributed", "jit", "early_stopping", "checkpointing"),
            ),
        )
    )
