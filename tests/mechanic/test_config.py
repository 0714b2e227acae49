"""Config errors name the YAML path and the allowed values, before any data is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from mechanic_testkit import tk_config

from huracan_core import ConfigError
from huracan_core.mechanic.config import MechanicConfig, load_config


def test_defaults_are_a_valid_config() -> None:
    config = load_config(None)
    assert isinstance(config, MechanicConfig)
    assert config.resolved_task == "classification"
    assert config.validation.metric == "sharpe"


@pytest.mark.parametrize(
    ("data", "path", "allowed"),
    [
        ({"target": {"kind": "up_or_down"}}, "target.kind", "direction, forward_return, triple_barrier"),
        ({"validation": {"metric": "profit"}}, "validation.metric", "sharpe, hit_rate, ic, mean_return"),
        ({"validation": {"scheme": "kfold"}}, "validation.scheme", "walk_forward, purged_kfold"),
        ({"stats": {"test": "t_test"}}, "stats.test", "block_bootstrap, diebold_mariano"),
        ({"report": {"format": "pdf"}}, "report.format", "html, markdown"),
        ({"task": "ranking"}, "task", "classification, regression"),
        ({"candidates": {"layouts": ["tabular", "graph"]}}, "candidates.layouts[1]", "tabular, window"),
    ],
)
def test_bad_choice_names_path_and_allowed_values(data: dict, path: str, allowed: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(data)
    message = str(info.value)
    assert f"config: {path}:" in message
    assert allowed in message


def test_unknown_key_lists_allowed_keys() -> None:
    with pytest.raises(ConfigError, match=r"validation\.n_split: unknown key; allowed keys here: scheme, n_splits"):
        load_config({"validation": {"n_split": 3}})
    with pytest.raises(ConfigError, match=r"config: modle: unknown key; allowed keys here: data, recipe, target"):
        load_config({"modle": {}})


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"validation": {"n_splits": 1}}, r"validation\.n_splits: expected an integer >= 2, got 1"),
        ({"validation": {"holdout": 1.5}}, r"validation\.holdout: expected a fraction in \(0, 1\) or a whole number"),
        ({"target": {"horizon": "5"}}, r"target\.horizon: expected an integer >= 1, got '5'"),
        ({"candidates": {"specialists": "yes"}}, r"candidates\.specialists: expected true or false"),
        ({"candidates": {"params": {"ridge": 3}}}, r"candidates\.params\.ridge: expected a mapping"),
        ({"recipe": {"steps": []}}, r"recipe\.steps: expected a non-empty list"),
        ({"recipe": {"steps": [{"params": {}}]}}, r"recipe\.steps\[0\]\.name: expected a preprocessor name"),
        ({"data": {"dataset": "x", "path": "y.csv"}}, r"data: give either 'dataset' or 'path'"),
        ({"task": "regression"}, r"task: 'regression' needs target.kind 'forward_return'"),
        ({"costs": {"bps": -1}}, r"costs\.bps: expected a number in \[0.0, None\]"),
    ],
)
def test_bad_values(data: dict, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_config(data)


def test_yaml_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("target: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_config(listing)
    good = tmp_path / "good.yaml"
    good.write_text("target:\n  kind: forward_return\n  horizon: 2\nvalidation:\n  metric: ic\n")
    config = load_config(good)
    assert (config.target.kind, config.target.horizon, config.resolved_task, config.validation.metric) == (
        "forward_return",
        2,
        "regression",
        "ic",
    )


def test_unknown_dataset_and_detector_and_learner_are_config_errors(tk_catalog) -> None:
    from huracan_core.mechanic.engine import Mechanic
    from huracan_core.testing import make_market_frame

    with pytest.raises(ConfigError, match=r"data\.dataset: expected one of .*got 'no_such_data'"):
        Mechanic({"data": {"dataset": "no_such_data"}}, catalog=tk_catalog).run()
    frame = make_market_frame(600, seed=1)
    with pytest.raises(
        ConfigError, match=r"regimes\.detector: expected one of .*rule_regime_detector.*got 'crystal_ball'"
    ):
        Mechanic(tk_config(regimes={"detector": "crystal_ball"}), catalog=tk_catalog).run(frame)
    with pytest.raises(
        ConfigError,
        match=r"candidates\.include: 'no_such_model' is not in the catalog; installed learners: .*tk_linear",
    ):
        Mechanic(
            tk_config(regimes={"detector": "rule_regime_detector"}, candidates={"include": ["no_such_model"]}),
            catalog=tk_catalog,
        ).run(frame)


def test_cli_run_reports_config_error_with_path(tmp_path: Path) -> None:
    from huracan_core._cli.run import command

    config = tmp_path / "run.yaml"
    config.write_text("validation:\n  metric: profit\n")
    result = CliRunner().invoke(command, [str(config), "-q"])
    assert result.exit_code == 2
    assert "config: validation.metric: expected one of sharpe, hit_rate, ic, mean_return, got 'profit'" in result.output


def test_max_per_backend_is_validated():
    from huracan_core import ConfigError
    from huracan_core.mechanic.config import load_config

    assert load_config({"candidates": {"max_per_backend": 2}}).candidates.max_per_backend == 2
    with pytest.raises(ConfigError, match="candidates.max_per_backend"):
        load_config({"candidates": {"max_per_backend": 0}})
