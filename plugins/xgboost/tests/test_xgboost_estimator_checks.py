"""scikit-learn's own estimator checks on both XGBoost learners (none is expected to fail)."""

from __future__ import annotations

from huracan_xgboost.learners import XGBoostClassifier, XGBoostRegressor
from sklearn.utils.estimator_checks import parametrize_with_checks


def expected_failed_checks(estimator):
    """Checks that cannot pass, with the reason: none."""
    return {}


@parametrize_with_checks(
    [XGBoostClassifier(n_estimators=50, n_jobs=1), XGBoostRegressor(n_estimators=50, n_jobs=1)],
    expected_failed_checks=expected_failed_checks,
    xfail_strict=True,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
