"""``huracan doctor``: every plugin loaded, every spec valid, every requirement installed."""

from __future__ import annotations

from collections import defaultdict

import click


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def command(as_json: bool) -> None:
    """Load every plugin, validate every spec, check requirements; exit 1 on any problem."""
    from huracan_core._catalog import load_catalog
    from huracan_core._cli._output import envelope
    from huracan_core._errors import SpecError
    from huracan_core.schema import validate_model_info_json

    catalog = load_catalog(refresh=True, strict=False)
    problems: list[str] = [str(f) for f in catalog.errors]
    for spec in catalog.components:
        try:
            spec.validate()
            validate_model_info_json(spec.info.to_dict(), owner=f"component {spec.name!r}")
        except SpecError as exc:
            problems.append(f"{spec.plugin}: {exc}")
        missing = spec.missing_requirements()
        if missing:
            problems.append(
                f"{spec.plugin}: component {spec.name!r} needs {', '.join(missing)}, which is not installed"
            )
    for dataset in catalog.datasets:
        from huracan_core._spec import missing_requirements

        missing = missing_requirements(dataset.requires)
        if missing:
            problems.append(
                f"{dataset.plugin}: dataset {dataset.name!r} needs {', '.join(missing)}, which is not installed"
            )
    defaults: dict[tuple[str, str], list[str]] = defaultdict(list)
    for spec in catalog.components:
        if spec.kind == "trainer" and spec.default_trainer:
            for backend in spec.backends:
                defaults[(str(spec.plugin), backend)].append(spec.name)
    for (plugin, backend), names in defaults.items():
        if len(names) > 1:
            problems.append(
                f"{plugin}: several default trainers for backend {backend!r}: {', '.join(names)} (at most one)"
            )
    summary = (
        f"{len(catalog.plugins)} plugin(s), {len(catalog.components)} component(s), {len(catalog.datasets)} dataset(s)"
    )
    if as_json:
        click.echo(envelope("problems", problems, []))
    elif problems:
        click.secho(f"doctor: {summary}; {len(problems)} problem(s):", fg="red", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
    else:
        click.secho(f"doctor: {summary}; no problems found", fg="green")
    if problems:
        raise SystemExit(1)
