"""Mixed precision (``precision``) on the CPU: bfloat16 for real, float16's loss scaling
with bfloat16 kernels standing in (the CPU LSTM has no float16)."""

import contextlib

import numpy as np
import pytest
import torch

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor, _estimator, _training

from .conftest import FAST, make_bump_data

PARAMS = {**FAST, "max_epochs": 25, "lr": 1e-2, "validation_fraction": None}


def test_bfloat16_trains_and_predicts():
    X, y = make_bump_data(n_cases=48, n_timepoints=20)
    clf = BiLSTMMSAClassifier(**PARAMS, precision="bfloat16").fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64 and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert clf.score(X, y) > 0.75  # it learns, not just runs
    assert getattr(clf.net_, "scaler_", None) is None  # bfloat16 needs no loss scaling


@pytest.fixture
def float16_on_cpu(monkeypatch):
    """Let float16's training step (GradScaler) run on the CPU with bfloat16 kernels."""
    monkeypatch.setattr(_estimator, "check_precision", lambda precision, device: None)

    def autocast(self):
        if self.precision == "float32":
            return contextlib.nullcontext()
        return torch.autocast("cpu", dtype=torch.bfloat16)

    monkeypatch.setattr(_training.SeriesNetMixin, "_autocast", autocast)


def test_float16_steps_through_a_grad_scaler(float16_on_cpu):
    X, y = make_bump_data(n_cases=48, n_timepoints=20)
    clf = BiLSTMMSAClassifier(**PARAMS, precision="float16").fit(X, y)
    assert clf.net_.scaler_.get_scale() > 0
    assert clf.score(X, y) > 0.75


def test_float16_clipping_sees_unscaled_gradients(float16_on_cpu, monkeypatch):
    seen = []
    original = torch.nn.utils.clip_grad_norm_

    def spy(parameters, max_norm, *args, **kwargs):
        norm = original(parameters, max_norm, *args, **kwargs)
        seen.append(float(norm))
        return norm

    monkeypatch.setattr("skorch.callbacks.regularization.clip_grad_norm_", spy)
    X, _ = make_bump_data(n_cases=32, n_timepoints=12)
    BiLSTMMSARegressor(**FAST, precision="float16", gradient_clip=0.5).fit(X, X.mean(axis=(1, 2)))
    # The scaler starts at 2**16: scaled gradients would have norms in the thousands.
    assert seen and max(seen) < 100


def test_float16_needs_cuda_and_unknown_precisions_are_named():
    X, y = make_bump_data(n_cases=20)
    with pytest.raises(ValueError, match="precision='float16' needs a CUDA device"):
        BiLSTMMSAClassifier(precision="float16", device="cpu").fit(X, y)
    with pytest.raises(ValueError, match=r"precision must be one of \('float32', .*got 'half'"):
        BiLSTMMSAClassifier(precision="half").fit(X, y)
