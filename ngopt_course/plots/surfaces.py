"""Contour plots of the 2-D surfaces and the paths optimizers take across them.

Shared by the momentum, RMSProp, Adam and local-optima notebooks and their widgets, so an
optimizer has the same colour and marker style everywhere.
"""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from ..surfaces import get_surface, surface_grid
from ._figure import axes_or_new
from .style import MARK_COLOR, OPTIMIZER_COLORS, OPTIMIZER_LABELS

__all__ = ["plot_surface_contours", "plot_path", "path_handle", "plot_loss_curves"]


def _levels(Z, f_min, num):
    """Contour levels spaced by a constant factor above the minimum: detail near it."""
    low = float(np.min(Z)) if f_min is None else float(f_min)
    span = float(np.max(Z)) - low
    if span <= 0:
        return num
    return low + span * np.geomspace(1e-4, 1.0, num)


def plot_surface_contours(surface, ax=None, *, grid=None, num_levels=18, show_landmarks=True):
    """Draw a surface's contour lines, its minimum (star) and start point (circle).

    Parameters
    ----------
    surface : Surface or str
    ax : matplotlib Axes, optional
    grid : (X, Y, Z), optional
        A precomputed ``surface_grid(surface)``; widgets pass it to redraw quickly.
    num_levels : int
        Number of contour lines.
    show_landmarks : bool
        Mark the minimum, the start and the surface's other landmarks (saddle points...).

    Returns
    -------
    matplotlib.axes.Axes
    """
    surface = get_surface(surface)
    ax = axes_or_new(ax, (6.0, 4.5))
    X, Y, Z = surface_grid(surface, num=120) if grid is None else grid
    ax.contour(X, Y, Z, levels=_levels(Z, surface.f_min, num_levels), colors="0.6", linewidths=0.7)
    if show_landmarks:
        x0, y0 = surface.start
        ax.plot(x0, y0, "o", color=MARK_COLOR, markersize=6, label="start")
        if surface.minimum is not None:
            ax.plot(*surface.minimum, "*", markersize=14, color="white",
                    markeredgecolor=MARK_COLOR, label="minimum")
        for name, (x, y) in surface.landmarks.items():
            ax.plot(x, y, "X", markersize=9, color="white", markeredgecolor=MARK_COLOR)
            ax.annotate(name, (x, y), textcoords="offset points", xytext=(6, 6), fontsize=8)
    (xmin, xmax), (ymin, ymax) = surface.bounds
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_xlabel("parameter x (dimensionless)")
    ax.set_ylabel("parameter y (dimensionless)")
    ax.set_title(surface.title)
    return ax


def plot_path(path, optimizer, ax=None, *, label=None, upto=None, markersize=3):
    """Draw one optimizer's path (an array of (x, y) points) in its course colour.

    Parameters
    ----------
    path : array of shape (k, 2)
        ``SurfaceRun.path``.
    optimizer : str
        "gd", "momentum", "rmsprop" or "adam": picks the colour and default label.
    upto : int, optional
        Draw only the first ``upto + 1`` points (the race's Play control steps this).
    """
    ax = axes_or_new(ax, (6.0, 4.5))
    path = np.asarray(path)
    if upto is not None:
        path = path[: upto + 1]
    ax.plot(path[:, 0], path[:, 1], "-o", color=OPTIMIZER_COLORS[optimizer], lw=1.4,
            markersize=markersize, label=label or OPTIMIZER_LABELS[optimizer])
    return ax



def path_handle(optimizer, label=None):
    """A legend entry drawn as ``plot_path`` draws the optimizer's path (widget markers: 2 pt)."""
    return Line2D([], [], color=OPTIMIZER_COLORS[optimizer], lw=1.4, marker="o", markersize=2,
                  label=label or OPTIMIZER_LABELS[optimizer])


def plot_loss_curves(losses, ax=None, *, f_min=None, upto=None, log=True, decorate=True):
    """Draw loss against step for several optimizers.

    Parameters
    ----------
    losses : dict of str -> array
        Optimizer key ("gd", ...) -> ``SurfaceRun.losses``.
    f_min : float, optional
        Plot ``f - f_min`` (the gap to the minimum) instead of ``f``, on a log scale.
    decorate : bool, default True
        Also set the scale, axis labels, title and legend; False draws the curves only
        (a widget that labelled the axes once redraws just the curves).
    """
    ax = axes_or_new(ax, (5.0, 3.5))
    for name, values in losses.items():
        values = np.asarray(values, dtype=float)
        if upto is not None:
            values = values[: upto + 1]
        y = values - f_min if f_min is not None else values
        if log:
            y = np.maximum(y, 1e-12)  # a log axis cannot show the exact minimum
        ax.plot(np.arange(y.size), y, color=OPTIMIZER_COLORS[name], lw=1.6, label=OPTIMIZER_LABELS[name])
    if not decorate:
        return ax
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step t (iterations)")
    ax.set_ylabel("f − f_min (loss above the minimum)" if f_min is not None else "loss f (dimensionless)")
    ax.set_title("Loss along the way")
    ax.legend(fontsize=8)
    return ax
