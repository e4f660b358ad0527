"""The training recipe: LR schedules and training-batch augmentation."""

import inspect
import math
import re

import numpy as np
import pytest
import torch

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor
from sklearn_bilstm_msa._training import SeriesNetClassifier, SeriesNetMixin
from sklearn_bilstm_msa.aeon import AeonBiLSTMMSAClassifier, AeonBiLSTMMSARegressor

from .conftest import FAST

NO_AUGMENT = dict(augment_scale=0.0, augment_noise=0.0)


def test_cosine_schedule_anneals_from_lr_towards_zero_over_max_epochs(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(
        **{**FAST, "max_epochs": 6}, lr=1e-2, lr_schedule="cosine", validation_fraction=None
    ).fit(X, y)
    # skorch records the rate each epoch trained with.
    lrs = clf.history_[:, "event_lr"]
    expected = [1e-2 * (1 + math.cos(math.pi * e / 6)) / 2 for e in range(6)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)


def test_plateau_schedule_keeps_the_rate_while_the_loss_falls(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(
        **FAST, lr=1e-3, lr_schedule="plateau", validation_fraction=None, **NO_AUGMENT
    ).fit(X, y)
    assert clf.history_[:, "event_lr"] == [1e-3] * 3


def test_constant_schedule_keeps_lr_in_every_optimizer_step(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**FAST, lr=3e-3, lr_schedule="constant", validation_fraction=None)
    clf.fit(X, y)
    assert "lr_scheduler" not in dict(clf.net_.callbacks_)
    assert [group["lr"] for group in clf.net_.optimizer_.param_groups] == [3e-3]


def _batch(n=5, length=7, channels=3):
    # The nets' input layout: (n_cases, n_timepoints, n_channels).
    x = torch.randn(n, length, channels)
    return {"x": x, "lengths": torch.full((n,), length)}


def _net(**augment):
    return SeriesNetClassifier(
        torch.nn.Linear, module__in_features=1, module__out_features=1, **augment
    )


def test_augmentation_scales_each_channel_of_each_series_then_adds_noise():
    Xi = _batch()
    torch.manual_seed(0)
    scaled = _net(augment_scale=0.5).augment(Xi)["x"]
    ratio = scaled / Xi["x"]
    # One factor per (series, channel), constant over time, and not all the same.
    np.testing.assert_allclose(ratio, ratio[:, :1, :].expand_as(ratio), rtol=1e-5)
    assert ratio[:, 0, :].std() > 0.1
    torch.manual_seed(0)
    noisy = _net(augment_noise=0.5).augment(Xi)["x"]
    noise = noisy - Xi["x"]
    assert 0.3 < noise.std() < 0.7
    assert noise.abs().min() > 0


def test_augmentation_off_returns_the_batch_untouched():
    Xi = _batch()
    assert _net().augment(Xi) is Xi


@pytest.mark.parametrize("estimator", [BiLSTMMSAClassifier, BiLSTMMSARegressor])
def test_augmentation_touches_training_batches_only(bump_data, estimator, monkeypatch):
    """Each training batch is augmented once; hold-out batches and predictions never are."""
    X, y = bump_data
    y = y.astype(float) if estimator is BiLSTMMSARegressor else y
    plain = estimator(**FAST, validation_fraction=0.1, **NO_AUGMENT).fit(X, y)
    calls = []
    augment = SeriesNetMixin.augment

    def spy(net, Xi):
        calls.append(len(Xi["x"]))
        return augment(net, Xi)

    monkeypatch.setattr(SeriesNetMixin, "augment", spy)
    augmented = estimator(**FAST, validation_fraction=0.1, augment_noise=0.3, augment_scale=0.3)
    augmented.fit(X, y)
    # 60 cases, 6 held out, batches of 16: 4 training batches per epoch, 3 epochs.
    assert calls == [16, 16, 16, 6] * 3
    # Different training batches, so different weights.
    weights = [m.net_.module_.head.weight.detach() for m in (plain, augmented)]
    assert not torch.allclose(*weights)
    calls.clear()
    augmented.predict(X)
    assert calls == []


def test_augmented_fits_are_repeatable_with_a_random_state(bump_data):
    X, y = bump_data
    params = dict(**FAST, augment_noise=0.2, augment_scale=0.2)
    a = BiLSTMMSAClassifier(**params).fit(X, y).predict_proba(X)
    b = BiLSTMMSAClassifier(**params).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_label_smoothing_reaches_the_loss_and_softens_the_fit(bump_data):
    X, y = bump_data
    params = dict(FAST, max_epochs=30, lr=1e-2, validation_fraction=None, **NO_AUGMENT)
    sharp = BiLSTMMSAClassifier(**params).fit(X, y)
    smooth = BiLSTMMSAClassifier(**params, label_smoothing=0.4).fit(X, y)
    assert smooth.net_.criterion_.label_smoothing == 0.4
    # Smoothed targets cap confidence: the most probable class stays well below 1.
    assert sharp.predict_proba(X).max() > 0.95
    assert smooth.predict_proba(X).max() < 0.9


@pytest.mark.parametrize(
    "estimator",
    [BiLSTMMSAClassifier, BiLSTMMSARegressor, AeonBiLSTMMSAClassifier, AeonBiLSTMMSARegressor],
)
def test_documented_defaults_are_the_signature_defaults(estimator):
    documented = dict(re.findall(r"^\s*(\w+) : .*, default=(.*)$", estimator.__doc__, re.M))
    params = inspect.signature(estimator.__init__).parameters
    assert set(documented) == set(params) - {"self"}
    for name, text in documented.items():
        default = params[name].default
        assert text == (f'"{default}"' if isinstance(default, str) else repr(default)), name
