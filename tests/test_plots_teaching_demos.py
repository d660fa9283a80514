"""The plots of the new demonstrations: noisy paths, the turned bowl, index against loss.

Each helper takes ax=None and returns the Axes, draws the data it was given (checked
point by point), labels both axes with units and keeps its legend off the data (below
the axes).
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course.experiments.index_vs_loss import find_critical_points, mean_loss_by_index, random_landscape
from ngopt_course.experiments.noisy import make_line_data
from ngopt_course.experiments.noisy_paths import batch_size_paths
from ngopt_course.experiments.per_coordinate import rotation_comparison
from ngopt_course.plots.index_vs_loss import plot_index_vs_loss
from ngopt_course.plots.noisy_paths import plot_distance_per_step, plot_line_cost_paths
from ngopt_course.plots.per_coordinate import plot_steps_aligned_vs_turned
from ngopt_course.plots.style import OPTIMIZER_COLORS

pytestmark = pytest.mark.usefixtures("close_figures")


def _legend_below(ax):
    legend = ax.get_legend()
    assert legend is not None
    anchor = legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
    assert anchor.y1 <= 0.0 + 1e-9, "the legend sits below the axes, not over the data"


@pytest.fixture(scope="module")
def paths():
    X, Y = make_line_data(200, seed=0)
    return X, Y, batch_size_paths(X, Y, sizes=(1, None), learning_rate=0.1, num_steps=200)


def test_line_cost_paths_draw_every_iterate(paths):
    X, Y, runs = paths
    colors = {1: "#56B4E9", 200: "#000000"}
    ax = plot_line_cost_paths(runs, colors, X, Y, labels={1: "SGD", 200: "batch"})
    assert isinstance(ax, matplotlib.axes.Axes)
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["SGD"].get_xydata(), runs[1].path)
    np.testing.assert_array_equal(lines["batch"].get_xydata(), runs[200].path)
    assert "units" in ax.get_xlabel() and "units" in ax.get_ylabel()
    _legend_below(ax)
    zoom = plot_line_cost_paths(runs, colors, X, Y, window=0.5, legend=False)
    assert zoom.get_xlim() == pytest.approx((runs[1].minimum[0] - 0.5, runs[1].minimum[0] + 0.5))
    assert zoom.get_legend() is None


def test_distance_per_step(paths):
    X, Y, runs = paths
    fig, ax = plt.subplots()
    assert plot_distance_per_step(runs, {1: "#56B4E9", 200: "#000000"}, ax=ax) is ax
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), runs[1].distance)
    assert ax.get_yscale() == "log" and "parameter units" in ax.get_ylabel()
    _legend_below(ax)


def test_steps_aligned_vs_turned_bars():
    comparison = rotation_comparison(("momentum", "adam"))
    ax = plot_steps_aligned_vs_turned(comparison)
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == [68, 68, comparison["adam"][0].steps_to_tol, comparison["adam"][1].steps_to_tol]
    assert ax.patches[0].get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb(OPTIMIZER_COLORS["momentum"]))
    assert "iterations" in ax.get_ylabel()
    _legend_below(ax)


def test_index_vs_loss_scatter_and_means():
    cp = find_critical_points(random_landscape(3, num_features=100, seed=0), num_starts=100)
    ax = plot_index_vs_loss(cp)
    assert sum(len(c.get_offsets()) for c in ax.collections) == cp.losses.size
    means = mean_loss_by_index(cp)
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [means[k][1] for k in sorted(means)])
    np.testing.assert_allclose(line.get_xdata(), np.array(sorted(means)) / 3)
    assert "dimensionless" in ax.get_xlabel() and "dimensionless" in ax.get_ylabel()
    _legend_below(ax)
