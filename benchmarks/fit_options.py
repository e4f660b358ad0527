"""Measurements of issue 20: class weights on imbalanced data, integer sample weights
against repeated cases, and the handling of missing values on the DodgerLoop sets.

- ``imbalanced``: JapaneseVowels (aeon's shipped copy, official split) with class
  ``"1"`` cut to 3 of its 30 training cases; the default classifier unweighted and with
  ``class_weight="balanced"``, seeds 0-2: balanced accuracy and that class's recall on
  the full test split.
- ``repetition``: integer weights 0-3 against repeating each case that many times
  (JapaneseVowels train, default classifier with full-batch training: batch_size >=
  n_cases, dropout=0, no hold-out, 30 epochs); the largest difference of the test
  probabilities. With the default mini-batches, for comparison.
- ``missing``: the three DodgerLoop sets (official split, seeds 0-2) with the default
  classifier, missing values handled six ways: NaN into ``fit`` (ours: linear
  interpolation along the series; the same plus an indicator channel,
  ``missing_indicator=True``; the training mean plus the indicator,
  ``_data.MISSING_FILL = "mean"``), and NaN filled before ``fit``: the training mean,
  aeon's per-series mean (``SimpleImputer``, the harness's step for peers) and linear
  interpolation along each series.

Run: ``python benchmarks/fit_options.py [imbalanced|repetition|missing] [--data-dir DIR]
[--only TEXT]`` (``--only`` runs the missing-value handlings whose name holds TEXT)
(``--data-dir /work/shared/data/uea`` in the development checkout). Not part of the
test suite; the tests check the properties (``tests/test_fit_options.py``,
``tests/test_missing_values.py``).
"""

import argparse
import time
import warnings

import numpy as np
from aeon.datasets import load_classification, load_japanese_vowels
from sklearn.metrics import balanced_accuracy_score, recall_score

from sklearn_bilstm_msa import BiLSTMMSAClassifier, _data

SEEDS = (0, 1, 2)
DODGER = ("DodgerLoopDay", "DodgerLoopGame", "DodgerLoopWeekend")


def imbalanced(args):
    X, y = load_japanese_vowels(split="train")
    X_test, y_test = load_japanese_vowels(split="test")
    rare = np.flatnonzero(y == "1")
    keep = np.setdiff1d(np.arange(len(y)), rare[3:])  # class "1": 3 of its 30 cases
    X, y = [X[i] for i in keep], y[keep]
    print(f"training cases {len(y)}, class '1': {np.sum(y == '1')}")
    for class_weight in (None, "balanced"):
        scores, recalls = [], []
        for seed in SEEDS:
            clf = BiLSTMMSAClassifier(class_weight=class_weight, random_state=seed)
            y_pred = clf.fit(X, y).predict(X_test)
            scores.append(balanced_accuracy_score(y_test, y_pred))
            recalls.append(recall_score(y_test, y_pred, labels=["1"], average=None)[0])
        print(
            f"class_weight={class_weight!r}: balanced accuracy "
            f"{np.mean(scores):.4f} ({', '.join(f'{s:.3f}' for s in scores)}), "
            f"recall of class '1' {np.mean(recalls):.3f} ({', '.join(f'{r:.2f}' for r in recalls)})"
        )


def repetition(args):
    X, y = load_japanese_vowels(split="train")
    X_test, _ = load_japanese_vowels(split="test")
    w = np.random.default_rng(0).integers(0, 4, size=len(y))
    repeated = [X[i] for i in np.repeat(np.arange(len(y)), w)]
    full = dict(batch_size=2000, dropout=0.0, max_epochs=30, random_state=0)
    for name, params in (
        ("full batch", full),
        ("default mini-batches", dict(max_epochs=30, random_state=0)),
    ):
        a = BiLSTMMSAClassifier(**params).fit(X, y, sample_weight=w).predict_proba(X_test)
        b = BiLSTMMSAClassifier(**params).fit(repeated, y.repeat(w)).predict_proba(X_test)
        print(
            f"{name}: max |proba difference| {np.abs(a - b).max():.3g}, "
            f"same predictions {np.mean(a.argmax(1) == b.argmax(1)):.4f}"
        )


def _interpolate(X):
    out = X.copy()
    steps = np.arange(X.shape[-1])
    for series in out:
        for channel in series:
            gaps = np.isnan(channel)
            if gaps.any():
                channel[gaps] = np.interp(steps[gaps], steps[~gaps], channel[~gaps])
    return out


def _training_mean(X_train, X_test):
    mean = np.nanmean(X_train, axis=(0, 2), keepdims=True)
    return [np.where(np.isnan(X), mean, X) for X in (X_train, X_test)]


def _series_mean(X_train, X_test):
    from aeon.transformations.collection import SimpleImputer

    return [SimpleImputer(strategy="mean").fit_transform(X) for X in (X_train, X_test)]


def _nan_in(a, b):
    return a, b


#: name -> (how the data is prepared, ``_data.MISSING_FILL``, estimator parameters)
HANDLINGS = {
    "ours: interpolation (default)": (_nan_in, "interpolate", {}),
    "ours: interpolation + indicator": (_nan_in, "interpolate", {"missing_indicator": True}),
    "ours: training mean + indicator": (_nan_in, "mean", {"missing_indicator": True}),
    "before fit: training mean": (_training_mean, "interpolate", {}),
    "before fit: aeon SimpleImputer": (_series_mean, "interpolate", {}),
    "before fit: linear interpolation": (
        lambda a, b: (_interpolate(a), _interpolate(b)),
        "interpolate",
        {},
    ),
}


def missing(args):
    for name in DODGER:
        X, y = load_classification(name, split="train", extract_path=args.data_dir)
        X_test, y_test = load_classification(name, split="test", extract_path=args.data_dir)
        share = np.isnan(X).mean(), np.isnan(X_test).mean()
        print(
            f"{name}: {len(y)} train / {len(y_test)} test cases, "
            f"missing {share[0]:.1%} of train and {share[1]:.1%} of test values"
        )
        for handling, (prepare, fill, params) in HANDLINGS.items():
            if args.only and args.only not in handling:
                continue
            _data.MISSING_FILL = fill
            A, B = prepare(X, X_test)
            start = time.perf_counter()
            accuracy = [
                np.mean(
                    BiLSTMMSAClassifier(random_state=s, **params).fit(A, y).predict(B) == y_test
                )
                for s in SEEDS
            ]
            print(
                f"  {handling:36s} accuracy {np.mean(accuracy):.4f} "
                f"({', '.join(f'{a:.4f}' for a in accuracy)}), "
                f"{(time.perf_counter() - start) / len(SEEDS):.1f}s per fit"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["imbalanced", "repetition", "missing"], nargs="+")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--only", default=None)
    arguments = parser.parse_args()
    warnings.simplefilter("ignore")
    for part in arguments.what:
        print(f"== {part}")
        globals()[part](arguments)
