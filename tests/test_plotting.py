"""plot_attention draws a series above its per-scale attention heat map."""

import numpy as np
import pytest

from sklearn_bilstm_msa import BiLSTMMSAClassifier, plot_attention

from .conftest import FAST, make_bump_data

matplotlib = pytest.importorskip("matplotlib", reason="plot_attention needs the viz extra")
matplotlib.use("Agg")


def test_heat_map_has_one_row_per_scale_and_one_column_per_step(fitted, bump_data, tmp_path):
    X, _ = bump_data
    top, bottom = plot_attention(fitted, X[0], relative=False)
    image = bottom.images[0].get_array()
    assert image.shape == (3, X.shape[2])
    np.testing.assert_allclose(image, fitted.attention_weights(X[:1])[0])
    _, relative = plot_attention(fitted, X[0])
    np.testing.assert_allclose(relative.images[0].get_array().sum(axis=1), 1.0)
    assert [t.get_text() for t in bottom.get_yticklabels()] == ["w=3", "w=7", "w=15"]
    assert len(top.lines) == X.shape[1]
    top.figure.savefig(tmp_path / "attention.png")
    assert (tmp_path / "attention.png").stat().st_size > 0


def test_an_ensembles_heat_map_has_one_row_per_scale_and_its_members_on_request(bump_data):
    """DESIGN §1: the ensemble is one model, its attention included (issue 37)."""
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**{**FAST, "n_estimators": 2}).fit(X, y)
    _, bottom = plot_attention(clf, X[0], relative=False)
    np.testing.assert_allclose(bottom.images[0].get_array(), clf.attention_weights(X[:1])[0])
    assert [t.get_text() for t in bottom.get_yticklabels()] == ["w=3", "w=7", "w=15"]
    _, rows = plot_attention(clf, X[0], members=True)
    labels = [t.get_text() for t in rows.get_yticklabels()]
    assert labels == ["m0 w=3", "m0 w=7", "m0 w=15", "m1 w=3", "m1 w=7", "m1 w=15"]


def test_plot_attention_needs_attention_scales(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**FAST, window_sizes=()).fit(X, y)
    with pytest.raises(ValueError, match="no attention scales"):
        plot_attention(clf, X[0])


@pytest.fixture(scope="module")
def twelve_channels():
    """A 12-channel model, as on JapaneseVowels."""
    X, y = make_bump_data(n_cases=20, n_channels=12, n_timepoints=12)
    return BiLSTMMSAClassifier(**FAST).fit(X, y), X


def test_twelve_channels_have_twelve_colours_and_a_legend_beside_the_plot(twelve_channels):
    clf, X = twelve_channels
    top, bottom = plot_attention(clf, X[0])
    colours = {matplotlib.colors.to_hex(line.get_color()) for line in top.lines}
    assert len(top.lines) == 12 and len(colours) == 12
    figure = top.figure
    figure.canvas.draw()
    legend = top.get_legend().get_window_extent()
    assert legend.x0 >= top.get_window_extent().x1  # beside the series, not over it
    assert legend.x0 >= bottom.get_window_extent().x1  # nor over the heat map
    # One time axis of whole steps for both plots.
    ticks = [t for t in bottom.get_xticks() if 0 <= t < X.shape[2]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert top.get_window_extent().width == pytest.approx(bottom.get_window_extent().width)


def test_many_channels_are_a_heat_map_of_channels():
    X, y = make_bump_data(n_cases=20, n_channels=25, n_timepoints=10)
    clf = BiLSTMMSAClassifier(**FAST).fit(X, y)
    top, _ = plot_attention(clf, X[0])
    assert top.images[0].get_array().shape == (25, 10) and not top.lines


@pytest.mark.parametrize("channel", [2, -1, 1.0, "0"])
def test_a_channel_the_series_lacks_is_a_clear_error(fitted, bump_data, channel):
    X, _ = bump_data
    with pytest.raises(ValueError, match=r"is not a channel of this series: it has 2 channels"):
        plot_attention(fitted, X[0], channel=channel)
    top, _ = plot_attention(fitted, X[0], channel=1)
    assert len(top.lines) == 1 and top.get_ylabel() == "channel 1"


def test_plot_explanation_draws_series_attributions_and_attention_on_one_time_axis(bump_data):
    import matplotlib

    matplotlib.use("Agg")
    from sklearn_bilstm_msa import plot_explanation

    X, y = bump_data
    clf = BiLSTMMSAClassifier(**{**FAST, "n_estimators": 2}).fit(X, y)
    top, middle, bottom = plot_explanation(clf, X[0], method="occlusion")
    assert middle.get_images()[0].get_array().shape == (2, X.shape[2])  # one row a channel
    # The ensemble's attention: one row per scale, the two members' mean (issue 37).
    assert bottom.get_images()[0].get_array().shape == (3, X.shape[2])
    assert [t.get_text() for t in bottom.get_yticklabels()] == ["w=3", "w=7", "w=15"]
    with pytest.raises(ValueError, match="channel=5 is not a channel"):
        plot_explanation(clf, X[0], channel=5)
