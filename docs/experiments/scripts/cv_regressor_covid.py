"""Choose the regressor's settings for Covid3Month by cross-validation on its
*training* split only.

Run from the repository root::

    python docs/experiments/scripts/cv_regressor_covid.py [INDEX ...]

(``INDEX``: only these rows of ``SETTINGS``, counted from 0.)

It prints, per setting, the mean RMSE over 5-fold cross-validation repeated 3 times
on the 140 training series, the mean predictor's RMSE on the same folds, on how many
of the 15 folds the regressor beats it, and the mean relative improvement. The test
split is never loaded.
"""

import sys
import time

import numpy as np
from aeon.datasets import load_covid_3month
from sklearn.dummy import DummyRegressor
from sklearn.model_selection import RepeatedKFold, cross_val_score

from sklearn_bilstm_msa import BiLSTMMSARegressor

SETTINGS = [
    {},
    {"weight_decay": 1e-2, "dropout": 0.3},
    {"context": "normalized"},
    {"context": "normalized", "patience": 20},
    {"context": "normalized", "lr": 3e-3},
    {"context": "normalized", "window_sizes": ("global",)},
    {"context": "normalized", "validation_fraction": 0.25},
    {"context": "normalized", "validation_fraction": None, "max_epochs": 10},
    {"context": "normalized", "validation_fraction": None, "max_epochs": 20},
    # Issue 13: the classifier's front-end and standardisation rule on the regressor.
    {"context": "normalized", "stem": "conv", "normalize": "auto"},
    {"context": "normalized", "stem": "conv"},
    {"context": "sum", "stem": "conv", "normalize": "auto"},
]


def main():
    chosen = [SETTINGS[int(i)] for i in sys.argv[1:]] or SETTINGS
    X, y = load_covid_3month(split="train")
    cv = RepeatedKFold(n_splits=5, n_repeats=3, random_state=1)

    def rmse(estimator, X):
        return -cross_val_score(estimator, X, y, cv=cv, scoring="neg_root_mean_squared_error")

    mean_rmse = rmse(DummyRegressor(strategy="mean"), X[:, 0])
    print(f"mean predictor: RMSE {mean_rmse.mean():.5f}")
    print(f"{'setting':<72} {'RMSE':>8} {'wins':>5} {'improvement':>11} {'seconds':>7}")
    for params in chosen:
        start = time.perf_counter()
        scores = rmse(BiLSTMMSARegressor(random_state=0, **params), X)
        improvement = np.mean((mean_rmse - scores) / mean_rmse)
        print(
            f"{str(params or 'defaults'):<72} {scores.mean():>8.5f} "
            f"{np.sum(scores < mean_rmse):>2}/{len(scores)} {improvement:>+11.1%} "
            f"{time.perf_counter() - start:>7.0f}"
        )


if __name__ == "__main__":
    main()
