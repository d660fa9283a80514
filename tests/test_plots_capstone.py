"""The capstone plots draw the decision grid and cost curves they are given."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course.experiments.capstone import decision_grid
from ngopt_course.plots.capstone import CLASS_COLORS, plot_cost_curves, plot_decision_boundary
from ngopt_course.plots.style import OKABE_ITO, OPTIMIZER_COLORS

from helpers import hex_color

pytestmark = pytest.mark.usefixtures("close_figures")


X = np.array([[0.0, 1.0, 2.0, -1.0], [0.0, 1.0, -1.0, 0.5]])
Y = np.array([[0.0, 1.0, 1.0, 0.0]])
LINE = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.0]])}      # label 1 where x1 > x2


def test_decision_boundary_regions_line_and_dots():
    grid = decision_grid(LINE, ((-2.0, 3.0), (-2.0, 2.0)), num=30)
    ax = plot_decision_boundary(grid, X, Y, title="a line")
    assert ax.get_title() == "a line"
    assert "x₁" in ax.get_xlabel() and "dimensionless" in ax.get_xlabel() and "x₂" in ax.get_ylabel()
    assert ax.get_xlim() == (-2.0, 3.0) and ax.get_ylim() == (-2.0, 2.0)
    dots = [c for c in ax.collections if c.get_offsets().shape[0] > 0 and c.get_label().startswith("y =")]
    assert [d.get_label() for d in dots] == ["y = 0", "y = 1"]
    np.testing.assert_array_equal(dots[0].get_offsets(), X[:, [0, 3]].T)
    np.testing.assert_array_equal(dots[1].get_offsets(), X[:, [1, 2]].T)
    assert hex_color(dots[0].get_facecolor()[0]) == hex_color(CLASS_COLORS[0])
    assert hex_color(dots[1].get_facecolor()[0]) == hex_color(CLASS_COLORS[1])
    # the filled regions and the boundary line at the 0.5 level
    levels = [tuple(c.levels) for c in ax.collections if hasattr(c, "levels")]
    assert (-0.5, 0.5, 1.5) in levels and (0.5,) in levels


def test_decision_boundary_with_one_label_only_and_on_given_axes():
    everywhere = {"W1": np.array([[0.0, 0.0]]), "b1": np.array([[1.0]])}   # z = 1: label 1 everywhere
    grid = decision_grid(everywhere, ((0.0, 1.0), (0.0, 1.0)), num=5)
    fig, ax = plt.subplots()
    assert plot_decision_boundary(grid, X, Y, ax=ax) is ax
    levels = [tuple(c.levels) for c in ax.collections if hasattr(c, "levels")]
    assert levels == [(-0.5, 0.5, 1.5)]       # no boundary line: there is no boundary


def test_decision_boundary_without_grid_draws_the_data():
    ax = plot_decision_boundary(None, X, Y, title="data")
    assert len(ax.collections) == 2 and ax.get_legend() is not None


def test_class_colours_come_from_the_palette():
    assert {hex_color(c) for c in CLASS_COLORS} <= {hex_color(c) for c in OKABE_ITO.values()}


def test_cost_curves_colour_style_and_highlight():
    costs = {"a": np.array([1.0, 0.5, 0.2]), "b": np.array([1.0, 0.8, 0.7]), "c": np.array([0.9, 0.3, 0.1])}
    ax = plot_cost_curves(costs, {"a": "gd", "b": "momentum", "c": "adam"}, decayed={"b"},
                          labels={"a": "run a"}, highlight="c", styles={"a": {"ls": ":"}})
    a, b, c = ax.get_lines()
    np.testing.assert_array_equal(a.get_xdata(), [1, 2, 3])               # epochs count from 1
    np.testing.assert_array_equal(c.get_ydata(), costs["c"])
    assert [hex_color(line.get_color()) for line in (a, b, c)] == [
        hex_color(OPTIMIZER_COLORS["gd"]), hex_color(OPTIMIZER_COLORS["momentum"]), hex_color(OPTIMIZER_COLORS["adam"])]
    assert a.get_linestyle() == ":" and b.get_linestyle() == "--" and c.get_linestyle() == "-"
    assert c.get_linewidth() > a.get_linewidth() and a.get_alpha() < 1 and c.get_alpha() == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["run a", "b", "c"]
    assert ax.get_yscale() == "log"
    assert "epoch" in ax.get_xlabel() and "dimensionless" in ax.get_ylabel()


def test_cost_curves_linear_on_given_axes():
    fig, ax = plt.subplots()
    out = plot_cost_curves({"x": np.array([3.0, 2.0])}, {"x": "gd"}, ax=ax, log=False, title="t")
    assert out is ax and ax.get_yscale() == "linear" and ax.get_title() == "t"
