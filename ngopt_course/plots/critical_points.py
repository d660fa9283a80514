"""Pictures for notebook 08: how often a flat point is a minimum, and how optimizers leave flat regions.

The helpers draw what ``ngopt_course.experiments.critical_points`` computed (arrays passed in) and
return the Axes. Colours come from the course palette (``plots.style``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ._figure import axes_or_new
from .style import MARK_COLOR, OKABE_ITO, OPTIMIZER_COLORS, OPTIMIZER_LABELS

__all__ = [
    "CRITICAL_POINT_COLORS",
    "BASIN_COLORS",
    "plot_census_fractions",
    "plot_index_histogram",
    "index_bar_colors",
    "index_histogram_ylim",
    "plot_gradient_norm",
    "plot_basins",
]

#: One colour per kind of critical point, the same in every figure of notebook 08.
CRITICAL_POINT_COLORS = {
    "local minimum": OKABE_ITO["bluish_green"],
    "local maximum": OKABE_ITO["vermillion"],
    "saddle point": OKABE_ITO["blue"],
}
#: Shading of the starts that end in the first, second, ... minimum; light colours for areas.
BASIN_COLORS = (OKABE_ITO["sky_blue"], OKABE_ITO["yellow"], OKABE_ITO["reddish_purple"])
_NO_BASIN_COLOR = "0.85"


def plot_census_fractions(dims, fractions, num_samples, ax=None, *, naive=None,
                          title="How often is a point of zero gradient a minimum?"):
    """Fraction of random Hessians that are minima, maxima and saddles, against the dimension.

    Parameters
    ----------
    dims : array of int, shape (k,)
    fractions : dict
        Kind ("local minimum", "local maximum", "saddle point") -> array (k,) of
        fractions, e.g. ``{kind: census.fractions(kind) for kind in CRITICAL_POINT_KINDS}``.
    num_samples : int
        Hessians per dimension: a fraction of 0 is drawn as a hollow triangle at
        1 / num_samples, the smallest fraction the census could have seen.
    naive : array (k,), optional
        The naive estimate 2^-n, drawn dashed.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (7.0, 4.2))
    dims = np.asarray(dims)
    floor = 1.0 / num_samples
    zero_drawn = False
    for kind, values in fractions.items():
        values = np.asarray(values, dtype=float)
        color = CRITICAL_POINT_COLORS[kind]
        seen = values > 0
        style = "-o" if kind != "local maximum" else "--s"
        ax.plot(dims[seen], values[seen], style, color=color, lw=1.8, markersize=5,
                label=f"{kind} (measured)")
        if np.any(~seen):
            # minima and maxima vanish at the same n: shift their marks apart a little
            shift = {"local minimum": -0.12, "local maximum": 0.12}.get(kind, 0.0)
            ax.plot(dims[~seen] + shift, np.full(np.count_nonzero(~seen), floor), "v", color=color,
                    markerfacecolor="white", markersize=8,
                    label=None if zero_drawn else f"none in {num_samples:,} samples")
            zero_drawn = True
    if naive is not None:
        ax.plot(dims, naive, ":", color=MARK_COLOR, lw=1.6, label="naive estimate 2⁻ⁿ")
    ax.axhline(floor, color="0.6", lw=0.8)
    ax.set_yscale("log")
    ax.set_ylim(floor / 3, 2.0)
    ax.set_xlabel("dimension n (number of parameters)")
    ax.set_ylabel("fraction of random Hessians")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="center right")
    return ax


def index_bar_colors(n):
    """Colours of the bars j = 0..n: a minimum (j = 0), saddles, a maximum (j = n)."""
    colors = [CRITICAL_POINT_COLORS["saddle point"]] * (n + 1)
    colors[0] = CRITICAL_POINT_COLORS["local minimum"]
    colors[-1] = CRITICAL_POINT_COLORS["local maximum"]
    return colors


def index_histogram_ylim(fractions, naive=None):
    """(0, top) of the index histogram: headroom above the tallest bar, so the legend hides none."""
    top = max(float(np.max(fractions)), 0.0 if naive is None else float(np.max(naive)))
    return 0.0, 1.45 * top if top > 0 else 1.0


def plot_index_histogram(n, fractions, ax=None, *, naive=None, title=None):
    """How many directions curve down: the share of Hessians with j = 0..n negative eigenvalues.

    Parameters
    ----------
    n : int
    fractions : array of shape (n + 1,)
        ``census.index_fractions(n)``.
    naive : array of shape (n + 1,), optional
        The naive binomial(n, 1/2) estimate, drawn as black dots.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (6.0, 3.8))
    fractions = np.asarray(fractions, dtype=float)
    j = np.arange(n + 1)
    ax.bar(j, fractions, color=index_bar_colors(n), width=0.8)
    handles = [Patch(color=CRITICAL_POINT_COLORS[k], label=f"{k} (measured)") for k in CRITICAL_POINT_COLORS]
    if naive is not None:
        (dots,) = ax.plot(j, naive, "o", color=MARK_COLOR, markersize=3.5, label="naive: binomial(n, 1/2)")
        handles.append(dots)
    ax.set_xlabel("directions curving down (negative eigenvalues)")
    ax.set_ylabel("fraction of random Hessians")
    ax.set_title(title or f"n = {n}: 0 down = minimum, {n} down = maximum")
    ax.set_ylim(*index_histogram_ylim(fractions, naive))
    ax.legend(handles=handles, fontsize=7, loc="upper center", ncols=2)
    ax.set_xlim(-0.8, n + 0.8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return ax


def plot_gradient_norm(norms, ax=None, *, optimizer="gd", label=None, threshold=None,
                       title="Length of the gradient along the path"):
    """The gradient's length |grad f| at each step of a path, on a log scale.

    Call it once per optimizer on the same Axes to compare paths.

    Parameters
    ----------
    norms : array of shape (k,)
        ``critical_points.gradient_norms(surface, run.path)``.
    optimizer : str
        "gd", "momentum", "rmsprop" or "adam": the colour and default label.
    threshold : float, optional
        A dotted horizontal line, e.g. the size below which a region counts as flat.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    norms = np.maximum(np.asarray(norms, dtype=float), 1e-16)  # a log axis cannot show 0
    ax.plot(np.arange(norms.size), norms, color=OPTIMIZER_COLORS[optimizer], lw=1.6,
            label=label or OPTIMIZER_LABELS[optimizer])
    if threshold is not None:
        ax.axhline(threshold, color=MARK_COLOR, ls=":", lw=1.2, label=f"|∇f| = {threshold:g}")
    ax.set_yscale("log")
    ax.set_xlabel("step t (iterations)")
    ax.set_ylabel("gradient length |∇f| (dimensionless)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def plot_basins(xx, yy, basin, names, ax=None, *, colors=BASIN_COLORS, title="Where gradient descent ends"):
    """Shade each start point by the minimum gradient descent reached from it.

    Parameters
    ----------
    xx, yy : arrays of shape (r, c)
        The grid of start points (``np.meshgrid``).
    basin : int array of shape (r, c)
        Index into ``names`` of the minimum reached, -1 for none (diverged or not
        arrived): ``critical_points.nearest_point(...)`` reshaped.
    names : sequence of str
        One per minimum, for the legend, e.g. ``["global minimum", "local minimum"]``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (5.0, 4.5))
    basin = np.asarray(basin)
    shades = [_NO_BASIN_COLOR] + list(colors[: len(names)])
    cmap = ListedColormap(shades)
    ax.pcolormesh(xx, yy, basin + 1, cmap=cmap, vmin=-0.5, vmax=len(names) + 0.5, shading="nearest",
                  alpha=0.55, rasterized=True, zorder=0)   # below contours and marks drawn before
    handles = [Patch(color=c, alpha=0.55, label=f"ends in the {name}") for c, name in zip(shades[1:], names)]
    if np.any(basin < 0):
        handles.append(Patch(color=_NO_BASIN_COLOR, label="ends elsewhere"))
    ax.set_xlabel("start x (dimensionless)")
    ax.set_ylabel("start y (dimensionless)")
    ax.set_title(title)
    ax.legend(handles=handles, fontsize=8, loc="upper left")
    return ax
