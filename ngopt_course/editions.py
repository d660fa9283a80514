"""Two editions from one source: the solution notebooks, and the learner edition made from them.

The committed notebooks are the *solution* edition. In an exercise cell the solution's
lines are fenced::

    def ewa(theta, beta):
        \"\"\"v_1..v_T of v_t = beta v_{t-1} + (1 - beta) theta_t, with v_0 = 0.\"\"\"
        ### HINT: keep one running number v, as the slide's loop does.
        ### BEGIN SOLUTION
        v, out = 0.0, np.zeros(len(theta))
        for t, theta_t in enumerate(theta, start=1):
            v = beta * v + (1 - beta) * theta_t
            out[t - 1] = v
        return out
        ### END SOLUTION

The *learner* edition replaces each fenced block (markers included) by a stub at the
indentation of ``### BEGIN SOLUTION``, with the hints as comments; everything outside
the fence (the ``def`` line, the docstring) stays::

    def ewa(theta, beta):
        \"\"\"v_1..v_T of v_t = beta v_{t-1} + (1 - beta) theta_t, with v_0 = 0.\"\"\"
        # Hint: keep one running number v, as the slide's loop does.
        raise NotImplementedError("Exercise: write the body of ewa")

The stub raises, so ``exercises.check`` reports "not done yet" and
``exercises.use_or_reference`` hands the package's version to the cells below: the
learner edition runs top to bottom (see ``ngopt_course.exercises``).

Markers (each on a line of its own, any indentation):

- ``### BEGIN SOLUTION`` ... ``### END SOLUTION``: the fence. Not nested, always closed.
- ``### HINT: text``: inside a fence or anywhere in the cell; becomes ``# Hint: text``.
- ``### STUB: code``: inside a fence, code the learner edition runs instead of the
  ``raise`` (e.g. ``### STUB: learning_rates = None``). A fence at the top level of a
  cell needs one: a bare ``raise`` there would stop the learner edition.

In markdown cells, ``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->`` fences an
answer; the learner edition shows "*(Your answer here.)*" instead.

Where the course comes from: an installed package carries the solution notebooks as
package data (``ngopt_course/course/*.ipynb``, built from ``notebooks/`` when the wheel is
built: ``course_notebooks()``); in a checkout they are ``notebooks/``.

Nothing a learner wrote is overwritten. Writing into a folder that already holds the
notebooks writes the missing ones and keeps every existing one; when the course's version
of a kept notebook is newer than the one it was written from, the new one goes beside it
(``04_momentum.updated.ipynb``), and each notebook gets a line saying what happened. A
written notebook records the SHA-256 of its learner edition's cells
(``metadata.ngopt_course.learner_sha256``): "newer" means the course's learner edition
now hashes differently. ``--overwrite`` replaces existing notebooks, each first copied to
``NAME.backup.ipynb`` (``NAME.backup-2.ipynb``, ... : no backup is overwritten either).

Usage::

    ngopt-course start [DIR]                     # learner edition into DIR (my-course), open JupyterLab
    ngopt-course learner --out DIR [NOTEBOOK ...] [--overwrite]
    ngopt-course progress [DIR]                  # done / not done yet / failing, per notebook
    ngopt-course check [NOTEBOOK ...]            # only validate the solution markers
    python -m ngopt_course.editions ...          # the same commands
    ngopt-learner-edition --out DIR              # the old name: the learner command

Without NOTEBOOK arguments, the course's own notebooks are used (``course_notebooks()``).
Outputs and execution counts are cleared. Writing into a source notebook's own folder
is refused (it would overwrite the solutions); marker errors name the notebook, the
cell and the line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["EditionError", "learner_source", "learner_markdown", "learner_notebook", "write_learner_edition",
           "update_learner_edition", "NotebookUpdate", "course_notebooks", "cells_sha256", "check_notebooks", "main"]

BEGIN, END, HINT, STUB = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:", "### STUB:"
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
MD_PLACEHOLDER = "*(Your answer here.)*"
_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+(\w+)\s*\(")


class EditionError(ValueError):
    """A notebook's markers do not make sense (unbalanced, nested, misplaced)."""


def _indent(line):
    return line[: len(line) - len(line.lstrip())]


def _enclosing_function(lines, index):
    """Name of the ``def`` whose body holds line ``index``, or None at module level.

    Walks up from the line: each less indented statement is the next enclosing block
    (an ``if``, a ``for``, a ``def``); the first ``def`` among them is the answer.
    """
    level = len(_indent(lines[index]))
    for line in reversed(lines[:index]):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(_indent(line))
        if indent < level:
            match = _DEF.match(line)
            if match:
                return match.group(2)
            level = indent
            if level == 0:
                return None
    return None


def learner_source(source, where="cell"):
    """Return a code cell's source with every fenced solution replaced by its stub.

    ``where`` names the cell in error messages, e.g. "03_momentum.ipynb, cell 7".
    """
    lines = source.split("\n")
    out = []
    open_at = None           # index of the open BEGIN line
    hints, stubs = [], []
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if open_at is not None:
                raise EditionError(f"{where}, line {number + 1}: {BEGIN} inside the solution opened at line "
                                   f"{open_at + 1} (missing {END}?)")
            open_at, hints, stubs = number, [], []
        elif stripped.startswith(END):
            if open_at is None:
                raise EditionError(f"{where}, line {number + 1}: {END} without a {BEGIN} before it")
            indent = _indent(lines[open_at])
            out.extend(f"{indent}# Hint: {h}" for h in hints)
            if stubs:
                out.extend(f"{indent}{s}" for s in stubs)
            else:
                name = _enclosing_function(lines, open_at)
                if name is None:
                    raise EditionError(
                        f"{where}, line {open_at + 1}: a solution outside any function needs a "
                        f"'{STUB} ...' line (code the learner edition runs instead, e.g. "
                        f"'{STUB} result = None'): a bare raise there would stop the notebook")
                out.append(f'{indent}raise NotImplementedError("Exercise: write the body of {name}")')
            open_at = None
        elif stripped.startswith(HINT):
            text = stripped[len(HINT):].strip()
            if open_at is None:
                out.append(f"{_indent(line)}# Hint: {text}")
            else:
                hints.append(text)
        elif stripped.startswith(STUB):
            if open_at is None:
                raise EditionError(f"{where}, line {number + 1}: {STUB} outside a {BEGIN} ... {END} block")
            stubs.append(stripped[len(STUB):].strip())
        elif open_at is None:
            out.append(line)
    if open_at is not None:
        raise EditionError(f"{where}, line {open_at + 1}: {BEGIN} has no {END}")
    return "\n".join(out)


def learner_markdown(source, where="cell"):
    """Return a markdown cell's source with fenced answers replaced by a placeholder."""
    out, open_at = [], None
    for number, line in enumerate(source.split("\n")):
        stripped = line.strip()
        if stripped == MD_BEGIN:
            if open_at is not None:
                raise EditionError(f"{where}, line {number + 1}: {MD_BEGIN} inside the answer opened at line "
                                   f"{open_at + 1} (missing {MD_END}?)")
            open_at = number
        elif stripped == MD_END:
            if open_at is None:
                raise EditionError(f"{where}, line {number + 1}: {MD_END} without a {MD_BEGIN} before it")
            out.append(MD_PLACEHOLDER)
            open_at = None
        elif open_at is None:
            out.append(line)
    if open_at is not None:
        raise EditionError(f"{where}, line {open_at + 1}: {MD_BEGIN} has no {MD_END}")
    return "\n".join(out)


def _source(cell):
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def _as_lines(text):
    """Store a source as nbformat does on disk: a list of lines, each but the last ending in \\n."""
    return text.splitlines(keepends=True)


def learner_notebook(nb, name="notebook"):
    """Return the learner edition of a notebook (a dict as read from JSON); ``nb`` is not changed."""
    out = json.loads(json.dumps(nb))  # a deep copy
    for index, cell in enumerate(out.get("cells", [])):
        where = f"{name}, cell {index}" + (f" (id {cell['id']})" if cell.get("id") else "")
        if cell.get("cell_type") == "code":
            cell["source"] = _as_lines(learner_source(_source(cell), where))
            cell["outputs"] = []
            cell["execution_count"] = None
            for key in ("execution", "ExecuteTime"):
                cell.get("metadata", {}).pop(key, None)
        elif cell.get("cell_type") == "markdown":
            cell["source"] = _as_lines(learner_markdown(_source(cell), where))
    out.setdefault("metadata", {})["ngopt_edition"] = "learner"
    return out


def _read(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise EditionError(f"{Path(path).name} is not a valid notebook (JSON error: {err})") from None


#: Where a wheel carries the solution notebooks (``pyproject.toml`` maps ``notebooks/`` here).
PACKAGED_COURSE = Path(__file__).resolve().parent / "course"
_CHECKOUT_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def course_notebooks():
    """The solution notebooks of the course, sorted: the installed package's, else the checkout's.

    An installed wheel holds them in ``ngopt_course/course/``; a checkout (an editable
    install included) has them in ``notebooks/`` beside the package, next to its
    ``pyproject.toml``.
    """
    for folder in (PACKAGED_COURSE, _CHECKOUT_NOTEBOOKS):
        if folder == _CHECKOUT_NOTEBOOKS and not (folder.parent / "pyproject.toml").is_file():
            continue
        found = sorted(folder.glob("[0-9]*.ipynb"))
        if found:
            return found
    raise EditionError(f"the course's notebooks are missing: neither {PACKAGED_COURSE} (an installed wheel) nor "
                       f"{_CHECKOUT_NOTEBOOKS} (a checkout) holds any. Reinstall the package, or name the "
                       f"notebooks on the command line")


def check_notebooks(paths):
    """Validate the markers of every notebook; return the number of fenced solutions."""
    count = 0
    for path in paths:
        nb = _read(path)
        learner_notebook(nb, Path(path).name)  # raises EditionError on bad markers
        count += sum(1 for c in nb.get("cells", []) if c.get("cell_type") == "code"
                     for line in _source(c).split("\n") if line.strip().startswith(BEGIN))
    return count


# ---------------------------------------------------------------------------
# Writing into a learner's folder: never over their work
# ---------------------------------------------------------------------------

def cells_sha256(nb):
    """SHA-256 of a notebook's cells as a learner sees them: each cell's type and source.

    Outputs, execution counts and metadata do not count: running a notebook does not
    change it, editing a cell does.
    """
    cells = [[c.get("cell_type"), _source(c)] for c in nb.get("cells", [])]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()


def _recorded_sha256(nb):
    meta = nb.get("metadata", {}).get("ngopt_course", {})
    return meta.get("learner_sha256") if isinstance(meta, dict) else None


def _stamped(nb):
    """The learner edition with the hash of its own cells recorded in its metadata."""
    nb["metadata"].setdefault("ngopt_course", {})["learner_sha256"] = cells_sha256(nb)
    return nb


def _dumps(nb):
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _free_name(folder, stem, tag):
    """``stem.tag.ipynb``, or ``stem.tag-2.ipynb``, ``-3``, ...: the first name not taken."""
    candidate, n = folder / f"{stem}.{tag}.ipynb", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}.{tag}-{n}.ipynb"
    return candidate


def _write_new(path, text):
    """Write ``text`` to ``path``, which must not exist (``open(..., "x")``): never over a file."""
    with open(path, "x", encoding="utf-8") as f:
        f.write(text)


@dataclass
class NotebookUpdate:
    """What writing the learner edition did with one notebook.

    ``action`` is one of "wrote" (it was missing), "unchanged" (the folder's copy is the
    current edition, cell for cell), "kept" (the folder's copy is kept and the course's
    version is the one it was written from), "updated beside" (kept, and the newer
    version written to ``written``), "replaced" (``overwrite``: the old file copied to
    ``backup`` first).
    """

    name: str
    action: str
    target: Path
    written: Path | None = None
    backup: Path | None = None
    learner_changed: bool = False

    @property
    def message(self):
        mine = "you changed it" if self.learner_changed else "you had not changed it"
        if self.action == "wrote":
            return f"wrote {self.name}"
        if self.action == "unchanged":
            return f"unchanged {self.name} (already the course's current version)"
        if self.action == "kept":
            return f"kept {self.name} ({mine}; the course's version is still the one it was written from)"
        if self.action == "updated beside":
            return (f"kept {self.name} ({mine}); the course's newer version is beside it: {self.written.name}"
                    + ("" if self.learner_changed else " (delete yours and rename it, or run again with "
                                                       "--overwrite, to take it)"))
        return f"replaced {self.name}; your old file is kept as {self.backup.name}"


def update_learner_edition(paths, out_dir, overwrite=False):
    """Write the learner edition of ``paths`` into ``out_dir`` without losing a learner's work.

    For each notebook: missing in ``out_dir``, it is written. Present, it is kept; when
    the course's learner edition differs from the one the file was written from (the
    hash recorded in its metadata, or the file's own cells when it has none), the new one
    is written beside it as ``NAME.updated.ipynb`` (if that name holds another version
    already: ``NAME.updated-2.ipynb``, ...). With ``overwrite=True`` an existing notebook
    that differs is replaced, after it is copied to ``NAME.backup.ipynb`` (never over an
    earlier backup). Every notebook is converted before anything is written, so a marker
    error leaves ``out_dir`` untouched. Refuses to write into a source notebook's folder.

    Returns
    -------
    list of NotebookUpdate
        One per notebook, in order; ``.message`` says what happened in one line.
    """
    paths = [Path(p) for p in paths]
    out_dir = Path(out_dir)
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {overwrite!r}")
    if out_dir.exists() and not out_dir.is_dir():
        raise EditionError(f"--out {out_dir} is a file, not a folder")
    for path in paths:
        if not path.is_file():
            raise EditionError(f"{path} does not exist")
        if out_dir.resolve() == path.parent.resolve():
            raise EditionError(f"refusing to write the learner edition into {path.parent}, the folder of the "
                               f"solution notebooks: it would overwrite them. Choose another --out folder")
    names = [p.name for p in paths]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise EditionError(f"several notebooks are named {twice}: they would overwrite each other in {out_dir}")
    converted = [(out_dir / p.name, _stamped(learner_notebook(_read(p), p.name))) for p in paths]
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for target, nb in converted:
        new_hash = _recorded_sha256(nb)
        if not target.exists():
            _write_new(target, _dumps(nb))
            results.append(NotebookUpdate(target.name, "wrote", target, written=target))
            continue
        try:
            old = _read(target)
        except EditionError:
            old = {}
        old_cells = cells_sha256(old) if old else None
        written_from = _recorded_sha256(old) or old_cells
        changed = old_cells != written_from if _recorded_sha256(old) else old_cells != new_hash
        if old_cells == new_hash:
            results.append(NotebookUpdate(target.name, "unchanged", target, learner_changed=False))
        elif overwrite:
            backup = _free_name(out_dir, target.stem, "backup")
            _write_new(backup, target.read_text(encoding="utf-8"))   # a copy first; then replace
            target.write_text(_dumps(nb), encoding="utf-8")
            results.append(NotebookUpdate(target.name, "replaced", target, written=target, backup=backup,
                                          learner_changed=changed))
        elif written_from == new_hash:
            results.append(NotebookUpdate(target.name, "kept", target, learner_changed=changed))
        else:
            beside = _existing_update(out_dir, target.stem, new_hash)
            if beside is None:
                beside = _free_name(out_dir, target.stem, "updated")
                _write_new(beside, _dumps(nb))
            results.append(NotebookUpdate(target.name, "updated beside", target, written=beside,
                                          learner_changed=changed))
    return results


def _existing_update(folder, stem, new_hash):
    """An ``stem.updated*.ipynb`` already holding this version, untouched since, or None."""
    for path in sorted(folder.glob(f"{stem}.updated*.ipynb")):
        try:
            nb = _read(path)
        except EditionError:
            continue
        if _recorded_sha256(nb) == new_hash == cells_sha256(nb):
            return path
    return None


def write_learner_edition(paths, out_dir, overwrite=False):
    """Write the learner edition of ``paths`` into ``out_dir``; return the paths written.

    ``update_learner_edition`` with its report reduced to the files it wrote (the
    notebooks that were missing, updates beside kept ones, replacements with
    ``overwrite``). Existing notebooks are never overwritten unless ``overwrite=True``,
    and then only after a backup.
    """
    return [u.written for u in update_learner_edition(paths, out_dir, overwrite) if u.written is not None]


def _parser(prog):
    parser = argparse.ArgumentParser(prog=prog, description=(
        "The course for a learner: write your own copy of the notebooks (the learner edition: "
        "solutions become stubs), open it, and see which exercises you have done."))
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="write the learner edition into FOLDER (default my-course), "
                                         "then open it in JupyterLab")
    start.add_argument("folder", nargs="?", type=Path, default=Path("my-course"))
    start.add_argument("--no-lab", action="store_true", help="only write the notebooks, do not open JupyterLab")
    learner = sub.add_parser("learner", help="write the learner edition into --out")
    learner.add_argument("--out", required=True, type=Path, help="folder for the learner notebooks")
    learner.add_argument("notebooks", nargs="*", type=Path, help="default: the course's notebooks")
    for command in (start, learner):
        command.add_argument("--overwrite", action="store_true",
                             help="replace notebooks that are already there (each is first copied to "
                                  "NAME.backup.ipynb); without it they are kept and updates go beside them")
    progress = sub.add_parser("progress", help="which exercises are done, not done yet or failing, per notebook "
                                               "(reads the notebooks as saved; changes nothing)")
    progress.add_argument("folder", nargs="?", type=Path, default=Path("."),
                          help="your course folder (default: the current folder)")
    check = sub.add_parser("check", help="only check that the solution markers are well formed")
    check.add_argument("notebooks", nargs="*", type=Path, help="default: the course's notebooks")
    return parser


_COMMANDS = ("start", "learner", "progress", "check", "-h", "--help")


def _open_lab(folder):
    first = folder / "00_welcome.ipynb"
    command = [sys.executable, "-m", "jupyterlab", str(first if first.is_file() else folder)]
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        print(f"JupyterLab is not installed: pip install jupyterlab, then jupyter lab {folder}")
        return 0
    print("opening JupyterLab:", " ".join(command))
    return subprocess.call(command)


def main(argv=None):
    """Command line entry point; returns the exit status (0 ok, 2 on a marker or path error).

    ``ngopt-course`` and ``python -m ngopt_course.editions`` take the commands ``start``,
    ``learner``, ``progress`` and ``check``. Without a command, ``learner`` is meant, so
    the old console script ``ngopt-learner-edition --out DIR`` works as before.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    script = Path(sys.argv[0]).name
    prog = script if script in ("ngopt-course", "ngopt-learner-edition") else "python -m ngopt_course.editions"
    if not argv or argv[0] not in _COMMANDS:
        argv = ["learner", *argv]
    args = _parser(prog).parse_args(argv)
    try:
        if args.command == "progress":
            from . import progress

            try:
                print(progress.summary(args.folder).text())
            except FileNotFoundError as err:
                print(f"error: {err}", file=sys.stderr)
                return 2
            return 0
        paths = (getattr(args, "notebooks", None) or course_notebooks())
        if args.command == "check":
            count = check_notebooks(paths)
            print(f"{len(paths)} notebook(s), {count} fenced solution(s): markers are well formed")
            return 0
        out = args.folder if args.command == "start" else args.out
        updates = update_learner_edition(paths, out, overwrite=args.overwrite)
        for update in updates:
            print(update.message)
        words = {"wrote": "written", "replaced": "replaced (the old ones backed up)",
                 "updated beside": "kept with the newer version beside", "kept": "kept", "unchanged": "unchanged"}
        said = ", ".join(f"{n} {word}" for action, word in words.items()
                         if (n := sum(u.action == action for u in updates)))
        print(f"the learner edition of {len(updates)} notebook(s) in {out}: {said}")
        if args.command == "start":
            if not args.no_lab:
                return _open_lab(out)
            print(f"open it with: jupyter lab {out / '00_welcome.ipynb'}")
    except EditionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
