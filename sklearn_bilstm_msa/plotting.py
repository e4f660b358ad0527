"""Plots of attention weights (needs matplotlib: ``pip install sklearn-bilstm-msa[viz]``)."""

import numpy as np

__all__ = ["plot_attention"]


def plot_attention(clf, series, *, ax=None, channel=None, scale_labels=None, relative=True):
    """Plot one series with the attention weights of each scale as a heat map beneath it.

    Parameters
    ----------
    clf : BiLSTMMSAClassifier or BiLSTMMSARegressor
        A fitted estimator with at least one attention scale (for the aeon
        estimators, pass their ``estimator_``).
    series : ndarray of shape (n_channels, n_timepoints) or (n_timepoints,)
        One series.
    ax : sequence of two matplotlib Axes, optional
        Axes for the series and for the heat map; new ones are made if omitted.
    channel : int or None, default=None
        Channel to draw; ``None`` draws all of them.
    scale_labels : sequence of str, optional
        Row labels of the heat map; defaults to ``"w=<width>"``.
    relative : bool, default=True
        Divide each scale's weights by their sum over the series, so that rows
        of scales with different widths share one colour scale (with
        ``context="sum"`` a narrow window gives every step a larger weight).

    Returns
    -------
    axes : tuple of two matplotlib Axes
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plot_attention needs matplotlib: pip install 'sklearn-bilstm-msa[viz]'"
        ) from exc
    series = np.asarray(series, dtype=float)
    if series.ndim == 1:
        series = series[None, :]
    if series.ndim != 2:
        raise ValueError(
            f"series must be 1-D or 2-D (n_channels, n_timepoints), got {series.ndim}-D."
        )
    weights = clf.attention_weights(series[None])[0]  # (S, T)
    if weights.shape[0] == 0:
        raise ValueError(
            "The classifier has no attention scales (window_sizes=()); nothing to plot."
        )
    if ax is None:
        fig, ax = plt.subplots(
            2, 1, sharex=True, figsize=(8, 4), gridspec_kw={"height_ratios": [2, 1]}
        )
    top, bottom = ax
    channels = range(series.shape[0]) if channel is None else [channel]
    for c in channels:
        top.plot(series[c], label=f"channel {c}")
    top.set_ylabel("value")
    if series.shape[0] > 1 and channel is None:
        top.legend(loc="upper right", fontsize="small")
    if relative:
        weights = weights / weights.sum(axis=1, keepdims=True)
    image = bottom.imshow(weights, aspect="auto", interpolation="nearest", cmap="viridis")
    labels = scale_labels or [f"w={w}" for w in clf.window_sizes_]
    bottom.set_yticks(range(len(labels)), labels)
    bottom.set_xlabel("time step")
    label = "share of the scale's attention" if relative else "attention weight"
    # One colour bar for both axes keeps their time axes aligned.
    bottom.figure.colorbar(image, ax=[top, bottom], label=label)
    return top, bottom
