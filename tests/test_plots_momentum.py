"""The momentum plots draw what they are given, labelled, in the course's colours."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course import GradientDescent, Momentum, run_on_surface
from ngopt_course.experiments.convergence import REGIONS, momentum_divergence_boundary, momentum_rate_map
from ngopt_course.plots.momentum import (
    RATE_LABEL,
    plot_coordinate,
    plot_error_decay,
    plot_gradient_and_velocity,
    plot_rate_map,
    region_label_positions,
)
from ngopt_course.plots.style import DATA_COLOR, MARK_COLOR, OPTIMIZER_COLORS

from helpers import same_color

pytestmark = pytest.mark.usefixtures("close_figures")


def test_plot_coordinate_draws_one_component_per_run():
    gd = run_on_surface("elongated_bowl", GradientDescent(0.18), num_steps=30)
    mom = run_on_surface("elongated_bowl", Momentum(0.18, 0.9), num_steps=30)
    ax = plot_coordinate({"gd": gd.path, "momentum α = 0.18": mom.path}, component=1)
    lines = [line for line in ax.get_lines() if line.get_label() and not line.get_label().startswith("_")]
    assert [line.get_label() for line in lines] == ["gradient descent", "momentum α = 0.18"]
    np.testing.assert_array_equal(lines[0].get_ydata(), gd.path[:, 1])
    np.testing.assert_array_equal(lines[1].get_xdata(), np.arange(31))
    assert same_color(lines[0], OPTIMIZER_COLORS["gd"]) and same_color(lines[1], OPTIMIZER_COLORS["momentum"])
    assert "dimensionless" in ax.get_ylabel() and "parameter y" in ax.get_ylabel()
    assert "iterations" in ax.get_xlabel()
    fig, given = plt.subplots()
    assert plot_coordinate({"gd": gd.path}, ax=given, component=0) is given
    assert "parameter x" in given.get_ylabel()
    with pytest.raises(ValueError, match="component == 2, must be 0"):
        plot_coordinate({"gd": gd.path}, component=2)


def test_plot_gradient_and_velocity_colours_and_data():
    grads = np.array([[-0.9, 10.0], [-0.8, -8.0], [-0.7, 6.0]])
    v = np.array([[-0.09, 1.0], [-0.16, 0.1], [-0.21, 0.69]])
    ax = plot_gradient_and_velocity(grads, v, component=1)
    gradient, velocity = ax.get_lines()[:2]
    assert same_color(gradient, DATA_COLOR) and same_color(velocity, OPTIMIZER_COLORS["momentum"])
    np.testing.assert_array_equal(gradient.get_ydata(), [10.0, -8.0, 6.0])
    np.testing.assert_array_equal(velocity.get_ydata(), [1.0, 0.1, 0.69])
    np.testing.assert_array_equal(velocity.get_xdata(), [1, 2, 3])        # v after steps 1..3
    assert "∂f/∂y" in gradient.get_label()
    assert "dimensionless" in ax.get_ylabel() and "iterations" in ax.get_xlabel()
    assert ax.get_legend() is not None and ax.get_title()


def test_plot_error_decay_on_a_log_axis_with_a_gap_for_zero():
    errors = np.array([1.0, 0.5, 0.0, 0.125, 0.0625])
    ax = plot_error_decay(errors, 0.5)                      # no warning for the exact zero (filterwarnings=error)
    assert ax.get_yscale() == "log"
    run_line, rate_line = ax.get_lines()
    assert np.isnan(run_line.get_ydata()[2])
    np.testing.assert_allclose(rate_line.get_ydata(), 0.5 ** np.arange(5))
    assert same_color(rate_line, MARK_COLOR) and same_color(run_line, OPTIMIZER_COLORS["momentum"])
    assert "dimensionless" in ax.get_ylabel()


@pytest.fixture(scope="module")
def rate_map():
    """The (alpha, beta) map of notebook 04, for the three tests below."""
    return momentum_rate_map(np.geomspace(0.01, 10, 60), np.linspace(0, 0.99, 40), [0.2, 10.0])


def test_plot_rate_map_image_boundary_marker_and_colourbar(rate_map):
    ax = plot_rate_map(rate_map, current=(0.18, 0.9))
    assert ax.get_xscale() == "log"
    assert "learning rate α" in ax.get_xlabel() and "β" in ax.get_ylabel()
    # the colour bar, labelled as the course asks
    assert any(other.get_ylabel() == RATE_LABEL for other in ax.figure.axes if other is not ax)
    # the image holds rho, divergent cells masked (drawn grey)
    (mesh,) = ax.collections[:1]
    shown = mesh.get_array()
    np.testing.assert_allclose(np.ma.getdata(shown).reshape(rate_map.rho.shape), rate_map.rho)
    np.testing.assert_array_equal(np.ma.getmaskarray(shown).reshape(rate_map.rho.shape), rate_map.rho >= 1)
    lines = {line.get_label(): line for line in ax.get_lines()}
    boundary = lines["divergence boundary"]
    np.testing.assert_allclose(boundary.get_xdata(), momentum_divergence_boundary(rate_map.betas, 10.0))
    current = next(line for label, line in lines.items() if label.startswith("α = 0.18"))
    np.testing.assert_allclose(current.get_xydata(), [[0.18, 0.9]])
    best = next(line for label, line in lines.items() if label.startswith("best"))
    np.testing.assert_allclose(best.get_xydata(), [rate_map.best[:2]])
    texts = " ".join(t.get_text() for t in ax.texts)
    for word in ("slow crawl", "oscillation", "fast", "divergence"):
        assert word in texts


def test_plot_rate_map_into_given_axes_and_colourbar_axes(rate_map):
    fig = plt.figure()
    ax, bar = fig.add_axes((0.1, 0.1, 0.6, 0.8)), fig.add_axes((0.8, 0.1, 0.05, 0.8))
    assert plot_rate_map(rate_map, ax=ax, colorbar_ax=bar, annotate=False) is ax
    assert bar.get_ylabel() == RATE_LABEL
    assert len(fig.axes) == 2                                # no extra axes made
    assert not ax.texts                                      # annotate=False: no region names


def test_region_labels_sit_inside_their_regions(rate_map):
    positions = region_label_positions(rate_map)
    assert set(positions) == {REGIONS[code] for code in np.unique(rate_map.region)}
    for name, (alpha, beta) in positions.items():
        j = int(np.argmin(np.abs(rate_map.learning_rates - alpha)))
        i = int(np.argmin(np.abs(rate_map.betas - beta)))
        assert REGIONS[rate_map.region[i, j]] == name
