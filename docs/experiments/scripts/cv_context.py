"""Choose the default ``context`` ("normalized" vs the paper's literal "sum") by
cross-validation on *training* splits only.

Run from the repository root (datasets other than aeon's shipped ones are read
from ``../shared/data/uea`` or ``--data-dir``)::

    python docs/experiments/scripts/cv_context.py --datasets BasicMotions JapaneseVowels \\
        Libras ERing

It prints, per dataset, the mean 3-fold stratified CV accuracy on the training
split for each setting; the test splits are never loaded.
"""

import argparse
import time
from ast import literal_eval
from pathlib import Path

from aeon.datasets import load_classification
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_bilstm_msa import BiLSTMMSAClassifier

SHIPPED = {"BasicMotions", "JapaneseVowels"}


def load_train(name, data_dir):
    if name in SHIPPED:
        return load_classification(name, split="train")
    return load_classification(name, split="train", extract_path=str(data_dir))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["BasicMotions", "JapaneseVowels"])
    parser.add_argument("--data-dir", default=Path(__file__).parents[4] / "shared/data/uea")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="PARAM=VALUE",
        help="other BiLSTMMSAClassifier parameters, e.g. --set lr=0.01 patience=20",
    )
    args = parser.parse_args()
    grid = {"context": ["normalized", "sum"]}
    params = {k: literal_eval(v) for k, v in (item.split("=", 1) for item in args.set)}
    print(f"{'dataset':<20} {'normalized':>10} {'sum':>10} {'seconds':>8}")
    for name in args.datasets:
        X, y = load_train(name, args.data_dir)
        start = time.perf_counter()
        search = GridSearchCV(
            BiLSTMMSAClassifier(random_state=0, **params),
            grid,
            cv=StratifiedKFold(args.folds, shuffle=True, random_state=0),
        ).fit(X, y)
        scores = dict(
            zip(
                search.cv_results_["param_context"],
                search.cv_results_["mean_test_score"],
                strict=True,
            )
        )
        print(
            f"{name:<20} {scores['normalized']:>10.3f} {scores['sum']:>10.3f} "
            f"{time.perf_counter() - start:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
