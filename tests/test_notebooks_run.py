"""Every notebook runs clean and repeatably: no warnings, same numbers every time.

nbval (in the same test command) proves each notebook runs top to bottom in a fresh
kernel. This module adds what nbval does not look at:

- no stderr output at all (warnings included), no error outputs;
- running a notebook twice in one kernel, and in a second fresh kernel, gives the same
  outputs: text, numbers and figures. Cells that time something live (their numbers
  change from run to run by nature) carry the cell tag ``timing``; cells showing a widget
  or a progress bar carry ``nbval-ignore-output``; both are excluded from the comparison
  but must still run without error or warning.
"""

import base64
import hashlib
import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXCLUDED_TAGS = {"timing", "nbval-ignore-output"}


def _kernel_env():
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # would silently drop inline figures
    return env


def _fingerprint(output):
    """What must be identical between runs: text and image data, not ids or metadata."""
    if output["output_type"] == "stream":
        return ("stream", output["name"], output["text"])
    data = output.get("data", {})
    parts = []
    for mime in ("text/plain", "text/html", "text/markdown"):
        if mime in data and "application/vnd.jupyter.widget-view+json" not in data:
            parts.append((mime, data[mime] if isinstance(data[mime], str) else "".join(data[mime])))
    if "image/png" in data:
        parts.append(("image/png", hashlib.sha256(base64.b64decode(data["image/png"])).hexdigest()))
    return (output["output_type"], tuple(parts))


def _snapshot(nb):
    snap = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if EXCLUDED_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        snap[index] = [_fingerprint(o) for o in cell.get("outputs", [])]
    return snap


def _problems(nb):
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output["output_type"] == "error":
                found.append(f"cell {index}: {output['ename']}: {output['evalue']}")
            elif output["output_type"] == "stream" and output["name"] == "stderr":
                found.append(f"cell {index} wrote to stderr: {output['text'][:300]!r}")
    return found


def _run_all(client, nb):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            client.execute_cell(cell, index)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_clean_and_repeatable(path):
    def fresh_client():
        nb = nbformat.read(path, as_version=4)
        client = nbclient.NotebookClient(
            nb, timeout=180, kernel_name="python3", coalesce_streams=True,
            resources={"metadata": {"path": str(path.parent)}},
        )
        return nb, client

    nb, client = fresh_client()
    with client.setup_kernel(env=_kernel_env()):
        _run_all(client, nb)
        assert not _problems(nb), _problems(nb)
        first = _snapshot(nb)
        _run_all(client, nb)  # the learner runs everything a second time
        assert not _problems(nb), _problems(nb)
        again = _snapshot(nb)

    nb2, client2 = fresh_client()
    with client2.setup_kernel(env=_kernel_env()):
        _run_all(client2, nb2)
    fresh = _snapshot(nb2)

    for label, other in (("a second run in the same kernel", again), ("a fresh kernel", fresh)):
        differing = [i for i in first if first[i] != other.get(i)]
        assert not differing, (
            f"{path.name}: cells {differing} gave other outputs in {label}; seed what is random "
            f"or tag cells that time things with 'timing'"
        )
