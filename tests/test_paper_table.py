"""The paper's Table 1 (accuracy, macro precision, macro recall, fit seconds) from a
results folder: what ``bilstm-msa paper-table`` prints and ``report`` writes."""

import numpy as np
import pytest

from sklearn_bilstm_msa.benchmark import Result, write_result
from sklearn_bilstm_msa.benchmark._report import paper_table, results_table


def _write(root, classifier, dataset, y_true, y_pred, fit_ms, resample=0):
    proba = np.eye(3)[y_pred]
    write_result(root, Result(dataset, classifier, resample, y_true, y_pred, proba, fit_ms, 1))


@pytest.fixture
def results(tmp_path):
    root = tmp_path / "results"
    y = np.array([0, 0, 1, 1, 2, 2])
    # BiLSTM-MSA: perfect on A; on B it calls every case class 0.
    _write(root, "BiLSTM-MSA", "A", y, y, 2000)
    _write(root, "BiLSTM-MSA", "B", y, np.zeros(6, dtype=int), 4000)
    # TimesNet: one error on A (a 1 called 2), two resamples of B, and a dataset C
    # that BiLSTM-MSA has not finished, which must not enter the means.
    _write(root, "TimesNet", "A", y, np.array([0, 0, 1, 2, 2, 2]), 1000)
    _write(root, "TimesNet", "B", y, y, 3000)
    _write(root, "TimesNet", "B", y, y, 5000, resample=1)
    _write(root, "TimesNet", "C", y, np.zeros(6, dtype=int), 9000)
    return root


def test_paper_table_means_each_metric_over_the_datasets_every_model_finished(results):
    table = paper_table(results_table(results))
    assert list(table.index) == ["BiLSTM-MSA", "TimesNet"]  # ours first
    assert (table["datasets"] == 2).all()
    ours, timesnet = table.loc["BiLSTM-MSA"], table.loc["TimesNet"]
    # Accuracy: A 1.0, B 1/3 -> 66.67 %; TimesNet: A 5/6, B 1.0 (both resamples).
    np.testing.assert_allclose(ours["accuracy (%)"], 100 * (1 + 1 / 3) / 2)
    np.testing.assert_allclose(timesnet["accuracy (%)"], 100 * (5 / 6 + 1) / 2)
    # Macro recall on B for all-zeros: (1 + 0 + 0) / 3; precision (1/3 + 0 + 0) / 3.
    np.testing.assert_allclose(ours["macro recall (%)"], 100 * (1 + 1 / 3) / 2)
    np.testing.assert_allclose(ours["macro precision (%)"], 100 * (1 + 1 / 9) / 2)
    # TimesNet on A: recall (1 + 1/2 + 1) / 3, precision (1 + 1 + 2/3) / 3.
    np.testing.assert_allclose(timesnet["macro recall (%)"], 100 * ((2.5 / 3) + 1) / 2)
    np.testing.assert_allclose(timesnet["macro precision (%)"], 100 * ((8 / 9) + 1) / 2)
    # Fit seconds: B's two resamples average to 4 s before the mean over datasets.
    np.testing.assert_allclose(ours["fit seconds"], 3.0)
    np.testing.assert_allclose(timesnet["fit seconds"], (1.0 + 4.0) / 2)


def test_report_writes_the_paper_table_beside_the_accuracy_table(results, tmp_path):
    from sklearn_bilstm_msa.benchmark._experiments import write_manifest
    from sklearn_bilstm_msa.benchmark._report import make_report

    write_manifest(results, "compare")
    out = tmp_path / "report"
    written = make_report(results, out, log=lambda *args: None)
    markdown = (out / "compare" / "paper_table.md").read_text()
    assert any(str(path).endswith("paper_table.csv") for path in written)
    assert "macro precision (%)" in markdown and "TimesNet" in markdown


def test_paper_table_command_prints_one_row_per_classifier(results, capsys):
    from sklearn_bilstm_msa.benchmark._experiments import write_manifest
    from sklearn_bilstm_msa.benchmark.cli import main

    write_manifest(results, "compare")
    assert main(["paper-table", "--results-dir", str(results)]) == 0
    out = capsys.readouterr().out
    assert "means over the 2 dataset(s)" in out
    rows = [line for line in out.splitlines() if line.startswith("| BiLSTM") or "TimesNet" in line]
    assert rows[0].startswith("| BiLSTM-MSA") and "66.67" in rows[0]
    assert "91.67" in rows[1]  # TimesNet: (5/6 + 1) / 2


def test_paper_table_command_names_the_datasets_it_leaves_out(results, capsys):
    """Issue 37: C, where BiLSTM-MSA has no result, is named under the table."""
    from sklearn_bilstm_msa.benchmark._experiments import write_manifest
    from sklearn_bilstm_msa.benchmark._report import paper_table_left_out
    from sklearn_bilstm_msa.benchmark.cli import main

    assert paper_table_left_out(results_table(results)) == {"C": ["BiLSTM-MSA"]}
    write_manifest(results, "compare")
    assert main(["paper-table", "--results-dir", str(results)]) == 0
    out = capsys.readouterr().out
    assert "Left out (1 dataset(s) where some classifier has no result):" in out
    assert "- C: no result for BiLSTM-MSA" in out
    assert out.index("| TimesNet") < out.index("Left out")  # under the table


def test_paper_table_command_without_a_comparison_says_what_it_expected(tmp_path, capsys):
    from sklearn_bilstm_msa.benchmark.cli import main

    assert main(["paper-table", "--results-dir", str(tmp_path)]) == 1
    assert "No comparison under" in capsys.readouterr().err


def test_report_tables_print_measurements_with_their_decimals_and_gaps_as_empty_cells(tmp_path):
    """Issue 37: an accuracy of 1 is 1.0000 beside 0.9750 (not 1), a count is a whole
    number, and a gap is an empty cell in every column (no ``nan``, no ``<NA>``)."""
    import pandas as pd

    from sklearn_bilstm_msa.benchmark._report import _write_table

    frame = pd.DataFrame(
        {
            "resamples": [1.0, np.nan, 3.0],
            "BiLSTM-MSA": [1.0, 0.975, np.nan],
            "ROCKET": [1.0, 1.0, 1.0],
        },
        index=pd.Index(["A", "B", "mean"], name="dataset"),
    )
    _write_table(frame, tmp_path, "accuracy")
    lines = (tmp_path / "accuracy.md").read_text().splitlines()
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    assert cells == [
        ["A", "1", "1.0000", "1.0000"],
        ["B", "", "0.9750", "1.0000"],
        ["mean", "3", "", "1.0000"],
    ]
