"""Market features: returns, realized volatility, and the classic indicators through TA-Lib.

The classic indicators (SMA, EMA, RSI, MACD, Bollinger bands, ATR, ADX,
stochastic, ROC, OBV) call TA-Lib directly rather than reimplementing it, so the
values follow TA-Lib's conventions exactly: Wilder's RSI/ATR/ADX seeded by a simple
mean, population standard deviation for Bollinger bands, TA-Lib's MACD seeding and
warm-up. Returns, realized volatility (close-to-close, Parkinson, Garman-Klass) and
the volume z-score are vectorised numpy/pandas.

Every feature at row t uses rows ≤ t only; indicators are stateless (``fit``
checks the input) and restart their warm-up at the start of the frame they are
given, so transform the whole history and slice it, rather than transforming a
test slice alone. Warm-up rows are NaN.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from huracan_core._errors import DataContractError
from huracan_features._base import FeaturePreprocessor, check_window, column_values, require_columns

__all__ = [
    "ADX",
    "ATR",
    "EMA",
    "MACD",
    "OBV",
    "ROC",
    "RSI",
    "SMA",
    "BollingerBands",
    "RealizedVolatility",
    "Returns",
    "Stochastic",
    "VolumeZScore",
]


def _talib() -> Any:
    import talib

    return talib


def _rolling_mean(values: np.ndarray, window: int) -> np.ndarray:
    return pd.Series(values).rolling(window, min_periods=window).mean().to_numpy()


def _rolling_std(values: np.ndarray, window: int, ddof: int = 1) -> np.ndarray:
    return pd.Series(values).rolling(window, min_periods=window).std(ddof=ddof).to_numpy()


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    out[~np.isfinite(out)] = np.nan
    return out


class MarketFeature(FeaturePreprocessor):
    """Base of features computed from OHLCV columns.

    Subclasses set ``_needs`` (columns read) and ``_positive`` (columns that must
    be > 0 because logs or ratios are taken) and implement ``_compute(**arrays)``
    returning ``{output column: array}``.
    """

    _needs: ClassVar[tuple[str, ...]] = ("close",)
    _positive: ClassVar[tuple[str, ...]] = ()

    def _columns(self) -> tuple[str, ...]:
        return self._needs

    def _input_columns(self, X: pd.DataFrame) -> list[str]:
        require_columns(X, self._columns(), self._who)
        return list(self._columns())

    def _fit(self, X: pd.DataFrame) -> None:
        self._compute_frame(X)  # validates values and that the frame is long enough

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self._compute_frame(X)

    def _describe(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())

    def _compute_frame(self, X: pd.DataFrame) -> pd.DataFrame:
        positive = self._positive_columns()
        arrays = {
            column: column_values(X, column, self._who, positive=column in positive) for column in self._columns()
        }
        out = self._compute(arrays)
        if not any(len(v) and (np.isfinite(v[-1]) or np.isfinite(v).any()) for v in out.values()):
            raise DataContractError(
                f"{self._who}: too few rows for the window ({self._describe()}): got {len(X)} rows, "
                "and every output row is warm-up"
            )
        return pd.DataFrame(out, index=X.index)

    def _positive_columns(self) -> tuple[str, ...]:
        return self._positive

    @abc.abstractmethod
    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]: ...


class _SingleColumnFeature(MarketFeature):
    """A feature of one column (``close`` by default)."""

    column: str

    def _columns(self) -> tuple[str, ...]:
        if not isinstance(self.column, str) or not self.column:
            raise ValueError(f"{self._who}: parameter 'column' must be a column name, got {self.column!r}")
        return (self.column,)

    def _positive_columns(self) -> tuple[str, ...]:
        return (self.column,) if getattr(self, "relative", False) or self._positive else ()


# -- returns and volatility -----------------------------------------------------------
class Returns(_SingleColumnFeature):
    """Simple and/or log returns of a price column over several horizons.

    Columns ``ret_{h}`` = ``p_t / p_{t−h} − 1`` and/or ``logret_{h}`` = ``log p_t − log p_{t−h}``.
    """

    _positive = ("close",)

    def __init__(self, horizons: Sequence[int] = (1, 5, 20), kind: str = "log", column: str = "close") -> None:
        self.horizons = horizons
        self.kind = kind
        self.column = column

    def _check_params(self) -> None:
        if self.kind not in ("log", "simple", "both"):
            raise ValueError(f"Returns: parameter 'kind' must be 'log', 'simple' or 'both', got {self.kind!r}")
        if isinstance(self.horizons, int | str) or not list(self.horizons):
            raise ValueError(
                f"Returns: parameter 'horizons' must be a non-empty list of integers, got {self.horizons!r}"
            )
        for h in self.horizons:
            check_window(h, "horizons", "Returns")

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        price = arrays[self.column]
        n = len(price)
        out: dict[str, np.ndarray] = {}
        log_price = np.log(price) if self.kind != "simple" else None
        for h in self.horizons:
            if self.kind in ("simple", "both"):
                ret = np.full(n, np.nan)
                ret[h:] = price[h:] / price[:-h] - 1.0
                out[f"ret_{h}"] = ret
            if log_price is not None:
                ret = np.full(n, np.nan)
                ret[h:] = log_price[h:] - log_price[:-h]
                out[f"logret_{h}"] = ret
        return out


_ESTIMATORS = ("close_to_close", "parkinson", "garman_klass")
_SHORT = {"close_to_close": "cc", "parkinson": "parkinson", "garman_klass": "gk"}


class RealizedVolatility(MarketFeature):
    """Realized volatility over a trailing window, per bar (not annualised unless asked).

    - ``vol_cc_{w}``: sample standard deviation (ddof=1) of the last ``w`` log returns;
    - ``vol_parkinson_{w}``: ``sqrt(mean(ln(H/L)²) / (4 ln 2))`` over ``w`` bars (Parkinson, 1980);
    - ``vol_gk_{w}``: ``sqrt(mean(½ ln(H/L)² − (2 ln 2 − 1) ln(C/O)²))`` (Garman-Klass, 1980).
    """

    _needs = ("open", "high", "low", "close")
    _positive = ("open", "high", "low", "close")

    def __init__(self, window: int = 20, estimators: Sequence[str] = _ESTIMATORS, annualize: int | None = None) -> None:
        self.window = window
        self.estimators = estimators
        self.annualize = annualize

    def _check_params(self) -> None:
        check_window(self.window, "window", "RealizedVolatility", 2)
        if isinstance(self.estimators, str) or not list(self.estimators):
            raise ValueError(f"RealizedVolatility: 'estimators' must be a non-empty list from {_ESTIMATORS}")
        for name in self.estimators:
            if name not in _ESTIMATORS:
                raise ValueError(
                    f"RealizedVolatility: unknown estimator {name!r}; expected one of {', '.join(_ESTIMATORS)}"
                )
        if self.annualize is not None:
            check_window(self.annualize, "annualize", "RealizedVolatility")

    def _columns(self) -> tuple[str, ...]:
        needed = {"close"} if "close_to_close" in self.estimators else set()
        if "parkinson" in self.estimators:
            needed |= {"high", "low"}
        if "garman_klass" in self.estimators:
            needed |= {"open", "high", "low", "close"}
        return tuple(c for c in self._needs if c in needed)

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        w = self.window
        scale = math.sqrt(self.annualize) if self.annualize else 1.0
        out: dict[str, np.ndarray] = {}
        if "high" in arrays:
            hl2 = np.log(arrays["high"] / arrays["low"]) ** 2
        for name in self.estimators:
            if name == "close_to_close":
                ret = np.empty_like(arrays["close"])
                ret[0] = np.nan
                np.subtract(np.log(arrays["close"][1:]), np.log(arrays["close"][:-1]), out=ret[1:])
                vol = _rolling_std(ret, w)
            elif name == "parkinson":
                vol = np.sqrt(_rolling_mean(hl2, w) / (4.0 * math.log(2.0)))
            else:
                co2 = np.log(arrays["close"] / arrays["open"]) ** 2
                var = _rolling_mean(0.5 * hl2 - (2.0 * math.log(2.0) - 1.0) * co2, w)
                vol = np.sqrt(np.maximum(var, 0.0))
            out[f"vol_{_SHORT[name]}_{w}"] = vol * scale if scale != 1.0 else vol
        return out


class VolumeZScore(MarketFeature):
    """``volume_z_{w}``: (volume − mean) / std over the last ``w`` bars, the current one included.

    ``log=True`` standardises ``log(1 + volume)`` (volume is heavy-tailed). A window
    of constant volume gives NaN (no spread to standardise by).
    """

    _needs = ("volume",)

    def __init__(self, window: int = 20, log: bool = False) -> None:
        self.window = window
        self.log = log

    def _check_params(self) -> None:
        check_window(self.window, "window", "VolumeZScore", 2)

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        volume = arrays["volume"]
        if (volume < 0).any():
            row = int(np.flatnonzero(volume < 0)[0])
            raise DataContractError(f"VolumeZScore: column 'volume' must be >= 0, got {volume[row]} at row {row}")
        v = np.log1p(volume) if self.log else volume
        series = pd.Series(v).rolling(self.window, min_periods=self.window)
        mean = series.mean().to_numpy()
        std = series.std(ddof=1).to_numpy()
        std = np.where(std > 1e-12 * np.maximum(np.abs(mean), 1.0), std, np.nan)
        return {f"volume_z_{self.window}": _safe_divide(v - mean, std)}


# -- TA-Lib indicators ---------------------------------------------------------------
class SMA(_SingleColumnFeature):
    """Simple moving average (``talib.SMA``): ``sma_{p}``, or ``sma_rel_{p}`` = close / SMA − 1 when ``relative``."""

    def __init__(self, timeperiod: int = 20, column: str = "close", relative: bool = False) -> None:
        self.timeperiod = timeperiod
        self.column = column
        self.relative = relative

    def _check_params(self) -> None:
        check_window(self.timeperiod, "timeperiod", self._who, 2)

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        price = arrays[self.column]
        value = getattr(_talib(), type(self).__name__)(price, timeperiod=self.timeperiod)
        prefix = type(self).__name__.lower()
        if self.relative:
            return {f"{prefix}_rel_{self.timeperiod}": price / value - 1.0}
        return {f"{prefix}_{self.timeperiod}": value}


class EMA(SMA):
    """Exponential moving average (``talib.EMA``, seeded by the SMA of the first ``p`` values): ``ema_{p}``."""


class RSI(_SingleColumnFeature):
    """Wilder's relative strength index (``talib.RSI``), 0–100: ``rsi_{p}``."""

    def __init__(self, timeperiod: int = 14, column: str = "close") -> None:
        self.timeperiod = timeperiod
        self.column = column

    def _check_params(self) -> None:
        check_window(self.timeperiod, "timeperiod", "RSI", 2)

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        return {f"rsi_{self.timeperiod}": _talib().RSI(arrays[self.column], timeperiod=self.timeperiod)}


class ROC(_SingleColumnFeature):
    """Rate of change in percent (``talib.ROC``): ``roc_{p}`` = 100 · (p_t / p_{t−p} − 1)."""

    def __init__(self, timeperiod: int = 10, column: str = "close") -> None:
        self.timeperiod = timeperiod
        self.column = column

    def _check_params(self) -> None:
        check_window(self.timeperiod, "timeperiod", "ROC", 1)

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        return {f"roc_{self.timeperiod}": _talib().ROC(arrays[self.column], timeperiod=self.timeperiod)}


class MACD(MarketFeature):
    """MACD line, signal and histogram (``talib.MACD``).

    Columns ``macd_{f}_{s}_{g}``, ``macd_signal_{f}_{s}_{g}``, ``macd_hist_{f}_{s}_{g}``;
    with ``relative`` each is divided by the close (scale-free across price levels).
    """

    _needs = ("close",)

    def __init__(
        self, fastperiod: int = 12, slowperiod: int = 26, signalperiod: int = 9, relative: bool = False
    ) -> None:
        self.fastperiod = fastperiod
        self.slowperiod = slowperiod
        self.signalperiod = signalperiod
        self.relative = relative

    def _check_params(self) -> None:
        check_window(self.fastperiod, "fastperiod", "MACD", 2)
        check_window(self.slowperiod, "slowperiod", "MACD", 2)
        check_window(self.signalperiod, "signalperiod", "MACD", 1)
        if self.fastperiod >= self.slowperiod:
            raise ValueError(f"MACD: 'fastperiod' ({self.fastperiod}) must be < 'slowperiod' ({self.slowperiod})")

    def _positive_columns(self) -> tuple[str, ...]:
        return ("close",) if self.relative else ()

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        close = arrays["close"]
        line, signal, hist = _talib().MACD(
            close, fastperiod=self.fastperiod, slowperiod=self.slowperiod, signalperiod=self.signalperiod
        )
        suffix = f"{self.fastperiod}_{self.slowperiod}_{self.signalperiod}"
        if self.relative:
            line, signal, hist = line / close, signal / close, hist / close
        return {f"macd_{suffix}": line, f"macd_signal_{suffix}": signal, f"macd_hist_{suffix}": hist}


class BollingerBands(MarketFeature):
    """Bollinger bands (``talib.BBANDS``, simple mean and *population* std) with %B and bandwidth.

    Columns ``bb_upper_{p}``, ``bb_middle_{p}``, ``bb_lower_{p}`` (with ``relative``:
    band / close − 1), ``bb_pctb_{p}`` = (close − lower) / (upper − lower) and
    ``bb_bandwidth_{p}`` = (upper − lower) / middle. A flat window gives NaN %B.
    """

    _needs = ("close",)

    def __init__(self, timeperiod: int = 20, nbdev: float = 2.0, relative: bool = False) -> None:
        self.timeperiod = timeperiod
        self.nbdev = nbdev
        self.relative = relative

    def _check_params(self) -> None:
        check_window(self.timeperiod, "timeperiod", "BollingerBands", 2)
        if not isinstance(self.nbdev, int | float) or self.nbdev <= 0:
            raise ValueError(f"BollingerBands: parameter 'nbdev' must be > 0, got {self.nbdev!r}")

    def _positive_columns(self) -> tuple[str, ...]:
        return ("close",) if self.relative else ()

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        close = arrays["close"]
        p = self.timeperiod
        upper, middle, lower = _talib().BBANDS(
            close, timeperiod=p, nbdevup=float(self.nbdev), nbdevdn=float(self.nbdev), matype=0
        )
        width = upper - lower
        pctb = _safe_divide(close - lower, width)
        bandwidth = _safe_divide(width, middle)
        if self.relative:
            upper, middle, lower = upper / close - 1.0, middle / close - 1.0, lower / close - 1.0
        return {
            f"bb_upper_{p}": upper,
            f"bb_middle_{p}": middle,
            f"bb_lower_{p}": lower,
            f"bb_pctb_{p}": pctb,
            f"bb_bandwidth_{p}": bandwidth,
        }


class ATR(MarketFeature):
    """Wilder's average true range (``talib.ATR``): ``atr_{p}``, or ``atr_rel_{p}`` = ATR / close."""

    _needs = ("high", "low", "close")

    def __init__(self, timeperiod: int = 14, relative: bool = False) -> None:
        self.timeperiod = timeperiod
        self.relative = relative

    def _check_params(self) -> None:
        check_window(self.timeperiod, "timeperiod", "ATR", 1)

    def _positive_columns(self) -> tuple[str, ...]:
        return ("close",) if self.relative else ()

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        atr = _talib().ATR(arrays["high"], arrays["low"], arrays["close"], timeperiod=self.timeperiod)
        if self.relative:
            return {f"atr_rel_{self.timeperiod}": atr / arrays["close"]}
        return {f"atr_{self.timeperiod}": atr}


class ADX(MarketFeature):
    """Wilder's ADX with the directional indicators (``talib.ADX/PLUS_DI/MINUS_DI``): ``adx_{p}``, ``plus_di_{p}``, ``minus_di_{p}``."""

    _needs = ("high", "low", "close")

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = timeperiod

    def _check_params(self) -> None:
        check_window(self.timeperiod, "timeperiod", "ADX", 2)

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        talib = _talib()
        h, low, c, p = arrays["high"], arrays["low"], arrays["close"], self.timeperiod
        return {
            f"adx_{p}": talib.ADX(h, low, c, timeperiod=p),
            f"plus_di_{p}": talib.PLUS_DI(h, low, c, timeperiod=p),
            f"minus_di_{p}": talib.MINUS_DI(h, low, c, timeperiod=p),
        }


class Stochastic(MarketFeature):
    """Slow stochastic oscillator (``talib.STOCH``, SMA smoothing): ``stoch_k_{k}_{s}_{d}``, ``stoch_d_{k}_{s}_{d}``."""

    _needs = ("high", "low", "close")

    def __init__(self, fastk_period: int = 14, slowk_period: int = 3, slowd_period: int = 3) -> None:
        self.fastk_period = fastk_period
        self.slowk_period = slowk_period
        self.slowd_period = slowd_period

    def _check_params(self) -> None:
        check_window(self.fastk_period, "fastk_period", "Stochastic", 1)
        check_window(self.slowk_period, "slowk_period", "Stochastic", 1)
        check_window(self.slowd_period, "slowd_period", "Stochastic", 1)

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self._check_params()
        k, d = _talib().STOCH(
            arrays["high"],
            arrays["low"],
            arrays["close"],
            fastk_period=self.fastk_period,
            slowk_period=self.slowk_period,
            slowk_matype=0,
            slowd_period=self.slowd_period,
            slowd_matype=0,
        )
        suffix = f"{self.fastk_period}_{self.slowk_period}_{self.slowd_period}"
        return {f"stoch_k_{suffix}": k, f"stoch_d_{suffix}": d}


class OBV(MarketFeature):
    """On-balance volume (``talib.OBV``): ``obv``, cumulative from the first bar of the frame."""

    _needs = ("close", "volume")

    def __init__(self) -> None:
        pass

    def _compute(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"obv": _talib().OBV(arrays["close"], arrays["volume"])}
