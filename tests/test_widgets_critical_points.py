"""The notebook-08 explorers, driven headless: controls -> data, picture, note, speed."""


import numpy as np
import pytest

from ngopt_course import SURFACES, run_on_surface
from ngopt_course.experiments.critical_points import critical_point_census, gradient_norms, naive_index_fractions
from ngopt_course.surfaces import make_optimizer
from ngopt_course.widgets.critical_points import (
    FLAT_GRADIENT,
    CensusExplorer,
    PlateauExplorer,
    census_explorer,
    plateau_explorer,
)

from widget_checks import set_control as _set, assert_redraws_measured

pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")






# ---------------------------------------------------------------------------
# Census
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_census():
    return census_explorer(n=3, max_n=8, num_samples=1500, seed=0)


def test_census_starts_on_its_counts(small_census):
    explorer = small_census
    assert isinstance(explorer, CensusExplorer)
    same = critical_point_census(range(1, 9), 1500, seed=0)     # the same streams, counted again
    r = explorer.result
    assert (r.n, r.num_samples) == (3, 1500)
    assert (r.minima, r.maxima, r.saddles) == (same.minima[2], same.maxima[2], same.saddles[2])
    np.testing.assert_allclose(r.index_fractions, same.index_fractions(3))
    np.testing.assert_allclose(r.naive_index, [1 / 8, 3 / 8, 3 / 8, 1 / 8])
    assert r.naive_minimum == 1 / 8
    left, right = explorer.figure.axes
    # one bar per j = 0..max_n on fixed axes: j <= n carry the shares, the others are empty
    heights = [b.get_height() for b in right.patches]
    assert len(heights) == 9
    np.testing.assert_allclose(heights[:4], same.index_fractions(3))
    assert heights[4:] == [0.0] * 5
    assert left.get_yscale() == "log"
    assert f"{r.minima:,} minima" in explorer.note.value and "1,500 random symmetric 3×3" in explorer.note.value


def test_census_every_slider_value_redraws(small_census):
    explorer = small_census
    times = []
    for n in [1, 8, 3, 5, 2, 7]:
        before = explorer.result
        changed, seconds = _set(explorer, "n", n)
        assert changed, n
        times.append(seconds)
        r = explorer.result
        assert r.n == n and r.index_fractions.shape == (n + 1,) and r.index_fractions is not before.index_fractions
        assert np.isfinite(r.index_fractions).all() and abs(r.index_fractions.sum() - 1) < 1e-12
        assert r.minima + r.maxima + r.saddles == 1500
        np.testing.assert_allclose(r.naive_index, naive_index_fractions(n))
        assert f"n = {n}:" in explorer.note.value and f"2<sup>-{n}</sup>" in explorer.note.value
        _, right = explorer.figure.axes
        heights = np.array([b.get_height() for b in right.patches])
        np.testing.assert_allclose(heights[: n + 1], r.index_fractions)
        assert not heights[n + 1:].any()                         # the bars beyond n are empty
        np.testing.assert_allclose(right.get_lines()[0].get_xydata(),
                                   np.column_stack([np.arange(n + 1), naive_index_fractions(n)]))
        assert right.get_xlim() == (-0.8, 8.8)                   # the same axes for every n
        top = right.get_ylim()[1]
        assert top >= heights.max() and top >= naive_index_fractions(1).max()
    _set(explorer, "n", 1)
    assert explorer.result.saddles == 0                         # a 1x1 Hessian has one direction
    _set(explorer, "n", 8)
    assert explorer.result.minima == 0 and "0 minima" in explorer.note.value
    assert_redraws_measured(times)


def test_census_default_build_and_bad_arguments():
    explorer = census_explorer()
    assert explorer.controls["n"].options[-1] == ("20", 20) and explorer.result.n == 5
    assert explorer.census.num_samples == 2000
    with pytest.raises(ValueError, match="n == 30"):
        census_explorer(n=30, max_n=20)
    with pytest.raises(ValueError, match="max_n == 1"):
        census_explorer(n=1, max_n=1)


# ---------------------------------------------------------------------------
# Plateau
# ---------------------------------------------------------------------------

def test_plateau_starts_with_gradient_descent_crawling():
    explorer = plateau_explorer()
    assert isinstance(explorer, PlateauExplorer)
    r = explorer.result
    surface = SURFACES["plateau"]
    assert r.learning_rate == surface.learning_rates["gd"] == 0.4
    run = run_on_surface("plateau", "gd")
    np.testing.assert_array_equal(r.path, run.path)
    np.testing.assert_allclose(r.norms, gradient_norms("plateau", run.path))
    assert r.steps_to_tol == run.steps_to_tol
    assert r.flat_steps == np.count_nonzero(r.norms[:run.steps_to_tol] < FLAT_GRADIENT) > 150
    assert f"after <b>{run.steps_to_tol} steps</b>" in explorer.note.value
    left, right = explorer.figure.axes
    assert right.get_yscale() == "log"


def test_plateau_optimizer_and_surface_reset_alpha():
    explorer = plateau_explorer()
    for optimizer in ["adam", "momentum", "rmsprop", "gd"]:
        changed, _ = _set(explorer, "optimizer", optimizer)
        assert changed
        expected = SURFACES["plateau"].learning_rates[optimizer]
        assert explorer.controls["learning_rate"].value == expected == explorer.result.learning_rate
        assert explorer.result.steps_to_tol == run_on_surface("plateau", optimizer).steps_to_tol
    for surface in ["saddle", "local_minimum", "plateau"]:
        changed, _ = _set(explorer, "surface", surface)
        assert changed
        s = SURFACES[surface]
        assert explorer.result.surface == surface and explorer.result.learning_rate == s.learning_rates["gd"]
        np.testing.assert_array_equal(explorer.result.path[0], s.start)


def test_plateau_extremes_never_show_nan():
    explorer = plateau_explorer(surface="saddle")
    times = []
    for value in [10.0, 0.001, 0.1, 2.0, 0.03]:
        changed, seconds = _set(explorer, "learning_rate", value)
        assert changed, value
        times.append(seconds)
        r = explorer.result
        assert np.isfinite(r.path).all() and np.isfinite(r.norms).all()
        assert abs(r.learning_rate - value) < 1e-12
        for ax in explorer.figure.axes:
            for line in ax.get_lines():
                assert np.isfinite(np.asarray(line.get_ydata(), dtype=float)).all()
        if value == 10.0:
            # the saddle surface's x direction multiplies x by 1 - 2 alpha = -19 per step
            assert r.diverged and "diverges on this surface" in explorer.note.value
            assert f"after {len(r.path) - 1} steps" in explorer.note.value
            left = explorer.figure.axes[0]
            (xmin, xmax), (ymin, ymax) = SURFACES["saddle"].bounds
            path_line = left.get_lines()[-1]
            assert np.all(np.abs(path_line.get_xdata()) <= xmax)   # nothing drawn off the window
        elif value == 0.001:
            assert r.steps_to_tol is None and "does <b>not</b> reach" in explorer.note.value
    for name, value in [("optimizer", "adam"), ("surface", "plateau"), ("optimizer", "momentum")]:
        changed, seconds = _set(explorer, name, value)
        assert changed
        times.append(seconds)
    assert_redraws_measured(times)


def test_plateau_local_minimum_note_names_the_place():
    explorer = plateau_explorer(surface="local_minimum", optimizer="adam")
    assert "ends at the local minimum" in explorer.note.value
    run = run_on_surface("local_minimum", make_optimizer("adam", "local_minimum"))
    np.testing.assert_array_equal(explorer.result.path, run.path)


def test_plateau_note_never_says_not_reached_and_ends_at_the_minimum():
    """Gradient descent at alpha = 0.5 on the plateau bounces in the narrow well: it ends within
    0.1 of the global minimum, yet f - f_min never falls below tol. The note said both "does not
    reach the global minimum" and "it ends at the global minimum"; it says what happened."""
    explorer = plateau_explorer(surface="plateau", optimizer="gd", learning_rate=0.5)
    r = explorer.result
    assert r.steps_to_tol is None and r.end_label == "at the global minimum"
    s = SURFACES["plateau"]
    gaps = np.array([s.f(x, y) for x, y in r.path]) - s.f_min
    assert gaps.min() >= s.tol                                   # never settled
    assert np.hypot(*(r.path[-1] - np.asarray(s.minimum))) < 0.1  # yet close at the end
    note = explorer.note.value
    assert "ends close to the global minimum but does <b>not</b> settle into it in 300 steps" in note
    assert "ends at the global minimum" not in note and "does <b>not</b> reach" not in note


def test_plateau_refuses_unknown_choices():
    with pytest.raises(ValueError, match="surface == 'rosenbrock'"):
        plateau_explorer(surface="rosenbrock")
    with pytest.raises(ValueError, match="optimizer == 'sgd'"):
        plateau_explorer(optimizer="sgd")


def test_plateau_alpha_snaps_to_a_stop_and_refuses_a_non_positive_one():
    from ngopt_course.widgets.critical_points import PLATEAU_LEARNING_RATES

    explorer = plateau_explorer(surface="saddle", learning_rate=0.33)
    assert explorer.controls["learning_rate"].value == 0.3 == explorer.result.learning_rate
    assert [value for _, value in explorer.controls["learning_rate"].options] == list(PLATEAU_LEARNING_RATES)
    with pytest.raises(ValueError, match="learning_rate"):
        plateau_explorer(learning_rate=0.0)
