"""Compare one CV candidate with a baseline, set by set, from ``cv_recipe.py``'s CSVs.

The tables of CV passes thirty-two to thirty-nine in ``docs/experiments/issue18.md``
come from this script. The baseline's scores may come from other CSVs of the same folds
(a pass that ran only the candidate reuses those of passes twenty-eight and thirty-one)::

    python docs/experiments/scripts/compare_cv.py \\
        docs/experiments/csv/cv37_weight_decay_2026-12-06.csv \\
        --candidate "dilated+conv, weight_decay=1e-2" \\
        --baseline docs/experiments/csv/cv28_stem_skip_2026-12-06.csv \\
            docs/experiments/csv/cv31_wider_mix_2026-12-06.csv \\
        --baseline-name "stem=dilated+conv, one network" "dilated+conv, 32 steps"

Without ``--baseline`` the baseline comes from the candidate's own CSV. It prints each
set's two scores and difference (points), the means over the univariate and the
multivariate sets and over all, and how many sets went up, stayed level and went down.

Since pass thirty-nine a pass compares over several model seeds: ``--pair CANDIDATE
BASELINE`` once per seed (the two with the same ``random_state``, from any of the CSVs
given) averages each set's scores over the seeds and adds each pair's own mean
difference (pass forty). A name ``"A|B"`` takes, per set, the first of A and B found,
as ``--baseline-name`` does (pass forty-one's seed-0 baseline)::

    python docs/experiments/scripts/compare_cv.py \
        docs/experiments/csv/cv32_stride_cap_2026-12-06.csv \
        docs/experiments/csv/cv40_stride_cap_seeds_2026-12-06.csv \
        --pair "dilated+conv, stride at most 16" "dilated+conv, 32 steps" \
        --pair "dilated+conv, stride at most 16, seed 1" "dilated+conv, 32 steps, seed 1" \
        --pair "dilated+conv, stride at most 16, seed 2" "dilated+conv, 32 steps, seed 2"
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


def compare_seeds(pairs):
    """:func:`compare` over several model seeds: ``pairs`` holds one (candidate,
    baseline) pair of CV-accuracy Series per seed, on the same folds. Each set's scores
    are the means over the seeds. Also returns each pair's own mean difference over
    all sets, in points."""
    # Only the sets that every pair scores, so that each set's mean is over all seeds.
    candidate = pd.concat([c for c, _ in pairs], axis=1).dropna().mean(axis=1)
    baseline = pd.concat([b for _, b in pairs], axis=1).dropna().mean(axis=1)
    table, summary, counts = compare(baseline, candidate)
    per_pair = [float(compare(b, c)[0]["points"].mean()) for c, b in pairs]
    return table, summary, counts, per_pair


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="+", help="the candidate's CSVs, from cv_recipe.py --out")
    parser.add_argument("--candidate", help="its name in those CSVs")
    parser.add_argument("--baseline", nargs="+", help="CSVs with the baseline's scores")
    parser.add_argument(
        "--baseline-name",
        nargs="+",
        default=["dilated+conv, 32 steps"],
        help="the baseline's names in those CSVs (the first found per dataset)",
    )
    parser.add_argument(
        "--pair",
        nargs=2,
        action="append",
        metavar=("CANDIDATE", "BASELINE"),
        help="a candidate and its baseline with the same model seed, both in the CSVs "
        "(repeat it once per seed; then the table is the mean over the seeds); "
        "'A|B' names the first of A and B found per dataset",
    )
    args = parser.parse_args()
    if args.pair:
        paths = args.csv + (args.baseline or [])
        pairs = [(scores(paths, c.split("|")), scores(paths, b.split("|"))) for c, b in args.pair]
        table, summary, counts, per_pair = compare_seeds(pairs)
    elif args.candidate:
        candidate = scores(args.csv, [args.candidate])
        baseline = scores(args.baseline or args.csv, args.baseline_name)
        table, summary, counts = compare(baseline, candidate)
        per_pair = None
    else:
        parser.error("give --candidate, or --pair once per seed")
    print(table.sort_index().to_markdown(floatfmt=".3f"))
    print()
    print(summary.to_markdown(floatfmt=".3f"))
    print("\nup / level / down: {} / {} / {}".format(*counts))
    if per_pair:
        each = ", ".join(f"{p:+.2f}" for p in per_pair)
        positive = sum(p > 0 for p in per_pair)
        print(f"each pair's mean difference (points): {each}; {positive} positive")


if __name__ == "__main__":
    main()
