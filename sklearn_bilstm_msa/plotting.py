"""Plots of attention weights (needs matplotlib: ``pip install sklearn-bilstm-msa[viz]``)."""

import numbers

import numpy as np

__all__ = ["plot_attention", "plot_explanation"]

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


def _scale_labels(clf, n_rows):
    """``w=<width>`` per scale; ``m<i> w=<width>`` for the members of a seed ensemble."""
    widths = [f"w={w}" for w in clf.window_sizes_]
    if n_rows == len(widths):
        return widths
    return [f"m{m} {w}" for m in range(n_rows // len(widths)) for w in widths]


def _need_matplotlib(what):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"{what} needs matplotlib: pip install 'sklearn-bilstm-msa[viz]'"
        ) from exc
    return plt


def _one_series(series):
    series = np.asarray(series, dtype=float)
    if series.ndim == 1:
        series = series[None, :]
    if series.ndim != 2:
        raise ValueError(
            f"series must be 1-D or 2-D (n_channels, n_timepoints), got {series.ndim}-D."
        )
    return series


def plot_explanation(clf, series, *, method="integrated_gradients", target=None, channel=None):
    """The series, its attributions and its attention weights, one above the other.

    Attributions (:meth:`~BiLSTMMSAClassifier.feature_attributions`) say which values
    the prediction depends on; attention weights say how the model pools its hidden
    states, which need not be the same place (``docs/guide/attention.md`` measures
    both). Each row shares the time axis.

    Parameters
    ----------
    clf : BiLSTMMSAClassifier or BiLSTMMSARegressor
        A fitted estimator (for the aeon estimators, pass their ``estimator_``).
    series : ndarray of shape (n_channels, n_timepoints) or (n_timepoints,)
        One series.
    method : str, default="integrated_gradients"
        Passed to ``feature_attributions``.
    target : label, int or None, default=None
        Passed to ``feature_attributions`` (``None``: the predicted class).
    channel : int or None, default=None
        The channel to draw; ``None`` draws all of them (attributions as one row per
        channel).

    Returns
    -------
    axes : tuple of three matplotlib Axes
        The series, the attributions and the attention weights.
    """
    plt = _need_matplotlib("plot_explanation")
    from matplotlib.ticker import MaxNLocator

    series = _one_series(series)
    channels = list(_check_channel(channel, series.shape[0]))
    attributions = clf.feature_attributions(series[None], method=method, target=target)[0]
    fig, (top, middle, bottom) = plt.subplots(
        3,
        1,
        sharex=True,
        figsize=(8, 6),
        gridspec_kw={"height_ratios": [2, 1, 1]},
        layout="constrained",
    )
    _draw_lines(top, series, channels)
    shown = attributions[channels]  # (channels, T)
    limit = float(np.abs(shown).max()) or 1.0
    image = middle.imshow(
        shown, aspect="auto", interpolation="nearest", cmap="RdBu_r", vmin=-limit, vmax=limit
    )
    middle.set_yticks(range(len(channels)), [f"ch {c}" for c in channels])
    if len(channels) > 6:
        middle.tick_params(axis="y", labelsize="x-small")
    middle.set_title(f"attributions ({method.replace('_', ' ')})", fontsize="small")
    bars = dict(location="right", shrink=0.9, aspect=15, pad=0.01)
    fig.colorbar(image, ax=middle, **bars)
    weights = clf.attention_weights(series[None])[0]  # (S, T)
    if weights.shape[0]:
        weights = weights / weights.sum(axis=1, keepdims=True)
        image = bottom.imshow(weights, aspect="auto", interpolation="nearest", cmap="viridis")
        bottom.set_yticks(range(weights.shape[0]), _scale_labels(clf, weights.shape[0]))
        fig.colorbar(image, ax=bottom, label="share", **bars)
    bottom.set_title("attention weights (share of each scale)", fontsize="small")
    bottom.set_xlabel("time step")
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    return top, middle, bottom


def plot_attention(
    clf, series, *, ax=None, channel=None, scale_labels=None, relative=True, members=False
):
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
    members : bool, default=False
        For a seed ensemble, one row per member and scale (``"m<i> w=<width>"``)
        instead of the ensemble's weight of each scale (the members' mean).

    Returns
    -------
    axes : tuple of two matplotlib Axes
    """
    plt = _need_matplotlib("plot_attention")
    from matplotlib.ticker import MaxNLocator

    series = _one_series(series)
    channels = _check_channel(channel, series.shape[0])
    weights = clf.attention_weights(series[None], members=members)[0]  # (S, T) or (M, S, T)
    weights = weights.reshape(-1, weights.shape[-1])  # (M*S, T): member m's scales together
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
    labels = scale_labels or _scale_labels(clf, weights.shape[0])
    bottom.set_yticks(range(len(labels)), labels)
    bottom.set_xlabel("time step")
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps are whole numbers
    label = "share of the scale's attention" if relative else "attention weight"
    bar = figure.colorbar(image, label=label, **bars)
    bar.ax.xaxis.set_major_locator(MaxNLocator(5))  # labels that do not touch
    return top, bottom
