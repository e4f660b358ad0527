"""The torch module: BiLSTM encoder, multi-scale attention, a linear head, the ensemble.

The front-ends it reads through are in ``_stems.py``, the input views in ``_views.py``.

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

from ._masking import has_padding, step_mask
from ._stems import DILATED_STEMS, STEM_CLASSES, ConvStem, DilatedConvStem, InceptionStem
from ._views import InputViews

__all__ = [
    "GLOBAL_WINDOW",
    "MEMBER_BLOCKS",
    "BiLSTMEncoder",
    "OwnDropout",
    "SeedEnsemble",
    "MultiScaleAttention",
    "BiLSTMMSANetwork",
    "head_input",
    "member_blocks",
    "pool_states",
    "stem_summary",
    "window_radii",
]

#: The window width that stands for "the whole series" (global softmax attention).
GLOBAL_WINDOW = "global"

#: A radius larger than any series: a window this wide covers every real step.
_GLOBAL_RADIUS = 2**40

CONTEXT_MODES = ("sum", "normalized")


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


def local_softmax(e, mask, radii, context="sum"):
    """Eq. (3): ``exp(e_t)`` normalised over the window ``[t - r_k, t + r_k]`` of each
    column ``k`` of the scores ``e`` (N, T, K) in [-1, 1], clipped to the real steps
    ``mask`` (N, T); ``radii`` (K,) int64. With ``context="normalized"`` each column's
    weights are then divided by their sum over the series. Padded steps get weight 0.

    The window sums of all columns come from one cumulative sum over time, so there is
    no loop over steps or columns (a column is a scale; a seed ensemble computed together
    has one per member and scale).
    """
    n_steps = e.shape[1]
    # e lies in [-1, 1], so exp cannot overflow and needs no max-subtraction;
    # padded steps contribute exactly nothing to any window sum.
    p = torch.exp(e) * mask.unsqueeze(-1)  # (N, T, K)
    # Window sums from a cumulative sum: sum_{k=lo}^{hi-1} p_k = P[hi] - P[lo].
    # Accumulate in float64 so that long series lose no precision to cancellation.
    cumsum = torch.cumsum(p.double(), dim=1)  # (N, T, K)
    cumsum = nn.functional.pad(cumsum, (0, 0, 1, 0))  # (N, T+1, K), P[0] = 0
    steps = torch.arange(n_steps, device=e.device).unsqueeze(1)  # (T, 1)
    lo = (steps - radii).clamp(min=0)  # (T, K)
    hi = (steps + radii + 1).clamp(max=n_steps)  # (T, K)
    # The window bounds are the same for every series: pick P[hi] and P[lo] of all
    # columns at once from the flattened (T+1)*K axis (one index_select each).
    n_cols = e.shape[2]
    flat = cumsum.flatten(1)  # (N, (T+1)*K)
    col = torch.arange(n_cols, device=e.device)  # (K,)
    upper = flat.index_select(1, (hi * n_cols + col).flatten())  # (N, T*K)
    lower = flat.index_select(1, (lo * n_cols + col).flatten())  # (N, T*K)
    window_sum = (upper - lower).view(e.shape[0], n_steps, n_cols)  # (N, T, K)
    # A real step always lies in its own window, so its window sum is >= e^-1;
    # the clamp only keeps padded steps (0 / 0) finite.
    alpha = p / window_sum.clamp(min=1e-30).to(p.dtype)  # (N, T, K), eq. (3)
    if context == "normalized":
        alpha = alpha / alpha.sum(dim=1, keepdim=True).clamp(min=1e-30)  # (N, T, K)
    return alpha


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
        e = torch.tanh(self.score(h))  # (N, T, S), eq. (2)
        return local_softmax(e, mask, self.radii, self.context)

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


#: The blocks a seed ensemble's members train in: members computed together
#: (``_members.py``) within a block, each block's arithmetic its own, so that a block
#: trained alone, in another process (``n_jobs``), gives the same members bit for bit.
MEMBER_BLOCKS = 2


def member_blocks(n_members, n_blocks=MEMBER_BLOCKS):
    """The ``(start, stop)`` ranges of the members' blocks: ``n_members`` split into
    ``min(n_members, n_blocks)`` contiguous blocks, the first ones the larger (5
    members: 0-2 and 3-4)."""
    n_blocks = max(1, min(n_members, n_blocks))
    size, extra = divmod(n_members, n_blocks)
    bounds = [0]
    for i in range(n_blocks):
        bounds.append(bounds[-1] + size + (i < extra))
    return list(zip(bounds[:-1], bounds[1:], strict=True))


class OwnDropout(nn.Module):
    """Dropout whose draws come from a generator of its own, seeded with ``seed``
    (created on the input's device at the first training forward pass), rather than
    torch's global one: a seed ensemble member's dropout then draws the same numbers
    whichever members train beside it, in this process or another."""

    def __init__(self, p, seed):
        super().__init__()
        self.p = float(p)
        self.seed = int(seed)
        self._generator = None

    def extra_repr(self):
        return f"p={self.p}, seed={self.seed}"

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        if self._generator is None or self._generator.device != x.device:
            self._generator = torch.Generator(device=x.device).manual_seed(self.seed)
        keep = torch.empty_like(x).bernoulli_(1.0 - self.p, generator=self._generator)
        return x * keep * (1.0 / (1.0 - self.p))


class _ContiguousGradient(torch.autograd.Function):
    """The identity, whose gradient reaches its input contiguous: a block's (or a
    member's) output then gets its gradient in the same memory layout whether it is
    a slice of the whole ensemble's outputs or all of a block trained alone, and the
    reductions of its backward pass (a head's bias: the sum over the batch) round
    alike. Without it, a block's gradient is a strided slice in one process and a
    whole tensor in the other, which oneDNN's and MKL's AVX2 kernels sum in other
    orders."""

    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        return grad.contiguous()


class SeedEnsemble(nn.Module):
    """Several independently initialised networks in one module, trained as
    independent networks on the same batches.

    Each member learns from its own loss (:class:`~._training.MemberCrossEntropyLoss`),
    its gradient clipped by its own norm (:class:`~._training.MemberGradientClipping`),
    its dropout drawn from its own generator (:class:`OwnDropout`). The members train in
    :func:`member_blocks`; members of one structure (no ``member_params``) are computed
    together within a block (:func:`~._members.members_forward`), with the outputs of
    the members computed one by one up to float32 rounding. Every member's arithmetic
    is then its block's alone: ``block=(start, stop)`` keeps only those members of the
    ensemble (built whole, so that each has the initial weights and dropout seed it has
    in the whole ensemble), and trains them as the whole ensemble trains them, bit for
    bit; the estimators' ``n_jobs`` trains blocks in processes side by side that way.

    In training mode the members' outputs are stacked, (N, M, n_outputs). In eval mode
    the members are combined: ``"proba"`` gives the log of the mean of the members'
    softmax probabilities (so a softmax of it is the mean probability, and
    argmax/cross-entropy work on it as on logits), ``"mean"`` the mean output
    (regression).

    Parameters
    ----------
    n_estimators : int
        Members ``M``.
    combine : {"proba", "mean"}
    member_params : list of dict, optional
        One dict per member of parameters that member has of its own.
    block : (int, int), optional
        Keep only the members ``start`` to ``stop - 1``.
    **network_params
        Parameters of each :class:`BiLSTMMSANetwork`.
    """

    def __init__(self, n_estimators, combine, member_params=None, block=None, **network_params):
        super().__init__()
        if combine not in ("proba", "mean"):
            raise ValueError(f"combine must be 'proba' or 'mean', got {combine!r}.")
        self.combine = combine
        overrides = [{}] * n_estimators if member_params is None else list(member_params)
        members = [BiLSTMMSANetwork(**{**network_params, **own}) for own in overrides]
        # Drawn after every member's initial weights, from torch's generator, which
        # the estimators seed: each member's dropout seed.
        seeds = torch.randint(2**62, (n_estimators,)).tolist()
        for member, seed in zip(members, seeds, strict=True):
            member.dropout = OwnDropout(member.dropout.p, seed)
        start, stop = (0, n_estimators) if block is None else block
        if not 0 <= start < stop <= n_estimators:
            raise ValueError(f"block must be a range of the {n_estimators} members, got {block!r}.")
        self.members = nn.ModuleList(members[start:stop])
        self.blocks = [(0, stop - start)] if block is not None else member_blocks(n_estimators)
        # Members of one structure are computed together (_members.py).
        self.alike = member_params is None

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
        # Imported here: _members.py builds on this module's functions.
        from ._members import computed_together, members_forward

        training = self.training and torch.is_grad_enabled()
        own = _ContiguousGradient.apply if training else (lambda out: out)
        if self.alike and computed_together(self.members):
            # Modules pickled before the blocks (issue 36) are one block, as they were.
            bounds = getattr(self, "blocks", [(0, len(self.members))])
            blocks = [self.members[start:stop] for start, stop in bounds]
            outputs = torch.cat([own(members_forward(b, x, lengths)) for b in blocks], dim=1)
        else:
            outputs = torch.stack([own(m(x, lengths)) for m in self.members], dim=1)  # (N, M, K)
        return outputs if self.training else self.combine_outputs(outputs)
