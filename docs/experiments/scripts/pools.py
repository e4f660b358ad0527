"""The search pool and the confirmation pool of the 52 sets in ``../shared/data/uea``
(issue 35, point 2): every choice of a default from now on is judged on the search pool
(training splits only, three model seeds) and confirmed once, for the final candidate,
on the confirmation pool; a default changes only if it gains on both.

The draw is random with the committed seed ``SEED``, families of related sets kept on
one side, and stratified by kind so that each pool holds univariate and multivariate
sets: a third of the univariate sets (15 of 44) and of the multivariate ones (3 of 8)
go to confirmation. Units (a family or a single set) are shuffled and taken in that
order while they fit in the pool's quota. Run it to print the split and rewrite
``pools.csv`` (it is deterministic; the committed CSV is what the passes read)::

    python docs/experiments/scripts/pools.py
"""

import csv
from pathlib import Path

import numpy as np

SEED = 20261207

MULTIVARIATE = (
    "AtrialFibrillation ERing FingerMovements LSST Libras NATOPS PenDigits StandWalkJump"
).split()
UNIVARIATE = (
    "ACSF1 Beef CBF Chinatown Coffee Computers CricketX CricketY CricketZ DodgerLoopDay "
    "DodgerLoopGame DodgerLoopWeekend ECG200 EOGHorizontalSignal EOGVerticalSignal "
    "Earthquakes FiftyWords Fungi GestureMidAirD1 GestureMidAirD2 GestureMidAirD3 "
    "GesturePebbleZ1 GesturePebbleZ2 Ham Haptics InsectEPGRegularTrain InsectEPGSmallTrain "
    "LargeKitchenAppliances MedicalImages OSULeaf OliveOil PowerCons RefrigerationDevices "
    "Rock ScreenType ShapeletSim ShapesAll SmallKitchenAppliances SyntheticControl "
    "ToeSegmentation2 Trace TwoLeadECG Wine WordSynonyms"
).split()
#: Sets that share a source (one recording, one sensor's axes, one device family): a
#: family goes to one pool whole, so that no pool is judged on a sibling of the other's.
FAMILIES = {
    "GestureMidAir": ["GestureMidAirD1", "GestureMidAirD2", "GestureMidAirD3"],
    "GesturePebble": ["GesturePebbleZ1", "GesturePebbleZ2"],
    "Cricket": ["CricketX", "CricketY", "CricketZ"],
    "EOG": ["EOGHorizontalSignal", "EOGVerticalSignal"],
    "DodgerLoop": ["DodgerLoopDay", "DodgerLoopGame", "DodgerLoopWeekend"],
    "InsectEPG": ["InsectEPGRegularTrain", "InsectEPGSmallTrain"],
    "Appliances (720 steps)": [
        "Computers",
        "ScreenType",
        "LargeKitchenAppliances",
        "RefrigerationDevices",
        "SmallKitchenAppliances",
    ],
}
#: The share of each kind that goes to the confirmation pool.
CONFIRMATION_SHARE = 1 / 3
OUT = Path(__file__).resolve().parent.parent / "pools.csv"


def units(names):
    """Families, then single sets, as (family name, members), in a fixed order."""
    in_family = {name: family for family, members in FAMILIES.items() for name in members}
    found = {}
    for name in sorted(names):
        family = in_family.get(name, name)
        found.setdefault(family, []).append(name)
    return sorted(found.items())


def split(seed=SEED):
    """``{dataset: (kind, family, pool)}`` for the 52 sets."""
    rng = np.random.default_rng(seed)
    out = {}
    for kind, names in (("univariate", UNIVARIATE), ("multivariate", MULTIVARIATE)):
        quota = round(CONFIRMATION_SHARE * len(names))
        taken = 0
        kind_units = units(names)
        for index in rng.permutation(len(kind_units)):
            family, members = kind_units[index]
            pool = "search"
            if taken + len(members) <= quota:
                pool, taken = "confirmation", taken + len(members)
            for name in members:
                out[name] = (kind, family, pool)
    return out


def main():
    pools = split()
    with OUT.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dataset", "kind", "family", "pool"])
        for name in sorted(pools):
            writer.writerow([name, *pools[name]])
    for pool in ("search", "confirmation"):
        names = sorted(n for n, (_, _, p) in pools.items() if p == pool)
        print(f"{pool} ({len(names)}): {' '.join(names)}")
    print(f"written: {OUT}")


if __name__ == "__main__":
    main()
