"""Feature recipes: a declarative pipeline of catalog preprocessors, fitted on training data only.

A recipe names preprocessors by catalog name, so it can be written in YAML,
saved next to every model trained on it, and re-run anywhere the same plugins
are installed::

    version: 1
    keep_input: false          # keep the input frame's columns (e.g. OHLCV) in the output
    outputs: ["*"]             # optional final selection of output columns (fnmatch patterns)
    steps:
      - name: clean            # a preprocessor in the catalog (required)
        params: {nan_policy: ffill}
      - name: returns
        params: {horizons: [1, 5, 20]}
      - name: rolling_normalize
        params: {window: 250}
        inputs: ["logret_*"]   # optional: the columns this step sees (default: the whole running frame)
      - name: lags
        params: {lags: [1, 2]}
        inputs: ["logret_1"]
        keep: true             # optional: false = feeds later steps but is left out of the output

**How a step's output joins the running frame.** The running frame starts as the
input frame. Each step receives it (or its ``inputs`` columns), and every column
it returns is written into the running frame: a new name is appended, an
existing name is overwritten (so a normalizer with no suffix rescales columns in
place). A step must return the running frame's index, except steps whose
component declares ``changes_index = True`` (cleaning that drops rows, resampling):
the running frame is then re-indexed to the step's index. The recipe's output is
the columns written by steps with ``keep: true`` that are not input columns, in
the order first written, plus the input columns when ``keep_input`` is true,
filtered by ``outputs``. Warm-up rows stay NaN; nothing is dropped (except by a
cleaning step).

**Fitting.** ``fit(train)`` builds fresh components and fits each on the training
frame as transformed by the steps before it, in order; ``transform`` only
applies them. Stateless indicators restart their warm-up at the start of the frame
they are given: transform the whole history, then slice.

**Persistence without pickle.** ``save(dir)`` writes ``recipe.json`` (the
config, each step's JSON-able fitted state, the output columns and the sha256 of
the arrays) and ``state.npz`` (numpy arrays, loaded with ``allow_pickle=False``).
A component's state comes from its ``get_state() -> dict`` and is restored with
``set_state(dict)``; components without them are saved from their fitted
attributes (names ending in ``_``) when those are JSON values or numeric arrays,
else saving fails naming the step and attribute.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huracan_core._errors import (
    ArtifactError,
    ComponentNotFoundError,
    ConfigError,
    DataContractError,
    HuracanError,
    NotFittedError,
)

__all__ = ["DEFAULT_RECIPE", "Recipe", "RecipeStep"]

logger = logging.getLogger(__name__)

RECIPE_FORMAT = "huracan-recipe"
RECIPE_VERSION = 1
_TOP_KEYS = ("version", "keep_input", "outputs", "steps")
_STEP_KEYS = ("name", "params", "inputs", "keep")

DEFAULT_RECIPE: Mapping[str, Any] = {
    "version": 1,
    "keep_input": False,
    "steps": [
        {"name": "returns", "params": {"horizons": [1, 5, 20], "kind": "log"}},
        {"name": "realized_volatility", "params": {"window": 20, "estimators": ["parkinson", "garman_klass"]}},
        {"name": "rsi", "params": {"timeperiod": 14}},
        {"name": "macd", "params": {"fastperiod": 12, "slowperiod": 26, "signalperiod": 9, "relative": True}},
        {"name": "bollinger", "params": {"timeperiod": 20, "nbdev": 2.0, "relative": True}},
        {"name": "volume_zscore", "params": {"window": 20, "log": True}},
        {"name": "regime_features", "params": {"trend_window": 20, "vol_window": 20, "percentile_window": 120}},
    ],
}
"""A sensible starting recipe: log returns (1, 5, 20 bars), range-based realized volatility (the
close-to-close one comes with the regime features), RSI, MACD and Bollinger
bands relative to the close, log-volume z-score, and the core's regime features. All steps are causal; it
needs the ``huracan-features`` plugin. Build it with ``Recipe.from_dict(DEFAULT_RECIPE)`` (the dict is copied)."""


@dataclass(frozen=True)
class RecipeStep:
    """One step: a catalog preprocessor name, its parameters, the columns it sees, and whether its output is kept."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] | None = None
    keep: bool = True

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "params": _plain(self.params)}
        if self.inputs is not None:
            out["inputs"] = list(self.inputs)
        if not self.keep:
            out["keep"] = False
        return out


def _plain(value: Any) -> Any:
    """Parameters as plain JSON values (tuples become lists)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _parse_patterns(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Sequence) or not value or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: expected a non-empty list of column names or patterns, got {value!r}")
    return tuple(value)


def _match(columns: Sequence[Any], patterns: Sequence[str]) -> list[str]:
    chosen: list[str] = []
    for pattern in patterns:
        for column in columns:
            name = str(column)
            if fnmatch.fnmatchcase(name, pattern) and name not in chosen:
                chosen.append(name)
    return chosen


def _reraise(exc: BaseException, where: str) -> BaseException:
    """``exc`` with ``where`` prefixed to its message, keeping its type where the type allows it."""
    message = f"{where}: {exc}"
    if isinstance(exc, ComponentNotFoundError):
        return ConfigError(message)
    if isinstance(exc, KeyError):  # a component indexing a column the frame lacks
        return DataContractError(f"{where}: missing column {exc}")
    try:
        new = type(exc)(message)
    except Exception:
        exc.add_note(where)
        return exc
    return new


class Recipe:
    """A declarative feature pipeline (see the module docstring for the schema and the joining rule).

    Args:
        steps: :class:`RecipeStep` objects or mappings ``{name, params, inputs, keep}``.
        keep_input: keep the input frame's columns in the output.
        outputs: fnmatch patterns selecting the final columns.
        require_causal: refuse (``ConfigError``) any step that is not causal.
        catalog: where names are looked up (default: :func:`huracan_core.load_catalog`).
        source: where the recipe came from (a YAML path), for error messages.
    """

    def __init__(
        self,
        steps: Sequence[RecipeStep | Mapping[str, Any]],
        *,
        keep_input: bool = False,
        outputs: Sequence[str] | None = None,
        require_causal: bool = False,
        catalog: Any = None,
        source: str | None = None,
    ) -> None:
        self.source = source
        self._where = f"recipe {source}" if source else "recipe"
        if not isinstance(keep_input, bool):
            raise ConfigError(f"{self._where}: keep_input: expected true or false, got {keep_input!r}")
        self.keep_input = keep_input
        self.outputs = None if outputs is None else _parse_patterns(outputs, f"{self._where}: outputs")
        self.require_causal = require_causal
        if catalog is None:
            from huracan_core import load_catalog

            catalog = load_catalog()
        self._catalog = catalog
        if isinstance(steps, str | bytes) or not isinstance(steps, Sequence) or not steps:
            raise ConfigError(f"{self._where}: steps: expected a non-empty list of steps, got {steps!r}")
        self.steps: tuple[RecipeStep, ...] = tuple(self._parse_step(i, s) for i, s in enumerate(steps))
        self._specs = [self._lookup(i, step) for i, step in enumerate(self.steps)]
        for i, step in enumerate(self.steps):  # building each component validates its parameters now
            component = self._build(i, step)
            if require_causal and not self._step_causal(i, component):
                raise ConfigError(
                    f"{self._where}: steps[{i}].name: {step.name!r} is not causal (its model info is marked "
                    "non_causal or lacks 'causal'); refused because require_causal=True. Use a causal "
                    "alternative (e.g. 'causal_trend' instead of an offline decomposition) or remove the step."
                )
        self._fitted: list[Any] | None = None
        self.input_columns_: list[str] | None = None
        self.feature_names_out_: list[str] | None = None

    # -- construction ------------------------------------------------------------------
    def _parse_step(self, i: int, raw: RecipeStep | Mapping[str, Any]) -> RecipeStep:
        where = f"{self._where}: steps[{i}]"
        if isinstance(raw, RecipeStep):
            return raw
        if not isinstance(raw, Mapping):
            raise ConfigError(
                f"{where}: expected a mapping with 'name' and optional {', '.join(_STEP_KEYS[1:])}, got {raw!r}"
            )
        unknown = [k for k in raw if k not in _STEP_KEYS]
        if unknown:
            raise ConfigError(f"{where}.{unknown[0]}: unknown key; allowed keys are {', '.join(_STEP_KEYS)}")
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where}.name: expected the catalog name of a preprocessor, got {name!r}")
        params = raw.get("params") or {}
        if not isinstance(params, Mapping):
            raise ConfigError(f"{where}.params: expected a mapping of parameter names to values, got {params!r}")
        inputs = raw.get("inputs")
        keep = raw.get("keep", True)
        if not isinstance(keep, bool):
            raise ConfigError(f"{where}.keep: expected true or false, got {keep!r}")
        return RecipeStep(
            name=name,
            params=copy.deepcopy(dict(params)),
            inputs=None if inputs is None else _parse_patterns(inputs, f"{where}.inputs"),
            keep=keep,
        )

    def _lookup(self, i: int, step: RecipeStep) -> Any:
        where = f"{self._where}: steps[{i}].name"
        try:
            spec = self._catalog.get(step.name)
        except ComponentNotFoundError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        if spec.kind != "preprocessor":
            raise ConfigError(f"{where}: {step.name!r} is a {spec.kind}, not a preprocessor")
        return spec

    def _build(self, i: int, step: RecipeStep) -> Any:
        try:
            return self._specs[i].create(**copy.deepcopy(dict(step.params)))
        except TypeError as exc:
            raise ConfigError(
                f"{self._where}: steps[{i}].params: invalid parameters for {step.name!r}: {exc}"
            ) from None
        except HuracanError as exc:
            raise _reraise(exc, f"{self._where}: steps[{i}] ({step.name})") from exc

    def _step_causal(self, i: int, component: Any) -> bool:
        return bool(self._specs[i].info.causal and getattr(component, "causal", False))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **options: Any) -> Recipe:
        """Build from ``{"steps": [...], "keep_input": ..., "outputs": ...}``; ``options`` as the constructor."""
        where = f"recipe {options['source']}" if options.get("source") else "recipe"
        if not isinstance(data, Mapping):
            raise ConfigError(f"{where}: expected a mapping with a 'steps' list, got {type(data).__name__}")
        unknown = [k for k in data if k not in _TOP_KEYS]
        if unknown:
            raise ConfigError(f"{where}: {unknown[0]}: unknown key; allowed keys are {', '.join(_TOP_KEYS)}")
        version = data.get("version", RECIPE_VERSION)
        if version != RECIPE_VERSION:
            raise ConfigError(f"{where}: version: this Huracan reads recipe version {RECIPE_VERSION}, got {version!r}")
        if "steps" not in data:
            raise ConfigError(f"{where}: steps: missing; a recipe needs a list of steps")
        data = copy.deepcopy(dict(data))
        return cls(
            data["steps"],
            keep_input=data.get("keep_input", False),
            outputs=data.get("outputs"),
            **options,
        )

    @classmethod
    def from_yaml(cls, path_or_text: str | Path, **options: Any) -> Recipe:
        """Build from a YAML file path or YAML text; errors name the file and the YAML path."""
        import yaml

        source: str | None = None
        text: str
        if isinstance(path_or_text, Path) or (
            "\n" not in path_or_text and Path(path_or_text).suffix in (".yaml", ".yml")
        ):
            path = Path(path_or_text)
            if not path.is_file():
                raise ConfigError(f"recipe file {path} does not exist")
            text, source = path.read_text(), str(path)
        else:
            text = str(path_or_text)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"recipe {source or '(text)'}: invalid YAML: {exc}") from None
        options.setdefault("source", source)
        return cls.from_dict(data, **options)

    # -- description ---------------------------------------------------------------------
    @property
    def provides(self) -> frozenset[str]:
        """Feature tags the recipe's steps provide (from their model info)."""
        return frozenset(tag for spec in self._specs for tag in spec.info.provides)

    @property
    def causal(self) -> bool:
        """True when every step is causal (model info ``causal`` and the component's ``causal`` attribute)."""
        return all(self._step_causal(i, self._build(i, step)) for i, step in enumerate(self.steps))

    @property
    def fitted(self) -> bool:
        return self._fitted is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": RECIPE_VERSION,
            "keep_input": self.keep_input,
            "steps": [step.to_dict() for step in self.steps],
        }
        if self.outputs is not None:
            out["outputs"] = list(self.outputs)
        return out

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.to_dict(), sort_keys=False)

    def __repr__(self) -> str:
        names = ", ".join(step.name for step in self.steps)
        return f"Recipe([{names}], fitted={self.fitted})"

    # -- running -------------------------------------------------------------------------
    def _check_input(self, frame: Any, what: str) -> Any:
        import pandas as pd

        if not isinstance(frame, pd.DataFrame):
            raise DataContractError(f"{self._where}: {what} expected a pandas DataFrame, got {type(frame).__name__}")
        if len(frame) == 0:
            raise DataContractError(f"{self._where}: {what} got a frame with no rows")
        return frame

    def _run(self, frame: Any, fit: bool) -> Any:
        import pandas as pd

        running = frame.copy()
        input_columns = [str(c) for c in frame.columns]
        produced: list[str] = []
        components = [] if fit else list(self._fitted or [])
        for i, step in enumerate(self.steps):
            where = f"{self._where}: steps[{i}] ({step.name})"
            if fit:
                component = self._build(i, step)
                components.append(component)
            else:
                component = components[i]
            if step.inputs is not None:
                chosen = _match(list(running.columns), step.inputs)
                if not chosen:
                    raise DataContractError(
                        f"{where}: inputs {list(step.inputs)} match no column of the running frame "
                        f"({', '.join(map(str, running.columns))})"
                    )
                view = running[chosen]
            else:
                view = running
            try:
                if fit:
                    component.fit(view)
                out = component.transform(view)
            except Exception as exc:
                raise _reraise(exc, f"{where} {'fit' if fit else 'transform'}") from exc
            if isinstance(out, pd.Series):
                out = out.to_frame(name=str(out.name) if out.name is not None else step.name)
            if not isinstance(out, pd.DataFrame):
                raise DataContractError(f"{where}: transform returned {type(out).__name__}, expected a DataFrame")
            if not out.index.equals(running.index):
                if not getattr(component, "changes_index", False):
                    raise DataContractError(
                        f"{where}: transform returned {len(out)} rows indexed differently from its input "
                        f"({len(running)} rows); only cleaning/resampling steps (changes_index=True) may change the index"
                    )
                running = running.reindex(out.index)
            new = {str(c): out[c] for c in out.columns}
            running = running.assign(**new) if new else running
            if step.keep:
                produced += [c for c in new if c not in input_columns and c not in produced]
            logger.debug("%s: %d column(s) out", where, len(new))
        columns = ([c for c in input_columns if c in running.columns] if self.keep_input else []) + produced
        if self.outputs is not None:
            columns = _match(columns, self.outputs)
        if not columns:
            raise DataContractError(
                f"{self._where}: the recipe produces no output columns"
                + (f" matching outputs {list(self.outputs)}" if self.outputs is not None else "")
            )
        if fit:
            self._fitted = components
        return running[columns]

    def fit(self, frame: Any, y: Any = None) -> Recipe:
        """Fit every step on ``frame`` (training data only), in order; returns self."""
        frame = self._check_input(frame, "fit")
        out = self._run(frame, fit=True)
        self.input_columns_ = [str(c) for c in frame.columns]
        self.feature_names_out_ = [str(c) for c in out.columns]
        return self

    def transform(self, frame: Any) -> Any:
        """Features indexed like ``frame`` (warm-up rows NaN, not dropped)."""
        if self._fitted is None:
            raise NotFittedError(f"{self._where} is not fitted yet; call 'fit' with training data first")
        frame = self._check_input(frame, "transform")
        out = self._run(frame, fit=False)
        if list(out.columns) != self.feature_names_out_:
            raise DataContractError(
                f"{self._where}: transform produced columns {list(out.columns)}, but fit produced "
                f"{self.feature_names_out_}; give transform the same kind of frame as fit"
            )
        return out

    def fit_transform(self, frame: Any, y: Any = None) -> Any:
        frame = self._check_input(frame, "fit")
        out = self._run(frame, fit=True)
        self.input_columns_ = [str(c) for c in frame.columns]
        self.feature_names_out_ = [str(c) for c in out.columns]
        return out

    # -- persistence -----------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write ``recipe.json`` and ``state.npz`` to the folder ``path`` (config and fitted state; no pickle)."""
        import numpy as np

        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {}
        states = []
        if self._fitted is not None:
            for i, (step, component) in enumerate(zip(self.steps, self._fitted)):
                state = _component_state(component, f"{self._where}: steps[{i}] ({step.name})")
                states.append(_externalise(state, f"s{i}", arrays, f"steps[{i}] ({step.name})"))
        buffer_path = folder / "state.npz"
        np.savez(buffer_path, **arrays)
        digest = hashlib.sha256(buffer_path.read_bytes()).hexdigest()
        document = {
            "format": RECIPE_FORMAT,
            "format_version": RECIPE_VERSION,
            "recipe": self.to_dict(),
            "fitted": self._fitted is not None,
            "input_columns": self.input_columns_,
            "feature_names_out": self.feature_names_out_,
            "states": states,
            "state_sha256": digest,
        }
        (folder / "recipe.json").write_text(json.dumps(document, indent=2, sort_keys=True))

    @classmethod
    def load(cls, path: str | Path, **options: Any) -> Recipe:
        """Read a folder written by :meth:`save`; checks the arrays' sha256 and never unpickles."""
        import numpy as np

        folder = Path(path)
        config_path, state_path = folder / "recipe.json", folder / "state.npz"
        if not config_path.is_file() or not state_path.is_file():
            raise ArtifactError(f"{folder} is not a saved recipe (expected recipe.json and state.npz)")
        try:
            document = json.loads(config_path.read_text())
        except json.JSONDecodeError as exc:
            raise ArtifactError(f"{config_path}: not valid JSON: {exc}") from None
        if document.get("format") != RECIPE_FORMAT:
            raise ArtifactError(f"{config_path}: not a Huracan recipe (format {document.get('format')!r})")
        digest = hashlib.sha256(state_path.read_bytes()).hexdigest()
        if digest != document.get("state_sha256"):
            raise ArtifactError(
                f"{state_path}: sha256 {digest} does not match the recorded {document.get('state_sha256')}"
            )
        options.setdefault("source", str(config_path))
        recipe = cls.from_dict(document["recipe"], **options)
        if not document.get("fitted"):
            return recipe
        with np.load(state_path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
        components = []
        for i, (step, state) in enumerate(zip(recipe.steps, document["states"])):
            component = recipe._build(i, step)
            _restore_state(component, _internalise(state, arrays), f"{recipe._where}: steps[{i}] ({step.name})")
            components.append(component)
        recipe._fitted = components
        recipe.input_columns_ = document.get("input_columns")
        recipe.feature_names_out_ = document.get("feature_names_out")
        return recipe


# -- state helpers ---------------------------------------------------------------------------
def _is_json_value(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple):
        return all(_is_json_value(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json_value(v) for k, v in value.items())
    return False


def _component_state(component: Any, where: str) -> dict[str, Any]:
    import numpy as np

    if hasattr(component, "get_state"):
        return dict(component.get_state())
    state: dict[str, Any] = {}
    for name, value in vars(component).items():
        if not name.endswith("_") or name.startswith("_"):
            continue
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            state[name] = value
        elif _is_json_value(value):
            state[name] = value
        else:
            raise ArtifactError(
                f"{where}: fitted attribute {name!r} ({type(value).__name__}) cannot be saved as JSON or a numeric "
                "array; give the component get_state()/set_state()"
            )
    return state


def _restore_state(component: Any, state: dict[str, Any], where: str) -> None:
    if hasattr(component, "set_state"):
        component.set_state(state)
        return
    for name, value in state.items():
        if not name.endswith("_"):
            raise ArtifactError(f"{where}: saved state key {name!r} is not a fitted attribute")
        setattr(component, name, value)


def _externalise(state: Mapping[str, Any], prefix: str, arrays: dict[str, Any], where: str) -> dict[str, Any]:
    import numpy as np

    out: dict[str, Any] = {}
    for name, value in state.items():
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in "biuf":
                raise ArtifactError(
                    f"{where}: state {name!r} has dtype {value.dtype}; only numeric arrays are saved (no pickle)"
                )
            key = f"{prefix}.{name}"
            arrays[key] = value
            out[name] = {"__array__": key}
        elif _is_json_value(value):
            out[name] = _plain(value)
        else:
            raise ArtifactError(f"{where}: state {name!r} ({type(value).__name__}) is neither JSON nor a numeric array")
    return out


def _internalise(state: Mapping[str, Any], arrays: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in state.items():
        if isinstance(value, Mapping) and set(value) == {"__array__"}:
            key = value["__array__"]
            if key not in arrays:
                raise ArtifactError(f"saved recipe state refers to array {key!r}, missing from state.npz")
            out[name] = arrays[key]
        else:
            out[name] = value
    return out
