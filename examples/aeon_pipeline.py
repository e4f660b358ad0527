"""aeon's ClassifierPipeline with AeonBiLSTMMSAClassifier on unequal-length JapaneseVowels.

JapaneseVowels ships with aeon: 9 classes, 12 channels, series of 7 to 29 steps, so
aeon hands the collection over as a list of 2-D arrays. aeon's Normalizer
z-normalises each series first; the pipeline's capability tags come from its steps.
The official split is used and the test split is only scored. ``EXAMPLES_QUICK=1``
trains for a few epochs only.

    python examples/aeon_pipeline.py
"""

import os
import time

from aeon.classification.compose import ClassifierPipeline
from aeon.datasets import load_japanese_vowels
from aeon.transformations.collection import Normalizer

from sklearn_bilstm_msa.aeon import AeonBiLSTMMSAClassifier

QUICK = os.environ.get("EXAMPLES_QUICK") == "1"


def main():
    X_train, y_train = load_japanese_vowels(split="train")
    X_test, y_test = load_japanese_vowels(split="test")
    lengths = sorted({x.shape[1] for x in X_train + X_test})
    print(f"series lengths {lengths[0]}-{lengths[-1]}, {X_train[0].shape[0]} channels")
    clf = AeonBiLSTMMSAClassifier(max_epochs=3 if QUICK else 100, random_state=0)
    pipe = ClassifierPipeline([Normalizer()], clf)
    print(f"pipeline takes unequal length: {pipe.get_tag('capability:unequal_length')}")
    start = time.perf_counter()
    pipe.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    accuracy = pipe.score(X_test, y_test)
    print(f"test accuracy: {accuracy:.3f} ({len(X_test)} series, fit {seconds:.1f} s)")


if __name__ == "__main__":
    main()
