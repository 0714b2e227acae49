"""torch_ddp with 2 CPU processes (gloo) launched through torchrun."""

from __future__ import annotations

import os

import numpy as np
import pytest
from huracan_torch.learners import LSTMRegressor
from huracan_torch.trainers import TorchDDPTrainer, TorchLocalTrainer, state_sha256

from huracan_core.targets import forward_return_target
from huracan_core.testing import make_feature_frame, make_market_frame

TOLERANCE = 1e-5
"""Max |DDP weight − single-process weight|: the same gradients summed in a different order (float32)."""


@pytest.mark.slow
def test_ddp_two_cpu_processes_match_each_other_and_single_process(monkeypatch, tmp_path):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    market = make_market_frame(700, seed=2)
    X = make_feature_frame(market)
    y = forward_return_target(market).values
    params = {
        "lookback": 8,
        "hidden_size": 8,
        "epochs": 3,
        "batch_size": 64,
        "early_stopping_patience": 2,
        "progress": False,
        "device": "cpu",
        "random_state": 5,
    }
    trainer = TorchDDPTrainer(nproc_per_node=2, timeout_s=120, work_dir=str(tmp_path / "job"))
    ddp = trainer.train(LSTMRegressor(**params), X, y)
    report = trainer.report_
    assert report["world_size"] == 2 and report["backend"] == "gloo"
    assert len(report["rank_sha256"]) == 2 and len(set(report["rank_sha256"])) == 1  # identical across ranks
    assert state_sha256(ddp.module_) == report["rank_sha256"][0]  # the model is rank 0's weights

    single = TorchLocalTrainer().train(LSTMRegressor(**params), X, y)
    a, b = ddp.module_.state_dict(), single.module_.state_dict()
    diff = max(float((a[k] - b[k]).abs().max()) for k in a)
    assert diff < TOLERANCE
    assert [h["epoch"] for h in ddp.history_] == [h["epoch"] for h in single.history_]
    np.testing.assert_allclose(ddp.predict(X), single.predict(X), atol=1e-5)


def test_torchrun_arguments_for_single_and_multi_node():
    assert "--standalone" in TorchDDPTrainer(nproc_per_node=4)._torchrun_args()
    args = TorchDDPTrainer(
        nproc_per_node=8, nnodes=2, node_rank=1, rdzv_endpoint="10.0.0.1:29500", rdzv_id="job7"
    )._torchrun_args()
    assert args == [
        "--nproc_per_node=8",
        "--nnodes=2",
        "--node_rank=1",
        "--rdzv_backend=c10d",
        "--rdzv_endpoint=10.0.0.1:29500",
        "--rdzv_id=job7",
    ]
    with pytest.raises(ValueError, match="needs rdzv_endpoint"):
        TorchDDPTrainer(nnodes=2)._torchrun_args()


def test_ddp_launch_failure_is_reported(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.delenv("RANK", raising=False)
    X = make_feature_frame(make_market_frame(300, seed=1))
    with pytest.raises(TypeError, match="must be numeric"):
        TorchDDPTrainer().train(LSTMRegressor(lookback=4), X, np.array(["up"] * len(X), dtype=object))
    assert "RANK" not in os.environ


def test_ddp_accepts_a_core_target(tmp_path):
    import numpy as np
    import pandas as pd
    from huracan_torch.learners import LSTMRegressor
    from huracan_torch.trainers import TorchDDPTrainer

    from huracan_core.targets import forward_return_target
    from huracan_core.testing import make_feature_frame, make_market_frame

    market = make_market_frame(300, seed=2)
    target = forward_return_target(market)
    X = make_feature_frame(market).loc[lambda f: f.index.isin(target.values.index)]
    model = LSTMRegressor(
        lookback=4, hidden_size=4, epochs=1, batch_size=32, progress=False, device="cpu", random_state=0
    )
    trained = TorchDDPTrainer(nproc_per_node=2, work_dir=str(tmp_path)).train(model, X, target)
    prediction = trained.predict(X)
    assert isinstance(prediction, pd.Series) and len(prediction) == len(X) - 3
    assert np.isfinite(prediction.to_numpy()).all()
