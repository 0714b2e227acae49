"""EDA function, the ``huracan eda`` command, and the plugin's registration."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from huracan_features.datasets import simulate_regimes
from huracan_features.eda import eda


def test_eda_statistics_and_files(tmp_path):
    frame = simulate_regimes(1500, seed=2)
    result = eda(frame, tmp_path, max_lag=10, name="sim")
    assert result["rows"] == 1500 and result["missing"]["close"] == 0
    assert result["returns"]["excess_kurtosis"] > 0.5
    assert result["autocorrelation"]["abs_returns"][0] > result["autocorrelation"]["confidence_95"]
    assert len(result["autocorrelation"]["returns"]) == 10
    assert result["stationarity"]["log_return"]["stationary_at_5pct"] is True
    assert result["correlations"]["log_return"]["log_return"] == pytest.approx(1.0)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "autocorrelation.png",
        "correlations.png",
        "eda.json",
        "price_returns.png",
        "return_distribution.png",
    ]
    assert json.loads((tmp_path / "eda.json").read_text())["outliers"] == result["outliers"]


def test_eda_command_on_a_dataset(tmp_path):
    from huracan_core.cli import cli

    result = CliRunner().invoke(cli, ["eda", "regime_simulator", "--out", str(tmp_path / "out"), "--no-plots"])
    assert result.exit_code == 0, result.output
    assert "regime_simulator: 2500 rows" in result.output and "ADF p-value" in result.output
    assert (tmp_path / "out" / "eda.json").is_file()
    missing = CliRunner().invoke(cli, ["eda", "no_such_dataset"])
    assert missing.exit_code == 1 and "no dataset named 'no_such_dataset'" in missing.output


def test_datasets_list_json_shows_the_plugin_datasets():
    from huracan_core.cli import cli

    result = CliRunner().invoke(cli, ["datasets", "list", "--json"])
    assert result.exit_code == 0, result.output
    names = {d["name"] for d in json.loads(result.output)["datasets"]}
    assert {"sp500_daily", "nasdaq_daily", "regime_simulator"} <= names
