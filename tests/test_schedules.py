"""Learning-rate decay: the lecture's table, each formula by hand, int and array epochs."""

import numpy as np
import pytest

from ngopt_course.schedules import (
    exponential_decay,
    inverse_sqrt_decay,
    inverse_time_decay,
    schedule_lr_decay,
    staircase_decay,
    tabulate_schedule,
)

# Each schedule as a function of the epoch only, with the hyperparameters used below.
SCHEDULES = {
    "inverse_time": lambda e: inverse_time_decay(0.2, e, 1.0),
    "exponential": lambda e: exponential_decay(0.2, e),
    "inverse_sqrt": lambda e: inverse_sqrt_decay(0.2, 1.0, e),
    "staircase": lambda e: staircase_decay(0.2, 0.5, 10, e),
    "fixed_interval": lambda e: schedule_lr_decay(0.2, e, 1.0, 10),
}
ALL = pytest.mark.parametrize("schedule", list(SCHEDULES.values()), ids=list(SCHEDULES))


def test_lecture_table():
    # alpha0 = 0.2, decay_rate = 1: alpha = 0.2 / (1 + epoch)
    # epoch 1: 0.2/2 = 0.1; 2: 0.2/3 = 0.0667; 3: 0.2/4 = 0.05; 4: 0.2/5 = 0.04
    expected = [0.1, 0.0667, 0.05, 0.04]
    for epoch, alpha in zip([1, 2, 3, 4], expected):
        assert inverse_time_decay(0.2, epoch, 1) == pytest.approx(alpha, abs=5e-5)
    np.testing.assert_allclose(inverse_time_decay(0.2, np.arange(1, 5), 1), [0.1, 0.2 / 3, 0.05, 0.04], rtol=1e-14)


def test_epoch_one_is_already_decayed():
    # Epochs count from 1: the first epoch uses 0.2 / (1 + 1), not alpha0.
    assert inverse_time_decay(0.2, 1, 1.0) == pytest.approx(0.1)


def test_decay_rate_zero_keeps_alpha0():
    np.testing.assert_array_equal(inverse_time_decay(0.3, np.arange(1, 6), 0.0), np.full(5, 0.3))


def test_exponential_by_hand():
    # 0.95^1 * 0.2 = 0.19; 0.95^2 * 0.2 = 0.9025 * 0.2 = 0.1805; 0.95^10 * 0.2 = 0.11975...
    assert exponential_decay(0.2, 1) == pytest.approx(0.19, rel=1e-14)
    assert exponential_decay(0.2, 2) == pytest.approx(0.1805, rel=1e-14)
    assert exponential_decay(0.2, 10) == pytest.approx(0.2 * 0.5987369392383789, rel=1e-12)
    # another base: 0.5^3 * 1.0 = 0.125
    assert exponential_decay(1.0, 3, base=0.5) == 0.125


def test_inverse_sqrt_by_hand():
    # k / sqrt(epoch) * alpha0: 2 / sqrt(4) * 0.1 = 0.1; 2 / sqrt(1) * 0.1 = 0.2; 2 / 3 * 0.1
    assert inverse_sqrt_decay(0.1, 2.0, 4) == pytest.approx(0.1, rel=1e-14)
    assert inverse_sqrt_decay(0.1, 2.0, 1) == pytest.approx(0.2, rel=1e-14)
    assert inverse_sqrt_decay(0.1, 2.0, 9) == pytest.approx(0.2 / 3, rel=1e-14)


def test_staircase_by_hand():
    # alpha0 = 0.2, halved every 10 epochs: epochs 1..10 -> 0.2, 11..20 -> 0.1, 21..30 -> 0.05.
    epochs = np.arange(1, 31)
    expected = np.repeat([0.2, 0.1, 0.05], 10)
    np.testing.assert_allclose(staircase_decay(0.2, 0.5, 10, epochs), expected, rtol=1e-15)
    assert staircase_decay(0.2, 0.5, 10, 10) == 0.2
    assert staircase_decay(0.2, 0.5, 10, 11) == 0.1
    # drop = 1 never drops
    assert staircase_decay(0.2, 1.0, 1, 50) == 0.2


@ALL
def test_int_and_array_epochs(schedule):
    epochs = np.arange(1, 41)
    rates = schedule(epochs)
    assert isinstance(rates, np.ndarray) and rates.shape == (40,)
    singles = [schedule(int(e)) for e in epochs]
    assert all(type(r) is float for r in singles)
    np.testing.assert_array_equal(rates, singles)
    # numpy integers and lists work too
    assert schedule(np.int64(3)) == singles[2]
    np.testing.assert_array_equal(schedule([1, 2, 3]), singles[:3])
    # a 2-D array of epochs keeps its shape
    assert schedule(epochs.reshape(4, 10)).shape == (4, 10)


@ALL
def test_rates_decrease_and_stay_positive(schedule):
    rates = schedule(np.arange(1, 201))
    assert np.all(rates > 0)
    assert np.all(np.diff(rates) <= 0)
    assert rates[-1] < rates[0]


@ALL
@pytest.mark.parametrize("epoch", [0, -3, np.int64(0), [1, 0, 2], np.array([0, 1])])
def test_epoch_zero_refused(schedule, epoch):
    with pytest.raises(ValueError, match=r"epoch_num == -?\d+, must be >= 1: epochs are counted from 1"):
        schedule(epoch)


@ALL
@pytest.mark.parametrize("epoch", [2.5, "3", np.array([1.0, 1.5]), True])
def test_non_integer_epoch_refused(schedule, epoch):
    with pytest.raises(TypeError, match=r"epoch_num must be an integer or an array of integers"):
        schedule(epoch)


def test_integral_float_epochs_accepted():
    # np.linspace or a float array that happens to hold whole numbers is fine.
    np.testing.assert_array_equal(inverse_time_decay(0.2, np.array([1.0, 3.0]), 1.0), [0.1, 0.05])


def test_tabulate_schedule():
    epochs, rates = tabulate_schedule(SCHEDULES["inverse_time"], 4)
    np.testing.assert_array_equal(epochs, [1, 2, 3, 4])
    np.testing.assert_allclose(rates, [0.1, 0.2 / 3, 0.05, 0.04], rtol=1e-14)
    with pytest.raises(ValueError, match=r"num_epochs == 0, must be an integer in \[1, inf\]"):
        tabulate_schedule(SCHEDULES["inverse_time"], 0)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: inverse_time_decay(0.0, 1, 1.0), ValueError, r"learning_rate0 == 0.0, must be in \(0, inf\)"),
        (lambda: inverse_time_decay(-0.2, 1, 1.0), ValueError, r"learning_rate0 == -0.2, must be in \(0, inf\)"),
        (lambda: inverse_time_decay(0.2, 1, -1.0), ValueError, r"decay_rate == -1.0, must be in \[0, inf\)"),
        (lambda: inverse_time_decay(np.nan, 1, 1.0), ValueError, r"learning_rate0 == nan, must be a finite number"),
        (lambda: exponential_decay(0.2, 1, base=0.0), ValueError, r"base == 0.0, must be in \(0, 1\]"),
        (lambda: exponential_decay(0.2, 1, base=1.5), ValueError, r"base == 1.5, must be in \(0, 1\]"),
        (lambda: inverse_sqrt_decay(0.2, 0.0, 1), ValueError, r"k == 0.0, must be in \(0, inf\)"),
        (lambda: staircase_decay(0.2, 0.0, 10, 1), ValueError, r"drop == 0.0, must be in \(0, 1\]"),
        (lambda: staircase_decay(0.2, 0.5, 0, 1), ValueError, r"epochs_per_drop == 0, must be an integer in \[1, inf\]"),
        (lambda: staircase_decay(0.2, 0.5, 2.5, 1), TypeError, r"epochs_per_drop must be an integer, got float 2.5"),
        (lambda: inverse_time_decay("0.2", 1, 1.0), TypeError, r"learning_rate0 must be a real number, got str"),
    ],
)
def test_bad_hyperparameters(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_manual_decay_is_piecewise_constant_from_the_given_epochs():
    from ngopt_course.schedules import manual_decay

    # alpha0 = 0.3 for epochs 1-7, 0.1 for 8-13, 0.03 from 14 on
    rates = manual_decay(0.3, ((8, 1 / 3), (14, 1 / 10)), np.arange(1, 17))
    np.testing.assert_allclose(rates, [0.3] * 7 + [0.1] * 6 + [0.03] * 3)
    assert manual_decay(1.0, (), 5) == 1.0
    with pytest.raises(ValueError, match=r"drops\[1\] first epoch == 3, must be an integer in \[9, inf\]"):
        manual_decay(1.0, ((8, 0.5), (3, 0.1)), 1)
    with pytest.raises(ValueError, match="epochs are counted from 1"):
        manual_decay(1.0, ((8, 0.5),), 0)


def test_fixed_interval_stages_are_exactly_time_interval_epochs():
    # alpha0 = 0.1, decay_rate = 1, every 1000 epochs, epochs 1..5000 (the capstone's plan):
    # 0.1 for epochs 1-1000, 0.1 / 2 for 1001-2000, ..., 0.1 / 5 for 4001-5000.
    epochs = np.arange(1, 5001)
    rates = schedule_lr_decay(0.1, epochs, 1.0, 1000)
    np.testing.assert_array_equal(rates, np.repeat([0.1, 0.1 / 2, 0.1 / 3, 0.1 / 4, 0.1 / 5], 1000))
    assert schedule_lr_decay(0.1, 1000, 1.0, 1000) == 0.1
    assert schedule_lr_decay(0.1, 1001, 1.0, 1000) == 0.05
    # the drops fall after epochs 1000, 2000, 3000, 4000
    np.testing.assert_array_equal(epochs[1:][np.diff(rates) < 0], [1001, 2001, 3001, 4001])


def test_fixed_interval_equals_the_assignments_formula_on_zero_based_epochs():
    # The assignment: alpha0 / (1 + decay_rate * floor(epoch_num / time_interval)), epoch_num from 0.
    zero_based = np.arange(0, 300)
    assignment = 0.3 / (1 + 0.5 * np.floor(zero_based / 7))
    np.testing.assert_allclose(schedule_lr_decay(0.3, zero_based + 1, 0.5, 7), assignment, rtol=1e-15)
    # time_interval = 1 is inverse-time decay on the number of completed epochs
    assert schedule_lr_decay(0.2, 3, 1.0, 1) == 0.2 / 3


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: schedule_lr_decay(0.1, 1, 1.0, 0), ValueError, r"time_interval == 0, must be an integer in \[1, inf\]"),
        (lambda: schedule_lr_decay(0.1, 1, -1.0, 10), ValueError, r"decay_rate == -1.0, must be in \[0, inf\)"),
        (lambda: schedule_lr_decay(0.0, 1, 1.0, 10), ValueError, r"learning_rate0 == 0.0, must be in \(0, inf\)"),
        (lambda: schedule_lr_decay(0.1, 1, 1.0, 2.5), TypeError, r"time_interval must be an integer, got float 2.5"),
    ],
)
def test_fixed_interval_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_schedule_lr_decay_with_interval_1_is_inverse_time_decay_one_epoch_earlier():
    """The relation the docstrings and notebook 07 state: stages count from epoch 1."""
    assert schedule_lr_decay(0.5, 5, 1.0, 1) == pytest.approx(0.1, rel=1e-15)
    assert inverse_time_decay(0.5, 5, 1.0) == pytest.approx(0.5 / 6, rel=1e-15)   # 0.0833
    epochs = np.arange(2, 50)
    np.testing.assert_allclose(schedule_lr_decay(0.5, epochs, 0.7, 1), inverse_time_decay(0.5, epochs - 1, 0.7),
                               rtol=1e-15)
    assert schedule_lr_decay(0.5, 1, 0.7, 1) == 0.5
