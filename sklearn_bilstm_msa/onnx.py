"""ONNX export of a fitted estimator, and prediction through ONNX Runtime.

:meth:`BiLSTMMSAClassifier.export_onnx` (and the regressor's) write one
self-contained ``.onnx`` file: standardisation, the (Bi)LSTM, the attention and
the head, with dynamic batch and length axes. Its inputs are

- ``x``: float32 ``(n_cases, n_channels, n_timepoints)``, raw values as given to
  ``predict`` (aeon's layout), series shorter than ``n_timepoints`` padded at the
  end with any finite value (zeros);
- ``lengths``: int64 ``(n_cases,)``, the true length of each series;

and its output is ``proba`` ``(n_cases, n_classes)`` for a classifier or ``y``
``(n_cases, n_targets)`` for a regressor. The class labels and the estimator's
kind travel in the file's metadata. :class:`OnnxPredictor` wraps ONNX Runtime
with the estimator's input conventions (3-D arrays, 2-D univariate arrays, lists
of unequal-length series). Both need the ``onnx`` extra:
``pip install "sklearn-bilstm-msa[onnx]"``.

The export uses an encoder that needs no packed sequences (which ONNX cannot
express): the forward direction runs over the padded batch, whose padding lies
after every real step, and the backward direction runs over each series reversed
within its own length (a gather), then reversed back. The LSTM weights are the
fitted ones, so the exported model computes what the torch model computes
(probabilities agree within 1e-5; the tests check any batch size and length).

The file is written by torch's TorchScript-based exporter (``dynamo=False``). With
torch 2.13 the ``torch.export``-based exporter specialised the time axis to the
example's length on every export after the first one in a process, so it is not
used until that is fixed upstream.
"""

import json
import warnings

import numpy as np
import torch
from torch import nn

from ._data import MIN_STD, check_collection, check_n_channels
from ._masking import step_mask
from ._network import BiLSTMMSANetwork, SeedEnsemble, head_input

__all__ = ["OnnxPredictor", "export_onnx"]

_FORMAT = "sklearn-bilstm-msa/onnx/1"


def _need(module, extra="onnx"):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{module} is needed for ONNX export and inference: "
            f"pip install 'sklearn-bilstm-msa[{extra}]'"
        ) from exc


class _UnpackedEncoder(nn.Module):
    """The fitted (Bi)LSTM as one single-direction LSTM per layer and direction."""

    def __init__(self, lstm):
        super().__init__()
        # No LSTM (num_layers=0): the input passes, zero at padded steps.
        self.num_layers = 0 if lstm is None else lstm.num_layers
        self.bidirectional = lstm is not None and lstm.bidirectional
        self.forward_lstms = nn.ModuleList()
        self.backward_lstms = nn.ModuleList()
        for layer in range(self.num_layers):
            in_size = lstm.input_size if layer == 0 else lstm.hidden_size * (1 + lstm.bidirectional)
            for suffix, target in [("", self.forward_lstms), ("_reverse", self.backward_lstms)]:
                if suffix and not lstm.bidirectional:
                    continue
                single = nn.LSTM(in_size, lstm.hidden_size, batch_first=True)
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    source = getattr(lstm, f"{name}_l{layer}{suffix}")
                    getattr(single, f"{name}_l0").data.copy_(source.data)
                target.append(single)

    @staticmethod
    def _reverse(h, flat_index):
        """Each series of ``h`` (N, T, F) reversed within its length: one row gather."""
        return h.flatten(0, 1).index_select(0, flat_index).view_as(h)

    def forward(self, x, mask, reverse_index):
        """(N, T, C) -> (N, T, D*H), zeros at padded steps, like the packed encoder."""
        if self.num_layers == 0:
            return x * mask.unsqueeze(-1).to(x.dtype)
        steps = reverse_index.shape[1]
        rows = torch.arange(reverse_index.shape[0], device=x.device).unsqueeze(1)  # (N, 1)
        flat_index = (rows * steps + reverse_index).flatten()  # (N*T,)
        h = x
        for layer in range(self.num_layers):
            out, _ = self.forward_lstms[layer](h)  # (N, T, H)
            if self.bidirectional:
                back, _ = self.backward_lstms[layer](self._reverse(h, flat_index))
                out = torch.cat([out, self._reverse(back, flat_index)], dim=-1)  # (N, T, 2H)
            h = out * mask.unsqueeze(-1).to(out.dtype)
        return h


class _ExportNetwork(nn.Module):
    """One fitted :class:`BiLSTMMSANetwork` with the unpacked encoder: standardised
    (N, T, C) series and lengths in, logits (or scaled targets) out."""

    def __init__(self, network):
        super().__init__()
        self.views = network.views
        self.stem = network.stem
        self.encoder = _UnpackedEncoder(network.encoder.lstm)
        self.attention = network.attention
        self.head = network.head
        self.stem_skip = network.stem_skip

    def forward(self, x, lengths):
        if self.views is not None:
            x = self.views(x, lengths)  # (N, T, V*C)
        z, z_lengths = (x, lengths) if self.stem is None else self.stem(x, lengths)
        mask = BiLSTMMSANetwork._mask(z, z_lengths)  # (N, T')
        steps = torch.arange(z.shape[1], device=z.device).unsqueeze(0)  # (1, T')
        last = z_lengths.unsqueeze(1) - 1  # (N, 1)
        reverse_index = torch.where(mask, last - steps, steps)  # (N, T')
        h = self.encoder(z, mask, reverse_index)  # (N, T', D*H)
        skip = self.stem if self.stem_skip else None
        return self.head(head_input(h, mask, self.attention, skip, z, lengths))


def _series_standardized(x, lengths):
    """``x`` (N, T, C) with each channel of each series standardised over its own real
    steps, as ``SeriesCollection.series_standardized`` (``normalize="series"``). In
    float32, so the values are first shifted by the series' first step: a constant
    channel then gives exact zeros, as it does in float64."""
    mask = step_mask(x, lengths).unsqueeze(-1).to(x.dtype)  # (N, T, 1)
    counts = lengths.view(-1, 1, 1).to(x.dtype)  # (N, 1, 1)
    x = (x - x[:, :1]) * mask  # (N, T, C), zero at padded steps
    mean = x.sum(dim=1, keepdim=True) / counts  # (N, 1, C)
    centred = (x - mean) * mask
    std = torch.sqrt((centred * centred).sum(dim=1, keepdim=True) / counts)  # (N, 1, C)
    return centred / torch.where(std > MIN_STD, std, torch.ones_like(std))


class _ExportModule(nn.Module):
    """Raw (N, C, T) series and lengths in, probabilities or targets out."""

    def __init__(
        self, module, mean, std, kind, target_mean=None, target_std=None, per_series=False
    ):
        super().__init__()
        self.per_series = per_series
        # A seed ensemble's members, or the one network.
        networks = module.members if isinstance(module, SeedEnsemble) else [module]
        self.networks = nn.ModuleList(_ExportNetwork(network) for network in networks)
        self.kind = kind
        self.register_buffer("mean", self._layout(mean))
        self.register_buffer("std", self._layout(std))
        if kind == "regressor":
            self.register_buffer("target_mean", torch.as_tensor(target_mean, dtype=torch.float32))
            self.register_buffer("target_std", torch.as_tensor(target_std, dtype=torch.float32))

    @staticmethod
    def _layout(statistic):
        """(C,) channel statistics as (1, C, 1); (T, C) step statistics as (1, C, T),
        which then take series of exactly T steps."""
        statistic = torch.as_tensor(statistic, dtype=torch.float32)
        if statistic.dim() == 2:
            return statistic.t().unsqueeze(0)
        return statistic.view(1, -1, 1)

    def forward(self, x, lengths):
        if self.per_series:  # normalize_="series"
            x = _series_standardized(x.transpose(1, 2), lengths)  # (N, T, C)
        else:
            x = ((x - self.mean) / self.std).transpose(1, 2)  # (N, T, C) standardised
        outputs = [network(x, lengths) for network in self.networks]  # M x (N, K)
        if self.kind == "classifier":
            # A seed ensemble's prediction is the mean of its members' probabilities.
            proba = [torch.softmax(out, dim=-1) for out in outputs]
            return torch.stack(proba, dim=1).mean(dim=1)
        out = torch.stack(outputs, dim=1).mean(dim=1)
        return out * self.target_std + self.target_mean


def export_onnx(estimator, path, opset_version=18):
    """Write the fitted ``estimator`` as an ONNX file (see the module docstring).

    Parameters
    ----------
    estimator : BiLSTMMSAClassifier or BiLSTMMSARegressor
        A fitted estimator.
    path : str or path-like
        Where to write the ``.onnx`` file.
    opset_version : int, default=18
        ONNX opset.

    Returns
    -------
    path : str
    """
    from sklearn.utils.validation import check_is_fitted

    _need("onnx")
    check_is_fitted(estimator)
    if len(getattr(estimator, "indicator_channels_", ())):
        raise NotImplementedError(
            "This model reads a missing-value indicator channel per channel that had "
            f"missing values in training (indicator_channels_="
            f"{list(estimator.indicator_channels_)}, missing_indicator=True), which the "
            "ONNX graph does not compute; export a model fitted with "
            "missing_indicator=False, or use save_weights."
        )
    kind = estimator.__sklearn_tags__().estimator_type
    if kind not in ("classifier", "regressor"):
        raise TypeError(f"Cannot export {type(estimator).__name__}: not a classifier/regressor.")
    network = estimator.net_.module_
    extra = {}
    if kind == "regressor":
        extra = {"target_mean": estimator.target_mean_, "target_std": estimator.target_std_}
    module = _ExportModule(
        network,
        estimator.channel_mean_,
        estimator.channel_std_,
        kind,
        per_series=estimator.normalize_ == "series",
        **extra,
    ).cpu()
    module = module.float().eval()
    # Any length traces the graph, but a model that standardises each step takes its own.
    steps = estimator._fixed_n_steps() or 8
    example = (
        torch.zeros(2, estimator.n_channels_, steps, dtype=torch.float32),
        torch.tensor([steps, max(1, steps - 3)], dtype=torch.int64),
    )
    output_name = "proba" if kind == "classifier" else "y"
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on Python ints we have checked
        torch.onnx.export(
            module,
            example,
            str(path),
            dynamo=False,
            input_names=["x", "lengths"],
            output_names=[output_name],
            dynamic_axes={"x": {0: "batch", 2: "time"}, "lengths": {0: "batch"}},
            opset_version=opset_version,
        )
    metadata = {"format": _FORMAT, "kind": kind, "n_channels": int(estimator.n_channels_)}
    if kind == "classifier":
        metadata["classes"] = estimator.classes_.tolist()
        metadata["classes_dtype"] = estimator.classes_.dtype.str
    else:
        metadata["y_ndim"] = int(getattr(estimator, "_y_ndim", 1))
    onnx = _need("onnx")
    model = onnx.load(str(path))
    entry = model.metadata_props.add()
    entry.key, entry.value = "sklearn_bilstm_msa", json.dumps(metadata)
    onnx.save(model, str(path))
    return str(path)


class OnnxPredictor:
    """Predictions from an exported ``.onnx`` file through ONNX Runtime.

    Takes the estimator's input conventions: a 3-D array, a 2-D array of
    univariate series, or a list of ``(n_channels, n_timepoints_i)`` series.

    Parameters
    ----------
    path : str or path-like
        A file written by ``export_onnx``.
    providers : list of str, optional
        ONNX Runtime execution providers (default: CPU).
    intra_op_num_threads : int, optional
        Threads ONNX Runtime may use (default: its own choice).
    """

    def __init__(self, path, providers=None, intra_op_num_threads=None):
        ort = _need("onnxruntime")
        options = ort.SessionOptions()
        if intra_op_num_threads is not None:
            options.intra_op_num_threads = int(intra_op_num_threads)
        self.session = ort.InferenceSession(
            str(path), options, providers=providers or ["CPUExecutionProvider"]
        )
        meta = self.session.get_modelmeta().custom_metadata_map.get("sklearn_bilstm_msa")
        if meta is None:
            raise ValueError(f"{path} was not written by sklearn_bilstm_msa's export_onnx.")
        self.metadata = json.loads(meta)
        self.kind = self.metadata["kind"]
        self.n_channels_ = self.metadata["n_channels"]
        if self.kind == "classifier":
            self.classes_ = np.asarray(
                self.metadata["classes"], dtype=np.dtype(self.metadata["classes_dtype"])
            )

    def _run(self, X):
        data = check_collection(X)
        check_n_channels(data, self.n_channels_, "the exported model takes")
        x = np.ascontiguousarray(data.values.transpose(0, 2, 1), dtype=np.float32)  # (N, C, T)
        lengths = np.asarray(data.lengths, dtype=np.int64)
        (out,) = self.session.run(None, {"x": x, "lengths": lengths})
        return out.astype(np.float64)

    def predict_proba(self, X):
        """Class probabilities, columns in ``classes_`` order (classifiers only)."""
        if self.kind != "classifier":
            raise AttributeError("predict_proba is only available for an exported classifier.")
        return self._run(X)

    def predict(self, X):
        """Class labels (classifier) or targets (regressor), as the estimator gives them."""
        out = self._run(X)
        if self.kind == "classifier":
            return self.classes_[np.argmax(out, axis=1)]
        return out[:, 0] if self.metadata.get("y_ndim", 1) == 1 else out
