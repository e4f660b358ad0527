"""The contenders a benchmark can run, by name.

Each contender is a factory ``make(random_state, n_jobs, quick) -> estimator`` plus
what it can take: series of unequal length (``unequal_length``) and missing values
(``missing_values``, as aeon's ``capability:missing_values`` tag says); the harness
pads or imputes the data of those that cannot (``_tasks.py``). Names are matched
case-insensitively. Ours are ``BiLSTM-MSA`` and its ablation settings, and the
paper's four baselines (our torch implementations, ``sklearn_bilstm_msa.baselines``);
the others are aeon's classifiers with their default parameters (``quick`` shrinks every
contender for smoke runs, and its results are not comparable with published numbers).
"""

import importlib.util
import os
import tempfile
from dataclasses import dataclass, field

__all__ = [
    "ABLATION_CONTENDERS",
    "CONTENDERS",
    "DEFAULT_COMPARE_CONTENDERS",
    "PAPER_BASELINES",
    "PAPER_TABLE_CONTENDERS",
    "Contender",
    "ContenderError",
    "get_contender",
    "ours",
]


class ContenderError(ValueError):
    """An unknown contender name, or one whose optional dependency is missing."""


@dataclass(frozen=True)
class Contender:
    """A named, seeded estimator factory and what it can take."""

    name: str
    make: object = field(repr=False)  # (random_state, n_jobs, quick) -> estimator
    unequal_length: bool = False
    needs: tuple = ()  # importable modules it needs beyond the core dependencies
    extra: str = ""  # the pip extra that installs them
    description: str = ""
    # Its network fixes the series length at fit (a head that flattens over time): test
    # series longer than every training series are cut to the longest of them.
    fixed_length: bool = False
    missing_values: bool = False  # takes NaN as a missing value (else imputed first)
    # Compiles code on its first fit (numba's JIT, in aeon): the harness fits it once on
    # a few training cases before the timed fit, so fit seconds leave the compilation out.
    warm_up: bool = False

    def build(self, random_state, n_jobs=1, quick=False):
        missing = [m for m in self.needs if importlib.util.find_spec(m) is None]
        if missing:
            raise ContenderError(
                f"{self.name} needs {', '.join(missing)}, which is not installed: "
                f"pip install 'sklearn-bilstm-msa[{self.extra}]'"
            )
        return self.make(random_state, n_jobs, quick)


_QUICK_OURS = {"hidden_size": 16, "max_epochs": 5, "patience": 3, "n_estimators": 1}


def ours(**params):
    """A factory for :class:`BiLSTMMSAClassifier` with ``params`` over the defaults."""

    def make(random_state, n_jobs, quick):
        from .._classifier import BiLSTMMSAClassifier

        settings = {**(_QUICK_OURS if quick else {}), **params}
        return BiLSTMMSAClassifier(random_state=random_state, n_jobs=n_jobs, **settings)

    return make


#: ``quick`` settings of the paper's baselines: tiny widths, two epochs.
_QUICK_BASELINES = {
    "Informer": {"d_model": 16, "d_ff": 16, "n_heads": 2, "e_layers": 1},
    "FEDformer": {"d_model": 16, "d_ff": 16, "n_heads": 2, "e_layers": 1, "modes": 4},
    "TimesNet": {"d_model": 8, "d_ff": 8, "num_kernels": 2},
    "TSMixer": {"d_ff": 8},
}


def baseline(model, **params):
    """A factory for the paper's baseline ``model`` (``sklearn_bilstm_msa.baselines``)
    with TSLib's settings as its defaults and ``params`` over them."""

    def make(random_state, n_jobs, quick):
        from ..baselines import BASELINE_CLASSIFIERS

        quick_params = {**_QUICK_BASELINES[model], "max_epochs": 2} if quick else {}
        settings = {**quick_params, **params}
        return BASELINE_CLASSIFIERS[model](random_state=random_state, n_jobs=n_jobs, **settings)

    return make


def _aeon(module, cls, quick_params=None, seeded=True, threaded=True, **params):
    def make(random_state, n_jobs, quick):
        estimator = getattr(importlib.import_module(module), cls)
        kwargs = dict(params)
        if quick:
            kwargs.update(quick_params or {})
        if seeded:
            kwargs["random_state"] = random_state
        if threaded:
            kwargs["n_jobs"] = n_jobs
        return estimator(**kwargs)

    return make


def _c(
    name,
    make,
    description,
    unequal_length=False,
    needs=(),
    extra="",
    fixed_length=False,
    warm_up=True,
):
    # aeon's classifiers without TensorFlow: numba compiles their kernels on first use.
    return Contender(
        name, make, unequal_length, needs, extra, description, fixed_length, warm_up=warm_up
    )


def _ours(name, make, description):
    # Ours take unequal lengths and missing values (issue 20).
    return Contender(name, make, True, (), "", description, missing_values=True)


def _deep(name, cls):
    # aeon's deep learners keep a checkpoint file during fit in file_path (default: the
    # working directory); the system's temporary folder keeps it out of the user's tree.
    make = _aeon(
        _DEEP, cls, {"n_epochs": 2}, threaded=False, file_path=tempfile.gettempdir() + os.sep
    )
    # No warm-up: it would be a whole training run (TensorFlow compiles nothing apart).
    return _c(
        name, make, f"aeon {cls} (TensorFlow)", needs=("tensorflow",), extra="deep", warm_up=False
    )


_OURS = "BiLSTMMSAClassifier"
_CONV = "aeon.classification.convolution_based"
_INTERVAL = "aeon.classification.interval_based"
_DEEP = "aeon.classification.deep_learning"

#: The paper's model exactly (no front-end, per-channel standardisation, one network),
#: trained with our recipe.
PAPER = {"stem": None, "normalize": "channel", "n_estimators": 1, "difference": False}

#: The baselines of the paper's Table 1.
PAPER_BASELINES = ("Informer", "TimesNet", "FEDformer", "TSMixer")

_ALL = [
    _ours("BiLSTM-MSA", ours(), f"{_OURS}() defaults"),
    _ours(
        "BiLSTM-MSA-Paper",
        ours(**PAPER),
        "the paper's model: no front-end, per-channel standardisation, one network",
    ),
    # What the front-end and the ensemble add (issue 13): one lever off at a time.
    _ours("BiLSTM-MSA-NoStem", ours(stem=None), "defaults without the front-end"),
    _ours(
        "BiLSTM-MSA-ConvStem",
        ours(stem="conv"),
        "defaults with issue 13's front-end (one width-7 convolution, no dilations)",
    ),
    _ours(
        "BiLSTM-MSA-DilatedStem",
        ours(stem="dilated"),
        "defaults with the dilated filters only (no full set of undilated ones)",
    ),
    _ours(
        "BiLSTM-MSA-ChannelNorm",
        ours(normalize="channel"),
        "defaults with per-channel standardisation only",
    ),
    _ours("BiLSTM-MSA-Ens3", ours(n_estimators=3), "defaults as a seed ensemble of 3"),
    _ours(
        "BiLSTM-MSA-OneNet",
        ours(n_estimators=1),
        "defaults with one network on every set (no ensemble on small training sets)",
    ),
    # What issue 18's input views add: one off at a time.
    _ours("BiLSTM-MSA-NoDiff", ours(difference=False), "defaults without the difference view"),
    _ours(
        "BiLSTM-MSA-StepNorm",
        ours(normalize="step"),
        "defaults with per-step standardisation only (no per-channel view)",
    ),
    # Ablations of the paper's parts (DESIGN.md section 3), over the defaults.
    _ours("BiLSTM-Mean", ours(window_sizes=()), "no attention: mean of BiLSTM states"),
    # The front-end alone (issue 18): no BiLSTM, the stem's features pooled directly.
    _ours(
        "FrontEnd-Mean",
        ours(num_layers=0, window_sizes=()),
        "no BiLSTM, no attention: the mean of the front-end's features, then the head",
    ),
    _ours(
        "FrontEnd-MSA",
        ours(num_layers=0),
        "no BiLSTM: the multi-scale attention pools the front-end's features",
    ),
    _ours("LSTM-MSA", ours(bidirectional=False), "unidirectional LSTM + MSA"),
    _ours("BiLSTM-MSA-Global", ours(window_sizes=("global",)), "one global softmax scale"),
    _ours("BiLSTM-MSA-S1", ours(window_sizes=(3,)), "one scale: w = 3"),
    _ours("BiLSTM-MSA-S2", ours(window_sizes=(3, 7)), "two scales: w = 3, 7"),
    _ours("BiLSTM-MSA-S3", ours(window_sizes=(3, 7, 15)), "three scales: w = 3, 7, 15"),
    _ours("BiLSTM-MSA-S4", ours(window_sizes=(3, 7, 15, 31)), "four scales: w = 3 .. 31"),
    _ours("BiLSTM-MSA-Normalized", ours(context="normalized"), "normalised context"),
    # The paper's baselines (Table 1), our torch implementations with TSLib's settings.
    *(
        Contender(
            model,
            baseline(model),
            unequal_length=True,
            description=f"the paper's baseline {model} (sklearn_bilstm_msa.baselines, "
            "TSLib's settings)",
            missing_values=True,
            fixed_length=True,
        )
        for model in PAPER_BASELINES
    ),
    # aeon's classifiers that need no TensorFlow.
    _c(
        "MiniRocket",
        _aeon(_CONV, "MiniRocketClassifier", {"n_kernels": 1000}),
        "aeon MiniRocketClassifier",
    ),
    _c(
        "MultiRocketHydra",
        _aeon(_CONV, "MultiRocketHydraClassifier", {"n_kernels": 4, "n_groups": 16}),
        "aeon MultiRocketHydraClassifier",
    ),
    _c("Hydra", _aeon(_CONV, "HydraClassifier", {"n_groups": 16}), "aeon HydraClassifier"),
    _c(
        "QUANT",
        _aeon(_INTERVAL, "QUANTClassifier", {"interval_depth": 3}, threaded=False),
        "aeon QUANTClassifier",
    ),
    _c(
        "DrCIF",
        _aeon(_INTERVAL, "DrCIFClassifier", {"n_estimators": 10}),
        "aeon DrCIFClassifier",
    ),
    _c(
        "1NN-DTW",
        _aeon(
            "aeon.classification.distance_based",
            "KNeighborsTimeSeriesClassifier",
            seeded=False,
            distance="dtw",
            n_neighbors=1,
        ),
        "aeon KNeighborsTimeSeriesClassifier(distance='dtw', n_neighbors=1), full window",
        unequal_length=True,
    ),
    # TensorFlow learners, behind the `deep` extra.
    _deep("InceptionTime", "InceptionTimeClassifier"),
    _deep("ResNet", "ResNetClassifier"),
]

#: Every contender by its display name.
CONTENDERS = {c.name: c for c in _ALL}

#: What ``bilstm-msa compare`` runs when no ``--classifiers`` are given.
DEFAULT_COMPARE_CONTENDERS = (
    "BiLSTM-MSA",
    "MiniRocket",
    "MultiRocketHydra",
    "QUANT",
    "DrCIF",
    "Hydra",
    "1NN-DTW",
)

#: The paper's Table 1: its model, ours, and its four baselines.
PAPER_TABLE_CONTENDERS = ("BiLSTM-MSA", "BiLSTM-MSA-Paper", *PAPER_BASELINES)

#: What ``bilstm-msa ablation`` runs.
ABLATION_CONTENDERS = (
    "BiLSTM-MSA",
    "BiLSTM-MSA-Paper",
    "BiLSTM-MSA-NoStem",
    "BiLSTM-MSA-ConvStem",
    "BiLSTM-MSA-ChannelNorm",
    "BiLSTM-MSA-Ens3",
    "BiLSTM-MSA-OneNet",
    "BiLSTM-MSA-NoDiff",
    "BiLSTM-MSA-StepNorm",
    "FrontEnd-Mean",
    "FrontEnd-MSA",
    "BiLSTM-Mean",
    "LSTM-MSA",
    "BiLSTM-MSA-Global",
    "BiLSTM-MSA-S1",
    "BiLSTM-MSA-S2",
    "BiLSTM-MSA-S3",
    "BiLSTM-MSA-S4",
    "BiLSTM-MSA-Normalized",
)


def get_contender(name):
    """The contender called ``name`` (case-insensitive)."""
    by_lower = {key.lower(): value for key, value in CONTENDERS.items()}
    try:
        return by_lower[name.lower()]
    except KeyError:
        raise ContenderError(
            f"Unknown classifier {name!r}. Known: {', '.join(CONTENDERS)}."
        ) from None
