"""Which exercises a learner has done: a summary read from their own course folder.

    ngopt-course progress [FOLDER]                 # the command (FOLDER: default the current one)
    ngopt_course.progress.summary()                # in a notebook: a table of the folder it runs in

What it reads, for each notebook of the folder (``*.ipynb``, but not the ``.updated`` and
``.backup`` copies the learner-edition writer leaves beside them): the notebook as saved
on disk. For every exercise the notebook has the learner write (a cell defines
``def name(...)`` and a later cell shows ``exercises.check("name", name)``), it takes the
verdict that check cell showed the last time it ran, from the cell's saved output (the
box's first line: a check mark, a cross or a pencil, and the headline).

So the summary is what your checks said when you last ran them and saved, nothing more:

- **done**: the check cell's saved output says it passed;
- **failing**: it says the check failed (the line gives the check's headline, e.g.
  "3 of 8 cases fail"; open the notebook for the diagnosis);
- **not done yet**: it says "not done yet" (still the learner edition's stub), or the
  check cell has no saved output (not run yet, or its outputs were cleared).

When the cell defining the function ran after its check (a larger execution count), the
line adds "changed since checked": run the check cell again. Unsaved edits are not seen
(save first). It runs none of the learner's code (the package never ``exec``s: see
``tests/test_architecture.py``), so it is instant and safe on any folder, and it never
writes a notebook (``tests/test_progress.py`` compares every byte).
"""

from __future__ import annotations

import ast
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import exercises

__all__ = ["ExerciseProgress", "NotebookProgress", "Progress", "summary", "notebook_progress"]

DONE, NOT_DONE, FAILING = "done", "not done yet", "failing"
_MARKS = {DONE: "\u2714", NOT_DONE: "\u270e", FAILING: "\u2718"}
_COLOURS = {DONE: "#1a7f37", NOT_DONE: "#9a6700", FAILING: "#c62828"}


@dataclass
class ExerciseProgress:
    """One exercise of one notebook: ``status`` is "done", "not done yet" or "failing"."""

    name: str
    status: str
    detail: str = ""


@dataclass
class NotebookProgress:
    """The exercises of one notebook, in the order their checks appear."""

    notebook: str
    exercises: list = field(default_factory=list)
    error: str | None = None  # the notebook could not be read

    def count(self, status):
        return sum(e.status == status for e in self.exercises)


@dataclass
class Progress:
    """The summary of a folder. Prints as text; shows as a table in a notebook."""

    folder: Path
    notebooks: list = field(default_factory=list)

    def count(self, status):
        return sum(nb.count(status) for nb in self.notebooks)

    @property
    def total(self):
        return sum(len(nb.exercises) for nb in self.notebooks)

    def headline(self):
        return (f"{self.count(DONE)} of {self.total} exercises done, {self.count(FAILING)} failing, "
                f"{self.count(NOT_DONE)} not done yet (notebooks as saved in {self.folder})")

    def text(self):
        if not self.notebooks:
            return f"no notebooks in {self.folder}"
        lines = [self.headline()]
        for nb in self.notebooks:
            if nb.error:
                lines.append(f"{nb.notebook}: cannot be read ({nb.error})")
                continue
            if not nb.exercises:
                lines.append(f"{nb.notebook}: no exercises")
                continue
            lines.append(f"{nb.notebook}: {nb.count(DONE)} of {len(nb.exercises)} done")
            for ex in nb.exercises:
                lines.append(f"  {_MARKS[ex.status]} {ex.name}: {ex.status}" + (f" ({ex.detail})" if ex.detail else ""))
        return "\n".join(lines)

    def __str__(self):
        return self.text()

    def __repr__(self):
        return self.text()

    def _repr_html_(self):
        rows = []
        for nb in self.notebooks:
            if nb.error or not nb.exercises:
                what = f"cannot be read ({nb.error})" if nb.error else "no exercises"
                rows.append(f"<tr><td>{html.escape(nb.notebook)}</td><td colspan='2'>{html.escape(what)}</td></tr>")
            for ex in nb.exercises:
                colour = _COLOURS[ex.status]
                rows.append(
                    f"<tr><td>{html.escape(nb.notebook)}</td><td><code>{html.escape(ex.name)}</code></td>"
                    f"<td style='color:{colour}'>{_MARKS[ex.status]} {html.escape(ex.status)}"
                    + (f": {html.escape(ex.detail)}" if ex.detail else "") + "</td></tr>")
        return (f"<div class='ngopt-progress'><p>{html.escape(self.headline())}</p>"
                "<table><thead><tr><th>notebook</th><th>exercise</th><th>status</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table></div>")


# ---------------------------------------------------------------------------
# Reading a notebook
# ---------------------------------------------------------------------------

def _code_cells(nb):
    """(source, parsed tree or SyntaxError, cell) of each code cell, in order (``%`` and ``!`` lines left out)."""
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = source if isinstance(source, str) else "".join(source)
        kept = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))
        try:
            cells.append((kept, ast.parse(kept), cell))
        except SyntaxError as err:
            cells.append((kept, err, cell))
    return cells


def _checked_names(tree):
    """The exercise names a cell checks: ``exercises.check("name", fn)`` or ``check("name", fn)``."""
    names = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str) and node.args[0].value in exercises.EXERCISES
                and ((isinstance(node.func, ast.Attribute) and node.func.attr == "check")
                     or (isinstance(node.func, ast.Name) and node.func.id == "check"))):
            names.append(node.args[0].value)
    return names


def _defines(tree, name):
    return isinstance(tree, ast.Module) and any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name for node in tree.body)


_SYMBOLS = {"\u2714": DONE, "\u2718": FAILING, "\u270e": NOT_DONE}


def _verdict(cell, name):
    """(status, headline rest) from the check box a cell showed for ``name``, or None if none is saved."""
    for output in cell.get("outputs", []):
        text = output.get("data", {}).get("text/plain", "")
        text = text if isinstance(text, str) else "".join(text)
        first = text.split("\n", 1)[0].strip()
        symbol, _, headline = first.partition(" ")
        if symbol in _SYMBOLS and headline.startswith(f"{name}: "):
            return _SYMBOLS[symbol], headline[len(name) + 2:]
    return None


def _exercise(cells, check_index, name):
    """The saved verdict of the check of ``name`` in cell ``check_index``."""
    raw_check = cells[check_index][2]
    verdict = _verdict(raw_check, name)
    if verdict is None:
        return ExerciseProgress(name, NOT_DONE, "its check has not run (no saved output)")
    status, headline = verdict
    detail = "" if status == NOT_DONE else headline if status == FAILING else ""
    definer = next(i for i in range(check_index, -1, -1) if _defines(cells[i][1], name))
    ran_def, ran_check = cells[definer][2].get("execution_count"), raw_check.get("execution_count")
    if isinstance(ran_def, int) and isinstance(ran_check, int) and ran_def > ran_check:
        detail = "; ".join(filter(None, [detail, "changed since checked: run its check cell again"]))
    return ExerciseProgress(name, status, detail)


def notebook_progress(path):
    """The ``NotebookProgress`` of one notebook file (read, never written)."""
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return NotebookProgress(path.name, error=f"{type(err).__name__}: {err}")
    cells = _code_cells(nb)
    out = NotebookProgress(path.name)
    seen = set()
    for index, (_, tree, _) in enumerate(cells):
        if not isinstance(tree, ast.Module):
            continue
        for name in _checked_names(tree):
            # An exercise counts where the notebook has the learner write it: a check of a
            # function from another notebook (09 checks the Adam of 06) is not a new exercise.
            defined_here = any(_defines(t, name) for _, t, _ in cells[:index + 1])
            if name not in seen and defined_here:
                seen.add(name)
                out.exercises.append(_exercise(cells, index, name))
    return out


def _is_copy(path):
    """The writer's copies beside a learner's notebook: ``NAME.updated.ipynb``, ``NAME.backup-2.ipynb``."""
    return any(part.startswith(("updated", "backup")) for part in path.name.split(".")[1:-1])


def summary(folder="."):
    """Which exercises are done, not done yet or failing, per notebook of ``folder``.

    Parameters
    ----------
    folder : str or os.PathLike, default "."
        The learner's course folder. In a notebook, "." is the notebook's own folder.

    Returns
    -------
    Progress
        Prints as text (``print(summary())``) and shows as a table in a notebook. See the
        module's docstring for what each verdict means.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"folder={str(folder)!r} is not a folder: give the folder of your notebooks")
    notebooks = [p for p in sorted(folder.glob("*.ipynb")) if not _is_copy(p)]
    return Progress(folder, [notebook_progress(p) for p in notebooks])
