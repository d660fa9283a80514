"""Adam's plots draw what they are given, labelled with units, in the course's colours."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course.plots.adam import (
    VARIANT_STYLES,
    gap_range,
    plot_epsilon_placement,
    plot_epsilon_runs,
    plot_moment_warmup,
    plot_race,
    plot_race_losses,
    plot_race_paths,
    plot_step_ratio,
    race_moving_artists,
    update_race,
)
from ngopt_course.plots.style import MARK_COLOR, OPTIMIZER_COLORS
from ngopt_course.experiments.race import run_race, start_presets
from ngopt_course.surfaces import SURFACES

from helpers import hex_color

pytestmark = pytest.mark.usefixtures("close_figures")


def _given_or_new(fn, *args, **kwargs):
    """Call with ax=None and with an Axes; both must return the Axes drawn on."""
    new = fn(*args, **kwargs)
    _, ax = plt.subplots()
    assert fn(*args, ax=ax, **kwargs) is ax
    return new


def test_moment_warmup_colours_and_units():
    t = np.arange(1, 3001)
    fractions = {"v": 1 - 0.9**t, "s": 1 - 0.999**t, "v_corrected": np.ones(t.size), "s_corrected": np.ones(t.size)}
    ax = _given_or_new(plot_moment_warmup, t, fractions, windows={"v": 10, "s": 1000})
    lines = [line for line in ax.get_lines() if np.size(line.get_xdata()) == t.size]
    assert len(lines) == 4
    colors = [hex_color(line.get_color()) for line in lines]
    assert colors == [hex_color(OPTIMIZER_COLORS[k]) for k in ("momentum", "rmsprop", "momentum", "rmsprop")]
    assert [line.get_linestyle() for line in lines] == ["--", "--", "-", "-"]
    np.testing.assert_array_equal(lines[1].get_ydata(), 1 - 0.999**t)
    assert "step t (iterations)" in ax.get_xlabel() and ax.get_xscale() == "log"
    assert "fraction" in ax.get_ylabel()
    assert ax.get_legend() is not None


def test_step_ratio():
    t = np.arange(1, 101)
    ratio = (1 - 0.9**t) / np.sqrt(1 - 0.999**t)
    ax = _given_or_new(plot_step_ratio, t, {"corrected": np.ones(t.size), "uncorrected": ratio})
    adam, plain = ax.get_lines()[:2]
    assert hex_color(adam.get_color()) == hex_color(OPTIMIZER_COLORS["adam"])
    assert hex_color(plain.get_color()) == hex_color(MARK_COLOR)
    np.testing.assert_array_equal(plain.get_ydata(), ratio)
    assert "units of α" in ax.get_ylabel() and "iterations" in ax.get_xlabel()


def test_epsilon_plots():
    g = np.geomspace(1e-10, 1, 50)
    steps = {"outside": g / (g + 1e-8), "inside": g / np.sqrt(g**2 + 1e-8)}
    ax = _given_or_new(plot_epsilon_placement, g, steps, epsilon=1e-8)
    outside, inside = ax.get_lines()[:2]
    assert hex_color(outside.get_color()) == hex_color(VARIANT_STYLES["outside"]["color"]) == hex_color(OPTIMIZER_COLORS["adam"])
    assert inside.get_linestyle() == "--"
    assert "|dW|" in ax.get_xlabel() and "units of α" in ax.get_ylabel()
    texts = [t.get_text() for t in ax.texts]
    assert "ε = 1e-08" in texts and "√ε = 0.0001" in texts

    ax = _given_or_new(plot_epsilon_runs, {"outside": [0.7, 0.5, 0.3], "inside": (np.array([1, 2, 3]), [0.7, 0.6, 0.5])})
    a, b = ax.get_lines()
    np.testing.assert_array_equal(a.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(b.get_ydata(), [0.7, 0.6, 0.5])
    assert "dimensionless" in ax.get_ylabel() and "epoch" in ax.get_xlabel()


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_race_paths_and_losses(name):
    race = run_race(name, num_steps=40)
    ax = _given_or_new(plot_race_paths, race, upto=10)
    for key in race.runs:
        (path,) = [line for line in ax.get_lines() if line.get_gid() == f"path:{key}"]
        assert path.get_xdata().size == 11 and hex_color(path.get_color()) == hex_color(OPTIMIZER_COLORS[key])
        (head,) = [line for line in ax.get_lines() if line.get_gid() == f"head:{key}"]
        np.testing.assert_array_equal(head.get_xydata()[0], race.runs[key].path[10])
    assert "dimensionless" in ax.get_xlabel()

    ax = _given_or_new(plot_race_losses, race)
    curves = [line for line in ax.get_lines() if (line.get_gid() or "").startswith("loss:")]
    assert len(curves) == 4 and curves[0].get_xdata().size == 41
    assert ax.get_yscale() == "log" and ax.get_xlim() == (0, 40)
    assert "iterations" in ax.get_xlabel() and "f − f_min" in ax.get_ylabel()
    assert any(f"tolerance {race.tol:g}" == t.get_text() for t in ax.get_legend().get_texts())


def test_a_preset_start_is_marked_where_the_race_starts():
    race = run_race("saddle", start=(-2.0, 0.3), num_steps=5)
    ax = plot_race_paths(race)
    (start,) = [line for line in ax.get_lines() if line.get_label() == "start"]
    np.testing.assert_array_equal(start.get_xydata()[0], (-2.0, 0.3))


def test_update_race_moves_only_the_moving_parts():
    race = run_race("elongated_bowl", learning_rate_scale=2.0)   # gradient descent diverges
    ax_paths, ax_losses = plot_race(race, upto=0, ylim=(1e-7, 100.0))
    still = [line for line in ax_paths.get_lines() + ax_losses.get_lines()
             if line not in race_moving_artists(ax_paths, ax_losses)]
    before = [line.get_xydata().copy() for line in still]
    limits = (ax_paths.get_xlim(), ax_paths.get_ylim(), ax_losses.get_ylim())
    (cross,) = [line for line in ax_losses.get_lines() if line.get_gid() == "diverged:gd"]
    assert np.size(cross.get_xdata()) == 0                 # step 0: nothing has diverged yet
    moved = update_race(race, ax_paths, ax_losses, 120)
    assert len(moved) == 1 + 4 + 4 + 4 + 4 + 4    # start, paths, dots, loss curves, crosses, labels
    assert all(np.array_equal(line.get_xydata(), b) for line, b in zip(still, before))
    # gradient descent diverged at step 10: a cross on the top edge there, the others none
    np.testing.assert_array_equal(cross.get_xydata(), [[10, 0.97]])
    texts = {t.get_gid(): t.get_text() for t in moved if not hasattr(t, "get_xydata")}
    assert texts["diverged-text:gd"] == " diverged at step 10" and texts["diverged-text:adam"] == ""
    moved = [artist for artist in moved if hasattr(artist, "get_xydata")]
    assert (ax_paths.get_xlim(), ax_paths.get_ylim(), ax_losses.get_ylim()) == limits
    gd_path = [line for line in moved if line.get_gid() == "path:gd"][0]
    # the diverged run stops where it did: 10 points, all finite (no NaN drawn)
    assert gd_path.get_xdata().size == race.runs["gd"].path.shape[0] == 10
    for line in moved:
        assert np.isfinite(np.asarray(line.get_xydata(), dtype=float)).all()
    adam_loss = [line for line in moved if line.get_gid() == "loss:adam"][0]
    assert adam_loss.get_xdata().size == 121


def test_gap_range_covers_every_preset_start():
    for name, surface in SURFACES.items():
        low, high = gap_range(name, start_presets(name), surface.tol)
        worst = max(surface.f(x, y) - surface.f_min for x, y in start_presets(name))
        assert low == surface.tol * 1e-4 and high == pytest.approx(10 * worst)
