"""The look-ahead audit (function and CLI) around the one causality checker."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from huracan_core import CausalityError
from huracan_core.audit import audit_features
from huracan_core.interfaces import BaseComponent
from huracan_core.testing import make_market_frame


class Centered(BaseComponent):
    """Causal given its fit: subtracts the training mean."""

    causal = True

    def __init__(self) -> None:
        pass

    def fit(self, X, y=None):
        self.mean_ = float(X["close"].mean())
        return self

    def transform(self, X):
        return pd.DataFrame({"centered": X["close"].to_numpy() - self.mean_}, index=X.index)


def centered_move(frame):
    """Looks ahead: a centred (two-sided) rolling mean."""
    return frame["close"].rolling(5, center=True).mean().rename("centered_ma").to_frame()


def next_close(frame):
    return frame["close"].shift(-1).rename("next_close").to_frame()


def test_a_causal_preprocessor_passes_with_fitted_state():
    market = make_market_frame(400, seed=1)
    report = audit_features(Centered(), market, n_points=6)
    assert report.ok and len(report.cuts) == 6
    assert report.cuts[0] >= market.index[int(400 * 0.3) - 1]


@pytest.mark.parametrize("fn", [centered_move, next_close])
def test_look_ahead_is_reported_with_feature_and_first_row(fn):
    market = make_market_frame(300, seed=2)
    report = audit_features(fn, market, n_points=4)
    assert not report.ok
    first = report.first_by_feature()
    feature = fn(market).columns[0]
    assert set(first) == {feature}
    cut = first[feature].cut
    assert first[feature].first_row <= cut and first[feature].first_row >= market.index[market.index.get_loc(cut) - 2]
    with pytest.raises(CausalityError, match=f"feature '{feature}' changed"):
        report.raise_if_failed()


def test_audit_by_catalog_name_and_recipe_dict():
    pytest.importorskip("huracan_features")
    market = make_market_frame(400, seed=3)
    assert audit_features("rsi", market, params={"timeperiod": 10}, n_points=3).ok
    assert not audit_features("seasonal_decompose", market, n_points=3).ok
    assert audit_features(
        {"steps": [{"name": "returns"}, {"name": "rolling_normalize", "params": {"window": 30}}]}, market, n_points=3
    ).ok


def test_every_causal_preprocessor_in_the_catalog_passes_the_audit():
    from huracan_core import load_catalog

    catalog = load_catalog(refresh=True)
    market = make_market_frame(500, seed=6)
    checked = []
    for spec in catalog.query(kind="preprocessor", capability="causal"):
        if "ohlcv" not in spec.info.feature_requirements:
            continue  # feature-frame preprocessors are audited by the conformance kit on feature frames
        report = audit_features(spec.name, market, params=dict(spec.test_params), n_points=3)
        assert report.ok, [str(v) for v in report.violations]
        checked.append(spec.name)
    assert "regime_features" in checked


def test_cli_audit_features(tmp_path):
    pytest.importorskip("huracan_features")
    from huracan_core.cli import cli

    runner = CliRunner()
    ok = runner.invoke(cli, ["audit-features", "macd", "--rows", "300", "--points", "3"])
    assert ok.exit_code == 0, ok.output
    assert "macd: causal" in ok.output
    bad = runner.invoke(cli, ["audit-features", "seasonal_decompose", "--rows", "200", "--points", "2", "--json"])
    assert bad.exit_code == 1
    document = json.loads(bad.output)
    assert document["reports"][0]["causal"] is False
    assert {v["feature"] for v in document["reports"][0]["violations"]} == {"stl_trend", "stl_seasonal", "stl_resid"}
    recipe = tmp_path / "r.yaml"
    recipe.write_text("steps:\n  - name: returns\n    params: {horizons: [1, 3]}\n")
    csv = tmp_path / "bars.csv"
    make_market_frame(200, seed=1).reset_index().to_csv(csv, index=False)
    from_file = runner.invoke(cli, ["audit-features", str(recipe), "--data", str(csv), "--points", "3"])
    assert from_file.exit_code == 0, from_file.output
    unknown = runner.invoke(cli, ["audit-features", "no_such_thing"])
    assert unknown.exit_code == 1 and "no component named 'no_such_thing'" in unknown.output


def test_fit_fraction_is_validated():
    with pytest.raises(ValueError, match="fit_fraction"):
        audit_features(Centered(), make_market_frame(100), fit_fraction=0)
    assert np.isfinite(audit_features(Centered(), make_market_frame(100), n_points=2).cuts[0].value)
