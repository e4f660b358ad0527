"""Prediction time of the defaults by prediction batch size, in one run (issue 18).

``batch_size="auto"`` predicts in batches of ``auto_predict_batch_size`` cases: about
``AUTO_PREDICT_STEPS`` time steps of the longest series predicted, between 32 and 128
cases. This script fits the defaults for one epoch on each training split (what a
prediction costs depends on the network's shape, not on its weights) and times the
prediction of the official test split on one thread in batches of each ``--sizes`` and of
the rule, one after another, the median of ``--repeats`` after a warm-up, and checks that
the probabilities agree to float32 precision. It prints milliseconds per batch size, and
each one's ratio to batches of 32 (below 1: faster). Not part of the test suite::

    python benchmarks/predict_batch.py --data-dir ../shared/data/uea
    python benchmarks/predict_batch.py --datasets CBF ACSF1 --sizes 32 128 --repeats 5
"""

import argparse
import warnings

import numpy as np
import torch
from front_end import median_ms  # benchmarks/ is on the path of a script run from it

from sklearn_bilstm_msa import BiLSTMMSAClassifier
from sklearn_bilstm_msa._defaults import auto_predict_batch_size
from sklearn_bilstm_msa.benchmark import load_dataset

#: Series of 82 to 2844 steps, one network and five.
DATASETS = "TwoLeadECG ECG200 CBF FiftyWords InsectEPGRegularTrain Computers ACSF1 Rock"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=DATASETS.split())
    parser.add_argument("--data-dir", default="../shared/data/uea")
    parser.add_argument("--sizes", type=int, nargs="+", default=[32, 64, 128, 256])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print("dataset length rule | ms per batch size (ratio to 32) ... | rule")
    for name in args.datasets:
        data = load_dataset(name, data_dir=args.data_dir, offline=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # one epoch learns little, and says so
            clf = BiLSTMMSAClassifier(max_epochs=1, random_state=0, n_jobs=1)
            clf.fit(data.X_train, data.y_train)
        lengths = np.array([np.shape(x)[-1] for x in data.X_test])
        rule = auto_predict_batch_size(lengths)
        reference = None
        seconds = {}
        for size in [*args.sizes, "rule"]:
            clf.net_.predict_batch_steps = size == "rule"
            clf.net_.iterator_valid__batch_size = 32 if size == "rule" else size
            seconds[size] = median_ms(lambda c=clf, X=data.X_test: c.predict_proba(X), args.repeats)
            proba = clf.predict_proba(data.X_test)
            if reference is None:
                reference = proba
            np.testing.assert_allclose(proba, reference, rtol=1e-4, atol=1e-5)
        base = seconds[args.sizes[0]]
        columns = " ".join(f"{size}: {ms:7.1f} ({ms / base:4.2f})" for size, ms in seconds.items())
        print(f"{name} {lengths.max()} {rule} | {columns}", flush=True)


if __name__ == "__main__":
    main()
