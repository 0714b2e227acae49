"""The training loop shared by the learners' ``fit`` and the ``jax_local`` trainer.

One jit-compiled function trains a whole epoch: :func:`jax.lax.scan` runs the
optimizer step over every batch, so Python dispatches once per epoch rather
than once per step. Compilation is done ahead of time (``lower().compile()``)
and timed on its own, so throughput figures never include it.

Data parallelism uses :mod:`jax.sharding`: a 1-D mesh over the devices (axis
``"data"``), every batch split along that axis, parameters and optimizer state
replicated. XLA inserts the gradient all-reduce. The batches are the same
whatever the number of devices (a batch is padded with zero-weight rows to a
multiple of the device count, and the loss is a weighted mean), so one-device
and many-device training compute the same function up to floating-point
summation order.

Arrays are placed with :func:`jax.make_array_from_callback`, which builds only
the shards this process owns: after ``jax.distributed.initialize()`` every
process runs the same loop on the same host data and the mesh spans all hosts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from huracan_core import ArtifactError
from huracan_jax import _io
from huracan_jax._nets import Net

__all__ = ["RunOptions", "TrainResult", "make_optimizer", "resolve_devices", "train"]

logger = logging.getLogger(__name__)

LossFn = Callable[[jax.Array, jax.Array], jax.Array]


@dataclass(frozen=True)
class RunOptions:
    """How (not what) to train: devices, checkpoints, progress. Set by the trainer."""

    devices: str | int = 1
    """``"all"`` (every device visible to JAX, across hosts after ``jax.distributed.initialize``) or a count."""
    checkpoint_dir: str | None = None
    checkpoint_every: int = 1
    resume: bool = True
    progress: bool = False
    interrupt: Callable[[int], None] | None = field(default=None, compare=False)
    """Called after each epoch with its number (after any checkpoint); used to stop a run from outside."""


@dataclass
class TrainResult:
    params: dict[str, Any]
    history: dict[str, Any]


def resolve_devices(devices: str | int) -> list[Any]:
    if devices == "all":
        return list(jax.devices())
    if isinstance(devices, int) and not isinstance(devices, bool) and devices >= 1:
        available = jax.local_devices()
        if devices > len(available):
            raise ValueError(
                f"devices={devices} but only {len(available)} local JAX device(s) exist ({available}); "
                "on CPU, set XLA_FLAGS=--xla_force_host_platform_device_count=N before importing jax"
            )
        return available[:devices]
    raise ValueError(f"devices must be 'all' or a positive integer, got {devices!r}")


def make_optimizer(
    optimizer: str,
    learning_rate: float,
    schedule: str,
    total_steps: int,
    weight_decay: float,
    grad_clip: float | None,
) -> optax.GradientTransformation:
    """An optax optimizer with an optional global-norm clip and a learning-rate schedule."""
    if schedule == "constant":
        lr: Any = learning_rate
    elif schedule == "cosine":
        lr = optax.cosine_decay_schedule(learning_rate, max(total_steps, 1))
    elif schedule == "warmup_cosine":
        warmup = max(1, total_steps // 10)
        lr = optax.warmup_cosine_decay_schedule(0.0, learning_rate, warmup, max(total_steps, warmup + 1))
    else:
        raise ValueError(f"schedule must be 'constant', 'cosine' or 'warmup_cosine', got {schedule!r}")
    if optimizer == "adam":
        opt = optax.adam(lr)
    elif optimizer == "adamw":
        opt = optax.adamw(lr, weight_decay=weight_decay)
    elif optimizer == "sgd":
        opt = optax.sgd(lr, momentum=0.9)
    else:
        raise ValueError(f"optimizer must be 'adam', 'adamw' or 'sgd', got {optimizer!r}")
    if grad_clip is not None:
        return optax.chain(optax.clip_by_global_norm(grad_clip), opt)
    return opt


def _to_host(tree: Any) -> Any:
    """Replicated device arrays → numpy (reads this process's own replica; works multi-host)."""
    return jax.tree.map(lambda a: np.array(a.addressable_data(0)) if isinstance(a, jax.Array) else np.asarray(a), tree)


def _place(array: np.ndarray, sharding: NamedSharding) -> jax.Array:
    return jax.make_array_from_callback(array.shape, sharding, lambda index: array[index])


def _batched(
    X: np.ndarray, y: np.ndarray, order: np.ndarray, batch_size: int, padded_batch: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arrange rows ``order`` into (steps, padded_batch, ...) with weights 0 on padding rows."""
    n_steps = -(-len(order) // batch_size)
    slots = np.full((n_steps, padded_batch), -1, dtype=np.int64)
    flat = np.full(n_steps * batch_size, -1, dtype=np.int64)
    flat[: len(order)] = order
    slots[:, :batch_size] = flat.reshape(n_steps, batch_size)
    weights = (slots >= 0).astype(np.float32)
    take = np.where(slots >= 0, slots, 0)
    return X[take], y[take], weights


def _fingerprint(config: Mapping[str, Any], X: np.ndarray, y: np.ndarray) -> str:
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode())
    for array in (X, y):
        digest.update(str(array.shape).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


_FUNCTIONS: dict[Any, Any] = {}
_COMPILED: dict[Any, Any] = {}
_CACHE_SIZE = 32


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Bounded insertion-ordered cache: the oldest entry goes first."""
    if len(cache) >= _CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = value


def _build_functions(
    net: Net, loss_fn: LossFn, tx: optax.GradientTransformation, replicated: NamedSharding
) -> tuple[Any, Any, Any]:
    """Jitted functions: parameter/optimizer initialisation, one whole training epoch, the validation loss."""

    def batch_loss(p: Any, xb: jax.Array, yb: jax.Array, wb: jax.Array, key: jax.Array | None) -> jax.Array:
        losses = loss_fn(net.apply(p, xb, key), yb)
        return jnp.sum(losses * wb) / jnp.maximum(jnp.sum(wb), 1.0)

    def step(carry: tuple[Any, Any], batch: tuple[jax.Array, ...]) -> tuple[tuple[Any, Any], jax.Array]:
        p, state = carry
        xb, yb, wb, key = batch
        value, grads = jax.value_and_grad(batch_loss)(p, xb, yb, wb, key)
        updates, state = tx.update(grads, state, p)
        return (optax.apply_updates(p, updates), state), value

    def epoch_fn(p: Any, state: Any, xs: jax.Array, ys: jax.Array, ws: jax.Array, key: jax.Array) -> Any:
        keys = jax.random.split(key, xs.shape[0])  # one dropout key per step, derived inside the compiled epoch
        (p, state), losses = jax.lax.scan(step, (p, state), (xs, ys, ws, keys))
        return p, state, losses

    def init_fn(key: jax.Array, n_features: int, n_outputs: int) -> Any:
        p = net.init(key, n_features, n_outputs)
        return p, tx.init(p)

    def eval_fn(p: Any, xs: jax.Array, ys: jax.Array, ws: jax.Array) -> jax.Array:
        def body(total: jax.Array, batch: tuple[jax.Array, ...]) -> tuple[jax.Array, None]:
            xb, yb, wb = batch
            return total + jnp.sum(loss_fn(net.apply(p, xb), yb) * wb), None

        total, _ = jax.lax.scan(body, jnp.zeros((), jnp.float32), (xs, ys, ws))
        return total / jnp.sum(ws)

    train_epoch = jax.jit(epoch_fn, out_shardings=(replicated, replicated, replicated))
    evaluate = jax.jit(eval_fn, out_shardings=replicated)
    initialise = jax.jit(init_fn, static_argnums=(1, 2), out_shardings=(replicated, replicated))
    return initialise, train_epoch, evaluate


def train(
    net: Net,
    loss_fn: LossFn,
    *,
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray | None,
    y_val: np.ndarray | None,
    n_outputs: int,
    seed: int,
    epochs: int,
    batch_size: int,
    tx_factory: Callable[[int], optax.GradientTransformation],
    patience: int | None,
    config: Mapping[str, Any],
    run: RunOptions,
    name: str = "jax",
    cache_key: Any = None,
) -> TrainResult:
    """Train ``net`` on (X, y); early-stop on (X_val, y_val) when given. Returns host-side params."""
    devices = resolve_devices(run.devices)
    n_dev = len(devices)
    mesh = Mesh(np.array(devices), ("data",))
    replicated = NamedSharding(mesh, PartitionSpec())
    batch_sharded = NamedSharding(mesh, PartitionSpec(None, "data"))
    batch_size = min(batch_size, len(X))
    padded_batch = -(-batch_size // n_dev) * n_dev
    n_steps = -(-len(X) // batch_size)

    # explicit PRNG keys: parameters from init_key, dropout from fold_in(dropout_key, epoch); the shuffle
    # order comes from numpy's generator seeded with (seed, epoch), so it needs no device work
    init_key, dropout_key = jax.random.key(seed), jax.random.fold_in(jax.random.key(seed), 1)
    fn_key = None if cache_key is None else (cache_key, n_steps * epochs, tuple(d.id for d in devices))
    cached = _FUNCTIONS.get(fn_key) if fn_key is not None else None
    if cached is None:
        tx = tx_factory(n_steps * epochs)
        initialise, train_epoch, evaluate = _build_functions(net, loss_fn, tx, replicated)
        if fn_key is not None:
            _remember(_FUNCTIONS, fn_key, (tx, initialise, train_epoch, evaluate))
    else:
        tx, initialise, train_epoch, evaluate = cached
    params, opt_state = initialise(init_key, int(X.shape[-1]), int(n_outputs))

    has_val = X_val is not None and y_val is not None and len(X_val) > 0
    val_arrays = None
    if has_val:
        assert X_val is not None and y_val is not None
        vx, vy, vw = _batched(X_val, y_val, np.arange(len(X_val)), batch_size, padded_batch)
        val_arrays = tuple(_place(a, batch_sharded) for a in (vx, vy, vw))

    history: dict[str, Any] = {
        "train_loss": [],
        "val_loss": [],
        "epoch_seconds": [],
        "compile_seconds": 0.0,
        "best_epoch": None,
        "n_devices": n_dev,
        "steps_per_epoch": n_steps,
        "samples_per_epoch": len(X),
    }
    best_val = float("inf")
    best_params = None
    bad_epochs = 0
    start_epoch = 0

    fingerprint = _fingerprint(dict(config), X, y)
    ckpt = Path(run.checkpoint_dir) if run.checkpoint_dir else None
    if ckpt is not None and run.resume and (ckpt / "state.json").is_file():
        params, opt_state, best_params, meta = _load_checkpoint(ckpt, params, opt_state, fingerprint, replicated)
        start_epoch, best_val, bad_epochs, history = (
            meta["epoch"],
            meta["best_val"],
            meta["bad_epochs"],
            meta["history"],
        )
        history["compile_seconds"] = 0.0
        logger.info("%s: resumed from %s at epoch %d", name, ckpt, start_epoch)

    compiled = None
    stopped_early = bool(history.get("stopped_early", False))
    from tqdm.auto import tqdm

    bar = tqdm(range(start_epoch, epochs), desc=name, unit="epoch", disable=not run.progress, leave=False)
    for epoch in bar:
        if stopped_early:
            break
        epoch_started = time.perf_counter()  # epoch time includes shuffling and placing the batches
        order = np.random.default_rng([seed, epoch]).permutation(len(X))
        xs, ys, ws = _batched(X, y, order, batch_size, padded_batch)
        args = (params, opt_state, _place(xs, batch_sharded), _place(ys, batch_sharded), _place(ws, batch_sharded))
        keys = jax.device_put(jax.random.fold_in(dropout_key, epoch), replicated)
        if compiled is None:
            compiled_key = None if fn_key is None else (fn_key, xs.shape, ys.shape, ys.dtype.str)
            compiled = _COMPILED.get(compiled_key) if compiled_key is not None else None
            if compiled is None:  # compile ahead of time so its cost is measured apart from training
                started = time.perf_counter()
                compiled = train_epoch.lower(*args, keys).compile()
                history["compile_seconds"] = time.perf_counter() - started
                if compiled_key is not None:
                    _remember(_COMPILED, compiled_key, compiled)
                epoch_started += history["compile_seconds"]  # compile time is reported on its own
        params, opt_state, losses = compiled(*args, keys)
        losses = np.asarray(losses.addressable_data(0))
        history["epoch_seconds"].append(time.perf_counter() - epoch_started)
        step_weights = ws.sum(axis=1)
        history["train_loss"].append(float(np.sum(losses * step_weights) / np.sum(step_weights)))
        postfix = {"loss": f"{history['train_loss'][-1]:.4g}"}
        if val_arrays is not None:
            val_loss = float(np.asarray(evaluate(params, *val_arrays).addressable_data(0)))
            history["val_loss"].append(val_loss)
            postfix["val"] = f"{val_loss:.4g}"
            if val_loss < best_val:
                best_val, best_params, bad_epochs = val_loss, params, 0
                history["best_epoch"] = epoch + 1
            else:
                bad_epochs += 1
                if patience is not None and bad_epochs >= patience:
                    stopped_early = True
                    history["stopped_early"] = True
                    logger.info("%s: early stop after epoch %d (best %d)", name, epoch + 1, history["best_epoch"])
        bar.set_postfix(postfix)
        done = epoch + 1
        if ckpt is not None and (done % run.checkpoint_every == 0 or done == epochs or stopped_early):
            _save_checkpoint(ckpt, params, opt_state, best_params, done, best_val, bad_epochs, history, fingerprint)
        if run.interrupt is not None:
            run.interrupt(done)
    bar.close()
    final = best_params if best_params is not None else params
    return TrainResult(params=_to_host(final), history=history)


def _save_checkpoint(
    ckpt: Path,
    params: Any,
    opt_state: Any,
    best_params: Any,
    epoch: int,
    best_val: float,
    bad_epochs: int,
    history: Mapping[str, Any],
    fingerprint: str,
) -> None:
    """Write the full training state (process 0 only); arrays in npz, the rest in JSON."""
    if jax.process_index() != 0:
        return
    ckpt.mkdir(parents=True, exist_ok=True)
    arrays = {f"params/{k}": v for k, v in _io.flatten(_to_host(params)).items()}
    for i, leaf in enumerate(jax.tree.leaves(_to_host(opt_state))):
        arrays[f"opt/{i:05d}"] = leaf
    if best_params is not None:
        arrays.update({f"best/{k}": v for k, v in _io.flatten(_to_host(best_params)).items()})
    sha = _io.write_npz(ckpt / "state.npz", arrays)
    meta = {
        "format": "huracan-jax-checkpoint/1",
        "epoch": epoch,
        "best_val": best_val if np.isfinite(best_val) else None,
        "bad_epochs": bad_epochs,
        "history": dict(history),
        "fingerprint": fingerprint,
        "sha256": sha,
    }
    _io.write_json(ckpt / "state.json", meta)


def _load_checkpoint(
    ckpt: Path, params: Any, opt_state: Any, fingerprint: str, sharding: NamedSharding
) -> tuple[Any, Any, Any, dict[str, Any]]:
    meta = _io.read_json(ckpt / "state.json")
    if meta.get("fingerprint") != fingerprint:
        raise ArtifactError(
            f"checkpoint in {ckpt} was written by a run with different parameters or data; "
            "point checkpoint_dir elsewhere, delete it, or pass resume=False"
        )
    arrays = _io.read_npz(ckpt / "state.npz", meta.get("sha256"))

    def section(prefix: str) -> dict[str, np.ndarray]:
        return {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}

    restored = _io.unflatten(section("params/"))
    _check_same_structure(params, restored, ckpt)
    leaves, treedef = jax.tree.flatten(opt_state)
    opt = section("opt/")
    if len(opt) != len(leaves):
        raise ArtifactError(f"checkpoint in {ckpt}: optimizer state has {len(opt)} arrays, expected {len(leaves)}")
    opt_leaves = [opt[f"{i:05d}"] for i in range(len(leaves))]
    best = _io.unflatten(section("best/")) or None
    meta["best_val"] = float("inf") if meta.get("best_val") is None else float(meta["best_val"])
    return (
        jax.device_put(restored, sharding),
        jax.device_put(jax.tree.unflatten(treedef, opt_leaves), sharding),
        None if best is None else jax.device_put(best, sharding),
        meta,
    )


def _check_same_structure(expected: Any, got: Any, where: object) -> None:
    """Raise :class:`ArtifactError` naming the first parameter whose name or shape differs."""
    want = {k: tuple(np.shape(v)) for k, v in _io.flatten(_to_host(expected)).items()}
    have = {k: tuple(np.shape(v)) for k, v in _io.flatten(got).items()}
    missing = sorted(set(want) - set(have))
    extra = sorted(set(have) - set(want))
    if missing or extra:
        raise ArtifactError(
            f"{where}: parameters do not match this architecture: missing {missing[:5]}, unexpected {extra[:5]}"
        )
    for key, shape in want.items():
        if have[key] != shape:
            raise ArtifactError(f"{where}: parameter {key!r} has shape {have[key]}, this architecture expects {shape}")
