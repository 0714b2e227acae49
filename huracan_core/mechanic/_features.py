"""The feature stage: the core's recipe executor, seen through the few methods the Mechanic uses.

A recipe (``huracan_core.recipe.Recipe``) runs preprocessors by catalog name:
``fit`` on the development rows only (so normalisation statistics never see the
holdout), ``transform`` on the whole frame (every step is causal), ``provides``
lists the feature tags it produces (what the catalog matches learners'
``feature_requirements`` against), and ``save``/``load`` keep it with the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import ConfigError, DataContractError

__all__ = ["build_recipe", "feature_frame", "load_recipe", "recipe_provides", "recipe_to_dict"]


def _recipe_module() -> Any:
    try:
        from huracan_core import recipe
    except ImportError as exc:  # pragma: no cover - the recipe module ships with the core
        raise ConfigError(
            f"config: recipe: the recipe executor (huracan_core.recipe) is not available: {exc}"
        ) from None
    return recipe


def build_recipe(spec: Any, catalog: Any = None) -> Any:
    """A recipe from ``"default"``, a ``{"steps": [...]}`` mapping, or an object that already is one.

    Steps are looked up in ``catalog``; every step must be causal (``require_causal``).
    """
    if hasattr(spec, "fit") and hasattr(spec, "transform"):
        return spec
    module = _recipe_module()
    options = {"catalog": catalog, "require_causal": True}
    if spec is None or spec == "default":
        default = module.DEFAULT_RECIPE
        return default if hasattr(default, "fit") else module.Recipe.from_dict(default, **options)
    if isinstance(spec, Mapping):
        try:
            return module.Recipe.from_dict(dict(spec), **options)
        except ConfigError:
            raise
        except (ValueError, KeyError, LookupError) as exc:
            raise ConfigError(f"config: recipe: {exc}") from None
    raise ConfigError(f"config: recipe: expected 'default' or a mapping with 'steps', got {spec!r}")


def recipe_provides(recipe: Any) -> tuple[str, ...]:
    provides = getattr(recipe, "provides", ())
    if callable(provides):
        provides = provides()
    return tuple(provides)


def recipe_to_dict(recipe: Any) -> dict[str, Any]:
    to_dict = getattr(recipe, "to_dict", None)
    return dict(to_dict()) if callable(to_dict) else {}


def load_recipe(path: str | Path, catalog: Any = None) -> Any:
    return _recipe_module().Recipe.load(path, catalog=catalog)


def feature_frame(recipe: Any, market: pd.DataFrame) -> pd.DataFrame:
    """Numeric feature columns of ``recipe.transform(market)``; warm-up rows (any NaN) dropped."""
    out = recipe.transform(market)
    if not isinstance(out, pd.DataFrame):
        raise DataContractError(f"the recipe returned {type(out).__name__}, expected a DataFrame of features")
    numeric = out.select_dtypes(include=[np.number, "bool"]).astype("float64")
    dropped = [c for c in out.columns if c not in numeric.columns]
    if dropped and numeric.empty:
        raise DataContractError(f"the recipe produced no numeric feature columns (non-numeric: {dropped})")
    numeric = numeric.replace([np.inf, -np.inf], np.nan)
    return numeric.dropna(how="any")
