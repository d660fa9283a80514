"""Every figure's claims are listed, and asserted, in the check cell that follows it.

A figure cell is a code cell with a screen-reader description (``mystnb.image.alt``) that is not
a widget (widgets carry ``nbval-ignore-output`` and draw what the learner chooses). Before the next
figure, a collapsed check cell must follow it whose source starts with a ``# Figure`` comment
block: which figure, the claims its text makes, then the asserts on the arrays it plots. A
reviewer reads those blocks to see that no figure is left unchecked.

The notebooks below follow the convention; the others join the list as they adopt it.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLAIMS_LISTED = [
    "01_mini_batch_gradient_descent.ipynb",
    "02_exponentially_weighted_averages.ipynb",
    "03_bias_correction.ipynb",
    "05_rmsprop.ipynb",
    "06_adam.ipynb",
    "07_learning_rate_decay.ipynb",
]


def _is_figure(cell):
    meta = cell.get("metadata", {})
    return (cell["cell_type"] == "code" and bool(meta.get("mystnb", {}).get("image", {}).get("alt"))
            and "nbval-ignore-output" not in meta.get("tags", []))


def _is_check(cell):
    return cell["cell_type"] == "code" and "check" in cell.get("metadata", {}).get("tags", [])


def figures_without_claims(cells):
    """Indices of figure cells with no ``# Figure`` check cell before the next figure."""
    missing = []
    figures = [i for i, cell in enumerate(cells) if _is_figure(cell)]
    for k, i in enumerate(figures):
        stop = figures[k + 1] if k + 1 < len(figures) else len(cells)
        checks = ["".join(cells[j]["source"]).lstrip() for j in range(i + 1, stop) if _is_check(cells[j])]
        if not any(source.startswith("# Figure") and "assert" in source for source in checks):
            missing.append(i)
    return missing


def test_detector_by_hand():
    figure = {"cell_type": "code", "source": ["plt.show()"], "metadata": {"mystnb": {"image": {"alt": "a plot"}}}}
    widget = {"cell_type": "code", "source": ["w"], "metadata": {"mystnb": {"image": {"alt": "a widget"}},
                                                                  "tags": ["nbval-ignore-output"]}}
    listed = {"cell_type": "code", "source": ["# Figure: a plot.\n", "assert x > 0"], "metadata": {"tags": ["check"]}}
    bare = {"cell_type": "code", "source": ["assert x > 0"], "metadata": {"tags": ["check"]}}
    text = {"cell_type": "markdown", "source": ["It rises."], "metadata": {}}
    assert figures_without_claims([figure, text, listed]) == []
    assert figures_without_claims([figure, bare]) == [0]
    assert figures_without_claims([figure, figure, listed]) == [0]     # one list does not cover two figures
    assert figures_without_claims([widget, text]) == []


@pytest.mark.parametrize("name", CLAIMS_LISTED)
def test_every_figure_lists_and_checks_its_claims(name):
    cells = json.loads((ROOT / "notebooks" / name).read_text())["cells"]
    missing = figures_without_claims(cells)
    assert not missing, (
        f"{name}: figure cells {missing} have no check cell starting with a '# Figure' list of their "
        "claims (and asserting them) before the next figure"
    )
