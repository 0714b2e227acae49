"""``huracan models list`` and ``huracan models show``."""

from __future__ import annotations

import json

import click

from huracan_core._cli._output import envelope, table, warn_broken


@click.group("models")
def command() -> None:
    """Components in the catalog (learners, preprocessors, trainers, ...)."""


@command.command("list")
@click.option("--kind", help="preprocessor, learner, meta_learner, drift_detector or trainer.")
@click.option("--regime", help="trending_up, trending_down, trending, ranging, volatile or any.")
@click.option("--task", help="regression, classification, regime_detection, ...")
@click.option("--backend", help="sklearn, xgboost, torch, jax, numpy, ...")
@click.option("--capability", help="causal, probabilities, gpu, distributed, ...")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (JSON envelope).")
def list_models(
    kind: str | None, regime: str | None, task: str | None, backend: str | None, capability: str | None, as_json: bool
) -> None:
    """List components, filtered by model info."""
    from huracan_core._catalog import load_catalog
    from huracan_core._errors import CatalogError

    catalog = load_catalog()
    try:
        specs = catalog.query(kind=kind, regime=regime, task=task, backend=backend, capability=capability)
    except CatalogError as exc:
        raise click.UsageError(str(exc)) from None
    if backend is not None and not specs and backend not in catalog.backends:
        click.secho(
            f"no component uses backend {backend!r}; installed backends: {', '.join(catalog.backends)}", err=True
        )
    if as_json:
        click.echo(envelope("components", [s.to_dict() for s in specs], catalog.errors))
        return
    rows = [
        (s.name, s.kind, s.info.task, s.info.backend, ",".join(s.info.market_regimes), s.plugin, s.info.purpose)
        for s in specs
    ]
    click.echo(table(["name", "kind", "task", "backend", "regimes", "plugin", "purpose"], rows, {6: 70}))
    click.echo(f"\n{len(specs)} component(s)")
    warn_broken(catalog.errors)


@command.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show_model(name: str, as_json: bool) -> None:
    """Show one component's spec and full model info."""
    from huracan_core._catalog import load_catalog
    from huracan_core._errors import CatalogError

    catalog = load_catalog()
    try:
        spec = catalog.get(name)
    except CatalogError as exc:
        raise click.UsageError(str(exc)) from None
    data = spec.to_dict()
    missing = spec.missing_requirements()
    data["installed"] = not missing
    if as_json:
        click.echo(envelope("components", [data], []))
        return
    info = data.pop("model_info")
    for key in ("name", "kind", "plugin", "factory", "requires", "installed"):
        click.echo(f"{key + ':':<22}{data[key]}")
    if missing:
        click.echo(f"{'missing:':<22}{', '.join(missing)}")
    for key, value in info.items():
        text = value if isinstance(value, str) else json.dumps(value)
        click.echo(f"{key + ':':<22}{text}")
