"""The paper's baselines as estimators: scikit-learn's checks, the machinery they share
with BiLSTM-MSA (seeds, hold-out, weights files), the fixed length of their heads, and
their place in the harness."""

import io

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_bilstm_msa import BiLSTMMSAClassifier, load_weights
from sklearn_bilstm_msa._estimator import SeriesNetEstimator
from sklearn_bilstm_msa.baselines import (
    BASELINE_CLASSIFIERS,
    FEDformerClassifier,
    InformerClassifier,
    TimesNetClassifier,
    TSMixerClassifier,
)
from sklearn_bilstm_msa.baselines._estimator import expected_failed_checks
from sklearn_bilstm_msa.benchmark import get_contender
from sklearn_bilstm_msa.benchmark._tasks import _prepare

from .conftest import make_bump_data

#: Tiny networks with a rate that learns sklearn's blobs in the checks' few cases.
TINY = {
    "Informer": dict(d_model=8, d_ff=8, n_heads=2, e_layers=1),
    "FEDformer": dict(d_model=8, d_ff=8, n_heads=2, e_layers=1, modes=4, moving_avg=3),
    "TimesNet": dict(d_model=8, d_ff=8, e_layers=1, num_kernels=2, top_k=2),
    "TSMixer": dict(e_layers=1, d_ff=8),
}
CHECKED = [
    BASELINE_CLASSIFIERS[model](
        **params, max_epochs=30, lr=1e-2, validation_fraction=None, random_state=0
    )
    for model, params in TINY.items()
]


def _tiny(model, **params):
    return BASELINE_CLASSIFIERS[model](**TINY[model], max_epochs=3, random_state=0, **params)


@parametrize_with_checks(CHECKED, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_baselines_are_trained_by_the_one_machinery():
    for cls in BASELINE_CLASSIFIERS.values():
        assert issubclass(cls, SeriesNetEstimator)
        assert cls.fit is BiLSTMMSAClassifier.fit  # the shared classifier head's fit
        assert cls._fit_series is BiLSTMMSAClassifier._fit_series


def test_the_core_estimator_does_not_import_the_baselines():
    import subprocess
    import sys

    code = (
        "import sys, sklearn_bilstm_msa as m; m.BiLSTMMSAClassifier; m.load_weights; "
        "assert not any(k.startswith('sklearn_bilstm_msa.baselines') for k in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("model", list(TINY))
def test_unequal_lengths_fit_and_a_fixed_length_is_learned_from_training_data(model):
    X, y = make_bump_data(n_cases=24, n_timepoints=20)
    series = [x[:, : 12 + i % 8] for i, x in enumerate(X)]
    clf = _tiny(model).fit(series, y)
    assert clf.seq_len_ == 19
    proba = clf.predict_proba(series[:5])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    shorter = clf.predict_proba([x[:, :5] for x in X[:3]])  # shorter than any: padded
    assert shorter.shape == (3, 2)
    with pytest.raises(ValueError, match="at most 19 steps; X has a series of 20 steps"):
        clf.predict(X[:2])


def test_same_seed_same_fit_and_weights_files_load_back():
    X, y = make_bump_data(n_cases=24, n_timepoints=16)
    first = _tiny("TimesNet").fit(X, y)
    again = clone(first).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))
    buffer = io.BytesIO()
    first.save_weights(buffer)
    buffer.seek(0)
    restored = load_weights(buffer)
    assert type(restored) is TimesNetClassifier and restored.seq_len_ == 16
    np.testing.assert_array_equal(restored.predict_proba(X), first.predict_proba(X))


def test_a_holdout_from_the_training_data_drives_early_stopping():
    X, y = make_bump_data(n_cases=40, n_timepoints=16)
    clf = TSMixerClassifier(d_ff=8, max_epochs=40, patience=2, random_state=0).fit(X, y)
    # validation_fraction=0.1 (TSLib's patience, our hold-out): 4 of the 40 training
    # cases are held out every epoch, and early stopping restores the best epoch.
    first = clf.history_[0]["batches"]
    assert sum(b["valid_batch_size"] for b in first if "valid_batch_size" in b) == 4
    assert sum(b["train_batch_size"] for b in first if "train_batch_size" in b) == 36
    stopping = dict(clf.net_.callbacks_)["early_stopping"]
    assert stopping.monitor == "valid_loss" and stopping.load_best and stopping.patience == 2


@pytest.mark.parametrize(
    ("cls", "param", "value", "message"),
    [
        (InformerClassifier, "d_model", 0, "d_model must be a positive integer"),
        (FEDformerClassifier, "modes", 1.5, "modes must be a positive integer"),
        (TimesNetClassifier, "dropout", 1.0, r"dropout must be in \[0, 1\)"),
        (TSMixerClassifier, "lr_schedule", "step", "lr_schedule must be one of"),
    ],
)
def test_bad_parameters_are_named(cls, param, value, message):
    X, y = make_bump_data(n_cases=12, n_timepoints=10)
    with pytest.raises(ValueError, match=message):
        cls(**{param: value}).fit(X, y)


def test_tslib_settings_are_the_defaults():
    informer = InformerClassifier()
    assert (informer.d_model, informer.d_ff, informer.e_layers) == (128, 256, 3)
    assert (informer.batch_size, informer.lr, informer.gradient_clip) == (16, 1e-3, 4.0)
    assert informer.lr_schedule == "constant" and informer._optimizer.__name__ == "RAdam"
    assert (TimesNetClassifier().top_k, TimesNetClassifier().max_epochs) == (3, 30)


def test_the_harness_cuts_test_series_to_the_longest_training_series():
    contender = get_contender("TimesNet")
    assert contender.unequal_length and contender.fixed_length
    X_train = [np.ones((2, n)) for n in (5, 8)]
    X_test = [np.ones((2, n)) for n in (3, 11)]
    _, cut, note = _prepare(contender, X_train, X_test)
    assert [x.shape[-1] for x in cut] == [3, 8]
    assert "cut to 8 steps" in note
    _, same, note = _prepare(contender, X_train, X_train)
    assert same is X_train and note == "none"
