"""Fit BiLSTM-MSA on aeon's shipped BasicMotions and JapaneseVowels and print test accuracy.

BasicMotions: 4 classes, 6 channels, equal length 100. JapaneseVowels: 9 classes,
12 channels, unequal lengths 7-29 (a list of 2-D arrays). Both ship with aeon, so
this runs offline. The official train/test splits are used; the test split is
only scored, never used in fit. ``EXAMPLES_QUICK=1`` trains for a few epochs only.

    python examples/quickstart.py
"""

import os
import time

from aeon.datasets import load_classification

from sklearn_bilstm_msa import BiLSTMMSAClassifier

QUICK = os.environ.get("EXAMPLES_QUICK") == "1"


def main():
    print(f"{'dataset':<16} {'train':>5} {'test':>5} {'accuracy':>8} {'epochs':>6} {'fit s':>6}")
    for name in ("BasicMotions", "JapaneseVowels"):
        X_train, y_train = load_classification(name, split="train")
        X_test, y_test = load_classification(name, split="test")
        clf = BiLSTMMSAClassifier(random_state=0, max_epochs=3 if QUICK else 100)
        start = time.perf_counter()
        clf.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        accuracy = clf.score(X_test, y_test)
        print(
            f"{name:<16} {len(X_train):>5} {len(X_test):>5} {accuracy:>8.3f} "
            f"{clf.n_iter_:>6} {seconds:>6.1f}"
        )


if __name__ == "__main__":
    main()
