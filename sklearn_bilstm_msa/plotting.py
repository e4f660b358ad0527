"""Plots of attention weights (needs matplotlib: ``pip install sklearn-bilstm-msa[viz]``)."""

import numbers

import numpy as np

__all__ = ["plot_attention"]

#: Up to this many channels the series is drawn as lines, each in a colour of its own
#: (tab10, then tab20) with a legend; more channels are drawn as a heat map, one row each.
MAX_LINE_CHANNELS = 20


def _check_channel(channel, n_channels):
    if channel is None:
        return range(n_channels)
    if (
        isinstance(channel, bool)
        or not isinstance(channel, numbers.Integral)
        or not 0 <= channel < n_channels
    ):
        noun = "channel" if n_channels == 1 else "channels"
        raise ValueError(
            f"channel={channel!r} is not a channel of this series: it has {n_channels} "
            f"{noun}, numbered 0 to {n_channels - 1}; channel=None draws them all."
        )
    return [int(channel)]


def _draw_lines(ax, series, channels):
    import matplotlib as mpl

    cmap = mpl.colormaps["tab10" if len(channels) <= 10 else "tab20"]
    for i, c in enumerate(channels):
        ax.plot(series[c], color=cmap(i), label=f"channel {c}")
    ax.set_ylabel("value" if len(channels) > 1 else f"channel {channels[0]}")
    if len(channels) > 1:
        # Beside the axes, never over the series or the heat map.
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize="small",
            ncol=1 if len(channels) <= 10 else 2,
            frameon=False,
        )


def _draw_channel_map(ax, series):
    image = ax.imshow(series, aspect="auto", interpolation="nearest", cmap="coolwarm")
    ax.set_ylabel("channel")
    return image


def plot_attention(clf, series, *, ax=None, channel=None, scale_labels=None, relative=True):
    """Plot one series with the attention weights of each scale as a heat map beneath it.

    Up to 20 channels are drawn as lines, each in its own colour, with a legend beside
    the plot; more channels as a heat map (one row per channel). The colour bars sit
    below the plots, so both share one time axis of whole steps.

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
        Channel to draw (``0`` to ``n_channels - 1``); ``None`` draws all of them.
        The attention weights always come from the whole series.
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
        from matplotlib.ticker import MaxNLocator
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
    channels = _check_channel(channel, series.shape[0])
    weights = clf.attention_weights(series[None])[0]  # (S, T)
    if weights.shape[0] == 0:
        raise ValueError(
            "The classifier has no attention scales (window_sizes=()); nothing to plot."
        )
    if ax is None:
        _, ax = plt.subplots(
            2,
            1,
            sharex=True,
            figsize=(8, 4.5),
            gridspec_kw={"height_ratios": [2, 1]},
            layout="constrained",
        )
    top, bottom = ax
    figure = bottom.figure
    # Horizontal colour bars below both axes keep their time axes the same width.
    bars = dict(ax=[top, bottom], location="bottom", shrink=0.7, aspect=40, pad=0.02)
    if len(channels) <= MAX_LINE_CHANNELS:
        _draw_lines(top, series, channels)
    else:
        bar = figure.colorbar(
            _draw_channel_map(top, series), label="series value (upper map)", **bars
        )
        bar.ax.xaxis.set_major_locator(MaxNLocator(5))
    if relative:
        weights = weights / weights.sum(axis=1, keepdims=True)
    image = bottom.imshow(weights, aspect="auto", interpolation="nearest", cmap="viridis")
    labels = scale_labels or [f"w={w}" for w in clf.window_sizes_]
    bottom.set_yticks(range(len(labels)), labels)
    bottom.set_xlabel("time step")
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps are whole numbers
    label = "share of the scale's attention" if relative else "attention weight"
    bar = figure.colorbar(image, label=label, **bars)
    bar.ax.xaxis.set_major_locator(MaxNLocator(5))  # labels that do not touch
    return top, bottom
