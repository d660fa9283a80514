"""The RMSProp explorer (notebook 05), driven headless: controls -> runs, picture, note."""


import numpy as np
import pytest

from ngopt_course.surfaces import SURFACES
from ngopt_course.widgets.rmsprop import (
    LAST_STEPS,
    RMSPROP_LEARNING_RATES,
    RMSPropExplorer,
    rmsprop_explorer,
)

from widget_checks import set_controls as _set

pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")

BOWL = SURFACES["elongated_bowl"]
A, B = 0.2, 10.0


@pytest.fixture(scope="module")
def explorer():
    return rmsprop_explorer()




def _rmsprop_by_hand(alpha, beta, epsilon=1e-8, num_steps=200):
    """The lecture's two lines on the bowl: the path and f along it."""
    W, s = np.array(BOWL.start, dtype=float), np.zeros(2)
    path = [W.copy()]
    for _ in range(num_steps):
        dW = np.array([A * W[0], B * W[1]])
        s = beta * s + (1 - beta) * dW**2
        W = W - alpha * dW / (np.sqrt(s) + epsilon)
        path.append(W.copy())
    path = np.array(path)
    return path, 0.1 * path[:, 0] ** 2 + 5 * path[:, 1] ** 2


def test_builds_and_matches_the_formula_by_hand(explorer):
    assert isinstance(explorer, RMSPropExplorer)
    alpha, beta = explorer.controls["learning_rate"], explorer.controls["beta"]
    assert alpha.description == "α" and beta.description == "β"
    assert [value for _, value in alpha.options] == list(RMSPROP_LEARNING_RATES)
    assert (beta.min, beta.max) == (0.0, 0.999)
    _set(explorer, learning_rate=0.1, beta=0.9)
    path, losses = _rmsprop_by_hand(0.1, 0.9)
    np.testing.assert_allclose(explorer.result.rmsprop_path, path, rtol=1e-12, atol=1e-14)
    first = int(np.flatnonzero(losses < BOWL.tol)[0])
    assert explorer.result.rmsprop_steps == first
    assert f"<b>{first} steps</b>" in explorer.note.value


def test_every_control_at_its_extremes_redraws_finite_data(explorer):
    times = []
    plan = [("learning_rate", RMSPROP_LEARNING_RATES[0]), ("learning_rate", RMSPROP_LEARNING_RATES[-1]),
            ("beta", 0.0), ("beta", 0.999), ("learning_rate", 0.3), ("beta", 0.5), ("learning_rate", 0.1),
            ("beta", 0.9)]
    previous = explorer.result
    for name, value in plan:
        changed, seconds = _set(explorer, **{name: value})
        assert changed, (name, value)
        times.append(seconds)
        result = explorer.result
        for array in (result.gd_path, result.rmsprop_path, result.gd_losses, result.rmsprop_losses):
            assert np.isfinite(array).all()
        assert not np.array_equal(result.rmsprop_path, previous.rmsprop_path), (name, value)
        assert "nan" not in explorer.note.value.lower()
        previous = result
    # redraw speed is measured by benchmarks/widget_latency.py, not asserted in unit tests


def test_gradient_descent_diverges_where_rmsprop_does_not(explorer):
    _set(explorer, learning_rate=0.3, beta=0.9)
    result = explorer.result
    assert result.gd_diverged and not result.rmsprop_diverged
    # |y_1| = |1 - 0.3 * 10| * 1 = 2 > 1.5: gradient descent leaves the plot at step 1
    assert "α = 0.3 diverges on this surface</b></span>: the path left the plot after 1 step " in explorer.note.value
    assert "1 − α b = -2.00" in explorer.note.value
    # RMSProp gets below the tolerance, then keeps bouncing about alpha / 2 away
    assert result.rmsprop_steps is not None and result.rmsprop_steps < 30
    assert "does not stay there" in explorer.note.value
    expected = np.abs(result.rmsprop_path[-LAST_STEPS:]).max()
    assert result.rmsprop_bounce == pytest.approx(expected)
    assert 0.15 <= result.rmsprop_bounce < 0.2
    assert "α / 2 = 0.15" in explorer.note.value


def test_a_long_memory_settles_and_the_note_says_nothing_about_bouncing(explorer):
    _set(explorer, learning_rate=0.1, beta=0.99)
    _, losses = _rmsprop_by_hand(0.1, 0.99)
    first = int(np.flatnonzero(losses < BOWL.tol)[0])
    assert np.all(losses[first:] < BOWL.tol)               # settles for good (by hand)
    assert explorer.result.rmsprop_steps == first
    assert "does not stay" not in explorer.note.value and "α / 2" not in explorer.note.value


def test_too_small_a_learning_rate_does_not_arrive(explorer):
    _set(explorer, learning_rate=0.001, beta=0.9)
    assert explorer.result.rmsprop_steps is None and explorer.result.gd_steps is None
    assert "not below f − f_min = 0.001 within 200 steps" in explorer.note.value
    assert "α / 2" not in explorer.note.value               # it never arrived: no bounce to report


def test_the_loss_panel_has_fixed_limits(explorer):
    _set(explorer, learning_rate=0.5, beta=0.9)
    _, loss_axes = explorer.figure.axes
    assert loss_axes.get_yscale() == "log"
    assert loss_axes.get_ylim() == pytest.approx((1e-6, 1e2))
    labels = [line.get_label() for line in loss_axes.get_lines() if not line.get_label().startswith("_")]
    assert labels == ["gradient descent", "RMSProp"]           # (and the unlabelled tolerance line)


def test_arguments_are_checked():
    with pytest.raises(ValueError, match=r"beta == 1.0, must be in \[0, 0.999\]"):
        rmsprop_explorer(beta=1.0)
    with pytest.raises(ValueError, match=r"epsilon == 0.0, must be in \(0, inf\)"):
        rmsprop_explorer(epsilon=0.0)
    with pytest.raises(ValueError, match=r"num_steps == 5, must be an integer in \[20, inf\]"):
        rmsprop_explorer(num_steps=5)
