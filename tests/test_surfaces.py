"""Tests for ngopt_course.surfaces: gradients, minima, the runner and each surface's lesson."""

import dataclasses
import warnings

import numpy as np
import pytest

from ngopt_course.optimizers import Adam, GradientDescent, Momentum, RMSProp
from ngopt_course.surfaces import (
    SURFACES,
    Surface,
    get_surface,
    make_optimizer,
    run_on_surface,
    surface_grid,
)

NAMES = sorted(SURFACES)


def _numeric_grad(f, x, y, h):
    """Central differences: error O(h^2), independent of the analytic formulas."""
    return (f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)


def _numeric_hessian(surface, x, y, h=1e-5):
    gx_plus, gy_plus = surface.grad(x + h, y)
    gx_minus, gy_minus = surface.grad(x - h, y)
    hx = [(gx_plus - gx_minus) / (2 * h), (gy_plus - gy_minus) / (2 * h)]
    gx_plus, gy_plus = surface.grad(x, y + h)
    gx_minus, gy_minus = surface.grad(x, y - h)
    hy = [(gx_plus - gx_minus) / (2 * h), (gy_plus - gy_minus) / (2 * h)]
    H = np.array([hx, hy])
    return 0.5 * (H + H.T)


# ---------------------------------------------------------------------------
# The functions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_analytic_gradient_matches_central_differences(name):
    surface = SURFACES[name]
    rng = np.random.default_rng(0)
    (xmin, xmax), (ymin, ymax) = surface.bounds
    # 500 points over the plot window and a margin around it
    x = rng.uniform(xmin - 0.25 * (xmax - xmin), xmax + 0.25 * (xmax - xmin), 500)
    y = rng.uniform(ymin - 0.25 * (ymax - ymin), ymax + 0.25 * (ymax - ymin), 500)
    dfdx, dfdy = surface.grad(x, y)
    num_x, num_y = _numeric_grad(surface.f, x, y, h=1e-5)
    analytic = np.stack([dfdx, dfdy])
    numeric = np.stack([num_x, num_y])
    rel = np.linalg.norm(analytic - numeric, axis=0) / np.maximum(
        np.linalg.norm(analytic, axis=0) + np.linalg.norm(numeric, axis=0), 1e-3
    )
    assert rel.max() < 1e-6, f"{name}: worst relative error {rel.max():.2e}"


@pytest.mark.parametrize("name", NAMES)
def test_functions_are_vectorized_and_agree_with_scalar_calls(name):
    surface = SURFACES[name]
    X, Y, Z = surface_grid(surface, num=7)
    assert X.shape == Y.shape == Z.shape == (7, 7)
    gx, gy = surface.grad(X, Y)
    assert gx.shape == gy.shape == (7, 7)
    for i, j in [(0, 0), (3, 5), (6, 6)]:
        assert Z[i, j] == pytest.approx(float(surface.f(float(X[i, j]), float(Y[i, j]))), rel=1e-14)
        gx_ij, gy_ij = surface.grad(float(X[i, j]), float(Y[i, j]))
        assert (gx[i, j], gy[i, j]) == pytest.approx((float(gx_ij), float(gy_ij)), rel=1e-14)


def test_surface_grid_spans_the_bounds():
    surface = SURFACES["rosenbrock"]
    X, Y, Z = surface_grid("rosenbrock", num=5)
    (xmin, xmax), (ymin, ymax) = surface.bounds
    assert X[0, 0] == xmin and X[0, -1] == xmax and Y[0, 0] == ymin and Y[-1, 0] == ymax
    # Rosenbrock at the corner (-2, -1): (1 + 2)^2 + 100 (-1 - 4)^2 = 9 + 2500
    assert Z[0, 0] == pytest.approx(2509.0)
    with pytest.raises(ValueError, match="num == 1, must be an integer in"):
        surface_grid("rosenbrock", num=1)


@pytest.mark.parametrize("name", NAMES)
def test_minimum_is_a_stationary_point_with_positive_curvature(name):
    surface = SURFACES[name]
    x, y = surface.minimum
    assert float(surface.f(x, y)) == pytest.approx(surface.f_min, abs=1e-12)
    assert np.hypot(*surface.grad(x, y)) < 1e-9
    assert np.linalg.eigvalsh(_numeric_hessian(surface, x, y)).min() > 0


@pytest.mark.parametrize("name", NAMES)
def test_minimum_is_the_lowest_point_of_the_plot_window(name):
    surface = SURFACES[name]
    _, _, Z = surface_grid(surface, num=301)
    assert Z.min() >= surface.f_min - 1e-12
    x0, y0 = surface.start
    assert (surface.bounds[0][0] <= x0 <= surface.bounds[0][1]
            and surface.bounds[1][0] <= y0 <= surface.bounds[1][1])


def test_saddle_and_local_minimum_landmarks():
    saddle = SURFACES["saddle"]
    eig = np.linalg.eigvalsh(_numeric_hessian(saddle, *saddle.landmarks["saddle point"]))
    assert eig.min() < 0 < eig.max()                       # Hessian diag(2, -2)
    assert eig == pytest.approx([-2.0, 2.0], abs=1e-6)

    well = SURFACES["local_minimum"]
    xl, yl = well.landmarks["local minimum"]
    assert np.hypot(*well.grad(xl, yl)) < 1e-9
    assert np.linalg.eigvalsh(_numeric_hessian(well, xl, yl)).min() > 0
    assert float(well.f(xl, yl)) > well.f_min + 0.5        # clearly worse than the global one
    xs, ys = well.landmarks["saddle point"]
    assert np.hypot(*well.grad(xs, ys)) < 1e-9
    eig = np.linalg.eigvalsh(_numeric_hessian(well, xs, ys))
    assert eig.min() < 0 < eig.max()


def test_surfaces_are_frozen():
    surface = SURFACES["elongated_bowl"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        surface.start = (0.0, 0.0)
    with pytest.raises(TypeError):
        surface.learning_rates["gd"] = 1.0
    with pytest.raises(TypeError):
        SURFACES["mine"] = surface


def test_get_surface_and_make_optimizer():
    assert get_surface("plateau") is SURFACES["plateau"]
    assert isinstance(get_surface(SURFACES["plateau"]), Surface)
    with pytest.raises(ValueError, match=r"surface == 'bowl', must be one of \['elongated_bowl'"):
        get_surface("bowl")
    with pytest.raises(TypeError, match="surface must be a Surface"):
        get_surface(3)
    opt = make_optimizer("momentum", "elongated_bowl", beta=0.5)
    assert isinstance(opt, Momentum) and opt.beta == 0.5
    assert opt.learning_rate == SURFACES["elongated_bowl"].learning_rates["momentum"]
    with pytest.raises(ValueError, match="optimizer == 'sgd', must be one of"):
        make_optimizer("sgd", "plateau")


# ---------------------------------------------------------------------------
# run_on_surface
# ---------------------------------------------------------------------------

def test_run_records_the_hand_computed_gradient_descent_steps():
    # Bowl f = 0.1 x^2 + 5 y^2, gradient (0.2 x, 10 y). With alpha = 0.05 one step
    # multiplies x by 1 - 0.01 = 0.99 and y by 1 - 0.5 = 0.5.
    run = run_on_surface("elongated_bowl", GradientDescent(0.05), start=(-4.0, 1.0), num_steps=2)
    np.testing.assert_allclose(run.path, [[-4.0, 1.0], [-3.96, 0.5], [-3.9204, 0.25]], rtol=1e-15)
    np.testing.assert_allclose(run.losses, 0.1 * run.path[:, 0] ** 2 + 5 * run.path[:, 1] ** 2, rtol=1e-15)
    assert run.steps_to_tol is None and not run.diverged
    assert run.surface == "elongated_bowl" and run.optimizer == "GradientDescent(learning_rate=0.05)"
    assert run.final == pytest.approx((-3.9204, 0.25))


def test_run_defaults_come_from_the_surface():
    surface = SURFACES["elongated_bowl"]
    run = run_on_surface(surface, "adam")
    assert run.path.shape == (surface.num_steps + 1, 2)
    assert run.losses.shape == (surface.num_steps + 1,)
    assert tuple(run.path[0]) == surface.start
    assert "Adam(learning_rate=0.1" in run.optimizer


def test_steps_to_tol_is_the_first_step_below_tol():
    surface = SURFACES["elongated_bowl"]
    for tol in (1.0, 1e-2, 1e-4):
        run = run_on_surface(surface, GradientDescent(0.18), tol=tol)
        gap = run.losses - surface.f_min
        t = run.steps_to_tol
        assert gap[t] < tol and (gap[:t] >= tol).all()
    # at start: the start's own loss counts as step 0
    assert run_on_surface(surface, "gd", tol=100.0).steps_to_tol == 0


@pytest.mark.parametrize("opt", [GradientDescent(0.18), Momentum(0.18), RMSProp(0.1), Adam(0.1)], ids=repr)
def test_every_optimizer_reaches_the_bowls_minimum(opt):
    run = run_on_surface("elongated_bowl", opt, num_steps=300)
    assert not run.diverged
    assert run.steps_to_tol is not None and run.steps_to_tol < 150
    # RMSProp with a constant learning rate keeps hopping by about alpha / 2 around the
    # minimum (dW / sqrt(S) stays of size 1): the case for learning-rate decay.
    radius = 0.1 if isinstance(opt, RMSProp) else 1e-3
    assert np.hypot(*run.final) < radius


@pytest.mark.parametrize("learning_rate", [0.1, 0.15, 0.18])
def test_momentum_beats_gradient_descent_on_the_bowl_at_the_same_learning_rate(learning_rate):
    gd = run_on_surface("elongated_bowl", GradientDescent(learning_rate), num_steps=400)
    momentum = run_on_surface("elongated_bowl", Momentum(learning_rate), num_steps=400)
    assert momentum.steps_to_tol < 0.9 * gd.steps_to_tol


def test_momentum_damps_the_vertical_zigzag():
    # At alpha = 0.18 gradient descent multiplies y by 1 - 0.18 * 10 = -0.8: y changes
    # sign on every step. Momentum's y obeys y_t+1 = (1 + beta - h) y_t - beta y_t-1 with
    # h = alpha (1 - beta) b = 0.18: a damped wave with cos(theta) = (1.9 - 0.18) /
    # (2 sqrt(0.9)), theta = 0.436 rad, so a sign change only every pi / theta = 7.2 steps.
    def sign_changes(run):
        return int((np.diff(np.sign(run.path[:, 1])) != 0).sum())

    gd = run_on_surface("elongated_bowl", GradientDescent(0.18), num_steps=30)
    momentum = run_on_surface("elongated_bowl", Momentum(0.18), num_steps=30)
    assert sign_changes(gd) == 30
    assert 3 <= sign_changes(momentum) <= 5


def test_gradient_descent_needs_far_more_steps_on_the_plateau():
    steps = {name: run_on_surface("plateau", name).steps_to_tol for name in ("gd", "momentum", "rmsprop", "adam")}
    assert all(s is not None for s in steps.values()), steps
    assert steps["gd"] > 2 * max(steps["momentum"], steps["adam"], steps["rmsprop"]), steps


def test_gradient_descent_cannot_simply_take_momentums_learning_rate_on_the_plateau():
    # The well's bottom has curvature 1 / sigma^2 + k = 4.01: GD is unstable there above
    # alpha = 2 / 4.01, which momentum's alpha = 2 is far beyond (momentum's limit is
    # 2 (1 + beta) / ((1 - beta) 4.01) = 9.5). GD keeps being thrown out of the well.
    surface = SURFACES["plateau"]
    alpha = surface.learning_rates["momentum"]
    gd = run_on_surface(surface, GradientDescent(alpha))
    assert gd.losses[-50:].mean() > 0.5
    momentum = run_on_surface(surface, Momentum(alpha))
    assert momentum.losses[-1] < 1e-9


def test_saddle_escape_time_of_gd_grows_as_the_start_nears_the_ridge_but_not_adams():
    # Near the saddle GD multiplies y by 1 + 2 alpha per step, so 10,000 times closer
    # costs about ln(1e4) / ln(1.2) = 50 more steps; Adam's step size ignores the scale.
    gd = [run_on_surface("saddle", "gd", start=(-2.0, y0)).steps_to_tol for y0 in (1e-4, 1e-8)]
    adam = [run_on_surface("saddle", "adam", start=(-2.0, y0)).steps_to_tol for y0 in (1e-4, 1e-8)]
    assert 45 <= gd[1] - gd[0] <= 55
    assert abs(adam[1] - adam[0]) <= 2
    assert adam[1] < gd[1]


def test_local_minimum_traps_gradient_descent_from_the_start():
    surface = SURFACES["local_minimum"]
    gd = run_on_surface(surface, "gd")
    assert gd.steps_to_tol is None
    np.testing.assert_allclose(gd.final, surface.landmarks["local minimum"], atol=1e-6)
    momentum = run_on_surface(surface, "momentum")
    assert momentum.steps_to_tol is not None
    np.testing.assert_allclose(momentum.final, surface.minimum, atol=1e-3)


@pytest.mark.parametrize("learning_rate", [1.0, 1e200])
def test_divergence_is_detected_without_nan_or_warnings(learning_rate):
    # alpha = 1 gives the bowl's y a factor 1 - 10 = -9 per step; 1e200 overflows at once.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = run_on_surface("elongated_bowl", GradientDescent(learning_rate), num_steps=200)
    assert run.diverged
    assert len(run.path) == len(run.losses) < 201
    assert np.isfinite(run.path).all() and np.isfinite(run.losses).all()
    assert np.hypot(*run.path[-1]) <= 1e4
    assert run.steps_to_tol is None


def test_divergence_path_stops_before_leaving_the_radius():
    # y_t = 1 * (-9)^t: |y_4| = 6561 <= 1e4 < |y_5|, so the path holds steps 0..4.
    run = run_on_surface("elongated_bowl", GradientDescent(1.0), start=(0.0, 1.0))
    assert run.diverged and len(run.path) == 5
    assert run.path[-1, 1] == pytest.approx(6561.0)


def test_run_does_not_alias_the_optimizer_arrays():
    run = run_on_surface("plateau", "adam", num_steps=5)
    assert len({tuple(p) for p in run.path}) == 6


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"num_steps": -1}, ValueError, r"num_steps == -1, must be an integer in \[0, inf\]"),
        ({"num_steps": 2.5}, TypeError, "num_steps must be an integer"),
        ({"tol": 0.0}, ValueError, r"tol == 0.0, must be in \(0, inf\)"),
        ({"start": (1.0, np.nan)}, ValueError, "start must be two finite numbers"),
        ({"start": (1.0, 2.0, 3.0)}, ValueError, "start must be two finite numbers"),
        ({"max_radius": -1.0}, ValueError, "max_radius == -1.0"),
    ],
)
def test_run_validates_its_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        run_on_surface("saddle", "gd", **kwargs)
