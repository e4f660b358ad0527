"""Masks of the real (unpadded) steps of a batch of right-padded series.

Every module that pools, scales or sums over time asks these two which steps are real.
"""

import torch

__all__ = ["has_padding", "step_mask"]


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
