"""Forward-hook activation capture and PNG plots."""

from __future__ import annotations

import pytest
from huracan_torch.activations import capture_activations, plot_activations
from huracan_torch.learners import CNNRegressor, LSTMRegressor
from torch_testutil import FAST


def test_capture_and_plot_lstm_activations(tmp_path, signal_data):
    X, y = signal_data
    model = LSTMRegressor(**{**FAST, "hidden_size": 6}).fit(X, y)
    acts = capture_activations(model, X.iloc[:100])
    assert acts["rnn"].shape == (93, 8, 6) and acts["head"].shape == (93, 1)
    assert all(not m._forward_hooks for m in model.module_.modules())  # hooks removed
    png = plot_activations(acts, tmp_path / "acts" / "lstm.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000


def test_capture_selected_cnn_layers_and_unknown_layer(tmp_path, signal_data):
    X, y = signal_data
    model = CNNRegressor(**{**FAST, "channels": 4, "n_layers": 2}).fit(X, y)
    acts = capture_activations(model, X, layers=["body.0.conv", "head"], max_windows=50)
    assert acts["body.0.conv"].shape == (50, 4, 8)
    plot_activations(acts, tmp_path / "cnn.png")
    with pytest.raises(ValueError, match="unknown layer"):
        capture_activations(model, X, layers=["nope"])
