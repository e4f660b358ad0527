"""BiLSTM with multi-scale attention (Yang et al., 2025) as a scikit-learn estimator.

Public API: :class:`BiLSTMMSAClassifier` and :class:`BiLSTMMSARegressor` (one network
and training set-up, two heads), the torch module :class:`BiLSTMMSANetwork` and its
parts, :func:`load_weights` (a weights file back as the estimator that wrote it), and
:func:`plot_attention` and :func:`plot_explanation` (need the ``viz`` extra). aeon
users import the aeon estimators from :mod:`sklearn_bilstm_msa.aeon`.
"""

from ._classifier import BiLSTMMSAClassifier
from ._network import (
    BiLSTMEncoder,
    BiLSTMMSANetwork,
    ConvStem,
    MultiScaleAttention,
    SeedEnsemble,
)
from ._persistence import load_weights
from ._regressor import BiLSTMMSARegressor
from .plotting import plot_attention, plot_explanation

__version__ = "0.1.0"

__all__ = [
    "BiLSTMMSAClassifier",
    "BiLSTMMSARegressor",
    "BiLSTMEncoder",
    "BiLSTMMSANetwork",
    "ConvStem",
    "MultiScaleAttention",
    "SeedEnsemble",
    "load_weights",
    "plot_attention",
    "plot_explanation",
    "__version__",
]
