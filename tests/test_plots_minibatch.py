"""Plots of notebooks 00 and 01: labels with units, the palette, the numbers drawn."""

import matplotlib
import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course.experiments.batch_size import SizeRun
from ngopt_course.plots.key import color_key_entries, plot_color_key
from ngopt_course.plots.minibatch import (
    COST_LABEL,
    plot_cost_per_iteration,
    plot_cost_vs_time,
    plot_final_cost,
    plot_seconds_per_epoch,
    plot_vectorization,
    size_color,
    size_label,
)
from ngopt_course.plots.style import (
    BETA_COLORS,
    DATA_COLOR,
    MARK_COLOR,
    OKABE_ITO,
    OPTIMIZER_COLORS,
)

from helpers import hex_color


M = 1024

pytestmark = pytest.mark.usefixtures("close_figures")


def fake_run(size, m=M, final=0.2, seconds=0.5, steps=None):
    """A SizeRun with simple, known numbers: steps of equal length, a straight cost line."""
    T = -(-m // size)
    steps = steps if steps is not None else 3 * T
    times = np.linspace(seconds / steps, seconds, steps)
    middle = (0.7 + final) / 2 if np.isfinite(final) else 0.5      # a diverged run ends in inf or NaN only
    return SizeRun(mini_batch_size=size, m=m, steps_per_epoch=T, costs=np.linspace(0.7, middle, steps),
                   step_times=times, eval_steps=np.array([0, steps // 2, steps]),
                   eval_times=np.array([0.0, times[steps // 2 - 1], seconds]),
                   eval_costs=np.array([0.7, middle, final]),
                   examples_processed=steps * min(size, m), params={}, stop_reason="time budget")


# -- colours and labels ---------------------------------------------------------

def test_size_colors_run_from_sky_blue_through_blue_to_black():
    assert size_color(1, M) == hex_color(DATA_COLOR)
    assert size_color(M, M) == hex_color(OPTIMIZER_COLORS["gd"]) == hex_color(MARK_COLOR)
    assert size_color(5000, M) == hex_color(MARK_COLOR)                # larger than m: batch GD
    assert size_color(32, M) == hex_color(OKABE_ITO["blue"])           # log2(32) / log2(1024) = 1/2
    # darker with every doubling (luminance 0.2126 R + 0.7152 G + 0.0722 B falls)
    lum = [np.dot(mcolors.to_rgb(size_color(2 ** k, M)), [0.2126, 0.7152, 0.0722]) for k in range(11)]
    assert all(a > b for a, b in zip(lum, lum[1:])), lum
    with pytest.raises(ValueError, match="size == 0"):
        size_color(0, M)


def test_size_labels():
    assert size_label(1, 20_000) == "1 (SGD)"
    assert size_label(64, 20_000) == "64"
    assert size_label(20_000, 20_000) == "m = 20,000 (batch GD)"
    assert size_label(4096, 1000) == "m = 1,000 (batch GD)"


# -- vectorization -------------------------------------------------------------

def test_plot_vectorization():
    ax = plot_vectorization(0.25, 0.0005, 100_000)
    assert isinstance(ax, matplotlib.axes.Axes)
    widths = [p.get_width() for p in ax.patches]
    assert widths == [0.25, 0.0005]
    assert ax.get_xscale() == "log" and "(s" in ax.get_xlabel()
    assert "500x" in ax.get_title() and "100,000" in ax.get_title()


# -- cost per iteration ----------------------------------------------------------

def test_plot_cost_per_iteration_draws_the_costs():
    fig, ax = plt.subplots()
    out = plot_cost_per_iteration([0.7, 0.6, 0.5], ax=ax, title="batch")
    assert out is ax
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(line.get_ydata(), [0.7, 0.6, 0.5])
    assert hex_color(line.get_color()) == hex_color(DATA_COLOR)
    assert ax.get_ylabel() == COST_LABEL and "dimensionless" in COST_LABEL
    assert "iteration t" in ax.get_xlabel() and ax.get_title() == "batch"
    assert ax.get_legend() is None                       # one line: no legend


def test_plot_cost_per_iteration_epoch_means_and_running_mean():
    ax = plot_cost_per_iteration([4.0, 2.0, 3.0, 1.0, 9.0], steps_per_epoch=2, window=2)
    (stairs,) = ax.patches
    np.testing.assert_allclose(stairs.get_data().values, [3.0, 2.0])      # (4+2)/2, (3+1)/2; epoch 3 unfinished
    np.testing.assert_allclose(stairs.get_data().edges, [0.5, 2.5, 4.5])
    data, running = ax.get_lines()
    np.testing.assert_allclose(running.get_ydata(), [3.0, 2.5, 2.0, 5.0])  # means of neighbours
    np.testing.assert_array_equal(running.get_xdata(), [2, 3, 4, 5])
    assert hex_color(running.get_color()) == hex_color(MARK_COLOR)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["J{t}", "mean of each epoch", "mean of the last 2 steps"]


def test_plot_cost_per_iteration_fixed_limits():
    ax = plot_cost_per_iteration(np.full(10, 5.0), ylim=(0, 2), color=OKABE_ITO["blue"])
    assert ax.get_ylim() == (0, 2)
    assert hex_color(ax.get_lines()[0].get_color()) == hex_color(OKABE_ITO["blue"])


# -- comparisons of sizes ---------------------------------------------------------

def _runs():
    return {1: fake_run(1, final=0.3, steps=200), 64: fake_run(64, final=0.1),
            M: fake_run(M, final=0.6, steps=20)}


def test_plot_cost_vs_time_every_size_in_its_colour():
    runs = _runs()
    ax = plot_cost_vs_time(runs)
    lines = ax.get_lines()
    assert [hex_color(l.get_color()) for l in lines] == [size_color(s, M) for s in runs]
    np.testing.assert_allclose(lines[1].get_ydata(), runs[64].eval_costs)
    np.testing.assert_allclose(lines[1].get_xdata(), runs[64].eval_times)
    assert "(s" in ax.get_xlabel() and "dimensionless" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["size 1 (SGD)", "size 64", "size m = 1,024 (batch GD)"]


def test_plot_cost_vs_time_highlight_and_no_nan():
    runs = _runs()
    runs[1] = fake_run(1, final=float("nan"), steps=200)          # diverged
    ax = plot_cost_vs_time(runs, highlight=1)
    grey = [l for l in ax.get_lines() if hex_color(l.get_color()) == hex_color("0.78")]
    (chosen,) = [l for l in ax.get_lines() if hex_color(l.get_color()) == size_color(1, M)]
    assert len(grey) == 3                                         # 2 sizes + the legend's sample
    assert chosen.get_linewidth() > grey[0].get_linewidth()
    assert np.all(np.isfinite(chosen.get_ydata())) and len(chosen.get_ydata()) == 2


def test_plot_seconds_per_epoch_hatches_the_extrapolated():
    runs = {1: fake_run(1, steps=100), 64: fake_run(64), M: fake_run(M, steps=20)}   # size 1: 100 of 1024 steps
    ax = plot_seconds_per_epoch(runs)
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, [r.seconds_per_epoch for r in runs.values()])
    # size 1: 0.005 s per step x 1024 steps = 5.12 s, extrapolated; batch GD: one step, 0.025 s
    np.testing.assert_allclose(heights[0], 0.5 / 100 * 1024)
    np.testing.assert_allclose(heights[2], 0.5 / 20)
    assert [p.get_hatch() for p in ax.patches] == ["///", None, None]
    assert ax.get_yscale() == "log" and "(s" in ax.get_ylabel()
    assert "mini-batch size" in ax.get_xlabel()
    assert "extrapolated" in ax.get_legend().get_texts()[0].get_text()


def test_plot_final_cost_bars_and_divergence():
    runs = _runs()
    runs[M] = fake_run(M, final=float("inf"), steps=20)
    ax = plot_final_cost(runs)
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, [0.3, 0.1, 0.0])
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["0.30", "0.10", "diverged"]
    assert [hex_color(p.get_facecolor()) for p in ax.patches] == [size_color(s, M) for s in runs]
    assert "dimensionless" in ax.get_ylabel()


# -- the colour key (notebook 00) ---------------------------------------------------

def test_color_key_shows_every_palette_colour():
    entries = color_key_entries()
    colours = {hex_color(c) for _, _, c in entries}
    expected = {hex_color(c) for c in [*OPTIMIZER_COLORS.values(), *BETA_COLORS.values(), DATA_COLOR, MARK_COLOR]}
    assert expected <= colours
    ax = plot_color_key()
    lines = ax.get_lines()
    assert len(lines) == len(entries)
    assert [hex_color(l.get_color()) for l in lines] == [hex_color(c) for _, _, c in entries]
    texts = {t.get_text() for t in ax.texts}
    assert {"gradient descent", "momentum", "RMSProp", "Adam", "β = 0.9", "β = 0.98", "β = 0.5"} <= texts
    yellow = [l for l in lines if hex_color(l.get_color()) == hex_color(BETA_COLORS[0.5])]
    assert yellow and yellow[0].get_path_effects()          # a dark edge: yellow is faint on white
    assert not ax.axison


def test_color_key_on_a_given_axes():
    fig, ax = plt.subplots()
    assert plot_color_key(ax=ax) is ax
