"""JAX (huracan-jax) vs a plain PyTorch loop: validation loss parity and CPU training throughput.

Same data, same architecture size, same training budget (epochs, batch size,
Adam with the same learning rate, no weight decay, no clipping), both on
standardised features and targets. The PyTorch reference is written here (not
imported from the torch plugin) so it is a plain hand-written loop.

Reported per model (MLP on tabular rows, LSTM on causal windows):
- validation MSE of each (mean over seeds) and the JAX/torch ratio (goal: within 10 %);
- training throughput in samples/s over the steady-state epochs, with JAX's
  ahead-of-time compile time reported separately (never in the throughput).

Run: ``python benchmarks/bench_jax_vs_torch.py [--quick] [--seeds 3] [--threads=1]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
# both libraries on one intra-op thread by default: a like-for-like comparison that shared or busy CPUs cannot skew
# (override with --threads N, which is read before jax is imported)
_THREADS = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--threads=")), "1")
os.environ.setdefault(
    "XLA_FLAGS",
    f"--xla_cpu_multi_thread_eigen={'true' if _THREADS != '1' else 'false'} intra_op_parallelism_threads={_THREADS}",
)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def make_data(n: int, seed: int, windowed: bool) -> tuple[pd.DataFrame, pd.Series]:
    """8 noise features; the target is a nonlinear function of current (MLP) or past (LSTM) values plus noise."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, 8))
    if windowed:
        signal = 0.8 * np.r_[np.zeros(3), values[:-3, 0]] + 0.6 * np.tanh(2 * np.r_[0.0, values[:-1, 1]])
    else:
        signal = np.tanh(2 * values[:, 0]) - 0.5 * values[:, 1] ** 2 + 0.5 * values[:, 2] * values[:, 3]
    target = signal + 0.5 * rng.normal(size=n)
    index = pd.date_range("2020-01-01", periods=n, freq="1h", tz="UTC")
    return pd.DataFrame(values, index=index, columns=[f"f{i}" for i in range(8)]), pd.Series(target, index=index)


# -- torch reference -----------------------------------------------------------------
def torch_run(
    kind: str,
    X_tr,
    y_tr,
    X_va,
    y_va,
    *,
    hidden: int,
    layers: int,
    lookback: int,
    epochs: int,
    batch: int,
    lr: float,
    seed: int,
):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    mean, std = X_tr.mean(0), X_tr.std(0)
    y_mean, y_std = y_tr.mean(), y_tr.std()

    def prep(X: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        Z = ((X - mean) / std).astype(np.float32)
        if kind == "lstm":
            windows = np.lib.stride_tricks.sliding_window_view(Z, lookback, axis=0).swapaxes(1, 2)
            Z, y = np.ascontiguousarray(windows), y[lookback - 1 :]
        return torch.from_numpy(Z), torch.from_numpy(((y - y_mean) / y_std).astype(np.float32))

    xt, yt = prep(X_tr, y_tr)
    xv, yv = prep(X_va, y_va)
    if kind == "mlp":
        mods: list[nn.Module] = []
        width = X_tr.shape[1]
        for _ in range(layers):
            mods += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        model: nn.Module = nn.Sequential(*mods, nn.Linear(width, 1))
    else:

        class LSTMHead(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.lstm = nn.LSTM(X_tr.shape[1], hidden, num_layers=layers, batch_first=True)
                self.head = nn.Linear(hidden, 1)

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                out, _ = self.lstm(x)
                return self.head(out[:, -1])

        model = LSTMHead()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    epoch_seconds = []
    for _ in range(epochs):
        started = time.perf_counter()
        model.train()
        order = torch.randperm(len(xt))
        for i in range(0, len(xt), batch):
            idx = order[i : i + batch]
            opt.zero_grad()
            loss = ((model(xt[idx])[:, 0] - yt[idx]) ** 2).mean()
            loss.backward()
            opt.step()
        epoch_seconds.append(time.perf_counter() - started)
    model.eval()
    with torch.no_grad():
        val = float(((model(xv)[:, 0] - yv) ** 2).mean())
    return {"val_mse": val, "samples_per_s": len(xt) / float(np.mean(epoch_seconds[1:])), "compile_s": 0.0}


# -- JAX (huracan-jax through its trainer) ------------------------------------------------
def jax_run(
    kind: str,
    X_tr,
    y_tr,
    X_va,
    y_va,
    *,
    hidden: int,
    layers: int,
    lookback: int,
    epochs: int,
    batch: int,
    lr: float,
    seed: int,
):
    from huracan_jax.learners import JaxLSTMRegressor, JaxMLPRegressor
    from huracan_jax.trainers import JaxLocalTrainer

    common = dict(
        epochs=epochs,
        batch_size=batch,
        learning_rate=lr,
        optimizer="adam",
        schedule="constant",
        weight_decay=0.0,
        grad_clip=None,
        patience=None,
        random_state=seed,
    )
    if kind == "mlp":
        learner = JaxMLPRegressor(hidden_size=hidden, num_layers=layers, **common)
    else:
        learner = JaxLSTMRegressor(lookback=lookback, hidden_size=hidden, num_layers=layers, **common)
    learner = JaxLocalTrainer(devices=1, progress=False).train(learner, X_tr, y_tr)
    prediction = learner.predict(X_va)
    scaled = (prediction.to_numpy() - learner.y_mean_) / learner.y_std_
    target = (y_va.loc[prediction.index].to_numpy() - learner.y_mean_) / learner.y_std_
    history = learner.history_
    return {
        "val_mse": float(np.mean((scaled - target) ** 2)),
        "samples_per_s": history["samples_per_epoch"] / float(np.mean(history["epoch_seconds"][1:])),
        "compile_s": history["compile_seconds"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller data and fewer epochs (smoke run)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads for both libraries (use --threads=N)")
    args = parser.parse_args()
    n, epochs = (3000, 4) if args.quick else (10000, 10)
    configs = {
        "mlp": dict(hidden=64, layers=2, lookback=1, epochs=epochs, batch=64, lr=1e-3),
        "lstm": dict(hidden=32, layers=1, lookback=16, epochs=epochs, batch=64, lr=1e-3),
    }
    import jax
    import torch

    torch.set_num_threads(args.threads)

    print(
        f"# platform {platform.machine()} {os.cpu_count()} CPUs; jax {jax.__version__} on {jax.devices()[0].platform}; "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads)"
    )
    print(f"# {n} rows (80 % train / 20 % validation), {epochs} epochs, batch 64, Adam lr 1e-3, {args.seeds} seeds")
    print("model | backend | val MSE (std units) | samples/s (steady) | compile s")
    print("------|---------|---------------------|--------------------|----------")
    verdicts = []
    for kind, cfg in configs.items():
        results: dict[str, list[dict[str, float]]] = {"jax": [], "torch": []}
        for seed in range(args.seeds):
            X, y = make_data(n, seed, windowed=kind == "lstm")
            split = int(0.8 * n)
            # the LSTM's validation windows start lookback-1 rows into the validation block for both backends
            parts = (X.iloc[:split], y.iloc[:split], X.iloc[split:], y.iloc[split:])
            results["jax"].append(jax_run(kind, *parts, seed=seed, **cfg))
            arrays = (parts[0].to_numpy(), parts[1].to_numpy(), parts[2].to_numpy(), parts[3].to_numpy())
            results["torch"].append(torch_run(kind, *arrays, seed=seed, **cfg))
        summary = {}
        for backend, runs in results.items():
            summary[backend] = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
            s = summary[backend]
            print(f"{kind} | {backend} | {s['val_mse']:.4f} | {s['samples_per_s']:,.0f} | {s['compile_s']:.2f}")
        ratio = summary["jax"]["val_mse"] / summary["torch"]["val_mse"]
        speed = summary["jax"]["samples_per_s"] / summary["torch"]["samples_per_s"]
        verdicts.append(
            f"{kind}: JAX/torch val loss {ratio:.3f} ({'within' if abs(ratio - 1) <= 0.10 else 'OUTSIDE'} 10 %); "
            f"throughput JAX/torch {speed:.2f}x"
        )
    print()
    for line in verdicts:
        print(line)


if __name__ == "__main__":
    main()
