"""Shared output helpers: aligned tables for people, the JSON envelope for machines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click

from huracan_core._vocab import SCHEMA_VERSION


def envelope(key: str, items: Sequence[Any], errors: Iterable[Any] = ()) -> str:
    """``{"schema_version": ..., key: [...], "errors": [...]}`` as indented JSON."""
    return json.dumps(
        {"schema_version": SCHEMA_VERSION, key: list(items), "errors": [_error(e) for e in errors]},
        indent=2,
        default=str,
    )


def _error(error: Any) -> Any:
    return error.to_dict() if hasattr(error, "to_dict") else str(error)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_width: Mapping[int, int] | None = None) -> str:
    """An aligned plain-text table; columns listed in ``max_width`` are truncated with '…'."""
    limits = dict(max_width or {})

    def cell(i: int, value: Any) -> str:
        text = "" if value is None else str(value)
        limit = limits.get(i)
        return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"

    body = [[cell(i, v) for i, v in enumerate(row)] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in body]
    return "\n".join(lines)


def warn_broken(errors: Sequence[Any]) -> None:
    if errors:
        plugins = sorted({getattr(e, "plugin", "?") for e in errors})
        click.secho(
            f"warning: {len(errors)} plugin problem(s) in {', '.join(plugins)}; see 'huracan plugins list'",
            fg="yellow",
            err=True,
        )
