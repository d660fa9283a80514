"""The notebook-08 plots draw what they are given, labelled, in the course's colours."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course.experiments.critical_points import CRITICAL_POINT_KINDS, critical_point_census, naive_index_fractions
from ngopt_course.plots.critical_points import (
    BASIN_COLORS,
    CRITICAL_POINT_COLORS,
    plot_basins,
    plot_census_fractions,
    plot_gradient_norm,
    plot_index_histogram,
)
from ngopt_course.plots.style import MARK_COLOR, OKABE_ITO, OPTIMIZER_COLORS

from helpers import hex_color

pytestmark = pytest.mark.usefixtures("close_figures")


def test_palette_comes_from_the_course_style():
    palette = {hex_color(c) for c in OKABE_ITO.values()}
    assert {hex_color(c) for c in CRITICAL_POINT_COLORS.values()} <= palette
    assert {hex_color(c) for c in BASIN_COLORS} <= palette
    assert set(CRITICAL_POINT_COLORS) == set(CRITICAL_POINT_KINDS)


def test_census_fractions_plot():
    dims = np.array([1, 2, 3, 8])
    fractions = {
        "local minimum": np.array([0.5, 0.15, 0.02, 0.0]),
        "local maximum": np.array([0.5, 0.15, 0.03, 0.0]),
        "saddle point": np.array([0.0, 0.7, 0.95, 1.0]),
    }
    ax = plot_census_fractions(dims, fractions, 1000, naive=0.5 ** dims)
    assert ax.get_yscale() == "log"
    assert "dimension n" in ax.get_xlabel() and "fraction" in ax.get_ylabel()
    lines = {line.get_label(): line for line in ax.get_lines()}
    minimum = lines["local minimum (measured)"]
    np.testing.assert_array_equal(minimum.get_xdata(), [1, 2, 3])          # the zero is not on the line
    assert hex_color(minimum.get_color()) == hex_color(CRITICAL_POINT_COLORS["local minimum"])
    zeros = lines["none in 1,000 samples"]                                # drawn at 1 / num_samples
    np.testing.assert_allclose(zeros.get_ydata(), [1e-3])
    naive = lines["naive estimate 2⁻ⁿ"]
    assert hex_color(naive.get_color()) == hex_color(MARK_COLOR) and naive.get_linestyle() == ":"
    saddle = lines["saddle point (measured)"]
    np.testing.assert_array_equal(saddle.get_xdata(), [2, 3, 8])
    assert ax.get_legend() is not None and ax.get_title()


def test_index_histogram_on_a_given_axes():
    census = critical_point_census([4], num_samples=500, seed=0)
    fig, ax = plt.subplots()
    out = plot_index_histogram(4, census.index_fractions(4), ax=ax, naive=naive_index_fractions(4))
    assert out is ax
    bars = ax.patches
    assert len(bars) == 5
    np.testing.assert_allclose([b.get_height() for b in bars], census.index_fractions(4))
    assert hex_color(bars[0].get_facecolor()) == hex_color(CRITICAL_POINT_COLORS["local minimum"])
    assert hex_color(bars[-1].get_facecolor()) == hex_color(CRITICAL_POINT_COLORS["local maximum"])
    assert hex_color(bars[2].get_facecolor()) == hex_color(CRITICAL_POINT_COLORS["saddle point"])
    (dots,) = ax.get_lines()
    np.testing.assert_allclose(dots.get_ydata(), [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16])
    assert "negative eigenvalues" in ax.get_xlabel()
    assert len(ax.get_legend().get_texts()) == 4


def test_gradient_norm_plot_several_optimizers():
    ax = plot_gradient_norm(np.array([0.1, 0.01, 0.0]), optimizer="gd")
    plot_gradient_norm(np.array([0.2, 0.05]), ax=ax, optimizer="adam", threshold=0.05)
    assert ax.get_yscale() == "log"
    assert "step t" in ax.get_xlabel() and "(dimensionless)" in ax.get_ylabel()
    gd, adam, threshold = ax.get_lines()
    assert hex_color(gd.get_color()) == hex_color(OPTIMIZER_COLORS["gd"])
    assert hex_color(adam.get_color()) == hex_color(OPTIMIZER_COLORS["adam"])
    assert np.all(gd.get_ydata() > 0)                  # an exact zero is lifted onto the log axis
    assert threshold.get_label() == "|∇f| = 0.05"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["gradient descent", "Adam", "|∇f| = 0.05"]


def test_basins_plot():
    xx, yy = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    basin = np.where(xx < 0, 0, 1)
    basin[0, 0] = -1
    ax = plot_basins(xx, yy, basin, ["global minimum", "local minimum"])
    (mesh,) = ax.collections
    np.testing.assert_array_equal(np.asarray(mesh.get_array()).reshape(basin.shape), basin + 1)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["ends in the global minimum", "ends in the local minimum", "ends elsewhere"]
    assert "(dimensionless)" in ax.get_xlabel() and "(dimensionless)" in ax.get_ylabel()
    colors = mesh.get_cmap().colors
    assert [hex_color(c) for c in colors[1:]] == [hex_color(c) for c in BASIN_COLORS[:2]]
