"""``huracan run CONFIG``: the Mechanic's whole loop from a YAML file, with a progress bar and a report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from huracan_core._errors import ConfigError, HuracanError


class _Progress:
    """A click progress bar on stderr, sized once the Mechanic knows how many fits it will run."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def plan(self, total: int) -> None:
        if self.enabled:
            self.bar = click.progressbar(length=total, label="training", file=sys.stderr, show_pos=True, width=30)
            self.bar.__enter__()

    def step(self, description: str, advance: int) -> None:
        if self.bar is not None:
            self.bar.label = f"training {description[:28]:<28}"
            self.bar.update(advance)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(max(0, self.bar.length - self.bar.pos))
            self.bar.__exit__(None, None, None)
            self.bar = None


def execute(
    config: Any,
    *,
    data: Any = None,
    report: str | None,
    registry: str | None,
    no_register: bool,
    fmt: str | None,
    quiet: bool,
) -> Any:
    """Shared by ``run`` and ``demo``: run, register, write the report; errors become click errors."""
    from huracan_core.mechanic.config import load_config
    from huracan_core.mechanic.pipeline import run_mechanic

    progress = _Progress(enabled=not quiet)
    try:
        cfg = load_config(config)
        overrides: dict[str, Any] = {}
        if registry is not None:
            overrides["registry"] = {**cfg.to_dict()["registry"], "url": registry}
        if report is not None or fmt is not None:
            section = cfg.to_dict()["report"]
            section.update({k: v for k, v in (("folder", report), ("format", fmt)) if v is not None})
            overrides["report"] = section
        if overrides:
            cfg = load_config(cfg, **overrides)
        result = run_mechanic(
            cfg,
            data,
            register=False if no_register else None,
            report=True,
            progress=progress.step,
            on_plan=progress.plan,
        )
    except ConfigError as exc:
        progress.close()
        raise click.UsageError(str(exc)) from None
    except HuracanError as exc:
        progress.close()
        raise click.ClickException(str(exc)) from None
    progress.close()
    return result


def print_summary(result: Any) -> None:
    hold = result.holdout
    click.echo(f"champions: {', '.join(f'{k}={v}' for k, v in result.champions.items())}")
    click.echo(f"best static model: {result.overall_champion}")
    if hold is not None:
        test = hold.test
        click.echo(
            f"holdout {result.metric} ({hold.n_bars} bars): regime-aware {hold.regime_metric:.3f} vs static "
            f"{hold.static_metric:.3f}, margin {hold.margin:+.3f}, {test.get('method')} p={test.get('p_value', float('nan')):.3f}"
        )
    for decision in result.decisions:
        click.echo(f"registry {decision['scope']}: {decision['action']} ({decision['reason']})")
    click.echo(f"report: {result.report_path}")


@click.command("run")
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--report", "report", default=None, help="Report folder (overrides report.folder).")
@click.option("--format", "fmt", type=click.Choice(["html", "markdown"]), default=None, help="Report format.")
@click.option("--registry", default=None, help="Model registry folder or SQLAlchemy URL (overrides registry.url).")
@click.option("--no-register", is_flag=True, help="Do not register models or record decisions.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def command(
    config: Path,
    report: str | None,
    fmt: str | None,
    registry: str | None,
    no_register: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Run the Mechanic from a YAML CONFIG and write a report folder.

    The config names the data, feature recipe, target, task, candidate filters and
    cap, validation, costs and registry; see docs/mechanic.md and docs/examples/sp500.yaml.
    """
    result = execute(config, report=report, registry=registry, no_register=no_register, fmt=fmt, quiet=quiet or as_json)
    if as_json:
        from huracan_core.mechanic.report import _jsonable

        click.echo(json.dumps(_jsonable(result.summary()), indent=2, default=str))
        return
    print_summary(result)
