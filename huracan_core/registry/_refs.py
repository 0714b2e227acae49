"""Model references: how a user names a model version.

Grammar (``NAME`` is letters, digits, ``_ . -``, starting with a letter or digit)::

    NAME:VERSION            one version, e.g. ``spy-direction:3``
    NAME:latest             the newest (not deleted) version
    NAME                    the overall champion (same as NAME@champion)
    NAME@ALIAS              ALIAS is ``champion`` or ``challenger`` (overall)
    NAME@ALIAS/REGIME       the alias for one regime (trending_up, trending_down, ranging, volatile)
    NAME@ALIAS/current      the alias for the regime of the latest bar (the caller supplies it)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from huracan_core._vocab import REGIMES

__all__ = ["ALIASES", "GRAMMAR", "ModelRef", "check_name", "check_regime", "parse_ref"]

ALIASES = ("champion", "challenger")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
GRAMMAR = (
    "NAME:VERSION, NAME:latest, NAME, NAME@champion, NAME@challenger, NAME@champion/REGIME or NAME@champion/current"
)


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"invalid model name {name!r}: use letters, digits, '_', '.', '-' (starting with a letter or digit)"
        )
    return name


def check_regime(regime: str | None) -> str | None:
    if regime is None or regime in ("", "overall"):
        return None
    if regime not in REGIMES:
        raise ValueError(f"unknown regime {regime!r}; expected one of {', '.join(REGIMES)} (or None for overall)")
    return regime


@dataclass(frozen=True)
class ModelRef:
    """A parsed reference: exactly one of ``version`` / ``latest`` / ``alias`` is set."""

    name: str
    version: int | None = None
    latest: bool = False
    alias: str | None = None
    regime: str | None = None
    """The alias's regime; ``None`` = overall; ``"current"`` = decided by the caller's data."""

    def __str__(self) -> str:
        if self.version is not None:
            return f"{self.name}:{self.version}"
        if self.latest:
            return f"{self.name}:latest"
        return f"{self.name}@{self.alias}" + (f"/{self.regime}" if self.regime else "")


def parse_ref(ref: str) -> ModelRef:
    """Parse a reference string (see the module docstring); errors show the grammar."""
    if not isinstance(ref, str) or not ref:
        raise ValueError(f"model reference must be a non-empty string like {GRAMMAR}; got {ref!r}")
    if "@" in ref:
        name, _, rest = ref.partition("@")
        alias, _, regime = rest.partition("/")
        if alias not in ALIASES:
            raise ValueError(f"unknown alias {alias!r} in reference {ref!r}; aliases: {', '.join(ALIASES)}")
        if regime and regime != "current":
            check_regime(regime)
        check_name(name)
        return ModelRef(name, alias=alias, regime=(None if regime in ("", "overall") else regime))
    if ":" in ref:
        name, _, version = ref.partition(":")
        check_name(name)
        if version == "latest":
            return ModelRef(name, latest=True)
        if not version.isdigit() or int(version) < 1:
            raise ValueError(f"version in reference {ref!r} must be a positive integer or 'latest'")
        return ModelRef(name, version=int(version))
    try:
        check_name(ref)
    except ValueError:
        raise ValueError(f"cannot parse model reference {ref!r}; expected {GRAMMAR}") from None
    return ModelRef(ref, alias="champion")
