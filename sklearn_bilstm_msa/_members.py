"""A seed ensemble's members computed together: :class:`~._network.SeedEnsemble`'s forward
pass when its members share one structure (the default ensemble).

The members read the same batch, so what they do alike becomes one operation:

- the front-end's convolutions of one branch (one dilation) are one convolution with
  every member's filters, since the input is the same;
- the attention scores of all members are one batched product, the window sums of all
  members and scales one cumulative sum (:func:`~._network.local_softmax`), the
  contexts one batched product;
- the heads are one batched product.

Each member's LSTM runs on its own, as before: oneDNN's kernel is faster than any
recurrence batched by hand. Every member still computes its own terms, so the outputs
are the members' own up to float32 rounding, and dropout draws the same random numbers
(each member's from its own generator, :class:`~._network.OwnDropout`). A small batch
then costs fewer, larger operations: ``benchmarks/members.py`` times a training step
both ways. :class:`~._network.SeedEnsemble` calls this once per block of members
(:func:`~._network.member_blocks`), so that each block's arithmetic is its own.
Shapes as in ``_network.py``, with ``M`` the members.
"""

import torch

from ._masking import step_mask
from ._network import local_softmax, pool_states, stem_summary
from ._stems import _ConvolutionStem

__all__ = ["FUSED_STEM_MAX_ELEMENTS", "computed_together", "members_forward"]

#: The most full-resolution front-end features (cases x steps x filters) one
#: convolution of stacked members' filters may give; larger batches take the members in
#: groups that stay below it (8 MB of float32). On one CPU thread, a training step of 10
#: series of 1500 steps (1.9 million features a default member) cost 0.85 of the step
#: member by member in groups of one and 1.0 with four members stacked (a limit of
#: 2**23); 4 series of 2000 steps 0.89 in pairs and 0.97 all five stacked
#: (``benchmarks/members.py --shapes 10x1500 4x2000``): stacked features beyond the
#: caches lose what the fewer calls gain.
FUSED_STEM_MAX_ELEMENTS = 2**21


def computed_together(members):
    """Whether the ``members`` (networks of one structure, as a seed ensemble without
    ``member_params`` builds them) can take :func:`members_forward`: not when their
    LSTM draws dropout between stacked layers, whose draws would come in another order
    than member by member."""
    encoder = members[0].encoder.lstm
    return encoder is None or encoder.dropout == 0.0 or not encoder.training


def members_forward(members, x, lengths):
    """The members' outputs (N, M, n_outputs) for series ``x`` (N, T, C) of ``lengths``,
    as ``torch.stack([m(x, lengths) for m in members], dim=1)`` gives them."""
    first = members[0]
    x = first._trim(x, lengths)  # (N, T', C)
    # The members' views are the same fixed statistics (no member_params).
    if first.views is not None:
        x = first.views(x, lengths)  # (N, T', V*C + k)
    encoder_inputs, z_lengths = _front_ends(members, x, lengths)  # M x (N, T'', F)
    mask = step_mask(encoder_inputs[0], z_lengths)  # (N, T'')
    h = torch.stack(
        [m.encoder(z, z_lengths) for m, z in zip(members, encoder_inputs, strict=True)], dim=2
    )  # (N, T'', M, D*H), eq. (1)
    contexts = _contexts(members, h, mask)  # (N, M, S*D*H)
    features = []
    for i, member in enumerate(members):
        own = contexts[:, i]  # (N, S*D*H)
        if member.stem_skip:
            summary = stem_summary(member.stem, encoder_inputs[i], mask, lengths)  # (N, 2F)
            own = torch.cat([own, summary], dim=1)
        features.append(member.dropout(own))  # each member's draws, in the members' order
    features = torch.stack(features, dim=1)  # (N, M, I)
    weight = torch.stack([m.head.weight for m in members])  # (M, n_outputs, I)
    bias = torch.stack([m.head.bias for m in members])  # (M, n_outputs)
    return torch.einsum("nmi,mki->nmk", features, weight) + bias  # (N, M, n_outputs)


def _front_ends(members, x, lengths):
    """Each member's encoder input (N, T'', F) and their lengths (N,): the convolutions
    of a branch with the stacked filters of as many members as
    ``FUSED_STEM_MAX_ELEMENTS`` allows, each member's features then pooled."""
    stem = members[0].stem
    if stem is None:
        return [x] * len(members), lengths
    if not isinstance(stem, _ConvolutionStem):  # an Inception front-end: member by member
        outputs = [m.stem(x, lengths) for m in members]
        return [z for z, _ in outputs], outputs[0][1]
    filters = sum(conv.out_channels for conv in stem.branches)  # one member's
    group = max(1, FUSED_STEM_MAX_ELEMENTS // (x.shape[0] * x.shape[1] * filters))
    inputs = []
    for start in range(0, len(members), group):
        chunk = members[start : start + group]
        weights = [
            (
                torch.cat([m.stem.branches[j].weight for m in chunk]),
                torch.cat([m.stem.branches[j].bias for m in chunk]),
            )
            for j in range(len(stem.branches))
        ]
        blocks, mask = stem.features(x, lengths, weights)  # J x (N, G*F_j, T')
        # Each member pools its own filters (slices of the blocks, no copy); pooled
        # apart, the gradients keep the layout of a member's own front-end, which
        # backpropagates faster than a regrouping of the members pooled together.
        own = [block.chunk(len(chunk), dim=1) for block in blocks]  # J x G x (N, F_j, T')
        for i in range(len(chunk)):
            z, z_lengths = stem.shorten([split[i] for split in own], mask, lengths)
            inputs.append(z)  # (N, T'', F)
    return inputs, z_lengths


def _contexts(members, h, mask):
    """The members' contexts (N, M, S*D*H) of their hidden states ``h`` (N, T, M, D*H):
    eq. (2)-(5) of every member and scale at once, or without attention the mean over
    the real steps ``mask`` (N, T)."""
    first = members[0]
    n_cases, n_steps, n_members, _ = h.shape
    if first.attention is None:  # the mean of every member's states at once
        return pool_states(h.flatten(2), mask, None).view(n_cases, n_members, -1)  # (N, M, D*H)
    weight = torch.stack([m.attention.score.weight for m in members])  # (M, S, D*H)
    bias = torch.stack([m.attention.score.bias for m in members])  # (M, S)
    e = torch.tanh(torch.einsum("ntmf,msf->ntms", h, weight) + bias)  # (N, T, M, S), eq. (2)
    radii = first.attention.radii.repeat(n_members)  # (M*S,)
    alpha = local_softmax(e.flatten(2), mask, radii, first.attention.context)  # eq. (3)
    alpha = alpha.view(n_cases, n_steps, n_members, -1)  # (N, T, M, S)
    context = torch.einsum("ntms,ntmf->nmsf", alpha, h)  # (N, M, S, D*H), eq. (4)
    return context.flatten(2)  # (N, M, S*D*H), eq. (5)
