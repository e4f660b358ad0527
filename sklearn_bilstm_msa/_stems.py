"""The front-ends (``stem``): learned convolutions over time, then shortening by pooling.

A front-end turns a series of ``T`` steps and ``C`` channels into one of
``T' = ceil(T / stride)`` steps and ``F`` features that the BiLSTM reads instead of the
raw input. ``_ShorteningStem`` is what they all share (pooling over windows of real
steps); ``ConvStem`` (``"conv"``), ``DilatedConvStem`` (``"dilated"``,
``"dilated+conv"``, the default, and ``"mixed"``) and ``InceptionStem``
(``"inception"``) are the kinds. Their data-dependent settings (stride, dilations)
are the rules of ``_defaults.py``. Shapes as in ``_network.py``.
"""

import torch
from torch import nn

from ._masking import has_padding, step_mask

__all__ = [
    "DILATED_STEMS",
    "MATMUL_POOL_MAX_STRIDE",
    "STEM_CLASSES",
    "STEM_POOLS",
    "ConvStem",
    "DilatedConvStem",
    "InceptionBlock",
    "InceptionStem",
    "masked_series_norm",
]


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


class _ConvolutionStem(_ShorteningStem):
    """A front-end of ReLU convolutions side by side (its ``branches``), pooled by
    :meth:`_ShorteningStem.shorten`: :class:`ConvStem` and :class:`DilatedConvStem`.

    Padded steps are zeroed before the convolutions (a series padded with anything gives
    what it gives unpadded, since the convolutions pad with zeros too) and take no part
    in any window mean.
    """

    def forward(self, x, lengths):
        """``x`` (N, T, C) -> (N, ceil(T / s), F), and the new lengths (N,)."""
        weights = [(conv.weight, conv.bias) for conv in self.branches]
        return self.shorten(*self.features(x, lengths, weights), lengths)  # (N, T', F), (N,)

    def features(self, x, lengths, weights):
        """The branches' ReLU features of ``x`` (N, T, C) at full resolution, zero at
        padded steps, with the ``weights``, one ``(weight, bias)`` per branch: the
        branches' own, or several networks' stacked along the filters (a seed
        ensemble's members computed together, ``_members.py``). Returns the blocks
        (N, F_j, T), one per branch, and the mask (N, T) of real steps."""
        mask = step_mask(x, lengths).to(x.dtype)  # (N, T)
        padded = has_padding(lengths, x.shape[1])
        if padded:
            x = x * mask.unsqueeze(-1)  # zero at padding
        x = x.transpose(1, 2)  # (N, C, T)
        blocks = [
            torch.relu_(
                nn.functional.conv1d(x, weight, bias, padding=conv.padding, dilation=conv.dilation)
            )
            for conv, (weight, bias) in zip(self.branches, weights, strict=True)
        ]  # J blocks (N, F_j, T)
        if padded:
            step = mask.unsqueeze(1)  # (N, 1, T): padded steps out of every window
            blocks = [block * step for block in blocks]
        return blocks, mask


class ConvStem(_ConvolutionStem):
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

    @property
    def branches(self):
        """The convolutions whose features are pooled (:class:`_ConvolutionStem`)."""
        return [self.conv]


class DilatedConvStem(_ConvolutionStem):
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

    @property
    def branches(self):
        """The convolutions whose features are pooled (:class:`_ConvolutionStem`)."""
        return list(self.convs)


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
