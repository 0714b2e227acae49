"""``huracan run`` and ``huracan demo`` end to end through click."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from huracan_core.registry import ModelRegistry

pytest.importorskip("huracan_features", reason="needs the features plugin (datasets, default recipe)")
pytest.importorskip("huracan_sklearn", reason="needs the scikit-learn plugin's learners")


def test_run_writes_report_registry_and_json(tmp_path: Path) -> None:
    from huracan_core._cli.run import command

    config = tmp_path / "run.yaml"
    config.write_text(
        f"""
data: {{dataset: sp500_daily, last_n: 1200}}
recipe:
  steps:
    - {{name: returns, params: {{horizons: [1, 5], kind: log}}}}
    - {{name: regime_features, params: {{trend_window: 20, vol_window: 20, percentile_window: 120}}}}
regimes: {{detector: rule_regime_detector, params: {{trend_window: 20, percentile_window: 120}}}}
candidates: {{include: [logistic_regression, decision_tree_classifier], use_test_params: true, specialists: false}}
validation: {{n_splits: 3, holdout: 0.2}}
registry: {{url: {tmp_path / "registry"}, name: spx}}
report: {{folder: {tmp_path / "report"}, format: markdown}}
"""
    )
    result = CliRunner().invoke(command, [str(config), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["holdout"][2] > 200
    assert {c["key"] for c in summary["candidates"]} == {"logistic_regression", "decision_tree_classifier"}
    assert summary["overall_champion"] in {"logistic_regression", "decision_tree_classifier"}
    test = summary["holdout_result"]["test"]
    assert test["method"] == "block_bootstrap" and 0 <= test["p_value"] <= 1
    page = (tmp_path / "report" / "report.md").read_text()
    assert "## Holdout: sharpe" in page and "![Holdout equity](equity.png)" in page
    for name in ("equity.png", "leaderboard.png", "regimes.png", "summary.json", "leaderboard.csv"):
        assert (tmp_path / "report" / name).stat().st_size > 0
    with ModelRegistry(tmp_path / "registry") as registry:
        champion = registry.get("spx@champion")
        assert champion.component == summary["overall_champion"]
        assert champion.recipe["steps"][0]["name"] == "returns"
        assert champion.metrics["metric"] == "sharpe" and champion.seeds == {"seed": 0}
        assert len(registry.decisions("spx")) == 1 + len(summary["champions"])


@pytest.mark.slow
def test_demo_needs_no_arguments_and_prints_the_report(tmp_path: Path) -> None:
    from huracan_core._cli.demo import command

    result = CliRunner().invoke(command, ["--output", str(tmp_path / "demo"), "-q"])
    assert result.exit_code == 0, result.output
    page = tmp_path / "demo" / "report" / "report.html"
    assert f"Open {page}" in result.output
    html = page.read_text()
    assert "Walk-forward leaderboard" in html and "equity.png" in html and "Learners not considered" in html
    assert "huracan predict sp500-demo@champion/current sp500_daily" in result.output
    with ModelRegistry(tmp_path / "demo" / "registry") as registry:
        assert registry.get("sp500-demo@champion").component
