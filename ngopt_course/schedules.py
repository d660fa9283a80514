"""Learning-rate decay: the lecture's formulas as plain functions of the epoch.

Epochs are counted from 1, as the lecture counts them (epoch 1 is the first pass through
the data): ``inverse_time_decay(0.2, 1, 1) == 0.1``, not 0.2. Every function accepts a
single epoch (returns a float) or an array of epochs (returns an array), so the same
call fills a table or a plot.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_array, check_int, check_real

__all__ = [
    "inverse_time_decay",
    "exponential_decay",
    "inverse_sqrt_decay",
    "staircase_decay",
    "manual_decay",
    "schedule_lr_decay",
    "tabulate_schedule",
]


def inverse_time_decay(learning_rate0, epoch_num, decay_rate):
    """alpha = alpha0 / (1 + decay_rate * epoch_num).

    Parameters
    ----------
    learning_rate0 : float
        alpha0, > 0.
    epoch_num : int or array of int
        Epoch, counted from 1.
    decay_rate : float
        >= 0 (0 keeps alpha0 forever).

    Notes
    -----
    The arguments come in the order of the Coursera assignment's schedules,
    ``learning_rate0, epoch_num, ...``, the same as ``exponential_decay`` and
    ``schedule_lr_decay``.

    The lecture's table: alpha0 = 0.2, decay_rate = 1 gives 0.1, 0.067, 0.05, 0.04 for
    epochs 1 to 4: the rate decays already in epoch 1. ``schedule_lr_decay`` with
    ``time_interval = 1`` counts its stages from epoch 1 instead (epoch 1 uses alpha0), so
    it equals this formula one epoch earlier: ``schedule_lr_decay(0.5, 5, 1, 1) == 0.1``
    while ``inverse_time_decay(0.5, 5, 1) == 0.5 / 6``, about 0.0833.
    """
    learning_rate0 = check_real(learning_rate0, "learning_rate0", min_val=0.0, closed="neither")
    decay_rate = check_real(decay_rate, "decay_rate", min_val=0.0)
    epoch_num = _check_epoch(epoch_num)
    with np.errstate(over="ignore"):  # decay_rate * epoch_num = inf gives alpha = 0, the limit
        return _out(learning_rate0 / (1.0 + decay_rate * np.asarray(epoch_num, dtype=float)))


def exponential_decay(learning_rate0, epoch_num, base=0.95):
    """alpha = base^epoch_num * alpha0 (the lecture's 0.95^epoch_num * alpha0).

    ``base`` must be in (0, 1].
    """
    learning_rate0 = check_real(learning_rate0, "learning_rate0", min_val=0.0, closed="neither")
    base = check_real(base, "base", min_val=0.0, max_val=1.0, closed="right")
    epoch_num = _check_epoch(epoch_num)
    return _out(base ** np.asarray(epoch_num, dtype=float) * learning_rate0)


def inverse_sqrt_decay(learning_rate0, k, epoch_num):
    """alpha = k / sqrt(epoch_num) * alpha0.

    Pass the iteration number t (counted from 1) as ``epoch_num`` for the lecture's
    per-iteration variant k / sqrt(t) * alpha0.
    """
    learning_rate0 = check_real(learning_rate0, "learning_rate0", min_val=0.0, closed="neither")
    k = check_real(k, "k", min_val=0.0, closed="neither")
    epoch_num = _check_epoch(epoch_num)
    with np.errstate(over="ignore"):  # refused by _out, naming the arguments
        return _out(k / np.sqrt(epoch_num) * learning_rate0, "k * learning_rate0")


def staircase_decay(learning_rate0, drop, epochs_per_drop, epoch_num):
    """A discrete staircase: alpha = alpha0 * drop^floor((epoch_num - 1) / epochs_per_drop).

    Epochs 1..epochs_per_drop use alpha0; the next epochs_per_drop use alpha0 * drop, and
    so on (drop = 0.5 halves the learning rate every ``epochs_per_drop`` epochs).
    """
    learning_rate0 = check_real(learning_rate0, "learning_rate0", min_val=0.0, closed="neither")
    drop = check_real(drop, "drop", min_val=0.0, max_val=1.0, closed="right")
    epochs_per_drop = check_int(epochs_per_drop, "epochs_per_drop", min_val=1)
    epoch_num = _check_epoch(epoch_num)
    steps = (np.asarray(epoch_num) - 1) // epochs_per_drop
    return _out(learning_rate0 * drop ** steps.astype(float))


def manual_decay(learning_rate0, drops, epoch_num):
    """Manual decay: alpha0 until the first drop, then a fraction of alpha0, and so on.

    The lecture's "manual decay" is a person watching the cost flatten and lowering alpha
    by hand; written down afterwards it is this piecewise-constant plan.

    Parameters
    ----------
    learning_rate0 : float
        alpha0, > 0.
    drops : sequence of (first_epoch, fraction)
        In increasing epoch order: from ``first_epoch`` on, alpha = fraction * alpha0.
        ``((8, 1/3), (14, 1/10))`` uses alpha0 for epochs 1-7, alpha0 / 3 for 8-13 and
        alpha0 / 10 from 14 on.
    epoch_num : int or array of int
        Epoch, counted from 1.
    """
    learning_rate0 = check_real(learning_rate0, "learning_rate0", min_val=0.0, closed="neither")
    starts, fractions = [1], [1.0]
    try:
        drops = [tuple(drop) for drop in drops]
    except TypeError:
        raise TypeError(f"drops must be a sequence of (first_epoch, fraction) pairs, got {drops!r}") from None
    for i, drop in enumerate(drops):
        if len(drop) != 2:
            raise TypeError(f"drops[{i}] == {drop!r} must be a pair (first_epoch, fraction)")
        first_epoch, fraction = drop
        starts.append(check_int(first_epoch, f"drops[{i}] first epoch", min_val=starts[-1] + 1))
        fractions.append(check_real(fraction, f"drops[{i}] fraction", min_val=0.0, closed="neither"))
    epoch_num = _check_epoch(epoch_num)
    # the last drop whose first epoch is <= each epoch
    index = np.searchsorted(np.array(starts), epoch_num, side="right") - 1
    with np.errstate(over="ignore"):  # refused by _out, naming the arguments
        return _out(learning_rate0 * np.array(fractions)[index], "fraction * learning_rate0")


# ---------------------------------------------------------------------------
# Shared by the formulas: the epoch's check and the result's
# ---------------------------------------------------------------------------

#: Largest epoch accepted (the largest int64): the formulas turn epochs into floats.
_MAX_EPOCH = np.iinfo(np.int64).max


def _check_epoch(epoch_num, name="epoch_num"):
    """Return epoch_num as an int or an int array, each >= 1 (epochs count from 1)."""
    if isinstance(epoch_num, numbers.Integral) and not isinstance(epoch_num, bool):
        if epoch_num < 1:  # the same message as for arrays: say why 0 is refused
            raise ValueError(
                f"{name} == {int(epoch_num)!r}, must be >= 1: epochs are counted from 1, as in the lecture"
            )
        return check_int(epoch_num, name, min_val=1, max_val=_MAX_EPOCH)
    arr = np.asarray(epoch_num) if isinstance(epoch_num, np.ndarray) else as_array(epoch_num, name)
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):  # [] too
            if arr.size and arr.max() >= 2.0**63:  # would not fit in an int64
                raise ValueError(f"{name} == {arr.max()!r}, must be at most {_MAX_EPOCH}")
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"{name} must be an integer or an array of integers, got {epoch_num!r}")
    if arr.size and arr.min() < 1:
        raise ValueError(
            f"{name} == {int(arr.min())!r}, must be >= 1: epochs are counted from 1, as in the lecture"
        )
    return arr


def _out(value, names="learning_rate0"):
    """The result as a float (or an array); an overflow is refused, naming the arguments to blame."""
    if not np.all(np.isfinite(value)):
        raise ValueError(f"the learning rate overflows (it is {np.max(value)!r}): {names} too large")
    return float(value) if np.ndim(value) == 0 else value


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval):
    """Inverse-time decay in fixed steps: alpha changes once every ``time_interval`` epochs.

    alpha = alpha0 / (1 + decay_rate * floor((epoch_num - 1) / time_interval))

    Parameters
    ----------
    learning_rate0 : float
        alpha0, > 0.
    epoch_num : int or array of int
        Epoch, counted from 1 (as everywhere in the course).
    decay_rate : float
        >= 0 (0 keeps alpha0 forever).
    time_interval : int
        Epochs per stage, >= 1.

    Notes
    -----
    The Coursera assignment "Optimization Methods" writes
    alpha0 / (1 + decay_rate * floor(epoch_num / time_interval)) with its epochs counted
    from 0. The course counts epochs from 1, so it floors ``epoch_num - 1``: the same rate
    on the same pass through the data. With ``time_interval = 1000`` epochs 1-1000 use
    alpha0, epochs 1001-2000 use alpha0 / (1 + decay_rate), and so on: every stage is
    exactly ``time_interval`` epochs long, and the rate drops after epochs 1000, 2000, ...

    With ``time_interval = 1`` the rate drops every epoch, but this is not
    ``inverse_time_decay`` at the same epoch: the stages count from epoch 1 (stage 0 is
    alpha0), while the lecture's formula decays already in epoch 1. At epoch e it is
    ``inverse_time_decay(learning_rate0, e - 1, decay_rate)`` (alpha0 at epoch 1): for
    alpha0 = 0.5, decay_rate = 1, epoch 5, 0.5 / (1 + 4) = 0.1 against 0.5 / 6, about 0.0833.
    """
    learning_rate0 = check_real(learning_rate0, "learning_rate0", min_val=0.0, closed="neither")
    decay_rate = check_real(decay_rate, "decay_rate", min_val=0.0)
    time_interval = check_int(time_interval, "time_interval", min_val=1)
    epoch_num = _check_epoch(epoch_num)
    stages = (np.asarray(epoch_num) - 1) // time_interval
    with np.errstate(over="ignore"):  # decay_rate * stages = inf gives alpha = 0, the limit
        return _out(learning_rate0 / (1.0 + decay_rate * stages.astype(float)))


def tabulate_schedule(schedule, num_epochs):
    """Return ``(epochs, learning_rates)`` for epochs 1..num_epochs of ``schedule(epoch)``.

    ``schedule`` is any callable epoch -> learning rate, e.g.
    ``lambda e: inverse_time_decay(0.2, e, 1.0)``.
    """
    if not callable(schedule):
        raise TypeError(f"schedule must be a function epoch_num -> learning rate, got {schedule!r}")
    num_epochs = check_int(num_epochs, "num_epochs", min_val=1)
    epochs = np.arange(1, num_epochs + 1)
    rates = np.empty(num_epochs)
    for i, e in enumerate(epochs.tolist()):
        rate = schedule(e)
        rates[i] = check_real(rate, f"schedule({e})")  # a number, finite: a NaN rate is a bug
    return epochs, rates
