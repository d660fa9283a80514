"""Every figure's words are checked from its data, and each notebook lists them.

Issue 20: a sentence that says what a figure shows ("zigzags", "tighter", "reaches the
tolerance sooner") is asserted in a collapsed check cell from the arrays the figure plots.
Mechanically, for the notebooks listed here:

- every figure cell (a code cell with alt text for its image, or an explorer) is followed,
  before the next markdown cell, by a check cell (tagged ``check``);
- the check cell of the notebook's first figure opens with the list "Figures of this notebook": each
  figure, the claim its text makes, and where the check is, so a reviewer sees at a glance
  that no figure is left unchecked.

Notebooks 01-03 and 05-07 are being reworked for the same issue in parallel; add them to
``COVERED`` when their lists are in.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COVERED = ["00_welcome", "04_momentum", "08_local_optima_and_plateaus", "09_capstone"]
LIST_HEADER = "# Figures of this notebook"


def _cells(name):
    return json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]


def _is_figure(cell):
    mystnb = cell.get("metadata", {}).get("mystnb", {})
    return cell["cell_type"] == "code" and bool(mystnb.get("image", {}).get("alt"))


def _is_check(cell):
    return cell["cell_type"] == "code" and "check" in cell.get("metadata", {}).get("tags", [])


def unchecked_figures(cells):
    """Indices of figure cells with no check cell after them before the next markdown cell."""
    bad = []
    for i, cell in enumerate(cells):
        if not _is_figure(cell):
            continue
        checked = False
        for later in cells[i + 1:]:
            if later["cell_type"] == "markdown" or _is_figure(later):
                break
            if _is_check(later):
                checked = True
                break
        if not checked:
            bad.append(i)
    return bad


def test_detector_by_hand():
    figure = {"cell_type": "code", "metadata": {"mystnb": {"image": {"alt": "a plot"}}}, "source": []}
    check = {"cell_type": "code", "metadata": {"tags": ["check"]}, "source": []}
    code = {"cell_type": "code", "metadata": {}, "source": []}
    text = {"cell_type": "markdown", "metadata": {}, "source": []}
    assert unchecked_figures([figure, check]) == []
    assert unchecked_figures([figure, code, check]) == []
    assert unchecked_figures([figure, text, check]) == [0]          # a check past the text is another claim's
    assert unchecked_figures([code, figure]) == [1]
    assert unchecked_figures([figure, figure, check]) == [0]        # each figure needs its own


@pytest.mark.parametrize("name", COVERED)
def test_every_figure_has_a_check_cell(name):
    cells = _cells(name)
    assert any(_is_figure(c) for c in cells), f"{name}: no figure found: is the alt-text metadata gone?"
    bad = unchecked_figures(cells)
    assert not bad, f"{name}: figure cells {bad} have no check cell before the next text; assert their claims"


@pytest.mark.parametrize("name", COVERED)
def test_first_figures_check_cell_lists_the_figures(name):
    cells = _cells(name)
    first_figure = next(i for i, c in enumerate(cells) if _is_figure(c))
    first = next(c for c in cells[first_figure:] if _is_check(c))
    source = "".join(first["source"])
    assert source.startswith(LIST_HEADER), f"{name}: the first figure's check cell should open with '{LIST_HEADER}'"
    listed = [line for line in source.splitlines() if line.startswith("#   ")]
    assert len(listed) >= sum(_is_figure(c) for c in cells) - 1, f"{name}: list every figure and its claim"
