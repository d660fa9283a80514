"""compare_mini_batch_sizes: the same steps as train, honest clocks, the lecture's sizes."""

import math

import numpy as np
import pytest

from ngopt_course.experiments.batch_size import LECTURE_SIZES, SizeRun, compare_mini_batch_sizes, run_mini_batch_size
from ngopt_course.data import make_moons
from ngopt_course.nn import cost_and_grads, initialize_parameters
from ngopt_course.optimizers import GradientDescent
from ngopt_course.training import train

DIMS = [2, 5, 1]


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=50, noise=0.2, seed=3)


def test_the_steps_are_those_of_train(moons):
    X, Y = moons
    # m = 50, size 16: T = ceil(50 / 16) = 4 steps per epoch; 12 steps = 3 whole epochs.
    run = run_mini_batch_size(X, Y, DIMS, 16, learning_rate=0.5, time_budget=None, max_steps=12, seed=7)
    params, history = train(X, Y, DIMS, GradientDescent(0.5), mini_batch_size=16, num_epochs=3,
                            seed=7, progress=False)
    assert run.steps_per_epoch == 4 and run.num_steps == 12 and run.stop_reason == "max steps"
    np.testing.assert_allclose(run.costs, history.costs, rtol=1e-12)
    for key in params:
        np.testing.assert_allclose(run.params[key], params[key], rtol=1e-12)


def test_whole_set_evaluations(moons):
    X, Y = moons
    run = run_mini_batch_size(X, Y, DIMS, 16, learning_rate=0.5, time_budget=None, max_steps=12,
                              num_evals=4, seed=7)
    # Without a budget: every 12 // 4 = 3 steps, plus the start.
    np.testing.assert_array_equal(run.eval_steps, [0, 3, 6, 9, 12])
    start = initialize_parameters(DIMS, seed=np.random.default_rng(7))
    assert run.eval_costs[0] == pytest.approx(cost_and_grads(X, Y, start)[0], rel=1e-12)
    assert run.final_cost == pytest.approx(cost_and_grads(X, Y, run.params)[0], rel=1e-12)
    assert run.eval_times[0] == 0.0 and np.all(np.diff(run.eval_times) >= 0)
    # an evaluation after step k sees the clock at the end of step k
    np.testing.assert_array_equal(run.eval_times[1:], run.step_times[run.eval_steps[1:] - 1])


def test_the_whole_set_cost_is_computed_in_chunks_without_changing_it():
    X, Y = make_moons(n_samples=2500, noise=0.3, seed=0)     # > 2 chunks of 1024
    run = run_mini_batch_size(X, Y, DIMS, 2500, time_budget=None, max_steps=1, seed=0)
    start = initialize_parameters(DIMS, seed=np.random.default_rng(0))
    assert run.eval_costs[0] == pytest.approx(cost_and_grads(X, Y, start)[0], rel=1e-12)
    # batch gradient descent: one step per epoch, its J{1} is the whole-set cost
    assert run.steps_per_epoch == 1
    assert run.costs[0] == pytest.approx(run.eval_costs[0], rel=1e-12)


@pytest.mark.parametrize("size, expected", [(1, 50), (16, 4), (25, 2), (50, 1), (64, 1)])
def test_steps_per_epoch(moons, size, expected):
    X, Y = moons
    run = run_mini_batch_size(X, Y, DIMS, size, time_budget=None, max_steps=2, seed=0)
    assert run.steps_per_epoch == expected == math.ceil(50 / size)
    assert run.batch_examples == min(size, 50)


def test_examples_processed_counts_the_short_last_mini_batch(moons):
    X, Y = moons
    # size 16 on m = 50: batches of 16, 16, 16, 2; five steps = one epoch (50) + 16
    run = run_mini_batch_size(X, Y, DIMS, 16, time_budget=None, max_steps=5, seed=0)
    assert run.examples_processed == 66
    assert run.epochs == pytest.approx(5 / 4)
    assert run.seconds_per_example == pytest.approx(run.seconds / 66)


def _fake_run(step_times, steps_per_epoch, m=100, size=10):
    n = len(step_times)
    return SizeRun(mini_batch_size=size, m=m, steps_per_epoch=steps_per_epoch, costs=np.ones(n),
                   step_times=np.array(step_times, dtype=float), eval_steps=np.array([0, n]),
                   eval_times=np.array([0.0, step_times[-1]]), eval_costs=np.array([0.7, 0.5]),
                   examples_processed=n * size, params={}, stop_reason="time budget")


def test_time_per_epoch_measured_or_extrapolated():
    # 5 steps of 0.1 s, 10 steps per epoch: no epoch finished -> 0.1 s x 10 = 1.0 s, extrapolated
    partial = _fake_run([0.1, 0.2, 0.3, 0.4, 0.5], steps_per_epoch=10)
    assert not partial.epoch_measured
    assert partial.seconds_per_step == pytest.approx(0.1)
    assert partial.seconds_per_epoch == pytest.approx(1.0)
    # 25 steps: 2 whole epochs ended at 1.0 s and 3.0 s -> mean of the completed epochs 1.5 s
    times = np.concatenate([np.linspace(0.1, 1.0, 10), np.linspace(1.2, 3.0, 10), np.linspace(3.1, 3.5, 5)])
    whole = _fake_run(times, steps_per_epoch=10)
    assert whole.epoch_measured
    assert whole.seconds_per_epoch == pytest.approx(1.5)
    assert whole.seconds == pytest.approx(3.5) and whole.final_cost == 0.5


def test_the_time_budget_stops_the_run(moons):
    X, Y = moons
    run = run_mini_batch_size(X, Y, DIMS, 1, time_budget=0.05, num_evals=5, seed=0)
    assert run.stop_reason == "time budget"
    assert run.seconds >= 0.05
    assert np.all(run.step_times[:-1] < 0.05)         # it stopped at the first step past the budget
    assert np.all(np.diff(run.step_times) > 0)
    assert run.eval_steps[-1] == run.num_steps and run.eval_steps[0] == 0
    assert 2 <= len(run.eval_steps) <= 5 + 2


def test_a_diverging_run_stops_before_the_bad_step():
    X, Y = make_moons(n_samples=40, noise=0.1, seed=0)
    X = X * 1e3
    run = run_mini_batch_size(X, Y, DIMS, 40, learning_rate=1e30, time_budget=None, max_steps=50, seed=0)
    assert run.stop_reason == "diverged"
    assert run.num_steps < 50
    assert np.all(np.isfinite(run.costs))          # no cost of a step taken is inf or NaN
    # the weights kept are those before the bad step; their whole-set cost is what blew up
    assert run.eval_steps[-1] == run.num_steps and not np.isfinite(run.final_cost)


def test_memmapped_float32_data(tmp_path, moons):
    X, Y = moons
    np.save(tmp_path / "X.npy", np.asfortranarray(X.astype(np.float32)))
    Xm = np.load(tmp_path / "X.npy", mmap_mode="r")
    run = run_mini_batch_size(Xm, Y.astype(np.float32), DIMS, 16, time_budget=None, max_steps=4, seed=0)
    assert run.params["W1"].dtype == np.float32
    reference = run_mini_batch_size(X.astype(np.float32), Y, DIMS, 16, time_budget=None, max_steps=4, seed=0)
    np.testing.assert_allclose(run.costs, reference.costs, rtol=1e-6)


def test_compare_starts_every_size_from_the_same_weights(moons):
    X, Y = moons
    runs = compare_mini_batch_sizes(X, Y, DIMS, [1, 16, 50], time_budget=None, max_steps=3, seed=1)
    assert list(runs) == [1, 16, 50]
    starts = {size: run.eval_costs[0] for size, run in runs.items()}
    assert len(set(starts.values())) == 1, starts
    assert [run.steps_per_epoch for run in runs.values()] == [50, 4, 1]


def test_compare_without_a_seed_still_shares_the_initial_weights(moons):
    X, Y = moons
    runs = compare_mini_batch_sizes(X, Y, DIMS, [1, 50], time_budget=None, max_steps=1, seed=None)
    assert runs[1].eval_costs[0] == runs[50].eval_costs[0]


def test_lecture_sizes_are_the_powers_of_two_from_64_to_1024():
    assert LECTURE_SIZES == tuple(2 ** k for k in range(6, 11))


def test_bad_arguments(moons):
    X, Y = moons
    with pytest.raises(ValueError, match="mini_batch_size"):
        run_mini_batch_size(X, Y, DIMS, 0)
    with pytest.raises(ValueError, match="both None"):
        run_mini_batch_size(X, Y, DIMS, 8, time_budget=None)
    with pytest.raises(ValueError, match="time_budget"):
        run_mini_batch_size(X, Y, DIMS, 8, time_budget=-1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        run_mini_batch_size(X, Y, DIMS, 8, learning_rate=0.0)
    X_nan = X.copy()
    X_nan[1, 7] = np.nan
    with pytest.raises(ValueError, match="X has 1 NaN"):
        run_mini_batch_size(X_nan, Y, DIMS, 8)
    with pytest.raises(ValueError, match="layer_dims"):
        run_mini_batch_size(X, Y, [3, 5, 1], 8)
    with pytest.raises(TypeError, match="Generator"):
        compare_mini_batch_sizes(X, Y, DIMS, [1, 8], seed=np.random.default_rng(0))
    with pytest.raises(ValueError, match="empty"):
        compare_mini_batch_sizes(X, Y, DIMS, [])
    with pytest.raises(ValueError, match=r"sizes\[1\]"):
        compare_mini_batch_sizes(X, Y, DIMS, [4, 0])
