"""Every figure's claims are listed, and asserted, in a check cell after it (issue 20).

A sentence that says what a figure shows ("zigzags", "tighter", "lags by about two weeks") is
asserted in a collapsed check cell from the arrays the figure plots. Mechanically, for every
notebook:

- a figure cell is a code cell with a screen-reader description (``mystnb.image.alt``) that is
  not a widget (widgets carry ``nbval-ignore-output`` and draw what the learner chooses; where
  their text makes claims, those are checked too, but the explorer itself is not a figure here);
- before the next figure, a check cell (tagged ``check``) follows each figure;
- the claims are listed so that a reviewer sees at a glance that no figure is left unchecked,
  in one of the course's two forms: a table of the notebook's figures opening the first
  figure's check cell (``# Figures of this notebook``: figure, claim, which cell asserts it;
  00, 04, 08, 09), or a ``# Figure`` block opening each figure's own check cell (01-03, 05-07).
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TABLE_HEADER = "# Figures of this notebook"
BLOCK_HEADER = "# Figure"
ASSERTS = re.compile(r"^\s*assert\b|\.assert_\w+\(|\bcheck_\w+\(", re.MULTILINE)


def _cells(name):
    return json.loads((ROOT / "notebooks" / name).read_text())["cells"]


def _source(cell):
    return "".join(cell["source"]).lstrip()


def _is_figure(cell):
    meta = cell.get("metadata", {})
    return (cell["cell_type"] == "code" and bool(meta.get("mystnb", {}).get("image", {}).get("alt"))
            and "nbval-ignore-output" not in meta.get("tags", []))


def _is_check(cell):
    return cell["cell_type"] == "code" and "check" in cell.get("metadata", {}).get("tags", [])


def _checks_after(cells, i):
    """The check cells after figure ``i``, up to the next figure."""
    checks = []
    for later in cells[i + 1:]:
        if _is_figure(later):
            break
        if _is_check(later):
            checks.append(later)
    return checks


def unchecked_figures(cells):
    """Indices of figure cells with no asserting check cell before the next figure."""
    return [i for i, cell in enumerate(cells)
            if _is_figure(cell) and not any(ASSERTS.search(_source(c)) for c in _checks_after(cells, i))]


def unlisted_figures(cells):
    """Indices of figures whose claims no list names: neither the notebook's table nor their own block."""
    figures = [i for i, cell in enumerate(cells) if _is_figure(cell)]
    if not figures:
        return []
    first_checks = _checks_after(cells, figures[0])
    if first_checks and _source(first_checks[0]).startswith(TABLE_HEADER):
        entries = [line for line in _source(first_checks[0]).splitlines()[1:] if re.match(r"#   \S", line)]
        return [] if len(entries) >= len(figures) else figures[len(entries):]
    return [i for i in figures
            if not any(_source(c).startswith(BLOCK_HEADER) for c in _checks_after(cells, i))]


def test_detectors_by_hand():
    figure = {"cell_type": "code", "source": ["plt.show()"], "metadata": {"mystnb": {"image": {"alt": "a plot"}}}}
    widget = {"cell_type": "code", "source": ["w"], "metadata": {"mystnb": {"image": {"alt": "a widget"}},
                                                                  "tags": ["nbval-ignore-output"]}}
    block = {"cell_type": "code", "source": ["# Figure: a plot.\n", "assert x > 0"], "metadata": {"tags": ["check"]}}
    bare = {"cell_type": "code", "source": ["assert x > 0"], "metadata": {"tags": ["check"]}}
    empty = {"cell_type": "code", "source": ["# Figure: nothing checked"], "metadata": {"tags": ["check"]}}
    table = {"cell_type": "code", "metadata": {"tags": ["check"]},
             "source": ["# Figures of this notebook:\n", "#   first  'rises'  -> this cell\n",
                        "#   second 'falls'  -> after it\n", "assert x > 0"]}
    text = {"cell_type": "markdown", "source": ["It rises."], "metadata": {}}
    assert unchecked_figures([figure, text, block]) == []
    assert unchecked_figures([figure, empty]) == [0]                 # a list without an assert checks nothing
    assert unchecked_figures([figure, figure, block]) == [0]         # one check cell does not cover two figures
    assert unchecked_figures([widget, text]) == []
    assert unlisted_figures([figure, bare]) == [0]
    assert unlisted_figures([figure, block, figure, block]) == []
    assert unlisted_figures([figure, table, figure, bare]) == []     # the table names both
    assert unlisted_figures([figure, table, figure, bare, figure, bare]) == [4]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_figure_is_checked_and_listed(name):
    cells = _cells(name)
    if name.startswith(("01", "02", "03", "04", "05", "06", "07", "08", "09")):
        assert any(_is_figure(c) for c in cells), f"{name}: no figure found: is the alt-text metadata gone?"
    unchecked = unchecked_figures(cells)
    assert not unchecked, f"{name}: figure cells {unchecked} have no check cell asserting their claims before the next figure"
    unlisted = unlisted_figures(cells)
    assert not unlisted, (f"{name}: figure cells {unlisted} are in no list of claims (a '{TABLE_HEADER}' table "
                          f"in the first figure's check cell, or a '{BLOCK_HEADER}' block opening their own)")
