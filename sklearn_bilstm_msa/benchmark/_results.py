"""Results files in the tsml format, written atomically, and read back.

One file per (classifier, dataset, resample) at
``<root>/<Classifier>/Predictions/<Dataset>/testResample<r>.csv``::

    Dataset,Classifier,TEST,r,MILLISECONDS,<description>
    <parameters, one line of JSON>
    accuracy,fit_ms,predict_ms,-1,-1,n_classes,,-1,-1
    true_index,pred_index,,p_0,...,p_k-1      (one line per test case)

This is the layout tsml-eval writes and aeon's result loaders read; class
indices follow the sorted class labels of the training split.
"""

import json
import math
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
)

__all__ = [
    "METRICS",
    "Result",
    "ResultsFormatError",
    "atomic_write_text",
    "compute_metrics",
    "read_result",
    "read_results",
    "result_path",
    "write_result",
]

#: Metric names in the order tables show them.
METRICS = (
    "accuracy",
    "balanced_accuracy",
    "macro_precision",
    "macro_recall",
    "macro_f1",
    "log_loss",
    "fit_seconds",
    "predict_seconds",
    "train_accuracy",
    "train_loss",
    "warm_up_seconds",
)


class ResultsFormatError(ValueError):
    """A results file that does not follow the tsml layout."""


@dataclass
class Result:
    """Predictions of one classifier on one test split, with timings."""

    dataset: str
    classifier: str
    resample: int
    y_true: np.ndarray  # class indices
    y_pred: np.ndarray
    proba: np.ndarray  # (n_cases, n_classes)
    fit_ms: int
    predict_ms: int
    params: dict = field(default_factory=dict)
    description: str = ""

    @property
    def n_classes(self):
        return self.proba.shape[1]

    def metrics(self):
        """Every metric of :data:`METRICS` for this result."""
        return compute_metrics(self.y_true, self.y_pred, self.proba) | {
            "fit_seconds": self.fit_ms / 1000.0,
            "predict_seconds": self.predict_ms / 1000.0,
            # Recorded for our networks (run_task); NaN for other contenders.
            "train_accuracy": self.params.get("train_accuracy", np.nan),
            "train_loss": self.params.get("train_loss", np.nan),
            # The warm-up fit before the timed one (contenders that compile on first use).
            "warm_up_seconds": self.params.get("warm_up_seconds", np.nan),
        }


def compute_metrics(y_true, y_pred, proba):
    """Accuracy, balanced accuracy, macro precision/recall/F1 and log-loss."""
    labels = np.arange(proba.shape[1])
    macro = {"labels": labels, "average": "macro", "zero_division": 0}
    with warnings.catch_warnings():
        # Small test splits may miss a class that was predicted: not worth a warning.
        warnings.filterwarnings("ignore", "y_pred contains classes not in y_true")
        return _metrics(y_true, y_pred, proba, labels, macro)


def _metrics(y_true, y_pred, proba, labels, macro):
    return {
        "accuracy": accuracy_score(y_true, y_pred),
        "balanced_accuracy": balanced_accuracy_score(y_true, y_pred),
        "macro_precision": precision_score(y_true, y_pred, **macro),
        "macro_recall": recall_score(y_true, y_pred, **macro),
        "macro_f1": f1_score(y_true, y_pred, **macro),
        "log_loss": log_loss(y_true, proba, labels=labels),
    }


def result_path(root, classifier, dataset, resample):
    """Where the tsml layout keeps one result."""
    return Path(root) / classifier / "Predictions" / dataset / f"testResample{resample}.csv"


def _format_row(true, pred, probabilities):
    values = ",".join(repr(float(p)) for p in probabilities)
    return f"{int(true)},{int(pred)},,{values}"


def atomic_write_text(path, text):
    """Write ``text`` to ``path`` so that a reader sees the whole file or none.

    The text goes to a temporary file in the target folder, is flushed to disk,
    and is then renamed over the final path (``os.replace``), so a run killed at
    any moment leaves no partial file behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_result(root, result):
    """Write ``result`` atomically (see :func:`atomic_write_text`) in the tsml layout."""
    path = result_path(root, result.classifier, result.dataset, result.resample)
    accuracy = float(np.mean(result.y_true == result.y_pred))
    lines = [
        f"{result.dataset},{result.classifier},TEST,{result.resample},MILLISECONDS,"
        f"{result.description}",
        json.dumps(result.params, sort_keys=True, default=str),
        f"{accuracy!r},{int(result.fit_ms)},{int(result.predict_ms)},-1,-1,"
        f"{result.n_classes},,-1,-1",
    ]
    lines += [
        _format_row(t, p, row)
        for t, p, row in zip(result.y_true, result.y_pred, result.proba, strict=True)
    ]
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path


def read_result(path):
    """Read one tsml results file written by :func:`write_result` (or tsml-eval)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        dataset, classifier, split, resample, unit, *rest = lines[0].split(",")
        if split != "TEST" or unit != "MILLISECONDS":
            raise ValueError("line 1 must read 'Dataset,Classifier,TEST,r,MILLISECONDS,...'")
        try:
            params = json.loads(lines[1])
        except json.JSONDecodeError:
            params = {"raw": lines[1]}
        summary = lines[2].split(",")
        n_classes = int(summary[5])
        rows = [line.split(",") for line in lines[3:] if line.strip()]
        y_true = np.array([int(r[0]) for r in rows], dtype=np.int64)
        y_pred = np.array([int(r[1]) for r in rows], dtype=np.int64)
        proba = np.array([[float(v) for v in r[3 : 3 + n_classes]] for r in rows])
        if proba.shape != (len(rows), n_classes):
            raise ValueError(f"expected {n_classes} probabilities per case")
        result = Result(
            dataset=dataset,
            classifier=classifier,
            resample=int(resample),
            y_true=y_true,
            y_pred=y_pred,
            proba=proba,
            fit_ms=int(float(summary[1])),
            predict_ms=int(float(summary[2])),
            params=params,
            description=",".join(rest),
        )
        if not rows or not math.isclose(float(summary[0]), np.mean(y_true == y_pred)):
            raise ValueError("the accuracy on line 3 does not match the predictions")
    except (OSError, IndexError, ValueError) as exc:
        raise ResultsFormatError(f"{path} is not a valid tsml results file: {exc}") from exc
    return result


def read_results(root):
    """Every result under a tsml results folder, sorted by classifier, dataset, resample."""
    paths = sorted(Path(root).glob("*/Predictions/*/testResample*.csv"))
    results = [read_result(p) for p in paths]
    return sorted(results, key=lambda r: (r.classifier, r.dataset, r.resample))
