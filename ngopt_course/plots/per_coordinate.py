"""Drawing ``experiments.per_coordinate``: the turned bowl and RMSProp on Rosenbrock."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import OPTIMIZER_COLORS, OPTIMIZER_LABELS

__all__ = ["plot_steps_aligned_vs_turned"]


def plot_steps_aligned_vs_turned(comparison, ax=None, *, angle_degrees=45.0, title=None):
    """Steps to the tolerance on the bowl (solid bars) and on the turned bowl (hatched bars).

    Parameters
    ----------
    comparison : dict
        optimizer name -> (run on the bowl, run on the turned bowl), as
        ``rotation_comparison`` returns. A run that never arrives is drawn at its
        number of steps with a "not reached" label.
    ax : matplotlib Axes, optional
    angle_degrees : float
        For the legend.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8), layout="constrained")
    names = list(comparison)
    x = np.arange(len(names))
    for k, name in enumerate(names):
        for offset, run, hatch, label in [(-0.2, comparison[name][0], None, "axis-aligned bowl"),
                                          (0.2, comparison[name][1], "//", f"bowl turned by {angle_degrees:g}°")]:
            steps = run.steps_to_tol if run.steps_to_tol is not None else run.path.shape[0] - 1
            ax.bar(x[k] + offset, steps, width=0.38, color=OPTIMIZER_COLORS[name] if hatch is None else "white",
                   edgecolor=OPTIMIZER_COLORS[name], hatch=hatch, linewidth=1.5, label=label if k == 0 else None)
            ax.annotate(str(steps) if run.steps_to_tol is not None else "not reached", (x[k] + offset, steps),
                        ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(x, [OPTIMIZER_LABELS[n] for n in names])
    ax.set_ylabel("steps to f < 0.001 (iterations)")
    ax.set_ylim(0, ax.get_ylim()[1] * 1.12)       # room for the numbers above the bars
    ax.set_title(title or "The same bowl, turned: who cares about the axes?")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    return ax
