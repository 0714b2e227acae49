"""The torch modules behind the learners.

Every network maps a batch of windows ``(batch, lookback, n_features)`` to
``(batch, n_outputs)`` and reads only rows inside its window, so a prediction
at time t uses rows at or before t. Normalisation layers that mix samples
(BatchNorm) are avoided on purpose: they make DDP and single-process training
differ and make predictions depend on the batch.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = [
    "CausalConvNet",
    "RecurrentNet",
    "TransformerNet",
    "WindowAutoencoderNet",
    "build_network",
]


class _CausalConv(nn.Module):
    """Conv1d padded on the left only, so output step t sees input steps <= t."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, dilation: int) -> None:
        super().__init__()
        self.pad = (kernel_size - 1) * dilation
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size, dilation=dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(nn.functional.pad(x, (self.pad, 0)))


class CausalConvNet(nn.Module):
    """Temporal convolutions (dilated, causal) for local pattern detection; reads the last step."""

    def __init__(
        self, n_features: int, n_outputs: int, channels: int, n_layers: int, kernel_size: int, dropout: float
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        in_ch = n_features
        for i in range(n_layers):
            layers += [_CausalConv(in_ch, channels, kernel_size, dilation=2**i), nn.ReLU(), nn.Dropout(dropout)]
            in_ch = channels
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(channels, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.body(x.transpose(1, 2))  # (batch, channels, L)
        return self.head(h[:, :, -1])


class RecurrentNet(nn.Module):
    """LSTM or GRU over the window; the head reads the last hidden state."""

    def __init__(
        self, n_features: int, n_outputs: int, hidden_size: int, n_layers: int, dropout: float, cell: str
    ) -> None:
        super().__init__()
        rnn_cls = {"lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn_cls(
            n_features, hidden_size, num_layers=n_layers, batch_first=True, dropout=dropout if n_layers > 1 else 0.0
        )
        self.head = nn.Linear(hidden_size, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


class PositionalEncoding(nn.Module):
    """Fixed sinusoidal positional encoding (Vaswani et al.), added to the projected inputs."""

    def __init__(self, d_model: int, max_len: int) -> None:
        super().__init__()
        position = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(position * div)
        pe[:, 1::2] = torch.cos(position * div)[:, : d_model // 2]
        self.register_buffer("pe", pe, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.pe[: x.shape[1]]


class TransformerNet(nn.Module):
    """Transformer encoder with a causal attention mask: step t attends to steps <= t only."""

    def __init__(
        self,
        n_features: int,
        n_outputs: int,
        d_model: int,
        n_heads: int,
        n_layers: int,
        dim_feedforward: int,
        dropout: float,
        lookback: int,
    ) -> None:
        super().__init__()
        self.proj = nn.Linear(n_features, d_model)
        self.pos = PositionalEncoding(d_model, lookback)
        layer = nn.TransformerEncoderLayer(
            d_model, n_heads, dim_feedforward=dim_feedforward, dropout=dropout, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, n_outputs)
        mask = nn.Transformer.generate_square_subsequent_mask(lookback)
        self.register_buffer("causal_mask", mask, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        length = x.shape[1]
        h = self.pos(self.proj(x))
        h = self.encoder(h, mask=self.causal_mask[:length, :length], is_causal=True)
        return self.head(h[:, -1, :])


class WindowAutoencoderNet(nn.Module):
    """MLP autoencoder on a flattened window; ``encode`` gives the embedding."""

    def __init__(self, n_features: int, lookback: int, hidden_size: int, embedding_dim: int) -> None:
        super().__init__()
        flat = n_features * lookback
        self.encoder = nn.Sequential(
            nn.Flatten(), nn.Linear(flat, hidden_size), nn.ReLU(), nn.Linear(hidden_size, embedding_dim)
        )
        self.decoder = nn.Sequential(nn.Linear(embedding_dim, hidden_size), nn.ReLU(), nn.Linear(hidden_size, flat))
        self.shape = (lookback, n_features)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x)).view(-1, *self.shape)


def build_network(arch: str, n_features: int, n_outputs: int, lookback: int, **p: object) -> nn.Module:
    """Build the module for ``arch`` from plain (JSON-able) hyper-parameters."""
    if arch == "cnn":
        return CausalConvNet(
            n_features, n_outputs, int(p["channels"]), int(p["n_layers"]), int(p["kernel_size"]), float(p["dropout"])
        )  # type: ignore[arg-type]
    if arch in ("lstm", "gru"):
        return RecurrentNet(n_features, n_outputs, int(p["hidden_size"]), int(p["n_layers"]), float(p["dropout"]), arch)  # type: ignore[arg-type]
    if arch == "transformer":
        return TransformerNet(
            n_features,
            n_outputs,
            int(p["d_model"]),  # type: ignore[arg-type]
            int(p["n_heads"]),  # type: ignore[arg-type]
            int(p["n_layers"]),  # type: ignore[arg-type]
            int(p["dim_feedforward"]),  # type: ignore[arg-type]
            float(p["dropout"]),  # type: ignore[arg-type]
            lookback,
        )
    if arch == "autoencoder":
        return WindowAutoencoderNet(n_features, lookback, int(p["hidden_size"]), int(p["embedding_dim"]))  # type: ignore[arg-type]
    raise ValueError(f"unknown architecture {arch!r}; expected cnn, lstm, gru, transformer or autoencoder")
