"""``_BaseBiLSTMMSA``: what the classifier and the regressor share.

Hyper-parameters and their validation, input checking and standardisation, the
skorch net around :class:`BiLSTMMSANetwork`, the seeded fit inside
:func:`isolated_torch_state`, attention weights and weights-only persistence live
here once. A subclass says what its head learns: the skorch net class and loss,
how ``y`` becomes the net's targets, and what it adds to a weights file.
"""

import functools
import inspect
import numbers
import pickle
import re
import types
import warnings
import zipfile

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch.dataset import unpack_data
from skorch.utils import to_device

from ._data import (
    channel_statistics,
    check_collection,
    check_n_channels,
    check_window_sizes,
    shared_shape,
    step_statistics,
)
from ._network import CONTEXT_MODES, BiLSTMMSANetwork, SeedEnsemble
from ._training import (
    AUTO_BATCH_MAX,
    AUTO_STEM_STEPS,
    LR_SCHEDULES,
    STEMS,
    HoldoutSplit,
    auto_batch_size,
    auto_stem_stride,
    check_precision,
    holdout_size,
    isolated_torch_state,
    make_callbacks,
    resolve_device,
)

__all__ = ["FLOAT32_BATCH_DEPENDENCE", "fill_shared_doc"]

#: Why scikit-learn's ``check_methods_subset_invariance`` and
#: ``check_methods_sample_order_invariance`` are expected failures of both estimators
#: (issue 12; measured by ``benchmarks/batch_dependence.py``).
FLOAT32_BATCH_DEPENDENCE = (
    "float32 matrix products on the CPU (oneDNN/MKL) choose their kernel by the shape of "
    "the product and the CPU, and a row's kernel by its position, so a series' output "
    "moves in its last float32 bits with the number, order and lengths of the series "
    "predicted with it (measured: up to 7e-7 absolute on probabilities, 6e-6 relative); "
    "these checks ask for 1e-7 and 1e-9, which float32 cannot promise on every CPU. "
    "Predicting in float64 would meet them at 1.4x to 3x the CPU prediction time. "
    "tests/test_batch_invariance.py checks that a case's output does not depend on its "
    "batch beyond float32 precision (rtol 1e-5)"
)

_PARAMETERS_DOC = """\
hidden_size : int, default=64
        LSTM hidden size per direction (``H``).
    num_layers : int, default=1
        Stacked LSTM layers.
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
        ``docs/method.md``).
    stem : {{"conv", None}}, default=None
        The front-end before the BiLSTM. ``None`` is the paper's model: the BiLSTM
        reads the standardised series. ``"conv"`` puts a learned convolution
        (``hidden_size`` filters of width 7, ReLU) in front, followed by the mean over
        non-overlapping windows of ``stem_stride`` steps, which shortens the series
        that the BiLSTM reads ``stem_stride``-fold. Attention weights are mapped back
        onto the input's time axis.
    stem_stride : int or "auto", default="auto"
        The front-end's shortening factor (with ``stem="conv"``). ``"auto"`` takes
        ``max(1, round(median training length / {auto_steps}))``, so that the BiLSTM
        reads about {auto_steps} steps (``stem_stride_`` holds the value).
    n_estimators : int, default=1
        Networks in a seed ensemble: ``n_estimators`` independently initialised
        networks, each trained on its own loss on the same batches, kept in one
        module (:class:`SeedEnsemble`); predictions average their outputs
        (probabilities for the classifier). ``1`` is a single network.
    dropout : float, default=0.1
        Dropout between LSTM layers and before the head.
    max_epochs : int, default=100
        Upper bound on training epochs.
    batch_size : int or "auto", default=32
        Mini-batch size for training and prediction. ``"auto"`` takes a tenth of
        the training cases, between 4 and 32 (``batch_size_`` holds the value), so
        that small datasets still get several optimiser steps per epoch.
    bucket_by_length : bool, default=True
        For unequal-length training data, draw training batches of series of
        similar length (random pools of four batches, sorted by length), so that
        batches carry little padding. Predictions do not depend on it; equal-length
        data is unaffected.
    lr : float, default=1e-3
        AdamW learning rate (the starting rate of the schedule).
    lr_schedule : {{"cosine", "plateau"}}, default="plateau"
        ``"cosine"`` anneals the rate from ``lr`` to 0 over ``max_epochs``
        (cosine curve, one step per epoch); ``"plateau"`` halves it after
        ``patience // 2`` epochs without a lower hold-out loss (training loss
        without a hold-out).
    weight_decay : float, default=1e-4
        AdamW weight decay.{label_smoothing}
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
        Maximum gradient norm; ``None`` disables clipping.
    normalize : {{"auto", "channel", "step", False}} or True, default=True
        How the series are standardised with training statistics. ``"channel"``
        (or ``True``): each channel with its mean and standard deviation over all
        training steps. ``"step"``: each channel at each time step with its mean and
        standard deviation over the training cases, which brings out small
        differences between series that share one shape (spectra, aligned
        outlines); it needs equal-length training series, and predicts series of
        that length only. ``"auto"``: ``"step"`` when the training series have
        equal length and share a shape (their spread around the mean series is
        below half of each channel's spread), else ``"channel"``
        (``normalize_`` holds the choice). ``False``: no standardisation.
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
        CPU threads torch uses inside ``fit`` and ``predict`` (``None`` means 1,
        ``-1`` all cores, as in joblib). The global thread count is restored after.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the hold-out split.
        With an int, CPU fits are bit-for-bit repeatable.
    verbose : int, default=0
        ``>= 1`` prints skorch's epoch table and a progress bar."""

_ATTRIBUTES_DOC = """\
n_channels_ : int
        Channels seen in ``fit``; ``predict`` requires the same.
    n_features_in_ : int
        ``X.shape[1]`` in ``fit``, as scikit-learn defines it: the channels of a
        3-D array or a list, the time points of a 2-D array. Only the channel
        count must match at predict time; series may have any length.
    window_sizes_ : tuple
        Validated window widths.
    stem_stride_ : int or None
        The front-end's shortening factor (``None`` without a stem).
    normalize_ : {{"channel", "step", None}}
        The standardisation used.
    channel_mean_, channel_std_ : ndarray of shape (n_channels,) or (n_timepoints, n_channels)
        Standardisation statistics (0 and 1 without standardisation; one row per
        time step with ``normalize_="step"``).
    net_ : skorch.{net}
        The fitted skorch net; its module is a :class:`BiLSTMMSANetwork`.
    history_ : skorch.History
        Per-epoch losses and timings.
    n_iter_ : int
        Epochs trained."""


_LABEL_SMOOTHING_DOC = """
    label_smoothing : float, default=0.0
        Label smoothing of the cross-entropy loss, in [0, 1): the target puts
        ``1 - label_smoothing`` on the true class plus an even share of
        ``label_smoothing`` on all classes (``torch.nn.CrossEntropyLoss``)."""


#: A parameter's first line in a numpydoc "Parameters" section.
_PARAMETER_LINE = re.compile(r"^(\s*)(\w+) : (.*), default=.*$", re.MULTILINE)


def _format_default(value):
    return f'"{value}"' if isinstance(value, str) else repr(value)


def fill_shared_doc(*, holdout, net=None, classifier=False):
    """Class decorator: put the shared parameter (and attribute) descriptions into
    the ``%(parameters)s`` (and ``%(attributes)s``) slots of the class docstring;
    ``classifier=True`` adds the classifier's own ``label_smoothing``. Each
    ``default=`` is taken from the class's ``__init__`` signature, so the docs
    show the defaults of the class they describe."""

    def decorate(cls):
        parameters = _PARAMETERS_DOC.format(
            holdout=holdout,
            auto_steps=AUTO_STEM_STEPS,
            label_smoothing=_LABEL_SMOOTHING_DOC if classifier else "",
        )
        signature = inspect.signature(cls.__init__).parameters

        def with_default(match):
            indent, name, kind = match.groups()
            return f"{indent}{name} : {kind}, default={_format_default(signature[name].default)}"

        parameters = _PARAMETER_LINE.sub(with_default, parameters)
        doc = cls.__doc__.replace("%(parameters)s", parameters)
        if net is not None:
            doc = doc.replace("%(attributes)s", _ATTRIBUTES_DOC.format(net=net))
        cls.__doc__ = doc
        return cls

    return decorate


def _check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")


class _class_call_only:  # noqa: N801 - used as a decorator, like classmethod
    """``classmethod`` that refuses calls on an instance.

    ``clf.load_weights(path)`` reads as "load into ``clf``", but a weights file
    holds its own hyper-parameters, so loading makes a new estimator; an instance
    call would return it and leave ``clf`` unfitted without a word.
    """

    def __init__(self, func):
        self.__func__ = func
        functools.update_wrapper(self, func)

    def __get__(self, instance, owner):
        if instance is None:
            return types.MethodType(self.__func__, owner)
        name, cls = self.__func__.__name__, type(instance).__name__

        def refuse(*args, **kwargs):
            raise TypeError(
                f"{name} makes a new estimator from a file and cannot load into an existing "
                f"one: call it on the class, `model = {cls}.{name}(path)`, or use "
                f"`sklearn_bilstm_msa.{name}(path)`, which returns whichever estimator the "
                "file holds."
            )

        return refuse


class _BaseBiLSTMMSA(BaseEstimator):
    """Shared machinery of :class:`BiLSTMMSAClassifier` and :class:`BiLSTMMSARegressor`.

    Subclasses set ``_net_class`` (a skorch net), ``_criterion`` (a torch loss),
    ``_stratified_holdout`` and ``_weights_format``, and implement ``_check_y``
    (validate ``y``, learn the target attributes, return the net's targets),
    ``_n_outputs``, ``_weights_extra`` and ``_restore_extra``.
    """

    _net_class = None
    _criterion = None
    _stratified_holdout = True
    _weights_format = None

    def __init__(
        self,
        hidden_size=64,
        num_layers=1,
        bidirectional=True,
        window_sizes=(3, 7, 15),
        context="sum",
        stem=None,
        stem_stride="auto",
        n_estimators=1,
        dropout=0.1,
        max_epochs=100,
        batch_size=32,
        bucket_by_length=True,
        lr=1e-3,
        lr_schedule="plateau",
        weight_decay=1e-4,
        augment_scale=0.0,
        augment_noise=0.0,
        validation_fraction=0.1,
        patience=10,
        gradient_clip=1.0,
        normalize="auto",
        device="auto",
        precision="float32",
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.window_sizes = window_sizes
        self.context = context
        self.stem = stem
        self.stem_stride = stem_stride
        self.n_estimators = n_estimators
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.bucket_by_length = bucket_by_length
        self.lr = lr
        self.lr_schedule = lr_schedule
        self.weight_decay = weight_decay
        self.augment_scale = augment_scale
        self.augment_noise = augment_noise
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.gradient_clip = gradient_clip
        self.normalize = normalize
        self.device = device
        self.precision = precision
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ set-up

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = False
        return tags

    def _check_params(self):
        def positive_int(name):
            _check_positive_int(name, getattr(self, name))

        for name in ("hidden_size", "num_layers", "max_epochs", "patience", "n_estimators"):
            positive_int(name)
        if not (self.normalize in NORMALIZE_MODES or self.normalize is True):
            raise ValueError(
                f"normalize must be one of {NORMALIZE_MODES} (True means 'channel'), "
                f"got {self.normalize!r}."
            )
        if self.stem not in STEMS:
            raise ValueError(f"stem must be one of {STEMS}, got {self.stem!r}.")
        if self.stem_stride != "auto":
            positive_int("stem_stride")
        if self.batch_size != "auto":
            positive_int("batch_size")
        if self.context not in CONTEXT_MODES:
            raise ValueError(f"context must be one of {CONTEXT_MODES}, got {self.context!r}.")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}.")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}.")
        if self.lr_schedule not in LR_SCHEDULES:
            raise ValueError(
                f"lr_schedule must be one of {LR_SCHEDULES}, got {self.lr_schedule!r}."
            )
        for name in ("weight_decay", "augment_scale", "augment_noise"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
        fraction = self.validation_fraction
        if fraction is not None and not 0.0 <= fraction < 1.0:
            raise ValueError(f"validation_fraction must be in [0, 1) or None, got {fraction!r}.")
        if self.gradient_clip is not None and not self.gradient_clip > 0:
            raise ValueError(f"gradient_clip must be positive or None, got {self.gradient_clip!r}.")
        device = resolve_device(self.device)
        check_precision(self.precision, device)
        return check_window_sizes(self.window_sizes), device

    def _net_kwargs(self, n_outputs):
        """Extra keyword arguments of the skorch net (the classifier's ``classes``)."""
        return {}

    #: How a :class:`SeedEnsemble` of this estimator combines its members.
    _ensemble_combine = None

    def _module_kwargs(self, n_outputs):
        """The network class and its ``module__`` parameters."""
        params = {
            "n_channels": self.n_channels_,
            "n_outputs": n_outputs,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "window_sizes": self.window_sizes_,
            "dropout": self.dropout,
            "context": self.context,
            "stem_stride": self.stem_stride_,
        }
        if self.n_estimators == 1:
            return BiLSTMMSANetwork, params
        extra = {"n_estimators": self.n_estimators, "combine": self._ensemble_combine}
        return SeedEnsemble, {**extra, **params}

    def _build_net(self, n_outputs, device, seed, use_validation):
        cuda = torch.device(device).type == "cuda"
        module, module_params = self._module_kwargs(n_outputs)
        return self._net_class(
            module=module,
            **{f"module__{name}": value for name, value in module_params.items()},
            bucket_by_length=self.bucket_by_length,
            precision=self.precision,
            augment_scale=self.augment_scale,
            augment_noise=self.augment_noise,
            iterator_train__pin_memory=cuda,
            iterator_valid__pin_memory=cuda,
            criterion=self._criterion,
            optimizer=torch.optim.AdamW,
            optimizer__weight_decay=self.weight_decay,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self._batch_size(),
            iterator_train__shuffle=True,
            train_split=(
                HoldoutSplit(self.validation_fraction, seed, stratify=self._stratified_holdout)
                if use_validation
                else None
            ),
            callbacks=make_callbacks(
                has_validation=use_validation,
                patience=self.patience,
                gradient_clip=self.gradient_clip,
                verbose=self.verbose,
                lr_schedule=self.lr_schedule,
                max_epochs=self.max_epochs,
            ),
            device=device,
            verbose=int(self.verbose),
            **self._net_kwargs(n_outputs),
        )

    def _fitted_normalize(self, data):
        """What ``normalize`` means for the training ``data``: "step", "channel" or None."""
        if self.normalize == "auto":
            return "step" if shared_shape(data) else "channel"
        if self.normalize == "step":
            if not data.equal_length:
                raise ValueError(
                    "normalize='step' standardises each time step, so it needs training "
                    "series of equal length; use normalize='channel' for unequal lengths."
                )
            return "step"
        if self.normalize is True or self.normalize == "channel":
            return "channel"
        return None

    def _fitted_stem_stride(self, lengths):
        """The front-end's shortening factor for training series of these ``lengths``
        (``None`` without a stem)."""
        if self.stem is None:
            return None
        if self.stem_stride == "auto":
            return auto_stem_stride(lengths)
        return int(self.stem_stride)

    def _batch_size(self):
        """The mini-batch size: as given, or the ``"auto"`` rule's value from fit."""
        if self.batch_size != "auto":
            return self.batch_size
        return getattr(self, "batch_size_", AUTO_BATCH_MAX)

    def _seed(self):
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    # --------------------------------------------------------------------- fit

    def _fit_series(self, X, y):
        """Fit the net on the series ``X`` and the targets ``self._check_y(y, n_cases)``."""
        self.window_sizes_, device = self._check_params()
        data = check_collection(X)
        y_net = self._check_y(y, data.n_cases)
        self.n_channels_ = data.n_channels
        # scikit-learn's definition (X.shape[1]); only the channel count must match later.
        self.n_features_in_ = data.n_columns
        self.normalize_ = self._fitted_normalize(data)
        if self.normalize_ == "step":
            self.channel_mean_, self.channel_std_ = step_statistics(data)
        elif self.normalize_ == "channel":
            self.channel_mean_, self.channel_std_ = channel_statistics(data)
        else:
            self.channel_mean_ = np.zeros(data.n_channels)
            self.channel_std_ = np.ones(data.n_channels)
        data = data.standardized(self.channel_mean_, self.channel_std_)
        self.stem_stride_ = self._fitted_stem_stride(data.lengths)

        seed = self._seed()
        self.batch_size_ = (
            auto_batch_size(data.n_cases) if self.batch_size == "auto" else self.batch_size
        )
        use_validation = holdout_size(self.validation_fraction, data.n_cases) > 0
        with isolated_torch_state(seed, self.n_jobs):
            self.net_ = self._build_net(self._n_outputs(), device, seed, use_validation)
            self.net_.fit(data.as_net_input(), y_net)
            # skorch leaves the module in train mode; predictions must not depend on that.
            self.net_.module_.eval()
        self.history_ = self.net_.history
        self.n_iter_ = len(self.history_)
        self._warn_if_not_fitted_to_training_data(data, y_net)
        return self

    def _training_fit(self, data, y_net):
        """``(loss, chance)``: the fitted net's training loss, and that of the best
        constant prediction (subclasses)."""
        raise NotImplementedError

    def _warn_if_not_fitted_to_training_data(self, data, y_net):
        """A ``ConvergenceWarning`` when the training loss is still within 5% of what a
        constant prediction achieves: the network learned (almost) nothing."""
        final, chance = self._training_fit(data, y_net)
        if chance > 0 and final >= 0.95 * chance:
            levers = ["another lr", "more max_epochs"]
            if self.stem is None:
                levers.insert(0, "the convolutional front-end (stem='conv')")
            if self.context == "sum":
                levers.insert(-2, "context='normalized'")
            warnings.warn(
                f"{type(self).__name__} ended training with a training loss of {final:.4f}, "
                f"close to the {chance:.4f} of a constant prediction: the network did not "
                f"fit its training data. Try {', '.join(levers[:-1])} or {levers[-1]}.",
                ConvergenceWarning,
                stacklevel=4,  # the user's call of fit
            )

    # ----------------------------------------------------------------- predict

    def _check_input(self, X):
        check_is_fitted(self)
        data = check_collection(X)
        kind = self.__sklearn_tags__().estimator_type or "estimator"
        check_n_channels(data, self.n_channels_, f"the {kind} was fitted on")
        if np.ndim(self.channel_mean_) == 2:  # normalize="step": one length only
            n_steps = self.channel_mean_.shape[0]
            if not np.all(data.lengths == n_steps):
                raise ValueError(
                    f"This {kind} standardises each of the {n_steps} time steps it was "
                    f"fitted on (normalize_='step'), so it predicts series of "
                    f"{n_steps} steps only; X has series of "
                    f"{', '.join(str(n) for n in np.unique(data.lengths)[:5])} steps. Refit "
                    "with normalize='channel' to predict series of any length."
                )
        return data.standardized(self.channel_mean_, self.channel_std_)

    def _net_output(self, X, method):
        """``net_.<method>`` (``predict`` or ``predict_proba``) of checked ``X``, as float64."""
        data = self._check_input(X)
        with isolated_torch_state(None, self.n_jobs):
            output = getattr(self.net_, method)(data.as_net_input())
        return output.astype(np.float64)

    def attention_weights(self, X):
        """Per-scale attention weights of each step: the weights that multiply ``h_t``
        in each scale's context sum.

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Series of any length, with the channel count seen in ``fit``.

        Returns
        -------
        weights : ndarray of shape (n_cases, n_scales, n_timepoints), or list of ndarray
            For array input, one array; for a list of series, a list of
            ``(n_scales, n_timepoints_i)`` arrays. With ``context="normalized"``
            each scale's weights of a series sum to one. ``n_scales`` is 0 for
            ``window_sizes=()``.
        """
        data = self._check_input(X)
        module = self.net_.module_
        module.eval()
        dataset = self.net_.get_dataset(data.as_net_input())
        chunks = []
        with isolated_torch_state(None, self.n_jobs), torch.no_grad():
            for batch in self.net_.get_iterator(dataset, training=False):
                Xi, _ = unpack_data(batch)
                Xi = to_device(Xi, self.net_.device)
                chunks.append(module.attention_weights(**Xi).cpu().numpy())
        weights = np.concatenate(chunks, axis=0).astype(np.float64)  # (N, S, T)
        if data.equal_length:
            return weights
        return [w[:, :length] for w, length in zip(weights, data.lengths, strict=True)]

    def feature_attributions(
        self, X, method="integrated_gradients", *, target=None, n_steps=32, window=None
    ):
        """How much each value of each series moves the prediction: an attribution per
        channel and time step, with the training mean as the reference.

        Unlike the attention weights, which say how the model pools its hidden states,
        attributions say which input values the output depends on (see the
        attention guide for what each shows, measured).

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Series with the channel count seen in ``fit``.
        method : {"integrated_gradients", "gradient_x_input", "occlusion"}, \
default="integrated_gradients"
            Integrated gradients from the training mean (``n_steps`` midpoints; the
            attributions of a series add up to about the change of the explained
            output from the training mean to the series), the gradient times the
            (standardised) input, or occlusion: the drop of the output when a window
            of ``window`` steps of one channel is set to the training mean.
        target : label, array-like of labels, int or None, default=None
            What is explained. Classifier: the probability of this class (one label
            for every series, or one per series); ``None``, the predicted class.
            Regressor: the index of the target; ``None`` for a single target.
        n_steps : int, default=32
            Integration steps of integrated gradients.
        window : int or None, default=None
            Steps per occlusion window; ``None`` takes ``max(1, round(median length /
            32))``.

        Returns
        -------
        attributions : ndarray of shape (n_cases, n_channels, n_timepoints), or list
            For array input, one array; for a list of series, a list of
            ``(n_channels, n_timepoints_i)`` arrays. Padded steps get zero.
        """
        from ._attribution import attribute  # which checks ``method``

        _check_positive_int("n_steps", n_steps)
        if window is not None:
            _check_positive_int("window", window)
        data = self._check_input(X)
        targets, probabilities = self._attribution_targets(data, target)
        if window is None:
            window = auto_stem_stride(data.lengths)  # the stem's windows, about T / 32
        module = self.net_.module_
        module.eval()
        device = self.net_.device
        chunks = []
        with isolated_torch_state(None, self.n_jobs):
            for start in range(0, data.n_cases, 64):
                rows = slice(start, start + 64)
                lengths = torch.as_tensor(data.lengths[rows])
                x = torch.as_tensor(data.values[rows][:, : int(lengths.max())]).to(device)
                part = attribute(
                    module,
                    x,
                    lengths,
                    torch.as_tensor(targets[rows], device=device),
                    method=method,
                    probabilities=probabilities,
                    n_steps=int(n_steps),
                    window=int(window),
                )
                out = np.zeros(data.values[rows].shape)
                out[:, : part.shape[1]] = part.cpu().numpy()
                chunks.append(out)
        values = np.concatenate(chunks).transpose(0, 2, 1)  # (N, C, T)
        if data.equal_length:
            return values
        return [v[:, :length] for v, length in zip(values, data.lengths, strict=True)]

    # ------------------------------------------------------------- persistence

    def export_onnx(self, path, opset_version=18):
        """Write the fitted model as an ONNX file with dynamic batch and length axes.

        The file holds standardisation, network and output (class probabilities or
        un-scaled targets); its inputs are raw ``x`` float32 ``(n_cases, n_channels,
        n_timepoints)`` and ``lengths`` int64 ``(n_cases,)``. Run it with
        :class:`sklearn_bilstm_msa.onnx.OnnxPredictor` or any ONNX runtime. Needs
        the ``onnx`` extra.

        Parameters
        ----------
        path : str or path-like
            Where to write the file.
        opset_version : int, default=18
            ONNX opset.

        Returns
        -------
        path : str
            The file written.
        """
        from .onnx import export_onnx

        return export_onnx(self, path, opset_version=opset_version)

    def save_weights(self, path):
        """Save the fitted model as tensors and plain values, without pickled objects.

        Load it with :meth:`load_weights`, which uses ``torch.load(weights_only=True)``
        and so never executes code from the file.

        Parameters
        ----------
        path : str or path-like
            Where to write the file.
        """
        check_is_fitted(self)
        params = self.get_params()
        if not isinstance(params["random_state"], (int, type(None))):
            params["random_state"] = None
        payload = {
            "format": self._weights_format,
            "params": params,
            **self._weights_extra(),
            "n_channels": int(self.n_channels_),
            "n_features_in": int(self.n_features_in_),
            "channel_mean": torch.as_tensor(self.channel_mean_),
            "channel_std": torch.as_tensor(self.channel_std_),
            "n_iter": int(self.n_iter_),
            "stem_stride": self.stem_stride_,
            "normalize": self.normalize_,
            "state_dict": {k: v.detach().cpu() for k, v in self.net_.module_.state_dict().items()},
        }
        torch.save(payload, path)

    @_class_call_only
    def load_weights(cls, path, device=None):
        """Rebuild a fitted estimator from a file written by :meth:`save_weights`.

        Call it on the class, ``BiLSTMMSAClassifier.load_weights(path)``: it returns
        a new estimator. Called on an instance it raises a ``TypeError`` rather than
        leave that instance unfitted. :func:`sklearn_bilstm_msa.load_weights` loads a
        file of either class.

        Parameters
        ----------
        path : str, path-like or file object
            The file.
        device : str or None, default=None
            Where to put the model; ``None`` keeps the saved ``device`` parameter,
            falling back to the CPU (with a warning) when CUDA is not available.

        Returns
        -------
        estimator : instance of this class
            A fitted estimator (it has no training history).

        Raises
        ------
        ValueError
            For a file that is not a weights file (a pickle, say), or one written by
            the other class.
        """
        return cls._from_weights(read_weights_file(path), path, device)

    @classmethod
    def _from_weights(cls, payload, path, device):
        """The fitted estimator in ``payload``, a :func:`read_weights_file` result."""
        saved_by = _WEIGHTS_FORMATS[payload["format"]]
        if saved_by != cls.__name__:
            raise ValueError(
                f"{path} holds a {saved_by}, not a {cls.__name__}; "
                f"load it with {saved_by}.load_weights (or sklearn_bilstm_msa.load_weights)."
            )
        params = dict(payload["params"])
        # Files from before the front-end and the ensemble hold the paper's single model.
        params.setdefault("stem", None)
        params.setdefault("n_estimators", 1)
        if device is not None:
            params["device"] = device
        estimator = cls(**params)
        estimator.window_sizes_ = check_window_sizes(estimator.window_sizes)
        estimator._restore_extra(payload)
        estimator.n_channels_ = payload["n_channels"]
        estimator.n_features_in_ = payload["n_features_in"]
        estimator.channel_mean_ = payload["channel_mean"].numpy()
        estimator.channel_std_ = payload["channel_std"].numpy()
        estimator.n_iter_ = payload["n_iter"]
        estimator.stem_stride_ = payload.get("stem_stride")
        default = "channel" if estimator.normalize else None
        estimator.normalize_ = payload.get("normalize", default)
        resolved = resolve_device(estimator.device, fallback_to_cpu=True)
        net = estimator._build_net(estimator._n_outputs(), resolved, seed=0, use_validation=False)
        net.initialize()
        net.module_.load_state_dict(payload["state_dict"])
        net.module_.eval()
        estimator.net_ = net
        estimator.history_ = net.history
        return estimator


#: ``normalize`` values (``True`` is ``"channel"``).
NORMALIZE_MODES = ("auto", "channel", "step", False)

#: Weights-file format tag -> the class that writes it. The classifier's tag predates
#: the regressor and is unchanged, so its files load in every version.
_WEIGHTS_FORMATS = {
    "sklearn-bilstm-msa/weights/1": "BiLSTMMSAClassifier",
    "sklearn-bilstm-msa/regressor-weights/1": "BiLSTMMSARegressor",
}


def read_weights_file(path):
    """The payload of a file written by ``save_weights``, read without running its code.

    Anything else is a ``ValueError`` that says what the file is not; torch's own
    errors for a pickle advise ``weights_only=False``, which is exactly what a safe
    loader must never suggest, so they do not reach the user.
    """
    if hasattr(path, "seek"):
        start = path.tell()
        is_archive = zipfile.is_zipfile(path)
        path.seek(start)
        head = path.read(1)
        path.seek(start)
    else:
        is_archive = zipfile.is_zipfile(path)  # FileNotFoundError for a missing file
        with open(path, "rb") as handle:
            head = handle.read(1)
    not_ours = f"{path} is not a weights file written by save_weights"
    if not is_archive:
        if head == b"\x80":  # the first opcode of every pickle since protocol 2
            raise ValueError(
                f"{not_ours}: it is a pickle (joblib.dump or pickle.dump writes those). "
                "load_weights never opens a pickle, because loading one runs code from "
                "the file; if you trust its source, load it with joblib.load or pickle.load."
            )
        raise ValueError(f"{not_ours} (those are torch zip archives).")
    try:
        with warnings.catch_warnings():
            # Files saved with a newer pickle protocol load fine; torch warns all the same.
            warnings.filterwarnings("ignore", message="Detected pickle protocol")
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, KeyError, ValueError):
        raise ValueError(
            f"{not_ours}: torch's safe loader cannot read it (not a torch file, or one "
            "holding objects other than tensors and plain values)."
        ) from None  # torch's message advises weights_only=False: not for us to suggest
    if not (isinstance(payload, dict) and payload.get("format") in _WEIGHTS_FORMATS):
        raise ValueError(f"{not_ours}: it has no sklearn-bilstm-msa format tag.")
    return payload
