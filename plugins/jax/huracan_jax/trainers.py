"""The ``jax_local`` trainer: runs a JAX learner's training loop with devices, checkpoints and progress.

A learner's own ``fit`` trains on one device, without checkpoints or a
progress bar. This trainer runs the same jit-compiled loop data-parallel over
every device JAX sees (a ``jax.sharding`` mesh: batches sharded, parameters
replicated), writes a checkpoint every ``checkpoint_every`` epochs and resumes
from it, and shows a tqdm progress bar with the loss per epoch.

Multi-host: call ``jax.distributed.initialize()`` in every process before
training (same script, same data, same seed in each); with ``devices="all"``
the mesh then spans every host's devices. Each process places only its own
shards, parameters stay replicated, and the returned learner is identical in
every process; save it from process 0 (``jax.process_index() == 0``).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from huracan_core.interfaces import BaseComponent

__all__ = ["JaxLocalTrainer"]

logger = logging.getLogger(__name__)


class JaxLocalTrainer(BaseComponent):
    """Train a huracan-jax learner: jit-compiled epochs, data parallel across devices.

    Args:
        devices: ``"all"`` (every device JAX sees, across hosts after ``jax.distributed.initialize``)
            or the number of local devices to use.
        checkpoint_dir: where to write the training state (params, optimizer state, early-stopping
            state, history); ``None`` disables checkpoints.
        checkpoint_every: write a checkpoint every N epochs (and after the last one).
        resume: continue from ``checkpoint_dir`` when it holds a checkpoint of the same run
            (same learner parameters and data); a checkpoint of a different run is an error.
        progress: show a tqdm progress bar with the train/validation loss per epoch
            (``None``: only when stderr is a terminal).
    """

    def __init__(
        self,
        devices: str | int = "all",
        checkpoint_dir: str | None = None,
        checkpoint_every: int = 1,
        resume: bool = True,
        progress: bool | None = None,
    ) -> None:
        self.devices = devices
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every = checkpoint_every
        self.resume = resume
        self.progress = progress

    def train(self, learner: Any, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None) -> Any:
        """Fit ``learner`` on (X, y), early-stopping on (X_val, y_val) when given; returns the learner."""
        from huracan_jax._loop import RunOptions
        from huracan_jax.learners import _JaxLearner

        if not isinstance(learner, _JaxLearner):
            raise TypeError(
                f"jax_local trains huracan-jax learners (backend 'jax'), got {type(learner).__name__}; "
                "use the trainer for that learner's backend (catalog.trainer_for)"
            )
        if not isinstance(self.checkpoint_every, int) or self.checkpoint_every < 1:
            raise ValueError(f"checkpoint_every must be a positive integer, got {self.checkpoint_every!r}")
        run = RunOptions(
            devices=self.devices,
            checkpoint_dir=None if self.checkpoint_dir is None else str(self.checkpoint_dir),
            checkpoint_every=self.checkpoint_every,
            resume=self.resume,
            progress=sys.stderr.isatty() if self.progress is None else bool(self.progress),
        )
        return learner._fit(X, y, X_val, y_val, run)
