"""Compare one CV candidate with a baseline, set by set, from ``cv_recipe.py``'s CSVs.

The tables of CV passes thirty-two to thirty-nine in ``docs/method.md`` come from this
script. The baseline's scores may come from other CSVs of the same folds (a pass that
ran only the candidate reuses those of passes twenty-eight and thirty-one)::

    python docs/experiments/compare_cv.py docs/experiments/cv37_weight_decay_2026-12-06.csv \\
        --candidate "dilated+conv, weight_decay=1e-2" \\
        --baseline docs/experiments/cv28_stem_skip_2026-12-06.csv \\
            docs/experiments/cv31_wider_mix_2026-12-06.csv \\
        --baseline-name "stem=dilated+conv, one network" "dilated+conv, 32 steps"

Without ``--baseline`` the baseline comes from the candidate's own CSV. It prints each
set's two scores and difference (points), the means over the univariate and the
multivariate sets and over all, and how many sets went up, stayed level and went down.
"""

import argparse

import pandas as pd

#: The multivariate sets of ``../shared/data/uea`` and aeon's shipped ones.
MULTIVARIATE = (
    "AtrialFibrillation",
    "BasicMotions",
    "ERing",
    "FingerMovements",
    "JapaneseVowels",
    "LSST",
    "Libras",
    "NATOPS",
    "PenDigits",
    "StandWalkJump",
)


def scores(paths, names):
    """The ``cv_accuracy`` of the first of ``names`` found for each dataset in the CSVs
    at ``paths`` (a dataset's first CSV wins)."""
    table = pd.concat([pd.read_csv(path) for path in paths])
    table = table[table["candidate"].isin(names)]
    return table.drop_duplicates("dataset").set_index("dataset")["cv_accuracy"]


def compare(baseline, candidate):
    """The per-set table and the summary rows of ``candidate`` against ``baseline``
    (Series of CV accuracy by dataset; the sets that both have)."""
    table = pd.DataFrame({"baseline": baseline, "candidate": candidate}).dropna()
    table["points"] = 100 * (table["candidate"] - table["baseline"])
    multivariate = table.index.isin(MULTIVARIATE)
    summary = {}
    for label, rows in (
        ("univariate", ~multivariate),
        ("multivariate", multivariate),
        ("all", slice(None)),
    ):
        part = table[rows]
        if len(part):
            summary[f"mean, {len(part)} {label}"] = part.mean()
    points = table["points"].round(6)
    counts = (int((points > 0).sum()), int((points == 0).sum()), int((points < 0).sum()))
    return table, pd.DataFrame(summary).T, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="the candidate's CSV, from cv_recipe.py --out")
    parser.add_argument("--candidate", required=True, help="its name in that CSV")
    parser.add_argument("--baseline", nargs="+", help="CSVs with the baseline's scores")
    parser.add_argument(
        "--baseline-name",
        nargs="+",
        default=["dilated+conv, 32 steps"],
        help="the baseline's names in those CSVs (the first found per dataset)",
    )
    args = parser.parse_args()
    candidate = scores([args.csv], [args.candidate])
    baseline = scores(args.baseline or [args.csv], args.baseline_name)
    table, summary, (up, level, down) = compare(baseline, candidate)
    print(table.sort_index().to_markdown(floatfmt=".3f"))
    print()
    print(summary.to_markdown(floatfmt=".3f"))
    print(f"\nup / level / down: {up} / {level} / {down}")


if __name__ == "__main__":
    main()
