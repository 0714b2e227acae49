"""The core conformance kit on every huracan-torch component (uses each spec's tiny test_params)."""

from __future__ import annotations

from huracan_core.testing import parametrize_with_checks

COMPONENTS = [
    "torch_cnn_regressor",
    "torch_cnn_classifier",
    "torch_lstm_regressor",
    "torch_lstm_classifier",
    "torch_gru_regressor",
    "torch_gru_classifier",
    "torch_transformer_regressor",
    "torch_transformer_classifier",
    "torch_autoencoder_anomaly",
    "torch_autoencoder",
    "torch_gan",
    "torch_local",
    "torch_ddp",
]


@parametrize_with_checks(COMPONENTS)
def test_conformance(spec, check):
    check(spec)
