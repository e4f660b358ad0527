"""Input handling: aeon-style collections in, padded (N, T, C) arrays and lengths out.

This is the one place where user input is validated and converted. It accepts:

- a 3-D array ``(n_cases, n_channels, n_timepoints)`` (aeon's ``numpy3D``),
- a 2-D array ``(n_cases, n_timepoints)``, read as univariate series,
- a list of 2-D arrays ``(n_channels, n_timepoints_i)`` for unequal lengths
  (aeon's ``np-list``); 1-D items in such a list are univariate series.

Everything else is an error that names the problem; nothing is silently coerced.
"""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from ._network import GLOBAL_WINDOW

__all__ = [
    "MIN_STD",
    "SeriesCollection",
    "difference_scale",
    "step_statistics",
    "check_collection",
    "check_sample_weight",
    "check_labels",
    "check_n_channels",
    "check_targets",
    "check_window_sizes",
    "channel_statistics",
    "target_statistics",
]

_LAYOUT_HINT = (
    "Expected a 3-D array (n_cases, n_channels, n_timepoints), a 2-D array "
    "(n_cases, n_timepoints) of univariate series, or a list of 2-D arrays "
    "(n_channels, n_timepoints_i) for series of unequal length."
)


#: How a missing value is imputed before the network reads it:
#: ``"interpolate"``, linearly between the nearest observed values of its series'
#: channel (the nearest one before the first or after the last observed value), and the
#: training mean where the channel has no observed value in that series; ``"mean"``, the
#: training mean always. Module-level so that ``benchmarks/fit_options.py`` can measure
#: the alternative; not a parameter.
MISSING_FILL = "interpolate"


def interpolate_missing(values, lengths, missing):
    """``values`` (N, T, C) with each missing value of a series' channel linearly
    interpolated along time between its observed neighbours over the real steps (the
    nearest observed value at the ends); a channel with no observed value in a series
    stays NaN."""
    values = values.copy()
    steps = np.arange(values.shape[1])
    for i, c in zip(*np.nonzero(missing.any(axis=1)), strict=True):
        n = lengths[i]
        gaps = missing[i, :n, c]
        seen = np.flatnonzero(~gaps)
        if len(seen):
            column = values[i, :n, c]
            column[gaps] = np.interp(steps[:n][gaps], seen, column[seen])
    return values


class SeriesCollection:
    """Series padded on the right to a common length, with their true lengths.

    Attributes
    ----------
    values : ndarray of shape (n_cases, max_length, n_channels), float32
        Time-major values (the layout the LSTM wants); zeros beyond each length.
    lengths : ndarray of shape (n_cases,), int64
        Number of real time points of each series.
    equal_length : bool
        Whether the input was a rectangular array (True) or a list (False).
    n_columns : int
        ``X.shape[1]`` as scikit-learn reads it: the time points of a 2-D array,
        the channels of a 3-D array or a list.
    missing : ndarray of shape (n_cases, max_length, n_channels), bool, or None
        True at missing values (NaN in ``X``, NaN in ``values`` until
        :meth:`standardized` imputes them); None when nothing is missing.
    """

    def __init__(self, values, lengths, equal_length, n_columns=None, missing=None):
        self.values = values
        self.lengths = lengths
        self.equal_length = equal_length
        self.n_columns = values.shape[2] if n_columns is None else n_columns
        self.missing = missing

    @property
    def n_cases(self):
        return self.values.shape[0]

    @property
    def n_channels(self):
        return self.values.shape[2]

    def mask(self):
        """Boolean (n_cases, max_length) array, True at real time points."""
        return np.arange(self.values.shape[1])[None, :] < self.lengths[:, None]

    def standardized(self, mean, std):
        """A copy with each channel scaled as ``(x - mean) / std``, padding left at zero
        and missing values imputed as ``MISSING_FILL`` says."""
        values = self.values
        if self.missing is not None and MISSING_FILL == "interpolate":
            values = interpolate_missing(values, self.lengths, self.missing)
        values = (values - mean.astype(np.float32)) / std.astype(np.float32)
        values *= self.mask()[:, :, None]
        if self.missing is not None:
            values[np.isnan(values)] = 0.0  # the training mean
        return SeriesCollection(
            values.astype(np.float32, copy=False),
            self.lengths,
            self.equal_length,
            self.n_columns,
            self.missing,
        )

    def series_standardized(self):
        """A copy with each channel of each series scaled by its own mean and standard
        deviation over its real steps (``normalize="series"``); a constant channel of a
        series becomes zero (its standard deviation is taken as 1). Padding stays zero."""
        mask = self.mask()[:, :, None]  # (N, T, 1)
        counts = self.lengths[:, None, None]  # (N, 1, 1)
        values = self.values.astype(np.float64) * mask  # (N, T, C)
        mean = values.sum(axis=1, keepdims=True) / counts  # (N, 1, C)
        centred = (values - mean) * mask
        std = np.sqrt((centred * centred).sum(axis=1, keepdims=True) / counts)  # (N, 1, C)
        std[~(std > MIN_STD)] = 1.0
        return SeriesCollection(
            (centred / std).astype(np.float32),
            self.lengths,
            self.equal_length,
            self.n_columns,
            self.missing,
        )

    def missing_channels(self):
        """Indices of the channels with a missing value in some series."""
        if self.missing is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.missing.any(axis=(0, 1)))

    def with_missing_indicator(self, channels):
        """A copy with one indicator channel per channel in ``channels``, after the
        values: 1.0 where that channel's value is missing, 0.0 elsewhere (and at
        padding). No ``channels``: this collection itself."""
        if len(channels) == 0:
            return self
        indicator = np.zeros(self.values.shape[:2] + (len(channels),), dtype=np.float32)
        if self.missing is not None:
            indicator[...] = self.missing[:, :, np.asarray(channels)]
        values = np.concatenate([self.values, indicator], axis=2)
        return SeriesCollection(
            values, self.lengths, self.equal_length, self.n_columns, self.missing
        )

    def subset(self, rows):
        """The series at ``rows`` (a boolean mask or indices), padded to their own longest."""
        lengths = self.lengths[rows]
        values = self.values[rows][:, : lengths.max()]
        missing = None
        if self.missing is not None:
            missing = self.missing[rows][:, : lengths.max()]
            missing = missing if missing.any() else None
        return SeriesCollection(values, lengths, self.equal_length, self.n_columns, missing)

    def as_net_input(self, sample_weight=None):
        """The dict that skorch passes to ``BiLSTMMSANetwork.forward`` as keyword arguments.

        With ``sample_weight`` (float32, one per case) the dict also holds
        ``"sample_weight"``, which the skorch net takes out before the forward pass and
        uses in the loss, so that the weights follow their cases into every batch.
        """
        net_input = {"x": self.values, "lengths": self.lengths}
        if sample_weight is not None:
            net_input["sample_weight"] = np.asarray(sample_weight, dtype=np.float32)
        return net_input


def _as_numeric(array, what, values="time series values"):
    """``array`` as float64, or a TypeError that says what is not a number."""
    if array.dtype.kind in "USa":
        raise TypeError(f"{what} contains strings (dtype {array.dtype}); {values} must be numbers.")
    if array.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {what} has dtype {array.dtype}.")
    try:
        return array.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must contain numbers only: {exc}") from exc


def _first_case(bad):
    """The index of the first case (first axis) with a True in ``bad``."""
    return int(np.flatnonzero(bad.reshape(bad.shape[0], -1).any(axis=1))[0])


def _check_finite(array, what, values):
    """A ``ValueError`` naming the first case (first axis) with NaN or infinity."""
    nan = np.isnan(array)
    if nan.any():
        raise ValueError(
            f"{what} contains NaN (case {_first_case(nan)}); {values} cannot be missing: "
            "drop the cases without one."
        )
    infinite = np.isinf(array)
    if infinite.any():
        raise ValueError(
            f"{what} contains infinity (case {_first_case(infinite)}); {values} must be finite."
        )


def _check_series_values(array, allow_missing, name=None):
    """Series values ``array`` (n_series, n_channels, n_timepoints): infinity is an
    error, and so is NaN unless ``allow_missing``, when a series that is all NaN still
    is. ``name`` names a single series of a list ("Series 3 of X")."""
    nan = np.isnan(array)
    where = (lambda bad: name) if name else (lambda bad: f"Series {_first_case(bad)} of X")
    if nan.any():
        if not allow_missing:
            raise ValueError(
                f"{where(nan)} contains NaN; this model takes no missing values "
                "(fill or drop them first)."
            )
        empty = nan.reshape(nan.shape[0], -1).all(axis=1)
        if empty.any():
            raise ValueError(
                f"{where(empty)} is all NaN: a series needs at least one observed value."
            )
    infinite = np.isinf(array)
    if infinite.any():
        raise ValueError(
            f"{where(infinite)} contains infinity; time series values must be finite "
            "(NaN marks a missing value)."
        )
    return nan.transpose(0, 2, 1) if nan.any() else None  # (n_series, T, C)


def _from_list(X, allow_missing):
    if len(X) == 0:
        raise ValueError("X is empty: the list holds no series.")
    series = []
    for i, item in enumerate(X):
        if sp.issparse(item):
            raise TypeError("Sparse input is not supported; pass dense arrays.")
        arr = np.asarray(item)
        if arr.dtype == object and arr.ndim == 0:
            arr = np.asarray([item], dtype=object)
        arr = _as_numeric(arr, f"Series {i} of X")
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise ValueError(
                f"Series {i} of X has {arr.ndim} dimensions; each series in a list must be 2-D "
                f"(n_channels, n_timepoints) or 1-D (univariate). {_LAYOUT_HINT}"
            )
        if arr.shape[1] == 0:
            raise ValueError(f"Series {i} of X has no time points.")
        if arr.shape[0] == 0:
            raise ValueError(f"Series {i} of X has no channels.")
        if series and arr.shape[0] != series[0].shape[0]:
            raise ValueError(
                f"Ragged channel counts in X: series 0 has {series[0].shape[0]} channels but "
                f"series {i} has {arr.shape[0]}. All series must have the same channels."
            )
        series.append(arr)
    lengths = np.array([s.shape[1] for s in series], dtype=np.int64)
    values = np.zeros((len(series), lengths.max(), series[0].shape[0]), dtype=np.float32)
    missing = None
    for i, s in enumerate(series):
        series_missing = _check_series_values(s[None], allow_missing, f"Series {i} of X")
        values[i, : s.shape[1]] = s.T
        if series_missing is not None:
            if missing is None:
                missing = np.zeros(values.shape, dtype=bool)
            missing[i, : s.shape[1]] = series_missing[0]
    return SeriesCollection(values, lengths, equal_length=False, missing=missing)


def check_collection(X, allow_missing=False):
    """Validate a collection of series and pad it into a :class:`SeriesCollection`.

    With ``allow_missing``, NaN marks a missing value (kept as NaN in ``values`` and
    marked in ``missing``); a series with no observed value at all is still an error.

    Raises
    ------
    TypeError
        If ``X`` is None, sparse, or holds strings or other non-numbers.
    ValueError
        If ``X`` is empty, has the wrong number of dimensions, ragged channel
        counts, infinite values, NaN (unless ``allow_missing``) or a series that is
        all NaN; value errors name the series.
    """
    if X is None:
        raise TypeError(f"X is None. {_LAYOUT_HINT}")
    if isinstance(X, str):
        raise TypeError(f"X is a string, not a collection of time series. {_LAYOUT_HINT}")
    if sp.issparse(X):
        raise TypeError("Sparse input is not supported; pass a dense array.")
    if isinstance(X, (list, tuple)):
        return _from_list(X, allow_missing)
    arr = np.asarray(X)
    if arr.ndim not in (2, 3):
        shape = f"shape {arr.shape}" if arr.ndim else "a scalar"
        raise ValueError(
            f"X must be 2-D or 3-D, got a {arr.ndim}-D array ({shape}). {_LAYOUT_HINT} "
            "Reshape your data: a single univariate series of length T is X.reshape(1, -1)."
        )
    arr = _as_numeric(arr, "X")
    shape = arr.shape
    if arr.ndim == 2:
        arr = arr[:, None, :]  # (n_cases, 1, n_timepoints)
    n_cases, n_channels, n_timepoints = arr.shape
    if n_cases == 0:
        raise ValueError(f"X is empty: found 0 sample(s) (cases), shape {shape}.")
    if n_channels == 0:
        raise ValueError(f"X has no channels: shape {shape}.")
    if n_timepoints == 0:
        raise ValueError(
            f"X has no time points: 0 feature(s) (shape={shape}) while a minimum of 1 is required."
        )
    missing = _check_series_values(arr, allow_missing)
    values = np.ascontiguousarray(arr.transpose(0, 2, 1), dtype=np.float32)  # (N, T, C)
    lengths = np.full(n_cases, n_timepoints, dtype=np.int64)
    return SeriesCollection(values, lengths, equal_length=True, n_columns=shape[1], missing=missing)


def _check_y_given(y, estimator):
    if y is None:
        raise ValueError(f"This {estimator} requires y to be passed, but the target y is None.")


def _check_y_length(y, n_cases, what):
    if y.shape[0] != n_cases:
        raise ValueError(f"X has {n_cases} cases but y has {y.shape[0]} {what}; they must match.")


def check_labels(y, n_cases):
    """Validate classification labels for ``n_cases`` series; return them as a 1-D array."""
    _check_y_given(y, "classifier")
    y = column_or_1d(y, warn=True)
    _check_y_length(y, n_cases, "labels")
    missing = np.zeros(y.shape[0], dtype=bool)
    if y.dtype.kind == "f":
        missing = np.isnan(y)
    elif y.dtype.kind == "O":
        missing = np.array([isinstance(v, float) and v != v for v in y.tolist()], dtype=bool)
    if missing.any():
        raise ValueError(
            f"y contains NaN (case {int(np.flatnonzero(missing)[0])}); every case needs a "
            "class label: drop the cases without one."
        )
    check_classification_targets(y)
    classes = np.unique(y)
    if classes.shape[0] < 2:
        label = classes[0].item() if isinstance(classes[0], np.generic) else classes[0]
        raise ValueError(
            f"y holds only one class ({label!r}); a classifier needs at least 2 classes."
        )
    return y


def check_targets(y, n_cases):
    """Validate regression targets for ``n_cases`` series.

    Returns
    -------
    targets : ndarray of shape (n_cases, n_targets), float64
        ``y`` as a 2-D float array (a 1-D ``y`` is one target).
    one_d : bool
        Whether ``y`` was 1-D, so that predictions can be given back in its shape.

    Raises
    ------
    TypeError
        If ``y`` is sparse or holds strings or other non-numbers.
    ValueError
        If ``y`` is None, has the wrong number of dimensions or cases, or holds NaN
        or infinite values.
    """
    _check_y_given(y, "regressor")
    if sp.issparse(y):
        raise TypeError("Sparse y is not supported; pass a dense array.")
    targets = _as_numeric(np.asarray(y), "y", values="regression targets")
    if targets.ndim not in (1, 2):
        raise ValueError(
            f"y must be 1-D (n_cases,) or 2-D (n_cases, n_targets), got shape {targets.shape}."
        )
    one_d = targets.ndim == 1
    if one_d:
        targets = targets[:, None]  # (n_cases, 1)
    _check_y_length(targets, n_cases, "targets")
    if targets.shape[1] == 0:
        raise ValueError(f"y has no targets: shape {np.shape(y)}.")
    _check_finite(targets, "y", values="regression targets")
    return targets, one_d


def check_window_sizes(window_sizes):
    """Validate ``window_sizes``: a sequence of odd positive ints or ``"global"``.

    Returns a tuple of widths. An empty sequence means no attention.
    """
    if isinstance(window_sizes, (str, numbers.Number)) or window_sizes is None:
        raise TypeError(
            f"window_sizes must be a tuple of odd window widths such as (3, 7, 15), "
            f"got {window_sizes!r}."
        )
    widths = []
    for w in window_sizes:
        if isinstance(w, str) and w == GLOBAL_WINDOW:
            widths.append(GLOBAL_WINDOW)
            continue
        if isinstance(w, (bool, np.bool_)) or not isinstance(w, numbers.Integral):
            raise ValueError(
                f"window_sizes must hold odd integers >= 1 or 'global', got {w!r} in "
                f"{tuple(window_sizes)!r}."
            )
        if w < 1 or w % 2 == 0:
            raise ValueError(
                f"Window width {w!r} is invalid: widths are full odd widths >= 1 "
                f"(the window of step t is [t - r, t + r] with r = (w - 1) / 2)."
            )
        widths.append(int(w))
    return tuple(widths)


#: A standard deviation at or below this is taken as 1: a constant channel is centred,
#: not blown up (and never divided by zero).
MIN_STD = 1e-12


def _mean_std(values, weights=None):
    """Mean and standard deviation over the first axis of the observed (not NaN)
    ``values``, weighted by ``weights`` (one per row) when given; without weights and
    NaN, numpy's own ``mean`` and ``std``. A column with nothing observed gets 0 and 1."""
    observed = ~np.isnan(values)
    if weights is None and observed.all():
        return values.mean(axis=0), values.std(axis=0)
    shape = (-1,) + (1,) * (values.ndim - 1)
    rows = np.ones(len(values)) if weights is None else np.asarray(weights, dtype=np.float64)
    weights = rows.reshape(shape) * observed
    values = np.where(observed, values, 0.0)
    total = weights.sum(axis=0)
    seen = total > 0
    total = np.where(seen, total, 1.0)
    mean = np.sum(weights * values, axis=0) / total
    std = np.sqrt(np.sum(weights * (values - mean) ** 2, axis=0) / total)
    return np.where(seen, mean, 0.0), np.where(seen, std, 1.0)


def _column_statistics(values, weights=None):
    """Mean and standard deviation of each column (weighted by row ``weights`` when
    given); a constant column gets a standard deviation of 1 so that it is centred, not
    blown up (and never divided by zero)."""
    mean, std = _mean_std(values, weights)
    std[~(std > MIN_STD)] = 1.0
    return mean, std


def _step_weights(collection, weights):
    """The case ``weights`` repeated over each case's real steps (or None)."""
    if weights is None:
        return None
    return np.repeat(np.asarray(weights, dtype=np.float64), collection.lengths)


def channel_statistics(collection, weights=None):
    """Per-channel mean and standard deviation over the real time points of all series
    (each series' steps weighted by its case weight, when ``weights`` are given)."""
    mask = collection.mask()
    values = collection.values[mask].astype(np.float64)  # (steps, C), case by case
    return _column_statistics(values, _step_weights(collection, weights))


#: ``normalize="step"``: a step's standard deviation is at least this share of its
#: channel's, so that a step (nearly) constant in training is centred, not blown up.
STEP_STD_FLOOR = 0.01


def step_statistics(collection, weights=None):
    """Mean and standard deviation of each channel at each time step over the cases
    (weighted by the case ``weights`` when given), shape ``(n_timepoints, n_channels)``;
    equal-length collections only."""
    values = collection.values.astype(np.float64)  # (N, T, C)
    mean, std = _mean_std(values, weights)  # (T, C)
    channel_mean, channel_std = channel_statistics(collection, weights)
    if collection.missing is not None:
        # A step missing in every training series takes its channel's statistics.
        never = collection.missing.all(axis=0)  # (T, C)
        mean = np.where(never, channel_mean, mean)
        std = np.where(never, channel_std, std)
    return mean, np.maximum(std, STEP_STD_FLOOR * channel_std)


def difference_scale(collection, n_values, weights=None):
    """The standard deviation of each of the first ``n_values`` channels' first
    differences ``x_t - x_{t-1}`` over the real steps ``t >= 1`` of every series, each
    weighted by its case's ``weights`` when given (1 for a channel that never changes),
    shape ``(n_values,)``."""
    values = collection.values[..., :n_values].astype(np.float64)  # (N, T, C)
    change = values[:, 1:] - values[:, :-1]  # (N, T-1, C)
    real = np.arange(1, values.shape[1])[None, :] < collection.lengths[:, None]  # (N, T-1)
    if not real.any():  # series of one step
        return np.ones(n_values)
    rows = None
    if weights is not None:
        rows = np.broadcast_to(np.asarray(weights, dtype=np.float64)[:, None], real.shape)[real]
    std = _mean_std(change[real], rows)[1]  # (C,)
    return np.where(std > 1e-12, std, 1.0)


def target_statistics(targets, weights=None):
    """Mean and standard deviation of each column of the (n_cases, n_targets) targets
    (weighted by the case ``weights`` when given)."""
    return _column_statistics(np.asarray(targets, dtype=np.float64), weights)


def check_sample_weight(sample_weight, n_cases):
    """Validate ``fit``'s ``sample_weight``: None, or one finite number >= 0 per case,
    not all zero. Returns None or a float64 array of shape ``(n_cases,)``."""
    if sample_weight is None:
        return None
    if sp.issparse(sample_weight):
        raise TypeError("Sparse sample_weight is not supported; pass a dense array.")
    weights = np.asarray(sample_weight)
    if weights.ndim == 0:
        weights = np.full(n_cases, weights)
    weights = _as_numeric(weights, "sample_weight", values="sample weights")
    if weights.ndim != 1 or weights.shape[0] != n_cases:
        raise ValueError(
            f"sample_weight must be 1-D with one weight per case ({n_cases}), "
            f"got shape {weights.shape}."
        )
    if not np.isfinite(weights).all():
        raise ValueError("sample_weight contains NaN or infinity; weights must be finite.")
    if (weights < 0).any():
        raise ValueError(
            f"sample_weight holds a negative weight ({weights.min()!r} at case "
            f"{int(np.argmin(weights))}); weights must be >= 0."
        )
    if not weights.any():
        raise ValueError(
            "sample_weight is zero for every case: at least one case needs a non-zero weight."
        )
    return weights


def check_n_channels(data, n_channels, model):
    """Raise a ``ValueError`` unless ``data`` has ``n_channels`` channels.

    ``model`` completes the sentence "X has 3 channels but ... 2", for example
    ``"the classifier was fitted on"``.
    """
    if data.n_channels != n_channels:
        noun = "channel" if data.n_channels == 1 else "channels"
        raise ValueError(
            f"X has {data.n_channels} {noun} but {model} {n_channels}; "
            "the channel count must match."
        )
