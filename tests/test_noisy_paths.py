"""noisy_paths: optimizers on the line's mini-batches, and the summary of a path.

Oracles: batch and mini-batch gradient descent written out by hand with
``line_gradients`` (and ``iter_mini_batches`` with the same Generator), beta = 0 momentum
is gradient descent, and hand-made paths whose wiggle and turn are known.
``noisy.run_minibatch_gd`` is this loop with gradient descent (one loop for the line fit).
"""

import numpy as np
import pytest

from ngopt_course import GradientDescent, Momentum, inverse_time_decay
from ngopt_course.minibatch import iter_mini_batches
from ngopt_course.experiments.noisy import NoisyRun, line_gradients, make_line_data, run_minibatch_gd
from ngopt_course.experiments.noisy_paths import (
    batch_size_paths,
    optimizer_noise_paths,
    path_summary,
    run_minibatch_optimizer,
)


@pytest.fixture(scope="module")
def data():
    return make_line_data(200, seed=0)


def test_batch_gradient_descent_by_hand(data):
    X, Y = data
    run = run_minibatch_optimizer(X, Y, GradientDescent(0.1), num_epochs=3, mini_batch_size=200)
    w, b = -1.0, 4.0
    for k in range(3):
        dw, db = line_gradients(w, b, X, Y)
        w, b = w - 0.1 * dw, b - 0.1 * db
        np.testing.assert_allclose(run.path[k + 1], [w, b], rtol=1e-13)
    assert run.batches_per_epoch == 1 and run.path.shape == (4, 2)


def test_mini_batch_gradient_descent_by_hand(data):
    """Every epoch's shuffle from the one Generator, a step per mini-batch with its own gradient."""
    X, Y = data
    run = run_minibatch_optimizer(X, Y, GradientDescent(0.2), num_epochs=4, mini_batch_size=10, seed=5)
    rng = np.random.default_rng(5)
    w, b, k = -1.0, 4.0, 0
    for _ in range(4):
        for X_t, Y_t in iter_mini_batches(X, Y, 10, rng):
            dw, db = line_gradients(w, b, X_t, Y_t)
            w, b, k = w - 0.2 * dw, b - 0.2 * db, k + 1
            np.testing.assert_allclose(run.path[k], [w, b], rtol=1e-13)
    assert k == 80 and run.path.shape == (81, 2)
    np.testing.assert_allclose(run.distance, np.linalg.norm(run.path - run.minimum, axis=1), rtol=1e-15)


def test_gradient_descent_runner_is_this_loop_with_gradient_descent(data):
    """run_minibatch_gd is the same loop (one loop for the line fit): the same run, bit for bit."""
    X, Y = data
    schedule = lambda e: inverse_time_decay(0.2, e, 0.5)  # noqa: E731
    for alpha, by in ((0.2, "epoch"), (schedule, "epoch"), (schedule, "iteration")):
        mine = run_minibatch_optimizer(X, Y, GradientDescent(0.2 if alpha == 0.2 else 1.0), num_epochs=3,
                                       schedule=None if alpha == 0.2 else alpha, schedule_by=by, seed=5)
        theirs = run_minibatch_gd(X, Y, alpha, num_epochs=3, schedule_by=by, seed=5)
        assert np.array_equal(mine.path, theirs.path) and np.array_equal(mine.learning_rates, theirs.learning_rates)


def test_a_diverging_optimizer_is_refused_naming_its_learning_rate(data):
    X, Y = data
    with pytest.raises(ValueError, match=r"the run diverged .* learning_rate == 1000000\.0"):
        run_minibatch_optimizer(X, Y, Momentum(1e6, 0.9), num_epochs=30)


def test_momentum_with_beta_zero_is_gradient_descent_and_schedule_sets_alpha(data):
    X, Y = data
    schedule = lambda e: inverse_time_decay(0.2, e, 1.0)  # noqa: E731
    gd = run_minibatch_optimizer(X, Y, GradientDescent(1.0), num_epochs=3, schedule=schedule, seed=2)
    mom = run_minibatch_optimizer(X, Y, Momentum(1.0, 0.0), num_epochs=3, schedule=schedule, seed=2)
    np.testing.assert_allclose(mom.path, gd.path, rtol=1e-13)
    np.testing.assert_allclose(gd.learning_rates, np.repeat([0.1, 0.2 / 3, 0.05], 20), rtol=1e-15)


def test_batch_size_paths_take_the_same_number_of_steps(data):
    X, Y = data
    runs = batch_size_paths(X, Y, sizes=(1, 10, None), learning_rate=0.1, num_steps=400)
    assert list(runs) == [1, 10, 200]
    assert all(run.path.shape == (401, 2) for run in runs.values())
    assert [run.batches_per_epoch for run in runs.values()] == [200, 20, 1]
    # the lecture's picture: batch goes straight and arrives, SGD never settles, mini-batch in between
    last = {size: path_summary(run, last_fraction=0.25) for size, run in runs.items()}
    assert path_summary(runs[200]).step_turn > 0.99
    assert last[200].spread < 1e-3
    assert last[1].spread > 3 * last[10].spread > 100 * last[200].spread
    with pytest.raises(ValueError, match="num_steps == 30 is not a whole number of epochs"):
        batch_size_paths(X, Y, sizes=(64,), num_steps=30)


def test_averaging_smooths_and_decay_settles(data):
    X, Y = data
    runs = optimizer_noise_paths(X, Y, num_epochs=30)
    end = {k: path_summary(run, last_fraction=1 / 3) for k, run in runs.items()}
    assert end["gd"].step_turn < 0.1 < 0.6 < end["momentum"].step_turn     # consecutive steps agree
    assert path_summary(runs["momentum"]).wiggle < path_summary(runs["gd"]).wiggle / 2
    assert end["adam_decay"].spread < end["adam"].spread / 3
    np.testing.assert_allclose(runs["adam_decay"].learning_rates[::20],
                               inverse_time_decay(0.1, np.arange(1, 31), 0.3), rtol=1e-15)


def test_path_summary_by_hand():
    straight = np.column_stack([np.arange(5.0), np.zeros(5)])
    zigzag = np.array([[0, 0], [1, 1], [2, 0], [3, 1], [4, 0]], dtype=float)

    def run(path):
        return NoisyRun(path=path, epoch_position=np.arange(len(path)), learning_rates=np.ones(len(path) - 1),
                        distance=np.linalg.norm(path - [4, 0], axis=1), cost=np.zeros(len(path)),
                        minimum=np.array([4.0, 0.0]), batches_per_epoch=1)

    s = path_summary(run(straight))
    assert s.wiggle == 1.0 and s.step_turn == 1.0 and s.spread == pytest.approx((4 + 3 + 2 + 1 + 0) / 5)
    z = path_summary(run(zigzag))
    assert z.wiggle == pytest.approx(4 * np.sqrt(2) / 4) and z.step_turn == pytest.approx(0.0, abs=1e-15)
    half = path_summary(run(straight), last_fraction=0.5)
    assert half.spread == pytest.approx((2 + 1 + 0) / 3)
    with pytest.raises(ValueError, match="last_fraction"):
        path_summary(run(straight), last_fraction=0.0)
    with pytest.raises(TypeError, match="NoisyRun"):
        path_summary(straight)
