"""Trainers for huracan-torch learners: ``torch_local`` (default) and ``torch_ddp`` (distributed).

Settings left as ``None`` are taken from the learner (its ``early_stopping_patience``,
``scheduler``, ``grad_clip``, ...), so ``learner.fit`` and ``TorchLocalTrainer().train(learner, ...)``
run the same loop; a value given to the trainer overrides the learner's.

``torch_ddp`` runs :func:`huracan_torch._loop.run_loop` under
``torch.distributed``: inside a ``torchrun`` launch it trains in-process on
every rank; outside one it launches ``torchrun`` itself (``nproc_per_node``
local processes, or a multi-node rendezvous) and returns rank 0's weights.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from huracan_core.interfaces import BaseComponent
from huracan_core.targets import Target
from huracan_torch._loop import LoopConfig, chronological_split, resolve_device, run_loop

__all__ = ["TorchDDPTrainer", "TorchLocalTrainer", "state_sha256"]

logger = logging.getLogger(__name__)

_INHERITED = {
    "patience": "early_stopping_patience",
    "validation_fraction": "validation_fraction",
    "scheduler": "scheduler",
    "grad_clip": "grad_clip",
    "device": "device",
    "mixed_precision": "mixed_precision",
    "progress": "progress",
}


def _check_trainable(learner: Any, trainer: str) -> None:
    if not hasattr(learner, "_torch_datasets"):
        raise TypeError(
            f"{trainer} trains huracan-torch learners (with the _torch_* protocol); got {type(learner).__name__}. "
            "Use the core 'local' trainer for other learners."
        )


def state_sha256(module: torch.nn.Module) -> str:
    """A hash of every parameter and buffer: equal hashes ⇔ bit-identical weights."""
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


class _TorchTrainerBase(BaseComponent):
    def _setting(self, name: str, learner: Any) -> Any:
        value = getattr(self, name)
        if value is None and name in _INHERITED:
            value = getattr(learner, _INHERITED[name], None)
        return value

    def _config(self, learner: Any) -> tuple[LoopConfig, float]:
        scheduler = self._setting("scheduler", learner) or "none"
        cfg = LoopConfig(
            epochs=int(learner.epochs),
            batch_size=int(learner.batch_size),
            learning_rate=float(learner.learning_rate),
            weight_decay=float(getattr(learner, "weight_decay", 0.0)),
            seed=learner.random_state,
            patience=self._setting("patience", learner) or None,  # 0 switches early stopping off
            min_delta=float(self.min_delta),
            scheduler=scheduler,
            grad_clip=self._setting("grad_clip", learner),
            device=self._setting("device", learner) or "auto",
            mixed_precision=bool(self._setting("mixed_precision", learner)),
            progress=self._setting("progress", learner),
            checkpoint_dir=self.checkpoint_dir,
            checkpoint_every=int(self.checkpoint_every or 0),
            resume_from=self.resume_from,
        )
        fraction = self._setting("validation_fraction", learner) or 0.0
        return cfg, float(fraction)

    def _datasets(self, learner: Any, X: Any, y: Any, X_val: Any, y_val: Any, cfg: LoopConfig, fraction: float) -> Any:
        train, val = learner._torch_datasets(X, y, X_val, y_val)
        if val is None and fraction > 0:
            train, val = chronological_split(train, fraction)
        return train, val


class TorchLocalTrainer(_TorchTrainerBase):
    """Train a huracan-torch learner in this process (cuda → mps → cpu).

    Args:
        patience: early-stopping patience in epochs on the validation loss (``X_val``/``y_val`` or
            the held-out last ``validation_fraction`` of windows); the best epoch's weights are kept.
            ``0`` switches early stopping off; ``None`` (every setting's default) takes the learner's value.
        validation_fraction: chronological tail held out when no validation data is given (monitored by
            early stopping and the plateau scheduler; training labels overlapping it are purged).
        min_delta: smallest validation-loss improvement that resets the patience counter.
        scheduler: ``none``, ``cosine`` (per epoch), ``plateau`` (ReduceLROnPlateau on the monitored
            loss) or ``onecycle`` (per batch, peak at 10× the learning rate).
        grad_clip: max global gradient norm, or ``None``.
        checkpoint_dir, checkpoint_every: write a safetensors checkpoint every N epochs.
        resume_from: a checkpoint (``.json``/``.safetensors``) or a directory (latest) to resume from.
        device: ``auto`` (cuda, mps, cpu) or an explicit torch device.
        mixed_precision: autocast on CUDA (bf16 where supported, else fp16 + grad scaler); never on CPU/MPS.
        progress: tqdm bar with the loss per epoch; ``None`` shows it only when stderr is a TTY.
    """

    def __init__(
        self,
        patience: int | None = None,
        validation_fraction: float | None = None,
        min_delta: float = 0.0,
        scheduler: str | None = None,
        grad_clip: float | None = None,
        checkpoint_dir: str | None = None,
        checkpoint_every: int = 0,
        resume_from: str | None = None,
        device: str | None = None,
        mixed_precision: bool | None = None,
        progress: bool | None = None,
    ) -> None:
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.min_delta = min_delta
        self.scheduler = scheduler
        self.grad_clip = grad_clip
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every = checkpoint_every
        self.resume_from = resume_from
        self.device = device
        self.mixed_precision = mixed_precision
        self.progress = progress

    def train(self, learner: Any, X: Any, y: Any = None, *, X_val: Any = None, y_val: Any = None) -> Any:
        _check_trainable(learner, "torch_local")
        cfg, fraction = self._config(learner)
        cfg.validate()
        train, val = self._datasets(learner, X, y, X_val, y_val, cfg, fraction)
        module, history, stopped = run_loop(
            learner._torch_build_module, learner._torch_loss, train, val, cfg, learner._torch_signature()
        )
        learner._torch_finish(module, history, stopped)
        return learner


def _write_frame(path: Path, name: str, data: Any) -> dict[str, Any]:
    """Store a frame/series/array for the worker processes as plain npz (loaded with allow_pickle=False)."""
    if data is None:
        return {"kind": "none"}
    meta: dict[str, Any] = {"kind": "array"}
    if isinstance(data, pd.DataFrame | pd.Series):
        meta["kind"] = "frame" if isinstance(data, pd.DataFrame) else "series"
        meta["columns"] = [str(c) for c in data.columns] if isinstance(data, pd.DataFrame) else data.name
        index = pd.DatetimeIndex(data.index)
        meta["tz"] = str(index.tz) if index.tz is not None else None
        values = data.to_numpy()
        np.savez(path / f"{name}.npz", values=values, index=index.asi8)
    else:
        values = np.asarray(data)
        np.savez(path / f"{name}.npz", values=values)
    if values.dtype.kind not in "biuf":
        raise TypeError(f"torch_ddp: {name} must be numeric to ship to worker processes, got dtype {values.dtype}")
    return meta


def _read_frame(path: Path, name: str, meta: dict[str, Any]) -> Any:
    if meta["kind"] == "none":
        return None
    with np.load(path / f"{name}.npz", allow_pickle=False) as npz:
        values = npz["values"]
        if meta["kind"] == "array":
            return values
        index = pd.DatetimeIndex(npz["index"].astype("datetime64[ns]"), name="timestamp")
    if meta.get("tz"):
        index = index.tz_localize("UTC").tz_convert(meta["tz"])
    if meta["kind"] == "frame":
        return pd.DataFrame(values, index=index, columns=meta["columns"])
    return pd.Series(values, index=index, name=meta["columns"])


class TorchDDPTrainer(_TorchTrainerBase):
    """Distributed data-parallel training with ``torch.distributed`` (gloo on CPU, nccl on GPU).

    Each global batch is split across ranks and the loss is scaled so that a DDP
    step equals a single-process step on the whole batch; after training rank 0's
    weights are broadcast and returned. Parameters as for :class:`TorchLocalTrainer`, plus:

    Args:
        nproc_per_node: processes per node when this trainer launches ``torchrun`` itself.
        nnodes, node_rank, rdzv_endpoint, rdzv_backend, rdzv_id: torchrun rendezvous for multi-node runs
            (every node runs the same job; ``rdzv_endpoint`` is ``host:port`` of the rendezvous).
        backend: ``auto`` (nccl when CUDA is available, else gloo), ``gloo`` or ``nccl``.
        work_dir: where the launch writes its job files (default: a temporary directory).
        timeout_s: limit for the launched job and for collective operations.
    """

    def __init__(
        self,
        nproc_per_node: int = 2,
        nnodes: int = 1,
        node_rank: int = 0,
        rdzv_endpoint: str | None = None,
        rdzv_backend: str = "c10d",
        rdzv_id: str = "huracan",
        backend: str = "auto",
        work_dir: str | None = None,
        timeout_s: float = 1800.0,
        patience: int | None = None,
        validation_fraction: float | None = None,
        min_delta: float = 0.0,
        scheduler: str | None = None,
        grad_clip: float | None = None,
        checkpoint_dir: str | None = None,
        checkpoint_every: int = 0,
        resume_from: str | None = None,
        device: str | None = None,
        mixed_precision: bool | None = None,
        progress: bool | None = None,
    ) -> None:
        self.nproc_per_node = nproc_per_node
        self.nnodes = nnodes
        self.node_rank = node_rank
        self.rdzv_endpoint = rdzv_endpoint
        self.rdzv_backend = rdzv_backend
        self.rdzv_id = rdzv_id
        self.backend = backend
        self.work_dir = work_dir
        self.timeout_s = timeout_s
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.min_delta = min_delta
        self.scheduler = scheduler
        self.grad_clip = grad_clip
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every = checkpoint_every
        self.resume_from = resume_from
        self.device = device
        self.mixed_precision = mixed_precision
        self.progress = progress

    def train(self, learner: Any, X: Any, y: Any = None, *, X_val: Any = None, y_val: Any = None) -> Any:
        _check_trainable(learner, "torch_ddp")
        # a core Target ships as its values (a timestamp-indexed Series) to the worker processes
        y, y_val = (v.values if isinstance(v, Target) else v for v in (y, y_val))
        if "RANK" in os.environ and "WORLD_SIZE" in os.environ:
            return self._train_in_process(learner, X, y, X_val, y_val)
        return self._launch(learner, X, y, X_val, y_val)

    # -- inside torchrun --------------------------------------------------
    def _train_in_process(self, learner: Any, X: Any, y: Any, X_val: Any, y_val: Any) -> Any:
        import torch.distributed as dist

        cfg, fraction = self._config(learner)
        cfg.validate()
        rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
        local_rank = int(os.environ.get("LOCAL_RANK", 0))
        backend = self.backend
        if backend == "auto":
            backend = "nccl" if torch.cuda.is_available() and cfg.device in ("auto", "cuda") else "gloo"
        if backend == "nccl":
            device = torch.device("cuda", local_rank)
            torch.cuda.set_device(device)
        else:
            device = torch.device("cpu") if cfg.device == "auto" else resolve_device(cfg.device)
        created = not dist.is_initialized()
        if created:
            dist.init_process_group(backend, timeout=timedelta(seconds=self.timeout_s))
        try:
            train, val = self._datasets(learner, X, y, X_val, y_val, cfg, fraction)
            if cfg.checkpoint_every and rank != 0:
                cfg.checkpoint_every = 0  # only rank 0 writes checkpoints
            module, history, stopped = run_loop(
                learner._torch_build_module,
                learner._torch_loss,
                train,
                val,
                cfg,
                learner._torch_signature(),
                rank=rank,
                world_size=world,
                device=device,
            )
            # The model is rank 0's weights: broadcast them (they already agree unless something diverged).
            module = module.to(device)
            local_hash = state_sha256(module)
            for tensor in module.state_dict().values():
                dist.broadcast(tensor, src=0)
            module = module.to("cpu")
            hashes: list[Any] = [None] * world
            dist.all_gather_object(hashes, local_hash)
            # every rank leaves its last collective before any tears the group down: a peer closing its
            # gloo connections mid-operation aborts the other rank (SIGABRT), seen here about 1 run in 20
            dist.barrier()
        finally:
            if created:
                dist.destroy_process_group()
        learner._torch_finish(module, history, stopped)
        self.report_ = {"world_size": world, "backend": backend, "rank_sha256": hashes, "rank": rank}
        if len(set(hashes)) != 1:
            logger.warning("torch_ddp: ranks ended with different weights %s; returning rank 0's", hashes)
        return learner

    # -- launching torchrun --------------------------------------------
    def _torchrun_args(self) -> list[str]:
        args = [f"--nproc_per_node={self.nproc_per_node}", f"--nnodes={self.nnodes}"]
        if self.nnodes > 1 or self.rdzv_endpoint:
            if not self.rdzv_endpoint:
                raise ValueError("a multi-node torch_ddp run needs rdzv_endpoint='host:port'")
            args += [
                f"--node_rank={self.node_rank}",
                f"--rdzv_backend={self.rdzv_backend}",
                f"--rdzv_endpoint={self.rdzv_endpoint}",
                f"--rdzv_id={self.rdzv_id}",
            ]
        else:
            args.append("--standalone")
        return args

    def _launch(self, learner: Any, X: Any, y: Any, X_val: Any, y_val: Any) -> Any:
        with tempfile.TemporaryDirectory(prefix="huracan-ddp-") as tmp:
            job = Path(self.work_dir) if self.work_dir else Path(tmp)
            job.mkdir(parents=True, exist_ok=True)
            data = {
                name: _write_frame(job, name, value)
                for name, value in (("X", X), ("y", y), ("X_val", X_val), ("y_val", y_val))
            }
            trainer_params = self.get_params(deep=False)
            spec = {
                "learner_class": f"{type(learner).__module__}:{type(learner).__qualname__}",
                "learner_params": learner.get_params(deep=False),
                "trainer_params": trainer_params,
                "data": data,
            }
            (job / "job.json").write_text(json.dumps(spec))
            cmd = [
                sys.executable,
                "-m",
                "torch.distributed.run",
                *self._torchrun_args(),
                "-m",
                "huracan_torch._ddp_worker",
                str(job),
            ]
            env = dict(os.environ)
            env.setdefault("OMP_NUM_THREADS", "1")
            logger.info("torch_ddp: launching %s", " ".join(cmd))
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout_s, env=env, check=False)
            if proc.returncode != 0:
                tail = (proc.stderr or proc.stdout)[-4000:]
                raise RuntimeError(f"torch_ddp: torchrun exited with status {proc.returncode}:\n{tail}")
            if self.node_rank != 0:
                self.report_ = json.loads((job / "report.json").read_text()) if (job / "report.json").exists() else {}
                return learner
            fitted = type(learner).load(job / "model")
            self.report_ = json.loads((job / "report.json").read_text())
        for name, value in vars(fitted).items():
            if name.endswith("_") and not name.startswith("_"):
                setattr(learner, name, value)
        return learner
