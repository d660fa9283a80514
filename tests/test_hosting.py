"""Opening the course with no install: Binder's configuration, the Colab links and setup cell.

Colab and mybinder.org cannot be reached from here, so what can be checked is checked:
every link in README has the form the settings in ``ngopt_course/hosting.py`` give, every
notebook starts with the one setup cell, and that cell's logic runs here with a stand-in
for Colab (a fake ``google.colab`` module) and for pip (a stubbed ``subprocess.run``).
"""

import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from ngopt_course import hosting

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


# ---------------------------------------------------------------------------
# The notebooks carry the one setup cell
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_notebook_starts_with_the_colab_setup_cell(path):
    cells = _code_cells(path)
    first = cells[0]
    assert first.source == hosting.colab_cell_source(), (
        f"{path.name}: run python -m ngopt_course.hosting colab-cell --write notebooks/*.ipynb")
    assert first.metadata.get("tags") == [hosting.COLAB_TAG] and first.get("id") == hosting.COLAB_TAG
    tagged = [c for c in cells if hosting.COLAB_TAG in c.metadata.get("tags", [])]
    assert len(tagged) == 1


# ---------------------------------------------------------------------------
# What the cell does, with Colab and pip stood in for
# ---------------------------------------------------------------------------

@pytest.fixture
def calls(monkeypatch):
    """Record subprocess.run and Colab's enable_custom_widget_manager, in order."""
    record = []

    def fake_run(args, **kwargs):
        record.append(("run", list(args), kwargs))
        return subprocess.CompletedProcess(args, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    return record


def _fake_colab(monkeypatch, record):
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: record.append(("enable_custom_widget_manager",))
    colab.output = output
    google.colab = colab
    for name, module in (("google", google), ("google.colab", colab), ("google.colab.output", output)):
        monkeypatch.setitem(sys.modules, name, module)


def test_outside_colab_the_cell_does_nothing(monkeypatch, calls):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    namespace = {}
    exec(hosting.colab_cell_source(), namespace)
    assert calls == []
    assert set(namespace) - {"__builtins__"} == {"sys"}      # it imported sys, nothing else


def test_in_colab_the_cell_installs_the_course_then_enables_widgets(monkeypatch, calls):
    _fake_colab(monkeypatch, calls)
    exec(hosting.colab_cell_source(), {})
    assert calls == [
        ("run", [sys.executable, "-m", "pip", "install", "--quiet",
                 "ngopt-course @ git+https://github.com/OWNER/REPO@main"], {"check": True}),
        ("enable_custom_widget_manager",),
    ]
    assert hosting.install_requirement() == "ngopt-course @ git+https://github.com/OWNER/REPO@main"


def test_in_colab_a_failed_install_stops_the_cell(monkeypatch, calls):
    _fake_colab(monkeypatch, calls)

    def failing_run(args, **kwargs):
        calls.append(("run", list(args), kwargs))
        raise subprocess.CalledProcessError(1, args)

    monkeypatch.setattr(subprocess, "run", failing_run)
    with pytest.raises(subprocess.CalledProcessError):
        exec(hosting.colab_cell_source(), {})
    assert [c[0] for c in calls] == ["run"]                    # widgets not switched on


def test_the_cell_follows_the_repository_setting():
    source = hosting.colab_cell_source("someone/ngopt-fork", "teaching")
    assert '"ngopt-course @ git+https://github.com/someone/ngopt-fork@teaching"' in source
    assert "OWNER/REPO" not in source
    compile(source, "<colab-setup>", "exec")


# ---------------------------------------------------------------------------
# The script that writes the cell: first among the code cells, idempotent
# ---------------------------------------------------------------------------

def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_add_colab_cell_inserts_before_the_first_code_cell_once():
    title, code = nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x = 1")
    nb = _notebook(title, code)
    assert hosting.add_colab_cell(nb) is True
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[1].source == hosting.colab_cell_source() and nb.cells[2] is code
    assert hosting.add_colab_cell(nb) is False                # idempotent
    assert len(nb.cells) == 3


def test_add_colab_cell_updates_and_moves_an_old_cell():
    old = nbformat.v4.new_code_cell("print('old')", metadata={"tags": [hosting.COLAB_TAG]})
    code = nbformat.v4.new_code_cell("x = 1")
    nb = _notebook(nbformat.v4.new_markdown_cell("# T"), code, old)
    assert hosting.add_colab_cell(nb) is True
    assert [c.source for c in nb.cells[1:]] == [hosting.colab_cell_source(), "x = 1"]
    nb.cells.append(nbformat.v4.new_code_cell("y", metadata={"tags": [hosting.COLAB_TAG]}))
    with pytest.raises(ValueError, match="2 cells tagged 'colab-setup'"):
        hosting.add_colab_cell(nb)


def test_the_command_line_is_idempotent(tmp_path, capsys):
    copies = []
    for path in NOTEBOOKS[:2]:
        nb = nbformat.read(path, as_version=4)
        nb.cells = [c for c in nb.cells if hosting.COLAB_TAG not in c.metadata.get("tags", [])]
        copies.append(tmp_path / path.name)
        nbformat.write(nb, copies[-1], version=4)
    assert hosting.main(["colab-cell", "--write", *map(str, copies)]) == 0
    once = [p.read_bytes() for p in copies]
    assert hosting.main(["colab-cell", "--write", *map(str, copies)]) == 0
    assert [p.read_bytes() for p in copies] == once
    assert [p.read_bytes() for p in copies] == [p.read_bytes() for p in NOTEBOOKS[:2]]  # as committed
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == ["updated", "updated", "unchanged", "unchanged"]


# ---------------------------------------------------------------------------
# README's links agree with the one setting
# ---------------------------------------------------------------------------

def test_readme_section_is_what_the_settings_give():
    section = hosting.readme_section([p.name for p in NOTEBOOKS])
    assert section in README, "run python -m ngopt_course.hosting readme --write README.md"
    assert README.index("## Quick start") < README.index(hosting.README_HEADING)


def test_every_binder_and_colab_link_in_readme_is_consistent():
    binder = re.findall(r"https://mybinder\.org/v2/[^\s)]+", README)
    colab = re.findall(r"https://colab\.research\.google\.com/github/[^\s)]+", README)
    assert binder == [hosting.binder_url()]
    # Binder opens the learner edition binder/postBuild writes, not the solutions
    assert binder[0] == "https://mybinder.org/v2/gh/OWNER/REPO/main?urlpath=lab/tree/my-course/00_welcome.ipynb"
    assert colab == [hosting.colab_url(p.name) for p in NOTEBOOKS]
    for link in colab:
        assert (ROOT / "notebooks" / link.rsplit("/", 1)[1]).is_file()
    assert "replace it with your fork" in README


def test_the_readme_command_keeps_readme_and_adds_a_missing_section(tmp_path, capsys):
    copy = tmp_path / "README.md"
    copy.write_text(README, encoding="utf-8")
    assert hosting.main(["readme", "--write", str(copy), "--notebooks", str(ROOT / "notebooks")]) == 0
    assert copy.read_text(encoding="utf-8") == README
    without = hosting.update_readme(README, [p.name for p in NOTEBOOKS]).replace(
        hosting.readme_section([p.name for p in NOTEBOOKS]) + "\n", "")
    assert hosting.README_HEADING not in without
    assert hosting.update_readme(without, [p.name for p in NOTEBOOKS]) == README
    assert "unchanged" in capsys.readouterr().out


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: hosting.binder_url("not a repo"), r"repository == 'not a repo', must be a GitHub 'owner/name'"),
        (lambda: hosting.colab_url("00_welcome.ipynb", branch="a b"), r"branch == 'a b', must be a branch name"),
        (lambda: hosting.colab_url("README.md"), r"notebook == 'README.md', must be a notebook file name"),
    ],
)
def test_bad_settings_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------------
# Binder's configuration
# ---------------------------------------------------------------------------

def _requirements(path):
    return [line.split("#")[0].strip() for line in path.read_text().splitlines() if line.split("#")[0].strip()]


def test_binder_pins_python_and_installs_the_course_as_a_package():
    assert (ROOT / "binder" / "runtime.txt").read_text() == "python-3.11\n"
    binder = _requirements(ROOT / "binder" / "requirements.txt")
    learner = _requirements(ROOT / "requirements.txt")
    # what a learner installs, but the course as a package (not editable): "." is the repository
    assert binder == [("." if line == "-e ." else line) for line in learner]


def test_binder_opens_a_learner_edition_that_its_post_build_writes(tmp_path):
    """binder/postBuild, run as Binder runs it (bash, in the build's folder, with the course
    installed), writes the learner edition where Binder's link opens: every notebook of the
    course, each exercise a stub (no solution fence left), the solutions kept apart."""
    import os

    script = ROOT / "binder" / "postBuild"
    assert os.access(script, os.X_OK), "Binder runs postBuild only when it is executable"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    run = subprocess.run(["bash", str(script)], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    folder = tmp_path / hosting.BINDER_LEARNER_FOLDER
    opened = hosting.binder_url().split("urlpath=lab/tree/", 1)[1]
    assert (tmp_path / opened).is_file(), opened
    assert sorted(path.name for path in folder.glob("*.ipynb")) == [path.name for path in NOTEBOOKS]
    solved = [path.name for path in NOTEBOOKS if "### BEGIN SOLUTION" in path.read_text(encoding="utf-8")]
    assert len(solved) >= 5, solved                       # the course has exercises to blank
    for name in solved:
        text = (folder / name).read_text(encoding="utf-8")
        assert "### BEGIN SOLUTION" not in text and "### END SOLUTION" not in text, name
