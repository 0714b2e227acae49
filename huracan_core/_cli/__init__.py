"""Implementations of the ``huracan`` subcommands, one module per command (imported lazily)."""
