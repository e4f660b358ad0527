"""The aeon estimators: aeon's own checks, aeon's tools around them, and the promise
that they are the scikit-learn estimators under another base class."""

import joblib
import numpy as np
import pytest
from aeon.classification.compose import ClassifierEnsemble, ClassifierPipeline
from aeon.datasets import load_japanese_vowels
from aeon.testing.estimator_checking import parametrize_with_checks
from aeon.transformations.collection import Normalizer

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor
from sklearn_bilstm_msa.aeon import AeonBiLSTMMSAClassifier, AeonBiLSTMMSARegressor

from .conftest import FAST, make_bump_data


@pytest.mark.numerics
@parametrize_with_checks([AeonBiLSTMMSAClassifier, AeonBiLSTMMSARegressor])
def test_aeon_compatible(check):
    check()


@pytest.fixture(scope="module")
def vowels():
    """JapaneseVowels (shipped with aeon): 9 classes, 12 channels, lengths 7 to 29."""
    return load_japanese_vowels(split="train"), load_japanese_vowels(split="test")


def test_classifier_pipeline_on_unequal_length_japanese_vowels(vowels):
    """The settings were fixed before the test split was scored; it is a sanity floor
    (chance is 1/9), not a model selection."""
    (X_train, y_train), (X_test, y_test) = vowels
    assert isinstance(X_train, list) and len({x.shape[1] for x in X_train}) > 1
    clf = AeonBiLSTMMSAClassifier(hidden_size=16, max_epochs=30, lr=1e-2, random_state=0)
    pipe = ClassifierPipeline([Normalizer()], clf)
    assert pipe.get_tag("capability:unequal_length") and pipe.get_tag("capability:multivariate")
    pipe.fit(X_train, y_train)
    y_pred = pipe.predict(X_test)
    proba = pipe.predict_proba(X_test)
    assert y_pred.shape == (len(X_test),) and proba.shape == (len(X_test), 9)
    np.testing.assert_array_equal(y_pred, pipe.classes_[proba.argmax(axis=1)])
    assert set(y_pred) <= set(np.unique(y_train))
    assert np.mean(y_pred == y_test) > 0.5


def test_ensemble_of_window_settings_takes_unequal_length(vowels):
    (X_train, y_train), _ = vowels
    members = [
        ("narrow", AeonBiLSTMMSAClassifier(**FAST, window_sizes=(3,))),
        ("global", AeonBiLSTMMSAClassifier(**FAST, window_sizes=("global",))),
    ]
    ensemble = ClassifierEnsemble(members, random_state=0)
    assert ensemble.get_tag("capability:unequal_length")
    proba = ensemble.fit(X_train[:60], y_train[:60]).predict_proba(X_train[60:70])
    assert proba.shape == (10, len(np.unique(y_train[:60])))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    "aeon_class, sklearn_class",
    [(AeonBiLSTMMSAClassifier, BiLSTMMSAClassifier), (AeonBiLSTMMSARegressor, BiLSTMMSARegressor)],
)
def test_same_parameters_as_the_sklearn_estimator(aeon_class, sklearn_class):
    # n_jobs: aeon's checks require a default of 1, which is what None means in sklearn.
    assert aeon_class().get_params() == {**sklearn_class().get_params(), "n_jobs": 1}
    params = {**FAST, "window_sizes": (5,), "context": "normalized"}
    assert aeon_class(**params).get_params() == {
        **sklearn_class(**params).get_params(),
        "n_jobs": 1,
    }


def test_classifier_is_the_sklearn_model_with_string_labels(bump_data):
    X, y = bump_data
    labels = np.array(["walk", "run"])[y]
    aeon_clf = AeonBiLSTMMSAClassifier(**FAST).fit(X, labels)
    sk_clf = BiLSTMMSAClassifier(**FAST).fit(X, labels)
    np.testing.assert_array_equal(aeon_clf.classes_, ["run", "walk"])
    np.testing.assert_array_equal(aeon_clf.predict_proba(X), sk_clf.predict_proba(X))
    np.testing.assert_array_equal(aeon_clf.predict(X), sk_clf.predict(X))
    np.testing.assert_array_equal(aeon_clf.attention_weights(X), sk_clf.attention_weights(X))
    ragged = [x[:, : 10 + i] for i, x in enumerate(X[:5])]
    for ours, theirs in zip(
        aeon_clf.attention_weights(ragged), sk_clf.attention_weights(ragged), strict=True
    ):
        np.testing.assert_array_equal(ours, theirs)


def test_regressor_is_the_sklearn_model(bump_data):
    X, y = bump_data
    target = X[:, 0].mean(axis=1) * 10
    aeon_reg = AeonBiLSTMMSARegressor(**FAST).fit(X, target)
    sk_reg = BiLSTMMSARegressor(**FAST).fit(X, target)
    np.testing.assert_array_equal(aeon_reg.predict(X), sk_reg.predict(X))
    assert aeon_reg.predict(X).shape == (len(X),)


def test_predict_leaves_the_fitted_network_in_eval_mode_and_unchanged():
    """aeon's state check compares the sklearn estimator only by identity (the torch
    optimizer state cannot be hashed), so the network is compared here directly."""
    X, y = make_bump_data(n_cases=30)
    clf = AeonBiLSTMMSAClassifier(**{**FAST, "dropout": 0.5}).fit(X, y)
    module = clf.estimator_.net_.module_
    assert not any(m.training for m in module.modules()), "fit must end in eval mode"
    before = joblib.hash(module)
    first = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict_proba(X), first)  # dropout is off
    assert joblib.hash(module) == before


def test_channel_mismatch_is_refused_by_aeon_before_the_network(bump_data):
    X, y = bump_data
    clf = AeonBiLSTMMSAClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="number of channels"):
        clf.predict(X[:, :1])
