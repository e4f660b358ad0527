"""BiLSTMMSAClassifier: the estimator contract and its properties."""

import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_bilstm_msa import BiLSTMMSAClassifier, load_weights
from sklearn_bilstm_msa._defaults import auto_predict_batch_size
from sklearn_bilstm_msa._training import HoldoutSplit, holdout_size

from .conftest import FAST, assert_float32_close, make_bump_data


def test_probabilities_are_a_distribution_over_classes_(fitted, bump_data):
    X, _ = bump_data
    proba = fitted.predict_proba(X)
    assert proba.shape == (X.shape[0], 2)
    assert np.all(proba >= 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(fitted.predict(X), fitted.classes_[proba.argmax(1)])


@pytest.mark.numerics
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    length=st.integers(1, 30),
    extra=st.lists(st.integers(1, 40), min_size=1, max_size=4),
    seed=st.integers(0, 2**16),
)
def test_padding_never_changes_a_prediction(fitted, length, extra, seed):
    """A series batched with longer series (so it gets padded) keeps its probabilities."""
    rng = np.random.default_rng(seed)
    series = rng.normal(size=(2, length))
    others = [rng.normal(size=(2, length + e)) for e in extra]
    alone = fitted.predict_proba([series])
    batched = fitted.predict_proba(
        others[: len(others) // 2] + [series] + others[len(others) // 2 :]
    )
    assert_float32_close(batched[len(others) // 2], alone[0])


@pytest.mark.numerics
def test_predictions_do_not_depend_on_batch_order(fitted, bump_data):
    X, _ = bump_data
    order = np.random.default_rng(0).permutation(X.shape[0])
    assert_float32_close(fitted.predict_proba(X[order]), fitted.predict_proba(X)[order])
    ragged = [x[:, : 10 + i % 15] for i, x in enumerate(X)]
    shuffled = [ragged[i] for i in order]
    assert_float32_close(fitted.predict_proba(shuffled), fitted.predict_proba(ragged)[order])


@pytest.fixture(scope="module")
def fitted_by_channels():
    models = {}
    for n_channels in (1, 3):
        X, y = make_bump_data(n_cases=20, n_channels=n_channels, n_timepoints=12)
        models[n_channels] = BiLSTMMSAClassifier(**FAST).fit(X, y)
    return models


@settings(max_examples=20, deadline=None)
@given(
    n_cases=st.integers(1, 9), n_channels=st.sampled_from([1, 3]), n_timepoints=st.integers(1, 50)
)
def test_output_shapes_for_any_collection_shape(
    fitted_by_channels, n_cases, n_channels, n_timepoints
):
    clf = fitted_by_channels[n_channels]
    X = np.random.default_rng(0).normal(size=(n_cases, n_channels, n_timepoints))
    assert clf.predict(X).shape == (n_cases,)
    assert clf.predict_proba(X).shape == (n_cases, 2)
    assert clf.attention_weights(X).shape == (n_cases, 3, n_timepoints)


def test_fits_and_predicts_series_of_a_single_time_point():
    X, y = make_bump_data(n_cases=20, n_channels=2, n_timepoints=1)
    clf = BiLSTMMSAClassifier(**FAST).fit(X, y)
    assert clf.predict(X).shape == (20,)
    assert clf.predict(np.ones((3, 2, 1))).shape == (3,)


def test_two_d_input_is_univariate_and_lists_equal_arrays(bump_data):
    X, y = bump_data
    X = X[:, :1]
    from_3d = BiLSTMMSAClassifier(**FAST).fit(X, y)
    from_2d = BiLSTMMSAClassifier(**FAST).fit(X[:, 0], y)
    from_list = BiLSTMMSAClassifier(**FAST).fit(list(X), y)
    reference = from_3d.predict_proba(X)
    np.testing.assert_array_equal(from_2d.predict_proba(X[:, 0]), reference)
    assert_float32_close(from_list.predict_proba(list(X)), reference)
    assert from_3d.n_channels_ == from_2d.n_channels_ == 1


def test_random_state_makes_fits_bit_for_bit_repeatable(bump_data):
    X, y = bump_data
    first = BiLSTMMSAClassifier(**FAST).fit(X, y)
    second = BiLSTMMSAClassifier(**FAST).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    for (name, a), (_, b) in zip(
        first.net_.module_.state_dict().items(),
        second.net_.module_.state_dict().items(),
        strict=True,
    ):
        assert torch.equal(a, b), name
    assert first.history_[:, "train_loss"] == second.history_[:, "train_loss"]


def test_fit_is_independent_of_and_leaves_unchanged_global_torch_state(bump_data):
    """aeon's Hydra classifiers set torch's global seed and threads; that must not matter.

    Both fits use the same ``n_jobs``: with another thread count, float32 reductions may
    be split differently and round differently, so only equal settings match bit for bit.
    """
    X, y = bump_data
    threads_before = torch.get_num_threads()
    reference = BiLSTMMSAClassifier(**FAST, n_jobs=2).fit(X, y).predict_proba(X)
    try:
        torch.manual_seed(12345)
        torch.set_num_threads(1)
        rng_state = torch.get_rng_state()
        clf = BiLSTMMSAClassifier(**FAST, n_jobs=2).fit(X, y)
        assert torch.equal(torch.get_rng_state(), rng_state), "fit consumed the global RNG"
        assert torch.get_num_threads() == 1, "fit left its thread count behind"
        np.testing.assert_array_equal(clf.predict_proba(X), reference)
    finally:
        torch.set_num_threads(threads_before)


def test_labels_of_any_type_come_back_as_given(bump_data):
    X, y = bump_data
    labels = np.array(["walking", "running"])[y]
    clf = BiLSTMMSAClassifier(**FAST).fit(X, labels)
    assert set(clf.classes_) == {"running", "walking"}
    assert set(clf.predict(X)) <= set(clf.classes_)
    assert clf.score(X, labels) == accuracy_score(labels, clf.predict(X))


def test_series_of_any_length_at_predict_time(fitted, bump_data):
    X, _ = bump_data
    assert fitted.predict(X[:, :, :7]).shape == (X.shape[0],)
    assert fitted.predict(np.concatenate([X, X], axis=2)).shape == (X.shape[0],)


def test_attention_weights_of_unequal_series_are_a_list_with_their_lengths(fitted, bump_data):
    X, _ = bump_data
    series = [X[0][:, :12], X[1], X[2][:, :1]]
    weights = fitted.attention_weights(series)
    assert [w.shape for w in weights] == [(3, 12), (3, 30), (3, 1)]
    assert all((w > 0).all() for w in weights)
    # eq. (4) as printed: the local weights of a series of length T sum to more than 1
    # (a width-w window gives each step at least 1/w); a single step has weight 1.
    np.testing.assert_allclose(weights[2], 1.0, atol=1e-6)
    assert (weights[1].sum(axis=1) > 1).all()


def test_normalised_attention_weights_sum_to_one_per_scale(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**FAST, context="normalized").fit(X, y)
    for w in clf.attention_weights([X[0][:, :12], X[1]]):
        np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-6)


def test_learns_sklearn_blobs_also_from_lists():
    """The accuracy part of sklearn's check_classifiers_train (declared as an expected
    failure only for its predict(X.T) shape assertion)."""
    X, y = make_blobs(n_samples=300, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = BiLSTMMSAClassifier(hidden_size=16, max_epochs=40, lr=1e-2, random_state=0)
    assert accuracy_score(y, clf.fit(X, y).predict(X)) > 0.83
    assert accuracy_score(y, clf.fit(X.tolist(), y.tolist()).predict(X)) > 0.83


def test_pipeline_with_aeon_normalizer_in_grid_search_over_window_sizes():
    from aeon.transformations.collection import Normalizer

    X, y = make_bump_data(n_cases=40, n_timepoints=20)
    pipe = make_pipeline(Normalizer(), BiLSTMMSAClassifier(**FAST))
    grid = {"bilstmmsaclassifier__window_sizes": [(3,), (3, 7), ()]}
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    assert (
        search.best_params_["bilstmmsaclassifier__window_sizes"]
        in grid["bilstmmsaclassifier__window_sizes"]
    )
    assert len(search.cv_results_["mean_test_score"]) == 3
    assert search.predict(X).shape == (40,)
    assert isinstance(search.best_estimator_, Pipeline)


def test_clone_and_params_round_trip():
    clf = BiLSTMMSAClassifier(window_sizes=(5, 9), hidden_size=12)
    params = clf.get_params()
    assert params["window_sizes"] == (5, 9)
    cloned = clone(clf)
    assert cloned.get_params() == params
    assert cloned.set_params(window_sizes=(7,)).window_sizes == (7,)
    assert "net_" not in vars(cloned)


def test_default_window_sizes_are_a_tuple_containing_seven():
    window_sizes = BiLSTMMSAClassifier().window_sizes
    assert isinstance(window_sizes, tuple) and 7 in window_sizes


@pytest.mark.parametrize(
    "params",
    [
        dict(window_sizes=()),
        dict(bidirectional=False),
        dict(window_sizes=("global",)),
        dict(window_sizes=(3, 5, 7, 9)),
        dict(context="sum"),
        dict(num_layers=2, dropout=0.3),
        dict(validation_fraction=None),
        dict(normalize=False, gradient_clip=None),
    ],
    ids=str,
)
def test_ablation_settings_fit_and_predict(bump_data, params):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**{**FAST, **params}).fit(X, y)
    assert clf.predict_proba(X).shape == (X.shape[0], 2)
    assert clf.attention_weights(X).shape[1] == len(clf.window_sizes_)


def test_early_stopping_restores_the_best_epoch_on_the_training_holdout():
    X, y = make_bump_data(n_cases=80, n_timepoints=20)
    clf = BiLSTMMSAClassifier(
        hidden_size=8,
        n_estimators=1,
        max_epochs=200,
        patience=3,
        lr=3e-2,
        validation_fraction=0.25,
        label_smoothing=0.0,  # the hold-out loss is then the plain log-loss scored below
        random_state=0,
    ).fit(X, y)
    history = clf.history_
    assert clf.n_iter_ < 200, "early stopping never triggered"
    valid_losses = history[:, "valid_loss"]
    # The hold-out comes from the training data: rebuild it and score the restored model.
    _, valid = HoldoutSplit(0.25, clf._seed()).indices(np.searchsorted(clf.classes_, y))
    proba = clf.predict_proba(X[valid])
    restored_loss = -np.mean(np.log(proba[np.arange(len(valid)), y[valid]]))
    assert restored_loss == pytest.approx(min(valid_losses), rel=1e-4)
    assert restored_loss < valid_losses[-1]


def test_holdout_split_is_stratified_and_falls_back_on_tiny_classes():
    y = np.repeat([0, 1, 2], [10, 10, 10])
    train, valid = HoldoutSplit(0.2, 0).indices(y)
    assert sorted(np.bincount(y[valid])) == [2, 2, 2]
    assert len(set(train) | set(valid)) == 30 and not set(train) & set(valid)
    tiny = np.array([0] * 10 + [1])  # a class with one case cannot be stratified
    train, valid = HoldoutSplit(0.2, 0).indices(tiny)
    assert len(valid) == 3 and len(train) == 8
    assert len(HoldoutSplit(0.1, 0).indices(np.arange(30) % 2)[1]) == 3


@pytest.mark.parametrize(
    "fraction, n_cases, expected",
    [(0.1, 30, 3), (0.1, 5, 1), (0.5, 3, 0), (None, 50, 0), (0, 9, 0)],
)
def test_holdout_size_leaves_at_least_two_training_cases(fraction, n_cases, expected):
    assert holdout_size(fraction, n_cases) == expected


def test_verbose_without_a_terminal_prints_one_plain_epoch_table(bump_data, capsys):
    """Captured output is not a TTY, as in a log file or CI (issue 37): the epoch
    table, with no colour codes and no progress bars between its rows."""
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**FAST, verbose=1, validation_fraction=0.1).fit(X, y)
    out, err = capsys.readouterr()
    assert "train_loss" in out and "valid_loss" in out
    assert "\x1b[" not in out + err
    assert "it/s" not in out + err and "%|" not in err  # no tqdm bar
    assert "progress_bar" not in dict(clf.net_.callbacks)
    rows = [line for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert len(rows) == FAST["max_epochs"]


def test_verbose_in_a_terminal_keeps_the_progress_bar_and_colours(bump_data, monkeypatch):
    from sklearn_bilstm_msa import _training

    monkeypatch.setattr(_training, "interactive_output", lambda: True)
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**FAST, verbose=1, validation_fraction=0.1).fit(X, y)
    callbacks = dict(clf.net_.callbacks_)
    assert "progress_bar" in callbacks
    assert type(callbacks["print_log"]).__name__ == "PrintLog"


def test_pickle_and_joblib_round_trip(fitted, bump_data, tmp_path):
    X, _ = bump_data
    expected = fitted.predict_proba(X)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), expected)
    joblib.dump(fitted, tmp_path / "model.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "model.joblib").predict_proba(X), expected)


def test_weights_file_loads_without_unpickling_code(fitted, bump_data, tmp_path):
    X, _ = bump_data
    path = tmp_path / "model.pt"
    fitted.save_weights(path)
    # The file holds only tensors and plain values: torch's safe loader reads it.
    payload = torch.load(path, weights_only=True)
    assert set(payload["state_dict"]) == set(fitted.net_.module_.state_dict())
    restored = BiLSTMMSAClassifier.load_weights(path)
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    np.testing.assert_array_equal(restored.classes_, fitted.classes_)
    assert restored.get_params() == fitted.get_params()


def test_weights_file_keeps_string_labels(bump_data, tmp_path):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**FAST).fit(X, np.array(["no", "yes"])[y])
    clf.save_weights(tmp_path / "model.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "model.pt")
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))


def test_load_weights_rejects_other_files(tmp_path):
    torch.save({"weights": torch.zeros(2)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a weights file.*no sklearn-bilstm-msa format tag"):
        BiLSTMMSAClassifier.load_weights(tmp_path / "other.pt")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ValueError, match=r"not a weights file .*\(those are torch zip archives"):
        load_weights(tmp_path / "notes.txt")


def _pickle_dump(obj, path):
    path.write_bytes(pickle.dumps(obj))


@pytest.mark.parametrize("dump", [joblib.dump, _pickle_dump])
def test_load_weights_refuses_a_pickle_with_a_clear_error_and_no_torch_advice(
    fitted, tmp_path, dump
):
    dump(fitted, tmp_path / "model.joblib")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no torch warning about the pickle protocol either
        for load in (load_weights, BiLSTMMSAClassifier.load_weights):
            with pytest.raises(ValueError) as caught:
                load(tmp_path / "model.joblib")
            message = str(caught.value)
            assert "is a pickle" in message and "joblib.load or pickle.load" in message
            assert "weights_only" not in message and caught.value.__cause__ is None
    with open(tmp_path / "model.joblib", "rb") as handle:  # a file object says the same
        with pytest.raises(ValueError, match="is a pickle"):
            load_weights(handle)


def test_load_weights_returns_whichever_estimator_the_file_holds(fitted, bump_data, tmp_path):
    X, _ = bump_data
    fitted.save_weights(tmp_path / "model.pt")
    restored = load_weights(tmp_path / "model.pt")
    assert type(restored) is BiLSTMMSAClassifier
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))


def test_load_weights_on_an_instance_says_to_call_it_on_the_class(fitted, tmp_path):
    fitted.save_weights(tmp_path / "model.pt")
    clf = BiLSTMMSAClassifier()
    with pytest.raises(TypeError, match=r"call it on the class, `model = BiLSTMMSAClassifier"):
        clf.load_weights(tmp_path / "model.pt")
    assert not hasattr(clf, "net_")


def test_model_saved_for_cuda_loads_and_predicts_on_a_cpu_only_machine(fitted, bump_data, tmp_path):
    """A model whose net was on CUDA maps to the CPU when CUDA is missing.

    This machine has no GPU, so the CUDA side is simulated by marking the fitted
    net's device as "cuda" before pickling; the loading side is the real code path.
    """
    if torch.cuda.is_available():
        pytest.skip("the CPU fallback can only be observed on a machine without CUDA")
    X, _ = bump_data
    expected = fitted.predict_proba(X)
    clf = pickle.loads(pickle.dumps(fitted))
    clf.net_.device = "cuda"
    clf.device = "cuda"
    with pytest.warns(UserWarning, match="CUDA"):
        restored = pickle.loads(pickle.dumps(clf))
    assert str(restored.net_.device) == "cpu"
    np.testing.assert_array_equal(restored.predict_proba(X), expected)
    clf.save_weights(tmp_path / "model.pt")
    with pytest.warns(RuntimeWarning, match="CUDA is not available"):
        from_weights = BiLSTMMSAClassifier.load_weights(tmp_path / "model.pt")
    assert str(from_weights.net_.device) == "cpu"
    np.testing.assert_array_equal(from_weights.predict_proba(X), expected)


def test_save_weights_writes_to_file_objects(fitted, bump_data):
    X, _ = bump_data
    buffer = io.BytesIO()
    fitted.save_weights(buffer)
    buffer.seek(0)
    restored = BiLSTMMSAClassifier.load_weights(buffer)
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))


@pytest.mark.parametrize("n_cases, expected", [(12, 4), (30, 4), (180, 18), (270, 27), (2459, 32)])
def test_auto_batch_size_is_a_tenth_of_the_cases_within_bounds(n_cases, expected):
    X, y = make_bump_data(n_cases=n_cases, n_timepoints=6)
    clf = BiLSTMMSAClassifier(**{**FAST, "max_epochs": 1, "batch_size": "auto"}).fit(X, y)
    assert clf.batch_size_ == expected
    assert clf.net_.batch_size == expected
    assert clf.get_params()["batch_size"] == "auto"  # the parameter is left as given
    # Prediction goes in batches of auto_predict_batch_size, whatever the training
    # batch: 128 cases for these 6-step series.
    net_input = {"x": X, "lengths": np.full(n_cases, X.shape[-1])}  # as the estimator's
    batches = list(clf.net_.get_iterator(clf.net_.get_dataset(net_input), training=False))
    assert len(batches[0][0]["x"]) == min(128, n_cases)


@pytest.mark.parametrize(
    "lengths, expected",
    [([6, 82], 128), ([512], 128), ([400, 601], 109), ([1460], 44), ([2844], 32), ([], 128)],
)
def test_auto_prediction_batches_hold_about_a_fixed_number_of_steps(lengths, expected):
    """2**16 steps of the longest series predicted, between 32 and 128 cases."""
    assert auto_predict_batch_size(np.array(lengths, dtype=int)) == expected


def test_a_given_batch_size_is_also_the_prediction_batch(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**{**FAST, "max_epochs": 1, "batch_size": 5}).fit(X, y)
    assert clf.net_.get_params_for("iterator_valid")["batch_size"] == 5
