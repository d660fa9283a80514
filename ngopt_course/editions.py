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

Usage::

    python -m ngopt_course.editions learner --out DIR [NOTEBOOK ...]
    python -m ngopt_course.editions check [NOTEBOOK ...]     # only validate the markers
    ngopt-learner-edition --out DIR [NOTEBOOK ...]           # the console script

Without NOTEBOOK arguments, every ``notebooks/*.ipynb`` under the current folder is used.
Outputs and execution counts are cleared. Writing into a source notebook's own folder
is refused (it would overwrite the solutions); marker errors name the notebook, the
cell and the line.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

__all__ = ["EditionError", "learner_source", "learner_markdown", "learner_notebook", "write_learner_edition",
           "check_notebooks", "main"]

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


def _default_notebooks():
    found = sorted(Path("notebooks").glob("*.ipynb"))
    if not found:
        raise EditionError("no notebooks given and none found in ./notebooks")
    return found


def check_notebooks(paths):
    """Validate the markers of every notebook; return the number of fenced solutions."""
    count = 0
    for path in paths:
        nb = _read(path)
        learner_notebook(nb, Path(path).name)  # raises EditionError on bad markers
        count += sum(1 for c in nb.get("cells", []) if c.get("cell_type") == "code"
                     for line in _source(c).split("\n") if line.strip().startswith(BEGIN))
    return count


def write_learner_edition(paths, out_dir):
    """Write the learner edition of ``paths`` into ``out_dir``; return the written paths.

    Every notebook is converted before anything is written, so a marker error leaves
    ``out_dir`` untouched. Refuses to write into a source notebook's folder.
    """
    paths = [Path(p) for p in paths]
    out_dir = Path(out_dir)
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
    converted = [(out_dir / p.name, learner_notebook(_read(p), p.name)) for p in paths]
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, nb in converted:
        target.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return [t for t, _ in converted]


def _parser(prog):
    parser = argparse.ArgumentParser(prog=prog, description=(
        "Write the learner edition of the course's notebooks: solutions between "
        f"'{BEGIN}' and '{END}' become stubs, outputs are cleared."))
    sub = parser.add_subparsers(dest="command", required=True)
    learner = sub.add_parser("learner", help="write the learner edition into --out")
    learner.add_argument("--out", required=True, type=Path, help="folder for the learner notebooks")
    learner.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    check = sub.add_parser("check", help="only check that the solution markers are well formed")
    check.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    return parser


def main(argv=None):
    """Command line entry point; returns the exit status (0 ok, 2 on a marker or path error).

    The console script ``ngopt-learner-edition`` runs the ``learner`` command, so
    ``ngopt-learner-edition --out DIR`` works without naming it.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    script = Path(sys.argv[0]).name
    prog = script if script == "ngopt-learner-edition" else "python -m ngopt_course.editions"
    if not argv or argv[0] not in ("learner", "check", "-h", "--help"):
        argv = ["learner", *argv]
    args = _parser(prog).parse_args(argv)
    try:
        paths = args.notebooks or _default_notebooks()
        if args.command == "check":
            count = check_notebooks(paths)
            print(f"{len(paths)} notebook(s), {count} fenced solution(s): markers are well formed")
        else:
            written = write_learner_edition(paths, args.out)
            print(f"wrote the learner edition of {len(written)} notebook(s) to {args.out}")
    except EditionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
