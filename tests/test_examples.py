"""Every script in examples/ runs, in its quick mode (EXAMPLES_QUICK=1)."""

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_DIR = REPO_ROOT / "examples"


def _example_env():
    python_path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "EXAMPLES_QUICK": "1", "MPLBACKEND": "Agg", "PYTHONPATH": python_path}


@functools.cache
def run_example(name):
    """Run ``examples/<name>`` once, in a fresh folder that it may write to, importing
    the package from this checkout (not whichever copy is installed)."""
    env = _example_env()
    tmp_dir = Path(tempfile.mkdtemp(prefix="example-"))
    result = subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / name)],
        env=env,
        cwd=tmp_dir,
        capture_output=True,
        text=True,
    )
    return result, tmp_dir


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES_DIR.glob("*.py")))
def test_example_runs_in_quick_mode(name):
    result, _ = run_example(name)
    assert result.returncode == 0, result.stderr


def test_quickstart_reports_accuracy_for_both_shipped_datasets():
    result, _ = run_example("quickstart.py")
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    assert set(rows) == {"BasicMotions", "JapaneseVowels"}
    for row in rows.values():
        assert 0.0 <= float(row[3]) <= 1.0


def test_attention_example_saves_its_figure():
    result, folder = run_example("attention_heatmap.py")
    assert result.returncode == 0, result.stderr
    assert (folder / "attention_heatmap.png").stat().st_size > 0


def test_grid_search_example_reports_every_window_setting():
    result, _ = run_example("grid_search_window_sizes.py")
    assert result.returncode == 0, result.stderr
    for widths in ["(3,)", "(7,)", "(11,)", "(3, 7, 15)", "()"]:
        assert f"\n{widths} " in result.stdout
    assert "chosen by CV" in result.stdout


def test_benchmark_example_writes_results_and_report_and_resumes():
    result, folder = run_example("benchmark_report.py")
    assert result.returncode == 0, result.stderr
    assert "9 run, 0 found on disk" in result.stdout
    files = list((folder / "results" / "compare").glob("*/Predictions/BasicMotions/*.csv"))
    assert len(files) == 9
    assert (folder / "report" / "compare" / "accuracy.md").exists()
    again = subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / "benchmark_report.py")],
        env=_example_env(),
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert "0 run, 9 found on disk" in again.stdout


def test_regressor_example_compares_with_the_mean_predictor():
    result, _ = run_example("regressor_covid.py")
    assert result.returncode == 0, result.stderr
    rmse = {
        line[:20].strip(): float(line.split()[-1])
        for line in result.stdout.splitlines()
        if line.startswith(("mean predictor", "BiLSTMMSARegressor"))
    }
    assert set(rmse) == {"mean predictor", "BiLSTMMSARegressor"}
    assert all(0.0 < value < 1.0 for value in rmse.values())
    assert "relative improvement over the mean" in result.stdout


def test_aeon_pipeline_example_runs_on_unequal_length_series():
    result, _ = run_example("aeon_pipeline.py")
    assert result.returncode == 0, result.stderr
    assert "pipeline takes unequal length: True" in result.stdout
    accuracy = float(result.stdout.split("test accuracy:")[1].split()[0])
    assert 0.0 <= accuracy <= 1.0


def test_unequal_length_example_returns_attention_per_series_and_ignores_padding():
    result, _ = run_example("unequal_length.py")
    assert result.returncode == 0, result.stderr
    assert "list of 270 training series, 12 channels; test lengths 7-29" in result.stdout
    assert "7 steps, attention (3, 7)" in result.stdout
    assert "29 steps, attention (3, 29)" in result.stdout
    accuracy = float(result.stdout.split("test accuracy:")[1].split()[0])
    assert 0.0 <= accuracy <= 1.0
    in_batch = result.stdout.split("alone vs in a batch: largest probability difference")[1]
    assert float(in_batch.split()[0]) < 1e-5
