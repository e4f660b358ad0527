"""Training set-up shared by the estimators: device, torch state, validation split, callbacks.

The training loop itself is skorch's; this module only configures it. The rules that
size the network and its batches from the training data are in ``_defaults.py``.
"""

import contextlib
import functools
import math
import os
import re
import sys
import warnings

import numpy as np
import torch
from joblib import effective_n_jobs
from sklearn.model_selection import train_test_split
from skorch import NeuralNetClassifier, NeuralNetRegressor
from skorch.callbacks import (
    Callback,
    EarlyStopping,
    EpochScoring,
    GradientNormClipping,
    LRScheduler,
    PrintLog,
    ProgressBar,
)
from skorch.dataset import unpack_data
from skorch.utils import TeeGenerator

from ._defaults import auto_predict_batch_size

__all__ = [
    "HoldoutSplit",
    "check_user_callbacks",
    "fused_optimizer_runs",
    "holdout_size",
    "isolated_torch_state",
    "make_callbacks",
    "resolve_device",
]

_DEVICE_HINT = "device must be 'auto', 'cpu', 'cuda' or 'cuda:<index>'"


def resolve_device(device, *, fallback_to_cpu=False):
    """Turn the ``device`` parameter into a torch device string.

    ``"auto"`` picks CUDA when it is available. Asking for CUDA on a machine
    without it is an error at fit time, and a warning plus the CPU when loading a
    saved model (``fallback_to_cpu=True``).
    """
    if not isinstance(device, str):
        raise ValueError(f"{_DEVICE_HINT}, got {device!r}.")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu":
        return "cpu"
    if device == "cuda" or (device.startswith("cuda:") and device[5:].isdigit()):
        if torch.cuda.is_available():
            return device
        if fallback_to_cpu:
            warnings.warn(
                f"The model asks for device {device!r} but CUDA is not available; using the CPU.",
                RuntimeWarning,
                stacklevel=3,
            )
            return "cpu"
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available on this machine; "
            "use device='cpu' or device='auto'."
        )
    raise ValueError(f"{_DEVICE_HINT}, got {device!r}.")


@contextlib.contextmanager
def isolated_torch_state(seed, n_jobs):
    """Run a block with its own torch RNG seed and thread count, then restore both.

    Other libraries (aeon's Hydra classifiers, for one) set torch's global seed and
    thread count; fitting inside this context makes our results independent of
    that, and leaves the caller's global state as it was.
    """
    n_threads = max(1, effective_n_jobs(n_jobs))
    previous_threads = torch.get_num_threads()
    cuda_devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=cuda_devices):
        if seed is not None:
            torch.manual_seed(seed)
        torch.set_num_threads(n_threads)
        try:
            yield
        finally:
            torch.set_num_threads(previous_threads)


def holdout_size(fraction, n_cases):
    """Cases held out for early stopping: ``ceil(fraction * n_cases)``, or 0 when
    ``fraction`` is None/0 or the rest would leave fewer than two cases to train on."""
    if not fraction:
        return 0
    # The small tolerance keeps 0.1 * 30 (= 3.0000000000000004 in floating point) at 3.
    n_valid = max(1, math.ceil(fraction * n_cases - 1e-9))
    return n_valid if n_cases - n_valid >= 2 else 0


class HoldoutSplit:
    """skorch ``train_split``: a hold-out taken from the training data only.

    Stratified by class for classification; a stratified split falls back to an
    unstratified one when a class is too small to stratify (fewer than two
    members, or fewer hold-out cases than classes). Regression targets are split
    at random (``stratify=False``).

    Parameters
    ----------
    fraction : float
        Share of the training cases held out for early stopping, in (0, 1).
    random_state : int
        Seed of the split.
    stratify : bool, default=True
        Whether ``y`` holds class labels to stratify the split by.
    """

    def __init__(self, fraction, random_state, stratify=True):
        self.fraction = fraction
        self.random_state = random_state
        self.stratify = stratify

    def indices(self, y):
        """Indices ``(train, valid)`` of the split of targets ``y`` (n_cases first)."""
        y = np.asarray(y)
        n = y.shape[0]
        n_valid = holdout_size(self.fraction, n)
        if n_valid == 0:
            raise ValueError(f"{n} cases are too few to hold out {self.fraction:.0%} of them.")
        stratify = None
        if self.stratify:
            _, counts = np.unique(y, return_counts=True)
            n_classes = counts.shape[0]
            if counts.min() >= 2 and n_classes <= n_valid <= n - n_classes:
                stratify = y
        return train_test_split(
            np.arange(n), test_size=n_valid, stratify=stratify, random_state=self.random_state
        )

    def __call__(self, dataset, y=None, groups=None):
        if y is None:
            y = np.zeros(len(dataset))
        idx_train, idx_valid = self.indices(y)
        return (
            torch.utils.data.Subset(dataset, idx_train),
            torch.utils.data.Subset(dataset, idx_valid),
        )

    def __repr__(self):
        return (
            f"HoldoutSplit(fraction={self.fraction}, random_state={self.random_state}, "
            f"stratify={self.stratify})"
        )


#: ``lr_schedule`` values.
LR_SCHEDULES = ("cosine", "plateau", "constant")


def make_lr_scheduler(lr_schedule, *, monitor, patience, max_epochs):
    """skorch ``LRScheduler`` of an ``lr_schedule``: cosine annealing from ``lr`` to 0
    over ``max_epochs``, or halving after ``patience // 2`` epochs without a better
    ``monitor`` value; ``None`` for a constant rate."""
    if lr_schedule == "constant":
        return None
    if lr_schedule == "cosine":
        # last_epoch=-1, skorch's own value for a first fit, starts a fresh cycle in a
        # warm_start fit too (skorch would resume at the history's length).
        return LRScheduler(
            policy=torch.optim.lr_scheduler.CosineAnnealingLR, T_max=max_epochs, last_epoch=-1
        )
    return LRScheduler(
        policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
        monitor=monitor,
        mode="min",
        factor=0.5,
        patience=max(1, patience // 2),
    )


#: The names of skorch's own default callbacks (``NeuralNetClassifier``'s and
#: ``NeuralNetRegressor``'s), which a user's callbacks may not take.
SKORCH_CALLBACK_NAMES = ("epoch_timer", "train_loss", "valid_loss", "valid_acc", "print_log")


def interactive_output():
    """Whether training logs go to a terminal or a notebook, where a progress bar
    redraws in place and colour codes render; a file, a pipe or CI gets neither."""
    if "ipykernel" in sys.modules:  # Jupyter: not a TTY, but bars and colours work
        return True
    return all(getattr(stream, "isatty", lambda: False)() for stream in (sys.stdout, sys.stderr))


_ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")


class PlainPrintLog(PrintLog):
    """skorch's epoch table without colour codes, for output that is not a terminal."""

    def format_row(self, row, key, color):
        return _ANSI_CODE.sub("", str(super().format_row(row, key, color)))


def make_callbacks(
    *,
    has_validation,
    patience,
    gradient_clip,
    verbose,
    lr_schedule,
    max_epochs,
    scoring=(),
    user=None,
):
    """skorch callbacks: the LR schedule, early stopping with best-weights restore
    (with a hold-out), gradient clipping, the head's hold-out ``scoring`` callbacks
    (``(name, callback)`` pairs), when ``verbose`` and the output is a terminal
    (:func:`interactive_output`) a progress bar, and then the
    ``user``'s callbacks (:func:`check_user_callbacks`), so that theirs see every
    score and decision of the epoch (skorch runs its own defaults first and its
    epoch table last)."""
    monitor = "valid_loss" if has_validation else "train_loss"
    scheduler = make_lr_scheduler(
        lr_schedule, monitor=monitor, patience=patience, max_epochs=max_epochs
    )
    callbacks = [] if scheduler is None else [("lr_scheduler", scheduler)]
    if has_validation:
        callbacks.append(
            ("early_stopping", EarlyStopping(monitor=monitor, patience=patience, load_best=True))
        )
    if gradient_clip is not None:
        callbacks.append(("gradient_clipping", MemberGradientClipping(gradient_clip)))
    callbacks += list(scoring)
    if verbose and interactive_output():
        callbacks.append(("progress_bar", ProgressBar()))
    return callbacks + check_user_callbacks(user)


def r2_scoring():
    """The regressor's hold-out score callback: R^2 of each epoch's hold-out
    predictions (skorch caches them from the validation pass; no extra forward)."""
    return ("valid_r2", EpochScoring("r2", lower_is_better=False, name="valid_r2"))


#: Every name our own callbacks can take (a user's callback may take none of them).
OWN_CALLBACK_NAMES = (
    "lr_scheduler",
    "early_stopping",
    "gradient_clipping",
    "valid_r2",
    "progress_bar",
)


def _callback_name(item):
    """skorch's name of a callback: the one given, else its class name."""
    if isinstance(item, tuple):
        return item[0]
    return item.__name__ if isinstance(item, type) else type(item).__name__


def check_user_callbacks(callbacks):
    """The ``callbacks`` parameter as a list skorch takes: skorch callbacks (instances or
    classes) or ``(name, callback)`` pairs, none named like one of ours or skorch's."""
    reserved = SKORCH_CALLBACK_NAMES + OWN_CALLBACK_NAMES
    if callbacks is None:
        return []
    if isinstance(callbacks, (str, bytes)) or not isinstance(callbacks, (list, tuple)):
        raise ValueError(
            "callbacks must be a list of skorch callbacks or (name, callback) pairs, "
            f"got {callbacks!r}."
        )
    checked = []
    for item in callbacks:
        if isinstance(item, list):
            item = tuple(item)
        callback = item[1] if isinstance(item, tuple) and len(item) == 2 else item
        named = isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
        is_callback = isinstance(callback, Callback) or (
            isinstance(callback, type) and issubclass(callback, Callback)
        )
        if not is_callback or (isinstance(item, tuple) and not named):
            raise ValueError(
                "callbacks must hold skorch callbacks (skorch.callbacks.Callback) or "
                f"(name, callback) pairs, got {item!r}."
            )
        name = _callback_name(item)
        if name in reserved:
            raise ValueError(
                f"The callback name {name!r} is taken by one of the estimator's own "
                f"callbacks ({', '.join(reserved)}); give yours another name, as in "
                f"callbacks=[('my_{name}', callback)]."
            )
        checked.append(item)
    return checked


class LengthBucketSampler(torch.utils.data.Sampler):
    """Training batches of series of similar length, in random order.

    Each epoch shuffles the cases, cuts them into pools of ``pool_batches``
    batches, sorts each pool by length and cuts it into batches, then shuffles
    the order of all batches. Series in a batch then have similar lengths, so a
    batch trimmed to its own longest series carries little padding, while the
    pools keep batches random draws of the data rather than length strata.

    Parameters
    ----------
    lengths : array-like of int
        Length of each case of the dataset being iterated.
    batch_size : int
    pool_batches : int, default=4
    generator : torch.Generator, optional
        Source of randomness (default: torch's global generator, which the
        estimators seed).
    """

    def __init__(self, lengths, batch_size, pool_batches=4, generator=None):
        self.lengths = torch.as_tensor(np.asarray(lengths), dtype=torch.int64)
        self.batch_size = int(batch_size)
        self.pool_batches = int(pool_batches)
        self.generator = generator

    def __iter__(self):
        order = torch.randperm(len(self.lengths), generator=self.generator)
        batches = []
        for pool in order.split(self.batch_size * self.pool_batches):
            by_length = pool[torch.argsort(self.lengths[pool], stable=True)]
            batches += [batch.tolist() for batch in by_length.split(self.batch_size)]
        for i in torch.randperm(len(batches), generator=self.generator).tolist():
            yield batches[i]

    def __len__(self):
        n = len(self.lengths)
        pool = self.batch_size * self.pool_batches
        full, rest = divmod(n, pool)
        return full * self.pool_batches + -(-rest // self.batch_size)


def _dataset_lengths(dataset):
    """Series lengths of a skorch Dataset of ``{"x", "lengths"}`` (or a Subset of one)."""
    if isinstance(dataset, torch.utils.data.Subset):
        return _dataset_lengths(dataset.dataset)[np.asarray(dataset.indices)]
    return np.asarray(dataset.X["lengths"])


@functools.cache
def fused_optimizer_runs(optimizer, device_type):
    """Whether torch has a fused kernel of ``optimizer`` (a ``torch.optim`` class) for
    parameters on ``device_type``: one step of it on a tiny parameter, cached per
    process. AdamW's runs on the CPU from torch 2.4 on and on CUDA; RAdam has none.

    A fused step updates all parameters in one kernel, the same arithmetic as the
    for-loop implementation up to float32 rounding; on one CPU thread it cut a
    default five-member fit of Coffee by about a fifth (``benchmarks/members.py``
    times it). The global RNG is left as it was."""
    with torch.random.fork_rng(devices=[]):
        try:
            param = torch.nn.Parameter(torch.zeros(1, device=device_type))
            step = optimizer([param], fused=True)
            param.grad = torch.ones_like(param)
            step.step()
        except (TypeError, RuntimeError, ValueError):
            return False
    return True


#: ``precision`` values: the autocast dtype of each (None: plain float32).
PRECISIONS = {"float32": None, "bfloat16": torch.bfloat16, "float16": torch.float16}


@functools.cache
def cpu_autocast_lstm_error(dtype):
    """Why a bidirectional LSTM does not run under CPU autocast with ``dtype``, or None.

    A real step, not a capability query: a forward and backward pass of a tiny LSTM
    on a (1, 2, 1) input, which reaches oneDNN's LSTM kernel as the estimators'
    batches do. Whether oneDNN has a reduced-precision LSTM depends on the CPU
    (bfloat16 needs AVX-512) and on ``ONEDNN_MAX_CPU_ISA``, and ATen's
    ``get_cpu_capability()`` reports neither. The global RNG is left as it was.
    Cached per process.
    """
    with torch.random.fork_rng(devices=[]), torch.enable_grad():
        try:
            lstm = torch.nn.LSTM(1, 1, batch_first=True, bidirectional=True)
            with torch.autocast("cpu", dtype=dtype):
                out, _ = lstm(torch.zeros(1, 2, 1))
            out.float().sum().backward()
        except RuntimeError as exc:
            return str(exc).split("\n")[0]
    return None


def check_precision(precision, device):
    """Validate ``precision`` for ``device``: on the CPU, only what oneDNN runs there."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {tuple(PRECISIONS)}, got {precision!r}.")
    if precision == "float32" or torch.device(device).type == "cuda":
        return
    bfloat16_runs = cpu_autocast_lstm_error(torch.bfloat16) is None
    if precision == "bfloat16" and bfloat16_runs:
        return
    limit = os.environ.get("ONEDNN_MAX_CPU_ISA")
    limit = f"; ONEDNN_MAX_CPU_ISA={limit} limits oneDNN here" if limit else ""
    if precision == "bfloat16":
        raise ValueError(
            "precision='bfloat16' does not run on this CPU: oneDNN has no bfloat16 LSTM "
            f"kernel without AVX-512 (AVX512-BW/VL/DQ, oneDNN's avx512_core){limit}. Use "
            "precision='float32' on this CPU, or a CUDA device for 'bfloat16' and 'float16'."
        )
    instead = (
        "precision='bfloat16' (this CPU runs it)"
        if bfloat16_runs
        else "precision='float32' (this CPU has no bfloat16 LSTM kernel either: that "
        f"needs AVX-512{limit})"
    )
    raise ValueError(
        "precision='float16' needs a CUDA device: oneDNN's CPU LSTM has no float16 kernel "
        f"(not even with AVX512-FP16). On the CPU use {instead}."
    )


class SeriesNetMixin:
    """What our skorch nets add to skorch's: length buckets, async copies, mixed precision.

    - ``bucket_by_length``: training batches of unequal-length data come from a
      :class:`LengthBucketSampler`; validation and prediction keep the data's order.
    - The series tensor goes to the device with ``non_blocking=True`` (from pinned
      memory when the device is CUDA, which makes the copy asynchronous); the
      lengths stay on the CPU, where ``pack_padded_sequence`` wants them.
    - ``precision="bfloat16"`` or ``"float16"`` runs forward passes under
      ``torch.autocast``; the output is cast back to float32 before the loss, and
      float16 training scales the loss with a ``torch.amp.GradScaler`` (gradients
      are unscaled before the clipping callback sees them).
    - ``augment_scale`` and ``augment_noise`` perturb training batches (never
      validation or prediction batches): each channel of each series is multiplied
      by ``1 + augment_scale * N(0, 1)``, then ``augment_noise * N(0, 1)`` is added
      to every value ("scaling" and "jittering", Um et al. 2017). Draws come from
      torch's generator on the batch's device, which the estimators seed.
    - ``predict_batch_steps=True`` (``batch_size="auto"``): validation and prediction
      batches of :func:`auto_predict_batch_size` cases, from the lengths of the series
      predicted, in place of ``iterator_valid__batch_size``.
    """

    @property
    def _default_callbacks(self):
        # Without a terminal, skorch's epoch table without its colour codes: one
        # readable stream in a log file or CI (the progress bar is off there too).
        callbacks = super()._default_callbacks
        if interactive_output():
            return callbacks
        return [
            (name, PlainPrintLog() if name == "print_log" else callback)
            for name, callback in callbacks
        ]

    def __init__(
        self,
        *args,
        bucket_by_length=False,
        precision="float32",
        augment_scale=0.0,
        augment_noise=0.0,
        predict_batch_steps=False,
        **kwargs,
    ):
        self.bucket_by_length = bucket_by_length
        self.precision = precision
        self.augment_scale = augment_scale
        self.augment_noise = augment_noise
        self.predict_batch_steps = predict_batch_steps
        super().__init__(*args, **kwargs)

    def get_iterator(self, dataset, training=False):
        if training and self.bucket_by_length:
            lengths = _dataset_lengths(dataset)
            if len(lengths) and lengths.min() != lengths.max():
                # skorch's own iterator_train__* settings (pin_memory, ...), with the
                # sampler in place of batch_size and shuffle.
                kwargs = self.get_params_for("iterator_train")
                kwargs.pop("shuffle", None)
                kwargs.pop("batch_size", None)
                sampler = LengthBucketSampler(lengths, self.batch_size)
                return self.iterator_train(dataset, batch_sampler=sampler, **kwargs)
        if not training and self.predict_batch_steps:
            kwargs = self.get_params_for("iterator_valid")
            kwargs["batch_size"] = auto_predict_batch_size(_dataset_lengths(dataset))
            return self.iterator_valid(dataset, **kwargs)
        return super().get_iterator(dataset, training=training)

    def _device_type(self):
        return torch.device(self.device).type

    def _autocast(self):
        dtype = PRECISIONS[self.precision]
        if dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self._device_type(), dtype=dtype)

    def infer(self, x, **fit_params):
        x = dict(x)
        x.pop("sample_weight", None)  # the loss's, not the module's
        x["x"] = x["x"].to(self.device, non_blocking=True)
        with self._autocast():
            out = self.module_(**self._merge_x_and_fit_params(x, fit_params))
        return out.float()

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """skorch's loss; in a weighted fit (criterion with ``reduction="none"``, batch
        input with ``"sample_weight"``) the mean of the case losses times their weights
        (weights scaled to a mean of 1 over the training cases), a seed ensemble's the
        sum over the members of each member's weighted mean."""
        loss = super().get_loss(y_pred, y_true, X=X, training=training)
        if self.criterion_.reduction != "none":
            return loss
        weight = X["sample_weight"].to(loss.device, non_blocking=True)
        if loss.dim() == 2:  # a seed ensemble's (N, M): each member's own weighted mean
            return _members_total(loss * weight.unsqueeze(1))
        return (loss * weight).mean()

    def _scaler(self):
        if getattr(self, "scaler_", None) is None:
            self.scaler_ = torch.amp.GradScaler(self._device_type())
        return self.scaler_

    def augment(self, Xi):
        """A training batch's input with random scaling and jitter (see the class doc)."""
        if not (self.augment_scale or self.augment_noise):
            return Xi
        x = Xi["x"].to(self.device, non_blocking=True)  # (N, T, C), time-major
        if self.augment_scale:
            factor = torch.randn(x.shape[0], 1, x.shape[2], device=x.device, dtype=x.dtype)
            x = x * (1.0 + self.augment_scale * factor)
        if self.augment_noise:
            x = x + self.augment_noise * torch.randn_like(x)
        return {**Xi, "x": x}

    def train_step_single(self, batch, **fit_params):
        Xi, yi = unpack_data(batch)
        Xi = self.augment(Xi)
        if self.precision != "float16":
            step = super().train_step_single((Xi, yi), **fit_params)
            return self._reported(step["loss"], step["y_pred"])
        self._set_training(True)
        y_pred = self.infer(Xi, **fit_params)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        self._scaler().scale(loss).backward()
        return self._reported(loss, y_pred)

    def _reported(self, loss, y_pred):
        """A training step's loss and output as the history and callbacks see them: a
        seed ensemble's summed member losses as their mean (the loss of one network),
        its stacked outputs combined (:meth:`_combined`)."""
        if y_pred.dim() == 3:
            loss = loss.detach() / y_pred.shape[1]
        return {"loss": loss, "y_pred": self._combined(y_pred)}

    def _combined(self, y_pred):
        """A training batch's output as callbacks see it (``EpochScoring(on_train=True)``
        caches it): a seed ensemble's stacked members (N, M, K), which the loss needs,
        combined into the ensemble's (N, K), as in eval mode."""
        combine = getattr(self.module_, "combine_outputs", None)
        if combine is None or y_pred.dim() != 3:
            return y_pred
        return combine(y_pred.detach())

    def train_step(self, batch, **fit_params):
        if self.precision != "float16":
            return super().train_step(batch, **fit_params)
        # GradScaler cannot step an optimizer through a closure: the step by hand.
        accumulator = self.get_train_step_accumulator()
        self._zero_grad_optimizer()
        accumulator.store_step(self.train_step_single(batch, **fit_params))
        scaler = self._scaler()
        optimizers = [getattr(self, name + "_") for name in self._optimizers]
        for optimizer in optimizers:
            scaler.unscale_(optimizer)
        self.notify(
            "on_grad_computed",
            named_parameters=TeeGenerator(self.get_all_learnable_params()),
            batch=batch,
            training=True,
        )
        for optimizer in optimizers:
            scaler.step(optimizer)
        scaler.update()
        return accumulator.get_step()


def _members_total(loss):
    """The loss that trains a seed ensemble: of per-case, per-member losses (N, M), the
    sum over the members of each member's mean over the cases, so that each member's
    gradient is its own loss's alone, whichever members are beside it."""
    return loss.mean(dim=0).sum()


class MemberCrossEntropyLoss(torch.nn.CrossEntropyLoss):
    """``CrossEntropyLoss`` that also takes a seed ensemble's stacked member logits
    (N, M, K): the sum over the members of each member's mean loss, so that each
    member learns from its own loss, as a network trained alone does (the nets report
    the members' mean). With ``reduction="none"`` (weighted fits) one loss per case
    and member (N, M), label smoothing included."""

    def forward(self, input, target):
        if input.dim() != 3:
            return super().forward(input, target)
        n_cases, members = input.shape[:2]
        loss = torch.nn.functional.cross_entropy(
            input.flatten(0, 1),
            target.repeat_interleave(members),
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction="none",
            label_smoothing=self.label_smoothing,
        ).view(n_cases, members)  # (N, M)
        return loss if self.reduction == "none" else _members_total(loss)


class MemberMSELoss(torch.nn.MSELoss):
    """``MSELoss`` that also takes a seed ensemble's stacked member outputs (N, M, K)
    against targets (N, K): the sum over the members of each member's mean loss. With
    ``reduction="none"`` (weighted fits) one loss per case and member (N, M), the mean
    over the targets."""

    def forward(self, input, target):
        if input.dim() != 3:
            return super().forward(input, target)
        target = target.unsqueeze(1).expand_as(input)
        loss = torch.nn.functional.mse_loss(input, target, reduction="none").mean(dim=2)
        return loss if self.reduction == "none" else _members_total(loss)


class MemberGradientClipping(GradientNormClipping):
    """skorch's ``GradientNormClipping``, with a seed ensemble's members clipped each
    by the norm of its own gradient, as a network trained alone is."""

    def on_grad_computed(self, net, named_parameters, **kwargs):
        members = getattr(net.module_, "members", None)
        if members is None or self.gradient_clip_value is None:
            return super().on_grad_computed(net, named_parameters, **kwargs)
        for member in members:
            torch.nn.utils.clip_grad_norm_(
                member.parameters(),
                max_norm=self.gradient_clip_value,
                norm_type=self.gradient_clip_norm_type,
            )
        return None


class SeriesNetClassifier(SeriesNetMixin, NeuralNetClassifier):
    """skorch's ``NeuralNetClassifier`` plus :class:`SeriesNetMixin`."""


class SeriesNetRegressor(SeriesNetMixin, NeuralNetRegressor):
    """skorch's ``NeuralNetRegressor`` plus :class:`SeriesNetMixin`."""
