"""Notebook 01 on a machine with little memory (a browser: JupyterLite) uses a smaller m.

nbval runs notebook 01 with the lecture's m = 5,000,000. Here the same notebook runs in a
fresh kernel whose ``large_m()`` sees 1 GiB of memory, so the large set has 500,000
examples, in a temporary cache: every claim the notebook asserts must still hold.
"""

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_mini_batch_gradient_descent.ipynb"
# Stands in for a small machine: large_m() asks _physical_memory how much there is.
SMALL_MACHINE = "import ngopt_course.data\nngopt_course.data._physical_memory = lambda: 1024**3"


@pytest.mark.timeout(600)
def test_notebook_01_runs_with_a_tenth_of_m_when_memory_is_small(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SMALL_MACHINE))
    nb.cells.append(nbformat.v4.new_code_cell("print('m =', X_big.shape[1], 'T =', history_big.costs.size)"))
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["NGOPT_CACHE"] = str(tmp_path / "cache")
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=env)   # a failed assert in any cell raises CellExecutionError
    assert nb.cells[-1].outputs[0]["text"].split() == ["m", "=", "500000", "T", "=", "500"]
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [
        "large_m500000_n20_seed0_v1_X.npy", "large_m500000_n20_seed0_v1_Y.npy"]
