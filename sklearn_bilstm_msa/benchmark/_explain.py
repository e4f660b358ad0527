"""Where does the model look? Localization of attention and attributions (issue 15).

Synthetic problems whose informative region is known: each series is Gaussian noise
(standard deviation 0.3) with one half-sine motif of ``width`` steps and height 2 at a
random place; its sign is the class. For each series length and motif width, each
contender is fitted on 200 series and explained on 100 new ones, and every
explanation (each attention scale, and each attribution method of
``feature_attributions``) is scored by two standard metrics:

- ``pointing``: the share of test series whose explanation peaks (largest absolute
  value, summed over channels) inside the motif (the "pointing game", Zhang et al.,
  2018); chance is ``width / length``;
- ``mass``: the mean share of the explanation's absolute total that lies inside the
  motif (an overlap score); chance is also ``width / length``.

Results go to ``<results_dir>/explain/explain.csv`` (one row per length, width,
contender and explanation), written after each fit, so a run resumes where it stopped;
``explain.md`` and ``explain.png`` summarise them.
"""

import numpy as np
import pandas as pd

from ..plotting import _scale_labels
from ._contenders import get_contender
from ._results import atomic_write_text

__all__ = ["localization", "motif_dataset", "run_explain"]

METHODS = ("integrated_gradients", "gradient_x_input", "occlusion")


def motif_dataset(n_cases, n_timepoints, width, seed):
    """``(X, y, positions)``: univariate noise with a +/- half-sine motif at a random
    place; ``y`` is the motif's sign (0: negative, 1: positive)."""
    if not 1 <= width <= n_timepoints:
        raise ValueError(f"the motif width must be in [1, {n_timepoints}], got {width}.")
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 0.3, size=(n_cases, 1, n_timepoints))
    y = rng.integers(0, 2, size=n_cases)
    positions = rng.integers(0, n_timepoints - width + 1, size=n_cases)
    motif = 2.0 * np.sin(np.linspace(0.0, np.pi, width + 2)[1:-1])
    for i in range(n_cases):
        X[i, 0, positions[i] : positions[i] + width] += motif if y[i] else -motif
    return X, y, positions


def localization(explanation, positions, width):
    """``(pointing, mass)`` of explanations (n_cases, n_timepoints) for motifs at
    ``positions`` of ``width`` steps (see the module docstring)."""
    magnitude = np.abs(np.asarray(explanation, dtype=float))
    steps = np.arange(magnitude.shape[1])
    inside = (steps >= positions[:, None]) & (steps < positions[:, None] + width)
    peak = magnitude.argmax(axis=1)
    pointing = float(np.mean(inside[np.arange(len(peak)), peak]))
    total = magnitude.sum(axis=1)
    share = np.where(total > 0, (magnitude * inside).sum(axis=1) / np.maximum(total, 1e-300), 0)
    return pointing, float(share.mean())


def _explanations(estimator, X):
    """Name -> (n_cases, n_timepoints) explanation, channels summed."""
    out = {}
    weights = estimator.attention_weights(X)  # (N, S', T)
    for s, label in enumerate(_scale_labels(estimator, weights.shape[1])):
        out[f"attention {label}"] = weights[:, s]
    for method in METHODS:
        out[method.replace("_", " ")] = np.abs(
            estimator.feature_attributions(X, method=method)
        ).sum(axis=1)
    return out


def run_explain(lengths, widths, contenders, root, *, threads=1, quick=False, log=print):
    """Fit, explain and score every (length, width, contender); return the table."""
    from pathlib import Path

    path = Path(root) / "explain.csv"
    table = pd.read_csv(path) if path.exists() else pd.DataFrame()
    for length in lengths:
        for width in widths:
            X, y, _ = motif_dataset(200, length, width, seed=0)
            X_test, y_test, positions = motif_dataset(100, length, width, seed=1)
            for name in contenders:
                done = (
                    not table.empty
                    and (
                        (table["length"] == length)
                        & (table["width"] == width)
                        & (table["classifier"] == name)
                    ).any()
                )
                if done:
                    log(f"{name}, length {length}, motif {width}: done before, kept")
                    continue
                estimator = get_contender(name).build(random_state=0, n_jobs=threads, quick=quick)
                estimator.fit(X, y)
                accuracy = float(estimator.score(X_test, y_test))
                rows = []
                for explanation, values in _explanations(estimator, X_test).items():
                    pointing, mass = localization(values, positions, width)
                    rows.append(
                        {
                            "length": length,
                            "width": width,
                            "classifier": name,
                            "explanation": explanation,
                            "pointing": pointing,
                            "mass": mass,
                            "chance": width / length,
                            "test_accuracy": accuracy,
                        }
                    )
                table = pd.concat([table, pd.DataFrame(rows)], ignore_index=True)
                atomic_write_text(path, table.to_csv(index=False))
                best = max(rows, key=lambda r: r["pointing"])
                log(
                    f"{name}, length {length}, motif {width}: test accuracy {accuracy:.3f}; "
                    f"best pointing {best['pointing']:.2f} ({best['explanation']})"
                )
    return table


def summarize(table, out, plt=None):
    """``explain.md`` (pointing and mass per explanation and contender, mean over
    lengths and widths, and per problem) and ``explain.png``; returns the paths."""
    from pathlib import Path

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = table.assign(
        problem=[f"T={t}, w={w}" for t, w in zip(table["length"], table["width"], strict=True)]
    )
    mean = table.groupby(["explanation", "classifier"])[["pointing", "mass"]].mean().unstack()
    per_problem = table.pivot_table(
        index=["classifier", "explanation"], columns="problem", values="pointing"
    )
    accuracy = table.groupby(["classifier", "problem"])["test_accuracy"].first().unstack()
    text = (
        "Pointing (share of test series whose explanation peaks inside the motif) and mass "
        "(share of the explanation inside the motif), mean over problems:\n\n"
        + mean.to_markdown(floatfmt=".2f")
        + "\n\nPointing per problem (T: series length, w: motif width; chance w/T):\n\n"
        + per_problem.to_markdown(floatfmt=".2f")
        + "\n\nTest accuracy of each fit:\n\n"
        + accuracy.to_markdown(floatfmt=".3f")
        + "\n"
    )
    written = [out / "explain.md"]
    atomic_write_text(written[0], text)
    if plt is not None:
        pointing = mean["pointing"]
        fig, ax = plt.subplots(figsize=(8, 0.35 * len(pointing) + 1.5), layout="constrained")
        pointing.plot.barh(ax=ax)
        ax.axvline(float(table["chance"].mean()), color="grey", linestyle="--", label="chance")
        ax.set_xlabel("pointing: share of test series whose peak is inside the motif")
        ax.set_xlim(0, 1)
        ax.legend(fontsize="small", loc="lower right")
        fig.savefig(out / "explain.png", dpi=100)
        plt.close(fig)
        written.append(out / "explain.png")
    return written
