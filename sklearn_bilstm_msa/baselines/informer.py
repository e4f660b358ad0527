"""Informer (Zhou et al., AAAI 2021) as TSLib's classifier: ProbSparse encoder, flatten head.

Shapes: ``N`` batch, ``S`` the fixed ``seq_len``, ``D`` ``d_model``, ``H`` heads,
``E = D / H`` per head, ``U`` sampled keys per query, ``u`` active queries.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._layers import FlattenClassifier, masked_mean

__all__ = ["InformerNetwork", "ProbSparseAttention"]


def _sparse_count(factor, n_steps):
    """``factor * ceil(ln S)``, at most ``S`` (TSLib's ``U_part`` and ``u``)."""
    return min(int(factor) * math.ceil(math.log(n_steps)), n_steps) if n_steps > 1 else 1


class ProbSparseAttention(nn.Module):
    """Multi-head ProbSparse self-attention (non-causal), with padded keys masked out.

    Each query ``q_i`` is scored by the sparsity measure ``M_i = max_j s_ij -
    sum_j s_ij / L`` over ``U`` keys ``j`` sampled with replacement (``s_ij = q_i.k_j``,
    ``L`` the number of keys: TSLib divides the sampled sum by it). The ``u`` queries of
    largest ``M`` attend to all keys (softmax of ``s / sqrt(E)``); the others output
    the mean of the values. ``U = u = factor * ceil(ln S)`` (at most ``S``). As in
    TSLib, there is no dropout on the attention weights.

    Departures from TSLib, for series of different lengths: keys are sampled among
    each series' real steps only, padded keys get no attention, padded queries are
    never chosen before real ones and the "lazy" mean of the values is over real steps
    only. The random draw that picks the keys comes from torch's global generator in
    training mode (as TSLib, every forward); in eval mode it is one draw made at
    construction and kept as a buffer, so predictions are deterministic (TSLib redraws
    at prediction time too). The draw is shared by the batch and scaled by each
    series' length, so it does not depend on the series beside it.
    """

    def __init__(self, d_model, n_heads, seq_len, factor):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be a multiple of n_heads ({n_heads}).")
        self.n_heads = n_heads
        self.n_sample = _sparse_count(factor, seq_len)
        self.n_top = _sparse_count(factor, seq_len)
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model)
        self.value = nn.Linear(d_model, d_model)
        self.out = nn.Linear(d_model, d_model)
        # Uniform [0, 1) draws, scaled to each series' length at use: key j = floor(r * L).
        self.register_buffer("eval_draw", torch.rand(seq_len, self.n_sample))  # (S, U)

    def _heads(self, layer, h):
        n, s, _ = h.shape
        return layer(h).view(n, s, self.n_heads, -1)  # (N, S, H, E)

    def forward(self, h, lengths, mask):
        """States ``h`` (N, S, D) -> attention output (N, S, D)."""
        n, s, _ = h.shape
        q = self._heads(self.query, h).transpose(1, 2)  # (N, H, S, E)
        k = self._heads(self.key, h)  # (N, S, H, E)
        v = self._heads(self.value, h).transpose(1, 2)  # (N, H, S, E)
        e = q.shape[-1]

        draw = torch.rand_like(self.eval_draw) if self.training else self.eval_draw  # (S, U)
        length = lengths.view(n, 1, 1)  # (N, 1, 1)
        sampled = torch.minimum((draw * length).long(), length - 1)  # (N, S, U) real keys
        batch = torch.arange(n, device=h.device).view(n, 1, 1)
        k_sample = k[batch, sampled]  # (N, S, U, H, E)
        s_sample = torch.einsum("nhse,nsuhe->nhsu", q, k_sample)  # (N, H, S, U)
        sparsity = s_sample.amax(-1) - s_sample.sum(-1) / length  # (N, H, S)
        sparsity = sparsity.masked_fill(~mask.unsqueeze(1), -math.inf)  # real queries first
        top = sparsity.topk(self.n_top, dim=-1).indices  # (N, H, u)

        q_top = q.gather(2, top.unsqueeze(-1).expand(-1, -1, -1, e))  # (N, H, u, E)
        scores = q_top @ k.permute(0, 2, 3, 1) / math.sqrt(e)  # (N, H, u, S)
        scores = scores.masked_fill(~mask.view(n, 1, 1, s), -math.inf)
        active = torch.softmax(scores, dim=-1) @ v  # (N, H, u, E)
        lazy = masked_mean(v, mask.view(n, 1, s, 1), dim=2)  # (N, H, E)
        context = lazy.unsqueeze(2).expand(-1, -1, s, -1)  # (N, H, S, E)
        context = context.scatter(2, top.unsqueeze(-1).expand(-1, -1, -1, e), active)
        return self.out(context.transpose(1, 2).reshape(n, s, -1))  # (N, S, D)


class InformerEncoderLayer(nn.Module):
    """Attention, residual, LayerNorm; kernel-1 convolutions (a position-wise feed
    forward D -> d_ff -> D with GELU), residual, LayerNorm (TSLib's ``EncoderLayer``)."""

    def __init__(self, d_model, d_ff, n_heads, seq_len, factor, dropout):
        super().__init__()
        self.attention = ProbSparseAttention(d_model, n_heads, seq_len, factor)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        # A kernel-1 Conv1d over time is a Linear at every step.
        self.conv1 = nn.Linear(d_model, d_ff)
        self.conv2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, h, lengths, mask):
        h = self.norm1(h + self.dropout(self.attention(h, lengths, mask)))  # (N, S, D)
        y = self.dropout(F.gelu(self.conv1(h)))  # (N, S, d_ff)
        y = self.dropout(self.conv2(y))  # (N, S, D)
        return self.norm2(h + y)  # (N, S, D)


class InformerNetwork(FlattenClassifier):
    """Informer's encoder in TSLib's classification set-up: logits (N, n_outputs).

    Embedding (token convolution + sinusoidal positions), ``e_layers`` ProbSparse
    encoder layers with no distilling (TSLib distils only for forecasting) and a
    final LayerNorm, then GELU, dropout, padding zeroed, flatten over ``seq_len x
    d_model`` and a linear layer. TSLib's unused decoder is left out.

    Departures from TSLib: the token convolution wraps around each series' real steps
    and padded steps are zeroed after the embedding (see
    :class:`~sklearn_bilstm_msa.baselines._layers.DataEmbedding`); padded keys are
    masked out of attention and the draw of sampled keys is fixed in eval mode (see
    :class:`ProbSparseAttention`). Padded steps therefore never reach a real one.

    Parameters
    ----------
    n_channels, n_outputs, seq_len : int
        Input channels, classes and the fixed number of steps (see the package).
    d_model, d_ff, n_heads, e_layers : int
        Width, feed-forward width, attention heads and encoder layers.
    factor : int
        ProbSparse factor ``c``: ``c * ceil(ln S)`` sampled keys and active queries.
        TSLib's classification scripts leave it at run.py's default, 1 (the Informer
        paper uses 5).
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
        factor=1,
        dropout=0.1,
    ):
        super().__init__(n_channels, n_outputs, seq_len, d_model, dropout)
        self.layers = nn.ModuleList(
            InformerEncoderLayer(d_model, d_ff, n_heads, self.seq_len, factor, dropout)
            for _ in range(e_layers)
        )
        self.norm = nn.LayerNorm(d_model)

    def encode(self, h, lengths, mask):
        for layer in self.layers:
            h = layer(h, lengths, mask)  # (N, S, D)
        return self.norm(h)
