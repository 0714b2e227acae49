"""Shared constants for the torch plugin's tests (a module of its own: test modules never import conftest)."""

FAST = {"lookback": 8, "epochs": 3, "batch_size": 64, "progress": False, "device": "cpu", "random_state": 0}
