"""``SeriesNetEstimator``: one scikit-learn estimator machinery for any series network.

As skorch's ``NeuralNet(module=...)`` takes any module and keeps one training loop,
this class takes any torch module with ``forward(x, lengths)`` (``x`` float32
``(N, T, C)``, right-padded; ``lengths`` ``(N,)``) and keeps one fit and predict
path: input checking, standardisation with training statistics, the seeded fit
inside :func:`isolated_torch_state`, the skorch net and its callbacks, the hold-out
split from the training data only, and the warning when a fit learned nothing.

A model says which module it trains (:meth:`SeriesNetEstimator._module_spec`) and
what it learns from the training data to build it
(:meth:`SeriesNetEstimator._fit_module_attributes`); a head (``_heads.py``) says what
the output is (classes or values). BiLSTM-MSA (``_base.py``) and the paper's
baselines (``baselines/``) are both such models.
"""

import copy
import warnings

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._data import (
    channel_statistics,
    check_collection,
    check_n_channels,
    check_sample_weight,
    step_statistics,
)
from ._defaults import AUTO_BATCH_MAX, auto_batch_size, auto_normalize
from ._params import check_nonnegative, check_positive_int
from ._spread import fit_blocks_side_by_side, spread_workers
from ._training import (
    LR_SCHEDULES,
    HoldoutSplit,
    check_precision,
    check_user_callbacks,
    fused_optimizer_runs,
    holdout_size,
    isolated_torch_state,
    make_callbacks,
    resolve_device,
)
from ._view_choice import choose_view, view_candidate

__all__ = [
    "FLOAT32_BATCH_DEPENDENCE",
    "NORMALIZE_MODES",
    "SAMPLE_WEIGHT_REPETITION",
    "SeriesNetEstimator",
]

#: Why scikit-learn's ``check_methods_subset_invariance`` and
#: ``check_methods_sample_order_invariance`` are expected failures of the estimators
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

#: Why scikit-learn's ``check_sample_weight_equivalence_on_dense_data`` is an expected
#: failure of the estimators (issue 20; measured on the check's own data with the
#: checked settings and with full-batch ones).
SAMPLE_WEIGHT_REPETITION = (
    "a case of integer weight k and k copies of it give the same loss, but not the same "
    "training: copies are shuffled into other mini-batches, the hold-out and dropout "
    "draw over another number of cases, so the fits differ (measured on this check's "
    "data: up to 0.34 on probabilities, 0.29 on regression outputs). With full-batch "
    "training (batch_size >= n_cases), dropout=0 and no hold-out they are the same fit "
    "up to float32 rounding (measured: 3.3e-7 on probabilities, 2.0e-7 on outputs), which "
    "the check's rtol of 1e-7 does not allow; tests/test_fit_options.py checks that "
    "setting at rtol 1e-5, and that zero weights equal dropped cases bit for bit"
)

#: ``normalize`` values (``True`` is ``"channel"``).
NORMALIZE_MODES = ("auto", "channel", "step", "series", False)


class SeriesNetEstimator(BaseEstimator):
    """The fit and predict machinery shared by every estimator of this package.

    Subclasses combine a head (``_heads.py``: ``_net_class``, ``_criterion``,
    ``_check_y``, ``_n_outputs``, ``_training_fit``) with a model, which implements
    :meth:`_module_spec` and, where it has them, :meth:`_check_module_params` and
    :meth:`_fit_module_attributes`. The training parameters (``max_epochs``,
    ``batch_size``, ``lr``, ``lr_schedule``, ``weight_decay``, ``augment_scale``,
    ``augment_noise``, ``validation_fraction``, ``patience``, ``gradient_clip``,
    ``bucket_by_length``, ``normalize``, ``device``, ``precision``, ``n_jobs``,
    ``random_state``, ``verbose``, ``warm_start``, ``callbacks``,
    ``missing_indicator``) are read from the subclass's ``__init__`` arguments of those
    names. A model builds its module with :meth:`_n_net_channels` input channels.

    Weights: ``fit``'s ``sample_weight`` times the head's weights (the classifier's
    ``class_weight``) make one weight per case. Cases of weight zero are left out of
    the fit altogether (statistics, hold-out, batches); the rest are scaled to a mean
    of 1, travel with their cases in the net input (``"sample_weight"``, into the
    hold-out and every batch), and the loss is the mean of the case losses times their
    weights. Equal weights are no weights: such a fit is the unweighted one, bit for bit.
    """

    #: The optimizer skorch builds (a model may train with another, as TSLib's RAdam).
    _optimizer = torch.optim.AdamW

    #: The ``normalize`` values this model takes (a model that computes the per-step
    #: view itself adds ``"step+channel"``).
    _normalize_modes = NORMALIZE_MODES

    #: What ``normalize="auto"`` chooses for equal-length series that share one shape.
    _shared_shape_normalize = "step"

    #: The other views that ``normalize="cv"`` tries against that one by
    #: cross-validation on the training split (:func:`~._view_choice.choose_view`), in
    #: a model whose ``_normalize_modes`` take ``"cv"``.
    _view_choices = ()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        # NaN is a missing value (imputed and marked); infinity is still refused.
        tags.input_tags.allow_nan = True
        tags.non_deterministic = False
        return tags

    # --------------------------------------------------------------- the model

    def _module_spec(self, n_outputs):
        """``(module class, keyword arguments)`` of the network to train (the model's)."""
        raise NotImplementedError

    def _check_module_params(self):
        """Validate the model's own hyper-parameters (a ``ValueError`` names the bad one)."""

    def _fit_module_attributes(self, data, weights=None):
        """Learn what the module is built from (``stem_stride_``, ``seq_len_``, ...) from
        the standardised training ``data`` (cases weighted by ``weights``, when given),
        before the net is built."""

    def _convergence_levers(self):
        """What the user may try when a fit learned nothing, most promising first."""
        return ["another lr", "more max_epochs"]

    # ------------------------------------------------------------------ set-up

    def _check_params(self):
        """Validate every hyper-parameter; return the torch device to fit on."""
        self._check_module_params()
        for name in ("max_epochs", "patience"):
            check_positive_int(name, getattr(self, name))
        check_positive_int("batch_size", self.batch_size, allow_auto=True)
        if not (self.normalize in self._normalize_modes or self.normalize is True):
            raise ValueError(
                f"normalize must be one of {self._normalize_modes} (True means 'channel'), "
                f"got {self.normalize!r}."
            )
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}.")
        if self.lr_schedule not in LR_SCHEDULES:
            raise ValueError(
                f"lr_schedule must be one of {LR_SCHEDULES}, got {self.lr_schedule!r}."
            )
        for name in ("weight_decay", "augment_scale", "augment_noise"):
            check_nonnegative(name, getattr(self, name))
        fraction = self.validation_fraction
        if fraction is not None and not 0.0 <= fraction < 1.0:
            raise ValueError(f"validation_fraction must be in [0, 1) or None, got {fraction!r}.")
        if self.gradient_clip is not None and not self.gradient_clip > 0:
            raise ValueError(f"gradient_clip must be positive or None, got {self.gradient_clip!r}.")
        for name in ("warm_start", "missing_indicator"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}.")
        check_user_callbacks(self.callbacks)
        device = resolve_device(self.device)
        check_precision(self.precision, device)
        return device

    def _net_kwargs(self, n_outputs):
        """Extra keyword arguments of the skorch net (the classifier's ``classes``)."""
        return {}

    def _scoring_callbacks(self, use_validation):
        """The head's hold-out score callbacks, ``(name, callback)`` pairs."""
        return []

    def _target_weights(self, y_net):
        """The head's weight of each case from its target (the classifier's
        ``class_weight``), or None."""
        return None

    def _fused_optimizer(self, device):
        """``optimizer__fused=True`` where torch has a fused kernel of the optimizer for
        ``device`` (:func:`~._training.fused_optimizer_runs`), else nothing."""
        if fused_optimizer_runs(self._optimizer, torch.device(device).type):
            return {"optimizer__fused": True}
        return {}

    def _build_net(self, n_outputs, device, seed, use_validation, weighted=False):
        cuda = torch.device(device).type == "cuda"
        module, module_params = self._module_spec(n_outputs)
        # A weighted fit's criterion gives one loss per case; the net weights them.
        weighting = {"criterion__reduction": "none"} if weighted else {}
        return self._net_class(
            module=module,
            **{f"module__{name}": value for name, value in module_params.items()},
            bucket_by_length=self.bucket_by_length,
            precision=self.precision,
            augment_scale=self.augment_scale,
            augment_noise=self.augment_noise,
            predict_batch_steps=self.batch_size == "auto",
            iterator_train__pin_memory=cuda,
            iterator_valid__pin_memory=cuda,
            criterion=self._criterion,
            optimizer=self._optimizer,
            optimizer__weight_decay=self.weight_decay,
            **self._fused_optimizer(device),
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self._batch_size(),
            iterator_valid__batch_size=self._predict_batch_size(),
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
                scoring=self._scoring_callbacks(use_validation),
                user=self.callbacks,
            ),
            device=device,
            verbose=int(self.verbose),
            **self._net_kwargs(n_outputs),
            **weighting,
        )

    def _fitted_normalize(self, data, weights=None, y_net=None, seed=0):
        """What ``normalize`` means for the training ``data`` (targets ``y_net``):
        "step", "step+channel", "mixed", "channel", "series" or None. Sets ``normalize_scores_``
        and ``normalize_reason_``."""
        self.normalize_scores_ = None
        if self.normalize in ("auto", "cv"):
            view = auto_normalize(data, weights, shared_view=self._shared_shape_normalize)
            if view != self._shared_shape_normalize:
                self.normalize_reason_ = (
                    "rule: the training series have unequal lengths"
                    if not data.equal_length
                    else "rule: the training series do not share one shape"
                )
                return view
            if self.normalize == "auto" or not self._view_choices:
                self.normalize_reason_ = "rule: the training series share one shape"
                return view
            view, self.normalize_scores_, self.normalize_reason_ = choose_view(
                self, data, y_net, weights, seed, (view, *self._view_choices)
            )
            return view
        self.normalize_reason_ = f"given: normalize={self.normalize!r}"
        if self.normalize in ("step", "step+channel", "mixed"):
            if not data.equal_length:
                raise ValueError(
                    f"normalize={self.normalize!r} standardises each time step, so it needs "
                    "training series of equal length; use normalize='channel' for unequal "
                    "lengths."
                )
            return self.normalize
        if self.normalize is True or self.normalize == "channel":
            return "channel"
        return "series" if self.normalize == "series" else None

    def _view_candidate(self, view, seed):
        """The unfitted single network that scores ``view`` in the view's
        cross-validation (:func:`~._view_choice.view_candidate`)."""
        return view_candidate(self, view, seed)

    def _batch_size(self):
        """The mini-batch size: as given, or the ``"auto"`` rule's value from fit."""
        if self.batch_size != "auto":
            return self.batch_size
        return getattr(self, "batch_size_", AUTO_BATCH_MAX)

    def _predict_batch_size(self):
        """Batches for prediction and the hold-out: ``batch_size`` as given; with
        ``"auto"``, whose small training batches are a training choice (more steps per
        epoch on small sets), ``AUTO_BATCH_MAX`` (which the net raises for short series
        predicted, ``auto_predict_batch_size``)."""
        return self.batch_size if self.batch_size != "auto" else AUTO_BATCH_MAX

    def _seed(self):
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    # --------------------------------------------------------------------- fit

    def _continues_fit(self):
        """Whether this ``fit`` continues the fitted network (``warm_start``)."""
        return bool(self.warm_start) and hasattr(self, "net_")

    def _case_weights(self, sample_weight, y_net):
        """One weight per case: ``sample_weight`` times the head's target weights, or
        None when neither is given."""
        target_weights = self._target_weights(y_net)
        if target_weights is None:
            return sample_weight
        return target_weights if sample_weight is None else sample_weight * target_weights

    def _fit_series(self, X, y, sample_weight=None):
        """Fit the net on the series ``X`` and the targets ``self._check_y(y, n_cases)``,
        each case weighted by ``sample_weight`` (and the head's target weights)."""
        device = self._check_params()
        data = check_collection(X, allow_missing=True)
        sample_weight = check_sample_weight(sample_weight, data.n_cases)
        warm = self._continues_fit()
        y_net = self._check_y(y, data.n_cases, sample_weight)
        seed = self._seed()
        weights = self._case_weights(sample_weight, y_net)
        if weights is not None:
            keep = weights > 0  # zero weight: no part in the fit
            if not keep.all():
                data, y_net, weights = data.subset(keep), y_net[keep], weights[keep]
            weights = None if np.ptp(weights) == 0 else weights / weights.mean()
        if warm:
            # The network goes on reading its inputs as it learned them: the first
            # fit's standardisation and shape attributes stay.
            check_n_channels(data, self.n_channels_, "the fitted model (warm_start) reads")
            self._check_predict_lengths(data)
        else:
            self._fit_input_statistics(data, weights, y_net, seed)
            self.missing_channels_ = data.missing_channels()
            self.indicator_channels_ = (
                self.missing_channels_ if self.missing_indicator else self.missing_channels_[:0]
            )
        data = self._net_data(data)
        if not warm:
            self._fit_module_attributes(data, weights)

        self.batch_size_ = (
            auto_batch_size(data.n_cases) if self.batch_size == "auto" else self.batch_size
        )
        use_validation = holdout_size(self.validation_fraction, data.n_cases) > 0
        with isolated_torch_state(seed, self.n_jobs):
            net = self._build_net(
                self._n_outputs(), device, seed, use_validation, weighted=weights is not None
            )
            workers = spread_workers(
                self, net, use_validation=use_validation, warm=warm, device=device
            )
            if warm:
                self._continue_net(net)
                net.partial_fit(data.as_net_input(weights), y_net)
            elif workers:  # the members' blocks in processes side by side (_spread.py)
                fit_blocks_side_by_side(net, seed, data.as_net_input(weights), y_net, workers)
            else:
                net.fit(data.as_net_input(weights), y_net)
            # skorch leaves the module in train mode; predictions must not depend on that.
            net.module_.eval()
        self.net_ = net
        self.history_ = self.net_.history
        self.n_iter_ = len(self.history_)
        self._set_training_curves(use_validation)
        self._warn_if_not_fitted_to_training_data(data, y_net, weights)
        return self

    def _fit_input_statistics(self, data, weights, y_net=None, seed=0):
        """Channels, scikit-learn's ``n_features_in_`` and the standardisation of the
        training ``data`` (statistics weighted by the case ``weights``, when given; the
        view chosen with the targets ``y_net`` and ``seed`` where ``normalize="cv"``
        lets the training data choose)."""
        self.n_channels_ = data.n_channels
        # scikit-learn's definition (X.shape[1]); only the channel count must match later.
        self.n_features_in_ = data.n_columns
        self.normalize_ = self._fitted_normalize(data, weights, y_net, seed)
        # "step+channel": the net reads the per-channel standardised series and computes
        # the per-step view from these statistics itself.
        self.__dict__.pop("step_mean_", None)
        self.__dict__.pop("step_std_", None)
        if self.normalize_ in ("step+channel", "mixed"):
            self.step_mean_, self.step_std_ = step_statistics(data, weights)
        if self.normalize_ == "step":
            self.channel_mean_, self.channel_std_ = step_statistics(data, weights)
        elif self.normalize_ in ("channel", "step+channel", "mixed"):
            self.channel_mean_, self.channel_std_ = channel_statistics(data, weights)
        else:  # "series" standardises each series with its own statistics
            self.channel_mean_ = np.zeros(data.n_channels)
            self.channel_std_ = np.ones(data.n_channels)

    def _net_data(self, data):
        """What the network reads of checked ``data``: standardised with the training
        statistics, missing values interpolated within their series (the training mean,
        0 after standardisation, where a series' channel has nothing observed), and,
        with ``missing_indicator``, one indicator channel per channel that had missing
        values in training (``indicator_channels_``), after the value channels. With
        ``normalize_="series"`` each series is then standardised by its own statistics."""
        data = data.standardized(self.channel_mean_, self.channel_std_)
        if self.normalize_ == "series":  # after the imputation: each series' own statistics
            data = data.series_standardized()
        return data.with_missing_indicator(self._indicator_channels())

    def _indicator_channels(self):
        # Estimators fitted (or weights files written) before issue 20 have none.
        return getattr(self, "indicator_channels_", ())

    def _n_net_channels(self):
        """The channels the module reads: the series' and the missing-value indicators."""
        return self.n_channels_ + len(self._indicator_channels())

    def _continue_net(self, net):
        """``warm_start``: start the new ``net`` (its optimizer, schedule and callbacks
        fresh, as the current parameters say) from the fitted network and its history."""
        net.initialize()
        try:
            net.module_.load_state_dict(self.net_.module_.state_dict())
        except RuntimeError as exc:
            raise ValueError(
                "warm_start continues the fitted network, but the network these "
                "parameters build has another shape (a model parameter such as "
                "hidden_size or n_estimators changed since the last fit); set "
                f"warm_start=False to fit a new one. torch: {str(exc).splitlines()[0]}"
            ) from None
        net.history = copy.deepcopy(self.net_.history)

    def _set_training_curves(self, use_validation):
        """MLPClassifier's curves from the history: ``loss_curve_`` (training loss per
        epoch), ``validation_scores_`` and ``best_validation_score_`` (hold-out score
        per epoch and its best; None without a hold-out) and ``best_loss_`` (the lowest
        hold-out loss with a hold-out, else the lowest training loss)."""
        history = self.history_
        self.loss_curve_ = [float(epoch["train_loss"]) for epoch in history]
        if use_validation:
            key = self._validation_score
            self.validation_scores_ = [float(epoch.get(key, np.nan)) for epoch in history]
            self.best_validation_score_ = float(np.nanmax(self.validation_scores_))
            self.best_loss_ = float(np.nanmin([e.get("valid_loss", np.nan) for e in history]))
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = float(min(self.loss_curve_))

    def _training_fit(self, data, y_net, weights):
        """``(loss, chance)``: the fitted net's training loss, and that of the best
        constant prediction (the head's), with the cases weighted by ``weights``."""
        raise NotImplementedError

    def _warn_if_not_fitted_to_training_data(self, data, y_net, weights):
        """A ``ConvergenceWarning`` when the training loss is still within 5% of what a
        constant prediction achieves: the network learned (almost) nothing."""
        final, chance = self._training_fit(data, y_net, weights)
        if not (chance > 0 and (final >= 0.95 * chance or not np.isfinite(final))):
            return
        levers = self._convergence_levers()
        curve = np.asarray(self.loss_curve_, dtype=float)
        lowest = float(np.nanmin(curve)) if np.isfinite(curve).any() else np.nan
        # Diverged: the outputs are not finite, or the training loss rose well above its
        # lowest during training (a network that never trained starts near, or above, a
        # constant's loss and stays there: that is not divergence).
        rose = not np.isfinite(curve).all() or curve[-1] > 1.5 * lowest
        worse = final > 1.05 * chance
        diverged = not np.isfinite(final) or (worse and rose)
        if diverged:
            # The steps overshot: more of them would not help.
            levers = ["a smaller lr"] + [
                lever for lever in levers if lever not in ("another lr", "more max_epochs")
            ]
        if not np.isfinite(final):
            what = "not a number: training diverged, and the network's outputs are not finite"
        elif diverged:
            what = (
                f"{final / chance:.1f} times the {chance:.4f} of a constant prediction: "
                f"training diverged (its training loss rose from {lowest:.4f} to "
                f"{curve[-1]:.4f}), and the network predicts its training data worse than "
                "a constant would"
            )
        elif worse:
            what = (
                f"{final / chance:.1f} times the {chance:.4f} of a constant prediction: the "
                "network predicts its training data worse than a constant would; it did "
                "not fit its training data"
            )
        else:
            what = (
                f"close to the {chance:.4f} of a constant prediction: the network did not "
                "fit its training data"
            )
        either = f"{', '.join(levers[:-1])} or {levers[-1]}" if len(levers) > 1 else levers[0]
        warnings.warn(
            f"{type(self).__name__} ended training with a training loss of {final:.4f}, "
            f"{what}. Try {either}.",
            ConvergenceWarning,
            stacklevel=4,  # the user's call of fit
        )

    # ----------------------------------------------------------------- predict

    def _fixed_n_steps(self):
        """The one series length the fitted model reads (``normalize_`` "step" or
        "step+channel"), or None."""
        if np.ndim(self.channel_mean_) == 2:
            return self.channel_mean_.shape[0]
        step_mean = getattr(self, "step_mean_", None)
        return None if step_mean is None else step_mean.shape[0]

    def _check_predict_lengths(self, data):
        """Refuse series the fitted model cannot read (a model that fixes lengths)."""
        n_steps = self._fixed_n_steps()
        if n_steps is not None:
            if not np.all(data.lengths == n_steps):
                kind = self.__sklearn_tags__().estimator_type or "estimator"
                raise ValueError(
                    f"This {kind} standardises each of the {n_steps} time steps it was "
                    f"fitted on (normalize_={self.normalize_!r}), so it predicts series of "
                    f"{n_steps} steps only; X has series of "
                    f"{', '.join(str(n) for n in np.unique(data.lengths)[:5])} steps. Refit "
                    "with normalize='channel' to predict series of any length."
                )

    def _check_input(self, X):
        check_is_fitted(self)
        data = check_collection(X, allow_missing=True)
        kind = self.__sklearn_tags__().estimator_type or "estimator"
        check_n_channels(data, self.n_channels_, f"the {kind} was fitted on")
        self._check_predict_lengths(data)
        return self._net_data(data)

    def _net_output(self, X, method):
        """``net_.<method>`` (``predict`` or ``predict_proba``) of checked ``X``, as float64."""
        data = self._check_input(X)
        with isolated_torch_state(None, self.n_jobs):
            output = getattr(self.net_, method)(data.as_net_input())
        return output.astype(np.float64)
