"""Stylized facts on constructed series, and one seeded short GAN run against a modest bar."""

from __future__ import annotations

import numpy as np
import pytest
from huracan_torch.gan import ReturnGAN
from huracan_torch.stylized import autocorrelation, excess_kurtosis, stylized_facts


def _garch(n, seed=0):
    rng = np.random.default_rng(seed)
    r, var = np.empty(n), 1e-4
    for t in range(n):
        r[t] = np.sqrt(var) * rng.normal()
        var = 1e-6 + 0.12 * r[t] ** 2 + 0.86 * var
    return r


def test_gaussian_noise_has_no_stylized_facts():
    facts = stylized_facts(np.random.default_rng(0).normal(size=20_000))
    assert abs(facts.kurtosis) < 0.15 and abs(facts.acf_abs) < 0.03 and facts.acf_raw_max < 0.03


def test_student_t_has_heavy_tails():
    x = np.random.default_rng(1).standard_t(df=5, size=50_000)
    assert 3.0 < excess_kurtosis(x) < 12.0  # theoretical 6 for df=5


def test_garch_has_volatility_clustering_but_no_linear_autocorrelation():
    facts = stylized_facts(_garch(20_000))
    assert facts.acf_abs > 0.1 and facts.acf_raw_max < 0.05 and facts.kurtosis > 1.0


def test_ar1_autocorrelation_is_recovered_and_batches_do_not_straddle():
    rng = np.random.default_rng(2)
    x = np.empty(20_000)
    x[0] = 0
    for t in range(1, len(x)):
        x[t] = 0.5 * x[t - 1] + rng.normal()
    assert autocorrelation(x, 1) == pytest.approx(0.5, abs=0.03)
    # sequences whose ends are unrelated: pooled ACF stays that of the within-sequence process
    batch = np.stack([x[i * 100 : i * 100 + 50] for i in range(200)])
    assert autocorrelation(batch, 1) == pytest.approx(0.5, abs=0.05)
    with pytest.raises(ValueError, match="lag must be in"):
        autocorrelation(batch, 50)


@pytest.mark.slow
def test_seeded_gan_reproduces_stylized_facts_of_sp500():
    """Bar: heavier tails than a Gaussian, positive |r| autocorrelation, little raw autocorrelation, right scale."""
    from arch.data import sp500

    returns = np.diff(np.log(sp500.load()["Adj Close"].to_numpy()))[-2500:]
    gan = ReturnGAN(seq_len=32, epochs=30, hidden_size=32, stride=4, device="cpu", progress=False, random_state=0)
    fake = stylized_facts(gan.fit(returns).sample(500))
    real = stylized_facts(returns)
    assert fake.kurtosis > 1.0
    assert fake.acf_abs > 0.05
    assert fake.acf_raw_max < 0.1
    assert 0.5 < fake.std / real.std < 2.0


def test_gan_sampling_is_seeded_and_survives_save_load(tmp_path):
    rng = np.random.default_rng(3)
    returns = rng.standard_t(4, size=600) * 0.01
    gan = ReturnGAN(seq_len=16, epochs=2, hidden_size=8, device="cpu", progress=False).fit(returns)
    assert gan.sample(5).shape == (5, 16)
    np.testing.assert_array_equal(gan.sample(5), gan.sample(5))
    assert not np.array_equal(gan.sample(5, seed=1), gan.sample(5, seed=2))
    gan.save(tmp_path / "gan")
    np.testing.assert_array_equal(ReturnGAN.load(tmp_path / "gan").sample(7), gan.sample(7))
    assert gan.predict(returns).shape == (600,)
