"""Activation visualisation: capture layer outputs with forward hooks and plot them to PNG.

Hooks are registered for the duration of one forward pass and always removed,
so a learner is left exactly as it was. Plotting uses matplotlib's Agg canvas
directly (no pyplot global state, no display needed).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from huracan_core.interfaces import check_is_fitted

__all__ = ["capture_activations", "plot_activations"]


def _first_tensor(output: Any) -> torch.Tensor | None:
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, tuple | list) and output and isinstance(output[0], torch.Tensor):
        return output[0]  # LSTM/GRU return (output, state)
    return None


def capture_activations(
    model: Any, X: Any, layers: Sequence[str] | None = None, max_windows: int = 256
) -> dict[str, np.ndarray]:
    """Run the (fitted) learner's network on the windows of ``X`` and return each layer's output.

    Args:
        model: a fitted huracan-torch learner (or a bare ``nn.Module`` with ``X`` already windowed).
        layers: module names from ``named_modules()``; default: every direct child and leaf layer.
        max_windows: use only the last ``max_windows`` windows (activations of big frames are large).
    """
    if isinstance(model, nn.Module):
        module, windows = model, torch.as_tensor(np.asarray(X, dtype=np.float32))
    else:
        check_is_fitted(model, "module_")
        Xw, _, _, _ = model._windows(X, False)
        module, windows = model.module_, torch.as_tensor(Xw)
    windows = windows[-max_windows:]
    named = dict(module.named_modules())
    if layers is None:
        layers = [name for name, m in named.items() if name and (len(list(m.children())) == 0 or "." not in name)]
    unknown = [name for name in layers if name not in named]
    if unknown:
        raise ValueError(f"unknown layer(s) {unknown}; available: {[n for n in named if n]}")
    captured: dict[str, np.ndarray] = {}
    handles = []

    def hook_for(name: str) -> Any:
        def hook(_module: nn.Module, _inputs: Any, output: Any) -> None:
            tensor = _first_tensor(output)
            if tensor is not None:
                captured[name] = tensor.detach().float().cpu().numpy()

        return hook

    try:
        for name in layers:
            handles.append(named[name].register_forward_hook(hook_for(name)))
        was_training = module.training
        module.eval()
        with torch.no_grad():
            module(windows)
        module.train(was_training)
    finally:
        for handle in handles:
            handle.remove()
    return captured


def plot_activations(activations: dict[str, np.ndarray], path: str | Path, max_units: int = 64) -> Path:
    """One heat map per layer (window × unit, last time step for sequence outputs), saved as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not activations:
        raise ValueError("no activations to plot")
    n = len(activations)
    fig = Figure(figsize=(6, 2.2 * n))
    FigureCanvasAgg(fig)
    for i, (name, values) in enumerate(activations.items(), start=1):
        ax = fig.add_subplot(n, 1, i)
        arr = values
        if arr.ndim == 3:
            # (batch, time, units) for RNN/Transformer, (batch, channels, time) for Conv1d: take the last step
            arr = arr[:, :, -1] if "conv" in name or "body" in name else arr[:, -1, :]
        arr = arr.reshape(arr.shape[0], -1)[:, :max_units]
        image = ax.imshow(arr.T, aspect="auto", interpolation="nearest", cmap="viridis")
        ax.set_title(f"{name} {tuple(values.shape)}", fontsize=8)
        ax.set_xlabel("window")
        ax.set_ylabel("unit")
        fig.colorbar(image, ax=ax)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=80)
    return path
