"""Nested CV of ``normalize="auto"``'s view choice (issue 35, CV pass forty-two).

On the training split of each dataset, stratified 3-fold outer CV (``cv_recipe.py``'s
folds, ``--cv-seed``); in each outer training fold the classifier with
``random_state=seed`` is fitted with each candidate view given (its outer test
accuracy), and the choice's own inner cross-validation (the folds, seeds and single
networks that ``fit`` uses, ``sklearn_bilstm_msa._view_choice``) is run on the outer
training fold, keeping each inner fold's probabilities. Since ``normalize="auto"``
fits the chosen view exactly as that view given (``tests/test_view_choice.py``), the
outer score of any selection rule on the inner probabilities is the outer score of
the view it picks, so one run scores several rules; ``--rule`` names the one the
package uses. The test splits are never loaded. Run from the repository root::

    python docs/experiments/scripts/cv_view_choice.py --datasets Coffee Wine \\
        --seeds 0 1 2 --n-jobs 2 --out docs/experiments/csv/cv42_view_choice.csv
    python docs/experiments/scripts/cv_view_choice.py --table \
        docs/experiments/csv/cv42_view_choice.csv
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.preprocessing import LabelEncoder

sys.path.insert(0, str(Path(__file__).parent))

from cv_recipe import n_folds, pool_datasets  # noqa: E402

from sklearn_bilstm_msa import BiLSTMMSAClassifier  # noqa: E402
from sklearn_bilstm_msa._data import check_collection  # noqa: E402
from sklearn_bilstm_msa._defaults import AUTO_VIEW_FOLDS, shared_shape  # noqa: E402
from sklearn_bilstm_msa.benchmark import load_dataset  # noqa: E402

VIEWS = ("step+channel", "channel")


class MixedViewClassifier(BiLSTMMSAClassifier):
    """The candidate of issue 35's point 3 that needs no choice: a seed ensemble whose
    members read the views in turn (members 0, 2, 4 both views, members 1 and 3 the
    per-channel view alone); one network reads both views. Adopted after this pass as
    ``normalize="mixed"``, the default for such series, which fits bit for bit the same
    (checked on ``tests/conftest.make_shared_shape_data``); kept so that the pass runs
    as it ran."""

    def _module_spec(self, n_outputs):
        module, params = super()._module_spec(n_outputs)
        if "n_estimators" in params:
            own = {"step_shift": None, "step_scale": None}
            params["member_params"] = [
                {} if i % 2 == 0 else own for i in range(params["n_estimators"])
            ]
        return module, params


def _fit_proba(estimator, X, y, train, test):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X[train], y[train])
    return estimator.predict_proba(X[test])


class WholeStatisticsClassifier(BiLSTMMSAClassifier):
    """Pass 42's "whole" variant of the inner fits: a fold fit standardised with the
    statistics of ``_statistics_source`` (a checked collection, the whole outer
    training fold, unweighted; set on the instance) in place of its own cases'."""

    def _fit_input_statistics(self, data, weights, y_net=None, seed=0):
        super()._fit_input_statistics(self._statistics_source, None, y_net, seed)


def jobs_for(X, y, seed_param, outer, inner_statistics="fold", outer_fits=True, views=VIEWS):
    """The fits of one outer fold: each view given (outer score) and the inner CV, whose
    fold fits standardise with their own statistics (``"fold"``, as in the package
    before the choice took the whole training split's) or with those of the whole
    outer training fold (``"whole"``)."""
    train, test = outer
    base = BiLSTMMSAClassifier(random_state=seed_param, n_jobs=1)
    seed = base._seed()  # what fit draws first from random_state
    jobs = []
    for view in views if outer_fits else ():
        fit = delayed(_fit_proba)(clone(base).set_params(normalize=view), X, y, train, test)
        jobs.append(("outer", view, None, fit))
    if inner_statistics == "mixed":
        mixed = MixedViewClassifier(random_state=seed_param, n_jobs=1, normalize="step+channel")
        jobs.append(("outer", "mixed", None, delayed(_fit_proba)(mixed, X, y, train, test)))
        return jobs, None
    if np.bincount(y[train]).min() < AUTO_VIEW_FOLDS:
        return jobs, None
    inner = list(
        StratifiedKFold(AUTO_VIEW_FOLDS, shuffle=True, random_state=seed).split(
            np.zeros(len(train)), y[train]
        )
    )
    kind = "inner" if inner_statistics == "fold" else f"inner {inner_statistics}"
    whole = inner_statistics == "whole"
    if whole:
        base = WholeStatisticsClassifier(random_state=seed_param, n_jobs=1)
        source = check_collection(X[train], allow_missing=True)
    for view in VIEWS:
        for k, (itr, ite) in enumerate(inner):
            candidate = base._view_candidate(view, seed)
            if whole:
                candidate._statistics_source = source
            fit = delayed(_fit_proba)(candidate, X, y, train[itr], train[ite])
            jobs.append((kind, view, k, fit))
    return jobs, [train[ite] for _, ite in inner]


def _log_loss(frame):
    """Mean negative log-probability of the true class over ``frame``'s cases."""
    proba = frame.filter(regex=r"^p\d+$").to_numpy()
    true = proba[np.arange(len(frame)), frame["label"].to_numpy()]
    return float(-np.log(np.clip(true, 1e-12, None)).mean())


def _accuracy(frame):
    proba = frame.filter(regex=r"^p\d+$").fillna(-1).to_numpy()
    return float((proba.argmax(axis=1) == frame["label"].to_numpy()).mean())


#: Selection rules on the inner folds' probabilities: view -> inner rows -> a score to
#: maximise. "accuracy" is the package's (the mean of the folds' accuracies; the
#: rule's view, listed first, on a tie).
RULES = {
    "accuracy": lambda inner: np.mean([_accuracy(g) for _, g in inner.groupby("inner_fold")]),
    "log loss": lambda inner: -_log_loss(inner),
}


def table(paths):
    """Outer CV accuracy per dataset of each fixed view, each selection rule on each
    kind of inner fits and the per-fold oracle, means over the seeds (and the choices
    the rules made)."""
    rows = pd.concat([pd.read_csv(path) for path in paths], ignore_index=True)
    kinds = sorted(k for k in rows["kind"].unique() if k.startswith("inner"))
    names = [rule if k == "inner" else f"{rule}, {k[6:]}" for k in kinds for rule in RULES]
    out = []
    for (name, seed, fold), group in rows.groupby(["dataset", "seed", "outer_fold"]):
        outer = {v: _accuracy(g) for v, g in group[group.kind == "outer"].groupby("view")}
        record = {"dataset": name, "seed": seed, "outer_fold": fold, **outer}
        record["oracle"] = max(outer.get(v, np.nan) for v in VIEWS)
        for kind in kinds:
            inner = group[group.kind == kind]
            for rule, score in RULES.items():
                label = rule if kind == "inner" else f"{rule}, {kind[6:]}"
                if inner.empty:
                    chosen = VIEWS[0]
                else:
                    scores = [score(inner[inner.view == v]) for v in VIEWS]
                    chosen = VIEWS[int(np.argmax(scores))]
                record[f"by {label}"] = outer[chosen]
                record[f"by {label} chose"] = chosen
        out.append(record)
    folds = pd.DataFrame(out)
    mixed = ["mixed"] if "mixed" in set(rows["view"]) else []
    views = [v for v in VIEWS if v in set(rows["view"])]
    scored = [*views, *mixed, *(f"by {n}" for n in names), "oracle"]
    per_seed = folds.groupby(["dataset", "seed"])[scored].mean()
    per_set = per_seed.groupby("dataset").mean()
    per_set.loc["Mean"] = per_set.mean()
    print("Outer CV accuracy (mean over seeds of 3-fold CV on the training split)")
    print(per_set.to_markdown(floatfmt=".3f"))
    seeds = per_seed.groupby("seed").mean()
    print("\nMean over the datasets, per seed")
    print(seeds.to_markdown(floatfmt=".3f"))
    chose = folds.groupby("dataset")[[f"by {n} chose" for n in names]].agg(
        lambda c: f"{(c == 'channel').sum()}/{len(c)}"
    )
    print("\nOuter folds where each rule chose 'channel'")
    print(chose.to_markdown())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--datasets", nargs="+")
    which.add_argument("--pool", choices=("search", "confirmation"))
    parser.add_argument("--data-dir", default=Path(__file__).parents[4] / "shared/data/uea")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cv-seed", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--out", help="per-case CSV, written after each set")
    parser.add_argument(
        "--inner-statistics",
        choices=("fold", "whole", "mixed"),
        default="fold",
        help="the inner fold fits' standardisation: their own, or the outer fold's; "
        "'mixed': no inner fits, the outer fits of MixedViewClassifier",
    )
    parser.add_argument("--no-outer", action="store_true", help="inner fits only")
    parser.add_argument(
        "--outer-views", nargs="+", choices=VIEWS, default=list(VIEWS), help="views fitted given"
    )
    parser.add_argument(
        "--table", nargs="+", help="print the tables of CSVs this script wrote (merged)"
    )
    args = parser.parse_args()
    if args.table:
        table(args.table)
        return
    names = args.datasets or pool_datasets(args.pool)
    rows = []
    for name in names:
        data = load_dataset(name, data_dir=args.data_dir, offline=True)
        if not shared_shape(check_collection(data.X_train, allow_missing=True)):
            print(f"{name}: the series do not share one shape (no choice to make)")
            continue
        folds = n_folds(name, data.y_train, 3)
        if folds is None:
            continue
        X = np.asarray(data.X_train)
        y = LabelEncoder().fit_transform(data.y_train)
        outers = list(
            RepeatedStratifiedKFold(n_splits=folds, n_repeats=1, random_state=args.cv_seed).split(
                X, y
            )
        )
        start = time.perf_counter()
        plan, calls, inner_tests = [], [], {}
        for seed in args.seeds:
            for f, outer in enumerate(outers):
                jobs, tests = jobs_for(X, y, seed, outer, args.inner_statistics, not args.no_outer)
                inner_tests[seed, f] = tests
                plan += [(seed, f, *job[:3]) for job in jobs]
                calls += [job[3] for job in jobs]
        results = Parallel(n_jobs=args.n_jobs)(calls)
        for (seed, f, kind, view, k), proba in zip(plan, results, strict=True):
            train, test = outers[f]
            idx = test if kind == "outer" else inner_tests[seed, f][k]
            for case, p in zip(idx, proba, strict=True):
                rows.append(
                    {
                        "dataset": name,
                        "seed": seed,
                        "outer_fold": f,
                        "kind": kind,
                        "view": view,
                        "inner_fold": -1 if k is None else k,
                        "case": int(case),
                        "label": int(y[case]),
                        **{f"p{c}": float(v) for c, v in enumerate(p)},
                    }
                )
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)
        pd.DataFrame(rows).to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
