"""Missing values (issue 20): NaN inside a series is data. The estimators interpolate it
within its series and, with ``missing_indicator=True``, add a missing-value indicator
channel per channel that had missing values in training; a series with nothing
observed stays an error."""

import numpy as np
import pytest

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor, load_weights
from sklearn_bilstm_msa._data import interpolate_missing
from sklearn_bilstm_msa.aeon import AeonBiLSTMMSAClassifier, AeonBiLSTMMSARegressor

from .conftest import FAST, SHARED_DATA, assert_float32_close, make_bump_data


def _with_gaps(X, share=0.1, channel=1, seed=0):
    """``X`` with a ``share`` of the values of one ``channel`` set to NaN."""
    X = X.copy()
    gaps = np.random.default_rng(seed).random(X[:, channel].shape) < share
    X[:, channel][gaps] = np.nan
    return X


@pytest.fixture(scope="module")
def gappy():
    X, y = make_bump_data()
    return _with_gaps(X), y


@pytest.fixture(scope="module")
def gappy_fitted(gappy):
    return BiLSTMMSAClassifier(normalize="channel", missing_indicator=True, **FAST).fit(*gappy)


def test_by_default_missing_values_are_interpolated_without_indicator(gappy):
    X, y = gappy
    clf = BiLSTMMSAClassifier(**FAST).fit(X, y)
    assert clf.missing_channels_.tolist() == [1] and clf.indicator_channels_.tolist() == []
    assert clf.net_.module_.stem.convs[0].in_channels == 4  # two channels, their differences
    assert np.isfinite(clf.predict_proba(X)).all()


def test_missing_indicator_adds_a_channel_per_channel_that_had_them(gappy_fitted, gappy):
    X, _ = gappy
    assert gappy_fitted.missing_channels_.tolist() == [1]
    assert gappy_fitted.indicator_channels_.tolist() == [1]
    assert gappy_fitted.n_channels_ == 2
    first = gappy_fitted.net_.module_.stem.convs[0]
    assert first.in_channels == 5  # two value channels, their differences, one indicator
    proba = gappy_fitted.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


def test_statistics_are_those_of_the_observed_values(gappy_fitted, gappy):
    X, _ = gappy
    X = X.astype(np.float32).astype(np.float64)  # the values the model reads
    np.testing.assert_allclose(gappy_fitted.channel_mean_, np.nanmean(X, axis=(0, 2)))
    np.testing.assert_allclose(gappy_fitted.channel_std_, np.nanstd(X, axis=(0, 2)))


def test_complete_data_keeps_the_model_without_indicators(bump_data):
    clf = BiLSTMMSAClassifier(missing_indicator=True, **FAST).fit(*bump_data)
    assert clf.missing_channels_.tolist() == [] == clf.indicator_channels_.tolist()
    assert clf.net_.module_.stem.convs[0].in_channels == 4  # two channels, their differences


def test_missing_indicator_must_be_a_bool(gappy):
    with pytest.raises(ValueError, match="missing_indicator must be True or False"):
        BiLSTMMSAClassifier(missing_indicator="yes", **FAST).fit(*gappy)


def test_a_missing_value_is_interpolated_within_its_series(fitted, bump_data):
    """A gap is filled linearly between its series' observed neighbours (the nearest
    one at the ends), and a channel with nothing observed in a series by the training
    mean; here in a model fitted on complete series (no indicator)."""
    X, _ = bump_data
    gap, filled = X[:5].copy(), X[:5].copy()
    gap[:, 0, 10:14] = np.nan
    gap[:, 1, :3] = np.nan
    for i in range(5):
        filled[i, 0, 10:14] = np.interp(np.arange(10, 14), [9, 14], X[i, 0, [9, 14]])
        filled[i, 1, :3] = X[i, 1, 3]
    assert_float32_close(fitted.predict_proba(gap), fitted.predict_proba(filled))
    gap[0, 1] = np.nan
    filled[0, 1] = fitted.channel_mean_[1]
    assert_float32_close(fitted.predict_proba(gap), fitted.predict_proba(filled))


def test_interpolation_stays_inside_each_series_real_steps():
    values = np.array([[[1.0], [np.nan], [3.0], [0.0]], [[np.nan], [5.0], [np.nan], [0.0]]])
    lengths = np.array([3, 3])
    filled = interpolate_missing(values.astype(np.float32), lengths, np.isnan(values))
    np.testing.assert_array_equal(filled[..., 0], [[1.0, 2.0, 3.0, 0.0], [5.0, 5.0, 5.0, 0.0]])


def test_the_indicator_tells_a_missing_value_from_an_observed_mean(gappy_fitted, gappy):
    X, _ = gappy
    gap, filled = X[:5].copy(), X[:5].copy()
    gap[:, 1, 5:15] = np.nan
    filled[:, 1, 5:15] = gappy_fitted.channel_mean_[1]
    filled[np.isnan(filled)] = gappy_fitted.channel_mean_[1]
    assert not np.allclose(gappy_fitted.predict_proba(gap), gappy_fitted.predict_proba(filled))


def test_unequal_lengths_step_normalisation_and_inspection_with_missing_values():
    X, y = make_bump_data(n_timepoints=40)
    X = _with_gaps(X, channel=0)
    series = [x[:, : 25 + i % 15] for i, x in enumerate(X)]
    clf = BiLSTMMSAClassifier(missing_indicator=True, **FAST).fit(series, y)
    assert clf.indicator_channels_.tolist() == [0]
    assert [w.shape for w in clf.attention_weights(series[:3])] == [(3, 25), (3, 26), (3, 27)]
    attributions = clf.feature_attributions(series[:3], method="gradient_x_input")
    assert [a.shape for a in attributions] == [(2, 25), (2, 26), (2, 27)]
    step = BiLSTMMSAClassifier(normalize="step", **FAST).fit(X, y)
    assert np.isfinite(step.channel_mean_).all() and np.isfinite(step.predict_proba(X)).all()


def test_a_step_missing_in_every_series_takes_its_channels_statistics():
    X, y = make_bump_data()
    X[:, 1, 7] = np.nan
    clf = BiLSTMMSAClassifier(normalize="step", **FAST).fit(X, y)
    np.testing.assert_allclose(clf.channel_mean_[7, 1], np.nanmean(X[:, 1]))


def test_regressor_takes_missing_values(gappy):
    X, y = gappy
    reg = BiLSTMMSARegressor(missing_indicator=True, **FAST).fit(X, y + np.nanmean(X[:, 0], axis=1))
    assert reg.indicator_channels_.tolist() == [1]
    assert np.isfinite(reg.predict(X)).all()


def test_weights_file_keeps_the_missing_value_channels(gappy_fitted, gappy, tmp_path):
    X, _ = gappy
    gappy_fitted.save_weights(tmp_path / "m.pt")
    loaded = load_weights(tmp_path / "m.pt")
    assert loaded.missing_channels_.tolist() == [1] == loaded.indicator_channels_.tolist()
    np.testing.assert_array_equal(loaded.predict_proba(X), gappy_fitted.predict_proba(X))


def test_onnx_export_refuses_a_model_with_indicator_channels(gappy_fitted, tmp_path):
    pytest.importorskip("onnx")
    with pytest.raises(NotImplementedError, match="missing-value indicator"):
        gappy_fitted.export_onnx(tmp_path / "m.onnx")


@pytest.mark.parametrize("as_list", [False, True])
def test_errors_name_the_series(gappy, as_list):
    X, y = gappy
    empty, infinite = X.copy(), X.copy()
    empty[4] = np.nan
    infinite[6, 0, 3] = np.inf
    if as_list:
        empty, infinite = list(empty), list(infinite)
    with pytest.raises(ValueError, match="Series 4 of X is all NaN"):
        BiLSTMMSAClassifier(**FAST).fit(empty, y)
    with pytest.raises(ValueError, match="Series 6 of X contains infinity"):
        BiLSTMMSAClassifier(**FAST).fit(infinite, y)
    labels = np.where(y == 1, "a", "b").astype(object)
    labels[9] = np.nan
    with pytest.raises(ValueError, match=r"y contains NaN \(case 9\)"):
        BiLSTMMSAClassifier(**FAST).fit(X, labels)


@pytest.mark.parametrize("cls", [AeonBiLSTMMSAClassifier, AeonBiLSTMMSARegressor])
def test_aeon_faces_declare_and_take_missing_values(gappy, cls):
    X, y = gappy
    assert cls.get_class_tag("capability:missing_values") is True
    if cls is AeonBiLSTMMSARegressor:
        y = y + np.linspace(0, 0.5, len(y))  # aeon's regressors want continuous targets
    est = cls(missing_indicator=True, **FAST).fit(X, y)
    assert est.estimator_.indicator_channels_.tolist() == [1]
    assert np.isfinite(est.predict(X)).all()


@pytest.mark.skipif(
    not (SHARED_DATA / "DodgerLoopGame").is_dir(), reason="the shared UCR data is not here"
)
def test_dodger_loop_game_fits_with_its_missing_values():
    from aeon.datasets import load_classification

    X, y = load_classification("DodgerLoopGame", split="train", extract_path=SHARED_DATA)
    assert np.isnan(X).any()
    clf = BiLSTMMSAClassifier(hidden_size=8, max_epochs=3, random_state=0).fit(X, y)
    assert clf.missing_channels_.tolist() == [0]
    assert np.isfinite(clf.predict_proba(X)).all()
