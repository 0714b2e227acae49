"""Stylized facts of financial returns (numpy only), used to judge generated series.

Real daily returns show (Cont, 2001): heavy tails (excess kurtosis well above
0), volatility clustering (positive autocorrelation of absolute returns that
decays slowly), and almost no linear autocorrelation of the returns themselves.
Inputs are one series ``(n,)`` or a batch of sequences ``(n_sequences, length)``;
autocorrelations of a batch are pooled within sequences, never across their
boundaries.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["StylizedFacts", "autocorrelation", "excess_kurtosis", "stylized_facts"]


def _as_batch(x: np.ndarray) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"expected a series (n,) or sequences (n_sequences, length), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError("returns must be finite")
    return arr


def excess_kurtosis(x: np.ndarray) -> float:
    """Fourth standardised moment minus 3 (0 for a Gaussian, 6 for Laplace... larger = heavier tails)."""
    values = _as_batch(x).ravel()
    centred = values - values.mean()
    var = np.mean(centred**2)
    if var <= 0:
        return 0.0
    return float(np.mean(centred**4) / var**2 - 3.0)


def autocorrelation(x: np.ndarray, lag: int) -> float:
    """Lag-``lag`` autocorrelation, pooled over sequences (pairs never straddle two sequences)."""
    batch = _as_batch(x)
    if lag < 1 or lag >= batch.shape[1]:
        raise ValueError(f"lag must be in 1..{batch.shape[1] - 1}, got {lag}")
    centred = batch - batch.mean()
    denom = np.sum(centred**2) / batch.size
    if denom <= 0:
        return 0.0
    num = np.sum(centred[:, lag:] * centred[:, :-lag]) / (batch.shape[0] * (batch.shape[1] - lag))
    return float(num / denom)


@dataclass(frozen=True)
class StylizedFacts:
    """Summary of the three facts; ``acf_abs``/``acf_raw`` are means over lags 1..``max_lag``."""

    kurtosis: float
    acf_abs: float
    acf_raw: float
    acf_raw_max: float
    std: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def stylized_facts(x: np.ndarray, max_lag: int = 5) -> StylizedFacts:
    """Excess kurtosis, mean ACF of |r| and of r over lags 1..max_lag, max |ACF(r)|, and the std."""
    batch = _as_batch(x)
    lags = range(1, min(max_lag, batch.shape[1] - 1) + 1)
    acf_raw = [autocorrelation(batch, k) for k in lags]
    acf_abs = [autocorrelation(np.abs(batch), k) for k in lags]
    return StylizedFacts(
        kurtosis=excess_kurtosis(batch),
        acf_abs=float(np.mean(acf_abs)),
        acf_raw=float(np.mean(acf_raw)),
        acf_raw_max=float(np.max(np.abs(acf_raw))),
        std=float(batch.std()),
    )
