"""The causality checker catches look-ahead; the conformance kit catches broken components."""

import numpy as np
import pandas as pd
import pytest

from huracan_core import CausalityError, ComponentSpec
from huracan_core.causality import check_causality, perturb_after
from huracan_core.data import validate_market_frame
from huracan_core.interfaces import BaseComponent
from huracan_core.testing import checks_for, make_market_frame
from huracan_core.testing._checks import check_preprocessor_causal, check_save_load_roundtrip, check_unfitted_raises


def test_perturbation_keeps_the_contract_and_the_past():
    market = make_market_frame(100)
    changed = perturb_after(market, 60)
    validate_market_frame(changed)
    pd.testing.assert_frame_equal(changed.iloc[:61], market.iloc[:61])
    assert (changed["close"].iloc[61:] != market["close"].iloc[61:]).all()


def test_causal_transform_passes():
    market = make_market_frame(200)
    report = check_causality(lambda f: f["close"].rolling(5).mean(), market, n_points=10)
    assert report.ok and len(report.cuts) == 10


def test_centered_window_is_caught_with_feature_and_first_row():
    market = make_market_frame(200)
    report = check_causality(lambda f: f["close"].rolling(5, center=True).mean().rename("sma_c"), market, n_points=5)
    assert not report.ok
    first = report.first_by_feature()["sma_c"]
    assert first.first_row <= first.cut
    assert {v.probe for v in report.violations} == {"perturbation", "truncation"}
    with pytest.raises(CausalityError, match="feature 'sma_c' changed at"):
        report.raise_if_failed()


def test_global_normalisation_is_caught_by_truncation():
    market = make_market_frame(200)
    report = check_causality(lambda f: (f["close"] - f["close"].mean()).rename("z"), market, probes=("truncation",))
    assert not report.ok


def test_backfill_is_caught():
    market = make_market_frame(200)
    market.iloc[50:55, market.columns.get_loc("volume")] = 0
    report = check_causality(
        lambda f: f["volume"].replace(0, np.nan).bfill().to_frame(), market, n_points=20, min_rows=45
    )
    assert not report.ok


class LeakyScaler(BaseComponent):
    """Claims causality but scales by the full sample's maximum."""

    causal = True

    def __init__(self) -> None:
        pass

    def fit(self, X, y=None):
        if len(X) == 0:
            raise ValueError("empty")
        self.fitted_ = True
        return self

    def transform(self, X):
        return (X[["close"]] / X["close"].max()).rename(columns={"close": "scaled"})

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)


class ForgetfulModel(BaseComponent):
    """Predicts before fit and loses its state on load."""

    def __init__(self) -> None:
        pass

    def fit(self, X, y):
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return pd.Series(getattr(self, "mean_", 0.0), index=X.index)

    def save(self, path):
        import pathlib

        pathlib.Path(path).mkdir(parents=True, exist_ok=True)

    @classmethod
    def load(cls, path):
        return cls()


def _spec(name, factory, kind, caps=(), task="feature_engineering", output="features"):
    return ComponentSpec(
        name=name,
        kind=kind,
        factory=f"{__name__}:{factory}",
        info={
            "purpose": "p",
            "ideal_dataset_shape": {"layout": "tabular"},
            "feature_requirements": ["ohlcv"],
            "output_schema": {"kind": output},
            "market_regimes": ["any"],
            "task": task,
            "capabilities": list(caps),
        },
    )


def test_kit_catches_a_preprocessor_that_looks_ahead():
    spec = _spec("leaky_scaler", "LeakyScaler", "preprocessor", caps=("causal",))
    assert check_preprocessor_causal in checks_for(spec)
    with pytest.raises(CausalityError, match="leaky_scaler looks ahead"):
        check_preprocessor_causal(spec)


def test_kit_catches_missing_not_fitted_error_and_lossy_save():
    spec = _spec("forgetful", "ForgetfulModel", "learner", task="regression", output="point")
    with pytest.raises(AssertionError, match="predict before fit raised nothing"):
        check_unfitted_raises(spec)
    with pytest.raises(AssertionError, match="predictions differ after save → load"):
        check_save_load_roundtrip(spec)


@pytest.mark.parametrize("name", ["local", "regime_features", "rule_regime_detector"])
def test_core_components_pass_the_kit(name):
    from huracan_core.testing import check_component

    check_component(name)
