"""Opening the course with no install: the Binder and Colab links, and Colab's setup cell.

Binder and Colab open notebooks straight from a public GitHub repository, so every link
names one. The course does not know where it is published: ``REPOSITORY`` holds the
placeholder ``OWNER/REPO``. Whoever publishes the course (or a fork of it) sets
``REPOSITORY`` (and ``BRANCH``) here once, then runs::

    python -m ngopt_course.hosting colab-cell --write notebooks/*.ipynb   # each notebook's first code cell
    python -m ngopt_course.hosting readme --write README.md               # README's "Open without installing"

Both are idempotent: run them again and nothing changes. Without ``--write`` they only
say which files would change (and exit with 1 if any would): a file someone edited is
never rewritten unless told. ``tests/test_hosting.py``
checks that the notebooks and README agree with the settings here.

The setup cell must run before the course is installed, so it cannot import anything
from this package: its text (``colab_cell_source``) is plain Python that the script
writes into each notebook.
"""

from __future__ import annotations

import argparse
import re
import textwrap
from pathlib import Path

__all__ = [
    "REPOSITORY",
    "BRANCH",
    "COLAB_TAG",
    "binder_url",
    "colab_url",
    "install_requirement",
    "colab_cell_source",
    "add_colab_cell",
    "readme_section",
    "update_readme",
    "main",
]

#: GitHub "owner/name" of the published course. PLACEHOLDER: replace with your fork's.
REPOSITORY = "OWNER/REPO"
#: The branch the links open.
BRANCH = "main"
#: Folder of the notebooks (the solution edition) inside the repository, the one Colab opens.
NOTEBOOK_FOLDER = "notebooks"
#: Folder of the learner edition that ``binder/postBuild`` writes when Binder builds the
#: course (each exercise's solution a stub): the one Binder's link opens.
BINDER_LEARNER_FOLDER = "my-course"
#: The notebook the Binder link opens first.
FIRST_NOTEBOOK = "00_welcome.ipynb"
#: Tag (and cell id) of the setup cell, so that tools and people can recognise it.
COLAB_TAG = "colab-setup"
#: README's section that this module writes.
README_HEADING = "## Open without installing"

_REPOSITORY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")


def _check_repository(repository, branch):
    if not isinstance(repository, str) or not _REPOSITORY_PATTERN.match(repository):
        raise ValueError(f"repository == {repository!r}, must be a GitHub 'owner/name' such as 'OWNER/REPO'")
    if not isinstance(branch, str) or not branch or any(c.isspace() for c in branch) or "?" in branch:
        raise ValueError(f"branch == {branch!r}, must be a branch name without spaces, such as 'main'")


def _check_notebook(notebook):
    name = Path(notebook).name if isinstance(notebook, (str, Path)) else None
    if not name or not name.endswith(".ipynb"):
        raise ValueError(f"notebook == {notebook!r}, must be a notebook file name ending in .ipynb")
    return name


def binder_url(repository=REPOSITORY, branch=BRANCH):
    """mybinder.org's link that builds the repository and opens notebook 00 in JupyterLab.

    It opens the learner edition that ``binder/postBuild`` writes into
    ``BINDER_LEARNER_FOLDER`` while Binder builds, not the solution edition.
    """
    _check_repository(repository, branch)
    return (f"https://mybinder.org/v2/gh/{repository}/{branch}"
            f"?urlpath=lab/tree/{BINDER_LEARNER_FOLDER}/{FIRST_NOTEBOOK}")


def colab_url(notebook, repository=REPOSITORY, branch=BRANCH):
    """Colab's link that opens one notebook of the repository, e.g. ``colab_url("02_....ipynb")``."""
    _check_repository(repository, branch)
    name = _check_notebook(notebook)
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/{NOTEBOOK_FOLDER}/{name}"


def install_requirement(repository=REPOSITORY, branch=BRANCH):
    """What pip installs in Colab: the course from its repository (it is not on PyPI)."""
    _check_repository(repository, branch)
    return f"ngopt-course @ git+https://github.com/{repository}@{branch}"


def colab_cell_source(repository=REPOSITORY, branch=BRANCH):
    """The first code cell of every notebook: installs the course in Colab, does nothing elsewhere.

    Colab has numpy and matplotlib but not the course; pip installs it (with ipywidgets 8,
    which the explorers need) from the repository, then Colab's custom widget manager is
    switched on so that the explorers' sliders work. In JupyterLab or on Binder the course
    is already installed and ``google.colab`` is not imported: the cell does nothing.
    """
    requirement = install_requirement(repository, branch)
    return (
        "# Colab only: install the course and switch on Colab's widget support.\n"
        "# In JupyterLab or on Binder this cell does nothing (the course is installed there).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        "    subprocess.run(\n"
        f'        [sys.executable, "-m", "pip", "install", "--quiet", "{requirement}"],\n'
        "        check=True,\n"
        "    )\n"
        "    from google.colab import output\n"
        "\n"
        "    output.enable_custom_widget_manager()"
    )


def add_colab_cell(nb, source=None):
    """Put the setup cell first among ``nb``'s code cells, or bring an existing one up to date.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Changed in place.
    source : str, optional
        Default ``colab_cell_source()``.

    Returns
    -------
    bool
        Whether anything changed (False when the notebook already had the cell as wanted).
    """
    import nbformat    # only the script needs it

    source = colab_cell_source() if source is None else source
    tagged = [i for i, cell in enumerate(nb.cells) if COLAB_TAG in cell.get("metadata", {}).get("tags", [])]
    if len(tagged) > 1:
        raise ValueError(f"the notebook has {len(tagged)} cells tagged {COLAB_TAG!r}; it must have at most one")
    if tagged:
        cell = nb.cells[tagged[0]]
        before = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and i < tagged[0]]
        if cell.cell_type == "code" and cell.source == source and not before:
            return False
        del nb.cells[tagged[0]]
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [COLAB_TAG]})
    if nb.nbformat == 4 and nb.nbformat_minor >= 5:
        cell.id = COLAB_TAG
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, cell)
    return True


def readme_section(notebooks, repository=REPOSITORY, branch=BRANCH):
    """Markdown of README's "Open without installing" section for these notebook files."""
    binder = binder_url(repository, branch)
    lines = [
        README_HEADING,
        "",
        f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder}) opens the course in JupyterLab "
        "on mybinder.org (a few minutes to build the first time), starting at notebook 00 of "
        f"your learner edition in `{BINDER_LEARNER_FOLDER}/` (the exercises for you to write; "
        "the solutions stay in `notebooks/`); nothing to install, and nothing you change is "
        "kept: download a notebook you want to keep. Binder builds it from `binder/`: Python "
        "3.11, JupyterLab and the course installed as a package, then `binder/postBuild` "
        f"writes the learner edition (`ngopt-course learner --out {BINDER_LEARNER_FOLDER}`).",
        "",
        "Or open one notebook in Google Colab (a Google account is needed). Its first code "
        f"cell (tagged `{COLAB_TAG}`) installs the course when it runs in Colab and does "
        "nothing anywhere else; run it first, then the notebook as usual. Colab opens the "
        "notebook as the repository holds it, the solution edition: each exercise comes "
        "solved. To write them yourself, use Binder's link above or your own learner edition.",
        "",
        "| notebook | Colab |",
        "|---|---|",
    ]
    for notebook in notebooks:
        name = _check_notebook(notebook)
        lines.append(f"| {name.removesuffix('.ipynb')} | "
                     f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
                     f"({colab_url(name, repository, branch)}) |")
    lines += [
        "",
        f"These links point to `{repository}` (branch `{branch}`), set in "
        "`ngopt_course/hosting.py`."
        + (" **`OWNER/REPO` is a placeholder: replace it with your fork** (set `REPOSITORY` "
           "there, then run `python -m ngopt_course.hosting readme --write README.md` and "
           "`python -m ngopt_course.hosting colab-cell --write notebooks/*.ipynb`)."
           if repository == "OWNER/REPO" else
           " After changing it, run `python -m ngopt_course.hosting readme --write README.md` and "
           "`python -m ngopt_course.hosting colab-cell --write notebooks/*.ipynb`."),
        "",
        "What was and was not tried: neither mybinder.org nor Colab can be reached from where the "
        "course is developed, so no link here has been opened and neither service has run the "
        "course. What is tested instead: every link has the form the setting gives "
        "(`tests/test_hosting.py`); the setup cell's logic runs with stand-ins for Colab and for "
        "pip (it installs only in Colab, then switches on Colab's widget manager); and the course "
        "installed from a wheel into a fresh environment outside the repository, as Binder and "
        "Colab install it, runs notebooks 02 and 03 (`tests/test_wheel_install.py`). Whether "
        "Colab's widget manager shows every explorer, and Binder's build itself, are untried.",
    ]
    # Wrap the prose as the rest of README is wrapped (table rows stay whole).
    wrapped = [line if line.startswith(("|", "#")) or not line else
               textwrap.fill(line, width=90, break_long_words=False, break_on_hyphens=False)
               for line in lines]
    return "\n".join(wrapped) + "\n"


def update_readme(text, notebooks, repository=REPOSITORY, branch=BRANCH):
    """README ``text`` with its "Open without installing" section replaced (or added after "Quick start").

    The section runs from its heading to the next ``## `` heading.
    """
    section = readme_section(notebooks, repository, branch)
    pattern = re.compile(rf"^{re.escape(README_HEADING)}\n.*?(?=^## |\Z)", flags=re.S | re.M)
    if pattern.search(text):
        return pattern.sub(lambda _: section + "\n", text, count=1)
    after = re.search(r"^## Quick start\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
    if after is None:
        raise ValueError("README has neither an 'Open without installing' nor a 'Quick start' section")
    return text[:after.end()] + section + "\n" + text[after.end():]


def main(argv=None):
    """``python -m ngopt_course.hosting colab-cell [--write] NOTEBOOK... | readme [--write] README [--notebooks DIR]``.

    Without ``--write`` nothing is written: each file is reported as "would update" or
    "unchanged", and the exit status is 1 when one would change (a check for CI).
    """
    parser = argparse.ArgumentParser(prog="python -m ngopt_course.hosting", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    cell = commands.add_parser("colab-cell", help="put the Colab setup cell first in each notebook")
    cell.add_argument("notebooks", nargs="+", type=Path)
    readme = commands.add_parser("readme", help="rewrite README's 'Open without installing' section")
    readme.add_argument("readme", type=Path)
    readme.add_argument("--notebooks", type=Path, default=None,
                        help="folder of the notebooks (default: notebooks/ beside README)")
    for command in (cell, readme):
        command.add_argument("--write", action="store_true",
                             help="rewrite the files in place (without it: only say which would change)")
    args = parser.parse_args(argv)
    pending = False

    def report(path, changed):
        nonlocal pending
        if not changed:
            print(f"unchanged {path}")
        elif args.write:
            print(f"updated {path}")
        else:
            pending = True
            print(f"would update {path} (run again with --write to rewrite it)")

    if args.command == "colab-cell":
        import nbformat

        for path in args.notebooks:
            nb = nbformat.read(path, as_version=4)
            changed = add_colab_cell(nb)
            if changed and args.write:
                nbformat.write(nb, path, version=4)
            report(path, changed)
        return 1 if pending else 0
    folder = args.notebooks or args.readme.parent / NOTEBOOK_FOLDER
    names = sorted(p.name for p in folder.glob("*.ipynb"))
    if not names:
        parser.error(f"--notebooks: no notebooks in {folder}")
    text = args.readme.read_text(encoding="utf-8")
    new = update_readme(text, names)
    if new != text and args.write:
        args.readme.write_text(new, encoding="utf-8")
    report(args.readme, new != text)
    return 1 if pending else 0


if __name__ == "__main__":
    raise SystemExit(main())
