"""Tables and figures from results folders, with published accuracies beside measured ones."""

import csv
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ._experiments import EXPERIMENTS, LENGTH_SUFFIX, WINDOW_SUFFIX, read_manifest
from ._results import METRICS, atomic_write_text, read_results

__all__ = [
    "find_experiments",
    "make_report",
    "ours_first",
    "paper_table",
    "published_accuracy",
    "results_table",
]

#: Published classifiers shipped as package data, file stem -> display name.
PUBLISHED = {
    "ROCKET": "ROCKET",
    "Arsenal": "Arsenal",
    "DrCIF": "DrCIF",
    "HC2": "HC2",
    "InceptionT": "InceptionTime",
    "ResNet": "ResNet",
    "1NN-DTW-D": "1NN-DTW-D",
}

#: A critical-difference diagram needs this many datasets with every classifier.
MIN_CD_DATASETS = 5

#: ... and this many classifiers (aeon's Friedman test needs three).
MIN_CD_CLASSIFIERS = 3


def published_accuracy():
    """Published accuracies shipped with the package, long format.

    Columns ``classifier, dataset, resample, accuracy, source``; see
    ``sklearn_bilstm_msa/benchmark/published/README.md`` for the sources.
    """
    folder = resources.files("sklearn_bilstm_msa.benchmark") / "published"
    rows = []
    bakeoff = "Ruiz et al. 2021 multivariate bake-off (tsml-eval results)"
    for stem, name in PUBLISHED.items():
        with (folder / f"{stem}_accuracy.csv").open(encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)[1:]
            for line in reader:
                for resample, value in zip(header, line[1:], strict=True):
                    if value.strip():
                        rows.append((name, line[0], int(resample), float(value), bakeoff))
    with (folder / "other.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                (
                    row["classifier"],
                    row["dataset"],
                    int(row["resample"]),
                    float(row["accuracy"]),
                    row["source"],
                )
            )
    return pd.DataFrame(rows, columns=["classifier", "dataset", "resample", "accuracy", "source"])


def ours_first(names):
    """Classifier names with ours (BiLSTM/LSTM variants) first, then the rest, each sorted."""
    return sorted(names, key=lambda name: (not name.startswith(("BiLSTM", "LSTM")), name))


def results_table(root):
    """One row per (classifier, dataset, resample) with every metric."""
    rows = [
        {"classifier": r.classifier, "dataset": r.dataset, "resample": r.resample, **r.metrics()}
        for r in read_results(root)
    ]
    return pd.DataFrame(rows, columns=["classifier", "dataset", "resample", *METRICS])


def find_experiments(results_dir):
    """``{experiment_root: manifest}`` for ``results_dir`` and its sub-folders."""
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        what = "is a file, not a folder" if results_dir.exists() else "does not exist"
        raise FileNotFoundError(
            f"The results folder {str(results_dir)!r} {what}. It should hold what an "
            "experiment writes (experiment.json and tsml results files), in it or in "
            "sub-folders: run `bilstm-msa compare` (or ablation, sweep-length, "
            "sweep-window) with the same --results-dir first."
        )
    found = {}
    for root in [results_dir, *sorted(p for p in results_dir.iterdir() if p.is_dir())]:
        manifest = read_manifest(root)
        if manifest is not None:
            found[root] = manifest
    return found


#: The columns of the report's tables that count something (shown as whole numbers);
#: every other number is a measurement, shown with the table's decimals even where it
#: is whole (an accuracy of 1 is 1.0000 beside 0.9750).
COUNT_COLUMNS = ("resamples", "datasets")


def _integers_as_integers(frame):
    """The count columns as whole numbers and every gap as an empty cell, for display
    (a count column with a gap is float in pandas, and tabulate would print a nullable
    int's gap as ``<NA>``)."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if column in COUNT_COLUMNS and values.dtype.kind in "fi":
            frame[column] = [None if np.isnan(v) else str(int(v)) for v in values.astype(float)]
    return frame.astype(object).where(frame.notna(), None)  # gaps: None, an empty cell


def _write_table(frame, out, stem, floatfmt=".4f", note=""):
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / f"{stem}.csv", frame.to_csv())
    shown = _integers_as_integers(frame.reset_index())
    markdown = shown.to_markdown(index=False, floatfmt=floatfmt, missingval="")
    atomic_write_text(out / f"{stem}.md", markdown + "\n" + (f"\n{note}\n" if note else ""))
    return [out / f"{stem}.csv", out / f"{stem}.md"]


def _pyplot(log):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("plots skipped: matplotlib is missing (pip install 'sklearn-bilstm-msa[viz]')")
        return None
    return plt


def _save(fig, out, stem):
    paths = [out / f"{stem}.png", out / f"{stem}.svg"]
    for path in paths:
        fig.savefig(path, bbox_inches="tight", dpi=150)
    return paths


def _published_beside(long, published):
    """Published accuracy per dataset, averaged over the resamples measured there."""
    measured = long.groupby("dataset")["resample"].unique()
    columns = {}
    for name, group in published.groupby("classifier"):
        values = {}
        for dataset, resamples in measured.items():
            rows = group[(group["dataset"] == dataset) & group["resample"].isin(resamples)]
            if len(rows) == len(resamples):
                values[dataset] = rows["accuracy"].mean()
        if values:
            columns[f"{name} (published)"] = pd.Series(values)
    return pd.DataFrame(columns)


def _accuracy_table(long, published):
    """Mean accuracy per dataset (rows) and classifier (columns), measured ones first,
    with the ``published`` accuracies (:func:`published_accuracy`) over the same
    resamples beside them, and two mean rows."""
    accuracy = long.pivot_table(index="dataset", columns="classifier", values="accuracy")
    accuracy = accuracy[ours_first(accuracy.columns)]
    published = _published_beside(long, published)
    table = accuracy.join(published, how="left") if not published.empty else accuracy.copy()
    complete_rows = table.dropna()
    # Means over the datasets where every column has a value, so that columns compare;
    # and the measured columns over every dataset measured.
    table.loc[f"Mean ({len(complete_rows)} datasets with every column)"] = complete_rows.mean()
    table.loc[f"Mean of measured ({len(accuracy)} datasets)"] = accuracy.mean()
    table.insert(0, "resamples", long.groupby("dataset")["resample"].nunique())
    return accuracy, table


#: The columns of the paper's Table 1 (Yang et al., 2025), in percent, and ours beside.
PAPER_TABLE_COLUMNS = {
    "accuracy": "accuracy (%)",
    "macro_precision": "macro precision (%)",
    "macro_recall": "macro recall (%)",
    "fit_seconds": "fit seconds",
}


def paper_table(long):
    """The paper's Table 1 from a results table (:func:`results_table`): one row per
    classifier with its accuracy, macro precision and macro recall in percent and its
    fit seconds, each the mean over the datasets where every classifier has results
    (each dataset's value first averaged over its resamples), ours first."""
    per_dataset = long.groupby(["classifier", "dataset"])[list(PAPER_TABLE_COLUMNS)].mean()
    wide = per_dataset["accuracy"].unstack("classifier")
    shared = wide.dropna().index  # the datasets every classifier finished
    rows = per_dataset[per_dataset.index.get_level_values("dataset").isin(shared)]
    table = rows.groupby("classifier").mean()
    for metric in ("accuracy", "macro_precision", "macro_recall"):
        table[metric] *= 100.0
    table = table.rename(columns=PAPER_TABLE_COLUMNS).loc[ours_first(table.index)]
    table.insert(0, "datasets", len(shared))
    return table


def paper_table_left_out(long):
    """``{dataset: [classifiers without a result]}`` for the datasets that
    :func:`paper_table` leaves out because some classifier has no result there."""
    wide = long.groupby(["classifier", "dataset"])["accuracy"].mean().unstack("classifier")
    left_out = {}
    for dataset, row in wide.iterrows():
        missing = [str(name) for name in ours_first(row.index[row.isna()])]
        if missing:
            left_out[str(dataset)] = missing
    return left_out


def _fit_timing_note(long):
    """Which classifiers' fit seconds leave one-off compilation out (a warm-up fit
    before the timed one), and which are timed whole."""
    if "warm_up_seconds" not in long:
        return ""
    warmed = long.groupby("classifier")["warm_up_seconds"].apply(lambda s: s.notna().any())
    if not warmed.any():
        return "Every fit is timed whole (no warm-up fit)."
    names = ", ".join(ours_first(warmed.index[warmed]))
    whole = ", ".join(ours_first(warmed.index[~warmed])) or "none"
    return (
        f"Fit seconds of {names} leave one-off compilation (numba) out: each was timed "
        "after a warm-up fit on a few training cases, whose seconds are `warm_up_seconds` "
        f"in its results files. Timed whole: {whole}."
    )


def _comparison(long, out, log, plt):
    written = []
    written += _write_table(paper_table(long), out, "paper_table", floatfmt=".2f")
    summary = long.groupby(["classifier", "dataset"])[list(METRICS)].agg(["mean", "std"])
    summary.columns = [f"{metric}_{stat}" for metric, stat in summary.columns]
    summary.insert(0, "resamples", long.groupby(["classifier", "dataset"]).size())
    written += _write_table(summary, out, "summary")
    published = published_accuracy()
    accuracy, table = _accuracy_table(long, published)
    written += _write_table(table, out, "accuracy")
    if long["resample"].nunique() > 1 and (long["resample"] == 0).any():
        # The official split alone as well: published single-split numbers compare with it.
        _, split0 = _accuracy_table(long[long["resample"] == 0], published)
        written += _write_table(split0, out, "accuracy_resample0")
    fit = long.pivot_table(index="dataset", columns="classifier", values="fit_seconds")
    fit = fit[ours_first(fit.columns)]
    written += _write_table(fit, out, "fit_seconds", floatfmt=".2f", note=_fit_timing_note(long))
    # How well each of our fits learned its own training data (aeon's record nothing):
    # a fit that learned nothing shows here before it shows as a poor test accuracy.
    train = long.pivot_table(index="dataset", columns="classifier", values="train_accuracy")
    if not train.empty:
        written += _write_table(train[ours_first(train.columns)], out, "train_accuracy")
    if plt is not None:
        beside = _published_beside(long, published)
        written += _accuracy_against_fit_time(accuracy, fit, beside, out, plt)
        written += _accuracy_per_dataset(accuracy, beside, out, plt)
    complete = accuracy.dropna()
    enough = accuracy.shape[1] >= MIN_CD_CLASSIFIERS and len(complete) >= MIN_CD_DATASETS
    if enough and plt is not None:
        from aeon.visualisation import plot_critical_difference

        fig, _ = plot_critical_difference(complete.to_numpy(), list(complete.columns))
        written += _save(fig, out, "critical_difference")
        plt.close(fig)
    else:
        log(
            f"critical-difference diagram skipped: it needs >= {MIN_CD_CLASSIFIERS} "
            f"classifiers and "
            f">= {MIN_CD_DATASETS} datasets where every classifier has results "
            f"(have {accuracy.shape[1]} and {len(complete)})"
        )
    return written


def _colours(n, palette="tab10"):
    import matplotlib as mpl

    cmap = mpl.colormaps[palette]
    return [cmap(i % cmap.N) for i in range(n)]


def _accuracy_against_fit_time(accuracy, fit, published, out, plt):
    """Mean accuracy against mean fit time (log scale), one point per measured contender,
    over the datasets where every one of them has results; published accuracies (no
    times are published with them) as horizontal lines. Every name is in a legend
    beside the plot, with its accuracy, not written next to its point, so that points
    and lines at nearly the same accuracy stay legible (issue 37)."""
    complete = accuracy.dropna()
    if complete.empty:
        return []
    times = fit.loc[complete.index, complete.columns].mean()
    means = complete.mean()
    fig, ax = plt.subplots(figsize=(8.5, 4.5), layout="constrained")
    markers = "osD^vP*Xh<>p"
    measured = []
    for i, (colour, name) in enumerate(zip(_colours(len(means)), means.index, strict=True)):
        measured.append(
            ax.scatter(
                times[name],
                means[name],
                color=colour,
                marker=markers[i % len(markers)],
                s=45,
                zorder=3,
                label=f"{name}: {means[name]:.3f}, {times[name]:.3g} s",
            )
        )
    ax.set_xscale("log")
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    # Ticks at 1, 2 and 5 of each decade, written as plain seconds ("0.5", "20").
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    shared = published.reindex(complete.index).dropna(axis=1)
    dashes = [(4, 2), (1, 1.5), (6, 2, 1, 2), (2, 2), (8, 3), (3, 1, 1, 1, 1, 1)]
    lines = []
    for i, (colour, (name, values)) in enumerate(
        zip(_colours(len(shared.columns), "Dark2"), shared.items(), strict=True)
    ):
        line = ax.axhline(values.mean(), color=colour, lw=1.0, zorder=1, alpha=0.8)
        line.set_dashes(dashes[i % len(dashes)])
        line.set_label(f"{name}: {values.mean():.3f}")
        lines.append(line)
    # One legend (constrained layout makes room for one beside the axes): the measured
    # contenders, then the published lines.
    handles = measured + lines
    if lines:
        spacer = ax.plot([], [], ls="", label="published (no time):")[0]
        handles = measured + [spacer] + lines
    ax.legend(
        handles=handles,
        title="measured: accuracy, fit",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize="small",
        title_fontsize="small",
        frameon=False,
    )
    ax.set_xlabel("fit time per dataset, seconds (log scale; mean over datasets and resamples)")
    ax.set_ylabel(f"test accuracy (mean over {len(complete)} datasets)")
    ax.set_title("Accuracy against fit time; lines: published accuracy, no time published")
    paths = _save(fig, out, "accuracy_vs_fit_time")
    plt.close(fig)
    return paths


def _accuracy_per_dataset(accuracy, published, out, plt):
    """Grouped bars: each dataset's accuracy for every measured contender (solid) and every
    published one with a number there (hatched, "(published)" in its name)."""
    columns = [*accuracy.columns, *published.columns]
    table = accuracy.join(published, how="left") if not published.empty else accuracy.copy()
    n = len(columns)
    height = 0.8 / n
    fig, ax = plt.subplots(figsize=(8, 0.8 + len(table) * (0.25 + 0.14 * n)), layout="constrained")
    positions = np.arange(len(table))
    colours = _colours(accuracy.shape[1]) + _colours(published.shape[1], "Set2")
    for i, (colour, name) in enumerate(zip(colours, columns, strict=True)):
        is_published = name in published.columns
        ax.barh(
            positions - 0.4 + (i + 0.5) * height,
            table[name].to_numpy(),
            height=height,
            color=colour,
            alpha=0.6 if is_published else 1.0,
            hatch="///" if is_published else None,
            edgecolor="0.3" if is_published else None,
            label=name,
        )
    ax.set_yticks(positions, table.index)
    ax.invert_yaxis()
    # From a little below the lowest bar: near-perfect scores differ in the last percent.
    low = np.nanmin(table[columns].to_numpy())
    ax.set_xlim(max(0.0, np.floor((low - 0.02) * 10) / 10), 1.0)
    ax.set_xlabel("test accuracy (mean over resamples); hatched: published")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    paths = _save(fig, out, "accuracy_per_dataset")
    plt.close(fig)
    return paths


def _ablation_plot(long, out, plt):
    accuracy = long.pivot_table(index="classifier", columns="dataset", values="accuracy")
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(accuracy) + 1.5))
    accuracy.plot.barh(ax=ax)
    ax.set_xlabel("test accuracy (mean over resamples)")
    ax.set_ylabel("")
    ax.set_xlim(0, 1)
    paths = _save(fig, out, "ablation")
    plt.close(fig)
    return paths


def _length(long, out, plt):
    parts = long["dataset"].str.extract(LENGTH_SUFFIX)
    long = long.assign(dataset=parts["dataset"], length=parts["length"].astype(int))
    table = long.pivot_table(index="length", columns=["dataset", "classifier"], values="accuracy")
    written = _write_table(table, out, "length")
    if plt is not None:
        fig, ax = plt.subplots(figsize=(6, 4))
        for (dataset, classifier), series in table.items():
            ax.plot(series.index, series.to_numpy(), marker="o", label=f"{classifier}, {dataset}")
        ax.set_xlabel("series length after resizing")
        ax.set_ylabel("test accuracy")
        ax.legend(fontsize="small")
        written += _save(fig, out, "length")
        plt.close(fig)
    return written


def _window(long, root, out, plt):
    parts = long["classifier"].str.extract(WINDOW_SUFFIX)
    long = long.assign(window=parts["window"].astype(int))
    test = long.groupby(["dataset", "window"])["accuracy"].mean().rename("test_accuracy")
    frames = []
    for path in sorted(Path(root).glob("CV/*/cv_results.csv")):
        cv = pd.read_csv(path).assign(dataset=path.parent.name)
        frames.append(cv.set_index(["dataset", "window"]))
    table = pd.concat(frames).join(test, how="outer") if frames else test.to_frame()
    written = _write_table(table, out, "window")
    if plt is not None:
        fig, ax = plt.subplots(figsize=(6, 4))
        for dataset, group in table.groupby(level="dataset"):
            windows = group.index.get_level_values("window")
            if "mean_cv_accuracy" in group:
                ax.errorbar(
                    windows,
                    group["mean_cv_accuracy"],
                    yerr=group["std_cv_accuracy"],
                    marker="o",
                    capsize=3,
                    label=f"{dataset}: CV on train",
                )
            ax.plot(windows, group["test_accuracy"], marker="s", ls="--", label=f"{dataset}: test")
        ax.set_xlabel("attention window width w (one scale)")
        ax.set_ylabel("accuracy")
        ax.legend(fontsize="small")
        written += _save(fig, out, "window")
        plt.close(fig)
    return written


def make_report(results_dir, out_dir, log=print):
    """Write tables (CSV, Markdown) and figures (PNG, SVG) for every experiment found.

    Returns the list of files written.
    """
    experiments = find_experiments(results_dir)
    if not experiments:
        raise FileNotFoundError(
            f"No experiment results under {results_dir}: expected experiment.json in it or "
            f"in one of its sub-folders ({', '.join(EXPERIMENTS)})."
        )
    plt = _pyplot(log)
    written = []
    for root, manifest in experiments.items():
        kind = manifest["experiment"]
        long = results_table(root)
        if long.empty:
            log(f"{root}: no results yet")
            continue
        out = Path(out_dir) / kind
        written += _write_table(long.set_index(["classifier", "dataset", "resample"]), out, "all")
        if kind in ("compare", "ablation"):
            written += _comparison(long, out, log, plt)
            if kind == "ablation" and plt is not None:
                written += _ablation_plot(long, out, plt)
        elif kind == "sweep-length":
            written += _length(long, out, plt)
        elif kind == "sweep-window":
            written += _window(long, root, out, plt)
        log(f"{kind}: {len(long)} results from {root} -> {out}")
    return written
