"""Plots for Adam (notebook 06): its moments warming up, epsilon's placement, the race.

Colours follow the course's palette: Adam's first moment v is drawn in momentum's
colour and its second moment s in RMSProp's (Adam is the two combined); Adam itself,
as the package writes it (epsilon outside the square root), in Adam's colour, and the
variant with epsilon inside the square root in black, dashed. The race draws each
optimizer in its own colour with the shared helpers of ``plots.surfaces``.

Every function takes ``ax=None`` (a new figure) or an Axes and returns what it drew on.
``update_race`` moves an already drawn race to another step without redrawing the
contours: the race widget's Play control calls it once per frame.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from ..surfaces import get_surface
from ._figure import axes_or_new
from .style import MARK_COLOR, OPTIMIZER_COLORS
from .surfaces import plot_loss_curves, plot_path, plot_surface_contours

__all__ = [
    "STEP_LABEL",
    "VARIANT_STYLES",
    "plot_moment_warmup",
    "plot_step_ratio",
    "plot_epsilon_placement",
    "plot_epsilon_runs",
    "plot_race_paths",
    "plot_race_losses",
    "plot_race",
    "gap_range",
    "race_moving_artists",
    "update_race",
]

STEP_LABEL = "step t (iterations)"

#: How the two epsilon placements are drawn: the package's Adam, and the variant.
VARIANT_STYLES = {
    "outside": dict(color=OPTIMIZER_COLORS["adam"], ls="-", lw=2.4,
                    label="ε outside √ (Kingma & Ba, PyTorch, this course)"),
    "inside": dict(color=MARK_COLOR, ls="--", lw=1.4, label="ε inside √ (some texts)"),
}


def _power_of_ten(value, _position):
    """Log-axis tick label "1e-3" in plain text: mathtext labels cost a redraw 10-20 ms."""
    if value <= 0:
        return ""
    exponent = np.log10(value)
    return f"1e{int(round(exponent))}" if abs(exponent - round(exponent)) < 1e-6 else ""


# ---------------------------------------------------------------------------
# Bias correction: Adam's moments warming up
# ---------------------------------------------------------------------------

def plot_moment_warmup(t, fractions, ax=None, *, windows=None):
    """Draw Adam's moment estimates as fractions of the true moments, against the step.

    Parameters
    ----------
    t : array of shape (T,)
        Steps 1..T.
    fractions : dict
        Any of "v", "s" (uncorrected: v_t / mean of dW, s_t / mean of dW^2) and
        "v_corrected", "s_corrected" -> arrays of shape (T,). v in momentum's colour, s
        in RMSProp's; uncorrected dashed, corrected solid.
    windows : dict, optional
        "v" and/or "s" -> 1 / (1 - beta): a dotted vertical line marks each window.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    styles = {
        "v": (OPTIMIZER_COLORS["momentum"], "--", "v (β1 = 0.9), uncorrected"),
        "s": (OPTIMIZER_COLORS["rmsprop"], "--", "s (β2 = 0.999), uncorrected"),
        "v_corrected": (OPTIMIZER_COLORS["momentum"], "-", "v_corrected = v / (1 − β1^t)"),
        "s_corrected": (OPTIMIZER_COLORS["rmsprop"], "-", "s_corrected = s / (1 − β2^t)"),
    }
    widths = {"v_corrected": 4.5}    # under s_corrected: both corrected curves sit at 1
    for key, values in fractions.items():
        color, ls, label = styles[key]
        ax.plot(t, values, color=color, ls=ls, lw=widths.get(key, 2.0), label=label)
    for key, window in (windows or {}).items():
        ax.axvline(window, color=styles[key][0], ls=":", lw=1.2)
        ax.annotate(f"1/(1−β) = {window:g}", (window, 0.04), rotation=90, fontsize=8,
                    xytext=(3, 0), textcoords="offset points", color=styles[key][0])
    ax.set_xscale("log")
    ax.set_ylim(0.0, 1.08)
    ax.set_xlabel(STEP_LABEL + ", log scale")
    ax.set_ylabel("estimate / true moment (fraction)")
    ax.set_title("Warm-up of Adam's averages (constant gradient)")
    ax.legend(fontsize=8, loc="center right")
    return ax


def plot_step_ratio(t, ratios, ax=None):
    """Draw Adam's step size in units of alpha, with and without bias correction.

    Parameters
    ----------
    t : array of shape (T,)
    ratios : dict of str -> array of shape (T,)
        "corrected" (Adam's step |ΔW| / alpha) and/or "uncorrected" (the same without
        bias correction).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    styles = {
        "corrected": dict(color=OPTIMIZER_COLORS["adam"], ls="-", lw=2.4, label="with bias correction (Adam)"),
        "uncorrected": dict(color=MARK_COLOR, ls="--", lw=1.6, label="without bias correction"),
    }
    for key, values in ratios.items():
        ax.plot(t, values, **styles[key])
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.set_xscale("log")
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel(STEP_LABEL + ", log scale")
    ax.set_ylabel("step |ΔW| / α (units of α)")
    ax.set_title("Step size for a constant gradient")
    ax.legend(fontsize=8, loc="upper right")
    return ax


# ---------------------------------------------------------------------------
# Epsilon inside or outside the square root
# ---------------------------------------------------------------------------

def plot_epsilon_placement(gradient, steps, ax=None, *, epsilon=1e-8):
    """Draw the warmed-up step |ΔW| / alpha against the size of a constant gradient.

    Parameters
    ----------
    gradient : array of shape (K,)
        Gradient sizes |dW|, positive (log axis).
    steps : dict
        "outside" and/or "inside" -> arrays of shape (K,): the step in units of alpha,
        |dW| / (|dW| + epsilon) and |dW| / sqrt(dW^2 + epsilon).
    epsilon : float
        Marked on the axis, with sqrt(epsilon), where the inside variant turns down.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    for key, values in steps.items():
        ax.plot(gradient, values, **VARIANT_STYLES[key])
    for x, text in ((epsilon, f"ε = {epsilon:g}"), (np.sqrt(epsilon), f"√ε = {np.sqrt(epsilon):g}")):
        ax.axvline(x, color="0.5", ls=":", lw=1.0)
        ax.annotate(text, (x, 0.5), rotation=90, fontsize=8, xytext=(3, 0), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_ylim(0.0, 1.1)
    ax.set_xlabel("gradient size |dW| (units of the cost per unit of W), log scale")
    ax.set_ylabel("step |ΔW| / α (units of α)")
    ax.set_title("Where epsilon sits changes the step for small gradients")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def plot_epsilon_runs(costs, ax=None, *, xlabel="epoch (passes through the data)",
                      ylabel="cost J (dimensionless)", title="Training with each placement", log=False):
    """Draw the cost of a training run for each epsilon placement.

    Parameters
    ----------
    costs : dict
        "outside" and/or "inside" -> arrays of costs, or (x, costs) pairs.
    xlabel, ylabel, title : str
    log : bool
        Log scale for the cost.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    for key, values in costs.items():
        if isinstance(values, tuple):
            x, y = values
        else:
            y = np.asarray(values, dtype=float)
            x = np.arange(1, y.size + 1)
        ax.plot(x, y, **VARIANT_STYLES[key])
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")
    return ax


# ---------------------------------------------------------------------------
# The race
# ---------------------------------------------------------------------------

def _move_start_marker(ax, start):
    # plot_surface_contours marks the surface's own start; a race may start elsewhere
    for line in ax.get_lines():
        if line.get_label() == "start":
            line.set_data([start[0]], [start[1]])
            line.set_gid("start")


def _head(path, upto):
    k = path.shape[0] - 1 if upto is None else min(int(upto), path.shape[0] - 1)
    return path[k]


def plot_race_paths(race, ax=None, *, upto=None, grid=None, title=None):
    """Draw a race's four paths on the surface's contours, each with a dot where it is now.

    Parameters
    ----------
    race : ngopt_course.experiments.race.Race
    ax : Axes, optional
    upto : int, optional
        Draw the paths up to this step (the Play control); default: all of them.
    grid : (X, Y, Z), optional
        The surface's precomputed ``surface_grid``.
    title : str, optional
        Default: the surface's title.

    Returns
    -------
    matplotlib.axes.Axes
        Its path lines have gid "path:<optimizer>", the dots "head:<optimizer>", the
        start marker "start".
    """
    surface = get_surface(race.surface)
    ax = plot_surface_contours(surface, ax, grid=grid)
    _move_start_marker(ax, race.start)
    for name, run in race.runs.items():
        plot_path(run.path, name, ax, upto=upto, markersize=2)
        ax.get_lines()[-1].set_gid(f"path:{name}")
        x, y = _head(run.path, upto)
        (head,) = ax.plot([x], [y], "o", color=OPTIMIZER_COLORS[name], markersize=8,
                          markeredgecolor="white", markeredgewidth=1.2, zorder=5)
        head.set_gid(f"head:{name}")
    if title is not None:
        ax.set_title(title)
    return ax


def _gaps(race):
    surface = get_surface(race.surface)
    f_min = surface.f_min if surface.f_min is not None else 0.0
    return {name: run.losses - f_min for name, run in race.runs.items()}


def _gap_limits(race, gaps):
    """A y-range that stays put while the race plays: every finished run's curve fits."""
    settled = [g for name, g in gaps.items() if not race.runs[name].diverged] or list(gaps.values())
    top = max(float(np.max(g)) for g in settled)
    if all(run.diverged for run in race.runs.values()):
        top = 100.0 * max(float(g[0]) for g in gaps.values())
    positive = [float(np.min(g[g > 0])) for g in gaps.values() if np.any(g > 0)]
    bottom = max(min(positive) if positive else race.tol, race.tol * 1e-4)
    return bottom / 2.0, max(top, race.tol) * 3.0


def gap_range(surface, starts, tol):
    """A fixed y-range for f − f_min on a surface: from tol / 10^4 to 10 times the worst start.

    A widget keeps it for every race on the surface, so the axes (and the background
    rendered once) stay put while settings change; curves above it are cut at the top.
    """
    surface = get_surface(surface)
    f_min = surface.f_min if surface.f_min is not None else 0.0
    worst = max(float(surface.f(x, y)) - f_min for x, y in starts)
    return tol * 1e-4, 10.0 * max(worst, tol)


def _mark_divergence(mark, text, run, upto):
    """Show the cross and its label once the drawn steps reach a run's divergence."""
    step = run.path.shape[0]                 # the first step that was not finite
    if run.diverged and (upto is None or upto >= step - 1):
        mark.set_data([step], [0.97])
        text.set_position((step, 0.91))
        text.set_text(f" diverged at step {step}")
    else:
        mark.set_data([], [])
        text.set_text("")


def plot_race_losses(race, ax=None, *, upto=None, ylim=None):
    """Draw f − f_min against the step for the four racers, with the tolerance dashed.

    Parameters
    ----------
    race : ngopt_course.experiments.race.Race
    ax : Axes, optional
    upto : int, optional
        Draw the curves up to this step; the axes keep the whole race's range.
    ylim : (bottom, top), optional
        Default: what this race's curves need (``gap_range`` gives one per surface).

    Returns
    -------
    matplotlib.axes.Axes
        Its curves have gid "loss:<optimizer>"; a cross "diverged:<optimizer>" and a label
        "diverged-text:<optimizer>" on the top edge mark a run that diverged.
    """
    surface = get_surface(race.surface)
    ax = axes_or_new(ax, (5.0, 3.5))
    gaps = _gaps(race)
    f_min = surface.f_min if surface.f_min is not None else 0.0
    before = len(ax.get_lines())
    plot_loss_curves({name: run.losses for name, run in race.runs.items()}, ax, f_min=f_min, upto=upto)
    for name, line in zip(race.runs, ax.get_lines()[before:]):
        line.set_gid(f"loss:{name}")
    # A cross at the top edge marks where a run diverged (its curve leaves the plot there).
    on_top = ax.get_xaxis_transform()          # x in steps, y as a fraction of the height
    for name, run in race.runs.items():
        (mark,) = ax.plot([], [], "x", color=OPTIMIZER_COLORS[name], markersize=9, mew=2.2,
                          transform=on_top, clip_on=False)
        mark.set_gid(f"diverged:{name}")
        text = ax.text(0, 0, "", transform=on_top, color=OPTIMIZER_COLORS[name], fontsize=8,
                       ha="left", va="top")
        text.set_gid(f"diverged-text:{name}")
        for artist in (mark, text):
            artist.set_in_layout(False)      # a layout engine must not make room for them
        _mark_divergence(mark, text, run, upto)
    ax.axhline(race.tol, color=MARK_COLOR, ls=":", lw=1.0, label=f"tolerance {race.tol:g}")
    ax.set_xlim(0, max(race.num_steps, 1))
    ax.set_ylim(*(_gap_limits(race, gaps) if ylim is None else ylim))
    ax.yaxis.set_major_locator(LogLocator(numticks=6))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
    ax.set_ylabel("f − f_min (loss above the minimum)")
    ax.set_title("Loss above the minimum, per step")
    ax.legend(fontsize=8, loc="lower left")
    return ax


def plot_race(race, ax_paths=None, ax_losses=None, *, upto=None, grid=None, ylim=None):
    """Draw a race: paths on the contours (left) and f − f_min per step (right).

    Returns
    -------
    (Axes, Axes)
        The paths' axes and the losses' axes.
    """
    if ax_paths is None or ax_losses is None:
        _, (ax_paths, ax_losses) = plt.subplots(1, 2, figsize=(10.0, 3.8), layout="constrained")
    plot_race_paths(race, ax_paths, upto=upto, grid=grid)
    plot_race_losses(race, ax_losses, upto=upto, ylim=ylim)
    return ax_paths, ax_losses


def race_moving_artists(ax_paths, ax_losses):
    """The artists that change with the race, in drawing order: start marker, paths, dots,
    loss curves, divergence crosses and their labels."""
    moving = [line for line in ax_paths.get_lines() if line.get_gid() == "start"]
    moving += [line for line in ax_paths.get_lines() if (line.get_gid() or "").startswith("path:")]
    moving += [line for line in ax_paths.get_lines() if (line.get_gid() or "").startswith("head:")]
    moving += [line for line in ax_losses.get_lines() if (line.get_gid() or "").startswith("loss:")]
    moving += [line for line in ax_losses.get_lines() if (line.get_gid() or "").startswith("diverged:")]
    moving += [text for text in ax_losses.texts if (text.get_gid() or "").startswith("diverged-text:")]
    return moving


def update_race(race, ax_paths, ax_losses, upto):
    """Show another race on the same surface, or another step, in axes drawn by ``plot_race``.

    Only the data of the start marker, the path lines, the dots and the loss curves
    change (the axes' limits do not), so no contour or tick is computed again: the Play
    control and the race widget's sliders redraw through this.

    Returns
    -------
    list of Line2D
        The artists moved (``race_moving_artists``).
    """
    gaps = _gaps(race)
    moving = race_moving_artists(ax_paths, ax_losses)
    lines = {artist.get_gid(): artist for artist in moving}
    lines["start"].set_data([race.start[0]], [race.start[1]])
    for name, run in race.runs.items():
        path = run.path[: upto + 1]
        lines[f"path:{name}"].set_data(path[:, 0], path[:, 1])
        x, y = _head(run.path, upto)
        lines[f"head:{name}"].set_data([x], [y])
        gap = np.maximum(gaps[name][: upto + 1], 1e-12)  # as plot_loss_curves: log axis
        lines[f"loss:{name}"].set_data(np.arange(gap.size), gap)
        _mark_divergence(lines[f"diverged:{name}"], lines[f"diverged-text:{name}"], run, upto)
    return moving
