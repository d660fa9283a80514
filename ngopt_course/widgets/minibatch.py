"""The mini-batch size explorer of notebook 01.

A slider over the mini-batch sizes 1, 2, 4, ..., 1024 and m. Every size was trained once,
before the slider moves (by the builder, or by the caller who passes the runs), for the
same budget of training time (see ``ngopt_course.experiments.batch_size``), so moving the slider
only redraws: on the left the cost J{t}
of each step of the chosen size (smooth for batch gradient descent, noisy for small
mini-batches), on the right the cost on the whole training set against the measured
training time, the chosen size over the others in grey.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from .._validation import check_array, check_int, check_real
from ..experiments.batch_size import SizeRun, compare_mini_batch_sizes
from ..plots.minibatch import (
    cost_line_style,
    plot_cost_per_iteration,
    plot_cost_vs_time,
    running_mean,
    size_color,
    size_label,
)
from ..plots.style import MARK_COLOR
from ._base import Explorer

__all__ = ["MiniBatchResult", "MiniBatchExplorer", "minibatch_explorer", "explorer_sizes"]

#: The network of notebook 01: n = 20 inputs, two hidden ReLU layers, one sigmoid output.
LAYER_DIMS = (20, 16, 8, 1)


def explorer_sizes(m):
    """The slider's sizes: the powers of two 1, 2, ..., 1024 below m, then m (batch GD)."""
    m = check_int(m, "m", min_val=1)
    return [2 ** k for k in range(11) if 2 ** k < m] + [m]


@dataclass(frozen=True)
class MiniBatchResult:
    """The precomputed run of the size the slider shows."""

    mini_batch_size: int
    run: SizeRun


class MiniBatchExplorer(Explorer):
    """Mini-batch size slider -> cost per iteration and cost against time.

    Parameters
    ----------
    runs : dict of int -> SizeRun
        One run per size, all on the same m examples with the same time budget.
    mini_batch_size : int
        The initial size, one of ``runs``.
    """

    #: the slider whose stops the browser shows from precomputed frames
    MAIN_CONTROL = "mini_batch_size"

    def __init__(self, runs, mini_batch_size):
        self.runs = dict(runs)
        self.m = next(iter(self.runs.values())).m
        # One y range for every size, so that the noise of small sizes is comparable.
        start = max(float(run.eval_costs[0]) for run in self.runs.values())
        self.ylim = (0.0, 2.2 * start)
        # Every run stops at the first step past the same budget: the median run shows it.
        # (A run whose one slow step overshot far, e.g. on a busy machine, is cut off.)
        seconds = [run.seconds for run in self.runs.values()]
        self.t_max = float(np.median(seconds)) or max(seconds) or 1.0   # never a zero-width axis
        slider = widgets.SelectionSlider(
            options=[(f"{s:,}" if s < self.m else f"m = {self.m:,}", s) for s in self.runs],
            value=mini_batch_size, description="mini-batch size", continuous_update=True,
            style={"description_width": "initial"}, layout=widgets.Layout(width="560px"),
        )
        super().__init__({"mini_batch_size": slider}, figsize=(9.0, 3.6), dpi=90)

    def compute(self, mini_batch_size):
        return MiniBatchResult(mini_batch_size, self.runs[mini_batch_size])

    def _window(self, result):
        """The running mean's length (about 1/40 of the steps), or None for batch GD or few steps."""
        run, size = result.run, result.mini_batch_size
        return max(2, run.num_steps // 40) if size < self.m and run.num_steps >= 80 else None

    def _left_title(self, result):
        run, window = result.run, self._window(result)
        steps = f"{run.num_steps:,} step{'s' * (run.num_steps != 1)}"
        return (f"J{{t}} of each step: {steps} in {run.seconds:.2f} s"
                + (f"\n(black: mean of the last {window:,} steps)" if window else ""))

    def draw_still(self, result):
        # Fixed margins (the base figure has no layout engine): same positions every redraw.
        left = self.figure.add_axes((0.07, 0.14, 0.44, 0.70))
        right = self.figure.add_axes((0.55, 0.14, 0.43, 0.70), sharey=left)
        run, size = result.run, result.mini_batch_size
        # The trend through the noise: a running mean over about 1/40 of the steps.
        window = self._window(result)
        # Titles instead of legends: a legend would double the time of a redraw.
        plot_cost_per_iteration(
            run.costs, ax=left, color=size_color(size, self.m), window=window, ylim=self.ylim, legend=False,
            title=self._left_title(result),
        )
        plot_cost_vs_time(self.runs, ax=right, highlight=size, legend=False,
                          title=self._right_title(result))
        right.set_xlim(0, self.t_max * 1.05)
        right.set_ylabel("")                      # the y axis is shared with the left panel
        right.tick_params(labelleft=False)
        for ax in (left, right):                  # fewer tick labels: text is most of a redraw
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.yaxis.set_major_locator(MaxNLocator(5))
        # Moving: the left panel's curves, step axis and title, the chosen curve on the
        # right and its title; the cost axis, the grey curves and the right panel's axes stay.
        highlighted = [line for line in right.get_lines() if line.get_label() == f"size {size_label(size, self.m)}"]
        # the chosen size in grey too, under its colour: still there when the slider moves on
        keep = np.isfinite(run.eval_costs)
        right.plot(run.eval_times[keep], run.eval_costs[keep], color="0.78", linewidth=1.0, zorder=1)
        self._left, self._chosen, self._right_title_text = left, highlighted[0], right.title

    def _right_title(self, result):
        size = result.mini_batch_size
        short = "m (batch GD)" if size >= self.m else size_label(size, self.m)
        return f"Cost on all {self.m:,} examples against time:\nsize {short} in colour, the others in grey"

    def draw_moving(self, result):
        left, chosen, right_title = self._left, self._chosen, self._right_title_text
        run, size = result.run, result.mini_batch_size
        window = self._window(result)
        costs, *mean = left.get_lines()
        costs.set_data(np.arange(1, run.costs.size + 1), run.costs)
        costs.set(color=size_color(size, self.m), **cost_line_style(run.costs.size))
        if window:                                # the black running mean: update, or add it
            t, running = running_mean(run.costs, window)
            if mean:
                mean[0].set_data(t, running)
                mean[0].set_label(f"mean of the last {window:,} steps")
            else:
                left.plot(t, running, color=MARK_COLOR, linewidth=1.6, label=f"mean of the last {window:,} steps")
        elif mean:
            mean[0].remove()
        left.relim()
        left.autoscale_view(scaley=False)         # the step axis follows the run; the cost axis is fixed
        left.set_title(self._left_title(result))
        keep = np.isfinite(run.eval_costs)        # as plot_cost_vs_time: a diverged cost is not drawn
        chosen.set_data(run.eval_times[keep], run.eval_costs[keep])
        chosen.set_color(size_color(size, self.m))
        chosen.set_label(f"size {size_label(size, self.m)}")
        right_title.set_text(self._right_title(result))
        return [*left.get_lines(), left.xaxis, left.title, chosen, right_title]

    def describe(self, result):
        run, size = result.run, result.mini_batch_size
        kind = ("batch gradient descent: one step per epoch" if size >= self.m
                else "stochastic gradient descent: every example is its own mini-batch" if size == 1
                else "mini-batch gradient descent")
        epoch = (f"{run.seconds_per_epoch:.3g} s per epoch" if run.epoch_measured
                 else f"about {run.seconds_per_epoch:.3g} s per epoch (extrapolated: the budget ended "
                      f"after {run.epochs:.2f} of the first epoch)")
        if np.isfinite(run.final_cost):
            reached = f"cost J = <b>{run.final_cost:.3f}</b> on all {self.m:,} examples"
        else:
            reached = "<b>it diverged</b> (the learning rate is too large for this size)"
        finite = [s for s in self.runs if np.isfinite(self.runs[s].final_cost)]
        best = ""
        if finite:
            b = min(finite, key=lambda s: self.runs[s].final_cost)
            best = f" (lowest of all sizes: {size_label(b, self.m)}, J = {self.runs[b].final_cost:.3f})"
        return (
            f"Size <b>{size_label(size, self.m)}</b>, {kind}. "
            f"<b>{run.steps_per_epoch:,} step{'s' * (run.steps_per_epoch != 1)} per epoch</b>, {run.seconds_per_step * 1e6:,.0f} µs per step, "
            f"{run.seconds_per_example * 1e6:.3g} µs per example, <b>{epoch}</b>. "
            f"In {run.seconds:.2f} s of training: {run.num_steps:,} step{'s' * (run.num_steps != 1)}, "
            f"{run.epochs:.3g} epoch{'s' * (run.epochs != 1)}, "
            f"{reached}{best}. Times were measured once, when the runs were made, on this machine."
        )


def minibatch_explorer(runs=None, *, X=None, Y=None, mini_batch_size=64, learning_rate=0.1,
                       time_budget=0.1, num_evals=10, seed=0):
    """Build the mini-batch size explorer of notebook 01.

    Parameters
    ----------
    runs : dict of int -> SizeRun, optional
        Runs already computed with ``compare_mini_batch_sizes`` (notebook 01 passes its
        own); their sizes make the slider. Without them, the explorer trains the network
        ``LAYER_DIMS`` on (X, Y) once per size of ``explorer_sizes(m)`` now: 12 sizes x
        ``time_budget`` seconds plus the evaluations, about 1.5 s with the defaults.
    X, Y : arrays (20, m) and (1, m), optional
        Default: the first 20,000 examples of ``large_dataset`` (a 2 MB file in the cache).
    mini_batch_size : int, default 64
        The size shown first.
    learning_rate, time_budget, num_evals, seed
        Passed to ``compare_mini_batch_sizes`` when the runs are computed here.

    Returns
    -------
    MiniBatchExplorer
    """
    if runs is None:
        if X is None and Y is None:
            from ..data import large_dataset   # only when the default data is wanted

            X, Y = large_dataset(m=20_000, progress=False)
        elif X is None or Y is None:
            raise ValueError("pass both X and Y, or neither (for the first 20,000 examples of the large set)")
        X = np.asarray(check_array(X, "X", ndim=2))
        Y = np.asarray(Y)
        learning_rate = check_real(learning_rate, "learning_rate", min_val=0.0, closed="neither")
        time_budget = check_real(time_budget, "time_budget", min_val=0.0, closed="neither")
        runs = compare_mini_batch_sizes(
            X, Y, [X.shape[0], *LAYER_DIMS[1:]], explorer_sizes(X.shape[1]),
            learning_rate=learning_rate, time_budget=time_budget, num_evals=num_evals, seed=seed,
        )
    else:
        runs = dict(runs)
        if not runs or not all(isinstance(r, SizeRun) for r in runs.values()):
            raise TypeError("runs must be a non-empty dict of size -> SizeRun (from compare_mini_batch_sizes)")
        if len({r.m for r in runs.values()}) != 1:
            raise ValueError("the runs must all be on the same m examples")
        runs = dict(sorted(runs.items()))
    if mini_batch_size not in runs:
        raise ValueError(f"mini_batch_size == {mini_batch_size!r}, must be one of the sizes {list(runs)}")
    return MiniBatchExplorer(runs, mini_batch_size)
