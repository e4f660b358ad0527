"""``bilstm-msa``: the benchmarking harness on the command line.

Every experiment writes tsml results files under ``<results-dir>/<experiment>/``;
running the same command again skips what is finished. Exit status: 0 when all
went well, 1 when a dataset could not be loaded or a task failed (finished results
are kept), 2 for a usage error (unknown dataset or classifier name), 130 when
interrupted.

The parser needs nothing beyond the standard library and the contenders' names: a
command imports what it runs (torch, scikit-learn, aeon) only once its arguments are
parsed, so ``--help`` and usage errors answer at once.
"""

import argparse
import sys

from ._contenders import (
    ABLATION_CONTENDERS,
    CONTENDERS,
    DEFAULT_COMPARE_CONTENDERS,
    ContenderError,
    get_contender,
)

__all__ = ["main"]

DEFAULT_DATASETS = ("BasicMotions", "JapaneseVowels")
DEFAULT_WINDOWS = (3, 5, 7, 9, 11)
DEFAULT_LENGTHS = (20, 40, 60, 80, 100, 120, 140, 160, 180, 200)


_ONLINE = (
    "Data: a dataset loads from --data-dir, from aeon's shipped datasets (BasicMotions, "
    "JapaneseVowels, ...) or from aeon's cache (~/aeon_data, or $AEON_DATA); only a dataset "
    "found in none of these is downloaded from the UCR/UEA archive (timeseriesclassification.com "
    "via Zenodo) into that cache. --offline forbids downloads: such a dataset is then an error."
)


class _HelpFormatter(argparse.HelpFormatter):
    """Shows every option's default after its help, lists as the command line writes them."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if default in (None, False, argparse.SUPPRESS) or "default" in text:
            return text
        if isinstance(default, (list, tuple)):
            default = " ".join(map(str, default))
        return f"{text} (default: {str(default).replace('%', '%%')})"


def _add_parser(sub, name, help, **kwargs):
    return sub.add_parser(
        name, help=help, description=help, formatter_class=_HelpFormatter, **kwargs
    )


def _datasets(parser, default=None):
    """``--datasets`` (alias ``--dataset``): the same spelling in every command."""
    parser.add_argument(
        "--datasets",
        "--dataset",
        dest="datasets",
        nargs="+",
        metavar="NAME",
        required=default is None,
        default=None if default is None else list(default),
        help="UCR/UEA classification datasets by name, case-insensitive",
    )


def _classifiers(parser, default, help=None):
    parser.add_argument(
        "--classifiers",
        nargs="+",
        metavar="NAME",
        default=list(default),
        help=help or f"contenders, case-insensitive; known: {', '.join(CONTENDERS)}",
    )


def _data_dir(parser):
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder of <Name>/<Name>_TRAIN.ts and _TEST.ts files, searched first; aeon's "
        "shipped and cached datasets are found without it (default: none)",
    )


def _common(parser):
    _data_dir(parser)
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never download: a dataset that is neither in --data-dir, shipped with aeon nor "
        "in aeon's cache is an error (without it, such a dataset is downloaded)",
    )
    parser.add_argument(
        "--results-dir",
        metavar="DIR",
        default="results",
        help="results go to DIR/<experiment>/ in the tsml layout; a run resumes what is there",
    )
    parser.add_argument(
        "--resamples",
        type=int,
        default=1,
        metavar="N",
        help="resamples 0..N-1; 0 is the official split, others aeon's stratified re-splits",
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=-1,
        metavar="N",
        help="tasks at once in local processes; -1: one per core",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run the tasks on the Dask cluster whose scheduler is at ADDRESS "
        "(default: local processes)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="torch/numba threads per task (default: cores // n-jobs locally, 1 on Dask)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny models and few epochs: a smoke test, not comparable with published numbers",
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (there is none anyway when the output is not a terminal)",
    )


def build_parser():
    parser = argparse.ArgumentParser(
        prog="bilstm-msa",
        description="Benchmark BiLSTM-MSA against aeon's classifiers on UCR/UEA datasets "
        "and reproduce the paper's experiments. Run `bilstm-msa COMMAND --help` for a "
        "command's options.",
        epilog=_ONLINE,
        formatter_class=_HelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _add_parser(
        sub, "compare", "the comparison table: contenders x datasets x resamples", epilog=_ONLINE
    )
    _datasets(p, default=DEFAULT_DATASETS)
    _classifiers(p, DEFAULT_COMPARE_CONTENDERS)
    _common(p)

    p = _add_parser(
        sub, "sweep-window", "window-size sensitivity (the paper's Figure 3)", epilog=_ONLINE
    )
    _datasets(p)
    p.add_argument(
        "--windows",
        nargs="+",
        type=int,
        metavar="W",
        default=list(DEFAULT_WINDOWS),
        help="attention window widths to compare, one scale each (odd integers)",
    )
    p.add_argument(
        "--cv",
        type=int,
        default=5,
        metavar="K",
        help="stratified cross-validation folds of each dataset's train split, for "
        "GridSearchCV over the widths",
    )
    _common(p)

    p = _add_parser(
        sub, "sweep-length", "sequence-length robustness (the paper's Figure 2)", epilog=_ONLINE
    )
    _datasets(p)
    p.add_argument(
        "--lengths",
        nargs="+",
        type=int,
        metavar="T",
        default=list(DEFAULT_LENGTHS),
        help="series lengths to resample every series to, in time steps",
    )
    _classifiers(p, ["BiLSTM-MSA", "MiniRocket"])
    _common(p)

    p = _add_parser(
        sub,
        "ablation",
        "the front-end, the input views, ensemble, the front-end alone, no attention, "
        "unidirectional, global, 1-4 scales, context",
        epilog=_ONLINE,
    )
    _datasets(p)
    _classifiers(p, ABLATION_CONTENDERS, help="ablation settings, case-insensitive")
    _common(p)

    p = _add_parser(
        sub,
        "explain",
        "where the model looks: localization of attention and attributions on synthetic "
        "series whose class lives in a motif at a random place (no data needed)",
    )
    p.add_argument(
        "--lengths",
        nargs="+",
        type=int,
        metavar="T",
        default=[100, 400],
        help="series lengths of the synthetic problems",
    )
    p.add_argument(
        "--widths",
        nargs="+",
        type=int,
        metavar="W",
        default=[5, 20],
        help="motif widths of the synthetic problems, in time steps",
    )
    _classifiers(p, ["BiLSTM-MSA", "BiLSTM-MSA-NoStem"])
    p.add_argument(
        "--results-dir",
        metavar="DIR",
        default="results",
        help="results go to DIR/explain/ (explain.csv, .md, .png); a run resumes what is there",
    )
    p.add_argument("--threads", type=int, default=1, metavar="N", help="torch threads")
    p.add_argument("--quick", action="store_true", help="tiny models: a smoke test")

    p = _add_parser(sub, "report", "tables and figures from a results folder")
    p.add_argument(
        "--results-dir",
        default="results",
        metavar="DIR",
        help="a results folder: one experiment, or a folder of them (as compare and the "
        "sweeps write)",
    )
    p.add_argument(
        "--out",
        default="report",
        metavar="DIR",
        help="where the tables (CSV, Markdown) and figures (PNG, SVG) go, one sub-folder "
        "per experiment",
    )

    p = _add_parser(
        sub,
        "paper-table",
        "the paper's Table 1 from a results folder: accuracy, macro precision and macro "
        "recall (percent) and fit seconds per classifier",
    )
    p.add_argument(
        "--results-dir",
        default="results",
        metavar="DIR",
        help="a results folder: one experiment, or a folder of them; a table for each "
        "comparison (compare, ablation) found",
    )

    p = _add_parser(
        sub, "datasets", "datasets that load offline, with their shapes (never downloads)"
    )
    _data_dir(p)  # no --offline: it never downloads
    return parser


def _say(*parts):
    print(*parts, flush=True)


def _error(message):
    print(f"error: {message}", file=sys.stderr, flush=True)


def _check_names(args, datasets):
    """Resolve every name before anything runs (usage errors exit 2)."""
    from ._datasets import resolve_dataset_name

    names = [resolve_dataset_name(d, args.data_dir) for d in datasets]
    contenders = [get_contender(c).name for c in getattr(args, "classifiers", [])]
    for name in contenders:
        get_contender(name).build(random_state=0)  # a missing optional dependency fails here
    return names, contenders


def _positive(args, *names):
    for name in names:
        values = getattr(args, name)
        values = values if isinstance(values, list) else [values]
        if any(v < 1 for v in values):
            raise ValueError(f"--{name.replace('_', '-')} must be positive, got {values}")


def _run(args, experiment, tasks, lists, load_errors):
    from ._experiments import experiment_root, write_manifest
    from ._report import ours_first, results_table
    from ._tasks import run_tasks

    root = experiment_root(args.results_dir, experiment)
    write_manifest(root, experiment, **lists)
    _say(f"{experiment}: {len(tasks)} task(s); results in {root}")
    summary = run_tasks(
        tasks,
        root,
        n_jobs=args.n_jobs,
        dask_address=args.dask,
        threads=args.threads,
        quick=args.quick,
        progress=not args.no_progress,
    )
    table = results_table(root)
    keys = {(t.classifier, t.dataset, t.resample) for t in tasks}
    rows = zip(table["classifier"], table["dataset"], table["resample"], strict=True)
    mine = table[[k in keys for k in rows]]
    if not mine.empty:
        accuracy = mine.pivot_table(index="dataset", columns="classifier", values="accuracy")
        accuracy = accuracy[ours_first(accuracy.columns)]
        _say("\nTest accuracy (mean over resamples):\n" + accuracy.to_markdown(floatfmt=".4f"))
    for task, error in summary.failed:
        _error(f"{task.key} failed: {error}")
    _say(
        f"\n{len(summary.finished)} finished, {len(summary.skipped)} already done, "
        f"{len(summary.failed)} failed, {len(load_errors)} dataset(s) not loaded."
    )
    return 0 if summary.ok and not load_errors else 1


def _resamples(args):
    return range(args.resamples)


def _table_experiment(args, experiment, dataset_names):
    from ._experiments import comparison_tasks, load_datasets

    names, contenders = _check_names(args, dataset_names)
    datasets, errors = load_datasets(names, args.data_dir, args.offline, log=_error)
    tasks = comparison_tasks(datasets, contenders, _resamples(args))
    lists = {"datasets": names, "classifiers": contenders}
    return _run(args, experiment, tasks, lists, errors)


def cmd_compare(args):
    return _table_experiment(args, "compare", args.datasets)


def cmd_ablation(args):
    return _table_experiment(args, "ablation", args.datasets)


def cmd_sweep_length(args):
    from ._experiments import length_tasks, load_datasets

    _positive(args, "lengths")
    names, contenders = _check_names(args, args.datasets)
    datasets, errors = load_datasets(names, args.data_dir, args.offline, log=_error)
    tasks = [
        t for d in datasets for t in length_tasks(d, args.lengths, contenders, _resamples(args))
    ]
    lists = {"datasets": names, "classifiers": contenders, "lengths": args.lengths}
    return _run(args, "sweep-length", tasks, lists, errors)


def cmd_sweep_window(args):
    from ._experiments import (
        experiment_root,
        load_datasets,
        window_cv,
        window_tasks,
        write_manifest,
    )
    from ._tasks import compute_backend, default_threads

    _positive(args, "windows")
    names, _ = _check_names(args, args.datasets)
    datasets, errors = load_datasets(names, args.data_dir, args.offline, log=_error)
    root = experiment_root(args.results_dir, "sweep-window")
    write_manifest(root, "sweep-window", datasets=names, windows=args.windows)
    threads = args.threads or (1 if args.dask else default_threads(args.n_jobs))
    with compute_backend(args.dask, args.n_jobs) as n_jobs:
        for dataset in datasets:
            table = window_cv(
                dataset, args.windows, root, args.cv, n_jobs, threads, args.quick, log=_say
            )
            _say(table.to_markdown(index=False, floatfmt=".4f"))
    tasks = [t for d in datasets for t in window_tasks(d, args.windows, _resamples(args))]
    return _run(args, "sweep-window", tasks, {}, errors)


def cmd_explain(args):
    from ._experiments import experiment_root
    from ._explain import run_explain, summarize

    _positive(args, "lengths", "widths", "threads")
    _, contenders = _check_names(args, [])
    root = experiment_root(args.results_dir, "explain")
    _say(f"explain: {len(args.lengths) * len(args.widths) * len(contenders)} fit(s); in {root}")
    table = run_explain(
        args.lengths,
        args.widths,
        contenders,
        root,
        threads=args.threads,
        quick=args.quick,
        log=_say,
    )
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the viz extra is optional: tables only
        plt = None
    written = summarize(table, root, plt)
    _say((root / "explain.md").read_text(encoding="utf-8"))
    _say(f"{len(written)} summary file(s) written under {root}")
    return 0


def cmd_report(args):
    from ._report import make_report

    written = make_report(args.results_dir, args.out, log=_say)
    _say(f"{len(written)} file(s) written under {args.out}")
    return 0


def cmd_paper_table(args):
    from ._report import find_experiments, paper_table, paper_table_left_out, results_table

    found = {
        root: manifest
        for root, manifest in find_experiments(args.results_dir).items()
        if manifest["experiment"] in ("compare", "ablation")
    }
    if not found:
        raise FileNotFoundError(
            f"No comparison under {args.results_dir}: expected a compare or ablation "
            "experiment (experiment.json) in it or in one of its sub-folders."
        )
    for root in found:
        long = results_table(root)
        if long.empty:
            _say(f"{root}: no results yet")
            continue
        table = paper_table(long)
        _say(
            f"{root}: means over the {int(table['datasets'].iloc[0])} dataset(s) "
            "where every classifier has results (resamples averaged first)"
        )
        _say(table.drop(columns="datasets").to_markdown(floatfmt=".2f"))
        left_out = paper_table_left_out(long)
        if left_out:
            _say(f"Left out ({len(left_out)} dataset(s) where some classifier has no result):")
            for dataset, missing in left_out.items():
                _say(f"- {dataset}: no result for {', '.join(missing)}")
        _say("")
    return 0


def cmd_datasets(args):
    import pandas as pd

    from ._datasets import DatasetError, available_datasets, load_dataset

    rows, status = [], 0
    for name in available_datasets(args.data_dir):
        try:
            rows.append(load_dataset(name, args.data_dir, offline=True).describe())
        except DatasetError as exc:
            _error(str(exc))
            status = 1
    if rows:
        _say(pd.DataFrame(rows).to_markdown(index=False))
    else:
        _say("No classification datasets found offline.")
    return status


COMMANDS = {
    "compare": cmd_compare,
    "ablation": cmd_ablation,
    "sweep-length": cmd_sweep_length,
    "sweep-window": cmd_sweep_window,
    "explain": cmd_explain,
    "report": cmd_report,
    "paper-table": cmd_paper_table,
    "datasets": cmd_datasets,
}


def main(argv=None):
    """Entry point of the ``bilstm-msa`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    from ._datasets import DatasetError, UnknownDatasetError

    try:
        return COMMANDS[args.command](args)
    except (ContenderError, UnknownDatasetError) as exc:
        _error(str(exc))
        return 2
    except (DatasetError, ValueError, FileNotFoundError) as exc:
        _error(str(exc))
        return 1
    except KeyboardInterrupt:
        _error(
            "interrupted; every finished result is kept. Run the same command again to "
            "resume where it stopped."
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
