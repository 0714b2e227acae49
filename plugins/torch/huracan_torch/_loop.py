"""The one training loop behind ``torch_local`` and ``torch_ddp``.

Both trainers resolve a :class:`LoopConfig` and call :func:`run_loop`; the
distributed trainer passes its rank and world size, wraps the network in
``DistributedDataParallel`` and splits each global batch across ranks, so a DDP
run computes the same gradients as a single process (see
:func:`huracan_torch.data.iter_batches`).

A learner trained here implements the small ``_torch_*`` protocol of
:class:`huracan_torch.learners.TorchLearnerBase`.
"""

from __future__ import annotations

import contextlib
import logging
import math
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from huracan_core._errors import ArtifactError
from huracan_torch.data import WindowDataset, iter_batches
from huracan_torch.persistence import check_compatible, load_state, read_json, save_state, write_json

__all__ = ["SCHEDULERS", "LoopConfig", "resolve_device", "run_loop", "seed_everything"]

logger = logging.getLogger(__name__)

SCHEDULERS = ("none", "cosine", "plateau", "onecycle")


def resolve_device(device: str = "auto") -> torch.device:
    """``auto`` picks cuda, then mps, then cpu; an explicit device that is absent is an error."""
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} requested but CUDA is not available; use device='auto' or 'cpu'")
    if dev.type == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ValueError(f"device {device!r} requested but MPS is not available; use device='auto' or 'cpu'")
    return dev


def seed_everything(seed: int | None) -> torch.Generator:
    """Seed torch's global RNG (init, dropout) and return a seeded generator for shuffling."""
    generator = torch.Generator()
    if seed is None:
        generator.seed()
        return generator
    torch.manual_seed(int(seed))
    generator.manual_seed(int(seed))
    return generator


@dataclass
class LoopConfig:
    """Everything the loop needs; built by a trainer from its own and the learner's parameters."""

    epochs: int
    batch_size: int
    learning_rate: float
    weight_decay: float = 0.0
    seed: int | None = 0
    patience: int | None = None
    min_delta: float = 0.0
    scheduler: str = "none"
    grad_clip: float | None = None
    device: str = "auto"
    mixed_precision: bool = True
    progress: bool | None = None
    checkpoint_dir: str | None = None
    checkpoint_every: int = 0
    resume_from: str | None = None

    def validate(self) -> None:
        if not isinstance(self.epochs, int) or self.epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {self.epochs!r}")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate!r}")
        if self.scheduler not in SCHEDULERS:
            raise ValueError(f"scheduler must be one of {SCHEDULERS}, got {self.scheduler!r}")
        if self.patience is not None and self.patience < 1:
            raise ValueError(f"patience must be a positive integer or None, got {self.patience!r}")
        if self.grad_clip is not None and not self.grad_clip > 0:
            raise ValueError(f"grad_clip must be > 0 or None, got {self.grad_clip!r}")
        if self.checkpoint_every and not self.checkpoint_dir:
            raise ValueError("checkpoint_every needs a checkpoint_dir to write to")


@dataclass
class _State:
    epoch: int = 0
    best_loss: float = math.inf
    bad_epochs: int = 0
    history: list[dict[str, float]] = field(default_factory=list)
    best_state: dict[str, torch.Tensor] | None = None
    stopped_early: bool = False


def _progress_enabled(progress: bool | None, rank: int) -> bool:
    if rank != 0:
        return False
    if progress is None:
        return sys.stderr.isatty()
    return bool(progress)


def _make_scheduler(name: str, optimizer: torch.optim.Optimizer, cfg: LoopConfig, steps_per_epoch: int) -> Any:
    if name == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=cfg.epochs)
    if name == "plateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2)
    if name == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=cfg.learning_rate * 10, total_steps=max(1, cfg.epochs * steps_per_epoch)
        )
    return None


def _autocast(device: torch.device, enabled: bool) -> tuple[Any, torch.amp.GradScaler | None]:
    """Mixed precision on CUDA only: bf16 when supported (no scaler), else fp16 with a grad scaler."""
    if not enabled or device.type != "cuda":
        return contextlib.nullcontext, None
    if torch.cuda.is_bf16_supported():
        return (lambda: torch.autocast("cuda", dtype=torch.bfloat16)), None
    return (lambda: torch.autocast("cuda", dtype=torch.float16)), torch.amp.GradScaler("cuda")


def _checkpoint_paths(checkpoint_dir: str, epoch: int) -> tuple[Path, Path]:
    base = Path(checkpoint_dir) / f"epoch-{epoch:04d}"
    return base.with_suffix(".safetensors"), base.with_suffix(".json")


def _latest_checkpoint(path: str) -> Path:
    target = Path(path)
    if target.is_dir():
        found = sorted(target.glob("epoch-*.json"))
        if not found:
            raise ArtifactError(f"no checkpoint (epoch-*.json) in {target}")
        return found[-1]
    if target.suffix == ".safetensors":
        target = target.with_suffix(".json")
    if not target.is_file():
        raise ArtifactError(f"checkpoint {path} not found")
    return target


def _save_checkpoint(
    cfg: LoopConfig,
    signature: dict[str, Any],
    module: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    generator: torch.Generator,
    state: _State,
) -> Path:
    assert cfg.checkpoint_dir is not None
    Path(cfg.checkpoint_dir).mkdir(parents=True, exist_ok=True)
    weights, meta_path = _checkpoint_paths(cfg.checkpoint_dir, state.epoch)
    tensors: dict[str, torch.Tensor] = {f"model.{k}": v for k, v in module.state_dict().items()}
    opt = optimizer.state_dict()
    for pid, slots in opt["state"].items():
        for key, value in slots.items():
            tensors[f"optim.{pid}.{key}"] = torch.as_tensor(value)
    tensors["rng.torch"] = torch.get_rng_state()
    tensors["rng.shuffle"] = generator.get_state()
    if state.best_state is not None:
        tensors.update({f"best.{k}": v for k, v in state.best_state.items()})
    sha = save_state(weights, tensors)
    write_json(
        meta_path,
        {
            "format": "huracan-torch-checkpoint",
            "format_version": 1,
            "signature": signature,
            "epoch": state.epoch,
            "best_loss": state.best_loss,
            "bad_epochs": state.bad_epochs,
            "history": state.history,
            "has_best": state.best_state is not None,
            "param_groups": opt["param_groups"],
            "scheduler": None if scheduler is None else scheduler.state_dict(),
            "config": asdict(cfg),
            "weights": weights.name,
            "sha256": sha,
        },
    )
    logger.info("checkpoint written: %s (epoch %d)", meta_path, state.epoch)
    return meta_path


def _load_checkpoint(
    path: str,
    signature: dict[str, Any],
    module: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    generator: torch.Generator,
) -> _State:
    meta_path = _latest_checkpoint(path)
    meta = read_json(meta_path)
    if meta.get("format") != "huracan-torch-checkpoint":
        raise ArtifactError(f"{meta_path} is not a huracan-torch checkpoint")
    if meta.get("signature") != signature:
        raise ArtifactError(
            f"checkpoint {meta_path} is from a different model: saved {meta.get('signature')}, "
            f"resuming {signature}; resume with the same learner class and architecture parameters"
        )
    tensors = load_state(meta_path.with_name(meta["weights"]), meta.get("sha256"))
    model_state = {k[len("model.") :]: v for k, v in tensors.items() if k.startswith("model.")}
    check_compatible(module, model_state, f"checkpoint {meta_path}")
    module.load_state_dict(model_state)
    device = next(module.parameters()).device
    opt_state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, pid, slot = key.split(".", 2)
            opt_state.setdefault(int(pid), {})[slot] = value if slot == "step" else value.to(device)
    optimizer.load_state_dict({"state": opt_state, "param_groups": meta["param_groups"]})
    if scheduler is not None and meta.get("scheduler") is not None:
        scheduler.load_state_dict(meta["scheduler"])
    torch.set_rng_state(tensors["rng.torch"])
    generator.set_state(tensors["rng.shuffle"])
    best = {k[len("best.") :]: v.to(device) for k, v in tensors.items() if k.startswith("best.")}
    logger.info("resumed from %s at epoch %d", meta_path, meta["epoch"])
    return _State(
        epoch=int(meta["epoch"]),
        best_loss=float(meta["best_loss"]),
        bad_epochs=int(meta["bad_epochs"]),
        history=list(meta["history"]),
        best_state=best if meta.get("has_best") else None,
    )


def _evaluate(
    module: nn.Module, loss_fn: Any, data: WindowDataset, batch_size: int, device: torch.device, autocast: Any
) -> float:
    module.eval()
    total = torch.zeros((), dtype=torch.float64, device=device)
    assert data.y is not None
    with torch.no_grad():
        for start in range(0, len(data), batch_size):
            xb = data.X[start : start + batch_size].to(device, non_blocking=True)
            yb = data.y[start : start + batch_size].to(device, non_blocking=True)
            with autocast():
                out = module(xb)
            total += loss_fn(out.float(), yb).sum().double()
    return float(total) / max(1, len(data))


def run_loop(
    build_module: Any,
    loss_fn: Any,
    train: WindowDataset,
    val: WindowDataset | None,
    cfg: LoopConfig,
    signature: dict[str, Any],
    *,
    rank: int = 0,
    world_size: int = 1,
    device: torch.device | None = None,
) -> tuple[nn.Module, list[dict[str, float]], bool]:
    """Train a freshly built module; return it (on CPU, best weights when early stopping) and the history.

    ``loss_fn(outputs, targets)`` returns per-sample losses of shape (batch,).
    """
    cfg.validate()
    if train.y is None:
        raise ValueError("training data needs targets")
    if len(train) == 0:
        raise ValueError("no training windows left (check the lookback and the target's NaN rows)")
    generator = seed_everything(cfg.seed)
    device = device or resolve_device(cfg.device)
    module: nn.Module = build_module().to(device)
    model: nn.Module = module
    if world_size > 1:
        from torch.nn.parallel import DistributedDataParallel

        model = DistributedDataParallel(module, device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = torch.optim.AdamW(module.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    steps_per_epoch = len(iter_batches(len(train), cfg.batch_size, shuffle=False, rank=rank, world_size=world_size))
    scheduler = _make_scheduler(cfg.scheduler, optimizer, cfg, steps_per_epoch)
    autocast, scaler = _autocast(device, cfg.mixed_precision)
    state = _State()
    if cfg.resume_from:
        state = _load_checkpoint(cfg.resume_from, signature, module, optimizer, scheduler, generator)
    X, y = train.X.to(device), train.y.to(device)
    bar = None
    if _progress_enabled(cfg.progress, rank):
        from tqdm.auto import tqdm

        bar = tqdm(total=cfg.epochs, initial=state.epoch, desc="training", unit="epoch", leave=False)
    params = [p for p in module.parameters() if p.requires_grad]
    try:
        while state.epoch < cfg.epochs:
            model.train()
            running = torch.zeros((), dtype=torch.float64, device=device)
            seen = 0
            for rows, global_n in iter_batches(
                len(train), cfg.batch_size, shuffle=True, generator=generator, rank=rank, world_size=world_size
            ):
                rows = rows.to(device)
                xb, yb = X[rows], y[rows]
                with autocast():
                    out = model(xb)
                losses = loss_fn(out.float(), yb)
                loss = losses.sum() * (world_size / global_n)
                optimizer.zero_grad(set_to_none=True)
                if scaler is not None:
                    scaler.scale(loss).backward()
                    scaler.unscale_(optimizer)
                else:
                    loss.backward()
                if cfg.grad_clip is not None:
                    nn.utils.clip_grad_norm_(params, cfg.grad_clip)
                if scaler is not None:
                    scaler.step(optimizer)
                    scaler.update()
                else:
                    optimizer.step()
                if cfg.scheduler == "onecycle":
                    scheduler.step()
                running += losses.detach().sum().double()
                seen += len(rows)
            if world_size > 1:
                import torch.distributed as dist

                pair = torch.stack([running, torch.tensor(float(seen), dtype=torch.float64, device=device)])
                dist.all_reduce(pair)
                running, seen = pair[0], int(pair[1].item())
            train_loss = float(running) / max(1, seen)
            state.epoch += 1
            record = {"epoch": state.epoch, "train_loss": train_loss, "lr": optimizer.param_groups[0]["lr"]}
            monitored = train_loss
            if val is not None and len(val) > 0:
                # every rank evaluates the full validation set with identical weights → identical decisions
                monitored = _evaluate(module, loss_fn, val, cfg.batch_size, device, autocast)
                record["val_loss"] = monitored
            if cfg.scheduler == "cosine":
                scheduler.step()
            elif cfg.scheduler == "plateau":
                scheduler.step(monitored)
            state.history.append(record)
            if cfg.patience is not None and val is not None and len(val) > 0:
                if monitored < state.best_loss - cfg.min_delta:
                    state.best_loss, state.bad_epochs = monitored, 0
                    state.best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}
                else:
                    state.bad_epochs += 1
            logger.info(
                "epoch %d/%d train_loss=%.6g%s",
                state.epoch,
                cfg.epochs,
                train_loss,
                f" val_loss={record['val_loss']:.6g}" if "val_loss" in record else "",
            )
            if bar is not None:
                bar.set_postfix({k: f"{v:.4g}" for k, v in record.items() if k.endswith("loss")})
                bar.update(1)
            if cfg.checkpoint_every and state.epoch % cfg.checkpoint_every == 0 and rank == 0:
                _save_checkpoint(cfg, signature, module, optimizer, scheduler, generator, state)
            if cfg.patience is not None and state.bad_epochs >= cfg.patience:
                state.stopped_early = True
                logger.info("early stopping at epoch %d (best val_loss=%.6g)", state.epoch, state.best_loss)
                break
    finally:
        if bar is not None:
            bar.close()
    if state.best_state is not None:
        module.load_state_dict(state.best_state)
    module.eval()
    return module.to("cpu"), state.history, state.stopped_early


def chronological_split(data: WindowDataset, fraction: float) -> tuple[WindowDataset, WindowDataset | None]:
    """Hold out the last ``fraction`` of windows for validation, purging overlapping labels.

    Training windows whose ``label_end`` reaches the first validation timestamp
    are dropped, so no training label looks into the validation period.
    """
    n = len(data)
    n_val = round(n * fraction)
    if fraction <= 0 or n_val < 1 or n - n_val < 1:
        return data, None
    cut = n - n_val
    train_rows = np.arange(cut)
    if data.label_end is not None and data.index is not None:
        first_val = data.index[cut]
        ends = np.asarray(data.label_end)[:cut]
        keep = np.asarray([e < first_val for e in ends], dtype=bool)
        train_rows = train_rows[keep]
    return data.subset(train_rows), data.subset(np.arange(cut, n))
