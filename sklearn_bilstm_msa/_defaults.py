"""The data-dependent defaults: the rules that turn a training set into the default network.

Each ``"auto"`` value of the estimators is resolved here at fit time, from the training
data only (lengths, number of cases, the series' spread), and the fitted estimator
keeps what it chose (``stem_stride_``, ``stem_dilations_``, ``n_estimators_``,
``batch_size_``, ``normalize_``). Every rule states its formula and where the evidence
for it is: the cross-validation passes on training splits only, whose tables and
commands are in ``docs/experiments/`` and summarised in ``docs/method.md`` ("The
data-dependent defaults"). The estimators, the regressor and the harness import the
rules from here; nothing else restates them.

=======================  ==========================  =================================
parameter                rule                        evidence
=======================  ==========================  =================================
``stem_stride``          :func:`auto_stem_stride`    CV passes 29-32 and 40
``stem_dilations``       :func:`auto_stem_dilations` CV passes 18, 19 and 23
``n_estimators``         :func:`auto_n_estimators`   CV pass 17
``batch_size`` (fit)     :func:`auto_batch_size`     the recipe CV of 2026-11-21
``batch_size`` (predict) :func:`auto_predict_batch_size` ``benchmarks/predict_batch.py``
``normalize``            :func:`auto_normalize`      CV passes 15, 16, 36 and 42
=======================  ==========================  =================================
"""

import numpy as np

from ._data import _mean_std, _step_weights

__all__ = [
    "AUTO_BATCH_MAX",
    "AUTO_BATCH_MIN",
    "AUTO_ENSEMBLE_MAX_CASES",
    "AUTO_ENSEMBLE_SIZE",
    "AUTO_PREDICT_BATCH_MAX",
    "AUTO_PREDICT_STEPS",
    "AUTO_STEM_MAX_STEPS",
    "AUTO_STEM_MAX_STRIDE",
    "AUTO_STEM_STEPS",
    "AUTO_STEP_SHARE",
    "AUTO_VIEW_FOLDS",
    "STEM_KERNEL_SIZE",
    "auto_batch_size",
    "auto_n_estimators",
    "auto_normalize",
    "auto_predict_batch_size",
    "auto_stem_dilations",
    "auto_stem_stride",
    "shared_shape",
]

# -- the front-end ---------------------------------------------------------------------

#: ``stem_stride="auto"`` shortens the median training series to about this many steps.
AUTO_STEM_STEPS = 32
#: ... with windows of at most this many steps (series longer than about 16 x 32 steps
#: are read in more steps) ...
AUTO_STEM_MAX_STRIDE = 16
#: ... unless that gives the BiLSTM more than about this many steps (CV pass forty).
AUTO_STEM_MAX_STEPS = 64


def auto_stem_stride(
    lengths,
    steps=AUTO_STEM_STEPS,
    max_stride=AUTO_STEM_MAX_STRIDE,
    max_steps=AUTO_STEM_MAX_STEPS,
):
    """``stem_stride="auto"``: ``s = max(1, round(L / 64), min(round(L / 32), 16))`` for
    ``L`` the median training length (``AUTO_STEM_MAX_STEPS``, ``AUTO_STEM_STEPS``,
    ``AUTO_STEM_MAX_STRIDE``). Up to 528 steps that is ``round(L / 32)``, about 32
    steps for the BiLSTM; longer series get windows of 16 steps, up to 64 steps for
    the BiLSTM, and from about 1050 steps on ``round(L / 64)``, about 64.

    Evidence: 32 steps against 64 everywhere, CV passes 29-31 (64 steps was within the
    noise and went back to 32); the cap of 16 steps a window, CV pass 40 over three
    seeds on the 14 long sets it changes (+1.9 points, 10 up, 3 down).

    The CV passes that chose it evaluate other values of the three; ``max_stride=None``
    is the rule without a cap, ``max(1, round(L / steps))``, which ``"auto"`` was
    before CV pass forty."""
    length = float(np.median(lengths))
    stride = round(length / steps)
    if max_stride is not None:
        stride = max(round(length / max_steps), min(stride, max_stride))
    return int(max(1, stride))


#: The filter width of the ``"conv"`` and ``"dilated"`` front-ends.
STEM_KERNEL_SIZE = 7


def auto_stem_dilations(lengths, kernel_size=STEM_KERNEL_SIZE):
    """The dilations of ``stem="dilated"`` (``"dilated+conv"``, ``"mixed"``):
    ``1, 2, 4, ...`` while a filter's span ``(k - 1) d + 1`` fits in the median
    training length (at least ``(1,)``).

    Evidence: the dilated front-end, CV pass 18; with the undilated filters beside it
    (``"dilated+conv"``, the default), passes 19 and 23."""
    length = float(np.median(lengths))
    dilations = [1]
    while (kernel_size - 1) * dilations[-1] * 2 + 1 <= length:
        dilations.append(dilations[-1] * 2)
    return tuple(dilations)


# -- the ensemble ----------------------------------------------------------------------

#: ``n_estimators="auto"``: a seed ensemble of ``AUTO_ENSEMBLE_SIZE`` networks for
#: training sets of at most ``AUTO_ENSEMBLE_MAX_CASES`` cases, one network above.
AUTO_ENSEMBLE_SIZE, AUTO_ENSEMBLE_MAX_CASES = 5, 100


def auto_n_estimators(n_cases):
    """``n_estimators="auto"``: ``AUTO_ENSEMBLE_SIZE`` networks for at most
    ``AUTO_ENSEMBLE_MAX_CASES`` training cases, else one. Small training sets are where
    single networks vary most from seed to seed, and where members are cheap.

    Evidence: CV pass 17 (five networks up to 100 cases gained; up to 250 cases gained
    less than its cost)."""
    return AUTO_ENSEMBLE_SIZE if n_cases <= AUTO_ENSEMBLE_MAX_CASES else 1


# -- batches ---------------------------------------------------------------------------

#: The bounds of ``batch_size="auto"``.
AUTO_BATCH_MIN, AUTO_BATCH_MAX = 4, 32


def auto_batch_size(n_cases):
    """``batch_size="auto"``: a tenth of the training cases, between 4 and 32, so that a
    set of 30 cases still gets several steps per epoch.

    Evidence: the recipe's cross-validation of 2026-11-21
    (``docs/experiments/recipe_cv_2026-11-21.md``)."""
    return int(min(AUTO_BATCH_MAX, max(AUTO_BATCH_MIN, n_cases // 10)))


#: ``batch_size="auto"`` predicts in batches of about this many time steps (cases times
#: the longest series predicted), of ``AUTO_BATCH_MAX`` to ``AUTO_PREDICT_BATCH_MAX``
#: cases.
AUTO_PREDICT_STEPS, AUTO_PREDICT_BATCH_MAX = 2**16, 128


def auto_predict_batch_size(lengths):
    """Prediction batches of ``batch_size="auto"`` for series of ``lengths``: short
    series in larger batches, whose matrix products (the LSTM's above all) run closer
    to the CPU's peak, long ones in batches of ``AUTO_BATCH_MAX``, whose features stay
    in the caches. On one thread, batches of 128 predicted series of 82 to 270 steps
    12-27% faster than batches of 32, series of 601 and 720 steps 6% faster, and series
    of 1460 and 2844 steps 40% slower (``benchmarks/predict_batch.py``)."""
    longest = int(np.max(lengths, initial=1))
    return int(min(AUTO_PREDICT_BATCH_MAX, max(AUTO_BATCH_MAX, AUTO_PREDICT_STEPS // longest)))


# -- the input view --------------------------------------------------------------------

#: ``normalize="auto"`` standardises each time step when the series' spread around the
#: mean series, averaged over steps, is below this share of the channel's spread: the
#: series then share one shape (spectra, aligned outlines) whose small differences
#: carry the class, and a per-channel scaling leaves those differences tiny.
AUTO_STEP_SHARE = 0.5


def shared_shape(collection, weights=None, share=AUTO_STEP_SHARE):
    """Whether equal-length series share one shape: the mean over steps of the spread
    between series is below ``share`` of each channel's overall spread (spreads
    weighted by the case ``weights`` when given).

    Evidence: the threshold 0.5, CV pass 36 (re-decided for two views; everywhere, pass
    34, and below 0.7, pass 36, scored lower)."""
    if not collection.equal_length or collection.n_cases < 2:
        return False
    values = collection.values.astype(np.float64)  # (N, T, C)
    between = _mean_std(values, weights)[1].mean(axis=0)  # (C,)
    flat = values.reshape(-1, values.shape[2])  # (N*T, C)
    overall = _mean_std(flat, _step_weights(collection, weights))[1]  # (C,)
    return bool(np.all(between < share * np.maximum(overall, 1e-12)))


#: ``normalize="cv"`` chooses between the views of series that share one shape by
#: stratified cross-validation with this many folds on the training split
#: (``_view_choice.py``).
AUTO_VIEW_FOLDS = 3


def auto_normalize(collection, weights=None, shared_view="step+channel"):
    """The shape rule of ``normalize="auto"``: ``shared_view`` for equal-length series
    that share one shape (:func:`shared_shape`), ``"channel"`` otherwise. The
    classifier's shared view is ``"step+channel"`` (both views side by side,
    :class:`~._views.InputViews`), the regressor's ``"step"``. With ``normalize="cv"``
    the classifier lets its training data choose between that view and ``"channel"``
    where the rule gives the shared view, by cross-validation
    (:func:`~._view_choice.choose_view`, with ``AUTO_VIEW_FOLDS`` folds).

    Evidence: either view alone swings single sets by up to 35 points, both ways (CV
    pass 15: Coffee +18 with ``"channel"``, Wine -35); both views side by side scored
    best in a prototype and in CV pass 16, the threshold in pass 36. In CV pass 42
    (``docs/experiments/issue35.md``) two alternatives, options now, did not gain on
    both pools: the choice by cross-validation (``"cv"``) lost 1.0 point on the search
    pool's five sets that share one shape, and members that alternate the views
    (``"mixed"``) gained 1.5 there but lost on the confirmation pool (OliveOil -4.4)."""
    return shared_view if shared_shape(collection, weights) else "channel"
