"""Hyper-parameter documentation and validation shared by every estimator.

The descriptions of the training parameters (what skorch does with them) are written
once here and put into each estimator's docstring by :func:`fill_shared_doc`, with the
defaults read from that estimator's own ``__init__``. A model (BiLSTM-MSA, a baseline)
brings the descriptions of its own parameters.
"""

import inspect
import math
import numbers
import re

from ._defaults import (
    AUTO_ENSEMBLE_MAX_CASES,
    AUTO_ENSEMBLE_SIZE,
    AUTO_STEM_MAX_STEPS,
    AUTO_STEM_MAX_STRIDE,
    AUTO_STEM_STEPS,
)

__all__ = [
    "BILSTM_ATTRIBUTES_DOC",
    "BILSTM_PARAMETERS_DOC",
    "check_nonnegative",
    "check_positive_int",
    "fill_shared_doc",
]

#: The parameters of BiLSTM-MSA's network (``_BaseBiLSTMMSA``).
BILSTM_PARAMETERS_DOC = """\
hidden_size : int, default=64
        LSTM hidden size per direction (``H``).
    num_layers : int, default=1
        Stacked LSTM layers. ``0`` is no LSTM at all, the ablation "front-end
        alone": the attention scales (or, with ``window_sizes=()``, the mean) pool
        the front-end's features (the input without a ``stem``) directly.
    bidirectional : bool, default=True
        BiLSTM as in the paper; ``False`` is the unidirectional ablation.
    window_sizes : tuple of int or "global", default=(3, 7, 15)
        Full, odd window widths of the attention scales, one scale each. The
        window of step ``t`` is ``[t - r, t + r]`` with ``r = (w - 1) / 2``,
        clipped to the series; ``"global"`` (or any width ``>= 2T - 1``) is global
        softmax attention; ``()`` means no attention (mean of the hidden states).
    context : {{"sum", "normalized"}}, default="sum"
        ``"sum"`` is the paper's equation as printed: ``c = sum_t alpha_t h_t``
        with local-softmax weights, whose total grows with the series length.
        ``"normalized"`` rescales each scale's weights to sum to one over the
        series, so each context is a convex combination of hidden states. The
        default was chosen by cross-validation on training splits (see
        ``docs/experiments/issue6.md``).
    stem : {{"conv", "dilated", "dilated+conv", "mixed", "inception", None}}, default=None
        The front-end before the BiLSTM. ``None`` is the paper's model: the BiLSTM
        reads the standardised series. ``"conv"`` puts a learned convolution
        (``hidden_size`` filters of width 7, ReLU) in front, followed by the mean over
        non-overlapping windows of ``stem_stride`` steps, which shortens the series
        that the BiLSTM reads ``stem_stride``-fold. ``"dilated"`` shares the
        ``hidden_size`` filters of width 7 out over dilations ``1, 2, 4, ...`` (as
        long as a filter's span fits in the median training length;
        ``stem_dilations_`` holds them), so that the front-end sees up to the whole
        series at the cost of one convolution. ``"dilated+conv"`` keeps all
        ``hidden_size`` filters of ``"conv"`` beside the dilated ones (``2 *
        hidden_size`` features for the BiLSTM); ``"mixed"`` puts half of the
        ``hidden_size`` filters at dilation one and shares the other half out over the
        dilations. ``"inception"`` puts three
        InceptionTime-like residual blocks at full resolution in front instead
        (convolutions of widths 9, 19 and 39 and a max-pool branch, ``hidden_size``
        features, a per-series norm in place of batch norm), followed by the same
        window means. Attention weights are mapped back onto the input's time axis.
    stem_stride : int or "auto", default="auto"
        The front-end's shortening factor (with a ``stem``). ``"auto"`` takes
        ``max(1, round(median training length / {auto_steps}))``, so that the BiLSTM
        reads about {auto_steps} steps, but windows of at most {auto_max_stride} steps
        unless that gives more than {auto_max_steps} steps: a series of 1000 steps is
        read in 63 windows of {auto_max_stride}, one of 2000 in about {auto_max_steps}
        (``stem_stride_`` holds the value).
    stem_pool : {{"mean", "max", "mean+max"}}, default="mean"
        What the front-end keeps of each window of ``stem_stride`` steps (with a
        ``stem``): the mean of each feature over the window's real steps, its maximum,
        or both (twice the features for the BiLSTM). Maxima keep short peaks that a
        mean over a long window dilutes; CV on training splits kept the mean (see
        ``docs/experiments/issue18.md``, "The window maximum").
    stem_skip : bool, default=False
        With a ``stem``, the output layer also reads the front-end's features
        summarised over the whole series, their mean over the real steps and their
        largest window value (2 features per front-end feature), beside the
        attention's context: a path around the BiLSTM, as the global average pooling
        of InceptionTime and ResNet.
    n_estimators : int or "auto", default=1
        Networks in a seed ensemble: ``n_estimators`` independently initialised
        networks, each trained as a network alone would be (its own loss, gradient
        clipping and dropout draws) on the same batches, kept in one module
        (:class:`SeedEnsemble`); predictions average their outputs
        (probabilities for the classifier). ``1`` is a single network. ``"auto"``
        takes {auto_members} networks for training sets of at most
        {auto_members_cases} cases, where single networks vary most from seed to seed
        and members are cheap, and one network above (``n_estimators_`` holds the
        count); chosen by cross-validation on training splits (issue 18, CV pass
        seventeen, ``docs/experiments/issue18.md``).
    dropout : float, default=0.1
        Dropout between LSTM layers and before the head.
    difference : bool, default=False
        Also give the network the first difference of each channel,
        ``(x_t - x_{{t-1}}) / d`` (0 at the first step), scaled by its standard
        deviation ``d`` in training, as extra input channels. The difference brings
        out changes of slope that a small front-end sees poorly (spectra, ECG beats,
        outlines); chosen by cross-validation on training splits (issue 18, CV pass
        sixteen, ``docs/experiments/issue18.md``). The network computes it, so
        attributions, attention maps and the ONNX graph stay on the series' own
        channels."""


#: The fitted attributes of BiLSTM-MSA's network.
BILSTM_ATTRIBUTES_DOC = """\
window_sizes_ : tuple
        Validated window widths.
    stem_stride_ : int or None
        The front-end's shortening factor (``None`` without a stem).
    n_estimators_ : int
        Networks in the fitted model (``n_estimators``, or what ``"auto"`` chose).
    stem_dilations_ : tuple of int or None
        The dilations of a ``"dilated"``, ``"dilated+conv"`` or ``"mixed"`` front-end
        (``None`` for other stems).
    """

#: The training parameters of every estimator (``SeriesNetEstimator``).
_TRAINING_PARAMETERS_DOC = """\
max_epochs : int, default=100
        Upper bound on training epochs.
    batch_size : int or "auto", default=32
        Mini-batch size for training and prediction. ``"auto"`` takes a tenth of
        the training cases, between 4 and 32 (``batch_size_`` holds the value), so
        that small datasets still get several optimiser steps per epoch; predictions
        (and the hold-out, if any) then go in batches of about 2**16 time steps of the
        longest series predicted, 32 to 128 cases, which a CPU predicts fastest.
    bucket_by_length : bool, default=True
        For unequal-length training data, draw training batches of series of
        similar length (random pools of four batches, sorted by length), so that
        batches carry little padding. Predictions do not depend on it; equal-length
        data is unaffected.
    lr : float, default=1e-3
        {optimizer} learning rate (the starting rate of the schedule).
    lr_schedule : {{"cosine", "plateau", "constant"}}, default="plateau"
        ``"cosine"`` anneals the rate from ``lr`` to 0 over ``max_epochs``
        (cosine curve, one step per epoch); ``"plateau"`` halves it after
        ``patience // 2`` epochs without a lower hold-out loss (training loss
        without a hold-out); ``"constant"`` keeps ``lr`` throughout.
    weight_decay : float, default=1e-4
        {optimizer} weight decay.{label_smoothing}
    augment_scale : float, default=0.0
        Standard deviation of the random factor ``1 + augment_scale * N(0, 1)``
        that multiplies each channel of each training series in every batch
        (after standardisation); 0 turns it off. Prediction never sees it.
    augment_noise : float, default=0.0
        Standard deviation of Gaussian noise added to every value of each training
        batch (in standardised units); 0 turns it off.
    validation_fraction : float or None, default=0.1
        Share of the training cases held out ({holdout}) for early stopping and
        best-epoch restore. ``None`` or ``0`` trains for ``max_epochs`` without a
        hold-out. The test data never takes part in fit.
    patience : int, default=10
        Epochs without improvement of the hold-out loss before stopping; the LR
        is halved after ``patience // 2`` such epochs.
    gradient_clip : float or None, default=1.0
        Maximum gradient norm (each member's own in a seed ensemble); ``None``
        disables clipping.
    normalize : {{"auto", "cv", "channel", "step", "step+channel", "mixed", "series"}}, default=True
        How the series are standardised. ``"channel"``
        (or ``True``): each channel with its mean and standard deviation over all
        training steps. ``"step"``: each channel at each time step with its mean and
        standard deviation over the training cases, which brings out small
        differences between series that share one shape (spectra, aligned
        outlines); it needs equal-length training series, and predicts series of
        that length only. ``"step+channel"`` (BiLSTM-MSA's estimators): both, the
        per-step view stacked beside the per-channel one as extra input channels,
        so the network reads the small differences and the common shape (equal
        lengths only, as ``"step"``). ``"mixed"``: a seed ensemble's members read
        ``"step+channel"`` and ``"channel"`` in turn (members 0, 2, 4, ... both views,
        1, 3, ... the per-channel one); a single network reads both (CV pass 42: +1.5 points on
        one pool, -1.0 on the other). ``"auto"``: for
        training series of equal length that share a shape (their spread around the
        mean series is below half of each channel's spread), ``"step+channel"`` in
        ``BiLSTMMSAClassifier`` and ``"step"`` in the other estimators; else
        ``"channel"``. ``"cv"`` (``BiLSTMMSAClassifier``): as ``"auto"``, but where
        that gives ``"step+channel"`` the training data choose between it and ``"channel"``,
        by 3-fold stratified cross-validation of single networks on the training split
        (seeded by ``random_state``, fitted in ``n_jobs`` processes; ``"step+channel"``
        on a tie and where the smallest class has fewer than 3 cases), at about four single
        networks' cost; it scored below ``"auto"`` in CV. ``normalize_`` holds the
        view, ``normalize_reason_`` why, and ``normalize_scores_`` the scores behind a
        choice by cross-validation. ``"series"``: each channel of each series,
        at fit and predict alike, with that series' own mean and standard deviation
        over its real steps (z-normalisation, as the UCR sets are published; a
        constant channel becomes zero), so predictions do not change when a series
        is scaled and shifted. ``False``: no standardisation.
    device : {{"auto", "cpu", "cuda"}} or "cuda:<index>", default="auto"
        Where to train and predict; ``"auto"`` uses CUDA when available. On
        CUDA, batches come from pinned memory and are copied asynchronously.
    precision : {{"float32", "bfloat16", "float16"}}, default="float32"
        Mixed precision: forward passes under ``torch.autocast`` with this dtype
        (parameters and optimizer state stay float32; ``"float16"`` scales the
        loss with a ``GradScaler``). Meant for CUDA. On a CPU ``"float16"`` is
        an error, and ``"bfloat16"`` runs only with AVX-512 (an error at fit
        otherwise) and is rarely faster there.
    n_jobs : int or None, default=None
        Cores to use (``None`` means 1, ``-1`` all cores, as in joblib): the
        independent fits inside ``fit`` run side by side in that many joblib
        processes, one torch thread each, so they give the same result for every
        ``n_jobs``. These are the folds of ``normalize="cv"``'s choice and a seed
        ensemble's two blocks of members (members 0-2 and 3-4 of five) on the CPU,
        put back together in one network; a fit whose members something couples (a
        hold-out, ``lr_schedule="plateau"``, ``callbacks``, ``warm_start``) and a
        single network train on that many torch threads instead (whose float32 sums
        may round differently from one thread's), as does prediction. The global
        thread count is restored after.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the hold-out split.
        With an int, CPU fits are bit-for-bit repeatable.
    verbose : int, default=0
        ``>= 1`` prints skorch's epoch table and a progress bar.{class_weight}
    warm_start : bool, default=False
        As in scikit-learn's ``MLPClassifier``: when True, ``fit`` on a fitted
        estimator goes on training its network (for ``max_epochs`` more epochs, with a
        fresh optimizer and LR schedule as the current parameters say) instead of
        starting anew. The standardisation (and the regressor's target scaling) of the
        first fit stay; the data must have the same channels (and classes, or
        targets), else a ``ValueError``. The history grows and ``n_iter_`` counts
        every epoch.
    callbacks : list of skorch callbacks or (name, callback) pairs, default=None
        skorch callbacks added to the estimator's own (``skorch.callbacks``:
        ``TensorBoard``, ``MlflowLogger``, ``Checkpoint``, your own ``Callback``);
        they run after skorch's scoring and the estimator's callbacks of each epoch,
        so they see every score. A name taken by one of those (``lr_scheduler``,
        ``early_stopping``, ``gradient_clipping``, ``valid_r2``, ``progress_bar``,
        ``train_loss``, ``valid_loss``, ``valid_acc``, ``epoch_timer``,
        ``print_log``) is a ``ValueError``. Weights files do not keep them.
    missing_indicator : bool, default=False
        Missing values (NaN inside a series) are always taken: each is interpolated
        linearly between its series' observed neighbours (the nearest one at the ends;
        the training mean where a series' channel has nothing observed), and the
        standardisation statistics come from observed values only.
        ``missing_indicator=True`` also gives the network, for each channel that had a
        missing value in training, an indicator channel (1 where the value is missing),
        so that it can learn from where values are missing. Off by default: on the
        DodgerLoop sets it cost accuracy (see the input guide)."""

ATTRIBUTES_DOC = """\
n_channels_ : int
        Channels seen in ``fit``; ``predict`` requires the same.
    n_features_in_ : int
        ``X.shape[1]`` in ``fit``, as scikit-learn defines it: the channels of a
        3-D array or a list, the time points of a 2-D array. Only the channel
        count must match at predict time; series may have any length.
    {model}normalize_ : {{"channel", "step", "step+channel", "mixed", "series", None}}
        The standardisation used.
    normalize_reason_ : str
        Why: ``"given: ..."``, ``"rule: ..."`` or ``"cross-validation: ..."`` with
        the views' mean scores.
    normalize_scores_ : dict or None
        Where ``normalize="cv"`` chose the view by cross-validation: each candidate
        view's accuracy on each fold (an array); else None.
    channel_mean_, channel_std_ : ndarray of shape (n_channels,) or (n_timepoints, n_channels)
        Standardisation statistics (0 and 1 without standardisation or with
        ``normalize_="series"``; one row per time step with ``normalize_="step"``).
    net_ : skorch.{net}
        The fitted skorch net; its module is a :class:`{module}`.
    history_ : skorch.History
        Per-epoch losses and timings.
    n_iter_ : int
        Epochs trained (over every ``warm_start`` fit).
    missing_channels_ : ndarray of int
        Channels with a missing value (NaN) in the training series.
    indicator_channels_ : ndarray of int
        Channels the network reads a missing-value indicator of (``missing_channels_``
        with ``missing_indicator=True``, else none).
    loss_curve_ : list of float
        The training loss of each epoch (``history_[:, "train_loss"]``), as in
        ``MLPClassifier``; weighted by the case weights in a weighted fit.
    validation_scores_ : list of float or None
        The hold-out score of each epoch ({score}); None without a hold-out.
    best_validation_score_ : float or None
        The best of ``validation_scores_``; None without a hold-out.
    best_loss_ : float
        The lowest hold-out loss (the epoch whose weights early stopping restores)
        with a hold-out; the lowest training loss without one."""


CLASS_WEIGHT_DOC = """
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn's classifiers: a
        dict ``{label: weight}`` (classes left out weigh 1), ``"balanced"`` for
        ``n_cases / (n_classes * np.bincount(y))`` of the training labels
        (``sklearn.utils.class_weight.compute_class_weight``), or None (all 1). A
        case's loss, label smoothing included, and that of each member of a seed
        ensemble is multiplied by its class's weight and by its ``sample_weight``
        (``class_weight_`` holds the weights)."""


LABEL_SMOOTHING_DOC = """
    label_smoothing : float, default=0.0
        Label smoothing of the cross-entropy loss, in [0, 1): the target puts
        ``1 - label_smoothing`` on the true class plus an even share of
        ``label_smoothing`` on all classes (``torch.nn.CrossEntropyLoss``)."""


#: A parameter's first line in a numpydoc "Parameters" section.
_PARAMETER_LINE = re.compile(r"^(\s*)(\w+) : (.*), default=.*$", re.MULTILINE)


def _format_default(value):
    return f'"{value}"' if isinstance(value, str) else repr(value)


def fill_shared_doc(
    *,
    holdout,
    net=None,
    classifier=False,
    model=BILSTM_PARAMETERS_DOC,
    model_attributes=BILSTM_ATTRIBUTES_DOC,
    module="BiLSTMMSANetwork",
    optimizer="AdamW",
):
    """Class decorator: put the parameter (and attribute) descriptions into the
    ``%(parameters)s`` (and ``%(attributes)s``) slots of the class docstring.

    The parameters are the ``model``'s (BiLSTM-MSA's by default) followed by the
    shared training parameters; ``classifier=True`` adds the classifier's own
    ``label_smoothing``. Each ``default=`` is taken from the class's ``__init__``
    signature, so the docs show the defaults of the class they describe.
    """

    def decorate(cls):
        parameters = (model.rstrip() + "\n    " + _TRAINING_PARAMETERS_DOC).format(
            holdout=holdout,
            auto_steps=AUTO_STEM_STEPS,
            auto_max_stride=AUTO_STEM_MAX_STRIDE,
            auto_max_steps=AUTO_STEM_MAX_STEPS,
            auto_members=AUTO_ENSEMBLE_SIZE,
            auto_members_cases=AUTO_ENSEMBLE_MAX_CASES,
            optimizer=optimizer,
            label_smoothing=LABEL_SMOOTHING_DOC if classifier else "",
            class_weight=CLASS_WEIGHT_DOC if classifier else "",
        )
        signature = inspect.signature(cls.__init__).parameters

        def with_default(match):
            indent, name, kind = match.groups()
            return f"{indent}{name} : {kind}, default={_format_default(signature[name].default)}"

        parameters = _PARAMETER_LINE.sub(with_default, parameters)
        doc = cls.__doc__.replace("%(parameters)s", parameters)
        if net is not None:
            attributes = ATTRIBUTES_DOC.format(
                net=net,
                module=module,
                model=model_attributes,
                score="accuracy" if classifier else "R^2 of the scaled targets",
            )
            doc = doc.replace("%(attributes)s", attributes)
        cls.__doc__ = doc
        return cls

    return decorate


def check_positive_int(name, value, allow_auto=False):
    """A ``ValueError`` unless ``value`` is an int >= 1 (``bool`` is not an int here), or
    the string ``"auto"`` for a parameter that takes it (``allow_auto=True``)."""
    if allow_auto and isinstance(value, str) and value == "auto":
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        either = " or 'auto'" if allow_auto else ""
        raise ValueError(f"{name} must be a positive integer{either}, got {value!r}.")


def check_nonnegative(name, value, finite=False):
    """A ``ValueError`` unless ``value`` is a real number >= 0 (and not infinite, with
    ``finite=True``)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not value >= 0
        or (finite and not math.isfinite(value))
    ):
        kind = "a finite number" if finite else "a number"
        raise ValueError(f"{name} must be {kind} >= 0, got {value!r}.")
