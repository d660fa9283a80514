"""Plots for learning-rate decay (notebook 07): schedules, and noisy runs settling or not.

Schedules are not optimizers, so they get their own colours: one fixed Okabe-Ito colour
per schedule (``SCHEDULE_COLORS``), used by these helpers and by the widget alike. The
fixed learning rate is black, the lecture's main formula alpha0 / (1 + decay_rate *
epoch_num) vermillion. Yellow is left out: thin yellow lines vanish on white.
"""

from __future__ import annotations

import numpy as np

from ._figure import axes_or_new
from .style import MARK_COLOR, OKABE_ITO

__all__ = [
    "SCHEDULE_COLORS",
    "SCHEDULE_LABELS",
    "EPOCH_LABEL",
    "RATE_LABEL",
    "schedule_style",
    "plot_schedules",
    "plot_runs_on_contours",
    "plot_distance_to_minimum",
    "plot_final_spread",
]

#: One colour per schedule, everywhere in the course.
SCHEDULE_COLORS = {
    "constant": OKABE_ITO["black"],
    "inverse_time": OKABE_ITO["vermillion"],
    "exponential": OKABE_ITO["blue"],
    "inverse_sqrt": OKABE_ITO["bluish_green"],
    "inverse_sqrt_iteration": OKABE_ITO["sky_blue"],
    "staircase": OKABE_ITO["orange"],
    "manual": OKABE_ITO["reddish_purple"],
}

#: The formulas as the lecture writes them (mathtext), keyed like SCHEDULE_COLORS.
SCHEDULE_LABELS = {
    "constant": r"constant $\alpha_0$",
    "inverse_time": r"$\alpha_0 / (1 + \mathrm{decay\_rate} \cdot \mathrm{epoch})$",
    "exponential": r"$0.95^{\mathrm{epoch}} \cdot \alpha_0$",
    "inverse_sqrt": r"$k / \sqrt{\mathrm{epoch}} \cdot \alpha_0$",
    "inverse_sqrt_iteration": r"$k / \sqrt{t} \cdot \alpha_0$ ($t$ = iteration)",
    "staircase": "staircase (halve every few epochs)",
    "manual": "manual (lowered by hand)",
}

EPOCH_LABEL = "epoch (passes through the data)"
RATE_LABEL = "learning rate α"


def schedule_style(name, highlight=None, *, per_iteration=False):
    """Line width, transparency and zorder of schedule ``name`` when ``highlight`` is chosen.

    The chosen schedule thick, the others thin and faint (all medium when none is chosen);
    a per-iteration line is at most 1.5 wide unless chosen.
    """
    if highlight is None:
        style = {"linewidth": 2.0, "alpha": 1.0, "zorder": 2}
    elif name == highlight:
        style = {"linewidth": 3.0, "alpha": 1.0, "zorder": 3}
    else:
        style = {"linewidth": 1.2, "alpha": 0.5, "zorder": 1}
    if per_iteration and name != highlight:
        style["linewidth"] = min(style["linewidth"], 1.5)
    return style


def plot_schedules(epochs, rates, *, per_iteration=None, highlight=None, labels=None,
                   title="Learning-rate schedules", ax=None):
    """Learning rate against epochs, one line per schedule.

    A schedule's alpha for epoch e is used for the whole of that pass through the data,
    so each is drawn as a step: flat over (e - 1, e], with a dot at x = e, the end of
    epoch e. Per-iteration schedules (alpha changes at every mini-batch) are drawn as
    thin continuous lines at x = t / batches_per_epoch.

    Parameters
    ----------
    epochs : array of int, shape (N,)
        1, 2, ..., N (epochs count from 1).
    rates : dict of str -> array of shape (N,)
        Per-epoch learning rates, keyed like ``SCHEDULE_COLORS``.
    per_iteration : dict of str -> (x, rates), optional
        x in epochs (iteration t at t / batches_per_epoch) and the rate of each iteration.
    highlight : str, optional
        A key drawn thick; the others are drawn faint.
    labels : dict of str -> str, optional
        Legend labels overriding ``SCHEDULE_LABELS``.
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (7.5, 4.0))
    labels = {**SCHEDULE_LABELS, **(labels or {})}
    epochs = np.asarray(epochs)

    def style(name):
        return schedule_style(name, highlight)

    for name, rate in rates.items():
        rate = np.asarray(rate)
        # prepend x = 0 so the first epoch's step covers (0, 1]
        x = np.concatenate([[epochs[0] - 1], epochs])
        y = np.concatenate([[rate[0]], rate])
        # no decay is the reference: dotted, so schedules starting at alpha0 show through
        (line,) = ax.plot(x, y, drawstyle="steps-pre", color=SCHEDULE_COLORS[name],
                          linestyle=":" if name == "constant" else "-", label=labels[name], **style(name))
        line.set_gid(name)
        ax.plot(epochs, rate, "o", markersize=3.5 if len(epochs) <= 40 else 0,
                color=SCHEDULE_COLORS[name], alpha=style(name)["alpha"], zorder=style(name)["zorder"])
    for name, (x, rate) in (per_iteration or {}).items():
        kw = schedule_style(name, highlight, per_iteration=True)
        (line,) = ax.plot(x, rate, color=SCHEDULE_COLORS[name], label=labels[name], **kw)
        line.set_gid(name)
    ax.set_xlabel(EPOCH_LABEL)
    ax.set_ylabel(RATE_LABEL)
    ax.set_xlim(0, epochs[-1])
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    # outside the axes: seven schedules would cover the curves
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def plot_runs_on_contours(runs, colors, W, B, J, *, window=None, title=None, ax=None):
    """Paths of (w, b) over the contours of the cost J, with the start and minimum marked.

    Parameters
    ----------
    runs : dict of str -> ngopt_course.experiments.noisy.NoisyRun
        Legend label -> run (all on the same data, so they share the minimum).
    colors : dict of str -> str
        Legend label -> colour (e.g. ``SCHEDULE_COLORS["constant"]``).
    W, B, J : arrays of the same 2-D shape
        A grid of w and b (``np.meshgrid``) and the cost on it (``line_cost``).
    window : float, optional
        Show only a square of this half-width around the minimum (to see the wandering).
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (4.5, 4.0))
    # levels above the lowest cost spaced by constant factors: as dense 0.05 from the
    # minimum, where the wandering happens, as on the far slopes
    levels = J.min() + (np.quantile(J, 0.9) - J.min()) * np.geomspace(1e-4, 1.0, 17)
    ax.contour(W, B, J, levels=levels, colors=MARK_COLOR, alpha=0.25, linewidths=0.8)
    first = next(iter(runs.values()))
    for label, run in runs.items():
        (line,) = ax.plot(run.path[:, 0], run.path[:, 1], "-o", color=colors[label],
                          linewidth=0.8, markersize=2.0, label=label)
        line.set_gid("path")
    ax.plot(*first.path[0], "s", color=MARK_COLOR, markersize=6, label="start")
    # white inside, black edge: visible on white paper and on a cloud of black steps
    ax.plot(*first.minimum, "*", markerfacecolor="white", markeredgecolor=MARK_COLOR,
            markeredgewidth=1.5, markersize=16, linestyle="none", label="minimum (w*, b*)", zorder=5)
    if window is not None:
        ax.set_xlim(first.minimum[0] - window, first.minimum[0] + window)
        ax.set_ylim(first.minimum[1] - window, first.minimum[1] + window)
    else:
        ax.set_xlim(W.min(), W.max())
        ax.set_ylim(B.min(), B.max())
    ax.set_xlabel("slope w (units of y per unit of x)")
    ax.set_ylabel("intercept b (units of y)")
    ax.set_title(title or "Mini-batch gradient descent on J(w, b)")
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_distance_to_minimum(runs, colors, *, linestyles=None, title="Distance to the minimum",
                             ax=None):
    """Distance of (w, b) to the minimum against epochs, log scale, one line per run.

    Parameters
    ----------
    runs : dict of str -> NoisyRun
        Legend label -> run.
    colors : dict of str -> str
        Legend label -> colour.
    linestyles : dict of str -> str, optional
        Legend label -> line style (to tell apart two runs of one schedule).
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (6.0, 4.0))
    linestyles = linestyles or {}
    for label, run in runs.items():
        ax.plot(run.epoch_position, run.distance, color=colors[label],
                linestyle=linestyles.get(label, "-"), linewidth=1.2, label=label)
    ax.set_yscale("log")
    ax.set_xlabel(EPOCH_LABEL)
    ax.set_ylabel("distance to (w*, b*) (parameter units)")
    ax.set_xlim(0, max(run.epoch_position[-1] for run in runs.values()))
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def plot_final_spread(spreads, *, reference=None, title="How far the iterates still wander", ax=None):
    """One horizontal bar per schedule: the mean distance to the minimum at the end of a run.

    Bars are labelled with ``SCHEDULE_LABELS`` and their values; the scale is linear, so
    bar lengths compare as ratios ("ten times closer").

    Parameters
    ----------
    spreads : dict of str -> float
        Schedule key (of ``SCHEDULE_COLORS``) -> mean distance over the last epochs
        (``ngopt_course.experiments.noisy.mean_distance_last_epochs``), > 0.
    reference : str, optional
        A key whose value is drawn as a dotted vertical line across all bars (e.g.
        "constant", to compare every schedule with no decay).
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (7.5, 3.6))
    names = list(spreads)
    y = np.arange(len(names))[::-1]  # the first key on top
    bars = ax.barh(y, [spreads[n] for n in names], color=[SCHEDULE_COLORS[n] for n in names])
    for bar, name in zip(bars, names):
        bar.set_gid(name)
    ax.set_yticks(y, [SCHEDULE_LABELS[n] for n in names])
    for bar, name in zip(bars, names):
        ax.annotate(f"{spreads[name]:.3g}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize="small")
    if reference is not None:
        ax.axvline(spreads[reference], color=SCHEDULE_COLORS[reference], linestyle=":", linewidth=1.2)
    ax.set_xlim(0, 1.15 * max(spreads.values()))  # room for the value of the longest bar
    ax.set_xlabel("mean distance to (w*, b*) over the last epochs (parameter units)")
    ax.set_title(title)
    return ax
