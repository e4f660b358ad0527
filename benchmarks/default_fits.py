"""Default fits, saved and compared bit for bit across commits (issue 20's check that new
parameters at their defaults change no prediction).

Fits with the defaults (BasicMotions classifier; a seed ensemble with a hold-out;
JapaneseVowels, unequal lengths, classifier and regressor) and saves their test outputs
to an ``.npz``; given a second file, says for each whether it is bit for bit the same::

    git checkout <before> && python benchmarks/default_fits.py /tmp/before.npz
    git checkout <after> && python benchmarks/default_fits.py /tmp/after.npz /tmp/before.npz

Only meaningful on one machine (float32 kernels differ across CPUs).
"""

import sys

import numpy as np
from aeon.datasets import load_basic_motions, load_japanese_vowels

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor


def main(out, reference=None):
    X, y = load_basic_motions(split="train")
    X_test, _ = load_basic_motions(split="test")
    Xj, yj = load_japanese_vowels(split="train")
    Xj_test, _ = load_japanese_vowels(split="test")
    yr = yj.astype(float) + np.array([x.shape[1] for x in Xj]) / 10.0
    outputs = {
        "bm": BiLSTMMSAClassifier(hidden_size=16, max_epochs=8, random_state=0)
        .fit(X, y)
        .predict_proba(X_test),
        "bm_ens_holdout": BiLSTMMSAClassifier(
            hidden_size=8, max_epochs=6, n_estimators=2, validation_fraction=0.2, random_state=1
        )
        .fit(X, y)
        .predict_proba(X_test),
        "jv_reg": BiLSTMMSARegressor(hidden_size=16, max_epochs=6, random_state=0)
        .fit(Xj, yr)
        .predict(Xj_test),
        "jv_clf": BiLSTMMSAClassifier(hidden_size=16, max_epochs=5, random_state=0)
        .fit(Xj, yj)
        .predict_proba(Xj_test),
    }
    np.savez(out, **outputs)
    if reference is not None:
        saved = np.load(reference)
        for name, value in outputs.items():
            same = np.array_equal(saved[name], value)
            print(
                name, "bit-for-bit" if same else f"differs by {np.abs(saved[name] - value).max()}"
            )


if __name__ == "__main__":
    main(*sys.argv[1:3])
