"""TimesNet (Wu et al., ICLR 2023) as TSLib's classifier.

Shapes: ``N`` batch, ``S`` the fixed ``seq_len``, ``D`` ``d_model``, ``k`` periods per
series, ``F = S // 2 + 1`` rfft bins, ``p`` a period, ``R = ceil(S / p)`` its rows.
"""

import torch
from torch import nn
from torch.nn import functional as F

from ._layers import FlattenClassifier, zero_padding

__all__ = ["InceptionBlock", "TimesBlock", "TimesNetNetwork"]


class InceptionBlock(nn.Module):
    """Mean of 2-D convolutions of sizes 1, 3, ..., 2 * num_kernels - 1 ("same" zero
    padding; TSLib's ``Inception_Block_V1``, Kaiming-normal fan-out initialised, zero
    biases).

    The mean of the convolutions is one convolution whose kernel is the mean of the
    kernels zero-padded to the largest size (:meth:`merged`), so the block runs that
    one convolution.
    """

    def __init__(self, in_channels, out_channels, num_kernels):
        super().__init__()
        self.kernels = nn.ModuleList(
            nn.Conv2d(in_channels, out_channels, kernel_size=2 * i + 1, padding=i)
            for i in range(num_kernels)
        )
        for conv in self.kernels:
            nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
            nn.init.zeros_(conv.bias)

    def merged(self):
        """The one kernel (out, in, W, W) and bias (out,) that the block amounts to."""
        widest = len(self.kernels) - 1
        weight = sum(
            F.pad(conv.weight, [widest - i] * 4) for i, conv in enumerate(self.kernels)
        ) / len(self.kernels)  # (out, in, 2*widest+1, 2*widest+1)
        bias = torch.stack([conv.bias for conv in self.kernels]).mean(0)  # (out,)
        return weight, bias

    def forward(self, x, merged=None):
        """(n, in, R, p) -> (n, out, R, p); ``merged`` may pass :meth:`merged` computed once."""
        weight, bias = self.merged() if merged is None else merged
        return F.conv2d(x, weight, bias, padding=weight.shape[-1] // 2)


class TimesBlock(nn.Module):
    """Periods from the FFT, 2-D Inception convolutions per period, weighted sum.

    The ``k`` frequencies of largest amplitude (averaged over the ``D`` features; the
    zero frequency excluded) give periods ``S // f``. For each period the (N, S, D)
    states are zero-padded to a multiple of ``p``, folded to (D, S/p, p), passed
    through Inception, GELU, Inception, unfolded and cut to ``S`` steps. The ``k``
    results are summed with weights softmax(amplitudes), then the input is added.

    Departure from TSLib: TSLib averages the amplitudes over the batch too, so every
    series of a batch gets the same periods and a series' output depends on the other
    series in its batch. Here each series picks its own ``k`` periods (TSLib's
    per-series softmax weights are unchanged); the block loops over the distinct
    periods of the batch and convolves only the series that use each one, so a
    series' output does not depend on the series beside it.
    """

    def __init__(self, d_model, d_ff, top_k, num_kernels):
        super().__init__()
        self.top_k = int(top_k)
        self.inception1 = InceptionBlock(d_model, d_ff, num_kernels)
        self.inception2 = InceptionBlock(d_ff, d_model, num_kernels)

    def _fold_conv(self, x, period, merged):
        """Series ``x`` (n, S, D) folded into rows of ``period`` steps, convolved, unfolded."""
        n, s, d = x.shape
        rows = -(-s // period)  # ceil(S / p)
        x = F.pad(x, (0, 0, 0, rows * period - s))  # (n, R*p, D)
        x = x.reshape(n, rows, period, d).permute(0, 3, 1, 2)  # (n, D, R, p)
        x = F.gelu(self.inception1(x, merged[0]))  # (n, d_ff, R, p)
        x = self.inception2(x, merged[1])  # (n, D, R, p)
        return x.permute(0, 2, 3, 1).reshape(n, rows * period, d)[:, :s]  # (n, S, D)

    def forward(self, x):
        """States ``x`` (N, S, D) -> (N, S, D)."""
        n_steps = x.shape[1]
        amplitude = torch.fft.rfft(x, dim=1).abs().mean(-1)  # (N, F)
        k = min(self.top_k, amplitude.shape[1] - 1)
        frequency = amplitude[:, 1:].detach().topk(k, dim=1).indices + 1  # (N, k)
        weight = torch.softmax(amplitude.gather(1, frequency), dim=1)  # (N, k)
        period = torch.div(n_steps, frequency, rounding_mode="floor")  # (N, k)
        merged = self.inception1.merged(), self.inception2.merged()  # once per forward
        out = torch.zeros_like(x)
        for p in torch.unique(period).tolist():
            uses = period == p  # (N, k)
            rows = uses.any(1).nonzero().squeeze(1)  # (n,) the series with period p
            share = (weight * uses).sum(1)[rows]  # (n,) their total weight on p
            folded = self._fold_conv(x[rows], p, merged)  # (n, S, D)
            out = out.index_add(0, rows, folded * share.view(-1, 1, 1))  # (N, S, D)
        return out + x


class TimesNetNetwork(FlattenClassifier):
    """TimesNet in TSLib's classification set-up: logits (N, n_outputs).

    Embedding (token convolution + sinusoidal positions), ``e_layers`` TimesBlocks
    each followed by one LayerNorm shared by all blocks (as in TSLib), then GELU,
    dropout, padding zeroed, flatten over ``seq_len x d_model`` and a linear layer.

    Padding: FFTs and folds run over the fixed ``seq_len`` canvas, so a series is seen
    as its real steps followed by zeros. Departures from TSLib, which does not mask:
    the token convolution wraps around each series' real steps, padded steps are
    zeroed after the embedding and at the input of every block, and each series picks
    its own periods (see :class:`TimesBlock`).

    Parameters
    ----------
    n_channels, n_outputs, seq_len : int
        Input channels, classes and the fixed number of steps (see the package), at
        least 2 steps.
    d_model, d_ff, e_layers : int
        Width, Inception hidden width and blocks. TSLib's classification scripts use
        d_model 16 to 64 and d_ff 32 to 256 by data set; the defaults, 32 and 64, are
        those of its Handwriting and UWaveGestureLibrary runs.
    top_k : int
        Periods per block (at most ``seq_len // 2``).
    num_kernels : int
        Convolutions in each Inception block.
    dropout : float
    """

    def __init__(
        self,
        n_channels,
        n_outputs,
        seq_len,
        d_model=32,
        d_ff=64,
        e_layers=2,
        top_k=3,
        num_kernels=6,
        dropout=0.1,
    ):
        if seq_len < 2:
            raise ValueError(f"TimesNet needs seq_len >= 2 to find a period, got {seq_len}.")
        super().__init__(n_channels, n_outputs, seq_len, d_model, dropout)
        self.blocks = nn.ModuleList(
            TimesBlock(d_model, d_ff, top_k, num_kernels) for _ in range(e_layers)
        )
        self.norm = nn.LayerNorm(d_model)

    def encode(self, h, lengths, mask):
        for block in self.blocks:
            h = self.norm(block(zero_padding(h, mask)))  # (N, S, D)
        return h
