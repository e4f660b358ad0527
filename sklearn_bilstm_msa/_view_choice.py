"""``normalize="cv"`` on series that share one shape: the input view chosen by
cross-validation on the training split (issue 35).

The shape rule (:func:`~._defaults.shared_shape`) finds the training sets where a
per-step view can matter at all; which view reads them best differs from set to set
(one view alone moved single sets by 17 points either way on data nobody here holds).
With ``normalize="cv"`` the training data decide there: each candidate view is scored
by stratified k-fold cross-validation of single networks on the training split, and
the best one (the rule's own view on a tie) is fitted. Nothing but the training data is
read; the folds and the networks are seeded from ``random_state``; the scores are kept
on the fitted estimator (``normalize_scores_``) with the reason for the choice
(``normalize_reason_``). Training sets whose smallest class has fewer cases than folds
keep the rule's view. It is not the default: on the search pool's five sets that share
one shape it scored 1.0 point below the rule alone (CV pass 42,
``docs/experiments/issue35.md``).

The fold fits are independent: ``n_jobs`` runs them side by side in joblib's worker
processes, each on one torch thread, so the choice is the same for every ``n_jobs``
(bit for bit on one machine).
"""

import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold

from ._defaults import AUTO_VIEW_FOLDS

__all__ = ["choose_view"]


def _fold_score(estimator, X, y, weights, train, test):
    """The weighted accuracy on ``test`` of ``estimator`` fitted on ``train``."""
    with warnings.catch_warnings():
        # A fold's network that learned little is a low score, not news for the user.
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X[train], y[train], sample_weight=None if weights is None else weights[train])
    correct = estimator.predict(X[test]) == y[test]
    return float(np.average(correct, weights=None if weights is None else weights[test]))


def choose_view(estimator, data, y_net, weights, seed, views, folds=AUTO_VIEW_FOLDS):
    """``(view, scores, reason)``: the view of ``views`` (the rule's first) with the best
    mean cross-validated accuracy of ``estimator``'s single networks on ``data``
    (a checked, equal-length :class:`~._data.SeriesCollection`) and the encoded labels
    ``y_net``, cases weighted by ``weights``; ``scores`` maps each view to its fold
    accuracies. A smallest class of fewer than ``folds`` cases keeps ``views[0]``, with
    ``scores`` None."""
    smallest = int(np.unique(y_net, return_counts=True)[1].min())
    if smallest < folds:
        reason = (
            f"rule: the series share one shape, and the smallest class has {smallest} "
            f"case(s), too few for {folds}-fold cross-validation of the views"
        )
        return views[0], None, reason
    splits = list(
        StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y_net)), y_net)
    )
    X = data.values.transpose(0, 2, 1)  # (N, C, T) as given, float32, NaN where missing
    y = np.asarray(y_net)
    jobs = [
        delayed(_fold_score)(estimator._view_candidate(view, seed), X, y, weights, train, test)
        for view in views
        for train, test in splits
    ]
    # Processes, never threads: each fold fit seeds torch's global generator.
    flat = Parallel(n_jobs=estimator.n_jobs, backend="loky")(jobs)
    scores = {view: np.asarray(flat[i * folds : (i + 1) * folds]) for i, view in enumerate(views)}
    means = [scores[view].mean() for view in views]
    best = views[int(np.argmax(means))]  # the first of equal means: the rule's on a tie
    listed = ", ".join(f"{v!r} ({m:.3f})" for v, m in zip(views, means, strict=True))
    reason = (
        f"cross-validation: the series share one shape, and of the views {listed} "
        f"(mean accuracy of single networks over {folds} stratified folds of the "
        f"training data) {best!r} scored best"
        + (" (the rule's view on a tie)" if means.count(max(means)) > 1 else "")
    )
    return best, scores, reason


def view_candidate(estimator, view, seed, **params):
    """A single-network, one-thread, unfitted copy of ``estimator`` that reads ``view``,
    seeded by ``seed``; ``params`` are the head's own (the classifier's class weights,
    already in the case weights)."""
    return clone(estimator).set_params(
        normalize=view,
        n_estimators=1,
        n_jobs=1,
        verbose=0,
        callbacks=None,
        warm_start=False,
        random_state=seed,
        **params,
    )
