"""The input views (``normalize="step+channel"``, ``difference``): fixed channels that the
network computes from the standardised series and reads beside it."""

import torch
from torch import nn

from ._masking import step_mask

__all__ = ["InputViews"]


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
