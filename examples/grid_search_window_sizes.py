"""GridSearchCV over ``window_sizes`` in a Pipeline with aeon's Normalizer.

The window widths are chosen by cross-validation on the training split of
BasicMotions only; the test split is scored once, with the chosen model.
``EXAMPLES_QUICK=1`` trains for a few epochs with 2 folds.

    python examples/grid_search_window_sizes.py
"""

import os

from aeon.datasets import load_classification
from aeon.transformations.collection import Normalizer
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline

from sklearn_bilstm_msa import BiLSTMMSAClassifier

QUICK = os.environ.get("EXAMPLES_QUICK") == "1"


def main():
    X_train, y_train = load_classification("BasicMotions", split="train")
    X_test, y_test = load_classification("BasicMotions", split="test")
    pipe = make_pipeline(
        Normalizer(), BiLSTMMSAClassifier(max_epochs=3 if QUICK else 100, random_state=0)
    )
    grid = {"bilstmmsaclassifier__window_sizes": [(3,), (7,), (11,), (3, 7, 15), ()]}
    cv = StratifiedKFold(2 if QUICK else 4, shuffle=True, random_state=0)
    search = GridSearchCV(pipe, grid, cv=cv).fit(X_train, y_train)
    results = search.cv_results_
    print(f"{'window_sizes':<14} {'CV accuracy (train split)':>26}")
    for params, score in zip(results["params"], results["mean_test_score"], strict=True):
        print(f"{str(params['bilstmmsaclassifier__window_sizes']):<14} {score:>26.3f}")
    best = search.best_params_["bilstmmsaclassifier__window_sizes"]
    print(f"chosen by CV: {best}; its test accuracy: {search.score(X_test, y_test):.3f}")


if __name__ == "__main__":
    main()
