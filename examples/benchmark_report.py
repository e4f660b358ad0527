"""A small benchmark from Python, then its report: the harness without the command line.

BiLSTM-MSA against MiniRocket and 1-NN DTW on aeon's shipped BasicMotions (official split
and two stratified resamples), results in the tsml format under ``results/compare``,
then tables and figures under ``report/compare``. Run it twice: the second run finds
every result on disk and skips the work. ``EXAMPLES_QUICK=1`` uses tiny models.

    python examples/benchmark_report.py

The same from the shell::

    bilstm-msa compare --datasets BasicMotions --classifiers BiLSTM-MSA MiniRocket 1NN-DTW \\
        --resamples 3
    bilstm-msa report --results-dir results --out report
"""

import os

from sklearn_bilstm_msa.benchmark import (
    comparison_tasks,
    load_dataset,
    make_report,
    results_table,
    run_tasks,
    write_manifest,
)

QUICK = os.environ.get("EXAMPLES_QUICK") == "1"
ROOT = "results/compare"


def main():
    data = load_dataset("BasicMotions")  # shipped with aeon: no download
    # Resample 0 is the official split; 1 and 2 are aeon's stratified re-splits.
    tasks = comparison_tasks([data], ["BiLSTM-MSA", "MiniRocket", "1NN-DTW"], resamples=range(3))
    write_manifest(ROOT, "compare", datasets=[data.name])
    summary = run_tasks(tasks, ROOT, n_jobs=1, quick=QUICK, progress=False, log=print)
    print(f"{len(summary.finished)} run, {len(summary.skipped)} found on disk")

    table = results_table(ROOT)
    means = table.groupby("classifier")[["accuracy", "macro_f1", "fit_seconds"]].mean()
    print(means.to_string(float_format=lambda v: f"{v:.3f}"))
    for path in make_report("results", "report"):
        print("wrote", path)


if __name__ == "__main__":
    main()
