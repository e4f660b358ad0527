"""The paper's experiments as lists of tasks (and, for the window sweep, a grid search).

Each experiment writes a tsml results tree under ``<results_dir>/<experiment>/``
with an ``experiment.json`` manifest that :mod:`._report` reads.
"""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ._contenders import get_contender
from ._datasets import Dataset, load_dataset, resample
from ._results import atomic_write_text
from ._tasks import Task

__all__ = [
    "EXPERIMENTS",
    "comparison_tasks",
    "experiment_root",
    "length_tasks",
    "load_datasets",
    "read_manifest",
    "resize",
    "window_cv",
    "window_tasks",
    "write_manifest",
]

EXPERIMENTS = ("compare", "ablation", "sweep-window", "sweep-length")

LENGTH_SUFFIX = re.compile(r"^(?P<dataset>.+)-L(?P<length>\d+)$")
WINDOW_SUFFIX = re.compile(r"^BiLSTM-MSA-W(?P<window>\d+)$")


def experiment_root(results_dir, experiment):
    """The tsml results tree of one experiment."""
    return Path(results_dir) / experiment


def read_manifest(root):
    path = Path(root) / "experiment.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def write_manifest(root, experiment, **lists):
    """Record what an experiment folder holds; lists are merged with earlier runs."""
    manifest = read_manifest(root) or {"experiment": experiment}
    if manifest.get("experiment") != experiment:
        raise ValueError(
            f"{root} holds a {manifest.get('experiment')!r} experiment, not {experiment!r}; "
            "use another --results-dir."
        )
    for key, values in lists.items():
        merged = list(manifest.get(key, []))
        merged += [v for v in values if v not in merged]
        manifest[key] = merged
    atomic_write_text(Path(root) / "experiment.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def load_datasets(names, data_dir=None, offline=False, log=print):
    """Load each dataset; return ``(loaded, errors)`` so one bad dataset stops no other."""
    loaded, errors = [], []
    for name in names:
        try:
            loaded.append(load_dataset(name, data_dir=data_dir, offline=offline))
        except ValueError as exc:  # DatasetError, or aeon's own complaint
            errors.append((name, str(exc)))
            log(str(exc))
    return loaded, errors


def _tasks(dataset, contenders, resamples, dataset_label=None, label="", notes=(), overrides=()):
    tasks = []
    for r in resamples:
        split = resample(dataset, r)
        for name in contenders:
            tasks.append(
                Task(
                    contender=get_contender(name).name,
                    dataset=dataset_label or dataset.name,
                    resample=r,
                    X_train=split.X_train,
                    y_train=split.y_train,
                    X_test=split.X_test,
                    y_test=split.y_test,
                    label=label,
                    notes=tuple(notes),
                    overrides=tuple(overrides),
                )
            )
    return tasks


def comparison_tasks(datasets, contenders, resamples):
    """Every contender on every dataset and resample (``compare`` and ``ablation``)."""
    return [task for d in datasets for task in _tasks(d, contenders, resamples)]


def resize(X, length):
    """Every series linearly interpolated to ``length`` steps (aeon's ``Resizer``)."""
    from aeon.transformations.collection.unequal_length import Resizer

    return Resizer(resized_length=length).fit_transform(X)


def length_tasks(dataset, lengths, contenders, resamples):
    """The paper's Figure 2: each length is a dataset ``<Name>-L<length>``.

    Train and test series are resized independently, one series at a time, by
    linear interpolation over the series' own time span (aeon's ``Resizer``), so
    shorter lengths subsample and longer lengths interpolate the same signal.
    """
    tasks = []
    for length in lengths:
        resized = Dataset(
            dataset.name,
            resize(dataset.X_train, length),
            dataset.y_train,
            resize(dataset.X_test, length),
            dataset.y_test,
        )
        note = ("resized", f"linear interpolation to {length} steps (aeon Resizer)")
        label = f"{dataset.name}-L{length}"
        tasks += _tasks(resized, contenders, resamples, dataset_label=label, notes=[note])
    return tasks


def window_tasks(dataset, windows, resamples):
    """The paper's Figure 3, test side: one single-scale model per window width."""
    tasks = []
    for w in windows:
        overrides = [("window_sizes", (w,))]
        tasks += _tasks(
            dataset, ["BiLSTM-MSA"], resamples, label=f"BiLSTM-MSA-W{w}", overrides=overrides
        )
    return tasks


def window_cv(dataset, windows, root, cv=5, n_jobs=1, threads=1, quick=False, log=print):
    """The paper's Figure 3, training side: ``GridSearchCV`` over ``window_sizes``.

    Stratified ``cv``-fold cross-validation on the official *training* split only
    (fewer folds when a class has fewer cases); writes
    ``<root>/CV/<Dataset>/cv_results.csv`` and returns it as a DataFrame. Skipped
    when that file exists.
    """
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    path = Path(root) / "CV" / dataset.name / "cv_results.csv"
    if path.exists():
        log(f"{path} exists: cross-validation skipped")
        return pd.read_csv(path)
    folds = int(min(cv, np.unique(dataset.y_train, return_counts=True)[1].min()))
    if folds < 2:
        raise ValueError(f"{dataset.name}: a class has a single training case; cannot CV.")
    if folds < cv:
        log(f"{dataset.name}: {folds}-fold CV (the smallest class has {folds} training cases)")
    estimator = get_contender("BiLSTM-MSA").build(random_state=0, n_jobs=threads, quick=quick)
    search = GridSearchCV(
        estimator,
        {"window_sizes": [(w,) for w in windows]},
        cv=StratifiedKFold(folds, shuffle=True, random_state=0),
        scoring="accuracy",
        refit=False,
        n_jobs=n_jobs,
    )
    search.fit(dataset.X_train, dataset.y_train)
    res = search.cv_results_
    table = pd.DataFrame(
        {
            "window": [p["window_sizes"][0] for p in res["params"]],
            "mean_cv_accuracy": res["mean_test_score"],
            "std_cv_accuracy": res["std_test_score"],
            "rank": res["rank_test_score"],
            "folds": folds,
            "mean_fit_seconds": res["mean_fit_time"],
        }
    )
    atomic_write_text(path, table.to_csv(index=False))
    best = table.loc[table["rank"].idxmin(), "window"]
    log(f"{dataset.name}: GridSearchCV on the training split chose window_sizes=({best},)")
    return table
