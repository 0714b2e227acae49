"""The Mechanic's selection loop, measured on test learners whose behaviour is known."""

from __future__ import annotations

import math

import mechanic_testkit as tk
import numpy as np
import pandas as pd
import pytest
from mechanic_testkit import tk_config

from huracan_core import load_catalog
from huracan_core.mechanic import Mechanic, UnifiedPipeline


def test_champion_per_regime_matches_the_regime_dynamics(tk_catalog, market) -> None:
    result = Mechanic(tk_config(), catalog=tk_catalog).run(market)
    # trending blocks have positive autocorrelation, ranging blocks negative
    assert result.champions["trending_up"].startswith("tk_momentum")
    assert result.champions["ranging"].startswith("tk_reversal")
    board = {r.key: r for r in result.leaderboard}
    assert board["tk_momentum"].scores["trending_up"] > 2.0
    assert board["tk_reversal"].scores["ranging"] > 2.0
    # the catalog's regime filter: momentum is made for trending regimes only, so it has no ranging score
    assert "ranging" not in board["tk_momentum"].scores
    # specialists exist for every regime a learner suits, trained on that regime's bars only
    assert {"tk_linear@trending_up", "tk_linear@ranging"} <= set(board)
    hold = result.holdout
    assert hold is not None and hold.n_bars == len(result.holdout_index)  # each decision bar has its next bar
    assert hold.margin == pytest.approx(hold.regime_metric - hold.static_metric)
    assert hold.margin > 1.0 and hold.test["p_value"] < 0.05


def test_holdout_is_untouched_by_selection(tk_catalog, market) -> None:
    """Changing prices inside the holdout changes no walk-forward score and no champion."""
    first = Mechanic(tk_config(), catalog=tk_catalog).run(market)
    changed = market.copy()
    rows = changed.index >= first.holdout_index[0]
    rng = np.random.default_rng(5)
    factor = np.exp(np.cumsum(rng.normal(0, 0.02, rows.sum())))
    for column in ("open", "high", "low", "close"):
        changed.loc[rows, column] = changed.loc[rows, column].to_numpy() * factor
    changed.loc[rows, "high"] = changed.loc[rows, ["open", "high", "close"]].max(axis=1) * 1.001
    changed.loc[rows, "low"] = changed.loc[rows, ["open", "low", "close"]].min(axis=1) * 0.999
    second = Mechanic(tk_config(), catalog=tk_catalog).run(changed)
    assert first.champions == second.champions
    for a, b in zip(first.leaderboard, second.leaderboard):
        assert a.key == b.key
        assert a.scores == pytest.approx(b.scores, nan_ok=True)
    assert first.holdout.regime_metric != pytest.approx(second.holdout.regime_metric)


def test_shuffled_label_canary_falls_to_chance(tk_catalog) -> None:
    """With the target shuffled, walk-forward hit rates of learners that fit the target are ~50 %."""
    market = tk.regime_market(1500, seed=3, block=1500)  # one long momentum spell: a real, learnable edge
    config = tk_config(
        validation={"n_splits": 4, "metric": "hit_rate", "holdout": 0.2},
        candidates={"include": ["tk_linear"], "specialists": False},
    )
    real = Mechanic(config, catalog=tk_catalog).run(market)
    shuffled = Mechanic(config, catalog=tk_catalog)
    from huracan_core.mechanic import engine

    original = engine.build_target

    def shuffled_target(frame: pd.DataFrame, cfg):
        target = original(frame, cfg)
        values = target.values.copy()
        values[:] = np.random.default_rng(1).permutation(values.to_numpy())
        return type(target)(values, target.label_end, target.kind, target.horizon)

    engine.build_target = shuffled_target
    try:
        canary = shuffled.run(market)
    finally:
        engine.build_target = original
    # hit rates are measured on the *real* next-bar direction: the canary must lose the edge the
    # real target gives and sit within noise of 50 %
    real_hit = real.leaderboard[0].scores["overall"]
    canary_hit = canary.leaderboard[0].scores["overall"]
    n = canary.leaderboard[0].n_bars["overall"]
    assert real_hit > 0.54
    assert abs(canary_hit - 0.5) < 3 / math.sqrt(n) + 0.01, (canary_hit, n)


def test_skipped_learners_are_explained(tk_catalog, market) -> None:
    config = tk_config(
        candidates={
            "include": [],
            "backends": ["numpy"],
            "exclude": ["tk_majority"],
            "max_candidates": 2,
            "specialists": False,
        }
    )
    result = Mechanic(config, catalog=tk_catalog).run(market)
    reasons = {s["name"]: s["reason"] for s in result.plan.skipped}
    assert "needs feature tags volume" in reasons["tk_needs_volume"]
    assert reasons["tk_majority"] == "excluded by candidates.exclude"
    assert "over the cap candidates.max_candidates=2" in reasons.values()
    assert len({c.learner for c in result.plan.candidates}) == 2
    assert "task is regime_detection" in reasons["rule_regime_detector"]
    assert all(c.backend == "numpy" for c in result.plan.candidates)


def test_max_per_backend_caps_each_family(tk_catalog, market) -> None:
    config = tk_config(candidates={"include": [], "backends": ["numpy"], "max_per_backend": 1, "specialists": False})
    result = Mechanic(config, catalog=tk_catalog).run(market)
    reasons = [s["reason"] for s in result.plan.skipped]
    assert len({c.learner for c in result.plan.candidates}) == 1
    assert "over the cap candidates.max_per_backend=1 for backend numpy" in reasons


def test_third_party_plugin_is_considered_without_code_change(make_distribution, market) -> None:
    """A newly installed distribution's learner with suitable model info becomes a candidate, via entry points."""
    source = """
from huracan_core import ComponentSpec, DatasetShape, ModelInfo, OutputSchema, hookimpl

@hookimpl
def huracan_register_learners(register):
    register(ComponentSpec(
        name="acme_trend", kind="learner", factory="mechanic_testkit:MomentumLearner",
        info=ModelInfo(purpose="Acme's trend follower.", ideal_dataset_shape=DatasetShape(min_rows=50),
                       feature_requirements=("any",), output_schema=OutputSchema(kind="direction"),
                       market_regimes=("trending_up",), task="classification", backend="numpy")))
"""
    make_distribution("acme-huracan", {"acme_huracan_plugin": source}, entry_points={"acme": "acme_huracan_plugin"})
    catalog = load_catalog(refresh=True, modules=[("huracan-testkit", tk)])
    assert catalog.get("acme_trend").plugin == "acme-huracan"
    result = Mechanic(
        tk_config(candidates={"include": ["acme_trend", "tk_reversal"], "specialists": False}), catalog=catalog
    ).run(market)
    board = {r.key: r for r in result.leaderboard}
    assert board["acme_trend"].scores["trending_up"] > 2.0
    assert result.champions["trending_up"] == "acme_trend"


def test_failing_candidate_does_not_stop_the_run(tk_catalog, market) -> None:
    result = Mechanic(
        tk_config(
            candidates={
                "include": ["tk_linear", "tk_momentum"],
                "params": {"tk_linear": {"alpha": "oops"}},
                "specialists": False,
            }
        ),
        catalog=tk_catalog,
    ).run(market)
    board = {r.key: r for r in result.leaderboard}
    assert board["tk_linear"].error is not None and "TypeError" in board["tk_linear"].error
    assert board["tk_momentum"].error is None and result.overall_champion == "tk_momentum"


def test_unified_pipeline_quick_start(tk_catalog, market) -> None:
    pipeline = UnifiedPipeline(tk_config(), catalog=tk_catalog)
    before = {m["name"] for m in pipeline.get_models_for_regime("trending")}
    assert {"tk_momentum", "tk_linear"} <= before and "tk_reversal" not in before
    info = pipeline.get_all_models_info()
    assert info["tk_momentum"]["market_regimes"] == ["trending_up", "trending_down"]
    assert set(info["tk_linear"]) >= {
        "purpose",
        "ideal_dataset_shape",
        "feature_requirements",
        "output_schema",
        "market_regimes",
    }
    results = pipeline.run_complete_pipeline(market)
    assert results is pipeline.results
    after = pipeline.get_models_for_regime("trending")
    assert after[0]["champion_of"] == ["trending_up"]
    assert after[0]["candidate"] == results.champions["trending_up"]
    with pytest.raises(ValueError, match="unknown market regime 'sideways'"):
        pipeline.get_models_for_regime("sideways")


def test_purged_kfold_scheme_and_regression_task(tk_catalog, market) -> None:
    config = tk_config(
        target={"kind": "forward_return", "horizon": 2},
        validation={"scheme": "purged_kfold", "n_splits": 3, "embargo": 5, "metric": "ic", "holdout": 0.25},
        candidates={
            "include": ["tk_linear_regressor"],
            "params": {"tk_linear_regressor": {"task": "regression"}},
            "specialists": False,
        },
    )
    result = Mechanic(config, catalog=tk_catalog).run(market)
    assert result.task == "regression"
    row = result.leaderboard[0]
    assert row.error is None and math.isfinite(row.scores["overall"])
    assert len(result.holdout_index) == pytest.approx(0.25 * (len(market) - 2), abs=3)
