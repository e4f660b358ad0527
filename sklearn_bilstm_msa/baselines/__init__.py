"""The paper's four baselines as torch modules: Informer, TimesNet, FEDformer, TSMixer.

Yang et al. (2025) compare BiLSTM + multi-scale attention with these four. Each
network takes ``(n_channels, n_outputs, seq_len, **hyperparameters)`` and maps
``forward(x, lengths)`` of float32 ``x`` (N, T, C), right-padded, and int64
``lengths`` (N,) to logits (N, n_outputs), like
:class:`~sklearn_bilstm_msa._network.BiLSTMMSANetwork`, so skorch builds them with
``module=InformerNetwork, module__n_channels=..., module__seq_len=...``.

They flatten over time, as TSLib's classifiers do, so they are built for series of at
most ``seq_len`` steps (the longest training series): each batch is zero-padded (or
trimmed of padding) to ``seq_len`` steps with every step at/after a series' length
set to zero, and a longer series raises ``ValueError``. Each module's docstring lists
where it departs from TSLib (or, for TSMixer, from the paper).
"""

from ._estimator import (
    FEDformerClassifier,
    InformerClassifier,
    TimesNetClassifier,
    TSMixerClassifier,
)
from .fedformer import FEDformerNetwork
from .informer import InformerNetwork
from .timesnet import TimesNetNetwork
from .tsmixer import TSMixerNetwork

__all__ = [
    "BASELINE_CLASSIFIERS",
    "BASELINE_DEFAULTS",
    "BASELINE_NETWORKS",
    "FEDformerClassifier",
    "FEDformerNetwork",
    "InformerClassifier",
    "InformerNetwork",
    "TSMixerClassifier",
    "TSMixerNetwork",
    "TimesNetClassifier",
    "TimesNetNetwork",
]

#: Model name -> scikit-learn classifier (the package's estimator machinery).
BASELINE_CLASSIFIERS = {
    "Informer": InformerClassifier,
    "TimesNet": TimesNetClassifier,
    "FEDformer": FEDformerClassifier,
    "TSMixer": TSMixerClassifier,
}

#: Model name -> network class.
BASELINE_NETWORKS = {
    "Informer": InformerNetwork,
    "TimesNet": TimesNetNetwork,
    "FEDformer": FEDformerNetwork,
    "TSMixer": TSMixerNetwork,
}

# TSLib's training recipe for classification (its exp/exp_classification.py and the
# scripts/classification/*.sh): RAdam at learning rate 1e-3, batches of 16, up to 100
# epochs (TimesNet: 30, 60 on JapaneseVowels), early stopping on validation accuracy
# with patience 10, gradient norm clipped at 4.0, cross-entropy, no learning-rate
# schedule.
_TSLIB_TRAINING = dict(
    optimizer="RAdam",
    lr=1e-3,
    batch_size=16,
    max_epochs=100,
    patience=10,
    grad_clip_norm=4.0,
)

#: TSLib's published classification settings per model: ``module`` holds the network's
#: keyword arguments, ``training`` the recipe. Sources (as seen through the search
#: tool): TSLib's scripts/classification/Informer.sh, FEDformer.sh and TimesNet.sh for
#: d_model, d_ff, e_layers, top_k and epochs; TSLib's run.py defaults for what the
#: scripts leave out (n_heads 8, factor 1, moving_avg 25, num_kernels 6, dropout 0.1,
#: activation GELU); TSLib's models/FEDformer.py for modes 32 (random selection).
#: TimesNet's scripts differ by UEA data set: ``per_dataset`` lists them. TSLib has no
#: classification script (nor head) for TSMixer: its entry is our choice, not TSLib's.
BASELINE_DEFAULTS = {
    "Informer": dict(
        module=dict(d_model=128, d_ff=256, n_heads=8, e_layers=3, factor=1, dropout=0.1),
        training=_TSLIB_TRAINING,
    ),
    "FEDformer": dict(
        module=dict(
            d_model=128, d_ff=256, n_heads=8, e_layers=3, moving_avg=25, modes=32, dropout=0.1
        ),
        training=_TSLIB_TRAINING,
    ),
    "TimesNet": dict(
        module=dict(d_model=32, d_ff=64, e_layers=2, top_k=3, num_kernels=6, dropout=0.1),
        training=dict(_TSLIB_TRAINING, max_epochs=30),
        # TSLib's scripts/classification/TimesNet.sh, data set by data set: the
        # module's settings (num_kernels 6 unless given) and the epochs where not 30.
        per_dataset_max_epochs={"JapaneseVowels": 60},
        per_dataset={
            "EthanolConcentration": dict(d_model=16, d_ff=32, e_layers=2, top_k=3),
            "FaceDetection": dict(d_model=64, d_ff=256, e_layers=2, top_k=3, num_kernels=4),
            "Handwriting": dict(d_model=32, d_ff=64, e_layers=2, top_k=3),
            "Heartbeat": dict(d_model=16, d_ff=32, e_layers=3, top_k=1),
            "JapaneseVowels": dict(d_model=16, d_ff=32, e_layers=2, top_k=3),
            "PEMS-SF": dict(d_model=64, d_ff=64, e_layers=6, top_k=3),
            "SelfRegulationSCP1": dict(d_model=16, d_ff=32, e_layers=3, top_k=3),
            "SelfRegulationSCP2": dict(d_model=32, d_ff=32, e_layers=3, top_k=3),
            "SpokenArabicDigits": dict(d_model=32, d_ff=32, e_layers=2, top_k=2),
            "UWaveGestureLibrary": dict(d_model=32, d_ff=64, e_layers=2, top_k=3),
        },
    ),
    "TSMixer": dict(
        module=dict(e_layers=2, d_ff=64, dropout=0.1),
        training=_TSLIB_TRAINING,
    ),
}
