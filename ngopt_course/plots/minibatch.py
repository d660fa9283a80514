"""Plots for batch vs mini-batch gradient descent (notebook 01).

Each helper draws what it is given (costs from ``train``'s History, ``SizeRun`` results
of ``ngopt_course.experiments.batch_size``, measured seconds) on ``ax`` (a new figure when ``ax`` is
None) and returns the Axes. Nothing here trains or times anything.

Colours: one mini-batch size is a shade on a ramp built from the palette of
``plots.style``: sky blue (``DATA_COLOR``) for size 1, through blue, to black for batch
gradient descent (size m: black is plain gradient descent everywhere in the course).
"""

from __future__ import annotations

import math

import matplotlib.colors as mcolors
from matplotlib.patches import Patch
import numpy as np

from ._figure import axes_or_new
from .style import DATA_COLOR, MARK_COLOR, OKABE_ITO, OPTIMIZER_COLORS

__all__ = [
    "COST_LABEL",
    "size_color",
    "size_label",
    "cost_line_style",
    "running_mean",
    "plot_vectorization",
    "plot_cost_per_iteration",
    "plot_cost_vs_time",
    "plot_seconds_per_epoch",
    "plot_final_cost",
]

#: y-axis label of every cost plot: the cross-entropy cost has no unit.
COST_LABEL = "cost J (dimensionless)"

# The ramp's stops: size 1 -> sky blue, the middle -> blue, size m -> black.
_RAMP = [mcolors.to_rgb(c) for c in (DATA_COLOR, OKABE_ITO["blue"], OPTIMIZER_COLORS["gd"])]


def size_color(size, m):
    """Colour of mini-batch size ``size`` out of m examples: sky blue (1) -> blue -> black (m).

    The position on the ramp is log2(size) / log2(m), so powers of two are evenly spaced.
    Returns a hex string.
    """
    if size < 1 or m < 1:
        raise ValueError(f"size == {size} and m == {m}, both must be >= 1")
    x = 1.0 if size >= m or m == 1 else math.log2(size) / math.log2(m)
    x = min(max(x, 0.0), 1.0)
    if x <= 0.5:
        a, b, f = _RAMP[0], _RAMP[1], x / 0.5
    else:
        a, b, f = _RAMP[1], _RAMP[2], (x - 0.5) / 0.5
    return mcolors.to_hex(tuple(p + (q - p) * f for p, q in zip(a, b)))


def size_label(size, m):
    """"1 (SGD)", "64", or "m = 20,000 (batch GD)" for a size >= m."""
    if size >= m:
        return f"m = {m:,} (batch GD)"
    if size == 1:
        return "1 (SGD)"
    return f"{size:,}"


def cost_line_style(num_steps):
    """Line width, transparency and markers of a J{t} curve of ``num_steps`` steps.

    Thin and a little transparent for thousands of steps (the noise is the picture), a
    dot on each step for 50 or fewer (a single step is no line).
    """
    many = num_steps > 1000
    return {"linewidth": 0.5 if many else 1.0 if num_steps > 200 else 1.6, "alpha": 0.7 if many else 1.0,
            "marker": "o" if num_steps <= 50 else "None", "markersize": 3}


def running_mean(costs, window):
    """(t, mean of the last ``window`` costs) for t = window..T, steps counted from 1."""
    costs = np.asarray(costs, dtype=float)
    running = np.convolve(costs, np.ones(window) / window, mode="valid")
    return np.arange(window, costs.size + 1), running


def plot_vectorization(loop_seconds, vectorized_seconds, m, ax=None):
    """Two horizontal bars, on a log scale: the Python loop and the vectorized product.

    Parameters
    ----------
    loop_seconds, vectorized_seconds : float
        Measured times of computing Z = W X + b for m examples.
    m : int
        How many examples (shown in the title).
    """
    ax = axes_or_new(ax, (7.0, 2.4))
    names = ["Python loop over examples", "vectorized  W @ X + b"]
    seconds = [loop_seconds, vectorized_seconds]
    bars = ax.barh(names, seconds, color=[DATA_COLOR, OKABE_ITO["blue"]])
    ax.set_xscale("log")
    ax.invert_yaxis()
    for bar, s in zip(bars, seconds):
        ax.text(bar.get_width() * 1.15, bar.get_y() + bar.get_height() / 2, f"{s * 1e3:.3g} ms",
                va="center", fontsize="small")
    ax.set_xlim(min(seconds) / 3, max(seconds) * 8)
    ax.set_xlabel("time (s, log scale)")
    ax.set_title(f"Z = W X + b for m = {m:,} examples: {loop_seconds / vectorized_seconds:.0f}x faster vectorized")
    return ax


def plot_cost_per_iteration(costs, ax=None, *, steps_per_epoch=None, window=None, color=None,
                            label=None, title=None, xlabel="iteration t (gradient steps)", ylim=None,
                            legend=True):
    """The cost of each step, J{t} against t: the lecture's training curves.

    Parameters
    ----------
    costs : array_like, shape (T,)
        J{t} of each step (``History.costs``): for batch GD the cost on all m examples,
        for mini-batch GD the cost on the step's mini-batch.
    steps_per_epoch : int, optional
        When given (and > 1), the mean of each whole epoch's costs is drawn over the
        curve as a black step line.
    window : int, optional
        When given (and > 1), the mean of the last ``window`` costs is drawn over the
        curve as a black line: the trend through the noise.
    color : colour, default DATA_COLOR
    label, title : str, optional
    xlabel : str
    ylim : (float, float), optional
        Fixed limits, e.g. to compare two panels; costs outside are clipped by the axes.
    legend : bool, default True
        A legend when more than one thing is drawn (a widget may say it in its title).
    """
    ax = axes_or_new(ax, (7.0, 3.6))
    costs = np.asarray(costs, dtype=float)
    t = np.arange(1, costs.size + 1)
    ax.plot(t, costs, color=color or DATA_COLOR, label=label or "J{t}", **cost_line_style(costs.size))
    if steps_per_epoch is not None and steps_per_epoch > 1 and costs.size >= steps_per_epoch:
        full = costs.size // steps_per_epoch
        means = costs[: full * steps_per_epoch].reshape(full, steps_per_epoch).mean(axis=1)
        edges = np.arange(full + 1) * steps_per_epoch + 0.5
        ax.stairs(means, edges, baseline=None, color=MARK_COLOR, linewidth=1.6, label="mean of each epoch")
    if window is not None and window > 1 and costs.size >= window:
        ax.plot(*running_mean(costs, window), color=MARK_COLOR, linewidth=1.6,
                label=f"mean of the last {window:,} steps")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(COST_LABEL)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    if legend and len(ax.get_lines()) + len(ax.patches) > 1:
        ax.legend(loc="upper right", fontsize="small")
    return ax


def plot_cost_vs_time(runs, ax=None, *, highlight=None, title=None, legend=True):
    """Cost on the whole training set against seconds of training, one line per size.

    Parameters
    ----------
    runs : dict of int -> SizeRun
        From ``compare_mini_batch_sizes``.
    highlight : int, optional
        A size to draw thick, in its colour; the other sizes are then thin and grey. With
        None every size is drawn in its colour with a legend.
    title : str, optional
    legend : bool, default True
    """
    ax = axes_or_new(ax, (7.0, 3.6))

    def finite(run):               # a diverged run ends in a cost that is not finite: not drawn
        keep = np.isfinite(run.eval_costs)
        return run.eval_times[keep], run.eval_costs[keep]

    for size, run in runs.items():
        if highlight is not None and size != highlight:
            ax.plot(*finite(run), color="0.78", linewidth=1.0, zorder=1)
    for size, run in runs.items():
        if highlight is None or size == highlight:
            ax.plot(*finite(run), color=size_color(size, run.m),
                    linewidth=2.6 if highlight is not None else 1.8, zorder=3,
                    label=f"size {size_label(size, run.m)}")
    if highlight is not None and len(runs) > 1:
        ax.plot([], [], color="0.78", linewidth=1.0, label="the other sizes")
    ax.set_xlabel("training time (s, measured)")
    ax.set_ylabel(COST_LABEL.replace("cost J", "cost J on all m examples"))
    ax.set_title(title or "Cost against time: who gets furthest in the same time?")
    if legend:
        ax.legend(loc="upper right", fontsize="small")
    return ax


def _size_bars(ax, runs, values, hatch_where=None):
    sizes = list(runs)
    m = next(iter(runs.values())).m
    x = np.arange(len(sizes))
    colors = [size_color(s, m) for s in sizes]
    bars = ax.bar(x, values, color=colors, edgecolor=MARK_COLOR, linewidth=0.6)
    if hatch_where is not None:
        for bar, hatched in zip(bars, hatch_where):
            if hatched:
                bar.set_hatch("///")
    ax.set_xticks(x, [size_label(s, m).replace(" (", "\n(") for s in sizes], fontsize="small")
    ax.set_xlabel("mini-batch size (examples)")
    return bars


def plot_seconds_per_epoch(runs, ax=None, *, title=None):
    """Seconds per epoch for each size, log scale; hatched bars are extrapolated.

    An epoch is extrapolated (seconds per step x steps per epoch) when the run's budget
    ended inside its first epoch (``SizeRun.epoch_measured`` False).
    """
    ax = axes_or_new(ax, (7.0, 3.6))
    values = [run.seconds_per_epoch for run in runs.values()]
    extrapolated = [not run.epoch_measured for run in runs.values()]
    bars = _size_bars(ax, runs, values, hatch_where=extrapolated)
    ax.set_yscale("log")
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, v * 1.15, f"{v:.2g}", ha="center", va="bottom",
                fontsize="x-small")
    ax.set_ylim(min(values) / 2, max(values) * 4)
    ax.set_ylabel("time per epoch (s, log scale)")
    if any(extrapolated):
        proxy = Patch(facecolor="white", edgecolor=MARK_COLOR, hatch="///",
                      label="extrapolated: the budget ended inside the first epoch")
        ax.legend(handles=[proxy], loc="upper right", fontsize="small")
    ax.set_title(title or "One pass through the data")
    return ax


def plot_final_cost(runs, ax=None, *, title=None):
    """The cost on the whole training set at the end of each size's time budget.

    A run that diverged (its cost is not finite) gets no bar, only the word "diverged".
    """
    ax = axes_or_new(ax, (7.0, 3.6))
    values = np.array([run.final_cost for run in runs.values()], dtype=float)
    ok = np.isfinite(values)
    top = values[ok].max() if ok.any() else 1.0
    bars = _size_bars(ax, runs, np.where(ok, values, 0.0))
    for bar, v, fine in zip(bars, values, ok):
        ax.text(bar.get_x() + bar.get_width() / 2, (v if fine else 0.0) + 0.01 * top,
                f"{v:.2f}" if fine else "diverged", ha="center", va="bottom", fontsize="x-small")
    ax.set_ylim(0, top * 1.2)
    ax.set_ylabel(COST_LABEL.replace("cost J", "cost J after the budget"))
    ax.set_title(title or "Where each size got in the same time")
    return ax
