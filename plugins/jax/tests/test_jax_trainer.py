"""The jax_local trainer: checkpoint/resume, device handling, data parallelism, catalog wiring."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from huracan_jax._loop import RunOptions
from huracan_jax.learners import JaxGRURegressor, JaxLSTMRegressor
from huracan_jax.trainers import JaxLocalTrainer

from huracan_core import ArtifactError, load_catalog

PARAMS = {"lookback": 5, "hidden_size": 8, "epochs": 4, "batch_size": 32, "patience": 10, "dropout": 0.1}


class _Interrupted(Exception):
    pass


def _stop_after(epoch: int):
    def interrupt(done: int) -> None:
        if done == epoch:
            raise _Interrupted(done)

    return interrupt


def test_catalog_picks_jax_local_for_jax_learners():
    catalog = load_catalog(refresh=True)
    assert catalog.trainer_for("jax_lstm_regressor").name == "jax_local"
    jax_components = {s.name for s in catalog.query(backend="jax")}
    assert len(jax_components) == 9 and "jax_transformer_classifier" in jax_components


def test_trainer_trains_with_validation_and_matches_fit(make_signal):
    X, y = make_signal(n=300)
    trained = JaxLocalTrainer(devices=1, progress=False).train(
        JaxLSTMRegressor(**PARAMS), X.iloc[:240], y.iloc[:240], X_val=X.iloc[240:], y_val=y.iloc[240:]
    )
    assert len(trained.history_["val_loss"]) == 4 and trained.history_["n_devices"] == 1
    direct = JaxLSTMRegressor(**PARAMS).fit(X.iloc[:240], y.iloc[:240], X_val=X.iloc[240:], y_val=y.iloc[240:])
    assert np.array_equal(trained.predict(X).to_numpy(), direct.predict(X).to_numpy())


def test_checkpoint_resume_gives_the_uninterrupted_result(tmp_path, make_signal):
    X, y = make_signal(n=300)
    fit_args = (X.iloc[:240], y.iloc[:240], X.iloc[240:], y.iloc[240:])
    reference = JaxGRURegressor(**PARAMS).fit(*fit_args[:2], X_val=fit_args[2], y_val=fit_args[3])

    learner = JaxGRURegressor(**PARAMS)
    with pytest.raises(_Interrupted):
        learner._fit(*fit_args, RunOptions(checkpoint_dir=str(tmp_path), interrupt=_stop_after(2)))
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["epoch"] == 2 and len(state["history"]["val_loss"]) == 2
    with np.load(tmp_path / "state.npz", allow_pickle=False) as arrays:
        assert any(k.startswith("opt/") for k in arrays.files) and any(k.startswith("params/") for k in arrays.files)

    resumed = JaxLocalTrainer(devices=1, checkpoint_dir=str(tmp_path), progress=False).train(
        JaxGRURegressor(**PARAMS), *fit_args[:2], X_val=fit_args[2], y_val=fit_args[3]
    )
    assert resumed.history_["val_loss"] == pytest.approx(reference.history_["val_loss"], rel=1e-6)
    np.testing.assert_allclose(resumed.predict(X).to_numpy(), reference.predict(X).to_numpy(), rtol=1e-6, atol=1e-9)
    assert json.loads((tmp_path / "state.json").read_text())["epoch"] == 4


def test_checkpoint_of_another_run_is_refused(tmp_path, make_signal):
    X, y = make_signal(n=200)
    JaxLocalTrainer(devices=1, checkpoint_dir=str(tmp_path), progress=False).train(JaxGRURegressor(**PARAMS), X, y)
    other = JaxGRURegressor(**{**PARAMS, "hidden_size": 4})
    with pytest.raises(ArtifactError, match="different parameters or data"):
        JaxLocalTrainer(devices=1, checkpoint_dir=str(tmp_path), progress=False).train(other, X, y)
    fresh = JaxLocalTrainer(devices=1, checkpoint_dir=str(tmp_path), resume=False, progress=False).train(other, X, y)
    assert len(fresh.history_["train_loss"]) == 4


def test_trainer_refuses_other_learners_and_too_many_devices(make_signal):
    from huracan_core.testing import TinyLinearLearner

    X, y = make_signal(n=100)
    with pytest.raises(TypeError, match="jax_local trains huracan-jax learners"):
        JaxLocalTrainer().train(TinyLinearLearner(), X, y)
    with pytest.raises(ValueError, match="devices=64 but only 1 local JAX device"):
        JaxLocalTrainer(devices=64, progress=False).train(JaxLSTMRegressor(**PARAMS), X, y)


_TWO_DEVICES = textwrap.dedent(
    """
    import json
    import jax, numpy as np, pandas as pd
    from huracan_jax.trainers import JaxLocalTrainer
    from huracan_jax.learners import JaxLSTMRegressor
    from huracan_jax import _loop

    values = np.random.default_rng(0).normal(size=(400, 2))
    X = pd.DataFrame(values, columns=["f0", "f1"], index=pd.date_range("2022-01-01", periods=400, freq="1h", tz="UTC"))
    y = pd.Series(np.r_[np.zeros(3), values[:-3, 0]], index=X.index)
    out = {{"devices": len(jax.devices())}}
    # batch 33 is odd: with two devices each batch is padded with a zero-weight row (no dropout: its
    # random mask depends on the padded shape); batch 32 with dropout checks the partitionable PRNG
    for case, batch, dropout in (("odd", 33, 0.0), ("dropout", 32, 0.1)):
        params = dict(lookback=5, hidden_size=8, epochs=3, batch_size=batch, patience=None, dropout=dropout)
        preds = {{}}
        for n in (1, 2):
            model = JaxLocalTrainer(devices=n, progress=False).train(JaxLSTMRegressor(**params), X, y)
            preds[n] = model.predict(X).to_numpy()
            out[f"history_devices_{{n}}"] = model.history_["n_devices"]
        out[f"{{case}}_max_abs_diff"] = float(np.max(np.abs(preds[1] - preds[2])))
        out[f"{{case}}_scale"] = float(np.max(np.abs(preds[1])))
    # the batch really is split: each device holds half of a placed batch
    mesh = jax.sharding.Mesh(np.array(jax.devices()), ("data",))
    placed = _loop._place(np.zeros((3, 34, 5), np.float32), jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec(None, "data")))
    out["shard_shapes"] = sorted({{tuple(s.data.shape) for s in placed.addressable_shards}})
    print(json.dumps(out))
    """
)


@pytest.mark.slow
def test_two_devices_match_one_device():
    """Data parallel over 2 forced host devices equals 1 device within 1e-5 (float32 summation order)."""
    env = {
        **os.environ,
        "JAX_PLATFORMS": "cpu",
        "XLA_FLAGS": "--xla_force_host_platform_device_count=2 --xla_backend_optimization_level=0",
    }
    code = _TWO_DEVICES.format()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["devices"] == 2 and out["history_devices_1"] == 1 and out["history_devices_2"] == 2
    assert out["shard_shapes"] == [[3, 17, 5]]
    for case in ("odd", "dropout"):
        assert out[f"{case}_max_abs_diff"] <= 1e-5 * max(out[f"{case}_scale"], 1.0), out


def test_progress_bar_reports_loss(capsys, make_signal):
    X, y = make_signal(n=300)
    model = JaxLocalTrainer(devices=1, progress=True).train(JaxLSTMRegressor(**PARAMS), X.iloc[:240], y.iloc[:240])
    err = capsys.readouterr().err
    assert "JaxLSTMRegressor" in err and "loss=" in err
    assert isinstance(model.predict(X), pd.Series)
