"""scikit-learn's shared estimator checks: the definition of "compatible".

Checks that contradict the time-series input contract are declared next to the
estimator (``EXPECTED_FAILED_CHECKS`` in ``_classifier.py``), each with its reason.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_bilstm_msa import BiLSTMMSAClassifier
from sklearn_bilstm_msa._classifier import expected_failed_checks

# Small settings so that the ~50 checks run in seconds; large enough that the
# classifier learns sklearn's blob problems. One network: the checks' data sets are
# small, where n_estimators="auto" trains five (the ensemble has its own tests).
CHECKED = BiLSTMMSAClassifier(
    hidden_size=16, max_epochs=40, lr=1e-2, n_estimators=1, random_state=0
)

pytestmark = pytest.mark.numerics


@parametrize_with_checks([CHECKED], expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
