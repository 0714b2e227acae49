"""The run report: one folder with an HTML (or Markdown) page, PNG plots and machine-readable JSON.

Contents of the folder:

- ``report.html`` / ``report.md`` — the page people read;
- ``summary.json`` — every number on the page (leaderboards, champions, holdout test, skipped learners, decisions);
- ``leaderboard.csv`` — one row per candidate with its overall and per-regime scores;
- ``equity.png`` — holdout equity of the regime-aware champions, the best static model and buy-and-hold;
- ``leaderboard.png`` — per-regime scores of every candidate (heat map);
- ``regimes.png`` — close price with the regime of every bar;
- ``importance.png`` — feature importance of the overall champion, when the model exposes it.

matplotlib is an optional extra (``huracan-core[plots]``); without it the page is written without plots.
"""

from __future__ import annotations

import html
import json
import logging
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._vocab import REGIMES

__all__ = ["feature_importance", "write_report"]

logger = logging.getLogger(__name__)

_REGIME_COLOURS = {"trending_up": "#2a9d8f", "trending_down": "#e76f51", "ranging": "#8d99ae", "volatile": "#f4a261"}


def feature_importance(model: Any, columns: list[str]) -> pd.Series | None:
    """Importance per feature from ``feature_importances_``, ``feature_importance()`` or ``|coef_|``; else None."""
    values: Any = None
    for attr in ("feature_importances_", "feature_importance_"):
        values = getattr(model, attr, None)
        if values is not None:
            break
    if values is None and callable(getattr(model, "feature_importance", None)):
        try:
            values = model.feature_importance()
        except Exception:
            values = None
    if values is None and getattr(model, "coef_", None) is not None:
        coef = np.abs(np.asarray(model.coef_, dtype="float64"))
        values = coef.reshape(-1, coef.shape[-1]).mean(axis=0) if coef.ndim > 1 else coef
        if len(values) == len(columns) + 1:  # an intercept stored first
            values = values[1:]
    if values is None:
        return None
    if isinstance(values, pd.Series):
        return values.sort_values(ascending=False)
    if isinstance(values, dict):
        return pd.Series(values, dtype="float64").sort_values(ascending=False)
    arr = np.asarray(values, dtype="float64").ravel()
    if len(arr) != len(columns):
        return None
    return pd.Series(arr, index=columns).sort_values(ascending=False)


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return "–" if not math.isfinite(value) else f"{value:.{digits}f}"
    return str(value)


def _leaderboard_frame(result: Any) -> pd.DataFrame:
    rows = []
    for row in result.leaderboard:
        entry = {
            "candidate": row.key,
            "learner": row.candidate.learner,
            "scope": row.candidate.scope,
            "trainer": row.candidate.trainer,
            "overall": row.scores.get("overall", math.nan),
        }
        for regime in REGIMES:
            entry[regime] = row.scores.get(regime, math.nan)
        entry["fit_seconds"] = round(row.fit_seconds, 2)
        entry["error"] = row.error or ""
        rows.append(entry)
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame = frame.sort_values("overall", ascending=False, na_position="last")
    return frame


def _plots(result: Any, folder: Path) -> dict[str, str]:
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:
        logger.warning("matplotlib is not installed: the report has no plots (pip install 'huracan-core[plots]')")
        return {}
    made: dict[str, str] = {}
    hold = result.holdout
    if hold is not None:
        fig, ax = plt.subplots(figsize=(9, 4))
        for series, label in (
            (hold.pnl_regime, "regime-aware champions"),
            (hold.pnl_static, f"best static model ({hold.static_key})"),
            (hold.pnl_buy_hold, "buy and hold"),
        ):
            if len(series):
                ax.plot(series.index, (1 + series).cumprod(), label=label)
        ax.set_title(f"Holdout equity ({result.config.costs.bps:g} bps costs)")
        ax.legend(loc="best")
        ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        fig.tight_layout()
        fig.savefig(folder / "equity.png", dpi=90)
        plt.close(fig)
        made["equity"] = "equity.png"

    board = _leaderboard_frame(result)
    regimes = [r for r in REGIMES if r in board.columns and board[r].notna().any()]
    if not board.empty and regimes:
        cols = ["overall", *regimes]
        data = board.set_index("candidate")[cols].astype("float64")
        fig, ax = plt.subplots(figsize=(1.6 * len(cols) + 3, 0.35 * len(data) + 1.5))
        finite = data.to_numpy()[np.isfinite(data.to_numpy())]
        bound = float(np.abs(finite).max()) if finite.size else 1.0
        image = ax.imshow(data.to_numpy(), cmap="RdYlGn", vmin=-bound, vmax=bound, aspect="auto")
        ax.set_xticks(range(len(cols)), cols)
        ax.set_yticks(range(len(data)), data.index)
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                value = data.iat[i, j]
                if math.isfinite(value):
                    ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7)
        fig.colorbar(image, ax=ax, label=result.metric)
        ax.set_title(f"Walk-forward {result.metric} per regime")
        fig.tight_layout()
        fig.savefig(folder / "leaderboard.png", dpi=90)
        plt.close(fig)
        made["leaderboard"] = "leaderboard.png"

    close = result.market["close"]
    labels = result.regimes.reindex(close.index)
    fig, ax = plt.subplots(figsize=(10, 3.5))
    ax.plot(close.index, close.to_numpy(), color="black", linewidth=0.7)
    for regime in REGIMES:
        mask = (labels == regime).to_numpy()
        if mask.any():
            ax.scatter(close.index[mask], close.to_numpy()[mask], s=3, color=_REGIME_COLOURS[regime], label=regime)
    if len(result.holdout_index):
        ax.axvspan(result.holdout_index[0], result.holdout_index[-1], color="grey", alpha=0.15, label="holdout")
    ax.set_title("Regime of every bar")
    ax.legend(loc="upper left", markerscale=4, fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(folder / "regimes.png", dpi=90)
    plt.close(fig)
    made["regimes"] = "regimes.png"

    model = result.models.get(result.overall_champion)
    importance = feature_importance(model, list(result.features.columns)) if model is not None else None
    if importance is not None and len(importance):
        top = importance.head(20)[::-1]
        fig, ax = plt.subplots(figsize=(7, 0.3 * len(top) + 1.2))
        ax.barh(top.index.astype(str), top.to_numpy())
        ax.set_title(f"Feature importance: {result.overall_champion}")
        fig.tight_layout()
        fig.savefig(folder / "importance.png", dpi=90)
        plt.close(fig)
        made["importance"] = "importance.png"
    return made


def _sections(result: Any, plots: dict[str, str]) -> list[tuple[str, str, Any]]:
    """(title, kind, payload) blocks shared by the HTML and Markdown writers."""
    hold = result.holdout
    out: list[tuple[str, str, Any]] = []
    s = result.summary()
    facts = [
        ("task / metric", f"{result.task} / {result.metric} (costs {result.config.costs.bps:g} bps)"),
        ("bars", f"{len(result.market)} ({result.market.index[0].date()} → {result.market.index[-1].date()})"),
        ("development rows", f"{s['development'][2]} ({s['development'][0][:10]} → {s['development'][1][:10]})"),
        ("holdout rows (untouched)", f"{s['holdout'][2]} ({s['holdout'][0][:10]} → {s['holdout'][1][:10]})"),
        (
            "features",
            f"{result.features.shape[1]}: {', '.join(map(str, result.features.columns[:12]))}{' …' if result.features.shape[1] > 12 else ''}",
        ),
        ("regime detector", result.detector_spec.get("name")),
        ("regime counts", ", ".join(f"{k}: {v}" for k, v in s["regime_counts"].items())),
        ("run time", f"{result.seconds:.1f} s"),
    ]
    out.append(("Run", "facts", facts))
    if hold is not None:
        test = hold.test
        verdict = [
            ("regime-aware champions", _fmt(hold.regime_metric)),
            (f"best static model ({hold.static_key})", _fmt(hold.static_metric)),
            ("margin", _fmt(hold.margin)),
            (
                "paired test",
                f"{test.get('method')}: statistic {_fmt(test.get('statistic'))}, one-sided p = {_fmt(test.get('p_value'), 4)} on {test.get('n')} bars",
            ),
        ]
        out.append((f"Holdout: {result.metric}", "facts", verdict))
    out.append(
        (
            "Champions",
            "table",
            (
                ["regime", "champion"],
                [[k, v] for k, v in result.champions.items()] + [["overall / static", result.overall_champion]],
            ),
        )
    )
    if "equity" in plots:
        out.append(("Holdout equity", "image", plots["equity"]))
    board = _leaderboard_frame(result)
    headers = ["candidate", "trainer", "overall", *REGIMES, "fit s", "error"]
    rows = [
        [
            r["candidate"],
            r["trainer"],
            _fmt(r["overall"]),
            *[_fmt(r[g]) for g in REGIMES],
            r["fit_seconds"],
            r["error"][:80],
        ]
        for _, r in board.iterrows()
    ]
    out.append(("Walk-forward leaderboard", "table", (headers, rows)))
    if "leaderboard" in plots:
        out.append(("Per-regime leaderboard", "image", plots["leaderboard"]))
    if "regimes" in plots:
        out.append(("Regime timeline", "image", plots["regimes"]))
    if "importance" in plots:
        out.append(("Feature importance", "image", plots["importance"]))
    out.append(
        (
            "Learners not considered",
            "table",
            (["learner", "why"], [[e["name"], e["reason"]] for e in result.plan.skipped]),
        )
    )
    if result.decisions:
        out.append(
            (
                "Registry decisions",
                "table",
                (
                    ["scope", "decision", "reason"],
                    [[d.get("scope"), d.get("action"), d.get("reason")] for d in result.decisions],
                ),
            )
        )
    return out


def _html(result: Any, sections: list[tuple[str, str, Any]]) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Huracan run report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:left}"
        "th{background:#f3f3f3}img{max-width:100%}</style></head><body>",
        "<h1>Huracan — the Mechanic's report</h1>",
    ]
    for title, kind, payload in sections:
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if kind == "facts":
            parts.append(
                "<table>"
                + "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in payload)
                + "</table>"
            )
        elif kind == "table":
            headers, rows = payload
            parts.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows]
            parts.append("</table>")
        elif kind == "image":
            parts.append(f"<img src='{html.escape(payload)}' alt='{html.escape(title)}'>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _markdown(result: Any, sections: list[tuple[str, str, Any]]) -> str:
    lines = ["# Huracan — the Mechanic's report", ""]
    for title, kind, payload in sections:
        lines += [f"## {title}", ""]
        if kind == "facts":
            lines += [f"- **{k}**: {v}" for k, v in payload]
        elif kind == "table":
            headers, rows = payload
            lines.append("| " + " | ".join(headers) + " |")
            lines.append("|" + "---|" * len(headers))
            lines += ["| " + " | ".join(str(c).replace("|", "/") for c in row) + " |" for row in rows]
        elif kind == "image":
            lines.append(f"![{title}]({payload})")
        lines.append("")
    return "\n".join(lines)


def write_report(
    result: Any, folder: str | Path | None = None, *, fmt: str | None = None, plots: bool | None = None
) -> Path:
    """Write the report folder for a :class:`~huracan_core.mechanic.engine.RunResult`; return the page's path."""
    cfg = result.config.report
    out = Path(folder if folder is not None else cfg.folder)
    out.mkdir(parents=True, exist_ok=True)
    fmt = fmt or cfg.format
    made = _plots(result, out) if (cfg.plots if plots is None else plots) else {}
    (out / "summary.json").write_text(json.dumps(_jsonable(result.summary()), indent=2, default=str))
    _leaderboard_frame(result).to_csv(out / "leaderboard.csv", index=False)
    sections = _sections(result, made)
    page = out / ("report.html" if fmt == "html" else "report.md")
    page.write_text(_html(result, sections) if fmt == "html" else _markdown(result, sections), encoding="utf-8")
    result.report_path = page
    logger.info("report written to %s", page)
    return page


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    return value
