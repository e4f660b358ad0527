"""The benchmarking harness: CLI end to end, results files, resume, Dask, report, errors."""

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from aeon.datasets import save_to_ts_file

from sklearn_bilstm_msa.benchmark import (
    CONTENDERS,
    DEFAULT_COMPARE_CONTENDERS,
    PAPER_BASELINES,
    Contender,
    Result,
    ResultsFormatError,
    Task,
    _report,
    _results,
    _tasks,
    load_dataset,
    published_accuracy,
    read_result,
    read_results,
    resample,
    run_tasks,
    write_result,
)
from sklearn_bilstm_msa.benchmark._contenders import get_contender
from sklearn_bilstm_msa.benchmark._experiments import write_manifest
from sklearn_bilstm_msa.benchmark._tasks import run_task
from sklearn_bilstm_msa.benchmark.cli import DEFAULT_DATASETS, build_parser, main

from .conftest import make_bump_data

# One process: the tests that patch contenders or run_task need them in this process.
QUICK = ["--quick", "--no-progress", "--threads", "1", "--n-jobs", "1"]


def _save(root, name, X, y, split):
    save_to_ts_file(
        X,
        np.asarray(y).astype(str),
        label_type="classification",
        path=str(root / name),
        problem_name=name,
        file_suffix=f"_{split}",
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """Tiny archive-style datasets: equal length, unequal length, and a broken file."""
    root = tmp_path_factory.mktemp("archive")
    X, y = make_bump_data(n_cases=40, n_timepoints=24, seed=1)
    _save(root, "TinyEq", X[:24], y[:24], "TRAIN")
    _save(root, "TinyEq", X[24:], y[24:], "TEST")
    rng = np.random.default_rng(2)
    ragged = [x[:, : rng.integers(14, 25)] for x in X]
    _save(root, "TinyUneq", ragged[:24], y[:24], "TRAIN")
    _save(root, "TinyUneq", ragged[24:], y[24:], "TEST")
    broken = root / "Broken"
    broken.mkdir()
    for split in ("TRAIN", "TEST"):
        (broken / f"Broken_{split}.ts").write_text(
            "@problemName Broken\n@univariate true\n@equalLength true\n@classLabel true a b\n"
            "@data\n1,2,3:a\n1,2,oops\n"
        )
    return root


def _cli(args, capsys):
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


# ----------------------------------------------------------------- results files


def _result(resample=0, n=6, k=3, seed=0):
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(np.ones(k), size=n)
    return Result(
        dataset="Toy",
        classifier="Clf",
        resample=resample,
        y_true=rng.integers(0, k, n),
        y_pred=proba.argmax(axis=1),
        proba=proba,
        fit_ms=1234,
        predict_ms=56,
        params={"hidden_size": 8, "window_sizes": [3, 7]},
        description="PREDICTIONS",
    )


def test_results_file_follows_tsml_layout_and_reads_back(tmp_path):
    result = _result(resample=3)
    path = write_result(tmp_path, result)
    assert path == tmp_path / "Clf" / "Predictions" / "Toy" / "testResample3.csv"
    lines = path.read_text().splitlines()
    assert lines[0] == "Toy,Clf,TEST,3,MILLISECONDS,PREDICTIONS"
    assert json.loads(lines[1]) == result.params
    accuracy, fit_ms, predict_ms, *rest = lines[2].split(",")
    assert float(accuracy) == pytest.approx(np.mean(result.y_true == result.y_pred))
    assert (fit_ms, predict_ms, rest) == ("1234", "56", ["-1", "-1", "3", "", "-1", "-1"])
    assert len(lines) == 3 + 6
    true, pred, empty, *probabilities = lines[3].split(",")
    assert (int(true), int(pred), empty) == (result.y_true[0], result.y_pred[0], "")
    assert len(probabilities) == 3

    back = read_result(path)
    np.testing.assert_array_equal(back.y_true, result.y_true)
    np.testing.assert_array_equal(back.y_pred, result.y_pred)
    np.testing.assert_array_equal(back.proba, result.proba)  # repr() round-trips floats
    assert (back.fit_ms, back.predict_ms, back.params) == (1234, 56, result.params)
    assert back.metrics() == result.metrics()
    assert [r.resample for r in read_results(tmp_path)] == [3]


def test_metrics_are_the_usual_ones():
    result = _result(n=50, k=3)
    m = result.metrics()
    assert m["accuracy"] == pytest.approx(np.mean(result.y_true == result.y_pred))
    assert 0 <= m["macro_f1"] <= 1 and 0 <= m["balanced_accuracy"] <= 1
    expected_log_loss = -np.mean(np.log(result.proba[np.arange(50), result.y_true]))
    assert m["log_loss"] == pytest.approx(expected_log_loss)
    assert (m["fit_seconds"], m["predict_seconds"]) == (1.234, 0.056)


def test_a_write_that_dies_leaves_no_file(tmp_path, monkeypatch):
    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(_results.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_result(tmp_path, _result())
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_reading_a_damaged_file_names_it(tmp_path):
    path = write_result(tmp_path, _result())
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines[:5], lines[5][:5]]))  # cut off inside a row
    with pytest.raises(ResultsFormatError, match="testResample0.csv is not a valid tsml"):
        read_result(path)


# --------------------------------------------------------------------- datasets


def test_resample_zero_is_the_official_split_and_others_keep_sizes(data_dir):
    data = load_dataset("tinyeq", data_dir=data_dir)  # names are case-insensitive
    assert data.name == "TinyEq"
    assert resample(data, 0) is data
    one, again, two = resample(data, 1), resample(data, 1), resample(data, 2)
    for split in (one, two):
        assert len(split.y_train) == 24 and len(split.y_test) == 16
        assert sorted(split.y_train) == sorted(data.y_train)
    np.testing.assert_array_equal(one.X_train, again.X_train)
    assert not np.array_equal(one.X_train, data.X_train)
    assert not np.array_equal(one.X_train, two.X_train)


def test_datasets_command_lists_offline_data_with_shapes(data_dir, capsys):
    status, out, err = _cli(["datasets", "--data-dir", str(data_dir)], capsys)
    assert status == 1  # the broken file is reported, the others listed
    assert "Could not read dataset 'Broken'" in err
    line = next(row for row in out.splitlines() if "TinyUneq" in row)
    assert [cell.strip() for cell in line.strip("|").split("|")] == [
        "TinyUneq",
        "24",
        "16",
        "2",
        "14-24",
        "2",
    ]
    assert "BasicMotions" in out and "JapaneseVowels" in out  # shipped with aeon


# --------------------------------------------------------------------------- CLI


def test_compare_defaults_are_the_offline_main_job():
    args = build_parser().parse_args(["compare"])
    assert args.datasets == list(DEFAULT_DATASETS) == ["BasicMotions", "JapaneseVowels"]
    assert args.classifiers == list(DEFAULT_COMPARE_CONTENDERS)
    assert args.resamples == 1 and args.results_dir == "results"
    assert args.n_jobs == -1 and args.threads is None  # one task per core, one thread each
    for name in DEFAULT_COMPARE_CONTENDERS:  # all buildable without optional extras
        CONTENDERS[name].build(random_state=0)


def test_compare_end_to_end(data_dir, tmp_path, capsys):
    args = ["compare", "--datasets", "TinyEq", "tinyuneq", "--classifiers", "bilstm-msa", "Hydra"]
    args += ["--data-dir", str(data_dir), "--results-dir", str(tmp_path), *QUICK]
    status, out, err = _cli([*args, "--n-jobs", "2"], capsys)  # two local worker processes
    assert status == 0, err
    assert "[4/4]" in out and "4 finished, 0 already done, 0 failed" in out
    root = tmp_path / "compare"
    results = read_results(root)
    assert {(r.classifier, r.dataset) for r in results} == {
        (c, d) for c in ("BiLSTM-MSA", "Hydra") for d in ("TinyEq", "TinyUneq")
    }
    for r in results:
        assert r.proba.shape == (16, 2)
        np.testing.assert_allclose(r.proba.sum(axis=1), 1.0)
        assert r.params["quick"] is True and r.fit_ms >= 0
    by_key = {(r.classifier, r.dataset): r for r in results}
    assert by_key["Hydra", "TinyUneq"].params["padding"].startswith("zero-padded at the end to 24")
    assert by_key["BiLSTM-MSA", "TinyUneq"].params["padding"] == "none"
    assert by_key["Hydra", "TinyEq"].params["padding"] == "none"
    assert json.loads((root / "experiment.json").read_text())["datasets"] == ["TinyEq", "TinyUneq"]
    assert "| TinyUneq" in out  # the accuracy table


def test_padding_pads_short_and_truncates_long_test_series():
    contender = Contender("Eq", make=None, unequal_length=False)
    X_train = [np.ones((2, 5)), np.ones((2, 8))]
    X_test = [np.ones((2, 3)), np.ones((2, 11))]
    train, test, note = _tasks._prepare(contender, X_train, X_test)
    assert train.shape == (2, 2, 8) and test.shape == (2, 2, 8)
    np.testing.assert_array_equal(test[0, :, 3:], 0.0)
    assert "longer test series truncated to 8" in note


class _Spy:
    """A contender that records what it is fitted on."""

    seen = []

    def __init__(self, random_state=None):
        self.random_state = random_state

    def get_params(self, deep=False):
        return {"random_state": self.random_state}

    def fit(self, X, y):
        _Spy.seen.append(("fit", np.asarray(X).copy(), np.asarray(y)))
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        _Spy.seen.append(("predict", np.asarray(X).copy(), None))
        return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))


def test_the_test_split_never_reaches_fit(data_dir, tmp_path, monkeypatch):
    spy = Contender("Spy", lambda random_state, n_jobs, quick: _Spy(random_state), True)
    monkeypatch.setitem(CONTENDERS, "Spy", spy)
    _Spy.seen = []
    data = load_dataset("TinyEq", data_dir)
    tasks = [
        Task("Spy", "TinyEq", r, s.X_train, s.y_train, s.X_test, s.y_test)
        for r in (0, 1)
        for s in [resample(data, r)]
    ]
    run_tasks(tasks, tmp_path, progress=False, log=lambda line: None)
    fits = [x for kind, x, _ in _Spy.seen if kind == "fit"]
    predicts = [x for kind, x, _ in _Spy.seen if kind == "predict"]
    assert [len(x) for x in fits] == [24, 24] and [len(x) for x in predicts] == [16, 16]
    for fit_X, predict_X in zip(fits, predicts, strict=True):
        test_rows = {row.tobytes() for row in predict_X}
        assert not any(row.tobytes() in test_rows for row in fit_X)


def test_interrupted_run_resumes_without_losing_or_redoing_work(
    data_dir, tmp_path, capsys, monkeypatch
):
    args = ["compare", "--datasets", "TinyEq", "--classifiers", "BiLSTM-MSA", "BiLSTM-Mean"]
    args += ["--resamples", "2", "--data-dir", str(data_dir), "--results-dir", str(tmp_path)]
    args += QUICK
    real_run_task = _tasks.run_task
    calls = []

    def dies_on_third(task, *rest):
        calls.append(task.key)
        if len(calls) == 3:
            raise KeyboardInterrupt  # a kill between tasks
        return real_run_task(task, *rest)

    monkeypatch.setattr(_tasks, "run_task", dies_on_third)
    status, out, err = _cli(args, capsys)
    assert status == 130 and "Run the same command again to resume" in err
    root = tmp_path / "compare"
    first = {p: p.read_bytes() for p in root.rglob("testResample*.csv")}
    assert len(first) == 2
    assert not list(root.rglob("*.tmp"))

    calls.clear()

    def counted(task, *rest):
        calls.append(task.key)
        return real_run_task(task, *rest)

    monkeypatch.setattr(_tasks, "run_task", counted)
    status, out, err = _cli(args, capsys)
    assert status == 0, err
    assert len(calls) == 2 and "2 finished, 2 already done" in out
    for path, content in first.items():
        assert path.read_bytes() == content  # finished work untouched
    assert len(read_results(root)) == 4


def test_dask_local_cluster_gives_the_serial_results(data_dir, tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="the dask extra is not installed")
    data = load_dataset("TinyUneq", data_dir)
    tasks = [
        Task(c, "TinyUneq", 0, data.X_train, data.y_train, data.X_test, data.y_test)
        for c in ("BiLSTM-MSA", "LSTM-MSA", "Hydra")
    ]
    quiet = dict(threads=1, quick=True, progress=False, log=lambda line: None)
    serial = run_tasks(tasks, tmp_path / "serial", **quiet)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        parallel = run_tasks(tasks, tmp_path / "dask", dask_address=cluster, **quiet)
        # The command line takes the scheduler's address.
        args = ["compare", "--datasets", "TinyUneq", "--classifiers", "BiLSTM-MSA", "LSTM-MSA"]
        args += ["--data-dir", str(data_dir), "--results-dir", str(tmp_path / "cli"), *QUICK]
        assert main([*args, "--dask", cluster.scheduler_address]) == 0
    assert serial.ok and parallel.ok and len(parallel.finished) == 3
    from_cli = read_results(tmp_path / "cli" / "compare")
    assert [r.classifier for r in from_cli] == ["BiLSTM-MSA", "LSTM-MSA"]
    np.testing.assert_array_equal(from_cli[0].proba, read_results(tmp_path / "serial")[0].proba)
    for a, b in zip(
        read_results(tmp_path / "serial"), read_results(tmp_path / "dask"), strict=True
    ):
        assert (a.classifier, a.dataset) == (b.classifier, b.dataset)
        np.testing.assert_array_equal(a.proba, b.proba)
        np.testing.assert_array_equal(a.y_pred, b.y_pred)


# ------------------------------------------------------------------------- errors


def test_unknown_classifier_is_a_usage_error(data_dir, tmp_path, capsys):
    status, out, err = _cli(
        ["compare", "--classifiers", "NoSuchNet", "--results-dir", str(tmp_path)], capsys
    )
    assert status == 2
    assert "Unknown classifier 'NoSuchNet'. Known: BiLSTM-MSA" in err
    assert not (tmp_path / "compare").exists()


def test_unknown_dataset_is_a_usage_error(tmp_path, capsys):
    status, out, err = _cli(
        ["compare", "--datasets", "NoSuchData", "--results-dir", str(tmp_path), "--offline"],
        capsys,
    )
    assert status == 2 and "Unknown dataset 'NoSuchData'" in err


def test_missing_and_unreadable_datasets_fail_but_keep_the_rest(data_dir, tmp_path, capsys):
    args = ["compare", "--datasets", "Cricket", "Broken", "TinyEq", "--classifiers", "BiLSTM-MSA"]
    args += ["--data-dir", str(data_dir), "--results-dir", str(tmp_path), "--offline", *QUICK]
    status, out, err = _cli(args, capsys)
    assert status == 1
    assert "Dataset 'Cricket' is not on this machine" in err
    assert str(data_dir / "Cricket") in err  # the real folders searched, by name
    assert "ERROR" not in err and all(line.count("error") <= 1 for line in err.splitlines())
    assert "put Cricket_TRAIN.ts and Cricket_TEST.ts" in err and "--data-dir DIR" in err
    assert "Could not read dataset 'Broken'" in err and "Broken_TRAIN.ts" in err
    assert "1 finished" in out and "2 dataset(s) not loaded" in out
    assert [r.dataset for r in read_results(tmp_path / "compare")] == ["TinyEq"]


class _Boom(_Spy):
    def fit(self, X, y):
        raise FloatingPointError("the loss diverged")


def test_a_failing_task_is_reported_and_the_others_finish(data_dir, tmp_path, capsys, monkeypatch):
    boom = Contender("Boom", lambda random_state, n_jobs, quick: _Boom(random_state), True)
    monkeypatch.setitem(CONTENDERS, "Boom", boom)
    args = ["compare", "--datasets", "TinyEq", "--classifiers", "Boom", "BiLSTM-MSA"]
    args += ["--data-dir", str(data_dir), "--results-dir", str(tmp_path), *QUICK]
    status, out, err = _cli(args, capsys)
    assert status == 1
    assert "FAILED Boom on TinyEq, resample 0: FloatingPointError: the loss diverged" in out
    assert "1 finished, 0 already done, 1 failed" in out
    assert [r.classifier for r in read_results(tmp_path / "compare")] == ["BiLSTM-MSA"]


class _Noisy(_Spy):
    def fit(self, X, y):
        warnings.warn("a third-party library talks", UserWarning, stacklevel=1)
        return super().fit(X, y)


def test_warnings_in_tasks_go_to_a_log_not_between_the_result_lines(
    data_dir, tmp_path, capsys, monkeypatch
):
    noisy = Contender("Noisy", lambda random_state, n_jobs, quick: _Noisy(random_state), True)
    monkeypatch.setitem(CONTENDERS, "Noisy", noisy)
    args = ["compare", "--datasets", "TinyEq", "--classifiers", "Noisy"]
    args += ["--data-dir", str(data_dir), "--results-dir", str(tmp_path), "--quick"]
    status, out, err = _cli([*args, "--threads", "1", "--n-jobs", "1"], capsys)  # with a bar
    assert status == 0, err
    assert "talks" not in out + err
    log = tmp_path / "compare" / "warnings.log"
    assert "1 warning(s) raised inside tasks (UserWarning x1): in " + str(log) in out
    assert (
        log.read_text() == "Noisy on TinyEq, resample 0: UserWarning: a third-party library talks\n"
    )
    # Not a terminal (as here, and in a log file): no progress bar, whole lines only.
    assert "\r" not in out + err and "task/s" not in out + err
    assert out.splitlines()[1].startswith("[1/1] Noisy on TinyEq, resample 0: accuracy")


def test_every_option_says_what_it_is_and_shows_its_default():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in commands.choices.items():
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings} has no help"
        text = " ".join(command.format_help().split())
        for action in command._actions:
            if action.default not in (None, False, argparse.SUPPRESS):
                assert "(default: " in text
    helps = {n: " ".join(c.format_help().split()) for n, c in commands.choices.items()}
    assert "(default: BasicMotions JapaneseVowels)" in helps["compare"]
    assert "(default: 3 5 7 9 11)" in helps["sweep-window"] and "folds" in helps["sweep-window"]
    assert "(default: report)" in helps["report"] and "(default: results)" in helps["report"]
    # When it goes online, and that --offline forbids it.
    top = " ".join(parser.format_help().split())
    for text in (top, helps["compare"]):
        assert "only a dataset found in none of these is downloaded" in text
        assert "--offline forbids downloads" in text


def test_the_parser_imports_neither_torch_nor_sklearn_nor_aeon():
    """``bilstm-msa --help``, a command's help and a usage error answer before the
    heavy imports (issue 21: they took 13-21 s on a busy machine)."""
    code = (
        "import sys\n"
        "from sklearn_bilstm_msa.benchmark import cli\n"
        "parser = cli.build_parser()\n"
        "parser.format_help()\n"
        "for args in (['compare', '--help'], ['datasets', '--help'], ['compare', '--bogus']):\n"
        "    try:\n"
        "        parser.parse_args(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('torch', 'sklearn', 'aeon', 'skorch', 'numba', 'pandas')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"
    # The package's public names still load on first use.
    code = "import sklearn_bilstm_msa as m; print(m.BiLSTMMSAClassifier.__name__)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "BiLSTMMSAClassifier"


def test_datasets_takes_no_offline_flag_since_it_never_downloads(capsys):
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["datasets", "--offline"])
    assert "unrecognized arguments: --offline" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["compare", "sweep-window", "sweep-length", "ablation"])
def test_every_command_spells_it_datasets_and_takes_dataset_too(command):
    parser = build_parser()
    for spelling in ("--datasets", "--dataset"):
        assert parser.parse_args([command, spelling, "A", "B"]).datasets == ["A", "B"]


def test_workers_do_not_outlive_a_killed_driver(tmp_path):
    """``kill -9`` of the driver: its local workers exit within seconds, not after their task."""
    script = tmp_path / "driver.py"
    script.write_text(
        "import os, sys, time, joblib\n"
        "from sklearn_bilstm_msa.benchmark._tasks import compute_backend\n"
        "def work(i):\n"
        "    print(os.getpid(), flush=True)\n"
        "    time.sleep(120)\n"
        "with compute_backend(None, 2) as n:\n"
        "    joblib.Parallel(n_jobs=n)(joblib.delayed(work)(i) for i in range(2))\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    driver = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        workers = {int(driver.stdout.readline()) for _ in range(2)}
    finally:
        driver.kill()
        driver.wait()

    def alive(pid):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                return handle.read().split(")")[-1].split()[0] != "Z"  # zombies are gone
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 15
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)


def test_a_missing_optional_dependency_says_which_extra(tmp_path, capsys, monkeypatch):
    deep = Contender("Deep", lambda *a: None, needs=("no_such_module_xyz",), extra="deep")
    monkeypatch.setitem(CONTENDERS, "Deep", deep)
    status, out, err = _cli(
        ["compare", "--classifiers", "deep", "--results-dir", str(tmp_path)], capsys
    )
    assert status == 2
    assert (
        "Deep needs no_such_module_xyz" in err and "pip install 'sklearn-bilstm-msa[deep]'" in err
    )
    assert CONTENDERS["InceptionTime"].needs == ("tensorflow",)


# -------------------------------------------------------------------- experiments


def test_sweeps_and_ablation_run_and_report(data_dir, tmp_path, capsys):
    common = ["--data-dir", str(data_dir), "--results-dir", str(tmp_path / "res"), *QUICK]
    status, out, err = _cli(
        ["sweep-window", "--dataset", "TinyEq", "--windows", "3", "5", "--cv", "2", *common],
        capsys,
    )
    assert status == 0, err
    assert "GridSearchCV on the training split chose window_sizes=" in out
    cv = pd.read_csv(tmp_path / "res" / "sweep-window" / "CV" / "TinyEq" / "cv_results.csv")
    assert list(cv["window"]) == [3, 5] and (cv["folds"] == 2).all()
    status, out, err = _cli(
        ["sweep-length", "--dataset", "TinyUneq", "--lengths", "10", "30", *common], capsys
    )
    assert status == 0, err
    lengths = read_results(tmp_path / "res" / "sweep-length")
    # MiniRocket runs beside ours by default (issue 13).
    assert sorted((r.classifier, r.dataset) for r in lengths) == [
        (c, f"TinyUneq-L{n}") for c in ("BiLSTM-MSA", "MiniRocket") for n in (10, 30)
    ]
    assert "linear interpolation to 10 steps" in lengths[0].params["resized"]
    status, out, err = _cli(
        ["ablation", "--dataset", "TinyEq", "--classifiers", "BiLSTM-Mean", "LSTM-MSA", *common],
        capsys,
    )
    assert status == 0, err

    status, out, err = _cli(
        ["report", "--results-dir", str(tmp_path / "res"), "--out", str(tmp_path / "rep")], capsys
    )
    assert status == 0, err
    made = {p.relative_to(tmp_path / "rep").as_posix() for p in (tmp_path / "rep").rglob("*.*")}
    for expected in (
        "sweep-window/window.csv",
        "sweep-window/window.md",
        "sweep-window/window.png",
        "sweep-length/length.md",
        "sweep-length/length.svg",
        "ablation/accuracy.md",
        "ablation/train_accuracy.md",
        "ablation/ablation.png",
    ):
        assert expected in made
    window = pd.read_csv(tmp_path / "rep" / "sweep-window" / "window.csv")
    assert {"mean_cv_accuracy", "std_cv_accuracy", "test_accuracy"} <= set(window.columns)


def test_report_puts_published_numbers_beside_measured_and_draws_cd(tmp_path, capsys):
    root = tmp_path / "res" / "compare"
    datasets = ["BasicMotions", "ERing", "Libras", "NATOPS", "JapaneseVowels", "Toy"]
    write_manifest(root, "compare", datasets=datasets)
    rng = np.random.default_rng(0)
    for i, clf in enumerate(["BiLSTM-MSA", "MiniRocket", "QUANT"]):
        for dataset in datasets:
            for r in (0, 1):
                y = rng.integers(0, 3, 20)
                pred = np.where(rng.random(20) < 0.5 + 0.2 * i, y, (y + 1) % 3)
                proba = np.eye(3)[pred] * 0.8 + 0.2 / 3
                write_result(root, Result(dataset, clf, r, y, pred, proba, 10, 1))
    status, out, err = _cli(
        ["report", "--results-dir", str(tmp_path / "res"), "--out", str(tmp_path / "rep")], capsys
    )
    assert status == 0, err
    out_dir = tmp_path / "rep" / "compare"
    assert (out_dir / "critical_difference.png").exists()
    table = pd.read_csv(out_dir / "accuracy.csv", index_col=0)
    published = published_accuracy()
    rocket = published[(published.classifier == "ROCKET") & (published.dataset == "ERing")]
    expected = rocket[rocket["resample"].isin([0, 1])]["accuracy"].mean()
    assert table.loc["ERing", "ROCKET (published)"] == pytest.approx(expected)
    # ROCKET on JapaneseVowels is published for resample 0 only: no like-for-like mean.
    assert np.isnan(table.loc["JapaneseVowels", "ROCKET (published)"])
    assert np.isnan(table.loc["Toy", "ROCKET (published)"])
    assert table.loc["ERing", "resamples"] == 2
    assert "(published)" in (out_dir / "accuracy.md").read_text()
    # With several resamples, the official split also gets its own table, where the
    # single published JapaneseVowels number has its place.
    split0 = pd.read_csv(out_dir / "accuracy_resample0.csv", index_col=0)
    assert split0.loc["ERing", "resamples"] == 1
    assert split0.loc["ERing", "ROCKET (published)"] == pytest.approx(
        rocket[rocket["resample"] == 0]["accuracy"].item()
    )
    assert split0.loc["JapaneseVowels", "ROCKET (published)"] == pytest.approx(0.962)
    long = pd.read_csv(out_dir / "all.csv")
    ours0 = long[(long["classifier"] == "BiLSTM-MSA") & (long["resample"] == 0)]
    assert split0.loc["Mean of measured (6 datasets)", "BiLSTM-MSA"] == pytest.approx(
        ours0["accuracy"].mean()
    )
    summary = pd.read_csv(out_dir / "summary.csv")
    assert {"accuracy_mean", "macro_f1_mean", "log_loss_mean", "fit_seconds_mean"} <= set(
        summary.columns
    )


def test_report_on_two_datasets_draws_accuracy_against_time_and_per_dataset(tmp_path, capsys):
    root = tmp_path / "res" / "compare"
    write_manifest(root, "compare", datasets=["BasicMotions", "Toy"])
    rng = np.random.default_rng(0)
    for clf in ("BiLSTM-MSA", "MiniRocket"):
        for dataset in ("BasicMotions", "Toy"):
            y = rng.integers(0, 3, 20)
            write_result(root, Result(dataset, clf, 0, y, y, np.eye(3)[y], 10, 1))
    args = ["report", "--results-dir", str(tmp_path / "res"), "--out", str(tmp_path / "rep")]
    status, out, err = _cli(args, capsys)
    assert status == 0, err
    out_dir = tmp_path / "rep" / "compare"
    for stem in ("accuracy_vs_fit_time", "accuracy_per_dataset"):
        assert (out_dir / f"{stem}.png").stat().st_size > 0
        svg = (out_dir / f"{stem}.svg").read_text()
        assert "BiLSTM-MSA" in svg and "MiniRocket" in svg
    # BasicMotions has published numbers: drawn, and named as published.
    assert "(published)" in (out_dir / "accuracy_per_dataset.svg").read_text()
    assert not (out_dir / "critical_difference.png").exists()  # that one needs 5 datasets


def test_report_without_results_says_what_it_expected(tmp_path, capsys):
    status, out, err = _cli(["report", "--results-dir", str(tmp_path)], capsys)
    assert status == 1 and "No experiment results under" in err


@pytest.mark.parametrize("command", ["report", "paper-table"])
def test_a_results_folder_that_does_not_exist_is_named_with_the_command_that_writes_it(
    tmp_path, capsys, command
):
    """Not a bare ``[Errno 2]`` (issue 37): the folder, what it should hold, and which
    command writes it; a non-zero exit."""
    missing = tmp_path / "no-such-results"
    status, out, err = _cli([command, "--results-dir", str(missing)], capsys)
    assert status == 1
    assert f"The results folder {str(missing)!r} does not exist" in err
    assert "experiment.json and tsml results files" in err
    assert "run `bilstm-msa compare`" in err and "Errno" not in err
    (tmp_path / "a-file").write_text("")
    status, out, err = _cli([command, "--results-dir", str(tmp_path / "a-file")], capsys)
    assert status == 1 and "is a file, not a folder" in err


def test_published_numbers_are_the_bakeoff_files():
    published = published_accuracy()
    row = published[
        (published.classifier == "ROCKET")
        & (published.dataset == "BasicMotions")
        & (published["resample"] == 0)
    ]
    assert row.accuracy.tolist() == [1.0]
    japanese = published[published.dataset == "JapaneseVowels"]
    assert japanese.accuracy.tolist() == [0.962] and "TimesNet" in japanese.source.iloc[0]
    assert set(published.classifier) >= {"ROCKET", "HC2", "InceptionTime", "ResNet"}
    assert published.source.str.startswith("Ruiz et al. 2021").sum() > 1000


def test_results_record_how_well_our_networks_fitted_their_training_data(data_dir):
    """A fit that learned nothing must show in every report (issue 13)."""
    data = load_dataset("TinyUneq", data_dir)
    ours, hydra = (
        run_task(Task(c, "TinyUneq", 0, data.X_train, data.y_train, data.X_test, data.y_test))
        for c in ("BiLSTM-MSA", "Hydra")
    )
    m = ours.metrics()
    assert 0.0 <= m["train_accuracy"] <= 1.0 and m["train_loss"] > 0
    assert ours.params["train_loss"] == m["train_loss"]
    assert np.isnan(hydra.metrics()["train_accuracy"])  # aeon's have no training history


def test_compiled_contenders_are_timed_after_a_warm_up_and_the_report_says_so(data_dir, tmp_path):
    """numba's one-off compilation is not counted in a fit's seconds (issue 37): aeon's
    classifiers are fitted once on a few cases first; ours and TensorFlow's are not."""
    from sklearn_bilstm_msa.benchmark._report import make_report
    from sklearn_bilstm_msa.benchmark._tasks import WARM_UP_CASES_PER_CLASS

    assert CONTENDERS["MiniRocket"].warm_up and CONTENDERS["DrCIF"].warm_up
    assert not CONTENDERS["BiLSTM-MSA"].warm_up and not CONTENDERS["InceptionTime"].warm_up
    data = load_dataset("TinyEq", data_dir)
    ours, rocket = (
        run_task(
            Task(c, "TinyEq", 0, data.X_train, data.y_train, data.X_test, data.y_test), 1, True
        )
        for c in ("BiLSTM-MSA", "MiniRocket")
    )
    cases = WARM_UP_CASES_PER_CLASS * len(np.unique(data.y_train))
    assert rocket.params["fit_timing"].startswith(f"timed after a warm-up fit on {cases} ")
    assert rocket.params["warm_up_seconds"] >= 0
    assert ours.params["fit_timing"] == "one fit, timed whole"
    assert np.isnan(ours.metrics()["warm_up_seconds"])
    root = tmp_path / "res" / "compare"
    write_manifest(root, "compare", datasets=["TinyEq"])
    for result in (ours, rocket):
        write_result(root, result)
    make_report(tmp_path / "res", tmp_path / "rep", log=lambda *a: None)
    note = (tmp_path / "rep" / "compare" / "fit_seconds.md").read_text()
    assert "Fit seconds of MiniRocket leave one-off compilation (numba) out" in note
    assert "Timed whole: BiLSTM-MSA." in note


def test_localization_scores_the_pointing_game_and_the_mass_inside_the_motif():
    from sklearn_bilstm_msa.benchmark._explain import localization, motif_dataset

    X, y, positions = motif_dataset(50, 30, 4, seed=0)
    motif_only = np.zeros((50, 30))
    for i, p in enumerate(positions):
        motif_only[i, p : p + 4] = 1.0
    assert localization(motif_only, positions, 4) == (1.0, 1.0)
    elsewhere = np.roll(motif_only, 10, axis=1)
    assert localization(elsewhere, positions, 4) == (0.0, 0.0)
    # The data: the class is the motif's sign.
    sign = np.array([X[i, 0, p : p + 4].sum() > 0 for i, p in enumerate(positions)])
    np.testing.assert_array_equal(sign, y == 1)


def test_explain_measures_every_explanation_and_resumes(tmp_path, capsys):
    args = ["explain", "--lengths", "30", "--widths", "4", "--classifiers", "BiLSTM-MSA"]
    args += ["--quick", "--results-dir", str(tmp_path)]
    assert main(args) == 0
    table = pd.read_csv(tmp_path / "explain" / "explain.csv")
    assert set(table["explanation"]) == {
        "attention w=3",
        "attention w=7",
        "attention w=15",
        "integrated gradients",
        "gradient x input",
        "occlusion",
    }
    assert table["pointing"].between(0, 1).all() and table["mass"].between(0, 1).all()
    np.testing.assert_allclose(table["chance"], 4 / 30)
    assert (tmp_path / "explain" / "explain.md").exists()
    capsys.readouterr()
    assert main(args) == 0  # a second run keeps the finished rows and fits nothing
    assert "done before, kept" in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "explain" / "explain.csv")) == len(table)


def test_report_of_two_classifiers_skips_the_cd_diagram_and_says_why(tmp_path, capsys):
    """aeon's Friedman test needs three classifiers; two on many datasets still report."""
    root = tmp_path / "res" / "compare"
    datasets = ["BasicMotions", "ERing", "Libras", "NATOPS", "JapaneseVowels"]
    write_manifest(root, "compare", datasets=datasets)
    rng = np.random.default_rng(0)
    for clf in ("BiLSTM-MSA", "MiniRocket"):
        for dataset in datasets:
            y = rng.integers(0, 3, 20)
            proba = np.eye(3)[y] * 0.8 + 0.2 / 3
            write_result(root, Result(dataset, clf, 0, y, y, proba, 10, 1))
    status, out, err = _cli(
        ["report", "--results-dir", str(tmp_path / "res"), "--out", str(tmp_path / "rep")], capsys
    )
    assert status == 0, err
    assert "critical-difference diagram skipped: it needs >= 3 classifiers" in out + err
    assert (tmp_path / "rep" / "compare" / "accuracy.md").exists()


def test_missing_values_flags_follow_aeons_tags():
    for contender in CONTENDERS.values():
        ours = contender.name.startswith(("BiLSTM", "LSTM", "FrontEnd"))
        if ours or contender.name in PAPER_BASELINES:
            # Ours and the paper's baselines share the machinery that interpolates NaN.
            assert contender.missing_values and contender.unequal_length
        elif not contender.needs:  # aeon's, without TensorFlow
            estimator = contender.build(random_state=0, quick=True)
            assert contender.missing_values == estimator.get_tag("capability:missing_values")


def test_peers_without_missing_values_get_the_data_imputed_and_ours_get_nan():
    X, y = make_bump_data(n_cases=24, n_timepoints=20)
    X[::5, 0, 3:6] = np.nan
    tasks = {
        c: Task(c, "Gappy", 0, X[:16], y[:16], X[16:], y[16:]) for c in ("Hydra", "BiLSTM-MSA")
    }
    hydra, ours = (run_task(task, quick=True) for task in tasks.values())
    assert hydra.params["imputation"].startswith("each missing value (NaN) replaced by the mean")
    assert ours.params["imputation"] == "none"
    assert np.isfinite(hydra.proba).all() and np.isfinite(ours.proba).all()
    train, test, note = _tasks._impute(get_contender("MiniRocket"), X[:16], X[16:])
    np.testing.assert_allclose(train[0, 0, 3], np.nanmean(X[0, 0]))
    assert not np.isnan(test).any() and note == _tasks.IMPUTATION


def test_accuracy_against_fit_time_names_every_contender_in_one_legend(tmp_path, monkeypatch):
    """Names written beside points printed over each other (issue 37): they are in a
    legend beside the plot instead, measured ones with accuracy and fit seconds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sklearn_bilstm_msa.benchmark._report import _accuracy_against_fit_time

    index = ["A", "B", "C", "D", "E"]
    accuracy = pd.DataFrame({c: [0.9] * 5 for c in ("BiLSTM-MSA", "MiniRocket", "QUANT")}, index)
    fit = pd.DataFrame({c: [1.0] * 5 for c in accuracy.columns}, index)
    published = pd.DataFrame({"ROCKET (published)": [0.9] * 5, "HC2 (published)": [0.9] * 5}, index)
    captured = {}
    real_save = _report._save

    def keep(fig, out, stem):
        captured["fig"] = fig
        return real_save(fig, out, stem)

    monkeypatch.setattr(_report, "_save", keep)
    paths = _accuracy_against_fit_time(accuracy, fit, published, tmp_path, plt)
    (ax,) = captured["fig"].axes
    assert not ax.texts  # nothing written on the plot itself
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[:3] == ["BiLSTM-MSA: 0.900, 1 s", "MiniRocket: 0.900, 1 s", "QUANT: 0.900, 1 s"]
    assert labels[3:] == [
        "published (no time):",
        "ROCKET (published): 0.900",
        "HC2 (published): 0.900",
    ]
    assert any(str(p).endswith("accuracy_vs_fit_time.png") for p in paths)
