"""The learner edition of every notebook runs top to bottom with every exercise unsolved.

``python -m ngopt_course.editions learner`` replaces each fenced solution by a stub. A
learner who skips an exercise must never be blocked: its check says "not done yet" and
the rest of the notebook carries on with the package's implementation.
"""

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from ngopt_course.editions import BEGIN, write_learner_edition  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WITH_EXERCISES = [p for p in NOTEBOOKS if BEGIN in p.read_text()]


def test_the_course_has_its_exercises():
    # mini-batches, EWA, bias correction, momentum, RMSProp, Adam, decay, one in 08/09
    assert len(WITH_EXERCISES) >= 8, [p.name for p in WITH_EXERCISES]


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[p.name for p in WITH_EXERCISES])
def test_learner_edition_runs_with_exercises_not_done(path, tmp_path):
    [learner_path] = write_learner_edition([path], tmp_path)
    nb = nbformat.read(learner_path, as_version=4)
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
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
    assert "not done yet" in shown.lower(), "an unsolved exercise's check should say it is not done yet"
