"""A GAN that generates synthetic return sequences, judged by stylized facts.

The generator is a GRU driven by noise that emits, per step, a location and a
log-scale, and draws ``r_t = mu_t + exp(s_t) * e_t``: a time-varying scale is
what lets it produce volatility clustering and (through the scale mixture)
heavy tails. The discriminator is a GRU reading ``(r_t, |r_t|)``. Training is
the non-saturating GAN loss with Adam. Compare the output with the training
data with :func:`huracan_torch.stylized.stylized_facts`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from huracan_core._errors import ArtifactError, DataContractError
from huracan_core.data import validate_feature_frame
from huracan_core.interfaces import BaseComponent, check_is_fitted
from huracan_torch.persistence import check_compatible, load_state, read_json, save_state, write_json

__all__ = ["ReturnGAN"]

logger = logging.getLogger(__name__)
_FORMAT = "huracan-torch-gan"


class _Generator(nn.Module):
    def __init__(self, latent_dim: int, hidden_size: int) -> None:
        super().__init__()
        self.rnn = nn.GRU(latent_dim, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, 2)

    def forward(self, z: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        h, _ = self.rnn(z)
        mu, log_scale = self.out(h).unbind(-1)
        return mu + torch.exp(2.0 * torch.tanh(log_scale / 2.0)) * eps  # scale in (e^-2, e^2) data std


class _Discriminator(nn.Module):
    def __init__(self, hidden_size: int) -> None:
        super().__init__()
        self.rnn = nn.GRU(2, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, 1)

    def forward(self, r: torch.Tensor) -> torch.Tensor:
        h, _ = self.rnn(torch.stack([r, r.abs()], dim=-1))
        return self.out(h[:, -1]).squeeze(-1)


def _returns_from(X: Any) -> tuple[np.ndarray, list[str] | None]:
    """Log returns of ``close`` from a market frame, or the single column / 1-D array given as returns."""
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, pd.DataFrame):
        validate_feature_frame(X, name="X")
        if "close" in X.columns:
            close = X["close"].to_numpy(dtype=np.float64)
            if (close <= 0).any():
                raise DataContractError("X: column 'close' must be > 0 to take log returns")
            return np.diff(np.log(close)), [str(c) for c in X.columns]
        if X.shape[1] != 1:
            raise DataContractError(
                f"X: ReturnGAN needs a market frame with 'close' or one column of returns, got columns {list(X.columns)}"
            )
        return X.iloc[:, 0].to_numpy(dtype=np.float64), [str(c) for c in X.columns]
    values = np.asarray(X, dtype=np.float64)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise DataContractError(f"X: expected 1-D returns or a frame with 'close', got shape {values.shape}")
    if not np.isfinite(values).all():
        raise DataContractError(f"X: non-finite return at row {int(np.flatnonzero(~np.isfinite(values))[0])}")
    return values, None


class ReturnGAN(BaseComponent):
    """Generate synthetic return sequences of length ``seq_len`` that mimic the training returns.

    ``sample(n)`` returns ``(n, seq_len)`` returns; ``predict(X)`` returns a
    synthetic return path covering ``X``'s timestamps (sequences drawn with
    ``random_state`` and concatenated), named ``synthetic_return``.
    """

    def __init__(
        self,
        seq_len: int = 32,
        latent_dim: int = 8,
        hidden_size: int = 32,
        epochs: int = 60,
        batch_size: int = 64,
        learning_rate: float = 2e-3,
        stride: int = 4,
        device: str = "auto",
        progress: bool | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.seq_len = seq_len
        self.latent_dim = latent_dim
        self.hidden_size = hidden_size
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.stride = stride
        self.device = device
        self.progress = progress
        self.random_state = random_state

    def _sequences(self, returns: np.ndarray) -> np.ndarray:
        if len(returns) < self.seq_len + 1:
            raise DataContractError(f"X: {len(returns)} returns is fewer than seq_len + 1 = {self.seq_len + 1}")
        scaled = (returns - self.mean_) / self.scale_
        windows = np.lib.stride_tricks.sliding_window_view(scaled, self.seq_len)[:: max(1, self.stride)]
        return np.ascontiguousarray(windows, dtype=np.float32)

    def fit(self, X: Any, y: Any = None) -> ReturnGAN:
        """Train generator and discriminator on sliding sequences of the (standardised) returns."""
        from huracan_torch._loop import resolve_device, seed_everything

        returns, columns = _returns_from(X)
        self.columns_ = columns
        self.mean_ = float(returns.mean())
        std = float(returns.std())
        self.scale_ = std if std > 1e-12 else 1.0
        data = torch.as_tensor(self._sequences(returns))
        generator = seed_everything(self.random_state)
        device = resolve_device(self.device)
        gen, disc = (
            _Generator(self.latent_dim, self.hidden_size).to(device),
            _Discriminator(self.hidden_size).to(device),
        )
        opt_g = torch.optim.Adam(gen.parameters(), lr=self.learning_rate, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(disc.parameters(), lr=self.learning_rate, betas=(0.5, 0.999))
        bce = nn.functional.binary_cross_entropy_with_logits
        data = data.to(device)
        history = []
        bar = None
        if self.progress or (self.progress is None and __import__("sys").stderr.isatty()):
            from tqdm.auto import tqdm

            bar = tqdm(total=self.epochs, desc="gan", unit="epoch", leave=False)
        for epoch in range(self.epochs):
            order = torch.randperm(len(data), generator=generator).to(device)
            d_total = g_total = 0.0
            for start in range(0, len(data), self.batch_size):
                real = data[order[start : start + self.batch_size]]
                n = len(real)
                z = torch.randn(n, self.seq_len, self.latent_dim, device=device)
                eps = torch.randn(n, self.seq_len, device=device)
                fake = gen(z, eps)
                d_loss = bce(disc(real), torch.ones(n, device=device)) + bce(
                    disc(fake.detach()), torch.zeros(n, device=device)
                )
                opt_d.zero_grad(set_to_none=True)
                d_loss.backward()
                opt_d.step()
                g_loss = bce(disc(fake), torch.ones(n, device=device))
                opt_g.zero_grad(set_to_none=True)
                g_loss.backward()
                opt_g.step()
                d_total += float(d_loss.detach()) * n
                g_total += float(g_loss.detach()) * n
            record = {"epoch": epoch + 1, "d_loss": d_total / len(data), "g_loss": g_total / len(data)}
            history.append(record)
            logger.info("gan epoch %d d_loss=%.4f g_loss=%.4f", epoch + 1, record["d_loss"], record["g_loss"])
            if bar is not None:
                bar.set_postfix(d_loss=f"{record['d_loss']:.3f}", g_loss=f"{record['g_loss']:.3f}")
                bar.update(1)
        if bar is not None:
            bar.close()
        self.generator_ = gen.to("cpu").eval()
        self.discriminator_ = disc.to("cpu").eval()
        self.history_ = history
        return self

    def sample(self, n_sequences: int, seed: int | None = None) -> np.ndarray:
        """``n_sequences`` synthetic return sequences of length ``seq_len`` (in the training data's units)."""
        check_is_fitted(self, "generator_")
        if n_sequences < 1:
            raise ValueError(f"n_sequences must be >= 1, got {n_sequences}")
        g = torch.Generator()
        if seed is None:
            seed = self.random_state if self.random_state is not None else 0
        g.manual_seed(int(seed))
        z = torch.randn(n_sequences, self.seq_len, self.latent_dim, generator=g)
        eps = torch.randn(n_sequences, self.seq_len, generator=g)
        with torch.no_grad():
            out = self.generator_(z, eps).numpy().astype(np.float64)
        return out * self.scale_ + self.mean_

    def predict(self, X: Any) -> Any:
        """A synthetic return path with one value per row of ``X`` (deterministic for a given seed)."""
        check_is_fitted(self, "generator_")
        if isinstance(X, pd.DataFrame | pd.Series):
            frame = X.to_frame() if isinstance(X, pd.Series) else X
            validate_feature_frame(frame, name="X", expected_columns=self.columns_)
            n = len(frame)
        else:
            _returns_from(X)
            n = len(X)
        n_seq = -(-n // self.seq_len)
        path = self.sample(n_seq).ravel()[:n]
        if isinstance(X, pd.DataFrame | pd.Series):
            return pd.Series(path, index=X.index, name="synthetic_return")
        return path

    def save(self, path: str | Path) -> None:
        check_is_fitted(self, "generator_")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        tensors = {f"generator.{k}": v for k, v in self.generator_.state_dict().items()}
        tensors.update({f"discriminator.{k}": v for k, v in self.discriminator_.state_dict().items()})
        sha = save_state(path / "model.safetensors", tensors)
        write_json(
            path / "config.json",
            {
                "format": _FORMAT,
                "format_version": 1,
                "params": self.get_params(deep=False),
                "fitted": {
                    "mean_": self.mean_,
                    "scale_": self.scale_,
                    "columns_": self.columns_,
                    "history_": self.history_,
                },
                "weights": "model.safetensors",
                "sha256": sha,
            },
        )

    @classmethod
    def load(cls, path: str | Path) -> ReturnGAN:
        path = Path(path)
        config = read_json(path / "config.json")
        if config.get("format") != _FORMAT:
            raise ArtifactError(f"{path}: not a ReturnGAN artifact (format {config.get('format')!r})")
        model = cls(**config["params"])
        fitted = config["fitted"]
        model.mean_, model.scale_ = float(fitted["mean_"]), float(fitted["scale_"])
        model.columns_, model.history_ = fitted["columns_"], fitted["history_"]
        state = load_state(path / config["weights"], config.get("sha256"))
        gen, disc = _Generator(model.latent_dim, model.hidden_size), _Discriminator(model.hidden_size)
        for prefix, module in (("generator.", gen), ("discriminator.", disc)):
            part = {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}
            check_compatible(module, part, f"{prefix[:-1]} weights in {path}")
            module.load_state_dict(part)
        model.generator_, model.discriminator_ = gen.eval(), disc.eval()
        return model
