"""BiLSTM with multi-scale attention (Yang et al., 2025) as a scikit-learn estimator.

Public API: :class:`BiLSTMMSAClassifier` and :class:`BiLSTMMSARegressor` (one network
and training set-up, two heads), the torch module :class:`BiLSTMMSANetwork` and its
parts, :func:`load_weights` (a weights file back as the estimator that wrote it), and
:func:`plot_attention` and :func:`plot_explanation` (need the ``viz`` extra). aeon
users import the aeon estimators from :mod:`sklearn_bilstm_msa.aeon`.

The names are imported on first use (torch with them), so that the ``bilstm-msa``
command answers ``--help`` without importing torch.
"""

from ._lazy import lazy_attributes

__version__ = "0.1.0"

_WHERE = {
    "_classifier": "BiLSTMMSAClassifier",
    "_regressor": "BiLSTMMSARegressor",
    "_network": "BiLSTMEncoder BiLSTMMSANetwork MultiScaleAttention SeedEnsemble",
    "_stems": "ConvStem DilatedConvStem InceptionStem",
    "_persistence": "load_weights",
    "plotting": "plot_attention plot_explanation",
}

__all__ = [
    "BiLSTMMSAClassifier",
    "BiLSTMMSARegressor",
    "BiLSTMEncoder",
    "BiLSTMMSANetwork",
    "ConvStem",
    "DilatedConvStem",
    "InceptionStem",
    "MultiScaleAttention",
    "SeedEnsemble",
    "load_weights",
    "plot_attention",
    "plot_explanation",
    "__version__",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
