"""Naive baselines for Huracan (a third-party-style plugin)."""

__version__ = "0.1.0"
