"""Plot helpers of notebook 07: schedules, paths on contours, distance to the minimum."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course.experiments.noisy import line_cost, make_line_data, run_minibatch_gd
from ngopt_course.plots.decay import (
    EPOCH_LABEL,
    RATE_LABEL,
    SCHEDULE_COLORS,
    SCHEDULE_LABELS,
    plot_distance_to_minimum,
    plot_final_spread,
    plot_runs_on_contours,
    plot_schedules,
)
from ngopt_course.plots.style import OKABE_ITO
from ngopt_course.schedules import exponential_decay, inverse_time_decay

from helpers import same_color

pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture(scope="module")
def runs():
    X, Y = make_line_data(m=100, seed=0)
    fixed = run_minibatch_gd(X, Y, 0.2, num_epochs=4, seed=0)
    decayed = run_minibatch_gd(X, Y, lambda e: inverse_time_decay(0.2, e, 0.5), num_epochs=4, seed=0)
    W, B = np.meshgrid(np.linspace(-2, 6, 30), np.linspace(-3, 5, 25))
    return fixed, decayed, (W, B, line_cost(W, B, X, Y))


def test_schedule_colours_are_distinct_okabe_ito_without_yellow():
    palette = set(OKABE_ITO.values())
    assert set(SCHEDULE_COLORS.values()) <= palette
    assert len(set(SCHEDULE_COLORS.values())) == len(SCHEDULE_COLORS)
    assert OKABE_ITO["yellow"] not in SCHEDULE_COLORS.values()
    assert SCHEDULE_LABELS.keys() == SCHEDULE_COLORS.keys()


def test_plot_schedules_draws_steps_in_the_schedule_colours():
    epochs = np.arange(1, 11)
    rates = {"constant": np.full(10, 0.2), "inverse_time": inverse_time_decay(0.2, epochs, 1.0),
             "exponential": exponential_decay(0.2, epochs)}
    t = np.arange(1, 51)
    ax = plot_schedules(epochs, rates, per_iteration={"inverse_sqrt_iteration": (t / 5, 0.2 / np.sqrt(t))})
    assert isinstance(ax, matplotlib.axes.Axes)
    assert "passes through the data" in ax.get_xlabel() and ax.get_xlabel() == EPOCH_LABEL
    assert ax.get_ylabel() == RATE_LABEL == "learning rate α"
    assert ax.get_title()
    by_name = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    assert set(by_name) == {"constant", "inverse_time", "exponential", "inverse_sqrt_iteration"}
    for name, line in by_name.items():
        assert same_color(line.get_color(), SCHEDULE_COLORS[name])
    # each epoch's rate holds over (e - 1, e]: x starts at 0 with the first epoch's rate
    line = by_name["inverse_time"]
    assert line.get_drawstyle() == "steps-pre" and line.get_linestyle() == "-"
    assert by_name["constant"].get_linestyle() == ":"   # the no-decay reference
    np.testing.assert_allclose(line.get_xdata(), np.arange(0, 11))
    np.testing.assert_allclose(line.get_ydata(), [0.1, 0.1, 0.2 / 3, 0.05, 0.04, *0.2 / (1 + np.arange(5, 11))])
    np.testing.assert_allclose(by_name["inverse_sqrt_iteration"].get_xdata(), t / 5)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == [SCHEDULE_LABELS[n] for n in ("constant", "inverse_time", "exponential", "inverse_sqrt_iteration")]
    assert ax.get_xlim() == (0.0, 10.0) and ax.get_ylim()[0] == 0.0


def test_plot_schedules_on_a_given_axes_highlights_one():
    fig, ax = plt.subplots()
    epochs = np.arange(1, 6)
    out = plot_schedules(epochs, {"constant": np.full(5, 0.2), "inverse_time": inverse_time_decay(0.2, epochs, 1.0)},
                         highlight="inverse_time", labels={"constant": "no decay"}, ax=ax)
    assert out is ax
    widths = {line.get_gid(): line.get_linewidth() for line in ax.get_lines() if line.get_gid()}
    assert widths["inverse_time"] > widths["constant"]
    assert "no decay" in [text.get_text() for text in ax.get_legend().get_texts()]


def test_plot_runs_on_contours(runs):
    fixed, decayed, (W, B, J) = runs
    colors = {"fixed": SCHEDULE_COLORS["constant"], "decayed": SCHEDULE_COLORS["inverse_time"]}
    ax = plot_runs_on_contours({"fixed": fixed, "decayed": decayed}, colors, W, B, J)
    assert "w" in ax.get_xlabel() and "units" in ax.get_xlabel()
    assert "b" in ax.get_ylabel() and "units" in ax.get_ylabel()
    assert ax.collections, "no contour lines"
    paths = [line for line in ax.get_lines() if line.get_gid() == "path"]
    assert [p.get_label() for p in paths] == ["fixed", "decayed"]
    assert same_color(paths[1].get_color(), SCHEDULE_COLORS["inverse_time"])
    np.testing.assert_allclose(paths[0].get_xdata(), fixed.path[:, 0])
    assert ax.get_xlim() == (W.min(), W.max())
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "start" in labels and "minimum (w*, b*)" in labels


def test_plot_runs_on_contours_window_zooms_on_the_minimum(runs):
    fixed, _, (W, B, J) = runs
    fig, ax = plt.subplots()
    out = plot_runs_on_contours({"fixed": fixed}, {"fixed": SCHEDULE_COLORS["constant"]}, W, B, J,
                                window=0.5, title="zoom", ax=ax)
    assert out is ax and ax.get_title() == "zoom"
    np.testing.assert_allclose(ax.get_xlim(), fixed.minimum[0] + np.array([-0.5, 0.5]))
    np.testing.assert_allclose(ax.get_ylim(), fixed.minimum[1] + np.array([-0.5, 0.5]))


def test_plot_distance_to_minimum(runs):
    fixed, decayed, _ = runs
    colors = {"fixed": SCHEDULE_COLORS["constant"], "decayed": SCHEDULE_COLORS["inverse_time"]}
    ax = plot_distance_to_minimum({"fixed": fixed, "decayed": decayed}, colors, linestyles={"decayed": "--"})
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == EPOCH_LABEL and "parameter units" in ax.get_ylabel()
    lines = ax.get_lines()
    assert len(lines) == 2
    assert same_color(lines[0].get_color(), SCHEDULE_COLORS["constant"])
    assert lines[1].get_linestyle() == "--"
    np.testing.assert_allclose(lines[1].get_ydata(), decayed.distance)
    assert ax.get_xlim() == (0.0, 4.0)
    fig, ax2 = plt.subplots()
    assert plot_distance_to_minimum({"fixed": fixed}, colors, ax=ax2) is ax2


def test_plot_final_spread_one_bar_per_schedule():
    spreads = {"constant": 0.12, "inverse_time": 0.011, "staircase": 0.006}
    ax = plot_final_spread(spreads, reference="constant")
    assert ax.get_xscale() == "linear" and ax.get_xlim()[0] == 0 and "parameter units" in ax.get_xlabel()
    bars = [p for p in ax.patches if p.get_gid()]
    assert [b.get_gid() for b in bars] == list(spreads)
    np.testing.assert_allclose([b.get_width() for b in bars], list(spreads.values()))
    for bar in bars:
        assert same_color(bar.get_facecolor(), SCHEDULE_COLORS[bar.get_gid()])
    # the first schedule on top
    assert bars[0].get_y() > bars[-1].get_y()
    assert [t.get_text() for t in ax.get_yticklabels()] == [SCHEDULE_LABELS[n] for n in spreads]
    (ref,) = ax.get_lines()
    assert ref.get_xdata()[0] == 0.12
    assert [t.get_text() for t in ax.texts] == ["0.12", "0.011", "0.006"]  # values at the bar ends
    fig, ax2 = plt.subplots()
    assert plot_final_spread(spreads, ax=ax2) is ax2 and not ax2.get_lines()
