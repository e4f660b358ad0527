"""GridSearchCV over window_sizes on a Dask cluster scores exactly as a serial search."""

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from sklearn_bilstm_msa import BiLSTMMSAClassifier

TINY = dict(hidden_size=8, max_epochs=2, batch_size=16, n_estimators=1, random_state=0)


def test_grid_search_on_a_dask_cluster_matches_the_serial_search(bump_data):
    distributed = pytest.importorskip("dask.distributed", reason="the dask extra is not installed")
    X, y = bump_data
    grid = {"window_sizes": [(3,), (7,), (3, 7)]}
    serial = GridSearchCV(BiLSTMMSAClassifier(**TINY), grid, cv=2).fit(X, y)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        on_dask = GridSearchCV(BiLSTMMSAClassifier(**TINY), grid, cv=2, n_jobs=-1).fit(X, y)
    for key in ("split0_test_score", "split1_test_score", "mean_test_score"):
        np.testing.assert_allclose(on_dask.cv_results_[key], serial.cv_results_[key], rtol=1e-5)
    assert on_dask.best_params_ == serial.best_params_
    np.testing.assert_allclose(
        on_dask.predict_proba(X), serial.predict_proba(X), rtol=1e-5, atol=1e-7
    )
