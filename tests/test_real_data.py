"""Integration on real UEA/UCR archive files (``../shared/data/uea`` in a development
checkout; a user's checkout has no ``../shared``, so these skip there with that reason).

The test splits are only scored here, never used in fit or to pick anything.
"""

import pytest
from aeon.datasets import load_classification

from sklearn_bilstm_msa import BiLSTMMSAClassifier

from .conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"no shared UEA/UCR .ts files at {SHARED_DATA}"
)


def load(name, split):
    return load_classification(name, split=split, extract_path=str(SHARED_DATA))


@pytest.mark.parametrize(
    "name, n_channels, chance, floor",
    [
        # Chinatown: univariate, 20 training cases; 0.72 of its test cases are one class.
        ("Chinatown", 1, 0.72, 0.9),
        # ERing: 4 channels, 6 balanced classes, 30 training cases.
        ("ERing", 4, 1 / 6, 0.3),
    ],
)
def test_learns_real_archive_data_well_above_chance(name, n_channels, chance, floor):
    X_train, y_train = load(name, "train")
    X_test, y_test = load(name, "test")
    clf = BiLSTMMSAClassifier(random_state=0).fit(X_train, y_train)
    assert clf.n_channels_ == n_channels
    assert clf.score(X_test, y_test) > floor > chance
