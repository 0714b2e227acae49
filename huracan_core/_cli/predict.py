"""``huracan predict MODEL_REF DATA``: predict the latest bars with a registered model."""

from __future__ import annotations

import json
from pathlib import Path

import click

from huracan_core._errors import HuracanError


def _load_data(data: str) -> object:
    from huracan_core.mechanic._data import read_market_file

    path = Path(data)
    if path.exists():
        return read_market_file(path)
    from huracan_core import load_catalog

    catalog = load_catalog()
    names = [d.name for d in catalog.datasets]
    if data in names:
        return catalog.dataset(data).load()
    raise click.BadParameter(
        f"{data!r} is neither a CSV/Parquet file nor an installed dataset ({', '.join(names) or 'none installed'})",
        param_hint="DATA",
    )


@click.command("predict")
@click.argument("model_ref")
@click.argument("data")
@click.option(
    "--registry", default=None, help="Model registry folder or URL (default: $HURACAN_REGISTRY or ./huracan-registry)."
)
@click.option(
    "--bars", default=1, show_default=True, type=click.IntRange(min=1), help="How many of the latest bars to predict."
)
@click.option(
    "--output", "-o", default=None, type=click.Path(dir_okay=False), help="Write predictions to this CSV/Parquet file."
)
@click.option("--json", "as_json", is_flag=True, help="Print predictions as JSON.")
def command(model_ref: str, data: str, registry: str | None, bars: int, output: str | None, as_json: bool) -> None:
    """Predict the latest bars of DATA (a CSV/Parquet file or a dataset name) with MODEL_REF.

    MODEL_REF: NAME:VERSION, NAME (overall champion), NAME@champion/REGIME, or
    NAME@champion/current (the champion for the regime of the latest bar).
    """
    from huracan_core.mechanic.predict import predict_latest
    from huracan_core.registry import RegistryError

    frame = _load_data(data)
    try:
        out = predict_latest(model_ref, frame, registry=registry, n_bars=bars, output=output)  # type: ignore[arg-type]
    except (HuracanError, RegistryError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        records = [
            {"timestamp": str(ts), **{k: (v if v == v else None) for k, v in row.items()}} for ts, row in out.iterrows()
        ]
        click.echo(json.dumps({"schema_version": "1.0", "predictions": records, "errors": []}, indent=2, default=str))
        return
    for ts, row in out.iterrows():
        click.echo(
            f"{ts}  prediction={row['prediction']}  position={row['position']:+.0f}  regime={row['regime']}  "
            f"model={row['model']} ({row['learner']}, {row['scope']})"
        )
    if output:
        click.echo(f"written to {output}")
