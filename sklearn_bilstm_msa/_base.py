"""``_BaseBiLSTMMSA``: BiLSTM-MSA as a model of the estimator machinery.

The parameters of the paper's network (and of our front-end and seed ensemble), their
validation, what is learned from the training data to build the network (the
front-end's stride), the module itself (:class:`BiLSTMMSANetwork` or a
:class:`SeedEnsemble` of them), its attention weights and its ONNX export. Fitting,
predicting, attributions and weights files come from the shared machinery
(``_estimator.py``, ``_inspection.py``, ``_weights.py``); the classifier and the
regressor add their head (``_heads.py``).
"""

import numpy as np

from ._data import check_window_sizes, difference_scale
from ._defaults import auto_n_estimators, auto_stem_dilations, auto_stem_stride
from ._estimator import NORMALIZE_MODES, SeriesNetEstimator
from ._inspection import AttentionMixin, AttributionMixin
from ._network import CONTEXT_MODES, BiLSTMMSANetwork, SeedEnsemble
from ._params import check_positive_int
from ._stems import DILATED_STEMS, STEM_CLASSES, STEM_POOLS
from ._weights import WeightsFileMixin, _tensor_or_none

__all__ = ["_BaseBiLSTMMSA"]


class _BaseBiLSTMMSA(AttentionMixin, AttributionMixin, WeightsFileMixin, SeriesNetEstimator):
    """BiLSTM-MSA's parameters and network, shared by :class:`BiLSTMMSAClassifier` and
    :class:`BiLSTMMSARegressor` (which add a head from ``_heads.py``)."""

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
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        callbacks=None,
        missing_indicator=False,
        difference=False,
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.window_sizes = window_sizes
        self.context = context
        self.stem = stem
        self.stem_stride = stem_stride
        self.stem_pool = stem_pool
        self.stem_skip = stem_skip
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
        self.warm_start = warm_start
        self.callbacks = callbacks
        self.missing_indicator = missing_indicator
        self.difference = difference

    #: The network computes the per-step view itself (:class:`InputViews`); "mixed" is
    #: a seed ensemble whose members read "step+channel" and "channel" in turn.
    _normalize_modes = (*NORMALIZE_MODES, "step+channel", "mixed")

    # --------------------------------------------------------------- the model

    def _check_module_params(self):
        check_positive_int("hidden_size", self.hidden_size)
        check_positive_int("n_estimators", self.n_estimators, allow_auto=True)
        if self.num_layers != 0:  # 0: no recurrent encoder (the front-end-alone ablation)
            check_positive_int("num_layers", self.num_layers)
        stems = (*STEM_CLASSES, None)  # None: no front-end, the paper's model
        if self.stem not in stems:
            raise ValueError(f"stem must be one of {stems}, got {self.stem!r}.")
        check_positive_int("stem_stride", self.stem_stride, allow_auto=True)
        if self.stem_pool not in STEM_POOLS:
            raise ValueError(f"stem_pool must be one of {STEM_POOLS}, got {self.stem_pool!r}.")
        if not isinstance(self.stem_skip, (bool, np.bool_)):
            raise ValueError(f"stem_skip must be True or False, got {self.stem_skip!r}.")
        if self.stem_skip and self.stem is None:
            raise ValueError("stem_skip=True needs a front-end: set stem (e.g. 'dilated+conv').")
        if self.context not in CONTEXT_MODES:
            raise ValueError(f"context must be one of {CONTEXT_MODES}, got {self.context!r}.")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}.")
        check_window_sizes(self.window_sizes)
        if not isinstance(self.difference, (bool, np.bool_)):
            raise ValueError(f"difference must be True or False, got {self.difference!r}.")

    def _fit_module_attributes(self, data, weights=None):
        self.window_sizes_ = check_window_sizes(self.window_sizes)
        self.stem_stride_ = self._fitted_stem_stride(data.lengths)
        dilated = self.stem in DILATED_STEMS
        self.stem_dilations_ = auto_stem_dilations(data.lengths) if dilated else None
        self.n_estimators_ = (
            auto_n_estimators(data.n_cases)
            if self.n_estimators == "auto"
            else int(self.n_estimators)
        )
        self.difference_scale_ = (
            difference_scale(data, self.n_channels_, weights) if self.difference else None
        )

    def _fitted_stem_stride(self, lengths):
        """The front-end's shortening factor for training series of these ``lengths``
        (``None`` without a stem)."""
        if self.stem is None:
            return None
        if self.stem_stride == "auto":
            return auto_stem_stride(lengths)
        return int(self.stem_stride)

    def _module_spec(self, n_outputs):
        """The network class and its ``module__`` parameters."""
        params = {
            "n_channels": self._n_net_channels(),
            "n_outputs": n_outputs,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "window_sizes": self.window_sizes_,
            "dropout": self.dropout,
            "context": self.context,
            "stem_stride": self.stem_stride_,
            **self._input_views(),
        }
        if self.stem_stride_ is not None:
            params["stem"] = self.stem
            params["stem_pool"] = self.stem_pool
            params["stem_skip"] = bool(self.stem_skip)
        if getattr(self, "stem_dilations_", None) is not None:
            params["stem_dilations"] = self.stem_dilations_
        if self.n_estimators_ == 1:
            return BiLSTMMSANetwork, params
        extra = {"n_estimators": self.n_estimators_, "combine": self._ensemble_combine}
        if self.normalize_ == "mixed":
            extra["member_params"] = self._member_views_params()
        return SeedEnsemble, {**extra, **params}

    def _member_views_params(self):
        """``normalize_="mixed"``: the members read both views and the per-channel view
        alone in turn (members 0, 2, 4, ... both; 1, 3, ... without the per-step view)."""
        channel_only = {"step_shift": None, "step_scale": None}
        return [{} if m % 2 == 0 else channel_only for m in range(self.n_estimators_)]

    def _input_views(self):
        """The :class:`InputViews` arguments of the fitted standardisation and
        ``difference``: the per-step statistics restated in units of the per-channel
        standardised input the net reads, ``a = (m_t - m) / s`` and ``b = s_t / s``."""
        views = {}
        if getattr(self, "step_mean_", None) is not None:
            views["step_shift"] = (self.step_mean_ - self.channel_mean_) / self.channel_std_
            views["step_scale"] = self.step_std_ / self.channel_std_
        if getattr(self, "difference_scale_", None) is not None:
            views["difference_scale"] = self.difference_scale_
        return views

    def _convergence_levers(self):
        levers = super()._convergence_levers()
        if self.context == "sum":
            levers.insert(0, "context='normalized'")
        if self.stem is None:
            levers.insert(0, "the convolutional front-end (stem='conv')")
        return levers

    # ------------------------------------------------------------- persistence

    def _weights_extra(self):
        return {
            **super()._weights_extra(),
            "stem_stride": self.stem_stride_,
            "n_estimators": self.n_estimators_,
            "stem_dilations": getattr(self, "stem_dilations_", None),
            "difference_scale": _tensor_or_none(getattr(self, "difference_scale_", None)),
        }

    def _restore_extra(self, payload):
        super()._restore_extra(payload)
        self.window_sizes_ = check_window_sizes(self.window_sizes)
        self.stem_stride_ = payload.get("stem_stride")
        # Files from before n_estimators="auto" hold the member count as the parameter.
        self.n_estimators_ = int(payload.get("n_estimators", self.n_estimators))
        dilations = payload.get("stem_dilations")
        self.stem_dilations_ = None if dilations is None else tuple(dilations)
        scale = payload.get("difference_scale")
        self.difference_scale_ = None if scale is None else scale.numpy()

    @classmethod
    def _params_from_weights(cls, params):
        # Files from before the front-end and the ensemble hold the paper's single model.
        params.setdefault("stem", None)
        params.setdefault("n_estimators", 1)
        params.setdefault("difference", False)
        params.setdefault("stem_pool", "mean")
        params.setdefault("stem_skip", False)
        return params

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
