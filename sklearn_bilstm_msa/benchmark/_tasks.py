"""Benchmark tasks: one (classifier, dataset, resample) each, run through joblib or Dask.

The driver (the process that calls :func:`run_tasks`) loads the data, ships each
task's arrays to a worker, and writes every result itself, atomically, the moment
it arrives. So workers need no shared file system, a run that is killed keeps
everything that had finished, and the next run with the same results folder skips
it. The test split is only ever passed to ``predict_proba``.

Warnings raised inside a task (numba's type-safety warnings from aeon's classifiers,
our own ``ConvergenceWarning``) are caught there and appended to ``warnings.log`` in
the results folder; the driver names the file and counts them instead of letting
them interleave with its table. If the driver dies without a chance to clean up
(``kill -9``), each local worker notices within about a second that its parent is
gone and exits (:func:`_exit_with_driver`), so no orphan keeps computing.
"""

import collections
import contextlib
import os
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field

import joblib
import numpy as np
from sklearn.preprocessing import LabelEncoder

from .. import __version__
from ._contenders import get_contender
from ._results import ResultsFormatError, read_result, result_path, write_result

__all__ = ["RunSummary", "Task", "compute_backend", "default_threads", "run_task", "run_tasks"]


@dataclass(frozen=True)
class Task:
    """Fit one contender on a training split and predict its test split.

    ``label`` names the result (defaults to the contender's name); ``overrides``
    are ``set_params`` arguments applied to the contender's estimator (the window
    sweep uses them); ``notes`` go into the results file's parameter line.
    """

    contender: str
    dataset: str
    resample: int
    X_train: object = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    X_test: object = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    label: str = ""
    overrides: tuple = ()  # ((name, value), ...), hashable
    notes: tuple = ()  # ((key, text), ...)

    @property
    def classifier(self):
        return self.label or get_contender(self.contender).name

    @property
    def key(self):
        return f"{self.classifier} on {self.dataset}, resample {self.resample}"


@dataclass
class RunSummary:
    """What a call to :func:`run_tasks` did."""

    finished: list = field(default_factory=list)  # Result objects written in this run
    skipped: list = field(default_factory=list)  # tasks whose results were already there
    failed: list = field(default_factory=list)  # (task, error text)
    warnings: list = field(default_factory=list)  # "Category: message" raised in tasks

    @property
    def ok(self):
        return not self.failed


def _pad_to(X, length):
    """Zero-pad at the end (aeon's Padder) or truncate each series to ``length``."""
    from aeon.transformations.collection.unequal_length import Padder

    cut = [np.asarray(x)[:, :length] for x in X]
    return Padder(padded_length=length, fill_value=0).fit_transform(cut)


def _longest(X):
    return max(np.asarray(x).shape[-1] for x in X)


def _has_missing(X):
    return any(np.isnan(np.asarray(x, dtype=np.float64)).any() for x in X)


#: What the harness does to missing values for a contender that cannot take them.
IMPUTATION = (
    "each missing value (NaN) replaced by the mean of its series' channel (aeon "
    "SimpleImputer(strategy='mean'), series by series, so no test value reaches training)"
)


def _impute(contender, X_train, X_test):
    """Impute missing values for contenders without ``missing_values``; the note says how."""
    if contender.missing_values or not (_has_missing(X_train) or _has_missing(X_test)):
        return X_train, X_test, "none"
    from aeon.transformations.collection import SimpleImputer

    imputer = SimpleImputer(strategy="mean")
    return imputer.fit_transform(X_train), imputer.fit_transform(X_test), IMPUTATION


def _prepare(contender, X_train, X_test):
    """Make unequal-length data equal length for contenders that need it, and cut test
    series to the longest training series for contenders that fix a length at fit."""
    ragged = not (isinstance(X_train, np.ndarray) and isinstance(X_test, np.ndarray))
    length = _longest(X_train)
    if ragged and not contender.unequal_length:
        note = (
            f"zero-padded at the end to {length} steps (the longest training series, aeon "
            f"Padder(fill_value=0)); longer test series truncated to {length}"
        )
        return _pad_to(X_train, length), _pad_to(X_test, length), note
    if contender.fixed_length and _longest(X_test) > length:
        cut = [np.asarray(x)[:, :length] for x in X_test]
        X_test = np.stack(cut) if isinstance(X_test, np.ndarray) else cut
        note = (
            f"test series cut to {length} steps, the longest training series: the "
            "network's head flattens over a length fixed at fit"
        )
        return X_train, X_test, note
    return X_train, X_test, "none"


@contextlib.contextmanager
def _torch_threads(threads):
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _training_fit(estimator, X_train, y_train):
    """How well a network fitted its own training data: the last epoch's training loss
    and the accuracy on the training split, so that a fit that learned nothing shows
    in every report. Empty for estimators without a training history (aeon's)."""
    history = getattr(estimator, "history_", None)
    if history is None or not len(history):
        return {}
    return {
        "train_loss": float(history[-1, "train_loss"]),
        "train_accuracy": float(np.mean(estimator.predict(X_train) == np.asarray(y_train))),
    }


#: Cases of each class in the warm-up fit of a contender that compiles on first use.
WARM_UP_CASES_PER_CLASS = 2


def _warm_up(contender, estimator, X_train, y_train):
    """Fit a clone of ``estimator`` on a few training cases (``WARM_UP_CASES_PER_CLASS``
    of each class) when the contender compiles code on its first fit, so that the timed
    fit leaves the one-off compilation out; what the results file records of it."""
    if not contender.warm_up:
        return {"fit_timing": "one fit, timed whole"}
    from sklearn.base import clone

    y_train = np.asarray(y_train)
    few = np.concatenate(
        [np.flatnonzero(y_train == c)[:WARM_UP_CASES_PER_CLASS] for c in np.unique(y_train)]
    )
    X_few = [X_train[i] for i in few] if isinstance(X_train, list) else X_train[few]
    start = time.perf_counter()
    clone(estimator).fit(X_few, y_train[few])
    return {
        "fit_timing": (
            f"timed after a warm-up fit on {len(few)} training cases, so that one-off "
            "compilation (numba) is not counted"
        ),
        "warm_up_seconds": round(time.perf_counter() - start, 3),
    }


def run_task(task, threads=1, quick=False):
    """Fit and predict one task; return its :class:`Result` (run on a worker)."""
    from ._results import Result

    contender = get_contender(task.contender)
    with _torch_threads(threads):
        estimator = contender.build(random_state=task.resample, n_jobs=threads, quick=quick)
        if task.overrides:
            estimator.set_params(**dict(task.overrides))
        X_train, X_test, imputation = _impute(contender, task.X_train, task.X_test)
        X_train, X_test, padding = _prepare(contender, X_train, X_test)
        encoder = LabelEncoder().fit(task.y_train)
        warm_up = _warm_up(contender, estimator, X_train, task.y_train)
        start = time.perf_counter()
        estimator.fit(X_train, task.y_train)
        fit_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        proba = np.asarray(estimator.predict_proba(X_test), dtype=np.float64)
        predict_ms = (time.perf_counter() - start) * 1000
        training = _training_fit(estimator, X_train, task.y_train)
    # Columns in the order of the sorted training labels, whatever the estimator keeps;
    # rows renormalised in float64 (float32 softmax rows are off by ~1e-7).
    order = [list(estimator.classes_).index(c) for c in encoder.classes_]
    proba = proba[:, order] / proba.sum(axis=1, keepdims=True)
    params = {
        "classifier": task.classifier,
        "contender": contender.description,
        "estimator": type(estimator).__name__,
        "params": estimator.get_params(deep=False),
        "padding": padding,
        "imputation": imputation,
        "threads": threads,
        "quick": quick,
        "random_state": task.resample,
        "package": f"sklearn-bilstm-msa {__version__}",
        **warm_up,
        **training,
        **dict(task.notes),
    }
    return Result(
        dataset=task.dataset,
        classifier=task.classifier,
        resample=task.resample,
        y_true=encoder.transform(task.y_test),
        y_pred=np.argmax(proba, axis=1),
        proba=proba,
        fit_ms=round(fit_ms),
        predict_ms=round(predict_ms),
        params=params,
        description=f"PREDICTIONS,sklearn-bilstm-msa {__version__}",
    )


def _run_caught(task, threads, quick):
    """``(task, result, error, warnings)``: nothing a task raises or warns escapes it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        try:
            result, error = run_task(task, threads, quick), None
        except Exception as exc:  # reported by the driver; the other tasks go on
            detail = traceback.format_exc(limit=-3)
            result, error = None, f"{type(exc).__name__}: {exc}\n{detail}"
    seen = dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught)
    return task, result, error, list(seen)


def _exit_with_driver(driver_pid):
    """Worker initializer: exit as soon as the driver process is gone.

    A driver killed with SIGKILL cannot stop its workers, and a worker only learns
    of it when it next talks to the driver, after its current task. A daemon thread
    that watches the parent process id ends such an orphan within about a second
    (or when a long call that holds the GIL returns). POSIX only: elsewhere the
    parent id does not change, and the worker stops after its task as before.
    """

    def watch():
        while os.getppid() == driver_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-driver", daemon=True).start()


def _log_warnings(root, source, messages):
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, "warnings.log")
    with open(path, "a", encoding="utf-8") as handle:
        handle.writelines(f"{source}: {message}\n" for message in messages)
    return path


def _interactive():
    """A progress bar only where a person watches it, never into a log file."""
    return sys.stdout.isatty() and sys.stderr.isatty()


def is_finished(root, task):
    """True when a readable result for ``task`` is already in ``root``."""
    path = result_path(root, task.classifier, task.dataset, task.resample)
    if not path.exists():
        return False
    try:
        read_result(path)
    except ResultsFormatError:
        return False  # unreadable (edited by hand?): run it again
    return True


def default_threads(n_jobs):
    """Torch/numba threads per task so that ``n_jobs`` tasks fill the cores once."""
    cores = os.cpu_count() or 1
    workers = cores if n_jobs in (None, -1) else max(1, n_jobs)
    return max(1, cores // workers)


def run_tasks(
    tasks,
    results_root,
    n_jobs=1,
    dask_address=None,
    threads=None,
    quick=False,
    progress=True,
    log=None,
):
    """Run every task whose result is not in ``results_root`` yet.

    Parameters
    ----------
    tasks : list of Task
    results_root : path-like
        The tsml results folder.
    n_jobs : int, default=1
        Tasks run at once (joblib; ``-1`` all cores). Ignored with ``dask_address``.
    dask_address : str, optional
        Scheduler address of a running Dask cluster (``tcp://host:8786``), or a
        ``dask.distributed.Client`` / ``LocalCluster``; tasks then run on its workers.
    threads : int, optional
        Torch/numba threads per task. Default: cores // n_jobs locally, 1 on Dask.
    quick : bool, default=False
        Tiny settings for smoke runs.
    progress : bool, default=True
        Show a progress bar over tasks when stdout and stderr are terminals (never
        in a log file).
    log : callable, optional
        Receives one line per finished or failed task and a line on skipped ones;
        default ``tqdm.write`` (prints above the progress bar).

    Returns
    -------
    RunSummary
    """
    from tqdm.auto import tqdm

    log = log or tqdm.write
    summary = RunSummary()
    pending = []
    for task in tasks:
        (summary.skipped if is_finished(results_root, task) else pending).append(task)
    if summary.skipped:
        log(f"{len(summary.skipped)} task(s) already done in {results_root}: skipped")
    if not pending:
        return summary
    if threads is None:
        threads = 1 if dask_address is not None else default_threads(n_jobs)

    bar = tqdm(
        total=len(pending), disable=not (progress and _interactive()), unit="task", leave=False
    )
    warnings_log = None
    # The driver's own warnings during the run (loky restarting a worker that grew too
    # large, say) go to the same log as the tasks' ones, not between the result lines.
    with (
        warnings.catch_warnings(record=True) as caught,
        compute_backend(dask_address, n_jobs) as workers,
    ):
        warnings.simplefilter("default")
        outcomes = joblib.Parallel(n_jobs=workers, return_as="generator_unordered")(
            joblib.delayed(_run_caught)(task, threads, quick) for task in pending
        )
        try:
            for task, result, error, messages in outcomes:
                done = len(summary.finished) + len(summary.failed) + 1
                if messages:
                    warnings_log = _log_warnings(results_root, task.key, messages)
                    summary.warnings += messages
                if error is None:
                    write_result(results_root, result)
                    summary.finished.append(result)
                    m = result.metrics()
                    line = (
                        f"[{done}/{len(pending)}] {task.key}: accuracy {m['accuracy']:.4f}, "
                        f"fit {m['fit_seconds']:.1f}s, predict {m['predict_seconds']:.2f}s"
                    )
                else:
                    summary.failed.append((task, error))
                    line = f"[{done}/{len(pending)}] FAILED {task.key}: {error.splitlines()[0]}"
                bar.update()
                log(line)
        finally:
            bar.close()
    messages = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    if messages:
        warnings_log = _log_warnings(results_root, "driver", messages)
        summary.warnings += messages
    if summary.warnings:
        counts = collections.Counter(m.split(":", 1)[0] for m in summary.warnings)
        kinds = ", ".join(f"{name} x{n}" for name, n in counts.most_common())
        log(f"{len(summary.warnings)} warning(s) raised inside tasks ({kinds}): in {warnings_log}")
    return summary


@contextlib.contextmanager
def compute_backend(dask_address, n_jobs):
    """joblib's backend for the run: local processes, or a Dask cluster.

    Yields the ``n_jobs`` to give ``joblib.Parallel`` (and scikit-learn) inside.
    """
    if dask_address is None:
        with joblib.parallel_config(
            backend="loky", initializer=_exit_with_driver, initargs=(os.getpid(),)
        ):
            yield n_jobs
        return
    try:
        from dask.distributed import Client
    except ImportError as exc:
        raise ImportError(
            "--dask needs dask.distributed: pip install 'sklearn-bilstm-msa[dask]'"
        ) from exc
    if isinstance(dask_address, Client):
        client, own = dask_address, False
    elif hasattr(dask_address, "scheduler_address"):
        client, own = Client(dask_address.scheduler_address), True
    else:
        client, own = Client(dask_address), True
    try:
        with joblib.parallel_config(backend="dask"):
            yield -1
    finally:
        if own:
            client.close()
