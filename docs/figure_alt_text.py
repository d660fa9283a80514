"""Write each figure's one-line description into its notebook cell, as the website's alt text.

Every figure of the course has a one-line description a screen reader can use. On the
website (``docs/``) myst-nb puts a cell's ``metadata.mystnb.image.alt`` on the ``<img>``
of that cell's figure; a cell that draws several figures holds one line per figure, in
order (``docs/conf.py`` gives each ``<img>`` its own line). An explorer's cell also gets a
caption saying the widget is interactive in Jupyter, since the site shows its picture.

This script only adds or replaces the ``mystnb`` key of the cells listed below; it
changes nothing else (text, other metadata, cell ids), so after a merge that touched the
notebooks it can simply be run again::

    .venv/bin/python docs/figure_alt_text.py           # write the metadata
    .venv/bin/python docs/figure_alt_text.py --check   # list what is missing or stale

A notebook cell that gains a figure needs a line here; ``tests/test_site.py`` fails on
any ``<img>`` of the site without a description.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

#: Caption under each explorer's picture on the website.
EXPLORER_CAPTION = ("Interactive in Jupyter: open this notebook in JupyterLab to move the controls. "
                    "Shown here: its figure at the settings this cell chooses.")

#: notebook -> cell id -> one line per figure the cell draws (in order).
ALT_TEXT = {
    "00_welcome.ipynb": {
        "7d2e821e": "Colour key of the course: one colour swatch per optimizer (gradient descent, "
                    "momentum, RMSProp, Adam) and per beta (0.5, 0.9, 0.98).",
    },
    "01_mini_batch_gradient_descent.ipynb": {
        "4ca71d00": "Bar chart of the time to compute Z for all examples: a Python loop over the "
                    "examples against one vectorized product, the loop far slower.",
        "14f6c4fa": "Cost of each mini-batch over one epoch of 5,000,000 examples: noisy light-blue "
                    "values with their running mean falling steadily.",
        "b2f66f8b": "Two cost curves: batch gradient descent going down smoothly on every iteration "
                    "(left); mini-batch gradient descent noisy but trending down (right).",
        "bb988bf1": "Two panels against the mini-batch size: time per epoch on a log scale (left) and "
                    "the cost on all 20,000 examples after 0.25 s of training (right).\n"
                    "Cost against training time for mini-batch sizes 1, 64, 1024 and the whole set: "
                    "size 1 noisy, the whole set smooth but slow, 64 and 1024 lowest.",
        # on the teaching branch (issue 12); written here so a merge needs only a re-run
        "fb07b8c4": "Batch, stochastic (size 1) and mini-batch (size 10) gradient descent on the "
                    "contours of a line fit's cost (left), and each one's distance to the minimum "
                    "step by step (right): batch smooth, size 1 noisiest.",
        "e64565a3": "Mini-batch explorer: the cost against training time and against epochs for the "
                    "chosen mini-batch size, beside the other sizes.",
    },
    "02_exponentially_weighted_averages.ipynb": {
        "b30b68ce": "Daily temperatures of a synthetic London year in degrees Fahrenheit: cool in "
                    "winter, warm in July, with day-to-day noise.",
        "4a5d3561": "The temperatures with their exponentially weighted averages: beta 0.98 smoother "
                    "and later than beta 0.9 (top); beta 0.5 following the noise (bottom).",
        "be503b11": "EWA explorer: the year's temperatures with the average for the chosen beta, "
                    "and its window of about 1 / (1 - beta) days.",
        "8efdea6b": "The first 100 days with v_100 marked (top), and the exponentially decaying "
                    "weights that v_100 gives to each past day (bottom).",
    },
    "03_bias_correction.ipynb": {
        "4bf25ee4": "The first 60 days with beta 0.98: the uncorrected average starts near 0 degrees "
                    "and climbs slowly; the corrected one starts on the data.",
        "c4812f38": "Percentage by which bias correction raises v_t against the step t, log scales, "
                    "for beta 0.9, 0.98 and 0.999: it falls below 1 % later for larger beta.",
        "efadc752": "Bias-correction explorer: the first days of the year with the corrected and the "
                    "uncorrected average for the chosen beta.",
    },
    "04_momentum.ipynb": {
        "30d5c0c8": "Gradient descent on the contours of an elongated bowl: at alpha 0.18 it zigzags "
                    "vertically and crawls horizontally (left); at alpha 0.21 it diverges (right).",
        "6fa0fb52": "The coordinates of gradient descent against the step: y flips sign every step "
                    "(left), x creeps towards 0 (right).",
        "fad913a3": "Gradient and momentum's average v against the step: vertically the gradient "
                    "flips sign and v stays small (left); horizontally v catches up with it (right).",
        "44dfb2bc": "Gradient descent and momentum on the elongated bowl: momentum heads along the "
                    "valley (left) and its loss falls faster on a log scale (right).",
        "6408a937": "Momentum's error against the step on a log scale, measured and predicted: "
                    "swinging inside a shrinking envelope (complex case, left), smooth (real case, right).",
        "78fd86f1": "Map of momentum's convergence rate over the learning rate alpha and beta, with "
                    "the divergence boundary, the setting of the runs and the fastest setting.",
        "c63f89c8": "Momentum explorer: gradient descent and momentum paths on the elongated bowl "
                    "with their loss curves, for the chosen alpha and beta.",
    },
    "05_rmsprop.ipynb": {
        "67bade17": "RMSProp on the bowl: the mean squares S of the vertical and horizontal gradients "
                    "(left), and each coordinate's effective learning rate (right).",
        "44736391": "Gradient descent and RMSProp on the elongated bowl: RMSProp heads almost "
                    "straight along the valley (left) and its loss falls faster (right).",
        "35bcebfe": "At alpha 0.3 gradient descent diverges off the bowl while RMSProp converges: "
                    "the paths (left) and the losses on a log scale (right).",
        "90a3a5eb": "RMSProp explorer: gradient descent and RMSProp paths on the elongated bowl "
                    "with their loss curves, for the chosen alpha and beta.",
    },
    "06_adam.ipynb": {
        "faeb9bf3": "Adam's first steps: the uncorrected averages v and s warming up to their "
                    "targets (left), and the step size with and without bias correction (right).",
        "8d35bd91": "Adam's step against the gradient's size, log scales, with epsilon outside and "
                    "inside the square root: inside, small gradients get smaller steps.",
        "80bfb4e8": "Cost curves of Adam with epsilon outside and inside the square root: the same "
                    "on the moons network (left); with the cost times 1e-3, inside falls behind (right).",
        "4f2fa3ee": "The optimizer race on five surfaces: paths of gradient descent, momentum, "
                    "RMSProp and Adam on each surface's contours, each at its tuned alpha.",
        "5bc689cf": "The race on the elongated bowl at twice the tuned learning rates: gradient "
                    "descent blows up, the other three arrive (paths and loss curves).",
        "1f220c1d": "Momentum and Adam on the elongated bowl turned by 45 degrees (left), and each "
                    "optimizer's steps to the tolerance on the bowl and on the turned bowl (right).",
        "25da8747": "Race explorer: the four optimizers' paths and loss curves on the chosen surface.",
    },
    "07_learning_rate_decay.ipynb": {
        "845c73f1": "Mini-batch gradient descent on a line fit's cost contours, fixed alpha against "
                    "decaying alpha: the whole paths, then zooms where fixed alpha wanders and decay settles.",
        "9096d507": "Distance to the minimum against the epoch on a log scale: fixed alpha keeps "
                    "wandering, decaying alpha settles, decaying too fast stops short.",
        "8cb48f90": "Learning-rate schedules against the epoch: constant, inverse-time, exponential, "
                    "inverse square root per epoch and per iteration, staircase and manual.",
        "0989b204": "Bar chart of how far each schedule's run still wanders over epochs 26-30, "
                    "with a dotted line for no decay.",
        "07c9a20b": "Four panels of paths on a line fit's cost contours under the same mini-batch "
                    "noise: gradient descent, momentum, Adam, and Adam with decay.",
        "bf3c2877": "Decay explorer: the chosen schedules' learning rate against the epoch for the "
                    "chosen alpha0, decay rate and k.",
    },
    "08_local_optima_and_plateaus.ipynb": {
        "59a20e94": "Gradient descent on a tilted double well stops in the higher local minimum "
                    "(left); its loss above the global minimum stops falling (right).",
        "905073e3": "Map of 1,681 starting points on the double well's contours, coloured by the "
                    "minimum gradient descent ends in: global or local.",
        "caff7267": "Share of random Hessians that are minima, maxima and saddles against the "
                    "dimension n (left); at n = 20, how many directions curve down (right).",
        "d4138b37": "Scatter plot of the critical points of a random 6-dimensional landscape: the "
                    "loss against how many directions curve down; the minima are the lowest.",
        "5b4ef5d4": "Census explorer: for the chosen dimension n, the share of random critical "
                    "points by how many directions curve down.",
        "5de1644a": "The four optimizers escaping the saddle point of x^2 - y^2 + y^4/4 (left), and "
                    "the size of their gradient against the step (right).",
        "1fa381f6": "The four optimizers crossing a plateau into a well (left), and the size of their "
                    "gradient against the step (right).",
        "b8e22ea2": "Plateau explorer: the chosen optimizer's path on the chosen surface and the size "
                    "of its gradient against the step.",
    },
    "09_capstone.ipynb": {
        "e952b7b3": "Scatter plot of the two-moons training set: two interleaved half-moons of "
                    "points labelled 0 and 1.",
        "7ad53a70": "Six panels of the two-moons data with each trained network's decision "
                    "boundary and accuracy, one per optimizer and learning-rate setting.",
        "7761d286": "Cost per epoch on a log scale: the three optimizers at alpha 0.0007 (left); "
                    "fixed and decayed alpha0 = 0.1 (right).",
        "9c7d3f7e": "Capstone explorer: the chosen optimizer's cost curve and decision boundary on "
                    "the two moons, for the chosen learning-rate setting.",
    },
}

#: Cells that display an explorer (their figure gets the caption above).
EXPLORER_CELLS = {
    "01_mini_batch_gradient_descent.ipynb": "e64565a3",
    "02_exponentially_weighted_averages.ipynb": "be503b11",
    "03_bias_correction.ipynb": "efadc752",
    "04_momentum.ipynb": "c63f89c8",
    "05_rmsprop.ipynb": "90a3a5eb",
    "06_adam.ipynb": "25da8747",
    "07_learning_rate_decay.ipynb": "bf3c2877",
    "08_local_optima_and_plateaus.ipynb": ["5b4ef5d4", "b8e22ea2"],
    "09_capstone.ipynb": "9c7d3f7e",
}


_EXPLORER_SHOWN = re.compile(r"^(\w+)\s*=\s*\w*(?:explorer|optimizer_race)\(", re.M)


def figures_drawn(source):
    """Figures a code cell shows: one per ``plt.show()``, one for an explorer displayed last."""
    lines = source.strip().splitlines()
    shown = bool(lines) and lines[-1].strip() in _EXPLORER_SHOWN.findall(source)
    return source.count("plt.show()") + shown


def _explorer_cells(name):
    cells = EXPLORER_CELLS.get(name, [])
    return {cells} if isinstance(cells, str) else set(cells)


def wanted_metadata(name, cell_id):
    """The ``mystnb`` metadata a cell should carry, or None when it draws no figure."""
    alt = ALT_TEXT.get(name, {}).get(cell_id)
    if alt is None:
        return None
    wanted = {"image": {"alt": alt}}
    if cell_id in _explorer_cells(name):
        wanted["figure"] = {"caption": EXPLORER_CAPTION}
    return wanted


def apply(path, *, write):
    """(stale cells, absent cells) of one notebook; with ``write``, fix the stale metadata."""
    notebook = nbformat.read(path, as_version=4)
    ids = {cell.get("id") for cell in notebook.cells}
    # Not an error: a description may be written ahead of a branch that adds its cell.
    absent = [f"{path.name}: (no cell {cell_id} here; its description waits)"
              for cell_id in ALT_TEXT.get(path.name, {}) if cell_id not in ids]
    problems = []
    changed = False
    for cell in notebook.cells:
        wanted = wanted_metadata(path.name, cell.get("id"))
        drawn = figures_drawn(cell.source) if cell.cell_type == "code" else 0
        lines = len(wanted["image"]["alt"].splitlines()) if wanted else 0
        if drawn != lines:
            problems.append(f"{path.name}: cell {cell.get('id')} draws {drawn} figure(s) "
                            f"and has {lines} description line(s) here")
        if wanted is None or cell.metadata.get("mystnb") == wanted:
            continue
        problems.append(f"{path.name}: cell {cell.id} has stale or no figure description")
        cell.metadata["mystnb"] = wanted
        changed = True
    if write and changed:
        nbformat.write(notebook, path, version=4)
    return problems, absent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    args = parser.parse_args(argv)
    problems, absent = [], []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        stale, waiting = apply(path, write=not args.check)
        problems += stale
        absent += waiting
    for line in problems + absent:
        print(line)
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
