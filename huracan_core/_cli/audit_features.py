"""``huracan audit-features NAME|RECIPE.yaml``: prove a preprocessor or recipe causal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from huracan_core._cli._output import envelope


def _load_data(data: str | None, rows: int) -> Any:
    """A dataset from the catalog, a CSV/Parquet file with contract column names, or synthetic data."""
    import pandas as pd

    from huracan_core.data import validate_market_frame

    if data is None:
        from huracan_core.testing import make_market_frame

        return make_market_frame(rows, seed=11)
    path = Path(data)
    if path.exists():
        suffixes = "".join(path.suffixes).lower()
        raw = pd.read_parquet(path) if ".parquet" in suffixes or suffixes.endswith(".pq") else pd.read_csv(path)
        lowered = {c: str(c).strip().lower() for c in raw.columns}
        raw = raw.rename(columns=lowered)
        time_column = next((c for c in ("timestamp", "date", "datetime", "time") if c in raw.columns), None)
        if time_column is None:
            raise click.ClickException(f"{path}: needs a timestamp column (timestamp, date, datetime or time)")
        index = pd.DatetimeIndex(pd.to_datetime(raw.pop(time_column), utc=True), name="timestamp")
        frame = raw.set_index(index)
        return validate_market_frame(frame, name=str(path))
    from huracan_core import load_catalog

    return load_catalog().dataset(data).load()


@click.command("audit-features")
@click.argument("target")
@click.option("--data", default=None, help="Dataset name or CSV/Parquet path (default: a synthetic market frame).")
@click.option("--points", default=8, show_default=True, type=click.IntRange(1, 1000), help="Number of cut points t.")
@click.option(
    "--rows",
    default=1000,
    show_default=True,
    type=click.IntRange(50),
    help="Rows of synthetic data when --data is not given.",
)
@click.option("--params", default=None, help="Parameters of a named preprocessor as JSON, e.g. '{\"timeperiod\": 14}'.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (JSON envelope).")
def command(target: str, data: str | None, points: int, rows: int, params: str | None, as_json: bool) -> None:
    """Prove TARGET (a preprocessor name or a recipe YAML file) causal: exit 1 if it looks ahead.

    The target is fitted on the first 30% of the data; its output is then recomputed with the rows
    after each cut point t perturbed and with the data truncated at t. Any output at or before t that
    changes is reported with the feature name and the first offending row.
    """
    from huracan_core._errors import HuracanError
    from huracan_core.audit import audit_features

    try:
        parsed = json.loads(params) if params else None
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not valid JSON: {exc}", param_hint="--params") from None
    try:
        frame = _load_data(data, rows)
        report = audit_features(target, frame, n_points=points, params=parsed)
    except (HuracanError, ValueError, FileNotFoundError) as exc:
        if as_json:
            click.echo(envelope("reports", [], [str(exc)]))
            raise SystemExit(2) from None
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(envelope("reports", [report.to_dict()]))
    elif report.ok:
        click.echo(
            f"{report.name}: causal — no output at or before t changed at {len(report.cuts)} cut points "
            f"({report.cuts[0]} … {report.cuts[-1]}), {len(frame)} rows."
        )
    else:
        click.secho(f"{report.name}: LOOKS AHEAD", fg="red", bold=True)
        for violation in report.first_by_feature().values():
            click.echo(f"  {violation}")
    if not report.ok:
        raise SystemExit(1)
