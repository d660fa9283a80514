"""capstone: the stepped schedule, the decision grid, runs and their summary.

Oracles: the assignment's fixed-interval formula by hand, hand-made networks whose
decision boundary is known (a line, a band), and ``train`` called directly.
"""

import math

import numpy as np
import pytest

from ngopt_course import Adam, GradientDescent, Momentum, accuracy, make_moons, train
from ngopt_course.experiments.capstone import (
    LAYER_DIMS,
    SETTINGS,
    CapstoneRun,
    accuracy_table,
    capstone_optimizer,
    cost_jitter,
    data_bounds,
    decision_grid,
    make_schedule,
    summarize_run,
    train_run,
)


@pytest.fixture(scope="module")
def moons():
    return make_moons(300, 0.2, seed=0)


# ---------------------------------------------------------------------------
# The schedule
# ---------------------------------------------------------------------------

def test_decay_setting_is_the_fixed_interval_schedule_by_hand():
    # alpha0 / (1 + decay_rate * floor((epoch - 1) / 1000)), epochs from 1: stages of exactly
    # 1000 epochs, drops after epochs 1000, 2000, 3000 and 4000
    schedule = make_schedule("decay")
    assert schedule(1) == 0.1 and schedule(1000) == 0.1
    assert schedule(1001) == 0.05 and schedule(2000) == 0.05
    assert schedule(2001) == pytest.approx(0.1 / 3, rel=1e-15)
    assert schedule(4001) == pytest.approx(0.1 / 5, rel=1e-15) and schedule(5000) == pytest.approx(0.02, rel=1e-15)
    rates = schedule(np.arange(1, 5001))
    values, counts = np.unique(rates, return_counts=True)
    assert len(values) == 5 and np.all(counts == 1000)                 # five stages of exactly 1000 epochs
    drops = np.flatnonzero(np.diff(rates) < 0) + 1                     # the last epoch before each drop
    np.testing.assert_array_equal(drops, [1000, 2000, 3000, 4000])
    # the assignment's formula on 0-based epochs gives the same rate on the same pass
    np.testing.assert_allclose(rates, 0.1 / (1 + np.floor(np.arange(0, 5000) / 1000)), rtol=1e-15)


def test_settings_and_their_schedules():
    assert make_schedule("small") is None and make_schedule("large") is None
    schedule = make_schedule("decay")
    assert [schedule(e) for e in (1, 1000, 1001, 2001)] == pytest.approx([0.1, 0.1, 0.05, 0.1 / 3], rel=1e-15)
    assert SETTINGS["small"].learning_rate0 == 0.0007 and SETTINGS["decay"].decay_rate == 1.0
    with pytest.raises(ValueError, match="setting == 'tiny'"):
        make_schedule("tiny")


def test_capstone_optimizers():
    gd, mom, adam = (capstone_optimizer(n, 0.01) for n in ("gd", "momentum", "adam"))
    assert isinstance(gd, GradientDescent) and isinstance(mom, Momentum) and isinstance(adam, Adam)
    assert gd.learning_rate == mom.learning_rate == adam.learning_rate == 0.01
    assert mom.beta == 0.9 and (adam.beta1, adam.beta2, adam.epsilon) == (0.9, 0.999, 1e-8)
    with pytest.raises(ValueError, match="optimizer == 'rmsprop'"):
        capstone_optimizer("rmsprop", 0.01)


# ---------------------------------------------------------------------------
# Bounds and the decision grid
# ---------------------------------------------------------------------------

def test_data_bounds_by_hand():
    X = np.array([[0.0, 2.0, -1.0], [5.0, 3.0, 4.0]])
    assert data_bounds(X, margin=0.5) == ((-1.5, 2.5), (2.5, 5.5))
    assert data_bounds(X, margin=0) == ((-1.0, 2.0), (3.0, 5.0))
    with pytest.raises(ValueError, match=r"shape \(2, m\)"):
        data_bounds(np.zeros((3, 4)))


def test_decision_grid_of_a_line():
    # one layer: z = x1 - x2, label 1 where x1 > x2 (the sigmoid exceeds 0.5 exactly when z > 0)
    params = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.0]])}
    xx, yy, labels = decision_grid(params, ((-1.0, 1.0), (-2.0, 2.0)), num=41)
    assert xx.shape == yy.shape == labels.shape == (41, 41)
    np.testing.assert_allclose(xx[0], np.linspace(-1, 1, 41))
    np.testing.assert_allclose(yy[:, 0], np.linspace(-2, 2, 41))
    np.testing.assert_array_equal(labels, (xx > yy).astype(int))


def test_decision_grid_of_a_relu_band():
    # hidden units relu(x1 - 1) and relu(-x1 - 1); output z = 0.5 - a1 - a2:
    # label 1 exactly where |x1| < 1.5 (whatever x2)
    params = {
        "W1": np.array([[1.0, 0.0], [-1.0, 0.0]]), "b1": np.array([[-1.0], [-1.0]]),
        "W2": np.array([[-1.0, -1.0]]), "b2": np.array([[0.5]]),
    }
    xx, yy, labels = decision_grid(params, ((-3.0, 3.0), (0.0, 1.0)), num=61)
    np.testing.assert_array_equal(labels, (np.abs(xx) < 1.5).astype(int))


@pytest.mark.parametrize("bounds, match", [
    (((0.0, 1.0),), r"bounds must be"),
    (((1.0, 0.0), (0.0, 1.0)), r"the maximum must exceed the minimum"),
    (((0.0, 1.0), (0.0, float("nan"))), r"finite"),
])
def test_decision_grid_refuses_bad_bounds(bounds, match):
    params = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.0]])}
    with pytest.raises(ValueError, match=match):
        decision_grid(params, bounds)
    with pytest.raises(ValueError, match="num == 1"):
        decision_grid(params, ((0.0, 1.0), (0.0, 1.0)), num=1)


# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------

def test_cost_jitter_by_hand():
    costs = np.array([5.0, 1.0, 2.0, 4.0, 3.0])
    assert cost_jitter(costs, last=3) == pytest.approx((1 + 2 + 1) / 3)   # |2-1|, |4-2|, |3-4|
    assert cost_jitter(costs, last=1) == 1.0
    assert cost_jitter(costs, last=100) == pytest.approx((4 + 1 + 2 + 1) / 4)
    with pytest.raises(ValueError, match="at least 2"):
        cost_jitter(np.array([1.0]))


def test_train_run_is_train_plus_a_summary(moons):
    X, Y = moons
    run = train_run(X, Y, "momentum", "decay", num_epochs=12, num=20)
    schedule = make_schedule("decay")
    params, history = train(X, Y, list(LAYER_DIMS), Momentum(0.1), mini_batch_size=64, num_epochs=12,
                            schedule=schedule, seed=3, progress=False)
    assert isinstance(run, CapstoneRun) and run.key == ("momentum", "decay")
    for key in params:
        np.testing.assert_array_equal(run.params[key], params[key])
    np.testing.assert_array_equal(run.epoch_costs, history.epoch_costs)
    assert run.final_cost == history.epoch_costs[-1]
    assert run.accuracy == accuracy(X, Y, params)
    assert run.seconds > 0
    np.testing.assert_array_equal(run.grid[2], decision_grid(params, data_bounds(X), 20)[2])
    assert run.label == "momentum, α0 = 0.1, decayed every 1000 epochs"


def test_summarize_run_and_table(moons):
    X, Y = moons
    params, history = train(X, Y, list(LAYER_DIMS), Adam(0.0007), num_epochs=3, seed=3, progress=False)
    run = summarize_run(X, Y, "adam", "small", params, history, num=10)
    assert math.isnan(run.seconds) and run.grid[2].shape == (10, 10)
    other = train_run(X, Y, "gd", "large", num_epochs=3, num=10)
    table = accuracy_table([run, other]).splitlines()
    assert len(table) == 3 and "accuracy" in table[0]
    assert table[1].startswith("Adam, α = 0.0007") and f"{run.accuracy:.1%}" in table[1]
    assert table[2].startswith("gradient descent, α = 0.1") and f"{other.final_cost:.4f}" in table[2]
    with pytest.raises(ValueError, match="optimizer == 'sgd'"):
        summarize_run(X, Y, "sgd", "small", params, history)
