"""TSMixer (Chen et al., 2023, arXiv 2303.06053) with a classification head of ours.

Shapes: ``N`` batch, ``S`` the fixed ``seq_len``, ``C`` input channels, ``K`` outputs.
"""

import torch
from torch import nn
from torch.nn import functional as F

from ._layers import FlattenHead, fit_to_length, masked_mean, zero_padding

__all__ = ["MaskedLayerNorm", "MixerBlock", "TSMixerNetwork"]


class MaskedLayerNorm(nn.Module):
    """Layer normalisation over time and features together, on the real steps only.

    The layer-norm option (``norm_type="L"``) of the paper's reference code normalises
    each series over its (time, feature) plane (``LayerNormalization(axis=[-2, -1])``,
    with a gain and a bias per step and feature); the statistics here are over the
    real steps, and padded steps stay zero.
    """

    def __init__(self, seq_len, n_channels, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(seq_len, n_channels))
        self.bias = nn.Parameter(torch.zeros(seq_len, n_channels))

    def forward(self, x, mask):
        """``x`` (N, S, C), ``mask`` (N, S) -> (N, S, C)."""
        plane = mask.unsqueeze(-1).expand_as(x)  # (N, S, C)
        mean = masked_mean(x, plane, dim=(1, 2)).view(-1, 1, 1)  # (N, 1, 1)
        var = masked_mean((x - mean) ** 2, plane, dim=(1, 2)).view(-1, 1, 1)  # (N, 1, 1)
        x = (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias  # (N, S, C)
        return zero_padding(x, mask)


class MixerBlock(nn.Module):
    """One TSMixer block (the paper's Fig. 1, as its reference code).

    Time mixing: normalise, a linear map over time (S -> S, shared by the channels),
    ReLU, dropout, residual. Feature mixing: normalise, C -> d_ff, ReLU, dropout,
    d_ff -> C, dropout, residual. Padded steps are zeroed after each residual, so the
    time mixing of real steps reads only real steps.
    """

    def __init__(self, n_channels, seq_len, d_ff, dropout):
        super().__init__()
        self.time_norm = MaskedLayerNorm(seq_len, n_channels)
        self.time = nn.Linear(seq_len, seq_len)
        self.feature_norm = MaskedLayerNorm(seq_len, n_channels)
        self.feature1 = nn.Linear(n_channels, d_ff)
        self.feature2 = nn.Linear(d_ff, n_channels)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask):
        """``x`` (N, S, C) with zero padding -> (N, S, C) with zero padding."""
        y = self.time(self.time_norm(x, mask).transpose(1, 2)).transpose(1, 2)  # (N, S, C)
        x = zero_padding(x + self.dropout(F.relu(y)), mask)
        y = self.dropout(F.relu(self.feature1(self.feature_norm(x, mask))))  # (N, S, d_ff)
        y = self.dropout(self.feature2(y))  # (N, S, C)
        return zero_padding(x + y, mask)


class TSMixerNetwork(nn.Module):
    """TSMixer's mixer blocks and a flatten head: logits (N, n_outputs).

    TSLib has no classification head for TSMixer (its TSMixer forecasts only), and
    the paper none either. Ours is the head TSLib gives Informer, FEDformer and
    TimesNet: GELU, dropout, padding zeroed, flatten over ``seq_len x n_channels``,
    a linear layer. Blocks follow the paper (a one-layer time MLP, a two-layer
    feature MLP) rather than TSLib's forecasting TSMixer (two-layer MLPs of width
    d_model in both, no normalisation).

    Departures from the paper: the normalisation is its reference code's layer-norm
    option, over each series' real (time, feature) plane, not its default BatchNorm
    (which would make a series' output depend on its batch) nor a per-step layer norm
    over features (constant for one channel); the series is put on a fixed
    ``seq_len`` canvas with zeros at padded steps, and padded steps are zeroed after
    every residual. ``d_ff`` 64 and two blocks are our defaults, not published ones.

    Parameters
    ----------
    n_channels, n_outputs, seq_len : int
        Input channels, classes and the fixed number of steps (see the package).
    e_layers : int
        Mixer blocks.
    d_ff : int
        Hidden width of the feature-mixing MLP.
    dropout : float
    """

    def __init__(self, n_channels, n_outputs, seq_len, e_layers=2, d_ff=64, dropout=0.1):
        super().__init__()
        self.seq_len = int(seq_len)
        self.blocks = nn.ModuleList(
            MixerBlock(n_channels, self.seq_len, d_ff, dropout) for _ in range(e_layers)
        )
        self.head = FlattenHead(n_channels, self.seq_len, n_outputs, dropout)

    def forward(self, x, lengths):
        """Logits (N, n_outputs) of series ``x`` (N, T, C) with true ``lengths`` (N,)."""
        x, lengths, mask = fit_to_length(x, lengths, self.seq_len)  # (N, S, C)
        for block in self.blocks:
            x = block(x, mask)  # (N, S, C)
        return self.head(x, mask)  # (N, K)
