"""Finding, loading and re-splitting archive datasets, through aeon's loaders.

Where a dataset comes from, in this order: a folder of ``.ts`` files given as
``data_dir`` (``<data_dir>/<Name>/<Name>_TRAIN.ts`` and ``_TEST.ts``, the layout of
the archive's zips), the datasets aeon ships or has cached (its data home,
``~/aeon_data`` or ``$AEON_DATA``), and, unless ``offline``, aeon's download from
the archive into that cache. Only the last step goes online.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from aeon.benchmarking.resampling import stratified_resample_data
from aeon.datasets import load_classification
from aeon.datasets.dataset_collections import get_downloaded_tsc_tsr_datasets
from aeon.datasets.tsc_datasets import tsc_zenodo

__all__ = [
    "Dataset",
    "DatasetError",
    "UnknownDatasetError",
    "available_datasets",
    "load_dataset",
    "resample",
    "resolve_dataset_name",
]

_HOW_TO_PROVIDE = (
    "To use it offline, put {name}_TRAIN.ts and {name}_TEST.ts (from "
    "https://timeseriesclassification.com) in DIR/{name}/ and pass --data-dir DIR."
)


class DatasetError(ValueError):
    """A dataset that is unknown, missing offline, or cannot be read."""


class UnknownDatasetError(DatasetError):
    """A dataset name that is neither on this machine nor in aeon's archive list."""


@dataclass(frozen=True)
class Dataset:
    """The official train/test split of one classification dataset."""

    name: str
    X_train: object  # 3-D array, or list of 2-D arrays for unequal length
    y_train: np.ndarray
    X_test: object
    y_test: np.ndarray

    @property
    def equal_length(self):
        return isinstance(self.X_train, np.ndarray) and isinstance(self.X_test, np.ndarray)

    def describe(self):
        """Shape summary: cases, channels, lengths, classes."""
        lengths = [x.shape[-1] for x in (*self.X_train, *self.X_test)]
        low, high = min(lengths), max(lengths)
        return {
            "dataset": self.name,
            "train": len(self.y_train),
            "test": len(self.y_test),
            "channels": int(self.X_train[0].shape[0]),
            "length": str(low) if low == high else f"{low}-{high}",
            "classes": len(np.unique(np.concatenate([self.y_train, self.y_test]))),
        }


def _local_names(data_dir):
    roots = [None] if data_dir is None else [str(data_dir), None]
    names = {}
    for root in roots:
        for name in get_downloaded_tsc_tsr_datasets(root):
            names.setdefault(name, root)
    return names


def resolve_dataset_name(name, data_dir=None):
    """The archive's spelling of ``name`` (matched case-insensitively).

    Raises :class:`DatasetError` for a name that is neither on this machine nor in
    aeon's list of archive datasets.
    """
    known = {**dict.fromkeys(tsc_zenodo), **_local_names(data_dir)}
    by_lower = {k.lower(): k for k in known}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    raise UnknownDatasetError(
        f"Unknown dataset {name!r}: it is not in aeon's list of UCR/UEA classification "
        f"datasets and not found locally"
        + ("" if data_dir is None else f" under {data_dir}")
        + ". Run `bilstm-msa datasets` to see what can be loaded offline."
    )


def _load_split(name, root, split):
    try:
        X, y = load_classification(name, split=split, extract_path=root)
    except DatasetError:
        raise
    except Exception as exc:  # aeon raises several types for a broken file
        where = _folder(name, root) / f"{name}_{split.upper()}.ts"
        raise DatasetError(
            f"Could not read dataset {name!r} from {where}: {type(exc).__name__}: {exc}"
        ) from exc
    return X, np.asarray(y)


def load_dataset(name, data_dir=None, offline=False):
    """Load the official train/test split of a classification dataset.

    Parameters
    ----------
    name : str
        Dataset name, case-insensitive (``"basicmotions"`` finds BasicMotions).
    data_dir : str or path-like, optional
        Folder holding ``<Name>/<Name>_TRAIN.ts`` and ``<Name>/<Name>_TEST.ts``.
    offline : bool, default=False
        Never download; a dataset that is not on this machine is an error that
        says how to provide it.

    Returns
    -------
    Dataset
    """
    name = resolve_dataset_name(name, data_dir)
    local = _local_names(data_dir)
    if name in local:
        root = local[name]
    elif offline:
        raise DatasetError(
            f"Dataset {name!r} is not on this machine (searched {_searched(name, data_dir)}) "
            "and downloads are off (--offline). " + _HOW_TO_PROVIDE.format(name=name)
        )
    else:
        root = None  # aeon downloads it into its data home
    try:
        X_train, y_train = _load_split(name, root, "train")
        X_test, y_test = _load_split(name, root, "test")
    except DatasetError as exc:
        if name in local:
            raise
        reason = exc.__cause__ or exc
        raise DatasetError(
            f"Dataset {name!r} is not on this machine (searched {_searched(name, data_dir)}) "
            f"and downloading it failed: {type(reason).__name__}: {reason}. "
            + _HOW_TO_PROVIDE.format(name=name)
        ) from exc
    missing = sorted(set(np.unique(y_test)) - set(np.unique(y_train)))
    if missing:
        raise DatasetError(f"Dataset {name!r}: test classes {missing} never occur in train.")
    return Dataset(name, X_train, y_train, X_test, y_test)


def resample(dataset, resample_id):
    """Resample ``r`` of a dataset, as in the tsml/aeon bake-offs.

    Resample 0 is the official split. Resample ``r > 0`` pools train and test and
    draws new splits of the same sizes and class counts with aeon's
    ``stratified_resample_data(random_state=r)``.
    """
    if resample_id == 0:
        return dataset
    X_train, y_train, X_test, y_test = stratified_resample_data(
        dataset.X_train, dataset.y_train, dataset.X_test, dataset.y_test, random_state=resample_id
    )
    return Dataset(dataset.name, X_train, y_train, X_test, y_test)


def available_datasets(data_dir=None):
    """Names of classification datasets that load without a download, sorted."""
    names = []
    for name, root in sorted(_local_names(data_dir).items()):
        train = Path(root or _bundled_root()) / name / f"{name}_TRAIN.ts"
        if root is None and not train.exists():
            train = _cache_root() / name / f"{name}_TRAIN.ts"
        if _is_classification_file(train):
            names.append(name)
    return names


def _folder(name, root):
    """The folder aeon reads ``name`` from: ``root``, else its shipped data or its cache."""
    if root is not None:
        return Path(root) / name
    bundled = _bundled_root() / name
    return bundled if bundled.is_dir() else _cache_root() / name


def _searched(name, data_dir):
    """The folders where ``name`` was looked for, for error messages."""
    roots = ([Path(data_dir)] if data_dir is not None else []) + [_bundled_root(), _cache_root()]
    return ", ".join(str(root / name) for root in roots)


def _bundled_root():
    import aeon.datasets

    return Path(os.path.dirname(aeon.datasets.__file__)) / "data"


def _cache_root():
    from aeon.datasets.dataset_collections import _get_data_home

    return Path(_get_data_home())


def _is_classification_file(path):
    """False when the ``.ts`` header says the file holds regression targets or no labels."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                words = line.strip().lower().split()
                if words[:1] == ["@classlabel"]:
                    return words[1:2] == ["true"]
                if words[:1] == ["@targetlabel"] and words[1:2] == ["true"]:
                    return False
                if words[:1] == ["@data"]:
                    break
    except OSError:
        return False
    return True  # no say in the header: let the loader judge it
