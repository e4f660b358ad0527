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

from ._data import check_labels, check_targets, target_statistics
from ._training import (
    MemberCrossEntropyLoss,
    MemberMSELoss,
    SeriesNetClassifier,
    SeriesNetRegressor,
    isolated_torch_state,
)

__all__ = ["ClassifierHeadMixin", "RegressorHeadMixin"]


class ClassifierHeadMixin(ClassifierMixin):
    """Classification: cross-entropy on label codes, ``classes_``, ``predict_proba``.

    The estimator stores ``label_smoothing`` (an ``__init__`` argument).
    """

    _net_class = SeriesNetClassifier
    _criterion = MemberCrossEntropyLoss
    #: How a seed ensemble combines its members: the mean of their probabilities.
    _ensemble_combine = "proba"
    _stratified_holdout = True

    def _check_params(self):
        ls = self.label_smoothing
        if isinstance(ls, bool) or not isinstance(ls, numbers.Real) or not 0.0 <= ls < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), got {ls!r}.")
        return super()._check_params()

    def _check_y(self, y, n_cases):
        y = check_labels(y, n_cases)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        codes = encoder.transform(y).astype(np.int64)
        self._class_shares = np.bincount(codes, minlength=len(self.classes_)) / len(codes)
        return codes

    def _training_fit(self, data, y_net):
        # The last epoch's loss, and that of the best constant prediction: under label
        # smoothing it predicts the smoothed class shares q = (1 - ls) * shares + ls / K,
        # and its loss is their entropy.
        ls = float(self.label_smoothing)
        q = (1.0 - ls) * self._class_shares + ls / len(self._class_shares)
        q = q[q > 0]
        return float(self.history_[-1, "train_loss"]), float(-(q * np.log(q)).sum())

    def _n_outputs(self):
        return len(self.classes_)

    def _net_kwargs(self, n_outputs):
        return {
            "classes": list(range(n_outputs)),
            "criterion__label_smoothing": float(self.label_smoothing),
        }

    def fit(self, X, y):
        """Fit the network on a collection of series.

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Training series; a list may hold series of different lengths.
        y : array-like of shape (n_cases,)
            Class labels of any type.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit_series(X, y)

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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _check_y(self, y, n_cases):
        targets, one_d = check_targets(y, n_cases)
        self._y_ndim = 1 if one_d else 2
        self.target_mean_, self.target_std_ = target_statistics(targets)
        return ((targets - self.target_mean_) / self.target_std_).astype(np.float32)

    def _training_fit(self, data, y_net):
        # The mean squared error on every training case (the epoch losses leave out the
        # early-stopping hold-out), and that of predicting the mean, 0 after scaling.
        with isolated_torch_state(None, self.n_jobs):
            y_hat = self.net_.predict(data.as_net_input()).astype(np.float64)
        y_hat = y_hat.reshape(y_net.shape)
        return float(np.mean((y_hat - y_net) ** 2)), float(np.mean(y_net.astype(np.float64) ** 2))

    def _n_outputs(self):
        return len(self.target_mean_)

    def fit(self, X, y):
        """Fit the network on a collection of series.

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Training series; a list may hold series of different lengths.
        y : array-like of shape (n_cases,) or (n_cases, n_targets)
            Real-valued targets.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit_series(X, y)

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
