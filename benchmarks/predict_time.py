"""Prediction time of the defaults against issue 18's "before" defaults, in one run.

Issue 18 bounds the defaults' prediction time at twice that of the defaults it started
from. The comparison runs of ``docs/experiments.md`` time the two on different days;
this script times both in one process, interleaved, on the official test splits. What a
prediction costs depends on the network's shape, not on its weights, so each model is
fitted for one epoch only (``max_epochs=1``, and the ensemble's members, strides and
dilations are those that the defaults choose for the training split).

"before" is issue 18's starting point written as parameters of today's code:
``stem="conv"``, one network, no difference view and per-channel standardisation (its
``normalize="auto"`` chose per-step standardisation for series of one shape, which costs
the same), predicting in the training batch size of its ``batch_size="auto"`` (a tenth of
the training cases, 4 to 32; today's ``"auto"`` predicts in batches of 32). It runs on
today's faster window means and LSTM too, so its time is if anything lower than that of
the code it stands for, and the ratio if anything higher.

Prints, per dataset, the best of ``--repeats`` interleaved prediction times of each model
(each after a warm-up call) in milliseconds on one thread, then the totals and
``ratio defaults_vs_before``. Not part of the test suite::

    python benchmarks/predict_time.py --data-dir ../shared/data/uea
    python benchmarks/predict_time.py --datasets TwoLeadECG CBF Rock --repeats 5
"""

import argparse
import warnings

import torch
from front_end import median_ms  # benchmarks/ is on the path of a script run from it

from sklearn_bilstm_msa import BiLSTMMSAClassifier
from sklearn_bilstm_msa._defaults import auto_batch_size
from sklearn_bilstm_msa.benchmark import load_dataset

#: The 41 univariate sets of issue 18 (those of ``../shared/data/uea`` without missing
#: values).
ISSUE18_SETS = (
    "ACSF1 Beef CBF Chinatown Coffee Computers CricketX CricketY CricketZ ECG200 "
    "EOGHorizontalSignal EOGVerticalSignal Earthquakes FiftyWords Fungi GestureMidAirD1 "
    "GestureMidAirD2 GestureMidAirD3 GesturePebbleZ1 GesturePebbleZ2 Ham Haptics "
    "InsectEPGRegularTrain InsectEPGSmallTrain LargeKitchenAppliances MedicalImages "
    "OSULeaf OliveOil PowerCons RefrigerationDevices Rock ScreenType ShapeletSim ShapesAll "
    "SmallKitchenAppliances SyntheticControl ToeSegmentation2 Trace TwoLeadECG Wine "
    "WordSynonyms"
).split()


def models(n_train):
    """The two models, unfitted, for a training split of ``n_train`` cases."""
    common = {"max_epochs": 1, "random_state": 0, "n_jobs": 1}
    before = BiLSTMMSAClassifier(
        stem="conv",
        n_estimators=1,
        difference=False,
        normalize="channel",
        batch_size=auto_batch_size(n_train),
        **common,
    )
    return {"defaults": BiLSTMMSAClassifier(**common), "before": before}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(ISSUE18_SETS))
    parser.add_argument("--data-dir", default="../shared/data/uea")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    totals = {"defaults": 0.0, "before": 0.0}
    print("dataset | predict ms: defaults before ratio")
    for name in args.datasets:
        data = load_dataset(name, data_dir=args.data_dir, offline=True)
        fitted = models(len(data.y_train))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # one epoch learns little, and says so
            for model in fitted.values():
                model.fit(data.X_train, data.y_train)
        ms = {}
        for _ in range(args.repeats):  # interleaved, so that both see the same machine
            for label, model in fitted.items():
                taken = median_ms(lambda model=model, X=data.X_test: model.predict(X), 1)
                ms[label] = min(ms.get(label, float("inf")), taken)
        for label in totals:
            totals[label] += ms[label]
        print(
            f"{name} | {ms['defaults']:.1f} {ms['before']:.1f} {ms['defaults'] / ms['before']:.2f}"
        )
    print(f"total ms: defaults {totals['defaults']:.0f} before {totals['before']:.0f}")
    print(f"ratio defaults_vs_before {totals['defaults'] / totals['before']:.3f}")


if __name__ == "__main__":
    main()
