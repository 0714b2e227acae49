"""The ``huracan`` command line.

Subcommands live in ``huracan_core._cli.<module>`` and are imported only when
invoked (``huracan --help`` imports none of them). Commands contributed by
plugins through ``huracan_register_commands`` are collected only when the CLI
needs a command it does not own, or lists commands for ``--help``.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from typing import Any

import click

# command name -> (module, attribute, one-line help shown in `huracan --help`)
BUILTIN_COMMANDS: dict[str, tuple[str, str]] = {
    "audit-features": ("huracan_core._cli.audit_features", "Prove a preprocessor or recipe causal (look-ahead audit)."),
    "datasets": ("huracan_core._cli.datasets", "List market datasets from installed plugins."),
    "demo": ("huracan_core._cli.demo", "Run the Mechanic end to end on a built-in real dataset."),
    "doctor": ("huracan_core._cli.doctor", "Check every plugin and component; non-zero exit on any problem."),
    "models": ("huracan_core._cli.models", "List and inspect components in the catalog."),
    "new-plugin": ("huracan_core._cli.new_plugin", "Scaffold a new plugin distribution from the template."),
    "plugins": ("huracan_core._cli.plugins", "List installed plugins and their status."),
    "predict": ("huracan_core._cli.predict", "Predict with a registered model on the latest bars."),
    "registry": ("huracan_core._cli.registry", "Inspect and manage the model registry."),
    "run": ("huracan_core._cli.run", "Run the Mechanic from a YAML config and write a report."),
}


class LazyGroup(click.Group):
    """A click group whose built-in subcommands are imported on first use."""

    _plugin_commands_loaded = False

    def _available_builtins(self) -> list[str]:
        return [name for name, (module, _) in BUILTIN_COMMANDS.items() if importlib.util.find_spec(module) is not None]

    def _load_plugin_commands(self) -> None:
        if self._plugin_commands_loaded:
            return
        self._plugin_commands_loaded = True
        from huracan_core._catalog import load_catalog

        try:
            manager = load_catalog().manager
            if manager is not None:
                manager.register_commands(self)
        except Exception as exc:  # a plugin must never break the CLI
            logging.getLogger(__name__).warning("could not load plugin commands: %s", exc)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return sorted(set(self._available_builtins()) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in BUILTIN_COMMANDS and cmd_name not in self.commands:
            module_name, _ = BUILTIN_COMMANDS[cmd_name]
            if importlib.util.find_spec(module_name) is not None:
                command = importlib.import_module(module_name).command
                self.add_command(command, cmd_name)
                return command
        if cmd_name not in self.commands:
            self._load_plugin_commands()
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in BUILTIN_COMMANDS and name not in self.commands:
                rows.append((name, BUILTIN_COMMANDS[name][1]))
            else:
                command = self.commands.get(name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit=formatter.width - 6)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="huracan-core", prog_name="huracan")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """Huracan: plugin-based machine learning for market data.

    Start with 'huracan demo', then 'huracan models list'.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv, prog_name="huracan")


if __name__ == "__main__":  # pragma: no cover
    main()
