"""Exploratory data analysis of a market frame: statistics as JSON, plots as PNG.

Covers summary statistics, missingness, outlier counts, the return distribution
(skew, excess kurtosis, Jarque-Bera), autocorrelation of returns and of absolute
returns (with Ljung-Box), an augmented Dickey-Fuller stationarity test on the log
price and on returns, and correlations between simple features. Library code:
returns results and writes files, never prints.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import DataContractError

__all__ = ["eda"]

logger = logging.getLogger(__name__)


def _float(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def _acf(values: np.ndarray, max_lag: int) -> list[float | None]:
    from statsmodels.tsa.stattools import acf

    return [_float(v) for v in acf(values, nlags=max_lag, fft=True)[1:]]


def _adf(values: np.ndarray) -> dict[str, Any]:
    import inspect

    from statsmodels.tsa.stattools import adfuller

    options = {"result_object": False} if "result_object" in inspect.signature(adfuller).parameters else {}
    stat, pvalue, lags, nobs, critical, *_ = adfuller(values, autolag="AIC", **options)
    return {
        "statistic": _float(stat),
        "pvalue": _float(pvalue),
        "lags": int(lags),
        "n_obs": int(nobs),
        "critical_values": {k: _float(v) for k, v in critical.items()},
        "stationary_at_5pct": bool(pvalue < 0.05),
    }


def eda(
    frame: pd.DataFrame,
    out_dir: str | Path | None = None,
    *,
    max_lag: int = 20,
    plots: bool = True,
    name: str = "data",
    max_adf_rows: int = 20_000,
) -> dict[str, Any]:
    """Analyse ``frame`` (needs a ``close`` column; uses OHLCV when present) and return the results.

    Args:
        frame: a market frame (UTC timestamp index).
        out_dir: folder for ``eda.json`` and the PNG plots (``None`` writes nothing).
        max_lag: autocorrelation lags.
        plots: write PNG plots (needs matplotlib) when ``out_dir`` is given.
        name: label used in titles and the JSON.
        max_adf_rows: the ADF test uses at most the last this many rows (it is O(n·lags)).

    Returns:
        A JSON-able dict: ``summary``, ``missing``, ``outliers``, ``returns``, ``autocorrelation``,
        ``stationarity``, ``correlations`` and ``files`` (paths written).
    """
    if not isinstance(frame, pd.DataFrame) or "close" not in frame.columns:
        raise DataContractError(f"eda: expected a DataFrame with a 'close' column, got {type(frame).__name__}")
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataContractError("eda: the frame must be indexed by timestamps (a DatetimeIndex)")
    if len(frame) < max_lag + 10:
        raise DataContractError(f"eda: needs at least {max_lag + 10} rows for max_lag={max_lag}, got {len(frame)}")
    from scipy import stats

    numeric = frame.select_dtypes("number")
    close = numeric["close"].astype("float64")
    if (close <= 0).any():
        row = int(np.flatnonzero((close <= 0).to_numpy())[0])
        raise DataContractError(
            f"eda: column 'close' must be > 0 (log returns are taken), got {close.iloc[row]} at row {row}"
        )
    log_close = np.log(close)
    ret = log_close.diff().dropna()
    r = ret.to_numpy()
    z = (r - r.mean()) / r.std(ddof=1)
    median = np.median(r)
    mad = np.median(np.abs(r - median)) * 1.4826
    q1, q3 = np.percentile(r, [25, 75])
    jb = stats.jarque_bera(r)
    features = pd.DataFrame(
        {
            "log_return": log_close.diff(),
            "abs_return": log_close.diff().abs(),
            **({"log_range": np.log(numeric["high"] / numeric["low"])} if {"high", "low"} <= set(numeric) else {}),
            **({"log_volume_change": np.log1p(numeric["volume"]).diff()} if "volume" in numeric else {}),
            "vol_20": log_close.diff().rolling(20).std(),
        }
    )
    adf_rows = slice(max(0, len(log_close) - max_adf_rows), None)
    result: dict[str, Any] = {
        "name": name,
        "rows": len(frame),
        "start": str(frame.index[0]),
        "end": str(frame.index[-1]),
        "columns": [str(c) for c in frame.columns],
        "summary": {str(c): {k: _float(v) for k, v in numeric[c].describe().items()} for c in numeric.columns},
        "missing": {str(c): int(frame[c].isna().sum()) for c in frame.columns},
        "outliers": {
            "log_return_zscore_gt_4": int((np.abs(z) > 4).sum()),
            "log_return_mad_gt_5": int((np.abs(r - median) > 5 * mad).sum()) if mad > 0 else 0,
            "log_return_iqr_3": int(((r < q1 - 3 * (q3 - q1)) | (r > q3 + 3 * (q3 - q1))).sum()),
        },
        "returns": {
            "mean": _float(r.mean()),
            "std": _float(r.std(ddof=1)),
            "skew": _float(stats.skew(r)),
            "excess_kurtosis": _float(stats.kurtosis(r)),
            "min": _float(r.min()),
            "max": _float(r.max()),
            "jarque_bera": {"statistic": _float(jb.statistic), "pvalue": _float(jb.pvalue)},
            "hit_rate_up": _float((r > 0).mean()),
        },
        "autocorrelation": {
            "max_lag": max_lag,
            "returns": _acf(r, max_lag),
            "abs_returns": _acf(np.abs(r), max_lag),
            "confidence_95": _float(1.96 / math.sqrt(len(r))),
        },
        "stationarity": {
            "log_close": _adf(log_close.to_numpy()[adf_rows]),
            "log_return": _adf(r[adf_rows]),
        },
        "correlations": {str(a): {str(b): _float(v) for b, v in row.items()} for a, row in features.corr().iterrows()},
        "files": [],
    }
    from statsmodels.stats.diagnostic import acorr_ljungbox

    lb = acorr_ljungbox(r, lags=[max_lag])
    lb_abs = acorr_ljungbox(np.abs(r), lags=[max_lag])
    result["autocorrelation"]["ljung_box"] = {
        "returns_pvalue": _float(lb["lb_pvalue"].iloc[0]),
        "abs_returns_pvalue": _float(lb_abs["lb_pvalue"].iloc[0]),
    }
    if out_dir is not None:
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        if plots:
            result["files"] += _plots(folder, name, close, ret, result, features)
        json_path = folder / "eda.json"
        result["files"].append(str(json_path))
        json_path.write_text(json.dumps(result, indent=2))
        logger.info("eda: wrote %d files to %s", len(result["files"]), folder)
    return result


def _plots(
    folder: Path, name: str, close: pd.Series, ret: pd.Series, result: dict[str, Any], features: pd.DataFrame
) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy import stats

    written = []

    def save(fig: Any, filename: str) -> None:
        path = folder / filename
        fig.tight_layout()
        fig.savefig(path, dpi=90)
        plt.close(fig)
        written.append(str(path))

    fig, axes = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    axes[0].plot(close.index, close.to_numpy(), lw=0.8)
    axes[0].set_yscale("log")
    axes[0].set_title(f"{name}: close (log scale)")
    axes[1].plot(ret.index, ret.to_numpy(), lw=0.5)
    axes[1].set_title("log returns")
    save(fig, "price_returns.png")

    fig, ax = plt.subplots(figsize=(7, 4))
    r = ret.to_numpy()
    ax.hist(r, bins=100, density=True, alpha=0.7, label="log returns")
    grid = np.linspace(r.min(), r.max(), 400)
    ax.plot(grid, stats.norm.pdf(grid, r.mean(), r.std(ddof=1)), label="normal, same mean/std")
    ax.set_title(
        f"return distribution: skew {result['returns']['skew']:.2f}, excess kurtosis {result['returns']['excess_kurtosis']:.2f}"
    )
    ax.legend()
    save(fig, "return_distribution.png")

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
    lags = np.arange(1, result["autocorrelation"]["max_lag"] + 1)
    band = result["autocorrelation"]["confidence_95"]
    for ax, key, title in ((axes[0], "returns", "ACF of returns"), (axes[1], "abs_returns", "ACF of |returns|")):
        ax.bar(lags, [v or 0.0 for v in result["autocorrelation"][key]])
        ax.axhline(band, color="grey", ls="--", lw=0.8)
        ax.axhline(-band, color="grey", ls="--", lw=0.8)
        ax.set_title(title)
    save(fig, "autocorrelation.png")

    corr = features.corr().to_numpy()
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    image = ax.imshow(corr, vmin=-1, vmax=1, cmap="coolwarm")
    ax.set_xticks(range(len(features.columns)), features.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(features.columns)), features.columns)
    fig.colorbar(image)
    ax.set_title("feature correlations")
    save(fig, "correlations.png")
    return written
