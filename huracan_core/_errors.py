"""Exceptions raised by Huracan.

The hierarchy::

    HuracanError
    ├── SpecError                 a component or dataset spec (or its model info) is invalid
    ├── PluginError               a plugin failed to load or register (strict mode)
    ├── CatalogError              a catalog lookup or query cannot be answered
    │   └── ComponentNotFoundError
    ├── RequirementError          a component needs an import that is not installed
    ├── DataContractError         a market or feature frame breaks the data contract (ValueError)
    ├── NotFittedError            a component was used before ``fit`` (also a ValueError)
    ├── CausalityError            a transform looks ahead
    ├── ArtifactError             a saved artifact is missing, tampered with or unsafe
    └── ConfigError               a run configuration is invalid (names the YAML path)
"""

from __future__ import annotations


class HuracanError(Exception):
    """Base class of every error Huracan raises on purpose."""


class SpecError(HuracanError, ValueError):
    """A component spec, dataset spec or model info is invalid."""


class PluginError(HuracanError):
    """A plugin could not be loaded or registered (raised in strict mode)."""


class CatalogError(HuracanError, LookupError):
    """A catalog lookup or query cannot be answered."""


class ComponentNotFoundError(CatalogError, KeyError):
    """No component with the requested name is in the catalog."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class RequirementError(HuracanError, ImportError):
    """A component needs a package that is not installed."""


class DataContractError(HuracanError, ValueError):
    """A frame breaks the data contract; the message names column, row and rule."""


class NotFittedError(HuracanError, ValueError, AttributeError):
    """A component was used before it was fitted."""


class CausalityError(HuracanError, AssertionError):
    """A transform's output at time t depends on rows after t."""


class ArtifactError(HuracanError):
    """A saved artifact is missing, does not match its hash, or is unsafe to load."""


class ConfigError(HuracanError, ValueError):
    """A run configuration is invalid; the message names the YAML path and allowed values."""
