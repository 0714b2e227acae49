"""Conformance checks: one function per property, each taking a :class:`ComponentSpec`.

Every check raises ``AssertionError`` (or the component's own exception) with a
message naming the component and what was expected. :func:`checks_for` picks the
checks that apply to a spec's kind and capabilities.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from huracan_core._errors import NotFittedError
from huracan_core._model_info import ModelInfo
from huracan_core._spec import ComponentSpec
from huracan_core._vocab import REGIMES
from huracan_core.causality import check_causality
from huracan_core.interfaces import BaseComponent, check_is_fitted
from huracan_core.registry._artifacts import PICKLE_SUFFIXES, looks_like_pickle
from huracan_core.testing._data import make_feature_frame, make_market_frame

__all__ = ["HEAVY_MODULES", "TinyLinearLearner", "checks_for"]

Check = Callable[[ComponentSpec], None]

HEAVY_MODULES = (
    "torch",
    "jax",
    "jaxlib",
    "xgboost",
    "sklearn",
    "optuna",
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "talib",
    "tensorflow",
)
"""Modules a plugin's entry-point module must not import (discovery stays fast)."""

_SUPERVISED = ("regression", "classification")


# --------------------------------------------------------------------------- data
def _n_rows(spec: ComponentSpec) -> int:
    shape = spec.info.ideal_dataset_shape
    n = max(400, shape.min_rows + 150, (shape.lookback or 0) + 250)
    if shape.max_rows is not None:
        n = min(n, shape.max_rows)
    return n


def _uses_ohlcv(spec: ComponentSpec) -> bool:
    return "ohlcv" in spec.info.feature_requirements


def _features(spec: ComponentSpec, market: pd.DataFrame) -> pd.DataFrame:
    if _uses_ohlcv(spec):
        return market
    return make_feature_frame(market, spec.info.ideal_dataset_shape.n_features)


def _target(spec: ComponentSpec, market: pd.DataFrame, index: pd.Index) -> pd.Series | None:
    from huracan_core.targets import direction_target, forward_return_target

    if spec.info.task == "regression":
        target = forward_return_target(market, 1)
    elif spec.info.task == "classification":
        target = direction_target(market, 1)
    else:
        return None
    values = target.values.reindex(index)
    # reindexing introduces NaN (and so floats); restore integer class labels where every row has one
    return values if values.isna().any() else values.astype(target.values.dtype)


def make_check_data(spec: ComponentSpec, seed: int = 3) -> tuple[pd.DataFrame, Any, pd.DataFrame]:
    """(X, y, market) suited to the spec's model info; y is None for unsupervised tasks."""
    market = make_market_frame(_n_rows(spec), seed=seed)
    X = _features(spec, market)
    y = _target(spec, market, X.index)
    if y is not None:
        keep = y.notna().to_numpy()
        X, y = X.loc[keep], y.loc[keep]
        if spec.info.task == "classification":
            y = y.astype("int64")
    return X, y, market


def _new(spec: ComponentSpec, **overrides: Any) -> Any:
    return spec.create(**{**dict(spec.test_params), **overrides})


def _fit(model: Any, X: Any, y: Any) -> Any:
    returned = model.fit(X) if y is None else model.fit(X, y)
    assert returned is model, f"fit must return self, got {type(returned).__name__}"
    return model


def _as_array(output: Any) -> np.ndarray:
    return np.asarray(output.to_numpy() if hasattr(output, "to_numpy") else output)


def _same(a: Any, b: Any) -> bool:
    a_arr, b_arr = _as_array(a), _as_array(b)
    if a_arr.shape != b_arr.shape:
        return False
    if a_arr.dtype.kind in "fc":
        return bool(np.allclose(a_arr, b_arr, rtol=0, atol=0, equal_nan=True))
    return bool((a_arr == b_arr).all())


def _raises(exc_types: tuple[type[BaseException], ...], fn: Callable[[], Any], what: str) -> BaseException:
    try:
        fn()
    except exc_types as exc:
        assert str(exc).strip(), f"{what}: the error has an empty message"
        return exc
    raise AssertionError(f"{what}: expected {' or '.join(t.__name__ for t in exc_types)}, nothing was raised")


# --------------------------------------------------------------------------- common
def check_spec_valid(spec: ComponentSpec) -> None:
    """Spec and model info validate, round-trip through JSON, and match the shipped JSON Schema."""
    spec.validate()
    again = ComponentSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again.to_dict() == spec.to_dict(), f"{spec.name}: spec changes in a JSON round trip"
    from huracan_core.schema import validate_model_info_json

    validate_model_info_json(spec.info.to_dict(), owner=spec.name)


def check_factory_resolves(spec: ComponentSpec) -> None:
    """The lazy factory imports and builds with ``test_params``; parameters round-trip."""
    factory = spec.load()
    assert callable(factory), f"{spec.name}: factory {spec.factory} is not callable"
    instance = factory(**dict(spec.test_params))
    if hasattr(instance, "get_params"):
        params = instance.get_params(deep=False)
        for key, value in spec.test_params.items():
            assert key in params, f"{spec.name}: test param {key!r} missing from get_params()"
            assert params[key] == value, f"{spec.name}: get_params()[{key!r}] is {params[key]!r}, set {value!r}"
        assert instance.set_params(**params) is instance, f"{spec.name}: set_params must return self"


def check_plugin_module_is_light(spec: ComponentSpec) -> None:
    """The plugin's entry-point module imports none of ``HEAVY_MODULES`` (fresh interpreter)."""
    from huracan_core import load_catalog

    modules: list[str] = []
    if spec.plugin:
        try:
            modules = [m.split(":")[0] for m in load_catalog().plugin(spec.plugin).modules]
        except LookupError:
            modules = []
    if not modules:
        modules = [spec.factory.split(":")[0].rsplit(".", 1)[0] + "._plugin"]
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{spec.name}: importing {modules} failed:\n{result.stderr[-2000:]}"
    heavy = json.loads(result.stdout.strip().splitlines()[-1])
    assert not heavy, f"{spec.name}: plugin module(s) {modules} import heavy libraries at discovery: {heavy}"


# --------------------------------------------------------------------------- learners
def _check_output(spec: ComponentSpec, X: pd.DataFrame, prediction: Any, model: Any) -> None:
    kind = spec.info.output_schema.kind
    assert isinstance(prediction, pd.Series | pd.DataFrame), (
        f"{spec.name}: predict on a DataFrame must return a pandas Series/DataFrame indexed by timestamp, "
        f"got {type(prediction).__name__}"
    )
    assert len(prediction) > 0, f"{spec.name}: predict returned no rows"
    assert prediction.index.isin(X.index).all(), f"{spec.name}: prediction index has timestamps not in the input"
    assert prediction.index.is_monotonic_increasing and prediction.index.is_unique, (
        f"{spec.name}: prediction index must be sorted and unique"
    )
    assert prediction.index.equals(X.index[len(X) - len(prediction) :]), (
        f"{spec.name}: predictions must cover every row after the warm-up (a suffix of the input index); "
        f"got {len(prediction)} rows for {len(X)} inputs with gaps or a missing last row"
    )
    lookback = spec.info.ideal_dataset_shape.lookback
    if lookback is not None:
        assert len(prediction) >= len(X) - lookback + 1, (
            f"{spec.name}: {len(prediction)} predictions for {len(X)} rows; only lookback-1 = {lookback - 1} warm-up rows may be dropped"
        )
    values = _as_array(prediction)
    if kind in ("point", "score", "embedding", "proba"):
        assert values.dtype.kind in "fiu", f"{spec.name}: {kind} output must be numeric, got {values.dtype}"
        assert np.isfinite(values.astype("float64")).all(), f"{spec.name}: {kind} output has NaN/inf"
    if kind == "direction":
        classes = set(np.asarray(getattr(model, "classes_", np.unique(values))).tolist())
        assert set(np.unique(values).tolist()) <= classes, f"{spec.name}: predicted labels outside classes_ {classes}"
    if kind == "regime":
        unknown = set(np.unique(values.astype(str)).tolist()) - set(REGIMES)
        assert not unknown, f"{spec.name}: regime output has labels outside the vocabulary: {sorted(unknown)}"
    columns = spec.info.output_schema.columns
    if isinstance(prediction, pd.DataFrame) and columns:
        assert list(prediction.columns) == list(columns), (
            f"{spec.name}: output columns {list(prediction.columns)} differ from output_schema.columns {list(columns)}"
        )


def check_fit_predict(spec: ComponentSpec) -> None:
    """fit returns self; predict returns timestamp-indexed output matching ``output_schema``."""
    X, y, _ = make_check_data(spec)
    model = _fit(_new(spec), X, y)
    _check_output(spec, X, model.predict(X), model)


def check_predict_proba(spec: ComponentSpec) -> None:
    """``predict_proba`` rows are probabilities that sum to 1."""
    X, y, _ = make_check_data(spec)
    model = _fit(_new(spec), X, y)
    proba = model.predict_proba(X)
    values = _as_array(proba).astype("float64")
    assert values.ndim == 2 and values.shape[1] >= 2, (
        f"{spec.name}: predict_proba must be (rows, classes), got {values.shape}"
    )
    assert ((values >= -1e-9) & (values <= 1 + 1e-9)).all(), f"{spec.name}: probabilities outside [0, 1]"
    assert np.allclose(values.sum(axis=1), 1.0, atol=1e-5), f"{spec.name}: probability rows do not sum to 1"


def _pickle_files(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            head = handle.read(4096)
        if path.suffix.lower() in PICKLE_SUFFIXES or looks_like_pickle(head):
            found.append(path.name)
    return found


def check_save_load_roundtrip(spec: ComponentSpec) -> None:
    """save → load gives identical predictions, and writes no pickle."""
    X, y, _ = make_check_data(spec)
    model = _fit(_new(spec), X, y)
    expected = model.predict(X)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "model"
        model.save(folder)
        pickles = _pickle_files(folder)
        assert not pickles, f"{spec.name}: save() wrote pickle files {pickles}; use safetensors/npz/UBJ/skops/JSON"
        loaded = type(model).load(folder)
    assert _same(loaded.predict(X), expected), f"{spec.name}: predictions differ after save → load"


def check_unfitted_raises(spec: ComponentSpec) -> None:
    """predict before fit raises a NotFittedError-like error that says to call fit."""
    X, _, _ = make_check_data(spec)
    model = _new(spec)
    try:
        model.predict(X)
    except Exception as exc:
        name = type(exc).__name__
        assert isinstance(exc, NotFittedError) or "NotFitted" in name or "fit" in str(exc).lower(), (
            f"{spec.name}: predict before fit raised {name}: {exc} — expected a NotFittedError telling the user to fit"
        )
        return
    raise AssertionError(f"{spec.name}: predict before fit raised nothing")


def check_nan_input_raises(spec: ComponentSpec) -> None:
    """NaN in the features is refused with a ValueError (unless the model declares ``missing_values``)."""
    X, y, _ = make_check_data(spec)
    bad = X.copy()
    column = "close" if _uses_ohlcv(spec) else bad.columns[0]
    bad.iloc[len(bad) // 2, bad.columns.get_loc(column)] = np.nan
    exc = _raises((ValueError,), lambda: _fit(_new(spec), bad, y), f"{spec.name}: fit with NaN in {column!r}")
    del exc


def check_inf_input_raises(spec: ComponentSpec) -> None:
    """inf in the features is always refused with a ValueError."""
    X, y, _ = make_check_data(spec)
    bad = X.copy()
    column = "close" if _uses_ohlcv(spec) else bad.columns[0]
    bad.iloc[len(bad) // 2, bad.columns.get_loc(column)] = np.inf
    _raises((ValueError,), lambda: _fit(_new(spec), bad, y), f"{spec.name}: fit with inf in {column!r}")


def check_wrong_features_raises(spec: ComponentSpec) -> None:
    """predict with a column missing (or renamed) raises a ValueError."""
    X, y, _ = make_check_data(spec)
    model = _fit(_new(spec), X, y)
    column = "close" if _uses_ohlcv(spec) else X.columns[-1]
    _raises(
        (ValueError, KeyError),
        lambda: model.predict(X.drop(columns=[column])),
        f"{spec.name}: predict without {column!r}",
    )


def check_empty_input_raises(spec: ComponentSpec) -> None:
    """fit on zero rows raises a ValueError."""
    X, y, _ = make_check_data(spec)
    _raises(
        (ValueError,),
        lambda: _fit(_new(spec), X.iloc[:0], None if y is None else y.iloc[:0]),
        f"{spec.name}: fit on 0 rows",
    )


def check_reproducible(spec: ComponentSpec) -> None:
    """Two fits with the same parameters (and seed) give identical predictions."""
    X, y, _ = make_check_data(spec)
    first = _fit(_new(spec), X, y).predict(X)
    second = _fit(_new(spec), X, y).predict(X)
    assert _same(first, second), f"{spec.name}: two fits with the same seed give different predictions"


def check_learner_causal(spec: ComponentSpec) -> None:
    """A fitted causal learner's prediction at t ignores rows after t (perturbation and truncation)."""
    X, y, market = make_check_data(spec)
    model = _fit(_new(spec), X, y)

    def predict(frame: pd.DataFrame) -> Any:
        return model.predict(_features(spec, frame))

    lookback = spec.info.ideal_dataset_shape.lookback or 1
    report = check_causality(
        predict, market, n_points=3, min_rows=max(len(market) // 2, lookback + 40), name=spec.name, rtol=1e-6, atol=1e-9
    )
    report.raise_if_failed()


# --------------------------------------------------------------------------- preprocessors
def _preprocessor_data(spec: ComponentSpec) -> pd.DataFrame:
    market = make_market_frame(_n_rows(spec), seed=5)
    return market if _uses_ohlcv(spec) else make_feature_frame(market)


def check_transform_output(spec: ComponentSpec) -> None:
    """transform returns a non-empty frame indexed exactly like its input; ``causal`` matches model info."""
    frame = _preprocessor_data(spec)
    pre = _new(spec)
    pre.fit(frame.iloc[: int(len(frame) * 0.6)])
    out = pre.transform(frame)
    assert isinstance(out, pd.DataFrame), f"{spec.name}: transform must return a DataFrame, got {type(out).__name__}"
    assert out.shape[1] >= 1, f"{spec.name}: transform returned no columns"
    if "reindexes" in spec.info.capabilities:  # resampling/cleaning: new bars, never past the input's last bar
        assert out.index.is_monotonic_increasing and out.index.is_unique and len(out) > 0, (
            f"{spec.name}: a reindexing transform must return sorted, unique, non-empty bars"
        )
    else:
        assert out.index.equals(frame.index), f"{spec.name}: transform must keep the input index (warm-up rows as NaN)"
    declared = bool(getattr(pre, "causal", False))
    assert declared == spec.info.causal, (
        f"{spec.name}: instance.causal is {declared} but model info capabilities say causal={spec.info.causal}"
    )


def check_preprocessor_causal(spec: ComponentSpec) -> None:
    """Fitted on a prefix, transform's rows at or before t ignore rows after t."""
    frame = _preprocessor_data(spec)
    pre = _new(spec)
    pre.fit(frame.iloc[: int(len(frame) * 0.3)])
    report = check_causality(pre.transform, frame, n_points=4, min_rows=int(len(frame) * 0.4), name=spec.name)
    report.raise_if_failed()


def check_preprocessor_empty_raises(spec: ComponentSpec) -> None:
    """fit on zero rows raises a ValueError."""
    frame = _preprocessor_data(spec)
    _raises((ValueError,), lambda: _new(spec).fit(frame.iloc[:0]), f"{spec.name}: fit on 0 rows")


# --------------------------------------------------------------------------- trainers
class TinyLinearLearner(BaseComponent):
    """Least-squares regression in numpy: the learner the kit hands to backend-agnostic trainers."""

    def __init__(self, ridge: float = 1e-6) -> None:
        self.ridge = ridge

    def fit(self, X: Any, y: Any) -> TinyLinearLearner:
        A = np.c_[np.ones(len(X)), np.asarray(X, dtype="float64")]
        target = np.asarray(y, dtype="float64")
        self.coef_ = np.linalg.solve(A.T @ A + self.ridge * np.eye(A.shape[1]), A.T @ target)
        return self

    def predict(self, X: Any) -> Any:
        check_is_fitted(self, "coef_")
        values = np.c_[np.ones(len(X)), np.asarray(X, dtype="float64")] @ self.coef_
        return pd.Series(values, index=X.index) if isinstance(X, pd.DataFrame) else values


def check_trainer_trains(spec: ComponentSpec) -> None:
    """The trainer returns a fitted learner of a backend it supports, with usable predictions."""
    from huracan_core import load_catalog

    trainer = _new(spec)
    if "any" in spec.backends:
        learner_spec = None
        learner: Any = TinyLinearLearner()
    else:
        candidates = [
            s
            for s in load_catalog().query(kind="learner", installed_only=True)
            if s.info.backend in spec.backends and s.info.task in _SUPERVISED
        ]
        assert candidates, f"{spec.name}: no installed learner with backend in {spec.backends} to train"
        learner_spec = candidates[0]
        learner = _new(learner_spec)
    data_spec = learner_spec or ComponentSpec(
        name="tiny",
        kind="learner",
        factory="huracan_core.testing._checks:TinyLinearLearner",
        info=ModelInfo.from_dict(
            {
                "purpose": "kit",
                "ideal_dataset_shape": {"layout": "tabular"},
                "feature_requirements": ["any"],
                "output_schema": {"kind": "point"},
                "market_regimes": ["any"],
                "task": "regression",
            }
        ),
    )
    X, y, _ = make_check_data(data_spec)
    split = int(len(X) * 0.8)
    fitted = trainer.train(learner, X.iloc[:split], y.iloc[:split], X_val=X.iloc[split:], y_val=y.iloc[split:])
    prediction = fitted.predict(X)
    assert len(prediction) > 0 and np.isfinite(_as_array(prediction).astype("float64")).all(), (
        f"{spec.name}: the trained learner's predictions are empty or not finite"
    )


# --------------------------------------------------------------------------- meta-learners
def check_meta_learner_combines(spec: ComponentSpec) -> None:
    """Combining three noisy base predictions beats the worst one and keeps the index."""
    rng = np.random.default_rng(11)
    index = pd.date_range("2021-01-01", periods=400, freq="1D", tz="UTC")
    truth = pd.Series(rng.normal(0, 1, 400), index=index)
    base = pd.DataFrame({f"m{i}": truth + rng.normal(0, s, 400) for i, s in enumerate((0.3, 0.6, 1.2))}, index=index)
    meta = _fit(_new(spec), base.iloc[:300], truth.iloc[:300])
    combined = meta.predict(base.iloc[300:])
    assert isinstance(combined, pd.Series | pd.DataFrame) and combined.index.equals(base.index[300:]), (
        f"{spec.name}: predict must return output indexed like the base predictions"
    )
    error = float(np.mean((_as_array(combined).ravel() - truth.iloc[300:].to_numpy()) ** 2))
    worst = float(((base.iloc[300:].sub(truth.iloc[300:], axis=0)) ** 2).mean().max())
    assert error < worst, f"{spec.name}: combined MSE {error:.3f} is not below the worst base model's {worst:.3f}"


# --------------------------------------------------------------------------- drift detectors
def _drift_flag(result: Any) -> bool:
    return bool(getattr(result, "drift", result))


def check_drift_detector_batch(spec: ComponentSpec) -> None:
    """No drift on a sample from the reference distribution; drift on a shifted one."""
    rng = np.random.default_rng(5)
    reference = pd.DataFrame({"x": rng.normal(0, 1, 600)})
    detector = _fit(_new(spec), reference, None)
    same = detector.detect(pd.DataFrame({"x": rng.normal(0, 1, 300)}))
    shifted = detector.detect(pd.DataFrame({"x": rng.normal(1.5, 1, 300)}))
    assert not _drift_flag(same), f"{spec.name}: reported drift on data from the reference distribution"
    assert _drift_flag(shifted), f"{spec.name}: missed a mean shift of 1.5 standard deviations"


def check_drift_detector_streaming(spec: ComponentSpec) -> None:
    """Streaming ``update`` raises the flag within 300 values of a shift."""
    rng = np.random.default_rng(6)
    detector = _fit(_new(spec), pd.DataFrame({"x": rng.normal(0, 1, 600)}), None)
    flags = [_drift_flag(detector.update(float(v))) for v in rng.normal(2.0, 1, 300)]
    assert any(flags), f"{spec.name}: streaming update never flagged a 2-sigma shift in 300 values"


# --------------------------------------------------------------------------- selection
def checks_for(spec: ComponentSpec) -> list[Check]:
    """The checks that apply to ``spec`` (by kind, task and capabilities)."""
    checks: list[Check] = [check_spec_valid, check_factory_resolves, check_plugin_module_is_light]
    caps = spec.info.capabilities
    if spec.kind == "learner":
        checks += [check_fit_predict, check_save_load_roundtrip, check_unfitted_raises, check_reproducible]
        checks += [check_inf_input_raises, check_wrong_features_raises, check_empty_input_raises]
        if "missing_values" not in caps:
            checks.append(check_nan_input_raises)
        if "probabilities" in caps:
            checks.append(check_predict_proba)
        if "causal" in caps:
            checks.append(check_learner_causal)
    elif spec.kind == "preprocessor":
        checks += [check_transform_output, check_preprocessor_empty_raises]
        if "causal" in caps:
            checks.append(check_preprocessor_causal)
    elif spec.kind == "trainer":
        if not spec.distributed:  # distributed trainers spawn processes; their plugin tests run them
            checks.append(check_trainer_trains)
    elif spec.kind == "meta_learner":
        checks.append(check_meta_learner_combines)
    elif spec.kind == "drift_detector":
        checks += [check_drift_detector_batch]
        if "streaming" in caps:
            checks.append(check_drift_detector_streaming)
    return checks
