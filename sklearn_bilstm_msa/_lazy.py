"""Lazy package attributes (PEP 562): a public name's module is imported on first use.

The packages' ``__init__`` modules name their public API here rather than importing it,
so that importing ``sklearn_bilstm_msa.benchmark.cli`` (the ``bilstm-msa`` command) does
not import torch, scikit-learn and aeon before it has parsed its arguments (issue 21).
"""

import importlib

__all__ = ["lazy_attributes"]


def lazy_attributes(package, where):
    """``__getattr__`` and ``__dir__`` for ``package`` whose names live in ``where``.

    ``where`` maps each submodule (relative, without the dot) to the public names it
    defines, separated by spaces; a name is imported from its submodule on first
    access and then cached in the package's namespace.
    """
    home = {name: module for module, names in where.items() for name in names.split()}

    def __getattr__(name):
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{home[name]}", package), name)
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__():
        return sorted(set(vars(importlib.import_module(package))) | set(home))

    return __getattr__, __dir__
