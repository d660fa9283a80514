"""Drawing the paths of ``experiments.noisy_paths`` on the contours of the line's cost J(w, b).

Compute first (``batch_size_paths``, ``optimizer_noise_paths``), draw here. Legends go
below the axes, never over the paths.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..experiments.noisy import line_cost
from .style import MARK_COLOR

__all__ = ["plot_line_cost_paths", "plot_distance_per_step"]


def _new_ax(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def plot_line_cost_paths(runs, colors, X, Y, *, labels=None, window=None, extent=((-2.0, 6.0), (-3.0, 5.0)),
                         title=None, markersize=1.5, legend=True, ax=None):
    """Paths of (w, b) over the contours of J, with the start and the minimum marked.

    Parameters
    ----------
    runs : dict
        key -> NoisyRun (all on the data X, Y, so they share the minimum).
    colors : dict
        key -> colour.
    X, Y : arrays of shape (1, m)
        The data the runs fitted (for the contours of J).
    labels : dict, optional
        key -> legend label (default: the key).
    window : float, optional
        Show only a square of this half-width around the minimum.
    extent : ((w_min, w_max), (b_min, b_max))
        The region drawn when ``window`` is None.
    title : str, optional
    markersize : float, default 1.5
        Size of the dot at every iterate.
    legend : bool, default True
        A legend below the axes (outside the data).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _new_ax(ax, (5.0, 4.4))
    labels = labels or {}
    first = next(iter(runs.values()))
    if window is None:
        (w0, w1), (b0, b1) = extent
    else:
        (w0, w1), (b0, b1) = [(c - window, c + window) for c in first.minimum]
    W, B = np.meshgrid(np.linspace(w0, w1, 160), np.linspace(b0, b1, 160))
    J = line_cost(W, B, X, Y)
    J_min = line_cost(*first.minimum, X, Y)
    levels = J_min + (np.quantile(J, 0.9) - J_min) * np.geomspace(1e-3, 1.0, 13)
    ax.contour(W, B, J, levels=levels, colors=MARK_COLOR, alpha=0.25, linewidths=0.8)
    for key, run in runs.items():
        ax.plot(run.path[:, 0], run.path[:, 1], "-o", color=colors[key], linewidth=0.9,
                markersize=markersize, label=labels.get(key, str(key)))
    ax.plot(*first.path[0], "s", color=MARK_COLOR, markersize=6, label="start", linestyle="none")
    ax.plot(*first.minimum, "*", markerfacecolor="white", markeredgecolor=MARK_COLOR, markeredgewidth=1.5,
            markersize=15, linestyle="none", label="minimum (w*, b*)", zorder=5)
    ax.set_xlim(w0, w1)
    ax.set_ylim(b0, b1)
    ax.set_xlabel("slope w (units of y per unit of x)")
    ax.set_ylabel("intercept b (units of y)")
    ax.set_title(title or "Paths on the contours of J(w, b)")
    if legend:
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    return ax


def plot_distance_per_step(runs, colors, *, labels=None, title=None, ax=None):
    """Distance to the minimum against the gradient step, log scale, one line per run.

    Parameters
    ----------
    runs, colors, labels : as for ``plot_line_cost_paths``
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _new_ax(ax, (5.5, 4.0))
    labels = labels or {}
    for key, run in runs.items():
        ax.plot(np.arange(run.distance.size), np.maximum(run.distance, 1e-12), color=colors[key], lw=1.0,
                label=labels.get(key, str(key)))
    ax.set_yscale("log")
    ax.set_xlabel("gradient step t")
    ax.set_ylabel("distance to (w*, b*) (parameter units)")
    ax.set_title(title or "Distance to the minimum")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    return ax
