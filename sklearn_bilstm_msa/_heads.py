"""What an estimator's output is: class probabilities or real values.

A head is a mixin placed before the model class: it turns ``y`` into the net's
targets, names the skorch net and the loss, says what a constant prediction would
achieve (for the convergence warning), and turns the net's output back into
scikit-learn's ``predict`` / ``predict_proba``. Every model (BiLSTM-MSA, the
baselines) shares these two.
"""

import numbers

import numpy as np
import torch
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight

from ._data import check_labels, check_targets, target_statistics
from ._params import check_nonnegative
from ._training import (
    MemberCrossEntropyLoss,
    MemberMSELoss,
    SeriesNetClassifier,
    SeriesNetRegressor,
    isolated_torch_state,
    r2_scoring,
)

__all__ = ["ClassifierHeadMixin", "RegressorHeadMixin"]


class ClassifierHeadMixin(ClassifierMixin):
    """Classification: cross-entropy on label codes, ``classes_``, ``predict_proba``.

    The estimator stores ``label_smoothing`` and ``class_weight`` (``__init__``
    arguments). A class weight multiplies the whole loss of each case of the class
    (label smoothing included) and of each member of a seed ensemble, as a sample
    weight would: scikit-learn's convention, where ``class_weight`` and
    ``sample_weight`` multiply.
    """

    _net_class = SeriesNetClassifier
    _criterion = MemberCrossEntropyLoss
    #: How a seed ensemble combines its members: the mean of their probabilities.
    _ensemble_combine = "proba"
    _stratified_holdout = True
    #: The hold-out score skorch records each epoch (``validation_scores_``).
    _validation_score = "valid_acc"

    def _check_params(self):
        ls = self.label_smoothing
        if isinstance(ls, bool) or not isinstance(ls, numbers.Real) or not 0.0 <= ls < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), got {ls!r}.")
        cw = self.class_weight
        if not (cw is None or isinstance(cw, dict) or (isinstance(cw, str) and cw == "balanced")):
            raise ValueError(f'class_weight must be None, "balanced" or a dict, got {cw!r}.')
        return super()._check_params()

    def _check_y(self, y, n_cases, sample_weight=None):
        y = check_labels(y, n_cases)
        encoder = LabelEncoder().fit(y)
        if self._continues_fit():
            if not np.array_equal(encoder.classes_, self.classes_):
                raise ValueError(
                    "warm_start continues the fitted network, so y must hold the classes "
                    f"of the previous fit, {self.classes_.tolist()}; it holds "
                    f"{encoder.classes_.tolist()}. Set warm_start=False to fit anew."
                )
        else:
            self.classes_ = encoder.classes_
        codes = encoder.transform(y).astype(np.int64)
        if self.class_weight is None:
            self.class_weight_ = np.ones(len(self.classes_))
        elif isinstance(self.class_weight, dict):
            self.class_weight_ = self._class_weight_from_dict(self.class_weight)
        else:
            # "balanced": n_cases / (n_classes * bincount(y)) of these labels.
            self.class_weight_ = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        return codes

    def _class_weight_from_dict(self, weights):
        """One weight per class in ``classes_`` from a dict keyed by the labels as given
        (1 for a class it leaves out). Keys are matched to the labels themselves, so the
        string labels "1", "2", ... take the keys "1", "2", ... (scikit-learn's
        ``compute_class_weight`` would read them as numbers and reject them)."""
        labels = self.classes_.tolist()
        unknown = [key for key in weights if key not in labels]
        if unknown:
            raise ValueError(
                f"class_weight has keys that are not labels in y: {unknown!r}; the labels "
                f"are {labels!r}."
            )
        out = np.ones(len(labels))
        for index, label in enumerate(labels):
            if label in weights:
                check_nonnegative(f"class_weight[{label!r}]", weights[label], finite=True)
                out[index] = float(weights[label])
        return out

    def _target_weights(self, y_net):
        if self.class_weight is None:
            return None
        return self.class_weight_[y_net]

    def _training_fit(self, data, y_net, weights):
        # The last epoch's loss, and that of the best constant prediction: under label
        # smoothing it predicts the smoothed class shares q = (1 - ls) * shares + ls / K,
        # and its loss is their entropy.
        ls = float(self.label_smoothing)
        counts = np.bincount(y_net, weights=weights, minlength=len(self.classes_))
        shares = counts / counts.sum()
        q = (1.0 - ls) * shares + ls / len(shares)
        q = q[q > 0]
        return float(self.history_[-1, "train_loss"]), float(-(q * np.log(q)).sum())

    def _n_outputs(self):
        return len(self.classes_)

    def _net_kwargs(self, n_outputs):
        return {
            "classes": list(range(n_outputs)),
            "criterion__label_smoothing": float(self.label_smoothing),
        }

    def fit(self, X, y, sample_weight=None):
        """Fit the network on a collection of series.

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Training series; a list may hold series of different lengths; NaN marks
            missing values.
        y : array-like of shape (n_cases,)
            Class labels of any type.
        sample_weight : array-like of shape (n_cases,), default=None
            Weight of each case in the loss (times its ``class_weight``); a case of
            weight 0 takes no part in the fit. With metadata routing enabled,
            ``set_fit_request(sample_weight=True)`` lets meta-estimators pass it.

        Returns
        -------
        self : object
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from aeon.datasets import load_basic_motions
        >>> from sklearn_bilstm_msa import BiLSTMMSAClassifier
        >>> X, y = load_basic_motions(split="train")
        >>> w = np.where(y == "running", 2.0, 1.0)  # running counts twice
        >>> clf = BiLSTMMSAClassifier(hidden_size=8, max_epochs=2, random_state=0)
        >>> clf.fit(X, y, sample_weight=w).predict(X[:2]).shape
        (2,)
        """
        return self._fit_series(X, y, sample_weight)

    def predict_proba(self, X):
        """Class probabilities of each series (channels as in fit).

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Series with the channel count seen in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_cases, n_classes)
            Columns follow ``classes_``; rows sum to one.
        """
        return self._net_output(X, "predict_proba")

    def predict(self, X):
        """Most probable class label of each series.

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Series with the channel count seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_cases,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def _attribution_targets(self, data, target):
        """Class indices (n_cases,) that ``feature_attributions`` explains, and that it
        explains probabilities."""
        if target is None:
            with isolated_torch_state(None, self.n_jobs):
                return self.net_.predict_proba(data.as_net_input()).argmax(axis=1), True
        labels = np.asarray(target)
        if labels.ndim == 0:
            labels = np.repeat(labels, data.n_cases)
        if labels.shape != (data.n_cases,):
            raise ValueError(
                f"target must be one class label or one per series ({data.n_cases}), "
                f"got an array of shape {labels.shape}."
            )
        unknown = ~np.isin(labels, self.classes_)
        if unknown.any():
            raise ValueError(
                f"target {labels[unknown][0].item()!r} is not a class of this classifier; "
                f"classes_ is {self.classes_.tolist()}."
            )
        return np.searchsorted(self.classes_, labels), True

    def _weights_extra(self):
        return {
            **super()._weights_extra(),
            "classes": self.classes_.tolist(),
            "classes_dtype": self.classes_.dtype.str,
        }

    def _restore_extra(self, payload):
        super()._restore_extra(payload)
        self.classes_ = np.asarray(payload["classes"], dtype=np.dtype(payload["classes_dtype"]))


class RegressorHeadMixin(RegressorMixin):
    """Regression: mean squared error on standardised targets, scaled back in ``predict``."""

    _net_class = SeriesNetRegressor
    _criterion = MemberMSELoss
    #: How a seed ensemble combines its members: the mean of their outputs.
    _ensemble_combine = "mean"
    _stratified_holdout = False
    #: The hold-out score recorded each epoch (``validation_scores_``): R^2.
    _validation_score = "valid_r2"

    def _scoring_callbacks(self, use_validation):
        return [r2_scoring()] if use_validation else []

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _check_y(self, y, n_cases, sample_weight=None):
        targets, one_d = check_targets(y, n_cases)
        if self._continues_fit():
            # The network goes on learning the targets as the first fit scaled them.
            if targets.shape[1] != len(self.target_mean_):
                raise ValueError(
                    "warm_start continues the fitted network, so y must hold the "
                    f"{len(self.target_mean_)} target(s) of the previous fit; it holds "
                    f"{targets.shape[1]}. Set warm_start=False to fit anew."
                )
        else:
            self._y_ndim = 1 if one_d else 2
            self.target_mean_, self.target_std_ = target_statistics(targets, sample_weight)
        return ((targets - self.target_mean_) / self.target_std_).astype(np.float32)

    def _training_fit(self, data, y_net, weights):
        # The mean squared error on every training case (the epoch losses leave out the
        # early-stopping hold-out), and that of predicting the mean, 0 after scaling.
        with isolated_torch_state(None, self.n_jobs):
            y_hat = self.net_.predict(data.as_net_input()).astype(np.float64)
        y_hat = y_hat.reshape(y_net.shape)
        errors = np.mean((y_hat - y_net) ** 2, axis=1)
        spread = np.mean(y_net.astype(np.float64) ** 2, axis=1)
        return float(np.average(errors, weights=weights)), float(
            np.average(spread, weights=weights)
        )

    def _n_outputs(self):
        return len(self.target_mean_)

    def fit(self, X, y, sample_weight=None):
        """Fit the network on a collection of series.

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Training series; a list may hold series of different lengths; NaN marks
            missing values.
        y : array-like of shape (n_cases,) or (n_cases, n_targets)
            Real-valued targets.
        sample_weight : array-like of shape (n_cases,), default=None
            Weight of each case in the loss and in the target standardisation; a case
            of weight 0 takes no part in the fit. With metadata routing enabled,
            ``set_fit_request(sample_weight=True)`` lets meta-estimators pass it.

        Returns
        -------
        self : object
            The fitted estimator.

        Examples
        --------
        The first ten cases take no part; the later ones count more and more:

        >>> from aeon.datasets import load_covid_3month
        >>> from sklearn_bilstm_msa import BiLSTMMSARegressor
        >>> X, y = load_covid_3month(split="train")
        >>> reg = BiLSTMMSARegressor(hidden_size=8, max_epochs=2, random_state=0)
        >>> _ = reg.fit(X, y, sample_weight=[0] * 10 + list(range(1, len(y) - 9)))
        >>> len(reg.loss_curve_)
        2
        """
        return self._fit_series(X, y, sample_weight)

    def predict(self, X):
        """Predicted targets of each series (channels as in fit).

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Series with the channel count seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_cases,) or (n_cases, n_targets)
            In the shape of the ``y`` given to ``fit``: 1-D for a 1-D ``y``.
        """
        y_pred = self._net_output(X, "predict") * self.target_std_ + self.target_mean_
        return y_pred[:, 0] if self._y_ndim == 1 else y_pred

    def _attribution_targets(self, data, target):
        """Target indices (n_cases,) that ``feature_attributions`` explains (values)."""
        n_targets = len(self.target_mean_)
        if target is None:
            if n_targets > 1:
                raise ValueError(
                    f"This regressor predicts {n_targets} targets; pass target=<index> "
                    f"(0 to {n_targets - 1}) to say which one to explain."
                )
            target = 0
        if (
            isinstance(target, bool)
            or not isinstance(target, numbers.Integral)
            or not 0 <= target < n_targets
        ):
            raise ValueError(
                f"target must be the index of a target, 0 to {n_targets - 1}, got {target!r}."
            )
        return np.full(data.n_cases, int(target)), False

    def _weights_extra(self):
        return {
            **super()._weights_extra(),
            "target_mean": torch.as_tensor(self.target_mean_),
            "target_std": torch.as_tensor(self.target_std_),
            "y_ndim": self._y_ndim,
        }

    def _restore_extra(self, payload):
        super()._restore_extra(payload)
        self.target_mean_ = payload["target_mean"].numpy()
        self.target_std_ = payload["target_std"].numpy()
        self._y_ndim = payload["y_ndim"]
