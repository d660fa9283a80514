"""Pictures for the capstone (notebook 09): decision boundaries and cost curves.

The decision grid is computed by ``ngopt_course.experiments.capstone.decision_grid``; these helpers
only draw it. Colours come from the course palette (``plots.style``): an optimizer keeps
its colour, and a run with learning-rate decay is drawn dashed.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap

from ._figure import axes_or_new
from .style import MARK_COLOR, OKABE_ITO, OPTIMIZER_COLORS

__all__ = ["CLASS_COLORS", "plot_decision_boundary", "shade_decision_regions", "plot_cost_curves", "cost_curve_style"]

#: Label 0 (outer moon) and label 1 (inner moon).
CLASS_COLORS = (OKABE_ITO["sky_blue"], OKABE_ITO["orange"])


def shade_decision_regions(grid, ax=None):
    """Shade the regions the network labels 0 and 1 and draw the boundary between them.

    Parameters
    ----------
    grid : (xx, yy, labels)
        ``capstone.decision_grid(params, bounds, num)``.

    Returns
    -------
    matplotlib.axes.Axes
        Its limits are the grid's.
    """
    ax = axes_or_new(ax, (4.5, 4.0))
    xx, yy, labels = grid
    cmap = ListedColormap(list(CLASS_COLORS))
    ax.contourf(xx, yy, labels, levels=[-0.5, 0.5, 1.5], cmap=cmap, alpha=0.3)
    if labels.min() != labels.max():   # both labels present: draw the boundary line
        ax.contour(xx, yy, labels, levels=[0.5], colors=[MARK_COLOR], linewidths=1.0)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    return ax


def cost_curve_style(chosen, highlighted=True):
    """Width, transparency and zorder of a cost curve: the chosen run thick and on top.

    ``highlighted`` False (no run chosen): every curve medium and opaque.
    """
    if not highlighted:
        return {"lw": 2.0, "alpha": 1.0, "zorder": 2}
    return {"lw": 2.0, "alpha": 1.0, "zorder": 3} if chosen else {"lw": 1.0, "alpha": 0.35, "zorder": 2}


def plot_decision_boundary(grid, X, Y, ax=None, *, title="Decision boundary", markersize=14):
    """Shade the regions the network labels 0 and 1, and draw the examples on top.

    Parameters
    ----------
    grid : (xx, yy, labels) or None
        ``capstone.decision_grid(params, bounds, num)``; None draws only the examples.
    X : array of shape (2, m)
        The examples, one per column.
    Y : array of shape (1, m)
        Their labels 0 or 1 (the dot colours).
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (4.5, 4.0))
    if grid is not None:
        shade_decision_regions(grid, ax=ax)
    Y = np.asarray(Y).ravel()
    for k, color in enumerate(CLASS_COLORS):
        pick = Y == k
        ax.scatter(X[0, pick], X[1, pick], s=markersize, color=color, edgecolors=MARK_COLOR,
                   linewidths=0.4, label=f"y = {k}")
    ax.set_xlabel("x₁ (input feature, dimensionless)")
    ax.set_ylabel("x₂ (input feature, dimensionless)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")
    return ax


def plot_cost_curves(epoch_costs, optimizers, ax=None, *, decayed=(), labels=None, highlight=None,
                     styles=None, title="Cost per epoch", log=True):
    """Cost against the epoch for several runs: colour by optimizer, dashed with decay.

    Parameters
    ----------
    epoch_costs : dict
        Run key -> array of per-epoch costs (``History.epoch_costs``).
    optimizers : dict
        Run key -> "gd", "momentum", "rmsprop" or "adam" (the colour).
    decayed : collection
        Keys of the runs trained with learning-rate decay (drawn dashed).
    labels : dict, optional
        Run key -> legend label (default: the key as text).
    highlight : key, optional
        Draw this run thick and the others thin and faded.
    styles : dict, optional
        Run key -> matplotlib line properties overriding the defaults, e.g.
        ``{key: {"ls": ":"}}`` to tell apart two runs whose curves coincide.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (7.0, 4.0))
    labels = labels or {}
    styles = styles or {}
    for key, costs in epoch_costs.items():
        costs = np.asarray(costs, dtype=float)
        style = dict(color=OPTIMIZER_COLORS[optimizers[key]], ls="--" if key in decayed else "-",
                     label=labels.get(key, str(key)),
                     **cost_curve_style(key == highlight, highlighted=highlight is not None))
        style.update(styles.get(key, {}))
        ax.plot(np.arange(1, costs.size + 1), costs, **style)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch (passes through the training set)")
    ax.set_ylabel("cost J (cross-entropy, dimensionless)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax
