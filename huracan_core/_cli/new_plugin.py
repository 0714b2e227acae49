"""``huracan new-plugin NAME``: scaffold a plugin distribution from ``contrib/plugin-template``."""

from __future__ import annotations

import re
from pathlib import Path

import click

PLACEHOLDER_DIR = "__package__"


def template_dir() -> Path:
    """The template shipped with the core (``huracan_core/plugin_template`` → ``contrib/plugin-template``)."""
    return Path(__file__).resolve().parent.parent / "plugin_template"


def render(name: str, destination: Path) -> Path:
    """Copy the template to ``destination/<dist name>``, filling in the names; returns the new folder."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        raise click.BadParameter(
            f"{name!r}: a plugin name must start with a letter (e.g. 'my-momentum')", param_hint="NAME"
        )
    dist_name = f"huracan-{slug.replace('_', '-')}"
    values = {
        "{{dist_name}}": dist_name,
        "{{package}}": f"huracan_{slug}",
        "{{plugin_key}}": slug,
        "{{component_name}}": f"{slug}_ridge",
    }
    source = template_dir()
    if not source.is_dir():
        raise click.ClickException(f"plugin template not found at {source}; reinstall huracan-core from the repository")
    target = destination / dist_name
    if target.exists():
        raise click.ClickException(f"{target} already exists; choose another name or remove it")
    for path in sorted(source.rglob("*")):
        if "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        relative = str(path.relative_to(source)).replace(PLACEHOLDER_DIR, values["{{package}}"])
        out = target / relative
        if path.is_dir():
            out.mkdir(parents=True, exist_ok=True)
            continue
        text = path.read_text("utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, "utf-8")
    return target


@click.command("new-plugin")
@click.argument("name")
@click.option(
    "--directory",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to create the plugin folder.",
)
def command(name: str, directory: Path) -> None:
    """Scaffold a plugin distribution NAME (installable with pip, discovered, tests passing)."""
    target = render(name, directory)
    click.echo(f"created {target}")
    click.echo(f"next: pip install -e {target} && pytest {target / 'tests'}")
