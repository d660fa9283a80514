"""The progress summary: per notebook, which exercises are done, not done yet or failing.

It reads the verdict each check cell showed when it last ran, from the notebook as saved;
it runs none of the learner's code and writes nothing (tests/test_no_stray_writes.py
watches the writes; here every byte is compared too).
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ngopt_course import exercises, progress
from ngopt_course.editions import main as course_main

nbformat = pytest.importorskip("nbformat")
ROOT = Path(__file__).resolve().parents[1]


def _stub(theta, beta):
    raise NotImplementedError("Exercise: write the body of ewa")


def _wrong(theta, beta):  # the (1 - beta) forgotten
    v, out = 0.0, []
    for x in theta:
        v = beta * v + x
        out.append(v)
    return np.array(out)


def _shown(result, execution_count):
    """The outputs a check cell saves when its box is shown (text/plain is ``str(result)``)."""
    return [nbformat.v4.new_output("execute_result", {"text/plain": str(result), "text/html": result._repr_html_()},
                                   execution_count=execution_count)]


def _notebook(path, fn, *, ran=True, def_count=1, check_count=2, other_check=False):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nfrom ngopt_course import exercises"),
        nbformat.v4.new_code_cell("def ewa(theta, beta):\n    ...", execution_count=def_count),
        nbformat.v4.new_code_cell('exercises.check("ewa", ewa)', execution_count=check_count),
    ]
    if ran:
        nb.cells[2].outputs = _shown(exercises.check("ewa", fn), check_count)
    if other_check:  # a check of a function this notebook does not ask for (09 looks at 06's Adam)
        nb.cells.append(nbformat.v4.new_code_cell('exercises.check("adam_update", adam_update)'))
    nbformat.write(nb, path)


def test_each_verdict_is_read_from_the_saved_check_output(tmp_path):
    _notebook(tmp_path / "01_done.ipynb", exercises.reference("ewa"))
    _notebook(tmp_path / "02_failing.ipynb", _wrong)
    _notebook(tmp_path / "03_stub.ipynb", _stub)
    _notebook(tmp_path / "04_not_run.ipynb", _stub, ran=False, other_check=True)
    _notebook(tmp_path / "05_changed.ipynb", exercises.reference("ewa"), def_count=7, check_count=3)
    (tmp_path / "06_broken.ipynb").write_text("{ not json")
    _notebook(tmp_path / "01_done.updated.ipynb", _stub)                 # the writer's copies are skipped
    _notebook(tmp_path / "01_done.backup-2.ipynb", _stub)
    summary = progress.summary(tmp_path)
    got = {nb.notebook: [(e.name, e.status, e.detail) for e in nb.exercises] for nb in summary.notebooks}
    failing = exercises.check("ewa", _wrong).headline.split(": ", 1)[1]
    assert failing.endswith("cases fail")
    assert got == {
        "01_done.ipynb": [("ewa", "done", "")],
        "02_failing.ipynb": [("ewa", "failing", failing)],
        "03_stub.ipynb": [("ewa", "not done yet", "")],
        "04_not_run.ipynb": [("ewa", "not done yet", "its check has not run (no saved output)")],
        "05_changed.ipynb": [("ewa", "done", "changed since checked: run its check cell again")],
        "06_broken.ipynb": [],
    }
    assert summary.notebooks[-1].error.startswith("JSONDecodeError")
    assert (summary.total, summary.count("done"), summary.count("failing"), summary.count("not done yet")) == (5, 2, 1, 2)
    text = summary.text().splitlines()
    assert text[0] == f"2 of 5 exercises done, 1 failing, 2 not done yet (notebooks as saved in {tmp_path})"
    assert text[1:3] == ["01_done.ipynb: 1 of 1 done", "  \u2714 ewa: done"]
    assert f"  \u2718 ewa: failing ({failing})" in text
    html = summary._repr_html_()
    assert html.count("<tr>") == 1 + 6 and "failing" in html and "06_broken.ipynb" in html


def test_the_summary_reads_and_never_writes(tmp_path):
    _notebook(tmp_path / "01.ipynb", _wrong)
    before = (tmp_path / "01.ipynb").read_bytes()
    progress.summary(tmp_path)
    assert (tmp_path / "01.ipynb").read_bytes() == before
    with pytest.raises(FileNotFoundError, match=r"folder='.*nowhere' is not a folder"):
        progress.summary(tmp_path / "nowhere")


def test_a_fresh_learner_edition_has_every_exercise_not_done_yet(tmp_path, capsys):
    assert course_main(["learner", "--out", str(tmp_path)]) == 0
    summary = progress.summary(tmp_path)
    names = [e.name for nb in summary.notebooks for e in nb.exercises]
    # every exercise the course has, each once, in the notebook that asks for it
    assert sorted(names) == sorted(exercises.EXERCISES)
    assert summary.count("not done yet") == len(names)
    by_notebook = {nb.notebook: [e.name for e in nb.exercises] for nb in summary.notebooks}
    assert by_notebook["06_adam.ipynb"] == ["adam_update", "initialize_adam", "update_parameters_with_adam"]
    assert by_notebook["09_capstone.ipynb"] == ["model"]
    assert by_notebook["00_welcome.ipynb"] == []
    capsys.readouterr()
    assert course_main(["progress", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"0 of {len(names)} exercises done, 0 failing, {len(names)} not done yet (notebooks as saved in {tmp_path})"
    assert "00_welcome.ipynb: no exercises" in out


def test_the_command_names_a_missing_folder(tmp_path):
    run = subprocess.run([sys.executable, "-m", "ngopt_course.editions", "progress", str(tmp_path / "nowhere")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2 and "is not a folder" in run.stderr and run.stdout == ""
