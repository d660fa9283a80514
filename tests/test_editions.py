"""editions: the learner edition replaces fenced solutions by stubs and still runs top to bottom."""

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ngopt_course import editions
from ngopt_course.editions import EditionError, learner_markdown, learner_notebook, learner_source, main

COURSE = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))

nbformat = pytest.importorskip("nbformat")


def src(text):
    return textwrap.dedent(text).strip("\n")


# ---------------------------------------------------------------------------
# One cell
# ---------------------------------------------------------------------------

def test_fence_becomes_a_stub_keeping_signature_docstring_and_indentation():
    cell = src('''
        def ewa(theta, beta):
            """The plain average."""
            ### HINT: keep one running number v.
            ### BEGIN SOLUTION
            v, out = 0.0, []
            for theta_t in theta:
                ### HINT: the slide's update.
                v = beta * v + (1 - beta) * theta_t
                out.append(v)
            ### END SOLUTION
            return out
    ''')
    assert learner_source(cell) == src('''
        def ewa(theta, beta):
            """The plain average."""
            # Hint: keep one running number v.
            # Hint: the slide's update.
            raise NotImplementedError("Exercise: write the body of ewa")
            return out
    ''')


def test_each_fence_gets_its_function_name_and_own_indentation():
    cell = src('''
        class Thing:
            def first(self):
                ### BEGIN SOLUTION
                return 1
                ### END SOLUTION

        def second(x):
            if x:
                ### BEGIN SOLUTION
                return 2
                ### END SOLUTION
            return 0
    ''')
    out = learner_source(cell).split("\n")
    assert '        raise NotImplementedError("Exercise: write the body of first")' in out
    assert '        raise NotImplementedError("Exercise: write the body of second")' in out
    assert "return 1" not in learner_source(cell) and "return 2" not in learner_source(cell)
    assert out[-1] == "    return 0"


def test_stub_lines_replace_a_top_level_solution():
    cell = src('''
        ### BEGIN SOLUTION
        ### STUB: learning_rates = None
        learning_rates = [0.2 / (1 + e) for e in range(1, 5)]
        ### END SOLUTION
        print(learning_rates)
    ''')
    assert learner_source(cell) == "learning_rates = None\nprint(learning_rates)"


def test_code_without_markers_is_unchanged():
    cell = "import numpy as np\nx = np.ones(3)  # a comment\n"
    assert learner_source(cell) == cell


@pytest.mark.parametrize("cell, message", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n",
     r"nb.ipynb, cell 3, line 2: ### BEGIN SOLUTION has no ### END SOLUTION"),
    ("def f():\n    return 1\n    ### END SOLUTION\n",
     r"nb.ipynb, cell 3, line 3: ### END SOLUTION without a ### BEGIN SOLUTION before it"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION\n",
     r"nb.ipynb, cell 3, line 3: ### BEGIN SOLUTION inside the solution opened at line 2"),
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n",
     r"nb.ipynb, cell 3, line 1: a solution outside any function needs a '### STUB: ...' line"),
    ("if True:\n    ### BEGIN SOLUTION\n    x = 1\n    ### END SOLUTION\n",
     r"line 2: a solution outside any function needs a '### STUB: ...' line"),
    ("x = 1\n### STUB: x = None\n",
     r"nb.ipynb, cell 3, line 2: ### STUB: outside a ### BEGIN SOLUTION ... ### END SOLUTION block"),
])
def test_unbalanced_or_misplaced_markers_name_notebook_cell_and_line(cell, message):
    with pytest.raises(EditionError, match=re.escape(message)):
        learner_source(cell, where="nb.ipynb, cell 3")


def test_markdown_answers_are_replaced_and_checked():
    md = "Why?\n<!-- BEGIN SOLUTION -->\nBecause v_0 = 0.\n<!-- END SOLUTION -->\nNext."
    assert learner_markdown(md) == "Why?\n*(Your answer here.)*\nNext."
    with pytest.raises(EditionError, match="md cell, line 2: <!-- BEGIN SOLUTION --> has no <!-- END SOLUTION -->"):
        learner_markdown("Why?\n<!-- BEGIN SOLUTION -->\nBecause.", where="md cell")


# ---------------------------------------------------------------------------
# Whole notebooks
# ---------------------------------------------------------------------------

EXERCISE = src('''
    def ewa(theta, beta):
        """v_1..v_T of v_t = beta v_{t-1} + (1 - beta) theta_t, v_0 = 0."""
        ### HINT: one running number v, as in the slide's loop.
        ### BEGIN SOLUTION
        v, out = 0.0, np.zeros(len(theta))
        for t, theta_t in enumerate(theta, start=1):
            v = beta * v + (1 - beta) * theta_t
            out[t - 1] = v
        return out
        ### END SOLUTION
''')


def solution_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# EWA\nWhy start at 0?\n<!-- BEGIN SOLUTION -->\nThe slide does.\n"
                                      "<!-- END SOLUTION -->"),
        nbformat.v4.new_code_cell("import numpy as np\nfrom ngopt_course import exercises"),
        nbformat.v4.new_code_cell(EXERCISE),
        nbformat.v4.new_code_cell('exercises.check("ewa", ewa)'),
        nbformat.v4.new_code_cell('ewa = exercises.use_or_reference("ewa", ewa)'),
        nbformat.v4.new_code_cell("print(np.round(ewa(np.array([40.0, 49.0, 45.0]), 0.9), 4))"),
        nbformat.v4.new_code_cell("def spin(theta, beta):\n    while True:\n        pass\n"
                                  "exercises.check('ewa', spin, time_limit=0.3)"),
        nbformat.v4.new_code_cell("print('the kernel carries on')"),
    ]
    # outputs as if it had been run: the learner edition must drop them
    nb.cells[3].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "passed"}, execution_count=3)]
    nb.cells[3].execution_count = 3
    nb.cells[3].metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00"}
    return nb


@pytest.fixture
def course(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    nbformat.write(solution_notebook(), source / "01_ewa.ipynb")
    plain = nbformat.v4.new_notebook()
    plain.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(plain, source / "00_welcome.ipynb")
    return source


def test_learner_edition_is_written_clean_and_valid(course, tmp_path, capsys):
    out = tmp_path / "learner"
    assert main(["learner", "--out", str(out), str(course / "00_welcome.ipynb"), str(course / "01_ewa.ipynb")]) == 0
    said = capsys.readouterr().out
    assert said.splitlines() == ["wrote 00_welcome.ipynb", "wrote 01_ewa.ipynb",
                                 f"the learner edition of 2 notebook(s) in {out}: 2 written"]
    nb = nbformat.read(out / "01_ewa.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["ngopt_edition"] == "learner"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "execution" not in code[2].metadata
    exercise = code[1].source
    assert exercise.startswith('def ewa(theta, beta):\n    """v_1..v_T')
    assert '    # Hint: one running number v, as in the slide\'s loop.\n' in exercise
    assert exercise.endswith('    raise NotImplementedError("Exercise: write the body of ewa")')
    assert "enumerate" not in exercise
    assert "*(Your answer here.)*" in nb.cells[0].source and "The slide does." not in nb.cells[0].source
    # the source notebook is untouched
    assert "enumerate" in nbformat.read(course / "01_ewa.ipynb", as_version=4).cells[2].source


def test_refuses_to_overwrite_the_solutions(course, capsys):
    before = (course / "01_ewa.ipynb").read_text()
    assert main(["learner", "--out", str(course), str(course / "01_ewa.ipynb")]) == 2
    err = capsys.readouterr().err
    assert "error: refusing to write the learner edition into" in err and "it would overwrite them" in err
    assert (course / "01_ewa.ipynb").read_text() == before


def test_marker_error_names_the_notebook_and_writes_nothing(course, tmp_path, capsys):
    nb = solution_notebook()
    nb.cells[2].source = nb.cells[2].source.replace("    ### END SOLUTION", "")
    nbformat.write(nb, course / "02_broken.ipynb")
    out = tmp_path / "learner"
    assert main(["--out", str(out), str(course / "01_ewa.ipynb"), str(course / "02_broken.ipynb")]) == 2
    err = capsys.readouterr().err
    assert "error: 02_broken.ipynb, cell 2 (id " in err and "line 4: ### BEGIN SOLUTION has no ### END SOLUTION" in err
    assert not out.exists()
    assert main(["check", str(course / "02_broken.ipynb")]) == 2
    assert main(["check", str(course / "01_ewa.ipynb")]) == 0
    assert "1 notebook(s), 1 fenced solution(s): markers are well formed" in capsys.readouterr().out


def test_default_notebooks_are_the_courses_and_module_entry_point(tmp_path):
    # From any folder, with no notebooks named: the course's own (the checkout's notebooks/
    # here; an installed wheel's ngopt_course/course/, tests/test_wheel_install.py).
    out = tmp_path / "learner"
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    run = subprocess.run([sys.executable, "-m", "ngopt_course.editions", "learner", "--out", str(out)],
                         cwd=empty, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in COURSE]
    assert run.stdout.splitlines()[0] == f"wrote {COURSE[0].name}"


def test_missing_course_notebooks_say_where_they_were_looked_for(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(editions, "PACKAGED_COURSE", tmp_path / "site" / "ngopt_course" / "course")
    monkeypatch.setattr(editions, "_CHECKOUT_NOTEBOOKS", tmp_path / "nothing" / "notebooks")
    assert main(["learner", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "the course's notebooks are missing" in err and str(tmp_path / "site") in err
    assert not (tmp_path / "out").exists()


def test_learner_notebook_does_not_change_its_input():
    nb = json.loads(nbformat.writes(solution_notebook()))
    copy = json.loads(json.dumps(nb))
    learner_notebook(nb, "x.ipynb")
    assert nb == copy


# ---------------------------------------------------------------------------
# Both editions run top to bottom in a real kernel
# ---------------------------------------------------------------------------

def _execute(path):
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=60,
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def _text(cell):
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append(f"ERROR {output.ename}: {output.evalue}")
        else:
            parts.extend(output.get("data", {}).get(m, "") for m in ("text/plain", "text/html"))
    return "\n".join(parts)


@pytest.mark.notebooks
def test_learner_edition_runs_and_reports_not_done(course, tmp_path):
    out = tmp_path / "learner"
    assert main(["learner", "--out", str(out), str(course / "01_ewa.ipynb")]) == 0
    nb = _execute(out / "01_ewa.ipynb")
    assert not any(o.output_type == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    check_cell, fallback_cell, use_cell = nb.cells[3], nb.cells[4], nb.cells[5]
    assert "ewa: not done yet" in _text(check_cell)
    assert "ngopt-check-not-done" in _text(check_cell)
    assert _text(fallback_cell) == ("ewa: yours is not done yet, so the cells below use the package's "
                                    "implementation.\n")
    assert _text(use_cell).strip() == "[ 4.    8.5  12.15]"     # v_1..v_3 of the slide, by hand
    # an endless loop in the learner's code is stopped inside the real kernel, which carries on
    assert "ewa: stopped after 0.3 s on case 1" in _text(nb.cells[6])
    assert "line 3 in spin: pass" in _text(nb.cells[6]) or "line 2 in spin: while True:" in _text(nb.cells[6])
    assert _text(nb.cells[7]) == "the kernel carries on\n"


@pytest.mark.notebooks
def test_solution_edition_passes_its_check(course):
    nb = _execute(course / "01_ewa.ipynb")
    assert "ewa: passed all 8 cases" in _text(nb.cells[3]) and "ngopt-check-pass" in _text(nb.cells[3])
    assert _text(nb.cells[4]) == "ewa: using your implementation (it passes its check).\n"
    assert _text(nb.cells[5]).strip() == "[ 4.    8.5  12.15]"


# ---------------------------------------------------------------------------
# The course's own notebooks
# ---------------------------------------------------------------------------

NEW_EXERCISES = {
    "01_mini_batch_gradient_descent.ipynb": ["random_mini_batches", "mini_batch_epoch"],
    "04_momentum.ipynb": ["momentum_update", "initialize_velocity", "update_parameters_with_momentum"],
    "06_adam.ipynb": ["adam_update", "initialize_adam", "update_parameters_with_adam"],
    "07_learning_rate_decay.ipynb": ["inverse_time_decay", "schedule_lr_decay"],
    "09_capstone.ipynb": ["model"],
}


@pytest.mark.parametrize("name, functions", NEW_EXERCISES.items())
def test_course_notebooks_stub_every_exercise_and_keep_the_hints(name, functions):
    from pathlib import Path
    path = Path(__file__).resolve().parents[1] / "notebooks" / name
    nb = learner_notebook(json.loads(path.read_text()), name)
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for function in functions:
        assert f'raise NotImplementedError("Exercise: write the body of {function}")' in code, function
    assert "### BEGIN SOLUTION" not in code and "### HINT" not in code
    assert code.count("# Hint: ") >= len(functions)


def test_every_exercise_heading_states_its_difficulty():
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "notebooks"
    for name in NEW_EXERCISES:
        nb = json.loads((root / name).read_text())
        headings = [line for c in nb["cells"] if c["cell_type"] == "markdown"
                    for line in "".join(c["source"]).split("\n") if line.startswith("## ") and "Exercise" in line]
        assert headings, name
        for heading in headings:
            assert any(w in heading for w in ("(a warm-up", "a full function", "(the whole loop)")), heading


# ---------------------------------------------------------------------------
# A learner's folder: kept, updates beside, overwrite only after a backup
# ---------------------------------------------------------------------------

def _bytes(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _solve(path):
    """What a learner does: write the body of ewa, and run the notebook (an output)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].source = nb.cells[2].source.replace('raise NotImplementedError("Exercise: write the body of ewa")',
                                                    "return theta")
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="my run\n")]
    nbformat.write(nb, path)


def _newer_course(course):
    nb = nbformat.read(course / "01_ewa.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A new paragraph of the course."))
    nbformat.write(nb, course / "01_ewa.ipynb")


def test_the_written_notebook_records_the_hash_of_its_cells(course, tmp_path):
    out = tmp_path / "learner"
    assert main(["learner", "--out", str(out), str(course / "01_ewa.ipynb")]) == 0
    nb = json.loads((out / "01_ewa.ipynb").read_text())
    assert nb["metadata"]["ngopt_course"]["learner_sha256"] == editions.cells_sha256(nb)
    # outputs and metadata do not count, a cell's source does
    nb["cells"][3]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    nb["metadata"]["kernelspec"] = {"name": "other"}
    assert editions.cells_sha256(nb) == nb["metadata"]["ngopt_course"]["learner_sha256"]
    nb["cells"][2]["source"] += "\n# mine"
    assert editions.cells_sha256(nb) != nb["metadata"]["ngopt_course"]["learner_sha256"]


def test_a_newer_course_arrives_beside_the_learners_notebook(course, tmp_path, capsys):
    out = tmp_path / "learner"
    notebooks = [str(course / "00_welcome.ipynb"), str(course / "01_ewa.ipynb")]
    assert main(["learner", "--out", str(out), *notebooks]) == 0
    _solve(out / "01_ewa.ipynb")
    (out / "00_welcome.ipynb").unlink()                                  # deleted: it comes back
    worked = (out / "01_ewa.ipynb").read_bytes()
    _newer_course(course)
    capsys.readouterr()
    assert main(["learner", "--out", str(out), *notebooks]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "wrote 00_welcome.ipynb",
        "kept 01_ewa.ipynb (you changed it); the course's newer version is beside it: 01_ewa.updated.ipynb",
        f"the learner edition of 2 notebook(s) in {out}: 1 written, 1 kept with the newer version beside",
    ]
    assert (out / "01_ewa.ipynb").read_bytes() == worked
    update = nbformat.read(out / "01_ewa.updated.ipynb", as_version=4)
    assert update.cells[-1].source == "A new paragraph of the course."
    assert "NotImplementedError" in update.cells[2].source
    # Again: nothing new (the update beside is already this version).
    before = _bytes(out)
    assert main(["learner", "--out", str(out), *notebooks]) == 0
    assert _bytes(out) == before
    # The learner starts working in the update; a still newer course goes to a new name.
    _solve(out / "01_ewa.updated.ipynb")
    before = _bytes(out)
    _newer_course(course)
    assert main(["learner", "--out", str(out), *notebooks]) == 0
    after = _bytes(out)
    assert {k: v for k, v in after.items() if k in before} == before
    assert sorted(after.keys() - before.keys()) == ["01_ewa.updated-2.ipynb"]


def test_an_unchanged_old_notebook_is_kept_too_and_the_message_says_how_to_take_the_update(course, tmp_path, capsys):
    out = tmp_path / "learner"
    assert main(["learner", "--out", str(out), str(course / "01_ewa.ipynb")]) == 0
    _newer_course(course)
    capsys.readouterr()
    assert main(["learner", "--out", str(out), str(course / "01_ewa.ipynb")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "kept 01_ewa.ipynb (you had not changed it); the course's newer version is beside it: "
        "01_ewa.updated.ipynb (delete yours and rename it, or run again with --overwrite, to take it)")


def test_overwrite_replaces_only_after_a_backup_and_never_over_a_backup(course, tmp_path, capsys):
    out = tmp_path / "learner"
    assert main(["learner", "--out", str(out), str(course / "01_ewa.ipynb")]) == 0
    _solve(out / "01_ewa.ipynb")
    first_work = (out / "01_ewa.ipynb").read_bytes()
    _newer_course(course)
    capsys.readouterr()
    assert main(["learner", "--overwrite", "--out", str(out), str(course / "01_ewa.ipynb")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "replaced 01_ewa.ipynb; your old file is kept as 01_ewa.backup.ipynb")
    assert (out / "01_ewa.backup.ipynb").read_bytes() == first_work
    fresh = editions.learner_notebook(json.loads((course / "01_ewa.ipynb").read_text()), "01_ewa.ipynb")
    assert editions.cells_sha256(json.loads((out / "01_ewa.ipynb").read_text())) == editions.cells_sha256(fresh)
    # Worked on again and overwritten again: a second backup, the first one untouched.
    _solve(out / "01_ewa.ipynb")
    second_work = (out / "01_ewa.ipynb").read_bytes()
    assert main(["learner", "--overwrite", "--out", str(out), str(course / "01_ewa.ipynb")]) == 0
    assert (out / "01_ewa.backup.ipynb").read_bytes() == first_work
    assert (out / "01_ewa.backup-2.ipynb").read_bytes() == second_work
    # An unchanged notebook is not "replaced" (no backup of an identical file).
    assert main(["learner", "--overwrite", "--out", str(out), str(course / "01_ewa.ipynb")]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["01_ewa.backup-2.ipynb", "01_ewa.backup.ipynb", "01_ewa.ipynb"]


def test_a_notebook_from_before_the_hash_is_kept_and_the_update_goes_beside(course, tmp_path, capsys):
    out = tmp_path / "learner"
    out.mkdir()
    old = editions.learner_notebook(json.loads((course / "01_ewa.ipynb").read_text()), "01_ewa.ipynb")
    old["cells"][2]["source"] = ["def ewa(theta, beta):\n", "    return theta\n"]   # no recorded hash
    (out / "01_ewa.ipynb").write_text(json.dumps(old))
    before = (out / "01_ewa.ipynb").read_bytes()
    assert main(["learner", "--out", str(out), str(course / "01_ewa.ipynb")]) == 0
    assert (out / "01_ewa.ipynb").read_bytes() == before
    assert (out / "01_ewa.updated.ipynb").is_file()
    assert "kept 01_ewa.ipynb (you changed it)" in capsys.readouterr().out


def test_out_must_be_a_folder(course, tmp_path, capsys):
    afile = tmp_path / "my-course"
    afile.write_text("not a folder")
    assert main(["learner", "--out", str(afile), str(course / "01_ewa.ipynb")]) == 2
    assert f"--out {afile} is a file, not a folder" in capsys.readouterr().err
    assert afile.read_text() == "not a folder"
    with pytest.raises(TypeError, match="overwrite must be True or False, got 1"):
        editions.write_learner_edition([course / "01_ewa.ipynb"], tmp_path / "x", overwrite=1)


def test_start_writes_the_course_and_says_how_to_open_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["start", "--no-lab"]) == 0
    assert sorted(p.name for p in (tmp_path / "my-course").iterdir()) == [p.name for p in COURSE]
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [f"the learner edition of {len(COURSE)} notebook(s) in my-course: {len(COURSE)} written",
                        f"open it with: jupyter lab {Path('my-course', '00_welcome.ipynb')}"]


def test_start_opens_the_first_notebook_in_jupyterlab(tmp_path, capsys, monkeypatch):
    calls = []
    monkeypatch.setattr(editions.subprocess, "call", lambda command: calls.append(command) or 0)
    monkeypatch.chdir(tmp_path)
    assert main(["start", "course"]) == 0
    assert calls == [[sys.executable, "-m", "jupyterlab", str(Path("course", "00_welcome.ipynb"))]]
    assert capsys.readouterr().out.splitlines()[-1] == "opening JupyterLab: " + " ".join(calls[0])
    # A second start writes nothing and opens it again.
    before = {p.name: p.read_bytes() for p in (tmp_path / "course").iterdir()}
    assert main(["start", "course"]) == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "course").iterdir()} == before and len(calls) == 2
