"""Plot helpers of notebooks 02 and 03: what they draw, in which colours, with which labels."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course.ewa import ewa, ewa_weights
from ngopt_course.plots.ewa import (
    DATA_NOTE,
    UNCORRECTED_COLOR,
    beta_label,
    plot_bias_correction,
    plot_correction_effect,
    plot_ewa_curves,
    plot_ewa_weights,
    plot_temperatures,
    temperature_label,
)
from ngopt_course.plots.style import BETA_COLORS, DATA_COLOR, OTHER_BETA_COLOR

from helpers import hex_color, same_color, stand_in_year

pytestmark = pytest.mark.usefixtures("close_figures")

DAYS, TEMPS = stand_in_year(seed=0)


def test_labels():
    assert temperature_label("F") == "temperature (°F)"
    assert temperature_label("C") == "temperature (°C)"
    with pytest.raises(ValueError, match="unit == 'K', must be 'F' or 'C'"):
        temperature_label("K")
    # 1 / (1 - beta): 0.9 -> 10, 0.98 -> 50, 0.5 -> 2, 0 -> 1 (singular)
    assert beta_label(0.9) == "β = 0.9 (about 10 days)"
    assert beta_label(0.98) == "β = 0.98 (about 50 days)"
    assert beta_label(0.5) == "β = 0.5 (about 2 days)"
    assert beta_label(0.0) == "β = 0 (about 1 day)"


@pytest.mark.parametrize("own_axes", [False, True])
def test_plot_temperatures(own_axes):
    ax_in = plt.subplots()[1] if own_axes else None
    ax = plot_temperatures(DAYS, TEMPS, ax=ax_in)
    if own_axes:
        assert ax is ax_in
    (line,) = ax.get_lines()
    assert line.get_linestyle() == "None" and line.get_marker() == "."  # dots, as on the slide
    assert same_color(line.get_color(), DATA_COLOR)
    np.testing.assert_array_equal(line.get_ydata(), TEMPS)
    assert "°F" in ax.get_ylabel() and "day of the year" in ax.get_xlabel()
    assert DATA_NOTE in line.get_label() and DATA_NOTE in ax.get_title()


def test_plot_temperatures_celsius_unit():
    ax = plot_temperatures(DAYS, (TEMPS - 32) / 1.8, unit="C")
    assert ax.get_ylabel() == "temperature (°C)"


@pytest.mark.parametrize("own_axes", [False, True])
def test_plot_ewa_curves_colours_and_legend(own_axes):
    ax_in = plt.subplots()[1] if own_axes else None
    curves = {beta: ewa(TEMPS, beta) for beta in (0.9, 0.98, 0.5, 0.7)}
    ax = plot_ewa_curves(DAYS, curves, theta=TEMPS, ax=ax_in)
    if own_axes:
        assert ax is ax_in
    lines = ax.get_lines()
    assert len(lines) == 5  # the data dots + one curve per beta
    expected = [DATA_COLOR, BETA_COLORS[0.9], BETA_COLORS[0.98], BETA_COLORS[0.5], OTHER_BETA_COLOR]
    assert [hex_color(line.get_color()) for line in lines] == [hex_color(c) for c in expected]
    for line, v in zip(lines[1:], curves.values()):
        np.testing.assert_array_equal(line.get_ydata(), v)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "β = 0.98 (about 50 days)" in legend and "β = 0.7 (about 3 days)" in legend
    # Yellow (0.5) carries a dark outline; the others do not need one.
    assert lines[3].get_path_effects() and not lines[1].get_path_effects()
    assert "°F" in ax.get_ylabel() and "day" in ax.get_xlabel() and ax.get_title()


def test_plot_ewa_curves_without_data_has_no_legend_for_one_curve():
    ax = plot_ewa_curves(DAYS, {0.9: ewa(TEMPS, 0.9)})
    assert len(ax.get_lines()) == 1 and ax.get_legend() is None


@pytest.mark.parametrize("own_axes", [False, True])
def test_plot_ewa_weights(own_axes):
    ax_in = plt.subplots()[1] if own_axes else None
    w = ewa_weights(0.9, 30)
    ax = plot_ewa_weights(w, t=100, beta=0.9, ax=ax_in)
    if own_axes:
        assert ax is ax_in
    (dots,) = ax.get_lines()
    # weight k multiplies theta_{100-k}: days 100, 99, ..., 71
    np.testing.assert_array_equal(dots.get_xdata(), np.arange(100, 70, -1))
    np.testing.assert_allclose(dots.get_ydata()[:2], [0.1, 0.09])  # (1-0.9), (1-0.9)*0.9
    assert same_color(dots.get_color(), BETA_COLORS[0.9])
    assert ax.get_ylim()[0] == 0.0
    assert "dimensionless" in ax.get_ylabel() and "day" in ax.get_xlabel()
    assert "100" in ax.get_title() and ax.get_legend() is not None


@pytest.mark.parametrize("own_axes", [False, True])
def test_plot_bias_correction(own_axes):
    ax_in = plt.subplots()[1] if own_axes else None
    d, th = DAYS[:60], TEMPS[:60]
    v, vc = ewa(th, 0.98), ewa(th, 0.98, bias_correction=True)
    ax = plot_bias_correction(d, th, v, vc, 0.98, ax=ax_in)
    if own_axes:
        assert ax is ax_in
    dots, uncorrected, corrected = ax.get_lines()
    assert same_color(dots.get_color(), DATA_COLOR)
    assert same_color(uncorrected.get_color(), UNCORRECTED_COLOR) and uncorrected.get_linestyle() == "--"
    assert same_color(corrected.get_color(), BETA_COLORS[0.98]) and corrected.get_linestyle() == "-"
    np.testing.assert_array_equal(uncorrected.get_ydata(), v)
    np.testing.assert_array_equal(corrected.get_ydata(), vc)
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "uncorrected (starts near 0 °F)" in legend and "bias-corrected" in legend
    assert "0.98" in ax.get_title() and "°F" in ax.get_ylabel()


def test_plot_bias_correction_one_curve():
    d, th = DAYS[:30], TEMPS[:30]
    ax = plot_bias_correction(d, th, None, ewa(th, 0.5, bias_correction=True), 0.5)
    dots, corrected = ax.get_lines()
    assert same_color(corrected.get_color(), BETA_COLORS[0.5])
    assert corrected.get_path_effects()  # yellow gets its outline


@pytest.mark.parametrize("own_axes", [False, True])
def test_plot_correction_effect(own_axes):
    ax_in = plt.subplots()[1] if own_axes else None
    t = np.arange(1, 501)
    changes = {beta: 100 * (1 / (1 - beta**t) - 1) for beta in (0.9, 0.98, 0.999)}
    ax = plot_correction_effect(t, changes, ax=ax_in)
    if own_axes:
        assert ax is ax_in
    *curves, threshold = ax.get_lines()
    assert [hex_color(c.get_color()) for c in curves] == [
        hex_color(BETA_COLORS[0.9]), hex_color(BETA_COLORS[0.98]), hex_color(OTHER_BETA_COLOR)]
    np.testing.assert_array_equal(threshold.get_ydata(), [1.0, 1.0])
    assert ax.get_yscale() == "log"
    assert "%" in ax.get_ylabel() and "step t" in ax.get_xlabel()
    assert len(ax.get_legend().get_texts()) == 4
    assert len(plot_correction_effect(t, changes, threshold=None).get_lines()) == 3
