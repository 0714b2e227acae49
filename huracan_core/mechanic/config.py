"""The run configuration: what ``huracan run CONFIG`` reads, validated up front.

Every section is a small frozen dataclass. :func:`load_config` accepts a YAML
path, a YAML string's parsed mapping, or a mapping; unknown keys and bad values
raise :class:`huracan_core.ConfigError` naming the YAML path (``target.kind``)
and the allowed values, so a typo fails in milliseconds instead of after an
hour of training.

A complete example lives in ``docs/examples/sp500.yaml``; ``docs/mechanic.md``
documents every key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from huracan_core._errors import ConfigError
from huracan_core._vocab import REGIME_FAMILIES, REGIMES

__all__ = [
    "CandidateConfig",
    "CostConfig",
    "DataConfig",
    "MechanicConfig",
    "RegimeConfig",
    "RegistryConfig",
    "ReportConfig",
    "RetrainConfig",
    "StatsConfig",
    "TargetConfig",
    "ValidationConfig",
    "load_config",
]

TARGET_KINDS = ("direction", "forward_return", "triple_barrier")
TASK_NAMES = ("classification", "regression")
METRICS = ("sharpe", "hit_rate", "ic", "mean_return")
SCHEMES = ("walk_forward", "purged_kfold")
TESTS = ("block_bootstrap", "diebold_mariano")
REPORT_FORMATS = ("html", "markdown")
LAYOUT_CHOICES = ("tabular", "window")


def _where(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _fail(path: str, expected: str, got: Any) -> ConfigError:
    return ConfigError(f"config: {path}: expected {expected}, got {got!r}")


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _fail(path or "<root>", "a mapping", value)
    return value


def _check_keys(data: Mapping[str, Any], allowed: Sequence[str], path: str) -> None:
    unknown = [k for k in data if k not in allowed]
    if unknown:
        where = _where(path, str(unknown[0]))
        raise ConfigError(f"config: {where}: unknown key; allowed keys here: {', '.join(allowed)}")


def _choice(value: Any, allowed: Sequence[str], path: str) -> str:
    if value not in allowed:
        raise _fail(path, f"one of {', '.join(allowed)}", value)
    return str(value)


def _int(value: Any, path: str, *, low: int | None = None, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or (low is not None and value < low):
        raise _fail(path, f"an integer >= {low}" if low is not None else "an integer", value)
    return value


def _float(
    value: Any, path: str, *, low: float | None = None, high: float | None = None, optional: bool = False
) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _fail(path, "a number", value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise _fail(path, f"a number in [{low}, {high}]", value)
    return float(value)


def _str_list(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise _fail(path, "a list of names", value)
    return tuple(value)


def _build(cls: type, data: Any, path: str, convert: Mapping[str, Any]) -> Any:
    """Check keys against ``cls``'s fields and convert each given value."""
    mapping = _mapping(data, path)
    names = [f.name for f in fields(cls)]
    _check_keys(mapping, names, path)
    kwargs = {}
    for key, value in mapping.items():
        fn = convert.get(key)
        kwargs[key] = fn(value, _where(path, key)) if fn is not None else value
    return cls(**kwargs)


@dataclass(frozen=True)
class DataConfig:
    """Where the market data comes from: a catalog ``dataset`` or a CSV/Parquet ``path``."""

    dataset: str | None = None
    path: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    """Keyword parameters for the dataset loader (e.g. ``n_bars``/``seed`` for the simulator)."""
    start: str | None = None
    end: str | None = None
    last_n: int | None = None
    """Keep only the most recent ``last_n`` bars (after ``start``/``end``)."""
    timestamp_column: str = "timestamp"
    columns: Mapping[str, str] = field(default_factory=dict)
    """Rename columns of a file to the contract's ``open, high, low, close, volume``."""


@dataclass(frozen=True)
class TargetConfig:
    kind: str = "direction"
    horizon: int = 1
    dead_zone: float = 0.0
    profit_take: float = 2.0
    stop_loss: float = 2.0
    volatility_window: int = 20


@dataclass(frozen=True)
class RegimeConfig:
    """The per-bar regime labeller: any catalog component with task ``regime_detection``.

    ``detector: column`` uses the data's own ``regime`` column (the simulator's known regimes).
    """

    detector: str = "rule_regime_detector"
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CandidateConfig:
    """Which catalog learners may compete."""

    include: tuple[str, ...] = ()
    """Only these learner names (empty: every installed learner that fits)."""
    exclude: tuple[str, ...] = ()
    backends: tuple[str, ...] = ()
    layouts: tuple[str, ...] = LAYOUT_CHOICES
    max_candidates: int | None = 8
    """Cap after filtering: ``include``'s order, else ``prefer_backends`` order, then catalog (name) order."""
    prefer_backends: tuple[str, ...] = ()
    """Backends tried first when the cap bites (e.g. fast ``sklearn``/``numpy`` before ``torch``)."""
    max_per_backend: int | None = None
    """At most this many learners per backend, so a capped run still covers every installed family."""
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Per-learner constructor parameters; ``test`` uses each spec's small ``test_params``."""
    use_test_params: bool = False
    trainer: str | None = None
    specialists: bool = True
    """Also train each candidate on one regime's bars only (a regime specialist)."""
    min_regime_rows: int = 60
    """Fewest training rows of a regime for a specialist to be trained."""


@dataclass(frozen=True)
class ValidationConfig:
    scheme: str = "walk_forward"
    n_splits: int = 4
    test_size: int | None = None
    train_size: int | None = None
    """``None`` = expanding window; a number = sliding window of that many rows."""
    gap: int | None = None
    """Rows left out between train and test (default: the target horizon)."""
    embargo: int = 0
    holdout: float = 0.2
    """Fraction (0 < f < 1) or number of most-recent rows kept untouched for the final comparison."""
    metric: str = "sharpe"
    min_regime_bars: int = 20
    """Fewest out-of-fold bars of a regime for its leaderboard to name a champion."""


@dataclass(frozen=True)
class CostConfig:
    bps: float = 1.0
    """Transaction cost per unit of turnover, in basis points."""


@dataclass(frozen=True)
class StatsConfig:
    test: str = "block_bootstrap"
    block_size: int = 10
    n_boot: int = 500
    alpha: float = 0.10


@dataclass(frozen=True)
class RetrainConfig:
    """When a challenger replaces a registered champion."""

    margin: float = 0.0
    """Required lead of the challenger's metric over the champion's on the newest window."""
    alpha: float = 0.10
    """The paired test's p-value must be at most this."""
    min_bars: int = 20


@dataclass(frozen=True)
class RegistryConfig:
    url: str | None = None
    """A folder (SQLite inside) or a SQLAlchemy URL; ``None`` keeps models in the report folder only."""
    artifacts: str | None = None
    """Folder or fsspec URL for artifacts (default: next to the database)."""
    name: str = "default"
    """Model name in the registry (one lineage of champions)."""


@dataclass(frozen=True)
class ReportConfig:
    folder: str = "huracan-report"
    format: str = "html"
    plots: bool = True


@dataclass(frozen=True)
class MechanicConfig:
    """A whole run. Build with :func:`load_config`; every section has working defaults."""

    data: DataConfig = field(default_factory=DataConfig)
    recipe: Any = "default"
    """``"default"`` (the features plugin's ``DEFAULT_RECIPE``) or ``{"steps": [{"name", "params"}]}``."""
    target: TargetConfig = field(default_factory=TargetConfig)
    task: str | None = None
    """``classification``/``regression``; default follows the target kind."""
    regimes: RegimeConfig = field(default_factory=RegimeConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    validation: ValidationConfig = field(default_factory=ValidationConfig)
    costs: CostConfig = field(default_factory=CostConfig)
    stats: StatsConfig = field(default_factory=StatsConfig)
    retrain: RetrainConfig = field(default_factory=RetrainConfig)
    registry: RegistryConfig = field(default_factory=RegistryConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    seed: int = 0

    @property
    def resolved_task(self) -> str:
        if self.task is not None:
            return self.task
        return "regression" if self.target.kind == "forward_return" else "classification"

    def with_overrides(self, **sections: Any) -> MechanicConfig:
        return replace(self, **sections)

    def to_dict(self) -> dict[str, Any]:
        import dataclasses

        return dataclasses.asdict(self)


def _params_mapping(value: Any, path: str) -> Mapping[str, Any]:
    return dict(_mapping(value, path))


def _regime_name(value: Any, path: str) -> str:
    return _choice(value, (*REGIMES, *REGIME_FAMILIES), path)


def _recipe(value: Any, path: str) -> Any:
    if value is None or value == "default":
        return "default"
    if isinstance(value, str):
        raise _fail(path, "'default' or a mapping with 'steps' (a list of {name, params})", value)
    mapping = _mapping(value, path)
    steps = mapping.get("steps")
    if not isinstance(steps, Sequence) or isinstance(steps, str) or not steps:
        raise _fail(_where(path, "steps"), "a non-empty list of {name, params}", steps)
    for i, step in enumerate(steps):
        where = f"{path}.steps[{i}]"
        step_map = _mapping(step, where)
        if not isinstance(step_map.get("name"), str):
            raise _fail(
                f"{where}.name",
                "a preprocessor name from 'huracan models list --kind preprocessor'",
                step_map.get("name"),
            )
    return dict(mapping)


def _candidate_params(value: Any, path: str) -> Mapping[str, Mapping[str, Any]]:
    mapping = _mapping(value, path)
    for name, params in mapping.items():
        _mapping(params, _where(path, str(name)))
    return {str(k): dict(v or {}) for k, v in mapping.items()}


def _holdout(value: Any, path: str) -> float:
    number = _float(value, path, low=0.0)
    if number <= 0 or (number >= 1 and not float(number).is_integer()):
        raise _fail(path, "a fraction in (0, 1) or a whole number of rows", value)
    return number


def _layouts(value: Any, path: str) -> tuple[str, ...]:
    names = _str_list(value, path)
    for i, name in enumerate(names):
        _choice(name, LAYOUT_CHOICES, f"{path}[{i}]")
    return names


_CONVERT: dict[str, tuple[type, dict[str, Any]]] = {
    "data": (
        DataConfig,
        {
            "params": _params_mapping,
            "columns": _params_mapping,
            "last_n": lambda v, p: _int(v, p, low=10, optional=True),
        },
    ),
    "target": (
        TargetConfig,
        {
            "kind": lambda v, p: _choice(v, TARGET_KINDS, p),
            "horizon": lambda v, p: _int(v, p, low=1),
            "dead_zone": lambda v, p: _float(v, p, low=0.0),
            "profit_take": lambda v, p: _float(v, p, low=0.0),
            "stop_loss": lambda v, p: _float(v, p, low=0.0),
            "volatility_window": lambda v, p: _int(v, p, low=2),
        },
    ),
    "regimes": (RegimeConfig, {"params": _params_mapping}),
    "candidates": (
        CandidateConfig,
        {
            "include": _str_list,
            "exclude": _str_list,
            "backends": _str_list,
            "prefer_backends": _str_list,
            "layouts": _layouts,
            "max_candidates": lambda v, p: _int(v, p, low=1, optional=True),
            "max_per_backend": lambda v, p: _int(v, p, low=1, optional=True),
            "params": _candidate_params,
            "min_regime_rows": lambda v, p: _int(v, p, low=1),
        },
    ),
    "validation": (
        ValidationConfig,
        {
            "scheme": lambda v, p: _choice(v, SCHEMES, p),
            "n_splits": lambda v, p: _int(v, p, low=2),
            "test_size": lambda v, p: _int(v, p, low=1, optional=True),
            "train_size": lambda v, p: _int(v, p, low=1, optional=True),
            "gap": lambda v, p: _int(v, p, low=0, optional=True),
            "embargo": lambda v, p: _int(v, p, low=0),
            "holdout": _holdout,
            "metric": lambda v, p: _choice(v, METRICS, p),
            "min_regime_bars": lambda v, p: _int(v, p, low=1),
        },
    ),
    "costs": (CostConfig, {"bps": lambda v, p: _float(v, p, low=0.0)}),
    "stats": (
        StatsConfig,
        {
            "test": lambda v, p: _choice(v, TESTS, p),
            "block_size": lambda v, p: _int(v, p, low=1),
            "n_boot": lambda v, p: _int(v, p, low=50),
            "alpha": lambda v, p: _float(v, p, low=0.0, high=1.0),
        },
    ),
    "retrain": (
        RetrainConfig,
        {
            "margin": lambda v, p: _float(v, p),
            "alpha": lambda v, p: _float(v, p, low=0.0, high=1.0),
            "min_bars": lambda v, p: _int(v, p, low=1),
        },
    ),
    "registry": (RegistryConfig, {}),
    "report": (ReportConfig, {"format": lambda v, p: _choice(v, REPORT_FORMATS, p)}),
}

_BOOL_FIELDS = {("candidates", "use_test_params"), ("candidates", "specialists"), ("report", "plots")}
_STR_FIELDS = {
    ("data", "dataset"),
    ("data", "path"),
    ("data", "start"),
    ("data", "end"),
    ("data", "timestamp_column"),
    ("regimes", "detector"),
    ("candidates", "trainer"),
    ("registry", "url"),
    ("registry", "artifacts"),
    ("registry", "name"),
    ("report", "folder"),
}


def _typed(section: str, key: str, value: Any) -> Any:
    path = f"{section}.{key}"
    if (section, key) in _BOOL_FIELDS and not isinstance(value, bool):
        raise _fail(path, "true or false", value)
    if (section, key) in _STR_FIELDS and value is not None and not isinstance(value, str | int | float):
        raise _fail(path, "a string", value)
    if (section, key) in _STR_FIELDS and value is not None:
        return str(value)
    return value


def load_config(
    source: str | Path | Mapping[str, Any] | MechanicConfig | None = None, **overrides: Any
) -> MechanicConfig:
    """Read and validate a run configuration.

    Args:
        source: a YAML file path, a mapping, an existing :class:`MechanicConfig`, or ``None`` (defaults).
        overrides: top-level sections replacing those of ``source`` (mappings are validated too).

    Raises:
        ConfigError: naming the YAML path of the first problem and the allowed values.
    """
    if isinstance(source, MechanicConfig):
        data: dict[str, Any] = {}
        base = source
    else:
        base = MechanicConfig()
        if source is None:
            data = {}
        elif isinstance(source, str | Path):
            data = dict(_read_yaml(Path(source)))
        else:
            data = dict(_mapping(source, ""))
    data.update(overrides)
    allowed = [f.name for f in fields(MechanicConfig)]
    _check_keys(data, allowed, "")
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key in _CONVERT:
            cls, convert = _CONVERT[key]
            if isinstance(value, cls):
                kwargs[key] = value
                continue
            mapping = {k: _typed(key, k, v) for k, v in _mapping(value, key).items()}
            kwargs[key] = _build(cls, mapping, key, convert)
        elif key == "recipe":
            kwargs[key] = _recipe(value, "recipe")
        elif key == "task":
            kwargs[key] = None if value is None else _choice(value, TASK_NAMES, "task")
        elif key == "seed":
            kwargs[key] = _int(value, "seed", low=0)
    config = replace(base, **kwargs)
    _cross_check(config)
    return config


def _cross_check(config: MechanicConfig) -> None:
    data = config.data
    if data.dataset is not None and data.path is not None:
        raise ConfigError("config: data: give either 'dataset' or 'path', not both")
    if config.task == "regression" and config.target.kind != "forward_return":
        raise ConfigError(
            f"config: task: 'regression' needs target.kind 'forward_return', got target.kind {config.target.kind!r}"
        )
    if config.task == "classification" and config.target.kind == "forward_return":
        raise ConfigError("config: task: 'classification' needs target.kind 'direction' or 'triple_barrier'")
    if config.candidates.include and config.candidates.exclude:
        both = set(config.candidates.include) & set(config.candidates.exclude)
        if both:
            raise ConfigError(f"config: candidates.exclude: {sorted(both)} also listed in candidates.include")


def _read_yaml(path: Path) -> Mapping[str, Any]:
    import yaml

    if not path.is_file():
        raise ConfigError(f"config: file {str(path)!r} does not exist")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"config: {path} is not valid YAML: {exc}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, Mapping):
        raise ConfigError(f"config: {path}: the top level must be a mapping of sections, got {type(loaded).__name__}")
    base = path.parent
    out = dict(loaded)
    # relative data paths are relative to the config file
    data = out.get("data")
    if isinstance(data, Mapping) and isinstance(data.get("path"), str) and not Path(data["path"]).is_absolute():
        candidate = base / data["path"]
        if candidate.exists():
            out["data"] = {**data, "path": str(candidate)}
    return out
