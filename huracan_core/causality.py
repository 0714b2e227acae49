"""The one causality checker: does a transform's output at time t depend on rows after t?

Two probes, at many cut points t spread over the data:

- **perturbation**: rows after t are replaced by different (but contract-valid)
  values; every output row at or before t must be unchanged;
- **truncation**: the transform runs on the data up to t only; every output row at
  or before t must equal the full run's.

``huracan audit-features`` and the conformance kit both use :func:`check_causality`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import CausalityError

__all__ = ["CausalityReport", "Violation", "check_causality", "cut_points", "perturb_after"]

PRICE_COLUMNS = ("open", "high", "low", "close")


@dataclass(frozen=True)
class Violation:
    """An output that changed although only rows after ``cut`` did."""

    feature: str
    first_row: Any
    cut: Any
    probe: str
    detail: str = ""

    def __str__(self) -> str:
        return (
            f"feature {self.feature!r} changed at {self.first_row} when rows after {self.cut} were "
            f"{'perturbed' if self.probe == 'perturbation' else 'removed'}{': ' + self.detail if self.detail else ''}"
        )

    def to_dict(self) -> dict[str, str]:
        return {
            "feature": self.feature,
            "first_row": str(self.first_row),
            "cut": str(self.cut),
            "probe": self.probe,
            "detail": self.detail,
        }


@dataclass
class CausalityReport:
    """Result of :func:`check_causality`; ``ok`` when no probe found a difference."""

    name: str
    cuts: list[Any] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def first_by_feature(self) -> dict[str, Violation]:
        """The earliest offending row for each feature."""
        first: dict[str, Violation] = {}
        for violation in self.violations:
            known = first.get(violation.feature)
            if known is None or violation.first_row < known.first_row:
                first[violation.feature] = violation
        return first

    def raise_if_failed(self) -> None:
        if self.ok:
            return
        lines = [str(v) for v in self.first_by_feature().values()]
        raise CausalityError(f"{self.name} looks ahead:\n  " + "\n  ".join(lines))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "causal": self.ok,
            "cuts": [str(c) for c in self.cuts],
            "violations": [v.to_dict() for v in self.first_by_feature().values()],
        }


def cut_points(n_rows: int, n_points: int, min_rows: int) -> list[int]:
    """``n_points`` row positions spread evenly between ``min_rows`` and the second-last row."""
    low = max(min_rows, 1)
    high = n_rows - 2
    if high < low:
        raise ValueError(f"need more than {low + 1} rows to place causality cut points, got {n_rows}")
    return sorted({int(p) for p in np.linspace(low, high, num=max(n_points, 1))})


def perturb_after(frame: pd.DataFrame, position: int, seed: int = 0) -> pd.DataFrame:
    """A copy of ``frame`` whose rows after ``position`` are changed but still contract-valid.

    Prices are scaled per row by one random factor (so high ≥ max(open, close) ≥ … holds);
    volume and other numeric columns get their own random factors and shifts.
    """
    rng = np.random.default_rng(seed)
    out = frame.copy()
    n_after = len(frame) - position - 1
    if n_after <= 0:
        return out
    scale = rng.uniform(0.6, 1.6, n_after)
    for column in frame.columns:
        series = frame[column]
        if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            values = series.to_numpy(copy=True)
            if n_after > 1:
                values[position + 1 :] = values[position + 1 :][rng.permutation(n_after)]
            out[column] = values
            continue
        values = series.to_numpy(dtype="float64", copy=True)
        tail = values[position + 1 :]
        if column in PRICE_COLUMNS:
            tail = tail * scale
        elif column == "volume":
            tail = tail * rng.uniform(0.2, 3.0, n_after)
        else:
            spread = float(np.nanstd(values)) or 1.0
            tail = tail * rng.uniform(0.5, 1.5, n_after) + rng.normal(0.0, spread, n_after)
        values[position + 1 :] = tail
        out[column] = values.astype(series.dtype) if pd.api.types.is_integer_dtype(series.dtype) else values
    return out


def _as_frame(output: Any) -> pd.DataFrame:
    if isinstance(output, pd.Series):
        return output.to_frame(name=str(output.name) if output.name is not None else "output")
    if isinstance(output, pd.DataFrame):
        return output
    raise TypeError(
        f"the transform under audit must return a pandas Series or DataFrame indexed by timestamp, got {type(output).__name__}"
    )


def _plain(value: Any) -> Any:
    """numpy scalars as plain Python values, so messages read ``4.61``, not ``np.float64(4.61)``."""
    return value.item() if isinstance(value, np.generic) else value


def _compare(
    full: pd.DataFrame, other: pd.DataFrame, cut_label: Any, probe: str, rtol: float, atol: float
) -> list[Violation]:
    left = full.loc[full.index <= cut_label]
    right = other.loc[other.index <= cut_label]
    violations = []
    if not left.index.equals(right.index):
        missing = left.index.difference(right.index)
        extra = right.index.difference(left.index)
        first = min([*missing[:1], *extra[:1]])
        return [Violation("<index>", first, cut_label, probe, f"{len(missing)} rows missing, {len(extra)} rows added")]
    for column in left.columns:
        if column not in right.columns:
            violations.append(Violation(str(column), cut_label, cut_label, probe, "column missing"))
            continue
        a = left[column].to_numpy()
        b = right[column].to_numpy()
        if pd.api.types.is_numeric_dtype(left[column].dtype) and pd.api.types.is_numeric_dtype(right[column].dtype):
            a = a.astype("float64")
            b = b.astype("float64")
            same = np.isclose(a, b, rtol=rtol, atol=atol) | (np.isnan(a) & np.isnan(b))
        else:
            same = (a == b) | (pd.isna(a) & pd.isna(b))
        if not same.all():
            row = int(np.flatnonzero(~same)[0])
            detail = f"{_plain(a[row])!r} != {_plain(b[row])!r}"
            violations.append(Violation(str(column), left.index[row], cut_label, probe, detail))
    return violations


def check_causality(
    transform: Callable[[pd.DataFrame], Any],
    frame: pd.DataFrame,
    *,
    n_points: int = 8,
    min_rows: int | None = None,
    probes: Sequence[str] = ("perturbation", "truncation"),
    rtol: float = 1e-9,
    atol: float = 1e-12,
    seed: int = 0,
    name: str = "transform",
) -> CausalityReport:
    """Prove ``transform`` causal on ``frame`` or report where it looks ahead.

    Args:
        transform: frame → Series/DataFrame indexed by timestamp (warm-up rows may be NaN or absent).
        frame: input with a sorted index; rows are cut and perturbed by position.
        n_points: number of cut points t, spread over the data after ``min_rows``.
        min_rows: first possible cut (default: a fifth of the rows).
        probes: ``perturbation`` and/or ``truncation``.
        rtol, atol: numeric tolerance; truncation may reorder floating-point sums slightly.
    """
    unknown = set(probes) - {"perturbation", "truncation"}
    if unknown:
        raise ValueError(f"unknown probe(s) {sorted(unknown)}; expected 'perturbation' and/or 'truncation'")
    report = CausalityReport(name=name)
    full = _as_frame(transform(frame))
    for i, position in enumerate(
        cut_points(len(frame), n_points, min_rows if min_rows is not None else len(frame) // 5)
    ):
        cut_label = frame.index[position]
        report.cuts.append(cut_label)
        if "perturbation" in probes:
            changed = _as_frame(transform(perturb_after(frame, position, seed=seed + i)))
            report.violations += _compare(full, changed, cut_label, "perturbation", rtol, atol)
        if "truncation" in probes:
            truncated = _as_frame(transform(frame.iloc[: position + 1]))
            report.violations += _compare(full, truncated, cut_label, "truncation", rtol, atol)
    return report
