"""Both editions run top to bottom: every exercise unsolved, and every exercise solved.

``python -m ngopt_course.editions learner`` replaces each fenced solution by a stub. A
learner who skips an exercise must never be blocked: its check says "not done yet" and
the rest of the notebook carries on with the package's implementation. A learner who
solves every exercise gets, exercise by exercise, the solution edition (the committed
notebooks): every check must pass there and every later cell use the learner's code.
"""

import os
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from ngopt_course.editions import BEGIN, write_learner_edition  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WITH_EXERCISES = [p for p in NOTEBOOKS if BEGIN in p.read_text()]
# a check whose verdict is shown: the cell's expression, or `result = ...` shown after
CHECK_CALL = re.compile(r"^(?:result = )?exercises\.check\(\s*\"(\w+)\"", re.M)


def _code(path):
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


def test_the_course_has_its_exercises():
    # mini-batches and one epoch, EWA, bias correction, momentum (one array and a network),
    # RMSProp, Adam (one array and a network), decay and the fixed-interval schedule,
    # critical points, the whole training loop
    assert len(WITH_EXERCISES) >= 9, [p.name for p in WITH_EXERCISES]
    names = {m for p in WITH_EXERCISES for m in CHECK_CALL.findall(_code(p))}
    assert {"mini_batch_epoch", "initialize_velocity", "update_parameters_with_momentum", "initialize_adam",
            "update_parameters_with_adam", "schedule_lr_decay", "model"} <= names, names


def _run(path, cwd):
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(cwd)}})
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [f"{o['ename']}: {o['evalue']}" for o in outputs if o["output_type"] == "error"]
    assert not errors, errors
    stderr = [o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == "stderr"]
    assert not stderr, stderr
    shown = "".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) + str(o.get("data", {}).get("text/html", ""))
        for o in outputs
    )
    checks = [m for c in nb.cells if c.cell_type == "code" for m in CHECK_CALL.findall(c.source)]
    return shown, checks


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[p.name for p in WITH_EXERCISES])
def test_learner_edition_runs_with_exercises_not_done(path, tmp_path):
    [learner_path] = write_learner_edition([path], tmp_path)
    shown, checks = _run(learner_path, tmp_path)
    assert checks, "a notebook with an exercise checks it"
    # every check box says "not done yet", none passes or fails
    assert shown.count("ngopt-check-not-done") == len(checks), (checks, shown.count("ngopt-check-not-done"))
    assert "ngopt-check-pass" not in shown and "ngopt-check-fail" not in shown
    assert "not done yet" in shown.lower()


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[p.name for p in WITH_EXERCISES])
def test_solved_edition_runs_with_every_check_passed(path):
    shown, checks = _run(path, path.parent)
    assert shown.count("ngopt-check-pass") == len(checks), checks
    assert "ngopt-check-fail" not in shown and "ngopt-check-not-done" not in shown
    for name in set(checks):
        if f"exercises.use_or_reference(\"{name}\"" in _code(path):
            assert f"{name}: using your implementation (it passes its check)." in shown, name
