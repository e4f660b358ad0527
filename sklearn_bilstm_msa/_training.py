"""Training set-up shared by the estimators: device, torch state, validation split, callbacks.

The training loop itself is skorch's; this module only configures it.
"""

import contextlib
import math
import warnings

import numpy as np
import torch
from joblib import effective_n_jobs
from sklearn.model_selection import train_test_split
from skorch.callbacks import EarlyStopping, GradientNormClipping, LRScheduler, ProgressBar

__all__ = [
    "HoldoutSplit",
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


def make_callbacks(*, has_validation, patience, gradient_clip, verbose):
    """skorch callbacks: early stopping with best-weights restore, LR plateau schedule,
    gradient clipping and, when ``verbose``, a progress bar."""
    monitor = "valid_loss" if has_validation else "train_loss"
    callbacks = [
        (
            "lr_scheduler",
            LRScheduler(
                policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
                monitor=monitor,
                mode="min",
                factor=0.5,
                patience=max(1, patience // 2),
            ),
        ),
    ]
    if has_validation:
        callbacks.append(
            ("early_stopping", EarlyStopping(monitor=monitor, patience=patience, load_best=True))
        )
    if gradient_clip is not None:
        callbacks.append(("gradient_clipping", GradientNormClipping(gradient_clip)))
    if verbose:
        callbacks.append(("progress_bar", ProgressBar()))
    return callbacks
