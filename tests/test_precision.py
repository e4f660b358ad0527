"""Mixed precision (``precision``) on the CPU: bfloat16 for real where oneDNN has its LSTM
kernel (AVX-512) and a clear error where it has not; float16's loss scaling with bfloat16
kernels standing in where the CPU has them, float32 elsewhere (the CPU LSTM has no float16).

These tests depend on the CPU: marked ``cpu_features``, .ci/run runs them again under
``ONEDNN_MAX_CPU_ISA=AVX2``, so both branches run on an AVX-512 machine."""

import contextlib

import numpy as np
import pytest
import torch

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor, _estimator, _training

from .conftest import FAST, make_bump_data

pytestmark = pytest.mark.cpu_features

PARAMS = {**FAST, "max_epochs": 25, "lr": 1e-2, "validation_fraction": None}

#: Whether oneDNN runs a bfloat16 LSTM on this CPU (under this ONEDNN_MAX_CPU_ISA).
BFLOAT16_ON_CPU = _training.cpu_autocast_lstm_error(torch.bfloat16) is None
NO_BFLOAT16 = "precision='bfloat16' does not run on this CPU: .* without AVX-512"


def test_bfloat16_trains_and_predicts_where_the_cpu_has_the_kernel():
    X, y = make_bump_data(n_cases=48, n_timepoints=20)
    clf = BiLSTMMSAClassifier(**PARAMS, precision="bfloat16")
    if not BFLOAT16_ON_CPU:
        with pytest.raises(ValueError, match=NO_BFLOAT16):
            clf.fit(X, y)
        return
    clf.fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64 and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert clf.score(X, y) > 0.75  # it learns, not just runs
    assert getattr(clf.net_, "scaler_", None) is None  # bfloat16 needs no loss scaling


def test_the_probe_agrees_with_the_lstm_and_leaves_the_rng_alone():
    """The check's verdict is what a real bfloat16 fit step meets, and costs no draws."""
    lstm = torch.nn.LSTM(2, 3, batch_first=True, bidirectional=True)
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    _training.cpu_autocast_lstm_error.cache_clear()
    verdict = _training.cpu_autocast_lstm_error(torch.bfloat16)
    assert torch.rand(1) == expected
    with torch.autocast("cpu", dtype=torch.bfloat16):
        if verdict is None:
            lstm(torch.randn(4, 5, 2))
        else:
            assert "LSTM" in verdict
            with pytest.raises(RuntimeError, match="LSTM"):
                lstm(torch.randn(4, 5, 2))


@pytest.mark.parametrize("runs", [True, False])
def test_cpu_errors_name_the_missing_feature_and_advise_what_runs(monkeypatch, runs):
    """Whatever the CPU: the error for each case, and advice that never leads to a crash."""
    error = None if runs else "could not create a primitive descriptor for the LSTM"
    monkeypatch.setattr(_training, "cpu_autocast_lstm_error", lambda dtype: error)
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
    X, y = make_bump_data(n_cases=20)
    with pytest.raises(ValueError, match="needs a CUDA device") as info:
        BiLSTMMSAClassifier(precision="float16", device="cpu").fit(X, y)
    advice = "precision='bfloat16' (this CPU runs it)" if runs else "use precision='float32'"
    assert advice in str(info.value)
    if runs:
        _training.check_precision("bfloat16", "cpu")  # no error
        return
    assert "ONEDNN_MAX_CPU_ISA=AVX2 limits oneDNN here" in str(info.value)
    with pytest.raises(ValueError, match=NO_BFLOAT16) as info:
        BiLSTMMSAClassifier(precision="bfloat16", device="cpu").fit(X, y)
    assert "Use precision='float32' on this CPU" in str(info.value)


@pytest.fixture
def float16_on_cpu(monkeypatch):
    """Let float16's training step (GradScaler) run on the CPU: with bfloat16 kernels
    where the CPU has them, else in float32 (the loss scaling is the same)."""
    monkeypatch.setattr(_estimator, "check_precision", lambda precision, device: None)

    def autocast(self):
        if self.precision == "float32" or not BFLOAT16_ON_CPU:
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
    with pytest.raises(ValueError, match="precision='float16' needs a CUDA device") as info:
        BiLSTMMSAClassifier(precision="float16", device="cpu").fit(X, y)
    # The advice is what this CPU runs.
    advice = "precision='bfloat16'" if BFLOAT16_ON_CPU else "precision='float32'"
    assert f"On the CPU use {advice}" in str(info.value)
    with pytest.raises(ValueError, match=r"precision must be one of \('float32', .*got 'half'"):
        BiLSTMMSAClassifier(precision="half").fit(X, y)
