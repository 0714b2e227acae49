"""The look-ahead audit: prove a preprocessor, a recipe or any frame function causal.

This wraps the one causality checker, :func:`huracan_core.causality.check_causality`
(the conformance kit uses the same one): the component is fitted on a training
prefix of the frame, then its ``transform`` is recomputed with the rows after
each of many cut points t perturbed, and on the data truncated at t; any output
at or before t that differs from the full run is reported with the feature name
and its first offending row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from huracan_core.causality import CausalityReport, check_causality

__all__ = ["audit_features", "resolve_audit_target"]


def resolve_audit_target(
    target: Any, *, params: Mapping[str, Any] | None = None, catalog: Any = None
) -> tuple[str, Any]:
    """``(name, object)`` for a catalog name, a recipe YAML path/dict, a Recipe, a preprocessor or a callable."""
    from huracan_core.recipe import Recipe

    if isinstance(target, Recipe):
        return "recipe", target
    if isinstance(target, Mapping):
        return "recipe", Recipe.from_dict(target, catalog=catalog)
    if isinstance(target, Path) or (isinstance(target, str) and Path(target).suffix in (".yaml", ".yml")):
        recipe = Recipe.from_yaml(target, catalog=catalog)
        return f"recipe {target}", recipe
    if isinstance(target, str):
        if catalog is None:
            from huracan_core import load_catalog

            catalog = load_catalog()
        spec = catalog.get(target)
        if spec.kind != "preprocessor":
            from huracan_core._errors import CatalogError

            raise CatalogError(f"audit-features audits preprocessors and recipes; {target!r} is a {spec.kind}")
        return target, spec.create(**dict(params or {}))
    if params:
        raise ValueError("params apply only when the target is a catalog name")
    if hasattr(target, "transform"):
        return type(target).__name__, target
    if callable(target):
        return getattr(target, "__name__", "transform"), target
    raise TypeError(
        f"cannot audit a {type(target).__name__}: pass a catalog name, a recipe (YAML path, dict or Recipe), "
        "a preprocessor with fit/transform, or a function frame -> DataFrame"
    )


def audit_features(
    target: Any,
    frame: Any,
    *,
    n_points: int = 8,
    fit_fraction: float = 0.3,
    min_rows: int | None = None,
    params: Mapping[str, Any] | None = None,
    probes: Sequence[str] = ("perturbation", "truncation"),
    rtol: float = 1e-9,
    atol: float = 1e-12,
    seed: int = 0,
    catalog: Any = None,
) -> CausalityReport:
    """Audit ``target`` for look-ahead on ``frame`` and return the :class:`CausalityReport`.

    Args:
        target: a preprocessor catalog name (built with ``params``), a recipe (YAML path, dict or
            :class:`~huracan_core.recipe.Recipe`), a preprocessor instance, or a function frame → DataFrame.
        frame: the data (a market frame for OHLCV preprocessors and recipes).
        n_points: how many cut points t to probe.
        fit_fraction: the target is fitted on this leading fraction of ``frame`` (fitted state is
            training knowledge; the audit is about ``transform``). Functions are not fitted.
        min_rows: first cut point (default: the fitted prefix, and at least a fifth of the rows).
        probes, rtol, atol, seed: passed to :func:`~huracan_core.causality.check_causality`.

    Call ``report.raise_if_failed()`` to turn violations into a :class:`~huracan_core.CausalityError`.
    """
    if not 0 < fit_fraction <= 1:
        raise ValueError(f"fit_fraction must be in (0, 1], got {fit_fraction}")
    name, obj = resolve_audit_target(target, params=params, catalog=catalog)
    transform: Callable[[Any], Any]
    fit_rows = max(int(len(frame) * fit_fraction), 1)
    if hasattr(obj, "transform"):
        obj.fit(frame.iloc[:fit_rows])
        transform = obj.transform
    else:
        transform = obj
    first_cut = min_rows if min_rows is not None else max(fit_rows, len(frame) // 5)
    return check_causality(
        transform,
        frame,
        n_points=n_points,
        min_rows=first_cut,
        probes=probes,
        rtol=rtol,
        atol=atol,
        seed=seed,
        name=name,
    )
