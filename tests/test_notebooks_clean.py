"""Notebooks are committed clean, listed in README, and follow the course's conventions."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ids = [p.name for p in NOTEBOOKS]


def _cells(path):
    return json.loads(path.read_text())["cells"]


def test_the_course_has_its_notebooks():
    assert len(NOTEBOOKS) >= 10, [p.name for p in NOTEBOOKS]
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert numbers == [f"{i:02d}" for i in range(len(NOTEBOOKS))], numbers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_committed_without_outputs_or_execution_counts(path):
    dirty = [
        i for i, cell in enumerate(_cells(path))
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_listed_in_readme(path):
    readme = (ROOT / "README.md").read_text()
    assert f"notebooks/{path.name}" in readme, f"README.md does not link {path.name}"


WIDGET_CALL = re.compile(r"\b(?!run_|plot_)\w+_(explorer|race)\(|\btrain\(|tqdm")  # run_race, plot_race: no widget


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_widget_and_progress_cells_are_tagged_for_nbval(path):
    untagged = [
        i for i, cell in enumerate(_cells(path))
        if cell["cell_type"] == "code" and WIDGET_CALL.search("".join(cell["source"]))
        and "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", [])
    ]
    assert not untagged, f"{path.name}: cells {untagged} show a widget or progress bar without the nbval-ignore-output tag"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_path_hacks_or_star_imports(path):
    for i, cell in enumerate(_cells(path)):
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        assert "sys.path" not in source, f"{path.name} cell {i} edits sys.path"
        assert not re.search(r"import \*", source), f"{path.name} cell {i} star-imports"
        assert "rcParams" not in source and "plt.style.use" not in source, f"{path.name} cell {i} changes matplotlib settings"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_notebooks_assert_their_claims(path):
    asserts = sum("".join(c["source"]).count("assert ") for c in _cells(path) if c["cell_type"] == "code")
    assert asserts >= 2, f"{path.name} asserts {asserts} claims; key claims must be asserted in cells"
