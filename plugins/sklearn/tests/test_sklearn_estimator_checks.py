"""scikit-learn's own estimator checks on every learner of this plugin.

Checks that cannot pass are listed in ``EXPECTED_FAILED`` with the reason.
"""

from __future__ import annotations

from huracan_sklearn.learners import (
    DecisionTreeClassifierLearner,
    DecisionTreeRegressorLearner,
    KNeighborsClassifierLearner,
    KNeighborsRegressorLearner,
    LinearRegressionLearner,
    LinearSVMClassifierLearner,
    LinearSVMRegressorLearner,
    LogisticRegressionLearner,
    RandomForestClassifierLearner,
    RandomForestRegressorLearner,
    RidgeLearner,
    SVMClassifierLearner,
    SVMRegressorLearner,
)
from huracan_sklearn.regime import KMeansRegimeDetector
from sklearn.utils.estimator_checks import parametrize_with_checks

ESTIMATORS = [
    LinearRegressionLearner(),
    RidgeLearner(),
    LogisticRegressionLearner(),
    KNeighborsClassifierLearner(),
    KNeighborsRegressorLearner(),
    SVMClassifierLearner(),
    SVMRegressorLearner(),
    LinearSVMClassifierLearner(),
    LinearSVMRegressorLearner(),
    DecisionTreeClassifierLearner(),
    DecisionTreeRegressorLearner(),
    RandomForestClassifierLearner(n_estimators=10),
    RandomForestRegressorLearner(n_estimators=10),
    KMeansRegimeDetector(),
]


_MARKET_FRAME_ONLY = (
    "KMeansRegimeDetector consumes a market frame (a DataFrame with a 'close' column, or a close Series) "
    "and computes its own causal regime features; scikit-learn's checks feed bare numeric matrices"
)
# Every check below passes a numpy array (or a frame without 'close') to fit; the detector
# rejects it with DataContractError naming the missing 'close' column. Tested on market frames
# in test_kmeans_regime.py and by the conformance kit instead.
_DETECTOR_EXPECTED_FAILED = {
    name: _MARKET_FRAME_ONLY
    for name in (
        "check_complex_data",
        "check_dict_unchanged",
        "check_dont_overwrite_parameters",
        "check_dtype_object",
        "check_estimator_sparse_array",
        "check_estimator_sparse_matrix",
        "check_estimator_sparse_tag",
        "check_estimators_dtypes",
        "check_estimators_empty_data_messages",
        "check_estimators_fit_returns_self",
        "check_estimators_nan_inf",
        "check_estimators_overwrite_params",
        "check_estimators_pickle",
        "check_f_contiguous_array_estimator",
        "check_fit2d_1feature",
        "check_fit2d_1sample",
        "check_fit2d_predict1d",
        "check_fit_check_is_fitted",
        "check_fit_idempotent",
        "check_fit_score_takes_y",
        "check_methods_sample_order_invariance",
        "check_methods_subset_invariance",
        "check_n_features_in",
        "check_n_features_in_after_fitting",
        "check_pipeline_consistency",
        "check_positive_only_tag_during_fit",
        "check_readonly_memmap_input",
    )
}


def expected_failed_checks(estimator):
    """Checks that cannot pass, with the reason; every wrapped learner passes them all."""
    if isinstance(estimator, KMeansRegimeDetector):
        return _DETECTOR_EXPECTED_FAILED
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks, xfail_strict=True)
def test_sklearn_compatible(estimator, check):
    check(estimator)
