"""plot_attention draws a series above its per-scale attention heat map."""

import numpy as np
import pytest

from sklearn_bilstm_msa import BiLSTMMSAClassifier, plot_attention

from .conftest import FAST

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


def test_plot_attention_needs_attention_scales(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**FAST, window_sizes=()).fit(X, y)
    with pytest.raises(ValueError, match="no attention scales"):
        plot_attention(clf, X[0])
