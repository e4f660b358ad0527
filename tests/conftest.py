"""Shared fixtures: small synthetic problems and fast estimator settings."""

from pathlib import Path

import numpy as np
import pytest

from sklearn_bilstm_msa import BiLSTMMSAClassifier

#: Where the project's real UEA/UCR `.ts` files live in a development checkout.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "uea"

#: Tolerances for float32 model outputs computed in different batches (another batch
#: size, other series beside it, another order) or by another runtime (ONNX): the CPU's
#: float32 kernels are chosen by the shape of each product and round differently, by
#: up to a few 1e-7 on probabilities (benchmarks/batch_dependence.py). Only the same
#: computation on the same machine is compared bit for bit.
FLOAT32_RTOL, FLOAT32_ATOL = 1e-5, 1e-6


def assert_float32_close(actual, desired, scale=1.0):
    """``actual == desired`` up to float32 rounding, for outputs of size about ``scale``."""
    np.testing.assert_allclose(actual, desired, rtol=FLOAT32_RTOL, atol=FLOAT32_ATOL * scale)


#: Tiny settings: tests check behaviour, not accuracy.
# One network: the tests' training sets are small, where n_estimators="auto" would train
# five (tests/test_front_end.py checks that rule and the ensemble itself).
FAST = dict(hidden_size=8, max_epochs=3, batch_size=16, random_state=0, n_estimators=1)


def make_bump_data(n_cases=60, n_channels=2, n_timepoints=30, seed=0):
    """Two classes told apart by the sign of a bump at a random position."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 0.3, size=(n_cases, n_channels, n_timepoints))
    y = rng.integers(0, 2, size=n_cases)
    width = min(5, n_timepoints)
    bump = np.sin(np.linspace(0, np.pi, width)) * 2.0
    positions = rng.integers(0, n_timepoints - width + 1, size=n_cases)
    for i in range(n_cases):
        X[i, :, positions[i] : positions[i] + width] += bump if y[i] else -bump
    return X, y


def make_shared_shape_data(n_cases=40, n_timepoints=30, seed=0):
    """Series that share one large shape; the class is a small bump on it (2% of the
    shape's spread)."""
    rng = np.random.default_rng(seed)
    shape = 5.0 * np.sin(np.linspace(0, 3 * np.pi, n_timepoints))
    y = rng.integers(0, 2, n_cases)
    X = shape + 0.05 * rng.normal(size=(n_cases, 1, n_timepoints))
    X[:, 0, 10:15] += np.where(y[:, None] == 1, 0.1, -0.1)
    return X, y


@pytest.fixture(scope="session")
def bump_data():
    return make_bump_data()


@pytest.fixture(scope="session")
def fitted(bump_data):
    """A classifier fitted on the bump data (2 channels), shared by read-only tests."""
    X, y = bump_data
    return BiLSTMMSAClassifier(**FAST).fit(X, y)
