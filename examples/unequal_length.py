"""Unequal-length series as a list: BiLSTM-MSA on aeon's JapaneseVowels.

JapaneseVowels ships with aeon: 270 training and 370 test series of 12 channels and 7
to 29 steps, so aeon loads it as a list of 2-D ``(n_channels, n_timepoints_i)``
arrays. The classifier takes that list as it is. The script prints the lengths, fits
on the training split and scores the test split once, shows the attention weights of
two series (a list in gives a list out, each array as long as its series), and shows
that padding never changes a prediction: a series predicted alone and inside a batch
of longer series gets the same probabilities, whereas zero-padding it yourself into a
3-D array makes the zeros real time steps. ``EXAMPLES_QUICK=1`` trains for a few
epochs only.

    python examples/unequal_length.py
"""

import os
import time

import numpy as np
from aeon.datasets import load_classification

from sklearn_bilstm_msa import BiLSTMMSAClassifier

QUICK = os.environ.get("EXAMPLES_QUICK") == "1"


def main():
    X_train, y_train = load_classification("JapaneseVowels", split="train")
    X_test, y_test = load_classification("JapaneseVowels", split="test")
    lengths = np.array([x.shape[1] for x in X_test])
    print(
        f"{type(X_train).__name__} of {len(X_train)} training series, "
        f"{X_train[0].shape[0]} channels; test lengths {lengths.min()}-{lengths.max()}"
    )

    clf = BiLSTMMSAClassifier(max_epochs=3 if QUICK else 100, random_state=0)
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(f"test accuracy: {clf.score(X_test, y_test):.3f} ({clf.n_iter_} epochs, {seconds:.1f} s)")

    # A list in gives a list out: one (n_scales, n_timepoints_i) array per series.
    short, long = int(lengths.argmin()), int(lengths.argmax())
    weights = clf.attention_weights([X_test[short], X_test[long]])
    for index, w in zip((short, long), weights, strict=True):
        peaks = zip(clf.window_sizes_, w.argmax(axis=1), strict=True)
        peaks = ", ".join(f"w={width}: {step}" for width, step in peaks)
        print(f"test series {index}: {X_test[index].shape[1]} steps, attention {w.shape}")
        print(f"  step with the largest weight per scale: {peaks}")

    # Batched with longer series, the short one is padded inside the network, and the
    # padding is masked out of the LSTM and of every attention sum.
    alone = clf.predict_proba([X_test[short]])[0]
    in_batch = clf.predict_proba([X_test[long], X_test[short], X_test[long]])[1]
    print(
        f"alone vs in a batch: largest probability difference {np.abs(alone - in_batch).max():.1e}"
    )
    # A rectangular array says every step is real: zeros added by hand are data.
    padded = np.zeros((1, *X_test[long].shape))
    padded[0, :, : lengths[short]] = X_test[short]
    by_hand = clf.predict_proba(padded)[0]
    print(f"alone vs zero-padded by hand: largest difference {np.abs(alone - by_hand).max():.1e}")


if __name__ == "__main__":
    main()
