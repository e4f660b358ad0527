"""What a fitted model looks at: attention weights and feature attributions.

:class:`AttentionMixin` reads the per-scale attention weights of a module that has
``attention_weights(x, lengths)`` (BiLSTM-MSA's network); :class:`AttributionMixin`
explains any module with ``forward(x, lengths)`` by integrated gradients, gradient x
input or occlusion (``_attribution.py``). Both take the estimator's input and give
one value per time step, padding cut off for unequal lengths.
"""

import numpy as np
import torch
from skorch.dataset import unpack_data
from skorch.utils import to_device

from ._defaults import auto_stem_stride
from ._params import check_positive_int
from ._training import isolated_torch_state

__all__ = ["AttentionMixin", "AttributionMixin"]


class AttentionMixin:
    """``attention_weights`` of a fitted estimator whose module has ``attention_weights``."""

    def attention_weights(self, X, *, members=False):
        """Per-scale attention weights of each step: the weights that multiply ``h_t``
        in each scale's context sum.

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Series of any length, with the channel count seen in ``fit``.
        members : bool, default=False
            The weights of a seed ensemble (``n_estimators_ = M > 1``): False gives
            the ensemble's weight of each scale, the mean over its members (the
            ensemble is one model, as its probabilities are the members' mean);
            True gives each member's own, one more axis of length ``M`` (also ``1``
            for a single network).

        Returns
        -------
        weights : ndarray of shape (n_cases, n_scales, n_timepoints), or list of ndarray
            For array input, one array; for a list of series, a list of
            ``(n_scales, n_timepoints_i)`` arrays; ``members=True`` inserts the
            members' axis, ``(n_cases, n_estimators_, n_scales, n_timepoints)``. With
            ``context="normalized"`` each scale's weights of a series sum to one.
            ``n_scales`` is 0 for ``window_sizes=()``.
        """
        data = self._check_input(X)
        module = self.net_.module_
        module.eval()
        dataset = self.net_.get_dataset(data.as_net_input())
        chunks = []
        with isolated_torch_state(None, self.n_jobs), torch.no_grad():
            for batch in self.net_.get_iterator(dataset, training=False):
                Xi, _ = unpack_data(batch)
                Xi = to_device(Xi, self.net_.device)
                chunks.append(module.attention_weights(**Xi).cpu().numpy())
        weights = np.concatenate(chunks, axis=0).astype(np.float64)  # (N, M*S, T)
        n_members = getattr(self, "n_estimators_", 1)  # the members' scales, stacked
        weights = weights.reshape(len(weights), n_members, -1, weights.shape[-1])  # (N, M, S, T)
        weights = weights if members else weights.mean(axis=1)  # (N, S, T)
        if data.equal_length:
            return weights
        return [w[..., :length] for w, length in zip(weights, data.lengths, strict=True)]


class AttributionMixin:
    """``feature_attributions`` of a fitted estimator; the head says what is explained
    (``_attribution_targets``)."""

    def feature_attributions(
        self, X, method="integrated_gradients", *, target=None, n_steps=32, window=None
    ):
        """How much each value of each series moves the prediction: an attribution per
        channel and time step, with the training mean as the reference.

        Unlike the attention weights, which say how the model pools its hidden states,
        attributions say which input values the output depends on (see the
        attention guide for what each shows, measured).

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints), \
or list of ndarray of shape (n_channels, n_timepoints_i)
            Series with the channel count seen in ``fit``.
        method : {"integrated_gradients", "gradient_x_input", "occlusion"}, \
default="integrated_gradients"
            Integrated gradients from the training mean (``n_steps`` midpoints; the
            attributions of a series add up to about the change of the explained
            output from the training mean to the series), the gradient times the
            (standardised) input, or occlusion: the drop of the output when a window
            of ``window`` steps of one channel is set to the training mean.
        target : label, array-like of labels, int or None, default=None
            What is explained. Classifier: the probability of this class (one label
            for every series, or one per series); ``None``, the predicted class.
            Regressor: the index of the target; ``None`` for a single target.
        n_steps : int, default=32
            Integration steps of integrated gradients.
        window : int or None, default=None
            Steps per occlusion window; ``None`` takes the stride that
            ``stem_stride="auto"`` gives these series (about 32 windows, at most 16
            steps each up to about 64 windows).

        Returns
        -------
        attributions : ndarray of shape (n_cases, n_channels, n_timepoints), or list
            For array input, one array; for a list of series, a list of
            ``(n_channels, n_timepoints_i)`` arrays. Padded steps get zero.
        """
        from ._attribution import attribute  # which checks ``method``

        check_positive_int("n_steps", n_steps)
        if window is not None:
            check_positive_int("window", window)
        data = self._check_input(X)
        targets, probabilities = self._attribution_targets(data, target)
        if window is None:
            window = auto_stem_stride(data.lengths)  # windows as the stem would cut them
        module = self.net_.module_
        module.eval()
        device = self.net_.device
        chunks = []
        with isolated_torch_state(None, self.n_jobs):
            for start in range(0, data.n_cases, 64):
                rows = slice(start, start + 64)
                lengths = torch.as_tensor(data.lengths[rows])
                x = torch.as_tensor(data.values[rows][:, : int(lengths.max())]).to(device)
                part = attribute(
                    module,
                    x,
                    lengths,
                    torch.as_tensor(targets[rows], device=device),
                    method=method,
                    probabilities=probabilities,
                    n_steps=int(n_steps),
                    window=int(window),
                )
                out = np.zeros(data.values[rows].shape)
                out[:, : part.shape[1]] = part.cpu().numpy()
                chunks.append(out)
        # (N, C, T): the series' channels (missing-value indicators are not explained).
        values = np.concatenate(chunks).transpose(0, 2, 1)[:, : self.n_channels_]
        if data.equal_length:
            return values
        return [v[:, :length] for v, length in zip(values, data.lengths, strict=True)]
