"""``equation-lines``: show the source lines that compute the paper's equations.

The code marks each equation with a comment such as ``# (N, T, S), eq. (2)``. For
every equation number asked for, this directive finds that comment in the given
file and shows the function around it with the file's own line numbers and the
marked line highlighted; consecutive equations in one function share a listing. The
lines are found when the docs are built, so they follow the code; an equation whose
marker has gone is a warning (an error under ``-W``).

Usage in MyST, one ``number: formula`` line per equation::

    ```{equation-lines} sklearn_bilstm_msa/_network.py
    :module: sklearn_bilstm_msa

    2: e_t^(s) = tanh(W_s h_t + b_s)
    3: alpha_t^(s) = exp(e_t^(s)) / sum_{k in window_s(t)} exp(e_k^(s))
    ```
"""

import ast
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


def _functions(tree):
    """(qualified name, first line, last line) of every function in a module."""
    found = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                found.append((f"{prefix}{child.name}", first, child.end_lineno))
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return found


def find_equation(lines, tree, number):
    """Line (1-based) of the comment marking ``eq. (number)``, and its function."""
    marker = re.compile(rf"#.*\beq\. \({number}\)")
    hits = [i + 1 for i, line in enumerate(lines) if marker.search(line)]
    if len(hits) != 1:
        return None
    line = hits[0]
    enclosing = [f for f in _functions(tree) if f[1] <= line <= f[2]]
    if not enclosing:
        return None
    name, first, last = max(enclosing, key=lambda f: f[1])  # the innermost function
    return line, name, first, last


class EquationLines(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {"module": directives.unchanged}

    def run(self):
        relative = self.arguments[0]
        path = Path(self.config.equation_lines_root) / relative
        self.env.note_dependency(str(path))
        try:
            source = path.read_text(encoding="utf-8")
        except OSError as exc:
            logger.warning(
                "equation-lines: cannot read %s: %s", path, exc, location=self.get_location()
            )
            return []
        lines = source.splitlines()
        tree = ast.parse(source)
        module = self.options.get("module", "")
        groups = []  # consecutive equations in one function share one listing
        formulas = {}
        for entry in self.content:
            if entry.strip():
                number, _, formula = entry.partition(":")
                formulas[number.strip()] = formula.strip()
        for number in formulas:
            found = find_equation(lines, tree, number)
            if found is None:
                logger.warning(
                    "equation-lines: no single '# ... eq. (%s)' comment inside a function "
                    "of %s; mark the line that computes it",
                    number,
                    relative,
                    location=self.get_location(),
                )
                continue
            line, name, first, last = found
            if groups and groups[-1]["name"] == name:
                groups[-1]["equations"].append((number, line))
            else:
                groups.append({"name": name, "span": (first, last), "equations": [(number, line)]})
        result = []
        for group in groups:
            name, (first, last), equations = group["name"], group["span"], group["equations"]
            target = f"{module}.{name}" if module else name
            xref = addnodes.pending_xref(
                "", refdomain="py", reftype="obj", reftarget=target, refexplicit=False
            )
            xref += nodes.literal(text=f"{name}()")
            title = nodes.line_block()
            for number, _ in equations:
                line_node = nodes.line()
                line_node += nodes.strong(text=f"eq. ({number})")
                line_node += nodes.Text("  ")
                line_node += nodes.literal(text=formulas[number])
                title += line_node
            where = nodes.line()
            where += nodes.Text("computed in ")
            where += xref
            where += nodes.Text(", ")
            where += nodes.literal(text=relative)
            where += nodes.Text(" line " if len(equations) == 1 else " lines ")
            where += nodes.Text(", ".join(str(line) for _, line in equations))
            title += where
            code = "\n".join(lines[first - 1 : last])
            block = nodes.literal_block(code, code, language="python", linenos=True)
            block["highlight_args"] = {
                "linenostart": first,
                "hl_lines": [line - first + 1 for _, line in equations],
            }
            result += [title, block]
        return result


def setup(app):
    app.add_config_value("equation_lines_root", ".", "env")
    app.add_directive("equation-lines", EquationLines)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
