"""FEDformer (Zhou et al., ICML 2022), Fourier version, as TSLib's classifier.

Shapes: ``N`` batch, ``S`` the fixed ``seq_len``, ``D`` ``d_model``, ``H`` heads,
``E = D / H`` per head, ``M`` kept frequency modes, ``B = S // 2 + 1`` rfft bins.
"""

import torch
from torch import nn
from torch.nn import functional as F

from ._layers import FlattenClassifier, masked_mean, zero_padding

__all__ = ["FEDformerNetwork", "FourierBlock", "SeriesDecomposition"]


class FourierBlock(nn.Module):
    """Frequency-enhanced block: rfft over time, a learned complex linear map per head
    on ``M`` randomly chosen modes, inverse rfft (TSLib's ``FourierBlock``).

    The ``M = min(modes, S // 2)`` modes are drawn at construction from
    ``0 .. S//2 - 1`` with torch's global generator and kept, sorted, as a buffer. As
    in TSLib (and FEDformer's reference code), the output of the ``j``-th kept mode is
    written to frequency bin ``j`` of the output spectrum; the other bins are zero.
    TSLib fixes the weights' head axis at 8 (its default ``n_heads``); it is ``H``
    here. The complex weights, ``(H, E, E, M)`` initialised uniformly in ``[0, 1) / D^2``
    for their real and imaginary parts, are stored as real pairs (last axis 2) so that
    optimisers and dtype casts see real tensors.
    """

    def __init__(self, d_model, n_heads, seq_len, modes):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be a multiple of n_heads ({n_heads}).")
        n_modes = min(int(modes), seq_len // 2)
        index = torch.randperm(seq_len // 2)[:n_modes].sort().values  # (M,)
        self.register_buffer("index", index)
        e = d_model // n_heads
        scale = 1.0 / (d_model * d_model)
        self.weight = nn.Parameter(scale * torch.rand(n_heads, e, e, n_modes, 2))

    def forward(self, q):
        """Per-head queries ``q`` (N, S, H, E) -> (N, S, H, E)."""
        n_steps = q.shape[1]
        spectrum = torch.fft.rfft(q.permute(0, 2, 3, 1), dim=-1)  # (N, H, E, B)
        kept = spectrum[..., self.index]  # (N, H, E, M)
        mixed = torch.einsum("nhim,hiom->nhom", kept, torch.view_as_complex(self.weight))
        n_bins = spectrum.shape[-1]
        empty = mixed.new_zeros(*mixed.shape[:-1], n_bins - mixed.shape[-1])
        spectrum = torch.cat([mixed, empty], dim=-1)  # (N, H, E, B), mode j at bin j
        return torch.fft.irfft(spectrum, n=n_steps).permute(0, 3, 1, 2)  # (N, S, H, E)


class FourierAttention(nn.Module):
    """TSLib's ``AutoCorrelationLayer`` around a :class:`FourierBlock`: the query
    projection, the block on H heads, the output projection. TSLib also builds key and
    value projections that the Fourier block never reads; they are left out here (they
    would be parameters without gradients)."""

    def __init__(self, d_model, n_heads, fourier):
        super().__init__()
        self.n_heads = n_heads
        self.query = nn.Linear(d_model, d_model)
        self.fourier = fourier
        self.out = nn.Linear(d_model, d_model)

    def forward(self, h):
        n, s, _ = h.shape
        q = self.query(h).view(n, s, self.n_heads, -1)  # (N, S, H, E)
        return self.out(self.fourier(q).reshape(n, s, -1))  # (N, S, D)


class SeriesDecomposition(nn.Module):
    """Seasonal part ``x - moving_avg(x)`` of (N, S, D) states: a moving average of
    ``kernel_size`` steps over the canvas, its ends padded by repeating the first and
    last step (TSLib's ``series_decomp``; the trend is not used by the encoder)."""

    def __init__(self, kernel_size):
        super().__init__()
        self.kernel_size = int(kernel_size)

    def forward(self, x):
        front = (self.kernel_size - 1) // 2
        back = self.kernel_size - 1 - front  # = front for the odd kernels TSLib uses
        padded = torch.cat(
            [x[:, :1].expand(-1, front, -1), x, x[:, -1:].expand(-1, back, -1)], dim=1
        )  # (N, S + k - 1, D)
        trend = F.avg_pool1d(padded.transpose(1, 2), self.kernel_size, stride=1)  # (N, D, S)
        return x - trend.transpose(1, 2)  # (N, S, D)


class FEDformerEncoderLayer(nn.Module):
    """Fourier attention, residual, decomposition; bias-free kernel-1 convolutions
    D -> d_ff -> D with GELU, residual, decomposition (TSLib's Autoformer
    ``EncoderLayer``)."""

    def __init__(self, d_model, d_ff, n_heads, moving_avg, dropout, fourier):
        super().__init__()
        self.attention = FourierAttention(d_model, n_heads, fourier)
        self.conv1 = nn.Linear(d_model, d_ff, bias=False)
        self.conv2 = nn.Linear(d_ff, d_model, bias=False)
        self.decomp1 = SeriesDecomposition(moving_avg)
        self.decomp2 = SeriesDecomposition(moving_avg)
        self.dropout = nn.Dropout(dropout)

    def forward(self, h):
        h = self.decomp1(h + self.dropout(self.attention(h)))  # (N, S, D)
        y = self.dropout(F.gelu(self.conv1(h)))  # (N, S, d_ff)
        y = self.dropout(self.conv2(y))  # (N, S, D)
        return self.decomp2(h + y)  # (N, S, D)


class FEDformerNetwork(FlattenClassifier):
    """FEDformer's encoder (Fourier version, random modes) in TSLib's classification
    set-up: logits (N, n_outputs).

    Embedding (token convolution + sinusoidal positions), ``e_layers`` encoder layers
    and TSLib's ``my_Layernorm`` (LayerNorm minus its mean over time), then GELU,
    dropout, padding zeroed, flatten over ``seq_len x d_model`` and a linear layer.
    As in TSLib, one Fourier block (modes and weights) is shared by all encoder layers,
    each layer having its own projections; TSLib's unused decoder is left out.

    Padding: the FFT and the moving average run over the fixed ``seq_len`` canvas, so
    a series is seen as its real steps followed by zeros. Departures from TSLib, which
    does not mask: the token convolution wraps around each series' real steps, padded
    steps are zeroed after the embedding and again at the input of every encoder
    layer, and the time mean that ``my_Layernorm`` subtracts is over the real steps.

    Parameters
    ----------
    n_channels, n_outputs, seq_len : int
        Input channels, classes and the fixed number of steps (see the package).
    d_model, d_ff, n_heads, e_layers : int
        Width, feed-forward width, heads of the Fourier block and encoder layers.
    moving_avg : int
        Moving-average window of the decompositions (odd).
    modes : int
        Frequency modes kept (at most ``seq_len // 2``), drawn at construction.
    dropout : float
    """

    def __init__(
        self,
        n_channels,
        n_outputs,
        seq_len,
        d_model=128,
        d_ff=256,
        n_heads=8,
        e_layers=3,
        moving_avg=25,
        modes=32,
        dropout=0.1,
    ):
        super().__init__(n_channels, n_outputs, seq_len, d_model, dropout)
        fourier = FourierBlock(d_model, n_heads, self.seq_len, modes)
        self.layers = nn.ModuleList(
            FEDformerEncoderLayer(d_model, d_ff, n_heads, moving_avg, dropout, fourier)
            for _ in range(e_layers)
        )
        self.norm = nn.LayerNorm(d_model)

    def encode(self, h, lengths, mask):
        for layer in self.layers:
            h = layer(zero_padding(h, mask))  # (N, S, D)
        h = self.norm(h)  # (N, S, D)
        return h - masked_mean(h, mask.unsqueeze(-1), dim=1).unsqueeze(1)  # my_Layernorm
