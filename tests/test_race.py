"""The optimizer race: checked against closed forms on the bowl, identities and hand counts."""

import math

import numpy as np
import pytest

from ngopt_course.optimizers import Adam, GradientDescent, Momentum, RMSProp
from ngopt_course.experiments.race import (
    OPTIMIZER_KEYS,
    START_PRESETS,
    Race,
    first_step_outside,
    nearest_landmark,
    race_optimizers,
    race_outcomes,
    run_race,
    start_presets,
    steps_to_tolerance_table,
)
from ngopt_course.surfaces import SURFACES

# The bowl f = (a x^2 + b y^2) / 2 with a = 0.2, b = 10 (its title: 0.1 x^2 + 5 y^2).
A, B = 0.2, 10.0


def _bowl_gd_path(alpha, start, num_steps):
    """Gradient descent on the bowl in closed form: each coordinate shrinks by (1 - alpha * curvature)."""
    t = np.arange(num_steps + 1)
    return np.column_stack([start[0] * (1 - alpha * A) ** t, start[1] * (1 - alpha * B) ** t])


def test_the_four_racers_use_each_surfaces_rates_times_the_scale():
    for name, surface in SURFACES.items():
        race = run_race(name, learning_rate_scale=0.5, num_steps=3)
        assert tuple(race.runs) == OPTIMIZER_KEYS
        for key in OPTIMIZER_KEYS:
            assert race.learning_rates[key] == 0.5 * surface.learning_rates[key]
        assert race.start == tuple(surface.start) and race.num_steps == 3 and race.tol == surface.tol


def test_hyperparameters_reach_each_optimizer():
    opts = race_optimizers("saddle", 2.0, beta=0.5, rmsprop_beta=0.99, beta1=0.8, beta2=0.9, epsilon=1e-6)
    assert isinstance(opts["gd"], GradientDescent) and opts["gd"].learning_rate == 0.2
    assert isinstance(opts["momentum"], Momentum) and opts["momentum"].beta == 0.5
    assert isinstance(opts["rmsprop"], RMSProp) and (opts["rmsprop"].beta, opts["rmsprop"].epsilon) == (0.99, 1e-6)
    assert isinstance(opts["adam"], Adam) and (opts["adam"].beta1, opts["adam"].beta2) == (0.8, 0.9)
    race = run_race("saddle", beta1=0.8, num_steps=2)
    assert "beta1=0.8" in race.optimizers["adam"] and "beta=0.9" in race.optimizers["momentum"]


def test_gradient_descent_on_the_bowl_follows_the_closed_form():
    race = run_race("elongated_bowl")
    expected = _bowl_gd_path(0.18, (-4.5, 1.0), 150)
    np.testing.assert_allclose(race.runs["gd"].path, expected, rtol=1e-10, atol=1e-14)
    # first step with f - f_min < tol, from the closed form's losses
    f = 0.5 * (A * expected[:, 0] ** 2 + B * expected[:, 1] ** 2)
    first = int(np.argmax(f < 1e-3))
    assert race.runs["gd"].steps_to_tol == first
    assert race_outcomes(race)["gd"].text == f"reached f − f_min < 0.001 at step {first}"


def test_momentum_with_beta_zero_is_gradient_descent():
    race = run_race("elongated_bowl", beta=0.0, num_steps=40)
    # same learning rate on this surface (0.18 both)
    np.testing.assert_allclose(race.runs["momentum"].path, race.runs["gd"].path, rtol=1e-12)


def test_adams_first_step_is_alpha_in_each_coordinate():
    for name in SURFACES:
        race = run_race(name, num_steps=1, start=(0.7, -0.3))
        step = np.abs(np.diff(race.runs["adam"].path, axis=0))[0]
        # t = 1: v_corrected = dW, s_corrected = dW^2, so |dW| / (|dW| + eps) ~ 1
        np.testing.assert_allclose(step, race.learning_rates["adam"], rtol=1e-6)


def test_divergence_is_found_where_the_closed_form_says():
    # alpha = 2 * 0.18 = 0.36 > 2 / b = 0.2: y is multiplied by 1 - 3.6 = -2.6 every step.
    race = run_race("elongated_bowl", learning_rate_scale=2.0)
    out = race_outcomes(race)["gd"]
    # |y_t| = 2.6^t leaves the plot (|y| > 1.5) at t = 1 and the radius 1e4 at the first
    # t with 2.6^t > 1e4 (x shrinks meanwhile, so y decides): t = 10
    t_escape = math.ceil(math.log(1e4) / math.log(2.6))
    assert t_escape == 10
    assert out.status == "diverged" and out.step == t_escape and out.left_window_at == 1
    assert out.text == "diverged at step 10 (left the plot at step 1)"
    run = race.runs["gd"]
    assert run.diverged and np.isfinite(run.path).all() and np.isfinite(run.losses).all()
    assert steps_to_tolerance_table([race])["elongated_bowl"]["gd"] is None
    for key in ("momentum", "rmsprop", "adam"):
        assert race_outcomes(race)[key].status == "reached"


def test_not_reached_says_where_it_is_stuck():
    race = run_race("local_minimum")
    out = race_outcomes(race)
    assert out["gd"].status == "not reached" and out["gd"].step == 200
    assert out["gd"].ended_near == "local minimum"
    assert out["gd"].text == "not reached in 200 steps: stuck at the local minimum"
    assert out["momentum"].status == "reached" and out["momentum"].ended_near == "minimum"
    # not stuck at a landmark: the remaining gap is given instead
    rosen = race_outcomes(run_race("rosenbrock", num_steps=50))["gd"]
    assert rosen.text == f"not reached in 50 steps: ends at f − f_min = {rosen.final_gap:.3g}"


def test_a_start_exactly_on_the_ridge_never_leaves_it():
    # saddle f = x^2 - y^2 + y^4/4: df/dy = y (y^2 - 2) is exactly 0 when y = 0
    race = run_race("saddle", start=(-2.0, 0.0))
    for key, run in race.runs.items():
        assert np.all(run.path[:, 1] == 0.0), key
        assert race_outcomes(race)[key].ended_near == "saddle point", key


def test_the_cache_reruns_only_what_changed():
    cache = {}
    first = run_race("plateau", cache=cache, num_steps=30)
    assert len(cache) == 4
    again = run_race("plateau", cache=cache, num_steps=30, beta1=0.5)
    assert len(cache) == 5                       # only Adam was run again
    for key in ("gd", "momentum", "rmsprop"):
        assert again.runs[key] is first.runs[key]
    assert again.runs["adam"] is not first.runs["adam"]
    assert not np.array_equal(again.runs["adam"].path, first.runs["adam"].path)
    # a different start is a different run
    run_race("plateau", start=(1.0, 1.0), cache=cache, num_steps=30)
    assert len(cache) == 9


def test_start_presets_begin_with_the_surfaces_start_and_lie_inside():
    assert set(START_PRESETS) == set(SURFACES)
    for name, surface in SURFACES.items():
        presets = start_presets(name)
        assert presets[0] == tuple(surface.start)
        (xmin, xmax), (ymin, ymax) = surface.bounds
        for x, y in presets:
            assert xmin <= x <= xmax and ymin <= y <= ymax


def test_landmarks_and_windows_by_hand():
    surface = SURFACES["local_minimum"]
    assert nearest_landmark(surface.landmarks["local minimum"], surface) == "local minimum"
    assert nearest_landmark(surface.minimum, surface) == "minimum"
    assert nearest_landmark((1.9, 1.9), surface) is None
    path = np.array([[0.0, 0.0], [1.0, 0.5], [3.0, 0.0], [0.0, 0.0]])
    assert first_step_outside(path, ((-2, 2), (-1, 1))) == 2
    assert first_step_outside(path[:2], ((-2, 2), (-1, 1))) is None


def test_the_table_lists_every_surface():
    races = [run_race(name, num_steps=5) for name in SURFACES]
    table = steps_to_tolerance_table(races)
    assert set(table) == set(SURFACES)
    for race in races:
        assert isinstance(race, Race)
        for key in OPTIMIZER_KEYS:
            assert table[race.surface][key] == race.runs[key].steps_to_tol


def test_arguments_are_checked():
    with pytest.raises(ValueError, match=r"learning_rate_scale == 0.0, must be in \(0, inf\)"):
        run_race("saddle", learning_rate_scale=0)
    with pytest.raises(ValueError, match=r"beta1 == 1.0, must be in \[0, 1\)"):
        run_race("saddle", beta1=1.0)
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        run_race("saddle", start=(0.0, float("nan")))
    with pytest.raises(ValueError, match="surface == 'bowl'"):
        run_race("bowl")
    with pytest.raises(ValueError, match="num_steps == -1"):
        run_race("saddle", num_steps=-1)
