"""The core path runs without the Optional sections' code.

A learner may skip (or delete) every code cell of an Optional section, so no code cell on the core
path may use a name that only an Optional cell defines. Checked statically, by the names each
cell's code assigns, defines or imports and the names it reads: no notebook is run again.
"""

import ast
import json
from pathlib import Path

import pytest

from test_notebooks_teaching import optional_sections

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def defined_and_used(source):
    """(names the code binds, names it reads); IPython magics count as nothing."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set()
    defined, used = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (defined if isinstance(node.ctx, (ast.Store, ast.Del)) else used).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
    return defined, used


def core_uses_of_optional_names(cells):
    """[(core cell index, sorted names)] for core code cells reading names only Optional cells define."""
    optional = {i for _, members in optional_sections(cells) for i in members}
    core_defined, optional_only, found = set(), set(), []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        defined, used = defined_and_used("".join(cell["source"]))
        if i in optional:
            optional_only |= defined - core_defined
            continue
        missing = (used & optional_only) - core_defined - defined
        if missing:
            found.append((i, sorted(missing)))
        core_defined |= defined
    return found


def test_detector_by_hand():
    md = lambda text, **meta: {"cell_type": "markdown", "source": [text], "metadata": meta}  # noqa: E731
    code = lambda text: {"cell_type": "code", "source": [text], "metadata": {}}  # noqa: E731
    cells = [
        code("x = 1"),
        md("## Optional: more\n\nYou will need: nothing."),
        code("y = x + 1\ndef helper(a):\n    return a"),
        md("## Back on the path"),
        code("z = x + y"),               # y exists only if the Optional cell ran
        code("w = helper(2)"),
        code("y = 5\nprint(y)"),         # defines y itself: fine
    ]
    assert core_uses_of_optional_names(cells) == [(4, ["y"]), (5, ["helper"])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_core_path_needs_no_optional_code(path):
    found = core_uses_of_optional_names(json.loads(path.read_text())["cells"])
    assert not found, f"{path.name}: core code cells use names only Optional cells define: {found}"
