"""aeon estimators: BiLSTM-MSA for aeon's pipelines, ensembles, benchmarks and checks.

:class:`AeonBiLSTMMSAClassifier` (an aeon ``BaseClassifier``) and
:class:`AeonBiLSTMMSARegressor` (an aeon ``BaseRegressor``) take the same
hyper-parameters as :class:`~sklearn_bilstm_msa.BiLSTMMSAClassifier` and
:class:`~sklearn_bilstm_msa.BiLSTMMSARegressor`. aeon's base class checks and
converts the input and handles the labels; ``_fit`` then fits the scikit-learn
estimator with the same parameters and keeps it as ``estimator_``, so there is
one network, one data path and one training set-up.
"""

import numpy as np
from aeon.classification.base import BaseClassifier
from aeon.regression.base import BaseRegressor
from aeon.utils.validation import check_n_jobs

from ._classifier import BiLSTMMSAClassifier
from ._params import fill_shared_doc
from ._regressor import BiLSTMMSARegressor

__all__ = ["AeonBiLSTMMSAClassifier", "AeonBiLSTMMSARegressor"]


class _AeonFacade:
    """The hyper-parameters of the scikit-learn estimator, and ``_fit`` through it.

    Mixed in before aeon's base class; a subclass sets ``_estimator_class``.
    """

    _estimator_class = None

    _tags = {
        "capability:multivariate": True,
        "capability:unequal_length": True,
        # NaN is a missing value: interpolated within its series (and marked in an
        # indicator channel with missing_indicator=True), as the scikit-learn estimator does.
        "capability:missing_values": True,
        # n_jobs: a seed ensemble's members in processes side by side, else torch's
        # CPU threads inside fit and predict.
        "capability:multithreading": True,
        # Unequal-length collections stay a list of 2-D arrays; no padding by aeon.
        "X_inner_type": ["np-list", "numpy3D"],
        "algorithm_type": "deeplearning",
        "python_dependencies": ["torch", "skorch"],
        # With a fixed random_state, CPU fits are bit-for-bit repeatable; it pickles.
        "non_deterministic": False,
        "cant_pickle": False,
    }

    def __init__(
        self,
        hidden_size=64,
        num_layers=1,
        bidirectional=True,
        window_sizes=(3, 7, 15),
        context="sum",
        stem=None,
        stem_stride="auto",
        stem_pool="mean",
        stem_skip=False,
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
        n_jobs=1,
        random_state=None,
        verbose=0,
        warm_start=False,
        callbacks=None,
        missing_indicator=False,
        difference=False,
    ):
        self._store_parameters(locals())
        super().__init__()

    def _store_parameters(self, arguments):
        # Stored unchanged under the scikit-learn estimator's names (aeon and sklearn
        # read them back by name); _fit hands them over as they are.
        vars(self).update({k: v for k, v in arguments.items() if k not in ("self", "__class__")})

    def reset(self, keep=None):
        # aeon's fit starts with reset(), which drops every fitted attribute; with
        # warm_start the fitted scikit-learn estimator stays, so fit continues it.
        if getattr(self, "warm_start", False) and hasattr(self, "estimator_"):
            kept = [keep] if isinstance(keep, str) else list(keep or [])
            keep = [*kept, "estimator_"]
        return super().reset(keep=keep)

    def _fit(self, X, y):
        self._n_jobs = check_n_jobs(self.n_jobs)
        params = self.get_params(deep=False)
        if self.warm_start and hasattr(self, "estimator_"):
            self.estimator_ = self.estimator_.set_params(**params).fit(X, y)
        else:
            self.estimator_ = self._estimator_class(**params).fit(X, y)
        return self

    def attention_weights(self, X, *, members=False):
        """Per-scale attention weights of each step (see the scikit-learn estimator's
        ``attention_weights``): an array ``(n_cases, n_scales, n_timepoints)``, or a
        list of ``(n_scales, n_timepoints_i)`` arrays for unequal-length input; a seed
        ensemble's mean over its members, or each member's with ``members=True``."""
        self._check_is_fitted()
        X = self._preprocess_collection(X, store_metadata=False)
        self._check_shape(X)
        return self.estimator_.attention_weights(X, members=members)

    @classmethod
    def _get_test_params(cls, parameter_set="default"):
        """Tiny settings: aeon's checks test behaviour, not accuracy."""
        return {"hidden_size": 4, "max_epochs": 2, "batch_size": 8, "random_state": 0}


@fill_shared_doc(holdout="stratified", classifier=True)
class AeonBiLSTMMSAClassifier(_AeonFacade, BaseClassifier):
    """BiLSTM with multi-scale attention as an aeon classifier.

    aeon's face of :class:`~sklearn_bilstm_msa.BiLSTMMSAClassifier`: the same
    parameters (``n_jobs`` defaults to 1, aeon's convention, which is what
    ``None`` means there) and the same model; it works in aeon's
    ``ClassifierPipeline``, ensembles and benchmarking tools and declares its
    capabilities (multivariate, unequal length) as aeon tags.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels; ``predict_proba`` columns follow them.
    n_classes_ : int
        Number of classes.
    estimator_ : BiLSTMMSAClassifier
        The fitted scikit-learn estimator (network as ``estimator_.net_``).

    See Also
    --------
    sklearn_bilstm_msa.BiLSTMMSAClassifier : The scikit-learn estimator.
    AeonBiLSTMMSARegressor : The aeon regressor.

    Examples
    --------
    >>> from aeon.classification.compose import ClassifierPipeline
    >>> from aeon.datasets import load_japanese_vowels
    >>> from aeon.transformations.collection import Normalizer
    >>> from sklearn_bilstm_msa.aeon import AeonBiLSTMMSAClassifier
    >>> X, y = load_japanese_vowels(split="train")  # unequal lengths: a list
    >>> clf = AeonBiLSTMMSAClassifier(hidden_size=8, max_epochs=2, random_state=0)
    >>> pipe = ClassifierPipeline([Normalizer()], clf).fit(X, y)
    >>> pipe.predict(X[:3]).shape
    (3,)

    Class weights, missing values (``capability:missing_values``) and a warm start:

    >>> clf = AeonBiLSTMMSAClassifier(
    ...     hidden_size=8, max_epochs=2, class_weight="balanced", warm_start=True, random_state=0
    ... )
    >>> X_gaps = [x.copy() for x in X]
    >>> X_gaps[0][3, :4] = float("nan")
    >>> clf.fit(X_gaps, y).fit(X_gaps, y).estimator_.n_iter_
    4
    """

    _estimator_class = BiLSTMMSAClassifier

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
        n_jobs=1,
        random_state=None,
        verbose=0,
        class_weight=None,
        warm_start=False,
        callbacks=None,
        missing_indicator=False,
        difference=True,
    ):
        # The shared parameters plus the classifier's label_smoothing and class_weight;
        # aeon's own BaseClassifier.__init__ comes after _AeonFacade's in the MRO.
        self._store_parameters(locals())
        BaseClassifier.__init__(self)

    def _predict_proba(self, X):
        proba = self.estimator_.predict_proba(X)
        # aeon's classes_ and the estimator's are both the sorted labels of y; map
        # explicitly all the same, so the columns follow aeon's classes_ by contract.
        return proba[:, np.searchsorted(self.estimator_.classes_, self.classes_)]

    def _predict(self, X):
        return self.classes_[np.argmax(self._predict_proba(X), axis=1)]


@fill_shared_doc(holdout="at random")
class AeonBiLSTMMSARegressor(_AeonFacade, BaseRegressor):
    """BiLSTM with multi-scale attention as an aeon regressor.

    aeon's face of :class:`~sklearn_bilstm_msa.BiLSTMMSARegressor` (one target,
    as aeon's regressors take): the same parameters (``n_jobs`` defaults to 1,
    aeon's convention) and the same model, for aeon's pipelines and tools.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    estimator_ : BiLSTMMSARegressor
        The fitted scikit-learn estimator (network as ``estimator_.net_``).

    See Also
    --------
    sklearn_bilstm_msa.BiLSTMMSARegressor : The scikit-learn estimator.
    AeonBiLSTMMSAClassifier : The aeon classifier.

    Examples
    --------
    >>> from aeon.datasets import load_covid_3month
    >>> from sklearn_bilstm_msa.aeon import AeonBiLSTMMSARegressor
    >>> X, y = load_covid_3month(split="train")
    >>> reg = AeonBiLSTMMSARegressor(hidden_size=8, max_epochs=2, random_state=0)
    >>> reg.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    _estimator_class = BiLSTMMSARegressor

    def _predict(self, X):
        return self.estimator_.predict(X)
