"""Fit cost of the default classifier, with the ratios of issue 36, from one run.

Prints, for a representative subset of sets (default: the six small UCR sets of issue
36), the default ``BiLSTMMSAClassifier``'s fit CPU seconds at ``n_jobs=1``, and:

- with ``--baseline DIR`` (a checkout of an older commit, e.g. from ``git worktree add
  /tmp/old <commit>``), the same fits by that commit's package, and new/old;
- the wall time of ``n_jobs=2`` over ``n_jobs=1`` for each set's fit;
- ours over aeon's MultiRocket-Hydra and MiniRocket (the harness's contenders, default
  parameters, one thread), each compiled by a fit on a few cases before it is timed.

Each side runs in a fresh subprocess of this script (``--worker``), one after another,
so every ratio comes from the same machine state::

    python benchmarks/speed.py --baseline /tmp/old
    python benchmarks/speed.py --datasets Coffee Wine --skip-peers

Only the training splits are read. CPU seconds are the process's (all its threads); a
fit with ``n_jobs=2`` also runs in joblib's worker processes (a seed ensemble's two
blocks of members side by side, ``_spread.py``), so it is compared by wall time, after
a one-epoch fit of a few cases has started those processes (each imports torch once,
a few seconds, as a first fit in a session pays).
"""

import argparse
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

SMALL_SETS = ["Coffee", "CBF", "Wine", "ECG200", "Trace", "SyntheticControl"]
DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "uea"


def _time_fit(estimator, X, y):
    cpu, wall = time.process_time(), time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(X, y)
    return time.process_time() - cpu, time.perf_counter() - wall


def worker(args):
    """Fit every set in this process and print one JSON line of timings per set."""
    import numpy as np

    from sklearn_bilstm_msa import BiLSTMMSAClassifier
    from sklearn_bilstm_msa.benchmark import get_contender, load_dataset

    for name in args.datasets:
        data = load_dataset(name, data_dir=args.data_dir, offline=True)
        X, y = data.X_train, data.y_train
        # Two cases per class: the fits that compile (numba) or start workers first.
        few = np.concatenate([np.flatnonzero(y == c)[:2] for c in np.unique(y)])
        if args.worker == "peers":
            row = {"dataset": name}
            for peer in ("MultiRocketHydra", "MiniRocket"):
                contender = get_contender(peer)
                # Compile first (numba): a fit on two cases per class.
                _time_fit(contender.build(0, 1), X[few], y[few])
                row[peer] = _time_fit(contender.build(0, 1), X, y)[0]
        else:
            if args.n_jobs > 1 and name == args.datasets[0]:
                # Start joblib's worker processes (a process imports torch once), as
                # the peers' numba is compiled: a few cases, one epoch.
                warm = BiLSTMMSAClassifier(max_epochs=1, n_estimators=2, n_jobs=args.n_jobs)
                _time_fit(warm, X[few], y[few])
            clf = BiLSTMMSAClassifier(random_state=0, n_jobs=args.n_jobs)
            cpu, wall = _time_fit(clf, X, y)
            row = {"dataset": name, "cpu": cpu, "wall": wall}
            row["normalize_"] = getattr(clf, "normalize_", None)
        print(json.dumps(row), flush=True)


def run_worker(kind, args, pythonpath=None, n_jobs=1):
    """The timings of one side, from a fresh subprocess: {dataset: row}."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    command = [sys.executable, __file__, "--worker", kind, "--n-jobs", str(n_jobs)]
    command += ["--data-dir", str(args.data_dir), "--datasets", *args.datasets]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {row["dataset"]: row for row in rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=SMALL_SETS)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--baseline", type=Path, help="a checkout of the commit to compare")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--worker", choices=("ours", "peers"), help=argparse.SUPPRESS)
    parser.add_argument("--n-jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    new = run_worker("ours", args)
    two = run_worker("ours", args, n_jobs=2)
    old = run_worker("ours", args, pythonpath=args.baseline) if args.baseline else None
    peers = None if args.skip_peers else run_worker("peers", args)
    header = ["set", "view", "CPU s", "n_jobs=2 / 1 (wall)"]
    if old:
        header += ["old CPU s", "new / old"]
    if peers:
        header += ["MR-Hydra CPU s", "/ MR-Hydra", "MiniRocket CPU s", "/ MiniRocket"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    totals = {"new": 0.0, "new_wall": 0.0, "two_wall": 0.0, "old": 0.0, "mrh": 0.0, "mr": 0.0}
    for name in args.datasets:
        row = new[name]
        cells = [name, str(row["normalize_"]), f"{row['cpu']:.1f}"]
        cells.append(f"{two[name]['wall'] / row['wall']:.2f}")
        totals["new"] += row["cpu"]
        totals["new_wall"] += row["wall"]
        totals["two_wall"] += two[name]["wall"]
        if old:
            cells += [f"{old[name]['cpu']:.1f}", f"{row['cpu'] / old[name]['cpu']:.2f}"]
            totals["old"] += old[name]["cpu"]
        if peers:
            mrh, mr = peers[name]["MultiRocketHydra"], peers[name]["MiniRocket"]
            cells += [
                f"{mrh:.2f}",
                f"{row['cpu'] / mrh:.0f}",
                f"{mr:.2f}",
                f"{row['cpu'] / mr:.0f}",
            ]
            totals["mrh"] += mrh
            totals["mr"] += mr
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["total", "", f"{totals['new']:.1f}", f"{totals['two_wall'] / totals['new_wall']:.2f}"]
    if old:
        cells += [f"{totals['old']:.1f}", f"{totals['new'] / totals['old']:.2f}"]
    if peers:
        cells += [
            f"{totals['mrh']:.2f}",
            f"{totals['new'] / totals['mrh']:.0f}",
            f"{totals['mr']:.2f}",
            f"{totals['new'] / totals['mr']:.0f}",
        ]
    lines.append("| " + " | ".join(cells) + " |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
