"""Put published resample-0 (official split) accuracies beside a report's accuracy table.

Reads ``compare/accuracy.csv`` of a ``bilstm-msa report`` output folder and the
bake-off-redux files in ``../shared/reference/ucr-published-accuracy/`` (one row per
dataset, one column per resample; column ``0`` is the official train/test split), and
writes ``compare/accuracy_with_ucr_published.csv`` (and ``.md``, with the means) with
one column per published classifier, then prints the means over every dataset and over
those the published files cover. Run from the repository root::

    python docs/experiments/scripts/with_published.py docs/results/issue18-after-2026-12-02
"""

import argparse
from pathlib import Path

import pandas as pd

#: Published classifiers added, by their file's stem.
PUBLISHED = {
    "InceptionTime": "InceptionTime",
    "MiniROCKET": "MiniROCKET",
    "ResNet": "ResNet",
    "LITETime": "LITETime",
}


def published_resample0(reference_dir, name):
    """The resample-0 accuracy of each dataset in ``<name>_accuracy.csv``."""
    table = pd.read_csv(Path(reference_dir) / f"{name}_accuracy.csv", index_col=0)
    return table.iloc[:, 0].round(4).rename(f"{name} (published, r0)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report_dir", help="a `bilstm-msa report --out` folder")
    parser.add_argument(
        "--reference-dir",
        default=Path(__file__).parents[4] / "shared/reference/ucr-published-accuracy",
    )
    args = parser.parse_args()
    measured = pd.read_csv(Path(args.report_dir) / "compare/accuracy.csv", index_col="dataset")
    measured = measured[~measured.index.str.startswith("Mean")].drop(columns="resamples")
    columns = [published_resample0(args.reference_dir, n) for n in PUBLISHED.values()]
    table = measured.join(pd.concat(columns, axis=1), how="left")
    table.index.name = "dataset"
    out = Path(args.report_dir) / "compare/accuracy_with_ucr_published"
    table.round(4).to_csv(f"{out}.csv")
    covered = table.dropna()
    means = pd.DataFrame(
        [measured.mean(), covered.mean()],
        index=[f"Mean ({len(table)} datasets)", f"Mean ({len(covered)} with published)"],
    )
    shown = pd.concat([table, means]).astype(object)
    shown = shown.where(shown.notna(), "")  # blank, not "nan", where nothing is published
    shown.index.name = "dataset"
    Path(f"{out}.md").write_text(shown.to_markdown(floatfmt=".4f") + "\n")
    print(f"Means over all {len(table)} datasets (measured columns):")
    print(measured.mean().round(4).to_string())
    print(f"\nMeans over the {len(covered)} datasets with published accuracies:")
    print(covered.mean().round(4).to_string())


if __name__ == "__main__":
    main()
