"""Window autoencoder: an ``embedding`` feature producer and an anomaly scorer in one class.

Registered twice: as the preprocessor ``torch_autoencoder`` (``transform`` gives
the embedding of the window ending at each row; warm-up rows are NaN) and as
the learner ``torch_autoencoder_anomaly`` (``predict`` gives each window's mean
squared reconstruction error). Both are causal: the output at t reads only the
window of rows ending at t, with scalers and weights learned in ``fit``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from huracan_core._errors import DataContractError
from huracan_core.interfaces import check_is_fitted
from huracan_torch.data import WindowDataset
from huracan_torch.learners import TorchLearnerBase, _store

__all__ = ["WindowAutoencoder"]


class WindowAutoencoder(TorchLearnerBase):
    """MLP autoencoder on standardised lookback windows (unsupervised: ``y`` is ignored)."""

    _arch = "autoencoder"
    _task = "anomaly"
    _arch_param_names = ("hidden_size", "embedding_dim")
    causal = True

    def __init__(
        self,
        lookback: int = 16,
        hidden_size: int = 64,
        embedding_dim: int = 8,
        epochs: int = 30,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        weight_decay: float = 0.0,
        early_stopping_patience: int | None = 5,
        validation_fraction: float = 0.15,
        scheduler: str = "none",
        grad_clip: float | None = 1.0,
        device: str = "auto",
        mixed_precision: bool = True,
        progress: bool | None = None,
        random_state: int | None = 0,
    ) -> None:
        _store(self, locals())

    def fit(self, X: Any, y: Any = None, X_val: Any = None, y_val: Any = None) -> WindowAutoencoder:
        """Learn to reconstruct the windows of ``X`` (``y`` is accepted and ignored)."""
        return super().fit(X, None, X_val, None)  # type: ignore[return-value]

    def _torch_datasets(
        self, X: Any, y: Any, X_val: Any = None, y_val: Any = None
    ) -> tuple[WindowDataset, WindowDataset | None]:
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, name)
        Xw, index, _, _ = self._windows(X, True)
        train = WindowDataset(Xw, None, index)
        train.y = train.X  # the target is the window itself (same tensor, no copy)
        val = None
        if X_val is not None:
            Xv, vindex, _, _ = self._windows(X_val, False)
            val = WindowDataset(Xv, None, vindex)
            val.y = val.X
        return train, val

    def _torch_loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return ((out - target) ** 2).mean(dim=(1, 2))

    def _scores_and_embeddings(self, X: Any) -> tuple[np.ndarray, np.ndarray, Any]:
        check_is_fitted(self, "module_")
        Xw, index, _, _ = self._windows(X, False)
        module = self.module_.eval()
        with torch.no_grad():
            tensor = torch.as_tensor(Xw)
            emb = module.encode(tensor)
            recon = module.decoder(emb).view_as(tensor)
            score = ((recon - tensor) ** 2).mean(dim=(1, 2))
        return score.numpy().astype(np.float64), emb.numpy().astype(np.float64), index

    def predict(self, X: Any) -> Any:
        """Anomaly score: the window's mean squared reconstruction error (higher = more unusual)."""
        score, _, index = self._scores_and_embeddings(X)
        return score if index is None else pd.Series(score, index=index, name="anomaly_score")

    def transform(self, X: Any) -> Any:
        """Embedding of the window ending at each row; the first ``lookback - 1`` rows are NaN."""
        _, emb, _index = self._scores_and_embeddings(X)
        out = np.full((len(X), emb.shape[1]), np.nan)
        out[self.lookback - 1 :] = emb
        if not isinstance(X, pd.DataFrame):
            return out
        return pd.DataFrame(out, index=X.index, columns=[f"ae_emb_{i}" for i in range(emb.shape[1])])

    def fit_transform(self, X: Any, y: Any = None) -> Any:
        return self.fit(X).transform(X)

    def _torch_signature(self) -> dict[str, Any]:
        return {**super()._torch_signature(), "n_outputs": self.embedding_dim}

    def _n_outputs(self) -> int:
        return int(self.embedding_dim)

    def _torch_build_module(self) -> nn.Module:
        if self.embedding_dim < 1:
            raise DataContractError(f"embedding_dim must be >= 1, got {self.embedding_dim}")
        return super()._torch_build_module()
