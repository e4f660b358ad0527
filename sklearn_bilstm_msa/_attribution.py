"""Attributions: how much each input value moves a prediction (issue 15).

Tensors in, tensors out, like the network: the estimators' ``feature_attributions``
validates the input, standardises it and calls :func:`attribute`. Three methods:

- ``"integrated_gradients"`` (Sundararajan et al., 2017): ``x_i * mean_k dF/dx_i``
  at ``alpha_k x`` for the midpoints ``alpha_k = (k + 1/2) / n_steps``, from the
  baseline ``0`` to ``x``; the attributions of a series add up to about
  ``F(x) - F(0)`` (completeness);
- ``"gradient_x_input"``: ``x_i * dF/dx_i`` at ``x``;
- ``"occlusion"`` (Zeiler and Fergus, 2014): ``F(x) - F(x with the window set to
  0)``, for non-overlapping windows of ``window`` steps, channel by channel; every
  step of a window gets the window's value.

``x`` is the *standardised* series, so the baseline ``0`` is the training mean (of the
channel, or of the channel at that step with ``normalize="step"``; the series' own mean
with ``normalize="series"``): an attribution says how much a value's departure from
that mean moves the prediction.
``F`` is the probability of the target class for a classifier (the ensemble's mean
probability for a seed ensemble) and the target's (standardised) value for a
regressor. Padded steps get exactly zero.
"""

import contextlib

import torch

from ._masking import step_mask

__all__ = ["ATTRIBUTION_METHODS", "attribute"]

#: ``method`` values of ``feature_attributions``.
ATTRIBUTION_METHODS = ("integrated_gradients", "gradient_x_input", "occlusion")


def _score_function(module, lengths, target, probabilities):
    """``F``: the target output of each series, (N,), as a function of ``x`` (N, T, C)."""

    def score(x):
        out = module(x, lengths)  # (N, K): logits (or log mean probabilities), or values
        if probabilities:
            out = torch.softmax(out, dim=-1)
        return out.gather(1, target.unsqueeze(1)).squeeze(1)  # (N,)

    return score


def _no_cudnn(device):
    # cuDNN computes RNN gradients in training mode only; eval mode needs torch's own.
    if torch.device(device).type == "cuda":
        return torch.backends.cudnn.flags(enabled=False)
    return contextlib.nullcontext()


def _gradient(score, x):
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(score(x).sum(), x)
    return grad


def attribute(module, x, lengths, target, *, method, probabilities, n_steps=32, window=1):
    """Attributions (N, T, C) of the standardised series ``x`` (N, T, C).

    Parameters
    ----------
    module : torch.nn.Module
        A network in eval mode: ``module(x, lengths)`` gives (N, K) outputs.
    x : Tensor of shape (N, T, C)
    lengths : Tensor of shape (N,)
    target : Tensor of shape (N,), int64
        The output explained for each series.
    method : {"integrated_gradients", "gradient_x_input", "occlusion"}
    probabilities : bool
        Explain ``softmax(outputs)`` (classifiers) rather than the outputs.
    n_steps : int
        Integration steps of integrated gradients.
    window : int
        Steps per occlusion window.
    """
    if method not in ATTRIBUTION_METHODS:
        raise ValueError(f"method must be one of {ATTRIBUTION_METHODS}, got {method!r}.")
    score = _score_function(module, lengths, target, probabilities)
    mask = step_mask(x, lengths).unsqueeze(-1).to(x.dtype)  # (N, T, 1)
    x = x * mask
    if method == "occlusion":
        with torch.no_grad():
            return _occlusion(score, x, window) * mask
    with _no_cudnn(x.device), torch.enable_grad():
        if method == "gradient_x_input":
            return (x * _gradient(score, x)).detach() * mask
        total = torch.zeros_like(x)
        for k in range(n_steps):
            total += _gradient(score, x * ((k + 0.5) / n_steps))
        return (x * total / n_steps).detach() * mask


def _occlusion(score, x, window):
    reference = score(x)  # (N,)
    out = torch.zeros_like(x)
    for channel in range(x.shape[2]):
        for start in range(0, x.shape[1], window):
            occluded = x.clone()
            occluded[:, start : start + window, channel] = 0.0
            drop = reference - score(occluded)  # (N,)
            out[:, start : start + window, channel] = drop.unsqueeze(1)
    return out
