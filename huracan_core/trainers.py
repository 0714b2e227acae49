"""The core's ``local`` trainer: calls the learner's own ``fit``.

It is the trainer of last resort (see :meth:`Catalog.trainer_for`): used when
neither the config names a trainer nor a plugin registers a default for the
learner's backend.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from huracan_core.interfaces import BaseComponent

__all__ = ["LocalTrainer"]

logger = logging.getLogger(__name__)


class LocalTrainer(BaseComponent):
    """Train in this process by calling ``learner.fit(X, y)``.

    When validation data is given and the learner's ``fit`` accepts
    ``eval_set`` (XGBoost style) or ``X_val``/``y_val`` keywords, it is passed on
    so learners with early stopping can use it.
    """

    def __init__(self) -> None:
        pass

    def train(self, learner: Any, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None) -> Any:
        import inspect

        kwargs: dict[str, Any] = {}
        if X_val is not None and y_val is not None:
            params = inspect.signature(learner.fit).parameters
            if "X_val" in params and "y_val" in params:
                kwargs = {"X_val": X_val, "y_val": y_val}
            elif "eval_set" in params:
                kwargs = {"eval_set": [(X_val, y_val)]}
        started = time.perf_counter()
        fitted = learner.fit(X, y, **kwargs)
        logger.info("trained %s in %.2fs", type(learner).__name__, time.perf_counter() - started)
        return learner if fitted is None else fitted
