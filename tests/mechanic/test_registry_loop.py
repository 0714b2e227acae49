"""Registering champions, predicting with them, and retraining decisions with stored evidence."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import mechanic_testkit as tk
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from mechanic_testkit import tk_config

from huracan_core import DataContractError
from huracan_core.mechanic import predict_latest, run_mechanic
from huracan_core.mechanic.config import load_config
from huracan_core.registry import ModelRegistry

RETURNS_RECIPE = {"steps": [{"name": "returns", "params": {"horizons": [1, 2], "kind": "log"}}]}

pytest.importorskip("huracan_features", reason="the recipe's 'returns' step comes from the features plugin")


def _config(registry: Path, **sections):
    config = tk_config(**sections)
    return replace(
        config, recipe=RETURNS_RECIPE, registry=load_config({"registry": {"url": str(registry), "name": "tk"}}).registry
    )


def test_predict_round_trip(tmp_path: Path, tk_catalog) -> None:
    market = tk.regime_market(1200, seed=4)
    registry = tmp_path / "registry"
    config = _config(
        registry,
        regimes={"detector": "rule_regime_detector", "params": {"trend_window": 20, "percentile_window": 100}},
        candidates={"include": ["tk_linear", "tk_majority"], "specialists": False},
    )
    result = run_mechanic(config, market, catalog=tk_catalog)
    assert result.registered and {d["action"] for d in result.decisions} == {"promoted"}

    out = predict_latest("tk@champion", market, registry=str(registry), catalog=tk_catalog, n_bars=5)
    model = result.models[result.overall_champion]
    expected = model.predict(result.recipe.transform(market).dropna()).iloc[-5:]
    assert list(out.index) == list(expected.index) == list(market.index[-5:])
    np.testing.assert_array_equal(out["prediction"].to_numpy(), expected.to_numpy())
    assert set(out["position"]) <= {-1.0, 1.0}
    assert out["model"].iloc[0] == result.registered[result.overall_champion]
    assert out["regime"].iloc[-1] == result.regimes.iloc[-1]  # the saved detector labels the bar as in the run

    current = predict_latest("tk@champion/current", market, registry=str(registry), catalog=tk_catalog)
    key = result.champions.get(result.regimes.iloc[-1], result.overall_champion)
    assert current["model"].iloc[0] == result.registered[key]

    # data contract and history checks, with clear errors
    with pytest.raises(DataContractError, match="missing column"):
        predict_latest("tk@champion", market.drop(columns=["close"]), registry=str(registry), catalog=tk_catalog)
    with pytest.raises(Exception, match="tk:99 not found"):
        predict_latest("tk:99", market, registry=str(registry), catalog=tk_catalog)


def test_cli_predict_writes_predictions_with_model_version(tmp_path: Path, tk_catalog, make_distribution) -> None:
    market = tk.regime_market(900, seed=2)
    registry = tmp_path / "registry"
    run_mechanic(
        _config(registry, candidates={"include": ["tk_momentum", "tk_majority"], "specialists": False}),
        market,
        catalog=tk_catalog,
    )
    csv = tmp_path / "bars.csv"
    market.drop(columns=["regime"]).reset_index().to_csv(csv, index=False)
    # the CLI builds its own catalog from entry points: install the test learners as a distribution
    make_distribution(
        "huracan-testkit",
        {"tk_entry": "from mechanic_testkit import huracan_register_learners\n"},
        entry_points={"tk": "tk_entry"},
    )
    from huracan_core import reset_catalog
    from huracan_core._cli.predict import command

    reset_catalog()

    out_file = tmp_path / "pred.csv"
    result = CliRunner().invoke(
        command, ["tk:1", str(csv), "--registry", str(registry), "--bars", "3", "-o", str(out_file)]
    )
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out_file)
    assert len(written) == 3 and set(written["model"]) == {"tk:1"}
    assert written["timestamp"].iloc[-1].startswith(str(market.index[-1].date()))
    bad = CliRunner().invoke(command, ["tk:1", "no_such_thing", "--registry", str(registry)])
    assert bad.exit_code == 2 and "neither a CSV/Parquet file nor an installed dataset" in bad.output


def test_retraining_promotes_only_on_evidence(tmp_path: Path, tk_catalog) -> None:
    market = tk.regime_market(1500, seed=0)
    registry_path = tmp_path / "registry"
    # run 1: a weak champion (always the majority class) for every scope
    first = run_mechanic(
        _config(registry_path, candidates={"include": ["tk_majority"], "specialists": False}),
        market,
        catalog=tk_catalog,
    )
    assert [d["reason"] for d in first.decisions] == ["first champion"] * len(first.decisions)
    champion_v = first.registered["tk_majority"]

    # run 2: a strong challenger for trending bars; the margin is demanding, so nothing is promoted
    strict = _config(
        registry_path,
        candidates={"include": ["tk_momentum", "tk_reversal"], "specialists": False},
        retrain={"margin": 50.0, "alpha": 0.1},
    )
    second = run_mechanic(strict, market, catalog=tk_catalog)
    with ModelRegistry(registry_path) as registry:
        assert registry.get("tk@champion/trending_up").ref == champion_v
        challenger = registry.get("tk@challenger/trending_up")
        assert challenger.ref == second.registered["tk_momentum"]
    kept = next(d for d in second.decisions if d["scope"] == "trending_up")
    assert kept["action"] == "kept champion" and "below the required 50.0000" in kept["reason"]
    assert kept["challenger_score"] > kept["champion_score"] + 1.0  # it was better, just not by 50

    # run 3: the same challenger with the default margin and a significance test: promoted
    third = run_mechanic(
        _config(registry_path, candidates={"include": ["tk_momentum", "tk_reversal"], "specialists": False}),
        market,
        catalog=tk_catalog,
    )
    promoted = next(d for d in third.decisions if d["scope"] == "trending_up")
    assert promoted["action"] == "promoted", promoted
    assert promoted["test"]["p_value"] <= 0.1 and promoted["margin"] > 0 and promoted["n_bars"] >= 20
    ranging = next(d for d in third.decisions if d["scope"] == "ranging")
    assert ranging["candidate"] == "tk_reversal" and ranging["action"] == "promoted"
    with ModelRegistry(registry_path) as registry:
        assert registry.get("tk@champion/trending_up").ref == third.registered["tk_momentum"]
        stored = registry.decisions("tk", regime="trending_up")
        assert [d.promoted for d in stored] == [True, False, True]
        evidence = stored[-1].evidence
        assert {"champion_score", "challenger_score", "margin", "required_margin", "test", "window", "n_bars"} <= set(
            evidence
        )
        assert evidence["champion"] == champion_v
        # the newest window only holds bars after the champion's training data ended
        assert pd.Timestamp(evidence["window"][0]) > first.dev_index[-1]
        # rollback restores the previous champion
        registry.rollback("tk", regime="trending_up")
        assert registry.get("tk@champion/trending_up").ref == champion_v
