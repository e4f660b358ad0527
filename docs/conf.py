"""Sphinx configuration: `tox -e docs` builds the site with warnings as errors.

Sphinx with numpydoc reads the docstrings as scikit-learn and aeon write them, and
MyST reads the Markdown pages (method.md, benchmark.md, experiments/, results/) that are
also read on their own, so each page has one source. Examples are shown with
``literalinclude`` rather than executed by sphinx-gallery: real training takes minutes
per script, and the test suite already runs every example (quick mode) on each change.
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Document the package of this checkout, not whichever copy is installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

import sklearn_bilstm_msa  # noqa: E402

project = "sklearn-bilstm-msa"
author = "sklearn-bilstm-msa developers"
copyright = "sklearn-bilstm-msa developers"
release = sklearn_bilstm_msa.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinxarg.ext",
    "equation_lines",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    # Report tables and the results README are included into experiments.md.
    "results/**",
    # The diary's data and scripts (docs/experiments/index.md lists them): no pages.
    "experiments/csv/**",
    "experiments/scripts/**",
]

# MyST: headings get anchors for in-page links; `{eval-rst}` for autodoc directives.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc + numpydoc: members are listed by the API pages themselves.
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# No intersphinx: the build must pass offline, where fetching inventories warns.

# docs/_ext/equation_lines.py reads source files relative to the repository root.
equation_lines_root = str(ROOT)

html_theme = "furo"
html_title = f"sklearn-bilstm-msa {release}"
html_static_path = []
html_show_sourcelink = False


def _check_every_example_is_shown(app):
    """Each script in examples/ appears on the examples page (a warning otherwise)."""
    from sphinx.util import logging

    page = (DOCS / "examples.md").read_text(encoding="utf-8")
    for script in sorted((ROOT / "examples").glob("*.py")):
        if f"../examples/{script.name}" not in page:
            logging.getLogger(__name__).warning(
                "examples/%s is not shown on docs/examples.md; add a section for it",
                script.name,
                location="examples",
            )


def setup(app):
    app.connect("builder-inited", _check_every_example_is_shown)
