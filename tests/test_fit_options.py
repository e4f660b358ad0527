"""What a scikit-learn or skorch user expects of a deep estimator (issue 20): class and
sample weights, callbacks, warm start and training curves, in the shared machinery."""

import numpy as np
import pytest
import sklearn
import torch
from sklearn.base import clone
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV, cross_validate
from skorch.callbacks import Callback

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor
from sklearn_bilstm_msa._training import MemberCrossEntropyLoss

from .conftest import FAST, assert_float32_close, make_bump_data

#: Full-batch training without randomness that depends on the number of cases (no
#: dropout, no hold-out): a case of integer weight k then counts as k copies of it.
FULL_BATCH = dict(
    hidden_size=8, max_epochs=5, batch_size=1000, dropout=0.0, validation_fraction=None
)


def _imbalanced(seed=0):
    X, y = make_bump_data(n_cases=120, seed=seed)
    keep = (y == 0) | (np.arange(len(y)) % 10 == 0)  # class 1 cut to about a tenth
    return X[keep], y[keep]


# ------------------------------------------------------------------ class_weight


def test_balanced_class_weight_is_sklearns_rule():
    X, y = _imbalanced()
    clf = BiLSTMMSAClassifier(class_weight="balanced", **FAST).fit(X, y)
    counts = np.bincount(y)
    np.testing.assert_allclose(clf.class_weight_, len(y) / (2 * counts))
    clf = BiLSTMMSAClassifier(class_weight={1: 5.0}, **FAST).fit(X, y)
    np.testing.assert_array_equal(clf.class_weight_, [1.0, 5.0])
    assert np.array_equal(BiLSTMMSAClassifier(**FAST).fit(X, y).class_weight_, [1.0, 1.0])


def test_class_weight_keys_are_the_labels_as_given():
    """JapaneseVowels' labels are the strings "1" to "9": keys equal to those strings
    weight those classes (scikit-learn's compute_class_weight reads them as numbers and
    rejects them, issue 37)."""
    X, y = _imbalanced()
    labels = np.where(y == 1, "2", "1")
    clf = BiLSTMMSAClassifier(class_weight={"2": 10.0}, **FAST).fit(X, labels)
    np.testing.assert_array_equal(clf.class_weight_, [1.0, 10.0])
    both = BiLSTMMSAClassifier(class_weight={"1": 0.5, "2": 3.0}, **FAST).fit(X, labels)
    np.testing.assert_array_equal(both.class_weight_, [0.5, 3.0])


@pytest.mark.parametrize(
    ("class_weight", "message"),
    [
        ({2: 10.0}, r"not labels in y: \[2\]; the labels are \['1', '2'\]"),
        ({"3": 1.0}, r"not labels in y: \['3'\]"),
        ({"2": -1.0}, r"class_weight\['2'\] must be a finite number >= 0, got -1.0"),
        ({"2": "heavy"}, r"class_weight\['2'\] must be a finite number"),
    ],
)
def test_a_class_weight_key_that_is_no_label_names_the_labels(class_weight, message):
    X, y = _imbalanced()
    labels = np.where(y == 1, "2", "1")
    with pytest.raises(ValueError, match=message):
        BiLSTMMSAClassifier(class_weight=class_weight, **FAST).fit(X, labels)


@pytest.mark.parametrize("class_weight", ["balance", 3, [1, 2]])
def test_bad_class_weight_is_a_clear_error(bump_data, class_weight):
    with pytest.raises(ValueError, match="class_weight"):
        BiLSTMMSAClassifier(class_weight=class_weight, **FAST).fit(*bump_data)


def test_class_weight_dict_with_an_unknown_label_is_an_error(bump_data):
    with pytest.raises(ValueError, match=r"not labels in y: \[7\]; the labels are \[0, 1\]"):
        BiLSTMMSAClassifier(class_weight={7: 2.0}, **FAST).fit(*bump_data)


@pytest.mark.parametrize("n_estimators", [1, 2])
def test_class_weight_is_a_sample_weight_per_class(n_estimators):
    """class_weight={c: w} fits exactly as sample_weight=w for the cases of class c,
    with label smoothing and in a seed ensemble."""
    X, y = _imbalanced()
    params = dict(FAST, n_estimators=n_estimators, label_smoothing=0.2)
    by_class = BiLSTMMSAClassifier(class_weight={0: 1.0, 1: 4.0}, **params).fit(X, y)
    by_case = BiLSTMMSAClassifier(**params).fit(X, y, sample_weight=np.where(y == 1, 4.0, 1.0))
    np.testing.assert_array_equal(by_class.predict_proba(X), by_case.predict_proba(X))


def test_class_weight_moves_predictions_to_the_heavy_class():
    X, y = _imbalanced()
    heavy = BiLSTMMSAClassifier(class_weight={1: 50.0}, **FAST).fit(X, y)
    plain = BiLSTMMSAClassifier(**FAST).fit(X, y)
    assert heavy.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean() + 0.1


def test_balanced_class_weight_raises_balanced_accuracy_on_an_imbalanced_problem():
    X, y = _imbalanced()
    X_test, y_test = make_bump_data(n_cases=200, seed=1)
    params = dict(hidden_size=8, max_epochs=4, random_state=0)
    scores = [
        balanced_accuracy_score(
            y_test, BiLSTMMSAClassifier(class_weight=cw, **params).fit(X, y).predict(X_test)
        )
        for cw in (None, "balanced")
    ]
    # Measured: 0.82 and 1.0 with the defaults (0.5, all majority, and 1.0 with
    # stem="dilated", whose four epochs learned less of the minority class).
    assert scores[1] > 0.95 and scores[1] > scores[0] + 0.1


def test_weighted_criterion_gives_one_loss_per_case_and_member():
    logits = torch.as_tensor(np.random.default_rng(0).normal(size=(4, 3, 5)), dtype=torch.float32)
    target = torch.tensor([0, 4, 2, 2])
    per_case = MemberCrossEntropyLoss(reduction="none", label_smoothing=0.1)(logits, target)
    assert per_case.shape == (4, 3)
    # Unweighted: the sum of the members' mean losses, each member's as if it were alone.
    total = MemberCrossEntropyLoss(label_smoothing=0.1)(logits, target)
    torch.testing.assert_close(per_case.mean(dim=0).sum(), total)
    alone = [MemberCrossEntropyLoss(label_smoothing=0.1)(logits[:, m], target) for m in range(3)]
    torch.testing.assert_close(per_case.mean(dim=0), torch.stack(alone))


def test_member_gradients_are_those_of_their_own_loss():
    """The ensemble's loss gives each member the gradient its own loss alone gives it,
    bit for bit, so that a member trains as it would beside any other members."""
    logits = torch.randn(6, 3, 4, generator=torch.Generator().manual_seed(0), requires_grad=True)
    target = torch.tensor([0, 1, 2, 3, 0, 1])
    MemberCrossEntropyLoss(label_smoothing=0.1)(logits, target).backward()
    alone = logits.detach()[:, 1:2].clone().requires_grad_(True)
    MemberCrossEntropyLoss(label_smoothing=0.1)(alone, target).backward()
    assert torch.equal(logits.grad[:, 1:2], alone.grad)


# ------------------------------------------------------------------ sample_weight


def test_integer_weights_fit_as_repeated_cases_with_full_batch_training():
    X, y = make_bump_data(n_cases=40)
    w = np.random.default_rng(0).integers(0, 4, size=len(y))
    for cls, target in ((BiLSTMMSAClassifier, y), (BiLSTMMSARegressor, y + X[:, 0, 0])):
        weighted = cls(random_state=0, **FULL_BATCH).fit(X, target, sample_weight=w)
        repeated = cls(random_state=0, **FULL_BATCH).fit(X.repeat(w, axis=0), target.repeat(w))
        method = "predict_proba" if cls is BiLSTMMSAClassifier else "predict"
        assert_float32_close(getattr(weighted, method)(X), getattr(repeated, method)(X))


def test_zero_weight_cases_take_no_part_in_the_fit(bump_data):
    X, y = bump_data
    w = (np.arange(len(y)) % 4 != 0).astype(float)
    weighted = BiLSTMMSAClassifier(validation_fraction=0.2, **FAST).fit(X, y, sample_weight=w)
    dropped = BiLSTMMSAClassifier(validation_fraction=0.2, **FAST).fit(X[w > 0], y[w > 0])
    np.testing.assert_array_equal(weighted.predict_proba(X), dropped.predict_proba(X))


def test_equal_weights_are_the_unweighted_fit_bit_for_bit(bump_data):
    X, y = bump_data
    plain = BiLSTMMSAClassifier(**FAST).fit(X, y).predict_proba(X)
    ones = BiLSTMMSAClassifier(**FAST).fit(X, y, sample_weight=np.full(len(y), 3.0))
    np.testing.assert_array_equal(ones.predict_proba(X), plain)


def test_weights_follow_their_cases_into_the_holdout_and_length_buckets():
    """Unequal lengths (length buckets) and a hold-out: scaling every weight by 7 changes
    nothing, and a weighted fit differs from the unweighted one."""
    X, y = make_bump_data(n_cases=60, n_timepoints=40)
    X = [x[:, : 20 + i % 20] for i, x in enumerate(X)]
    w = 1.0 + (np.arange(len(y)) % 3)
    params = dict(FAST, validation_fraction=0.25)
    a = BiLSTMMSAClassifier(**params).fit(X, y, sample_weight=w)
    b = BiLSTMMSAClassifier(**params).fit(X, y, sample_weight=7 * w)
    assert_float32_close(a.predict_proba(X), b.predict_proba(X))
    assert_float32_close(a.loss_curve_, b.loss_curve_)
    plain = BiLSTMMSAClassifier(**params).fit(X, y)
    assert not np.allclose(a.loss_curve_, plain.loss_curve_)


@pytest.mark.parametrize(
    "weights, match",
    [
        (np.ones(3), "one weight per case"),
        (-np.ones(60), "negative"),
        (np.zeros(60), "zero"),
        (np.full(60, np.nan), "NaN"),
    ],
)
def test_bad_sample_weight_is_a_clear_error(bump_data, weights, match):
    with pytest.raises(ValueError, match=match):
        BiLSTMMSAClassifier(**FAST).fit(*bump_data, sample_weight=weights)


def test_sample_weight_is_routed_by_grid_search_and_cross_validate(bump_data):
    X, y = bump_data
    w = 1.0 + (np.arange(len(y)) % 2)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = BiLSTMMSAClassifier(**FAST).set_fit_request(sample_weight=True)
        clf.set_score_request(sample_weight=False)  # weights for fit, not for scoring
        scores = cross_validate(clf, X, y, cv=2, params={"sample_weight": w})
        assert len(scores["test_score"]) == 2
        search = GridSearchCV(clf, {"hidden_size": [4]}, cv=2).fit(X, y, sample_weight=w)
    # The refitted best estimator saw the weights: it is the weighted fit.
    direct = BiLSTMMSAClassifier(**dict(FAST, hidden_size=4)).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(search.best_estimator_.predict_proba(X), direct.predict_proba(X))


# ------------------------------------------------------------------ callbacks


class EpochRecorder(Callback):
    """Records the epoch numbers and losses it sees, as TensorBoard would log them."""

    def initialize(self):
        self.seen_ = []
        return self

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        self.seen_.append((row["epoch"], row["train_loss"], row.get("valid_loss")))


@pytest.mark.parametrize("named", [False, True])
def test_user_callbacks_see_every_epoch_and_score(bump_data, named):
    recorder = EpochRecorder()
    callbacks = [("recorder", recorder)] if named else [recorder]
    clf = BiLSTMMSAClassifier(callbacks=callbacks, validation_fraction=0.2, **FAST)
    clf.fit(*bump_data)
    assert dict(clf.net_.callbacks_)["recorder" if named else "EpochRecorder"] is recorder
    assert [e for e, _, _ in recorder.seen_] == [1, 2, 3]
    assert [loss for _, loss, _ in recorder.seen_] == clf.loss_curve_
    assert all(valid is not None for _, _, valid in recorder.seen_)


class TrainingOutputs(Callback):
    """Records the shape of each training batch's output that callbacks are given."""

    def initialize(self):
        self.shapes_ = []
        return self

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        if training:
            self.shapes_.append(tuple(kwargs["y_pred"].shape))


@pytest.mark.parametrize("cls", [BiLSTMMSAClassifier, BiLSTMMSARegressor])
def test_callbacks_see_a_seed_ensembles_combined_training_output(bump_data, cls):
    """The loss needs the members' stacked outputs (N, M, K); callbacks such as
    EpochScoring(on_train=True) get the ensemble's (N, K), as predict does."""
    from skorch.callbacks import EpochScoring

    X, y = bump_data
    y = y if cls is BiLSTMMSAClassifier else X[:, 0].mean(axis=1)
    scoring = "accuracy" if cls is BiLSTMMSAClassifier else "neg_mean_squared_error"
    outputs = TrainingOutputs()
    on_train = EpochScoring(scoring, lower_is_better=False, on_train=True, name="train_score")
    est = cls(**{**FAST, "n_estimators": 3}, callbacks=[outputs, on_train]).fit(X, y)
    n_outputs = 2 if cls is BiLSTMMSAClassifier else 1
    assert {shape[1:] for shape in outputs.shapes_} == {(n_outputs,)}
    scores = est.history_[:, "train_score"]
    assert len(scores) == 3 and np.isfinite(scores).all()
    if cls is BiLSTMMSAClassifier:
        assert all(0.0 <= score <= 1.0 for score in scores)


def test_callbacks_leave_the_fit_unchanged(bump_data):
    X, y = bump_data
    plain = BiLSTMMSAClassifier(**FAST).fit(X, y)
    with_cb = BiLSTMMSAClassifier(callbacks=[EpochRecorder()], **FAST).fit(X, y)
    np.testing.assert_array_equal(plain.predict_proba(X), with_cb.predict_proba(X))


@pytest.mark.parametrize("name", ["early_stopping", "lr_scheduler", "valid_loss", "print_log"])
def test_a_callback_named_like_one_of_ours_is_a_clear_error(bump_data, name):
    clf = BiLSTMMSAClassifier(callbacks=[(name, EpochRecorder())], **FAST)
    with pytest.raises(ValueError, match=f"'{name}' is taken"):
        clf.fit(*bump_data)


@pytest.mark.parametrize("callbacks", ["tensorboard", [object()], [("x", 3)], EpochRecorder()])
def test_callbacks_must_be_a_list_of_skorch_callbacks(bump_data, callbacks):
    with pytest.raises(ValueError, match="callbacks must"):
        BiLSTMMSAClassifier(callbacks=callbacks, **FAST).fit(*bump_data)


def test_callbacks_survive_clone_and_are_left_out_of_weights_files(bump_data, tmp_path):
    clf = BiLSTMMSAClassifier(callbacks=[("recorder", EpochRecorder())], **FAST)
    clone(clf).fit(*bump_data).save_weights(tmp_path / "m.pt")
    loaded = BiLSTMMSAClassifier.load_weights(tmp_path / "m.pt")
    assert loaded.callbacks is None


# ------------------------------------------------------------------ warm_start


@pytest.mark.parametrize("cls", [BiLSTMMSAClassifier, BiLSTMMSARegressor])
def test_warm_start_continues_the_fitted_network(bump_data, cls):
    X, y = bump_data
    est = cls(warm_start=True, **FAST).fit(X, y)
    first = est.predict(X)
    mean = est.channel_mean_.copy()
    est.fit(X, y)
    assert est.n_iter_ == 6 == len(est.history_) == len(est.loss_curve_)
    assert [row["epoch"] for row in est.history_] == list(range(1, 7))
    np.testing.assert_array_equal(est.channel_mean_, mean)
    # The second fit started where the first stopped: its first loss is about the
    # first fit's last, far below a fresh network's first.
    assert est.loss_curve_[3] < est.loss_curve_[0]
    cold = cls(**FAST).fit(X, y).fit(X, y)
    assert cold.n_iter_ == 3
    np.testing.assert_array_equal(cold.predict(X), first)


def test_warm_start_refuses_other_classes_channels_or_shapes(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(warm_start=True, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="classes of the previous fit"):
        clf.fit(X, np.where(y == 1, "b", "a"))
    with pytest.raises(ValueError, match="channel"):
        clf.fit(X[:, :1], y)
    with pytest.raises(ValueError, match="another shape"):
        clf.set_params(hidden_size=4).fit(X, y)
    reg = BiLSTMMSARegressor(warm_start=True, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="target"):
        reg.fit(X, np.c_[y, y])


# ------------------------------------------------------------------ training curves


def test_training_curves_with_and_without_a_holdout(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(validation_fraction=0.25, **FAST).fit(X, y)
    assert clf.loss_curve_ == list(clf.history_[:, "train_loss"])
    assert clf.validation_scores_ == list(clf.history_[:, "valid_acc"])
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ == min(clf.history_[:, "valid_loss"])
    plain = BiLSTMMSAClassifier(**FAST).fit(X, y)
    assert plain.validation_scores_ is None and plain.best_validation_score_ is None
    assert plain.best_loss_ == min(plain.loss_curve_)
    reg = BiLSTMMSARegressor(**FAST).fit(X, y.astype(float))  # hold-out by default
    assert len(reg.validation_scores_) == reg.n_iter_
    assert all(score <= 1 for score in reg.validation_scores_)


# ------------------------------------------------------------------ aeon faces


def test_aeon_classifier_takes_class_weight_callbacks_and_warm_start(bump_data):
    from sklearn_bilstm_msa.aeon import AeonBiLSTMMSAClassifier

    X, y = _imbalanced()
    recorder = EpochRecorder()
    params = dict(FAST, class_weight="balanced")
    clf = AeonBiLSTMMSAClassifier(callbacks=[recorder], warm_start=True, **params).fit(X, y)
    direct = BiLSTMMSAClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), direct.predict_proba(X))
    assert len(recorder.seen_) == 3
    clf.fit(X, y)  # aeon's fit resets the estimator, but warm_start keeps the network
    assert clf.estimator_.n_iter_ == 6 and len(clf.estimator_.loss_curve_) == 6


def test_aeon_regressor_warm_start(bump_data):
    from sklearn_bilstm_msa.aeon import AeonBiLSTMMSARegressor

    X, y = bump_data
    y = y + np.linspace(0, 0.5, len(y))
    reg = AeonBiLSTMMSARegressor(warm_start=True, **FAST).fit(X, y).fit(X, y)
    assert reg.estimator_.n_iter_ == 6
    assert AeonBiLSTMMSARegressor(**FAST).fit(X, y).fit(X, y).estimator_.n_iter_ == 3
