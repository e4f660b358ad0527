"""feature_attributions: where the model really looks (issue 15)."""

import numpy as np
import pytest

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor

from .conftest import FAST

METHODS = ["integrated_gradients", "gradient_x_input", "occlusion"]

#: The bump data's motif is 5 steps wide; the series are 40 long.
N_STEPS, WIDTH = 40, 5


def motif_data(n_cases, seed):
    """make_bump_data's classes (sign of a 5-step bump at a random place), with the
    bump's position."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 0.3, size=(n_cases, 1, N_STEPS))
    y = rng.integers(0, 2, size=n_cases)
    positions = rng.integers(0, N_STEPS - WIDTH + 1, size=n_cases)
    bump = np.sin(np.linspace(0, np.pi, WIDTH)) * 2.0
    for i in range(n_cases):
        X[i, 0, positions[i] : positions[i] + WIDTH] += bump if y[i] else -bump
    return X, y, positions


@pytest.fixture(scope="module")
def trained():
    X, y, _ = motif_data(120, seed=0)
    params = dict(hidden_size=8, max_epochs=30, lr=1e-2, batch_size=16, random_state=0)
    return BiLSTMMSAClassifier(**params).fit(X, y)


@pytest.mark.parametrize("method", METHODS)
def test_attributions_point_at_the_motif_that_decides_the_class(trained, method):
    """Measured here: integrated gradients and occlusion put their largest |value|
    inside the motif for 100% of test series, gradient x input for about 95%; the
    attention scales for under 5% (docs/guide/attention.md)."""
    X, y, positions = motif_data(60, seed=1)
    assert trained.score(X, y) > 0.9
    peaks = np.abs(trained.feature_attributions(X, method=method)[:, 0]).argmax(axis=1)
    inside = (peaks >= positions) & (peaks < positions + WIDTH)
    assert inside.mean() >= 0.85


def test_integrated_gradients_add_up_to_the_change_of_the_output(trained):
    """Completeness: the sum over a series is F(x) - F(training mean), up to the
    integral's discretisation."""
    X, _, _ = motif_data(10, seed=2)
    target = np.full(10, trained.classes_[1])
    attributions = trained.feature_attributions(X, target=target, n_steps=128)
    mean_series = np.broadcast_to(trained.channel_mean_[:, None], X.shape[1:])
    f_x = trained.predict_proba(X)[:, 1]
    f_0 = trained.predict_proba(np.repeat(mean_series[None], 10, axis=0))[:, 1]
    np.testing.assert_allclose(attributions.sum(axis=(1, 2)), f_x - f_0, atol=0.02)


@pytest.mark.parametrize("method", METHODS)
def test_padding_gets_zero_and_unequal_lengths_come_back_as_a_list(trained, method):
    X, _, _ = motif_data(6, seed=3)
    ragged = [x[:, : 20 + 3 * i] for i, x in enumerate(X)]
    attributions = trained.feature_attributions(ragged, method=method)
    assert [a.shape for a in attributions] == [(1, 20 + 3 * i) for i in range(6)]
    alone = trained.feature_attributions(ragged[:1], method=method)[0]
    np.testing.assert_allclose(attributions[0], alone, rtol=1e-4, atol=1e-6)


def test_every_input_kind_and_both_estimators(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**FAST).fit(X[:, :1], y)
    assert clf.feature_attributions(X[:4, 0]).shape == (4, 1, X.shape[2])  # 2-D univariate
    reg = BiLSTMMSARegressor(**FAST).fit(X, X[:, 0].mean(axis=1))
    assert reg.feature_attributions(X[:3], method="occlusion", window=4).shape == (3, 2, 30)
    two = BiLSTMMSARegressor(**FAST).fit(X, np.c_[X[:, 0].mean(1), X[:, 1].mean(1)])
    assert two.feature_attributions(X[:2], target=1).shape == (2, 2, 30)
    with pytest.raises(ValueError, match="predicts 2 targets; pass target=<index>"):
        two.feature_attributions(X[:2])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"method": "saliency"}, "method must be one of"),
        ({"target": "cat"}, "'cat' is not a class of this classifier"),
        ({"target": [0, 1]}, "one class label or one per series"),
        ({"n_steps": 0}, "n_steps must be a positive integer"),
        ({"method": "occlusion", "window": 0}, "window must be a positive integer"),
    ],
)
def test_bad_attribution_requests_are_refused(trained, kwargs, message):
    X, _, _ = motif_data(3, seed=4)
    with pytest.raises(ValueError, match=message):
        trained.feature_attributions(X, **kwargs)
