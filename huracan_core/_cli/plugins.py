"""``huracan plugins list``."""

from __future__ import annotations

import click

from huracan_core._cli._output import envelope, table


@click.group("plugins")
def command() -> None:
    """Installed plugins (entry-point group 'huracan')."""


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (JSON envelope).")
def list_plugins(as_json: bool) -> None:
    """List plugins, their version, status and what they registered."""
    from huracan_core._catalog import load_catalog
    from huracan_core._plugins import CORE_DISTRIBUTION

    catalog = load_catalog()
    records = catalog.plugins
    if as_json:
        click.echo(envelope("plugins", [r.to_dict() for r in records], catalog.errors))
        return
    rows = [
        (
            r.name,
            r.version or "-",
            r.status,
            len(r.components),
            len(r.datasets),
            "; ".join(f.reason for f in r.failures) or "",
        )
        for r in records
    ]
    click.echo(table(["plugin", "version", "status", "components", "datasets", "problem"], rows, {5: 100}))
    if not any(r.name != CORE_DISTRIBUTION for r in records):
        click.echo(
            "\nNo plugins found: only the core's built-ins are available. Install one "
            "(e.g. pip install -e plugins/sklearn) or scaffold your own with 'huracan new-plugin NAME'."
        )
