"""Every script in examples/ runs, in its quick mode (EXAMPLES_QUICK=1)."""

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"


@functools.cache
def run_example(name):
    env = {**os.environ, "EXAMPLES_QUICK": "1", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / name)], env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES_DIR.glob("*.py")))
def test_example_runs_in_quick_mode(name):
    result = run_example(name)
    assert result.returncode == 0, result.stderr


def test_quickstart_reports_accuracy_for_both_shipped_datasets():
    result = run_example("quickstart.py")
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    assert set(rows) == {"BasicMotions", "JapaneseVowels"}
    for row in rows.values():
        assert 0.0 <= float(row[3]) <= 1.0
