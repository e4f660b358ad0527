"""``BiLSTMMSAClassifier``: the scikit-learn estimator around the torch module."""

from ._base import _BaseBiLSTMMSA
from ._estimator import FLOAT32_BATCH_DEPENDENCE, SAMPLE_WEIGHT_REPETITION
from ._heads import ClassifierHeadMixin
from ._params import fill_shared_doc
from ._view_choice import view_candidate

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
    "check_sample_weight_equivalence_on_dense_data": SAMPLE_WEIGHT_REPETITION,
}


#: ``__init__`` arguments that are not shared parameters of ``_BaseBiLSTMMSA``.
_OWN_ARGUMENTS = ("self", "__class__", "label_smoothing", "class_weight")


def expected_failed_checks(estimator):
    """scikit-learn checks that :class:`BiLSTMMSAClassifier` fails by design, with reasons."""
    return dict(EXPECTED_FAILED_CHECKS)


@fill_shared_doc(holdout="stratified", net="NeuralNetClassifier", classifier=True)
class BiLSTMMSAClassifier(ClassifierHeadMixin, _BaseBiLSTMMSA):
    """BiLSTM with multi-scale local attention for time series classification.

    The model of Yang et al. (2025), arXiv 2504.15223: a bidirectional LSTM
    encodes the series, ``S`` attention scales pool its hidden states with a
    softmax over a local window of each scale's width, and a linear head
    classifies the concatenated context vectors. By default a small learned
    convolutional front-end, width-7 filters at dilation one beside dilated ones
    (spans up to the series' length), reads the series first and shortens long ones
    to about 32 steps, in windows of at most 16 steps up to about 64 steps
    (``stem="dilated+conv"``, ``stem_stride="auto"``), the network reads each channel's
    first difference beside it (``difference=True``), series of equal length that share
    one shape both per step and per channel (``normalize="auto"``), and training sets of
    at most 100 cases get a seed ensemble of five networks (``n_estimators="auto"``);
    ``stem=None, normalize="channel", difference=False, n_estimators=1`` is the
    paper's model exactly. Training runs through a
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
    class_weight_ : ndarray of shape (n_classes,)
        The weight of each class in the loss (ones without ``class_weight``).
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
    >>> clf.n_estimators_  # 40 training cases: n_estimators="auto" trains five networks
    5
    >>> clf.attention_weights(X[:2]).shape  # (n_cases, n_scales, n_timepoints): the members' mean
    (2, 3, 100)
    >>> clf.attention_weights(X[:2], members=True).shape  # each member's own
    (2, 5, 3, 100)

    Class weights, a skorch callback, a warm start and the training curves:

    >>> from skorch.callbacks import EpochScoring
    >>> bacc = EpochScoring("balanced_accuracy", False, on_train=True, name="train_bacc")
    >>> clf = BiLSTMMSAClassifier(
    ...     hidden_size=8, max_epochs=2, class_weight="balanced", callbacks=[("bacc", bacc)],
    ...     warm_start=True, random_state=0,
    ... ).fit(X, y)
    >>> clf.fit(X, y).n_iter_, len(clf.loss_curve_), len(clf.history_[:, "train_bacc"])
    (4, 4, 4)

    Missing values (NaN) are interpolated within their series (and marked in an
    indicator channel with ``missing_indicator=True``):

    >>> X_gaps = X.copy()
    >>> X_gaps[:5, 2, 40:60] = float("nan")
    >>> clf = BiLSTMMSAClassifier(hidden_size=8, max_epochs=2, missing_indicator=True)
    >>> clf.fit(X_gaps, y).indicator_channels_
    array([2])
    """

    _weights_format = "sklearn-bilstm-msa/weights/1"

    #: Series that share one shape are read both per step and per channel (issue 18);
    #: with ``normalize="cv"``, that or per channel alone, as cross-validation on the
    #: training split says (issue 35).
    _shared_shape_normalize = "step+channel"
    _view_choices = ("channel",)
    _normalize_modes = (*_BaseBiLSTMMSA._normalize_modes, "cv")

    def __init__(
        self,
        hidden_size=64,
        num_layers=1,
        bidirectional=True,
        window_sizes=(3, 7, 15),
        context="sum",
        stem="dilated+conv",
        stem_stride="auto",
        stem_pool="mean",
        stem_skip=False,
        n_estimators="auto",
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
        class_weight=None,
        warm_start=False,
        callbacks=None,
        missing_indicator=False,
        difference=True,
    ):
        # The shared parameters go to the base class; label_smoothing and class_weight
        # are the classifier's.
        shared = {k: v for k, v in locals().items() if k not in _OWN_ARGUMENTS}
        super().__init__(**shared)
        self.label_smoothing = label_smoothing
        self.class_weight = class_weight

    def _view_candidate(self, view, seed):
        # The class weights are in the case weights the view's folds are fitted with.
        return view_candidate(self, view, seed, class_weight=None)
