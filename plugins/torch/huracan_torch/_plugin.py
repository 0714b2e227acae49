"""Entry point of huracan-torch (``[project.entry-points.huracan] torch``).

Imports only ``huracan_core`` and the standard library: discovery never imports
torch. Factories are resolved when a component is used.
"""

from __future__ import annotations

from collections.abc import Callable

from huracan_core import ComponentSpec, DatasetShape, ModelInfo, OutputSchema, SearchParam, hookimpl

_REQUIRES = ("torch", "safetensors", "numpy", "pandas")
_LOOKBACK = 32
_TRAINING_CAPS = ("causal", "gpu", "distributed", "early_stopping", "checkpointing")
_WINDOW_SHAPE = DatasetShape(layout="window", min_rows=200, max_rows=None, n_features=None, lookback=_LOOKBACK)
_FAST = {"lookback": 8, "epochs": 2, "batch_size": 64, "early_stopping_patience": 1, "progress": False, "device": "cpu"}

_COMMON_SPACE = {
    "lookback": SearchParam(type="int", low=8, high=128, log=True),
    "learning_rate": SearchParam(type="float", low=1e-4, high=1e-2, log=True),
    "batch_size": SearchParam(type="categorical", choices=(32, 64, 128)),
    "weight_decay": SearchParam(type="float", low=1e-6, high=1e-2, log=True),
    "scheduler": SearchParam(type="categorical", choices=("none", "cosine", "plateau", "onecycle")),
}

_ARCHS = {
    "cnn": (
        "CNN",
        "dilated causal 1-D convolutions (local temporal pattern detection)",
        {"channels": 8, "n_layers": 2, "kernel_size": 3, "dropout": 0.0},
        {
            "channels": SearchParam(type="int", low=8, high=128, log=True),
            "n_layers": SearchParam(type="int", low=1, high=5),
            "kernel_size": SearchParam(type="categorical", choices=(2, 3, 5)),
            "dropout": SearchParam(type="float", low=0.0, high=0.5),
        },
    ),
    "lstm": (
        "LSTM",
        "an LSTM (sequential patterns with long memory)",
        {"hidden_size": 8},
        {
            "hidden_size": SearchParam(type="int", low=8, high=256, log=True),
            "n_layers": SearchParam(type="int", low=1, high=3),
            "dropout": SearchParam(type="float", low=0.0, high=0.5),
        },
    ),
    "gru": (
        "GRU",
        "a GRU (sequential patterns, fewer parameters than an LSTM)",
        {"hidden_size": 8},
        {
            "hidden_size": SearchParam(type="int", low=8, high=256, log=True),
            "n_layers": SearchParam(type="int", low=1, high=3),
            "dropout": SearchParam(type="float", low=0.0, high=0.5),
        },
    ),
    "transformer": (
        "Transformer",
        "a Transformer encoder with positional encoding and a causal attention mask (sequence understanding)",
        {"d_model": 8, "n_heads": 2, "n_layers": 1, "dim_feedforward": 16, "dropout": 0.0},
        {
            "d_model": SearchParam(type="categorical", choices=(16, 32, 64, 128)),
            "n_heads": SearchParam(type="categorical", choices=(1, 2, 4)),
            "n_layers": SearchParam(type="int", low=1, high=4),
            "dim_feedforward": SearchParam(type="categorical", choices=(32, 64, 128, 256)),
            "dropout": SearchParam(type="float", low=0.0, high=0.3),
        },
    ),
}


def _window_learners() -> list[ComponentSpec]:
    specs = []
    for arch, (cls_prefix, what, fast, space) in _ARCHS.items():
        for task, suffix, output, caps in (
            ("regression", "Regressor", OutputSchema(kind="point", columns=("prediction",), dtype="float64"), ()),
            (
                "classification",
                "Classifier",
                OutputSchema(kind="direction", columns=("prediction",), dtype="int64"),
                ("probabilities",),
            ),
        ):
            goal = "a forward return" if task == "regression" else "the class (e.g. direction) of the next move"
            specs.append(
                ComponentSpec(
                    name=f"torch_{arch}_{'regressor' if task == 'regression' else 'classifier'}",
                    kind="learner",
                    factory=f"huracan_torch.learners:{cls_prefix}{suffix}",
                    requires=_REQUIRES,
                    test_params={**_FAST, **fast},
                    info=ModelInfo(
                        purpose=f"Predict {goal} from lookback windows of features with {what}.",
                        ideal_dataset_shape=_WINDOW_SHAPE,
                        feature_requirements=("any",),
                        output_schema=output,
                        market_regimes=("any",),
                        task=task,
                        backend="torch",
                        capabilities=(*_TRAINING_CAPS, *caps),
                        search_space={**_COMMON_SPACE, **space},
                    ),
                )
            )
    return specs


_AE_FAST = {
    "lookback": 8,
    "hidden_size": 16,
    "embedding_dim": 3,
    "epochs": 2,
    "early_stopping_patience": 1,
    "progress": False,
    "device": "cpu",
}
_AE_SPACE = {
    "lookback": SearchParam(type="int", low=8, high=64, log=True),
    "hidden_size": SearchParam(type="int", low=16, high=256, log=True),
    "embedding_dim": SearchParam(type="int", low=2, high=32, log=True),
    "learning_rate": SearchParam(type="float", low=1e-4, high=1e-2, log=True),
}


@hookimpl
def huracan_register_learners(register: Callable[[ComponentSpec], None]) -> None:
    for spec in _window_learners():
        register(spec)
    register(
        ComponentSpec(
            name="torch_autoencoder_anomaly",
            kind="learner",
            factory="huracan_torch.autoencoder:WindowAutoencoder",
            requires=_REQUIRES,
            test_params=_AE_FAST,
            info=ModelInfo(
                purpose="Score how unusual each lookback window is by an autoencoder's reconstruction error.",
                ideal_dataset_shape=DatasetShape(layout="window", min_rows=200, lookback=16),
                feature_requirements=("any",),
                output_schema=OutputSchema(kind="score", columns=("anomaly_score",), dtype="float64"),
                market_regimes=("any",),
                task="anomaly",
                backend="torch",
                capabilities=_TRAINING_CAPS,
                search_space=_AE_SPACE,
            ),
        )
    )
    register(
        ComponentSpec(
            name="torch_gan",
            kind="learner",
            factory="huracan_torch.gan:ReturnGAN",
            requires=_REQUIRES,
            test_params={
                "seq_len": 16,
                "latent_dim": 4,
                "hidden_size": 8,
                "epochs": 2,
                "progress": False,
                "device": "cpu",
            },
            info=ModelInfo(
                purpose="Generate synthetic return sequences whose heavy tails and volatility clustering mimic the training returns (GAN).",
                ideal_dataset_shape=DatasetShape(layout="window", min_rows=500, lookback=32),
                feature_requirements=("ohlcv",),
                output_schema=OutputSchema(kind="generated", columns=("synthetic_return",), dtype="float64"),
                market_regimes=("any",),
                task="generation",
                backend="torch",
                capabilities=("gpu",),
                search_space={
                    "seq_len": SearchParam(type="categorical", choices=(16, 32, 64)),
                    "hidden_size": SearchParam(type="int", low=16, high=128, log=True),
                    "learning_rate": SearchParam(type="float", low=1e-4, high=5e-3, log=True),
                    "epochs": SearchParam(type="int", low=20, high=300, log=True),
                },
            ),
        )
    )


@hookimpl
def huracan_register_preprocessors(register: Callable[[ComponentSpec], None]) -> None:
    register(
        ComponentSpec(
            name="torch_autoencoder",
            kind="preprocessor",
            factory="huracan_torch.autoencoder:WindowAutoencoder",
            requires=_REQUIRES,
            test_params=_AE_FAST,
            info=ModelInfo(
                purpose="Compress each lookback window of features into a small learned embedding (autoencoder).",
                ideal_dataset_shape=DatasetShape(layout="window", min_rows=200, lookback=16),
                feature_requirements=("any",),
                provides=("embedding",),
                output_schema=OutputSchema(kind="embedding", dtype="float64"),
                market_regimes=("any",),
                task="representation",
                backend="torch",
                capabilities=("causal", "gpu", "early_stopping"),
                search_space=_AE_SPACE,
            ),
        )
    )


_TRAINER_INFO = {
    "ideal_dataset_shape": DatasetShape(layout="window", min_rows=200),
    "feature_requirements": ("any",),
    "output_schema": OutputSchema(kind="model"),
    "market_regimes": ("any",),
    "task": "training",
    "backend": "torch",
}


@hookimpl
def huracan_register_trainers(register: Callable[[ComponentSpec], None]) -> None:
    register(
        ComponentSpec(
            name="torch_local",
            kind="trainer",
            factory="huracan_torch.trainers:TorchLocalTrainer",
            requires=_REQUIRES,
            backends=("torch",),
            default_trainer=True,
            test_params={"progress": False, "device": "cpu"},
            info=ModelInfo(
                purpose="Train torch learners in one process with early stopping, LR schedules, clipping, checkpoints and mixed precision on GPU.",
                capabilities=("gpu", "early_stopping", "checkpointing"),
                **_TRAINER_INFO,
            ),
        )
    )
    register(
        ComponentSpec(
            name="torch_ddp",
            kind="trainer",
            factory="huracan_torch.trainers:TorchDDPTrainer",
            requires=_REQUIRES,
            backends=("torch",),
            distributed=True,
            test_params={"nproc_per_node": 2, "progress": False, "device": "cpu", "timeout_s": 120.0},
            info=ModelInfo(
                purpose="Train torch learners data-parallel across processes, GPUs and nodes with torchrun and DistributedDataParallel.",
                capabilities=("gpu", "distributed", "early_stopping", "checkpointing"),
                **_TRAINER_INFO,
            ),
        )
    )
