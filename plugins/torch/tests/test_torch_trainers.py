"""torch_local: early stopping, schedulers, clipping, checkpoints/resume, seeding, devices, progress, logging."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import torch
from huracan_torch import _loop
from huracan_torch._loop import resolve_device
from huracan_torch.learners import GRURegressor, LSTMRegressor
from huracan_torch.trainers import TorchLocalTrainer, state_sha256
from torch_testutil import FAST

from huracan_core import ArtifactError
from huracan_core.trainers import LocalTrainer


def _noise(signal_data):
    X, _ = signal_data
    rng = np.random.default_rng(1)
    return X, X["a"] * 0 + rng.normal(size=len(X))  # unpredictable target: validation loss stops improving


def test_early_stopping_stops_and_restores_best_epoch(signal_data):
    X, y = _noise(signal_data)
    model = LSTMRegressor(**{**FAST, "epochs": 60, "learning_rate": 0.02, "early_stopping_patience": 2}).fit(X, y)
    history = model.history_
    assert model.stopped_early_ and len(history) < 60
    val = [h["val_loss"] for h in history]
    best = int(np.argmin(val))
    assert len(history) == best + 1 + 2  # stopped exactly `patience` epochs after the best one
    # the returned weights are the best epoch's: re-evaluating the validation tail gives its loss
    trainer = TorchLocalTrainer()
    cfg, fraction = trainer._config(model)
    fresh = LSTMRegressor(**model.get_params())
    _train, held = trainer._datasets(fresh, X, y, None, None, cfg, fraction)
    loss = _loop._evaluate(
        model.module_, model._torch_loss, held, 64, torch.device("cpu"), _loop.contextlib.nullcontext
    )
    assert loss == pytest.approx(val[best], rel=1e-5)


def test_explicit_validation_data_is_used(signal_data):
    X, y = signal_data
    model = GRURegressor(**{**FAST, "validation_fraction": 0.0}).fit(
        X.iloc[:800], y.iloc[:800], X.iloc[800:], y.iloc[800:]
    )
    assert all("val_loss" in h for h in model.history_)
    # the core 'local' trainer passes X_val/y_val through to fit
    again = LocalTrainer().train(
        GRURegressor(**{**FAST, "validation_fraction": 0.0}),
        X.iloc[:800],
        y.iloc[:800],
        X_val=X.iloc[800:],
        y_val=y.iloc[800:],
    )
    assert [h["val_loss"] for h in again.history_] == [h["val_loss"] for h in model.history_]


@pytest.mark.parametrize(
    ("scheduler", "check"),
    [
        ("cosine", lambda lrs, base: lrs[-1] < 0.2 * base and lrs == sorted(lrs, reverse=True)),
        ("onecycle", lambda lrs, base: max(lrs) > 2 * base and lrs[-1] < base),
        ("none", lambda lrs, base: lrs == [base] * len(lrs)),
    ],
)
def test_lr_schedulers(signal_data, scheduler, check):
    X, y = signal_data
    model = LSTMRegressor(**{**FAST, "epochs": 5, "early_stopping_patience": None, "scheduler": scheduler}).fit(X, y)
    lrs = [h["lr"] for h in model.history_]
    assert check(lrs, 1e-3), lrs


def test_reduce_on_plateau_halves_lr_when_validation_stalls(signal_data):
    X, y = _noise(signal_data)
    model = LSTMRegressor(
        **{**FAST, "epochs": 12, "learning_rate": 0.02, "early_stopping_patience": None, "scheduler": "plateau"}
    )
    TorchLocalTrainer(validation_fraction=0.2).train(model, X, y)
    lrs = [h["lr"] for h in model.history_]
    assert min(lrs) <= 0.01 and lrs[0] == 0.02


def test_gradient_clipping_is_applied(signal_data, monkeypatch):
    X, y = signal_data
    norms = []
    real = torch.nn.utils.clip_grad_norm_

    def spy(params, max_norm, *args, **kwargs):
        total = real(params, max_norm, *args, **kwargs)
        norms.append((float(total), max_norm))
        return total

    monkeypatch.setattr(_loop.nn.utils, "clip_grad_norm_", spy)
    LSTMRegressor(**{**FAST, "epochs": 1, "grad_clip": 0.05}).fit(X, y)
    assert norms and all(limit == 0.05 for _, limit in norms)
    assert any(total > 0.05 for total, _ in norms)  # clipping had work to do
    norms.clear()
    LSTMRegressor(**{**FAST, "epochs": 1, "grad_clip": None}).fit(X, y)
    assert norms == []


def test_checkpoint_every_n_epochs_and_resume_matches_uninterrupted(tmp_path, signal_data):
    X, y = signal_data
    params = {**FAST, "epochs": 4, "early_stopping_patience": 3, "dropout": 0.2, "n_layers": 2}
    full = LSTMRegressor(**params)
    TorchLocalTrainer(checkpoint_dir=str(tmp_path / "ck"), checkpoint_every=2).train(full, X, y)
    names = sorted(p.name for p in (tmp_path / "ck").iterdir())
    assert names == ["epoch-0002.json", "epoch-0002.safetensors", "epoch-0004.json", "epoch-0004.safetensors"]
    resumed = LSTMRegressor(**params)
    TorchLocalTrainer(resume_from=str(tmp_path / "ck" / "epoch-0002.json")).train(resumed, X, y)
    assert state_sha256(resumed.module_) == state_sha256(full.module_)
    assert resumed.history_ == full.history_


def test_resume_from_another_architecture_is_refused(tmp_path, signal_data):
    X, y = signal_data
    TorchLocalTrainer(checkpoint_dir=str(tmp_path), checkpoint_every=1).train(
        LSTMRegressor(**{**FAST, "epochs": 1}), X, y
    )
    with pytest.raises(ArtifactError, match="different model"):
        TorchLocalTrainer(resume_from=str(tmp_path)).train(LSTMRegressor(**{**FAST, "hidden_size": 16}), X, y)
    with pytest.raises(ArtifactError, match="different model"):
        TorchLocalTrainer(resume_from=str(tmp_path)).train(GRURegressor(**FAST), X, y)


def test_device_selection_and_cpu_mixed_precision_is_a_no_op(signal_data):
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert resolve_device("auto").type == expected
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda")
    X, y = signal_data
    a = LSTMRegressor(**{**FAST, "mixed_precision": True}).fit(X, y).predict(X)
    b = LSTMRegressor(**{**FAST, "mixed_precision": False}).fit(X, y).predict(X)
    assert a.equals(b)


def test_progress_bar_and_logging(signal_data, capsys, caplog):
    X, y = signal_data
    with caplog.at_level(logging.INFO, logger="huracan_torch"):
        LSTMRegressor(**{**FAST, "progress": True}).fit(X, y)
    err = capsys.readouterr().err
    assert "train_loss" in err and "epoch" in err
    assert any("epoch 3/3 train_loss=" in r.getMessage() for r in caplog.records)
    LSTMRegressor(**{**FAST, "progress": None}).fit(X, y)  # stderr is not a TTY under pytest → no bar
    assert "train_loss" not in capsys.readouterr().err


def test_trainer_settings_override_the_learners(signal_data):
    X, y = signal_data
    X, y = _noise(signal_data)
    params = {**FAST, "epochs": 20, "early_stopping_patience": 1, "learning_rate": 0.05}
    assert LSTMRegressor(**params).fit(X, y).stopped_early_
    model = LSTMRegressor(**params)
    TorchLocalTrainer(patience=0).train(model, X, y)
    assert len(model.history_) == 20 and not model.stopped_early_


def test_bad_trainer_settings_and_foreign_learners(signal_data):
    X, y = signal_data
    with pytest.raises(ValueError, match="scheduler must be one of"):
        LSTMRegressor(**{**FAST, "scheduler": "linear"}).fit(X, y)
    with pytest.raises(ValueError, match="checkpoint_every needs a checkpoint_dir"):
        TorchLocalTrainer(checkpoint_every=1).train(LSTMRegressor(**FAST), X, y)
    with pytest.raises(TypeError, match="trains huracan-torch learners"):
        TorchLocalTrainer().train(object(), X, y)
