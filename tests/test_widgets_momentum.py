"""The momentum explorer (notebook 04), driven headless: controls -> runs, map, picture, note."""


import numpy as np
import pytest

from ngopt_course.experiments.convergence import momentum_rate
from ngopt_course.experiments.race import first_step_outside
from ngopt_course.surfaces import SURFACES
from ngopt_course.widgets.momentum import LEARNING_RATES, MomentumExplorer, momentum_explorer
from ngopt_course.widgets.surface_race import bowl_curvatures

from widget_checks import set_controls as _set

pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")

BOWL = SURFACES["elongated_bowl"]
A, B = 0.2, 10.0                     # f = (a x^2 + b y^2) / 2 = 0.1 x^2 + 5 y^2


@pytest.fixture(scope="module")
def explorer():
    return momentum_explorer()




def _gd_steps_closed_form(alpha, num_steps=200, tol=1e-3):
    # x_t = (1 - alpha a)^t x0, y_t = (1 - alpha b)^t y0 on the bowl
    t = np.arange(num_steps + 1)
    x0, y0 = BOWL.start
    f = 0.1 * (x0 * (1 - alpha * A) ** t) ** 2 + 5 * (y0 * (1 - alpha * B) ** t) ** 2
    below = np.flatnonzero(f < tol)
    return int(below[0]) if below.size else None


def _momentum_steps_by_hand(alpha, beta, num_steps=200, tol=1e-3):
    W, v = np.array(BOWL.start, dtype=float), np.zeros(2)
    for t in range(num_steps + 1):
        if 0.1 * W[0] ** 2 + 5 * W[1] ** 2 < tol:
            return t
        v = beta * v + (1 - beta) * np.array([A * W[0], B * W[1]])
        W = W - alpha * v
    return None


def test_builds_with_the_lecture_setting(explorer):
    assert isinstance(explorer, MomentumExplorer)
    alpha, beta = explorer.controls["learning_rate"], explorer.controls["beta"]
    assert alpha.description == "α" and beta.description == "β"
    assert [value for _, value in alpha.options] == list(LEARNING_RATES)
    assert (beta.min, beta.max) == (0.0, 0.99)
    _set(explorer, learning_rate=0.18, beta=0.9)
    result = explorer.result
    assert result.gd_steps == _gd_steps_closed_form(0.18) == 104
    assert result.momentum_steps == _momentum_steps_by_hand(0.18, 0.9)
    assert f"<b>{result.momentum_steps} steps</b>" in explorer.note.value and "<b>104 steps</b>" in explorer.note.value
    assert result.momentum_rate == pytest.approx(np.sqrt(0.9))          # complex eigenvalues
    assert result.gd_rate == pytest.approx(1 - 0.18 * A)                # the horizontal crawl, 0.964
    assert "oscillation" in explorer.note.value
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_bowl_curvatures():
    assert bowl_curvatures("elongated_bowl") == (pytest.approx(A), pytest.approx(B))
    with pytest.raises(ValueError, match="surface 'rosenbrock' is not a bowl"):
        bowl_curvatures("rosenbrock")
    with pytest.raises(ValueError, match="surface 'saddle' is not a bowl"):
        momentum_explorer("saddle")


def test_every_control_at_its_extremes_redraws_finite_data(explorer):
    times = []
    plan = [("learning_rate", LEARNING_RATES[0]), ("learning_rate", LEARNING_RATES[-1]), ("beta", 0.0),
            ("beta", 0.99), ("learning_rate", 0.7), ("beta", 0.57), ("learning_rate", 0.18), ("beta", 0.9)]
    previous = explorer.result
    for name, value in plan:
        changed, seconds = _set(explorer, **{name: value})
        assert changed, (name, value)
        times.append(seconds)
        result = explorer.result
        for array in (result.gd_path, result.momentum_path):
            assert array.ndim == 2 and array.shape[1] == 2 and np.isfinite(array).all()
        assert not np.array_equal(result.momentum_path, previous.momentum_path), (name, value)
        assert "nan" not in explorer.note.value.lower()
        previous = result
    # redraw speed is measured by benchmarks/widget_latency.py, not asserted in unit tests


def test_beta_zero_is_gradient_descent(explorer):
    _set(explorer, learning_rate=0.18, beta=0.0)
    np.testing.assert_allclose(explorer.result.momentum_path, explorer.result.gd_path, rtol=1e-15)
    assert explorer.result.momentum_rate == pytest.approx(max(abs(1 - 0.18 * A), abs(1 - 0.18 * B)))


def test_gradient_descent_diverges_above_2_over_b_with_a_readable_note(explorer):
    _set(explorer, learning_rate=0.21, beta=0.9)
    result = explorer.result
    assert result.gd_diverged and not result.momentum_diverged
    # |y_t| = 1.1^t: 1.1^4 = 1.46 <= 1.5 < 1.61 = 1.1^5, so the path leaves the plot at step 5
    assert first_step_outside(result.gd_path, BOWL.bounds) == 5
    assert "α = 0.21 diverges on this surface</b></span>: the path left the plot after 5 steps" in explorer.note.value
    assert "α > 2 / b = 0.2" in explorer.note.value
    assert result.momentum_steps == _momentum_steps_by_hand(0.21, 0.9)


def test_momentum_diverges_beyond_its_boundary(explorer):
    # boundary at beta = 0.9: 2 (1 + 0.9) / (0.1 * 10) = 3.8
    _set(explorer, learning_rate=3.5, beta=0.9)
    assert not explorer.result.momentum_diverged
    _set(explorer, learning_rate=4.0)
    result = explorer.result
    assert result.momentum_diverged and result.region == "divergence"
    assert result.momentum_rate == pytest.approx(float(momentum_rate(4.0, 0.9, B)))
    assert result.momentum_rate > 1
    assert "= 3.8)" in explorer.note.value
    assert np.isfinite(result.momentum_path).all()


def test_the_map_is_computed_once_and_the_marker_follows(explorer):
    rate_map = explorer.rate_map
    _set(explorer, learning_rate=0.5, beta=0.3)
    assert explorer.rate_map is rate_map                      # not recomputed on a slider change
    assert explorer.result.momentum_rate == pytest.approx(rate_map.at(0.5, 0.3)[0])
    # the panels (paths, rate map, colour bar) stay; the marker moves to the setting
    _, right, _ = explorer.figure.axes
    marker = [line for line in right.get_lines() if line.get_label().startswith("α = 0.5")]
    np.testing.assert_allclose(marker[0].get_xydata(), [[0.5, 0.3]])
    assert marker[0] in explorer.moving                        # drawn over the still map
    assert right.collections and not set(right.collections) & set(explorer.moving)


def test_arguments_are_checked():
    with pytest.raises(ValueError, match=r"beta == 1.0, must be in \[0, 0.99\]"):
        momentum_explorer(beta=1.0)
    with pytest.raises(ValueError, match=r"learning_rate == 0.0, must be in \(0, inf\)"):
        momentum_explorer(learning_rate=0.0)
