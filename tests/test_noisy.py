"""The noisy line fit of notebook 07: cost, gradients, minimum, and runs that settle or not."""

import numpy as np
import pytest

from ngopt_course.experiments.noisy import (
    NoisyRun,
    least_squares_line,
    line_cost,
    line_gradients,
    make_line_data,
    mean_distance_last_epochs,
    run_minibatch_gd,
)
from ngopt_course.schedules import inverse_time_decay


@pytest.fixture(scope="module")
def data():
    return make_line_data(m=200, seed=0)


# -- data -------------------------------------------------------------------------------

def test_line_data_shapes_range_and_seed():
    X, Y = make_line_data(m=50, seed=3)
    assert X.shape == (1, 50) and Y.shape == (1, 50)
    assert X.min() >= -1.0 and X.max() <= 3.0
    X2, Y2 = make_line_data(m=50, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    X3, _ = make_line_data(m=50, seed=4)
    assert not np.array_equal(X, X3)
    # a Generator is accepted and drawn from
    rng = np.random.default_rng(3)
    Xg, _ = make_line_data(m=50, seed=rng)
    np.testing.assert_array_equal(Xg, X)


def test_no_noise_lies_on_the_line():
    X, Y = make_line_data(m=20, slope=-1.5, intercept=0.5, noise=0.0, seed=1)
    np.testing.assert_allclose(Y, -1.5 * X + 0.5, rtol=0, atol=1e-15)


def test_line_data_refuses_bad_arguments():
    with pytest.raises(ValueError, match=r"noise == -1.0, must be in \[0, inf\)"):
        make_line_data(noise=-1.0)
    with pytest.raises(ValueError, match=r"m == 1, must be an integer in \[2, inf\]"):
        make_line_data(m=1)


# -- cost, gradients, minimum -----------------------------------------------------------

def test_cost_equals_the_sum_written_out(data):
    X, Y = data
    for w, b in [(0.0, 0.0), (2.0, 1.0), (-1.0, 4.0), (3.3, -2.2)]:
        direct = np.sum((w * X[0] + b - Y[0]) ** 2) / (2 * X.shape[1])
        assert line_cost(w, b, X, Y) == pytest.approx(direct, rel=1e-12)
        assert type(line_cost(w, b, X, Y)) is float


def test_cost_on_a_grid_matches_point_by_point(data):
    X, Y = data
    W, B = np.meshgrid(np.linspace(-2, 6, 7), np.linspace(-3, 5, 5))
    J = line_cost(W, B, X, Y)
    assert J.shape == (5, 7)
    expected = np.array([[np.mean((w * X[0] + b - Y[0]) ** 2) / 2 for w, b in zip(rw, rb)]
                         for rw, rb in zip(W, B)])
    np.testing.assert_allclose(J, expected, rtol=1e-11)


def test_gradients_match_central_differences(data):
    X, Y = data
    h = 1e-6
    for w, b in [(0.3, -0.7), (2.5, 1.5)]:
        dw, db = line_gradients(w, b, X, Y)
        dw_num = (line_cost(w + h, b, X, Y) - line_cost(w - h, b, X, Y)) / (2 * h)
        db_num = (line_cost(w, b + h, X, Y) - line_cost(w, b - h, X, Y)) / (2 * h)
        assert dw == pytest.approx(dw_num, rel=1e-6)
        assert db == pytest.approx(db_num, rel=1e-6)


def test_gradient_by_hand_on_two_points():
    # x = (1, 3), y = (2, 2), w = 1, b = 0: residuals (-1, 1)
    # dw = mean(r x) = (-1 + 3) / 2 = 1; db = mean(r) = 0
    X, Y = np.array([[1.0, 3.0]]), np.array([[2.0, 2.0]])
    assert line_gradients(1.0, 0.0, X, Y) == (1.0, 0.0)


def test_minimum_is_numpys_least_squares_line_and_zeroes_the_gradient(data):
    X, Y = data
    w_star, b_star = least_squares_line(X, Y)
    slope, intercept = np.polyfit(X[0], Y[0], 1)
    assert w_star == pytest.approx(slope, rel=1e-10)
    assert b_star == pytest.approx(intercept, rel=1e-10)
    dw, db = line_gradients(w_star, b_star, X, Y)
    assert abs(dw) < 1e-12 and abs(db) < 1e-12


def test_mini_batch_gradients_average_to_the_full_gradient_but_scatter(data):
    # equal-size mini-batches partition the data: the mean of their gradients is the
    # full gradient (zero at the minimum), but each one is not zero: the noise
    X, Y = data
    w_star, b_star = least_squares_line(X, Y)
    grads = np.array([line_gradients(w_star, b_star, X[:, i:i + 10], Y[:, i:i + 10])
                      for i in range(0, 200, 10)])
    np.testing.assert_allclose(grads.mean(axis=0), [0.0, 0.0], atol=1e-12)
    assert grads.std(axis=0).min() > 0.05


def test_line_checks():
    with pytest.raises(ValueError, match=r"must have shape \(1, m\)"):
        line_cost(0.0, 0.0, np.zeros((2, 3)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="all x are equal"):
        least_squares_line(np.ones((1, 4)), np.arange(4.0).reshape(1, 4))


# -- runs -------------------------------------------------------------------------------

def test_run_shapes_and_epoch_positions(data):
    X, Y = data
    run = run_minibatch_gd(X, Y, 0.1, num_epochs=3, mini_batch_size=30, seed=0)
    # ceil(200 / 30) = 7 mini-batches per epoch, 21 steps, 22 points
    assert run.batches_per_epoch == 7
    assert run.path.shape == (22, 2) and run.learning_rates.shape == (21,)
    np.testing.assert_array_equal(run.path[0], [-1.0, 4.0])
    np.testing.assert_allclose(run.epoch_position[[0, 7, 14, 21]], [0, 1, 2, 3])
    np.testing.assert_allclose(run.minimum, least_squares_line(X, Y))
    np.testing.assert_allclose(run.distance, np.hypot(*(run.path - run.minimum).T))
    np.testing.assert_allclose(run.cost, [line_cost(w, b, X, Y) for w, b in run.path])


def test_first_step_by_hand(data):
    X, Y = data
    run = run_minibatch_gd(X, Y, 0.2, num_epochs=1, mini_batch_size=10, start=(0.5, -0.5), seed=7)
    # the first mini-batch: the first 10 indices of the epoch's shuffle (one Generator)
    idx = np.random.default_rng(7).permutation(200)[:10]
    x, y = X[0, idx], Y[0, idx]
    r = 0.5 * x - 0.5 - y
    np.testing.assert_allclose(run.path[1], [0.5 - 0.2 * np.mean(r * x), -0.5 - 0.2 * np.mean(r)], rtol=1e-13)


def test_full_batch_matches_plain_gradient_descent_and_converges(data):
    X, Y = data
    run = run_minibatch_gd(X, Y, 0.1, num_epochs=40, mini_batch_size=200, seed=0)
    w, b = -1.0, 4.0
    for k in range(40):
        dw, db = line_gradients(w, b, X, Y)
        w, b = w - 0.1 * dw, b - 0.1 * db
        np.testing.assert_allclose(run.path[k + 1], [w, b], rtol=1e-12)
    # alpha * largest curvature < 1 on this bowl: the distance shrinks at every step
    assert np.all(np.diff(run.distance) < 0)


def test_schedule_is_called_with_epochs_from_one(data):
    X, Y = data
    seen = []

    def schedule(epoch_num):
        seen.append(epoch_num)
        return 0.3 / epoch_num

    run = run_minibatch_gd(X, Y, schedule, num_epochs=4, mini_batch_size=50, seed=0)
    assert seen == [1, 2, 3, 4]  # once per epoch, before its first step
    np.testing.assert_allclose(run.learning_rates, np.repeat([0.3, 0.15, 0.1, 0.075], 4))


def test_same_seed_same_run_other_seed_other_run(data):
    X, Y = data
    a = run_minibatch_gd(X, Y, 0.2, num_epochs=2, seed=1)
    b = run_minibatch_gd(X, Y, 0.2, num_epochs=2, seed=1)
    c = run_minibatch_gd(X, Y, 0.2, num_epochs=2, seed=2)
    np.testing.assert_array_equal(a.path, b.path)
    assert not np.array_equal(a.path, c.path)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_decay_settles_closer_than_a_fixed_rate(data, seed):
    # the lecture's claim, on several shuffles: a fixed alpha keeps wandering, a
    # decaying alpha settles in a tighter region
    X, Y = data
    fixed = run_minibatch_gd(X, Y, 0.2, seed=seed)
    decayed = run_minibatch_gd(X, Y, lambda e: inverse_time_decay(0.2, e, 0.5), seed=seed)
    assert mean_distance_last_epochs(decayed) < mean_distance_last_epochs(fixed) / 3
    # the fixed run has stopped improving: epochs 6-10 and 26-30 wander as far
    early = fixed.distance[(fixed.epoch_position > 5) & (fixed.epoch_position <= 10)].mean()
    assert 0.5 < mean_distance_last_epochs(fixed) / early < 2


def test_run_refuses_bad_arguments(data):
    X, Y = data
    with pytest.raises(ValueError, match=r"learning_rate == 0.0, must be in \(0, inf\)"):
        run_minibatch_gd(X, Y, 0.0)
    with pytest.raises(ValueError, match=r"learning_rate == -0.1, must be in \(0, inf\)"):
        run_minibatch_gd(X, Y, lambda e: -0.1)
    with pytest.raises(ValueError, match=r"start must be \(w, b\)"):
        run_minibatch_gd(X, Y, 0.1, start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match=r"num_epochs == 0"):
        run_minibatch_gd(X, Y, 0.1, num_epochs=0)


def test_mean_distance_last_epochs_by_hand():
    # 3 epochs of 2 steps: points at epochs 0, .5, 1, 1.5, 2, 2.5, 3
    run = NoisyRun(
        path=np.zeros((7, 2)), epoch_position=np.arange(7) / 2, learning_rates=np.ones(6),
        distance=np.array([5.0, 4.0, 3.0, 2.0, 1.0, 0.5, 0.25]), cost=np.zeros(7),
        minimum=np.zeros(2), batches_per_epoch=2,
    )
    assert mean_distance_last_epochs(run, 1) == pytest.approx((0.5 + 0.25) / 2)
    assert mean_distance_last_epochs(run, 2) == pytest.approx((2.0 + 1.0 + 0.5 + 0.25) / 4)
    with pytest.raises(ValueError, match=r"last_epochs == 4, must be in \[1, 3\]"):
        mean_distance_last_epochs(run, 4)


def test_schedule_by_iteration_counts_steps_from_one(data):
    X, Y = data
    seen = []

    def schedule(t):
        seen.append(t)
        return 0.2 / np.sqrt(t)

    run = run_minibatch_gd(X, Y, schedule, num_epochs=2, mini_batch_size=50, seed=0, schedule_by="iteration")
    # 4 mini-batches per epoch, 8 steps: t = 1..8, one call before each step
    assert seen == list(range(1, 9))
    np.testing.assert_allclose(run.learning_rates, 0.2 / np.sqrt(np.arange(1, 9)))
    with pytest.raises(ValueError, match="schedule_by == 'batch', must be 'epoch' or 'iteration'"):
        run_minibatch_gd(X, Y, schedule, schedule_by="batch")
