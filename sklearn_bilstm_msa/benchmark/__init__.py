"""The benchmarking harness: BiLSTM-MSA against aeon's classifiers on UCR/UEA data.

The command line (``bilstm-msa``, see :mod:`.cli`) is the usual way in; the same
pieces are importable for scripts and notebooks:

- :func:`load_dataset`, :func:`resample`, :func:`available_datasets`: data through
  aeon's loaders (a local folder of ``.ts`` files, aeon's shipped data, or a download);
- :data:`CONTENDERS`, :func:`get_contender`: the classifiers by name;
- :func:`comparison_tasks`, :func:`write_manifest`: an experiment's tasks and folder;
- :class:`Task`, :func:`run_tasks`: fit/predict tasks through joblib or Dask, each
  result written atomically in the tsml format (:func:`write_result`,
  :func:`read_result`, :func:`read_results`);
- :func:`make_report`, :func:`published_accuracy`: tables and figures.
"""

from ._contenders import (
    ABLATION_CONTENDERS,
    CONTENDERS,
    DEFAULT_COMPARE_CONTENDERS,
    Contender,
    ContenderError,
    get_contender,
)
from ._datasets import (
    Dataset,
    DatasetError,
    UnknownDatasetError,
    available_datasets,
    load_dataset,
    resample,
)
from ._experiments import comparison_tasks, write_manifest
from ._report import make_report, published_accuracy, results_table
from ._results import METRICS, Result, ResultsFormatError, read_result, read_results, write_result
from ._tasks import RunSummary, Task, run_task, run_tasks

__all__ = [
    "ABLATION_CONTENDERS",
    "CONTENDERS",
    "DEFAULT_COMPARE_CONTENDERS",
    "METRICS",
    "Contender",
    "ContenderError",
    "Dataset",
    "DatasetError",
    "Result",
    "ResultsFormatError",
    "RunSummary",
    "Task",
    "UnknownDatasetError",
    "available_datasets",
    "comparison_tasks",
    "get_contender",
    "load_dataset",
    "make_report",
    "published_accuracy",
    "read_result",
    "read_results",
    "resample",
    "results_table",
    "run_task",
    "run_tasks",
    "write_manifest",
    "write_result",
]
