"""Fit BiLSTMMSARegressor on aeon's shipped Covid3Month and compare its test RMSE with
the mean predictor's.

Covid3Month: 140 training and 61 test series (univariate, length 84: daily confirmed
cases of a country); the target is the country's death rate after three months. The
official train/test split is used; the test split is only scored, never used in fit.
``context="normalized"`` was chosen by cross-validation on the training split
(``docs/experiments/scripts/cv_regressor_covid.py``). ``EXAMPLES_QUICK=1`` trains for a
few epochs only.

    python examples/regressor_covid.py
"""

import os
import time

from aeon.datasets import load_covid_3month
from sklearn.dummy import DummyRegressor
from sklearn.metrics import root_mean_squared_error

from sklearn_bilstm_msa import BiLSTMMSARegressor

QUICK = os.environ.get("EXAMPLES_QUICK") == "1"


def main():
    X_train, y_train = load_covid_3month(split="train")
    X_test, y_test = load_covid_3month(split="test")
    reg = BiLSTMMSARegressor(context="normalized", max_epochs=3 if QUICK else 100, random_state=0)
    start = time.perf_counter()
    reg.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    rmse = root_mean_squared_error(y_test, reg.predict(X_test))
    mean = DummyRegressor(strategy="mean").fit(X_train[:, 0], y_train)
    mean_rmse = root_mean_squared_error(y_test, mean.predict(X_test[:, 0]))
    print(f"{'model':<20} {'test RMSE':>10}")
    print(f"{'mean predictor':<20} {mean_rmse:>10.5f}")
    print(f"{'BiLSTMMSARegressor':<20} {rmse:>10.5f}")
    print(f"relative improvement over the mean: {(mean_rmse - rmse) / mean_rmse:.1%}")
    print(f"epochs: {reg.n_iter_}, fit seconds: {seconds:.1f}")


if __name__ == "__main__":
    main()
