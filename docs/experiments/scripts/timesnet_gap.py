"""Why our TimesNet scores below TSLib's published 98.4 on JapaneseVowels (issue 19).

TSLib's published number (Wu et al., ICLR 2023, Table 17; mean of 3 seeds) comes from its
classification experiment, which passes the *test* split as its validation set: early
stopping and the checkpoint it keeps are chosen by test accuracy, an upper bound of what
a fit can be expected to score. This script separates the three things that differ from
our run, each over the same seeds:

1. ``ours``: our defaults and our protocol (hold-out of the training split, loss);
2. ``TSLib settings``: TSLib's JapaneseVowels script (d_model 16, d_ff 32, 60 epochs),
   still our protocol;
3. ``TSLib settings + test-split checkpoint``: TSLib's protocol, the checkpoint with the
   best *test* accuracy. It reads the test split during training and exists here only to
   measure that gap; nothing in the package does this.

Run from the repository root (about 15 minutes on one core)::

    python docs/experiments/scripts/timesnet_gap.py --seeds 0 1 2 --out timesnet_gap.csv
"""

import argparse
import time

import numpy as np
import pandas as pd
from aeon.datasets import load_classification
from skorch.callbacks import EarlyStopping
from skorch.dataset import Dataset
from skorch.helper import predefined_split

from sklearn_bilstm_msa._data import check_collection
from sklearn_bilstm_msa.baselines import BASELINE_DEFAULTS, TimesNetClassifier

JV = BASELINE_DEFAULTS["TimesNet"]["per_dataset"]["JapaneseVowels"]
TSLIB_JV = {
    **JV,
    "max_epochs": BASELINE_DEFAULTS["TimesNet"]["per_dataset_max_epochs"]["JapaneseVowels"],
}


class TestSplitCheckpoint(TimesNetClassifier):
    """TSLib's protocol, for measurement only: the test split is the validation set and
    the epoch with the best test accuracy is restored."""

    def fit_with_test(self, X, y, X_test, y_test):
        self._test = (X_test, y_test)
        return self.fit(X, y)

    def _build_net(self, n_outputs, device, seed, use_validation):
        net = super()._build_net(n_outputs, device, seed, use_validation=False)
        X_test, y_test = self._test
        data = check_collection(X_test)
        data = data.standardized(self.channel_mean_, self.channel_std_)
        codes = np.searchsorted(self.classes_, np.asarray(y_test))
        net.set_params(train_split=predefined_split(Dataset(data.as_net_input(), codes)))
        stop = EarlyStopping(
            monitor="valid_acc", lower_is_better=False, patience=10, load_best=True
        )
        net.callbacks = [*net.callbacks, ("test_checkpoint", stop)]
        return net


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", default="timesnet_gap.csv")
    args = parser.parse_args()
    X, y = load_classification("JapaneseVowels", split="train")
    X_test, y_test = load_classification("JapaneseVowels", split="test")
    length = max(x.shape[-1] for x in X)
    X_test = [
        x[:, :length] for x in X_test
    ]  # the harness's rule: cut to the longest training series
    rows = []
    for seed in args.seeds:
        runs = {
            "ours": lambda s=seed: TimesNetClassifier(random_state=s).fit(X, y),
            "TSLib settings": lambda s=seed: TimesNetClassifier(**TSLIB_JV, random_state=s).fit(
                X, y
            ),
            "TSLib settings + test-split checkpoint": lambda s=seed: TestSplitCheckpoint(
                **TSLIB_JV, random_state=s
            ).fit_with_test(X, y, X_test, y_test),
        }
        for name, fit in runs.items():
            start = time.perf_counter()
            clf = fit()
            seconds = time.perf_counter() - start
            accuracy = float(np.mean(clf.predict(X_test) == y_test))
            rows.append(
                {
                    "run": name,
                    "seed": seed,
                    "accuracy": accuracy,
                    "epochs": clf.n_iter_,
                    "fit_seconds": seconds,
                }
            )
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    table.to_csv(args.out, index=False)
    print(
        table.groupby("run")[["accuracy", "epochs", "fit_seconds"]]
        .agg(["mean", "std"])
        .to_markdown()
    )


if __name__ == "__main__":
    main()
