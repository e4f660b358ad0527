"""Bad input gets a clear error that names the problem; nothing is silently coerced."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sklearn_bilstm_msa import BiLSTMMSAClassifier

from .conftest import FAST

RNG = np.random.default_rng(0)
X3 = RNG.normal(size=(10, 2, 8))
Y = np.array([0, 1] * 5)


def with_value(value):
    X = X3.copy()
    X[3, 1, 4] = value
    return X


def with_empty_series():
    """Series 3 is all NaN (a single NaN is a missing value, which the models take)."""
    X = X3.copy()
    X[3] = np.nan
    return X


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        (with_empty_series(), Y, ValueError, "Series 3 of X is all NaN"),
        (with_value(np.inf), Y, ValueError, "Series 3 of X contains infinity"),
        (with_value(-np.inf), Y, ValueError, "Series 3 of X contains infinity"),
        ([x for x in with_empty_series()], Y, ValueError, "Series 3 of X is all NaN"),
        (X3, np.r_[Y[:7].astype(float), np.nan, 1, 0], ValueError, "y contains NaN .case 7"),
        (X3[0, 0], Y, ValueError, "got a 1-D array"),
        (X3[..., None], Y, ValueError, "got a 4-D array"),
        (np.empty((0, 2, 8)), Y[:0], ValueError, "X is empty"),
        ([], [], ValueError, "X is empty"),
        (np.empty((10, 2, 0)), Y, ValueError, "no time points"),
        (X3, np.zeros(10), ValueError, r"only one class \(0\.0\)"),
        (X3, Y[:-1], ValueError, "X has 10 cases but y has 9 labels"),
        (X3, None, ValueError, "requires y to be passed"),
        (X3, np.linspace(0, 1, 10), ValueError, "Unknown label type"),
        (X3.astype(str), Y, TypeError, "contains strings"),
        ([["a", "b"], ["c", "d"]], Y[:2], TypeError, "contains strings"),
        ("not a collection", Y, TypeError, "X is a string"),
        (None, Y, TypeError, "X is None"),
        ([X3[0], X3[1][:1]] * 5, Y, ValueError, "Ragged channel counts.*series 1 has 1"),
        ([X3[0], X3[1][:, :0]] * 5, Y, ValueError, "Series 1 of X has no time points"),
        ([X3[0], X3[None]] * 5, Y, ValueError, "Series 1 of X has 4 dimensions"),
        (X3[:1], np.array(["a"]), ValueError, r"only one class \('a'\)"),
        (X3 + 1j, Y, ValueError, "Complex data not supported"),
    ],
    ids=[
        "all-nan",
        "inf",
        "-inf",
        "all-nan-in-list",
        "nan-label",
        "1-D",
        "4-D",
        "empty",
        "empty-list",
        "no-timepoints",
        "one-class",
        "y-length",
        "y-none",
        "continuous-y",
        "strings",
        "string-list",
        "string-X",
        "none-X",
        "ragged-channels",
        "empty-series",
        "3-D-series",
        "single-case",
        "complex",
    ],
)
def test_bad_training_input_is_a_clear_error(X, y, error, match):
    with pytest.raises(error, match=match):
        BiLSTMMSAClassifier(**FAST).fit(X, y)


def test_sparse_input_is_refused():
    import scipy.sparse as sp

    with pytest.raises(TypeError, match="Sparse input is not supported"):
        BiLSTMMSAClassifier(**FAST).fit(sp.csr_matrix(X3[:, 0]), Y)


@pytest.mark.parametrize(
    "window_sizes, error, match",
    [
        ((4,), ValueError, "Window width 4 is invalid"),
        ((3, 0), ValueError, "Window width 0 is invalid"),
        ((-3,), ValueError, "Window width -3 is invalid"),
        ((3.5,), ValueError, "odd integers"),
        ((3.0,), ValueError, "odd integers"),
        ((True,), ValueError, "odd integers"),
        (("wide",), ValueError, "odd integers"),
        (7, TypeError, "must be a tuple"),
        ("global", TypeError, "must be a tuple"),
    ],
)
def test_invalid_window_sizes_are_refused(window_sizes, error, match):
    with pytest.raises(error, match=match):
        BiLSTMMSAClassifier(**FAST, window_sizes=window_sizes).fit(X3, Y)


@pytest.mark.parametrize("device", ["gpu", "cuda:x", "", 0])
def test_unknown_device_is_refused(device):
    with pytest.raises(ValueError, match="device must be"):
        BiLSTMMSAClassifier(**FAST, device=device).fit(X3, Y)


@pytest.mark.parametrize(
    "param, value, match",
    [
        ("hidden_size", 0, "hidden_size must be a positive integer"),
        ("max_epochs", 2.5, "max_epochs must be a positive integer"),
        ("context", "mean", "context must be one of"),
        ("stem_pool", "median", "stem_pool must be one of"),
        ("dropout", 1.0, "dropout must be in"),
        ("validation_fraction", 1.5, "validation_fraction must be in"),
        ("lr", 0, "lr must be positive"),
        ("batch_size", "big", "batch_size must be a positive integer or 'auto'"),
        ("lr_schedule", "step", "lr_schedule must be one of"),
        ("label_smoothing", 1.0, "label_smoothing must be in"),
        ("augment_scale", -0.1, "augment_scale must be a number >= 0"),
        ("augment_noise", "high", "augment_noise must be a number >= 0"),
        ("weight_decay", float("nan"), "weight_decay must be a number >= 0"),
    ],
)
def test_invalid_hyper_parameters_are_refused_at_fit(param, value, match):
    clf = BiLSTMMSAClassifier(**FAST).set_params(**{param: value})  # __init__ only stores
    with pytest.raises(ValueError, match=match):
        clf.fit(X3, Y)


@pytest.fixture(scope="module")
def fitted():
    return BiLSTMMSAClassifier(**FAST).fit(X3, Y)


def test_channel_mismatch_at_predict_is_named(fitted):
    with pytest.raises(ValueError, match="X has 3 channels but the classifier was fitted on 2"):
        fitted.predict(RNG.normal(size=(4, 3, 8)))
    with pytest.raises(ValueError, match="X has 1 channel but the classifier was fitted on 2;"):
        fitted.predict_proba(RNG.normal(size=(4, 8)))


@pytest.mark.parametrize("method", ["predict", "predict_proba", "attention_weights"])
def test_bad_input_at_predict_is_named(fitted, method):
    with pytest.raises(ValueError, match="Series 3 of X is all NaN"):
        getattr(fitted, method)(with_empty_series())
    with pytest.raises(ValueError, match="got a 1-D array"):
        getattr(fitted, method)(X3[0, 0])


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "attention_weights", "save_weights"]
)
def test_methods_before_fit_raise_not_fitted(method):
    with pytest.raises(NotFittedError):
        getattr(BiLSTMMSAClassifier(), method)(X3)
