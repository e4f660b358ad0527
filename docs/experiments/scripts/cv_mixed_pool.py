"""CV pass twenty-seven: a seed ensemble whose members keep different window statistics.

Pass twenty-five found the window maximum (``stem_pool="max"``) level with the mean on
average for one network, but with large swings by set in both directions (TwoLeadECG,
OSULeaf, ECG200 up; CricketY, Coffee, ERing down). Members that err differently are
what an ensemble averages away, so this pass asks whether five members of which two
keep the window maximum beat five that all keep the mean, at the same cost.

The mixed ensemble is scored as the soft vote of two seed ensembles (three members with
the mean, two with the maximum) weighted 3:2, which is exactly the mean of the five
members' probabilities that a single five-member ensemble computes. Stratified 3-fold
CV on *training* splits only (the test split is never loaded); the folds are
``cv_recipe.py``'s.

The rule, written down before the run: the mixed members replace the all-mean ones in
the defaults' ensemble if they score at least one point higher on the mean over the
sets, with more sets up than down. The sets are those where the defaults train five
networks (at most 100 training cases, and Ham, whose CV folds have 73) and whose CV
scores are not all perfect, with the three DodgerLoop sets (missing values) that no
earlier pass used. Run from the repository root::

    python docs/experiments/scripts/cv_mixed_pool.py --datasets Beef Coffee ECG200 \\
        --n-jobs 2 --out cv27_mixed_pool.csv
"""

import argparse
import time
from pathlib import Path

import pandas as pd
from cv_recipe import n_folds, print_tables  # docs/experiments/scripts/ is on the path
from sklearn.ensemble import VotingClassifier
from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate

from sklearn_bilstm_msa import BiLSTMMSAClassifier
from sklearn_bilstm_msa.benchmark import load_dataset


def candidates():
    """Five members each: all with the window mean, or three mean and two maximum."""
    mixed = VotingClassifier(
        [
            ("mean", BiLSTMMSAClassifier(n_estimators=3, n_jobs=1, random_state=0)),
            (
                "max",
                BiLSTMMSAClassifier(n_estimators=2, stem_pool="max", n_jobs=1, random_state=1),
            ),
        ],
        voting="soft",
        weights=[3, 2],
    )
    return {
        "5 members, mean": BiLSTMMSAClassifier(n_estimators=5, n_jobs=1, random_state=0),
        "3 mean + 2 max": mixed,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", required=True)
    parser.add_argument("--data-dir", default=Path(__file__).parents[4] / "shared/data/uea")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=1, help="CV fits at once")
    parser.add_argument("--out", help="also write the table to this CSV file")
    args = parser.parse_args()
    rows = []
    for name in args.datasets:
        data = load_dataset(name, data_dir=args.data_dir, offline=True)
        folds = n_folds(name, data.y_train, args.folds)
        if folds is None:
            continue
        cv = RepeatedStratifiedKFold(n_splits=folds, n_repeats=1, random_state=0)
        start = time.perf_counter()
        for candidate, estimator in candidates().items():
            scores = cross_validate(
                estimator, data.X_train, data.y_train, cv=cv, n_jobs=args.n_jobs
            )
            rows.append(
                {
                    "dataset": name,
                    "candidate": candidate,
                    "cv_accuracy": scores["test_score"].mean(),
                    "fit_s": scores["fit_time"].mean(),
                }
            )
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)
        if args.out:  # after every dataset, so that an interrupted pass keeps what it did
            pd.DataFrame(rows).to_csv(args.out, index=False)
    print_tables(rows)


if __name__ == "__main__":
    main()
