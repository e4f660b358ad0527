"""``BiLSTMMSAClassifier``: the scikit-learn estimator around the torch module."""

import numbers

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelEncoder

from ._base import FLOAT32_BATCH_DEPENDENCE, _BaseBiLSTMMSA, fill_shared_doc
from ._data import check_labels
from ._training import MemberCrossEntropyLoss, SeriesNetClassifier, isolated_torch_state

__all__ = ["BiLSTMMSAClassifier"]

_ANY_LENGTH = (
    "a 2-D X is a collection of univariate series, and predict accepts series of any "
    "length (aeon's convention), so X with fewer or more columns than in fit, or X.T, is "
    "valid input rather than an error; the rest of this check runs in tests/test_estimator.py"
)

#: scikit-learn checks that contradict the time-series input contract or float32
#: arithmetic, with the reason. Pass to
#: ``parametrize_with_checks(..., expected_failed_checks=expected_failed_checks)``.
EXPECTED_FAILED_CHECKS = {
    "check_n_features_in_after_fitting": _ANY_LENGTH,
    "check_classifiers_train": _ANY_LENGTH,
    "check_methods_subset_invariance": FLOAT32_BATCH_DEPENDENCE,
    "check_methods_sample_order_invariance": FLOAT32_BATCH_DEPENDENCE,
}


#: ``__init__`` arguments that are not shared parameters of ``_BaseBiLSTMMSA``.
_OWN_ARGUMENTS = ("self", "__class__", "label_smoothing")


def expected_failed_checks(estimator):
    """scikit-learn checks that :class:`BiLSTMMSAClassifier` fails by design, with reasons."""
    return dict(EXPECTED_FAILED_CHECKS)


@fill_shared_doc(holdout="stratified", net="NeuralNetClassifier", classifier=True)
class BiLSTMMSAClassifier(ClassifierMixin, _BaseBiLSTMMSA):
    """BiLSTM with multi-scale local attention for time series classification.

    The model of Yang et al. (2025), arXiv 2504.15223: a bidirectional LSTM
    encodes the series, ``S`` attention scales pool its hidden states with a
    softmax over a local window of each scale's width, and a linear head
    classifies the concatenated context vectors. By default a small learned
    convolutional front-end reads the series first and shortens long ones to about
    32 steps (``stem="conv"``), and series of equal length that share one shape
    are standardised step by step (``normalize="auto"``); ``stem=None,
    normalize="channel"`` is the paper's model exactly. Training runs through a
    skorch ``NeuralNetClassifier`` (kept as ``net_``). The default recipe, chosen by
    cross-validation on training splits only (``docs/experiments/``): AdamW at
    ``lr=5e-3`` annealed to 0 over ``max_epochs`` by a cosine schedule, batches of
    a tenth of the cases (4 to 32), label smoothing 0.1, gradient clipping, and
    no hold-out (``augment_scale`` and ``augment_noise`` add scaling and jitter of
    the training batches; off by default, as they did not help in CV). Set
    ``validation_fraction`` for early stopping with best-weights restore on a
    stratified hold-out of the *training* data.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    %(attributes)s

    See Also
    --------
    sklearn_bilstm_msa.BiLSTMMSANetwork : The torch module.
    sklearn_bilstm_msa.plot_attention : Heat map of :meth:`attention_weights`.

    Examples
    --------
    >>> from aeon.datasets import load_basic_motions
    >>> from sklearn_bilstm_msa import BiLSTMMSAClassifier
    >>> X, y = load_basic_motions(split="train")
    >>> clf = BiLSTMMSAClassifier(hidden_size=16, max_epochs=3, random_state=0)
    >>> clf.fit(X, y).predict(X[:2]).shape
    (2,)
    >>> clf.attention_weights(X[:2]).shape  # (n_cases, n_scales, n_timepoints)
    (2, 3, 100)
    """

    _net_class = SeriesNetClassifier
    _criterion = MemberCrossEntropyLoss
    _ensemble_combine = "proba"
    _stratified_holdout = True
    _weights_format = "sklearn-bilstm-msa/weights/1"

    def __init__(
        self,
        hidden_size=64,
        num_layers=1,
        bidirectional=True,
        window_sizes=(3, 7, 15),
        context="sum",
        stem="conv",
        stem_stride="auto",
        n_estimators=1,
        dropout=0.1,
        max_epochs=100,
        batch_size="auto",
        bucket_by_length=True,
        lr=5e-3,
        lr_schedule="cosine",
        weight_decay=1e-4,
        label_smoothing=0.1,
        augment_scale=0.0,
        augment_noise=0.0,
        validation_fraction=None,
        patience=10,
        gradient_clip=1.0,
        normalize="auto",
        device="auto",
        precision="float32",
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        # The shared parameters go to the base class; label_smoothing is the classifier's.
        shared = {k: v for k, v in locals().items() if k not in _OWN_ARGUMENTS}
        super().__init__(**shared)
        self.label_smoothing = label_smoothing

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

    # --------------------------------------------------------------------- fit

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
        self : BiLSTMMSAClassifier
            The fitted estimator.
        """
        return self._fit_series(X, y)

    # ----------------------------------------------------------------- predict

    def predict_proba(self, X):
        """Class probabilities of each series (any length; channels as in fit).

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Series of any length, with the channel count seen in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_cases, n_classes)
            Columns follow ``classes_``; rows sum to one.
        """
        return self._net_output(X, "predict_proba")

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

    def predict(self, X):
        """Most probable class label of each series.

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Series of any length, with the channel count seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_cases,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    # ------------------------------------------------------------- persistence

    def _weights_extra(self):
        return {"classes": self.classes_.tolist(), "classes_dtype": self.classes_.dtype.str}

    def _restore_extra(self, payload):
        self.classes_ = np.asarray(payload["classes"], dtype=np.dtype(payload["classes_dtype"]))
