"""Weights files: a fitted estimator as tensors and plain values, without pickled code.

``save_weights`` writes the estimator's parameters, what it learned besides the
network (standardisation, classes, the model's shape attributes) and the module's
``state_dict`` with ``torch.save``; ``load_weights`` reads it back with
``torch.load(weights_only=True)``, which runs no code from the file, and rebuilds
the net through the estimator's own ``_build_net``. Every estimator of the package
writes such files; each class names its format tag in ``_weights_format``.
"""

import functools
import importlib
import pickle
import types
import warnings
import zipfile

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ._training import resolve_device

__all__ = ["WEIGHTS_FORMATS", "WeightsFileMixin", "read_weights_file", "weights_file_class"]

#: Weights-file format tag -> ``"module:class"`` of the estimator that writes it. The
#: classifier's tag predates the regressor and is unchanged, so its files load in every
#: version. Classes are named, not imported, so that this module imports no model.
WEIGHTS_FORMATS = {
    "sklearn-bilstm-msa/weights/1": "sklearn_bilstm_msa._classifier:BiLSTMMSAClassifier",
    "sklearn-bilstm-msa/regressor-weights/1": "sklearn_bilstm_msa._regressor:BiLSTMMSARegressor",
    **{
        f"sklearn-bilstm-msa/baseline-weights/{model.lower()}/1": (
            f"sklearn_bilstm_msa.baselines._estimator:{model}Classifier"
        )
        for model in ("Informer", "TimesNet", "FEDformer", "TSMixer")
    },
}


def weights_file_class(payload):
    """The estimator class that wrote a :func:`read_weights_file` ``payload``."""
    module, name = WEIGHTS_FORMATS[payload["format"]].split(":")
    return getattr(importlib.import_module(module), name)


class _class_call_only:  # noqa: N801 - used as a decorator, like classmethod
    """``classmethod`` that refuses calls on an instance.

    ``clf.load_weights(path)`` reads as "load into ``clf``", but a weights file
    holds its own hyper-parameters, so loading makes a new estimator; an instance
    call would return it and leave ``clf`` unfitted without a word.
    """

    def __init__(self, func):
        self.__func__ = func
        functools.update_wrapper(self, func)

    def __get__(self, instance, owner):
        if instance is None:
            return types.MethodType(self.__func__, owner)
        name, cls = self.__func__.__name__, type(instance).__name__

        def refuse(*args, **kwargs):
            raise TypeError(
                f"{name} makes a new estimator from a file and cannot load into an existing "
                f"one: call it on the class, `model = {cls}.{name}(path)`, or use "
                f"`sklearn_bilstm_msa.{name}(path)`, which returns whichever estimator the "
                "file holds."
            )

        return refuse


def _tensor_or_none(array):
    return None if array is None else torch.as_tensor(array)


class WeightsFileMixin:
    """``save_weights`` and ``load_weights`` for an estimator of this package.

    A class sets ``_weights_format`` (a key of :data:`WEIGHTS_FORMATS`); what it keeps
    besides the generic state goes through ``_weights_extra`` / ``_restore_extra``,
    which subclasses extend cooperatively (``{**super()._weights_extra(), ...}``).
    """

    _weights_format = None

    def _weights_extra(self):
        """What this estimator keeps in a weights file beyond the shared state."""
        return {}

    def _restore_extra(self, payload):
        """Set what :meth:`_weights_extra` saved back on a new estimator."""

    @classmethod
    def _params_from_weights(cls, params):
        """The ``__init__`` arguments of a file's parameters (files of older versions
        may lack newer parameters)."""
        return params

    def save_weights(self, path):
        """Save the fitted model as tensors and plain values, without pickled objects.

        Load it with :meth:`load_weights`, which uses ``torch.load(weights_only=True)``
        and so never executes code from the file.

        Parameters
        ----------
        path : str or path-like
            Where to write the file.
        """
        check_is_fitted(self)
        params = self.get_params()
        if not isinstance(params["random_state"], (int, type(None))):
            params["random_state"] = None
        # Callbacks are objects (code), which a weights file never holds; class-weight
        # keys become plain values.
        if params.get("callbacks") is not None:
            params["callbacks"] = None
        if isinstance(params.get("class_weight"), dict):
            params["class_weight"] = {
                getattr(k, "item", lambda k=k: k)(): float(v)
                for k, v in params["class_weight"].items()
            }
        payload = {
            "format": self._weights_format,
            "params": params,
            **self._weights_extra(),
            "n_channels": int(self.n_channels_),
            "n_features_in": int(self.n_features_in_),
            "channel_mean": torch.as_tensor(self.channel_mean_),
            "channel_std": torch.as_tensor(self.channel_std_),
            "n_iter": int(self.n_iter_),
            "normalize": self.normalize_,
            "normalize_reason": getattr(self, "normalize_reason_", None),
            "normalize_scores": _plain_scores(getattr(self, "normalize_scores_", None)),
            "step_mean": _tensor_or_none(getattr(self, "step_mean_", None)),
            "step_std": _tensor_or_none(getattr(self, "step_std_", None)),
            "missing_channels": [int(c) for c in getattr(self, "missing_channels_", ())],
            "indicator_channels": [int(c) for c in self._indicator_channels()],
            "state_dict": {k: v.detach().cpu() for k, v in self.net_.module_.state_dict().items()},
        }
        torch.save(payload, path)

    @_class_call_only
    def load_weights(cls, path, device=None):
        """Rebuild a fitted estimator from a file written by :meth:`save_weights`.

        Call it on the class, ``BiLSTMMSAClassifier.load_weights(path)``: it returns
        a new estimator. Called on an instance it raises a ``TypeError`` rather than
        leave that instance unfitted. :func:`sklearn_bilstm_msa.load_weights` loads a
        file of any estimator class.

        Parameters
        ----------
        path : str, path-like or file object
            The file.
        device : str or None, default=None
            Where to put the model; ``None`` keeps the saved ``device`` parameter,
            falling back to the CPU (with a warning) when CUDA is not available.

        Returns
        -------
        estimator : instance of this class
            A fitted estimator (it has no training history).

        Raises
        ------
        ValueError
            For a file that is not a weights file (a pickle, say), or one written by
            another class.
        """
        return cls._from_weights(read_weights_file(path), path, device)

    @classmethod
    def _from_weights(cls, payload, path, device):
        """The fitted estimator in ``payload``, a :func:`read_weights_file` result."""
        saved_by = WEIGHTS_FORMATS[payload["format"]].split(":")[1]
        if saved_by != cls.__name__:
            raise ValueError(
                f"{path} holds a {saved_by}, not a {cls.__name__}; "
                f"load it with {saved_by}.load_weights (or sklearn_bilstm_msa.load_weights)."
            )
        params = cls._params_from_weights(dict(payload["params"]))
        if device is not None:
            params["device"] = device
        estimator = cls(**params)
        estimator._restore_extra(payload)
        estimator.n_channels_ = payload["n_channels"]
        estimator.n_features_in_ = payload["n_features_in"]
        estimator.channel_mean_ = payload["channel_mean"].numpy()
        estimator.channel_std_ = payload["channel_std"].numpy()
        estimator.n_iter_ = payload["n_iter"]
        default = "channel" if estimator.normalize else None
        estimator.normalize_ = payload.get("normalize", default)
        # Files from before issue 35 do not say why.
        estimator.normalize_reason_ = payload.get("normalize_reason")
        scores = payload.get("normalize_scores")
        estimator.normalize_scores_ = (
            None if scores is None else {view: np.asarray(s) for view, s in scores.items()}
        )
        if payload.get("step_mean") is not None:  # normalize_ "step+channel" or "mixed"
            estimator.step_mean_ = payload["step_mean"].numpy()
            estimator.step_std_ = payload["step_std"].numpy()
        for name in ("missing_channels", "indicator_channels"):
            setattr(estimator, f"{name}_", np.asarray(payload.get(name, []), dtype=np.int64))
        resolved = resolve_device(estimator.device, fallback_to_cpu=True)
        net = estimator._build_net(estimator._n_outputs(), resolved, seed=0, use_validation=False)
        net.initialize()
        net.module_.load_state_dict(payload["state_dict"])
        net.module_.eval()
        estimator.net_ = net
        estimator.history_ = net.history
        return estimator


def _plain_scores(scores):
    """``normalize_scores_`` as plain values (lists of floats) for a weights file."""
    if scores is None:
        return None
    return {view: [float(s) for s in fold_scores] for view, fold_scores in scores.items()}


def read_weights_file(path):
    """The payload of a file written by ``save_weights``, read without running its code.

    Anything else is a ``ValueError`` that says what the file is not; torch's own
    errors for a pickle advise ``weights_only=False``, which is exactly what a safe
    loader must never suggest, so they do not reach the user.
    """
    if hasattr(path, "seek"):
        start = path.tell()
        is_archive = zipfile.is_zipfile(path)
        path.seek(start)
        head = path.read(1)
        path.seek(start)
    else:
        is_archive = zipfile.is_zipfile(path)  # FileNotFoundError for a missing file
        with open(path, "rb") as handle:
            head = handle.read(1)
    not_ours = f"{path} is not a weights file written by save_weights"
    if not is_archive:
        if head == b"\x80":  # the first opcode of every pickle since protocol 2
            raise ValueError(
                f"{not_ours}: it is a pickle (joblib.dump or pickle.dump writes those). "
                "load_weights never opens a pickle, because loading one runs code from "
                "the file; if you trust its source, load it with joblib.load or pickle.load."
            )
        raise ValueError(f"{not_ours} (those are torch zip archives).")
    try:
        with warnings.catch_warnings():
            # Files saved with a newer pickle protocol load fine; torch warns all the same.
            warnings.filterwarnings("ignore", message="Detected pickle protocol")
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, KeyError, ValueError):
        raise ValueError(
            f"{not_ours}: torch's safe loader cannot read it (not a torch file, or one "
            "holding objects other than tensors and plain values)."
        ) from None  # torch's message advises weights_only=False: not for us to suggest
    if not (isinstance(payload, dict) and payload.get("format") in WEIGHTS_FORMATS):
        raise ValueError(f"{not_ours}: it has no sklearn-bilstm-msa format tag.")
    return payload
