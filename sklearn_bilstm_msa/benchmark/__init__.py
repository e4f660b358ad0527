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
- :func:`make_report`, :func:`paper_table`, :func:`published_accuracy`: tables and
  figures.

The names are imported on first use, so that the command line parses its arguments
before it imports torch, scikit-learn and aeon.
"""

from .._lazy import lazy_attributes

_WHERE = {
    "_contenders": "ABLATION_CONTENDERS CONTENDERS DEFAULT_COMPARE_CONTENDERS Contender "
    "ContenderError PAPER_BASELINES PAPER_TABLE_CONTENDERS get_contender",
    "_datasets": "Dataset DatasetError UnknownDatasetError available_datasets load_dataset "
    "resample",
    "_experiments": "comparison_tasks write_manifest",
    "_report": "make_report paper_table published_accuracy results_table",
    "_results": "METRICS Result ResultsFormatError read_result read_results write_result",
    "_tasks": "RunSummary Task run_task run_tasks",
}

__all__ = sorted(name for names in _WHERE.values() for name in names.split())

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
