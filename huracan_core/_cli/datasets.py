"""``huracan datasets list``."""

from __future__ import annotations

import click

from huracan_core._cli._output import envelope, table, warn_broken


@click.group("datasets")
def command() -> None:
    """Market datasets registered by plugins."""


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (JSON envelope).")
def list_datasets(as_json: bool) -> None:
    """List datasets with frequency, date range, licence and source."""
    from huracan_core._catalog import load_catalog

    catalog = load_catalog()
    datasets = catalog.datasets
    if as_json:
        click.echo(envelope("datasets", [d.to_dict() for d in datasets], catalog.errors))
        return
    if not datasets:
        click.echo(
            "No datasets installed. The huracan-features plugin ships real S&P 500 / NASDAQ data and a regime simulator."
        )
        return
    rows = [
        (d.name, d.frequency, d.start or "-", d.end or "-", "yes" if d.has_regime_labels else "no", d.plugin, d.license)
        for d in datasets
    ]
    click.echo(table(["name", "freq", "start", "end", "regimes", "plugin", "license"], rows, {6: 60}))
    warn_broken(catalog.errors)
