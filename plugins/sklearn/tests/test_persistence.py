"""save/load: skops with an explicit trust list plus JSON config; identical predictions; tamper-proof."""

from __future__ import annotations

import json

import pytest
import skops.io as sio
from huracan_sklearn import TRUSTED_TYPES, SklearnLearner
from huracan_sklearn import learners as L

from huracan_core import ArtifactError

ALL = [
    L.LinearRegressionLearner(),
    L.RidgeLearner(alpha=0.5),
    L.LogisticRegressionLearner(C=0.3),
    L.KNeighborsClassifierLearner(n_neighbors=7, p=1),
    L.KNeighborsRegressorLearner(weights="distance"),
    L.SVMClassifierLearner(C=2.0),
    L.SVMRegressorLearner(),
    L.LinearSVMClassifierLearner(),
    L.LinearSVMRegressorLearner(),
    L.DecisionTreeClassifierLearner(max_depth=3),
    L.DecisionTreeRegressorLearner(max_depth=3),
    L.RandomForestClassifierLearner(n_estimators=5),
    L.RandomForestRegressorLearner(n_estimators=5),
]


@pytest.mark.parametrize("model", ALL, ids=lambda m: type(m).__name__)
def test_round_trip_gives_identical_predictions(model, tabular, tmp_path):
    X, y_reg, y_cls = tabular
    y = y_cls if model._is_classifier else y_reg
    model.fit(X, y)
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "model.skops"]
    loaded = type(model).load(tmp_path / "m")
    assert type(loaded) is type(model) and loaded.get_params() == model.get_params()
    assert loaded.predict(X).equals(model.predict(X))
    assert list(loaded.feature_names_in_) == list(model.feature_names_in_)
    if hasattr(model, "predict_proba"):
        assert loaded.predict_proba(X).equals(model.predict_proba(X))
    # the generic loader reads the class from config.json
    assert SklearnLearner.load(tmp_path / "m").predict(X).equals(model.predict(X))


def test_classes_keep_their_type(tabular, tmp_path):
    X, _, y = tabular
    labels = y.map({0: "down", 1: "up"})
    model = L.LogisticRegressionLearner().fit(X, labels)
    model.save(tmp_path / "m")
    loaded = L.LogisticRegressionLearner.load(tmp_path / "m")
    assert list(loaded.classes_) == ["down", "up"] and loaded.predict(X).equals(model.predict(X))


def test_tampered_model_file_is_refused(tabular, tmp_path):
    X, y, _ = tabular
    L.RidgeLearner().fit(X, y).save(tmp_path / "m")
    (tmp_path / "m" / "model.skops").write_bytes(b"PK" + b"0" * 100)
    with pytest.raises(ArtifactError, match="sha256 .* does not match"):
        L.RidgeLearner.load(tmp_path / "m")


def test_untrusted_types_are_refused_even_with_a_valid_hash(tabular, tmp_path):
    """An artifact holding a type outside skops' defaults and TRUSTED_TYPES never loads."""
    import hashlib
    import os

    from sklearn.preprocessing import FunctionTransformer

    X, y, _ = tabular
    L.RidgeLearner().fit(X, y).save(tmp_path / "m")
    evil = sio.dumps(FunctionTransformer(func=os.system))
    assert any("system" in name for name in sio.get_untrusted_types(data=evil))
    (tmp_path / "m" / "model.skops").write_bytes(evil)
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    config["files"]["model.skops"] = hashlib.sha256(evil).hexdigest()
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ArtifactError, match="contains types Huracan does not trust"):
        L.RidgeLearner.load(tmp_path / "m")


def test_foreign_class_and_wrong_class_are_refused(tabular, tmp_path):
    X, y, _ = tabular
    L.RidgeLearner().fit(X, y).save(tmp_path / "m")
    with pytest.raises(ArtifactError, match="not a 'huracan_sklearn.learners:LinearRegressionLearner'"):
        L.LinearRegressionLearner.load(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    config["class"] = "os:system"
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ArtifactError, match="not a huracan_sklearn learner"):
        SklearnLearner.load(tmp_path / "m")
    with pytest.raises(ArtifactError, match="no config.json"):
        L.RidgeLearner.load(tmp_path / "missing")


def test_trust_list_is_explicit():
    assert "sklearn.tree._tree.Tree" in TRUSTED_TYPES
    assert all(name.startswith("sklearn.") for name in TRUSTED_TYPES)
