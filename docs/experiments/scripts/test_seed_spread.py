"""How far the defaults' test accuracy moves with the model seed alone, official splits.

``bilstm-msa compare`` seeds each fit with its resample's number, so the official split
(resample 0) is always fitted with ``random_state=0``. This script fits the defaults on
the official training split of each dataset with other seeds and scores them on the
official test split, to measure how much of a comparison with a published number on
that split is the seed. It chooses nothing: no default, no candidate, no threshold is
read from its output (the test split is never used to pick anything).

One row per dataset and seed is appended to ``--out`` as soon as that fit ends, and a
run skips the rows already there, so an interrupted run loses nothing and resumes. Each
fit runs on one thread, ``--n-jobs`` fits at a time (as ``compare --threads 1`` does).
Then the script prints the mean of each seed over every dataset in the file and over
the sets that the published InceptionTime covers, beside InceptionTime's resample-0
mean. Run from the repository root (about 10 minutes per seed for the 41 sets on 2
cores)::

    python docs/experiments/scripts/test_seed_spread.py --seeds 1 2 --out seed_spread.csv
"""

import argparse
import csv
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed

sys.path.insert(0, str(Path(__file__).parents[3] / "benchmarks"))
from predict_time import ISSUE18_SETS  # noqa: E402  (the 41 sets, ``$U`` of the results)

REFERENCE_DIR = Path(__file__).parents[4] / "shared/reference/ucr-published-accuracy"
FIELDS = ("dataset", "seed", "accuracy", "fit_seconds")


def score(name, seed, data_dir):
    """Fit the defaults with ``random_state=seed`` on one thread; the test accuracy."""
    import torch

    from sklearn_bilstm_msa import BiLSTMMSAClassifier
    from sklearn_bilstm_msa.benchmark import load_dataset

    torch.set_num_threads(1)
    data = load_dataset(name, data_dir=data_dir, offline=True)
    model = BiLSTMMSAClassifier(random_state=seed, n_jobs=1)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(data.X_train, data.y_train)
    seconds = time.perf_counter() - start
    accuracy = float((model.predict(data.X_test) == data.y_test).mean())
    return {"dataset": name, "seed": seed, "accuracy": accuracy, "fit_seconds": seconds}


def append(path, row):
    new = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        if new:
            writer.writeheader()
        writer.writerow(row)


def summarise(path, reference_dir):
    table = pd.read_csv(path).pivot(index="dataset", columns="seed", values="accuracy")
    published = pd.read_csv(Path(reference_dir) / "InceptionTime_accuracy.csv", index_col=0)
    inception = published.iloc[:, 0].rename("InceptionTime r0")
    covered = table.index.intersection(inception.index)
    print(table.round(4).to_string())
    for label, sets in (("all", table.index), ("with InceptionTime", covered)):
        means = table.loc[sets].mean()
        line = " ".join(f"seed {seed}: {mean:.4f}" for seed, mean in means.items())
        print(f"mean over {len(sets)} sets ({label}): {line}")
    print(f"InceptionTime published r0 over {len(covered)}: {inception[covered].mean():.4f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(ISSUE18_SETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--data-dir", default="../shared/data/uea")
    parser.add_argument("--reference-dir", default=REFERENCE_DIR)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("seed_spread.csv"))
    args = parser.parse_args(argv)
    done = set()
    if args.out.exists():
        done = {(r.dataset, r.seed) for r in pd.read_csv(args.out).itertuples()}
    todo = [(n, s) for s in args.seeds for n in args.datasets if (n, s) not in done]
    jobs = (delayed(score)(name, seed, args.data_dir) for name, seed in todo)
    parallel = Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")
    for row in parallel(jobs):
        append(args.out, row)
        print(f"{row['dataset']} seed {row['seed']}: {row['accuracy']:.4f}", flush=True)
    summarise(args.out, args.reference_dir)


if __name__ == "__main__":
    main()
