"""``normalize="cv"`` lets the training data choose the view of series that share one
shape, by cross-validation on the training split (issue 35); ``"auto"`` keeps the shape
rule alone, which chose better on the search pool (CV pass 42)."""

import numpy as np
import pytest

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor, _view_choice
from sklearn_bilstm_msa._defaults import AUTO_VIEW_FOLDS

from .conftest import FAST, make_bump_data, make_shared_shape_data

# Two epochs of four-unit networks: the choice's mechanics, not its accuracy.
TINY = {**FAST, "hidden_size": 4, "max_epochs": 2}
CV = {**TINY, "normalize": "cv"}


@pytest.fixture(scope="module")
def chosen():
    X, y = make_shared_shape_data(n_cases=24)
    return X, y, BiLSTMMSAClassifier(**CV).fit(X, y)


def test_the_view_of_shared_shapes_is_the_best_scored_in_cross_validation(chosen):
    X, y, clf = chosen
    scores = clf.normalize_scores_
    assert list(scores) == ["step+channel", "channel"]  # the rule's view first
    for fold_scores in scores.values():
        assert fold_scores.shape == (AUTO_VIEW_FOLDS,)
        assert np.all((fold_scores >= 0) & (fold_scores <= 1))
    means = {view: s.mean() for view, s in scores.items()}
    assert means[clf.normalize_] == max(means.values())
    assert clf.normalize_reason_.startswith("cross-validation: the series share one shape")
    assert f"{clf.normalize_!r} scored best" in clf.normalize_reason_
    # The fitted network reads the chosen view: per-step statistics only with "step+channel".
    assert hasattr(clf, "step_mean_") == (clf.normalize_ == "step+channel")


def test_the_chosen_view_is_fitted_as_that_view_given_would_be(chosen):
    X, y, clf = chosen
    given = BiLSTMMSAClassifier(**TINY, normalize=clf.normalize_).fit(X, y)
    np.testing.assert_array_equal(given.predict_proba(X), clf.predict_proba(X))
    assert given.normalize_scores_ is None
    assert given.normalize_reason_ == f"given: normalize={clf.normalize_!r}"


def test_the_choice_is_repeatable_and_does_not_depend_on_n_jobs(chosen):
    X, y, clf = chosen
    again = BiLSTMMSAClassifier(**CV).fit(X, y)
    # Two fold fits side by side, in joblib's processes.
    spread = BiLSTMMSAClassifier(**{**CV, "n_jobs": 2}).fit(X, y)
    for other in (again, spread):
        assert other.normalize_ == clf.normalize_
        for view, fold_scores in clf.normalize_scores_.items():
            np.testing.assert_array_equal(other.normalize_scores_[view], fold_scores)
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_a_tie_keeps_the_rules_view(monkeypatch):
    monkeypatch.setattr(_view_choice, "_fold_score", lambda *args: 0.5)
    X, y = make_shared_shape_data(n_cases=24)
    clf = BiLSTMMSAClassifier(**CV).fit(X, y)
    assert clf.normalize_ == "step+channel"
    assert clf.normalize_reason_.endswith("(the rule's view on a tie)")


def test_the_choice_reads_the_training_data_only(monkeypatch):
    """Every fold fit and fold score reads training cases, and each case is scored once
    per view, by a network that did not train on it."""
    calls = []
    real = _view_choice._fold_score

    def spy(estimator, X, y, weights, train, test):
        calls.append((estimator.normalize, X.shape[0], set(train), set(test)))
        return real(estimator, X, y, weights, train, test)

    monkeypatch.setattr(_view_choice, "_fold_score", spy)
    X, y = make_shared_shape_data(n_cases=24)
    BiLSTMMSAClassifier(**CV).fit(X[:18], y[:18])
    assert len(calls) == 2 * AUTO_VIEW_FOLDS
    for view in ("step+channel", "channel"):
        folds = [(train, test) for v, n, train, test in calls if v == view]
        assert all(n == 18 and not train & test for _, n, train, test in calls)
        assert sorted(i for _, test in folds for i in test) == list(range(18))


def test_sets_too_small_to_split_keep_the_rules_view():
    X, y = make_shared_shape_data(n_cases=24)
    y = np.array([0, 0] + [1] * 22)  # the smallest class: two cases, fewer than 3 folds
    clf = BiLSTMMSAClassifier(**CV).fit(X, y)
    assert clf.normalize_ == "step+channel" and clf.normalize_scores_ is None
    assert "smallest class has 2 case(s)" in clf.normalize_reason_


def test_auto_keeps_the_shape_rule_without_cross_validation(monkeypatch):
    monkeypatch.setattr(_view_choice, "_fold_score", None)  # any fold fit would fail
    X, y = make_shared_shape_data(n_cases=24)
    clf = BiLSTMMSAClassifier(**TINY).fit(X, y)
    assert clf.normalize_ == "step+channel" and clf.normalize_scores_ is None
    assert clf.normalize_reason_ == "rule: the training series share one shape"


def test_the_regressor_has_no_choice_to_make():
    shared, target = make_shared_shape_data(n_cases=24)
    with pytest.raises(ValueError, match="normalize must be one of"):
        BiLSTMMSARegressor(**CV).fit(shared, target.astype(float))


def test_other_series_and_the_regressor_follow_the_rule_alone():
    X, y = make_bump_data(n_cases=24, n_timepoints=20)
    clf = BiLSTMMSAClassifier(**CV).fit(X, y)
    assert clf.normalize_ == "channel" and clf.normalize_scores_ is None
    assert clf.normalize_reason_ == "rule: the training series do not share one shape"
    ragged = [x[:, : 12 + i % 5] for i, x in enumerate(X)]
    clf = BiLSTMMSAClassifier(**CV).fit(ragged, y)
    assert clf.normalize_reason_ == "rule: the training series have unequal lengths"
    shared, target = make_shared_shape_data(n_cases=24)
    reg = BiLSTMMSARegressor(**TINY).fit(shared, target.astype(float))
    assert reg.normalize_ == "step" and reg.normalize_scores_ is None
    assert reg.normalize_reason_ == "rule: the training series share one shape"


def test_class_weights_reach_the_choice_as_case_weights(monkeypatch):
    seen = []
    real = _view_choice._fold_score

    def spy(estimator, X, y, weights, train, test):
        seen.append((estimator.class_weight, weights))
        return real(estimator, X, y, weights, train, test)

    monkeypatch.setattr(_view_choice, "_fold_score", spy)
    X, y = make_shared_shape_data(n_cases=24)
    labels = np.where(y == 1, "bump", "dip")
    BiLSTMMSAClassifier(**CV, class_weight={"bump": 3.0}).fit(X, labels)
    class_weight, weights = seen[0]
    assert class_weight is None  # already in the case weights, keyed by encoded labels
    np.testing.assert_allclose(weights[y == 1] / weights[y == 0][0], 3.0)


def test_the_choice_survives_a_weights_file(chosen, tmp_path):
    X, y, clf = chosen
    clf.save_weights(tmp_path / "chosen.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "chosen.pt")
    assert restored.normalize_ == clf.normalize_
    assert restored.normalize_reason_ == clf.normalize_reason_
    for view, fold_scores in clf.normalize_scores_.items():
        np.testing.assert_array_equal(restored.normalize_scores_[view], fold_scores)
