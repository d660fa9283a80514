"""The RMSProp plots: S and the effective learning rates per parameter, on log axes."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course.plots.rmsprop import S_LABEL, plot_effective_learning_rates, plot_mean_squares
from ngopt_course.plots.style import OPTIMIZER_COLORS

from helpers import same_color


S = np.array([[0.081, 10.0], [0.143, 13.7], [0.2, 14.0], [0.26, 12.0]])

pytestmark = pytest.mark.usefixtures("close_figures")


def test_mean_squares_two_curves_log_axis_labelled():
    ax = plot_mean_squares(S)
    horizontal, vertical = ax.get_lines()
    assert ax.get_yscale() == "log"
    assert "S (mean squared gradient)" in ax.get_ylabel() and "dimensionless" in ax.get_ylabel()
    assert ax.get_ylabel() == S_LABEL
    assert "iterations" in ax.get_xlabel()
    np.testing.assert_array_equal(horizontal.get_ydata(), S[:, 0])
    np.testing.assert_array_equal(vertical.get_ydata(), S[:, 1])
    np.testing.assert_array_equal(vertical.get_xdata(), [1, 2, 3, 4])
    for line in (horizontal, vertical):
        assert same_color(line.get_color(), OPTIMIZER_COLORS["rmsprop"])
    assert horizontal.get_linestyle() != vertical.get_linestyle()
    assert "horizontal" in horizontal.get_label() and "vertical" in vertical.get_label()


def test_effective_learning_rates_with_gradient_descents_alpha():
    rates = 0.1 / (np.sqrt(S) + 1e-8)
    fig, given = plt.subplots()
    ax = plot_effective_learning_rates(rates, ax=given, learning_rate=0.1)
    assert ax is given and ax.get_yscale() == "log"
    horizontal, vertical, gd = ax.get_lines()
    np.testing.assert_allclose(horizontal.get_ydata(), rates[:, 0])
    assert same_color(gd.get_color(), OPTIMIZER_COLORS["gd"])
    np.testing.assert_allclose(gd.get_ydata(), [0.1, 0.1])
    assert "α = 0.1" in gd.get_label()
    assert "dimensionless" in ax.get_ylabel()
    assert len(plot_effective_learning_rates(rates).get_lines()) == 2     # no alpha: no gradient descent line


def test_wrong_shapes_are_refused():
    with pytest.raises(ValueError, match=r"s must have shape \(k, 2\)"):
        plot_mean_squares(np.ones(5))
    with pytest.raises(ValueError, match=r"rates must have shape \(k, 2\)"):
        plot_effective_learning_rates(np.ones((4, 3)))
