"""huracan-jax: JAX learners (MLP, LSTM, GRU, causal Transformer) and the data-parallel ``jax_local`` trainer.

Importing this package is cheap: jax, numpy and pandas load only when a
learner or the trainer is used (the plugin module is imported at discovery).
"""

from __future__ import annotations

from huracan_core import lazy_exports

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


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = sorted(_LAZY)
