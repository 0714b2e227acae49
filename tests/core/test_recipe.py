"""The recipe schema and executor: fit on train only, joining, errors, causality gate, persistence."""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from huracan_core import (
    ArtifactError,
    ComponentSpec,
    ConfigError,
    DataContractError,
    DatasetShape,
    ModelInfo,
    NotFittedError,
    OutputSchema,
    hookimpl,
    load_catalog,
)
from huracan_core.interfaces import BaseComponent
from huracan_core.recipe import DEFAULT_RECIPE, Recipe
from huracan_core.testing import make_market_frame


# -- a small test plugin (this module) --------------------------------------------------------
class Center(BaseComponent):
    """Subtracts the training mean of each numeric column (a stateful step, saved via fitted attributes)."""

    causal = True

    def __init__(self, suffix: str = "_c") -> None:
        self.suffix = suffix

    def fit(self, X, y=None):
        numeric = X.select_dtypes("number")
        self.columns_ = [str(c) for c in numeric.columns]
        self.mean_ = numeric.mean().to_numpy()
        return self

    def transform(self, X):
        if not hasattr(self, "mean_"):
            raise NotFittedError("Center is not fitted")
        missing = [c for c in self.columns_ if c not in X.columns]
        if missing:
            raise DataContractError(f"missing column(s) {missing}")
        return pd.DataFrame(
            X[self.columns_].to_numpy() - self.mean_,
            index=X.index,
            columns=[f"{c}{self.suffix}" for c in self.columns_],
        )


class LogClose(BaseComponent):
    causal = True

    def __init__(self) -> None:
        pass

    def fit(self, X, y=None):
        self.n_in_ = X.shape[1]
        return self

    def transform(self, X):
        return pd.DataFrame({"log_close": np.log(X["close"].to_numpy())}, index=X.index)


class FutureMean(BaseComponent):
    """Looks ahead on purpose (whole-series mean); honest model info says non_causal."""

    causal = False

    def __init__(self) -> None:
        pass

    def fit(self, X, y=None):
        self.n_in_ = X.shape[1]
        return self

    def transform(self, X):
        return pd.DataFrame({"future_mean": np.full(len(X), X["close"].mean())}, index=X.index)


class DropFirst(BaseComponent):
    causal = True
    changes_index = True

    def __init__(self) -> None:
        pass

    def fit(self, X, y=None):
        self.n_in_ = X.shape[1]
        return self

    def transform(self, X):
        return X.iloc[1:]


class BadIndex(DropFirst):
    changes_index = False


def _info(causal: bool = True, provides: tuple[str, ...] = ("normalized",)) -> ModelInfo:
    return ModelInfo(
        purpose="A test preprocessor.",
        ideal_dataset_shape=DatasetShape(layout="tabular", min_rows=2),
        feature_requirements=("any",),
        provides=provides,
        output_schema=OutputSchema(kind="features"),
        market_regimes=("any",),
        task="feature_engineering",
        capabilities=("causal",) if causal else ("non_causal",),
    )


@hookimpl
def huracan_register_preprocessors(register):
    here = __name__
    register(ComponentSpec(name="t_center", kind="preprocessor", factory=f"{here}:Center", info=_info()))
    register(
        ComponentSpec(
            name="t_log_close", kind="preprocessor", factory=f"{here}:LogClose", info=_info(provides=("price",))
        )
    )
    register(
        ComponentSpec(name="t_future_mean", kind="preprocessor", factory=f"{here}:FutureMean", info=_info(causal=False))
    )
    register(ComponentSpec(name="t_drop_first", kind="preprocessor", factory=f"{here}:DropFirst", info=_info()))
    register(ComponentSpec(name="t_bad_index", kind="preprocessor", factory=f"{here}:BadIndex", info=_info()))


@pytest.fixture
def catalog():
    return load_catalog(sources=[], modules=[("recipe-test-plugin", sys.modules[__name__])])


@pytest.fixture
def market():
    return make_market_frame(300, seed=4)


def test_fit_uses_training_rows_only_and_steps_run_in_order(catalog, market):
    recipe = Recipe.from_dict(
        {"steps": [{"name": "t_log_close"}, {"name": "t_center", "inputs": ["log_close"]}]}, catalog=catalog
    )
    train = market.iloc[:100]
    out = recipe.fit(train).transform(market)
    assert list(out.columns) == ["log_close", "log_close_c"]
    assert out.index.equals(market.index)
    expected = np.log(market["close"]) - np.log(train["close"]).mean()
    np.testing.assert_allclose(out["log_close_c"], expected)
    pd.testing.assert_frame_equal(recipe.fit_transform(train), recipe.transform(train))


def test_output_joining_rules(catalog, market):
    steps = [
        {"name": "t_log_close", "keep": False},
        {"name": "t_center", "inputs": ["log_close"], "params": {"suffix": ""}},
    ]
    out = Recipe.from_dict({"steps": steps}, catalog=catalog).fit_transform(market)
    assert list(out.columns) == ["log_close"]  # overwritten in place by the centring step, which is kept
    np.testing.assert_allclose(out["log_close"].mean(), 0.0, atol=1e-12)
    kept = Recipe.from_dict({"steps": [{"name": "t_log_close"}], "keep_input": True}, catalog=catalog).fit_transform(
        market
    )
    assert list(kept.columns) == ["open", "high", "low", "close", "volume", "log_close"]
    selected = Recipe.from_dict(
        {"steps": [{"name": "t_log_close"}], "keep_input": True, "outputs": ["c*", "log_*"]}, catalog=catalog
    )
    assert list(selected.fit_transform(market).columns) == ["close", "log_close"]
    dropped = Recipe.from_dict(
        {"steps": [{"name": "t_drop_first"}, {"name": "t_log_close"}]}, catalog=catalog
    ).fit_transform(market)
    assert dropped.index.equals(market.index[1:])


def test_provides_and_causal(catalog):
    recipe = Recipe.from_dict({"steps": [{"name": "t_log_close"}, {"name": "t_center"}]}, catalog=catalog)
    assert recipe.provides == frozenset({"price", "normalized"}) and recipe.causal is True
    assert Recipe.from_dict({"steps": [{"name": "t_future_mean"}]}, catalog=catalog).causal is False


def test_require_causal_refuses_non_causal_steps(catalog):
    with pytest.raises(ConfigError, match=r"steps\[1\].name: 't_future_mean' is not causal .*require_causal=True"):
        Recipe.from_dict(
            {"steps": [{"name": "t_log_close"}, {"name": "t_future_mean"}]}, catalog=catalog, require_causal=True
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"steps": []}, r"steps: expected a non-empty list"),
        ({"stepz": []}, r"stepz: unknown key; allowed keys are version, keep_input, outputs, steps"),
        ({"steps": [{"name": "t_center", "parms": {}}]}, r"steps\[0\].parms: unknown key"),
        ({"steps": [{"params": {}}]}, r"steps\[0\].name: expected the catalog name"),
        ({"steps": [{"name": "t_center"}, {"name": "nope"}]}, r"steps\[1\].name: no component named 'nope'"),
        ({"steps": [{"name": "local"}]}, r"steps\[0\].name: 'local' is a trainer, not a preprocessor"),
        (
            {"steps": [{"name": "t_center", "params": {"windw": 3}}]},
            r"steps\[0\].params: invalid parameters for 't_center'",
        ),
        ({"steps": [{"name": "t_center", "params": [1]}]}, r"steps\[0\].params: expected a mapping"),
        ({"steps": [{"name": "t_center", "keep": "yes"}]}, r"steps\[0\].keep: expected true or false"),
        ({"version": 2, "steps": [{"name": "t_center"}]}, r"version: this Huracan reads recipe version 1"),
    ],
)
def test_config_errors_name_the_yaml_path(catalog, data, message):
    with pytest.raises(ConfigError, match=message):
        Recipe.from_dict(data, catalog=catalog)


def test_yaml_file_errors_name_the_file(catalog, tmp_path):
    path = tmp_path / "features.yaml"
    path.write_text("steps:\n  - name: t_log_close\n  - name: t_center\n    params: {bogus: 1}\n")
    with pytest.raises(ConfigError, match=rf"recipe {path}: steps\[1\].params"):
        Recipe.from_yaml(path, catalog=catalog)
    path.write_text("steps: [\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        Recipe.from_yaml(path, catalog=catalog)
    recipe = Recipe.from_yaml("steps:\n  - name: t_log_close\n", catalog=catalog)
    assert Recipe.from_yaml(recipe.to_yaml(), catalog=catalog).to_dict() == recipe.to_dict()


def test_runtime_errors_name_the_step(catalog, market):
    recipe = Recipe.from_dict(
        {"steps": [{"name": "t_log_close"}, {"name": "t_center", "inputs": ["log_close"]}]}, catalog=catalog
    )
    with pytest.raises(NotFittedError, match="not fitted yet"):
        recipe.transform(market)
    recipe.fit(market)
    with pytest.raises(DataContractError, match=r"steps\[0\] \(t_log_close\) transform: missing column 'close'"):
        recipe.transform(market.drop(columns=["close"]))
    bad = Recipe.from_dict({"steps": [{"name": "t_bad_index"}]}, catalog=catalog)
    with pytest.raises(
        DataContractError, match=r"steps\[0\] \(t_bad_index\): transform returned 299 rows indexed differently"
    ):
        bad.fit(market)
    no_match = Recipe.from_dict({"steps": [{"name": "t_center", "inputs": ["ret_*"]}]}, catalog=catalog)
    with pytest.raises(DataContractError, match=r"inputs \['ret_\*'\] match no column"):
        no_match.fit(market)


def test_save_load_round_trip_without_pickle(catalog, market, tmp_path):
    recipe = Recipe.from_dict({"steps": [{"name": "t_log_close"}, {"name": "t_center"}]}, catalog=catalog)
    recipe.fit(market.iloc[:150])
    recipe.save(tmp_path / "r")
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["recipe.json", "state.npz"]
    document = json.loads((tmp_path / "r" / "recipe.json").read_text())
    assert document["recipe"]["steps"][1]["name"] == "t_center" and document["states"][1]["mean_"] == {
        "__array__": "s1.mean_"
    }
    loaded = Recipe.load(tmp_path / "r", catalog=catalog)
    pd.testing.assert_frame_equal(loaded.transform(market), recipe.transform(market))
    np.load(tmp_path / "r" / "state.npz", allow_pickle=False)  # plain arrays only
    unfitted = Recipe.from_dict({"steps": [{"name": "t_center"}]}, catalog=catalog)
    unfitted.save(tmp_path / "u")
    assert Recipe.load(tmp_path / "u", catalog=catalog).fitted is False


def test_tampered_state_is_refused(catalog, market, tmp_path):
    recipe = Recipe.from_dict({"steps": [{"name": "t_center"}]}, catalog=catalog).fit(market)
    recipe.save(tmp_path)
    np.savez(tmp_path / "state.npz", **{"s0.mean_": np.zeros(5)})
    with pytest.raises(ArtifactError, match="sha256"):
        Recipe.load(tmp_path, catalog=catalog)
    with pytest.raises(ArtifactError, match="not a saved recipe"):
        Recipe.load(tmp_path / "missing", catalog=catalog)


# -- with the real preprocessors of huracan-features ---------------------------------------
def test_default_recipe_runs_causally_and_round_trips(tmp_path):
    pytest.importorskip("huracan_features")
    from huracan_core.audit import audit_features

    market = make_market_frame(700, seed=8)
    recipe = Recipe.from_dict(DEFAULT_RECIPE, require_causal=True)
    assert recipe.causal and {"returns", "volatility", "momentum", "regime"} <= recipe.provides
    out = recipe.fit(market.iloc[:400]).transform(market)
    assert out.index.equals(market.index) and out.shape[1] >= 15
    assert out.iloc[200:].notna().all().all()  # warm-up over after the longest window
    assert out.iloc[:5].isna().any(axis=1).all()  # warm-up rows are NaN, not dropped
    recipe.save(tmp_path)
    pd.testing.assert_frame_equal(Recipe.load(tmp_path).transform(market), out)
    assert audit_features(recipe, market, n_points=3).ok


def test_fitted_state_of_plugin_steps_round_trips(tmp_path):
    pytest.importorskip("huracan_features")
    market = make_market_frame(400, seed=9)
    recipe = Recipe.from_dict(
        {
            "steps": [
                {"name": "clean", "params": {"nan_policy": "ffill", "gap_policy": "ignore"}},
                {"name": "returns", "params": {"horizons": [1, 5]}},
                {"name": "normalize", "params": {"method": "robust", "columns": ["logret_*"], "suffix": "_n"}},
                {"name": "outliers", "params": {"method": "zscore", "columns": ["logret_1"]}},
                {"name": "lags", "params": {"lags": [1, 2], "columns": ["logret_1_n"]}},
            ]
        }
    ).fit(market.iloc[:200])
    recipe.save(tmp_path)
    loaded = Recipe.load(tmp_path)
    pd.testing.assert_frame_equal(loaded.transform(market), recipe.transform(market))
    with pytest.raises(ConfigError, match=r"steps\[0\].name: 'seasonal_decompose' is not causal"):
        Recipe.from_dict({"steps": [{"name": "seasonal_decompose"}]}, require_causal=True)
