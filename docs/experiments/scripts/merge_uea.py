"""The report of a run after a change that reaches only some of its datasets (issue 18).

A default that changes only some models (64 steps for the BiLSTM changes the stride of
the sets whose median length is 48 steps or more, and of no other) needs only those sets
re-run. This script takes the results table (``all.csv`` of ``bilstm-msa report``) of a
full earlier run and that of the re-run of the changed sets, replaces the earlier run's
rows of those datasets by the re-run's, and writes the comparison tables of ``bilstm-msa
report`` for the merged results (accuracy with the published columns and both mean
rows, over all resamples and on the official split; fit seconds; training accuracy)::

    python docs/experiments/scripts/merge_uea.py \\
        docs/results/issue18-uea-dilated-conv-2026-12-02/compare/all.csv \\
        docs/results/issue18-uea-64steps-2026-12-06/compare/all.csv \\
        docs/results/issue18-uea-64steps-2026-12-06/merged
"""

import argparse
from pathlib import Path

import pandas as pd

# The report's own tables, so that the merged ones are computed as every other report's.
from sklearn_bilstm_msa.benchmark._report import _comparison, _write_table


def merge(earlier, rerun):
    """The results ``earlier`` with its rows of the datasets in ``rerun`` replaced by
    ``rerun``'s (long tables: a row per classifier, dataset and resample)."""
    rerun_sets = rerun["dataset"].unique()
    missing = sorted(set(rerun_sets) - set(earlier["dataset"]))
    if missing:
        raise ValueError(f"datasets not in the earlier run: {missing}")
    kept = earlier[~earlier["dataset"].isin(rerun_sets)]
    return pd.concat([kept, rerun], ignore_index=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("earlier", help="all.csv of the full earlier run")
    parser.add_argument("rerun", help="all.csv of the re-run of the changed datasets")
    parser.add_argument("out", type=Path, help="folder for the merged tables")
    args = parser.parse_args()
    long = merge(pd.read_csv(args.earlier), pd.read_csv(args.rerun))
    written = _write_table(long.set_index(["classifier", "dataset", "resample"]), args.out, "all")
    written += _comparison(long, args.out, print, plt=None)
    print(f"{len(written)} file(s) written under {args.out}")


if __name__ == "__main__":
    main()
