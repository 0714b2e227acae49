"""huracan-jax: JAX learners (MLP, LSTM, GRU, causal Transformer) and the data-parallel ``jax_local`` trainer.

Importing this package is cheap: jax, numpy and pandas load only when a
learner or the trainer is used (the plugin module is imported at discovery).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "JaxGRUClassifier": "huracan_jax.learners",
    "JaxGRURegressor": "huracan_jax.learners",
    "JaxLSTMClassifier": "huracan_jax.learners",
    "JaxLSTMRegressor": "huracan_jax.learners",
    "JaxLocalTrainer": "huracan_jax.trainers",
    "JaxMLPClassifier": "huracan_jax.learners",
    "JaxMLPRegressor": "huracan_jax.learners",
    "JaxTransformerClassifier": "huracan_jax.learners",
    "JaxTransformerRegressor": "huracan_jax.learners",
    "load_learner": "huracan_jax.learners",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'huracan_jax' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = sorted(_LAZY)
