"""``huracan registry``: list, show, promote, roll back and delete registered model versions.

Every command takes ``--registry`` (a folder, ``sqlite:///file.db`` or a
SQLAlchemy URL; default ``$HURACAN_REGISTRY`` or ``./huracan-registry``) and
``--json``, which prints the envelope ``{"schema_version", "models", "errors"}``
(plus ``decisions`` / ``history`` for ``show``) and exits 1 when ``errors`` is
not empty.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from huracan_core._errors import HuracanError
from huracan_core._vocab import REGIMES

REGISTRY_OPTION = click.option(
    "--registry",
    "registry_url",
    envvar="HURACAN_REGISTRY",
    default="./huracan-registry",
    show_default=True,
    help="Registry folder, sqlite:///file.db or postgresql+psycopg://... URL (env HURACAN_REGISTRY).",
)
ARTIFACTS_OPTION = click.option(
    "--artifacts",
    envvar="HURACAN_REGISTRY_ARTIFACTS",
    default=None,
    help="Artifact store (folder or fsspec URL); default: next to the database (env HURACAN_REGISTRY_ARTIFACTS).",
)
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print a JSON envelope instead of text.")
REGIME_CHOICE = click.Choice([*REGIMES, "overall"])


def _open(registry_url: str, artifacts: str | None) -> Any:
    from huracan_core.registry import ModelRegistry

    return ModelRegistry(registry_url, artifacts)


def _envelope(models: list[dict[str, Any]], errors: list[str], **extra: Any) -> str:
    from huracan_core.registry import REGISTRY_SCHEMA_VERSION

    return json.dumps(
        {"schema_version": REGISTRY_SCHEMA_VERSION, "models": models, **extra, "errors": errors},
        indent=2,
        sort_keys=False,
    )


def _fail(as_json: bool, message: str) -> None:
    if as_json:
        click.echo(_envelope([], [message]))
    else:
        click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _summary(mv: Any) -> dict[str, Any]:
    return {
        "ref": mv.ref,
        "name": mv.name,
        "version": mv.version,
        "component": mv.component,
        "task": mv.task,
        "regime": mv.regime,
        "aliases": list(mv.aliases),
        "created_at": mv.created_at,
        "metrics": mv.metrics,
    }


def _format_metrics(metrics: dict[str, Any]) -> str:
    flat = [f"{k}={v:.4g}" for k, v in metrics.items() if isinstance(v, int | float) and not isinstance(v, bool)]
    return " ".join(flat[:4])


@click.group(name="registry")
def command() -> None:
    """The model registry: trained model versions, champions per regime, decisions."""


@command.command("list")
@click.option("--name", default=None, help="Only this model name.")
@click.option("--regime", type=REGIME_CHOICE, default=None, help="Only versions trained for this regime.")
@click.option("--alias", type=click.Choice(["champion", "challenger"]), default=None, help="Only aliased versions.")
@REGISTRY_OPTION
@ARTIFACTS_OPTION
@JSON_OPTION
def list_command(
    name: str | None, regime: str | None, alias: str | None, registry_url: str, artifacts: str | None, as_json: bool
) -> None:
    """List registered model versions."""
    try:
        registry = _open(registry_url, artifacts)
        versions = registry.versions(name, alias=alias)
        if regime is not None:
            versions = [v for v in versions if (v.regime or "overall") == regime]
    except (HuracanError, LookupError, ValueError, OSError, ImportError) as exc:
        _fail(as_json, str(exc))
        return
    if as_json:
        click.echo(_envelope([_summary(v) for v in versions], []))
        return
    if not versions:
        click.echo(f"no model versions in {registry.url}")
        return
    rows = [
        (v.ref, v.component, v.regime or "overall", ",".join(v.aliases) or "-", _format_metrics(v.metrics))
        for v in versions
    ]
    headers = ("REF", "COMPONENT", "REGIME", "ALIASES", "METRICS")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    for row in (headers, *rows):
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


@command.command("show")
@click.argument("ref")
@click.option("--current-regime", type=click.Choice(REGIMES), default=None, help="Resolves NAME@champion/current.")
@REGISTRY_OPTION
@ARTIFACTS_OPTION
@JSON_OPTION
def show_command(ref: str, current_regime: str | None, registry_url: str, artifacts: str | None, as_json: bool) -> None:
    """Show one version with its lineage, aliases and the model's decisions (REF: name:3, name@champion/ranging...)."""
    try:
        registry = _open(registry_url, artifacts)
        mv = registry.get(ref, current_regime=current_regime)
        decisions = [d.to_dict() for d in registry.decisions(mv.name)]
        history = registry.history(mv.name)
    except (HuracanError, LookupError, ValueError, OSError, ImportError) as exc:
        _fail(as_json, str(exc))
        return
    if as_json:
        click.echo(_envelope([mv.to_dict()], [], decisions=decisions, history=history))
        return
    click.echo(f"{mv.ref}  ({mv.component}, task {mv.task}, regime {mv.regime or 'overall'})")
    click.echo(f"  aliases:          {', '.join(mv.aliases) or '-'}")
    click.echo(f"  created:          {mv.created_at}")
    click.echo(f"  parent:           {mv.parent or '-'}")
    click.echo(f"  data fingerprint: {mv.data_fingerprint}")
    click.echo(f"  artifact sha256:  {mv.artifact_sha256}")
    for label, value in (("metrics", mv.metrics), ("params", mv.params), ("seeds", mv.seeds), ("plugins", mv.plugins)):
        click.echo(f"  {label + ':':<17} {json.dumps(value, sort_keys=True)}")
    click.echo(f"  recipe:           {json.dumps(mv.recipe, sort_keys=True) if mv.recipe is not None else '-'}")
    click.echo("  files:")
    for rel, entry in sorted(mv.files.items()):
        click.echo(f"    {rel}  {entry['size']} bytes  sha256 {entry['sha256'][:16]}...")
    if decisions:
        click.echo("  decisions:")
        for d in decisions:
            verdict = "promoted" if d["promoted"] else "kept champion"
            click.echo(
                f"    {d['created_at']}  {d['regime'] or 'overall'}: challenger {d['challenger']} vs champion "
                f"{d['champion']} -> {verdict} ({d['reason']})"
            )


@command.command("promote")
@click.argument("ref")
@click.option(
    "--regime", type=REGIME_CHOICE, default=None, help="Champion slot to fill (default: the version's own regime)."
)
@click.option("--reason", default=None, help="Stored in the alias history.")
@REGISTRY_OPTION
@ARTIFACTS_OPTION
@JSON_OPTION
def promote_command(
    ref: str, regime: str | None, reason: str | None, registry_url: str, artifacts: str | None, as_json: bool
) -> None:
    """Make REF the champion (of its regime, or of --regime; 'overall' for the overall champion)."""
    try:
        registry = _open(registry_url, artifacts)
        if regime is None:
            mv = registry.promote(ref, reason=reason)
        else:
            mv = registry.promote(ref, regime=None if regime == "overall" else regime, reason=reason)
    except (HuracanError, LookupError, ValueError, OSError, ImportError) as exc:
        _fail(as_json, str(exc))
        return
    if as_json:
        click.echo(_envelope([_summary(mv)], []))
    else:
        click.echo(f"{mv.ref} is now {', '.join(a for a in mv.aliases if a.startswith('champion'))}")


@command.command("rollback")
@click.argument("name")
@click.option("--regime", type=REGIME_CHOICE, default="overall", show_default=True, help="Which champion to roll back.")
@click.option("--reason", default=None, help="Stored in the alias history.")
@REGISTRY_OPTION
@ARTIFACTS_OPTION
@JSON_OPTION
def rollback_command(
    name: str, regime: str, reason: str | None, registry_url: str, artifacts: str | None, as_json: bool
) -> None:
    """Restore the previous champion of NAME (overall or for --regime)."""
    try:
        registry = _open(registry_url, artifacts)
        mv = registry.rollback(name, regime=None if regime == "overall" else regime, reason=reason)
    except (HuracanError, LookupError, ValueError, OSError, ImportError) as exc:
        _fail(as_json, str(exc))
        return
    if as_json:
        click.echo(_envelope([_summary(mv)], []))
    else:
        slot = "champion" if regime == "overall" else f"champion/{regime}"
        click.echo(f"{name}@{slot} rolled back to {mv.ref}")


@command.command("delete")
@click.argument("ref")
@click.option(
    "--force", is_flag=True, help="Also delete a version that is a champion or challenger (removes the alias)."
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@REGISTRY_OPTION
@ARTIFACTS_OPTION
@JSON_OPTION
def delete_command(ref: str, force: bool, yes: bool, registry_url: str, artifacts: str | None, as_json: bool) -> None:
    """Delete a model version (REF: name:3) and its unshared artifact files."""
    if not yes and not as_json:
        click.confirm(f"Delete {ref}?", abort=True)
    try:
        registry = _open(registry_url, artifacts)
        mv = registry.delete(ref, force=force)
    except (HuracanError, LookupError, ValueError, OSError, ImportError) as exc:
        _fail(as_json, str(exc))
        return
    if as_json:
        click.echo(_envelope([_summary(mv)], []))
    else:
        click.echo(f"deleted {mv.ref}")
