"""The shared contour and path plots draw what they are given, in the course's colours."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course import SURFACES, run_on_surface, surface_grid
from ngopt_course.plots.style import OPTIMIZER_COLORS
from ngopt_course.plots.surfaces import plot_loss_curves, plot_path, plot_surface_contours

from helpers import same_color

pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_contours_with_landmarks_and_labelled_axes(name):
    ax = plot_surface_contours(name)
    surface = SURFACES[name]
    assert ax.get_title() == surface.title
    assert "dimensionless" in ax.get_xlabel() and "dimensionless" in ax.get_ylabel()
    assert ax.get_xlim() == surface.bounds[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "start" in labels
    assert ("minimum" in labels) == (surface.minimum is not None)


def test_precomputed_grid_and_given_axes_are_used():
    fig, ax = plt.subplots()
    grid = surface_grid("elongated_bowl", num=30)
    assert plot_surface_contours("elongated_bowl", ax=ax, grid=grid) is ax


def test_path_in_the_optimizer_colour_up_to_a_step():
    run = run_on_surface("elongated_bowl", "momentum", num_steps=20)
    ax = plot_path(run.path, "momentum", upto=5)
    line = ax.get_lines()[-1]
    assert same_color(line.get_color(), OPTIMIZER_COLORS["momentum"])
    np.testing.assert_array_equal(line.get_xydata(), run.path[:6])
    assert line.get_label() == "momentum"


def test_loss_curves_plot_the_gap_to_the_minimum_on_a_log_axis():
    runs = {k: run_on_surface("elongated_bowl", k, num_steps=30) for k in ("gd", "adam")}
    ax = plot_loss_curves({k: r.losses for k, r in runs.items()}, f_min=0.0)
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["gradient descent", "Adam"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), np.maximum(runs["gd"].losses, 1e-12))
    assert "step t" in ax.get_xlabel()
