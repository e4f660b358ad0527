"""Integration on real UEA/UCR archive files (``../shared/data/uea`` in a development
checkout; a user's checkout has no ``../shared``, so these skip there with that reason).

Only the training splits are used: accuracy is measured by cross-validation within them,
so no test split takes part in any test.
"""

import pytest
from aeon.datasets import load_classification
from sklearn.model_selection import StratifiedKFold, cross_val_score

from sklearn_bilstm_msa import BiLSTMMSAClassifier

from .conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(
    not SHARED_DATA.is_dir(),
    reason="no shared UEA/UCR .ts files at ../shared/data/uea (beside the project folder)",
)


@pytest.mark.parametrize(
    "name, n_channels, chance, floor",
    [
        # Chinatown: univariate, 20 training cases, 2 classes of 10.
        ("Chinatown", 1, 0.5, 0.7),
        # ERing: 4 channels, 6 balanced classes, 30 training cases.
        ("ERing", 4, 1 / 6, 0.5),
    ],
)
def test_learns_real_archive_data_well_above_chance(name, n_channels, chance, floor):
    X, y = load_classification(name, split="train", extract_path=str(SHARED_DATA))
    clf = BiLSTMMSAClassifier(random_state=0)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    assert cross_val_score(clf, X, y, cv=cv).mean() > floor > chance
    assert clf.fit(X, y).n_channels_ == n_channels
