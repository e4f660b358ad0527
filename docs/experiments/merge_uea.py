"""The ten UEA sets' table after a change that reaches only some of them (issue 18).

A default that changes only some models (64 steps for the BiLSTM changes the stride of
the sets whose median length is 48 steps or more, and of no other) needs only those sets
re-run. This script takes the per-dataset table (``accuracy.csv`` or
``accuracy_resample0.csv`` of ``bilstm-msa report``) of a full earlier run and that of
the re-run of the changed sets, replaces the earlier rows by the re-run's, checks that
the published columns agree, and prints the table with the mean over the sets that have
every column (the nine bake-off sets)::

    python docs/experiments/merge_uea.py \\
        docs/results/issue18-uea-dilated-conv-2026-12-02/compare/accuracy.csv \\
        docs/results/issue18-uea-64steps-2026-12-06/compare/accuracy.csv
"""

import argparse

import numpy as np
import pandas as pd


def merge(earlier, rerun):
    """``earlier`` with its rows for the datasets of ``rerun`` replaced by ``rerun``'s."""
    earlier = earlier[~earlier["dataset"].str.startswith("Mean")].set_index("dataset")
    rerun = rerun[~rerun["dataset"].str.startswith("Mean")].set_index("dataset")
    missing = rerun.index.difference(earlier.index)
    if len(missing):
        raise ValueError(f"datasets not in the earlier run: {list(missing)}")
    published = [c for c in rerun.columns if c.endswith("(published)")]
    shared = rerun.index
    before, after = earlier.loc[shared, published], rerun.loc[shared, published]
    if not np.allclose(before, after, equal_nan=True):
        raise ValueError("the published columns of the two tables differ")
    merged = earlier.copy()
    merged.loc[shared, rerun.columns] = rerun
    merged["source"] = np.where(merged.index.isin(shared), "re-run", "earlier run")
    return merged


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("earlier", help="accuracy.csv of the full earlier run")
    parser.add_argument("rerun", help="accuracy.csv of the re-run of the changed sets")
    args = parser.parse_args()
    merged = merge(pd.read_csv(args.earlier), pd.read_csv(args.rerun))
    scores = merged.drop(columns=["resamples", "source"])
    complete = scores.dropna()
    table = merged.copy()
    table.loc[f"Mean ({len(complete)} datasets with every column)"] = complete.mean()
    print(table.to_markdown(floatfmt=".4f"))


if __name__ == "__main__":
    main()
