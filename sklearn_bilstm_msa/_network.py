"""The torch module: BiLSTM encoder, multi-scale attention and a linear head.

Tensors in, tensors out: nothing here knows about numpy, scikit-learn or skorch.
Shapes are written next to the lines that change them; ``N`` is the batch size,
``T`` the (padded) number of time steps, ``C`` the number of channels, ``H`` the
LSTM hidden size, ``D`` the number of directions (2 for a BiLSTM) and ``S`` the
number of attention scales.

Equation numbers refer to ``docs/method.md`` (Yang et al., 2025, arXiv 2504.15223).
"""

import math

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = [
    "GLOBAL_WINDOW",
    "BiLSTMEncoder",
    "ConvStem",
    "DilatedConvStem",
    "InceptionBlock",
    "InceptionStem",
    "InputViews",
    "SeedEnsemble",
    "MultiScaleAttention",
    "BiLSTMMSANetwork",
    "head_input",
    "pool_states",
    "stem_summary",
    "window_radii",
]

#: The window width that stands for "the whole series" (global softmax attention).
GLOBAL_WINDOW = "global"

#: A radius larger than any series: a window this wide covers every real step.
_GLOBAL_RADIUS = 2**40

CONTEXT_MODES = ("sum", "normalized")


def step_mask(x, lengths):
    """(N, T) booleans, True at the real steps of series ``x`` (N, T, ...) of ``lengths``."""
    steps = torch.arange(x.shape[1], device=x.device)  # (T,)
    return steps.unsqueeze(0) < lengths.to(x.device).unsqueeze(1)  # (N, T)


def has_padding(lengths, n_steps):
    """Whether any series of ``lengths`` (N,) is shorter than the batch's ``n_steps``.

    Where none is, masking changes nothing and is skipped. (A host sync on a GPU. The
    ONNX export traces a padded batch, so its graph takes the masked path, which is
    exact for any batch.)
    """
    return not bool((lengths == n_steps).all())


def window_radii(window_sizes):
    """Half-widths ``r = (w - 1) / 2`` of validated window widths.

    ``"global"`` becomes a radius larger than any series, which makes the local
    softmax of eq. (3) exactly the global one.
    """
    return [_GLOBAL_RADIUS if w == GLOBAL_WINDOW else (int(w) - 1) // 2 for w in window_sizes]


class BiLSTMEncoder(nn.Module):
    """(Bi)LSTM over padded series that starts each direction at a series' real ends.

    The input is packed with the true lengths, so the backward direction starts at
    step ``lengths[i] - 1`` of series ``i`` rather than at the padding, and the
    states at padded steps are exact zeros. ``num_layers=0`` is no encoder (the
    ablation "front-end alone"): the input passes unchanged, zero at padded steps.
    """

    def __init__(self, n_channels, hidden_size, num_layers=1, bidirectional=True, dropout=0.0):
        super().__init__()
        if num_layers == 0:
            self.lstm = None
            self.output_size = n_channels
            return
        self.lstm = nn.LSTM(
            input_size=n_channels,
            hidden_size=hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            batch_first=True,
            # torch only applies dropout between stacked layers.
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.output_size = hidden_size * (2 if bidirectional else 1)

    def forward(self, x, lengths):
        """Encode ``x`` of shape (N, T, C) with ``lengths`` (N,) into (N, T, D*H)."""
        if self.lstm is None:
            return x * step_mask(x, lengths).unsqueeze(-1).to(x.dtype)  # (N, T, C)
        total_length = x.shape[1]
        # pack_padded_sequence wants the lengths on the CPU, as int64.
        lengths = lengths.to("cpu", torch.int64)
        if not has_padding(lengths, total_length):
            # No padding in this batch: packing would change nothing but the cost
            # (on a CPU the packed kernels take up to 1.35 times as long,
            # benchmarks/lstm_packing.py).
            h, _ = self.lstm(x)
            return h  # (N, T, D*H)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        h, _ = pad_packed_sequence(out, batch_first=True, total_length=total_length)
        return h  # (N, T, D*H), zeros at padded steps


#: ``stem_pool`` values: what the front-end keeps of each window of features.
STEM_POOLS = ("mean", "max", "mean+max")

#: Pooling windows up to this many steps are summed by a matrix product, longer ones by
#: a reshape (prediction) or ``avg_pool1d`` (training; ``_ShorteningStem._window_sums``).
MATMUL_POOL_MAX_STRIDE = 12


class _ShorteningStem(nn.Module):
    """What every front-end shares: the mean (or maximum, or both) over non-overlapping
    windows of ``stride`` real steps, which shortens a series of length ``L`` to
    ``ceil(L / stride)`` steps.

    A subclass computes the features ``z`` (N, F, T), zero at padded steps, and calls
    :meth:`shorten`; ``BiLSTMMSANetwork.attention_weights`` reads :meth:`window_counts`
    and ``stride`` to map the attention back onto the input's time axis.
    """

    def __init__(self, stride, pool="mean"):
        super().__init__()
        if pool not in STEM_POOLS:
            raise ValueError(f"stem_pool must be one of {STEM_POOLS}, got {pool!r}.")
        self.stride = int(stride)
        self.pool = pool
        #: Features out per feature in: ``"mean+max"`` keeps two of each.
        self.pool_factor = 2 if pool == "mean+max" else 1

    def output_lengths(self, lengths):
        """Lengths after shortening: ``ceil(L / stride)``."""
        return torch.div(lengths + self.stride - 1, self.stride, rounding_mode="floor")

    def window_counts(self, lengths, n_steps):
        """Real input steps (N, T') in each pooling window of each series (>= 1 inside
        the series, 0 beyond it)."""
        starts = torch.arange(n_steps, device=lengths.device) * self.stride  # (T',)
        counts = lengths.unsqueeze(1) - starts.unsqueeze(0)  # (N, T')
        return counts.clamp(min=0, max=self.stride)

    def shorten(self, z, mask, lengths):
        """Window means of ``z`` (N, F, T), zero at padding, over the real steps of
        ``mask`` (N, T) -> (N, ceil(T / s), F), and the new lengths (N,).

        ``z`` may also be a list of feature blocks (N, F_j, T), which are pooled one by
        one and joined after pooling, where they are ``s`` times shorter (a join at full
        length is a copy of the largest tensor in the network).

        With ``pool="max"`` each window's maximum replaces its mean, and ``"mean+max"``
        gives the means of all blocks, then their maxima (2F features). The features of
        every front-end are ReLU outputs, zero at padded steps, so a window's maximum
        over the tensor is its maximum over the real steps (zero beyond the series).
        """
        parts = list(z) if isinstance(z, (list, tuple)) else [z]
        if self.stride == 1:
            pooled = parts * self.pool_factor  # every window is one step: mean = max
        else:
            pooled = []
            if self.pool != "max":
                n_steps = (mask.shape[1] + self.stride - 1) // self.stride  # ceil(T / s)
                # The window sums divided by each window's real steps (>= 1 inside a
                # series; a window beyond it sums zeros, and the clamp keeps 0 / 0 out).
                counts = self.window_counts(lengths.to(mask.device), n_steps)  # (N, T')
                counts = counts.clamp(min=1).unsqueeze(1).to(parts[0].dtype)  # (N, 1, T')
                pooled += [total / counts for total in self._window_sums(parts, n_steps)]
            if self.pool != "mean":
                pooled += [
                    nn.functional.max_pool1d(part, self.stride, ceil_mode=True) for part in parts
                ]  # (N, F_j, T')
        z = pooled[0] if len(pooled) == 1 else torch.cat(pooled, dim=1)  # (N, F, T')
        return z.transpose(1, 2), self.output_lengths(lengths)  # (N, T', F), (N,)

    def _window_sums(self, parts, n_out):
        """The sums of each block (N, F_j, T) of ``parts`` over the ``n_out`` windows of
        ``stride`` steps: a list of (N, F_j, n_out).

        Windows of up to ``MATMUL_POOL_MAX_STRIDE`` steps by
        :meth:`_window_sums_by_product`; longer ones by :meth:`_window_sums_by_reshape`
        where no gradient is recorded (prediction) and by
        :meth:`_window_sums_by_avg_pool` where one is (training), whose backward pass is
        the faster. On one CPU thread the product predicted 2-6 times faster than
        ``avg_pool1d`` up to ten-step windows (1.5-4 times with the backward pass); from
        twenty steps on the reshape predicted 1.5-2.2 times faster than ``avg_pool1d``
        but took up to twice as long with the backward pass (``benchmarks/pooling.py``).
        All three give the sum of the same terms, up to float32 rounding.
        """
        if self.stride <= MATMUL_POOL_MAX_STRIDE:
            return self._window_sums_by_product(parts, n_out)
        if torch.is_grad_enabled():
            return self._window_sums_by_avg_pool(parts, n_out)
        return self._window_sums_by_reshape(parts, n_out)

    def _window_sums_by_product(self, parts, n_out):
        """Window sums as a product with the (T, T') 0/1 matrix of which step lies in
        which window (built once for all blocks)."""
        like = parts[0]
        steps = torch.arange(like.shape[2], device=like.device)  # (T,)
        windows = torch.arange(n_out, device=like.device)  # (T',)
        member = torch.div(steps, self.stride, rounding_mode="floor").unsqueeze(1) == windows
        member = member.to(like.dtype)  # (T, T')
        return [torch.matmul(part, member) for part in parts]  # (N, F_j, T') each

    def _window_sums_by_reshape(self, parts, n_out):
        """Window sums as sums over the last axis of each block's first ``T // s *
        s`` steps seen as (N, F_j, T // s, s) (a view, no copy), with the steps after
        them (the short last window; none where ``s`` divides ``T``) summed apart."""
        whole = parts[0].shape[2] // self.stride * self.stride  # steps in full windows
        sums = []
        for part in parts:
            full = part[..., :whole].unflatten(2, (-1, self.stride)).sum(dim=3)
            rest = part[..., whole:].sum(dim=2, keepdim=True)  # zeros if none are left
            sums.append(torch.cat([full, rest], dim=2)[..., :n_out])  # (N, F_j, T')
        return sums

    def _window_sums_by_avg_pool(self, parts, n_out):
        """Window sums as ``avg_pool1d`` (``ceil_mode`` for a short last window) times
        the steps of each window inside the tensor."""
        like = parts[0]
        whole = torch.full((1,), like.shape[2], device=like.device)  # the tensor as one series
        inside = self.window_counts(whole, n_out).to(like.dtype)  # (1, T')
        return [
            nn.functional.avg_pool1d(part, self.stride, ceil_mode=True) * inside for part in parts
        ]  # (N, F_j, T') each


class InputViews(nn.Module):
    """Fixed (not learned) views of the standardised series, stacked as channels.

    The network reads ``[x ; x^step ; Δx ; indicators]`` instead of ``x``, where ``x``
    are the first ``C`` (value) channels of the input and the indicators, if any, the
    rest:

    - ``x^step_t = (x_t - a_t) / b_t``: each step standardised over the training
      cases (``normalize="step+channel"``; ``a``, ``b`` of shape (T, C) restate the
      per-step statistics in the units of ``x``), so series of exactly ``T`` steps only;
    - ``Δx_t = (x_t - x_{t-1}) / d`` for ``t >= 1`` and ``Δx_0 = 0``: the first
      difference, scaled by ``d`` (C,), its standard deviation in training
      (``difference=True``).

    Padded steps are zero in every view.

    Parameters
    ----------
    n_channels : int
        Input channels, the value channels first.
    step_shift, step_scale : Tensor of shape (T, C) or None
        ``a`` and ``b``; None for no per-step view.
    difference_scale : Tensor of shape (C,) or None
        ``d``; None for no difference view.
    """

    def __init__(self, n_channels, step_shift=None, step_scale=None, difference_scale=None):
        super().__init__()
        if (step_shift is None) != (step_scale is None):
            raise ValueError("step_shift and step_scale go together.")
        self.n_values = 0
        for name, value in (
            ("step_shift", step_shift),
            ("step_scale", step_scale),
            ("difference_scale", difference_scale),
        ):
            value = None if value is None else torch.as_tensor(value, dtype=torch.float32)
            self.register_buffer(name, value)
            if value is not None:
                self.n_values = value.shape[-1]
        views = 1 + (step_shift is not None) + (difference_scale is not None)
        self.output_size = n_channels + (views - 1) * self.n_values

    def forward(self, x, lengths):
        """``x`` (N, T, C + k) -> (N, T, V*C + k), V the number of views."""
        values, rest = x[..., : self.n_values], x[..., self.n_values :]
        mask = step_mask(x, lengths).unsqueeze(-1).to(x.dtype)  # (N, T, 1)
        views = [values]
        if self.step_shift is not None:
            views.append((values - self.step_shift) / self.step_scale * mask)  # (N, T, C)
        if self.difference_scale is not None:
            change = (values[:, 1:] - values[:, :-1]) / self.difference_scale  # (N, T-1, C)
            views.append(torch.cat([torch.zeros_like(values[:, :1]), change], 1) * mask)
        return torch.cat([*views, rest], dim=-1)


class ConvStem(_ShorteningStem):
    """The front-end: a learned convolution over time, then shortening by pooling.

    ``z = relu(conv_k(x))`` with ``F`` filters of width ``k`` ("same" padding), then
    the mean of ``z`` over non-overlapping windows of ``stride`` real steps, so that a
    series of length ``L`` leaves the stem with ``ceil(L / stride)`` steps. Padded
    steps are zeroed before the convolution (a series padded with anything gives what
    it gives unpadded, since the convolution pads with zeros too) and take no part in
    any window mean (the last window of a series averages only its real steps).

    Parameters
    ----------
    n_channels : int
        Input channels ``C``.
    out_channels : int
        Filters ``F``.
    kernel_size : int
        Odd filter width ``k``.
    stride : int
        Shortening factor ``s`` (1: no shortening).
    pool : {"mean", "max", "mean+max"}
        What is kept of each window (:meth:`_ShorteningStem.shorten`); ``"mean+max"``
        doubles ``output_size``.
    """

    def __init__(self, n_channels, out_channels, kernel_size=7, stride=1, pool="mean"):
        super().__init__(stride, pool)
        if kernel_size % 2 != 1:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}.")
        self.conv = nn.Conv1d(n_channels, out_channels, kernel_size, padding=kernel_size // 2)
        self.output_size = out_channels * self.pool_factor

    def forward(self, x, lengths):
        """``x`` (N, T, C) -> (N, ceil(T / s), F), and the new lengths (N,)."""
        mask = step_mask(x, lengths).to(x.dtype)  # (N, T)
        padded = has_padding(lengths, x.shape[1])
        if padded:
            x = x * mask.unsqueeze(-1)  # zero at padding
        z = torch.relu_(self.conv(x.transpose(1, 2)))  # (N, F, T)
        if padded:
            z = z * mask.unsqueeze(1)  # padded steps out of every window
        return self.shorten(z, mask, lengths)  # (N, T', F), (N,)


class DilatedConvStem(_ShorteningStem):
    """The front-end with a wider view: convolutions of one width at several dilations,
    side by side, then the window means of :class:`ConvStem`.

    ``z = relu([conv_{k,d_1}(x) ; ... ; conv_{k,d_J}(x)])``: branch ``j`` has ``F_j``
    filters of width ``k`` whose taps are ``d_j`` steps apart ("same" zero padding of
    ``d_j (k - 1) / 2`` steps), so it sees ``(k - 1) d_j + 1`` steps; the ``F`` filters
    are shared out evenly over the branches (``F_j = ⌊F / J⌋``, the first ``F mod J``
    branches one more). With dilations ``2^j`` the receptive field grows to the
    series' length at the cost of one convolution of width ``k`` (MiniRocket's
    dilations, Dempster et al. 2021, on a learned convolution). Padded steps are zeroed
    before the convolutions and take no part in any window mean, as in
    :class:`ConvStem`.

    Parameters
    ----------
    n_channels : int
        Input channels ``C``.
    out_channels : int
        Filters ``F`` over all branches (at least one per branch).
    kernel_size : int
        Odd filter width ``k``.
    dilations : sequence of int
        The branches' dilations ``d_j >= 1``.
    stride : int
        Shortening factor ``s`` (1: no shortening).
    undilated : int
        Extra filters at dilation one beside the shared-out ones (the ``"dilated+conv"``
        front-end: all ``F`` filters of :class:`ConvStem` beside the ``F`` dilated
        ones, so ``2 F`` features). They join the first branch, whose dilation must
        then be one.
    pool : {"mean", "max", "mean+max"}
        What is kept of each window (:meth:`_ShorteningStem.shorten`); ``"mean+max"``
        doubles ``output_size``.
    """

    def __init__(
        self,
        n_channels,
        out_channels,
        kernel_size=7,
        dilations=(1,),
        stride=1,
        undilated=0,
        pool="mean",
    ):
        super().__init__(stride, pool)
        if kernel_size % 2 != 1:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}.")
        dilations = tuple(int(d) for d in dilations)
        if not dilations or min(dilations) < 1 or len(dilations) > out_channels:
            raise ValueError(
                f"dilations must be 1 to out_channels={out_channels} ints >= 1, got {dilations}."
            )
        if undilated and dilations[0] != 1:
            raise ValueError(f"undilated filters need a first dilation of 1, got {dilations}.")
        self.dilations = dilations
        base, extra = divmod(out_channels, len(dilations))
        filters = [base + (j < extra) for j in range(len(dilations))]
        filters[0] += undilated
        self.convs = nn.ModuleList(
            nn.Conv1d(n_channels, f, kernel_size, padding=d * (kernel_size // 2), dilation=d)
            for f, d in zip(filters, dilations, strict=True)
        )
        self.output_size = (out_channels + undilated) * self.pool_factor

    def forward(self, x, lengths):
        """``x`` (N, T, C) -> (N, ceil(T / s), F), and the new lengths (N,)."""
        mask = step_mask(x, lengths).to(x.dtype)  # (N, T)
        padded = has_padding(lengths, x.shape[1])
        if padded:
            x = x * mask.unsqueeze(-1)  # zero at padding
        x = x.transpose(1, 2)  # (N, C, T)
        z = [torch.relu_(conv(x)) for conv in self.convs]  # J blocks (N, F_j, T)
        if padded:
            step = mask.unsqueeze(1)  # (N, 1, T): padded steps out of every window
            z = [block * step for block in z]
        return self.shorten(z, mask, lengths)  # (N, T', F), (N,)


def masked_series_norm(z, mask, eps=1e-5):
    """``z`` (N, F, T) standardised per series over its features and real steps.

    ``mask`` (N, 1, T) is 1 at real steps; padded steps neither count nor change, so a
    series' result does not depend on its padding or on the other series of its batch
    (as a batch norm's would). The statistics are taken in float32 at least, also under
    mixed precision.
    """
    dtype = z.dtype
    z, mask = z.float(), mask.float()  # a no-op in float32
    count = mask.sum(dim=2, keepdim=True) * z.shape[1]  # (N, 1, 1)
    mean = (z * mask).sum(dim=(1, 2), keepdim=True) / count  # (N, 1, 1)
    centred = (z - mean) * mask  # (N, F, T)
    var = (centred * centred).sum(dim=(1, 2), keepdim=True) / count  # (N, 1, 1)
    return (centred / torch.sqrt(var + eps)).to(dtype)  # (N, F, T), zero at padded steps


class InceptionBlock(nn.Module):
    """One InceptionTime block (Ismail Fawaz et al., 2020) without batch norm.

    A 1x1 bottleneck (only for more than one input channel), three parallel
    convolutions of widths ``kernel_sizes`` ("same" zero padding) and a max-pool
    (width 3, stride 1) followed by a 1x1 convolution, concatenated, then a per-series
    norm over features and real steps (:func:`masked_series_norm`, with a learned scale
    and shift per feature) and a ReLU. Padded steps are zero on the way in and out, and
    are ``-inf`` for the max-pool, so they never win it.

    Parameters
    ----------
    in_channels : int
    branch_channels : int
        Filters ``f`` of each of the four branches; the block gives ``4 f`` features.
    kernel_sizes : tuple of odd int
    bottleneck : int
        Channels of the bottleneck.
    """

    def __init__(self, in_channels, branch_channels, kernel_sizes=(9, 19, 39), bottleneck=32):
        super().__init__()
        if any(k % 2 != 1 for k in kernel_sizes):
            raise ValueError(f"kernel_sizes must be odd, got {kernel_sizes}.")
        if in_channels > 1:
            # No bias: a masked input stays exactly zero at padded steps.
            self.bottleneck = nn.Conv1d(in_channels, bottleneck, 1, bias=False)
            width = bottleneck
        else:
            self.bottleneck = None
            width = in_channels
        self.convs = nn.ModuleList(
            nn.Conv1d(width, branch_channels, k, padding=k // 2) for k in kernel_sizes
        )
        self.pool_conv = nn.Conv1d(in_channels, branch_channels, 1)
        features = branch_channels * (len(kernel_sizes) + 1)
        self.scale = nn.Parameter(torch.ones(1, features, 1))
        self.shift = nn.Parameter(torch.zeros(1, features, 1))
        self.output_size = features

    def forward(self, x, mask):
        """``x`` (N, C, T), zero at padded steps; ``mask`` (N, 1, T) -> (N, 4f, T)."""
        u = x if self.bottleneck is None else self.bottleneck(x)  # (N, B, T)
        # Padding is -inf for the max-pool (which pads with -inf too); a real step's
        # window holds itself, so its maximum is over real steps only.
        pooled = nn.functional.max_pool1d(
            x.masked_fill(mask == 0, float("-inf")), 3, stride=1, padding=1
        )  # (N, C, T)
        pooled = pooled.masked_fill(mask == 0, 0.0)  # no -inf into the convolution
        branches = [conv(u) for conv in self.convs] + [self.pool_conv(pooled)]
        z = masked_series_norm(torch.cat(branches, dim=1), mask)  # (N, 4f, T)
        return torch.relu(z * self.scale + self.shift) * mask  # zero at padded steps


class InceptionStem(_ShorteningStem):
    """An InceptionTime-like front-end: ``depth`` Inception blocks at full resolution
    with a residual 1x1 shortcut around them, then the window means of :class:`ConvStem`.

    ``z = relu(B_depth(... B_1(x)) + W x + b)`` (each ``B`` an :class:`InceptionBlock`),
    then the mean over non-overlapping windows of ``stride`` real steps. Padded steps are
    zero before every convolution and after every block, so a series padded with
    anything gives what it gives unpadded.

    Parameters
    ----------
    n_channels : int
        Input channels ``C``.
    out_channels : int
        Features ``F``; each of the four branches gets ``ceil(F / 4)`` filters, so the
        stem gives ``4 ceil(F / 4)`` features (``output_size``).
    stride : int
        Shortening factor ``s`` (1: no shortening).
    pool : {"mean", "max", "mean+max"}
        What is kept of each window (:meth:`_ShorteningStem.shorten`); ``"mean+max"``
        doubles ``output_size``.
    depth : int
        Inception blocks.
    kernel_sizes : tuple of odd int
        Widths of the three convolution branches.
    bottleneck : int
        Bottleneck channels of blocks with more than one input channel.
    """

    def __init__(
        self,
        n_channels,
        out_channels,
        stride=1,
        depth=3,
        kernel_sizes=(9, 19, 39),
        bottleneck=32,
        pool="mean",
    ):
        super().__init__(stride, pool)
        branch = -(-out_channels // (len(kernel_sizes) + 1))
        blocks = []
        width = n_channels
        for _ in range(depth):
            blocks.append(InceptionBlock(width, branch, kernel_sizes, bottleneck))
            width = blocks[-1].output_size
        self.blocks = nn.ModuleList(blocks)
        self.shortcut = nn.Conv1d(n_channels, width, 1)
        self.output_size = width * self.pool_factor

    def forward(self, x, lengths):
        """``x`` (N, T, C) -> (N, ceil(T / s), F), and the new lengths (N,)."""
        mask = step_mask(x, lengths).to(x.dtype)  # (N, T)
        m = mask.unsqueeze(1)  # (N, 1, T)
        x = x.transpose(1, 2) * m  # (N, C, T), zero at padded steps
        z = x
        for block in self.blocks:
            z = block(z, m)  # (N, F, T)
        z = torch.relu(z + self.shortcut(x)) * m  # (N, F, T), padded steps out of windows
        return self.shorten(z, mask, lengths)  # (N, T', F), (N,)


#: ``stem`` kinds of :class:`BiLSTMMSANetwork` (``None``, no stem, is the paper's model).
#: The front-ends built of :class:`DilatedConvStem` (``stem_dilations`` applies).
DILATED_STEMS = ("dilated", "dilated+conv", "mixed")

STEM_CLASSES = {
    "conv": ConvStem,
    "dilated": DilatedConvStem,
    "dilated+conv": DilatedConvStem,
    "mixed": DilatedConvStem,
    "inception": InceptionStem,
}


class MultiScaleAttention(nn.Module):
    """Multi-scale local-softmax attention pooling, every scale at once.

    Scale ``s`` scores each step with its own ``e_t = tanh(W_s h_t + b_s)`` (eq. 2)
    and normalises ``exp(e_t)`` over the window ``[t - r_s, t + r_s]`` clipped to
    the real steps of the series (eq. 3). The window sums of all scales come from
    one cumulative sum over time, so there is no loop over steps or scales.

    Parameters
    ----------
    in_features : int
        Size ``D*H`` of the hidden states.
    window_sizes : sequence of (odd int or "global")
        Full window widths ``w_s``; already validated by the caller.
    context : {"normalized", "sum"}
        ``"sum"`` is eq. (4) as printed, ``c = sum_t alpha_t h_t``, whose scale
        grows with the series length because local weights do not sum to one.
        ``"normalized"`` divides the weights of each scale by their sum over the
        series, so that each ``c^(s)`` is a convex combination of hidden states.
    """

    def __init__(self, in_features, window_sizes, context="sum"):
        super().__init__()
        if context not in CONTEXT_MODES:
            raise ValueError(f"context must be one of {CONTEXT_MODES}, got {context!r}.")
        self.n_scales = len(window_sizes)
        self.context = context
        # One linear layer holds the S scorers W_s (rows of the weight) and b_s.
        self.score = nn.Linear(in_features, self.n_scales)
        self.register_buffer(
            "radii", torch.tensor(window_radii(window_sizes), dtype=torch.int64), persistent=False
        )
        self.output_size = in_features * self.n_scales

    def weights(self, h, mask):
        """Attention weights (N, T, S) that multiply ``h_t`` in the context sum.

        ``mask`` (N, T) is True at real steps; padded steps get weight zero.
        """
        n_steps = h.shape[1]
        e = torch.tanh(self.score(h))  # (N, T, S), eq. (2)
        # e lies in [-1, 1], so exp cannot overflow and needs no max-subtraction;
        # padded steps contribute exactly nothing to any window sum.
        p = torch.exp(e) * mask.unsqueeze(-1)  # (N, T, S)
        # Window sums from a cumulative sum: sum_{k=lo}^{hi-1} p_k = P[hi] - P[lo].
        # Accumulate in float64 so that long series lose no precision to cancellation.
        cumsum = torch.cumsum(p.double(), dim=1)  # (N, T, S)
        cumsum = nn.functional.pad(cumsum, (0, 0, 1, 0))  # (N, T+1, S), P[0] = 0
        steps = torch.arange(n_steps, device=h.device).unsqueeze(1)  # (T, 1)
        lo = (steps - self.radii).clamp(min=0)  # (T, S)
        hi = (steps + self.radii + 1).clamp(max=n_steps)  # (T, S)
        # The window bounds are the same for every series: pick P[hi] and P[lo] of all
        # scales at once from the flattened (T+1)*S axis (one index_select each).
        n_scales = self.n_scales
        flat = cumsum.flatten(1)  # (N, (T+1)*S)
        scale = torch.arange(n_scales, device=h.device)  # (S,)
        upper = flat.index_select(1, (hi * n_scales + scale).flatten())  # (N, T*S)
        lower = flat.index_select(1, (lo * n_scales + scale).flatten())  # (N, T*S)
        window_sum = (upper - lower).view(h.shape[0], n_steps, n_scales)  # (N, T, S)
        # A real step always lies in its own window, so its window sum is >= e^-1;
        # the clamp only keeps padded steps (0 / 0) finite.
        alpha = p / window_sum.clamp(min=1e-30).to(p.dtype)  # (N, T, S), eq. (3)
        if self.context == "normalized":
            alpha = alpha / alpha.sum(dim=1, keepdim=True).clamp(min=1e-30)  # (N, T, S)
        return alpha

    def forward(self, h, mask):
        """Context vector (N, S*D*H) of hidden states ``h`` (N, T, D*H)."""
        alpha = self.weights(h, mask)  # (N, T, S)
        context = torch.einsum("nts,ntf->nsf", alpha, h)  # (N, S, D*H), eq. (4)
        return context.flatten(1)  # (N, S*D*H), eq. (5): c = [c^(1); ...; c^(S)]


def pool_states(h, mask, attention):
    """Context of hidden states ``h`` (N, T, F) at the real steps ``mask`` (N, T).

    With an ``attention`` module, its multi-scale context (N, S*F); with ``None``
    (the "no attention" ablation), the mean of the states over the real steps (N, F).
    """
    if attention is None:
        weights = mask.unsqueeze(-1).to(h.dtype)  # (N, T, 1)
        return (h * weights).sum(1) / weights.sum(1)  # (N, F)
    return attention(h, mask)  # (N, S*F)


def stem_summary(stem, z, mask, lengths):
    """A stem's features ``z`` (N, T', F) over the whole series: their mean over the real
    input steps (each window weighted by its real steps, so with ``stem_pool="mean"`` the
    mean of the full-resolution features) and their largest window value over the real
    windows ``mask`` (N, T'), for input ``lengths`` (N,): (N, 2F). The features are ReLU
    outputs (>= 0), so padded windows, set to 0, never win the maximum."""
    counts = stem.window_counts(lengths.to(z.device), z.shape[1]).to(z.dtype)  # (N, T')
    mean = torch.einsum("nt,ntf->nf", counts, z) / counts.sum(1, keepdim=True)  # (N, F)
    peak = z.masked_fill(~mask.unsqueeze(-1), 0.0).amax(dim=1)  # (N, F)
    return torch.cat([mean, peak], dim=1)  # (N, 2F)


def head_input(h, mask, attention, stem=None, z=None, lengths=None):
    """What the output layer reads: the context of hidden states ``h`` (N, T', D*H)
    (:func:`pool_states`), and with a ``stem`` (``stem_skip``) the :func:`stem_summary`
    of its features ``z`` (N, T', F) beside it, for input ``lengths``."""
    context = pool_states(h, mask, attention)  # (N, S*D*H) or (N, D*H)
    if stem is None:
        return context
    return torch.cat([context, stem_summary(stem, z, mask, lengths)], dim=1)


class BiLSTMMSANetwork(nn.Module):
    """BiLSTM + multi-scale attention network: class logits or regression values out.

    With ``window_sizes=()`` there is no attention and the context is the mean of
    the hidden states over the real steps (the "no attention" ablation).

    Parameters
    ----------
    n_channels : int
        Channels ``d`` of the input series.
    n_outputs : int
        Classes (or regression targets) of the head.
    hidden_size : int
        LSTM hidden size ``H`` per direction.
    num_layers : int
        Stacked LSTM layers.
    bidirectional : bool
        BiLSTM (the paper) or a forward-only LSTM (ablation).
    window_sizes : sequence of (odd int or "global")
        Validated attention window widths, one per scale.
    dropout : float
        Dropout between LSTM layers and before the head.
    context : {"normalized", "sum"}
        See :class:`MultiScaleAttention`.
    stem_stride : int or None
        ``None``: no front-end, the paper's model. An int ``s``: the front-end ``stem``
        with ``hidden_size`` features shortens the series ``s``-fold before the encoder.
    stem_kernel_size : int
        Filter width of a ``"conv"`` stem or a dilated one (``DILATED_STEMS``).
    stem : {"conv", "dilated", "dilated+conv", "mixed", "inception"}
        The front-end used when ``stem_stride`` is given: a :class:`ConvStem`, a
        :class:`DilatedConvStem` (``"dilated"``: ``hidden_size`` filters shared out over
        the dilations; ``"dilated+conv"``: with ``hidden_size`` more at dilation one;
        ``"mixed"``: half of the ``hidden_size`` filters at dilation one, the other
        half shared out) or an :class:`InceptionStem`.
    stem_dilations : sequence of int or None
        The dilations of a dilated stem (``DILATED_STEMS``; None: ``(1,)``).
    stem_pool : {"mean", "max", "mean+max"}
        What the stem keeps of each window (:meth:`_ShorteningStem.shorten`).
    stem_skip : bool
        With a stem, the head also reads the stem's features summarised over the whole
        series (:func:`stem_summary`: their mean over the real input steps and their
        largest window value), beside the attention's context.
    step_shift, step_scale, difference_scale : Tensor or None
        Fixed views of the input stacked before everything else
        (:class:`InputViews`); all None (the default): the input as it is.
    """

    def __init__(
        self,
        n_channels,
        n_outputs,
        hidden_size=64,
        num_layers=1,
        bidirectional=True,
        window_sizes=(3, 7, 15),
        dropout=0.0,
        context="sum",
        stem_stride=None,
        stem_kernel_size=7,
        stem="conv",
        step_shift=None,
        step_scale=None,
        difference_scale=None,
        stem_dilations=None,
        stem_pool="mean",
        stem_skip=False,
    ):
        super().__init__()
        if step_shift is None and difference_scale is None:
            self.views = None
        else:
            self.views = InputViews(n_channels, step_shift, step_scale, difference_scale)
            n_channels = self.views.output_size
        if stem not in STEM_CLASSES:
            raise ValueError(f"stem must be one of {tuple(STEM_CLASSES)}, got {stem!r}.")
        if stem_stride is None:
            self.stem = None
        elif stem == "conv":
            self.stem = ConvStem(n_channels, hidden_size, stem_kernel_size, stem_stride, stem_pool)
        elif stem in DILATED_STEMS:
            dilations = (1,) if stem_dilations is None else stem_dilations
            # The filters shared out over the dilations, and those added at dilation one.
            shared, undilated = {
                "dilated": (hidden_size, 0),
                "dilated+conv": (hidden_size, hidden_size),
                "mixed": (hidden_size - hidden_size // 2, hidden_size // 2),
            }[stem]
            self.stem = DilatedConvStem(
                n_channels, shared, stem_kernel_size, dilations, stem_stride, undilated, stem_pool
            )
        else:
            self.stem = InceptionStem(n_channels, hidden_size, stem_stride, pool=stem_pool)
        if self.stem is not None:
            n_channels = self.stem.output_size
        if stem_skip and self.stem is None:
            raise ValueError("stem_skip needs a front-end (a stem_stride).")
        self.stem_skip = bool(stem_skip)
        self.encoder = BiLSTMEncoder(n_channels, hidden_size, num_layers, bidirectional, dropout)
        features = self.encoder.output_size
        if len(window_sizes) > 0:
            self.attention = MultiScaleAttention(features, window_sizes, context)
            features = self.attention.output_size
        else:
            self.attention = None
        if self.stem_skip:
            features += 2 * n_channels  # the stem's mean and maximum (stem_summary)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(features, n_outputs)

    _mask = staticmethod(step_mask)

    @staticmethod
    def _trim(x, lengths):
        # A batch drawn from a long-padded dataset needs only its own longest length.
        return x[:, : int(lengths.max())]

    def front_end(self, x, lengths):
        """The encoder's input: ``x`` (N, T, C) through the views and the stem, if any,
        and its lengths."""
        if self.views is not None:
            x = self.views(x, lengths)  # (N, T, V*C + k)
        if self.stem is None:
            return x, lengths
        return self.stem(x, lengths)  # (N, ceil(T / s), F), (N,)

    def attention_weights(self, x, lengths):
        """Weights (N, S, T) that each scale gives to each input step (zero at padding).

        With a stem, the weight of an encoder step is shared evenly by the real input
        steps of its pooling window, so each scale's total is unchanged.
        """
        z, z_lengths = self.front_end(x, lengths)  # (N, T', F)
        mask = self._mask(z, z_lengths)  # (N, T')
        h = self.encoder(z, z_lengths)  # (N, T', D*H)
        if self.attention is None:
            return h.new_zeros(x.shape[0], 0, x.shape[1])
        weights = self.attention.weights(h, mask).transpose(1, 2)  # (N, S, T')
        if self.stem is None:
            return weights
        counts = self.stem.window_counts(lengths.to(x.device), z.shape[1])  # (N, T')
        weights = weights / counts.clamp(min=1).unsqueeze(1).to(weights.dtype)
        weights = weights.repeat_interleave(self.stem.stride, dim=2)[:, :, : x.shape[1]]
        return weights * self._mask(x, lengths).unsqueeze(1).to(weights.dtype)  # (N, S, T)

    def forward(self, x, lengths):
        """Logits (N, n_outputs) of series ``x`` (N, T, C) with true ``lengths`` (N,)."""
        x = self._trim(x, lengths)  # (N, T', C)
        z, z_lengths = self.front_end(x, lengths)  # (N, T'', F) with a stem
        mask = self._mask(z, z_lengths)  # (N, T'')
        h = self.encoder(z, z_lengths)  # (N, T'', D*H), eq. (1)
        skip = self.stem if self.stem_skip else None
        features = head_input(h, mask, self.attention, skip, z, lengths)  # (N, S*D*H [+ 2F])
        return self.head(self.dropout(features))  # (N, n_outputs), eq. (6) before softmax


class SeedEnsemble(nn.Module):
    """Several independently initialised networks in one module.

    In training mode the members' outputs are stacked, (N, M, n_outputs), so that each
    member learns from its own loss (:class:`MemberLoss`), as separately trained
    networks would. In eval mode the members are combined: ``"proba"`` gives the log of
    the mean of the members' softmax probabilities (so a softmax of it is the mean
    probability, and argmax/cross-entropy work on it as on logits), ``"mean"`` the mean
    output (regression).

    Parameters
    ----------
    n_estimators : int
        Members ``M``.
    combine : {"proba", "mean"}
    **network_params
        Parameters of each :class:`BiLSTMMSANetwork`.
    """

    def __init__(self, n_estimators, combine, **network_params):
        super().__init__()
        if combine not in ("proba", "mean"):
            raise ValueError(f"combine must be 'proba' or 'mean', got {combine!r}.")
        self.combine = combine
        self.members = nn.ModuleList(
            BiLSTMMSANetwork(**network_params) for _ in range(n_estimators)
        )

    def combine_outputs(self, outputs):
        """Members' outputs (N, M, K) -> the ensemble's (N, K)."""
        if self.combine == "mean":
            return outputs.mean(dim=1)
        log_proba = torch.log_softmax(outputs, dim=-1)  # (N, M, K)
        return torch.logsumexp(log_proba, dim=1) - math.log(outputs.shape[1])  # (N, K)

    def attention_weights(self, x, lengths):
        """Each member's weights, members one after the other: (N, M*S, T)."""
        return torch.cat([m.attention_weights(x, lengths) for m in self.members], dim=1)

    def forward(self, x, lengths):
        outputs = torch.stack([m(x, lengths) for m in self.members], dim=1)  # (N, M, K)
        return outputs if self.training else self.combine_outputs(outputs)
