"""Plots for gradient descent with momentum (notebook 04).

Each helper draws arrays it is given (paths and gradients from ``run_on_surface`` or a
hand-written loop, a ``RateMap`` from ``ngopt_course.experiments.convergence``) on ``ax`` (a new
figure when ``ax`` is None) and returns the Axes. The contour plots and paths are the
shared ones of ``plots.surfaces``. Colours come from ``plots.style``: raw gradients in
DATA_COLOR, the velocity v in momentum's colour, each optimizer in its own.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import FuncNorm

from ..experiments.convergence import REGIONS
from ._figure import axes_or_new
from .style import DATA_COLOR, MARK_COLOR, OPTIMIZER_COLORS, OPTIMIZER_LABELS

__all__ = [
    "COMPONENT_NAMES",
    "COMPONENT_LINESTYLES",
    "RATE_LABEL",
    "plot_coordinate",
    "plot_error_decay",
    "plot_gradient_and_velocity",
    "plot_rate_map",
    "region_label_positions",
]

#: The two parameters of a 2-D surface, as the lecture's picture names them.
COMPONENT_NAMES = ("horizontal x", "vertical y")
#: One line style per component, so two components of one quantity share its colour.
COMPONENT_LINESTYLES = ("-", "--")
#: The colour bar's label on every rate map.
RATE_LABEL = "convergence rate ρ (error factor per step)"
#: Where the rate map's setting diverges (rho >= 1).
DIVERGENCE_COLOR = "0.82"

_REGION_TEXT = {
    "crawl": "slow crawl\n(real eigenvalues)",
    "oscillation": "oscillation\n(complex or negative λ)",
    "fast": "fast",
    "divergence": "divergence\n(ρ ≥ 1)",
}


def _nines(rho):
    """-log10(1 - rho): 0.9 -> 1, 0.99 -> 2, 0.999 -> 3 (the colour scale of the rate map)."""
    # masked-array functions: the divergent cells must stay masked to be drawn grey
    return -np.ma.log10(np.ma.clip(1.0 - np.ma.asarray(rho, dtype=float), 1e-12, None))


def _from_nines(value):
    return 1.0 - 10.0 ** (-np.ma.asarray(value, dtype=float))


def _component(component):
    if component not in (0, 1):
        raise ValueError(f"component == {component!r}, must be 0 (x) or 1 (y)")
    return component


def plot_coordinate(paths, ax=None, *, component=1, title=None):
    """One coordinate of each path against the step: the zigzag made visible.

    Parameters
    ----------
    paths : dict of str -> array of shape (k, 2)
        Optimizer key ("gd", "momentum", ...) or a label starting with one ("gd α = 0.21")
        -> ``SurfaceRun.path``. The colour comes from the first word.
    component : {0, 1}
        0 plots x (horizontal), 1 plots y (vertical).
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    component = _component(component)
    for label, path in paths.items():
        key = label.split()[0]
        values = np.asarray(path, dtype=float)[:, component]
        ax.plot(np.arange(values.size), values, "-o", markersize=2.5, lw=1.2,
                color=OPTIMIZER_COLORS[key],
                label=OPTIMIZER_LABELS[key] + label[len(key):])
    ax.axhline(0.0, color=MARK_COLOR, lw=0.6, alpha=0.5)
    name = "xy"[component]
    ax.set_xlabel("step t (iterations)")
    ax.set_ylabel(f"parameter {name} (dimensionless)")
    ax.set_title(title or f"The {COMPONENT_NAMES[component].split()[0]} coordinate along the way")
    ax.legend(fontsize=8)
    return ax


def plot_gradient_and_velocity(grads, v, ax=None, *, component=1, title=None):
    """A gradient component dW and the velocity v (its average) against the step.

    Parameters
    ----------
    grads : array of shape (k, 2)
        The gradient at each step, (df/dx, df/dy).
    v : array of shape (k, 2)
        Momentum's v after each step (the exponentially weighted average of ``grads``).
    component : {0, 1}
        0: horizontal (the gradient keeps its sign, v follows it); 1: vertical (the
        gradient flips sign, v averages it away).
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    component = _component(component)
    grads = np.asarray(grads, dtype=float)[:, component]
    v = np.asarray(v, dtype=float)[:, component]
    steps = np.arange(1, grads.size + 1)
    name = "xy"[component]
    ax.plot(steps, grads, "-o", color=DATA_COLOR, lw=1.0, markersize=3, label=f"gradient ∂f/∂{name}")
    ax.plot(steps, v, "-", color=OPTIMIZER_COLORS["momentum"], lw=2.2, label="velocity v (its average, β)")
    ax.axhline(0.0, color=MARK_COLOR, lw=0.6, alpha=0.5)
    ax.set_xlabel("step t (iterations)")
    ax.set_ylabel(f"∂f/∂{name} and v (dimensionless)")
    ax.set_title(title or f"{COMPONENT_NAMES[component].capitalize()}: gradient and its average")
    ax.legend(fontsize=8)
    return ax


def plot_error_decay(errors, rho, ax=None, *, label="momentum", title=None):
    """The distance to the minimum of a run (log scale) beside the line rho^t.

    Parameters
    ----------
    errors : array_like, shape (k + 1,)
        |w_t - w*| for t = 0..k.
    rho : float
        The predicted rate; the dashed line ``max(|errors|) * rho^t`` is the envelope
        the errors should follow in the long run.
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    errors = np.abs(np.asarray(errors, dtype=float))
    steps = np.arange(errors.size)
    # an exact zero has no place on a log axis: leave a gap there
    ax.plot(steps, np.where(errors > 0, errors, np.nan), "-", color=OPTIMIZER_COLORS["momentum"], lw=1.4,
            label=f"{label}: |w_t − w*|")
    ax.plot(steps, errors.max() * rho ** steps, "--", color=MARK_COLOR, lw=1.2, label=f"ρ^t, ρ = {rho:.4f}")
    ax.set_yscale("log")
    ax.set_xlabel("step t (iterations)")
    ax.set_ylabel("distance to the minimum |w − w*| (dimensionless)")
    ax.set_title(title or "The error shrinks like ρ^t")
    ax.legend(fontsize=8)
    return ax


def region_label_positions(rate_map):
    """Where to write each region's name: the point deepest inside it.

    For every region present, take the cell farthest from the region's border (the
    cells of other regions next to it, and the frame of the map), with distances in
    fractions of the map's width and height, so the label sits well inside.
    """
    region = np.pad(rate_map.region, 1, constant_values=-1)   # the frame counts as "outside"
    n_rows, n_cols = region.shape
    positions = {}
    for code, name in enumerate(REGIONS):
        inside = region == code
        if not inside[1:-1, 1:-1].any():
            continue
        near = np.zeros_like(inside)                            # cells next to an inside cell
        near[1:, :] |= inside[:-1, :]
        near[:-1, :] |= inside[1:, :]
        near[:, 1:] |= inside[:, :-1]
        near[:, :-1] |= inside[:, 1:]
        border_i, border_j = np.nonzero(near & ~inside)
        in_i, in_j = np.nonzero(inside)
        keep = slice(None, None, max(1, in_i.size // 2000))    # a subsample is plenty for a label
        in_i, in_j = in_i[keep], in_j[keep]
        d2 = (((in_i[:, None] - border_i[None, :]) / n_rows) ** 2
              + ((in_j[:, None] - border_j[None, :]) / n_cols) ** 2)
        k = int(np.argmax(d2.min(axis=1)))
        positions[name] = (float(rate_map.learning_rates[in_j[k] - 1]), float(rate_map.betas[in_i[k] - 1]))
    return positions


def plot_rate_map(rate_map, ax=None, *, current=None, vmin=None, annotate=True, colorbar=True,
                  colorbar_ax=None, title=None, label_positions=None):
    """Momentum's convergence rate over the (alpha, beta) plane, with its regions.

    Parameters
    ----------
    rate_map : convergence.RateMap
        From ``momentum_rate_map``; its alphas are drawn on a log axis.
    current : (alpha, beta), optional
        A setting to mark (the slider's), as a white dot.
    vmin : float, optional
        Bottom of the colour scale; default the map's smallest rho rounded down to 0.05.
        The scale runs to 0.999 and spaces 0.9, 0.99, 0.999 evenly (-log10(1 - rho));
        the divergent cells (rho >= 1) are grey.
    annotate : bool
        Write each region's name, draw the region borders and mark the best setting.
    colorbar : bool
        Add a colour bar labelled ``RATE_LABEL``.
    colorbar_ax : matplotlib Axes, optional
        Draw the colour bar there (widgets with fixed layouts); default: next to ``ax``.
    label_positions : dict, optional
        Region name -> (alpha, beta) for its label; computed when None (widgets compute
        them once and pass them in).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (6.0, 4.2))
    alphas, betas, rho = rate_map.learning_rates, rate_map.betas, rate_map.rho
    if vmin is None:
        vmin = np.floor(20.0 * float(rho.min())) / 20.0
    vmax = 0.999
    shown = np.ma.masked_where(rho >= 1.0, rho)                 # divergent cells: grey
    # 16 colour bands, read like the contour lines of a map (and keep the PNG small)
    cmap = plt.get_cmap("viridis_r", 16).with_extremes(bad=DIVERGENCE_COLOR)
    # Colour by -log10(1 - rho): 0.9, 0.99 and 0.999 are equally far apart, so the slow
    # crawl (rho from 0.96 to 0.998 here) is not one flat colour.
    norm = FuncNorm((_nines, _from_nines), vmin=vmin, vmax=vmax)
    mesh = ax.pcolormesh(alphas, betas, shown, cmap=cmap, norm=norm, shading="nearest", rasterized=True)
    ax.set_xscale("log")
    # The divergence boundary alpha_max(beta) = 2 (1 + beta) / ((1 - beta) h_max), exact.
    boundary = rate_map.boundary()
    ax.plot(boundary, betas, color=MARK_COLOR, lw=1.6, label="divergence boundary")
    if annotate:
        # Borders between the converging regions (the divergence border is the black line):
        # crawl | the rest, and the rho = fast contour around the fast region.
        crawl = (rate_map.region == REGIONS.index("crawl")).astype(float)
        ax.contour(alphas, betas, crawl, levels=[0.5], colors="white", linewidths=0.8)
        ax.contour(alphas, betas, np.where(rho < 1.0, rho, 1.0), levels=[rate_map.fast], colors="white",
                   linewidths=0.8)
        positions = label_positions if label_positions is not None else region_label_positions(rate_map)
        for name, (a, b) in positions.items():
            ax.text(a, b, _REGION_TEXT[name], ha="center", va="center", fontsize=7.5,
                    color=MARK_COLOR, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.75))
        best_alpha, best_beta, best_rho = rate_map.best
        ax.plot(best_alpha, best_beta, "*", color="white", markeredgecolor=MARK_COLOR, markersize=11,
                label=f"best: ρ = {best_rho:.2f}")
    if current is not None:
        ax.plot(*current, "o", color="white", markeredgecolor=MARK_COLOR, markeredgewidth=1.5,
                markersize=8, label=f"α = {current[0]:.3g}, β = {current[1]:.2f}")
    ax.set_xlim(alphas[0], alphas[-1])
    ax.set_ylim(betas[0], betas[-1])
    ax.set_xlabel("learning rate α (log scale)")
    ax.set_ylabel("momentum β (dimensionless)")
    ax.set_title(title or "Momentum's convergence rate on the bowl")
    ax.legend(fontsize=7, loc="lower right", framealpha=0.85)
    if colorbar:
        where = dict(cax=colorbar_ax) if colorbar_ax is not None else dict(ax=ax)
        bar = ax.figure.colorbar(mesh, **where, label=RATE_LABEL, extend="max", extendfrac=0.04)
        ticks = [t for t in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999) if t >= vmin]
        bar.set_ticks(ticks, labels=[f"{t:g}" for t in ticks])
    return ax
