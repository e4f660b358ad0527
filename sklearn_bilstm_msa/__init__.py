"""BiLSTM with multi-scale attention (Yang et al., 2025) as a scikit-learn estimator.

Public API: :class:`BiLSTMMSAClassifier`, the torch module :class:`BiLSTMMSANetwork`
and its parts, and :func:`plot_attention` (needs the ``viz`` extra).
"""

from ._classifier import BiLSTMMSAClassifier
from ._network import BiLSTMEncoder, BiLSTMMSANetwork, MultiScaleAttention
from .plotting import plot_attention

__version__ = "0.1.0"

__all__ = [
    "BiLSTMMSAClassifier",
    "BiLSTMEncoder",
    "BiLSTMMSANetwork",
    "MultiScaleAttention",
    "plot_attention",
    "__version__",
]
