"""What the four baselines share: the fixed-length canvas, the embedding, the head.

Tensors in, tensors out (torch only). ``N`` is the batch size, ``T`` the caller's
padded number of steps, ``S`` the model's fixed ``seq_len``, ``C`` the input channels,
``D`` the model width ``d_model`` and ``K`` the number of outputs.

Every baseline flattens over time, so it is built for one length ``S`` (the longest
training series) and first moves each batch onto an ``S``-step canvas
(:func:`fit_to_length`): steps at/after each series' length are set to zero (whatever
the caller put there) and the batch is zero-padded, or trimmed of padding, to ``S``
steps. A series' output then never depends on how much padding, or what padding, the
caller added.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from .._masking import step_mask

__all__ = [
    "DataEmbedding",
    "FlattenHead",
    "FlattenClassifier",
    "fit_to_length",
    "masked_mean",
    "sinusoidal_encoding",
    "zero_padding",
]


def fit_to_length(x, lengths, seq_len):
    """``x`` (N, T, C) on an ``seq_len``-step canvas with zeros at/after each length.

    Returns the canvas (N, S, C), the lengths (N,) as int64 on ``x``'s device and the
    step mask (N, S), True at real steps. Raises ``ValueError`` when a series is
    longer than ``seq_len`` (padding beyond ``seq_len`` is only trimmed), shorter than
    one step, or longer than the ``T`` steps given.
    """
    lengths = lengths.to(device=x.device, dtype=torch.int64)
    shortest, longest = (int(v) for v in torch.aminmax(lengths))
    if longest > seq_len:
        raise ValueError(
            f"this model flattens over time and was built for series of at most {seq_len} "
            f"steps; got a series of {longest} steps"
        )
    if longest > x.shape[1] or shortest < 1:
        raise ValueError(
            f"lengths must lie in [1, {x.shape[1]}] (the steps given); "
            f"got lengths from {shortest} to {longest}"
        )
    if x.shape[1] >= seq_len:
        x = x[:, :seq_len]  # (N, S, C): only padding is cut
    else:
        x = F.pad(x, (0, 0, 0, seq_len - x.shape[1]))  # (N, S, C)
    mask = step_mask(x, lengths)  # (N, S)
    # masked_fill, not a product: padding that holds NaN or inf becomes 0 too.
    return zero_padding(x, mask), lengths, mask


def zero_padding(h, mask):
    """``h`` (N, S, F) with every padded step (``mask`` False) set to zero."""
    return h.masked_fill(~mask.unsqueeze(-1), 0.0)


def masked_mean(h, mask, dim):
    """Mean of ``h`` over the real steps along ``dim``; ``mask`` broadcasts against ``h``."""
    weights = mask.to(h.dtype)
    return (h * weights).sum(dim) / weights.sum(dim)


def sinusoidal_encoding(n_steps, d_model):
    """The fixed positional encoding of "Attention is all you need": (n_steps, d_model).

    Even features ``sin(t / 10000^(2i/D))``, odd ones the matching cosine.
    """
    position = torch.arange(n_steps, dtype=torch.float32).unsqueeze(1)  # (S, 1)
    rate = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
    angle = position * rate  # (S, ceil(D/2))
    encoding = torch.zeros(n_steps, d_model)
    encoding[:, 0::2] = torch.sin(angle)
    encoding[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return encoding  # (S, D)


class DataEmbedding(nn.Module):
    """TSLib's ``DataEmbedding`` without time features, circular over the real steps.

    A width-3 convolution over time with no bias (the token embedding, Kaiming-normal
    initialised as in TSLib) plus the fixed sinusoidal positional encoding, then
    dropout. TSLib pads the convolution circularly over the whole padded input, so a
    short series' first step sees the padding; here the neighbours of step ``t`` of a
    series of length ``L`` are steps ``(t - 1) mod L`` and ``(t + 1) mod L``: the
    circle closes at the series' last real step. Padded steps are zero on the way out.
    """

    def __init__(self, n_channels, d_model, seq_len, dropout):
        super().__init__()
        # The Conv1d weight layout (out, in, width), so TSLib's initialisation applies.
        self.token_weight = nn.Parameter(torch.empty(d_model, n_channels, 3))
        nn.init.kaiming_normal_(self.token_weight, mode="fan_in", nonlinearity="leaky_relu")
        self.register_buffer(
            "position", sinusoidal_encoding(seq_len, d_model), persistent=False
        )  # (S, D)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, lengths, mask):
        """Canvas ``x`` (N, S, C) -> embeddings (N, S, D), zero at padded steps."""
        n_steps, n_channels = x.shape[1], x.shape[2]
        steps = torch.arange(n_steps, device=x.device)  # (S,)
        period = lengths.unsqueeze(1)  # (N, 1)
        before = torch.remainder(steps - 1, period)  # (N, S), wraps within each series
        after = torch.remainder(steps + 1, period)  # (N, S)
        neighbours = [
            x.gather(1, before.unsqueeze(-1).expand(-1, -1, n_channels)),  # x[t-1], (N, S, C)
            x,
            x.gather(1, after.unsqueeze(-1).expand(-1, -1, n_channels)),  # x[t+1], (N, S, C)
        ]
        windows = torch.cat(neighbours, dim=-1)  # (N, S, 3*C), tap-major like the weight
        weight = self.token_weight.permute(0, 2, 1).reshape(self.token_weight.shape[0], -1)
        h = F.linear(windows, weight) + self.position  # (N, S, D)
        return zero_padding(self.dropout(h), mask)


class FlattenHead(nn.Module):
    """TSLib's classification head: GELU, dropout, zero the padding, flatten, linear."""

    def __init__(self, d_model, seq_len, n_outputs, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.projection = nn.Linear(d_model * seq_len, n_outputs)

    def forward(self, h, mask):
        """States ``h`` (N, S, D) -> logits (N, K)."""
        h = zero_padding(self.dropout(F.gelu(h)), mask)  # (N, S, D)
        return self.projection(h.flatten(1))  # (N, S*D) -> (N, K)


class FlattenClassifier(nn.Module):
    """Canvas, embedding, a model's encoder (:meth:`encode`), then the flatten head.

    Informer, FEDformer and TimesNet differ only in :meth:`encode`, which maps the
    embeddings (N, S, D) to states (N, S, D) given the lengths and the step mask.
    """

    def __init__(self, n_channels, n_outputs, seq_len, d_model, dropout):
        super().__init__()
        self.seq_len = int(seq_len)
        self.embedding = DataEmbedding(n_channels, d_model, self.seq_len, dropout)
        self.head = FlattenHead(d_model, self.seq_len, n_outputs, dropout)

    def encode(self, h, lengths, mask):
        raise NotImplementedError

    def forward(self, x, lengths):
        """Logits (N, n_outputs) of series ``x`` (N, T, C) with true ``lengths`` (N,)."""
        x, lengths, mask = fit_to_length(x, lengths, self.seq_len)  # (N, S, C)
        h = self.embedding(x, lengths, mask)  # (N, S, D)
        h = self.encode(h, lengths, mask)  # (N, S, D)
        return self.head(h, mask)  # (N, K)
