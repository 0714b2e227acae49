"""The networks, written as pure functions over parameter pytrees (no flax).

Each architecture is a :class:`Net`: ``init(key, n_features, n_outputs)``
returns a nested dict of arrays, ``apply(params, x, key=None)`` maps a batch to
outputs. Dropout is active only when a PRNG key is passed (training), so
inference is deterministic. Keeping the parameters as plain dicts means a
checkpoint is just a flat ``{"path/to/leaf": array}`` mapping (see
:mod:`huracan_jax._io`) and loading it never runs code.

Shapes: the MLP takes ``(batch, n_features)``; the recurrent and attention
networks take causal windows ``(batch, lookback, n_features)`` and predict from
the last time step, which is the window's own timestamp.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp

__all__ = ["ARCHITECTURES", "Net", "build_net"]

Params = dict[str, Any]

_glorot = jax.nn.initializers.glorot_uniform()
_orthogonal = jax.nn.initializers.orthogonal()

_ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "relu": jax.nn.relu,
    "tanh": jnp.tanh,
    "gelu": jax.nn.gelu,
}


@dataclass(frozen=True)
class Net:
    """A network: how to create its parameters and how to run them."""

    init: Callable[[jax.Array, int, int], Params]
    apply: Callable[..., jax.Array]


def _dense_init(key: jax.Array, n_in: int, n_out: int) -> Params:
    return {"w": _glorot(key, (n_in, n_out), jnp.float32), "b": jnp.zeros((n_out,), jnp.float32)}


def _dense(p: Mapping[str, jax.Array], x: jax.Array) -> jax.Array:
    return x @ p["w"] + p["b"]


def _dropout(x: jax.Array, rate: float, key: jax.Array | None) -> jax.Array:
    if key is None or rate <= 0.0:
        return x
    keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0)


def _split(key: jax.Array | None, n: int) -> list[jax.Array | None]:
    if key is None:
        return [None] * n
    return list(jax.random.split(key, n))


# -- MLP -------------------------------------------------------------------
def _mlp(hidden_sizes: tuple[int, ...], activation: str, dropout: float) -> Net:
    act = _ACTIVATIONS[activation]

    def init(key: jax.Array, n_features: int, n_outputs: int) -> Params:
        sizes = [n_features, *hidden_sizes, n_outputs]
        keys = jax.random.split(key, len(sizes) - 1)
        return {f"dense_{i}": _dense_init(keys[i], sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)}

    def apply(params: Params, x: jax.Array, key: jax.Array | None = None) -> jax.Array:
        n_layers = len(hidden_sizes) + 1
        keys = _split(key, n_layers)
        h = x
        for i in range(n_layers - 1):
            h = _dropout(act(_dense(params[f"dense_{i}"], h)), dropout, keys[i])
        return _dense(params[f"dense_{n_layers - 1}"], h)

    return Net(init, apply)


# -- recurrent -------------------------------------------------------------
def _recurrent(cell: str, hidden_size: int, num_layers: int, dropout: float) -> Net:
    """LSTM or GRU (PyTorch's equations), unrolled with :func:`jax.lax.scan` over time."""
    gates = 4 if cell == "lstm" else 3

    def init(key: jax.Array, n_features: int, n_outputs: int) -> Params:
        keys = jax.random.split(key, 2 * num_layers + 1)
        params: Params = {}
        bound = 1.0 / math.sqrt(hidden_size)
        for layer in range(num_layers):
            n_in = n_features if layer == 0 else hidden_size
            k_x, k_h = keys[2 * layer], keys[2 * layer + 1]
            w_h = jnp.concatenate(
                [_orthogonal(k, (hidden_size, hidden_size), jnp.float32) for k in jax.random.split(k_h, gates)], axis=1
            )
            b = jnp.zeros((gates * hidden_size,), jnp.float32)
            if cell == "lstm":  # forget-gate bias 1: the usual trick for stable early training
                b = b.at[hidden_size : 2 * hidden_size].set(1.0)
            layer_params = {
                "w_x": jax.random.uniform(k_x, (n_in, gates * hidden_size), jnp.float32, -bound, bound),
                "w_h": w_h,
                "b": b,
            }
            if cell == "gru":  # PyTorch's GRU keeps a separate bias inside r * (W_hn h + b_hn)
                layer_params["b_hn"] = jnp.zeros((hidden_size,), jnp.float32)
            params[f"{cell}_{layer}"] = layer_params
        params["head"] = _dense_init(keys[-1], hidden_size, n_outputs)
        return params

    def run_layer(p: Params, xs: jax.Array) -> jax.Array:
        # xs: (time, batch, n_in). The input projection is done for all steps at once; only h @ w_h is sequential.
        projected = xs @ p["w_x"] + p["b"]
        batch = xs.shape[1]
        h0 = jnp.zeros((batch, hidden_size), xs.dtype)
        H = hidden_size

        if cell == "lstm":

            def step(carry: tuple[jax.Array, jax.Array], px: jax.Array) -> tuple[Any, jax.Array]:
                h, c = carry
                z = px + h @ p["w_h"]
                i, f, g, o = (z[:, k * H : (k + 1) * H] for k in range(4))
                c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
                h = jax.nn.sigmoid(o) * jnp.tanh(c)
                return (h, c), h

            _, hs = jax.lax.scan(step, (h0, h0), projected)
        else:

            def step_gru(h: jax.Array, px: jax.Array) -> tuple[jax.Array, jax.Array]:
                zh = h @ p["w_h"]
                r = jax.nn.sigmoid(px[:, :H] + zh[:, :H])
                u = jax.nn.sigmoid(px[:, H : 2 * H] + zh[:, H : 2 * H])
                n = jnp.tanh(px[:, 2 * H :] + r * (zh[:, 2 * H :] + p["b_hn"]))
                h = (1.0 - u) * n + u * h
                return h, h

            _, hs = jax.lax.scan(step_gru, h0, projected)
        return hs

    def apply(params: Params, x: jax.Array, key: jax.Array | None = None) -> jax.Array:
        keys = _split(key, num_layers)
        hs = jnp.swapaxes(x, 0, 1)
        for layer in range(num_layers):
            hs = _dropout(run_layer(params[f"{cell}_{layer}"], hs), dropout, keys[layer])
        return _dense(params["head"], hs[-1])

    return Net(init, apply)


# -- Transformer -----------------------------------------------------------
def _layer_norm_init(size: int) -> Params:
    return {"scale": jnp.ones((size,), jnp.float32), "bias": jnp.zeros((size,), jnp.float32)}


def _layer_norm(p: Mapping[str, jax.Array], x: jax.Array) -> jax.Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(var + 1e-5) * p["scale"] + p["bias"]


def _positional_encoding(length: int, d_model: int) -> jax.Array:
    position = jnp.arange(length, dtype=jnp.float32)[:, None]
    div = jnp.exp(jnp.arange(0, d_model, 2, dtype=jnp.float32) * (-math.log(10000.0) / d_model))
    pe = jnp.zeros((length, d_model), jnp.float32)
    pe = pe.at[:, 0::2].set(jnp.sin(position * div))
    return pe.at[:, 1::2].set(jnp.cos(position * div)[:, : d_model // 2])


def _transformer(d_model: int, n_heads: int, n_layers: int, ff_size: int, dropout: float) -> Net:
    """Pre-norm Transformer encoder with a causal mask; predicts from the last position."""
    if d_model % n_heads:
        raise ValueError(f"d_model ({d_model}) must be divisible by n_heads ({n_heads})")
    head_dim = d_model // n_heads

    def init(key: jax.Array, n_features: int, n_outputs: int) -> Params:
        keys = jax.random.split(key, 4 * n_layers + 2)
        params: Params = {"embed": _dense_init(keys[0], n_features, d_model)}
        for layer in range(n_layers):
            k = keys[1 + 4 * layer : 5 + 4 * layer]
            params[f"block_{layer}"] = {
                "ln_attn": _layer_norm_init(d_model),
                "qkv": _dense_init(k[0], d_model, 3 * d_model),
                "out": _dense_init(k[1], d_model, d_model),
                "ln_ff": _layer_norm_init(d_model),
                "ff_in": _dense_init(k[2], d_model, ff_size),
                "ff_out": _dense_init(k[3], ff_size, d_model),
            }
        params["ln_final"] = _layer_norm_init(d_model)
        params["head"] = _dense_init(keys[-1], d_model, n_outputs)
        return params

    def attention(p: Params, h: jax.Array, mask: jax.Array) -> jax.Array:
        batch, length, _ = h.shape
        qkv = _dense(p["qkv"], h).reshape(batch, length, 3, n_heads, head_dim)
        q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]
        scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(head_dim)
        scores = jnp.where(mask, scores, jnp.finfo(scores.dtype).min)
        weights = jax.nn.softmax(scores, axis=-1)
        out = jnp.einsum("bhqk,bkhd->bqhd", weights, v).reshape(batch, length, d_model)
        return _dense(p["out"], out)

    def apply(params: Params, x: jax.Array, key: jax.Array | None = None) -> jax.Array:
        length = x.shape[1]
        mask = jnp.tril(jnp.ones((length, length), dtype=bool))  # position t attends to positions <= t only
        h = _dense(params["embed"], x) + _positional_encoding(length, d_model)
        keys = _split(key, 2 * n_layers)
        for layer in range(n_layers):
            p = params[f"block_{layer}"]
            h = h + _dropout(attention(p, _layer_norm(p["ln_attn"], h), mask), dropout, keys[2 * layer])
            ff = _dense(p["ff_out"], jax.nn.gelu(_dense(p["ff_in"], _layer_norm(p["ln_ff"], h))))
            h = h + _dropout(ff, dropout, keys[2 * layer + 1])
        h = _layer_norm(params["ln_final"], h)
        return _dense(params["head"], h[:, -1])

    return Net(init, apply)


ARCHITECTURES = ("mlp", "lstm", "gru", "transformer")


def build_net(arch: str, config: Mapping[str, Any]) -> Net:
    """Build the network ``arch`` from its JSON-serialisable ``config`` (as saved in checkpoints)."""
    dropout = float(config.get("dropout", 0.0))
    if arch == "mlp":
        return _mlp(tuple(int(s) for s in config["hidden_sizes"]), str(config["activation"]), dropout)
    if arch in ("lstm", "gru"):
        return _recurrent(arch, int(config["hidden_size"]), int(config["num_layers"]), dropout)
    if arch == "transformer":
        return _transformer(
            int(config["d_model"]), int(config["n_heads"]), int(config["n_layers"]), int(config["ff_size"]), dropout
        )
    raise ValueError(f"unknown architecture {arch!r}; expected one of {ARCHITECTURES}")
